/*
 * invoice.h - fapiao (发票) rules that need no outside service: kinds,
 * number and code formats, the company-wide duplicate key, the unified
 * social credit code check digit, legal VAT rates and the deductible tax
 * contained in a ticket's face value.
 */
#ifndef BURSAR_INVOICE_H
#define BURSAR_INVOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum invoice_kind {
	INVOICE_VAT_SPECIAL,    /* 增值税专用发票 */
	INVOICE_VAT_NORMAL,     /* 增值税普通发票 */
	INVOICE_VAT_ELECTRONIC, /* 增值税电子普通发票 */
	INVOICE_DIGITAL,        /* 数电票 */
	INVOICE_RAIL,           /* 铁路电子客票 */
	INVOICE_AIR,            /* 航空运输电子客票行程单 */
	INVOICE_TAXI,           /* 出租车发票 */
	INVOICE_RECEIPT,        /* 其他票据 */
	INVOICE_KIND_COUNT
};

/* "vat_special", ...; NULL for an out-of-range kind. */
const char *invoice_kind_name(enum invoice_kind kind);
/* -1 if unknown. */
int invoice_kind_from_name(const char *name);

/*
 * Checks the code/number pair for the kind: legacy invoices have a 10- or
 * 12-digit code and an 8-digit number; 数电票 and e-tickets have no code and
 * a 20-digit number.  BR_ERR_INVALID with a static English reason.
 */
int invoice_check_number(enum invoice_kind kind, const char *code, const char *number, const char **why);
/*
 * The key under which an invoice may back only one claim, company-wide:
 * "code/number" for legacy invoices, the number alone for 20-digit ones.
 */
void invoice_dedup_key(const char *code, const char *number, char *out, size_t size);

enum credit_code_result {
	CREDIT_CODE_OK,
	CREDIT_CODE_BAD_FORMAT, /* not 18 characters of the GB 32100 set */
	CREDIT_CODE_BAD_CHECK,  /* check character wrong (some early codes: warn only) */
};
/* Unified social credit code (统一社会信用代码, GB 32100-2015). */
enum credit_code_result credit_code_check(const char *code);

/* VAT rates are basis points (900 = 9%); the legal set for fapiao. */
bool vat_rate_legal(int rate_bp);
/*
 * The VAT contained in a gross amount at rate_bp, rounded half away from
 * zero to the fen: 436.00 at 9% -> 36.00.
 */
int64_t vat_from_gross(int64_t gross_fen, int rate_bp);
/* Whether amount + tax = total (all in fen, none negative unless all are). */
bool invoice_amounts_add_up(int64_t amount_fen, int64_t tax_fen, int64_t total_fen);

#define INVOICE_MAX_FINDINGS 16

struct invoice {
	enum invoice_kind kind;
	char code[16];
	char number[24];
	char date[11];          /* YYYY-MM-DD */
	char seller_name[128];
	char seller_tax_id[32];
	char buyer_name[128];
	char buyer_tax_id[32];
	int64_t amount;         /* excluding tax, fen */
	int rate_bp;            /* 900 = 9% */
	int64_t tax;            /* fen */
	int64_t total;          /* fen */
	char check_code[24];
};

enum finding_level { FINDING_ERROR, FINDING_WARN };

struct finding {
	enum finding_level level;
	const char *field;   /* "number", "total", ... */
	const char *message; /* static English text, translated where shown */
};

/*
 * Checks an invoice offline: number format for its kind, date real and not
 * after today, rate legal, amount + tax = total, total positive (errors);
 * seller tax id check digit and buyer matching the company (warnings; an
 * empty company name or tax id is not checked).  Fills up to max findings
 * and returns how many; any FINDING_ERROR means the invoice is refused.
 */
int invoice_validate(const struct invoice *inv, const char *today, const char *company_name,
		     const char *company_tax_id, struct finding *out, int max);
bool findings_have_error(const struct finding *f, int n);

/* An invoice being read field by field (from JSON or a CSV row). */
struct invoice_input {
	struct invoice inv;
	unsigned seen; /* bit per key */
};

void invoice_input_init(struct invoice_input *in);
/*
 * Sets one field by key: kind, code, number, date, seller_name,
 * seller_tax_id, buyer_name, buyer_tax_id, amount, tax, total, rate
 * ("9%"), check_code.  BR_ERR_NOT_FOUND for an unknown key, BR_ERR_INVALID
 * with a static reason for a bad value.  Empty values count as absent.
 */
int invoice_input_set(struct invoice_input *in, const char *key, const char *value, const char **why);
/*
 * Checks that number, date and total are there and that amount and tax
 * come together (without them a ticket's total is split at its rate), and
 * defaults the kind from the number.  On error *field names the culprit.
 */
int invoice_input_finish(struct invoice_input *in, const char **field, const char **why);
/* The key for a CSV column header ("发票号码" or "number"), or NULL. */
const char *invoice_column_key(const char *header);

#endif
