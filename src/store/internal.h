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

#endif
