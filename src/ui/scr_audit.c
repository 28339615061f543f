/*
 * scr_audit.c - "Audit log" (admins, auditors): the newest entries in a
 * scrolling table, and verification of the whole hash chain on `v`.
 * Rows are copied out of the store so no read transaction stays open.
 */
#include "screen.h"

#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_VERIFY = 1, OP_RELOAD };

static const struct key_binding audit_keys[] = {
	UI_LIST_KEYS(N_("Newest entry"), N_("Oldest loaded entry")),
	{ OP_VERIFY, { 'v', 0 }, "v", N_("Verify the hash chain"), N_("Verify") },
	{ OP_RELOAD, { 'r', 0 }, "r", N_("Reload"), N_("Reload") },
};

#define AUDIT_ROWS 1000

struct audit_row {
	int64_t id;
	char ts[20];
	char actor[65];
	char action[48];
	char object[96];
	char detail[160];
};

struct audit_state {
	struct audit_row *rows;
	int n;
	struct ui_list list;
};

static int collect(const struct audit_entry *e, void *arg)
{
	struct audit_state *st = arg;
	struct audit_row *r = &st->rows[st->n++];

	r->id = e->id;
	/* "2026-11-25T01:02:03.456Z" shown as "2026-11-25 01:02:03" (UTC) */
	str_copy(r->ts, e->ts, sizeof(r->ts));
	if (strlen(r->ts) > 10)
		r->ts[10] = ' ';
	str_copy(r->actor, e->actor, sizeof(r->actor));
	str_copy(r->action, e->action, sizeof(r->action));
	str_copy(r->object, e->object, sizeof(r->object));
	str_copy(r->detail, e->detail, sizeof(r->detail));
	text_sanitize(r->object);
	text_sanitize(r->detail);
	return st->n >= AUDIT_ROWS;
}

static void audit_load(struct ui *ui, struct audit_state *st)
{
	int ret;

	st->n = 0;
	ret = store_audit_list(ui->app->store, 0, AUDIT_ROWS, collect, st);
	if (ret)
		ui_message(ui, THEME_ERROR, _("Cannot read the audit log (%s)"), br_strerror(ret));
}

static void *audit_enter(struct ui *ui)
{
	struct audit_state *st = xcalloc(1, sizeof(*st));

	st->rows = xcalloc(AUDIT_ROWS, sizeof(*st->rows));
	audit_load(ui, st);
	return st;
}

static void audit_leave(struct ui *ui, void *state)
{
	struct audit_state *st = state;

	(void)ui;
	free(st->rows);
	free(st);
}

static void audit_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct audit_state *st = state;
	const int w_id = 6, w_ts = 19, w_actor = 10, w_action = 14;
	int w_rest = cols - (w_id + w_ts + w_actor + w_action + 4);
	char head[512], a[128], b[128], c[128], d[400];

	st->list.page = rows - 1 > 1 ? rows - 1 : 1;
	text_fit(a, sizeof(a), _("Time (UTC)"), w_ts, 1, 1);
	text_fit(b, sizeof(b), _("Who"), w_actor, 1, 1);
	text_fit(c, sizeof(c), _("Action"), w_action, 1, 1);
	snprintf(head, sizeof(head), "%*s %s %s %s %s", w_id, "#", a, b, c, _("Object / detail"));
	ui_text(ui, top, left, cols, head, THEME_TITLE, true);
	if (st->n == 0) {
		ui_text(ui, top + 2, left, cols, _("The audit log is empty."), THEME_DIM, false);
		return;
	}
	ui_list_clamp(st->n, st->list.page, &st->list.sel, &st->list.scroll);
	for (int i = 0; i < st->list.page && st->list.scroll + i < st->n; i++) {
		const struct audit_row *r = &st->rows[st->list.scroll + i];
		char line[1024], rest[400];
		text_fit(b, sizeof(b), r->actor, w_actor, 1, 1);
		text_fit(c, sizeof(c), r->action, w_action, 1, 1);
		snprintf(rest, sizeof(rest), "%s  %s", r->object, r->detail);
		text_fit(d, sizeof(d), rest, w_rest > 0 ? w_rest : 0, 0, 1);
		snprintf(line, sizeof(line), "%*" PRId64 " %-19s %s %s %s", w_id, r->id, r->ts, b, c, d);
		ui_text(ui, top + 1 + i, left, cols, line, st->list.scroll + i == st->list.sel ? THEME_SELECTED : THEME_NORMAL,
			true);
	}
}

static int audit_key(struct ui *ui, void *state, int op)
{
	struct audit_state *st = state;
	int64_t count = 0, bad = 0;
	int ret;

	if (ui_list_key(&st->list, op, st->n))
		return UI_REDRAW;
	switch (op) {
	case OP_RELOAD: audit_load(ui, st); break;
	case OP_VERIFY:
		ret = store_audit_verify(ui->app->store, &count, &bad);
		if (ret == BR_OK)
			ui_message(ui, THEME_OK,
				   ngettext("Hash chain intact: %" PRId64 " entry verified",
					    "Hash chain intact: %" PRId64 " entries verified", (unsigned long)count),
				   count);
		else if (ret == BR_ERR_CORRUPT)
			ui_message(ui, THEME_ERROR, _("Hash chain BROKEN at entry #%" PRId64), bad);
		else
			ui_message(ui, THEME_ERROR, _("Cannot read the audit log (%s)"), br_strerror(ret));
		break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_audit = {
	.title = N_("Audit log"),
	.keys = audit_keys,
	.nkeys = (int)ARRAY_SIZE(audit_keys),
	.enter = audit_enter,
	.leave = audit_leave,
	.draw = audit_draw,
	.key = audit_key,
};
