/*
 * form.c - the Markdown form parser (libcmark).
 *
 *   # 差旅费报销 | Travel expenses
 *
 *   Help prose in Markdown...
 *
 *   ```field
 *   name: purpose
 *   label: 出差事由 | Trip purpose
 *   type: text
 *   required: yes
 *   max: 200
 *   ```
 *
 *   ```categories
 *   travel.rail
 *   lodging  staff=500.00  manager=800.00  *=1200.00
 *   ```
 */
#include "bursar/form.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/user.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <cmark.h>
#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const type_names[FIELD_TYPE_COUNT] = {
	[FIELD_TEXT] = "text",       [FIELD_MARKDOWN] = "markdown", [FIELD_NUMBER] = "number",
	[FIELD_MONEY] = "money",     [FIELD_DATE] = "date",         [FIELD_DATERANGE] = "daterange",
	[FIELD_CHOICE] = "choice",   [FIELD_PERSON] = "person",     [FIELD_DEPARTMENT] = "department",
	[FIELD_PROJECT] = "project", [FIELD_ATTACHMENT] = "attachment", [FIELD_REFERENCE] = "reference",
};

const char *field_type_name(enum field_type t)
{
	return (unsigned)t < FIELD_TYPE_COUNT ? type_names[t] : "?";
}

int field_type_from_name(const char *name)
{
	for (int t = 0; t < FIELD_TYPE_COUNT; t++)
		if (!strcmp(type_names[t], name))
			return t;
	return -1;
}

void form_problems_init(struct form_problems *p, const char *name, char *errs, size_t size)
{
	p->name = name;
	p->errs = errs;
	p->size = size;
	p->used = errs && size ? strlen(errs) : 0;
	p->count = 0;
}

void form_problem(struct form_problems *p, int line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->count++;
	if (p->errs && p->used < p->size) {
		int n = snprintf(p->errs + p->used, p->size - p->used, "%s:%d: %s\n", p->name, line, msg);
		p->used += n > 0 ? (size_t)n : 0;
		if (p->used >= p->size)
			p->used = p->size - 1;
	}
}

/* Identifiers: a lower-case letter, then letters, digits, '_' or '.'. */
bool form_ident_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= FORM_ID_MAX || !islower((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

void form_label_split(const char *v, char *zh, size_t zs, char *en, size_t es)
{
	const char *bar = strchr(v, '|');
	char tmp[256];

	if (!bar) {
		str_copy(zh, v, zs);
		str_copy(en, v, es);
		return;
	}
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(bar - v), v);
	str_copy(zh, str_trim(tmp), zs);
	str_copy(tmp, bar + 1, sizeof(tmp));
	str_copy(en, str_trim(tmp), es);
}

static bool parse_yes(const char *v, bool *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true")) {
		*out = true;
		return true;
	}
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false")) {
		*out = false;
		return true;
	}
	return false;
}

/* min/max: money for money fields, whole numbers otherwise. */
static bool parse_bound(const struct form_field *fl, const char *v, int64_t *out)
{
	long n;

	if (fl->type == FIELD_MONEY)
		return money_parse(v, out, NULL) == 0;
	if (str_to_int(v, -1000000000L, 1000000000L, &n))
		return false;
	*out = n;
	return true;
}

static void field_line(struct form_problems *p, struct form_field *fl, int line, char *key, char *value, char *seen_min,
		       char *seen_max)
{
	if (!strcmp(key, "name")) {
		if (!form_ident_ok(value))
			form_problem(p, line, "field name `%s` must be lower-case letters, digits or _", value);
		str_copy(fl->name, value, sizeof(fl->name));
	} else if (!strcmp(key, "label")) {
		form_label_split(value, fl->label_zh, sizeof(fl->label_zh), fl->label_en, sizeof(fl->label_en));
	} else if (!strcmp(key, "type")) {
		int t = field_type_from_name(value);
		if (t < 0)
			form_problem(
			    p, line,
			    "unknown type `%s` (text, markdown, number, money, date, daterange, choice, person, "
			    "department, project, attachment, reference)",
			    value);
		else
			fl->type = (enum field_type)t;
	} else if (!strcmp(key, "required")) {
		if (!parse_yes(value, &fl->required))
			form_problem(p, line, "required must be yes or no");
	} else if (!strcmp(key, "min") || !strcmp(key, "max")) {
		/* Checked once the type is known: remember the text. */
		str_copy(!strcmp(key, "min") ? seen_min : seen_max, value, 64);
	} else if (!strcmp(key, "pattern")) {
		regex_t re;
		if (regcomp(&re, value, REG_EXTENDED | REG_NOSUB) != 0)
			form_problem(p, line, "pattern is not a valid regular expression");
		else
			regfree(&re);
		str_copy(fl->pattern, value, sizeof(fl->pattern));
	} else if (!strcmp(key, "options")) {
		char buf[1024], *save = NULL;
		str_copy(buf, value, sizeof(buf));
		fl->noptions = 0;
		for (char *o = strtok_r(buf, "|", &save); o; o = strtok_r(NULL, "|", &save)) {
			if (fl->noptions == FORM_MAX_OPTIONS) {
				form_problem(p, line, "more than %d options", FORM_MAX_OPTIONS);
				break;
			}
			if (*str_trim(o))
				str_copy(fl->options[fl->noptions++], o, sizeof(fl->options[0]));
		}
	} else if (!strcmp(key, "ref")) {
		if (!form_ident_ok(value))
			form_problem(p, line, "ref names a ledger (forms/ledgers/NAME.md)");
		str_copy(fl->ref, value, sizeof(fl->ref));
	} else {
		form_problem(p, line, "unknown key `%s` (name, label, type, required, min, max, pattern, options, ref)",
			     key);
	}
}

void form_field_parse(struct form_problems *p, struct form_field *fields, int *n, int max, const char *text,
		      int first_line, bool ledger)
{
	struct form_field *fl;
	char *copy = xstrdup(text), *rest = copy, *l;
	char seen_min[64] = "", seen_max[64] = "";
	int line = first_line - 1, min_line = first_line, max_line = first_line;

	if (*n == max) {
		form_problem(p, first_line - 1, "more than %d fields", max);
		free(copy);
		return;
	}
	fl = &fields[*n];
	memset(fl, 0, sizeof(*fl));
	fl->line = first_line - 1;
	/* strsep, not strtok: blank lines must still count for line numbers */
	while ((l = strsep(&rest, "\n")) && (line++, true)) {
		char *colon = strchr(l, ':'), *key = l, *value;
		if (!*str_trim(l) || l[0] == '#')
			continue;
		colon = strchr(l, ':');
		if (!colon) {
			form_problem(p, line, "expected `key: value`");
			continue;
		}
		*colon = '\0';
		value = str_trim(colon + 1);
		str_trim(key);
		if (!strcmp(key, "min"))
			min_line = line;
		if (!strcmp(key, "max"))
			max_line = line;
		field_line(p, fl, line, key, value, seen_min, seen_max);
	}
	free(copy);
	if (!fl->name[0]) {
		form_problem(p, fl->line, "field without a name");
		return;
	}
	for (int i = 0; i < *n; i++)
		if (!strcmp(fields[i].name, fl->name))
			form_problem(p, fl->line, "field `%s` is declared twice", fl->name);
	if (ledger && strchr(fl->name, '.'))
		form_problem(p, fl->line, "a ledger's field name `%s` names a column: no `.`", fl->name);
	if (!ledger && (fl->type == FIELD_ATTACHMENT || fl->type == FIELD_REFERENCE))
		form_problem(p, fl->line, "%s fields are for ledger templates (claims attach files to lines)",
			     field_type_name(fl->type));
	if (fl->type == FIELD_REFERENCE && !fl->ref[0])
		form_problem(p, fl->line, "reference field `%s` needs `ref: LEDGER`", fl->name);
	if (fl->type != FIELD_REFERENCE && fl->ref[0])
		form_problem(p, fl->line, "ref is only for reference fields");
	if (!fl->label_zh[0])
		form_label_split(fl->name, fl->label_zh, sizeof(fl->label_zh), fl->label_en, sizeof(fl->label_en));
	if (fl->type == FIELD_CHOICE && fl->noptions == 0)
		form_problem(p, fl->line, "choice field `%s` needs options: a | b | c", fl->name);
	if (fl->type != FIELD_CHOICE && fl->noptions)
		form_problem(p, fl->line, "options are only for choice fields");
	if (seen_min[0] || seen_max[0]) {
		bool bounded = fl->type == FIELD_TEXT || fl->type == FIELD_MARKDOWN || fl->type == FIELD_NUMBER ||
			       fl->type == FIELD_MONEY;
		if (!bounded)
			form_problem(p, seen_min[0] ? min_line : max_line, "min/max do not apply to %s fields",
				     field_type_name(fl->type));
		if (bounded && seen_min[0] && !(fl->has_min = parse_bound(fl, seen_min, &fl->min)))
			form_problem(p, min_line, "min `%s` is not a valid %s", seen_min,
				     fl->type == FIELD_MONEY ? "amount" : "whole number");
		if (bounded && seen_max[0] && !(fl->has_max = parse_bound(fl, seen_max, &fl->max)))
			form_problem(p, max_line, "max `%s` is not a valid %s", seen_max,
				     fl->type == FIELD_MONEY ? "amount" : "whole number");
		if (fl->has_min && fl->has_max && fl->min > fl->max)
			form_problem(p, max_line, "max is smaller than min");
	}
	(*n)++;
}

static void parse_categories(struct form_problems *p, struct form *f, const char *text, int first_line,
			     form_category_known known, void *arg)
{
	char *copy = xstrdup(text), *rest = copy, *l;
	int line = first_line - 1;

	while ((l = strsep(&rest, "\n")) && (line++, true)) {
		char *wsave = NULL, *code;
		struct form_category *c;

		if (!*str_trim(l) || l[0] == '#')
			continue;
		code = strtok_r(l, " \t", &wsave);
		if (f->ncategories == FORM_MAX_CATEGORIES) {
			form_problem(p, line, "more than %d categories", FORM_MAX_CATEGORIES);
			break;
		}
		if (!form_ident_ok(code)) {
			form_problem(p, line, "category code `%s` is not valid", code);
			continue;
		}
		if (known && !known(code, arg)) {
			form_problem(p, line, "unknown category `%s`", code);
			continue;
		}
		c = &f->categories[f->ncategories];
		memset(c, 0, sizeof(*c));
		str_copy(c->code, code, sizeof(c->code));
		c->line = line;
		for (char *w = strtok_r(NULL, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
			char *eq = strchr(w, '=');
			struct form_limit *lim;
			if (!eq || eq == w) {
				form_problem(p, line, "expected RANK=AMOUNT, not `%s`", w);
				continue;
			}
			*eq = '\0';
			if (strcmp(w, "*") && !form_ident_ok(w)) {
				form_problem(p, line, "rank `%s` is not valid", w);
				continue;
			}
			if (c->nlimits == FORM_MAX_LIMITS) {
				form_problem(p, line, "more than %d limits", FORM_MAX_LIMITS);
				break;
			}
			lim = &c->limits[c->nlimits];
			str_copy(lim->rank, w, sizeof(lim->rank));
			if (money_parse(eq + 1, &lim->fen, NULL) || lim->fen <= 0) {
				form_problem(p, line, "limit `%s` is not a positive amount", eq + 1);
				continue;
			}
			c->nlimits++;
		}
		for (int i = 0; i < f->ncategories; i++)
			if (!strcmp(f->categories[i].code, c->code))
				form_problem(p, line, "category `%s` is listed twice", c->code);
		f->ncategories++;
	}
	free(copy);
}

int form_parse(const char *name, const char *text, struct form *f, form_category_known known, void *arg, char *errs,
	       size_t errs_size)
{
	struct form_problems p;
	cmark_node *doc = cmark_parse_document(text, strlen(text), CMARK_OPT_DEFAULT);
	cmark_node *n, *next;
	int categories_blocks = 0;
	bool titled = false;

	form_problems_init(&p, name, errs, errs_size);
	memset(f, 0, sizeof(*f));
	str_copy(f->id, name, sizeof(f->id));
	str_copy(f->workflow, "standard", sizeof(f->workflow));
	for (n = cmark_node_first_child(doc); n; n = next) {
		next = cmark_node_next(n);
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1 && !titled) {
			char *title = cmark_render_commonmark(n, CMARK_OPT_DEFAULT, 0);
			char *t = title + strspn(title, "# ");
			str_trim(t);
			form_label_split(t, f->title_zh, sizeof(f->title_zh), f->title_en, sizeof(f->title_en));
			free(title);
			titled = true;
			cmark_node_free(n); /* not part of the help */
			continue;
		}
		if (cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK || !cmark_node_get_fence_info(n))
			continue;
		if (!strcmp(cmark_node_get_fence_info(n), "field")) {
			form_field_parse(&p, f->fields, &f->nfields, FORM_MAX_FIELDS, cmark_node_get_literal(n),
					 cmark_node_get_start_line(n) + 1, false);
			cmark_node_free(n);
		} else if (!strcmp(cmark_node_get_fence_info(n), "workflow")) {
			char wf[256];
			str_copy(wf, cmark_node_get_literal(n), sizeof(wf));
			str_trim(wf);
			if (!form_ident_ok(wf))
				form_problem(&p, cmark_node_get_start_line(n) + 1,
					     "the workflow block names one workflow file (forms/workflows/NAME.md)");
			else
				str_copy(f->workflow, wf, sizeof(f->workflow));
			cmark_node_free(n);
		} else if (!strcmp(cmark_node_get_fence_info(n), "categories")) {
			if (categories_blocks++)
				form_problem(&p, cmark_node_get_start_line(n), "only one categories block per form");
			else
				parse_categories(&p, f, cmark_node_get_literal(n), cmark_node_get_start_line(n) + 1,
						 known, arg);
			cmark_node_free(n);
		}
	}
	if (!titled || !f->title_zh[0])
		form_problem(&p, 1, "the form needs a title: a first-level heading `# 名称 | Name`");
	if (f->ncategories == 0)
		form_problem(&p, 1, "the form lists no expense categories (a ```categories block)");
	f->help = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
	cmark_node_free(doc);
	return p.count;
}

void form_release(struct form *f)
{
	free(f->help);
	f->help = NULL;
}

/*
 * A login as a directory uid has it: letters, digits, . _ - @ (and
 * non-ASCII letters); no blanks, quotes or other punctuation.
 */
static bool login_plain(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x80 && !isalnum(*p) && !strchr("._-@", *p))
			return false;
	return true;
}

int form_value_check(const struct form_field *fl, const char *label, const char *v, char *canon, size_t canon_size,
		     char *msg, size_t msg_size)
{
	char lo[32], hi[32];
	int64_t n = 0;
	long k;

	if (canon)
		str_copy(canon, v, canon_size);
	if (!*v) {
		if (fl->required)
			return str_printf(msg, msg_size, _("%s is required"), label), BR_ERR_INVALID;
		return BR_OK;
	}
	switch (fl->type) {
	case FIELD_NUMBER:
		if (str_to_int(v, -1000000000L, 1000000000L, &k))
			return str_printf(msg, msg_size, _("%s must be a whole number"), label), BR_ERR_INVALID;
		n = k;
		if (canon)
			snprintf(canon, canon_size, "%ld", k);
		break;
	case FIELD_MONEY:
		if (money_parse(v, &n, NULL))
			return str_printf(msg, msg_size, _("%s must be an amount such as 120.50"), label),
			       BR_ERR_INVALID;
		if (canon)
			money_format(n, canon, canon_size, 0);
		break;
	case FIELD_DATE:
		if (!date_valid(v))
			return str_printf(msg, msg_size, _("%s must be a date YYYY-MM-DD"), label), BR_ERR_INVALID;
		return BR_OK;
	case FIELD_CHOICE:
		for (int i = 0; i < fl->noptions; i++)
			if (!strcmp(fl->options[i], v))
				return BR_OK;
		return str_printf(msg, msg_size, _("%s must be one of the listed choices"), label), BR_ERR_INVALID;
	case FIELD_PERSON:
		if (!user_login_valid(v) || !login_plain(v))
			return str_printf(msg, msg_size, _("%s must be a login name"), label), BR_ERR_INVALID;
		return BR_OK;
	case FIELD_ATTACHMENT: {
		/* only what storing a file writes: "NAME sha256:HASH" */
		const char *h = strstr(v, " sha256:");
		if (!h || h == v || strlen(h + 8) != 64 || strspn(h + 8, "0123456789abcdef") != 64)
			return str_printf(msg, msg_size, _("%s holds a stored file; attach one instead of typing it"),
					  label),
			       BR_ERR_INVALID;
		return BR_OK;
	}
	case FIELD_REFERENCE:
		if (str_to_int(v, 1, 2147483647L, &k))
			return str_printf(msg, msg_size, _("%s must be a record number"), label), BR_ERR_INVALID;
		if (canon)
			snprintf(canon, canon_size, "%ld", k);
		return BR_OK;
	default: n = str_chars(v); break;
	}
	if ((fl->has_min && n < fl->min) || (fl->has_max && n > fl->max)) {
		bool money = fl->type == FIELD_MONEY;
		if (money) {
			money_format(fl->min, lo, sizeof(lo), 0);
			money_format(fl->max, hi, sizeof(hi), 0);
		} else {
			snprintf(lo, sizeof(lo), "%lld", (long long)fl->min);
			snprintf(hi, sizeof(hi), "%lld", (long long)fl->max);
		}
		if (fl->type == FIELD_NUMBER || money)
			str_printf(msg, msg_size, _("%s must be from %s to %s"), label, fl->has_min ? lo : "-",
				   fl->has_max ? hi : "-");
		else if (fl->has_max && n > fl->max)
			str_printf(msg, msg_size, _("%s is longer than %s characters"), label, hi);
		else
			str_printf(msg, msg_size, _("%s needs at least %s characters"), label, lo);
		return BR_ERR_INVALID;
	}
	if (fl->pattern[0]) {
		regex_t re;
		bool bad = false;
		if (regcomp(&re, fl->pattern, REG_EXTENDED | REG_NOSUB) == 0) {
			bad = regexec(&re, v, 0, NULL, 0) != 0;
			regfree(&re);
		}
		if (bad)
			return str_printf(msg, msg_size, _("%s does not have the required format"), label),
			       BR_ERR_INVALID;
	}
	return BR_OK;
}

const char *form_field_label(const struct form_field *field, const char *lang)
{
	if (lang && !strcmp(lang, "en") && field->label_en[0])
		return field->label_en;
	return field->label_zh[0] ? field->label_zh : field->label_en;
}

const char *form_title(const struct form *f, const char *lang)
{
	if (lang && !strcmp(lang, "en") && f->title_en[0])
		return f->title_en;
	return f->title_zh[0] ? f->title_zh : f->title_en;
}

int64_t form_category_limit(const struct form_category *c, const char *rank)
{
	int64_t any = -1;

	for (int i = 0; i < c->nlimits; i++) {
		if (rank && !strcmp(c->limits[i].rank, rank))
			return c->limits[i].fen;
		if (!strcmp(c->limits[i].rank, "*"))
			any = c->limits[i].fen;
	}
	return any;
}

static int cmp_form(const void *a, const void *b)
{
	return strcmp(((const struct form *)a)->id, ((const struct form *)b)->id);
}

int form_dir_load(const char *dir, const char *what, char *errs, size_t errs_size, form_file_cb cb, void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int left_out = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char id[FORM_ID_MAX], path[4200], *text = NULL;
		struct form_problems p;

		if (len < 4 || strcmp(e->d_name + len - 3, ".md") || !strcmp(e->d_name, "README.md"))
			continue;
		form_problems_init(&p, e->d_name, errs, errs_size);
		snprintf(id, sizeof(id), "%.*s", (int)(len - 3), e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (len - 3 >= sizeof(id) || !form_ident_ok(id) || strchr(id, '.')) {
			form_problem(&p, 1, "%s file names are lower-case letters, digits and _ (then .md)", what);
			left_out++;
		} else if (file_read_all(path, 1 << 20, &text)) {
			form_problem(&p, 1, "cannot read the file (or it is larger than 1 MiB)");
			left_out++;
		} else {
			left_out += cb(e->d_name, id, text, arg) != 0;
		}
		free(text);
	}
	closedir(d);
	return left_out;
}

struct form_load {
	struct form_set *set;
	form_category_known known;
	void *arg;
	char *errs;
	size_t errs_size;
};

static int form_load_one(const char *file, const char *id, const char *text, void *arg)
{
	struct form_load *l = arg;
	struct form f;

	/* problems name the file; the form is known by its name without .md */
	if (form_parse(file, text, &f, l->known, l->arg, l->errs, l->errs_size)) {
		form_release(&f);
		return 1;
	}
	str_copy(f.id, id, sizeof(f.id));
	l->set->forms = xrealloc(l->set->forms, sizeof(*l->set->forms) * (size_t)(l->set->n + 1));
	l->set->forms[l->set->n++] = f;
	return 0;
}

int form_set_load(struct form_set *set, const char *dir, form_category_known known, void *arg, char *errs,
		  size_t errs_size)
{
	struct form_load l = { set, known, arg, errs, errs_size };
	int left_out;

	memset(set, 0, sizeof(*set));
	left_out = form_dir_load(dir, "form", errs, errs_size, form_load_one, &l);
	if (set->n > 1)
		qsort(set->forms, (size_t)set->n, sizeof(*set->forms), cmp_form);
	return left_out;
}

const struct form *form_set_find(const struct form_set *set, const char *id)
{
	for (int i = 0; i < set->n; i++)
		if (!strcmp(set->forms[i].id, id))
			return &set->forms[i];
	return NULL;
}

void form_set_release(struct form_set *set)
{
	for (int i = 0; i < set->n; i++)
		form_release(&set->forms[i]);
	free(set->forms);
	memset(set, 0, sizeof(*set));
}
