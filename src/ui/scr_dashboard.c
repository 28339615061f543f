/*
 * scr_dashboard.c - "Dashboard" (看板): one department's or project's
 * figures for a period, as the budget service computes them for the person
 * (it decides which departments they may see): budget, committed, actual
 * and available with a utilisation bar, a twelve-month spend sparkline,
 * the top categories and claimants, approvals waiting and overdue, and how
 * long approvals take.
 *
 * Sections are laid out on a virtual page: two columns when the screen is
 * wide enough, one otherwise; a page taller than the screen scrolls.  The
 * tick reloads the figures, so a dashboard left open stays current.
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

enum { OP_VIEW = 1, OP_PREV, OP_NEXT, OP_CHOOSE, OP_PERIOD, OP_PERIOD_TYPE, OP_RELOAD };

static const struct key_binding dash_keys[] = {
	UI_LIST_KEYS(N_("Top of the page"), N_("Bottom of the page")),
	{ OP_VIEW, { '\t', 0 }, "Tab", N_("Show departments or projects"), N_("Dept/project") },
	{ OP_PREV, { '[', KEY_LEFT, 0 }, "[/←", N_("Previous department or project"), NULL },
	{ OP_NEXT, { ']', KEY_RIGHT, 0 }, "]/→", N_("Next department or project"), N_("Switch") },
	{ OP_CHOOSE, { '\n', '\r', KEY_ENTER, 0 }, "Enter", N_("Choose a department or project from a list"), NULL },
	{ OP_PERIOD, { 'p', 0 }, "p", N_("Period: this year, this quarter, this month"), N_("Period") },
	{ OP_PERIOD_TYPE, { 'P', 0 }, "P", N_("Type a period: 2026, 2026-H1, 2026-Q4, 2026-11"), NULL },
	{ OP_RELOAD, { 'r', 12, 0 }, "r/Ctrl-L", N_("Reload"), NULL },
};

#define TWO_COLUMNS 90 /* content columns from which the sections go side by side */
#define LISTS_SIDE_BY_SIDE 70 /* in one column, top categories and claimants side by side */

struct dash_state {
	bool project; /* projects, else departments */
	struct dept_list keys; /* of the view */
	int key; /* the one shown, an index into keys; -1: none */
	char want[2][128]; /* the one shown per view, kept across the Tab and reloads */
	int period_kind; /* an enum ui_period, or -1 for a typed one */
	char period[BUDGET_PERIOD_MAX];
	struct dashboard d;
	bool loaded; /* d holds figures */
	char error[BR_MSG_MAX];
	struct ui_list page; /* sel: the first line shown */
	int height; /* of the page drawn last */
	unsigned version; /* ui->data_version when loaded */
	unsigned long long signature; /* what the last load showed, for the tick */
};

static const char *current_key(const struct dash_state *st)
{
	return st->key >= 0 && st->key < st->keys.n ? st->keys.ptrs[st->key] : NULL;
}

static void set_key(struct dash_state *st, int k)
{
	st->key = k;
	str_copy(st->want[st->project], k >= 0 ? st->keys.ptrs[k] : "", sizeof(st->want[0]));
}

/* Changes when a redraw would show other figures. */
static unsigned long long signature(const struct dash_state *st)
{
	const struct dashboard *d = &st->d;
	unsigned long long h = st->loaded;
	const int64_t v[] = { d->budget,         d->committed,  d->actual,           d->spent,
			      d->waiting,        d->overdue,    d->turnaround_count, d->turnaround_median,
			      d->turnaround_p90, d->has_budget, d->ntop_categories,  d->ntop_people };

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		h = h * 1000003u + (unsigned long long)v[i];
	for (int i = 0; i < DASH_TREND; i++)
		h = h * 31u + (unsigned long long)d->trend[i];
	for (int i = 0; i < d->ntop_categories; i++)
		h = h * 31u + (unsigned long long)d->top_categories[i].amount +
		    (unsigned char)d->top_categories[i].key[0];
	for (int i = 0; i < d->ntop_people; i++)
		h = h * 31u + (unsigned long long)d->top_people[i].amount + (unsigned char)d->top_people[i].key[0];
	for (const char *p = st->error; *p; p++)
		h = h * 31u + (unsigned char)*p;
	return h;
}

static void load(struct ui *ui, struct dash_state *st)
{
	const char *key = current_key(st);

	dashboard_release(&st->d);
	st->loaded = false;
	st->error[0] = '\0';
	st->version = ui->data_version;
	if (key && service_dashboard(ui->app, st->project, key, st->period, &st->d, st->error, sizeof(st->error)))
		dashboard_release(&st->d);
	else
		st->loaded = key != NULL;
	st->signature = signature(st);
}

/*
 * Reads the departments or projects the person may open and finds the one
 * shown before; at first their own department if they may see it, else the
 * first one.
 */
static void load_keys(struct ui *ui, struct dash_state *st)
{
	const char *want = st->want[st->project];
	int ret, k = -1;

	dept_list_release(&st->keys);
	if ((ret = service_dashboard_keys(ui->app, st->project, &st->keys))) {
		ui_message(ui, THEME_ERROR, _("Cannot read the departments and projects (%s)"), br_strerror(ret));
		dept_list_release(&st->keys);
	}
	if (!want[0] && !st->project)
		want = ui->app->user->department;
	for (int i = 0; i < st->keys.n && k < 0; i++)
		if (!strcmp(st->keys.ptrs[i], want))
			k = i;
	set_key(st, k < 0 && st->keys.n ? 0 : k);
}

static void *dash_enter(struct ui *ui)
{
	struct dash_state *st = xcalloc(1, sizeof(*st));

	st->key = -1;
	st->period_kind = UI_PERIOD_YEAR;
	ui_period_today(UI_PERIOD_YEAR, st->period, sizeof(st->period));
	load_keys(ui, st);
	load(ui, st);
	return st;
}

static void dash_leave(struct ui *ui, void *state)
{
	struct dash_state *st = state;

	(void)ui;
	dashboard_release(&st->d);
	dept_list_release(&st->keys);
	free(st);
}

static int dash_tick(struct ui *ui, void *state)
{
	struct dash_state *st = state;
	unsigned long long before = st->signature;

	load(ui, st);
	return st->signature != before ? UI_REDRAW : 0;
}

/* ---- the page ---- */

/*
 * Where the page is drawn: the screen area, and the first page line shown.
 * With measure set nothing is drawn; the sections only say how tall they are.
 */
struct canvas {
	struct ui *ui;
	int top, left, rows, cols;
	int first;
	bool measure;
};

/* Text on page line y from column x, at most w columns (the canvas clips it). */
static void put(const struct canvas *cv, int y, int x, int w, const char *text, int elem)
{
	if (cv->measure || y < cv->first || y >= cv->first + cv->rows || x < 0 || x >= cv->cols || w <= 0)
		return;
	if (x + w > cv->cols)
		w = cv->cols - x;
	ui_text(cv->ui, cv->top + y - cv->first, cv->left + x, w, text, elem, false);
}

/* The same right-aligned in w columns. */
static void put_right(const struct canvas *cv, int y, int x, int w, const char *text, int elem)
{
	char fit[512];
	int used;

	if (w <= 0)
		return;
	used = text_fit(fit, sizeof(fit), text, w, 0, 1);
	put(cv, y, x + w - used, used, fit, elem);
}

static char *money(int64_t fen, char *buf, size_t size)
{
	return money_format(fen, buf, size, MONEY_GROUP);
}

static int used_elem(int permille)
{
	return permille > 1000 ? THEME_ERROR : permille >= 900 ? THEME_WARN : THEME_OK;
}

/*
 * Budget, committed, actual, available and spent as "label  value" cells
 * flowing across w columns, then the utilisation bar; no heading, as the
 * page's first section.  Returns the lines used.
 */
static int draw_figures(const struct canvas *cv, const struct dashboard *d, int y, int x, int w)
{
	struct budget_node sum = { 0 };
	const char *labels[5] = { _("Budget"), _("Committed"), _("Actual"), _("Available"), _("Spent") };
	const int64_t values[5] = { d->budget, d->committed, d->actual, d->available, d->spent };
	int first = d->has_budget ? 0 : 4, lw = 0, vw = 0, cw, per, line = 0, pm;
	char v[32], bar[256], pct[16];

	for (int i = first; i < 5; i++) {
		int a = text_width(labels[i]), b = text_width(money(values[i], v, sizeof(v)));
		lw = a > lw ? a : lw;
		vw = b > vw ? b : vw;
	}
	cw = lw + 2 + vw;
	if (cw > w)
		cw = w;
	per = (w + 3) / (cw + 3);
	if (per < 1)
		per = 1;
	/* too narrow for both: the label gives way, then the value is cut */
	if (lw + 2 + vw > cw) {
		lw = cw - vw - 1 > 0 ? cw - vw - 1 : 0;
		vw = cw - (lw ? lw + 1 : 0);
	}
	for (int i = first, k = 0; i < 5; i++, k++) {
		int cx = x + (k % per) * (cw + 3), cy = y + line + k / per;
		put(cv, cy, cx, lw, labels[i], THEME_DIM);
		put_right(cv, cy, cx + cw - vw, vw, money(values[i], v, sizeof(v)),
			  i == 3 && values[i] < 0 ? THEME_ERROR : THEME_NORMAL);
	}
	line += (5 - first + per - 1) / per;
	if (!d->has_budget) {
		put(cv, y + line++, x, w, _("No budget is set for this period."), THEME_DIM);
		return line;
	}
	sum.amount = d->budget;
	sum.committed = d->committed;
	sum.actual = d->actual;
	pm = budget_used_permille(&sum);
	if (d->budget > 0)
		snprintf(pct, sizeof(pct), "%d.%d%%", pm / 10, pm % 10);
	else
		str_copy(pct, "-", sizeof(pct));
	{
		int lw2 = text_width(_("Used")), bw = w - lw2 - 2 - 7;
		if (bw > 40)
			bw = 40;
		put(cv, y + line, x, lw2, _("Used"), THEME_DIM);
		if (bw >= 3) {
			ui_bar(bar, sizeof(bar), pm, bw, cv->ui->ascii);
			put(cv, y + line, x + lw2 + 1, bw, bar, used_elem(pm));
			put_right(cv, y + line, x + lw2 + 1 + bw, 7, pct, used_elem(pm));
		} else {
			put_right(cv, y + line, x + lw2 + 1, w - lw2 - 1, pct, used_elem(pm));
		}
		line++;
	}
	return line;
}

/*
 * Spend per month as a sparkline: eighth-height blocks (ASCII "_.-=^#"),
 * months of the period brighter than the months before it, the first and
 * last month named under it.  Returns the lines used.
 */
static int draw_trend(const struct canvas *cv, const struct dashboard *d, int y, int x, int w)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = "_.-=^#";
	const int levels = cv->ui->ascii ? (int)sizeof(ascii) - 1 : (int)ARRAY_SIZE(blocks);
	int64_t max = 0;
	int cw, width;
	char text[128], v[32];

	for (int i = 0; i < DASH_TREND; i++)
		max = d->trend[i] > max ? d->trend[i] : max;
	snprintf(text, sizeof(text), _("max %s"), money(max, v, sizeof(v)));
	put(cv, y, x, w, _("Spend by month"), THEME_TITLE);
	if (max == 0) {
		put(cv, y + 1, x, w, _("No spend in these twelve months."), THEME_DIM);
		return 2;
	}
	if (w - text_width(_("Spend by month")) - 2 >= text_width(text))
		put_right(cv, y, x, w, text, THEME_DIM);
	/* columns per month: a gap between months once there is room for one */
	cw = w / DASH_TREND;
	cw = cw > 4 ? 4 : cw < 1 ? 1 : cw;
	width = cw * DASH_TREND;
	for (int i = 0; i < DASH_TREND; i++) {
		int64_t t = d->trend[i] > 0 ? d->trend[i] : 0;
		/* rounded up, so any spend shows */
		int level = t ? (int)((t * levels + max - 1) / max) : 0, n = cw > 2 ? cw - 1 : cw;
		bool in = strncmp(d->trend_month[i], d->from, 7) >= 0;
		char cellt[64] = "";
		for (int k = 0; k < n; k++)
			if (level == 0)
				strcat(cellt, " ");
			else if (cv->ui->ascii)
				strncat(cellt, &ascii[level - 1], 1);
			else
				strcat(cellt, blocks[level - 1]);
		put(cv, y + 1, x + i * cw, n, cellt, in ? THEME_OK : THEME_DIM);
	}
	if (width >= 16) {
		put(cv, y + 2, x, 7, d->trend_month[0], THEME_DIM);
		put_right(cv, y + 2, x + width - 7 - (cw > 2), 7, d->trend_month[DASH_TREND - 1], THEME_DIM);
	} else {
		put(cv, y + 2, x, w, d->trend_month[DASH_TREND - 1], THEME_DIM);
	}
	return 3;
}

/* A top list: name, amount and a bar against the largest.  Returns the lines used. */
static int draw_top(const struct canvas *cv, const char *title, const struct spend_row *rows, int n, bool category,
		    const char *lang, int y, int x, int w)
{
	int aw = 0, bw, nw;
	char v[32], bar[128], name[300];

	put(cv, y, x, w, title, THEME_TITLE);
	if (n == 0) {
		put(cv, y + 1, x, w, _("No spend in this period."), THEME_DIM);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		int a = text_width(money(rows[i].amount, v, sizeof(v)));
		aw = a > aw ? a : aw;
	}
	bw = w >= 44 ? 10 : w >= 32 ? 6 : w >= 26 ? 3 : 0;
	nw = w - aw - 1 - (bw ? bw + 1 : 0);
	if (nw < 4) { /* too narrow for a bar */
		bw = 0;
		nw = w - aw - 1;
	}
	for (int i = 0; i < n; i++) {
		const struct spend_row *r = &rows[i];
		int64_t top = rows[0].amount > 0 ? rows[0].amount : 1;
		int pm = r->amount > 0 ? (int)(r->amount * 1000 / top) : 0;
		str_copy(name,
			 category && !strcmp(lang, "en") ? r->name_en
			 : r->name[0]                    ? r->name
							 : r->key,
			 sizeof(name));
		text_sanitize(name);
		put(cv, y + 1 + i, x, nw, name, THEME_NORMAL);
		put_right(cv, y + 1 + i, x + (nw > 0 ? nw + 1 : 0), aw, money(r->amount, v, sizeof(v)), THEME_NORMAL);
		if (bw) {
			ui_bar(bar, sizeof(bar), pm, bw, cv->ui->ascii);
			put(cv, y + 1 + i, x + nw + 1 + aw + 1, bw, bar, THEME_OK);
		}
	}
	return 1 + n;
}

/* Approvals waiting and overdue, and their turnaround.  Returns the lines used. */
static int draw_approvals(const struct canvas *cv, const struct dashboard *d, int y, int x, int w)
{
	char waiting[128], overdue[128], line[256], a[32], b[32];
	int ww, line_no, elem = d->overdue ? THEME_WARN : THEME_DIM;

	put(cv, y, x, w, _("Approvals"), THEME_TITLE);
	snprintf(waiting, sizeof(waiting), _("Waiting: %d"), d->waiting);
	snprintf(overdue, sizeof(overdue), _("overdue: %d"), d->overdue);
	ww = text_width(waiting);
	put(cv, y + 1, x, w, waiting, THEME_NORMAL);
	if (ww + 2 + text_width(overdue) <= w) { /* on the same line when both fit */
		put(cv, y + 1, x + ww + 2, w - ww - 2, overdue, elem);
		line_no = 2;
	} else {
		put(cv, y + 2, x, w, overdue, elem);
		line_no = 3;
	}
	if (d->turnaround_count) {
		str_duration(d->turnaround_median, a, sizeof(a));
		str_duration(d->turnaround_p90, b, sizeof(b));
		snprintf(line, sizeof(line), _("Turnaround: median %s, 90th pct. %s (%d decision(s))"), a, b,
			 d->turnaround_count);
	} else {
		str_copy(line, _("Turnaround: no decisions yet"), sizeof(line));
	}
	put(cv, y + line_no++, x, w, line, THEME_NORMAL);
	return line_no;
}

/* The whole page; returns its height. */
static int draw_page(const struct canvas *cv, struct dash_state *st, const char *lang)
{
	const struct dashboard *d = &st->d;
	int w = cv->cols, y = 0, h;
	char line[512], key[256];

	if (!current_key(st)) {
		put(cv, 0, 0, w,
		    st->project ? _("No projects yet: they appear once a claim or a budget names one.")
				: _("No department to show: you have none, and approve for none."),
		    THEME_DIM);
		put(cv, 1, 0, w, _("Tab switches between departments and projects."), THEME_DIM);
		return 2;
	}
	str_copy(key, current_key(st), sizeof(key));
	text_sanitize(key);
	snprintf(line, sizeof(line), "%s %s (%d/%d) %s %s", st->project ? _("Project") : _("Department"), key,
		 st->key + 1, st->keys.n, cv->ui->ascii ? "|" : "·", st->period);
	if (st->loaded)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " (%s %s %s)", d->from,
			 cv->ui->ascii ? ".." : "–", d->to);
	put(cv, y++, 0, w, line, THEME_TITLE);
	y++;
	if (!st->loaded) {
		put(cv, y++, 0, w, st->error[0] ? st->error : _("No figures."), THEME_ERROR);
		return y;
	}
	if (w >= TWO_COLUMNS) {
		int cw = (w - 3) / 2, right = cw + 3, l = y, r = y;
		l += draw_figures(cv, d, l, 0, cw) + 1;
		l += draw_trend(cv, d, l, 0, cw) + 1;
		l += draw_approvals(cv, d, l, 0, cw);
		r += draw_top(cv, _("Top categories"), d->top_categories, d->ntop_categories, true, lang, r, right,
			      w - right) +
		     1;
		r += draw_top(cv, _("Top claimants"), d->top_people, d->ntop_people, false, lang, r, right, w - right);
		return l > r ? l : r;
	}
	y += draw_figures(cv, d, y, 0, w) + 1;
	y += draw_trend(cv, d, y, 0, w) + 1;
	if (w >= LISTS_SIDE_BY_SIDE) {
		int cw = (w - 3) / 2, a, b;
		a = draw_top(cv, _("Top categories"), d->top_categories, d->ntop_categories, true, lang, y, 0, cw);
		b = draw_top(cv, _("Top claimants"), d->top_people, d->ntop_people, false, lang, y, cw + 3, w - cw - 3);
		h = a > b ? a : b;
		y += h + 1;
	} else {
		y += draw_top(cv, _("Top categories"), d->top_categories, d->ntop_categories, true, lang, y, 0, w) + 1;
		y += draw_top(cv, _("Top claimants"), d->top_people, d->ntop_people, false, lang, y, 0, w) + 1;
	}
	y += draw_approvals(cv, d, y, 0, w);
	return y;
}

static void dash_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct dash_state *st = state;
	struct canvas cv = { ui, top, left, rows, cols, 0, true };
	const char *lang = app_language(ui->app);
	int height, last;

	if (ui->data_version != st->version)
		load(ui, st);
	if (rows < 1 || cols < 1)
		return;
	st->height = height = draw_page(&cv, st, lang);
	/* the "selection" is the first line shown; the last screenful stays full */
	st->page.page = rows;
	last = height - rows > 0 ? height - rows : 0;
	if (st->page.sel > last)
		st->page.sel = last;
	if (st->page.sel < 0)
		st->page.sel = 0;
	cv.first = st->page.sel;
	cv.measure = false;
	draw_page(&cv, st, lang);
	if (height > rows) { /* say there is more, on the last line's right */
		char more[32];
		snprintf(more, sizeof(more), " %s ",
			 st->page.sel < last ? (ui->ascii ? "v" : "↓") : (ui->ascii ? "^" : "↑"));
		ui_text(ui, top + rows - 1, left + cols - text_width(more), text_width(more), more, THEME_DIM, false);
	}
}

static int dash_key(struct ui *ui, void *state, int op)
{
	struct dash_state *st = state;
	char buf[BUDGET_PERIOD_MAX];

	/* the page scrolls over its height; the draw keeps the last screenful full */
	if (ui_list_key(&st->page, op, st->height))
		return UI_REDRAW;
	switch (op) {
	case OP_VIEW:
		st->project = !st->project;
		load_keys(ui, st);
		st->page.sel = 0;
		load(ui, st);
		break;
	case OP_PREV:
	case OP_NEXT:
		if (st->keys.n == 0)
			break;
		set_key(st, (st->key + (op == OP_NEXT ? 1 : st->keys.n - 1)) % st->keys.n);
		load(ui, st);
		break;
	case OP_CHOOSE: {
		int c;
		if (st->keys.n == 0)
			break;
		c = ui_choose(ui, st->project ? _("Project") : _("Department"), st->keys.ptrs, st->keys.n,
			      st->key >= 0 ? st->key : 0);
		if (c >= 0) {
			set_key(st, c);
			load(ui, st);
		}
		break;
	}
	case OP_PERIOD:
		st->period_kind =
		    st->period_kind < 0 || st->period_kind >= UI_PERIOD_MONTH ? UI_PERIOD_YEAR : st->period_kind + 1;
		ui_period_today((enum ui_period)st->period_kind, st->period, sizeof(st->period));
		load(ui, st);
		break;
	case OP_PERIOD_TYPE:
		str_copy(buf, st->period, sizeof(buf));
		if (!ui_period_prompt(ui, buf, sizeof(buf), false))
			break;
		str_copy(st->period, buf, sizeof(st->period));
		st->period_kind = -1;
		load(ui, st);
		break;
	case OP_RELOAD:
		load_keys(ui, st);
		load(ui, st);
		break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_dashboard = {
	.title = N_("Dashboard"),
	.keys = dash_keys,
	.nkeys = (int)ARRAY_SIZE(dash_keys),
	.enter = dash_enter,
	.leave = dash_leave,
	.draw = dash_draw,
	.key = dash_key,
	.tick = dash_tick,
};
