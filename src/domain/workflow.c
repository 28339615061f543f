/*
 * workflow.c - workflow files (libcmark: ```step blocks), conditions, and
 * the resolution of a workflow into the steps and approvers of one claim.
 */
#include "bursar/workflow.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <cmark.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool parse_approver(struct wf_step *s, char *v)
{
	char *save = NULL, *word = strtok_r(v, " \t", &save), *arg = strtok_r(NULL, " \t", &save);
	long n = 1;
	int r;

	if (!word || strtok_r(NULL, " \t", &save))
		return false;
	if (!strcmp(word, "auto") && !arg) {
		s->approver = WF_AUTO;
	} else if (!strcmp(word, "manager")) {
		if (arg && str_to_int(arg, 1, 10, &n))
			return false;
		s->approver = WF_MANAGER;
		s->levels = (int)n;
	} else if ((!strcmp(word, "any") || !strcmp(word, "all")) && arg) {
		if ((r = role_from_name(arg)) < 0)
			return false;
		s->approver = !strcmp(word, "any") ? WF_ANY_ROLE : WF_ALL_ROLE;
		s->role = (enum role)r;
	} else if (!strcmp(word, "person") && arg && user_login_valid(arg) && strlen(arg) <= USER_LOGIN_MAX) {
		s->approver = WF_PERSON;
		str_copy(s->person, arg, sizeof(s->person));
	} else if (!strcmp(word, "head") && !arg) {
		s->approver = WF_HEAD;
	} else {
		return false;
	}
	return true;
}

static bool parse_op(const char *w, enum wf_op *op)
{
	static const struct {
		const char *s;
		enum wf_op op;
	} ops[] = { { "<", WF_LT }, { "<=", WF_LE }, { ">", WF_GT }, { ">=", WF_GE }, { "=", WF_EQ } };

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(w, ops[i].s)) {
			*op = ops[i].op;
			return true;
		}
	return false;
}

/* One condition: "total <= 200.00", "category travel.air", "no findings" ... */
static const char *parse_cond(struct wf_cond *c, char *term)
{
	char *save = NULL, *word = strtok_r(term, " \t", &save), *rest = save ? str_trim(save) : NULL;

	memset(c, 0, sizeof(*c));
	if (!word)
		return "empty condition";
	if (!strcmp(word, "total")) {
		char *opw = strtok_r(NULL, " \t", &save), *amount = strtok_r(NULL, " \t", &save);
		c->kind = WF_COND_TOTAL;
		if (!opw || !parse_op(opw, &c->op))
			return "total needs one of < <= > >= = and an amount, e.g. total > 5000.00";
		if (!amount || money_parse(amount, &c->fen, NULL) || strtok_r(NULL, " \t", &save))
			return "total needs an amount such as 5,000.00";
		return NULL;
	}
	if (!strcmp(word, "no") && rest && !strcmp(rest, "findings")) {
		c->kind = WF_COND_NO_FINDINGS;
		return NULL;
	}
	if (!strcmp(word, "findings") && (!rest || !*rest)) {
		c->kind = WF_COND_FINDINGS;
		return NULL;
	}
	if (!strcmp(word, "category") || !strcmp(word, "department") || !strcmp(word, "project")) {
		if (!rest || !*rest)
			return "category, department and project need a value";
		c->kind = word[0] == 'c' ? WF_COND_CATEGORY : word[0] == 'd' ? WF_COND_DEPARTMENT : WF_COND_PROJECT;
		str_copy(c->text, rest, sizeof(c->text));
		return NULL;
	}
	return "unknown condition (total, category, department, project, findings, no findings)";
}

static void parse_step(struct form_problems *p, struct workflow *w, const char *text, int first_line)
{
	struct wf_step *s;
	char *copy, *rest, *l;
	int line = first_line - 1;
	bool has_approver = false;

	if (w->nsteps == WF_MAX_STEPS) {
		form_problem(p, first_line - 1, "more than %d steps", WF_MAX_STEPS);
		return;
	}
	s = &w->steps[w->nsteps];
	memset(s, 0, sizeof(*s));
	s->line = first_line - 1;
	copy = rest = xstrdup(text);
	while ((l = strsep(&rest, "\n")) && (line++, true)) {
		char *colon, *key = l, *value;
		if (!*str_trim(l) || l[0] == '#')
			continue;
		if (!(colon = strchr(l, ':'))) {
			form_problem(p, line, "expected `key: value`");
			continue;
		}
		*colon = '\0';
		value = str_trim(colon + 1);
		str_trim(key);
		if (!strcmp(key, "name")) {
			form_label_split(value, s->name_zh, sizeof(s->name_zh), s->name_en, sizeof(s->name_en));
		} else if (!strcmp(key, "approver")) {
			has_approver = parse_approver(s, value);
			if (!has_approver)
				form_problem(
				    p, line,
				    "approver must be auto, manager, manager N, any ROLE, all ROLE, person UID or head "
				    "(roles: staff, approver, finance, admin, auditor)");
		} else if (!strcmp(key, "when")) {
			/* terms are comma-separated, but not at a thousands separator (5,000.00) */
			for (char *v = value; *v; v++)
				if (*v == ',' &&
				    !(v > value && isdigit((unsigned char)v[-1]) && isdigit((unsigned char)v[1])))
					*v = '\x1f';
			char *tsave = NULL;
			for (char *t = strtok_r(value, "\x1f", &tsave); t; t = strtok_r(NULL, "\x1f", &tsave)) {
				const char *why;
				if (s->nconds == WF_MAX_CONDS) {
					form_problem(p, line, "more than %d conditions", WF_MAX_CONDS);
					break;
				}
				if ((why = parse_cond(&s->conds[s->nconds], str_trim(t))))
					form_problem(p, line, "%s", why);
				else
					s->nconds++;
			}
		} else if (!strcmp(key, "sla")) {
			long h;
			if (str_to_int(value, 1, 24 * 365, &h))
				form_problem(p, line, "sla is a number of hours from 1 to 8760");
			else
				s->sla_hours = (int)h;
		} else if (!strcmp(key, "repeat")) {
			if (strcasecmp(value, "yes") && strcasecmp(value, "no"))
				form_problem(p, line, "repeat must be yes or no");
			s->repeat = !strcasecmp(value, "yes");
		} else {
			form_problem(p, line, "unknown key `%s` (name, approver, when, sla, repeat)", key);
		}
	}
	free(copy);
	if (!s->name_zh[0])
		form_problem(p, s->line, "step without a name");
	if (!has_approver)
		form_problem(p, s->line, "step without an approver");
	if (has_approver && s->approver == WF_AUTO && s->nconds == 0)
		form_problem(p, s->line, "an auto step needs a condition (when: ...), or it would approve everything");
	w->nsteps++;
}

int workflow_parse(const char *name, const char *text, struct workflow *w, char *errs, size_t errs_size)
{
	struct form_problems p;
	cmark_node *doc = cmark_parse_document(text, strlen(text), CMARK_OPT_DEFAULT);
	bool titled = false;
	int people = 0;

	form_problems_init(&p, name, errs, errs_size);
	memset(w, 0, sizeof(*w));
	str_copy(w->id, name, sizeof(w->id));
	for (cmark_node *n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1 && !titled) {
			char *title = cmark_render_commonmark(n, CMARK_OPT_DEFAULT, 0);
			char *t = title + strspn(title, "# ");
			form_label_split(str_trim(t), w->title_zh, sizeof(w->title_zh), w->title_en,
					 sizeof(w->title_en));
			free(title);
			titled = true;
		} else if (cmark_node_get_type(n) == CMARK_NODE_CODE_BLOCK && cmark_node_get_fence_info(n) &&
			   !strcmp(cmark_node_get_fence_info(n), "step")) {
			parse_step(&p, w, cmark_node_get_literal(n), cmark_node_get_start_line(n) + 1);
		}
	}
	cmark_node_free(doc);
	if (!titled || !w->title_zh[0])
		form_problem(&p, 1, "the workflow needs a title: a first-level heading `# 名称 | Name`");
	for (int i = 0; i < w->nsteps; i++)
		people += w->steps[i].approver != WF_AUTO;
	if (people == 0)
		form_problem(&p, 1, "the workflow has no step with an approver (a ```step block)");
	return p.count;
}

const char *wf_step_name(const struct wf_step *s, const char *lang)
{
	if (lang && !strcmp(lang, "en") && s->name_en[0])
		return s->name_en;
	return s->name_zh;
}

static int cmp_workflow(const void *a, const void *b)
{
	return strcmp(((const struct workflow *)a)->id, ((const struct workflow *)b)->id);
}

struct workflow_load {
	struct workflow_set *set;
	char *errs;
	size_t errs_size;
};

static int workflow_load_one(const char *file, const char *id, const char *text, void *arg)
{
	struct workflow_load *l = arg;
	struct workflow w;

	if (workflow_parse(file, text, &w, l->errs, l->errs_size))
		return 1;
	str_copy(w.id, id, sizeof(w.id));
	l->set->items = xrealloc(l->set->items, sizeof(*l->set->items) * (size_t)(l->set->n + 1));
	l->set->items[l->set->n++] = w;
	return 0;
}

int workflow_set_load(struct workflow_set *set, const char *dir, char *errs, size_t errs_size)
{
	struct workflow_load l = { set, errs, errs_size };
	int left_out;

	memset(set, 0, sizeof(*set));
	left_out = form_dir_load(dir, "workflow", errs, errs_size, workflow_load_one, &l);
	if (set->n > 1)
		qsort(set->items, (size_t)set->n, sizeof(*set->items), cmp_workflow);
	return left_out;
}

const struct workflow *workflow_set_find(const struct workflow_set *set, const char *id)
{
	for (int i = 0; i < set->n; i++)
		if (!strcmp(set->items[i].id, id))
			return &set->items[i];
	return NULL;
}

void workflow_set_release(struct workflow_set *set)
{
	free(set->items);
	memset(set, 0, sizeof(*set));
}

static bool compare(int64_t a, enum wf_op op, int64_t b)
{
	switch (op) {
	case WF_LT: return a < b;
	case WF_LE: return a <= b;
	case WF_GT: return a > b;
	case WF_GE: return a >= b;
	default: return a == b;
	}
}

bool wf_step_applies(const struct wf_step *s, const struct wf_facts *f)
{
	for (int i = 0; i < s->nconds; i++) {
		const struct wf_cond *c = &s->conds[i];
		bool ok = false;
		switch (c->kind) {
		case WF_COND_TOTAL: ok = compare(f->total, c->op, c->fen); break;
		case WF_COND_CATEGORY:
			for (int k = 0; k < f->ncategories && !ok; k++)
				ok = !strcmp(f->categories[k], c->text);
			break;
		case WF_COND_DEPARTMENT: ok = f->department && !strcmp(f->department, c->text); break;
		case WF_COND_PROJECT: ok = f->project && !strcmp(f->project, c->text); break;
		case WF_COND_FINDINGS: ok = f->nfindings > 0; break;
		case WF_COND_NO_FINDINGS: ok = f->nfindings == 0; break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* Whether uid already approves an earlier resolved step. */
static bool approves_earlier(const struct wf_resolved *out, int n, const char *uid)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < out[i].napprovers; k++)
			if (!strcmp(out[i].approvers[k], uid))
				return true;
	return false;
}

static int fail(char *msg, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return BR_ERR_NOT_FOUND;
}

static int unavailable(char *msg, size_t size)
{
	snprintf(msg, size, "%s", _("the directory did not answer; nothing was submitted, try again in a moment"));
	return BR_ERR_UNAVAILABLE;
}

/*
 * A single approver for a manager, person or head step: the claimant and
 * (unless the step allows it) earlier approvers pass the step one manager
 * level up.
 */
static int single(const struct wf_step *s, const struct wf_facts *f, const struct wf_directory *dir,
		  const struct wf_resolved *out, int n, const char *step, char who[USER_LOGIN_MAX + 1], char *msg,
		  size_t size)
{
	char cur[USER_LOGIN_MAX + 1];
	int rc;

	switch (s->approver) {
	case WF_MANAGER:
		str_copy(cur, f->claimant, sizeof(cur));
		for (int i = 0; i < s->levels; i++)
			if ((rc = dir->manager_of(dir->arg, cur, cur)) == BR_ERR_UNAVAILABLE)
				return unavailable(msg, size);
			else if (rc)
				return fail(msg, size,
					    _("step %s: %s has no manager %d level(s) up in the directory; ask an "
					      "administrator"),
					    step, f->claimant, s->levels);
		break;
	case WF_PERSON:
		if ((rc = dir->person_exists(dir->arg, s->person)) == BR_ERR_UNAVAILABLE)
			return unavailable(msg, size);
		if (rc)
			return fail(msg, size, _("step %s: %s is not in the directory; ask an administrator"), step,
				    s->person);
		str_copy(cur, s->person, sizeof(cur));
		break;
	default:
		if (dir->head_of(dir->arg, f->department ? f->department : "", cur))
			return fail(msg, size, _("step %s: department %s has no head configured; ask an administrator"),
				    step, f->department && *f->department ? f->department : "-");
		break;
	}
	/* ten levels is deeper than any real organisation; it also stops a loop */
	for (int guard = 0; guard < 10; guard++) {
		if (strcmp(cur, f->claimant) && (s->repeat || !approves_earlier(out, n, cur))) {
			str_copy(who, cur, USER_LOGIN_MAX + 1);
			return BR_OK;
		}
		if ((rc = dir->manager_of(dir->arg, cur, cur)) == BR_ERR_UNAVAILABLE)
			return unavailable(msg, size);
		if (rc)
			break;
	}
	return fail(msg, size, _("step %s: nobody above %s can approve it; ask an administrator"), step, f->claimant);
}

int workflow_resolve(const struct workflow *w, const struct wf_facts *facts, const struct wf_directory *dir,
		     const char *lang, struct wf_resolved *out, int *n, char *auto_rule, size_t auto_size, char *msg,
		     size_t msg_size)
{
	*n = 0;
	if (auto_rule && auto_size)
		auto_rule[0] = '\0';
	for (int i = 0; i < w->nsteps; i++) {
		const struct wf_step *s = &w->steps[i];
		const char *name = wf_step_name(s, lang);
		struct wf_resolved *r = &out[*n];
		int ret;

		if (!wf_step_applies(s, facts))
			continue;
		if (s->approver == WF_AUTO) {
			if (auto_rule)
				str_copy(auto_rule, name, auto_size);
			*n = 0;
			return BR_OK;
		}
		memset(r, 0, sizeof(*r));
		str_copy(r->name, name, sizeof(r->name));
		r->sla_hours = s->sla_hours;
		if (s->approver == WF_ANY_ROLE || s->approver == WF_ALL_ROLE) {
			char members[WF_MAX_APPROVERS][USER_LOGIN_MAX + 1];
			int m = 0;
			r->mode = s->approver == WF_ANY_ROLE ? WF_MODE_ANY : WF_MODE_ALL;
			if (dir->role_members(dir->arg, s->role, members, WF_MAX_APPROVERS, &m))
				return unavailable(msg, msg_size);
			for (int k = 0; k < m; k++)
				if (strcmp(members[k], facts->claimant) &&
				    (s->repeat || !approves_earlier(out, *n, members[k])))
					str_copy(r->approvers[r->napprovers++], members[k], sizeof(r->approvers[0]));
			if (r->napprovers == 0) {
				bool others = false;
				for (int k = 0; k < m; k++)
					others |= strcmp(members[k], facts->claimant) != 0;
				if (others)
					continue; /* everyone else in the role approves an earlier step */
				return fail(msg, msg_size,
					    _("step %s: nobody but you holds the role %s; ask an administrator"), name,
					    role_name(s->role));
			}
		} else {
			r->mode = WF_MODE_ONE;
			if ((ret = single(s, facts, dir, out, *n, name, r->approvers[0], msg, msg_size)))
				return ret;
			r->napprovers = 1;
		}
		(*n)++;
	}
	if (*n == 0)
		return fail(msg, msg_size, _("no approval step applies to this claim; ask an administrator"));
	return BR_OK;
}

bool wf_delegation_active(const char *from, const char *to, const char *today)
{
	return from && to && today && date_valid(from) && date_valid(to) && date_valid(today) &&
	       strcmp(from, today) <= 0 && strcmp(today, to) <= 0;
}
