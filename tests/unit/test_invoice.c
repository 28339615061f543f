/*
 * test_invoice.c - offline fapiao rules: number formats per kind, duplicate
 * keys, the credit-code check digit, legal rates and deductible tax maths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "bursar/err.h"
#include "bursar/invoice.h"

static void test_kind_names(void **state)
{
	(void)state;
	for (int k = 0; k < INVOICE_KIND_COUNT; k++)
		assert_int_equal(invoice_kind_from_name(invoice_kind_name(k)), k);
	assert_int_equal(invoice_kind_from_name("digital"), INVOICE_DIGITAL);
	assert_int_equal(invoice_kind_from_name("vat"), -1);
	assert_int_equal(invoice_kind_from_name(NULL), -1);
	assert_null(invoice_kind_name(INVOICE_KIND_COUNT));
}

static int check(enum invoice_kind k, const char *code, const char *number)
{
	const char *why = NULL;
	int rc = invoice_check_number(k, code, number, &why);

	if (rc)
		assert_non_null(why);
	return rc;
}

static void test_numbers(void **state)
{
	(void)state;
	/* legacy: 10- or 12-digit code + 8-digit number */
	assert_int_equal(check(INVOICE_VAT_SPECIAL, "4400231130", "12345678"), BR_OK);
	assert_int_equal(check(INVOICE_VAT_ELECTRONIC, "044002300111", "00012345"), BR_OK);
	assert_int_equal(check(INVOICE_VAT_NORMAL, "44002311301", "12345678"), BR_ERR_INVALID); /* 11 */
	assert_int_equal(check(INVOICE_VAT_NORMAL, "4400231130", "1234567"), BR_ERR_INVALID);
	assert_int_equal(check(INVOICE_VAT_NORMAL, "440023113A", "12345678"), BR_ERR_INVALID);
	/* VAT kinds issued as 数电: no code, 20 digits */
	assert_int_equal(check(INVOICE_VAT_SPECIAL, "", "24442000000012345678"), BR_OK);
	assert_int_equal(check(INVOICE_VAT_SPECIAL, NULL, "2444200000001234567"), BR_ERR_INVALID);
	/* 数电票 never has a code */
	assert_int_equal(check(INVOICE_DIGITAL, NULL, "24442000000012345678"), BR_OK);
	assert_int_equal(check(INVOICE_DIGITAL, "4400231130", "24442000000012345678"), BR_ERR_INVALID);
	assert_int_equal(check(INVOICE_DIGITAL, NULL, "2444200000001234567X"), BR_ERR_INVALID);
	/* e-tickets */
	assert_int_equal(check(INVOICE_RAIL, NULL, "25119000000012345678"), BR_OK);
	assert_int_equal(check(INVOICE_AIR, NULL, "123"), BR_ERR_INVALID);
	/* receipts: anything reasonable, but a number is required */
	assert_int_equal(check(INVOICE_RECEIPT, NULL, "R-2026-001"), BR_OK);
	assert_int_equal(check(INVOICE_RECEIPT, NULL, ""), BR_ERR_INVALID);
	assert_int_equal(check(INVOICE_KIND_COUNT, NULL, "1"), BR_ERR_INVALID);
}

static void test_dedup_key(void **state)
{
	char key[64];

	(void)state;
	invoice_dedup_key("4400231130", "12345678", key, sizeof(key));
	assert_string_equal(key, "4400231130/12345678");
	invoice_dedup_key("", "24442000000012345678", key, sizeof(key));
	assert_string_equal(key, "24442000000012345678");
	invoice_dedup_key(NULL, "24442000000012345678", key, sizeof(key));
	assert_string_equal(key, "24442000000012345678");
}

static void test_credit_code(void **state)
{
	(void)state;
	assert_int_equal(credit_code_check("91110000802100433B"), CREDIT_CODE_OK);
	assert_int_equal(credit_code_check("9144030071526726XG"), CREDIT_CODE_OK);
	assert_int_equal(credit_code_check("91350100M000100Y43"), CREDIT_CODE_OK);
	assert_int_equal(credit_code_check("91110000802100433C"), CREDIT_CODE_BAD_CHECK);
	assert_int_equal(credit_code_check("91110000802100433"), CREDIT_CODE_BAD_FORMAT);
	assert_int_equal(credit_code_check("91110000802100433I"), CREDIT_CODE_BAD_FORMAT); /* I not in set */
	assert_int_equal(credit_code_check("91110000802100433b"), CREDIT_CODE_BAD_FORMAT); /* lower case */
	assert_int_equal(credit_code_check(NULL), CREDIT_CODE_BAD_FORMAT);
}

static void test_rates(void **state)
{
	static const int legal[] = { 0, 100, 150, 300, 500, 600, 900, 1300 };

	(void)state;
	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
		assert_true(vat_rate_legal(legal[i]));
	assert_false(vat_rate_legal(1700)); /* the old 17% */
	assert_false(vat_rate_legal(1000));
	assert_false(vat_rate_legal(-900));
}

static void test_vat_from_gross(void **state)
{
	(void)state;
	assert_int_equal(vat_from_gross(43600, 900), 3600); /* rail 436.00 -> 36.00 */
	assert_int_equal(vat_from_gross(10300, 300), 300);  /* road 103.00 at 3% */
	assert_int_equal(vat_from_gross(100, 900), 8);      /* 0.0826 -> 0.08 */
	assert_int_equal(vat_from_gross(12, 900), 1);       /* 0.0099 -> 0.01: half up */
	assert_int_equal(vat_from_gross(-43600, 900), -3600);
	assert_int_equal(vat_from_gross(43600, 0), 0);
	assert_int_equal(vat_from_gross(1000000000000000LL, 1300), 115044247787611LL);
}

static void test_amounts(void **state)
{
	(void)state;
	assert_true(invoice_amounts_add_up(40000, 3600, 43600));
	assert_false(invoice_amounts_add_up(40000, 3600, 43601));
}

static struct invoice good_invoice(void)
{
	struct invoice inv;

	memset(&inv, 0, sizeof(inv));
	inv.kind = INVOICE_VAT_SPECIAL;
	strcpy(inv.code, "4400231130");
	strcpy(inv.number, "12345678");
	strcpy(inv.date, "2026-11-01");
	strcpy(inv.seller_tax_id, "91110000802100433B");
	strcpy(inv.buyer_name, "示例科技有限公司");
	strcpy(inv.buyer_tax_id, "9144030071526726XG");
	inv.amount = 40000;
	inv.rate_bp = 900;
	inv.tax = 3600;
	inv.total = 43600;
	return inv;
}

static bool has(const struct finding *f, int n, enum finding_level level, const char *field)
{
	for (int i = 0; i < n; i++)
		if (f[i].level == level && !strcmp(f[i].field, field))
			return true;
	return false;
}

static void test_validate(void **state)
{
	struct finding f[INVOICE_MAX_FINDINGS];
	struct invoice inv = good_invoice();
	int n;

	(void)state;
	n = invoice_validate(&inv, "2026-11-25", "示例科技有限公司", "9144030071526726XG", f, INVOICE_MAX_FINDINGS);
	assert_int_equal(n, 0);

	inv.total = 43601; /* amount + tax != total */
	strcpy(inv.date, "2026-11-26"); /* tomorrow */
	inv.rate_bp = 1700;
	strcpy(inv.number, "1234567");
	n = invoice_validate(&inv, "2026-11-25", NULL, NULL, f, INVOICE_MAX_FINDINGS);
	assert_true(findings_have_error(f, n));
	assert_true(has(f, n, FINDING_ERROR, "total"));
	assert_true(has(f, n, FINDING_ERROR, "date"));
	assert_true(has(f, n, FINDING_ERROR, "rate"));
	assert_true(has(f, n, FINDING_ERROR, "number"));

	inv = good_invoice();
	strcpy(inv.date, "2026-02-30");
	n = invoice_validate(&inv, "2026-11-25", NULL, NULL, f, INVOICE_MAX_FINDINGS);
	assert_true(has(f, n, FINDING_ERROR, "date"));

	/* warnings only: still acceptable */
	inv = good_invoice();
	strcpy(inv.seller_tax_id, "91110000802100433C");
	strcpy(inv.buyer_tax_id, "91350100M000100Y43");
	n = invoice_validate(&inv, "2026-11-25", "示例科技有限公司", "9144030071526726XG", f, INVOICE_MAX_FINDINGS);
	assert_int_equal(n, 2);
	assert_false(findings_have_error(f, n));
	assert_true(has(f, n, FINDING_WARN, "seller.tax_id"));
	assert_true(has(f, n, FINDING_WARN, "buyer.tax_id"));

	/* only the name configured: the name is compared */
	inv = good_invoice();
	strcpy(inv.buyer_name, "别的公司");
	n = invoice_validate(&inv, "2026-11-25", "示例科技有限公司", "", f, INVOICE_MAX_FINDINGS);
	assert_true(has(f, n, FINDING_WARN, "buyer.name"));

	/* zero or negative totals are refused */
	inv = good_invoice();
	inv.amount = inv.tax = inv.total = 0;
	n = invoice_validate(&inv, "2026-11-25", NULL, NULL, f, INVOICE_MAX_FINDINGS);
	assert_true(has(f, n, FINDING_ERROR, "total"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names), cmocka_unit_test(test_numbers), cmocka_unit_test(test_dedup_key),
		cmocka_unit_test(test_credit_code), cmocka_unit_test(test_rates), cmocka_unit_test(test_vat_from_gross),
		cmocka_unit_test(test_amounts), cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
