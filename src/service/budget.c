/*
 * budget.c - budget use cases for both front ends: listing and changing
 * nodes (finance and admins), CSV import, the live balance a claim's lines
 * leave, spend figures and dashboards, each limited to what the caller may
 * see: their own department, the departments they approve for, or
 * everything for finance, admins and auditors.
 */
#include "bursar/service.h"
#include "internal.h"
#include "bursar/csv.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/role.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

bool service_budget_may_manage(const struct app *app)
{
	return app->user->roles & (ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN));
}

/* ---- scope ---- */

static int add_department(const char *value, void *arg)
{
	struct dept_list *l = arg;

	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], value))
			return 0;
	l->items = xrealloc(l->items, sizeof(*l->items) * (size_t)(l->n + 1));
	l->ptrs = xrealloc(l->ptrs, sizeof(*l->ptrs) * (size_t)(l->n + 1));
	str_copy(l->items[l->n], value, sizeof(l->items[0]));
	l->n++;
	for (int i = 0; i < l->n; i++)
		l->ptrs[i] = l->items[i];
	return 0;
}

int service_visible_departments(struct app *app, struct dept_list *l)
{
	int ret;

	memset(l, 0, sizeof(*l));
	l->all = service_sees_all(app);
	if (l->all) {
		ret = store_departments(app->store, add_department, l);
	} else {
		if (app->user->department[0])
			add_department(app->user->department, l);
		ret = store_approver_departments(app->store, app->user->uid, add_department, l);
	}
	if (ret)
		dept_list_release(l);
	return ret;
}

void dept_list_release(struct dept_list *l)
{
	free(l->items);
	free(l->ptrs);
	memset(l, 0, sizeof(*l));
}

bool dept_list_has(const struct dept_list *l, const char *department)
{
	if (l->all)
		return true;
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->items[i], department))
			return true;
	return false;
}

static void scope_of(const struct dept_list *l, struct spend_scope *sc)
{
	sc->departments = l->ptrs;
	sc->ndepartments = l->all ? -1 : l->n;
}

/* ---- nodes ---- */

static bool node_visible(const struct dept_list *l, const struct budget_node *n)
{
	return l->all || (n->department[0] && dept_list_has(l, n->department));
}

int service_budget_list(struct app *app, const char *period, struct budget_node **nodes, int *n, char *msg, size_t size)
{
	char norm[BUDGET_PERIOD_MAX], from[11] = "", to[11] = "";
	struct dept_list vis;
	int ret, keep = 0;

	*nodes = NULL;
	*n = 0;
	if (period && *period && budget_period_parse(period, norm, from, to))
		return service_fail(
		    BR_ERR_INVALID, msg, size, _("--period: %s"),
		    _("period must be a year (2026), half (2026-H1), quarter (2026-Q4) or month (2026-11)"));
	if ((ret = service_visible_departments(app, &vis)) || (ret = store_budget_nodes(app->store, nodes, n))) {
		dept_list_release(&vis);
		return service_fail(ret, msg, size, _("cannot read the budgets (%s)"), br_strerror(ret));
	}
	for (int i = 0; i < *n; i++) {
		struct budget_node *b = &(*nodes)[i];
		if (!node_visible(&vis, b) || (from[0] && (strcmp(b->to, from) < 0 || strcmp(b->from, to) > 0)))
			continue;
		(*nodes)[keep++] = *b;
	}
	*n = keep;
	dept_list_release(&vis);
	return BR_OK;
}

int service_budget_get(struct app *app, int64_t id, struct budget_node *node, char *msg, size_t size)
{
	struct dept_list vis;
	int ret = store_budget_get(app->store, id, node);

	if (ret == BR_ERR_NOT_FOUND)
		return service_fail(ret, msg, size, _("there is no budget %lld"), (long long)id);
	if (ret)
		return service_fail(ret, msg, size, _("cannot read the budgets (%s)"), br_strerror(ret));
	if ((ret = service_visible_departments(app, &vis)))
		return service_fail(ret, msg, size, _("cannot read the budgets (%s)"), br_strerror(ret));
	if (!node_visible(&vis, node))
		ret = service_fail(BR_ERR_NOT_FOUND, msg, size, _("there is no budget %lld"), (long long)id);
	dept_list_release(&vis);
	return ret;
}

static bool dim_ok(const char *v)
{
	if (strlen(v) >= BUDGET_DIM_MAX)
		return false;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/*
 * Turns in into a node to store: the existing node with the same
 * dimensions and period changed by what in gives, or a new one.  *exists
 * says which.  A message naming the column on a problem.
 */
static int budget_from_input(struct app *app, const struct category_set *cats, const struct budget_input *in,
			     struct budget_node *out, bool *exists, const char **column, char *msg, size_t size)
{
	struct budget_node key = { 0 };
	const char *why;
	int ret;

	*column = "period";
	if (!in->period || budget_period_parse(in->period, key.period, key.from, key.to))
		return service_fail(
		    BR_ERR_INVALID, msg, size, "%s",
		    _("period must be a year (2026), half (2026-H1), quarter (2026-Q4) or month (2026-11)"));
	*column = "department";
	if (!dim_ok(in->department ? in->department : "") || !dim_ok(in->project ? in->project : ""))
		return service_fail(BR_ERR_INVALID, msg, size,
				    _("department and project must be plain text under %d bytes"), BUDGET_DIM_MAX);
	/* without surrounding blanks: " 研发部" must not make a node nothing matches */
	str_copy(key.department, in->department ? in->department : "", sizeof(key.department));
	str_trim(key.department);
	str_copy(key.project, in->project ? in->project : "", sizeof(key.project));
	str_trim(key.project);
	*column = "category";
	if (in->category && *in->category) {
		if (!category_find(cats->items, cats->n, in->category))
			return service_fail(BR_ERR_INVALID, msg, size,
					    _("there is no expense category `%s` (see: forms)"), in->category);
		str_copy(key.category, in->category, sizeof(key.category));
	}
	ret = store_budget_find(app->store, &key, out);
	if (ret && ret != BR_ERR_NOT_FOUND) {
		*column = "";
		return service_fail(ret, msg, size, _("cannot read the budgets (%s)"), br_strerror(ret));
	}
	*exists = ret == BR_OK;
	if (!*exists) {
		*out = key;
		out->mode = BUDGET_BLOCK;
		*column = "amount";
		if (!in->amount || !*in->amount)
			return service_fail(BR_ERR_INVALID, msg, size, "%s", _("a new budget needs an amount"));
	}
	*column = "amount";
	if (in->amount && *in->amount) {
		if (money_parse(in->amount, &out->amount, &why) || out->amount < 0)
			return service_fail(BR_ERR_INVALID, msg, size, _("amount: %s"),
					    out->amount < 0 ? _("must be zero or more") : _(why));
	}
	*column = "mode";
	if (in->mode && *in->mode) {
		int m = budget_mode_from_name(in->mode);
		if (m < 0)
			return service_fail(BR_ERR_INVALID, msg, size, "%s", _("mode must be block, warn or track"));
		out->mode = (enum budget_mode)m;
	}
	*column = "overrun";
	if (in->overrun && *in->overrun && budget_overrun_parse(in->overrun, &out->overrun_bp))
		return service_fail(BR_ERR_INVALID, msg, size, "%s", _("overrun must be a percentage from 0 to 100"));
	if (in->frozen >= 0)
		out->frozen = in->frozen;
	*column = "";
	if ((why = budget_node_check(out)))
		return service_fail(BR_ERR_INVALID, msg, size, "%s", _(why));
	return BR_OK;
}

static bool same_settings(const struct budget_node *a, const struct budget_node *b)
{
	return a->amount == b->amount && a->mode == b->mode && a->overrun_bp == b->overrun_bp && a->frozen == b->frozen;
}

static bool blank(const char *s)
{
	while (s && (*s == ' ' || *s == '\t'))
		s++;
	return !s || !*s;
}

int service_budget_set(struct app *app, const struct budget_input *in, const char *reason, struct budget_node *out,
		       bool *created, char *msg, size_t size)
{
	struct category_set cats = { 0 };
	struct budget_node before;
	const char *column;
	bool exists = false;
	int ret;

	*created = false;
	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("budgets are set by finance and admins"));
	if ((ret = store_categories_load(app->store, &cats)))
		return service_fail(ret, msg, size, _("cannot read the expense categories (%s)"), br_strerror(ret));
	ret = budget_from_input(app, &cats, in, out, &exists, &column, msg, size);
	category_set_release(&cats);
	if (ret)
		return ret;
	if (exists) {
		if (store_budget_find(app->store, out, &before) == BR_OK && same_settings(&before, out))
			return BR_OK; /* nothing to change */
		if (blank(reason))
			return service_fail(BR_ERR_INVALID, msg, size, "%s", _("changing a budget needs a reason"));
	}
	if ((ret = store_budget_set(app->store, out, app->user->uid, reason, created)))
		return service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	return BR_OK;
}

int service_budget_freeze(struct app *app, int64_t id, bool frozen, const char *reason, char *msg, size_t size)
{
	struct budget_node n;
	int ret;

	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("budgets are set by finance and admins"));
	if ((ret = service_budget_get(app, id, &n, msg, size)))
		return ret;
	if ((ret = store_budget_freeze(app->store, id, frozen, app->user->uid, reason)))
		return service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	return BR_OK;
}

/* ---- import ---- */

static const struct {
	const char *key;
	const char *zh;
} import_columns[] = {
	{ "department", "部门" },  { "project", "项目" }, { "category", "类别" },
	{ "period", "期间" },      { "amount", "金额" },  { "mode", "控制方式" },
	{ "overrun", "超支比例" }, { "frozen", "冻结" },  { "reason", "原因" },
};

static int column_index(const char *name)
{
	for (size_t i = 0; i < sizeof(import_columns) / sizeof(import_columns[0]); i++)
		if (!strcasecmp(name, import_columns[i].key) || !strcmp(name, import_columns[i].zh))
			return (int)i;
	return -1;
}

void service_problem_add(struct import_problem **list, int *n, int row, int line, const char *column,
			 const char *message)
{
	struct import_problem *p;

	*list = xrealloc(*list, sizeof(**list) * (size_t)(*n + 1));
	p = &(*list)[(*n)++];
	p->row = row;
	p->line = line;
	str_copy(p->column, column ? column : "", sizeof(p->column));
	str_copy(p->message, message, sizeof(p->message));
}

static void problem_add(struct budget_import *r, int row, int line, const char *column, const char *message)
{
	service_problem_add(&r->problems, &r->nproblems, row, line, column, message);
}

static int parse_frozen(const char *v)
{
	if (!*v)
		return -1;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "是"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "否"))
		return 0;
	return -2;
}

int service_budget_import(struct app *app, const char *data, size_t len, const char *reason, struct budget_import *r,
			  char *msg, size_t size)
{
	struct csv_table t = { 0 };
	struct category_set cats = { 0 };
	struct budget_node *nodes = NULL;
	char **reasons = NULL;
	int col[16], ncols, failed = -1, ret;

	memset(r, 0, sizeof(*r));
	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("budgets are set by finance and admins"));
	if (csv_table_parse(data, len, &t, msg, size))
		return BR_ERR_INVALID;
	if (t.nrows < 2 || t.nrows > 10001 || t.rows[0].nfields > 16) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("expected a header row and 1 to %d budgets"), 10000);
		goto out;
	}
	ncols = t.rows[0].nfields;
	for (int c = 0; c < ncols; c++)
		if ((col[c] = column_index(str_trim(t.rows[0].fields[c]))) < 0) {
			ret = service_fail(BR_ERR_INVALID, msg, size,
					   _("unknown column `%s` in the header (department, project, category, period,"
					     " amount, mode, overrun, frozen, reason)"),
					   t.rows[0].fields[c]);
			goto out;
		}
	if ((ret = store_categories_load(app->store, &cats))) {
		service_fail(ret, msg, size, _("cannot read the budgets (%s)"), br_strerror(ret));
		goto out;
	}
	r->rows = t.nrows - 1;
	nodes = xcalloc((size_t)t.nrows, sizeof(*nodes));
	reasons = xcalloc((size_t)t.nrows, sizeof(*reasons));
	for (int i = 1; i < t.nrows; i++) {
		const struct csv_row *row = &t.rows[i];
		const char *v[9] = { 0 };
		struct budget_input in = { .frozen = -1 };
		struct budget_node before;
		const char *column = "";
		char m[BR_MSG_MAX];
		bool exists = false;
		if (row->nfields != ncols) {
			snprintf(m, sizeof(m), _("%d columns, the header has %d"), row->nfields, ncols);
			problem_add(r, i, row->line, NULL, m);
			continue;
		}
		for (int c = 0; c < ncols; c++)
			v[col[c]] = str_trim(row->fields[c]);
		in.department = v[0], in.project = v[1], in.category = v[2], in.period = v[3];
		in.amount = v[4], in.mode = v[5], in.overrun = v[6];
		if (v[7] && (in.frozen = parse_frozen(v[7])) == -2) {
			problem_add(r, i, row->line, "frozen", _("frozen must be yes or no"));
			continue;
		}
		reasons[r->nnodes] = (char *)(v[8] && *v[8] ? v[8] : reason ? reason : "");
		if (budget_from_input(app, &cats, &in, &nodes[r->nnodes], &exists, &column, m, sizeof(m))) {
			problem_add(r, i, row->line, column, m);
			continue;
		}
		if (exists && store_budget_find(app->store, &nodes[r->nnodes], &before) == BR_OK &&
		    !same_settings(&before, &nodes[r->nnodes]) && blank(reasons[r->nnodes])) {
			problem_add(r, i, row->line, "reason", _("changing a budget needs a reason"));
			continue;
		}
		for (int k = 0; k < r->nnodes; k++)
			if (!strcmp(nodes[k].department, nodes[r->nnodes].department) &&
			    !strcmp(nodes[k].project, nodes[r->nnodes].project) &&
			    !strcmp(nodes[k].category, nodes[r->nnodes].category) &&
			    !strcmp(nodes[k].period, nodes[r->nnodes].period)) {
				problem_add(r, i, row->line, "period", _("the same budget appears twice in this file"));
				exists = true, column = NULL;
				break;
			}
		if (column)
			r->nnodes++;
	}
	if (r->nproblems) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("nothing imported: %d of %d rows have problems"),
				   r->nproblems, r->rows);
		goto out;
	}
	ret = store_budget_import(app->store, nodes, r->nnodes, app->user->uid, (const char *const *)reasons, &failed,
				  &r->created);
	if (ret) {
		service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
		r->nnodes = 0;
	}
out:
	category_set_release(&cats);
	csv_table_free(&t);
	free(nodes);
	free(reasons);
	return ret;
}

void budget_import_release(struct budget_import *r)
{
	free(r->problems);
	memset(r, 0, sizeof(*r));
}

/* ---- live balance ---- */

/* The nodes c's lines can match (department's and company-wide, in the lines' dates). */
static int claim_nodes(struct app *app, const struct claim *c, const char *department, struct budget_node **nodes,
		       int *n)
{
	char from[11], to[11];

	budget_claim_window(c, from, to);
	return store_budget_nodes_for(app->store, department, from, to, nodes, n);
}

/* How far node b is from its limit after used more; frozen and track nodes never bind, and frozen binds first. */
static int64_t headroom(const struct budget_node *b, int64_t used)
{
	if (b->frozen)
		return INT64_MIN;
	if (b->mode == BUDGET_TRACK)
		return INT64_MAX;
	return budget_limit(b) - b->committed - b->actual - used;
}

int service_budget_preview(struct app *app, const struct claim *c, struct budget_line_view *v)
{
	struct budget_node *nodes = NULL;
	int n = 0, ret;
	/* a claim that holds money is in its nodes' figures already */
	bool counted = c->status == CLAIM_SUBMITTED || c->status == CLAIM_APPROVED || c->status == CLAIM_EXPORTED ||
		       c->status == CLAIM_PAID;
	const char *department = c->department[0] ? c->department : app->user->department;
	const char *project = claim_value(c, "project");

	for (int i = 0; i < c->nlines; i++)
		v[i].node = -1;
	if ((ret = claim_nodes(app, c, department, &nodes, &n)))
		return ret;
	for (int i = 0; i < c->nlines; i++) {
		struct budget_facts f = { department, project, c->lines[i].category, c->lines[i].date };
		int spec = budget_match(nodes, n, &f), best = -1;
		int64_t best_used = 0, best_room = 0;
		const struct budget_node *b;
		if (spec < 0 || !strcmp(c->lines[i].category, CATEGORY_ADVANCE))
			continue;
		/* of every node the line counts against, show the one nearest its limit (ties: the most specific) */
		for (int k = 0; k < n; k++) {
			int64_t used = 0, room;
			if (!budget_node_matches(&nodes[k], &f))
				continue;
			for (int j = 0; j <= i && !counted; j++) {
				struct budget_facts g = { department, project, c->lines[j].category, c->lines[j].date };
				if (budget_node_matches(&nodes[k], &g))
					used += c->lines[j].amount;
			}
			room = headroom(&nodes[k], used);
			if (best < 0 || room < best_room || (room == best_room && k == spec)) {
				best = k;
				best_used = used;
				best_room = room;
			}
		}
		b = &nodes[best];
		v[i].node = best;
		budget_node_label(b, v[i].label, sizeof(v[i].label));
		str_copy(v[i].period, b->period, sizeof(v[i].period));
		v[i].mode = b->mode;
		v[i].frozen = b->frozen;
		v[i].left = budget_available(b) - best_used;
		v[i].over_limit = b->committed + b->actual + best_used > budget_limit(b);
	}
	free(nodes);
	return BR_OK;
}

int service_budget_review(struct app *app, struct claim *c)
{
	struct budget_node *nodes = NULL;
	struct budget_charge *ch;
	struct budget_verdict *v;
	int n = 0, nch, nv = 0, blocking = 0, ret;

	if (c->status != CLAIM_DRAFT)
		return BR_OK; /* its findings were made when it was submitted */
	if ((ret = claim_nodes(app, c, c->department[0] ? c->department : app->user->department, &nodes, &n)))
		return ret;
	ch = xcalloc((size_t)n + 1, sizeof(*ch));
	v = xcalloc((size_t)n + 1, sizeof(*v));
	nch = budget_plan(nodes, n, c, c->department[0] ? c->department : app->user->department, ch, n + 1, NULL);
	if (nch > 0)
		nv = budget_evaluate(nodes, ch, nch, v, &blocking);
	budget_findings(c, nodes, v, nv);
	free(ch);
	free(v);
	free(nodes);
	return blocking;
}

/* ---- spend and dashboards ---- */

static int collect_spend(const struct spend_row *r, void *arg)
{
	struct spend_list *l = arg;

	l->rows = xrealloc(l->rows, sizeof(*l->rows) * (size_t)(l->n + 1));
	l->rows[l->n++] = *r;
	return 0;
}

int service_spend(struct app *app, enum spend_by by, const char *period, struct spend_list *out, char *msg, size_t size)
{
	char norm[BUDGET_PERIOD_MAX], from[11], to[11];
	struct spend_scope sc = { 0 };
	struct dept_list vis;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!period || budget_period_parse(period, norm, from, to))
		return service_fail(
		    BR_ERR_INVALID, msg, size, _("--period: %s"),
		    _("period must be a year (2026), half (2026-H1), quarter (2026-Q4) or month (2026-11)"));
	if ((ret = service_visible_departments(app, &vis)))
		return service_fail(ret, msg, size, _("cannot read the claims (%s)"), br_strerror(ret));
	str_copy(out->period, norm, sizeof(out->period));
	str_copy(out->from, from, sizeof(out->from));
	str_copy(out->to, to, sizeof(out->to));
	sc.from = from;
	sc.to = to;
	scope_of(&vis, &sc);
	if ((ret = store_spend(app->store, by, &sc, collect_spend, out)))
		service_fail(ret, msg, size, _("cannot read the claims (%s)"), br_strerror(ret));
	out->all = vis.all;
	dept_list_release(&vis);
	return ret;
}

void spend_list_release(struct spend_list *l)
{
	free(l->rows);
	memset(l, 0, sizeof(*l));
}

int service_dashboard_keys(struct app *app, bool projects, struct dept_list *out)
{
	int ret;

	if (!projects)
		return service_visible_departments(app, out);
	memset(out, 0, sizeof(*out));
	out->all = true;
	if ((ret = store_projects(app->store, add_department, out)))
		dept_list_release(out);
	return ret;
}

/* The first and last day of the 12 months ending with the month of to. */
static void trend_months(const char *to, char months[DASH_TREND][8], char *from)
{
	int y = atoi(to), m = atoi(to + 5);

	for (int i = DASH_TREND - 1; i >= 0; i--) {
		snprintf(months[i], 8, "%04d-%02d", y, m);
		if (--m == 0)
			m = 12, y--;
	}
	snprintf(from, 11, "%s-01", months[0]);
}

int service_dashboard(struct app *app, bool project, const char *key, const char *period, struct dashboard *d,
		      char *msg, size_t size)
{
	struct spend_scope sc = { 0 };
	struct spend_list l = { 0 };
	struct budget_node *nodes = NULL;
	struct dept_list vis;
	char now[32], trend_from[11];
	int n = 0, ret;

	memset(d, 0, sizeof(*d));
	str_copy(d->key, key, sizeof(d->key));
	d->project = project;
	if (budget_period_parse(period, d->period, d->from, d->to))
		return service_fail(
		    BR_ERR_INVALID, msg, size, "%s",
		    _("period must be a year (2026), half (2026-H1), quarter (2026-Q4) or month (2026-11)"));
	if ((ret = service_visible_departments(app, &vis)))
		return service_fail(ret, msg, size, _("cannot read the claims (%s)"), br_strerror(ret));
	if (!project && !dept_list_has(&vis, key)) {
		dept_list_release(&vis);
		return service_fail(BR_ERR_DENIED, msg, size, _("you may not see the figures of %s"), key);
	}
	scope_of(&vis, &sc);
	if (project)
		sc.project = key;
	else
		sc.department = key;
	/* budget: the top nodes of the key in the period */
	if ((ret = store_budget_nodes(app->store, &nodes, &n)))
		goto out;
	for (int i = 0; i < n; i++) {
		const struct budget_node *b = &nodes[i];
		bool mine = project ? !strcmp(b->project, key) : !strcmp(b->department, key) && !b->project[0];
		if (!mine || !node_visible(&vis, b) || strcmp(b->to, d->from) < 0 || strcmp(b->from, d->to) > 0)
			continue;
		d->nodes = xrealloc(d->nodes, sizeof(*d->nodes) * (size_t)(d->nnodes + 1));
		d->nodes[d->nnodes++] = *b;
	}
	for (int i = 0; i < d->nnodes; i++) {
		bool top = true;
		/* a node another of the key's nodes covers is already in that one's figures */
		for (int k = 0; k < d->nnodes && top; k++)
			top = k == i || !budget_covers(&d->nodes[k], &d->nodes[i]);
		if (!top)
			continue;
		d->has_budget = true;
		d->budget += d->nodes[i].amount;
		d->committed += d->nodes[i].committed;
		d->actual += d->nodes[i].actual;
	}
	d->available = d->budget - d->committed - d->actual;
	/* trend: twelve months to the end of the period */
	trend_months(d->to, d->trend_month, trend_from);
	sc.from = trend_from;
	sc.to = d->to;
	if ((ret = store_spend(app->store, SPEND_MONTH, &sc, collect_spend, &l)))
		goto out;
	for (int i = 0; i < l.n; i++)
		for (int k = 0; k < DASH_TREND; k++)
			if (!strcmp(l.rows[i].key, d->trend_month[k]))
				d->trend[k] = l.rows[i].amount;
	spend_list_release(&l);
	/* top categories and people in the period */
	sc.from = d->from;
	for (int pass = 0; pass < 2; pass++) {
		struct spend_row *top = pass ? d->top_people : d->top_categories;
		int *ntop = pass ? &d->ntop_people : &d->ntop_categories;
		if ((ret = store_spend(app->store, pass ? SPEND_PERSON : SPEND_CATEGORY, &sc, collect_spend, &l)))
			goto out;
		for (int i = 0; i < l.n && i < DASH_TOP; i++)
			top[(*ntop)++] = l.rows[i];
		for (int i = 0; i < l.n; i++)
			d->spent += pass ? 0 : l.rows[i].amount;
		spend_list_release(&l);
	}
	/* approvals */
	sc.from = sc.to = NULL;
	audit_now(now);
	if ((ret = store_tasks_count(app->store, &sc, now, &d->waiting, &d->overdue)) ||
	    (ret =
		 service_turnaround_overall(app, &sc, &d->turnaround_count, &d->turnaround_median, &d->turnaround_p90)))
		goto out;
out:
	if (ret)
		service_fail(ret, msg, size, _("cannot read the claims (%s)"), br_strerror(ret));
	free(nodes);
	dept_list_release(&vis);
	return ret;
}

void dashboard_release(struct dashboard *d)
{
	free(d->nodes);
	d->nodes = NULL;
	d->nnodes = 0;
}

/* ---- one node's history and claims, and the categories (the budget screen) ---- */

int service_budget_categories(struct app *app, struct category_set *set, char *msg, size_t size)
{
	int ret = store_categories_load(app->store, set);

	if (ret)
		return service_fail(ret, msg, size, _("cannot read the expense categories (%s)"), br_strerror(ret));
	return BR_OK;
}

struct change_list {
	struct budget_change *v;
	int n;
};

static int collect_change(const struct budget_change *c, void *arg)
{
	struct change_list *l = arg;

	l->v = xrealloc(l->v, sizeof(*l->v) * (size_t)(l->n + 1));
	l->v[l->n++] = *c;
	return 0;
}

int service_budget_changes(struct app *app, int64_t id, struct budget_change **changes, int *n, char *msg, size_t size)
{
	struct change_list l = { NULL, 0 };
	struct budget_node node;
	int ret;

	*changes = NULL;
	*n = 0;
	if ((ret = service_budget_get(app, id, &node, msg, size)))
		return ret;
	if ((ret = store_budget_changes(app->store, id, collect_change, &l))) {
		free(l.v);
		return service_fail(ret, msg, size, _("cannot read the budgets (%s)"), br_strerror(ret));
	}
	*changes = l.v;
	*n = l.n;
	return BR_OK;
}

struct charged_list {
	struct budget_claim_row *v;
	int n;
};

static int collect_charged(const struct budget_claim_row *r, void *arg)
{
	struct charged_list *l = arg;

	l->v = xrealloc(l->v, sizeof(*l->v) * (size_t)(l->n + 1));
	l->v[l->n++] = *r;
	return 0;
}

int service_budget_claims(struct app *app, int64_t id, struct budget_claim_row **claims, int *n, char *msg, size_t size)
{
	struct charged_list l = { NULL, 0 };
	struct budget_node node;
	int ret;

	*claims = NULL;
	*n = 0;
	if ((ret = service_budget_get(app, id, &node, msg, size)))
		return ret;
	if ((ret = store_budget_claims(app->store, id, collect_charged, &l))) {
		free(l.v);
		return service_fail(ret, msg, size, _("cannot read the claims (%s)"), br_strerror(ret));
	}
	*claims = l.v;
	*n = l.n;
	return BR_OK;
}
