/*
 * scr_accounts.c - "Accounts" (科目映射): the GL account each expense
 * category is booked to (advances: the advance category's), the
 * exporter's own accounts (payable, input VAT, bank) and voucher settings
 * (word, books, currency, preparer).  Finance, admins and auditors see it; finance and admins
 * change a row at a time or import the mapping from pasted CSV.  Every
 * read and change goes through the service, which checks and audits it.
 */
#include "screen.h"

#include "bursar/category.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/service.h"
#include "bursar/text.h"
#include "bursar/util.h"
#include "bursar/voucher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_EDIT = 1, OP_IMPORT, OP_RELOAD };

static const struct key_binding accounts_keys[] = {
	UI_LIST_KEYS(N_("First row"), N_("Last row")),
	{ OP_EDIT,
	  { '\n', '\r', KEY_ENTER, 'e' },
	  "Enter/e",
	  N_("Change the selected row (finance, admins)"),
	  N_("Change") },
	{ OP_IMPORT, { 'i', 0 }, "i", N_("Import from pasted CSV (finance, admins)"), N_("Import") },
	{ OP_RELOAD, { 'r', 12, 0 }, "r/Ctrl-L", N_("Reload"), NULL },
};

/* What the exporter's keys mean, for the description column; a key not here shows as itself. */
static const struct {
	const char *key, *label;
} key_labels[] = {
	{ "payable", N_("Payable to employees (credit)") },
	{ "input_vat", N_("Deductible input VAT (debit)") },
	{ "bank", N_("Bank account (payments)") },
	{ "word", N_("Voucher word") },
	{ "account_book", N_("Account book (Kingdee)") },
	{ "company_code", N_("Company code (SAP)") },
	{ "ledger_id", N_("Ledger ID (Oracle)") },
	{ "currency", N_("Currency") },
	{ "preparer", N_("Preparer") },
};

enum row_kind { ROW_HEADING, ROW_CATEGORY, ROW_ACCOUNT, ROW_SETTING };

struct account_row {
	enum row_kind kind;
	int cat; /* ROW_CATEGORY: index into cats */
	const char *key; /* ROW_ACCOUNT, ROW_SETTING: a voucher_setting_keys entry; ROW_HEADING: its N_() title */
};

struct accounts_state {
	struct category_set cats;
	struct voucher_settings set;
	struct account_row *rows;
	int nrows, naccounts, nsettings;
	struct ui_list list;
	bool manage;
	char *import_text; /* the CSV pasted last, offered again until an import succeeds */
	unsigned version; /* ui->data_version when loaded */
};

static const char *key_label(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(key_labels); i++)
		if (!strcmp(key_labels[i].key, key))
			return _(key_labels[i].label);
	return key;
}

/* The name key of an exporter's account ("payable" -> "payable_name"), or NULL for a plain setting. */
static const char *name_key(const char *key, char *out, size_t size)
{
	snprintf(out, size, "%s_name", key);
	for (int i = 0; voucher_setting_keys[i]; i++)
		if (!strcmp(voucher_setting_keys[i], out))
			return out;
	return NULL;
}

static bool is_name_key(const char *key)
{
	size_t n = strlen(key);

	return n > 5 && !strcmp(key + n - 5, "_name");
}

static void add_row(struct accounts_state *st, enum row_kind kind, int cat, const char *key)
{
	st->rows = xrealloc(st->rows, sizeof(*st->rows) * (size_t)(st->nrows + 1));
	st->rows[st->nrows].kind = kind;
	st->rows[st->nrows].cat = cat;
	st->rows[st->nrows].key = key;
	st->nrows++;
}

/* A heading is never selected: moves off it, up for the upward moves when there is room. */
static void off_heading(struct accounts_state *st, int op)
{
	int s = st->list.sel;

	if (s < 0 || s >= st->nrows || st->rows[s].kind != ROW_HEADING)
		return;
	if ((op == OP_LIST_UP || op == OP_LIST_PGUP) && s > 0 && st->rows[s - 1].kind != ROW_HEADING)
		st->list.sel = s - 1;
	else if (s + 1 < st->nrows)
		st->list.sel = s + 1;
	ui_list_clamp(st->nrows, st->list.page, &st->list.sel, &st->list.scroll);
}

/* Reads the mapping again, keeping the selection on the same row. */
static void load(struct ui *ui, struct accounts_state *st)
{
	char msg[BR_MSG_MAX], nk[48];
	int sel = st->list.sel;

	category_set_release(&st->cats);
	free(st->rows);
	st->rows = NULL;
	st->nrows = st->naccounts = st->nsettings = 0;
	st->version = ui->data_version;
	if (service_accounts(ui->app, &st->cats, &st->set, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return;
	}
	add_row(st, ROW_HEADING, -1, N_("Expense categories"));
	for (int i = 0; i < st->cats.n; i++)
		add_row(st, ROW_CATEGORY, i, NULL);
	add_row(st, ROW_HEADING, -1, N_("The exporter's accounts and settings"));
	/* the accounts (a key with a name beside it) first, then the plain settings */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; voucher_setting_keys[i]; i++) {
			const char *k = voucher_setting_keys[i];
			bool account = name_key(k, nk, sizeof(nk)) != NULL;
			if (is_name_key(k) || account != (pass == 0))
				continue;
			add_row(st, account ? ROW_ACCOUNT : ROW_SETTING, -1, k);
			*(account ? &st->naccounts : &st->nsettings) += 1;
		}
	st->list.sel = sel;
	ui_list_clamp(st->nrows, st->list.page, &st->list.sel, &st->list.scroll);
	off_heading(st, OP_NONE);
}

static void *accounts_enter(struct ui *ui)
{
	struct accounts_state *st = xcalloc(1, sizeof(*st));

	st->manage = service_budget_may_manage(ui->app);
	st->list.page = 1;
	load(ui, st);
	return st;
}

static void accounts_leave(struct ui *ui, void *state)
{
	struct accounts_state *st = state;

	(void)ui;
	category_set_release(&st->cats);
	free(st->rows);
	free(st->import_text);
	free(st);
}

/* ---- drawing ---- */

/* The columns: code, name (display name or what a key means), account, account name. */
struct columns {
	int code, name, account, account_name;
};

static int widest(int w, const char *text)
{
	int have = text_width(text);

	return have > w ? have : w;
}

static const char *row_code(const struct accounts_state *st, const struct account_row *r)
{
	return r->kind == ROW_CATEGORY ? st->cats.items[r->cat].code : r->key;
}

static const char *row_name(const struct ui *ui, const struct accounts_state *st, const struct account_row *r)
{
	if (r->kind == ROW_CATEGORY)
		return category_name(&st->cats.items[r->cat], st->cats.items[r->cat].code, app_language(ui->app));
	return key_label(r->key);
}

/*
 * The code and account columns as wide as their widest entry (within
 * limits); then the account names, finance's data, before the
 * descriptions, which keep at least a third of what is left.
 */
static struct columns layout(const struct ui *ui, const struct accounts_state *st, int cols)
{
	struct columns c = { 0, 0, 0, 0 };
	int rest, names, accounts;
	char nk[48];

	c.code = widest(0, _("Code"));
	c.account = widest(0, _("Account"));
	names = widest(0, _("Description"));
	accounts = widest(0, _("Account name"));
	for (int i = 0; i < st->nrows; i++) {
		const struct account_row *r = &st->rows[i];
		if (r->kind == ROW_HEADING)
			continue;
		c.code = widest(c.code, row_code(st, r));
		names = widest(names, row_name(ui, st, r));
		if (r->kind == ROW_CATEGORY) {
			c.account = widest(c.account, st->cats.items[r->cat].account);
			accounts = widest(accounts, st->cats.items[r->cat].account_name);
		} else if (r->kind == ROW_ACCOUNT) {
			c.account = widest(c.account, voucher_settings_get(&st->set, r->key));
			accounts = widest(accounts, voucher_settings_get(&st->set, name_key(r->key, nk, sizeof(nk))));
		}
	}
	if (c.code > 16)
		c.code = 16;
	if (c.account > 15)
		c.account = 15;
	rest = cols - c.code - c.account - 3;
	c.name = names + accounts <= rest ? names : rest - accounts;
	if (c.name < rest / 3)
		c.name = rest / 3;
	if (c.name < 1)
		c.name = 1;
	c.account_name = rest - c.name;
	if (c.account_name < 1)
		c.account_name = 1;
	return c;
}

static void accounts_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct accounts_state *st = state;
	struct columns c;
	char line[512], nk[48];
	int x, right = left + cols;

	if (ui->data_version != st->version)
		load(ui, st);
	if (rows < 1 || cols < 1)
		return;
	c = layout(ui, st, cols);
	x = left;
	x = ui_cell(ui, top, x, c.code, _("Code"), false, THEME_DIM);
	x = ui_cell(ui, top, x, c.name, _("Description"), false, THEME_DIM);
	x = ui_cell(ui, top, x, c.account, _("Account"), false, THEME_DIM);
	ui_cell(ui, top, x, right - x, _("Account name"), false, THEME_DIM);

	st->list.page = rows - 2 > 1 ? rows - 2 : 1;
	ui_list_clamp(st->nrows, st->list.page, &st->list.sel, &st->list.scroll);
	/* a section's heading stays in view above its first row when there is room */
	if (st->list.scroll > 0 && st->rows[st->list.scroll - 1].kind == ROW_HEADING &&
	    st->list.sel < st->list.scroll - 1 + st->list.page)
		st->list.scroll--;
	for (int i = st->list.scroll; i < st->nrows && i < st->list.scroll + st->list.page; i++) {
		const struct account_row *r = &st->rows[i];
		int y = top + 1 + i - st->list.scroll;
		int elem = i == st->list.sel ? THEME_SELECTED : THEME_NORMAL;

		if (r->kind == ROW_HEADING) {
			ui_text(ui, y, left, cols, _(r->key), THEME_TITLE, true);
			continue;
		}
		x = left;
		x = ui_cell(ui, y, x, c.code, row_code(st, r), false, elem);
		x = ui_cell(ui, y, x, c.name, row_name(ui, st, r), false, elem);
		if (r->kind == ROW_CATEGORY) {
			x = ui_cell(ui, y, x, c.account, st->cats.items[r->cat].account, false, elem);
			ui_cell(ui, y, x, right - x, st->cats.items[r->cat].account_name, false, elem);
		} else if (r->kind == ROW_ACCOUNT) {
			x = ui_cell(ui, y, x, c.account, voucher_settings_get(&st->set, r->key), false, elem);
			ui_cell(ui, y, x, right - x, voucher_settings_get(&st->set, name_key(r->key, nk, sizeof(nk))),
				false, elem);
		} else {
			/* a setting's value takes both account columns */
			const char *v = voucher_settings_get(&st->set, r->key);
			ui_cell(ui, y, x, right - x, v[0] ? v : _("(not set)"), false,
			        v[0] || i == st->list.sel ? elem : THEME_DIM);
		}
	}
	snprintf(line, sizeof(line), _("%d categories, %d accounts, %d settings"), st->cats.n, st->naccounts,
		 st->nsettings);
	if (!st->manage)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "  %s", _("(read only)"));
	if (rows > 2)
		ui_text(ui, top + rows - 1, left, cols, line, THEME_DIM, true);
}

/* ---- changes (finance and admins) ---- */

static bool may_manage(struct ui *ui, const struct accounts_state *st)
{
	if (!st->manage)
		ui_message(ui, THEME_WARN, "%s", _("The account mapping is set by finance and admins."));
	return st->manage;
}

/* Prompts until the (trimmed) text is an account code; false on Esc. */
static bool ask_account(struct ui *ui, const char *label, char *buf, size_t size)
{
	char shown[1024];
	bool again = false;

	for (;;) {
		snprintf(shown, sizeof(shown), "%s%s",
			 again ? _("(an account code is 1 to 10 digits, starting with 1 to 6) ") : "", label);
		if (!ui_prompt(ui, shown, buf, size))
			return false;
		str_trim(buf);
		if (voucher_account_valid(buf))
			return true;
		again = true;
	}
}

/* A category's or an exporter's account: the code, then the name. */
static void edit_account(struct ui *ui, struct accounts_state *st, const struct account_row *r)
{
	char code[64], what[300], account[16], name[64], prompt[700], msg[BR_MSG_MAX], nk[48];
	const char *old_account, *old_name;

	if (r->kind == ROW_CATEGORY) {
		const struct category *cat = &st->cats.items[r->cat];
		old_account = cat->account;
		old_name = cat->account_name;
	} else {
		old_account = voucher_settings_get(&st->set, r->key);
		old_name = voucher_settings_get(&st->set, name_key(r->key, nk, sizeof(nk)));
	}
	str_copy(code, row_code(st, r), sizeof(code));
	snprintf(what, sizeof(what), "%s (%s)", code, row_name(ui, st, r));
	text_sanitize(what);
	str_copy(account, old_account, sizeof(account));
	str_copy(name, old_name, sizeof(name));
	snprintf(prompt, sizeof(prompt), _("Account code for %s: "), what);
	if (!ask_account(ui, prompt, account, sizeof(account)))
		return;
	snprintf(prompt, sizeof(prompt), _("Account name for %s %s: "), code, account);
	if (!ui_prompt(ui, prompt, name, sizeof(name)))
		return;
	str_trim(name);
	if (!strcmp(account, old_account) && !strcmp(name, old_name)) {
		ui_message(ui, THEME_DIM, "%s", _("Nothing changed."));
		return;
	}
	if (service_account_set(ui->app, code, account, name, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return;
	}
	text_sanitize(name);
	ui_message(ui, THEME_OK, _("%s is booked to %s %s now"), code, account, name);
	ui->data_version++;
	load(ui, st);
}

static void edit_setting(struct ui *ui, struct accounts_state *st, const struct account_row *r)
{
	char key[64], value[128], old[128], prompt[400], msg[BR_MSG_MAX];

	str_copy(key, r->key, sizeof(key));
	str_copy(old, voucher_settings_get(&st->set, key), sizeof(old));
	str_copy(value, old, sizeof(value));
	snprintf(prompt, sizeof(prompt), _("%s (%s): "), key_label(key), key);
	if (!ui_prompt(ui, prompt, value, sizeof(value)))
		return;
	str_trim(value);
	if (!strcmp(value, old)) {
		ui_message(ui, THEME_DIM, "%s", _("Nothing changed."));
		return;
	}
	if (service_export_setting_set(ui->app, key, value, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return;
	}
	text_sanitize(value);
	ui_message(ui, THEME_OK, _("Set %s to %s"), key, value);
	ui->data_version++;
	load(ui, st);
}

static void edit(struct ui *ui, struct accounts_state *st)
{
	struct account_row r;

	if (!may_manage(ui, st))
		return;
	if (st->list.sel < 0 || st->list.sel >= st->nrows || st->rows[st->list.sel].kind == ROW_HEADING) {
		ui_message(ui, THEME_WARN, "%s", _("Nothing to change here."));
		return;
	}
	/* a copy: the rows are read again after a change */
	r = st->rows[st->list.sel];
	if (r.kind == ROW_SETTING)
		edit_setting(ui, st, &r);
	else
		edit_account(ui, st, &r);
}

#define IMPORT_MAX (256 * 1024)

static void import(struct ui *ui, struct accounts_state *st)
{
	struct accounts_import r;
	char *text, msg[BR_MSG_MAX];

	if (!may_manage(ui, st))
		return;
	memset(&r, 0, sizeof(r));
	text = xstrdup(st->import_text ? st->import_text : "code,account,name\n");
	if (!ui_textarea(ui, _("Import accounts: paste CSV, then Ctrl-D"), &text, IMPORT_MAX))
		goto out;
	free(st->import_text);
	st->import_text = xstrdup(text);
	if (service_accounts_import(ui->app, text, strlen(text), &r, msg, sizeof(msg))) {
		if (!r.nproblems) {
			ui_message(ui, THEME_ERROR, "%s", msg);
			goto out;
		}
		ui_import_problems(ui, msg, r.problems, r.nproblems);
		ui_message(ui, THEME_ERROR, "%s", _("Nothing imported; press i to correct the CSV."));
		goto out;
	}
	ui_message(ui, THEME_OK, _("Imported %d account(s)"), r.n);
	free(st->import_text);
	st->import_text = NULL;
	ui->data_version++;
	load(ui, st);
out:
	accounts_import_release(&r);
	free(text);
}

static int accounts_key(struct ui *ui, void *state, int op)
{
	struct accounts_state *st = state;

	if (ui_list_key(&st->list, op, st->nrows)) {
		off_heading(st, op);
		return UI_REDRAW;
	}
	switch (op) {
	case OP_EDIT: edit(ui, st); break;
	case OP_IMPORT: import(ui, st); break;
	case OP_RELOAD: load(ui, st); break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_accounts = {
	.title = N_("Accounts"),
	.keys = accounts_keys,
	.nkeys = (int)ARRAY_SIZE(accounts_keys),
	.enter = accounts_enter,
	.leave = accounts_leave,
	.draw = accounts_draw,
	.key = accounts_key,
};
