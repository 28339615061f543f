/*
 * scr_invoices.c - "Invoices" (发票台账): the person's registered invoices,
 * or everyone's for finance, admins and auditors, with search.
 * Rows are copied out of the store, so no read transaction stays open.
 */
#include "screen.h"

#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_SEARCH = 1, OP_ALL, OP_RELOAD };

static const struct key_binding invoice_keys[] = {
	UI_LIST_KEYS(N_("First invoice"), N_("Last invoice")),
	{ OP_SEARCH, { '/', 0 }, "/", N_("Search by number, seller, date, owner or claim"), N_("Search") },
	{ OP_ALL, { 'a', 0 }, "a", N_("Everyone's invoices or only yours (finance, admins, auditors)"), NULL },
	{ OP_RELOAD, { 'r', 0 }, "r", N_("Reload"), NULL },
};

#define SEE_ALL (ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR))
#define MAX_INVOICES 5000

struct inv_row {
	char date[11];
	char kind[16];
	char key[48];
	char seller[128];
	char owner[65];
	char claim[CLAIM_NUMBER_MAX];
	int64_t total;
};

struct inv_state {
	struct inv_row *rows;
	int n;
	bool truncated; /* more invoices than MAX_INVOICES exist */
	int *shown; /* indexes of rows matching the search */
	int nshown;
	struct ui_list list;
	bool all;
	char search[128];
};

static int collect(const struct invoice *inv, const struct invoice_holder *h, void *arg)
{
	struct inv_state *st = arg;
	struct inv_row *r;

	if (st->n >= MAX_INVOICES) {
		st->truncated = true;
		return 1;
	}
	r = &st->rows[st->n++];
	str_copy(r->date, inv->date, sizeof(r->date));
	str_copy(r->kind, invoice_kind_name(inv->kind), sizeof(r->kind));
	invoice_dedup_key(inv->code, inv->number, r->key, sizeof(r->key));
	str_copy(r->seller, inv->seller_name, sizeof(r->seller));
	text_sanitize(r->seller);
	str_copy(r->owner, h->owner, sizeof(r->owner));
	str_copy(r->claim, h->claim[0] ? h->claim : "-", sizeof(r->claim));
	r->total = inv->total;
	return 0;
}

static void apply_search(struct inv_state *st)
{
	st->nshown = 0;
	for (int i = 0; i < st->n; i++) {
		const struct inv_row *r = &st->rows[i];
		if (!st->search[0] || strstr(r->key, st->search) || strstr(r->seller, st->search) ||
		    strstr(r->date, st->search) || strstr(r->owner, st->search) ||
		    strstr(r->claim, st->search))
			st->shown[st->nshown++] = i;
	}
	st->list.sel = st->list.scroll = 0;
}

static void load(struct ui *ui, struct inv_state *st)
{
	int ret;

	st->n = 0;
	st->truncated = false;
	ret = store_invoice_list(ui->app->store, st->all ? NULL : ui->app->user->uid, collect, st);
	if (ret)
		ui_message(ui, THEME_ERROR, _("Cannot read invoices (%s)"), br_strerror(ret));
	apply_search(st);
}

static void *invoices_enter(struct ui *ui)
{
	struct inv_state *st = xcalloc(1, sizeof(*st));

	st->rows = xcalloc(MAX_INVOICES, sizeof(*st->rows));
	st->shown = xcalloc(MAX_INVOICES, sizeof(*st->shown));
	load(ui, st);
	return st;
}

static void invoices_leave(struct ui *ui, void *state)
{
	struct inv_state *st = state;

	(void)ui;
	free(st->rows);
	free(st->shown);
	free(st);
}

static void invoices_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct inv_state *st = state;
	const int w_date = 10, w_kind = 14, w_key = 24, w_total = 14, w_claim = 13, w_owner = st->all ? 10 : 0;
	int w_seller = cols - (w_date + w_kind + w_key + w_total + w_claim + w_owner + 6);
	char head[1024], a[64], b[64], c[64], d[256], e[64], f[64], line[1024];
	int64_t sum = 0;

	if (w_seller < 4)
		w_seller = 4;
	st->list.page = rows - 3 > 1 ? rows - 3 : 1;
	text_fit(a, sizeof(a), _("Date"), w_date, 1, 1);
	text_fit(b, sizeof(b), _("Kind"), w_kind, 1, 1);
	text_fit(c, sizeof(c), _("Number"), w_key, 1, 1);
	text_fit(d, sizeof(d), _("Seller"), w_seller, 1, 1);
	text_fit(e, sizeof(e), _("Total"), w_total, 0, 1);
	{
		/* right-align the total's heading by display width (CJK is two columns) */
		char right[96];
		int pad = w_total - text_width(e);
		pad = pad < 0 ? 0 : pad > 32 ? 32 : pad;
		memset(right, ' ', (size_t)pad);
		str_copy(right + pad, e, sizeof(right) - (size_t)pad);
		text_fit(f, sizeof(f), _("Claim"), w_claim, 1, 1);
		snprintf(head, sizeof(head), "%s %s %s %s %s %s%s%s", a, b, c, d, right, f, st->all ? " " : "",
			 st->all ? _("Owner") : "");
	}
	ui_text(ui, top, left, cols, head, THEME_TITLE, true);
	if (st->nshown == 0) {
		ui_text(ui, top + 2, left, cols,
			st->search[0] ? _("No invoice matches the search.")
				      : _("No invoices yet. Register one with: ssh HOST invoice add < invoice.json"),
			THEME_DIM, false);
	}
	ui_list_clamp(st->nshown, st->list.page, &st->list.sel, &st->list.scroll);
	for (int i = 0; i < st->list.page && st->list.scroll + i < st->nshown; i++) {
		const struct inv_row *r = &st->rows[st->shown[st->list.scroll + i]];
		char total[32], owner[64] = "";
		text_fit(b, sizeof(b), r->kind, w_kind, 1, 1);
		text_fit(c, sizeof(c), r->key, w_key, 1, 1);
		text_fit(d, sizeof(d), r->seller[0] ? r->seller : "-", w_seller, 1, 1);
		money_format(r->total, total, sizeof(total), MONEY_GROUP);
		if (st->all)
			text_fit(owner, sizeof(owner), r->owner, w_owner, 0, 1);
		text_fit(f, sizeof(f), r->claim, w_claim, 1, 1);
		snprintf(line, sizeof(line), "%-10s %s %s %s %*s %s%s%s", r->date, b, c, d, w_total, total, f,
			 st->all ? " " : "", owner);
		ui_text(ui, top + 1 + i, left, cols, line,
			st->list.scroll + i == st->list.sel ? THEME_SELECTED : THEME_NORMAL, true);
	}
	for (int i = 0; i < st->nshown; i++)
		sum += st->rows[st->shown[i]].total;
	{
		char total[32], foot[256];
		money_format(sum, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL);
		snprintf(foot, sizeof(foot), _("%d invoice(s), total %s%s%s"), st->nshown, total,
			 st->search[0] ? _("  search: ") : "", st->search);
		if (st->truncated) /* the total covers only what was loaded: say so */
			snprintf(foot + strlen(foot), sizeof(foot) - strlen(foot),
				 _("  (newest %d loaded; use invoice list --json)"), MAX_INVOICES);
		ui_text(ui, top + rows - 1, left, cols, foot, st->truncated ? THEME_WARN : THEME_DIM, true);
	}
}

static int invoices_key(struct ui *ui, void *state, int op)
{
	struct inv_state *st = state;

	if (ui_list_key(&st->list, op, st->nshown))
		return UI_REDRAW;
	switch (op) {
	case OP_RELOAD: load(ui, st); break;
	case OP_SEARCH:
		if (ui_prompt(ui, _("Search: "), st->search, sizeof(st->search)))
			apply_search(st);
		break;
	case OP_ALL:
		if (!(ui->app->user->roles & SEE_ALL)) {
			ui_message(ui, THEME_WARN, "%s",
				   _("Everyone's invoices are for finance, admins and auditors."));
			break;
		}
		st->all = !st->all;
		load(ui, st);
		break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_invoices = {
	.title = N_("Invoices"),
	.keys = invoice_keys,
	.nkeys = (int)ARRAY_SIZE(invoice_keys),
	.enter = invoices_enter,
	.leave = invoices_leave,
	.draw = invoices_draw,
	.key = invoices_key,
};
