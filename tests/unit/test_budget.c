/*
 * test_budget.c - the budget domain: periods and allowed overruns as
 * typed, limits and usage near the largest amounts, which node a line
 * counts against, the tree of nodes, what a claim charges, the verdicts
 * on a submission and the findings they leave on the claim.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bursar/budget.h"
#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/money.h"

#define RD "研发部"
#define SALES "销售部"

/* A node with its period's days filled in; fails the test on a bad period. */
static struct budget_node node(int64_t id, const char *dept, const char *project, const char *category,
			       const char *period, int64_t amount, enum budget_mode mode)
{
	struct budget_node n;

	memset(&n, 0, sizeof(n));
	n.id = id;
	snprintf(n.department, sizeof(n.department), "%s", dept);
	snprintf(n.project, sizeof(n.project), "%s", project);
	snprintf(n.category, sizeof(n.category), "%s", category);
	assert_int_equal(budget_period_parse(period, n.period, n.from, n.to), BR_OK);
	n.amount = amount;
	n.mode = mode;
	return n;
}

static void period_ok(const char *text, const char *norm, const char *from, const char *to)
{
	char n[BUDGET_PERIOD_MAX], a[11], b[11];

	memset(n, 'x', sizeof(n));
	assert_int_equal(budget_period_parse(text, n, a, b), BR_OK);
	assert_string_equal(n, norm);
	assert_string_equal(a, from);
	assert_string_equal(b, to);
}

static void period_bad(const char *text)
{
	char n[BUDGET_PERIOD_MAX] = "", a[11] = "", b[11] = "";

	assert_int_equal(budget_period_parse(text, n, a, b), BR_ERR_INVALID);
}

static void test_period_parse(void **state)
{
	(void)state;
	period_ok("2026", "2026", "2026-01-01", "2026-12-31");
	period_ok("2026-H1", "2026-H1", "2026-01-01", "2026-06-30");
	period_ok("2026-h2", "2026-H2", "2026-07-01", "2026-12-31");
	period_ok("2026-Q1", "2026-Q1", "2026-01-01", "2026-03-31");
	period_ok("2026-q2", "2026-Q2", "2026-04-01", "2026-06-30");
	period_ok("2026-Q3", "2026-Q3", "2026-07-01", "2026-09-30");
	period_ok("2026-q4", "2026-Q4", "2026-10-01", "2026-12-31");
	period_ok("2026-01", "2026-01", "2026-01-01", "2026-01-31");
	period_ok("2026-04", "2026-04", "2026-04-01", "2026-04-30");
	period_ok("2026-11", "2026-11", "2026-11-01", "2026-11-30");
	period_ok("2026-12", "2026-12", "2026-12-01", "2026-12-31");
	/* February: every fourth year, not centuries, but every fourth century */
	period_ok("2026-02", "2026-02", "2026-02-01", "2026-02-28");
	period_ok("2024-02", "2024-02", "2024-02-01", "2024-02-29");
	period_ok("2028-02", "2028-02", "2028-02-01", "2028-02-29");
	period_ok("2100-02", "2100-02", "2100-02-01", "2100-02-28");
	period_ok("2000-02", "2000-02", "2000-02-01", "2000-02-29");
	period_ok("2024-Q1", "2024-Q1", "2024-01-01", "2024-03-31");
	period_ok("2024-H1", "2024-H1", "2024-01-01", "2024-06-30");

	period_bad("2026-Q5");
	period_bad("2026-Q0");
	period_bad("2026-H0");
	period_bad("2026-H3");
	period_bad("2026-13");
	period_bad("2026-00");
	period_bad("26");
	period_bad("2026-1");
	period_bad("2026-");
	period_bad("");
	period_bad(NULL);
	period_bad("garbage");
	period_bad("abcd");
	period_bad("20261");
	period_bad("2026/11");
	period_bad("2026-1a");
	period_bad("2026-Qx");
	period_bad("2026-Y1");
	period_bad("2026-11-01");
	period_bad("2026 ");
	period_bad(" 2026");
	period_bad("1999");
	period_bad("3000");
}

static void overrun_ok(const char *text, int want)
{
	int bp = -1;

	assert_int_equal(budget_overrun_parse(text, &bp), BR_OK);
	assert_int_equal(bp, want);
}

static void overrun_bad(const char *text)
{
	int bp = -7;

	assert_int_equal(budget_overrun_parse(text, &bp), BR_ERR_INVALID);
	assert_int_equal(bp, -7); /* untouched */
}

static void test_overrun_parse(void **state)
{
	(void)state;
	overrun_ok("5", 500);
	overrun_ok("5%", 500);
	overrun_ok("2.5", 250);
	overrun_ok("2.50%", 250);
	overrun_ok("2.05", 205);
	overrun_ok("0", 0);
	overrun_ok("0%", 0);
	overrun_ok("0.01", 1);
	overrun_ok("12.34%", 1234);
	overrun_ok("100", 10000);
	overrun_ok("100%", 10000);
	overrun_ok("100.00", 10000);
	overrun_ok("007", 700);

	overrun_bad("101");
	overrun_bad("100.01");
	overrun_bad("1000");
	overrun_bad("2.555");
	overrun_bad("-1");
	overrun_bad("+5");
	overrun_bad("");
	overrun_bad(NULL);
	overrun_bad("%");
	overrun_bad("5%%");
	overrun_bad("abc");
	overrun_bad(".5");
	overrun_bad("5.");
	overrun_bad("1.2.3");
	overrun_bad("5 %");
	overrun_bad(" 5");
	overrun_bad("0x5");
	overrun_bad("99999999999999999999");
}

static void overrun_shows(int bp, const char *want)
{
	char out[16];

	budget_overrun_format(bp, out, sizeof(out));
	assert_string_equal(out, want);
}

static void test_overrun_format(void **state)
{
	char out[16];
	int bp;

	(void)state;
	overrun_shows(0, "0%");
	overrun_shows(500, "5%");
	overrun_shows(250, "2.5%");
	overrun_shows(1050, "10.5%");
	overrun_shows(1234, "12.34%");
	overrun_shows(205, "2.05%");
	overrun_shows(5, "0.05%");
	overrun_shows(1, "0.01%");
	overrun_shows(10000, "100%");
	/* what is shown reads back as the same value, over the whole range */
	for (int i = 0; i <= BUDGET_OVERRUN_MAX; i++) {
		budget_overrun_format(i, out, sizeof(out));
		bp = -1;
		assert_int_equal(budget_overrun_parse(out, &bp), BR_OK);
		assert_int_equal(bp, i);
	}
}

static void test_limit(void **state)
{
	struct budget_node n = node(1, RD, "", "", "2026", 100000, BUDGET_BLOCK);

	(void)state;
	assert_int_equal(budget_limit(&n), 100000);
	n.overrun_bp = 500;
	assert_int_equal(budget_limit(&n), 105000);
	n.overrun_bp = 10000;
	assert_int_equal(budget_limit(&n), 200000);
	/* the tolerance is rounded down to the fen */
	n.amount = 199, n.overrun_bp = 50; /* 0.995 fen */
	assert_int_equal(budget_limit(&n), 199);
	n.amount = 10001, n.overrun_bp = 9999; /* 9999.9999 fen */
	assert_int_equal(budget_limit(&n), 20000);
	n.amount = 123456789012345, n.overrun_bp = 333;
	assert_int_equal(budget_limit(&n), 127567900086456);
	n.amount = 0, n.overrun_bp = 10000;
	assert_int_equal(budget_limit(&n), 0);
	/* the largest amounts: amount * bp would not fit in 64 bits */
	n.amount = MONEY_MAX_FEN, n.overrun_bp = 10000;
	assert_int_equal(budget_limit(&n), 2 * MONEY_MAX_FEN);
	n.overrun_bp = 9999;
	assert_int_equal(budget_limit(&n), 1999900000000000);
	n.overrun_bp = 1;
	assert_int_equal(budget_limit(&n), 1000100000000000);
	n.amount = MONEY_MAX_FEN - 1, n.overrun_bp = 9999;
	assert_int_equal(budget_limit(&n), 1999899999999998);
}

static void test_available_and_used(void **state)
{
	struct budget_node n = node(1, RD, "", "", "2026", 1000, BUDGET_BLOCK);

	(void)state;
	assert_int_equal(budget_available(&n), 1000);
	assert_int_equal(budget_used_permille(&n), 0);
	n.committed = 300, n.actual = 200;
	assert_int_equal(budget_available(&n), 500);
	assert_int_equal(budget_used_permille(&n), 500);
	n.committed = 799;
	assert_int_equal(budget_used_permille(&n), 999);
	n.committed = 800;
	assert_int_equal(budget_available(&n), 0);
	assert_int_equal(budget_used_permille(&n), 1000);
	n.committed = 1300; /* overspent: the bar goes past 100% */
	assert_int_equal(budget_available(&n), -500);
	assert_int_equal(budget_used_permille(&n), 1500);
	n.committed = 9800; /* exactly ten times */
	assert_int_equal(budget_used_permille(&n), 10000);
	n.committed = 1000000;
	assert_int_equal(budget_used_permille(&n), 10000);
	/* rounded down */
	n.amount = 3, n.committed = 1, n.actual = 0;
	assert_int_equal(budget_used_permille(&n), 333);
	n.committed = 2;
	assert_int_equal(budget_used_permille(&n), 666);
	/* no amount: nothing to measure against */
	n.amount = 0, n.committed = 50;
	assert_int_equal(budget_used_permille(&n), 0);
	assert_int_equal(budget_available(&n), -50);
	/* the largest amounts */
	n.amount = MONEY_MAX_FEN, n.committed = MONEY_MAX_FEN - 1, n.actual = 0;
	assert_int_equal(budget_used_permille(&n), 999);
	assert_int_equal(budget_available(&n), 1);
	n.committed = MONEY_MAX_FEN, n.actual = MONEY_MAX_FEN;
	assert_int_equal(budget_used_permille(&n), 2000);
	assert_int_equal(budget_available(&n), -MONEY_MAX_FEN);
	n.amount = MONEY_MAX_FEN, n.committed = MONEY_MAX_FEN / 3, n.actual = 0;
	assert_int_equal(budget_used_permille(&n), 333);
}

static void test_node_check(void **state)
{
	struct budget_node n = node(0, RD, "", "", "2026", 100, BUDGET_WARN);

	(void)state;
	snprintf(n.period, sizeof(n.period), "2026-q3");
	assert_null(budget_node_check(&n));
	assert_string_equal(n.period, "2026-Q3"); /* normalised */
	assert_string_equal(n.from, "2026-07-01");
	assert_string_equal(n.to, "2026-09-30");
	snprintf(n.period, sizeof(n.period), "2026-Q5");
	assert_non_null(budget_node_check(&n));
	snprintf(n.period, sizeof(n.period), "2026");
	n.amount = -1;
	assert_non_null(budget_node_check(&n));
	n.amount = MONEY_MAX_FEN;
	assert_null(budget_node_check(&n));
	n.amount = MONEY_MAX_FEN + 1;
	assert_non_null(budget_node_check(&n));
	n.amount = 0;
	assert_null(budget_node_check(&n));
	n.mode = BUDGET_MODE_COUNT;
	assert_non_null(budget_node_check(&n));
	n.mode = BUDGET_TRACK;
	n.overrun_bp = BUDGET_OVERRUN_MAX + 1;
	assert_non_null(budget_node_check(&n));
	n.overrun_bp = -1;
	assert_non_null(budget_node_check(&n));
	n.overrun_bp = BUDGET_OVERRUN_MAX;
	assert_null(budget_node_check(&n));
	/* a company-wide node has no dimension at all */
	n.department[0] = '\0';
	assert_null(budget_node_check(&n));
}

static void test_mode_names(void **state)
{
	(void)state;
	for (int m = 0; m < BUDGET_MODE_COUNT; m++)
		assert_int_equal(budget_mode_from_name(budget_mode_name((enum budget_mode)m)), m);
	assert_string_equal(budget_mode_name(BUDGET_BLOCK), "block");
	assert_string_equal(budget_mode_name(BUDGET_WARN), "warn");
	assert_string_equal(budget_mode_name(BUDGET_TRACK), "track");
	assert_int_equal(budget_mode_from_name("Block"), -1);
	assert_int_equal(budget_mode_from_name(""), -1);
	assert_int_equal(budget_mode_from_name(NULL), -1);
	assert_string_equal(budget_mode_name(BUDGET_MODE_COUNT), "?");
}

static bool matches(const struct budget_node *n, const char *dept, const char *project, const char *category,
		    const char *date)
{
	struct budget_facts f = { dept, project, category, date };

	return budget_node_matches(n, &f);
}

static void test_node_matches(void **state)
{
	struct budget_node any = node(1, "", "", "", "2026", 0, BUDGET_BLOCK);
	struct budget_node rd_q4 = node(2, RD, "", "", "2026-Q4", 0, BUDGET_BLOCK);
	struct budget_node full = node(3, RD, "项目A", "travel", "2026-11", 0, BUDGET_BLOCK);

	(void)state;
	/* no dimension: anything in the period, the first and last day included */
	assert_true(matches(&any, RD, "", "travel", "2026-01-01"));
	assert_true(matches(&any, SALES, "项目B", "meals", "2026-12-31"));
	assert_true(matches(&any, NULL, NULL, NULL, "2026-06-15"));
	assert_false(matches(&any, RD, "", "travel", "2025-12-31"));
	assert_false(matches(&any, RD, "", "travel", "2027-01-01"));
	assert_false(matches(&any, RD, "", "travel", NULL));

	assert_true(matches(&rd_q4, RD, "", "meals", "2026-10-01"));
	assert_true(matches(&rd_q4, RD, "项目A", "travel", "2026-12-31"));
	assert_false(matches(&rd_q4, RD, "", "meals", "2026-09-30"));
	assert_false(matches(&rd_q4, SALES, "", "meals", "2026-11-01"));
	assert_false(matches(&rd_q4, NULL, "", "meals", "2026-11-01"));
	assert_false(matches(&rd_q4, "", "", "meals", "2026-11-01"));
	assert_false(matches(&rd_q4, "研发", "", "meals", "2026-11-01"));

	assert_true(matches(&full, RD, "项目A", "travel", "2026-11-30"));
	assert_false(matches(&full, RD, "项目B", "travel", "2026-11-30"));
	assert_false(matches(&full, RD, "", "travel", "2026-11-30"));
	assert_false(matches(&full, RD, "项目A", "travel.rail", "2026-11-30"));
	assert_false(matches(&full, RD, "项目A", "travel", "2026-12-01"));
}

static int match(const struct budget_node *nodes, int n, const char *dept, const char *category, const char *date)
{
	struct budget_facts f = { dept, "", category, date };

	return budget_match(nodes, n, &f);
}

static void test_match_most_specific(void **state)
{
	struct budget_node nodes[] = {
		node(1, "", "", "", "2026", 0, BUDGET_BLOCK), /* 0: the company */
		node(2, RD, "", "", "2026", 0, BUDGET_BLOCK), /* 1 */
		node(3, RD, "", "travel", "2026", 0, BUDGET_BLOCK), /* 2 */
		node(4, RD, "", "", "2026-Q4", 0, BUDGET_BLOCK), /* 3 */
		node(5, "", "", "travel", "2026-11", 0, BUDGET_BLOCK), /* 4 */
	};
	int n = (int)(sizeof(nodes) / sizeof(nodes[0]));

	(void)state;
	/* more dimensions win over a shorter period */
	assert_int_equal(match(nodes, n, RD, "travel", "2026-11-05"), 2);
	/* equal dimensions: the shorter period wins, boundaries inclusive */
	assert_int_equal(match(nodes, n, RD, "meals", "2026-11-05"), 3);
	assert_int_equal(match(nodes, n, RD, "meals", "2026-10-01"), 3);
	assert_int_equal(match(nodes, n, RD, "meals", "2026-12-31"), 3);
	assert_int_equal(match(nodes, n, RD, "meals", "2026-09-30"), 1);
	assert_int_equal(match(nodes, n, SALES, "travel", "2026-11-05"), 4);
	assert_int_equal(match(nodes, n, SALES, "travel", "2026-12-01"), 0);
	assert_int_equal(match(nodes, n, SALES, "meals", "2026-03-01"), 0);
	assert_int_equal(match(nodes, n, SALES, "meals", "2027-01-01"), -1);
	assert_int_equal(match(nodes, 0, RD, "travel", "2026-11-05"), -1);
}

static void test_match_ties(void **state)
{
	/* equal dimensions and period: the older node (lower id), wherever it is in the array */
	struct budget_node nodes[] = {
		node(7, RD, "", "", "2026", 0, BUDGET_BLOCK),
		node(6, "", "", "meals", "2026", 0, BUDGET_BLOCK),
		node(9, "", "项目A", "", "2026", 0, BUDGET_BLOCK),
	};
	struct budget_facts f = { RD, "项目A", "meals", "2026-05-01" };

	(void)state;
	assert_int_equal(budget_match(nodes, 3, &f), 1);
	nodes[1].id = 8;
	assert_int_equal(budget_match(nodes, 3, &f), 0);
	f.category = "taxi";
	assert_int_equal(budget_match(nodes, 3, &f), 0);
	f.department = SALES;
	assert_int_equal(budget_match(nodes, 3, &f), 2);
	/* a half is shorter than a year, longer than a quarter */
	{
		struct budget_node p[] = {
			node(1, RD, "", "", "2026", 0, BUDGET_BLOCK),
			node(2, RD, "", "", "2026-H1", 0, BUDGET_BLOCK),
			node(3, RD, "", "", "2026-Q2", 0, BUDGET_BLOCK),
			node(4, RD, "", "", "2026-06", 0, BUDGET_BLOCK),
		};
		struct budget_facts g = { RD, "", "meals", "2026-06-30" };
		assert_int_equal(budget_match(p, 4, &g), 3);
		assert_int_equal(budget_match(p, 3, &g), 2);
		assert_int_equal(budget_match(p, 2, &g), 1);
		g.date = "2026-07-01";
		assert_int_equal(budget_match(p, 4, &g), 0);
	}
}

static void test_link(void **state)
{
	struct budget_node nodes[] = {
		node(1, "", "", "", "2026", 0, BUDGET_BLOCK), /* 0 A: the company */
		node(2, RD, "", "", "2026", 0, BUDGET_BLOCK), /* 1 B */
		node(3, RD, "", "travel", "2026", 0, BUDGET_BLOCK), /* 2 C: B's child */
		node(4, RD, "", "", "2026-Q4", 0, BUDGET_BLOCK), /* 3 D: a quarter of B */
		node(5, SALES, "", "", "2026", 0, BUDGET_BLOCK), /* 4 E */
		node(6, SALES, "", "", "2026", 0, BUDGET_BLOCK), /* 5 F: same as E */
		node(7, RD, "", "travel", "2026-11", 0, BUDGET_BLOCK), /* 6 G: a month of C */
		node(8, "", "", "", "2026-11", 0, BUDGET_BLOCK), /* 7 H: a month of A */
		node(9, "", "", "", "2027", 0, BUDGET_BLOCK), /* 8 I: another year */
	};
	int n = (int)(sizeof(nodes) / sizeof(nodes[0]));

	(void)state;
	assert_int_equal(budget_link(nodes, n), 7);
	assert_int_equal(nodes[0].parent, 0);
	assert_int_equal(nodes[1].parent, 1);
	assert_int_equal(nodes[2].parent, 2);
	assert_int_equal(nodes[3].parent, 2);
	/* the same dimensions and period never cover each other */
	assert_int_equal(nodes[4].parent, 1);
	assert_int_equal(nodes[5].parent, 1);
	/* more dimensions beat a shorter period: C, not D */
	assert_int_equal(nodes[6].parent, 3);
	assert_int_equal(nodes[7].parent, 1);
	assert_int_equal(nodes[8].parent, 0);
	/* stable: nothing changes the second time */
	assert_int_equal(budget_link(nodes, n), 0);
	/* a wrong stored link is put right, and counted */
	nodes[6].parent = 99;
	nodes[0].parent = 5;
	assert_int_equal(budget_link(nodes, n), 2);
	assert_int_equal(nodes[6].parent, 3);
	assert_int_equal(nodes[0].parent, 0);
	/* without B, C and D hang from the company */
	nodes[1] = nodes[n - 1];
	assert_int_equal(budget_link(nodes, n - 1), 2);
	assert_int_equal(nodes[1].parent, 0);
	assert_int_equal(nodes[2].parent, 1);
	assert_int_equal(nodes[3].parent, 1);
	assert_int_equal(budget_link(nodes, 0), 0);
}

static void line(struct claim *c, const char *category, const char *date, int64_t amount)
{
	struct claim_line l;

	memset(&l, 0, sizeof(l));
	snprintf(l.category, sizeof(l.category), "%s", category);
	snprintf(l.date, sizeof(l.date), "%s", date);
	l.amount = amount;
	assert_non_null(claim_add_line(c, &l));
	c->total += amount;
}

/* The amount charged to node index i, -1 when none. */
static int64_t charged(const struct budget_charge *ch, int nch, int i)
{
	int64_t sum = -1;

	for (int k = 0; k < nch; k++)
		if (ch[k].node == i) {
			assert_int_equal(sum, -1); /* one charge per node */
			sum = ch[k].amount;
		}
	return sum;
}

static void test_plan(void **state)
{
	struct budget_node nodes[] = {
		node(1, "", "", "", "2026", 0, BUDGET_BLOCK), /* 0 */
		node(2, RD, "", "", "2026", 0, BUDGET_BLOCK), /* 1 */
		node(3, RD, "", "travel", "2026", 0, BUDGET_BLOCK), /* 2 */
		node(4, SALES, "", "", "2026", 0, BUDGET_BLOCK), /* 3 */
		node(5, RD, "项目A", "", "2026", 0, BUDGET_BLOCK), /* 4 */
	};
	int n = (int)(sizeof(nodes) / sizeof(nodes[0]));
	struct budget_charge ch[8];
	int line_node[8], nch;
	struct claim c;

	(void)state;
	budget_link(nodes, n);
	claim_init(&c);
	line(&c, "travel", "2026-03-01", 10000);
	line(&c, "travel", "2026-04-01", 2500);
	line(&c, "meals", "2026-05-01", 700);
	line(&c, "travel", "2025-12-31", 999); /* before every period */
	memset(line_node, 0x55, sizeof(line_node));
	nch = budget_plan(nodes, n, &c, RD, ch, 8, line_node);
	assert_int_equal(nch, 3);
	assert_int_equal(charged(ch, nch, 2), 12500);
	assert_int_equal(charged(ch, nch, 1), 13200);
	assert_int_equal(charged(ch, nch, 0), 13200);
	assert_int_equal(charged(ch, nch, 3), -1);
	assert_int_equal(charged(ch, nch, 4), -1);
	assert_int_equal(line_node[0], 2);
	assert_int_equal(line_node[1], 2);
	assert_int_equal(line_node[2], 1);
	assert_int_equal(line_node[3], -1);
	/* line_node is optional; too small an output says so */
	assert_int_equal(budget_plan(nodes, n, &c, RD, ch, 8, NULL), 3);
	assert_int_equal(budget_plan(nodes, n, &c, RD, ch, 3, NULL), 3);
	assert_int_equal(budget_plan(nodes, n, &c, RD, ch, 2, NULL), -1);

	/* another department: its own node and the company */
	nch = budget_plan(nodes, n, &c, SALES, ch, 8, line_node);
	assert_int_equal(nch, 2);
	assert_int_equal(charged(ch, nch, 3), 13200);
	assert_int_equal(charged(ch, nch, 0), 13200);
	assert_int_equal(line_node[0], 3);
	assert_int_equal(line_node[3], -1);

	/* the project comes from the claim's header */
	claim_set_value(&c, "project", "项目A");
	nch = budget_plan(nodes, n, &c, RD, ch, 8, line_node);
	assert_int_equal(nch, 4);
	assert_int_equal(line_node[0], 2); /* RD x travel and RD x 项目A: the older */
	assert_int_equal(line_node[2], 4);
	/* every node a line matches is charged: RD x 项目A also counts the travel lines */
	assert_int_equal(charged(ch, nch, 4), 13200);
	assert_int_equal(charged(ch, nch, 2), 12500);
	assert_int_equal(charged(ch, nch, 1), 13200);
	assert_int_equal(charged(ch, nch, 0), 13200);

	/* nothing matches: no charges at all */
	assert_int_equal(budget_plan(nodes, 0, &c, RD, ch, 8, line_node), 0);
	assert_int_equal(line_node[0], -1);
	assert_int_equal(line_node[2], -1);
	claim_release(&c);
	claim_init(&c);
	line(&c, "travel", "2027-01-01", 100);
	assert_int_equal(budget_plan(nodes, n, &c, RD, ch, 0, line_node), 0);
	assert_int_equal(line_node[0], -1);
	claim_release(&c);
	/* a claim without lines charges nothing */
	claim_init(&c);
	assert_int_equal(budget_plan(nodes, n, &c, RD, ch, 8, NULL), 0);
	claim_release(&c);
}

static void test_plan_cycle_bounded(void **state)
{
	/* parent links that loop (a damaged store) do not loop forever */
	struct budget_node nodes[] = {
		node(1, RD, "", "", "2026", 0, BUDGET_BLOCK),
		node(2, RD, "", "travel", "2026", 0, BUDGET_BLOCK),
	};
	struct budget_charge ch[4];
	struct claim c;
	int nch;

	(void)state;
	nodes[0].parent = 2;
	nodes[1].parent = 1;
	claim_init(&c);
	line(&c, "travel", "2026-03-01", 100);
	nch = budget_plan(nodes, 2, &c, RD, ch, 4, NULL);
	assert_int_equal(nch, 2);
	assert_true(charged(ch, nch, 0) >= 100);
	assert_true(charged(ch, nch, 1) >= 100);
	claim_release(&c);
}

static void test_evaluate_block(void **state)
{
	struct budget_node nodes[] = { node(1, RD, "", "", "2026", 10000, BUDGET_BLOCK) };
	struct budget_charge ch = { 0, 5000 };
	struct budget_verdict v[2];
	int blocking = -1;

	(void)state;
	nodes[0].committed = 3000;
	nodes[0].actual = 2000;
	/* exactly at the limit is fine */
	assert_int_equal(budget_evaluate(nodes, &ch, 1, v, &blocking), 0);
	assert_int_equal(blocking, 0);
	ch.amount = 5001;
	assert_int_equal(budget_evaluate(nodes, &ch, 1, v, &blocking), 1);
	assert_int_equal(blocking, 1);
	assert_int_equal(v[0].node, 0);
	assert_true(v[0].blocks);
	assert_int_equal(v[0].need, 5001);
	assert_int_equal(v[0].available, 5000);
	assert_int_equal(v[0].shortfall, 1);
	ch.amount = 12345;
	assert_int_equal(budget_evaluate(nodes, &ch, 1, v, &blocking), 1);
	assert_int_equal(v[0].shortfall, 7345);
	/* the allowed overrun: 10% of 10000 */
	nodes[0].overrun_bp = 1000;
	ch.amount = 6000;
	assert_int_equal(budget_evaluate(nodes, &ch, 1, v, &blocking), 0);
	assert_int_equal(blocking, 0);
	ch.amount = 6001;
	assert_int_equal(budget_evaluate(nodes, &ch, 1, v, &blocking), 1);
	assert_int_equal(blocking, 1);
	assert_int_equal(v[0].shortfall, 1);
	assert_int_equal(v[0].available, 5000); /* against the amount, not the limit */
	/* already over: any further charge is refused by the whole overspend */
	nodes[0].overrun_bp = 0;
	nodes[0].committed = 12000;
	ch.amount = 1;
	assert_int_equal(budget_evaluate(nodes, &ch, 1, v, &blocking), 1);
	assert_int_equal(v[0].available, -4000);
	assert_int_equal(v[0].shortfall, 4001);
	/* a charge of nothing never goes over */
	ch.amount = 0;
	assert_int_equal(budget_evaluate(nodes, &ch, 1, v, &blocking), 0);
	assert_int_equal(budget_evaluate(nodes, &ch, 0, v, &blocking), 0);
}

static void test_evaluate_modes(void **state)
{
	struct budget_node nodes[] = {
		node(1, RD, "", "", "2026", 10000, BUDGET_WARN),
		node(2, "", "", "", "2026", 10000, BUDGET_TRACK),
		node(3, RD, "", "travel", "2026", 10000, BUDGET_BLOCK),
	};
	struct budget_charge ch[3] = { { 2, 500 }, { 0, 20000 }, { 1, 20000 } };
	struct budget_verdict v[3];
	int blocking = -1;

	(void)state;
	/* warn: a verdict that does not block; track: nothing */
	assert_int_equal(budget_evaluate(nodes, ch + 1, 2, v, &blocking), 1);
	assert_int_equal(blocking, 0);
	assert_int_equal(v[0].node, 0);
	assert_false(v[0].blocks);
	assert_int_equal(v[0].need, 20000);
	assert_int_equal(v[0].available, 10000);
	assert_int_equal(v[0].shortfall, 10000);
	assert_int_equal(budget_evaluate(nodes, ch + 2, 1, v, &blocking), 0);
	assert_int_equal(blocking, 0);
	/* in the order of the charges */
	ch[0].amount = 10001;
	assert_int_equal(budget_evaluate(nodes, ch, 3, v, &blocking), 2);
	assert_int_equal(blocking, 1);
	assert_int_equal(v[0].node, 2);
	assert_true(v[0].blocks);
	assert_int_equal(v[0].shortfall, 1);
	assert_int_equal(v[1].node, 0);
	assert_false(v[1].blocks);
}

static void test_evaluate_frozen(void **state)
{
	struct budget_node nodes[] = {
		node(1, RD, "", "", "2026", 10000, BUDGET_WARN),
		node(2, "", "", "", "2026", 10000, BUDGET_TRACK),
		node(3, SALES, "", "", "2026", 10000, BUDGET_BLOCK),
	};
	struct budget_charge ch[3] = { { 0, 1 }, { 1, 1 }, { 2, 1 } };
	struct budget_verdict v[3];
	int blocking = -1;

	(void)state;
	for (int i = 0; i < 3; i++)
		nodes[i].frozen = true;
	/* frozen blocks whatever the mode, even well within the amount */
	assert_int_equal(budget_evaluate(nodes, ch, 3, v, &blocking), 3);
	assert_int_equal(blocking, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(v[i].node, i);
		assert_true(v[i].blocks);
		assert_int_equal(v[i].need, 1);
		assert_int_equal(v[i].available, 10000);
		assert_int_equal(v[i].shortfall, 0);
	}
	/* over and frozen: the shortfall is still told */
	ch[0].amount = 10007;
	assert_int_equal(budget_evaluate(nodes, ch, 1, v, &blocking), 1);
	assert_int_equal(v[0].shortfall, 7);
	/* nothing charged to a frozen node: nothing to refuse */
	ch[1].amount = 0;
	assert_int_equal(budget_evaluate(nodes, ch + 1, 1, v, &blocking), 0);
	assert_int_equal(blocking, 0);
}

static int count_rule(const struct claim *c, const char *rule, int level)
{
	int k = 0;

	for (int i = 0; i < c->nfindings; i++)
		if (!strcmp(c->findings[i].rule, rule) && (level < 0 || (int)c->findings[i].level == level))
			k++;
	return k;
}

static void test_findings(void **state)
{
	struct budget_node nodes[] = {
		node(1, RD, "", "", "2026", 10000, BUDGET_BLOCK),
		node(2, SALES, "", "travel", "2026-Q4", 10000, BUDGET_WARN),
		node(3, "", "", "", "2026", 10000, BUDGET_WARN),
	};
	struct budget_verdict v[3] = {
		{ .node = 0, .blocks = true, .need = 6000, .available = 5000, .shortfall = 1000 },
		{ .node = 1, .blocks = false, .need = 300, .available = 200, .shortfall = 100 },
	};
	struct claim c;

	(void)state;
	claim_init(&c);
	claim_add_finding(&c, FINDING_WARN, "limit", 1, "amount", "over the limit");
	claim_add_finding(&c, FINDING_ERROR, "budget", 0, "", "old budget finding");
	claim_add_finding(&c, FINDING_ERROR, "age", 2, "date", "too old");
	claim_add_finding(&c, FINDING_WARN, "budget", 0, "", "old budget warning");

	budget_findings(&c, nodes, v, 2);
	assert_int_equal(c.nfindings, 4);
	/* the others stay, in their order, ahead of the new ones */
	assert_string_equal(c.findings[0].rule, "limit");
	assert_string_equal(c.findings[0].message, "over the limit");
	assert_string_equal(c.findings[1].rule, "age");
	assert_int_equal(c.findings[1].level, FINDING_ERROR);
	assert_string_equal(c.findings[2].rule, "budget");
	assert_int_equal(c.findings[2].level, FINDING_ERROR);
	assert_int_equal(c.findings[2].line, 0);
	assert_non_null(strstr(c.findings[2].message, RD));
	assert_non_null(strstr(c.findings[2].message, "2026"));
	assert_non_null(strstr(c.findings[2].message, "60.00"));
	assert_non_null(strstr(c.findings[2].message, "10.00"));
	assert_string_equal(c.findings[3].rule, "budget");
	assert_int_equal(c.findings[3].level, FINDING_WARN);
	assert_non_null(strstr(c.findings[3].message, SALES));
	assert_non_null(strstr(c.findings[3].message, "travel"));
	assert_non_null(strstr(c.findings[3].message, "2026-Q4"));
	for (int i = 0; i < c.nfindings; i++)
		assert_null(strstr(c.findings[i].message, "old budget"));
	assert_true(claim_has_blocking(&c));

	/* again with a frozen node: replaced, not added */
	nodes[2].frozen = true;
	v[0] = (struct budget_verdict){ .node = 2, .blocks = true, .need = 1, .available = 10000 };
	budget_findings(&c, nodes, v, 1);
	assert_int_equal(c.nfindings, 3);
	assert_int_equal(count_rule(&c, "budget", -1), 1);
	assert_int_equal(count_rule(&c, "budget", FINDING_ERROR), 1);
	assert_non_null(strstr(c.findings[2].message, "frozen"));

	/* a warning only: the claim is not blocked by the budget */
	v[0] = (struct budget_verdict){ .node = 1, .blocks = false, .need = 300, .available = 200, .shortfall = 100 };
	budget_findings(&c, nodes, v, 1);
	assert_int_equal(count_rule(&c, "budget", FINDING_WARN), 1);
	assert_int_equal(count_rule(&c, "budget", FINDING_ERROR), 0);

	/* no verdicts: the budget findings go, the rest stay */
	budget_findings(&c, nodes, v, 0);
	assert_int_equal(c.nfindings, 2);
	assert_int_equal(count_rule(&c, "budget", -1), 0);
	assert_int_equal(count_rule(&c, "limit", -1), 1);
	assert_int_equal(count_rule(&c, "age", -1), 1);
	claim_release(&c);
}

static void test_label(void **state)
{
	struct budget_node n = node(1, RD, "项目A", "travel", "2026", 0, BUDGET_BLOCK);
	char out[400];

	(void)state;
	budget_node_label(&n, out, sizeof(out));
	assert_string_equal(out, RD " · 项目A · travel");
	n.project[0] = '\0';
	budget_node_label(&n, out, sizeof(out));
	assert_string_equal(out, RD " · travel");
	n.department[0] = n.category[0] = '\0';
	budget_node_label(&n, out, sizeof(out));
	assert_string_equal(out, "whole company");
}

static void test_evaluate_overflow(void **state)
{
	/* sums past int64 are past any limit, not negative */
	struct budget_node nodes[] = { node(1, RD, "", "", "2026", MONEY_MAX_FEN, BUDGET_BLOCK) };
	struct budget_charge ch = { 0, INT64_MAX / 2 };
	struct budget_verdict v[1];
	int blocking = 0;

	(void)state;
	nodes[0].committed = INT64_MAX / 2;
	nodes[0].actual = INT64_MAX / 2;
	assert_int_equal(budget_evaluate(nodes, &ch, 1, v, &blocking), 1);
	assert_int_equal(blocking, 1);
	assert_true(v[0].shortfall > 0);
}

static void test_claim_window(void **state)
{
	struct claim c;
	char from[11], to[11];

	(void)state;
	claim_init(&c);
	budget_claim_window(&c, from, to);
	assert_string_equal(from, "9999-12-31");
	assert_string_equal(to, "0000-01-01");
	line(&c, "meals", "2026-05-01", 1);
	line(&c, "meals", "", 1); /* undated lines do not count */
	line(&c, "meals", "2026-01-31", 1);
	line(&c, "meals", "2026-12-01", 1);
	budget_claim_window(&c, from, to);
	assert_string_equal(from, "2026-01-31");
	assert_string_equal(to, "2026-12-01");
	claim_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_period_parse),
		cmocka_unit_test(test_overrun_parse),
		cmocka_unit_test(test_overrun_format),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_available_and_used),
		cmocka_unit_test(test_node_check),
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_node_matches),
		cmocka_unit_test(test_match_most_specific),
		cmocka_unit_test(test_match_ties),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_plan_cycle_bounded),
		cmocka_unit_test(test_evaluate_block),
		cmocka_unit_test(test_evaluate_modes),
		cmocka_unit_test(test_evaluate_frozen),
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_claim_window),
		cmocka_unit_test(test_evaluate_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
