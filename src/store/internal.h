/*
 * internal.h - what the store's source files share: the connection, the
 * transaction helpers and the audit append every write goes through.
 * Private to src/store.
 */
#ifndef BURSAR_STORE_INTERNAL_H
#define BURSAR_STORE_INTERNAL_H

#include <sqlite3.h>

#include "bursar/store.h"

struct store {
	sqlite3 *db;
};

/* BEGIN IMMEDIATE; store_end() commits when ret is BR_OK, else rolls back. */
int store_begin(struct store *s);
int store_end(struct store *s, int ret);
void bind_text(sqlite3_stmt *st, int i, const char *v);
const char *col_text(sqlite3_stmt *st, int i);
/* Appends one chained audit entry; the caller holds the write transaction. */
int audit_append_locked(struct store *s, const char *actor, const char *action, const char *object, const char *detail);
/* Registers one invoice (audited); the caller holds the write transaction. */
int invoice_add_locked(struct store *s, const struct invoice *inv, const char *owner, int64_t *id,
		       struct invoice_holder *holder);

/* Runs one or more statements that return no rows, logging a failure. */
int store_exec_sql(struct store *s, const char *sql);
/* Prepares sql, logging a failure. */
int store_prepare(struct store *s, const char *sql, sqlite3_stmt **st);
/* Steps a statement that returns no rows and finalizes it; CONFLICT for a constraint. */
int store_step_done(sqlite3_stmt *st);
/* Runs sql with ?1 = a (and ?2 = b when the SQL has it), returning no rows. */
int store_exec_id(struct store *s, const char *sql, int64_t a);
int store_exec_ids(struct store *s, const char *sql, int64_t a, int64_t b);
/* Owner, status and number of a claim inside the caller's transaction; NOT_FOUND. */
int claim_head_locked(struct store *s, int64_t id, char *owner, size_t size, enum claim_status *status,
		      char number[CLAIM_NUMBER_MAX]);
/*
 * Charges claim_id's lines to the budget nodes they match: refused
 * (BR_ERR_LIMIT, with the first node that blocks in *refused) when a
 * blocking or frozen node would go over; findings (may be NULL) gets the
 * claim's "budget" findings either way.  Earlier commitments of the claim
 * are released first.
 */
int budget_commit_locked(struct store *s, int64_t claim_id, struct claim *findings, struct budget_refusal *refused);
/* Gives back what claim_id has committed (withdrawn, returned, rejected). */
int budget_release_locked(struct store *s, int64_t claim_id);
/* Turns claim_id's commitments into actual spend (exported). */
int budget_post_locked(struct store *s, int64_t claim_id);
/* store_claim_get() inside the caller's transaction. */
int claim_get_locked(struct store *s, int64_t id, struct claim *c);
/* What employee has advanced and not yet settled or paid back. */
int advance_open_locked(struct store *s, const char *employee, int64_t *open);
/* Records that claim_id settled amount of employee's advances (LIMIT beyond what is open). */
int advance_offset_locked(struct store *s, int64_t claim_id, const char *employee, int64_t amount);
/* A claim taken back by its owner: open tasks cancelled, timeline entry. */
int workflow_withdraw_locked(struct store *s, int64_t id, const char *actor);

/*
 * A claim just approved: when it is a ledger requisition, takes its
 * quantity off the record's field as a new version noting the approval
 * (BR_ERR_LIMIT when the record no longer has that much, or is deleted).
 * Nothing to do for other claims.
 */
int ledger_request_apply_locked(struct store *s, int64_t claim_id, const char *actor);

#endif
