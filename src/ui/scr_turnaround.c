/*
 * scr_turnaround.c - "Approval turnaround" for finance and admins: how long
 * decisions take, median and 90th percentile, per workflow step and per
 * approver, from the approval records.
 */
#include "screen.h"

#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/service.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>

enum { OP_RELOAD = 1 };

static const struct key_binding turnaround_keys[] = {
	UI_LIST_KEYS(N_("Top"), N_("Bottom")),
	{ OP_RELOAD, { 'r', 0 }, "r", N_("Reload"), NULL },
};

struct turnaround_state {
	struct turnaround_row *rows;
	int n;
	struct ui_list list;
};

static void load(struct ui *ui, struct turnaround_state *st)
{
	char msg[BR_MSG_MAX];

	free(st->rows);
	st->rows = NULL;
	st->n = 0;
	if (service_turnaround(ui->app, &st->rows, &st->n, msg, sizeof(msg)))
		ui_message(ui, THEME_ERROR, "%s", msg);
}

static void *turnaround_enter(struct ui *ui)
{
	struct turnaround_state *st = xcalloc(1, sizeof(*st));

	load(ui, st);
	return st;
}

static void turnaround_leave(struct ui *ui, void *state)
{
	struct turnaround_state *st = state;

	(void)ui;
	free(st->rows);
	free(st);
}

static void turnaround_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct turnaround_state *st = state;
	char head[512], key[128], a[32], b[32], c[32];

	text_fit(key, sizeof(key), _("Step or approver"), 24, 1, 1);
	text_fit(a, sizeof(a), _("Decisions"), 10, 0, 1);
	text_fit(b, sizeof(b), _("Median"), 10, 0, 1);
	text_fit(c, sizeof(c), _("90th pct."), 10, 0, 1);
	snprintf(head, sizeof(head), "%s %*s%s %*s%s %*s%s", key, 10 - text_width(a), "", a, 10 - text_width(b), "", b,
		 10 - text_width(c), "", c);
	ui_text(ui, top, left, cols, head, THEME_TITLE, true);
	if (st->n == 0)
		ui_text(ui, top + 2, left, cols, _("No approval decisions yet."), THEME_DIM, false);
	st->list.page = rows - 1 > 0 ? rows - 1 : 1;
	ui_list_clamp(st->n, st->list.page, &st->list.sel, &st->list.scroll);
	for (int i = 0; i < st->list.page && st->list.scroll + i < st->n; i++) {
		const struct turnaround_row *r = &st->rows[st->list.scroll + i];
		char line[512], med[32], p90[32], label[160];
		snprintf(label, sizeof(label), "%s %s", r->by_step ? _("step") : _("person"), r->key);
		text_fit(key, sizeof(key), label, 24, 1, 1);
		str_duration(r->median_s, med, sizeof(med));
		str_duration(r->p90_s, p90, sizeof(p90));
		snprintf(line, sizeof(line), "%s %10d %10s %10s", key, r->count, med, p90);
		ui_text(ui, top + 1 + i, left, cols, line,
			st->list.scroll + i == st->list.sel ? THEME_SELECTED : THEME_NORMAL, true);
	}
}

static int turnaround_key(struct ui *ui, void *state, int op)
{
	struct turnaround_state *st = state;

	if (ui_list_key(&st->list, op, st->n))
		return UI_REDRAW;
	if (op == OP_RELOAD) {
		load(ui, st);
		return UI_REDRAW;
	}
	return 0;
}

const struct screen_ops screen_turnaround = {
	.title = N_("Approval turnaround"),
	.keys = turnaround_keys,
	.nkeys = (int)ARRAY_SIZE(turnaround_keys),
	.enter = turnaround_enter,
	.leave = turnaround_leave,
	.draw = turnaround_draw,
	.key = turnaround_key,
};
