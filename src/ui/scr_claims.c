/*
 * scr_claims.c - "My claims": the person's claims (everyone's for finance,
 * admins and auditors) with number, form, title, total, status, age and
 * the step each waits at; filter by status, search, and open or start one.
 */
#include "screen.h"

#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_OPEN = 1, OP_NEW, OP_FILTER, OP_SEARCH, OP_ALL, OP_RELOAD };

static const struct key_binding claims_keys[] = {
	UI_LIST_KEYS(N_("First claim"), N_("Last claim")),
	{ OP_OPEN, { '\n', '\r', KEY_ENTER, 0 }, "Enter", N_("Open the claim"), N_("Open") },
	{ OP_NEW, { 'n', 0 }, "n", N_("New claim: choose a form"), N_("New") },
	{ OP_FILTER, { 'f', 0 }, "f", N_("Show only one status (draft, submitted, ...) or all"), N_("Filter") },
	{ OP_SEARCH, { '/', 0 }, "/", N_("Search by number or title"), NULL },
	{ OP_ALL, { 'a', 0 }, "a", N_("Everyone's claims or only yours (finance, admins, auditors)"), NULL },
	{ OP_RELOAD, { 'r', 0 }, "r", N_("Reload"), NULL },
};

#define SEE_ALL (ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR))
#define MAX_CLAIMS 5000

struct claims_state {
	struct claim_summary *rows;
	int n;
	bool truncated;
	int *shown;
	int nshown;
	struct ui_list list;
	int status; /* -1 = all */
	bool all;
	char search[128];
	struct form_set forms;
	unsigned version; /* ui->data_version when loaded */
};

static int collect(const struct claim_summary *c, void *arg)
{
	struct claims_state *st = arg;

	if (st->n >= MAX_CLAIMS) {
		st->truncated = true;
		return 1;
	}
	st->rows[st->n] = *c;
	text_sanitize(st->rows[st->n].title);
	st->n++;
	return 0;
}

static void apply_search(struct claims_state *st)
{
	st->nshown = 0;
	for (int i = 0; i < st->n; i++)
		if (!st->search[0] || strstr(st->rows[i].number, st->search) || strstr(st->rows[i].title, st->search))
			st->shown[st->nshown++] = i;
	ui_list_clamp(st->nshown, st->list.page, &st->list.sel, &st->list.scroll);
}

static void load(struct ui *ui, struct claims_state *st)
{
	int ret;

	st->n = 0;
	st->truncated = false;
	st->version = ui->data_version;
	ret = store_claim_list(ui->app->store, st->all ? NULL : ui->app->user->uid, st->status, collect, st);
	if (ret)
		ui_message(ui, THEME_ERROR, _("Cannot read claims (%s)"), br_strerror(ret));
	apply_search(st);
}

static void *claims_enter(struct ui *ui)
{
	struct claims_state *st = xcalloc(1, sizeof(*st));

	st->rows = xcalloc(MAX_CLAIMS, sizeof(*st->rows));
	st->shown = xcalloc(MAX_CLAIMS, sizeof(*st->shown));
	st->status = -1;
	if (service_forms_load(ui->app, &st->forms))
		ui_message(ui, THEME_ERROR, "%s", _("Cannot read the claim forms."));
	load(ui, st);
	return st;
}

static void claims_leave(struct ui *ui, void *state)
{
	struct claims_state *st = state;

	(void)ui;
	form_set_release(&st->forms);
	free(st->rows);
	free(st->shown);
	free(st);
}

/* Days since the claim was submitted (or created, for a draft). */
static long age_days(const struct claim_summary *c, long today)
{
	char d[11];
	long day;

	str_copy(d, c->submitted_at[0] ? c->submitted_at : c->created_at, sizeof(d));
	return date_days(d, &day) ? today - day : 0;
}

static const char *step_text(const struct claim_summary *c)
{
	if (c->step[0])
		return c->step;
	return c->status == CLAIM_SUBMITTED ? _("waiting for approval") : "-";
}

static void claims_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct claims_state *st = state;
	const char *lang = app_language(ui->app);
	const int w_num = 13, w_form = 12, w_total = 12, w_status = 10, w_age = 5;
	int w_step = cols >= 110 ? 20 : cols >= 96 ? 12 : 0, w_owner = st->all ? 8 : 0;
	int w_title =
	    cols - (w_num + w_form + w_total + w_status + w_age + w_step + w_owner + 7 + (w_owner > 0) + (w_step > 0));
	char a[64], b[128], c[512], d[64], e[64], f[64], g[64], h[64], line[1024];
	char today_s[11];
	long today = 0;
	int64_t sum = 0;

	if (ui->data_version != st->version)
		load(ui, st);
	date_today(today_s);
	date_days(today_s, &today);
	if (w_title < 6)
		w_title = 6;
	st->list.page = rows - 2 > 1 ? rows - 2 : 1;
	text_fit(a, sizeof(a), _("Number"), w_num, 1, 1);
	text_fit(b, sizeof(b), _("Form"), w_form, 1, 1);
	text_fit(c, sizeof(c), _("Claim title"), w_title, 1, 1);
	text_fit(d, sizeof(d), _("Total"), w_total, 1, 1);
	text_fit(e, sizeof(e), _("Status"), w_status, 1, 1);
	text_fit(f, sizeof(f), _("Age"), w_age, 1, 1);
	text_fit(g, sizeof(g), _("Step"), w_step, 1, 1);
	text_fit(h, sizeof(h), _("Owner"), w_owner, 1, 1);
	snprintf(line, sizeof(line), "%s %s %s %s %s %s%s%s%s%s", a, b, c, d, e, f, w_step ? " " : "", g,
		 w_owner ? " " : "", h);
	ui_text(ui, top, left, cols, line, THEME_TITLE, true);
	if (st->nshown == 0)
		ui_text(ui, top + 2, left, cols,
			st->search[0] || st->status >= 0 ? _("No claim matches the filter.")
							 : _("No claims yet. Press n to start one."),
			THEME_DIM, false);
	ui_list_clamp(st->nshown, st->list.page, &st->list.sel, &st->list.scroll);
	for (int i = 0; i < st->list.page && st->list.scroll + i < st->nshown; i++) {
		const struct claim_summary *r = &st->rows[st->shown[st->list.scroll + i]];
		const struct form *fm = form_set_find(&st->forms, r->form);
		char total[32], age[16];
		int elem = st->list.scroll + i == st->list.sel ? THEME_SELECTED : THEME_NORMAL;
		text_fit(a, sizeof(a), r->number, w_num, 1, 1);
		text_fit(b, sizeof(b), fm ? form_title(fm, lang) : ledger_kind_title(ui, r->form), w_form, 1, 1);
		text_fit(c, sizeof(c), r->title, w_title, 1, 1);
		money_format(r->total, total, sizeof(total), MONEY_GROUP);
		text_fit(e, sizeof(e), _(claim_status_label(r->status)), w_status, 1, 1);
		snprintf(age, sizeof(age), _("%ldd"), age_days(r, today));
		text_fit(f, sizeof(f), age, w_age, 1, 1);
		text_fit(g, sizeof(g), step_text(r), w_step, 1, 1);
		text_fit(h, sizeof(h), r->owner_name, w_owner, 1, 1);
		snprintf(line, sizeof(line), "%s %s %s %*s %s %s%s%s%s%s", a, b, c, w_total, total, e, f,
			 w_step ? " " : "", g, w_owner ? " " : "", h);
		if (elem == THEME_NORMAL && r->nblocking)
			elem = THEME_WARN;
		ui_text(ui, top + 1 + i, left, cols, line, elem, true);
	}
	for (int i = 0; i < st->nshown; i++)
		sum += st->rows[st->shown[i]].total;
	{
		char total[32], foot[512];
		money_format(sum, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL);
		snprintf(foot, sizeof(foot), _("%d claim(s), total %s"), st->nshown, total);
		if (st->status >= 0)
			snprintf(foot + strlen(foot), sizeof(foot) - strlen(foot), _("  status: %s"),
				 _(claim_status_label((enum claim_status)st->status)));
		if (st->search[0])
			snprintf(foot + strlen(foot), sizeof(foot) - strlen(foot), _("  search: %s"), st->search);
		if (st->truncated)
			snprintf(foot + strlen(foot), sizeof(foot) - strlen(foot),
				 _("  (newest %d loaded; use claim list --json)"), MAX_CLAIMS);
		ui_text(ui, top + rows - 1, left, cols, foot, st->truncated ? THEME_WARN : THEME_DIM, true);
	}
}

static void new_claim(struct ui *ui, struct claims_state *st)
{
	const char *lang = app_language(ui->app);
	const char **items;
	char(*labels)[192];
	int k;

	if (!(ui->app->user->roles & ROLE_BIT(ROLE_STAFF))) {
		ui_message(ui, THEME_WARN, "%s", _("Filing claims is for staff."));
		return;
	}
	if (st->forms.n == 0) {
		ui_message(ui, THEME_ERROR, "%s", _("No claim forms are defined."));
		return;
	}
	items = xcalloc((size_t)st->forms.n, sizeof(*items));
	labels = xcalloc((size_t)st->forms.n, sizeof(*labels));
	for (int i = 0; i < st->forms.n; i++) {
		snprintf(labels[i], sizeof(labels[i]), "%s  (%s)", form_title(&st->forms.forms[i], lang),
			 st->forms.forms[i].id);
		items[i] = labels[i];
	}
	k = ui_choose(ui, _("New claim: which form?"), items, st->forms.n, 0);
	if (k >= 0)
		claim_editor_open(ui, 0, st->forms.forms[k].id);
	free(items);
	free(labels);
}

static int claims_key(struct ui *ui, void *state, int op)
{
	struct claims_state *st = state;

	if (ui_list_key(&st->list, op, st->nshown))
		return UI_REDRAW;
	switch (op) {
	case OP_OPEN:
		if (st->nshown)
			claim_editor_open(ui, st->rows[st->shown[st->list.sel]].id, NULL);
		break;
	case OP_NEW: new_claim(ui, st); break;
	case OP_FILTER: {
		const char *items[CLAIM_STATUS_COUNT + 1];
		int k;
		items[0] = _("all");
		for (int i = 0; i < CLAIM_STATUS_COUNT; i++)
			items[i + 1] = _(claim_status_label((enum claim_status)i));
		k = ui_choose(ui, _("Show claims that are"), items, CLAIM_STATUS_COUNT + 1, st->status + 1);
		if (k >= 0) {
			st->status = k - 1;
			st->list.sel = st->list.scroll = 0;
			load(ui, st);
		}
		break;
	}
	case OP_SEARCH:
		if (ui_prompt(ui, _("Search: "), st->search, sizeof(st->search))) {
			st->list.sel = st->list.scroll = 0;
			apply_search(st);
		}
		break;
	case OP_ALL:
		if (!(ui->app->user->roles & SEE_ALL)) {
			ui_message(ui, THEME_WARN, "%s", _("Everyone's claims are for finance, admins and auditors."));
			break;
		}
		st->all = !st->all;
		load(ui, st);
		break;
	case OP_RELOAD: load(ui, st); break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_claims = {
	.title = N_("My claims"),
	.keys = claims_keys,
	.nkeys = (int)ARRAY_SIZE(claims_keys),
	.enter = claims_enter,
	.leave = claims_leave,
	.draw = claims_draw,
	.key = claims_key,
};
