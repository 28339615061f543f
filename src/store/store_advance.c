/*
 * store_advance.c - employee advances (借款): what each employee was
 * advanced (exported advance claims), what claims settled (offsets, made
 * at export) and what was paid back (repayments).  The database's
 * triggers keep claimed + returned <= advanced.
 */
#include "internal.h"
#include "bursar/err.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ADVANCED_OF                                                                                                    \
	"(SELECT coalesce(sum(l.amount), 0) FROM claim_lines l JOIN claims c ON c.id = l.claim_id"                     \
	" WHERE c.owner = e.employee AND l.category = 'advance' AND c.status = 'paid')"
#define CLAIMED_OF "(SELECT coalesce(sum(amount), 0) FROM advance_offsets o WHERE o.employee = e.employee)"
#define RETURNED_OF "(SELECT coalesce(sum(amount), 0) FROM advance_returns r WHERE r.employee = e.employee)"

int advance_open_locked(struct store *s, const char *employee, int64_t *open)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, "SELECT " ADVANCED_OF " - " CLAIMED_OF " - " RETURNED_OF " FROM (SELECT ? AS employee) e",
				&st);

	*open = 0;
	if (ret)
		return ret;
	bind_text(st, 1, employee);
	if (sqlite3_step(st) == SQLITE_ROW)
		*open = sqlite3_column_int64(st, 0);
	else
		ret = BR_ERR_STORE;
	sqlite3_finalize(st);
	return ret;
}

int advance_offset_locked(struct store *s, int64_t claim_id, const char *employee, int64_t amount)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = store_prepare(s, "INSERT INTO advance_offsets (claim_id, employee, amount, created_at) VALUES (?,?,?,?)",
				&st);

	if (ret)
		return ret;
	audit_now(now);
	sqlite3_bind_int64(st, 1, claim_id);
	bind_text(st, 2, employee);
	sqlite3_bind_int64(st, 3, amount);
	bind_text(st, 4, now);
	return store_step_done(st);
}

int store_advance_repay(struct store *s, const char *employee, int64_t amount, const char *ref, const char *date,
			const char *actor, int64_t *open)
{
	sqlite3_stmt *st = NULL;
	char now[32], detail[160];
	int ret = store_begin(s);

	if (ret)
		return ret;
	audit_now(now);
	if ((ret = store_prepare(s,
				 "INSERT INTO advance_returns (employee, amount, ref, date, created_at, actor)"
				 " VALUES (?,?,?,?,?,?)",
				 &st)))
		goto out;
	bind_text(st, 1, employee);
	sqlite3_bind_int64(st, 2, amount);
	bind_text(st, 3, ref);
	bind_text(st, 4, date);
	bind_text(st, 5, now);
	bind_text(st, 6, actor);
	/* LIMIT: more than is open; CONFLICT: the reference was used */
	if ((ret = store_step_done(st)))
		goto out;
	snprintf(detail, sizeof(detail), "amount_fen=%lld ref=%.100s", (long long)amount, ref);
	if ((ret = audit_append_locked(s, actor, "advance.repay", employee, detail)))
		goto out;
out:
	if (open)
		advance_open_locked(s, employee, open);
	return store_end(s, ret);
}

int store_advance_balances(struct store *s, const char *employee, store_advance_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s,
				 "SELECT e.employee, coalesce(u.display_name, e.employee), " ADVANCED_OF ", " CLAIMED_OF
				 ", " RETURNED_OF " FROM (SELECT DISTINCT c.owner AS employee FROM claims c"
				 " JOIN claim_lines l ON l.claim_id = c.id WHERE l.category = 'advance'"
				 " AND c.status = 'paid') e LEFT JOIN users u ON u.uid = e.employee"
				 " WHERE ?1 IS NULL OR e.employee = ?1 ORDER BY e.employee",
				 &st)))
		return ret;
	if (employee)
		bind_text(st, 1, employee);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct advance_balance b = { 0 };
		str_copy(b.employee, col_text(st, 0), sizeof(b.employee));
		str_copy(b.name, col_text(st, 1), sizeof(b.name));
		b.advanced = sqlite3_column_int64(st, 2);
		b.claimed = sqlite3_column_int64(st, 3);
		b.returned = sqlite3_column_int64(st, 4);
		if (cb(&b, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}
