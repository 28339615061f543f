/*
 * store_accounts.c - the account mapping finance keeps: each expense
 * category's GL account, and the exporter's settings (voucher word, books,
 * the payable, input VAT, bank and advance accounts), all audited.
 */
#include "internal.h"
#include "bursar/err.h"
#include "bursar/util.h"

#include <stdio.h>
#include <string.h>

int store_export_settings(struct store *s, struct voucher_settings *set)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, "SELECT key, value FROM export_settings ORDER BY key", &st), rc;

	if (ret)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		voucher_settings_set(set, col_text(st, 0), col_text(st, 1)); /* checked when stored */
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

static int setting_locked(struct store *s, const char *key, const char *value, const char *actor)
{
	sqlite3_stmt *st = NULL;
	char now[32], detail[300];
	int ret = store_prepare(s,
				"INSERT INTO export_settings (key, value, updated_at, actor) VALUES (?1, ?2, ?3, ?4)"
				" ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3, actor = ?4",
				&st);

	if (ret)
		return ret;
	audit_now(now);
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	bind_text(st, 3, now);
	bind_text(st, 4, actor);
	if ((ret = store_step_done(st)))
		return ret;
	snprintf(detail, sizeof(detail), "%.60s=%.200s", key, value);
	return audit_append_locked(s, actor, "export.setting", key, detail);
}

static int category_account_locked(struct store *s, const char *code, const char *account, const char *name,
				   const char *actor)
{
	sqlite3_stmt *st = NULL;
	char detail[200];
	int ret = store_prepare(s, "UPDATE categories SET account = ?2, account_name = ?3 WHERE code = ?1", &st);

	if (ret)
		return ret;
	bind_text(st, 1, code);
	bind_text(st, 2, account);
	bind_text(st, 3, name);
	if ((ret = store_step_done(st)))
		return ret;
	if (sqlite3_changes(s->db) != 1)
		return BR_ERR_NOT_FOUND;
	snprintf(detail, sizeof(detail), "account=%.16s name=%.120s", account, name);
	return audit_append_locked(s, actor, "account.set", code, detail);
}

int store_accounts_set(struct store *s, const struct account_change *ch, int n, const char *actor, int *failed)
{
	int ret = store_begin(s);

	*failed = -1;
	if (ret)
		return ret;
	for (int i = 0; i < n && ret == BR_OK; i++) {
		char key[48];
		if (ch[i].plain) {
			ret = setting_locked(s, ch[i].code, ch[i].account, actor);
		} else if (ch[i].setting) {
			snprintf(key, sizeof(key), "%s_name", ch[i].code);
			if ((ret = setting_locked(s, ch[i].code, ch[i].account, actor)) == BR_OK)
				ret = setting_locked(s, key, ch[i].name, actor);
		} else {
			ret = category_account_locked(s, ch[i].code, ch[i].account, ch[i].name, actor);
		}
		if (ret)
			*failed = i;
	}
	return store_end(s, ret);
}

int store_export_setting_set(struct store *s, const char *key, const char *value, const char *actor)
{
	int ret = store_begin(s);

	if (ret)
		return ret;
	return store_end(s, setting_locked(s, key, value, actor));
}
