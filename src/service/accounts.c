/*
 * accounts.c - the account mapping and the exporter's settings as finance
 * keeps them: read by finance, admins and auditors; changed by finance and
 * admins, one by one or from CSV (all rows or none, a problem per row).
 */
#include "bursar/service.h"
#include "internal.h"
#include "bursar/csv.h"
#include "bursar/err.h"
#include "bursar/export.h"
#include "bursar/i18n.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* the advance's account is the advance category's: one account to debit and to settle */
static const char *const account_settings[] = { "payable", "input_vat", "bank" };

static bool is_account_setting(const char *code)
{
	for (size_t i = 0; i < sizeof(account_settings) / sizeof(account_settings[0]); i++)
		if (!strcmp(code, account_settings[i]))
			return true;
	return false;
}

int service_accounts(struct app *app, struct category_set *cats, struct voucher_settings *set, char *msg,
		     size_t size)
{
	int ret;

	if (!service_sees_all(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s",
				    _("the account mapping is for finance, admins and auditors"));
	export_settings_from_config(app->cfg, set);
	if ((ret = store_export_settings(app->store, set)) || (ret = store_categories_load(app->store, cats)))
		return service_fail(ret, msg, size, _("cannot read the export settings (%s)"), br_strerror(ret));
	return BR_OK;
}

/* One change from what a person typed; a message naming the column on a problem. */
static int account_change_from(struct app *app, const struct category_set *cats, const char *code,
			       const char *account, const char *name, struct account_change *ch, const char **column,
			       char *msg, size_t size)
{
	struct voucher_settings probe;
	const char *why;

	(void)app;
	memset(ch, 0, sizeof(*ch));
	*column = "code";
	voucher_settings_default(&probe);
	/* one of the voucher settings (word, account_book, ...): the value in the account column */
	if (!is_account_setting(code) && !strstr(code, "_name") && voucher_settings_get(&probe, code)) {
		*column = "account";
		if ((why = voucher_settings_set(&probe, code, account)))
			return service_fail(BR_ERR_INVALID, msg, size, "%s: %s", code, _(why));
		ch->setting = ch->plain = true;
		str_copy(ch->code, code, sizeof(ch->code));
		str_copy(ch->account, account, sizeof(ch->account));
		return BR_OK;
	}
	ch->setting = is_account_setting(code);
	if (!ch->setting && !category_find(cats->items, cats->n, code))
		return service_fail(BR_ERR_INVALID, msg, size,
				    _("`%s` is neither a category nor payable, input_vat or bank"),
				    code);
	str_copy(ch->code, code, sizeof(ch->code));
	*column = "account";
	if (!voucher_account_valid(account))
		return service_fail(BR_ERR_INVALID, msg, size, "%s", _("an account code is 1 to 10 digits, starting with 1 to 6"));
	str_copy(ch->account, account, sizeof(ch->account));
	*column = "name";
	if (strlen(name) >= sizeof(ch->name) || (!ch->setting && !*name))
		return service_fail(BR_ERR_INVALID, msg, size, "%s", _("an account name is 1 to 63 bytes"));
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return service_fail(BR_ERR_INVALID, msg, size, "%s", _("an account name is 1 to 63 bytes"));
	str_copy(ch->name, name, sizeof(ch->name));
	return BR_OK;
}

int service_account_set(struct app *app, const char *code, const char *account, const char *name, char *msg,
			size_t size)
{
	struct category_set cats = { 0 };
	struct account_change ch;
	const char *column;
	int failed, ret;

	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("accounts are set by finance and admins"));
	if ((ret = store_categories_load(app->store, &cats)))
		return service_fail(ret, msg, size, _("cannot read the export settings (%s)"), br_strerror(ret));
	if ((ret = account_change_from(app, &cats, code, account, name, &ch, &column, msg, size)) == BR_OK &&
	    (ret = store_accounts_set(app->store, &ch, 1, app->user->uid, &failed)))
		service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	category_set_release(&cats);
	return ret;
}

static const struct {
	const char *names[6];
	int column; /* 0 code, 1 account, 2 name */
} account_columns[] = {
	{ { "code", "category", "类别", NULL }, 0 },
	{ { "account", "value", "科目编码", "科目代码" }, 1 },
	{ { "name", "account_name", "科目名称", NULL }, 2 },
};

static int account_column(const char *name)
{
	for (size_t i = 0; i < sizeof(account_columns) / sizeof(account_columns[0]); i++)
		for (int k = 0; account_columns[i].names[k]; k++)
			if (!strcasecmp(name, account_columns[i].names[k]))
				return account_columns[i].column;
	return -1;
}

int service_accounts_import(struct app *app, const char *data, size_t len, struct accounts_import *r, char *msg,
			    size_t size)
{
	struct csv_table t = { 0 };
	struct category_set cats = { 0 };
	struct account_change *ch = NULL;
	int col[3] = { -1, -1, -1 }, failed = -1, ret;

	memset(r, 0, sizeof(*r));
	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("accounts are set by finance and admins"));
	if (csv_table_parse(data, len, &t, msg, size))
		return BR_ERR_INVALID;
	for (int c = 0; t.nrows > 0 && c < t.rows[0].nfields; c++) {
		int k = account_column(str_trim(t.rows[0].fields[c]));
		if (k >= 0 && col[k] < 0)
			col[k] = c;
	}
	if (t.nrows < 2 || col[0] < 0 || col[1] < 0) {
		ret = service_fail(BR_ERR_INVALID, msg, size, "%s",
				   _("expected a header row with code and account (and name) columns, then rows"));
		goto out;
	}
	if ((ret = store_categories_load(app->store, &cats))) {
		service_fail(ret, msg, size, _("cannot read the export settings (%s)"), br_strerror(ret));
		goto out;
	}
	ch = xcalloc((size_t)t.nrows, sizeof(*ch));
	r->rows = t.nrows - 1;
	for (int i = 1; i < t.nrows; i++) {
		const struct csv_row *row = &t.rows[i];
		const char *f[3];
		const char *column = "";
		char m[BR_MSG_MAX];
		for (int k = 0; k < 3; k++)
			f[k] = col[k] >= 0 && col[k] < row->nfields ? str_trim(row->fields[col[k]]) : "";
		if (account_change_from(app, &cats, f[0], f[1], f[2], &ch[r->n], &column, m, sizeof(m))) {
			r->problems = xrealloc(r->problems, sizeof(*r->problems) * (size_t)(r->nproblems + 1));
			memset(&r->problems[r->nproblems], 0, sizeof(r->problems[0]));
			r->problems[r->nproblems].row = i;
			r->problems[r->nproblems].line = row->line;
			str_copy(r->problems[r->nproblems].column, column, sizeof(r->problems[0].column));
			str_copy(r->problems[r->nproblems].message, m, sizeof(r->problems[0].message));
			r->nproblems++;
			continue;
		}
		r->n++;
	}
	if (r->nproblems) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("nothing imported: %d of %d rows have problems"),
				   r->nproblems, r->rows);
		goto out;
	}
	if ((ret = store_accounts_set(app->store, ch, r->n, app->user->uid, &failed))) {
		service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
		r->n = 0;
	}
out:
	free(ch);
	category_set_release(&cats);
	csv_table_free(&t);
	return ret;
}

void accounts_import_release(struct accounts_import *r)
{
	free(r->problems);
	memset(r, 0, sizeof(*r));
}

int service_export_setting_set(struct app *app, const char *key, const char *value, char *msg, size_t size)
{
	struct voucher_settings probe;
	const char *why;
	int ret;

	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("accounts are set by finance and admins"));
	voucher_settings_default(&probe);
	if ((why = voucher_settings_set(&probe, key, value)))
		return service_fail(BR_ERR_INVALID, msg, size, "%s: %s", key, _(why));
	if ((ret = store_export_setting_set(app->store, key, value, app->user->uid)))
		return service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	return BR_OK;
}
