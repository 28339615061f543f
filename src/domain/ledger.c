/*
 * ledger.c - electronic ledgers: filter expressions (parsing, writing
 * back, matching, binding to a template), templates in Markdown, the
 * built-in ledgers, records and their three-way merge.
 */
#include "bursar/ledger.h"
#include "bursar/err.h"
#include "bursar/role.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <cmark.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const op_names[LEDGER_OP_COUNT] = {
	[LEDGER_EQ] = "=", [LEDGER_NE] = "!=", [LEDGER_LT] = "<", [LEDGER_LE] = "<=",
	[LEDGER_GT] = ">", [LEDGER_GE] = ">=", [LEDGER_HAS] = "~",
};

const char *ledger_op_name(enum ledger_op op)
{
	return (unsigned)op < LEDGER_OP_COUNT ? op_names[op] : "?";
}

static bool blank(const char *p)
{
	return *p == ' ' || *p == '\t' || !strncmp(p, "\xe3\x80\x80", 3); /* and the ideographic space */
}

static size_t blank_len(const char *p)
{
	return *p == ' ' || *p == '\t' ? 1 : 3;
}

/* The operator at p and its length in bytes, or 0. */
static size_t op_at(const char *p, enum ledger_op *op)
{
	static const struct {
		const char *text;
		enum ledger_op op;
	} ops[] = {
		{ ">=", LEDGER_GE }, { "<=", LEDGER_LE }, { "!=", LEDGER_NE }, { "=", LEDGER_EQ },
		{ "<", LEDGER_LT },  { ">", LEDGER_GT },  { "~", LEDGER_HAS },
		{ "\xef\xbc\x9d", LEDGER_EQ }, /* ＝ */
		{ "\xef\xbc\x9a", LEDGER_EQ }, /* ： */
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(p, ops[i].text, strlen(ops[i].text))) {
			*op = ops[i].op;
			return strlen(ops[i].text);
		}
	return 0;
}

/* The position of p in text, in characters from 1, for messages. */
static int column(const char *text, const char *p)
{
	int n = 1;

	for (const char *q = text; q < p; q++)
		n += ((unsigned char)*q & 0xc0) != 0x80;
	return n;
}

int ledger_filter_parse(const char *text, struct ledger_filter *f, char *msg, size_t size)
{
	const char *p = text;

	memset(f, 0, sizeof(*f));
	for (;;) {
		struct ledger_cond *c;
		const char *start;
		size_t len, n, k = 0;
		enum ledger_op op = LEDGER_EQ;
		while (*p && blank(p))
			p += blank_len(p);
		if (!*p)
			return BR_OK;
		if (f->n == LEDGER_FILTER_MAX) {
			snprintf(msg, size, _("at most %d conditions"), LEDGER_FILTER_MAX);
			return BR_ERR_INVALID;
		}
		c = &f->conds[f->n];
		/* the field: up to the operator */
		start = p;
		/* '!' only ever starts != : a field never ends with it, so writing back cannot change the operator */
		while (*p && !blank(p) && !op_at(p, &op) && *p != '"' && *p != '!')
			p++;
		len = (size_t)(p - start);
		if (len == 0 || len >= sizeof(c->field)) {
			snprintf(msg, size, _("at %d: a condition starts with a field name, e.g. 部门=财务部"),
				 column(text, start));
			return BR_ERR_INVALID;
		}
		memcpy(c->field, start, len);
		c->field[len] = '\0';
		if (!(n = op_at(p, &op))) {
			snprintf(msg, size, _("at %d: after %s comes an operator: = != < <= > >= ~"), column(text, p),
				 c->field);
			return BR_ERR_INVALID;
		}
		c->op = op;
		p += n;
		/* the value: quoted, or up to the next blank */
		if (*p == '"') {
			const char *q = p++;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				if (k + 1 >= sizeof(c->value)) {
					snprintf(msg, size, _("at %d: the value is too long"), column(text, q));
					return BR_ERR_INVALID;
				}
				c->value[k++] = *p++;
			}
			if (*p != '"') {
				snprintf(msg, size, _("at %d: the quote is not closed"), column(text, q));
				return BR_ERR_INVALID;
			}
			p++;
		} else {
			const char *q = p;
			while (*p && !blank(p)) {
				if (k + 1 >= sizeof(c->value)) {
					snprintf(msg, size, _("at %d: the value is too long"), column(text, q));
					return BR_ERR_INVALID;
				}
				c->value[k++] = *p++;
			}
		}
		c->value[k] = '\0';
		if (*p && !blank(p)) {
			snprintf(msg, size, _("at %d: a blank must separate the conditions"), column(text, p));
			return BR_ERR_INVALID;
		}
		f->n++;
	}
}

void ledger_filter_format(const struct ledger_filter *f, char *out, size_t size)
{
	struct strbuf b = { NULL, 0 };

	for (int i = 0; i < f->n; i++) {
		const struct ledger_cond *c = &f->conds[i];
		bool quote = !c->value[0] || strpbrk(c->value, " \t\"\\") || strstr(c->value, "\xe3\x80\x80");
		strbuf_addf(&b, "%s%s%s", i ? " " : "", c->field, ledger_op_name(c->op));
		if (!quote) {
			strbuf_addf(&b, "%s", c->value);
			continue;
		}
		strbuf_addf(&b, "\"");
		for (const char *p = c->value; *p; p++)
			strbuf_addf(&b, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		strbuf_addf(&b, "\"");
	}
	str_copy(out, b.s ? b.s : "", size);
	free(b.s);
}

bool ledger_cond_matches(const struct ledger_cond *c, const char *value)
{
	int64_t a, b;
	int cmp;

	if (c->op == LEDGER_HAS)
		return str_contains(value, c->value);
	if (money_parse(value, &a, NULL) == BR_OK && money_parse(c->value, &b, NULL) == BR_OK)
		cmp = a < b ? -1 : a > b;
	else
		cmp = strcmp(value, c->value);
	switch (c->op) {
	case LEDGER_EQ: return cmp == 0;
	case LEDGER_NE: return cmp != 0;
	case LEDGER_LT: return cmp < 0;
	case LEDGER_LE: return cmp <= 0;
	case LEDGER_GT: return cmp > 0;
	case LEDGER_GE: return cmp >= 0;
	default: return false;
	}
}

/* ---- templates ---- */

static void roles_parse(struct form_problems *p, int line, const char *v, unsigned *mask)
{
	char buf[256], *save = NULL;

	*mask = 0;
	str_copy(buf, v, sizeof(buf));
	for (char *w = strtok_r(buf, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		int r = role_from_name(w);
		if (r < 0)
			form_problem(p, line, "unknown role `%s` (staff, approver, finance, admin, auditor)", w);
		else
			*mask |= ROLE_BIT(r);
	}
}

/*
 * Calls cb(p, line, key, value, arg) for every `key: value` line of a
 * block; blank lines and # comments skipped.
 */
typedef void (*block_line_cb)(struct form_problems *p, int line, const char *key, const char *value, void *arg);

static void block_lines(struct form_problems *p, const char *text, int first_line, block_line_cb cb, void *arg)
{
	char *copy = xstrdup(text), *rest = copy, *l;
	int line = first_line - 1;

	while ((l = strsep(&rest, "\n")) && (line++, true)) {
		char *colon;
		if (!*str_trim(l) || l[0] == '#')
			continue;
		if (!(colon = strchr(l, ':'))) {
			form_problem(p, line, "expected `key: value`");
			continue;
		}
		*colon = '\0';
		cb(p, line, str_trim(l), str_trim(colon + 1), arg);
	}
	free(copy);
}

static void ledger_line(struct form_problems *p, int line, const char *key, const char *value, void *arg)
{
	struct ledger_template *t = arg;

	if (!strcmp(key, "view"))
		roles_parse(p, line, value, &t->view_roles);
	else if (!strcmp(key, "edit"))
		roles_parse(p, line, value, &t->edit_roles);
	else
		form_problem(p, line, "unknown key `%s` (view, edit)", key);
}

/* What a reminder or action block names by field, resolved once all fields are read. */
struct pending {
	char field[LEDGER_FIELD_MAX];
	char limit[LEDGER_FIELD_MAX];
	char where[512];
	int line;
};

struct rule_ctx {
	struct ledger_rule *r;
	struct pending *pend;
};

static void rule_line(struct form_problems *p, int line, const char *key, const char *value, void *arg)
{
	struct rule_ctx *c = arg;
	struct ledger_rule *r = c->r;
	long n = 0;

	if (!strcmp(key, "name")) {
		if (!form_ident_ok(value))
			form_problem(p, line, "reminder name `%s` must be lower-case letters, digits or _", value);
		str_copy(r->name, value, sizeof(r->name));
	} else if (!strcmp(key, "label")) {
		form_label_split(value, r->label_zh, sizeof(r->label_zh), r->label_en, sizeof(r->label_en));
	} else if (!strcmp(key, "date")) {
		r->kind = LEDGER_RULE_DATE;
		str_copy(c->pend->field, value, sizeof(c->pend->field));
	} else if (!strcmp(key, "within")) {
		if (str_to_int(value, 0, 3660, &n))
			form_problem(p, line, "within is a number of days from 0 to 3660");
		r->within = (int)n;
	} else if (!strcmp(key, "below")) {
		char buf[256], *lt;
		str_copy(buf, value, sizeof(buf));
		r->kind = LEDGER_RULE_BELOW;
		if (!(lt = strchr(buf, '<'))) {
			form_problem(p, line, "below is `FIELD < FIELD` or `FIELD < NUMBER`");
			return;
		}
		*lt = '\0';
		str_copy(c->pend->field, str_trim(buf), sizeof(c->pend->field));
		str_copy(c->pend->limit, str_trim(lt + 1), sizeof(c->pend->limit));
	} else if (!strcmp(key, "where")) {
		str_copy(c->pend->where, value, sizeof(c->pend->where));
	} else {
		form_problem(p, line, "unknown key `%s` (name, label, date, within, below, where)", key);
	}
}

static void action_line(struct form_problems *p, int line, const char *key, const char *value, void *arg)
{
	struct rule_ctx *c = arg;
	struct ledger_action *a = (struct ledger_action *)c->r;

	if (!strcmp(key, "name")) {
		if (!form_ident_ok(value))
			form_problem(p, line, "action name `%s` must be lower-case letters, digits or _", value);
		str_copy(a->name, value, sizeof(a->name));
	} else if (!strcmp(key, "label")) {
		form_label_split(value, a->label_zh, sizeof(a->label_zh), a->label_en, sizeof(a->label_en));
	} else if (!strcmp(key, "workflow")) {
		if (!form_ident_ok(value))
			form_problem(p, line, "workflow names a file in forms/workflows");
		str_copy(a->workflow, value, sizeof(a->workflow));
	} else if (!strcmp(key, "field")) {
		str_copy(c->pend->field, value, sizeof(c->pend->field));
	} else {
		form_problem(p, line, "unknown key `%s` (name, label, workflow, field)", key);
	}
}

static bool numeric_type(enum field_type type)
{
	return type == FIELD_NUMBER || type == FIELD_MONEY;
}

/* Resolves the names a reminder rule gives once the fields are known. */
static void rule_finish(struct form_problems *p, struct ledger_template *t, struct ledger_rule *r,
			const struct pending *pd)
{
	char msg[BR_MSG_MAX];

	if (!r->name[0])
		form_problem(p, pd->line, "reminder without a name");
	if (!r->label_zh[0])
		form_label_split(r->name, r->label_zh, sizeof(r->label_zh), r->label_en, sizeof(r->label_en));
	r->limit_field = -1;
	if (!pd->field[0]) {
		form_problem(p, pd->line, "a reminder needs `date: FIELD` or `below: FIELD < LIMIT`");
		return;
	}
	if ((r->field = ledger_field_find(t, pd->field)) < 0) {
		form_problem(p, pd->line, "reminder `%s`: no field `%s`", r->name, pd->field);
		return;
	}
	if (r->kind == LEDGER_RULE_DATE && t->fields[r->field].type != FIELD_DATE)
		form_problem(p, pd->line, "reminder `%s`: `%s` is not a date field", r->name, pd->field);
	if (r->kind == LEDGER_RULE_BELOW) {
		const struct form_field *f = &t->fields[r->field];
		if (!numeric_type(f->type))
			form_problem(p, pd->line, "reminder `%s`: `%s` is not a number or money field", r->name,
				     pd->field);
		else if ((r->limit_field = ledger_field_find(t, pd->limit)) >= 0) {
			if (t->fields[r->limit_field].type != f->type)
				form_problem(p, pd->line, "reminder `%s`: `%s` and `%s` are not of the same type",
					     r->name, pd->field, pd->limit);
		} else {
			long k = 0;
			bool bad = f->type == FIELD_MONEY ? money_parse(pd->limit, &r->limit, NULL) != BR_OK
							  : str_to_int(pd->limit, -1000000000L, 1000000000L, &k) != 0;
			if (f->type != FIELD_MONEY)
				r->limit = k;
			if (bad)
				form_problem(p, pd->line, "reminder `%s`: `%s` is neither a field nor a number",
					     r->name, pd->limit);
		}
	}
	if (pd->where[0]) {
		struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
		int n;
		if (ledger_filter_parse(pd->where, &r->where, msg, sizeof(msg)) ||
		    ledger_filter_bind(t, &r->where, conds, &n, "en", msg, sizeof(msg)))
			form_problem(p, pd->line, "reminder `%s`: where: %s", r->name, msg);
	}
}

static void action_finish(struct form_problems *p, struct ledger_template *t, struct ledger_action *a,
			  const struct pending *pd)
{
	if (!a->name[0])
		form_problem(p, pd->line, "action without a name");
	if (!a->label_zh[0])
		form_label_split(a->name, a->label_zh, sizeof(a->label_zh), a->label_en, sizeof(a->label_en));
	if (!a->workflow[0])
		form_problem(p, pd->line, "action `%s` needs `workflow: NAME` (forms/workflows/NAME.md)", a->name);
	if ((a->field = ledger_field_find(t, pd->field)) < 0)
		form_problem(p, pd->line, "action `%s` needs `field: FIELD`, the number it takes from", a->name);
	else if (t->fields[a->field].type != FIELD_NUMBER)
		form_problem(p, pd->line, "action `%s`: `%s` is not a number field", a->name, pd->field);
}

int ledger_template_parse(const char *name, const char *text, struct ledger_template *t, char *errs,
			  size_t errs_size)
{
	struct form_problems p;
	cmark_node *doc = cmark_parse_document(text, strlen(text), CMARK_OPT_DEFAULT);
	cmark_node *n, *next;
	struct pending rules[LEDGER_MAX_RULES], actions[LEDGER_MAX_ACTIONS];
	bool titled = false;

	form_problems_init(&p, name, errs, errs_size);
	memset(t, 0, sizeof(*t));
	str_copy(t->id, name, sizeof(t->id));
	t->view_roles = ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_FINANCE) |
			ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR);
	t->edit_roles = ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN);
	for (n = cmark_node_first_child(doc); n; n = next) {
		const char *info;
		int line = cmark_node_get_start_line(n) + 1;
		next = cmark_node_next(n);
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1 && !titled) {
			char *title = cmark_render_commonmark(n, CMARK_OPT_DEFAULT, 0);
			char *tt = title + strspn(title, "# ");
			str_trim(tt);
			form_label_split(tt, t->title_zh, sizeof(t->title_zh), t->title_en, sizeof(t->title_en));
			free(title);
			titled = true;
			cmark_node_free(n);
			continue;
		}
		if (cmark_node_get_type(n) != CMARK_NODE_CODE_BLOCK || !(info = cmark_node_get_fence_info(n)))
			continue;
		if (!strcmp(info, "field")) {
			form_field_parse(&p, t->fields, &t->nfields, FORM_MAX_FIELDS, cmark_node_get_literal(n), line,
					 true);
		} else if (!strcmp(info, "ledger")) {
			block_lines(&p, cmark_node_get_literal(n), line, ledger_line, t);
		} else if (!strcmp(info, "reminder")) {
			struct rule_ctx c;
			if (t->nrules == LEDGER_MAX_RULES) {
				form_problem(&p, line - 1, "more than %d reminders", LEDGER_MAX_RULES);
				goto next;
			}
			memset(&rules[t->nrules], 0, sizeof(rules[0]));
			rules[t->nrules].line = line - 1;
			c.r = &t->rules[t->nrules];
			c.pend = &rules[t->nrules];
			c.r->line = line - 1;
			block_lines(&p, cmark_node_get_literal(n), line, rule_line, &c);
			t->nrules++;
		} else if (!strcmp(info, "action")) {
			struct rule_ctx c;
			if (t->nactions == LEDGER_MAX_ACTIONS) {
				form_problem(&p, line - 1, "more than %d actions", LEDGER_MAX_ACTIONS);
				goto next;
			}
			memset(&actions[t->nactions], 0, sizeof(actions[0]));
			actions[t->nactions].line = line - 1;
			c.r = (struct ledger_rule *)&t->actions[t->nactions];
			c.pend = &actions[t->nactions];
			t->actions[t->nactions].line = line - 1;
			block_lines(&p, cmark_node_get_literal(n), line, action_line, &c);
			t->nactions++;
		} else {
			continue;
		}
	next:
		cmark_node_free(n);
	}
	for (int i = 0; i < t->nfields; i++)
		if (t->fields[i].type == FIELD_DATERANGE)
			form_problem(&p, t->fields[i].line, "daterange fields are for claims; use two date fields");
	for (int i = 0; i < t->nrules; i++)
		rule_finish(&p, t, &t->rules[i], &rules[i]);
	for (int i = 0; i < t->nactions; i++)
		action_finish(&p, t, &t->actions[i], &actions[i]);
	if (!titled || !t->title_zh[0])
		form_problem(&p, 1, "the ledger needs a title: a first-level heading `# 名称 | Name`");
	if (t->nfields == 0)
		form_problem(&p, 1, "the ledger declares no fields (```field blocks)");
	t->view_roles |= t->edit_roles;
	t->help = cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0);
	cmark_node_free(doc);
	return p.count;
}

void ledger_template_release(struct ledger_template *t)
{
	free(t->help);
	t->help = NULL;
}

static const char *pick(const char *zh, const char *en, const char *lang)
{
	if (lang && !strncmp(lang, "en", 2) && en[0])
		return en;
	return zh[0] ? zh : en;
}

const char *ledger_title(const struct ledger_template *t, const char *lang)
{
	return pick(t->title_zh, t->title_en, lang);
}

const char *ledger_rule_label(const struct ledger_rule *r, const char *lang)
{
	return pick(r->label_zh, r->label_en, lang);
}

const char *ledger_action_label(const struct ledger_action *a, const char *lang)
{
	return pick(a->label_zh, a->label_en, lang);
}

int ledger_field_find(const struct ledger_template *t, const char *name)
{
	for (int i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return i;
	for (int i = 0; i < t->nfields; i++)
		if (!strcasecmp(t->fields[i].label_zh, name) ||
		    (t->fields[i].label_en[0] && !strcasecmp(t->fields[i].label_en, name)))
			return i;
	return -1;
}

bool ledger_can_view(const struct ledger_template *t, unsigned roles)
{
	return (t->view_roles & roles) != 0;
}

bool ledger_can_edit(const struct ledger_template *t, unsigned roles)
{
	return !t->builtin && (t->edit_roles & roles) != 0;
}

/* ---- the built-in ledgers ---- */

struct builtin_field {
	const char *name, *label;
	enum field_type type;
};

static void builtin_make(struct ledger_template *t, const char *id, const char *title,
			 const struct builtin_field *fields, int n)
{
	memset(t, 0, sizeof(*t));
	str_copy(t->id, id, sizeof(t->id));
	form_label_split(title, t->title_zh, sizeof(t->title_zh), t->title_en, sizeof(t->title_en));
	t->view_roles = ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR);
	t->builtin = true;
	for (int i = 0; i < n; i++) {
		struct form_field *f = &t->fields[t->nfields++];
		str_copy(f->name, fields[i].name, sizeof(f->name));
		form_label_split(fields[i].label, f->label_zh, sizeof(f->label_zh), f->label_en, sizeof(f->label_en));
		f->type = fields[i].type;
	}
}

static void builtins_add(struct ledger_set *set)
{
	static const struct builtin_field claims[] = {
		{ "number", "单号 | Number", FIELD_TEXT },	   { "title", "事由 | Title", FIELD_TEXT },
		{ "owner", "申请人 | Claimant", FIELD_PERSON },	   { "department", "部门 | Department", FIELD_DEPARTMENT },
		{ "form", "表单 | Form", FIELD_TEXT },		   { "status", "状态 | Status", FIELD_TEXT },
		{ "total", "金额 | Total", FIELD_MONEY },	   { "submitted", "提交日期 | Submitted", FIELD_DATE },
	};
	static const struct builtin_field invoices[] = {
		{ "number", "发票号码 | Number", FIELD_TEXT },	     { "code", "发票代码 | Code", FIELD_TEXT },
		{ "kind", "类型 | Kind", FIELD_TEXT },		     { "date", "开票日期 | Date", FIELD_DATE },
		{ "seller", "销售方 | Seller", FIELD_TEXT },	     { "seller_tax_id", "销售方税号 | Seller tax ID", FIELD_TEXT },
		{ "amount", "金额 | Amount", FIELD_MONEY },	     { "tax", "税额 | Tax", FIELD_MONEY },
		{ "total", "价税合计 | Total", FIELD_MONEY },	     { "owner", "登记人 | Registered by", FIELD_PERSON },
	};

	builtin_make(&set->items[set->n++], LEDGER_BUILTIN_CLAIMS, "费用报销台账 | Expense claims", claims,
		     (int)(sizeof(claims) / sizeof(claims[0])));
	builtin_make(&set->items[set->n++], LEDGER_BUILTIN_INVOICES, "发票台账 | Invoices", invoices,
		     (int)(sizeof(invoices) / sizeof(invoices[0])));
}

struct set_load {
	struct ledger_set *set;
	char *errs;
	size_t errs_size;
	int cap;
};

static int ledger_load_one(const char *file, const char *id, const char *text, void *arg)
{
	struct set_load *l = arg;
	struct ledger_template t;

	if (ledger_template_parse(file, text, &t, l->errs, l->errs_size)) {
		ledger_template_release(&t);
		return 1;
	}
	str_copy(t.id, id, sizeof(t.id));
	static const char *const reserved[] = { LEDGER_BUILTIN_CLAIMS, LEDGER_BUILTIN_INVOICES, "versions", "changes",
						"requests", "sizes" };
	bool taken = strchr(id, '.') != NULL;

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		taken |= !strcmp(id, reserved[i]);
	if (taken) {
		struct form_problems p;
		form_problems_init(&p, file, l->errs, l->errs_size);
		form_problem(&p, 1, "`%s` is the name of a built-in ledger or of the ledgers' own tables", id);
		ledger_template_release(&t);
		return 1;
	}
	if (l->set->n == l->cap) {
		l->cap *= 2;
		l->set->items = xrealloc(l->set->items, (size_t)l->cap * sizeof(*l->set->items));
	}
	l->set->items[l->set->n++] = t;
	return 0;
}

/* By id only: what a file name or a `ref:` names. */
static const struct ledger_template *find_id(const struct ledger_set *set, const char *id)
{
	for (int i = 0; i < set->n; i++)
		if (!strcmp(set->items[i].id, id))
			return &set->items[i];
	return NULL;
}

static int cmp_template(const void *a, const void *b)
{
	return strcmp(((const struct ledger_template *)a)->id, ((const struct ledger_template *)b)->id);
}

int ledger_set_load(struct ledger_set *set, const char *dir, char *errs, size_t errs_size)
{
	struct set_load l = { set, errs, errs_size, 8 };
	int out;

	set->n = 0;
	set->items = xcalloc((size_t)l.cap, sizeof(*set->items));
	builtins_add(set);
	out = form_dir_load(dir, "ledger", errs, errs_size, ledger_load_one, &l);
	if (out < 0)
		out = 0; /* no templates: the built-ins still serve */
	if (set->n > 2) /* the two built-ins stay first */
		qsort(set->items + 2, (size_t)(set->n - 2), sizeof(*set->items), cmp_template);
	/* a reference must name a ledger that loaded */
	for (int i = 0; i < set->n; i++) {
		struct ledger_template *t = &set->items[i];
		for (int k = 0; k < t->nfields; k++) {
			const struct form_field *f = &t->fields[k];
			struct form_problems p;
			if (f->type != FIELD_REFERENCE || find_id(set, f->ref))
				continue;
			char file[FORM_ID_MAX + 4];
			snprintf(file, sizeof(file), "%s.md", t->id);
			form_problems_init(&p, file, errs, errs_size);
			form_problem(&p, f->line, "field `%s` refers to ledger `%s`, which did not load", f->name,
				     f->ref);
			ledger_template_release(t);
			memmove(t, t + 1, (size_t)(set->n - i - 1) * sizeof(*t));
			set->n--;
			out++;
			i = -1; /* others may have referred to it */
			break;
		}
	}
	return out;
}

const struct ledger_template *ledger_set_find(const struct ledger_set *set, const char *name)
{
	for (int i = 0; i < set->n; i++)
		if (!strcmp(set->items[i].id, name))
			return &set->items[i];
	for (int i = 0; i < set->n; i++)
		if (!strcmp(set->items[i].title_zh, name) || !strcasecmp(set->items[i].title_en, name))
			return &set->items[i];
	return NULL;
}

void ledger_set_release(struct ledger_set *set)
{
	for (int i = 0; i < set->n; i++)
		ledger_template_release(&set->items[i]);
	free(set->items);
	set->items = NULL;
	set->n = 0;
}

/* ---- records ---- */

void ledger_record_init(struct ledger_record *r, const struct ledger_template *t)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < FORM_MAX_FIELDS; i++)
		r->values[i] = xstrdup("");
	(void)t;
}

void ledger_record_release(struct ledger_record *r)
{
	for (int i = 0; i < FORM_MAX_FIELDS; i++) {
		free(r->values[i]);
		r->values[i] = NULL;
	}
}

void ledger_record_set(struct ledger_record *r, int i, const char *value)
{
	if (i < 0 || i >= FORM_MAX_FIELDS)
		return;
	free(r->values[i]);
	r->values[i] = xstrdup(value ? value : "");
}

void ledger_record_copy(struct ledger_record *dst, const struct ledger_record *src, const struct ledger_template *t)
{
	char *values[FORM_MAX_FIELDS];

	memcpy(values, dst->values, sizeof(values));
	*dst = *src;
	memcpy(dst->values, values, sizeof(values));
	for (int i = 0; i < FORM_MAX_FIELDS; i++)
		ledger_record_set(dst, i, src->values[i]);
	(void)t;
}

int ledger_value_check(const struct form_field *field, const char *value, char *out, size_t size, const char *lang,
		       char *msg, size_t msg_size)
{
	char buf[LEDGER_VALUE_BYTES];

	str_copy(buf, value, sizeof(buf));
	str_trim(buf);
	if (strlen(value) >= LEDGER_VALUE_BYTES)
		return str_printf(msg, msg_size, _("%s is too long"), form_field_label(field, lang)), BR_ERR_INVALID;
	return form_value_check(field, form_field_label(field, lang), buf, out, size, msg, msg_size);
}

int ledger_record_check(const struct ledger_template *t, struct ledger_record *r, const char *lang, char *msg,
			size_t msg_size, int *bad_field)
{
	char out[LEDGER_VALUE_BYTES];

	for (int i = 0; i < t->nfields; i++) {
		if (ledger_value_check(&t->fields[i], r->values[i], out, sizeof(out), lang, msg, msg_size)) {
			if (bad_field)
				*bad_field = i;
			return BR_ERR_INVALID;
		}
		ledger_record_set(r, i, out);
	}
	return BR_OK;
}

void ledger_versions_release(struct ledger_version *v, int n)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < v[i].nchanges; k++) {
			free(v[i].changes[k].from);
			free(v[i].changes[k].to);
		}
		free(v[i].changes);
	}
	free(v);
}

int ledger_merge(const struct ledger_template *t, const struct ledger_record *base, const struct ledger_record *mine,
		 const struct ledger_record *theirs, struct ledger_record *out, bool both[FORM_MAX_FIELDS])
{
	int n = 0;

	ledger_record_copy(out, theirs, t);
	for (int i = 0; i < t->nfields; i++) {
		bool mine_changed = strcmp(base->values[i], mine->values[i]) != 0;
		bool theirs_changed = strcmp(base->values[i], theirs->values[i]) != 0;
		both[i] = mine_changed && theirs_changed && strcmp(mine->values[i], theirs->values[i]) != 0;
		n += both[i];
		if (mine_changed)
			ledger_record_set(out, i, mine->values[i]);
	}
	return n;
}

/* ---- queries ---- */

/* YYYY, YYYY-MM or YYYY-MM-DD: a date or the start of one, for comparisons. */
static bool date_prefix(const char *v)
{
	size_t n = strlen(v);

	if (n == 10)
		return date_valid(v);
	if (n != 4 && n != 7)
		return false;
	for (size_t i = 0; i < n; i++)
		if (i == 4 ? v[i] != '-' : !(v[i] >= '0' && v[i] <= '9'))
			return false;
	return true;
}

int ledger_filter_bind(const struct ledger_template *t, const struct ledger_filter *f, struct ledger_bound_cond *out,
		       int *n, const char *lang, char *msg, size_t size)
{
	*n = 0;
	for (int i = 0; i < f->n; i++) {
		const struct ledger_cond *c = &f->conds[i];
		struct ledger_bound_cond *b = &out[(*n)++];
		const struct form_field *fl;
		int64_t v;
		long k;

		memset(b, 0, sizeof(*b));
		b->op = c->op;
		str_copy(b->value, c->value, sizeof(b->value));
		b->field = ledger_field_find(t, c->field);
		if (b->field < 0 && (!strcasecmp(c->field, "id") || !strcmp(c->field, "编号"))) {
			b->numeric = true;
			if (c->op == LEDGER_HAS || str_to_int(c->value, 0, INT32_MAX, &k)) {
				snprintf(msg, size, _("%s: a record number compares with a whole number"), c->field);
				return BR_ERR_INVALID;
			}
			continue;
		}
		if (b->field < 0) {
			struct strbuf names = { NULL, 0 };
			for (int k2 = 0; k2 < t->nfields; k2++)
				strbuf_addf(&names, "%s%s", k2 ? ", " : "", form_field_label(&t->fields[k2], lang));
			snprintf(msg, size, _("%s: no such field (%s)"), c->field, names.s ? names.s : "");
			free(names.s);
			return BR_ERR_INVALID;
		}
		fl = &t->fields[b->field];
		switch (fl->type) {
		case FIELD_MONEY:
			if (c->op == LEDGER_HAS || money_parse(c->value, &v, NULL)) {
				snprintf(msg, size, _("%s compares with an amount, e.g. %s>=1000"), c->field, c->field);
				return BR_ERR_INVALID;
			}
			snprintf(b->value, sizeof(b->value), "%lld", (long long)v);
			b->numeric = true;
			break;
		case FIELD_NUMBER:
		case FIELD_REFERENCE:
			if (c->op == LEDGER_HAS || str_to_int(c->value, -1000000000L, 1000000000L, &k)) {
				snprintf(msg, size, _("%s compares with a whole number"), c->field);
				return BR_ERR_INVALID;
			}
			snprintf(b->value, sizeof(b->value), "%ld", k);
			b->numeric = true;
			break;
		case FIELD_DATE:
			if (c->op != LEDGER_HAS && c->value[0] && !date_prefix(c->value)) {
				snprintf(msg, size, _("%s compares with a date YYYY-MM-DD (or YYYY, YYYY-MM)"), c->field);
				return BR_ERR_INVALID;
			}
			/*
			 * A year or a month means all of it: = is "starts with" (a
			 * prefix of four or more characters can only match at the
			 * start), and <= / > take the whole period ("2026-06\x7f" sorts
			 * after every day of June 2026).
			 */
			if (c->op != LEDGER_HAS && c->value[0] && strlen(c->value) < 10) {
				if (c->op == LEDGER_EQ)
					b->op = LEDGER_HAS;
				else if (c->op == LEDGER_NE) {
					snprintf(msg, size, _("%s!= needs a whole date; for a year or month use < and >"),
						 c->field);
					return BR_ERR_INVALID;
				} else if (c->op == LEDGER_LE || c->op == LEDGER_GT)
					snprintf(b->value, sizeof(b->value), "%s\x7f", c->value);
			}
			break;
		default: break;
		}
	}
	return BR_OK;
}

void ledger_query_cursor(struct ledger_query *q, const struct ledger_record *r)
{
	const char *v;
	int64_t fen;

	q->has_cursor = true;
	q->cursor_id = r->id;
	q->cursor_null = false;
	q->cursor_value[0] = '\0';
	if (q->sort < 0 || q->sort >= q->t->nfields)
		return;
	v = r->values[q->sort];
	switch (q->t->fields[q->sort].type) {
	case FIELD_MONEY:
		if (!*v || money_parse(v, &fen, NULL))
			q->cursor_null = true;
		else
			snprintf(q->cursor_value, sizeof(q->cursor_value), "%lld", (long long)fen);
		break;
	case FIELD_NUMBER:
	case FIELD_REFERENCE:
		q->cursor_null = !*v;
		str_copy(q->cursor_value, v, sizeof(q->cursor_value));
		break;
	default: str_copy(q->cursor_value, v, sizeof(q->cursor_value)); break;
	}
}
