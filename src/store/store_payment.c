/*
 * store_payment.c - payments: exported claims paid in batches under a bank
 * reference (each claim once), and bank statement lines matched to a
 * batch or a single payment.
 */
#include "internal.h"
#include "bursar/err.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_payment_create(struct store *s, const int64_t *claims, int n, const char *ref, const char *date,
			 const char *actor, int64_t *batch, int64_t *total, int *bad, char bad_number[CLAIM_NUMBER_MAX],
			 enum claim_status *bad_status)
{
	sqlite3_stmt *st = NULL;
	int64_t *amounts = NULL;
	char now[32], label[160], detail[200];
	int ret = store_begin(s);

	*batch = 0;
	*total = 0;
	*bad = -1;
	if (ret)
		return ret;
	amounts = xcalloc((size_t)n + 1, sizeof(*amounts));
	/* every claim exported and not paid yet: all of them, or none */
	for (int i = 0; i < n; i++) {
		char owner[USER_LOGIN_MAX + 1];
		enum claim_status status;
		if ((ret = claim_head_locked(s, claims[i], owner, sizeof(owner), &status, bad_number))) {
			*bad = i;
			goto out;
		}
		if (status != CLAIM_EXPORTED) {
			*bad = i;
			*bad_status = status;
			ret = BR_ERR_INVALID;
			goto out;
		}
		/* what is left to pay once the employee's advance settled its part */
		if ((ret = store_prepare(s,
					 "SELECT total - coalesce((SELECT amount FROM advance_offsets o WHERE"
					 " o.claim_id = c.id), 0) FROM claims c WHERE id = ?",
					 &st)))
			goto out;
		sqlite3_bind_int64(st, 1, claims[i]);
		if (sqlite3_step(st) == SQLITE_ROW)
			amounts[i] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		*total += amounts[i];
	}
	audit_now(now);
	if ((ret = store_prepare(s,
				 "INSERT INTO payment_batches (created_at, date, actor, bank_ref, total, npayments)"
				 " VALUES (?,?,?,?,?,?)",
				 &st)))
		goto out;
	bind_text(st, 1, now);
	bind_text(st, 2, date);
	bind_text(st, 3, actor);
	bind_text(st, 4, ref);
	sqlite3_bind_int64(st, 5, *total);
	sqlite3_bind_int(st, 6, n);
	if ((ret = store_step_done(st))) /* CONFLICT: the bank reference is used already */
		goto out;
	*batch = sqlite3_last_insert_rowid(s->db);
	snprintf(label, sizeof(label), "PAY-%06lld %.120s", (long long)*batch, ref);
	for (int i = 0; i < n; i++) {
		char number[CLAIM_NUMBER_MAX], owner[USER_LOGIN_MAX + 1];
		enum claim_status status;
		if ((ret = store_prepare(s, "INSERT INTO payments (batch_id, claim_id, amount) VALUES (?,?,?)", &st)))
			goto out;
		sqlite3_bind_int64(st, 1, *batch);
		sqlite3_bind_int64(st, 2, claims[i]);
		sqlite3_bind_int64(st, 3, amounts[i]);
		if ((ret = store_step_done(st))) { /* the same claim twice in the list */
			*bad = i;
			goto out;
		}
		if ((ret = store_prepare(s,
					 "UPDATE claims SET status = 'paid', payment = ?2, updated_at = ?3 WHERE id = ?1"
					 " AND status = 'exported'",
					 &st)))
			goto out;
		sqlite3_bind_int64(st, 1, claims[i]);
		bind_text(st, 2, label);
		bind_text(st, 3, now);
		if ((ret = store_step_done(st)) || (ret = claim_head_locked(s, claims[i], owner, sizeof(owner), &status,
									     number)))
			goto out;
		snprintf(detail, sizeof(detail), "exported -> paid payment=%s", label);
		if ((ret = audit_append_locked(s, actor, "claim.pay", number, detail)))
			goto out;
	}
	snprintf(detail, sizeof(detail), "claims=%d total_fen=%lld date=%s", n, (long long)*total, date);
	ret = audit_append_locked(s, actor, "payment.create", label, detail);
out:
	free(amounts);
	if (ret)
		*batch = 0;
	return store_end(s, ret);
}

int store_payment_batches(struct store *s, store_payment_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s,
				 "SELECT b.id, b.created_at, b.date, b.actor, b.bank_ref, b.total, b.npayments,"
				 " coalesce((SELECT v.period || ' ' || v.word || '-' || printf('%04d', v.number)"
				 "  FROM vouchers v WHERE v.id = b.voucher_id), ''), b.reconciled_at,"
				 " (SELECT count(*) FROM payments p WHERE p.batch_id = b.id AND p.reconciled_at != '')"
				 " FROM payment_batches b ORDER BY b.id DESC",
				 &st)))
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct payment_batch_row r = { 0 };
		r.id = sqlite3_column_int64(st, 0);
		str_copy(r.created_at, col_text(st, 1), sizeof(r.created_at));
		str_copy(r.date, col_text(st, 2), sizeof(r.date));
		str_copy(r.actor, col_text(st, 3), sizeof(r.actor));
		str_copy(r.ref, col_text(st, 4), sizeof(r.ref));
		r.total = sqlite3_column_int64(st, 5);
		r.npayments = sqlite3_column_int(st, 6);
		str_copy(r.voucher, col_text(st, 7), sizeof(r.voucher));
		str_copy(r.reconciled_at, col_text(st, 8), sizeof(r.reconciled_at));
		r.nreconciled = sqlite3_column_int(st, 9);
		if (cb(&r, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_payments_open(struct store *s, struct open_payment **out, int *n)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*out = NULL;
	*n = 0;
	/* batches not reconciled, then single payments of such batches not reconciled either */
	if ((ret = store_prepare(s,
				 "SELECT 1, b.id, b.bank_ref, b.total, b.date, b.id FROM payment_batches b"
				 " WHERE b.reconciled_at = '' AND NOT EXISTS (SELECT 1 FROM payments p"
				 "  WHERE p.batch_id = b.id AND p.reconciled_at != '')"
				 " UNION ALL SELECT 0, p.id, c.number, p.amount, b.date, b.id FROM payments p"
				 " JOIN claims c ON c.id = p.claim_id JOIN payment_batches b ON b.id = p.batch_id"
				 " WHERE p.reconciled_at = '' AND b.reconciled_at = '' ORDER BY 1 DESC, 2",
				 &st)))
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct open_payment *p;
		*out = xrealloc(*out, sizeof(**out) * (size_t)(*n + 1));
		p = &(*out)[(*n)++];
		memset(p, 0, sizeof(*p));
		p->batch = sqlite3_column_int(st, 0) == 1;
		p->id = sqlite3_column_int64(st, 1);
		str_copy(p->ref, col_text(st, 2), sizeof(p->ref));
		p->amount = sqlite3_column_int64(st, 3);
		str_copy(p->date, col_text(st, 4), sizeof(p->date));
		p->batch_id = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_reconcile(struct store *s, const struct open_payment *matched, const char *const *statements, int n,
		    const char *actor)
{
	sqlite3_stmt *st = NULL;
	char now[32], object[160];
	int ret = store_begin(s);

	if (ret)
		return ret;
	audit_now(now);
	for (int i = 0; i < n && ret == BR_OK; i++) {
		const char *sql =
		    matched[i].batch
			? "UPDATE payment_batches SET statement = ?2, reconciled_at = ?3 WHERE id = ?1 AND reconciled_at = ''"
			: "UPDATE payments SET statement = ?2, reconciled_at = ?3 WHERE id = ?1 AND reconciled_at = ''";
		if ((ret = store_prepare(s, sql, &st)))
			break;
		sqlite3_bind_int64(st, 1, matched[i].id);
		bind_text(st, 2, statements[i]);
		bind_text(st, 3, now);
		if ((ret = store_step_done(st)))
			break;
		if (sqlite3_changes(s->db) != 1) {
			ret = BR_ERR_CONFLICT; /* reconciled meanwhile */
			break;
		}
		snprintf(object, sizeof(object), "%s %.120s", matched[i].batch ? "payment" : "claim", matched[i].ref);
		ret = audit_append_locked(s, actor, "payment.reconcile", object, statements[i]);
	}
	return store_end(s, ret);
}
