/*
 * store_export.c - voucher batches: approved claims turned into vouchers,
 * numbered without gaps and marked exported in one transaction, kept line
 * by line with the batch's settings, and the files written from them.
 */
#include "internal.h"
#include "bursar/err.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The next number of period and word, counted in the caller's transaction. */
static int next_number_locked(struct store *s, const char *period, const char *word, int *number)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s,
				"INSERT INTO voucher_sequences (period, word, last) VALUES (?1, ?2, 1)"
				" ON CONFLICT (period, word) DO UPDATE SET last = last + 1 RETURNING last",
				&st);

	if (ret)
		return ret;
	bind_text(st, 1, period);
	bind_text(st, 2, word);
	if (sqlite3_step(st) == SQLITE_ROW)
		*number = sqlite3_column_int(st, 0);
	else
		ret = BR_ERR_STORE;
	sqlite3_finalize(st);
	return ret;
}

static int batch_insert_locked(struct store *s, const struct voucher_settings *set, const char *actor, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret =
	    store_prepare(s,
			  "INSERT INTO export_batches (created_at, actor, word, account_book, company_code,"
			  " ledger_id, currency, preparer, payable, payable_name, input_vat, input_vat_name, bank,"
			  " bank_name, advance, advance_name) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			  &st);

	if (ret)
		return ret;
	audit_now(now);
	bind_text(st, 1, now);
	bind_text(st, 2, actor);
	bind_text(st, 3, set->word);
	bind_text(st, 4, set->account_book);
	bind_text(st, 5, set->company_code);
	bind_text(st, 6, set->ledger_id);
	bind_text(st, 7, set->currency);
	bind_text(st, 8, set->preparer);
	bind_text(st, 9, set->payable);
	bind_text(st, 10, set->payable_name);
	bind_text(st, 11, set->input_vat);
	bind_text(st, 12, set->input_vat_name);
	bind_text(st, 13, set->bank);
	bind_text(st, 14, set->bank_name);
	bind_text(st, 15, set->advance);
	bind_text(st, 16, set->advance_name);
	if ((ret = store_step_done(st)) == BR_OK)
		*id = sqlite3_last_insert_rowid(s->db);
	return ret;
}

static int voucher_insert_locked(struct store *s, int64_t batch, int64_t claim_id, struct voucher *v)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s,
				"INSERT INTO vouchers (batch_id, claim_id, claim, date, period, word, number, summary,"
				" attachments) VALUES (?,?,?,?,?,?,?,?,?)",
				&st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, batch);
	if (claim_id)
		sqlite3_bind_int64(st, 2, claim_id);
	else
		sqlite3_bind_null(st, 2); /* a payment's voucher */
	bind_text(st, 3, v->claim);
	bind_text(st, 4, v->date);
	bind_text(st, 5, v->period);
	bind_text(st, 6, v->word);
	sqlite3_bind_int(st, 7, v->number);
	bind_text(st, 8, v->summary);
	sqlite3_bind_int(st, 9, v->attachments);
	if ((ret = store_step_done(st)))
		return ret;
	v->id = sqlite3_last_insert_rowid(s->db);
	for (int i = 0; i < v->nlines && ret == BR_OK; i++) {
		const struct voucher_line *l = &v->lines[i];
		if ((ret = store_prepare(s,
					 "INSERT INTO voucher_lines (voucher_id, seq, summary, account, account_name,"
					 " department, project, employee, employee_name, debit, credit)"
					 " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
					 &st)))
			break;
		sqlite3_bind_int64(st, 1, v->id);
		sqlite3_bind_int(st, 2, i + 1);
		bind_text(st, 3, l->summary);
		bind_text(st, 4, l->account);
		bind_text(st, 5, l->account_name);
		bind_text(st, 6, l->department);
		bind_text(st, 7, l->project);
		bind_text(st, 8, l->employee);
		bind_text(st, 9, l->employee_name);
		sqlite3_bind_int64(st, 10, l->debit);
		sqlite3_bind_int64(st, 11, l->credit);
		ret = store_step_done(st);
	}
	return ret;
}

/* Marks one claim exported with its voucher: status, voucher label, budget posting, audit. */
static int claim_exported_locked(struct store *s, int64_t claim_id, const struct voucher *v, int64_t batch,
				 const char *actor, bool settled)
{
	sqlite3_stmt *st = NULL;
	char label[64], now[32], detail[200];
	/* a claim the employee's advance settles in full has nothing left to pay */
	int ret = store_prepare(s,
				settled ? "UPDATE claims SET status = 'paid', voucher = ?2, updated_at = ?3,"
					  " payment = 'advance' WHERE id = ?1 AND status = 'approved'"
					: "UPDATE claims SET status = 'exported', voucher = ?2, updated_at = ?3"
					  " WHERE id = ?1 AND status = 'approved'",
				&st);

	if (ret)
		return ret;
	snprintf(label, sizeof(label), "%s %s-%04d", v->period, v->word, v->number);
	audit_now(now);
	sqlite3_bind_int64(st, 1, claim_id);
	bind_text(st, 2, label);
	bind_text(st, 3, now);
	if ((ret = store_step_done(st)))
		return ret;
	if (sqlite3_changes(s->db) != 1)
		return BR_ERR_CONFLICT;
	if ((ret = budget_post_locked(s, claim_id)))
		return ret;
	snprintf(detail, sizeof(detail), "approved -> %s voucher=%s batch=%lld",
		 settled ? "paid (advance)" : "exported", label, (long long)batch);
	return audit_append_locked(s, actor, "claim.export", v->claim, detail);
}

/* Whether payments or repayments wait for their vouchers. */
static bool others_waiting_locked(struct store *s)
{
	sqlite3_stmt *st = NULL;
	bool any = false;

	if (store_prepare(s,
			  "SELECT 1 FROM payment_batches WHERE voucher_id IS NULL UNION ALL"
			  " SELECT 1 FROM advance_returns WHERE voucher_id IS NULL LIMIT 1",
			  &st) == BR_OK) {
		any = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return any;
}

/* The claims one payment batch pays, for its voucher. */
static int payment_items_locked(struct store *s, int64_t pay, struct payment_item **items, int *n)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*items = NULL;
	*n = 0;
	if ((ret = store_prepare(
		 s,
		 "SELECT c.number, c.owner, coalesce(u.display_name, c.owner), c.department, p.amount"
		 " FROM payments p JOIN claims c ON c.id = p.claim_id LEFT JOIN users u ON u.uid = c.owner"
		 " WHERE p.batch_id = ? ORDER BY p.id",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, pay);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct payment_item *it;
		*items = xrealloc(*items, sizeof(**items) * (size_t)(*n + 1));
		it = &(*items)[(*n)++];
		memset(it, 0, sizeof(*it));
		str_copy(it->claim, col_text(st, 0), sizeof(it->claim));
		str_copy(it->employee, col_text(st, 1), sizeof(it->employee));
		str_copy(it->employee_name, col_text(st, 2), sizeof(it->employee_name));
		str_copy(it->department, col_text(st, 3), sizeof(it->department));
		it->amount = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*items);
		*items = NULL;
		*n = 0;
		return BR_ERR_STORE;
	}
	return BR_OK;
}

/* The vouchers of payment batches that have none yet, into export batch. */
static int payment_vouchers_locked(struct store *s, const struct voucher_settings *set, int max, int64_t batch,
				   const char *actor, int *nvouchers)
{
	sqlite3_stmt *st = NULL;
	int64_t *pays = NULL;
	char(*refs)[128] = NULL, (*dates)[11] = NULL;
	int n = 0, ret, rc;

	if ((ret = store_prepare(
		 s, "SELECT id, bank_ref, date FROM payment_batches WHERE voucher_id IS NULL ORDER BY id LIMIT ?",
		 &st)))
		return ret;
	sqlite3_bind_int(st, 1, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		pays = xrealloc(pays, sizeof(*pays) * (size_t)(n + 1));
		refs = xrealloc(refs, sizeof(*refs) * (size_t)(n + 1));
		dates = xrealloc(dates, sizeof(*dates) * (size_t)(n + 1));
		pays[n] = sqlite3_column_int64(st, 0);
		str_copy(refs[n], col_text(st, 1), sizeof(refs[0]));
		str_copy(dates[n++], col_text(st, 2), sizeof(dates[0]));
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n && ret == BR_OK; i++) {
		struct payment_item *items = NULL;
		struct voucher v;
		char why[256], detail[160], object[160];
		int ni = 0;
		if ((ret = payment_items_locked(s, pays[i], &items, &ni)))
			break;
		/* booked on the day the money went out */
		if (voucher_from_payment(items, ni, refs[i], set, dates[i], &v, why, sizeof(why)) == BR_OK &&
		    (ret = next_number_locked(s, v.period, v.word, &v.number)) == BR_OK &&
		    (ret = voucher_insert_locked(s, batch, 0, &v)) == BR_OK) {
			ret = store_exec_ids(s, "UPDATE payment_batches SET voucher_id = ?2 WHERE id = ?1", pays[i],
					     v.id);
			snprintf(object, sizeof(object), "payment %.100s", refs[i]);
			snprintf(detail, sizeof(detail), "voucher=%s %s-%04d batch=%lld", v.period, v.word, v.number,
				 (long long)batch);
			if (ret == BR_OK)
				ret = audit_append_locked(s, actor, "payment.voucher", object, detail);
			(*nvouchers)++;
		}
		voucher_release(&v);
		free(items);
	}
	free(pays);
	free(refs);
	free(dates);
	return ret;
}

static bool has_advance_line(const struct claim *c)
{
	for (int i = 0; i < c->nlines; i++)
		if (!strcmp(c->lines[i].category, CATEGORY_ADVANCE))
			return true;
	return false;
}

/* The vouchers of repaid advances that have none yet, into export batch. */
static int repayment_vouchers_locked(struct store *s, const struct voucher_settings *set, int max, int64_t batch,
				     const char *actor, int *nvouchers)
{
	sqlite3_stmt *st = NULL;
	struct repay {
		int64_t id, amount;
		char employee[USER_LOGIN_MAX + 1], name[256], ref[128], date[11];
	} *r = NULL;
	int n = 0, ret, rc;

	if ((ret =
		 store_prepare(s,
			       "SELECT a.id, a.amount, a.employee, coalesce(u.display_name, a.employee), a.ref, a.date"
			       " FROM advance_returns a LEFT JOIN users u ON u.uid = a.employee"
			       " WHERE a.voucher_id IS NULL ORDER BY a.id LIMIT ?",
			       &st)))
		return ret;
	sqlite3_bind_int(st, 1, max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = xrealloc(r, sizeof(*r) * (size_t)(n + 1));
		r[n].id = sqlite3_column_int64(st, 0);
		r[n].amount = sqlite3_column_int64(st, 1);
		str_copy(r[n].employee, col_text(st, 2), sizeof(r[n].employee));
		str_copy(r[n].name, col_text(st, 3), sizeof(r[n].name));
		str_copy(r[n].ref, col_text(st, 4), sizeof(r[n].ref));
		str_copy(r[n].date, col_text(st, 5), sizeof(r[n].date));
		n++;
	}
	sqlite3_finalize(st);
	for (int i = 0; i < n && ret == BR_OK; i++) {
		struct voucher v;
		char why[256], detail[160];
		if (voucher_from_repayment(r[i].employee, r[i].name, r[i].amount, r[i].ref, set, r[i].date, &v, why,
					   sizeof(why)) == BR_OK &&
		    (ret = next_number_locked(s, v.period, v.word, &v.number)) == BR_OK &&
		    (ret = voucher_insert_locked(s, batch, 0, &v)) == BR_OK) {
			ret = store_exec_ids(s, "UPDATE advance_returns SET voucher_id = ?2 WHERE id = ?1", r[i].id,
					     v.id);
			snprintf(detail, sizeof(detail), "voucher=%s %s-%04d batch=%lld ref=%.60s", v.period, v.word,
				 v.number, (long long)batch, r[i].ref);
			if (ret == BR_OK)
				ret = audit_append_locked(s, actor, "advance.voucher", r[i].employee, detail);
			(*nvouchers)++;
		}
		voucher_release(&v);
	}
	free(r);
	return ret;
}

int store_export_batch(struct store *s, const struct voucher_settings *set, const char *date, int max,
		       const char *actor, int64_t *batch, int *nvouchers, int *skipped, char *msg, size_t size)
{
	struct category_set cats = { 0 };
	struct voucher_settings bset;
	const struct category *adv;
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL;
	int n = 0, rc, ret = store_begin(s);

	*batch = 0;
	*nvouchers = *skipped = 0;
	if (msg && size)
		msg[0] = '\0';
	if (ret)
		return ret;
	/* every approved claim, oldest first: those that cannot be made into vouchers never hold up the others */
	if ((ret = store_prepare(s, "SELECT id FROM claims WHERE status = 'approved'"
				  " AND id NOT IN (SELECT claim_id FROM ledger_requests) ORDER BY id", &st)))
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n % 1024 == 0)
			ids = xrealloc(ids, sizeof(*ids) * (size_t)(n + 1024));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if ((n == 0 && !others_waiting_locked(s)) || (ret = store_categories_load(s, &cats)))
		goto out;
	/* advances are debited and settled on one account: the advance category's */
	bset = *set;
	if ((adv = category_find(cats.items, cats.n, CATEGORY_ADVANCE))) {
		str_copy(bset.advance, adv->account, sizeof(bset.advance));
		str_copy(bset.advance_name, adv->account_name, sizeof(bset.advance_name));
	}
	set = &bset;
	if ((ret = batch_insert_locked(s, set, actor, batch)))
		goto out;
	for (int i = 0; i < n && *nvouchers < max; i++) {
		struct claim c;
		struct voucher v;
		int64_t dr, cr, offset;
		char why[256];
		claim_init(&c);
		if ((ret = claim_get_locked(s, ids[i], &c))) {
			claim_release(&c);
			goto out;
		}
		if (voucher_from_claim(&c, &cats, set, date, &v, why, sizeof(why)) || !voucher_balanced(&v, &dr, &cr)) {
			/* left approved, and said: the others go on */
			if (msg && size && !msg[0])
				snprintf(msg, size, "%s", why[0] ? why : "an unbalanced voucher");
			(*skipped)++;
			voucher_release(&v);
			claim_release(&c);
			continue;
		}
		/* settle the employee's open advance first (an advance itself settles nothing) */
		offset = 0;
		if (!has_advance_line(&c)) {
			if ((ret = advance_open_locked(s, c.owner, &offset))) {
				claim_release(&c);
				voucher_release(&v);
				goto out;
			}
			offset = offset < c.total ? offset : c.total;
			if (offset > 0)
				voucher_settle_advance(&v, offset, set);
		}
		if ((ret = next_number_locked(s, v.period, v.word, &v.number)) ||
		    (ret = voucher_insert_locked(s, *batch, ids[i], &v)) ||
		    (offset > 0 && (ret = advance_offset_locked(s, ids[i], c.owner, offset))) ||
		    (ret = claim_exported_locked(s, ids[i], &v, *batch, actor, offset > 0 && offset == c.total))) {
			claim_release(&c);
			voucher_release(&v);
			goto out;
		}
		claim_release(&c);
		voucher_release(&v);
		(*nvouchers)++;
	}
	if ((ret = payment_vouchers_locked(s, set, max, *batch, actor, nvouchers)) ||
	    (ret = repayment_vouchers_locked(s, set, max, *batch, actor, nvouchers)))
		goto out;
	if (*nvouchers == 0) {
		/* nothing could be made: no empty batch */
		ret = BR_ERR_INVALID;
		goto out;
	}
	if ((ret = store_exec_ids(s, "UPDATE export_batches SET nvouchers = ?2 WHERE id = ?1", *batch, *nvouchers)))
		goto out;
	{
		char object[32], detail[64];
		snprintf(object, sizeof(object), "batch %lld", (long long)*batch);
		snprintf(detail, sizeof(detail), "vouchers=%d skipped=%d", *nvouchers, *skipped);
		ret = audit_append_locked(s, actor, "export.batch", object, detail);
	}
out:
	category_set_release(&cats);
	free(ids);
	if (ret) {
		*batch = 0;
		*nvouchers = 0;
	}
	return store_end(s, ret);
}

static void settings_from_row(sqlite3_stmt *st, int i, struct voucher_settings *set)
{
	char *const fields[] = { set->word,      set->account_book,   set->company_code, set->ledger_id,
				 set->currency,  set->preparer,       set->payable,      set->payable_name,
				 set->input_vat, set->input_vat_name, set->bank,         set->bank_name,
				 set->advance,   set->advance_name };
	const size_t sizes[] = { sizeof(set->word),           sizeof(set->account_book), sizeof(set->company_code),
				 sizeof(set->ledger_id),      sizeof(set->currency),     sizeof(set->preparer),
				 sizeof(set->payable),        sizeof(set->payable_name), sizeof(set->input_vat),
				 sizeof(set->input_vat_name), sizeof(set->bank),         sizeof(set->bank_name),
				 sizeof(set->advance),        sizeof(set->advance_name) };

	memset(set, 0, sizeof(*set));
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
		str_copy(fields[k], col_text(st, i + (int)k), sizes[k]);
}

int store_export_load(struct store *s, int64_t batch, char created_at[32], struct voucher_settings *set,
		      struct voucher **vouchers, int *n)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*vouchers = NULL;
	*n = 0;
	if ((ret = store_prepare(
		 s,
		 "SELECT created_at, word, account_book, company_code, ledger_id, currency, preparer,"
		 " payable, payable_name, input_vat, input_vat_name, bank, bank_name, advance, advance_name"
		 " FROM export_batches"
		 " WHERE id = ?",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, batch);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		str_copy(created_at, col_text(st, 0), 32);
		settings_from_row(st, 1, set);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? BR_ERR_NOT_FOUND : BR_ERR_STORE;
	if ((ret = store_prepare(
		 s,
		 "SELECT v.id, v.claim, v.date, v.period, v.word, v.number, v.summary, v.attachments,"
		 " l.summary, l.account, l.account_name, l.department, l.project, l.employee,"
		 " l.employee_name, l.debit, l.credit FROM vouchers v JOIN voucher_lines l"
		 " ON l.voucher_id = v.id WHERE v.batch_id = ? ORDER BY v.period, v.word, v.number, l.seq",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, batch);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct voucher *v = *n ? &(*vouchers)[*n - 1] : NULL;
		struct voucher_line l;
		if (!v || v->id != sqlite3_column_int64(st, 0)) {
			*vouchers = xrealloc(*vouchers, sizeof(**vouchers) * (size_t)(*n + 1));
			v = &(*vouchers)[(*n)++];
			voucher_init(v);
			v->id = sqlite3_column_int64(st, 0);
			str_copy(v->claim, col_text(st, 1), sizeof(v->claim));
			str_copy(v->date, col_text(st, 2), sizeof(v->date));
			str_copy(v->period, col_text(st, 3), sizeof(v->period));
			str_copy(v->word, col_text(st, 4), sizeof(v->word));
			v->number = sqlite3_column_int(st, 5);
			str_copy(v->summary, col_text(st, 6), sizeof(v->summary));
			v->attachments = sqlite3_column_int(st, 7);
		}
		memset(&l, 0, sizeof(l));
		str_copy(l.summary, col_text(st, 8), sizeof(l.summary));
		str_copy(l.account, col_text(st, 9), sizeof(l.account));
		str_copy(l.account_name, col_text(st, 10), sizeof(l.account_name));
		str_copy(l.department, col_text(st, 11), sizeof(l.department));
		str_copy(l.project, col_text(st, 12), sizeof(l.project));
		str_copy(l.employee, col_text(st, 13), sizeof(l.employee));
		str_copy(l.employee_name, col_text(st, 14), sizeof(l.employee_name));
		l.debit = sqlite3_column_int64(st, 15);
		l.credit = sqlite3_column_int64(st, 16);
		voucher_add_line(v, &l);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_vouchers_free(*vouchers, *n);
		*vouchers = NULL;
		*n = 0;
		return BR_ERR_STORE;
	}
	return BR_OK;
}

void store_vouchers_free(struct voucher *v, int n)
{
	for (int i = 0; i < n; i++)
		voucher_release(&v[i]);
	free(v);
}

int store_export_file_done(struct store *s, int64_t batch, const char *format, const char *path, const char *sha256,
			   int64_t bytes)
{
	sqlite3_stmt *st = NULL;
	char now[32], object[32], detail[160];
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = store_prepare(s,
				 "INSERT INTO export_files (batch_id, format, path, sha256, bytes, written_at)"
				 " VALUES (?,?,?,?,?,?) ON CONFLICT (batch_id, format) DO UPDATE SET"
				 " path = excluded.path, written_at = excluded.written_at"
				 " WHERE sha256 = excluded.sha256",
				 &st)))
		goto out;
	audit_now(now);
	sqlite3_bind_int64(st, 1, batch);
	bind_text(st, 2, format);
	bind_text(st, 3, path);
	bind_text(st, 4, sha256);
	sqlite3_bind_int64(st, 5, bytes);
	bind_text(st, 6, now);
	if ((ret = store_step_done(st)))
		goto out;
	if (sqlite3_changes(s->db) != 1) {
		ret = BR_ERR_CORRUPT; /* the file came out different from the first time */
		goto out;
	}
	snprintf(object, sizeof(object), "batch %lld", (long long)batch);
	snprintf(detail, sizeof(detail), "format=%s sha256=%.64s bytes=%lld", format, sha256, (long long)bytes);
	ret = audit_append_locked(s, "-", "export.file", object, detail);
out:
	return store_end(s, ret);
}

int store_export_file_get(struct store *s, int64_t batch, const char *format, char path[4096], char sha256[65],
			  int64_t *bytes)
{
	sqlite3_stmt *st = NULL;
	int ret =
	    store_prepare(s, "SELECT path, sha256, bytes FROM export_files WHERE batch_id = ? AND format = ?", &st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, batch);
	bind_text(st, 2, format);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		str_copy(path, col_text(st, 0), 4096);
		str_copy(sha256, col_text(st, 1), 65);
		*bytes = sqlite3_column_int64(st, 2);
		break;
	case SQLITE_DONE: ret = BR_ERR_NOT_FOUND; break;
	default: ret = BR_ERR_STORE;
	}
	sqlite3_finalize(st);
	return ret;
}

int store_export_missing(struct store *s, const char *format, int64_t **ids, int *n)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	*ids = NULL;
	*n = 0;
	if ((ret =
		 store_prepare(s,
			       "SELECT b.id FROM export_batches b WHERE b.nvouchers > 0 AND NOT EXISTS"
			       " (SELECT 1 FROM export_files f WHERE f.batch_id = b.id AND f.format = ?) ORDER BY b.id",
			       &st)))
		return ret;
	bind_text(st, 1, format);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*ids = xrealloc(*ids, sizeof(**ids) * (size_t)(*n + 1));
		(*ids)[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_export_batches(struct store *s, int64_t only, store_batch_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(
		 s,
		 "SELECT b.id, b.created_at, b.actor, b.nvouchers,"
		 " (SELECT period || ' ' || word || '-' || printf('%04d', min(number)) FROM vouchers"
		 "  WHERE batch_id = b.id),"
		 " (SELECT period || ' ' || word || '-' || printf('%04d', max(number)) FROM vouchers"
		 "  WHERE batch_id = b.id),"
		 " coalesce((SELECT group_concat(format, ',') FROM (SELECT format FROM export_files"
		 "  WHERE batch_id = b.id ORDER BY format)), '')"
		 " FROM export_batches b WHERE b.nvouchers > 0 AND (?1 = 0 OR b.id = ?1) ORDER BY b.id DESC",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct export_batch_row r = { 0 };
		r.id = sqlite3_column_int64(st, 0);
		str_copy(r.created_at, col_text(st, 1), sizeof(r.created_at));
		str_copy(r.actor, col_text(st, 2), sizeof(r.actor));
		r.nvouchers = sqlite3_column_int(st, 3);
		str_copy(r.first, col_text(st, 4), sizeof(r.first));
		str_copy(r.last, col_text(st, 5), sizeof(r.last));
		str_copy(r.formats, col_text(st, 6), sizeof(r.formats));
		if (cb(&r, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}
