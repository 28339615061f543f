/*
 * voucher.h - accounting vouchers (凭证) made from approved claims: the
 * journal entry (expense per account, deductible input VAT, the amount
 * owed to the employee), its balance, and the settings the finance
 * software's import needs.  Pure domain code; the store keeps each
 * voucher as it was made, so a batch can be written again byte for byte.
 */
#ifndef BURSAR_VOUCHER_H
#define BURSAR_VOUCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bursar/category.h"
#include "bursar/claim.h"

#define VOUCHER_SUMMARY_MAX 120 /* bytes of 摘要: Yonyou takes 60 characters */

struct voucher_line {
	char summary[VOUCHER_SUMMARY_MAX + 1];
	char account[16];
	char account_name[64];
	char department[128];
	char project[128];
	char employee[USER_LOGIN_MAX + 1];
	char employee_name[256];
	int64_t debit, credit; /* fen; exactly one of them is not zero */
};

/* What every voucher of a batch shares; kept with the batch. */
struct voucher_settings {
	char word[16];          /* 凭证字, e.g. 记 */
	char account_book[64];  /* Kingdee FAccountBookID */
	char company_code[16];  /* SAP COMP_CODE */
	char ledger_id[32];     /* Oracle LEDGER_ID */
	char currency[4];       /* ISO 4217, e.g. CNY */
	char preparer[64];      /* 制单人 */
	char payable[16], payable_name[64];     /* credit: other payables to the employee (2241) */
	char input_vat[16], input_vat_name[64]; /* debit: deductible input VAT (22210101) */
	char bank[16], bank_name[64];           /* credit of payments: the bank account (1002) */
	char advance[16], advance_name[64];     /* employees' advances: the advance category's account (1221) */
};

/* The defaults: 记, CNY, 2241 其他应付款, 22210101 应交税费—应交增值税—进项税额. */
void voucher_settings_default(struct voucher_settings *s);

/*
 * The settings by name, as finance keeps them: "word", "account_book",
 * "company_code", "ledger_id", "currency", "preparer", and for the
 * accounts "payable", "input_vat", "bank" (the code) with
 * "<account>_name" (its name).  NULL when there is no such key.
 */
extern const char *const voucher_setting_keys[];
/* Sets key to value (checked: an account code as voucher_account_valid says); an English reason, or NULL. */
const char *voucher_settings_set(struct voucher_settings *s, const char *key, const char *value);
/* The value of key, or NULL. */
const char *voucher_settings_get(const struct voucher_settings *s, const char *key);
/* Whether code can be an account code every format takes: 1 to 10 digits, the first 1 to 6. */
bool voucher_account_valid(const char *code);

struct voucher {
	int64_t id;              /* the store's, 0 until stored */
	char claim[128];         /* the claim number, or a payment's bank reference */
	char date[11];           /* posting date */
	char period[8];          /* YYYY-MM of date */
	char word[16];
	int number;              /* within period and word, from 1, without gaps */
	char summary[VOUCHER_SUMMARY_MAX + 1];
	int attachments;
	struct voucher_line *lines;
	int nlines;
};

void voucher_init(struct voucher *v);
void voucher_release(struct voucher *v);
/* Appends a copy of l. */
void voucher_add_line(struct voucher *v, const struct voucher_line *l);

/*
 * Makes the voucher of approved claim c posted on date: a debit per
 * expense account (with the claim's department and project), a debit of
 * the deductible input VAT, and a credit to the employee's payable; a
 * line's tax that may not be deducted stays in its expense.  Lines of the
 * same account, department and project are summed.  BR_ERR_INVALID with a
 * message when a line's category has no account.
 */
int voucher_from_claim(const struct claim *c, const struct category_set *cats, const struct voucher_settings *s,
		       const char *date, struct voucher *v, char *msg, size_t size);

/*
 * Settles offset of the claim's amount against the employee's open
 * advance: the payable credit shrinks by offset (and goes when nothing is
 * left) and the advance account is credited with it.
 */
void voucher_settle_advance(struct voucher *v, int64_t offset, const struct voucher_settings *s);

/*
 * The voucher of an employee paying back what is left of an advance: debit
 * the bank, credit the advance account with the employee.
 */
int voucher_from_repayment(const char *employee, const char *employee_name, int64_t amount, const char *ref,
			   const struct voucher_settings *s, const char *date, struct voucher *v, char *msg,
			   size_t size);

/* One claim paid in a payment batch. */
struct payment_item {
	char claim[CLAIM_NUMBER_MAX];
	char employee[USER_LOGIN_MAX + 1];
	char employee_name[256];
	char department[128];
	int64_t amount; /* fen */
};

/*
 * Makes the voucher of a payment batch (bank reference ref, paid on date):
 * a debit of other payables per claim with its employee, and one credit of
 * the bank account for the total.
 */
int voucher_from_payment(const struct payment_item *items, int n, const char *ref,
			 const struct voucher_settings *s, const char *date, struct voucher *v, char *msg,
			 size_t size);

/* Sums of debits and credits; true when they are equal and every line has exactly one side. */
bool voucher_balanced(const struct voucher *v, int64_t *debit, int64_t *credit);

/* "记-0012" */
void voucher_label(const struct voucher *v, char *out, size_t size);

/* Cuts s to at most max bytes at a character boundary (UTF-8). */
void voucher_cut(char *s, size_t max);

#endif
