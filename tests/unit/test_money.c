/*
 * test_money.c - parsing and formatting of fen amounts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bursar/err.h"
#include "bursar/money.h"

static int64_t parse_ok(const char *text)
{
	int64_t fen = -999;
	const char *why = NULL;

	assert_int_equal(money_parse(text, &fen, &why), BR_OK);
	return fen;
}

static const char *parse_bad(const char *text)
{
	int64_t fen = 12345;
	const char *why = NULL;

	assert_int_equal(money_parse(text, &fen, &why), BR_ERR_INVALID);
	assert_int_equal(fen, 12345); /* untouched on error */
	assert_non_null(why);
	return why;
}

static void test_parse_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("100"), 10000);
	assert_int_equal(parse_ok("436.00"), 43600);
	assert_int_equal(parse_ok("1234.5"), 123450);
	assert_int_equal(parse_ok("1,234.50"), 123450);
	assert_int_equal(parse_ok("12,345,678.09"), 1234567809);
	assert_int_equal(parse_ok("\xc2\xa5" "100"), 10000);         /* ¥100 */
	assert_int_equal(parse_ok("\xef\xbf\xa5" "1,000.01"), 100001); /* ￥ */
	assert_int_equal(parse_ok("  0.01 "), 1);
	assert_int_equal(parse_ok(".5"), 50);
	assert_int_equal(parse_ok("7."), 700);
	assert_int_equal(parse_ok("0"), 0);
}

static void test_parse_signs(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("-12.30"), -1230);
	assert_int_equal(parse_ok("+5"), 500);
	assert_int_equal(parse_ok("-\xc2\xa5" "3"), -300);
}

static void test_parse_refusals(void **state)
{
	(void)state;
	assert_string_equal(parse_bad("1.234"), "more than two decimals");
	assert_string_equal(parse_bad("0.001"), "more than two decimals");
	assert_string_equal(parse_bad(""), "empty amount");
	assert_string_equal(parse_bad("   "), "empty amount");
	assert_string_equal(parse_bad("\xc2\xa5"), "empty amount");
	assert_string_equal(parse_bad("abc"), "not a number");
	assert_string_equal(parse_bad("12a"), "not a number");
	assert_string_equal(parse_bad("1.2.3"), "not a number");
	assert_string_equal(parse_bad("."), "not a number");
	assert_string_equal(parse_bad("--1"), "not a number");
	assert_string_equal(parse_bad("1 000"), "not a number");
	assert_string_equal(parse_bad("1,23.00"), "misplaced thousands separator");
	assert_string_equal(parse_bad("1234,567"), "misplaced thousands separator");
	assert_string_equal(parse_bad(",100"), "misplaced thousands separator");
	assert_string_equal(parse_bad("1,000,"), "misplaced thousands separator");
	assert_string_equal(parse_bad("1,0000"), "misplaced thousands separator");
	parse_bad(NULL);
}

static void test_parse_limits(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("10000000000000"), MONEY_MAX_FEN); /* 1e13 yuan */
	assert_string_equal(parse_bad("10000000000000.01"), "amount too large");
	assert_string_equal(parse_bad("99999999999999999999999"), "amount too large");
	assert_int_equal(parse_ok("-10000000000000"), -MONEY_MAX_FEN);
}

static void test_format(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(money_format(43600, buf, sizeof(buf), 0), "436.00");
	assert_string_equal(money_format(5, buf, sizeof(buf), 0), "0.05");
	assert_string_equal(money_format(0, buf, sizeof(buf), MONEY_GROUP), "0.00");
	assert_string_equal(money_format(123456789, buf, sizeof(buf), MONEY_GROUP), "1,234,567.89");
	assert_string_equal(money_format(100000, buf, sizeof(buf), MONEY_GROUP | MONEY_SYMBOL), "\xc2\xa5" "1,000.00");
	assert_string_equal(money_format(-1230, buf, sizeof(buf), MONEY_SYMBOL), "-\xc2\xa5" "12.30");
	assert_string_equal(money_format(INT64_MIN, buf, sizeof(buf), 0), "-92233720368547758.08");
}

static void test_round_trip(void **state)
{
	static const int64_t samples[] = { 0, 1, 99, 100, 123450, -1, -100001, MONEY_MAX_FEN, -MONEY_MAX_FEN };
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		for (unsigned flags = 0; flags < 4; flags++)
			assert_int_equal(parse_ok(money_format(samples[i], buf, sizeof(buf), flags)), samples[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_forms),  cmocka_unit_test(test_parse_signs),
		cmocka_unit_test(test_parse_refusals), cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_format),       cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
