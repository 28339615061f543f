/*
 * budget.c - the budget commands (list, show, set, freeze, import) and the
 * spend report, over the same service calls as the budget screens.
 */
#include "internal.h"
#include "bursar/budget.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

static const struct option period_json[] = { { "json", no_argument, NULL, 'j' },
					     { "period", required_argument, NULL, 'p' },
					     { NULL, 0, NULL, 0 } };

static json_t *node_json(const struct budget_node *n)
{
	char label[300], overrun[16];

	budget_node_label(n, label, sizeof(label));
	budget_overrun_format(n->overrun_bp, overrun, sizeof(overrun));
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:b, s:o, s:o, s:o, s:o, "
			 "s:i, s:s}",
			 "id", (json_int_t)n->id, "parent", (json_int_t)n->parent, "label", label, "department",
			 n->department, "project", n->project, "category", n->category, "period", n->period, "from",
			 n->from, "to", n->to, "amount", money_json(n->amount), "mode", budget_mode_name(n->mode),
			 "overrun", overrun, "frozen", n->frozen, "committed", money_json(n->committed), "actual",
			 money_json(n->actual), "available", money_json(budget_available(n)), "limit",
			 money_json(budget_limit(n)), "used_permille", budget_used_permille(n), "updated_at",
			 n->updated_at);
}

static void node_line(FILE *out, const struct budget_node *n, int depth)
{
	char label[300], fit[320], mode[64], a[32], c[32], ac[32], av[32];
	int pm = budget_used_permille(n);

	budget_node_label(n, label, sizeof(label));
	snprintf(fit, sizeof(fit), "%*s%s", depth * 2, "", label);
	text_fit(label, sizeof(label), fit, 24, 1, 1);
	snprintf(mode, sizeof(mode), "%s%s", _(budget_mode_label(n->mode)), n->frozen ? "*" : "");
	text_fit(fit, sizeof(fit), mode, 8, 1, 1);
	fprintf(out, "%4lld %s %-7s %s %14s %14s %14s %14s %4d.%d%%\n", (long long)n->id, label, n->period, fit,
		money_format(n->amount, a, sizeof(a), MONEY_GROUP),
		money_format(n->committed, c, sizeof(c), MONEY_GROUP),
		money_format(n->actual, ac, sizeof(ac), MONEY_GROUP),
		money_format(budget_available(n), av, sizeof(av), MONEY_GROUP), pm / 10, pm % 10);
}

/* Prints the children of parent (0: the roots, and nodes whose parent is not listed) depth first. */
static void tree_print(FILE *out, const struct budget_node *nodes, int n, int64_t parent, int depth)
{
	for (int i = 0; i < n; i++) {
		bool root = true;
		if (parent == 0) {
			for (int k = 0; k < n && root; k++)
				root = nodes[k].id != nodes[i].parent;
		}
		if (parent ? nodes[i].parent != parent : !root)
			continue;
		node_line(out, &nodes[i], depth);
		if (depth < 8)
			tree_print(out, nodes, n, nodes[i].id, depth + 1);
	}
}

/* s right-aligned in cols columns (display width, not bytes). */
static void right_cell(FILE *out, const char *s, int cols)
{
	char fit[128];
	int w = text_fit(fit, sizeof(fit), s, cols - 1, 0, 1);

	fprintf(out, "%*s%s", cols - w, "", fit);
}

int cmd_budget_list(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct budget_node *nodes = NULL;
	char msg[BR_MSG_MAX], head[5][64];
	int n = 0;

	if (parse_opts("budget list", argc, argv, period_json, &v, err) < 0) {
		usage_line(err, "budget list");
		return CMD_USAGE;
	}
	if (service_budget_list(app, v.period, &nodes, &n, msg, sizeof(msg))) {
		fprintf(err, "bursar: budget list: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json) {
		json_t *arr = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, node_json(&nodes[i]));
		free(nodes);
		return print_json(arr, out);
	}
	text_fit(head[0], sizeof(head[0]), _("budget"), 24, 1, 1);
	text_fit(head[1], sizeof(head[1]), _("period"), 7, 1, 1);
	text_fit(head[2], sizeof(head[2]), _("mode"), 8, 1, 1);
	fprintf(out, "  id %s %s %s", head[0], head[1], head[2]);
	right_cell(out, _("amount"), 15);
	right_cell(out, _("committed"), 15);
	right_cell(out, _("actual"), 15);
	right_cell(out, _("available"), 15);
	right_cell(out, _("used"), 8);
	fputc('\n', out);
	tree_print(out, nodes, n, 0, 0);
	if (n == 0)
		fprintf(out, "%s\n", _("No budgets."));
	free(nodes);
	return CMD_OK;
}

struct show_print {
	FILE *out;
	json_t *arr;
};

static void change_one(const struct budget_change *c, struct show_print *p)
{
	char a[32], b[32];

	if (p->arr) {
		json_array_append_new(
		    p->arr, json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s}", "ts", c->ts, "actor", c->actor, "action",
				      c->action, "old_amount", money_json(c->old_amount), "new_amount",
				      money_json(c->new_amount), "detail", c->detail, "reason", c->reason));
		return;
	}
	fprintf(p->out, "  %.19s  %-10s %-8s %14s -> %-14s %s\n", c->ts, c->actor, c->action,
		money_format(c->old_amount, a, sizeof(a), MONEY_GROUP),
		money_format(c->new_amount, b, sizeof(b), MONEY_GROUP), c->reason);
}

static void claim_one(const struct budget_claim_row *r, struct show_print *p)
{
	char a[32], name[64];

	if (p->arr) {
		json_array_append_new(p->arr, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "number", r->number, "owner",
							r->owner, "owner_name", r->owner_name, "status",
							claim_status_name(r->status), "amount", money_json(r->amount),
							"state", r->actual ? "actual" : "committed"));
		return;
	}
	text_fit(name, sizeof(name), r->owner_name, 12, 1, 1);
	fprintf(p->out, "  %-16s %s %-10s %14s\n", r->number, name, r->actual ? _("actual") : _("committed"),
		money_format(r->amount, a, sizeof(a), MONEY_GROUP));
}

int cmd_budget_show(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct budget_node n;
	struct show_print changes = { out, NULL }, claims = { out, NULL };
	struct budget_change *hist = NULL;
	struct budget_claim_row *rows = NULL;
	char *ref, msg[BR_MSG_MAX], label[300], a[32], overrun[16];
	long id;
	int nhist = 0, nrows = 0;

	if (parse_opts_operands("budget show", argc, argv, json_only, &v, &ref, 1, err) < 0) {
		usage_line(err, "budget show");
		return CMD_USAGE;
	}
	if (str_to_int(ref, 1, INT32_MAX, &id)) {
		fprintf(err, _("bursar: budget show: `%s` is not a budget id (see: budget list)\n"), ref);
		return CMD_USAGE;
	}
	if (service_budget_get(app, id, &n, msg, sizeof(msg))) {
		fprintf(err, "bursar: budget show: %s\n", msg);
		return CMD_FAIL;
	}
	const struct {
		const char *label;
		int64_t fen;
	} figures[] = { { N_("amount"), n.amount },
			{ N_("committed"), n.committed },
			{ N_("actual"), n.actual },
			{ N_("available"), budget_available(&n) } };
	if (v.json) {
		changes.arr = json_array();
		claims.arr = json_array();
	} else {
		budget_node_label(&n, label, sizeof(label));
		budget_overrun_format(n.overrun_bp, overrun, sizeof(overrun));
		fprintf(out, _("Budget %lld: %s, %s\n"), (long long)n.id, label, n.period);
		fprintf(out, _("  mode %s, overrun allowed %s%s\n"), _(budget_mode_label(n.mode)), overrun,
			n.frozen ? _(", frozen") : "");
		for (size_t i = 0; i < ARRAY_SIZE(figures); i++)
			fprintf(out, "  %s %s\n", _(figures[i].label),
				money_format(figures[i].fen, a, sizeof(a), MONEY_GROUP));
		fprintf(out, "%s\n", _("History:"));
	}
	if (service_budget_changes(app, n.id, &hist, &nhist, msg, sizeof(msg)) ||
	    service_budget_claims(app, n.id, &rows, &nrows, msg, sizeof(msg))) {
		json_decref(changes.arr);
		json_decref(claims.arr);
		free(hist);
		fprintf(err, "bursar: budget show: %s\n", msg);
		return CMD_FAIL;
	}
	for (int i = 0; i < nhist; i++)
		change_one(&hist[i], &changes);
	if (!v.json)
		fprintf(out, "%s\n", _("Claims:"));
	for (int i = 0; i < nrows; i++)
		claim_one(&rows[i], &claims);
	free(hist);
	free(rows);
	if (v.json) {
		json_t *j = node_json(&n);
		json_object_set_new(j, "history", changes.arr);
		json_object_set_new(j, "claims", claims.arr);
		return print_json(j, out);
	}
	return CMD_OK;
}

int cmd_budget_set(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "period", required_argument, NULL, 'p' },
					      { "department", required_argument, NULL, 'D' },
					      { "project", required_argument, NULL, 'P' },
					      { "category", required_argument, NULL, 'C' },
					      { "amount", required_argument, NULL, 'A' },
					      { "mode", required_argument, NULL, 'M' },
					      { "overrun", required_argument, NULL, 'O' },
					      { "reason", required_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	struct opt_values v = { 0 };
	struct budget_input in = { .frozen = -1 };
	struct budget_node n;
	char msg[BR_MSG_MAX], label[300];
	bool created = false;

	if (parse_opts("budget set", argc, argv, opts, &v, err) < 0 || !v.period) {
		if (!v.period)
			fprintf(err, _("bursar: budget set: --period is required\n"));
		usage_line(err, "budget set");
		return CMD_USAGE;
	}
	in.period = v.period;
	in.department = v.department;
	in.project = v.project;
	in.category = v.category;
	in.amount = v.amount;
	in.mode = v.mode;
	in.overrun = v.overrun;
	if (service_budget_set(app, &in, v.reason, &n, &created, msg, sizeof(msg))) {
		fprintf(err, "bursar: budget set: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json) {
		json_t *j = node_json(&n);
		json_object_set_new(j, "created", json_boolean(created));
		return print_json(j, out);
	}
	budget_node_label(&n, label, sizeof(label));
	if (created)
		fprintf(out, _("Created budget %lld: %s, %s\n"), (long long)n.id, label, n.period);
	else
		fprintf(out, _("Budget %lld: %s, %s\n"), (long long)n.id, label, n.period);
	return CMD_OK;
}

static int freeze(struct app *app, const char *name, bool frozen, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "reason", required_argument, NULL, 'R' }, { NULL, 0, NULL, 0 } };
	struct opt_values v = { 0 };
	char *ref, msg[BR_MSG_MAX];
	long id;

	if (parse_opts_operands(name, argc, argv, opts, &v, &ref, 1, err) < 0 || !v.reason || !*v.reason) {
		if (!v.reason || !*v.reason)
			fprintf(err, _("bursar: %s: --reason is required\n"), name);
		usage_line(err, name);
		return CMD_USAGE;
	}
	if (str_to_int(ref, 1, INT32_MAX, &id)) {
		fprintf(err, _("bursar: %s: `%s` is not a budget id (see: budget list)\n"), name, ref);
		return CMD_USAGE;
	}
	if (service_budget_freeze(app, id, frozen, v.reason, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", name, msg);
		return CMD_FAIL;
	}
	if (frozen)
		fprintf(out, _("Budget %ld is frozen\n"), id);
	else
		fprintf(out, _("Budget %ld is open again\n"), id);
	return CMD_OK;
}

int cmd_budget_freeze(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return freeze(app, "budget freeze", true, argc, argv, out, err);
}

int cmd_budget_unfreeze(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return freeze(app, "budget unfreeze", false, argc, argv, out, err);
}

int cmd_budget_import(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "reason", required_argument, NULL, 'R' },
					      { NULL, 0, NULL, 0 } };
	struct opt_values v = { 0 };
	struct budget_import r;
	char msg[BR_MSG_MAX];
	json_t *problems = NULL;
	size_t len = 0;
	char *data;
	int ret;

	if (parse_opts("budget import", argc, argv, opts, &v, err) < 0) {
		usage_line(err, "budget import");
		return CMD_USAGE;
	}
	if (!(data = import_input(app, "budget import", &len, err)))
		return CMD_FAIL;
	ret = service_budget_import(app, data, len, v.reason, &r, msg, sizeof(msg));
	free(data);
	problems = import_problems(err, v.json, r.problems, r.nproblems);
	if (v.json)
		print_json(json_pack("{s:b, s:i, s:i, s:i, s:o}", "imported", ret == BR_OK, "rows", r.rows, "budgets",
				     ret ? 0 : r.nnodes, "created", ret ? 0 : r.created, "problems", problems),
			   out);
	if (ret) {
		fprintf(err, "bursar: budget import: %s\n", msg);
		budget_import_release(&r);
		return CMD_FAIL;
	}
	if (!v.json)
		fprintf(out, _("Imported %d budgets (%d new)\n"), r.nnodes, r.created);
	budget_import_release(&r);
	return CMD_OK;
}

/* ---- report spend ---- */

static const char *const by_names[] = {
	[SPEND_DEPARTMENT] = "department",
	[SPEND_CATEGORY] = "category",
	[SPEND_PROJECT] = "project",
	[SPEND_PERSON] = "person",
};
static const char *const by_labels[] = {
	[SPEND_DEPARTMENT] = N_("department"),
	[SPEND_CATEGORY] = N_("category"),
	[SPEND_PROJECT] = N_("project"),
	[SPEND_PERSON] = N_("claimant"),
};

static const char *row_name(const struct app *app, const struct spend_row *r)
{
	if (!r->key[0])
		return _("(none)");
	return strcmp(app_language(app), "en") ? r->name : r->name_en;
}

/* A CSV field; one a spreadsheet would take for a formula (= + - @) gets a leading apostrophe. */
static void csv_field(struct strbuf *b, const char *v)
{
	if (strchr("=+-@", *v) && *v) {
		struct strbuf q = { 0 };
		strbuf_addf(&q, "'%s", v);
		csv_field(b, q.s);
		free(q.s);
		return;
	}
	if (!strpbrk(v, ",\"\r\n")) {
		strbuf_addf(b, "%s", v);
		return;
	}
	strbuf_addf(b, "\"");
	for (; *v; v++)
		strbuf_addf(b, *v == '"' ? "\"\"" : "%c", *v);
	strbuf_addf(b, "\"");
}

/*
 * Text inside the report's HTML block: escaped, and on one line, since a
 * blank line would end the block and let the rest be read as Markdown.
 */
static void html_text(struct strbuf *b, const char *v)
{
	for (; *v; v++)
		switch (*v) {
		case '<': strbuf_addf(b, "&lt;"); break;
		case '>': strbuf_addf(b, "&gt;"); break;
		case '&': strbuf_addf(b, "&amp;"); break;
		case '"': strbuf_addf(b, "&quot;"); break;
		default: strbuf_addf(b, "%c", (unsigned char)*v < 0x20 || *v == 0x7f ? ' ' : *v);
		}
}

/* A Markdown table cell: pipes and line breaks would end the cell. */
static void md_text(struct strbuf *b, const char *v)
{
	for (; *v; v++)
		if (*v == '|' || *v == '\\' || *v == '*' || *v == '_' || *v == '`' || *v == '<' || *v == '[')
			strbuf_addf(b, "\\%c", *v);
		else
			strbuf_addf(b, "%c", (unsigned char)*v < 0x20 || *v == 0x7f ? ' ' : *v);
}

static void sum_rows(const struct spend_list *l, struct spend_row *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < l->n; i++) {
		t->claims += l->rows[i].claims;
		t->lines += l->rows[i].lines;
		t->amount += l->rows[i].amount;
		t->deductible += l->rows[i].deductible;
		t->committed += l->rows[i].committed;
		t->actual += l->rows[i].actual;
	}
}

/*
 * The Markdown report; with html the table is an HTML block (CommonMark
 * has no tables), so the whole document goes through libcmark as one.
 */
static void report_markdown(const struct app *app, enum spend_by by, const struct spend_list *l, bool html,
			    struct strbuf *b)
{
	static const char *const cols[] = { N_("claims"),         N_("lines"),     N_("amount"),
					    N_("deductible VAT"), N_("committed"), N_("actual") };
	struct spend_row t;
	char m[6][32];

	sum_rows(l, &t);
	strbuf_addf(b, "# %s\n\n", _("Spend report"));
	strbuf_addf(b, _("By %s, period %s (%s to %s). "), _(by_labels[by]), l->period, l->from, l->to);
	strbuf_addf(b, "%s\n\n", l->all ? _("All departments.") : _("Only the departments you may see."));
	strbuf_addf(b, html ? "<table>\n<thead><tr><th>%s</th>" : "| %s |", _(by_labels[by]));
	for (int c = 0; c < 6; c++)
		strbuf_addf(b, html ? "<th>%s</th>" : " %s |", _(cols[c]));
	strbuf_addf(b, html ? "</tr></thead>\n<tbody>\n" : "\n|---|---:|---:|---:|---:|---:|---:|\n");
	for (int i = 0; i <= l->n; i++) {
		const struct spend_row *r = i < l->n ? &l->rows[i] : &t;
		const char *name = i < l->n ? row_name(app, r) : _("Total");
		money_format(r->amount, m[2], sizeof(m[2]), MONEY_GROUP);
		money_format(r->deductible, m[3], sizeof(m[3]), MONEY_GROUP);
		money_format(r->committed, m[4], sizeof(m[4]), MONEY_GROUP);
		money_format(r->actual, m[5], sizeof(m[5]), MONEY_GROUP);
		if (html) {
			strbuf_addf(b, "<tr><td>");
			html_text(b, name);
			strbuf_addf(b, "</td><td>%d</td><td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
				    r->claims, r->lines, m[2], m[3], m[4], m[5]);
		} else {
			strbuf_addf(b, "| %s", i < l->n ? "" : "**");
			md_text(b, name);
			strbuf_addf(b, "%s | %d | %d | %s | %s | %s | %s |\n", i < l->n ? "" : "**", r->claims,
				    r->lines, m[2], m[3], m[4], m[5]);
		}
	}
	if (html)
		strbuf_addf(b, "</tbody>\n</table>\n");
	strbuf_addf(b, "\n%s\n", _("Committed: claims in approval or approved. Actual: exported or paid."));
}

static int report_print(const struct app *app, enum spend_by by, const struct spend_list *l, const char *format,
			FILE *out)
{
	struct strbuf b = { 0 };
	struct spend_row t;
	char m[4][32];

	if (!strcmp(format, "json")) {
		json_t *rows = json_array();
		sum_rows(l, &t);
		for (int i = 0; i < l->n; i++) {
			const struct spend_row *r = &l->rows[i];
			json_array_append_new(
			    rows, json_pack("{s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:o}", "key", r->key, "name",
					    row_name(app, r), "claims", r->claims, "lines", r->lines, "amount",
					    money_json(r->amount), "deductible", money_json(r->deductible), "committed",
					    money_json(r->committed), "actual", money_json(r->actual)));
		}
		return print_json(json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:{s:i, s:i, s:o, s:o, s:o, s:o}}", "by",
					    by_names[by], "period", l->period, "from", l->from, "to", l->to,
					    "all_departments", l->all, "rows", rows, "total", "claims", t.claims,
					    "lines", t.lines, "amount", money_json(t.amount), "deductible",
					    money_json(t.deductible), "committed", money_json(t.committed), "actual",
					    money_json(t.actual)),
				  out);
	}
	if (!strcmp(format, "csv")) {
		strbuf_addf(&b, "%s,name,claims,lines,amount,deductible,committed,actual\r\n", by_names[by]);
		for (int i = 0; i < l->n; i++) {
			const struct spend_row *r = &l->rows[i];
			csv_field(&b, r->key);
			strbuf_addf(&b, ",");
			csv_field(&b, row_name(app, r));
			strbuf_addf(&b, ",%d,%d,%s,%s,%s,%s\r\n", r->claims, r->lines,
				    money_format(r->amount, m[0], sizeof(m[0]), 0),
				    money_format(r->deductible, m[1], sizeof(m[1]), 0),
				    money_format(r->committed, m[2], sizeof(m[2]), 0),
				    money_format(r->actual, m[3], sizeof(m[3]), 0));
		}
	} else if (!strcmp(format, "md")) {
		report_markdown(app, by, l, false, &b);
	} else if (!strcmp(format, "html")) {
		char *html;
		report_markdown(app, by, l, true, &b);
		html = cmark_markdown_to_html(b.s, b.len, CMARK_OPT_UNSAFE);
		free(b.s);
		b.s = NULL;
		b.len = 0;
		strbuf_addf(&b,
			    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head><body>\n%s"
			    "</body></html>\n",
			    _("Spend report"), html);
		free(html);
	} else {
		char name[64];
		sum_rows(l, &t);
		for (int i = 0; i <= l->n; i++) {
			const struct spend_row *r = i < l->n ? &l->rows[i] : &t;
			text_fit(name, sizeof(name), i < l->n ? row_name(app, r) : _("Total"), 20, 1, 1);
			strbuf_addf(&b, "%s %6d %14s %14s %14s %14s\n", name, r->claims,
				    money_format(r->amount, m[0], sizeof(m[0]), MONEY_GROUP),
				    money_format(r->deductible, m[1], sizeof(m[1]), MONEY_GROUP),
				    money_format(r->committed, m[2], sizeof(m[2]), MONEY_GROUP),
				    money_format(r->actual, m[3], sizeof(m[3]), MONEY_GROUP));
		}
	}
	fputs(b.s ? b.s : "", out);
	free(b.s);
	return CMD_OK;
}

int cmd_report_spend(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "by", required_argument, NULL, 'B' },
					      { "period", required_argument, NULL, 'p' },
					      { "format", required_argument, NULL, 'f' },
					      { NULL, 0, NULL, 0 } };
	static const char *const formats[] = { "text", "csv", "json", "md", "html" };
	struct opt_values v = { 0 };
	struct spend_list l;
	const char *format;
	char msg[BR_MSG_MAX];
	int by = -1, ret;
	bool known = false;

	if (parse_opts("report spend", argc, argv, opts, &v, err) < 0 || !v.by || !v.period) {
		if (v.by == NULL || v.period == NULL)
			fprintf(err, _("bursar: report spend: --by and --period are required\n"));
		usage_line(err, "report spend");
		return CMD_USAGE;
	}
	for (int i = 0; i < (int)ARRAY_SIZE(by_names); i++)
		if (!strcmp(v.by, by_names[i]))
			by = i;
	format = v.json ? "json" : v.format ? v.format : "text";
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		known |= !strcmp(format, formats[i]);
	if (by < 0 || !known) {
		fprintf(err, by < 0 ? _("bursar: report spend: --by must be department, category, project or person\n")
				    : _("bursar: report spend: --format must be text, csv, json, md or html\n"));
		return CMD_USAGE;
	}
	if (service_spend(app, (enum spend_by)by, v.period, &l, msg, sizeof(msg))) {
		fprintf(err, "bursar: report spend: %s\n", msg);
		return CMD_FAIL;
	}
	ret = report_print(app, (enum spend_by)by, &l, format, out);
	spend_list_release(&l);
	return ret;
}
