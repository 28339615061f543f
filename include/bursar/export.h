/*
 * export.h - voucher file formats for the finance software a company runs
 * (Kingdee, Yonyou, SAP, Oracle, plain-text ledgers), as a table of small
 * writers, and the exporter that turns approved claims into batches of
 * vouchers written atomically to data_dir/outbox/<format>/.
 *
 * A writer is a pure function of the vouchers and the batch's settings, so
 * writing a batch again gives the same bytes.
 */
#ifndef BURSAR_EXPORT_H
#define BURSAR_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "bursar/config.h"
#include "bursar/voucher.h"

/* Bytes of a file being made (may hold NULs: xlsx). */
struct export_buf {
	unsigned char *data;
	size_t len, cap;
};
void export_buf_add(struct export_buf *b, const void *data, size_t len);
void export_buf_addf(struct export_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void export_buf_free(struct export_buf *b);

struct export_batch_info {
	int64_t id;
	char created_at[32]; /* the batch's time: the only time a file may contain */
};

struct export_format {
	const char *name;  /* "beancount", "yonyou", ... as in config and commands */
	const char *ext;   /* file extension */
	const char *label; /* N_() description */
	/*
	 * Appends the file for vouchers v[0..n) to out; BR_ERR_INVALID with a
	 * message when a voucher cannot be written in this format.
	 */
	int (*write)(const struct export_batch_info *b, const struct voucher *v, int n,
		     const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size);
};

extern const struct export_format export_formats[];
extern const int export_format_count;
/* The format called name, or NULL. */
const struct export_format *export_format_find(const char *name);

/* ---- the exporter ---- */

struct store;

/* What a run did. */
struct export_report {
	int batches, vouchers, files;
	int skipped; /* approved claims left because their voucher cannot be made */
	char skipped_msg[256];
};

/* The batch settings from [export]. */
void export_settings_from_config(const struct config *cfg, struct voucher_settings *set);
/* Parses "kingdee,jsonl" into out (at most max); -1 with a message for an unknown or empty list. */
int export_formats_parse(const char *list, const struct export_format **out, int max, char *msg, size_t size);
/*
 * One run: writes what earlier runs left unwritten, then makes batches of
 * the approved claims until none waits, writing each batch in every
 * configured format (only: one format instead, or NULL).  One run at a
 * time per data_dir (a lock in the outbox).
 */
int export_run(const struct config *cfg, struct store *s, const char *only, const char *actor,
	       struct export_report *r, char *msg, size_t size);
/*
 * Writes batch in format f to data_dir/outbox/<f>/batch-NNNNNN.<ext>
 * atomically and records it; sha gets the file's SHA-256.  BR_ERR_CORRUPT
 * when a batch written before would come out different.
 */
int export_write(const struct config *cfg, struct store *s, int64_t batch, const struct export_format *f,
		 char sha[65], char *msg, size_t size);
/* Writes an already written batch again, byte for byte (NOT_FOUND when it has no file in f). */
int export_replay(const struct config *cfg, struct store *s, int64_t batch, const struct export_format *f,
		  char sha[65], char *msg, size_t size);
/*
 * The exporter's loop: a run every [export] interval_seconds, until the
 * process that started it is gone when follow_parent (the server's job).
 */
void export_loop(const struct config *cfg, bool follow_parent);

#endif
