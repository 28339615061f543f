/*
 * scr_budgets.c - "Budgets" (预算): the budget nodes the person may see,
 * as a tree (each node under the node that covers it), with amount,
 * committed, actual, available and a utilisation bar; a period filter and
 * a text filter.  Finance and admins also create nodes, adjust or freeze
 * them with a reason, and import them from pasted CSV.  Every read and
 * change goes through the budget service, which decides what the person
 * may see and do.  Enter opens one node: its settings, figures, history
 * and the claims charged to it.
 *
 * Also what the dashboard shares: today's periods, the period prompt and
 * the utilisation bar.
 */
#include "screen.h"

#include "bursar/budget.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	OP_OPEN = 1,
	OP_PERIOD,
	OP_PERIOD_TYPE,
	OP_FILTER,
	OP_NEW,
	OP_EDIT,
	OP_FREEZE,
	OP_IMPORT,
	OP_RELOAD,
};

static const struct key_binding budgets_keys[] = {
	UI_LIST_KEYS(N_("First budget"), N_("Last budget")),
	{ OP_OPEN, { '\n', '\r', KEY_ENTER, 0 }, "Enter", N_("Details: figures, history, claims charged"), N_("Open") },
	{ OP_PERIOD, { 'p', 0 }, "p", N_("Period: all, this year, quarter, month"), N_("Period") },
	{ OP_PERIOD_TYPE, { 'P', 0 }, "P", N_("Type a period: 2026, 2026-H1, 2026-Q4, 2026-11"), NULL },
	{ OP_FILTER, { '/', 0 }, "/", N_("Filter: a name, period or mode; frozen; over"), N_("Filter") },
	{ OP_NEW, { 'n', 0 }, "n", N_("New budget (finance, admins)"), NULL },
	{ OP_EDIT, { 'e', 0 }, "e", N_("Adjust amount, mode, overrun (finance, admins)"), NULL },
	{ OP_FREEZE, { 'f', 0 }, "f", N_("Freeze or unfreeze (finance, admins)"), NULL },
	{ OP_IMPORT, { 'i', 0 }, "i", N_("Import from pasted CSV (finance, admins)"), NULL },
	{ OP_RELOAD, { 'r', 12, 0 }, "r/Ctrl-L", N_("Reload"), NULL },
};

static const struct key_binding budget_keys[] = {
	UI_LIST_KEYS(N_("Top"), N_("Bottom")),
};

/* ---- shared with the dashboard ---- */

void ui_period_today(enum ui_period kind, char *out, size_t size)
{
	char today[11];
	int month;

	date_today(today);
	month = atoi(today + 5);
	if (kind == UI_PERIOD_QUARTER)
		snprintf(out, size, "%.4s-Q%c", today, '1' + (month - 1) / 3);
	else if (kind == UI_PERIOD_MONTH)
		snprintf(out, size, "%.7s", today);
	else
		snprintf(out, size, "%.4s", today);
}

bool ui_period_prompt(struct ui *ui, char *buf, size_t size, bool allow_empty)
{
	char text[64], label[256], norm[BUDGET_PERIOD_MAX], from[11], to[11];
	bool again = false;

	str_copy(text, buf, sizeof(text));
	for (;;) {
		snprintf(label, sizeof(label), "%s%s", again ? _("Not a period. ") : "",
			 allow_empty ? _("Period (2026, 2026-H1, 2026-Q4, 2026-11; empty: all): ")
				     : _("Period (2026, 2026-H1, 2026-Q4, 2026-11): "));
		if (!ui_prompt(ui, label, text, sizeof(text)))
			return false;
		str_trim(text);
		if (!text[0] && allow_empty) {
			str_copy(buf, "", size);
			return true;
		}
		if (!budget_period_parse(text, norm, from, to)) {
			str_copy(buf, norm, size);
			return true;
		}
		again = true;
	}
}

void ui_bar(char *out, size_t size, int permille, int width, bool ascii)
{
	static const char *const eighths[8] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	int units = ascii ? 1 : 8, total = width * units, filled;
	size_t o = 0;

	if (!size)
		return;
	out[0] = '\0';
	if (width <= 0)
		return;
	if (permille < 0)
		permille = 0;
	if (permille > 1000)
		permille = 1000;
	/* to the nearest unit, but never empty for a little and never full before the whole */
	filled = (permille * total + 500) / 1000;
	if (filled == 0 && permille > 0)
		filled = 1;
	if (filled == total && permille < 1000)
		filled = total - 1;
	for (int cell = 0; cell < width; cell++) {
		int in = filled - cell * units;
		const char *s = ascii ? (in > 0 ? "#" : ".") : in >= 8 ? "█" : in > 0 ? eighths[in] : " ";
		size_t len = strlen(s);
		if (o + len + 1 > size)
			break;
		memcpy(out + o, s, len);
		o += len;
	}
	out[o] = '\0';
}

/* ---- the list ---- */

#define TREE_DEPTH 8 /* deeper nodes are drawn at this depth */
#define LABEL_MIN 16 /* columns drop until the label has this much */

enum period_filter { PERIOD_ALL, PERIOD_YEAR, PERIOD_QUARTER, PERIOD_MONTH, PERIOD_TYPED };

struct budget_row {
	int node; /* index into nodes */
	int parent; /* the parent's row node, -1 for a root */
	int depth;
	bool last; /* the last child of its parent among the rows */
	bool context; /* shown only because a node under it matches the filter */
};

struct budgets_state {
	struct budget_node *nodes;
	int n;
	struct budget_row *rows;
	int nrows;
	struct ui_list list;
	enum period_filter period_kind;
	char period[BUDGET_PERIOD_MAX]; /* "" = every period */
	char filter[128];
	bool manage;
	char *import_text; /* the CSV pasted last, offered again until an import succeeds */
	unsigned version; /* ui->data_version when loaded */
	unsigned long long signature; /* what the last load showed, for the tick */
};

/* What each control mode does, for the chooser and the detail screen. */
static const char *const mode_help[BUDGET_MODE_COUNT] = {
	[BUDGET_BLOCK] = N_("a claim beyond the limit is refused"),
	[BUDGET_WARN] = N_("it goes through with a warning for the approver"),
	[BUDGET_TRACK] = N_("only counted"),
};

/* The node chosen for the detail screen, read by its enter. */
static int64_t chosen;

/* Every word of the filter matches: a dimension, the period or the mode; "frozen"; "over" (overspent). */
static bool matches(const struct budgets_state *st, const struct budget_node *b)
{
	char buf[sizeof(st->filter)], label[512], *word, *p;

	str_copy(buf, st->filter, sizeof(buf));
	budget_node_label(b, label, sizeof(label));
	for (word = strtok_r(buf, " \t", &p); word; word = strtok_r(NULL, " \t", &p)) {
		if (!strcasecmp(word, "frozen") || !strcmp(word, _("frozen"))) {
			if (!b->frozen)
				return false;
		} else if (!strcasecmp(word, "over") || !strcmp(word, _("over"))) {
			if (budget_available(b) >= 0)
				return false;
		} else if (!str_contains(label, word) && !str_contains(b->period, word) &&
			   !str_contains(budget_mode_name(b->mode), word) &&
			   !str_contains(_(budget_mode_label(b->mode)), word)) {
			return false;
		}
	}
	return true;
}

/* Siblings in the order of their dimensions, then the longer period first. */
static int by_label(const void *a, const void *b)
{
	const struct budget_node *x = a, *y = b;
	int c;

	if ((c = strcmp(x->department, y->department)) || (c = strcmp(x->project, y->project)) ||
	    (c = strcmp(x->category, y->category)) || (c = strcmp(x->from, y->from)) || (c = strcmp(y->to, x->to)))
		return c;
	return (x->id > y->id) - (x->id < y->id);
}

struct id_index {
	int64_t id;
	int index;
};

static int by_id(const void *a, const void *b)
{
	const struct id_index *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

struct tree {
	int *parent, *first, *next; /* indexes, -1 for none */
	bool *shown, *match, *done;
};

static void emit(struct budgets_state *st, struct tree *t, int i, int depth)
{
	struct budget_row *r;

	if (t->done[i] || !t->shown[i])
		return;
	t->done[i] = true;
	r = &st->rows[st->nrows++];
	r->node = i;
	r->parent = depth ? t->parent[i] : -1;
	r->depth = depth;
	r->context = !t->match[i];
	for (int c = t->first[i]; c >= 0; c = t->next[c])
		emit(st, t, c, depth + 1);
}

/* Builds the rows: the nodes that match the filter and their ancestors, as a tree. */
static void arrange(struct budgets_state *st, int64_t keep)
{
	struct id_index *ids = NULL;
	struct tree t = { NULL, NULL, NULL, NULL, NULL, NULL };
	bool more[TREE_DEPTH + 1] = { false };
	int n = st->n;

	st->nrows = 0;
	st->rows = xrealloc(st->rows, sizeof(*st->rows) * (size_t)(n ? n : 1));
	if (n == 0)
		goto out;
	qsort(st->nodes, (size_t)n, sizeof(*st->nodes), by_label);
	ids = xcalloc((size_t)n, sizeof(*ids));
	t.parent = xcalloc((size_t)n, sizeof(int));
	t.first = xcalloc((size_t)n, sizeof(int));
	t.next = xcalloc((size_t)n, sizeof(int));
	t.shown = xcalloc((size_t)n, sizeof(bool));
	t.match = xcalloc((size_t)n, sizeof(bool));
	t.done = xcalloc((size_t)n, sizeof(bool));
	for (int i = 0; i < n; i++) {
		ids[i].id = st->nodes[i].id;
		ids[i].index = i;
		t.first[i] = t.next[i] = -1;
	}
	qsort(ids, (size_t)n, sizeof(*ids), by_id);
	for (int i = 0; i < n; i++) {
		struct id_index key = { st->nodes[i].parent, 0 }, *hit = NULL;
		if (st->nodes[i].parent)
			hit = bsearch(&key, ids, (size_t)n, sizeof(*ids), by_id);
		/* a parent outside the list (another period, not visible) makes a root */
		t.parent[i] = hit && hit->index != i ? hit->index : -1;
	}
	/* children in sibling order: prepend walking backwards */
	for (int i = n - 1; i >= 0; i--)
		if (t.parent[i] >= 0) {
			t.next[i] = t.first[t.parent[i]];
			t.first[t.parent[i]] = i;
		}
	for (int i = 0; i < n; i++) {
		t.match[i] = matches(st, &st->nodes[i]);
		/* marking on the way up also ends the walk on a (broken) cycle */
		for (int j = i; t.match[i] && j >= 0 && !t.shown[j]; j = t.parent[j])
			t.shown[j] = true;
	}
	for (int i = 0; i < n; i++)
		if (t.parent[i] < 0)
			emit(st, &t, i, 0);
	for (int i = 0; i < n; i++) /* nodes caught in a cycle of parents, should one exist */
		emit(st, &t, i, 0);
	/* a row is the last of its siblings when no row at its depth follows before a shallower one */
	for (int i = st->nrows - 1; i >= 0; i--) {
		int d = st->rows[i].depth < TREE_DEPTH ? st->rows[i].depth : TREE_DEPTH;
		st->rows[i].last = !more[d];
		more[d] = true;
		for (int k = d + 1; k <= TREE_DEPTH; k++)
			more[k] = false;
	}
out:
	st->list.sel = 0;
	for (int i = 0; i < st->nrows; i++)
		if (st->nodes[st->rows[i].node].id == keep)
			st->list.sel = i;
	ui_list_clamp(st->nrows, st->list.page, &st->list.sel, &st->list.scroll);
	free(ids);
	free(t.parent);
	free(t.first);
	free(t.next);
	free(t.shown);
	free(t.match);
	free(t.done);
}

/*
 * A row's label: under a parent only the dimensions the parent does not
 * have ("office" under "研发部"), so that the tree reads as one; the whole
 * label when the two differ only in their period.
 */
static void row_label(const struct budgets_state *st, const struct budget_row *r, char *out, size_t size)
{
	const struct budget_node *b = &st->nodes[r->node];
	struct budget_node own = *b;

	if (r->parent >= 0) {
		const struct budget_node *p = &st->nodes[r->parent];
		if (!strcmp(own.department, p->department))
			own.department[0] = '\0';
		if (!strcmp(own.project, p->project))
			own.project[0] = '\0';
		if (!strcmp(own.category, p->category))
			own.category[0] = '\0';
		if (!own.department[0] && !own.project[0] && !own.category[0])
			own = *b;
	}
	budget_node_label(&own, out, size);
	text_sanitize(out);
}

static const struct budget_node *current(const struct budgets_state *st)
{
	return st->nrows ? &st->nodes[st->rows[st->list.sel].node] : NULL;
}

/* Changes when a redraw would show something else. */
static unsigned long long signature(const struct budgets_state *st)
{
	unsigned long long h = (unsigned long long)st->n;

	for (int i = 0; i < st->n; i++) {
		const struct budget_node *b = &st->nodes[i];
		h = h * 1000003u + (unsigned long long)b->id;
		h = h * 31u + (unsigned long long)b->amount;
		h = h * 31u + (unsigned long long)b->committed;
		h = h * 31u + (unsigned long long)b->actual;
		h = h * 31u + (unsigned long long)b->parent;
		h = h * 31u + (unsigned long long)(b->mode * 2 + b->frozen);
		h = h * 31u + (unsigned long long)b->overrun_bp;
	}
	return h;
}

/* Reads the nodes again, keeping the cursor on keep (0: on the current node). */
static void load(struct ui *ui, struct budgets_state *st, int64_t keep)
{
	const struct budget_node *cur = current(st);
	char msg[BR_MSG_MAX];

	if (!keep && cur)
		keep = cur->id;
	free(st->nodes);
	st->nodes = NULL;
	st->n = 0;
	st->version = ui->data_version;
	if (service_budget_list(ui->app, st->period, &st->nodes, &st->n, msg, sizeof(msg)))
		ui_message(ui, THEME_ERROR, "%s", msg);
	arrange(st, keep);
	st->signature = signature(st);
}

static void *budgets_enter(struct ui *ui)
{
	struct budgets_state *st = xcalloc(1, sizeof(*st));

	st->manage = service_budget_may_manage(ui->app);
	st->list.page = 1;
	load(ui, st, 0);
	return st;
}

static void budgets_leave(struct ui *ui, void *state)
{
	struct budgets_state *st = state;

	(void)ui;
	free(st->nodes);
	free(st->rows);
	free(st->import_text);
	free(st);
}

static int budgets_tick(struct ui *ui, void *state)
{
	struct budgets_state *st = state;
	unsigned long long before = st->signature;

	load(ui, st, 0);
	return st->signature != before ? UI_REDRAW : 0;
}

/* Which columns fit, and how wide; 0 = not shown. */
struct columns {
	int label, period, mode, amount, committed, actual, available, bar, pct;
};

static int used_width(const struct columns *c)
{
	const int w[] = { c->period, c->mode, c->amount, c->committed, c->actual, c->available, c->bar, c->pct };
	int used = 0;

	for (size_t i = 0; i < ARRAY_SIZE(w); i++)
		used += w[i] ? w[i] + 1 : 0;
	return used;
}

static int money_width(int64_t fen, int w)
{
	char buf[32];
	int have = text_width(money_format(fen, buf, sizeof(buf), MONEY_GROUP));

	return have > w ? have : w;
}

static int max_width(int w, const char *text)
{
	int have = text_width(text);

	return have > w ? have : w;
}

/*
 * The columns for a width: all of them when they fit with LABEL_MIN for
 * the label, else actual, committed, mode, amount and period drop in that
 * order and the bar narrows; the label takes what is left.
 */
static struct columns layout(const struct budgets_state *st, int cols)
{
	struct columns c;
	int money = 0, mode = 0, spare;

	money = max_width(money, _("Amount"));
	money = max_width(money, _("Committed"));
	money = max_width(money, _("Actual"));
	money = max_width(money, _("Available"));
	for (int i = 0; i < st->nrows; i++) {
		const struct budget_node *b = &st->nodes[st->rows[i].node];
		money = money_width(b->amount, money);
		money = money_width(b->committed, money);
		money = money_width(b->actual, money);
		money = money_width(budget_available(b), money);
	}
	mode = max_width(mode, _("Mode"));
	for (int m = 0; m < BUDGET_MODE_COUNT; m++)
		mode = max_width(mode, _(budget_mode_label((enum budget_mode)m)));
	mode++; /* the frozen mark */
	c.period = max_width(7, _("Period"));
	c.mode = mode;
	c.amount = c.committed = c.actual = c.available = money;
	c.bar = 10;
	c.pct = 5;
	for (int step = 0; cols - used_width(&c) < LABEL_MIN && step < 7; step++) {
		switch (step) {
		case 0: c.actual = 0; break;
		case 1: c.committed = 0; break;
		case 2: c.mode = 0; break;
		case 3: c.bar = 5; break;
		case 4: c.amount = 0; break;
		case 5: c.period = 0; break;
		default: c.bar = 0; break;
		}
	}
	/* room to spare beyond a comfortable label widens the bar */
	spare = cols - used_width(&c) - 40;
	if (c.bar && spare > 0)
		c.bar += spare < 10 ? spare : 10;
	c.label = cols - used_width(&c);
	if (c.label < 1)
		c.label = 1;
	return c;
}

/* The tree lines before a row's label; open[k]: the rows at depth k go on below. */
static void tree_prefix(bool ascii, const struct budget_row *r, const bool *open, char *out, size_t size)
{
	int d = r->depth < TREE_DEPTH ? r->depth : TREE_DEPTH;

	out[0] = '\0';
	for (int k = 1; k < d; k++)
		snprintf(out + strlen(out), size - strlen(out), "%s", open[k] ? (ascii ? "| " : "│ ") : "  ");
	if (d > 0)
		snprintf(out + strlen(out), size - strlen(out), "%s",
			 r->last ? (ascii ? "`-" : "└ ") : (ascii ? "|-" : "├ "));
}

static void budgets_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct budgets_state *st = state;
	struct columns c;
	bool open[TREE_DEPTH + 1] = { false };
	char line[1024], a[64];
	int x, nframe = 0, nover = 0;

	if (ui->data_version != st->version)
		load(ui, st, 0);
	if (rows < 1 || cols < 1)
		return;
	c = layout(st, cols);
	x = left;
	x = ui_cell(ui, top, x, c.label, _("Budget"), false, THEME_DIM);
	x = ui_cell(ui, top, x, c.period, _("Period"), false, THEME_DIM);
	x = ui_cell(ui, top, x, c.mode, _("Mode"), false, THEME_DIM);
	x = ui_cell(ui, top, x, c.amount, _("Amount"), true, THEME_DIM);
	x = ui_cell(ui, top, x, c.committed, _("Committed"), true, THEME_DIM);
	x = ui_cell(ui, top, x, c.actual, _("Actual"), true, THEME_DIM);
	x = ui_cell(ui, top, x, c.available, _("Available"), true, THEME_DIM);
	ui_cell(ui, top, x, c.bar + (c.pct ? c.pct + 1 : 0), _("Used"), false, THEME_DIM);

	st->list.page = rows - 2 > 1 ? rows - 2 : 1;
	ui_list_clamp(st->nrows, st->list.page, &st->list.sel, &st->list.scroll);
	if (st->nrows == 0 && rows > 2)
		ui_text(ui, top + 2, left, cols,
			st->filter[0] ? _("No budget matches the filter.")
			: st->manage  ? _("No budgets for this period. Press n to create one, or i to import.")
				      : _("No budgets you may see for this period."),
			THEME_DIM, false);
	for (int i = 0; i < st->nrows && i < st->list.scroll + st->list.page; i++) {
		const struct budget_row *r = &st->rows[i];
		const struct budget_node *b = &st->nodes[r->node];
		bool sel = i == st->list.sel;
		int elem = sel ? THEME_SELECTED : r->context ? THEME_DIM : THEME_NORMAL;
		int y = top + 1 + i - st->list.scroll, pm = budget_used_permille(b), d;
		char prefix[64], label[512], text[600], bar[128];

		/* the tree lines need every row above, drawn or not */
		tree_prefix(ui->ascii, r, open, prefix, sizeof(prefix));
		d = r->depth < TREE_DEPTH ? r->depth : TREE_DEPTH;
		open[d] = !r->last;
		if (i < st->list.scroll)
			continue;
		row_label(st, r, label, sizeof(label));
		snprintf(text, sizeof(text), "%s%s", prefix, label);
		ui_text(ui, y, left, cols, "", elem, true);
		x = left;
		x = ui_cell(ui, y, x, c.label, text, false, elem);
		x = ui_cell(ui, y, x, c.period, b->period, false, elem);
		snprintf(text, sizeof(text), "%s%s", b->frozen ? "*" : "", _(budget_mode_label(b->mode)));
		x = ui_cell(ui, y, x, c.mode, text, false, b->frozen && !sel ? THEME_WARN : elem);
		x = ui_cell(ui, y, x, c.amount, money_format(b->amount, a, sizeof(a), MONEY_GROUP), true, elem);
		x = ui_cell(ui, y, x, c.committed, money_format(b->committed, a, sizeof(a), MONEY_GROUP), true, elem);
		x = ui_cell(ui, y, x, c.actual, money_format(b->actual, a, sizeof(a), MONEY_GROUP), true, elem);
		x = ui_cell(ui, y, x, c.available, money_format(budget_available(b), a, sizeof(a), MONEY_GROUP), true,
			    budget_available(b) < 0 && !sel ? THEME_ERROR : elem);
		ui_bar(bar, sizeof(bar), pm, c.bar, ui->ascii);
		x = ui_cell(ui, y, x, c.bar, bar, false,
			    sel         ? elem
			    : pm > 1000 ? THEME_ERROR
			    : pm >= 900 ? THEME_WARN
				        : THEME_OK);
		if (b->amount > 0)
			snprintf(a, sizeof(a), "%d%%", pm / 10);
		else
			str_copy(a, "-", sizeof(a));
		ui_cell(ui, y, x, c.pct, a, true, elem);
	}

	for (int i = 0; i < st->n; i++) {
		nframe += st->nodes[i].frozen;
		nover += budget_available(&st->nodes[i]) < 0;
	}
	snprintf(line, sizeof(line), _("%d budget(s), period: %s"), st->n, st->period[0] ? st->period : _("all"));
	if (nover)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), _("  overspent: %d"), nover);
	if (nframe)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), _("  * frozen: %d"), nframe);
	if (st->filter[0])
		snprintf(line + strlen(line), sizeof(line) - strlen(line), _("  filter: %s"), st->filter);
	if (rows > 2)
		ui_text(ui, top + rows - 1, left, cols, line, nover ? THEME_WARN : THEME_DIM, true);
}

/* ---- changes (finance and admins) ---- */

/* Returns NULL when text is fine, else an N_() reason. */
typedef const char *(*check_fn)(const char *text);

static const char *check_amount(const char *text)
{
	const char *why = NULL;
	int64_t fen;

	if (money_parse(text, &fen, &why))
		return why ? why : N_("not an amount");
	return fen < 0 ? N_("must be zero or more") : NULL;
}

static const char *check_overrun(const char *text)
{
	int bp;

	return !text[0] || budget_overrun_parse(text, &bp) ? N_("a percentage from 0 to 100") : NULL;
}

static const char *check_reason(const char *text)
{
	return text[0] ? NULL : N_("cannot be empty");
}

/* Prompts until check accepts the (trimmed) text; false on Esc. */
static bool ask(struct ui *ui, const char *label, char *buf, size_t size, check_fn check)
{
	const char *why = NULL;
	char shown[1024];

	for (;;) {
		if (why)
			snprintf(shown, sizeof(shown), "(%s) %s", _(why), label);
		else
			str_copy(shown, label, sizeof(shown));
		if (!ui_prompt(ui, shown, buf, size))
			return false;
		str_trim(buf);
		if (!check || !(why = check(buf)))
			return true;
	}
}

/*
 * Asks for a department or project: the known ones in a chooser with
 * "(any)" first and "Other" last (typed), or a prompt when none is known.
 */
static bool ask_dimension(struct ui *ui, const char *title, const struct dept_list *known, char *out, size_t size)
{
	const char **items = xcalloc((size_t)known->n + 2, sizeof(*items));
	char label[256];
	bool ok = false;
	int k = known->n + 1;

	out[0] = '\0';
	items[0] = _("(any)");
	for (int i = 0; i < known->n; i++)
		items[i + 1] = known->ptrs[i];
	items[known->n + 1] = _("Other: type it");
	if (known->n && (k = ui_choose(ui, title, items, known->n + 2, 0)) < 0)
		goto out;
	if (k == 0) {
		ok = true;
	} else if (k <= known->n) {
		str_copy(out, known->ptrs[k - 1], size);
		ok = true;
	} else {
		snprintf(label, sizeof(label), _("%s (empty: any): "), title);
		ok = ask(ui, label, out, size, NULL);
	}
out:
	free(items);
	return ok;
}

/* Asks for a category code from the category table; "" for any. */
static bool ask_category(struct ui *ui, char *out, size_t size)
{
	struct category_set cats = { NULL, 0 };
	const char *lang = app_language(ui->app), **items = NULL;
	char(*text)[160] = NULL, msg[BR_MSG_MAX];
	bool ok = false;
	int k;

	out[0] = '\0';
	if (service_budget_categories(ui->app, &cats, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return false;
	}
	items = xcalloc((size_t)cats.n + 1, sizeof(*items));
	text = xcalloc((size_t)cats.n + 1, sizeof(*text));
	items[0] = _("(any)");
	for (int i = 0; i < cats.n; i++) {
		snprintf(text[i], sizeof(text[i]), "%s (%s)", category_name(&cats.items[i], cats.items[i].code, lang),
			 cats.items[i].code);
		items[i + 1] = text[i];
	}
	if ((k = ui_choose(ui, _("Expense category"), items, cats.n + 1, 0)) < 0)
		goto out;
	if (k > 0)
		str_copy(out, cats.items[k - 1].code, size);
	ok = true;
out:
	free(items);
	free(text);
	category_set_release(&cats);
	return ok;
}

static bool ask_mode(struct ui *ui, enum budget_mode *mode)
{
	char text[BUDGET_MODE_COUNT][256];
	const char *items[BUDGET_MODE_COUNT];
	int k;

	for (int m = 0; m < BUDGET_MODE_COUNT; m++) {
		snprintf(text[m], sizeof(text[m]), "%s: %s", _(budget_mode_label((enum budget_mode)m)),
			 _(mode_help[m]));
		items[m] = text[m];
	}
	if ((k = ui_choose(ui, _("Control mode"), items, BUDGET_MODE_COUNT, (int)*mode)) < 0)
		return false;
	*mode = (enum budget_mode)k;
	return true;
}

static bool may_manage(struct ui *ui, const struct budgets_state *st)
{
	if (!st->manage)
		ui_message(ui, THEME_WARN, "%s", _("Budgets are set by finance and admins."));
	return st->manage;
}

/* Whether a node with key's dimensions and period exists (the service decides). */
static bool exists(struct ui *ui, const struct budget_node *key)
{
	struct budget_node *nodes = NULL;
	char msg[BR_MSG_MAX];
	bool found = false;
	int n = 0;

	if (service_budget_list(ui->app, key->period, &nodes, &n, msg, sizeof(msg)))
		return false;
	for (int i = 0; i < n && !found; i++)
		found = !strcmp(nodes[i].department, key->department) && !strcmp(nodes[i].project, key->project) &&
			!strcmp(nodes[i].category, key->category) && !strcmp(nodes[i].period, key->period);
	free(nodes);
	return found;
}

static void new_budget(struct ui *ui, struct budgets_state *st)
{
	struct dept_list depts = { 0 }, projects = { 0 };
	struct budget_node key = { 0 }, out;
	enum budget_mode mode = BUDGET_BLOCK;
	char amount[64] = "", overrun[16] = "0%", reason[512] = "", msg[BR_MSG_MAX], label[512], title[640];
	char lines[5][600], shown[80];
	const char *lp[5];
	bool created = false, known;
	int64_t fen = 0;
	int bp = 0;

	if (!may_manage(ui, st))
		return;
	service_dashboard_keys(ui->app, false, &depts);
	service_dashboard_keys(ui->app, true, &projects);
	if (!ask_dimension(ui, _("Department"), &depts, key.department, sizeof(key.department)) ||
	    !ask_dimension(ui, _("Project"), &projects, key.project, sizeof(key.project)) ||
	    !ask_category(ui, key.category, sizeof(key.category)))
		goto out;
	if (st->period[0])
		str_copy(key.period, st->period, sizeof(key.period));
	else
		ui_period_today(UI_PERIOD_YEAR, key.period, sizeof(key.period));
	if (!ui_period_prompt(ui, key.period, sizeof(key.period), false) ||
	    !ask(ui, _("Amount: "), amount, sizeof(amount), check_amount) || !ask_mode(ui, &mode) ||
	    !ask(ui, _("Allowed overrun in percent (0 to 100): "), overrun, sizeof(overrun), check_overrun))
		goto out;
	known = exists(ui, &key);
	budget_node_label(&key, label, sizeof(label));
	text_sanitize(label);
	snprintf(lines[0], sizeof(lines[0]), "%s: %s", _("Budget"), label);
	snprintf(lines[1], sizeof(lines[1]), "%s: %s", _("Period"), key.period);
	money_parse(amount, &fen, NULL);
	budget_overrun_parse(overrun, &bp);
	snprintf(lines[2], sizeof(lines[2]), "%s: %s", _("Amount"),
		 money_format(fen, shown, sizeof(shown), MONEY_GROUP | MONEY_SYMBOL));
	snprintf(lines[3], sizeof(lines[3]), "%s: %s, %s", _("Mode"), _(budget_mode_label(mode)), _(mode_help[mode]));
	budget_overrun_format(bp, shown, sizeof(shown));
	snprintf(lines[4], sizeof(lines[4]), "%s: %s", _("Allowed overrun"), shown);
	for (int i = 0; i < 5; i++)
		lp[i] = lines[i];
	snprintf(title, sizeof(title), "%s",
		 known ? _("This budget exists already: change it?") : _("Create this budget?"));
	if (!ui_confirm(ui, title, lp, NULL, 5, _("y = go on, n = cancel")))
		goto out;
	if (!ask(ui, known ? _("Reason for the change (required): ") : _("Note for the budget's history (optional): "), reason,
		 sizeof(reason), known ? check_reason : NULL))
		goto out;
	{
		struct budget_input in = { key.department, key.project, key.category,
					   key.period,     amount,      budget_mode_name(mode),
					   overrun,        -1 };
		if (service_budget_set(ui->app, &in, reason, &out, &created, msg, sizeof(msg))) {
			ui_message(ui, THEME_ERROR, "%s", msg);
			goto out;
		}
	}
	money_format(out.amount, shown, sizeof(shown), MONEY_GROUP | MONEY_SYMBOL);
	ui_message(ui, THEME_OK, created ? _("Created the budget %s %s: %s") : _("Changed the budget %s %s: %s"), label,
		   out.period, shown);
	ui->data_version++;
	load(ui, st, out.id);
out:
	dept_list_release(&depts);
	dept_list_release(&projects);
}

static void adjust(struct ui *ui, struct budgets_state *st)
{
	const struct budget_node *cur = current(st);
	struct budget_node b, out;
	enum budget_mode mode;
	char amount[64], overrun[16], reason[512] = "", msg[BR_MSG_MAX], label[512], prompt[700];
	char before[32], after[32];
	int64_t fen = 0;
	int bp = 0;
	bool created;

	if (!may_manage(ui, st))
		return;
	if (!cur) {
		ui_message(ui, THEME_WARN, "%s", _("No budget here."));
		return;
	}
	b = *cur; /* the list may be reloaded while asking */
	mode = b.mode;
	budget_node_label(&b, label, sizeof(label));
	text_sanitize(label);
	money_format(b.amount, amount, sizeof(amount), 0);
	budget_overrun_format(b.overrun_bp, overrun, sizeof(overrun));
	snprintf(prompt, sizeof(prompt), _("%s %s, amount: "), label, b.period);
	if (!ask(ui, prompt, amount, sizeof(amount), check_amount) || !ask_mode(ui, &mode) ||
	    !ask(ui, _("Allowed overrun in percent (0 to 100): "), overrun, sizeof(overrun), check_overrun))
		return;
	money_parse(amount, &fen, NULL);
	budget_overrun_parse(overrun, &bp);
	if (fen == b.amount && mode == b.mode && bp == b.overrun_bp) {
		ui_message(ui, THEME_DIM, "%s", _("Nothing changed."));
		return;
	}
	if (!ask(ui, _("Reason for the change (required): "), reason, sizeof(reason), check_reason))
		return;
	{
		struct budget_input in = { b.department,           b.project, b.category, b.period, amount,
					   budget_mode_name(mode), overrun,   -1 };
		if (service_budget_set(ui->app, &in, reason, &out, &created, msg, sizeof(msg))) {
			ui_message(ui, THEME_ERROR, "%s", msg);
			return;
		}
	}
	money_format(b.amount, before, sizeof(before), MONEY_GROUP | MONEY_SYMBOL);
	money_format(out.amount, after, sizeof(after), MONEY_GROUP | MONEY_SYMBOL);
	ui_message(ui, THEME_OK, _("Changed the budget %s %s: %s to %s, %s"), label, b.period, before, after,
		   _(budget_mode_label(out.mode)));
	ui->data_version++;
	load(ui, st, b.id);
}

static void freeze(struct ui *ui, struct budgets_state *st)
{
	const struct budget_node *cur = current(st);
	char reason[512] = "", msg[BR_MSG_MAX], label[512], prompt[700], period[BUDGET_PERIOD_MAX];
	int64_t id;
	bool frozen;

	if (!may_manage(ui, st))
		return;
	if (!cur) {
		ui_message(ui, THEME_WARN, "%s", _("No budget here."));
		return;
	}
	id = cur->id;
	frozen = !cur->frozen;
	str_copy(period, cur->period, sizeof(period));
	budget_node_label(cur, label, sizeof(label));
	text_sanitize(label);
	snprintf(prompt, sizeof(prompt),
		 frozen ? _("Freeze %s %s (no new claims), reason: ") : _("Unfreeze %s %s, reason: "), label, period);
	if (!ask(ui, prompt, reason, sizeof(reason), check_reason))
		return;
	if (service_budget_freeze(ui->app, id, frozen, reason, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return;
	}
	ui_message(ui, frozen ? THEME_WARN : THEME_OK, frozen ? _("Froze %s %s") : _("Unfroze %s %s"), label, period);
	ui->data_version++;
	load(ui, st, id);
}

#define IMPORT_MAX (512 * 1024)

static void import(struct ui *ui, struct budgets_state *st)
{
	struct budget_import r;
	char *text, reason[512] = "", msg[BR_MSG_MAX];

	if (!may_manage(ui, st))
		return;
	memset(&r, 0, sizeof(r));
	text = xstrdup(st->import_text ? st->import_text
				       : "department,project,category,period,amount,mode,overrun,reason\n");
	if (!ui_textarea(ui, _("Import budgets: paste CSV, then Ctrl-D"), &text, IMPORT_MAX))
		goto out;
	free(st->import_text);
	st->import_text = xstrdup(text);
	if (!ask(ui, _("Reason for changed budgets (rows may give their own; empty: none): "), reason, sizeof(reason),
		 NULL))
		goto out;
	if (service_budget_import(ui->app, text, strlen(text), reason, &r, msg, sizeof(msg))) {
		if (!r.nproblems) {
			ui_message(ui, THEME_ERROR, "%s", msg);
			goto out;
		}
		ui_import_problems(ui, msg, r.problems, r.nproblems);
		ui_message(ui, THEME_ERROR, "%s", _("Nothing imported; press i to correct the CSV."));
		goto out;
	}
	ui_message(ui, THEME_OK, _("Imported %d budget(s): %d new, %d changed"), r.nnodes, r.created,
		   r.nnodes - r.created);
	free(st->import_text);
	st->import_text = NULL;
	ui->data_version++;
	load(ui, st, 0);
out:
	budget_import_release(&r);
	free(text);
}

static int budgets_key(struct ui *ui, void *state, int op)
{
	struct budgets_state *st = state;
	const struct budget_node *cur;
	char buf[sizeof(st->filter)];

	if (ui_list_key(&st->list, op, st->nrows))
		return UI_REDRAW;
	switch (op) {
	case OP_OPEN:
		if ((cur = current(st))) {
			chosen = cur->id;
			ui_push(ui, &screen_budget);
		}
		break;
	case OP_PERIOD:
		st->period_kind = st->period_kind >= PERIOD_MONTH ? PERIOD_ALL : st->period_kind + 1;
		if (st->period_kind == PERIOD_ALL)
			st->period[0] = '\0';
		else
			ui_period_today((enum ui_period)(st->period_kind - PERIOD_YEAR), st->period,
					sizeof(st->period));
		load(ui, st, 0);
		break;
	case OP_PERIOD_TYPE:
		str_copy(buf, st->period, sizeof(buf));
		if (!ui_period_prompt(ui, buf, sizeof(buf), true))
			break;
		str_copy(st->period, buf, sizeof(st->period));
		st->period_kind = st->period[0] ? PERIOD_TYPED : PERIOD_ALL;
		load(ui, st, 0);
		break;
	case OP_FILTER:
		str_copy(buf, st->filter, sizeof(buf));
		if (!ui_prompt(ui, _("Filter (department, project, category, period, mode, frozen, over): "), buf,
			       sizeof(buf)))
			break;
		str_copy(st->filter, str_trim(buf), sizeof(st->filter));
		cur = current(st);
		arrange(st, cur ? cur->id : 0);
		/* land on a row the filter found, not on a parent shown for context */
		if (st->list.sel < st->nrows && st->rows[st->list.sel].context)
			for (int i = 0; i < st->nrows; i++)
				if (!st->rows[i].context) {
					st->list.sel = i;
					break;
				}
		break;
	case OP_NEW: new_budget(ui, st); break;
	case OP_EDIT: adjust(ui, st); break;
	case OP_FREEZE: freeze(ui, st); break;
	case OP_IMPORT: import(ui, st); break;
	case OP_RELOAD: load(ui, st, 0); break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_budgets = {
	.title = N_("Budgets"),
	.keys = budgets_keys,
	.nkeys = (int)ARRAY_SIZE(budgets_keys),
	.enter = budgets_enter,
	.leave = budgets_leave,
	.draw = budgets_draw,
	.key = budgets_key,
	.tick = budgets_tick,
};

/* ---- one budget ---- */

/* Appends a person's text with Markdown's punctuation escaped, so it shows as typed. */
static void md_add(struct strbuf *b, const char *text)
{
	char clean[4200];
	size_t start = 0, i;

	str_copy(clean, text, sizeof(clean));
	text_sanitize(clean);
	for (i = 0; clean[i]; i++)
		if (strchr("\\`*_{}[]()<>#+-.!|~&", clean[i])) {
			strbuf_addf(b, "%.*s\\%c", (int)(i - start), clean + start, clean[i]);
			start = i + 1;
		}
	strbuf_addf(b, "%s", clean + start);
}

static const char *change_label(const char *action)
{
	static const struct {
		const char *name, *label;
	} labels[] = {
		{ "create", N_("created") },
		{ "adjust", N_("adjusted") },
		{ "freeze", N_("froze") },
		{ "unfreeze", N_("unfroze") },
	};

	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		if (!strcmp(action, labels[i].name))
			return _(labels[i].label);
	return action;
}

static void describe_history(struct ui *ui, struct strbuf *b, const struct budget_change *ch, int n)
{
	strbuf_addf(b, "\n## %s\n\n", _("History of changes"));
	if (n == 0)
		strbuf_addf(b, "%s\n", _("No changes recorded."));
	for (int i = 0; i < n; i++) {
		const struct budget_change *c = &ch[i];
		char when[12], who[256], before[32], after[32];
		const char *reason = c->reason, *dot = ui->ascii ? "|" : "·";

		approval_time(c->ts, when);
		approval_person(ui, c->actor, who, sizeof(who));
		money_format(c->old_amount, before, sizeof(before), MONEY_GROUP | MONEY_SYMBOL);
		money_format(c->new_amount, after, sizeof(after), MONEY_GROUP | MONEY_SYMBOL);
		strbuf_addf(b, "- **%s** %s ", when[0] ? when : c->ts, dot);
		md_add(b, who);
		strbuf_addf(b, " %s %s", dot, change_label(c->action));
		if (!strcmp(c->action, "create"))
			strbuf_addf(b, " %s %s", dot, after);
		else if (c->old_amount != c->new_amount)
			strbuf_addf(b, " %s %s %s %s", dot, before, ui->ascii ? "->" : "→", after);
		if (c->detail[0]) {
			strbuf_addf(b, " %s ", dot);
			md_add(b, c->detail);
		}
		strbuf_addf(b, "\n");
		/* a reason from a CSV may have several lines: one paragraph, the lines joined */
		if (!reason[strspn(reason, " \t\r\n")])
			continue;
		strbuf_addf(b, "\n  *%s* ", _("Reason:"));
		for (bool first = true; *reason; first = false) {
			size_t len = strcspn(reason, "\r\n");
			char part[520];
			snprintf(part, sizeof(part), "%.*s", (int)(len < sizeof(part) ? len : sizeof(part) - 1),
				 reason);
			strbuf_addf(b, "%s", first ? "" : " / ");
			md_add(b, part);
			reason += len;
			reason += strspn(reason, "\r\n");
		}
		strbuf_addf(b, "\n\n");
	}
}

static void describe_claims(struct strbuf *b, const struct budget_claim_row *cl, int n, bool ascii)
{
	const char *dot = ascii ? "|" : "·";
	int64_t committed = 0, actual = 0;
	char a[32], c[32];

	for (int i = 0; i < n; i++)
		*(cl[i].actual ? &actual : &committed) += cl[i].amount;
	strbuf_addf(b, "\n## %s\n\n", _("Claims charged"));
	if (n == 0) {
		strbuf_addf(b, "%s\n", _("No claims are charged to this budget."));
		return;
	}
	strbuf_addf(b, _("%d claim(s): %s committed, %s actual."), n,
		    money_format(committed, c, sizeof(c), MONEY_GROUP | MONEY_SYMBOL),
		    money_format(actual, a, sizeof(a), MONEY_GROUP | MONEY_SYMBOL));
	strbuf_addf(b, "\n\n");
	for (int i = 0; i < n; i++) {
		strbuf_addf(b, "- `%s` %s ", cl[i].number, dot);
		md_add(b, cl[i].owner_name[0] ? cl[i].owner_name : cl[i].owner);
		strbuf_addf(b, " %s %s %s %s %s %s\n", dot, _(claim_status_label(cl[i].status)), dot,
			    money_format(cl[i].amount, a, sizeof(a), MONEY_GROUP | MONEY_SYMBOL), dot,
			    cl[i].actual ? _("actual") : _("committed"));
	}
}

/* The node as Markdown: settings, figures, history, claims. */
static char *describe(struct ui *ui, int64_t id)
{
	struct strbuf b = { NULL, 0 };
	struct budget_node n;
	struct budget_change *ch = NULL;
	struct budget_claim_row *cl = NULL;
	char msg[BR_MSG_MAX], label[512], a[32], when[12], over[16];
	int nch = 0, ncl = 0, pm;

	if (service_budget_get(ui->app, id, &n, msg, sizeof(msg))) {
		strbuf_addf(&b, "%s\n", msg);
		goto out;
	}
	budget_node_label(&n, label, sizeof(label));
	strbuf_addf(&b, "# ");
	md_add(&b, label);
	strbuf_addf(&b, " %s %s\n\n## %s\n\n", ui->ascii ? "|" : "·", n.period, _("Settings"));
	strbuf_addf(&b, "- **%s**: %s (%s %s %s)\n", _("Period"), n.period, n.from, ui->ascii ? ".." : "–", n.to);
	strbuf_addf(&b, "- **%s**: %s, %s\n", _("Mode"), _(budget_mode_label(n.mode)), _(mode_help[n.mode]));
	if (n.frozen)
		strbuf_addf(&b, "- **%s**: %s\n", _("Frozen"), _("yes: it takes no new claims"));
	budget_overrun_format(n.overrun_bp, over, sizeof(over));
	strbuf_addf(&b, "- **%s**: %s (%s %s)\n", _("Allowed overrun"), over, _("limit"),
		    money_format(budget_limit(&n), a, sizeof(a), MONEY_GROUP | MONEY_SYMBOL));
	approval_time(n.updated_at, when);
	if (when[0])
		strbuf_addf(&b, "- **%s**: %s\n", _("Last changed"), when);

	strbuf_addf(&b, "\n## %s\n\n", _("Figures"));
	strbuf_addf(&b, "- **%s**: %s\n", _("Amount"),
		    money_format(n.amount, a, sizeof(a), MONEY_GROUP | MONEY_SYMBOL));
	strbuf_addf(&b, "- **%s**: %s (%s)\n", _("Committed"),
		    money_format(n.committed, a, sizeof(a), MONEY_GROUP | MONEY_SYMBOL), _("in approval or approved"));
	strbuf_addf(&b, "- **%s**: %s (%s)\n", _("Actual"),
		    money_format(n.actual, a, sizeof(a), MONEY_GROUP | MONEY_SYMBOL), _("exported or paid"));
	strbuf_addf(&b, "- **%s**: %s\n", _("Available"),
		    money_format(budget_available(&n), a, sizeof(a), MONEY_GROUP | MONEY_SYMBOL));
	pm = budget_used_permille(&n);
	if (n.amount > 0)
		strbuf_addf(&b, "- **%s**: %d.%d%%\n", _("Used"), pm / 10, pm % 10);

	if (service_budget_changes(ui->app, id, &ch, &nch, msg, sizeof(msg)))
		strbuf_addf(&b, "\n%s\n", msg);
	else
		describe_history(ui, &b, ch, nch);
	if (service_budget_claims(ui->app, id, &cl, &ncl, msg, sizeof(msg)))
		strbuf_addf(&b, "\n%s\n", msg);
	else
		describe_claims(&b, cl, ncl, ui->ascii);
out:
	free(ch);
	free(cl);
	return b.s ? b.s : xstrdup("");
}

static void *budget_enter(struct ui *ui)
{
	struct md_view *v = xcalloc(1, sizeof(*v));

	v->text = describe(ui, chosen);
	return v;
}

static void budget_leave(struct ui *ui, void *state)
{
	(void)ui;
	md_view_free(state);
}

static void budget_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	md_view_draw(ui, state, top, left, rows, cols);
}

static int budget_key(struct ui *ui, void *state, int op)
{
	(void)ui;
	return md_view_key(state, op);
}

const struct screen_ops screen_budget = {
	.title = N_("Budget"),
	.keys = budget_keys,
	.nkeys = (int)ARRAY_SIZE(budget_keys),
	.enter = budget_enter,
	.leave = budget_leave,
	.draw = budget_draw,
	.key = budget_key,
};
