/*
 * test_csv.c - CSV rows with their line numbers, quoting, BOM and GBK input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "bursar/csv.h"
#include "bursar/err.h"

static void test_rows_and_lines(void **state)
{
	const char *text = "a,b\n\n\"x, y\",\"multi\nline\"\n3,\"say \"\"hi\"\"\"\n";
	struct csv_table t;
	char msg[128];

	(void)state;
	assert_int_equal(csv_table_parse(text, strlen(text), &t, msg, sizeof(msg)), BR_OK);
	assert_int_equal(t.nrows, 3);
	assert_int_equal(t.rows[0].line, 1);
	assert_string_equal(t.rows[1].fields[0], "x, y");
	assert_string_equal(t.rows[1].fields[1], "multi\nline");
	assert_int_equal(t.rows[1].line, 3); /* the blank line 2 is skipped, but counted */
	assert_int_equal(t.rows[2].line, 5); /* after a field spanning two lines */
	assert_string_equal(t.rows[2].fields[1], "say \"hi\"");
	csv_table_free(&t);
}

static void test_bom_and_gbk(void **state)
{
	/* "发票,金额\n" in GBK, after a header written with a UTF-8 BOM elsewhere */
	const char gbk[] = "\xb7\xa2\xc6\xb1,\xbd\xf0\xb6\xee\n";
	const char bom[] = "\xef\xbb\xbf" "number\n1\n";
	struct csv_table t;
	char msg[128];

	(void)state;
	assert_int_equal(csv_table_parse(gbk, strlen(gbk), &t, msg, sizeof(msg)), BR_OK);
	assert_string_equal(t.rows[0].fields[0], "发票");
	assert_string_equal(t.rows[0].fields[1], "金额");
	csv_table_free(&t);
	assert_int_equal(csv_table_parse(bom, strlen(bom), &t, msg, sizeof(msg)), BR_OK);
	assert_string_equal(t.rows[0].fields[0], "number");
	csv_table_free(&t);
}

static void test_errors(void **state)
{
	struct csv_table t;
	char msg[128];

	(void)state;
	assert_int_equal(csv_table_parse("a\nb,\"c\n", 7, &t, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "line 2"));
	assert_int_equal(t.nrows, 0);
	assert_int_equal(csv_table_parse("a,\"b\"c\n", 7, &t, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "line 1"));
	assert_int_equal(csv_table_parse("\xff\xfe\xfd", 3, &t, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "neither UTF-8 nor GBK"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_lines),
		cmocka_unit_test(test_bom_and_gbk),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
