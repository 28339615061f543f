/*
 * scr_menu.c - the main menu: the areas the person's roles allow.
 * Later areas are added to areas[] and appear for the roles they name.
 * The approval inbox shows how many tasks wait, kept current by the tick.
 */
#include "screen.h"

#include "bursar/i18n.h"
#include "bursar/service.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>

enum { OP_UP = 1, OP_DOWN, OP_OPEN, OP_FIRST, OP_LAST };

struct area {
	const char *label;
	const char *desc;
	unsigned roles; /* ROLE_ANY = everyone */
	const struct screen_ops *ops;
	bool (*shown)(const struct app *app); /* also asked when set: the service's own rule */
};

static const struct area areas[] = {
	{ N_("My claims"), N_("Your expense claims: start, edit, submit, follow"), ROLE_ANY, &screen_claims },
	/* everyone: a delegate standing in for an approver may be plain staff */
	{ N_("Approval inbox"), N_("Claims waiting for your approval, oldest first"), ROLE_ANY, &screen_inbox },
	{ N_("My profile"), N_("Your directory details, roles and this session"), ROLE_ANY, &screen_profile },
	{ N_("Invoices"), N_("The invoices you registered, with search (all of them: Ledgers, 发票台账)"), ROLE_ANY, &screen_invoices },
	{ N_("Claim forms"), N_("The forms, their fields, categories, limits and help"), ROLE_ANY, &screen_forms },
	{ N_("Preferences"), N_("Theme and language, remembered for you"), ROLE_ANY, &screen_prefs },
	/* everyone: the budget service decides which departments' figures each person sees */
	{ N_("Budgets"), N_("Budgets by department, project and category: used and left"), ROLE_ANY, &screen_budgets },
	{ N_("Dashboard"), N_("A department's or project's spend, budget, trend and approvals"), ROLE_ANY,
	  &screen_dashboard },
	{ N_("Accounts"), N_("The GL account of each category, and the voucher settings"), ROLE_ANY, &screen_accounts,
	  service_sees_all },
	{ N_("Vouchers & payments"), N_("Export batches, payments, bank reconciliation and advances"), ROLE_ANY,
	  &screen_vouchers, service_sees_all },
	{ N_("Approval turnaround"), N_("How long approvals take, per step and per approver"),
	  ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN), &screen_turnaround },
	{ N_("Audit log"), N_("Every change, in a verifiable hash chain"),
	  ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR), &screen_audit },
	/*
	 * Ledgers and reminders last, for everyone: the ledger service decides
	 * which ledgers and reminders each person sees.  Tests reach them with G,
	 * and turnaround and the audit log with G and two more k.
	 */
	{ N_("Ledgers"), N_("Ledgers (台账): contracts, assets, supplies, claims, invoices"), ROLE_ANY,
	  &screen_ledgers },
	{ N_("Reminders"), N_("Ledger records due: contracts ending, inspections, low stock"), ROLE_ANY,
	  &screen_reminders },
};

static const struct key_binding menu_keys[] = {
	{ OP_UP, { 'k', KEY_UP, 0 }, "k/↑", N_("Move up"), NULL },
	{ OP_DOWN, { 'j', KEY_DOWN, 0 }, "j/↓", N_("Move down"), N_("Move") },
	{ OP_OPEN, { '\n', '\r', KEY_ENTER, KEY_RIGHT }, "Enter", N_("Open"), N_("Open") },
	{ OP_FIRST, { 'g', KEY_HOME, 0 }, "g", N_("First item"), NULL },
	{ OP_LAST, { 'G', KEY_END, 0 }, "G", N_("Last item"), NULL },
};

struct menu_state {
	int visible[ARRAY_SIZE(areas)];
	int n;
	int sel;
	int tasks; /* open approval tasks, counted on entry, on each tick and after changes */
	unsigned version; /* ui->data_version when counted */
};

static void *menu_enter(struct ui *ui)
{
	struct menu_state *st = xcalloc(1, sizeof(*st));

	for (size_t i = 0; i < ARRAY_SIZE(areas); i++)
		if ((areas[i].roles == ROLE_ANY || (ui->app->user->roles & areas[i].roles)) &&
		    (!areas[i].shown || areas[i].shown(ui->app)))
			st->visible[st->n++] = (int)i;
	st->tasks = inbox_count(ui);
	st->version = ui->data_version;
	return st;
}

static void menu_leave(struct ui *ui, void *state)
{
	(void)ui;
	free(state);
}

static void menu_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct menu_state *st = state;
	char labels[ARRAY_SIZE(areas)][256];
	int labelw = 0, gap, first, numw = 1;

	/* count again only when a screen changed something, not on every key */
	if (st->version != ui->data_version) {
		st->tasks = inbox_count(ui);
		st->version = ui->data_version;
	}
	for (int i = 0; i < st->n; i++) {
		const struct area *a = &areas[st->visible[i]];
		int w;
		if (a->ops == &screen_inbox && st->tasks > 0)
			snprintf(labels[i], sizeof(labels[i]), "%s (%d)", _(a->label), st->tasks);
		else
			str_copy(labels[i], _(a->label), sizeof(labels[i]));
		w = text_width(labels[i]);
		if (w > labelw)
			labelw = w;
	}
	/* the numbers right-aligned, so that a tenth row keeps the labels in line */
	for (int n = st->n; n >= 10; n /= 10)
		numw++;
	/* a blank row between items when they fit, else one per row, scrolled to the selection */
	gap = st->n * 2 <= rows ? 2 : 1;
	first = st->sel >= rows ? st->sel - rows + 1 : 0;
	for (int i = first; i < st->n && (i - first) * gap < rows; i++) {
		const struct area *a = &areas[st->visible[i]];
		char line[512], label[256];
		int elem = i == st->sel ? THEME_SELECTED : THEME_NORMAL;

		text_fit(label, sizeof(label), labels[i], labelw, 1, 0);
		snprintf(line, sizeof(line), " %*d  %s   %s", numw, i + 1, label, _(a->desc));
		ui_text(ui, top + (i - first) * gap, left, cols, line, elem, true);
	}
}

static int menu_tick(struct ui *ui, void *state)
{
	struct menu_state *st = state;

	int n = inbox_count(ui);

	if (n == st->tasks)
		return 0;
	st->tasks = n;
	return UI_REDRAW;
}

static int menu_key(struct ui *ui, void *state, int op)
{
	struct menu_state *st = state;

	switch (op) {
	case OP_UP: st->sel = st->sel > 0 ? st->sel - 1 : st->n - 1; break;
	case OP_DOWN: st->sel = st->sel + 1 < st->n ? st->sel + 1 : 0; break;
	case OP_FIRST: st->sel = 0; break;
	case OP_LAST: st->sel = st->n - 1; break;
	case OP_OPEN:
		if (st->n)
			ui_push(ui, areas[st->visible[st->sel]].ops);
		break;
	}
	return UI_HANDLED | UI_REDRAW;
}

const struct screen_ops screen_menu = {
	.title = N_("Main menu"),
	.keys = menu_keys,
	.nkeys = (int)ARRAY_SIZE(menu_keys),
	.enter = menu_enter,
	.leave = menu_leave,
	.draw = menu_draw,
	.key = menu_key,
	.tick = menu_tick,
};
