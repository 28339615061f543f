/*
 * claim.h - expense claims (报销单): the lifecycle, header fields checked
 * against the claim's form, line items with their deductible input VAT,
 * and the policy checks run live in the editor and again at submit.
 *
 * Pure domain code: the caller loads what the checks need (the form, the
 * categories, the person's other claims) and stores the result.
 */
#ifndef BURSAR_CLAIM_H
#define BURSAR_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bursar/category.h"
#include "bursar/config.h"
#include "bursar/form.h"
#include "bursar/invoice.h"
#include "bursar/user.h"

enum claim_status {
	CLAIM_DRAFT,
	CLAIM_SUBMITTED,
	CLAIM_APPROVED,
	CLAIM_REJECTED, /* final */
	CLAIM_EXPORTED,
	CLAIM_PAID,
	CLAIM_STATUS_COUNT
};

/* What can happen to a claim; claim_transition() says where it leads. */
enum claim_event {
	CLAIM_EV_SUBMIT, /* draft -> submitted (the claimant) */
	CLAIM_EV_WITHDRAW, /* submitted -> draft (the claimant, before any decision) */
	CLAIM_EV_RETURN, /* submitted -> draft (an approver sends it back) */
	CLAIM_EV_APPROVE, /* submitted -> approved */
	CLAIM_EV_REJECT, /* submitted -> rejected (final) */
	CLAIM_EV_EXPORT, /* approved -> exported (voucher written) */
	CLAIM_EV_PAY, /* exported -> paid */
	CLAIM_EVENT_COUNT
};

/* "draft", "submitted", ...; -1 from _from_name for an unknown name. */
const char *claim_status_name(enum claim_status s);
int claim_status_from_name(const char *name);
/* N_() label for display ("草稿" once translated). */
const char *claim_status_label(enum claim_status s);
/* "submit", "withdraw", ... (the audit action is "claim.<name>"). */
const char *claim_event_name(enum claim_event ev);
/* The status ev leads to from from; BR_ERR_INVALID when ev is not allowed there. */
int claim_transition(enum claim_status from, enum claim_event ev, enum claim_status *to);

/*
 * Claim numbers are "BX" + year and month + "-" + a sequence within the
 * month: BX202611-0042.  Writes the number for seq in the month of date.
 */
#define CLAIM_NUMBER_MAX 24
void claim_number_format(const char *date, int seq, char out[CLAIM_NUMBER_MAX]);
/* The "BX202611-" prefix that numbers of date's month share. */
void claim_number_prefix(const char *date, char out[CLAIM_NUMBER_MAX]);

#define CLAIM_TITLE_MAX 200
#define CLAIM_DESC_MAX 500
#define CLAIM_MAX_LINES 200
#define CLAIM_VALUE_MAX 8000

struct claim_value {
	char name[FORM_ID_MAX];
	char *value; /* owned, UTF-8 */
};

struct claim_line {
	char category[33];
	char date[11];
	int64_t amount; /* gross, fen */
	char description[CLAIM_DESC_MAX + 1];
	bool has_invoice;
	struct invoice invoice;
	int64_t deductible; /* input VAT that may be deducted, fen (computed) */
	int nattachments; /* filled by the store when loading */
	int origin; /* the line's number when loaded, 0 if new: attachments follow it */
};

/* A policy or validation finding; line is 1-based, 0 for the whole claim. */
struct claim_finding {
	enum finding_level level; /* FINDING_ERROR blocks submission */
	char rule[24]; /* "field", "line", "invoice", "limit", "age", ... */
	int line;
	char field[FORM_ID_MAX]; /* the header field or line column concerned, or "" */
	char message[256]; /* in the language of the session that made it */
};

struct claim_attachment {
	int64_t id;
	int line; /* 0 = the whole claim */
	char name[128];
	char sha256[65];
	int64_t size;
	char type[8]; /* "pdf", "jpg", ... */
	char created_at[32];
};

struct claim {
	int64_t id; /* 0 until stored */
	char number[CLAIM_NUMBER_MAX];
	char form[FORM_ID_MAX];
	char owner[USER_LOGIN_MAX + 1];
	char owner_name[256];
	char department[128]; /* the claimant's, when saved: budgets and reports use it */
	char voucher[48]; /* "2026-11 记-0012" once exported, else "" */
	char payment[160]; /* "PAY-000003 <bank reference>" once paid, else "" */
	char title[CLAIM_TITLE_MAX * 4 + 1];
	enum claim_status status;
	char step[512]; /* where the claim waits and who holds it, "" when nowhere */
	char created_at[32], updated_at[32], submitted_at[32];
	struct claim_value values[FORM_MAX_FIELDS];
	int nvalues;
	struct claim_line *lines;
	int nlines;
	int64_t total; /* sum of line amounts */
	int64_t deductible; /* sum of line deductible tax */
	struct claim_finding *findings;
	int nfindings;
	struct claim_attachment *attachments;
	int nattachments;
};

void claim_init(struct claim *c);
/* Frees everything the claim owns; it may be reused after claim_init(). */
void claim_release(struct claim *c);
/*
 * Sets (or with value NULL, removes) a header value; copies value.  False
 * when the name is not a possible field name (FORM_ID_MAX or longer) or the
 * claim already holds FORM_MAX_FIELDS values.
 */
bool claim_set_value(struct claim *c, const char *name, const char *value);
/* A header value, or "" when not set. */
const char *claim_value(const struct claim *c, const char *name);
/* Appends a line (copied) and returns it; NULL beyond CLAIM_MAX_LINES. */
struct claim_line *claim_add_line(struct claim *c, const struct claim_line *line);
void claim_delete_line(struct claim *c, int index);
void claim_add_finding(struct claim *c, enum finding_level level, const char *rule, int line, const char *field,
		       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void claim_add_attachment(struct claim *c, const struct claim_attachment *a);
bool claim_has_blocking(const struct claim *c);

/*
 * The input VAT a line may deduct under its category's rule: the invoice's
 * tax (VAT invoices only), the tax contained in a rail/air (9%) or road (3%)
 * fare, or nothing.
 */
int64_t claim_line_deductible(const struct claim_line *line, enum vat_rule rule);

/* A daterange value "YYYY-MM-DD..YYYY-MM-DD" (also "~" or " - "); false if malformed. */
bool claim_parse_daterange(const char *v, char from[11], char to[11]);

/* One row of a claim list. */
struct claim_summary {
	int64_t id;
	char number[CLAIM_NUMBER_MAX];
	char form[FORM_ID_MAX];
	char owner[USER_LOGIN_MAX + 1];
	char owner_name[256];
	char department[128];
	char voucher[48];
	char payment[160];
	char title[CLAIM_TITLE_MAX * 4 + 1];
	enum claim_status status;
	char step[512];
	int64_t total, deductible;
	int nlines;
	int nblocking, nwarnings; /* stored findings */
	char created_at[32], updated_at[32], submitted_at[32];
};

/* Another claim of the same person, for overlap and near-duplicate checks. */
struct claim_peer {
	char number[CLAIM_NUMBER_MAX];
	char from[11], to[11]; /* trip dates, "" when the claim has none */
	int64_t *amounts; /* line amounts and dates, parallel arrays */
	char (*dates)[11];
	int nlines;
};

/* What the checks need besides the claim. */
struct claim_context {
	const struct form *form;
	const struct category *categories; /* the whole category table */
	int ncategories;
	const char *rank; /* the claimant's rank, "" if none */
	const char *today; /* YYYY-MM-DD */
	const struct config *cfg; /* [policy], [company] */
	const struct claim_peer *peers; /* the claimant's other claims (not this one) */
	int npeers;
	const char *lang; /* "zh_CN" or "en", for messages */
};

/*
 * Recomputes totals and every line's deductible tax, then replaces
 * c->findings with the result of every check: header values against the
 * form (required, type, limits, pattern, options), lines (category allowed
 * by the form, date, amount, the invoice's own validation), and the policy
 * rules (per-rank limit, invoice required, age, overlapping trips, near
 * duplicates) at the level the config gives them.  Messages are translated
 * for the current locale.  Returns the number of blocking findings.
 */
int claim_check(struct claim *c, const struct claim_context *ctx);

#endif
