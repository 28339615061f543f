/*
 * test_workflow.c - approval workflows: the Markdown parser (every approver
 * form and condition kind, every mistake reported with its line), conditions
 * against the facts of a claim, resolution into steps and approvers against a
 * fake directory (no self-approval, nobody approving twice, loops),
 * delegation windows, and loading a directory of workflow files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bursar/err.h"
#include "bursar/role.h"
#include "bursar/util.h"
#include "bursar/workflow.h"

/* Parses text as workflow "t"; returns the problem count and leaves the messages in errs. */
static int parse(const char *text, struct workflow *w, char *errs, size_t size)
{
	errs[0] = '\0';
	return workflow_parse("t", text, w, errs, size);
}

/* Parses text that must be free of problems (resolution tests). */
static void parse_ok(const char *text, struct workflow *w)
{
	char errs[2048];
	int n = parse(text, w, errs, sizeof(errs));

	if (n != 0)
		fail_msg("workflow_parse: %d problem(s): %s", n, errs);
}

/* ---------------------------------------------------------------- parsing */

static const char good_md[] = "# 标准审批 | Standard\n"
			      "\n"
			      "小额自动通过，其余逐级审批。\n"
			      "*Prose is not a step.*\n"
			      "\n"
			      "```step\n" /* 6 */
			      "name: 小额免审 | Small amounts\n"
			      "approver: auto\n"
			      "when: total <= 200.00, no findings\n"
			      "```\n"
			      "\n"
			      "```step\n" /* 12 */
			      "# a comment line\n"
			      "name: 中文 | English\n"
			      "approver: manager\n"
			      "sla: 24\n"
			      "```\n"
			      "\n"
			      "```step\n"
			      "name: 上二级 | Second level\n"
			      "approver: manager 2\n"
			      "when: total > 5000.00\n"
			      "repeat: yes\n"
			      "```\n"
			      "\n"
			      "```step\n"
			      "name: 财务 | Finance\n"
			      "approver: any finance\n"
			      "sla: 48\n"
			      "repeat: no\n"
			      "```\n"
			      "\n"
			      "```step\n"
			      "name: 会签 | Countersign\n"
			      "approver: all approver\n"
			      "```\n"
			      "\n"
			      "```step\n"
			      "name: 李梅\n"
			      "approver: person limei\n"
			      "```\n"
			      "\n"
			      "```step\n" /* 43 */
			      "name: 负责人 | Head\n"
			      "approver: head\n"
			      "sla: 8760\n"
			      "```\n"
			      "\n"
			      "```\n" /* 49: not a step block */
			      "approver: manager\n"
			      "```\n";

static void test_parse_good_file(void **state)
{
	struct workflow w;
	char errs[2048];
	const struct wf_step *s;

	(void)state;
	assert_int_equal(parse(good_md, &w, errs, sizeof(errs)), 0);
	assert_string_equal(errs, "");
	assert_string_equal(w.id, "t");
	assert_string_equal(w.title_zh, "标准审批");
	assert_string_equal(w.title_en, "Standard");
	assert_int_equal(w.nsteps, 7);

	s = &w.steps[0];
	assert_int_equal(s->line, 6);
	assert_string_equal(s->name_zh, "小额免审");
	assert_string_equal(s->name_en, "Small amounts");
	assert_int_equal(s->approver, WF_AUTO);
	assert_int_equal(s->nconds, 2);
	assert_int_equal(s->conds[0].kind, WF_COND_TOTAL);
	assert_int_equal(s->conds[0].op, WF_LE);
	assert_int_equal(s->conds[0].fen, 20000);
	assert_int_equal(s->conds[1].kind, WF_COND_NO_FINDINGS);
	assert_int_equal(s->sla_hours, 0);
	assert_false(s->repeat);

	s = &w.steps[1];
	assert_int_equal(s->line, 12);
	assert_string_equal(s->name_zh, "中文");
	assert_string_equal(s->name_en, "English");
	assert_int_equal(s->approver, WF_MANAGER);
	assert_int_equal(s->levels, 1);
	assert_int_equal(s->nconds, 0);
	assert_int_equal(s->sla_hours, 24);
	assert_false(s->repeat);

	s = &w.steps[2];
	assert_int_equal(s->approver, WF_MANAGER);
	assert_int_equal(s->levels, 2);
	assert_int_equal(s->nconds, 1);
	assert_int_equal(s->conds[0].op, WF_GT);
	assert_int_equal(s->conds[0].fen, 500000);
	assert_true(s->repeat);

	s = &w.steps[3];
	assert_int_equal(s->approver, WF_ANY_ROLE);
	assert_int_equal(s->role, ROLE_FINANCE);
	assert_int_equal(s->sla_hours, 48);
	assert_false(s->repeat);

	s = &w.steps[4];
	assert_int_equal(s->approver, WF_ALL_ROLE);
	assert_int_equal(s->role, ROLE_APPROVER);

	s = &w.steps[5];
	assert_int_equal(s->approver, WF_PERSON);
	assert_string_equal(s->person, "limei");
	assert_string_equal(s->name_zh, "李梅"); /* no English part: both the same */
	assert_string_equal(s->name_en, "李梅");

	s = &w.steps[6];
	assert_int_equal(s->line, 43);
	assert_int_equal(s->approver, WF_HEAD);
	assert_int_equal(s->sla_hours, 8760);

	assert_string_equal(wf_step_name(&w.steps[1], "en"), "English");
	assert_string_equal(wf_step_name(&w.steps[1], "zh_CN"), "中文");
	assert_string_equal(wf_step_name(&w.steps[1], NULL), "中文");
	assert_string_equal(wf_step_name(&w.steps[5], "en"), "李梅");
}

static void test_parse_every_condition(void **state)
{
	static const char md[] = "# 条件 | Conditions\n"
				 "\n"
				 "```step\n"
				 "name: 金额 | Amounts\n"
				 "approver: manager\n"
				 "when: total < 1.00, total <= 2.50,total > 3, total >= ¥4.05 ,  total = 0.01\n"
				 "```\n"
				 "\n"
				 "```step\n"
				 "name: 文本 | Text\n"
				 "approver: head\n"
				 "when: category travel.air, department 研发部, project 火星 计划\n"
				 "when: findings\n"
				 "```\n"
				 "\n"
				 "```step\n"
				 "name: 无问题 | Clean\n"
				 "approver: person limei\n"
				 "when: no findings\n"
				 "```\n";
	struct workflow w;
	char errs[2048];
	const struct wf_cond *c;

	(void)state;
	assert_int_equal(parse(md, &w, errs, sizeof(errs)), 0);
	assert_string_equal(errs, "");
	assert_int_equal(w.nsteps, 3);

	c = w.steps[0].conds;
	assert_int_equal(w.steps[0].nconds, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(c[i].kind, WF_COND_TOTAL);
	assert_int_equal(c[0].op, WF_LT);
	assert_int_equal(c[0].fen, 100);
	assert_int_equal(c[1].op, WF_LE);
	assert_int_equal(c[1].fen, 250);
	assert_int_equal(c[2].op, WF_GT);
	assert_int_equal(c[2].fen, 300);
	assert_int_equal(c[3].op, WF_GE);
	assert_int_equal(c[3].fen, 405);
	assert_int_equal(c[4].op, WF_EQ);
	assert_int_equal(c[4].fen, 1);

	c = w.steps[1].conds;
	assert_int_equal(w.steps[1].nconds, 4); /* two when: lines add up */
	assert_int_equal(c[0].kind, WF_COND_CATEGORY);
	assert_string_equal(c[0].text, "travel.air");
	assert_int_equal(c[1].kind, WF_COND_DEPARTMENT);
	assert_string_equal(c[1].text, "研发部");
	assert_int_equal(c[2].kind, WF_COND_PROJECT);
	assert_string_equal(c[2].text, "火星 计划");
	assert_int_equal(c[3].kind, WF_COND_FINDINGS);

	assert_int_equal(w.steps[2].nconds, 1);
	assert_int_equal(w.steps[2].conds[0].kind, WF_COND_NO_FINDINGS);
}

/*
 * money_parse() accepts "5,000.00", the parser's own hint says "total needs an
 * amount such as 5,000.00", and the shipped forms/workflows/standard.md writes
 * `when: total > 5,000.00`; the comma must not split the condition.
 */
static void test_parse_grouped_amount(void **state)
{
	struct workflow w;
	char errs[2048];
	int n;

	(void)state;
	n = parse("# T\n\n```step\nname: a\napprover: manager 2\nwhen: total > 5,000.00, no findings\n```\n", &w, errs,
		  sizeof(errs));
	if (n != 0)
		fail_msg("`total > 5,000.00` gave %d problem(s): %s", n, errs);
	assert_int_equal(w.steps[0].nconds, 2);
	assert_int_equal(w.steps[0].conds[0].kind, WF_COND_TOTAL);
	assert_int_equal(w.steps[0].conds[0].op, WF_GT);
	assert_int_equal(w.steps[0].conds[0].fen, 500000);
	assert_int_equal(w.steps[0].conds[1].kind, WF_COND_NO_FINDINGS);
}

/* The workflows shipped in forms/workflows load without problems. */
static void test_shipped_workflows(void **state)
{
	struct workflow_set set;
	char errs[4096] = "";
	const struct workflow *std, *ent;
	int left_out;

	(void)state;
	left_out = workflow_set_load(&set, "forms/workflows", errs, sizeof(errs));
	if (left_out != 0) {
		workflow_set_release(&set);
		fail_msg("%d shipped workflow(s) left out: %s", left_out, errs);
	}
	assert_string_equal(errs, "");
	assert_int_equal(set.n, 3);
	assert_string_equal(set.items[0].id, "entertainment"); /* sorted */
	std = workflow_set_find(&set, "standard");
	ent = workflow_set_find(&set, "entertainment");
	assert_non_null(std);
	assert_non_null(ent);
	assert_string_equal(std->title_en, "Standard approval");
	assert_int_equal(std->nsteps, 4);
	assert_int_equal(std->steps[0].approver, WF_AUTO);
	assert_int_equal(std->steps[2].approver, WF_MANAGER);
	assert_int_equal(std->steps[2].levels, 2);
	assert_int_equal(std->steps[2].nconds, 1);
	assert_int_equal(std->steps[2].conds[0].fen, 500000);
	assert_int_equal(ent->steps[1].approver, WF_HEAD);
	workflow_set_release(&set);
}

struct bad {
	const char *text;
	const char *expect; /* substring of the message, including the line */
};

/* A title and one good step, lines 1-6; the next block's fence is line 7. */
#define HEAD "# 测试 | Test\n\n```step\nname: a\napprover: manager\n```\n"

static void test_mistakes(void **state)
{
	static const struct bad cases[] = {
		{ HEAD "```step\nname: b\ncolour: red\napprover: head\n```\n", "t:9: unknown key `colour`" },
		{ HEAD "```step\nname: b\napprover head\n```\n", "t:9: expected `key: value`" },
		{ HEAD "```step\nname: b\n\n# note\n\nno colon\napprover: head\n```\n", "t:12: expected `key: value`" },
		{ HEAD "```step\nname: b\napprover: manager 0\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: manager 11\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: manager two\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: any nobody\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: all\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: person\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: person li mei\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: boss\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: head zhang\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: auto now\nwhen: findings\n```\n", "t:9: approver must be" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: total ~ 5\n```\n", "t:10: total needs one of" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: total\n```\n", "t:10: total needs one of" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: total > abc\n```\n", "t:10: total needs an amount" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: total > 1.234\n```\n", "t:10: total needs an amount" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: total >= 5 6\n```\n", "t:10: total needs an amount" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: colour red\n```\n", "t:10: unknown condition" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: no problems\n```\n", "t:10: unknown condition" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: findings 3\n```\n", "t:10: unknown condition" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: department\n```\n",
		  "t:10: category, department and project" },
		{ HEAD "```step\nname: b\napprover: head\nwhen: findings, total = 1, total = 2, total = 3, total = 4, "
		       "total = 5, total = 6, total = 7, total = 8\n```\n",
		  "t:10: more than 8 conditions" },
		{ HEAD "```step\nname: b\napprover: head\nsla: 0\n```\n",
		  "t:10: sla is a number of hours from 1 to 8760" },
		{ HEAD "```step\nname: b\napprover: head\nsla: 8761\n```\n", "t:10: sla is a number of hours" },
		{ HEAD "```step\nname: b\napprover: head\nsla: 1d\n```\n", "t:10: sla is a number of hours" },
		{ HEAD "```step\nname: b\napprover: head\nrepeat: maybe\n```\n", "t:10: repeat must be yes or no" },
		{ HEAD "```step\napprover: head\n```\n", "t:7: step without a name" },
		{ HEAD "```step\nname: | English only\napprover: head\n```\n", "t:7: step without a name" },
		{ HEAD "\n\n```step\nname: b\n```\n", "t:9: step without an approver" },
		{ HEAD "```step\nname: b\napprover: auto\n```\n", "t:7: an auto step needs a condition" },
		{ "```step\nname: a\napprover: manager\n```\n", "t:1: the workflow needs a title" },
		{ "## 二级标题 | Level two\n\n```step\nname: a\napprover: manager\n```\n",
		  "t:1: the workflow needs a title" },
		{ "# T\n\n```step\nname: a\napprover: auto\nwhen: findings\n```\n"
		  "```step\nname: b\napprover: auto\nwhen: total < 1\n```\n",
		  "t:1: the workflow has no step with an approver" },
		{ "# T\n\nProse only.\n", "t:1: the workflow has no step with an approver" },
		{ "# T\n\n```\nname: a\napprover: manager\n```\n", "t:1: the workflow has no step with an approver" },
	};
	char errs[2048];
	struct workflow w;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = parse(cases[i].text, &w, errs, sizeof(errs));
		if (n == 0 || !strstr(errs, cases[i].expect))
			fail_msg("case %zu: expected \"%s\", got %d problem(s): %s", i, cases[i].expect, n, errs);
	}
}

/* One message per problem, each on its own line; the count matches. */
static void test_mistakes_counted(void **state)
{
	struct workflow w;
	char errs[2048];
	int lines = 0;

	(void)state;
	assert_int_equal(parse(HEAD "```step\nname: b\ncolour: red\napprover: head\nsla: 0\nrepeat: maybe\n```\n", &w,
			       errs, sizeof(errs)),
			 3);
	for (const char *p = errs; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 3);
	assert_non_null(strstr(errs, "t:9: unknown key `colour`"));
	assert_non_null(strstr(errs, "t:11: sla is"));
	assert_non_null(strstr(errs, "t:12: repeat must be"));
	assert_int_equal(w.nsteps, 2);

	/* no title and no approver step: both reported */
	assert_int_equal(parse("Just prose.\n", &w, errs, sizeof(errs)), 2);
	assert_non_null(strstr(errs, "t:1: the workflow needs a title"));
	assert_non_null(strstr(errs, "t:1: the workflow has no step with an approver"));
}

static void test_too_many_steps(void **state)
{
	char text[4096] = "# 多 | Many\n", errs[2048];
	struct workflow w;
	int n;

	(void)state;
	/* step i's fence is on line 2 + 4 * i; the 17th (i = 16) on line 66 */
	for (int i = 0; i <= WF_MAX_STEPS; i++)
		strcat(text, "```step\nname: s\napprover: manager\n```\n");
	n = parse(text, &w, errs, sizeof(errs));
	if (n != 1 || !strstr(errs, "t:66: more than 16 steps"))
		fail_msg("expected one problem \"t:66: more than 16 steps\", got %d: %s", n, errs);
	assert_int_equal(w.nsteps, WF_MAX_STEPS);
	assert_int_equal(w.steps[WF_MAX_STEPS - 1].line, 62);
}

/* Messages are appended to what errs already holds, and never overflow it. */
static void test_errs_buffer(void **state)
{
	struct workflow w;
	char errs[2048] = "earlier\n", small[16];

	(void)state;
	assert_int_equal(
	    workflow_parse("t", HEAD "```step\nname: b\ncolour: red\napprover: head\n```\n", &w, errs, sizeof(errs)),
	    1);
	assert_memory_equal(errs, "earlier\nt:9: unknown key", strlen("earlier\nt:9: unknown key"));

	small[0] = '\0';
	assert_int_equal(workflow_parse("t", "no title, no steps\n", &w, small, sizeof(small)), 2);
	assert_true(strlen(small) < sizeof(small));
	assert_memory_equal(small, "t:1: the workfl", 15);

	assert_int_equal(workflow_parse("t", "no title, no steps\n", &w, NULL, 0), 2);
}

/*
 * A step that has no (valid) approver is not an auto step: it is reported as
 * "step without an approver", not as an auto step missing its condition.
 */
static void test_missing_approver_is_not_auto(void **state)
{
	static const char *const texts[] = {
		HEAD "```step\nname: b\n```\n",
		HEAD "```step\nname: b\napprover: boss\n```\n",
		HEAD "```step\nname: b\napprover: manager 0\n```\n",
	};
	struct workflow w;
	char errs[2048];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		int n = parse(texts[i], &w, errs, sizeof(errs));
		assert_true(n > 0);
		assert_non_null(strstr(errs, "t:7: step without an approver"));
		if (strstr(errs, "auto step"))
			fail_msg("case %zu: a step without an approver is reported as an auto step: %s", i, errs);
	}
	assert_int_equal(parse(HEAD "```step\nname: b\n```\n", &w, errs, sizeof(errs)), 1);
}

/* ------------------------------------------------------------- conditions */

static struct wf_cond total(enum wf_op op, int64_t fen)
{
	struct wf_cond c = { .kind = WF_COND_TOTAL, .op = op, .fen = fen };
	return c;
}

static struct wf_cond text_cond(enum wf_cond_kind kind, const char *text)
{
	struct wf_cond c = { .kind = kind };
	str_copy(c.text, text, sizeof(c.text));
	return c;
}

static struct wf_cond flag_cond(enum wf_cond_kind kind)
{
	struct wf_cond c = { .kind = kind };
	return c;
}

/* A step with exactly one condition. */
static struct wf_step one(struct wf_cond c)
{
	struct wf_step s;

	memset(&s, 0, sizeof(s));
	s.approver = WF_MANAGER;
	s.conds[0] = c;
	s.nconds = 1;
	return s;
}

static void test_applies_total(void **state)
{
	struct wf_facts f = { .claimant = "zhangwei", .department = "研发部", .project = "" };
	struct wf_step s;

	(void)state;
	memset(&s, 0, sizeof(s));
	f.total = 0;
	assert_true(wf_step_applies(&s, &f)); /* no conditions: always */

	s = one(total(WF_LT, 20000));
	f.total = 19999;
	assert_true(wf_step_applies(&s, &f));
	f.total = 20000;
	assert_false(wf_step_applies(&s, &f));

	s = one(total(WF_LE, 20000));
	assert_true(wf_step_applies(&s, &f));
	f.total = 20001;
	assert_false(wf_step_applies(&s, &f));

	s = one(total(WF_GT, 20000));
	assert_true(wf_step_applies(&s, &f));
	f.total = 20000;
	assert_false(wf_step_applies(&s, &f));

	s = one(total(WF_GE, 20000));
	assert_true(wf_step_applies(&s, &f));
	f.total = 19999;
	assert_false(wf_step_applies(&s, &f));

	s = one(total(WF_EQ, 20000));
	assert_false(wf_step_applies(&s, &f));
	f.total = 20000;
	assert_true(wf_step_applies(&s, &f));
	f.total = 20001;
	assert_false(wf_step_applies(&s, &f));
}

static void test_applies_text_and_findings(void **state)
{
	static const char *const cats[] = { "meals", "taxi", "travel.air" };
	struct wf_facts f = { .claimant = "zhangwei", .department = "研发部", .project = "火星计划", .total = 100 };
	struct wf_step s;

	(void)state;
	s = one(text_cond(WF_COND_CATEGORY, "travel.air"));
	f.categories = cats;
	f.ncategories = 3;
	assert_true(wf_step_applies(&s, &f)); /* the last of several */
	s = one(text_cond(WF_COND_CATEGORY, "meals"));
	assert_true(wf_step_applies(&s, &f)); /* the first of several */
	f.ncategories = 2;
	s = one(text_cond(WF_COND_CATEGORY, "travel.air"));
	assert_false(wf_step_applies(&s, &f));
	s = one(text_cond(WF_COND_CATEGORY, "travel"));
	f.ncategories = 3;
	assert_false(wf_step_applies(&s, &f)); /* whole codes only */
	f.categories = NULL;
	f.ncategories = 0;
	assert_false(wf_step_applies(&s, &f));

	s = one(text_cond(WF_COND_DEPARTMENT, "研发部"));
	assert_true(wf_step_applies(&s, &f));
	f.department = "财务部";
	assert_false(wf_step_applies(&s, &f));
	f.department = NULL;
	assert_false(wf_step_applies(&s, &f));

	s = one(text_cond(WF_COND_PROJECT, "火星计划"));
	assert_true(wf_step_applies(&s, &f));
	f.project = "";
	assert_false(wf_step_applies(&s, &f));
	f.project = NULL;
	assert_false(wf_step_applies(&s, &f));

	s = one(flag_cond(WF_COND_FINDINGS));
	f.nfindings = 0;
	assert_false(wf_step_applies(&s, &f));
	f.nfindings = 2;
	assert_true(wf_step_applies(&s, &f));
	s = one(flag_cond(WF_COND_NO_FINDINGS));
	assert_false(wf_step_applies(&s, &f));
	f.nfindings = 0;
	assert_true(wf_step_applies(&s, &f));
}

static void test_applies_all_conditions(void **state)
{
	static const char *const cats[] = { "taxi", "meals" };
	struct wf_facts f = { .claimant = "zhangwei",
			      .department = "研发部",
			      .project = "火星计划",
			      .total = 15000,
			      .categories = cats,
			      .ncategories = 2,
			      .nfindings = 0 };
	struct wf_step s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.approver = WF_AUTO;
	s.conds[s.nconds++] = total(WF_LE, 20000);
	s.conds[s.nconds++] = flag_cond(WF_COND_NO_FINDINGS);
	s.conds[s.nconds++] = text_cond(WF_COND_CATEGORY, "meals");
	s.conds[s.nconds++] = text_cond(WF_COND_DEPARTMENT, "研发部");
	s.conds[s.nconds++] = text_cond(WF_COND_PROJECT, "火星计划");
	assert_true(wf_step_applies(&s, &f));

	f.total = 20001;
	assert_false(wf_step_applies(&s, &f));
	f.total = 15000;
	f.nfindings = 1;
	assert_false(wf_step_applies(&s, &f));
	f.nfindings = 0;
	f.ncategories = 1;
	assert_false(wf_step_applies(&s, &f));
	f.ncategories = 2;
	f.department = "市场部";
	assert_false(wf_step_applies(&s, &f));
	f.department = "研发部";
	f.project = "月球计划";
	assert_false(wf_step_applies(&s, &f));
	f.project = "火星计划";
	assert_true(wf_step_applies(&s, &f));
}

/* ------------------------------------------------------------- resolution */

struct pair {
	const char *from, *to;
};

static const struct pair managers[] = {
	{ "zhangwei", "limei" },     { "limei", "wangqiang" }, { "bob", "zhangwei" },
	{ "wangfang", "wangqiang" }, { "loopa", "loopb" },     { "loopb", "loopa" },
}; /* wangqiang has no manager */

static const struct pair heads[] = { { "研发部", "limei" }, { "市场部", "bob" } };

static const char *const people[] = { "zhangwei", "limei", "wangqiang", "bob", "wangfang", "loopa", "loopb" };

static int manager_calls;

static const char *lookup(const struct pair *t, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].from, key))
			return t[i].to;
	return NULL;
}

/* Looks up before writing: resolution passes the same buffer as uid and out. */
static int fake_manager_of(void *arg, const char *uid, char out[USER_LOGIN_MAX + 1])
{
	const char *m = lookup(managers, ARRAY_SIZE(managers), uid);

	(void)arg;
	manager_calls++;
	if (!m)
		return BR_ERR_NOT_FOUND;
	str_copy(out, m, USER_LOGIN_MAX + 1);
	return BR_OK;
}

static int fake_role_members(void *arg, enum role r, char (*uids)[USER_LOGIN_MAX + 1], int max, int *n)
{
	static const char *const finance[] = { "wangfang", "zhangwei" };
	static const char *const approver[] = { "limei", "wangqiang" };
	static const char *const admin[] = { "wangfang" };
	const char *const *m = NULL;
	int count = 0;

	(void)arg;
	switch (r) {
	case ROLE_FINANCE: m = finance, count = 2; break;
	case ROLE_APPROVER: m = approver, count = 2; break;
	case ROLE_ADMIN: m = admin, count = 1; break;
	default: break; /* auditor, staff: nobody */
	}
	*n = 0;
	for (int i = 0; i < count && *n < max; i++)
		str_copy(uids[(*n)++], m[i], USER_LOGIN_MAX + 1);
	return BR_OK;
}

static int fake_person_exists(void *arg, const char *uid)
{
	(void)arg;
	for (size_t i = 0; i < ARRAY_SIZE(people); i++)
		if (!strcmp(people[i], uid))
			return BR_OK;
	return BR_ERR_NOT_FOUND;
}

static int fake_head_of(void *arg, const char *department, char out[USER_LOGIN_MAX + 1])
{
	const char *h = lookup(heads, ARRAY_SIZE(heads), department);

	(void)arg;
	if (!h)
		return BR_ERR_NOT_FOUND;
	str_copy(out, h, USER_LOGIN_MAX + 1);
	return BR_OK;
}

static const struct wf_directory fake_dir = { fake_manager_of, fake_role_members, fake_person_exists, fake_head_of,
					      NULL };

static struct wf_facts facts(const char *claimant, const char *department, int64_t total_fen, int nfindings)
{
	struct wf_facts f = { .claimant = claimant,
			      .department = department,
			      .project = "",
			      .total = total_fen,
			      .nfindings = nfindings };
	return f;
}

/* What one resolution produced. */
struct result {
	int ret, n;
	struct wf_resolved out[WF_MAX_STEPS];
	char auto_rule[128], msg[BR_MSG_MAX];
};

static struct result *resolve(const char *md, const struct wf_facts *f, const char *lang)
{
	static struct result r;
	struct workflow w;

	parse_ok(md, &w);
	memset(&r, 0, sizeof(r));
	r.n = -1;
	strcpy(r.auto_rule, "stale");
	manager_calls = 0;
	r.ret = workflow_resolve(&w, f, &fake_dir, lang, r.out, &r.n, r.auto_rule, sizeof(r.auto_rule), r.msg,
				 sizeof(r.msg));
	return &r;
}

/* Asserts that step i is mode with exactly the approvers listed (NULL-terminated). */
static void expect_step(const struct result *r, int i, int mode, ...)
{
	va_list ap;
	const char *uid;
	int k = 0;

	assert_true(i < r->n);
	assert_int_equal(r->out[i].mode, mode);
	va_start(ap, mode);
	while ((uid = va_arg(ap, const char *))) {
		assert_true(k < r->out[i].napprovers);
		assert_string_equal(r->out[i].approvers[k], uid);
		k++;
	}
	va_end(ap);
	assert_int_equal(r->out[i].napprovers, k);
}

#define TITLE "# T | T\n\n"
#define STEP(name, approver) "```step\nname: " name "\napprover: " approver "\n```\n"

static void test_resolve_manager_levels(void **state)
{
	struct wf_facts f = facts("zhangwei", "研发部", 100000, 0);
	struct result *r;

	(void)state;
	r = resolve(TITLE "```step\nname: 上级 | Manager\napprover: manager\nsla: 24\n```\n", &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 1);
	expect_step(r, 0, WF_MODE_ONE, "limei", NULL);
	assert_string_equal(r->out[0].name, "Manager");
	assert_int_equal(r->out[0].sla_hours, 24);
	assert_string_equal(r->auto_rule, ""); /* cleared: nothing approved automatically */

	r = resolve(TITLE STEP("二级", "manager 2"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 0, WF_MODE_ONE, "wangqiang", NULL);
	assert_int_equal(r->out[0].sla_hours, 0);

	r = resolve(TITLE STEP("三级", "manager 3"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_non_null(strstr(r->msg, "zhangwei"));
	assert_non_null(strstr(r->msg, "三级"));

	f.claimant = "wangqiang"; /* nobody above */
	r = resolve(TITLE STEP("上级", "manager"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_non_null(strstr(r->msg, "wangqiang"));
}

static const char standard_md[] = "# 标准审批 | Standard\n"
				  "\n"
				  "```step\n"
				  "name: 小额免审 | Small amounts\n"
				  "approver: auto\n"
				  "when: total <= 200.00, no findings\n"
				  "```\n"
				  "\n"
				  "```step\n"
				  "name: 直属上级 | Manager\n"
				  "approver: manager\n"
				  "sla: 24\n"
				  "```\n"
				  "\n"
				  "```step\n"
				  "name: 上二级经理 | Second-level manager\n"
				  "approver: manager 2\n"
				  "when: total > 5000.00\n"
				  "sla: 24\n"
				  "```\n"
				  "\n"
				  "```step\n"
				  "name: 财务审核 | Finance review\n"
				  "approver: any finance\n"
				  "sla: 48\n"
				  "```\n";

static void test_resolve_conditions_and_lang(void **state)
{
	struct wf_facts f = facts("zhangwei", "研发部", 100000, 0);
	struct result *r;

	(void)state;
	r = resolve(standard_md, &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 2); /* auto and second level skipped */
	expect_step(r, 0, WF_MODE_ONE, "limei", NULL);
	assert_string_equal(r->out[0].name, "Manager");
	assert_int_equal(r->out[0].sla_hours, 24);
	expect_step(r, 1, WF_MODE_ANY, "wangfang", NULL); /* zhangwei is finance but the claimant */
	assert_string_equal(r->out[1].name, "Finance review");
	assert_int_equal(r->out[1].sla_hours, 48);
	assert_string_equal(r->auto_rule, "");

	r = resolve(standard_md, &f, "zh_CN");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 2);
	assert_string_equal(r->out[0].name, "直属上级");
	assert_string_equal(r->out[1].name, "财务审核");

	f.total = 600000;
	r = resolve(standard_md, &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 3);
	expect_step(r, 0, WF_MODE_ONE, "limei", NULL);
	expect_step(r, 1, WF_MODE_ONE, "wangqiang", NULL);
	assert_string_equal(r->out[1].name, "Second-level manager");
	expect_step(r, 2, WF_MODE_ANY, "wangfang", NULL);

	f.total = 500000; /* `>` is strict */
	r = resolve(standard_md, &f, "en");
	assert_int_equal(r->n, 2);
}

static void test_resolve_auto(void **state)
{
	struct wf_facts f = facts("zhangwei", "研发部", 15000, 0);
	struct result *r;
	struct workflow w;
	struct wf_resolved out[WF_MAX_STEPS];
	char msg[BR_MSG_MAX];
	int n = -1;

	(void)state;
	r = resolve(standard_md, &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 0);
	assert_string_equal(r->auto_rule, "Small amounts");
	assert_int_equal(manager_calls, 0);

	r = resolve(standard_md, &f, "zh_CN");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 0);
	assert_string_equal(r->auto_rule, "小额免审");

	f.total = 20000; /* the boundary is included */
	r = resolve(standard_md, &f, "en");
	assert_int_equal(r->n, 0);
	assert_string_equal(r->auto_rule, "Small amounts");

	f.total = 15000;
	f.nfindings = 1;
	r = resolve(standard_md, &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_string_equal(r->auto_rule, "");
	assert_int_equal(r->n, 2);
	expect_step(r, 0, WF_MODE_ONE, "limei", NULL);
	expect_step(r, 1, WF_MODE_ANY, "wangfang", NULL);

	/* an auto step after other steps still approves at once; auto_rule may be NULL */
	parse_ok(TITLE STEP("上级", "manager") "```step\nname: 免审\napprover: auto\nwhen: no findings\n```\n", &w);
	f.nfindings = 0;
	assert_int_equal(workflow_resolve(&w, &f, &fake_dir, "en", out, &n, NULL, 0, msg, sizeof(msg)), BR_OK);
	assert_int_equal(n, 0);
}

static void test_resolve_no_self_approval(void **state)
{
	struct wf_facts f = facts("wangfang", "财务部", 100000, 0);
	struct result *r;

	(void)state;
	r = resolve(TITLE STEP("财务", "any finance"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 1);
	expect_step(r, 0, WF_MODE_ANY, "zhangwei", NULL);

	r = resolve(TITLE STEP("财务", "all finance"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 0, WF_MODE_ALL, "zhangwei", NULL);

	/* the claimant is the role's only member */
	r = resolve(TITLE STEP("管理员 | Admins", "any admin"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_non_null(strstr(r->msg, "Admins"));
	assert_non_null(strstr(r->msg, "admin"));

	/* repeat: yes does not let the claimant approve */
	r = resolve(TITLE "```step\nname: 管理员\napprover: all admin\nrepeat: yes\n```\n", &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);

	/* a named person who is the claimant passes the step to their manager */
	r = resolve(TITLE STEP("王芳", "person wangfang"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 0, WF_MODE_ONE, "wangqiang", NULL);

	/* the department head claims: one level up */
	f = facts("limei", "研发部", 100000, 0);
	r = resolve(TITLE STEP("负责人 | Head", "head"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 0, WF_MODE_ONE, "wangqiang", NULL);
	assert_string_equal(r->out[0].name, "Head");

	f.claimant = "zhangwei";
	r = resolve(TITLE STEP("负责人 | Head", "head"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 0, WF_MODE_ONE, "limei", NULL);

	/* the claimant at the top of the chain has nobody to pass to */
	f.claimant = "wangqiang";
	r = resolve(TITLE STEP("王强", "person wangqiang"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_non_null(strstr(r->msg, "wangqiang"));
}

static void test_resolve_nobody_twice(void **state)
{
	struct wf_facts f = facts("zhangwei", "研发部", 100000, 0);
	struct result *r;

	(void)state;
	r = resolve(TITLE STEP("上级", "manager") STEP("李梅", "person limei"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 2);
	expect_step(r, 0, WF_MODE_ONE, "limei", NULL);
	expect_step(r, 1, WF_MODE_ONE, "wangqiang", NULL);

	r = resolve(TITLE STEP("上级", "manager") "```step\nname: 李梅\napprover: person limei\nrepeat: yes\n```\n", &f,
		    "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 0, WF_MODE_ONE, "limei", NULL);
	expect_step(r, 1, WF_MODE_ONE, "limei", NULL);

	/* head of 研发部 is limei, already the manager */
	r = resolve(TITLE STEP("上级", "manager") STEP("负责人", "head"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 1, WF_MODE_ONE, "wangqiang", NULL);

	r = resolve(TITLE STEP("上级", "manager") STEP("会签", "all approver"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 2);
	expect_step(r, 1, WF_MODE_ALL, "wangqiang", NULL);

	r = resolve(TITLE STEP("上级", "manager") "```step\nname: 会签\napprover: all approver\nrepeat: yes\n```\n", &f,
		    "en");
	expect_step(r, 1, WF_MODE_ALL, "limei", "wangqiang", NULL);

	/* every other member of the role approves earlier: the step is left out, not an error */
	r = resolve(TITLE STEP("上级", "manager") STEP("王强 | Wang", "person wangqiang")
			STEP("或签 | Any", "any approver") STEP("财务 | Finance", "any finance"),
		    &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 3);
	expect_step(r, 0, WF_MODE_ONE, "limei", NULL);
	expect_step(r, 1, WF_MODE_ONE, "wangqiang", NULL);
	assert_string_equal(r->out[1].name, "Wang");
	expect_step(r, 2, WF_MODE_ANY, "wangfang", NULL);
	assert_string_equal(r->out[2].name, "Finance");

	/* manager 2 resolves to wangqiang; a later manager step is still limei (not yet approving) */
	r = resolve(TITLE STEP("二级", "manager 2") STEP("上级", "manager"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 0, WF_MODE_ONE, "wangqiang", NULL);
	expect_step(r, 1, WF_MODE_ONE, "limei", NULL);

	/* limei then wangqiang approve; a third single step finds nobody left above */
	r = resolve(TITLE STEP("上级", "manager") STEP("二级", "manager 2") STEP("李梅", "person limei"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_non_null(strstr(r->msg, "zhangwei"));
}

static void test_resolve_any_all(void **state)
{
	struct wf_facts f = facts("bob", "市场部", 100000, 0);
	struct result *r;

	(void)state;
	r = resolve(TITLE "```step\nname: 会签 | All\napprover: all approver\nsla: 72\n```\n"
			  "```step\nname: 或签 | Any\napprover: any finance\nsla: 8\n```\n",
		    &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 2);
	expect_step(r, 0, WF_MODE_ALL, "limei", "wangqiang", NULL);
	assert_int_equal(r->out[0].sla_hours, 72);
	assert_string_equal(r->out[0].name, "All");
	expect_step(r, 1, WF_MODE_ANY, "wangfang", "zhangwei", NULL);
	assert_int_equal(r->out[1].sla_hours, 8);

	/* single steps are WF_MODE_ONE */
	r = resolve(TITLE STEP("上级", "manager") STEP("负责人", "head") STEP("李梅", "person limei"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	assert_int_equal(r->n, 3);
	expect_step(r, 0, WF_MODE_ONE, "zhangwei", NULL);
	expect_step(r, 1, WF_MODE_ONE, "limei", NULL); /* bob heads 市场部; zhangwei approves already */
	expect_step(r, 2, WF_MODE_ONE, "wangqiang", NULL); /* limei already approves */
}

static void test_resolve_not_found(void **state)
{
	struct wf_facts f = facts("zhangwei", "研发部", 100000, 0);
	struct result *r;

	(void)state;
	r = resolve(TITLE STEP("上级", "manager") STEP("幽灵", "person ghost"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_non_null(strstr(r->msg, "ghost"));
	assert_non_null(strstr(r->msg, "幽灵"));

	f.department = "财务部";
	r = resolve(TITLE STEP("负责人", "head"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_non_null(strstr(r->msg, "财务部"));

	f.department = NULL;
	r = resolve(TITLE STEP("负责人", "head"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_true(r->msg[0] != '\0');

	f.department = "研发部";
	r = resolve(TITLE "```step\nname: 大额\napprover: manager\nwhen: total > 5000.00\n```\n", &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_int_equal(r->n, 0);
	assert_true(r->msg[0] != '\0');

	/* nobody holds the role at all */
	r = resolve(TITLE STEP("审计", "any auditor"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_non_null(strstr(r->msg, "auditor"));
}

static void test_resolve_manager_loop(void **state)
{
	struct wf_facts f = facts("loopa", "研发部", 100000, 0);
	struct result *r;

	(void)state;
	/* loopa -> loopb -> loopa: the second level is the claimant, so loopb */
	r = resolve(TITLE STEP("二级", "manager 2"), &f, "en");
	assert_int_equal(r->ret, BR_OK);
	expect_step(r, 0, WF_MODE_ONE, "loopb", NULL);

	/* loopb approves already and loopa is the claimant: nobody, but it ends */
	r = resolve(TITLE STEP("上级", "manager") STEP("二级", "manager 2"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_true(manager_calls <= 2 + 2 * 10);
	assert_non_null(strstr(r->msg, "loopa"));

	r = resolve(TITLE STEP("上级", "manager") STEP("乙", "person loopb"), &f, "en");
	assert_int_equal(r->ret, BR_ERR_NOT_FOUND);
	assert_true(manager_calls <= 2 + 2 * 10);

	r = resolve(TITLE "```step\nname: 十级\napprover: manager 10\n```\n", &f, "en");
	assert_int_equal(r->ret, BR_OK); /* ten levels come back to loopa, the claimant: one up */
	expect_step(r, 0, WF_MODE_ONE, "loopb", NULL);
	assert_true(manager_calls <= 10 + 10);
}

/* ------------------------------------------------------------- delegation */

static void test_delegation(void **state)
{
	(void)state;
	assert_true(wf_delegation_active("2026-03-01", "2026-03-31", "2026-03-15"));
	assert_true(wf_delegation_active("2026-03-01", "2026-03-31", "2026-03-01"));
	assert_true(wf_delegation_active("2026-03-01", "2026-03-31", "2026-03-31"));
	assert_true(wf_delegation_active("2026-03-15", "2026-03-15", "2026-03-15"));
	assert_true(wf_delegation_active("2025-12-20", "2026-01-05", "2025-12-31"));
	assert_true(wf_delegation_active("2025-12-20", "2026-01-05", "2026-01-02"));
	assert_false(wf_delegation_active("2026-03-01", "2026-03-31", "2026-02-28"));
	assert_false(wf_delegation_active("2026-03-01", "2026-03-31", "2026-04-01"));
	assert_false(wf_delegation_active("2026-03-01", "2026-03-31", "2025-03-15"));
	assert_false(wf_delegation_active("2026-03-31", "2026-03-01", "2026-03-15")); /* reversed */

	assert_false(wf_delegation_active("2026-3-1", "2026-03-31", "2026-03-15"));
	assert_false(wf_delegation_active("2026-03-01", "2026-02-30", "2026-02-15"));
	assert_false(wf_delegation_active("2026-03-01", "2026-13-01", "2026-03-15"));
	assert_false(wf_delegation_active("", "2026-03-31", "2026-03-15"));
	assert_false(wf_delegation_active("2026-03-01", "", "2026-03-15"));
	assert_false(wf_delegation_active("garbage", "2026-03-31", "2026-03-15"));
	assert_false(wf_delegation_active("2026-03-01", "2026-03-31", ""));
	assert_false(wf_delegation_active(NULL, "2026-03-31", "2026-03-15"));
	assert_false(wf_delegation_active("2026-03-01", NULL, "2026-03-15"));
	assert_false(wf_delegation_active("2026-03-01", "2026-03-31", NULL));
	assert_false(wf_delegation_active(NULL, NULL, NULL));
}

/* today is validated like the window's ends: text that is not a date is never inside. */
static void test_delegation_malformed_today(void **state)
{
	(void)state;
	assert_false(wf_delegation_active("2026-01-01", "2026-12-31", "2026-06"));
	assert_false(wf_delegation_active("2026-01-01", "2026-12-31", "2026-06-15 "));
	assert_false(wf_delegation_active("2026-02-01", "2026-03-31", "2026-02-30"));
}

/* ---------------------------------------------------------------- loading */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void remove_dir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_set_load(void **state)
{
	char dir[] = "/tmp/bursar-workflows-XXXXXX", errs[2048] = "";
	struct workflow_set set;
	const struct workflow *w;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "standard.md", standard_md);
	write_file(dir, "entertainment.md",
		   "# 招待 | Entertainment\n\n" STEP("上级 | Manager", "manager") STEP("负责人 | Head", "head"));
	write_file(dir, "bad.md", "# 坏 | Bad\n\n```step\nname: x\ncolour: red\napprover: head\n```\n");
	write_file(dir, "README.md", "# Workflows\n\nNo steps here, and that is fine.\n");
	write_file(dir, "notes.txt", "not markdown\n");

	assert_int_equal(workflow_set_load(&set, dir, errs, sizeof(errs)), 1);
	assert_int_equal(set.n, 2);
	assert_string_equal(set.items[0].id, "entertainment"); /* sorted */
	assert_string_equal(set.items[1].id, "standard");
	assert_non_null(strstr(errs, "bad"));
	assert_non_null(strstr(errs, ":5: unknown key `colour`"));
	assert_null(strstr(errs, "README"));
	assert_null(strstr(errs, "notes"));

	w = workflow_set_find(&set, "standard");
	assert_non_null(w);
	assert_ptr_equal(w, &set.items[1]);
	assert_string_equal(w->title_zh, "标准审批");
	assert_string_equal(w->title_en, "Standard");
	assert_int_equal(w->nsteps, 4);
	w = workflow_set_find(&set, "entertainment");
	assert_non_null(w);
	assert_int_equal(w->nsteps, 2);
	assert_int_equal(w->steps[1].approver, WF_HEAD);
	assert_null(workflow_set_find(&set, "bad"));
	assert_null(workflow_set_find(&set, "README"));
	assert_null(workflow_set_find(&set, "notes"));
	assert_null(workflow_set_find(&set, ""));

	workflow_set_release(&set);
	assert_int_equal(set.n, 0);
	assert_null(set.items);
	assert_null(workflow_set_find(&set, "standard"));

	/* an empty directory loads nothing and leaves nothing out */
	remove_dir(dir);
	assert_non_null(mkdtemp(strcpy(dir, "/tmp/bursar-workflows-XXXXXX")));
	assert_int_equal(workflow_set_load(&set, dir, errs, sizeof(errs)), 0);
	assert_int_equal(set.n, 0);
	workflow_set_release(&set);
	remove_dir(dir);

	assert_int_equal(workflow_set_load(&set, "/nonexistent-dir", errs, sizeof(errs)), -1);
	assert_int_equal(set.n, 0);
	assert_null(set.items);
}

/* A file that cannot be read is left out, counted, and says why (as form_set_load() does). */
static void test_set_load_unreadable(void **state)
{
	char dir[] = "/tmp/bursar-workflows-XXXXXX", path[512], errs[2048] = "";
	struct workflow_set set;

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_file(dir, "good.md", standard_md);
	snprintf(path, sizeof(path), "%s/folder.md", dir);
	assert_int_equal(mkdir(path, 0700), 0);

	assert_int_equal(workflow_set_load(&set, dir, errs, sizeof(errs)), 1);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.items[0].id, "good");
	workflow_set_release(&set);
	remove_dir(dir);
	if (!strstr(errs, "folder"))
		fail_msg("an unreadable workflow file is left out without a message: errs = \"%s\"", errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good_file),
		cmocka_unit_test(test_parse_every_condition),
		cmocka_unit_test(test_parse_grouped_amount),
		cmocka_unit_test(test_shipped_workflows),
		cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_mistakes_counted),
		cmocka_unit_test(test_too_many_steps),
		cmocka_unit_test(test_errs_buffer),
		cmocka_unit_test(test_missing_approver_is_not_auto),
		cmocka_unit_test(test_applies_total),
		cmocka_unit_test(test_applies_text_and_findings),
		cmocka_unit_test(test_applies_all_conditions),
		cmocka_unit_test(test_resolve_manager_levels),
		cmocka_unit_test(test_resolve_conditions_and_lang),
		cmocka_unit_test(test_resolve_auto),
		cmocka_unit_test(test_resolve_no_self_approval),
		cmocka_unit_test(test_resolve_nobody_twice),
		cmocka_unit_test(test_resolve_any_all),
		cmocka_unit_test(test_resolve_not_found),
		cmocka_unit_test(test_resolve_manager_loop),
		cmocka_unit_test(test_delegation),
		cmocka_unit_test(test_delegation_malformed_today),
		cmocka_unit_test(test_set_load),
		cmocka_unit_test(test_set_load_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
