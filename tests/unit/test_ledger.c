/*
 * test_ledger.c - ledger filter expressions: conditions, operators (the
 * full-width ones too), quoting, positions in messages, writing back, and
 * matching numbers, dates and text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "bursar/err.h"
#include "bursar/ledger.h"

static void expect_cond(const struct ledger_filter *f, int i, const char *field, enum ledger_op op, const char *value)
{
	assert_true(i < f->n);
	assert_string_equal(f->conds[i].field, field);
	assert_int_equal(f->conds[i].op, op);
	assert_string_equal(f->conds[i].value, value);
}

static void test_parse(void **state)
{
	struct ledger_filter f;
	char msg[256];

	(void)state;
	assert_int_equal(ledger_filter_parse("部门=财务部 日期>=2024-01-01 状态=在用", &f, msg, sizeof(msg)), BR_OK);
	assert_int_equal(f.n, 3);
	expect_cond(&f, 0, "部门", LEDGER_EQ, "财务部");
	expect_cond(&f, 1, "日期", LEDGER_GE, "2024-01-01");
	expect_cond(&f, 2, "状态", LEDGER_EQ, "在用");
	assert_int_equal(ledger_filter_parse("  名称~\"打印 纸\"\t金额<=1,000.00 负责人!=张伟 a<1 b>2 c<=3", &f, msg,
					     sizeof(msg)),
			 BR_OK);
	assert_int_equal(f.n, 6);
	expect_cond(&f, 0, "名称", LEDGER_HAS, "打印 纸");
	expect_cond(&f, 1, "金额", LEDGER_LE, "1,000.00");
	expect_cond(&f, 2, "负责人", LEDGER_NE, "张伟");
	expect_cond(&f, 3, "a", LEDGER_LT, "1");
	expect_cond(&f, 4, "b", LEDGER_GT, "2");
	/* full-width operators and the ideographic space, as a Chinese keyboard types them */
	assert_int_equal(ledger_filter_parse("部门＝财务部　状态：在用", &f, msg, sizeof(msg)), BR_OK);
	assert_int_equal(f.n, 2);
	expect_cond(&f, 0, "部门", LEDGER_EQ, "财务部");
	expect_cond(&f, 1, "状态", LEDGER_EQ, "在用");
	/* escapes inside quotes; an empty value */
	assert_int_equal(ledger_filter_parse("a=\"x\\\"y\\\\z\" b=", &f, msg, sizeof(msg)), BR_OK);
	expect_cond(&f, 0, "a", LEDGER_EQ, "x\"y\\z");
	expect_cond(&f, 1, "b", LEDGER_EQ, "");
	assert_int_equal(ledger_filter_parse("", &f, msg, sizeof(msg)), BR_OK);
	assert_int_equal(f.n, 0);
}

static void test_errors(void **state)
{
	struct ledger_filter f;
	char msg[256];

	(void)state;
	assert_int_equal(ledger_filter_parse("部门", &f, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "at 3"));
	assert_int_equal(ledger_filter_parse("=x", &f, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "at 1"));
	assert_int_equal(ledger_filter_parse("名称=\"打印 纸", &f, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "at 4"));
	assert_int_equal(ledger_filter_parse("a=\"x\"y", &f, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_int_equal(ledger_filter_parse("a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15 p=16 q=17",
					     &f, msg, sizeof(msg)),
			 BR_ERR_INVALID);
}

static void test_format_round_trip(void **state)
{
	struct ledger_filter f, g;
	char msg[256], out[4096];

	(void)state;
	assert_int_equal(ledger_filter_parse("名称~\"打印 纸\" a=\"x\\\"y\" b= 部门＝财务部", &f, msg, sizeof(msg)), BR_OK);
	ledger_filter_format(&f, out, sizeof(out));
	assert_string_equal(out, "名称~\"打印 纸\" a=\"x\\\"y\" b=\"\" 部门=财务部");
	assert_int_equal(ledger_filter_parse(out, &g, msg, sizeof(msg)), BR_OK);
	assert_int_equal(g.n, f.n);
	for (int i = 0; i < f.n; i++)
		expect_cond(&g, i, f.conds[i].field, f.conds[i].op, f.conds[i].value);
}

static void test_match(void **state)
{
	struct ledger_cond c = { "金额", LEDGER_LE, "1,000.00" };

	(void)state;
	/* numbers as numbers: 900 < 1,000.00 although "900" > "1,000.00" as text */
	assert_true(ledger_cond_matches(&c, "900"));
	assert_true(ledger_cond_matches(&c, "1000.00"));
	assert_false(ledger_cond_matches(&c, "1000.01"));
	c = (struct ledger_cond){ "日期", LEDGER_GE, "2024-01-01" };
	assert_true(ledger_cond_matches(&c, "2024-01-01"));
	assert_true(ledger_cond_matches(&c, "2025-03-09"));
	assert_false(ledger_cond_matches(&c, "2023-12-31"));
	c = (struct ledger_cond){ "名称", LEDGER_HAS, "printer" };
	assert_true(ledger_cond_matches(&c, "HP Printer 打印机"));
	assert_false(ledger_cond_matches(&c, "纸"));
	c = (struct ledger_cond){ "状态", LEDGER_NE, "在用" };
	assert_true(ledger_cond_matches(&c, "报废"));
	assert_false(ledger_cond_matches(&c, "在用"));
	c = (struct ledger_cond){ "n", LEDGER_GT, "2" };
	assert_true(ledger_cond_matches(&c, "10"));
	assert_false(ledger_cond_matches(&c, "-3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
