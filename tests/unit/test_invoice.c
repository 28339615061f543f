/*
 * test_invoice.c - offline fapiao rules: number formats per kind, duplicate
 * keys, the credit-code check digit, legal rates and deductible tax maths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names), cmocka_unit_test(test_numbers), cmocka_unit_test(test_dedup_key),
		cmocka_unit_test(test_credit_code), cmocka_unit_test(test_rates), cmocka_unit_test(test_vat_from_gross),
		cmocka_unit_test(test_amounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
