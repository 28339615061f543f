/*
 * store_claims.c - claims, their lines, values, findings and attachments.
 *
 * A claim and everything under it is written in one transaction with its
 * audit entry.  Invoices on lines go through the invoice register, whose
 * UNIQUE keys make a second use of an invoice fail whoever tries it.
 */
#include "internal.h"

#include "bursar/err.h"
#include "bursar/log.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
		log_event("store: %s", sqlite3_errmsg(s->db));
		return BR_ERR_STORE;
	}
	return BR_OK;
}

/* Runs a statement that returns no rows, then finalizes it. */
int store_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st), ext = rc == SQLITE_DONE ? 0 : sqlite3_extended_errcode(sqlite3_db_handle(st));

	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return BR_OK;
	/* a trigger refusing a change guards an invariant: a limit, not a duplicate */
	if (ext == SQLITE_CONSTRAINT_TRIGGER)
		return BR_ERR_LIMIT;
	return rc == SQLITE_CONSTRAINT ? BR_ERR_CONFLICT : BR_ERR_STORE;
}

int store_exec_ids(struct store *s, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, sql, &st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, b);
	return store_step_done(st);
}

int store_exec_id(struct store *s, const char *sql, int64_t a)
{
	return store_exec_ids(s, sql, a, 0);
}

/*
 * The invoice a line stands on: a new registration for the owner, or the
 * owner's own registered invoice that backs no claim yet.
 */
static int line_invoice_locked(struct store *s, const struct invoice *inv, const char *owner, int64_t *id,
			       struct invoice_holder *holder)
{
	struct invoice_holder h;
	int ret = invoice_add_locked(s, inv, owner, id, &h);

	if (ret != BR_ERR_CONFLICT)
		return ret;
	if (holder)
		*holder = h;
	if (h.claim[0] || strcmp(h.owner, owner))
		return BR_ERR_CONFLICT;
	*id = h.id;
	return BR_OK;
}

static int write_parts_locked(struct store *s, const struct claim *c, int *bad_line, struct invoice_holder *holder)
{
	sqlite3_stmt *st = NULL;
	int ret;

	for (int i = 0; i < c->nvalues; i++) {
		if ((ret = store_prepare(s, "INSERT INTO claim_values (claim_id, name, value) VALUES (?,?,?)", &st)))
			return ret;
		sqlite3_bind_int64(st, 1, c->id);
		bind_text(st, 2, c->values[i].name);
		bind_text(st, 3, c->values[i].value);
		if ((ret = store_step_done(st)))
			return ret == BR_ERR_CONFLICT ? BR_ERR_STORE : ret;
	}
	for (int i = 0; i < c->nlines; i++) {
		const struct claim_line *l = &c->lines[i];
		int64_t inv_id = 0;
		if (l->has_invoice && (ret = line_invoice_locked(s, &l->invoice, c->owner, &inv_id, holder))) {
			if (bad_line)
				*bad_line = i + 1;
			return ret;
		}
		if ((ret = store_prepare(s,
					 "INSERT INTO claim_lines (claim_id, seq, category, date, amount, deductible,"
					 " description, invoice_id) VALUES (?,?,?,?,?,?,?,?)",
					 &st)))
			return ret;
		sqlite3_bind_int64(st, 1, c->id);
		sqlite3_bind_int(st, 2, i + 1);
		bind_text(st, 3, l->category);
		bind_text(st, 4, l->date);
		sqlite3_bind_int64(st, 5, l->amount);
		sqlite3_bind_int64(st, 6, l->deductible);
		bind_text(st, 7, l->description);
		if (inv_id)
			sqlite3_bind_int64(st, 8, inv_id);
		if ((ret = store_step_done(st))) {
			if (bad_line)
				*bad_line = i + 1;
			return ret;
		}
	}
	for (int i = 0; i < c->nfindings; i++) {
		const struct claim_finding *f = &c->findings[i];
		if ((ret = store_prepare(s,
					 "INSERT INTO claim_findings (claim_id, seq, level, rule, line, field, message)"
					 " VALUES (?,?,?,?,?,?,?)",
					 &st)))
			return ret;
		sqlite3_bind_int64(st, 1, c->id);
		sqlite3_bind_int(st, 2, i + 1);
		bind_text(st, 3, f->level == FINDING_ERROR ? "block" : "warn");
		bind_text(st, 4, f->rule);
		sqlite3_bind_int(st, 5, f->line);
		bind_text(st, 6, f->field);
		bind_text(st, 7, f->message);
		if ((ret = store_step_done(st)))
			return ret;
	}
	return BR_OK;
}

static int delete_parts_locked(struct store *s, int64_t id, bool findings_only)
{
	static const char *const sql[] = {
		"DELETE FROM claim_findings WHERE claim_id = ?",
		"DELETE FROM claim_values WHERE claim_id = ?",
		"DELETE FROM claim_lines WHERE claim_id = ?",
	};
	sqlite3_stmt *st = NULL;
	int ret;

	for (size_t i = 0; i < (findings_only ? 1 : ARRAY_SIZE(sql)); i++) {
		if ((ret = store_prepare(s, sql[i], &st)))
			return ret;
		sqlite3_bind_int64(st, 1, id);
		if ((ret = store_step_done(st)))
			return ret;
	}
	return BR_OK;
}

static void claim_detail(const struct claim *c, const char *what, char *out, size_t size)
{
	char total[32];

	snprintf(out, size, "%sform=%s lines=%d total=%s findings=%d", what, c->form, c->nlines,
		 money_format(c->total, total, sizeof(total), 0), c->nfindings);
}

/*
 * The next number in the month of today, e.g. BX202611-0043, from a counter
 * per month so that a deleted draft's number is never given out again.
 */
static int next_number_locked(struct store *s, const char *today, char out[CLAIM_NUMBER_MAX])
{
	sqlite3_stmt *st = NULL;
	char month[8];
	int ret, seq = 0;

	snprintf(month, sizeof(month), "%.7s", today);
	if ((ret = store_prepare(s,
				 "INSERT INTO claim_numbers (month, last) VALUES (?, 1)"
				 " ON CONFLICT (month) DO UPDATE SET last = last + 1 RETURNING last",
				 &st)))
		return ret;
	bind_text(st, 1, month);
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (seq <= 0)
		return BR_ERR_STORE;
	claim_number_format(today, seq, out);
	return BR_OK;
}

int store_claim_create(struct store *s, struct claim *c, int *bad_line, struct invoice_holder *holder)
{
	sqlite3_stmt *st = NULL;
	char now[32], today[11], detail[256];
	int ret = store_begin(s);

	if (ret)
		return ret;
	audit_now(now);
	date_today(today);
	if ((ret = next_number_locked(s, today, c->number)))
		goto out;
	if ((ret =
		 store_prepare(s,
			       "INSERT INTO claims (number, form, owner, title, status, total, deductible, created_at,"
			       " updated_at, department) VALUES (?,?,?,?,'draft',?,?,?,?7,?8)",
			       &st)))
		goto out;
	bind_text(st, 1, c->number);
	bind_text(st, 2, c->form);
	bind_text(st, 3, c->owner);
	bind_text(st, 4, c->title);
	sqlite3_bind_int64(st, 5, c->total);
	sqlite3_bind_int64(st, 6, c->deductible);
	bind_text(st, 7, now);
	bind_text(st, 8, c->department);
	if ((ret = store_step_done(st)))
		goto out;
	c->id = sqlite3_last_insert_rowid(s->db);
	c->status = CLAIM_DRAFT;
	str_copy(c->created_at, now, sizeof(c->created_at));
	str_copy(c->updated_at, now, sizeof(c->updated_at));
	if ((ret = write_parts_locked(s, c, bad_line, holder)))
		goto out;
	claim_detail(c, "", detail, sizeof(detail));
	ret = audit_append_locked(s, c->owner, "claim.create", c->number, detail);
out:
	if (ret) {
		c->id = 0;
		c->number[0] = '\0';
	}
	return store_end(s, ret);
}

/* Owner and status of a claim, read inside the caller's transaction. */
int claim_head_locked(struct store *s, int64_t id, char *owner, size_t size, enum claim_status *status,
		      char number[CLAIM_NUMBER_MAX])
{
	sqlite3_stmt *st = NULL;
	int ret;

	if ((ret = store_prepare(s, "SELECT owner, status, number FROM claims WHERE id = ?", &st)))
		return ret;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW: {
		int status_i = claim_status_from_name(col_text(st, 1));
		str_copy(owner, col_text(st, 0), size);
		str_copy(number, col_text(st, 2), CLAIM_NUMBER_MAX);
		*status = status_i < 0 ? CLAIM_DRAFT : (enum claim_status)status_i;
		ret = BR_OK;
		break;
	}
	case SQLITE_DONE: ret = BR_ERR_NOT_FOUND; break;
	default: ret = BR_ERR_STORE;
	}
	sqlite3_finalize(st);
	return ret;
}

/* The claim must be actor's own draft: DENIED for someone else's, INVALID when not a draft. */
static int own_draft_locked(struct store *s, int64_t id, const char *actor, char number[CLAIM_NUMBER_MAX])
{
	char owner[USER_LOGIN_MAX + 1];
	enum claim_status status;
	int ret = claim_head_locked(s, id, owner, sizeof(owner), &status, number);

	if (ret)
		return ret;
	if (strcmp(owner, actor))
		return BR_ERR_DENIED;
	return status == CLAIM_DRAFT ? BR_OK : BR_ERR_INVALID;
}

/*
 * Attachments follow their line when lines are deleted or reordered (by
 * origin, the number a line had when loaded); those of a deleted line stay
 * with the whole claim.
 */
static int move_attachments_locked(struct store *s, const struct claim *c)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if ((ret = store_prepare(s, "UPDATE attachments SET line = -line WHERE claim_id = ? AND line > 0", &st)))
		return ret;
	sqlite3_bind_int64(st, 1, c->id);
	if ((ret = store_step_done(st)))
		return ret;
	for (int i = 0; i < c->nlines; i++) {
		if (!c->lines[i].origin)
			continue;
		if ((ret =
			 store_prepare(s, "UPDATE attachments SET line = ?3 WHERE claim_id = ?1 AND line = -?2", &st)))
			return ret;
		sqlite3_bind_int64(st, 1, c->id);
		sqlite3_bind_int(st, 2, c->lines[i].origin);
		sqlite3_bind_int(st, 3, i + 1);
		if ((ret = store_step_done(st)))
			return ret;
	}
	if ((ret = store_prepare(s, "UPDATE attachments SET line = 0 WHERE claim_id = ? AND line < 0", &st)))
		return ret;
	sqlite3_bind_int64(st, 1, c->id);
	return store_step_done(st);
}

int store_claim_update(struct store *s, struct claim *c, const char *actor, int *bad_line,
		       struct invoice_holder *holder)
{
	sqlite3_stmt *st = NULL;
	char now[32], detail[256];
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = own_draft_locked(s, c->id, actor, c->number)))
		goto out;
	audit_now(now);
	if ((ret = store_prepare(s,
				 "UPDATE claims SET title = ?2, total = ?3, deductible = ?4, updated_at = ?5,"
				 " department = coalesce(nullif(?6, ''), department) WHERE id = ?1",
				 &st)))
		goto out;
	sqlite3_bind_int64(st, 1, c->id);
	bind_text(st, 2, c->title);
	sqlite3_bind_int64(st, 3, c->total);
	sqlite3_bind_int64(st, 4, c->deductible);
	bind_text(st, 5, now);
	bind_text(st, 6, c->department);
	if ((ret = store_step_done(st)) || (ret = delete_parts_locked(s, c->id, false)))
		goto out;
	str_copy(c->owner, actor, sizeof(c->owner)); /* own_draft_locked: the owner is the actor */
	str_copy(c->updated_at, now, sizeof(c->updated_at));
	if ((ret = write_parts_locked(s, c, bad_line, holder)) || (ret = move_attachments_locked(s, c)))
		goto out;
	claim_detail(c, "", detail, sizeof(detail));
	ret = audit_append_locked(s, actor, "claim.update", c->number, detail);
out:
	return store_end(s, ret);
}

int store_claim_find(struct store *s, const char *ref, int64_t *id)
{
	sqlite3_stmt *st = NULL;
	long n;
	int ret;

	if ((ret = store_prepare(s, "SELECT id FROM claims WHERE number = ?1 OR id = ?2", &st)))
		return ret;
	bind_text(st, 1, ref);
	sqlite3_bind_int64(st, 2, str_to_int(ref, 1, INT64_MAX, &n) ? -1 : n);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*id = sqlite3_column_int64(st, 0);
		ret = BR_OK;
		break;
	case SQLITE_DONE: ret = BR_ERR_NOT_FOUND; break;
	default: ret = BR_ERR_STORE;
	}
	sqlite3_finalize(st);
	return ret;
}

static void summary_from_row(sqlite3_stmt *st, struct claim_summary *c)
{
	int status = claim_status_from_name(col_text(st, 5));

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	str_copy(c->number, col_text(st, 1), sizeof(c->number));
	str_copy(c->form, col_text(st, 2), sizeof(c->form));
	str_copy(c->owner, col_text(st, 3), sizeof(c->owner));
	str_copy(c->title, col_text(st, 4), sizeof(c->title));
	c->status = status < 0 ? CLAIM_DRAFT : (enum claim_status)status;
	str_copy(c->step, col_text(st, 6), sizeof(c->step));
	c->total = sqlite3_column_int64(st, 7);
	c->deductible = sqlite3_column_int64(st, 8);
	str_copy(c->created_at, col_text(st, 9), sizeof(c->created_at));
	str_copy(c->updated_at, col_text(st, 10), sizeof(c->updated_at));
	str_copy(c->submitted_at, col_text(st, 11), sizeof(c->submitted_at));
	str_copy(c->owner_name, col_text(st, 12), sizeof(c->owner_name));
	c->nlines = sqlite3_column_int(st, 13);
	c->nblocking = sqlite3_column_int(st, 14);
	c->nwarnings = sqlite3_column_int(st, 15);
	str_copy(c->department, col_text(st, 16), sizeof(c->department));
	str_copy(c->voucher, col_text(st, 17), sizeof(c->voucher));
	str_copy(c->payment, col_text(st, 18), sizeof(c->payment));
}

#define SUMMARY_COLUMNS                                                                                                \
	"c.id, c.number, c.form, c.owner, c.title, c.status, c.step, c.total, c.deductible, c.created_at,"             \
	" c.updated_at, c.submitted_at, coalesce(u.display_name, c.owner),"                                            \
	" (SELECT count(*) FROM claim_lines l WHERE l.claim_id = c.id),"                                               \
	" (SELECT count(*) FROM claim_findings f WHERE f.claim_id = c.id AND f.level = 'block'),"                      \
	" (SELECT count(*) FROM claim_findings f WHERE f.claim_id = c.id AND f.level = 'warn'), c.department,"         \
	" c.voucher, c.payment"                                                                                        \
	" FROM claims c LEFT JOIN users u ON u.uid = c.owner"

static int load_lines(struct store *s, struct claim *c)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(
		 s,
		 "SELECT l.category, l.date, l.amount, l.deductible, l.description, i.id, i.kind, i.code,"
		 " i.number, i.date, i.seller_name, i.seller_tax_id, i.buyer_name, i.buyer_tax_id, i.amount,"
		 " i.rate_bp, i.tax, i.total, i.check_code,"
		 " (SELECT count(*) FROM attachments a WHERE a.claim_id = l.claim_id AND a.line = l.seq)"
		 " FROM claim_lines l LEFT JOIN invoices i ON i.id = l.invoice_id"
		 " WHERE l.claim_id = ? ORDER BY l.seq",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, c->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct claim_line l;
		memset(&l, 0, sizeof(l));
		str_copy(l.category, col_text(st, 0), sizeof(l.category));
		str_copy(l.date, col_text(st, 1), sizeof(l.date));
		l.amount = sqlite3_column_int64(st, 2);
		l.deductible = sqlite3_column_int64(st, 3);
		str_copy(l.description, col_text(st, 4), sizeof(l.description));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			struct invoice *inv = &l.invoice;
			int kind = invoice_kind_from_name(col_text(st, 6));
			l.has_invoice = true;
			inv->kind = kind < 0 ? INVOICE_RECEIPT : (enum invoice_kind)kind;
			str_copy(inv->code, col_text(st, 7), sizeof(inv->code));
			str_copy(inv->number, col_text(st, 8), sizeof(inv->number));
			str_copy(inv->date, col_text(st, 9), sizeof(inv->date));
			str_copy(inv->seller_name, col_text(st, 10), sizeof(inv->seller_name));
			str_copy(inv->seller_tax_id, col_text(st, 11), sizeof(inv->seller_tax_id));
			str_copy(inv->buyer_name, col_text(st, 12), sizeof(inv->buyer_name));
			str_copy(inv->buyer_tax_id, col_text(st, 13), sizeof(inv->buyer_tax_id));
			inv->amount = sqlite3_column_int64(st, 14);
			inv->rate_bp = sqlite3_column_int(st, 15);
			inv->tax = sqlite3_column_int64(st, 16);
			inv->total = sqlite3_column_int64(st, 17);
			str_copy(inv->check_code, col_text(st, 18), sizeof(inv->check_code));
		}
		l.nattachments = sqlite3_column_int(st, 19);
		l.origin = c->nlines + 1;
		if (!claim_add_line(c, &l))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

static int load_rest(struct store *s, struct claim *c)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s, "SELECT name, value FROM claim_values WHERE claim_id = ? ORDER BY name", &st)))
		return ret;
	sqlite3_bind_int64(st, 1, c->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		claim_set_value(c, col_text(st, 0), col_text(st, 1));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return BR_ERR_STORE;
	if ((ret = store_prepare(
		 s, "SELECT level, rule, line, field, message FROM claim_findings WHERE claim_id = ? ORDER BY seq",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, c->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		claim_add_finding(c, strcmp(col_text(st, 0), "block") ? FINDING_WARN : FINDING_ERROR, col_text(st, 1),
				  sqlite3_column_int(st, 2), col_text(st, 3), "%s", col_text(st, 4));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return BR_ERR_STORE;
	if ((ret = store_prepare(
		 s,
		 "SELECT id, line, name, sha256, size, type, created_at FROM attachments WHERE claim_id = ?"
		 " ORDER BY id",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, c->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct claim_attachment a;
		memset(&a, 0, sizeof(a));
		a.id = sqlite3_column_int64(st, 0);
		a.line = sqlite3_column_int(st, 1);
		str_copy(a.name, col_text(st, 2), sizeof(a.name));
		str_copy(a.sha256, col_text(st, 3), sizeof(a.sha256));
		a.size = sqlite3_column_int64(st, 4);
		str_copy(a.type, col_text(st, 5), sizeof(a.type));
		str_copy(a.created_at, col_text(st, 6), sizeof(a.created_at));
		claim_add_attachment(c, &a);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int claim_get_locked(struct store *s, int64_t id, struct claim *c)
{
	sqlite3_stmt *st = NULL;
	struct claim_summary sum;
	int ret;

	claim_release(c);
	if ((ret = store_prepare(s, "SELECT " SUMMARY_COLUMNS " WHERE c.id = ?", &st)))
		return ret;
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW: summary_from_row(st, &sum); break;
	case SQLITE_DONE: ret = BR_ERR_NOT_FOUND; break;
	default: ret = BR_ERR_STORE;
	}
	sqlite3_finalize(st);
	if (ret)
		return ret;
	c->id = sum.id;
	str_copy(c->number, sum.number, sizeof(c->number));
	str_copy(c->form, sum.form, sizeof(c->form));
	str_copy(c->owner, sum.owner, sizeof(c->owner));
	str_copy(c->owner_name, sum.owner_name, sizeof(c->owner_name));
	str_copy(c->department, sum.department, sizeof(c->department));
	str_copy(c->voucher, sum.voucher, sizeof(c->voucher));
	str_copy(c->payment, sum.payment, sizeof(c->payment));
	str_copy(c->title, sum.title, sizeof(c->title));
	c->status = sum.status;
	str_copy(c->step, sum.step, sizeof(c->step));
	c->total = sum.total;
	c->deductible = sum.deductible;
	str_copy(c->created_at, sum.created_at, sizeof(c->created_at));
	str_copy(c->updated_at, sum.updated_at, sizeof(c->updated_at));
	str_copy(c->submitted_at, sum.submitted_at, sizeof(c->submitted_at));
	if ((ret = load_lines(s, c)) == BR_OK)
		ret = load_rest(s, c);
	if (ret)
		claim_release(c);
	return ret;
}

int store_claim_get(struct store *s, int64_t id, struct claim *c)
{
	int ret;

	/* One read transaction: the claim and its parts from the same moment. */
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return BR_ERR_STORE;
	ret = claim_get_locked(s, id, c);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	return ret;
}

int store_claim_transition(struct store *s, int64_t id, enum claim_event ev, const char *actor,
			   const struct claim *findings, enum claim_status *status)
{
	sqlite3_stmt *st = NULL;
	char owner[USER_LOGIN_MAX + 1], number[CLAIM_NUMBER_MAX], now[32], action[40], detail[128];
	enum claim_status from, to;
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = claim_head_locked(s, id, owner, sizeof(owner), &from, number)))
		goto out;
	if (status)
		*status = from;
	if ((ret = claim_transition(from, ev, &to)))
		goto out;
	audit_now(now);
	if ((ret =
		 store_prepare(s,
			       "UPDATE claims SET status = ?2, updated_at = ?3,"
			       " submitted_at = CASE WHEN ?2 = 'submitted' THEN ?3 ELSE submitted_at END WHERE id = ?1",
			       &st)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, claim_status_name(to));
	bind_text(st, 3, now);
	if ((ret = store_step_done(st)))
		goto out;
	if (findings) {
		struct claim only = *findings;
		/* rewrite the findings only: no values or lines */
		only.id = id;
		only.nvalues = 0;
		only.nlines = 0;
		if ((ret = delete_parts_locked(s, id, true)) || (ret = write_parts_locked(s, &only, NULL, NULL)))
			goto out;
	}
	if (ev == CLAIM_EV_WITHDRAW && (ret = workflow_withdraw_locked(s, id, actor)))
		goto out;
	if ((ev == CLAIM_EV_WITHDRAW || ev == CLAIM_EV_RETURN || ev == CLAIM_EV_REJECT) &&
	    (ret = budget_release_locked(s, id)))
		goto out;
	if (ev == CLAIM_EV_EXPORT && (ret = budget_post_locked(s, id)))
		goto out;
	if (status)
		*status = to;
	snprintf(action, sizeof(action), "claim.%s", claim_event_name(ev));
	snprintf(detail, sizeof(detail), "%s -> %s", claim_status_name(from), claim_status_name(to));
	ret = audit_append_locked(s, actor, action, number, detail);
out:
	return store_end(s, ret);
}

int store_claim_delete(struct store *s, int64_t id, const char *actor)
{
	sqlite3_stmt *st = NULL;
	char number[CLAIM_NUMBER_MAX];
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = own_draft_locked(s, id, actor, number)))
		goto out;
	if ((ret = delete_parts_locked(s, id, false)))
		goto out;
	if ((ret = store_prepare(s, "DELETE FROM attachments WHERE claim_id = ?", &st)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((ret = store_step_done(st)) ||
	    (ret = store_exec_id(s, "DELETE FROM ledger_requests WHERE claim_id = ? AND applied_version = 0", id)) ||
	    (ret = store_prepare(s, "DELETE FROM claims WHERE id = ?", &st)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((ret = store_step_done(st)))
		goto out;
	ret = audit_append_locked(s, actor, "claim.delete", number, "draft deleted");
out:
	return store_end(s, ret);
}

int store_claim_list(struct store *s, const char *owner, int status, store_claim_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s,
				 "SELECT " SUMMARY_COLUMNS
				 " WHERE (?1 IS NULL OR c.owner = ?1) AND (?2 IS NULL OR c.status = ?2)"
				 " ORDER BY c.id DESC",
				 &st)))
		return ret;
	if (owner)
		bind_text(st, 1, owner);
	if (status >= 0)
		bind_text(st, 2, claim_status_name((enum claim_status)status));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct claim_summary c;
		summary_from_row(st, &c);
		if (cb(&c, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_claim_peers(struct store *s, const char *owner, int64_t exclude_id, const char *range_field,
		      struct claim_peer **peers, int *n)
{
	sqlite3_stmt *st = NULL;
	struct claim_peer *p = NULL;
	int64_t last = 0;
	int np = 0, ret, rc;

	*peers = NULL;
	*n = 0;
	/* one pass: a row per line (or one for a claim without lines), claims in order */
	if ((ret = store_prepare(s,
				 "SELECT c.id, c.number, coalesce(v.value, ''), l.date, l.amount FROM claims c"
				 " LEFT JOIN claim_values v ON v.claim_id = c.id AND v.name = ?3"
				 " LEFT JOIN claim_lines l ON l.claim_id = c.id"
				 " WHERE c.owner = ?1 AND c.id != ?2 ORDER BY c.id, l.seq",
				 &st)))
		return ret;
	bind_text(st, 1, owner);
	sqlite3_bind_int64(st, 2, exclude_id);
	bind_text(st, 3, range_field ? range_field : "");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct claim_peer *q;
		if (np == 0 || sqlite3_column_int64(st, 0) != last) {
			p = xrealloc(p, sizeof(*p) * (size_t)(np + 1));
			q = &p[np++];
			memset(q, 0, sizeof(*q));
			last = sqlite3_column_int64(st, 0);
			str_copy(q->number, col_text(st, 1), sizeof(q->number));
			if (!claim_parse_daterange(col_text(st, 2), q->from, q->to))
				q->from[0] = q->to[0] = '\0';
		}
		q = &p[np - 1];
		if (sqlite3_column_type(st, 3) == SQLITE_NULL)
			continue;
		q->amounts = xrealloc(q->amounts, sizeof(*q->amounts) * (size_t)(q->nlines + 1));
		q->dates = xrealloc(q->dates, sizeof(*q->dates) * (size_t)(q->nlines + 1));
		q->amounts[q->nlines] = sqlite3_column_int64(st, 4);
		str_copy(q->dates[q->nlines], col_text(st, 3), sizeof(q->dates[0]));
		q->nlines++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_claim_peers_free(p, np);
		return BR_ERR_STORE;
	}
	*peers = p;
	*n = np;
	return BR_OK;
}

void store_claim_peers_free(struct claim_peer *peers, int n)
{
	for (int i = 0; peers && i < n; i++) {
		free(peers[i].amounts);
		free(peers[i].dates);
	}
	free(peers);
}

static int lines_locked(struct store *s, int64_t claim_id)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (store_prepare(s, "SELECT count(*) FROM claim_lines WHERE claim_id = ?", &st))
		return 0;
	sqlite3_bind_int64(st, 1, claim_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int store_attachment_add(struct store *s, int64_t claim_id, const char *actor, struct claim_attachment *a)
{
	sqlite3_stmt *st = NULL;
	char number[CLAIM_NUMBER_MAX], detail[256];
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = own_draft_locked(s, claim_id, actor, number)))
		goto out;
	if (a->line < 0 || a->line > lines_locked(s, claim_id)) {
		ret = BR_ERR_INVALID;
		goto out;
	}
	audit_now(a->created_at);
	if ((ret = store_prepare(s,
				 "INSERT INTO attachments (claim_id, line, name, sha256, size, type, owner, created_at)"
				 " VALUES (?,?,?,?,?,?,?,?)",
				 &st)))
		goto out;
	sqlite3_bind_int64(st, 1, claim_id);
	sqlite3_bind_int(st, 2, a->line);
	bind_text(st, 3, a->name);
	bind_text(st, 4, a->sha256);
	sqlite3_bind_int64(st, 5, a->size);
	bind_text(st, 6, a->type);
	bind_text(st, 7, actor);
	bind_text(st, 8, a->created_at);
	if ((ret = store_step_done(st)))
		goto out;
	a->id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof(detail), "name=%.100s sha256=%s size=%lld line=%d", a->name, a->sha256,
		 (long long)a->size, a->line);
	ret = audit_append_locked(s, actor, "attachment.add", number, detail);
out:
	return store_end(s, ret);
}
