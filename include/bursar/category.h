/*
 * category.h - expense categories: stable codes, names, the GL account an
 * expense is booked to and how its input VAT is treated.  The table is data
 * (seeded with the defaults below, kept in the store), not code.
 */
#ifndef BURSAR_CATEGORY_H
#define BURSAR_CATEGORY_H

enum vat_rule {
	VAT_INVOICE, /* deductible: the tax shown on the VAT invoice */
	VAT_FARE_9, /* rail/air ticket: fare / 1.09 x 9% */
	VAT_FARE_3, /* road/water ticket: fare / 1.03 x 3% */
	VAT_NONE, /* never deductible (meals, entertainment, allowances) */
	VAT_RULE_COUNT
};

struct category {
	char code[33];
	char name_zh[64];
	char name_en[64];
	char account[16]; /* GL account code, e.g. 660201 */
	char account_name[64]; /* 管理费用—差旅费 */
	enum vat_rule vat;
};

/*
 * The category of an employee advance (借款): booked to other receivables
 * (1221), not an expense, so budgets and spend leave it out and it needs
 * no invoice.
 */
#define CATEGORY_ADVANCE "advance"

/* "invoice", "fare_9", "fare_3", "none"; -1 for an unknown name. */
const char *vat_rule_name(enum vat_rule r);
int vat_rule_from_name(const char *name);
/* The shipped default mapping (Chinese standard chart, 6602xx 管理费用). */
extern const struct category category_defaults[];
extern const int category_default_count;

/* The whole category table, as loaded from the store. */
struct category_set {
	struct category *items;
	int n;
};

/* The category with code in items[0..n), or NULL. */
const struct category *category_find(const struct category *items, int n, const char *code);
/* The category's name in lang ("en" or else Chinese); code itself when c is NULL. */
const char *category_name(const struct category *c, const char *code, const char *lang);
void category_set_release(struct category_set *set);

#endif
