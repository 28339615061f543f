/*
 * audit.h - the append-only, hash-chained audit log: what an entry is and
 * how its hash is computed.  Each entry's hash is SHA-256 over the previous
 * entry's hash and the entry's canonical content, so altering, inserting or
 * removing any row breaks every hash after it.
 */
#ifndef BURSAR_AUDIT_H
#define BURSAR_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#define AUDIT_HASH_HEX 65
/* prev_hash of the first entry */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_entry {
	int64_t id;
	const char *ts; /* ISO-8601 UTC */
	const char *actor; /* uid, or "-" for the system */
	const char *action; /* e.g. "login.success" */
	const char *object; /* what it is about */
	const char *detail; /* free text, never a secret */
	char prev_hash[AUDIT_HASH_HEX];
	char hash[AUDIT_HASH_HEX];
};

/* Computes the hash of e chained on e->prev_hash into out. */
void audit_hash(const struct audit_entry *e, char out[AUDIT_HASH_HEX]);
/* Whether e's stored hash matches its content and chains on prev. */
bool audit_entry_valid(const struct audit_entry *e, const char *prev);
/* Current UTC time as used in entries ("2026-11-25T01:02:03.456Z"). */
void audit_now(char out[32]);

#endif
