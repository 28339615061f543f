/*
 * internal.h - what the service source files share.  Private to src/service.
 */
#ifndef BURSAR_SERVICE_INTERNAL_H
#define BURSAR_SERVICE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes a message for the person into msg and returns ret (a br_err). */
int service_fail(int ret, char *msg, size_t size, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

struct import_problem;
/* Appends one problem of an import (row 0 is the header; column may be NULL). */
void service_problem_add(struct import_problem **list, int *n, int row, int line, const char *column,
			 const char *message);

struct app;
struct claim_attachment;
/*
 * Reads a file from in (at most [attachments] max_kib; pdf, jpg, png, ofd
 * or xml by both name and content) and keeps it once under
 * data_dir/attachments by SHA-256; out gets its name, type, size and hash.
 */
int service_file_store(struct app *app, const char *name, FILE *in, struct claim_attachment *out, char *msg,
		       size_t size);
/* Where the file with hash sha256 is kept; BR_ERR_INVALID for a malformed hash. */
int service_file_path(struct app *app, const char *sha256, char *path, size_t size);

struct claim;
/*
 * Submits a requisition again (returned to the claimant, or withdrawn):
 * its ledger action's workflow, the stock checked anew.
 */
int service_request_resubmit(struct app *app, struct claim *c, char *msg, size_t size);

struct spend_scope;
/* How many approval tasks in scope finished, and their median and p90 time (seconds). */
int service_turnaround_overall(struct app *app, const struct spend_scope *sc, int *count, int64_t *median,
			       int64_t *p90);

#endif
