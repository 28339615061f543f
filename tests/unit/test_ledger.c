/*
 * test_ledger.c - ledgers (台账) in the domain layer: filter expressions
 * (conditions, full-width operators, quoting, positions in messages,
 * writing back, matching), the Markdown templates (the shipped ones, every
 * mistake with its line), loading a directory of templates after the
 * built-ins, finding fields, canonical values, records, the three-way
 * merge, binding filters to fields and keyset cursors.
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
#include "bursar/ledger.h"
#include "bursar/role.h"
#include "bursar/util.h"

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

/* ---------------------------------------------------------------- templates */

#define ALL_ROLES                                                                                                      \
	(ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) |              \
	 ROLE_BIT(ROLE_AUDITOR))
#define EDITORS (ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN))

/* Parses text as template "t.md"; returns the problem count and leaves the messages in errs. */
static int parse(const char *text, struct ledger_template *t, char *errs, size_t size)
{
	errs[0] = '\0';
	return ledger_template_parse("t.md", text, t, errs, size);
}

/* Parses forms/ledgers/ID.md (tests run from the repository root); it must have no problems. */
static void load_shipped(const char *id, struct ledger_template *t)
{
	char path[128], errs[2048];
	char *text = NULL;
	int n;

	snprintf(path, sizeof(path), "forms/ledgers/%s.md", id);
	if (file_read_all(path, 1 << 20, &text))
		fail_msg("cannot read %s (tests run from the repository root)", path);
	n = parse(text, t, errs, sizeof(errs));
	free(text);
	if (n != 0)
		fail_msg("%s: %d problem(s): %s", path, n, errs);
	str_copy(t->id, id, sizeof(t->id));
}

static void expect_fields(const struct ledger_template *t, const char *const *names, const enum field_type *types,
			  int n)
{
	assert_int_equal(t->nfields, n);
	for (int i = 0; i < n; i++) {
		assert_string_equal(t->fields[i].name, names[i]);
		if (t->fields[i].type != types[i])
			fail_msg("%s: field %s is %s, not %s", t->id, names[i], field_type_name(t->fields[i].type),
				 field_type_name(types[i]));
	}
}

static void test_template_assets(void **state)
{
	static const char *const names[] = { "code", "name",   "department", "keeper",   "bought",
					     "cost", "status", "inspection", "contract", "invoice_scan" };
	static const enum field_type types[] = { FIELD_TEXT,      FIELD_TEXT,      FIELD_DEPARTMENT, FIELD_PERSON,
						 FIELD_DATE,      FIELD_MONEY,     FIELD_CHOICE,     FIELD_DATE,
						 FIELD_REFERENCE, FIELD_ATTACHMENT };
	struct ledger_template t;
	const struct ledger_rule *r;

	(void)state;
	load_shipped("assets", &t);
	assert_string_equal(ledger_title(&t, "zh_CN"), "固定资产台账");
	assert_string_equal(ledger_title(&t, "en"), "Fixed assets");
	expect_fields(&t, names, types, 10);
	assert_true(t.fields[0].required);
	assert_true(t.fields[0].has_max);
	assert_int_equal(t.fields[0].max, 32);
	assert_string_equal(t.fields[0].pattern, "^[A-Za-z0-9-]+$");
	assert_string_equal(form_field_label(&t.fields[0], "en"), "Asset no.");
	assert_false(t.fields[3].required);
	assert_true(t.fields[5].has_min);
	assert_int_equal(t.fields[5].min, 0);
	assert_int_equal(t.fields[6].noptions, 4);
	assert_string_equal(t.fields[6].options[0], "在用");
	assert_string_equal(t.fields[6].options[3], "报废");
	assert_string_equal(t.fields[8].ref, "contracts");
	assert_int_equal(t.fields[8].line, 73); /* the field's fence */
	assert_string_equal(t.fields[9].ref, "");
	/* everyone views, finance and admins edit */
	assert_int_equal(t.view_roles, ALL_ROLES);
	assert_int_equal(t.edit_roles, EDITORS);
	assert_false(t.builtin);
	assert_true(ledger_can_view(&t, ROLE_BIT(ROLE_STAFF)));
	assert_false(ledger_can_edit(&t, ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_AUDITOR)));
	assert_true(ledger_can_edit(&t, ROLE_BIT(ROLE_FINANCE)));
	assert_true(ledger_can_edit(&t, ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_ADMIN)));
	assert_false(ledger_can_edit(&t, ROLE_ANY));
	/* the inspection reminder, resolved to its field and with its filter */
	assert_int_equal(t.nrules, 1);
	r = &t.rules[0];
	assert_string_equal(r->name, "inspection_due");
	assert_string_equal(ledger_rule_label(r, "zh_CN"), "资产检验到期");
	assert_string_equal(ledger_rule_label(r, "en"), "Asset inspection due");
	assert_int_equal(r->kind, LEDGER_RULE_DATE);
	assert_int_equal(r->field, 7);
	assert_int_equal(r->within, 30);
	assert_int_equal(r->limit_field, -1);
	assert_int_equal(r->line, 86);
	assert_int_equal(r->where.n, 1);
	expect_cond(&r->where, 0, "状态", LEDGER_NE, "报废");
	assert_int_equal(t.nactions, 0);
	/* the prose is the help; the declarations are not */
	assert_non_null(strstr(t.help, "检验日期前 30 天"));
	assert_null(strstr(t.help, "```field"));
	assert_null(strstr(t.help, "```ledger"));
	assert_null(strstr(t.help, "```reminder"));
	assert_null(strstr(t.help, "固定资产台账")); /* the title is not help either */
	ledger_template_release(&t);
	assert_null(t.help);
}

static void test_template_contracts(void **state)
{
	static const char *const names[] = { "number", "title", "party", "department", "owner", "amount",
					     "paid",   "start", "end",   "status",     "scan" };
	static const enum field_type types[] = { FIELD_TEXT,   FIELD_TEXT,   FIELD_TEXT,      FIELD_DEPARTMENT,
						 FIELD_PERSON, FIELD_MONEY,  FIELD_MONEY,     FIELD_DATE,
						 FIELD_DATE,   FIELD_CHOICE, FIELD_ATTACHMENT };
	struct ledger_template t;
	const struct ledger_rule *r;

	(void)state;
	load_shipped("contracts", &t);
	assert_string_equal(ledger_title(&t, "zh_CN"), "合同台账");
	assert_string_equal(ledger_title(&t, "en"), "Contracts");
	expect_fields(&t, names, types, 11);
	assert_true(t.fields[5].required);
	assert_false(t.fields[6].required);
	assert_int_equal(t.fields[9].noptions, 3);
	/* staff do not see the contracts */
	assert_int_equal(t.view_roles, ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) |
					   ROLE_BIT(ROLE_AUDITOR));
	assert_int_equal(t.edit_roles, EDITORS);
	assert_false(ledger_can_view(&t, ROLE_BIT(ROLE_STAFF)));
	assert_true(ledger_can_view(&t, ROLE_BIT(ROLE_AUDITOR)));
	assert_false(ledger_can_edit(&t, ROLE_BIT(ROLE_AUDITOR)));
	assert_int_equal(t.nrules, 1);
	r = &t.rules[0];
	assert_string_equal(r->name, "ending");
	assert_string_equal(ledger_rule_label(r, "en"), "Contract ending soon");
	assert_int_equal(r->kind, LEDGER_RULE_DATE);
	assert_int_equal(r->field, 8);
	assert_int_equal(r->within, 30);
	assert_int_equal(r->line, 94);
	assert_int_equal(r->where.n, 1);
	expect_cond(&r->where, 0, "状态", LEDGER_NE, "已终止");
	assert_int_equal(t.nactions, 0);
	ledger_template_release(&t);
}

static void test_template_supplies(void **state)
{
	static const char *const names[] = { "item", "unit", "stock", "min_stock", "location" };
	static const enum field_type types[] = { FIELD_TEXT, FIELD_TEXT, FIELD_NUMBER, FIELD_NUMBER, FIELD_TEXT };
	struct ledger_template t;
	const struct ledger_rule *r;
	const struct ledger_action *a;

	(void)state;
	load_shipped("supplies", &t);
	assert_string_equal(ledger_title(&t, "en"), "Office supplies");
	expect_fields(&t, names, types, 5);
	assert_true(t.fields[2].has_min);
	assert_int_equal(t.fields[2].min, 0);
	assert_int_equal(t.fields[1].max, 10);
	assert_int_equal(t.view_roles, ALL_ROLES);
	assert_int_equal(t.edit_roles, EDITORS);
	/* stock below the minimum stock: a field compared with a field */
	assert_int_equal(t.nrules, 1);
	r = &t.rules[0];
	assert_string_equal(r->name, "low_stock");
	assert_string_equal(ledger_rule_label(r, "zh_CN"), "库存低于最低库存");
	assert_int_equal(r->kind, LEDGER_RULE_BELOW);
	assert_int_equal(r->field, 2);
	assert_int_equal(r->limit_field, 3);
	assert_int_equal(r->where.n, 0);
	assert_int_equal(r->line, 56);
	/* the requisition takes from the stock after the requisition workflow */
	assert_int_equal(t.nactions, 1);
	a = &t.actions[0];
	assert_string_equal(a->name, "requisition");
	assert_string_equal(ledger_action_label(a, "zh_CN"), "领用申请");
	assert_string_equal(ledger_action_label(a, "en"), "Requisition");
	assert_string_equal(a->workflow, "requisition");
	assert_int_equal(a->field, 2);
	assert_int_equal(a->line, 62);
	ledger_template_release(&t);
}

/*
 * Four fields (name text, qty number, cost money, due date); the next
 * block's fence is on line 22.
 */
#define HEAD                                                                                                           \
	"# 测试 | Test\n"                                                                                            \
	"\n"                                                                                                           \
	"```field\nname: name\nlabel: 名称 | Name\n```\n"                                                            \
	"```field\nname: qty\nlabel: 数量 | Quantity\ntype: number\n```\n"                                           \
	"```field\nname: cost\nlabel: 金额 | Cost\ntype: money\n```\n"                                               \
	"```field\nname: due\nlabel: 到期 | Due\ntype: date\n```\n"

static void test_template_rules_and_roles(void **state)
{
	struct ledger_template t;
	char errs[2048];

	(void)state;
	/* no ```ledger block: everyone views, finance and admins edit */
	assert_int_equal(parse(HEAD, &t, errs, sizeof(errs)), 0);
	assert_int_equal(t.nfields, 4);
	assert_int_equal(t.view_roles, ALL_ROLES);
	assert_int_equal(t.edit_roles, EDITORS);
	ledger_template_release(&t);
	/* editors may always view */
	assert_int_equal(parse(HEAD "```ledger\n# who\nview: admin\nedit: finance\n```\n", &t, errs, sizeof(errs)), 0);
	assert_int_equal(t.view_roles, ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_FINANCE));
	assert_int_equal(t.edit_roles, ROLE_BIT(ROLE_FINANCE));
	assert_true(ledger_can_view(&t, ROLE_BIT(ROLE_FINANCE)));
	assert_false(ledger_can_view(&t, ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_AUDITOR)));
	assert_false(ledger_can_edit(&t, ROLE_BIT(ROLE_ADMIN)));
	ledger_template_release(&t);
	/* below a constant, in the field's unit (fen for money); names by label; a label from the name */
	assert_int_equal(parse(HEAD "```reminder\nname: few\nbelow: 数量 < 5\n```\n"
				    "```reminder\nname: cheap\nlabel: 便宜 | Cheap\nbelow: Cost < 1,000.50\n"
				    "where: 名称~\"打印 纸\"　数量＝3\n```\n"
				    "```reminder\nname: due_soon\ndate: 到期\nwithin: 7\n```\n",
			       &t, errs, sizeof(errs)),
			 0);
	assert_int_equal(t.nrules, 3);
	assert_int_equal(t.rules[0].kind, LEDGER_RULE_BELOW);
	assert_int_equal(t.rules[0].field, 1);
	assert_int_equal(t.rules[0].limit_field, -1);
	assert_int_equal(t.rules[0].limit, 5);
	assert_string_equal(ledger_rule_label(&t.rules[0], "en"), "few");
	assert_int_equal(t.rules[1].field, 2);
	assert_int_equal(t.rules[1].limit_field, -1);
	assert_int_equal(t.rules[1].limit, 100050);
	assert_int_equal(t.rules[1].where.n, 2);
	expect_cond(&t.rules[1].where, 0, "名称", LEDGER_HAS, "打印 纸");
	expect_cond(&t.rules[1].where, 1, "数量", LEDGER_EQ, "3");
	assert_int_equal(t.rules[1].line, 26);
	assert_int_equal(t.rules[2].kind, LEDGER_RULE_DATE);
	assert_int_equal(t.rules[2].field, 3);
	assert_int_equal(t.rules[2].within, 7);
	ledger_template_release(&t);
	/* a money field below another money field */
	assert_int_equal(parse(HEAD "```field\nname: budget\ntype: money\n```\n"
				    "```reminder\nname: over\nbelow: budget < cost\n```\n",
			       &t, errs, sizeof(errs)),
			 0);
	assert_int_equal(t.rules[0].field, 4);
	assert_int_equal(t.rules[0].limit_field, 2);
	ledger_template_release(&t);
}

struct bad {
	const char *text;
	const char *expect; /* a substring of the messages, with the line */
	int count; /* how many problems */
};

static void test_template_mistakes(void **state)
{
	static const struct bad cases[] = {
		{ "```field\nname: a\n```\n", "t.md:1: the ledger needs a title", 1 },
		{ "# 空 | Empty\n\nprose only\n", "t.md:1: the ledger declares no fields", 1 },
		{ HEAD "```ledger\nview: staff, boss\n```\n", "t.md:23: unknown role `boss`", 1 },
		{ HEAD "```ledger\nview staff\n```\n", "t.md:23: expected `key: value`", 1 },
		{ HEAD "```ledger\nview: staff\n\ncolour: red\n```\n", "t.md:25: unknown key `colour` (view, edit)",
		  1 },
		{ HEAD "```reminder\nname: r\ncolour: red\ndate: due\n```\n",
		  "t.md:24: unknown key `colour` (name, label, date, within, below, where)", 1 },
		{ HEAD "```action\nname: a\nworkflow: requisition\nfield: qty\ncolour: red\n```\n",
		  "t.md:26: unknown key `colour` (name, label, workflow, field)", 1 },
		/* reminders */
		{ HEAD "```reminder\nname: r\ndate: qty\n```\n", "t.md:22: reminder `r`: `qty` is not a date field",
		  1 },
		{ HEAD "```reminder\nname: r\ndate: 名称\n```\n", "t.md:22: reminder `r`: `名称` is not a date field",
		  1 },
		{ HEAD "```reminder\nname: r\ndate: nosuch\n```\n", "t.md:22: reminder `r`: no field `nosuch`", 1 },
		{ HEAD "```reminder\nname: r\n```\n", "t.md:22: a reminder needs `date: FIELD` or `below:", 1 },
		{ HEAD "```reminder\ndate: due\n```\n", "t.md:22: reminder without a name", 1 },
		{ HEAD "```reminder\nname: Due Soon\ndate: due\n```\n", "t.md:23: reminder name `Due Soon`", 1 },
		{ HEAD "```reminder\nname: r\ndate: due\nwithin: soon\n```\n", "t.md:25: within is a number of days",
		  1 },
		{ HEAD "```reminder\nname: r\nbelow: name < 5\n```\n",
		  "t.md:22: reminder `r`: `name` is not a number or money field", 1 },
		{ HEAD "```reminder\nname: r\nbelow: qty < lots\n```\n",
		  "t.md:22: reminder `r`: `lots` is neither a field nor a number", 1 },
		{ HEAD "```reminder\nname: r\nbelow: cost < 1.001\n```\n",
		  "t.md:22: reminder `r`: `1.001` is neither a field nor a number", 1 },
		{ HEAD "```reminder\nname: r\nbelow: qty < cost\n```\n",
		  "t.md:22: reminder `r`: `qty` and `cost` are not of the same type", 1 },
		{ HEAD "```reminder\nname: r\nbelow: qty\n```\n",
		  "t.md:24: below is `FIELD < FIELD` or `FIELD < NUMBER`", 2 },
		{ HEAD "```reminder\nname: r\ndate: due\nwhere: 颜色=红\n```\n",
		  "t.md:22: reminder `r`: where: 颜色: no such field", 1 },
		{ HEAD "```reminder\nname: r\ndate: due\nwhere: 名称\n```\n", "t.md:22: reminder `r`: where: at 3", 1 },
		{ HEAD "```reminder\nname: r\ndate: due\nwhere: 金额~5\n```\n",
		  "t.md:22: reminder `r`: where: 金额 compares with an amount", 1 },
		{ HEAD "```reminder\nname: r\ndate: due\nwhere: due>=soon\n```\n",
		  "t.md:22: reminder `r`: where: due compares with a date", 1 },
		/* actions */
		{ HEAD "```action\nname: a\nworkflow: requisition\nfield: cost\n```\n",
		  "t.md:22: action `a`: `cost` is not a number field", 1 },
		{ HEAD "```action\nname: a\nfield: qty\n```\n", "t.md:22: action `a` needs `workflow: NAME`", 1 },
		{ HEAD "```action\nname: a\nworkflow: requisition\n```\n", "t.md:22: action `a` needs `field: FIELD`",
		  1 },
		{ HEAD "```action\nname: a\nworkflow: ../x\nfield: qty\n```\n", "t.md:24: workflow names a file", 1 },
		{ HEAD "```action\nworkflow: requisition\nfield: qty\n```\n", "t.md:22: action without a name", 1 },
		/* fields */
		{ HEAD "```field\nname: period\ntype: daterange\n```\n", "t.md:22: daterange fields are for claims",
		  1 },
		{ HEAD "```field\nname: other\ntype: reference\n```\n",
		  "t.md:22: reference field `other` needs `ref: LEDGER`", 1 },
		{ HEAD "```field\nname: other\nref: contracts\n```\n", "t.md:22: ref is only for reference fields", 1 },
		{ HEAD "```field\nname: other\ntype: reference\nref: Bad Name\n```\n", "t.md:25: ref names a ledger",
		  1 },
		{ HEAD "```field\nname: qty\n```\n", "t.md:22: field `qty` is declared twice", 1 },
		{ HEAD "```field\nname: kind\ntype: shape\n```\n", "t.md:24: unknown type `shape`", 1 },
	};
	char errs[2048];
	struct ledger_template t;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = parse(cases[i].text, &t, errs, sizeof(errs));
		if (n != cases[i].count || !strstr(errs, cases[i].expect))
			fail_msg("case %zu: expected %d problem(s) with \"%s\", got %d: %s", i, cases[i].count,
				 cases[i].expect, n, errs);
		ledger_template_release(&t);
	}
}

static void test_template_too_many_blocks(void **state)
{
	struct strbuf b = { NULL, 0 };
	struct ledger_template t;
	char errs[2048];

	(void)state;
	/* nine reminders of four lines each: the ninth fence is on line 22 + 8 * 4 */
	strbuf_addf(&b, "%s", HEAD);
	for (int i = 0; i <= LEDGER_MAX_RULES; i++)
		strbuf_addf(&b, "```reminder\nname: r%d\ndate: due\n```\n", i);
	assert_int_equal(parse(b.s, &t, errs, sizeof(errs)), 1);
	assert_non_null(strstr(errs, "t.md:54: more than 8 reminders"));
	assert_int_equal(t.nrules, LEDGER_MAX_RULES);
	assert_string_equal(t.rules[LEDGER_MAX_RULES - 1].name, "r7");
	ledger_template_release(&t);
	free(b.s);
	/* five actions of five lines each: the fifth fence is on line 22 + 4 * 5 */
	b = (struct strbuf){ NULL, 0 };
	strbuf_addf(&b, "%s", HEAD);
	for (int i = 0; i <= LEDGER_MAX_ACTIONS; i++)
		strbuf_addf(&b, "```action\nname: a%d\nworkflow: requisition\nfield: qty\n```\n", i);
	assert_int_equal(parse(b.s, &t, errs, sizeof(errs)), 1);
	assert_non_null(strstr(errs, "t.md:42: more than 4 actions"));
	assert_int_equal(t.nactions, LEDGER_MAX_ACTIONS);
	ledger_template_release(&t);
	free(b.s);
}

/* ---------------------------------------------------------------- a directory of templates */

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

static void copy_shipped(const char *dir, const char *id)
{
	char path[128], name[64], *text = NULL;

	snprintf(path, sizeof(path), "forms/ledgers/%s.md", id);
	assert_int_equal(file_read_all(path, 1 << 20, &text), BR_OK);
	snprintf(name, sizeof(name), "%s.md", id);
	write_file(dir, name, text);
	free(text);
}

/*
 * The directory tests each get a fresh directory and a set that teardown
 * releases, so that a failing assertion leaks nothing.
 */
struct set_fixture {
	char dir[32];
	struct ledger_set set;
	char errs[4096];
};

static int set_setup(void **state)
{
	struct set_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	str_copy(f->dir, "/tmp/bursar-ledgers-XXXXXX", sizeof(f->dir));
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int set_teardown(void **state)
{
	struct set_fixture *f = *state;
	char cmd[64];
	int rc;

	ledger_set_release(&f->set);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	rc = system(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

static void test_set_load_shipped(void **state)
{
	struct set_fixture *f = *state;
	struct ledger_set *set = &f->set;

	assert_int_equal(ledger_set_load(set, "forms/ledgers", f->errs, sizeof(f->errs)), 0);
	assert_string_equal(f->errs, "");
	assert_int_equal(set->n, 5);
	/* the built-ins first: read-only for everyone, seen by finance, admins and auditors */
	assert_string_equal(set->items[0].id, LEDGER_BUILTIN_CLAIMS);
	assert_string_equal(set->items[1].id, LEDGER_BUILTIN_INVOICES);
	for (int i = 0; i < 2; i++) {
		assert_true(set->items[i].builtin);
		for (int r = 0; r < ROLE_COUNT; r++)
			assert_false(ledger_can_edit(&set->items[i], ROLE_BIT(r)));
		assert_false(ledger_can_edit(&set->items[i], ALL_ROLES));
		assert_true(ledger_can_view(&set->items[i], ROLE_BIT(ROLE_AUDITOR)));
		assert_false(ledger_can_view(&set->items[i], ROLE_BIT(ROLE_STAFF)));
		assert_int_equal(set->items[i].nrules, 0);
	}
	assert_int_equal(set->items[0].nfields, 8);
	assert_int_equal(set->items[1].nfields, 10);
	assert_string_equal(ledger_title(&set->items[0], "zh_CN"), "费用报销台账");
	assert_int_equal(set->items[0].fields[ledger_field_find(&set->items[0], "金额")].type, FIELD_MONEY);
	/* then the templates, editable by finance (their order: test_set_load_order) */
	for (int i = 2; i < 5; i++) {
		assert_false(set->items[i].builtin);
		assert_true(ledger_can_edit(&set->items[i], ROLE_BIT(ROLE_FINANCE)));
	}
	/* by id, Chinese title, English title in any case */
	assert_string_equal(ledger_set_find(set, "contracts")->id, "contracts");
	assert_ptr_equal(ledger_set_find(set, "合同台账"), ledger_set_find(set, "contracts"));
	assert_ptr_equal(ledger_set_find(set, "CONTRACTS"), ledger_set_find(set, "contracts"));
	assert_ptr_equal(ledger_set_find(set, "office Supplies"), ledger_set_find(set, "supplies"));
	assert_ptr_equal(ledger_set_find(set, "固定资产台账"), ledger_set_find(set, "assets"));
	assert_ptr_equal(ledger_set_find(set, "Fixed Assets"), ledger_set_find(set, "assets"));
	assert_true(ledger_set_find(set, "assets") >= &set->items[2]);
	assert_ptr_equal(ledger_set_find(set, "发票台账"), &set->items[1]);
	assert_ptr_equal(ledger_set_find(set, "expense claims"), &set->items[0]);
	assert_ptr_equal(ledger_set_find(set, LEDGER_BUILTIN_INVOICES), &set->items[1]);
	assert_null(ledger_set_find(set, "nosuch"));
	assert_null(ledger_set_find(set, "README"));
	assert_null(ledger_set_find(set, ""));
	ledger_set_release(set);
	assert_null(set->items);
	assert_int_equal(set->n, 0);
}

static void test_set_load_references(void **state)
{
	struct set_fixture *f = *state;
	struct ledger_set *set = &f->set;

	copy_shipped(f->dir, "assets"); /* refers to contracts, which is not there */
	copy_shipped(f->dir, "supplies");
	/* a chain: a refers to b, b to c, and c does not load */
	write_file(f->dir, "chain_a.md", "# 甲 | A\n\n```field\nname: b\ntype: reference\nref: chain_b\n```\n");
	write_file(f->dir, "chain_b.md", "# 乙 | B\n\n```field\nname: c\ntype: reference\nref: chain_c\n```\n");
	write_file(f->dir, "chain_c.md", "# 丙 | C\n\n```field\nname: x\ntype: nope\n```\n");
	/* a reference to a built-in ledger is fine */
	write_file(f->dir, "notes.md",
		   "# 报销备注 | Claim notes\n\n```field\nname: claim\ntype: reference\nref: claims\n```\n");
	assert_int_equal(ledger_set_load(set, f->dir, f->errs, sizeof(f->errs)), 4);
	assert_int_equal(set->n, 4);
	assert_true(set->items[0].builtin && set->items[1].builtin);
	assert_non_null(ledger_set_find(set, "supplies"));
	assert_non_null(ledger_set_find(set, "notes"));
	assert_null(ledger_set_find(set, "assets"));
	assert_null(ledger_set_find(set, "chain_a"));
	assert_null(ledger_set_find(set, "chain_b"));
	assert_null(ledger_set_find(set, "chain_c"));
	assert_non_null(strstr(f->errs, ":73: field `contract` refers to ledger `contracts`, which did not load"));
	assert_non_null(strstr(f->errs, ":3: field `b` refers to ledger `chain_b`, which did not load"));
	assert_non_null(strstr(f->errs, ":3: field `c` refers to ledger `chain_c`, which did not load"));
	assert_non_null(strstr(f->errs, "chain_c.md:5: unknown type `nope`"));
}

/*
 * A reference names a ledger by its id (the table its records live in):
 * another template whose English title happens to be "Contracts" does not
 * stand in for a contracts.md that is not there.
 */
static void test_set_load_reference_by_id(void **state)
{
	struct set_fixture *f = *state;

	copy_shipped(f->dir, "assets");
	write_file(f->dir, "deals.md", "# 交易 | Contracts\n\n```field\nname: party\n```\n");
	assert_int_equal(ledger_set_load(&f->set, f->dir, f->errs, sizeof(f->errs)), 1);
	assert_null(ledger_set_find(&f->set, "assets"));
	assert_non_null(ledger_set_find(&f->set, "deals"));
	assert_non_null(strstr(f->errs, "refers to ledger `contracts`, which did not load"));
}

static void test_set_load_builtin_names(void **state)
{
	struct set_fixture *f = *state;
	struct ledger_set *set = &f->set;

	write_file(f->dir, "claims.md", "# 我的报销 | My claims\n\n```field\nname: x\n```\n");
	write_file(f->dir, "invoices.md", "# 我的发票 | My invoices\n\n```field\nname: x\n```\n");
	write_file(f->dir, "keys.md", "# 钥匙 | Keys\n\n```field\nname: x\n```\n");
	assert_int_equal(ledger_set_load(set, f->dir, f->errs, sizeof(f->errs)), 2);
	assert_int_equal(set->n, 3);
	assert_non_null(strstr(f->errs, "claims.md:1: `claims` is the name of a built-in ledger"));
	assert_non_null(strstr(f->errs, "invoices.md:1: `invoices` is the name of a built-in ledger"));
	/* the built-ins are untouched */
	assert_true(ledger_set_find(set, "claims")->builtin);
	assert_int_equal(ledger_set_find(set, "claims")->nfields, 8);
	assert_true(ledger_set_find(set, "invoices")->builtin);
	assert_null(ledger_set_find(set, "My claims"));
	assert_string_equal(set->items[2].id, "keys");
	ledger_set_release(set);
	/* the ledgers' own tables are ledger_sizes, _versions, _changes, _requests: no template takes them */
	f->errs[0] = '\0';
	write_file(f->dir, "sizes.md", "# 尺寸 | Sizes\n\n```field\nname: x\n```\n");
	write_file(f->dir, "versions.md", "# 版本 | Versions\n\n```field\nname: x\n```\n");
	/* a field names a column: no dot in it */
	write_file(f->dir, "dotted.md", "# 点 | Dotted\n\n```field\nname: a.b\n```\n");
	assert_int_equal(ledger_set_load(set, f->dir, f->errs, sizeof(f->errs)), 5);
	assert_non_null(
	    strstr(f->errs, "sizes.md:1: `sizes` is the name of a built-in ledger or of the ledgers' own tables"));
	assert_non_null(strstr(f->errs, "versions.md:1: `versions` is the name"));
	assert_non_null(strstr(f->errs, "dotted.md:3: a ledger's field name `a.b` names a column: no `.`"));
	assert_int_equal(set->n, 3);
	ledger_set_release(set);
	/* no directory: the built-ins still serve */
	f->errs[0] = '\0';
	assert_int_equal(ledger_set_load(set, "/nonexistent-bursar-ledgers", f->errs, sizeof(f->errs)), 0);
	assert_string_equal(f->errs, "");
	assert_int_equal(set->n, 2);
	assert_string_equal(set->items[0].id, LEDGER_BUILTIN_CLAIMS);
	assert_string_equal(set->items[1].id, LEDGER_BUILTIN_INVOICES);
}

static void expect_by_id(const struct ledger_set *set)
{
	assert_string_equal(set->items[0].id, LEDGER_BUILTIN_CLAIMS);
	assert_string_equal(set->items[1].id, LEDGER_BUILTIN_INVOICES);
	for (int i = 3; i < set->n; i++)
		if (strcmp(set->items[i - 1].id, set->items[i].id) >= 0)
			fail_msg("not by id: %s before %s", set->items[i - 1].id, set->items[i].id);
}

/* ledger.h: the built-ins first, then by id, whatever order the directory lists its files in. */
static void test_set_load_order(void **state)
{
	static const char *const ids[] = { "kiwi",   "apple", "mango", "banana", "zeta",
					   "cherry", "date",  "fig",   "grape",  "lemon" };
	struct set_fixture *f = *state;
	struct ledger_set *set = &f->set;
	char name[64], text[128];
	int n = (int)(sizeof(ids) / sizeof(ids[0]));

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s.md", ids[i]);
		snprintf(text, sizeof(text), "# %s\n\n```field\nname: x\n```\n", ids[i]);
		write_file(f->dir, name, text);
	}
	write_file(f->dir, "README.md", "# not a ledger\n");
	assert_int_equal(ledger_set_load(set, f->dir, f->errs, sizeof(f->errs)), 0);
	assert_string_equal(f->errs, "");
	assert_int_equal(set->n, n + 2); /* more than the first allocation holds */
	expect_by_id(set);
	ledger_set_release(set);
	assert_int_equal(ledger_set_load(set, "forms/ledgers", f->errs, sizeof(f->errs)), 0);
	assert_int_equal(set->n, 5);
	expect_by_id(set);
	assert_string_equal(set->items[2].id, "assets");
	assert_string_equal(set->items[3].id, "contracts");
	assert_string_equal(set->items[4].id, "supplies");
}

/* ---------------------------------------------------------------- fields and values */

static void test_field_find(void **state)
{
	struct ledger_template t;
	char errs[1024];

	(void)state;
	load_shipped("assets", &t);
	assert_int_equal(ledger_field_find(&t, "code"), 0);
	assert_int_equal(ledger_field_find(&t, "资产编号"), 0);
	assert_int_equal(ledger_field_find(&t, "Asset no."), 0);
	assert_int_equal(ledger_field_find(&t, "ASSET NO."), 0);
	assert_int_equal(ledger_field_find(&t, "next inspection"), 7);
	assert_int_equal(ledger_field_find(&t, "保管人"), 3);
	assert_int_equal(ledger_field_find(&t, "invoice_scan"), 9);
	assert_int_equal(ledger_field_find(&t, "nosuch"), -1);
	assert_int_equal(ledger_field_find(&t, "资产"), -1); /* whole labels only */
	assert_int_equal(ledger_field_find(&t, ""), -1);
	ledger_template_release(&t);
	/* a name wins over another field's label */
	assert_int_equal(
	    parse("# T\n```field\nname: a\nlabel: b\n```\n```field\nname: b\nlabel: 乙\n```\n", &t, errs, sizeof(errs)),
	    0);
	assert_int_equal(ledger_field_find(&t, "b"), 1);
	assert_int_equal(ledger_field_find(&t, "a"), 0);
	assert_int_equal(ledger_field_find(&t, "乙"), 1);
	ledger_template_release(&t);
}

static struct form_field field_of(const char *name, const char *label, enum field_type type)
{
	struct form_field f;

	memset(&f, 0, sizeof(f));
	str_copy(f.name, name, sizeof(f.name));
	form_label_split(label, f.label_zh, sizeof(f.label_zh), f.label_en, sizeof(f.label_en));
	f.type = type;
	return f;
}

static char vc_out[LEDGER_VALUE_BYTES], vc_msg[256];

/* ledger_value_check in lang: the canonical value in vc_out, the message in vc_msg. */
static int check(const struct form_field *f, const char *value, const char *lang)
{
	strcpy(vc_out, "unchanged");
	vc_msg[0] = '\0';
	return ledger_value_check(f, value, vc_out, sizeof(vc_out), lang, vc_msg, sizeof(vc_msg));
}

#define CANON(f, value, expect)                                                                                        \
	do {                                                                                                           \
		if (check(f, value, "en") != BR_OK)                                                                    \
			fail_msg("\"%s\": %s", value, vc_msg);                                                         \
		assert_string_equal(vc_out, expect);                                                                   \
	} while (0)

#define REFUSED(f, value, expect)                                                                                      \
	do {                                                                                                           \
		assert_int_equal(check(f, value, "en"), BR_ERR_INVALID);                                               \
		if (!strstr(vc_msg, expect))                                                                           \
			fail_msg("\"%s\": expected \"%s\" in \"%s\"", value, expect, vc_msg);                          \
	} while (0)

static void test_value_check(void **state)
{
	struct form_field money = field_of("cost", "原值 | Cost", FIELD_MONEY);
	struct form_field number = field_of("stock", "库存 | Stock", FIELD_NUMBER);
	struct form_field date = field_of("bought", "购入日期 | Bought", FIELD_DATE);
	struct form_field choice = field_of("status", "状态 | Status", FIELD_CHOICE);
	struct form_field ref = field_of("contract", "采购合同 | Contract", FIELD_REFERENCE);
	struct form_field text = field_of("name", "名称 | Name", FIELD_TEXT);
	struct form_field code = field_of("code", "资产编号 | Asset no.", FIELD_TEXT);
	struct form_field scan = field_of("scan", "扫描件 | Scan", FIELD_ATTACHMENT);
	char *longer;

	(void)state;
	money.has_min = true;
	CANON(&money, "¥1,234.5", "1234.50");
	CANON(&money, " 88 ", "88.00");
	CANON(&money, "￥0.5", "0.50");
	CANON(&money, "", "");
	REFUSED(&money, "1.234", "Cost must be an amount");
	REFUSED(&money, "12元", "Cost must be an amount");
	REFUSED(&money, "-1", "Cost must be from 0.00 to -");
	CANON(&number, " 12 ", "12");
	CANON(&number, "+7", "7");
	CANON(&number, "-3", "-3");
	REFUSED(&number, "1.5", "Stock must be a whole number");
	REFUSED(&number, "12 个", "Stock must be a whole number");
	number.has_max = true;
	number.max = 100;
	REFUSED(&number, "101", "Stock must be from - to 100");
	CANON(&date, "2024-02-29", "2024-02-29");
	CANON(&date, " 2026-01-31\t", "2026-01-31");
	REFUSED(&date, "2023-02-29", "Bought must be a date YYYY-MM-DD");
	REFUSED(&date, "2024-2-1", "Bought must be a date");
	REFUSED(&date, "2024/02/01", "Bought must be a date");
	/* the message names the field in the session's language */
	assert_int_equal(check(&date, "tomorrow", "zh_CN"), BR_ERR_INVALID);
	assert_non_null(strstr(vc_msg, "购入日期"));
	choice.noptions = 2;
	strcpy(choice.options[0], "在用");
	strcpy(choice.options[1], "报废");
	CANON(&choice, " 在用 ", "在用");
	REFUSED(&choice, "丢失", "Status must be one of the listed choices");
	REFUSED(&choice, "在", "one of the listed choices");
	/* a reference is a record number */
	CANON(&ref, " 42 ", "42");
	CANON(&ref, "007", "7");
	REFUSED(&ref, "0", "Contract must be a record number");
	REFUSED(&ref, "x", "Contract must be a record number");
	REFUSED(&ref, "-3", "Contract must be a record number");
	REFUSED(&ref, "99999999999", "Contract must be a record number");
	/* required: empty, or only blanks, is refused */
	text.required = true;
	REFUSED(&text, "", "Name is required");
	REFUSED(&text, " \t ", "Name is required");
	/* max and min count characters, not bytes */
	text.has_max = true;
	text.max = 4;
	CANON(&text, "一二三四", "一二三四");
	CANON(&text, "  a二c四 ", "a二c四");
	REFUSED(&text, "一二三四五", "Name is longer than 4 characters");
	text.has_min = true;
	text.min = 2;
	REFUSED(&text, "一", "Name needs at least 2 characters");
	/* a pattern */
	strcpy(code.pattern, "^[A-Za-z0-9-]+$");
	CANON(&code, "FA-2024-001", "FA-2024-001");
	REFUSED(&code, "FA 001", "Asset no. does not have the required format");
	REFUSED(&code, "资产1", "does not have the required format");
	/* an attachment holds only what storing a file writes */
	CANON(&scan, "发票.pdf sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	      "发票.pdf sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	REFUSED(&scan, "发票.pdf", "Scan holds a stored file; attach one instead of typing it");
	REFUSED(&scan, "发票.pdf sha256:0123", "attach one instead");
	REFUSED(&scan, " sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "attach one instead");
	/* at most LEDGER_VALUE_BYTES per value */
	longer = malloc(LEDGER_VALUE_BYTES + 1);
	memset(longer, 'x', LEDGER_VALUE_BYTES);
	longer[LEDGER_VALUE_BYTES] = '\0';
	assert_int_equal(check(&scan, longer, "en"), BR_ERR_INVALID);
	assert_non_null(strstr(vc_msg, "Scan is too long"));
	free(longer);
}

/*
 * ledger.h: a person field holds "a person's login".  Logins here are
 * letters, digits and . _ - @ (and non-ASCII letters); a value with blanks,
 * quotes or ';' is not one, and must not reach the record, its history or
 * the exported sheets.  (user_login_valid() alone is the looser gate for
 * what a client may try to log in with.)
 */
static void test_value_check_person(void **state)
{
	static const char *const hostile[] = { "bob smith", "o'neil", "x\";drop", "a;b", "wang fang", "\"root\"" };
	struct form_field person = field_of("keeper", "保管人 | Keeper", FIELD_PERSON);

	(void)state;
	CANON(&person, "wangfang", "wangfang");
	CANON(&person, " zhang.wei ", "zhang.wei");
	CANON(&person, "", "");
	CANON(&person, "张伟", "张伟");
	REFUSED(&person, "bo\001b", "Keeper must be a login name");
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		REFUSED(&person, hostile[i], "Keeper must be a login name");
}

static void test_record_check(void **state)
{
	struct ledger_template t;
	struct ledger_record r;
	char msg[256], longer[128];
	int bad = -1;

	(void)state;
	load_shipped("supplies", &t);
	ledger_record_init(&r, &t);
	for (int i = 0; i < FORM_MAX_FIELDS; i++)
		assert_string_equal(r.values[i], "");
	ledger_record_set(&r, 0, "  A4 打印纸 ");
	ledger_record_set(&r, 1, "包");
	ledger_record_set(&r, 2, " 12 ");
	ledger_record_set(&r, 3, "+3");
	assert_int_equal(ledger_record_check(&t, &r, "en", msg, sizeof(msg), &bad), BR_OK);
	assert_string_equal(r.values[0], "A4 打印纸");
	assert_string_equal(r.values[1], "包");
	assert_string_equal(r.values[2], "12");
	assert_string_equal(r.values[3], "3");
	assert_string_equal(r.values[4], "");
	/* the first bad field is named; the ones before it are canonical already */
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ledger_record_set(&r, 2, " 5 ");
	ledger_record_set(&r, 3, "many");
	ledger_record_set(&r, 4, longer);
	assert_int_equal(ledger_record_check(&t, &r, "en", msg, sizeof(msg), &bad), BR_ERR_INVALID);
	assert_int_equal(bad, 3);
	assert_non_null(strstr(msg, "Minimum stock must be a whole number"));
	assert_string_equal(r.values[2], "5");
	assert_string_equal(r.values[3], "many");
	ledger_record_set(&r, 3, "1");
	assert_int_equal(ledger_record_check(&t, &r, "zh_CN", msg, sizeof(msg), &bad), BR_ERR_INVALID);
	assert_int_equal(bad, 4);
	assert_non_null(strstr(msg, "存放位置"));
	ledger_record_set(&r, 4, "");
	ledger_record_set(&r, 2, "");
	assert_int_equal(ledger_record_check(&t, &r, "en", msg, sizeof(msg), NULL), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "Stock is required"));
	ledger_record_set(&r, 2, "-1");
	assert_int_equal(ledger_record_check(&t, &r, "en", msg, sizeof(msg), &bad), BR_ERR_INVALID);
	assert_int_equal(bad, 2);
	ledger_record_release(&r);
	ledger_template_release(&t);
	/* money and dates */
	load_shipped("contracts", &t);
	ledger_record_init(&r, &t);
	ledger_record_set(&r, 0, "HT-2026-01");
	ledger_record_set(&r, 1, "打印机租赁");
	ledger_record_set(&r, 2, "某某科技有限公司");
	ledger_record_set(&r, 5, "¥1,234.5");
	ledger_record_set(&r, 7, "2026-01-01");
	ledger_record_set(&r, 8, "2026-12-31");
	ledger_record_set(&r, 9, "履行中");
	assert_int_equal(ledger_record_check(&t, &r, "en", msg, sizeof(msg), &bad), BR_OK);
	assert_string_equal(r.values[5], "1234.50");
	assert_string_equal(r.values[6], "");
	ledger_record_set(&r, 8, "2026-13-01");
	assert_int_equal(ledger_record_check(&t, &r, "en", msg, sizeof(msg), &bad), BR_ERR_INVALID);
	assert_int_equal(bad, 8);
	assert_non_null(strstr(msg, "End must be a date"));
	ledger_record_release(&r);
	ledger_template_release(&t);
}

static void test_record_copy(void **state)
{
	struct ledger_template t;
	struct ledger_record a, b;

	(void)state;
	load_shipped("supplies", &t);
	ledger_record_init(&a, &t);
	ledger_record_init(&b, &t);
	a.id = 7;
	a.version = 3;
	str_copy(a.updated_by, "wangfang", sizeof(a.updated_by));
	ledger_record_set(&a, 0, "纸");
	ledger_record_set(&a, 2, "10");
	ledger_record_set(&b, 4, "stale");
	ledger_record_copy(&b, &a, &t);
	assert_int_equal(b.id, 7);
	assert_int_equal(b.version, 3);
	assert_string_equal(b.updated_by, "wangfang");
	assert_string_equal(b.values[0], "纸");
	assert_string_equal(b.values[4], "");
	assert_ptr_not_equal(b.values[0], a.values[0]); /* a copy, not shared */
	ledger_record_set(&a, 0, "笔");
	assert_string_equal(b.values[0], "纸");
	ledger_record_set(&b, -1, "ignored");
	ledger_record_set(&b, FORM_MAX_FIELDS, "ignored");
	ledger_record_set(&b, 1, NULL);
	assert_string_equal(b.values[1], "");
	ledger_record_release(&a);
	ledger_record_release(&b);
	assert_null(b.values[0]);
	ledger_template_release(&t);
}

static void test_merge(void **state)
{
	struct ledger_template t;
	struct ledger_record base, mine, theirs, out;
	bool both[FORM_MAX_FIELDS];

	(void)state;
	load_shipped("supplies", &t);
	ledger_record_init(&base, &t);
	ledger_record_init(&mine, &t);
	ledger_record_init(&theirs, &t);
	ledger_record_init(&out, &t);
	base.id = 5;
	base.version = 2;
	ledger_record_set(&base, 0, "纸");
	ledger_record_set(&base, 1, "包");
	ledger_record_set(&base, 2, "10");
	ledger_record_set(&base, 3, "2");
	ledger_record_set(&base, 4, "A");
	ledger_record_copy(&mine, &base, &t);
	ledger_record_copy(&theirs, &base, &t);
	theirs.version = 3;
	/* only mine changed one field, only theirs another: both kept, no conflict */
	ledger_record_set(&mine, 2, "8");
	ledger_record_set(&theirs, 4, "B");
	assert_int_equal(ledger_merge(&t, &base, &mine, &theirs, &out, both), 0);
	assert_int_equal(out.id, 5);
	assert_int_equal(out.version, 3); /* the stored version it now builds on */
	assert_string_equal(out.values[2], "8");
	assert_string_equal(out.values[4], "B");
	assert_string_equal(out.values[0], "纸");
	for (int i = 0; i < t.nfields; i++)
		assert_false(both[i]);
	/* both changed the same field to different values: a conflict, mine wins */
	ledger_record_set(&mine, 0, "A4 纸");
	ledger_record_set(&theirs, 0, "A3 纸");
	/* both changed a field to the same value: no conflict */
	ledger_record_set(&mine, 1, "盒");
	ledger_record_set(&theirs, 1, "盒");
	assert_int_equal(ledger_merge(&t, &base, &mine, &theirs, &out, both), 1);
	assert_true(both[0]);
	assert_false(both[1]);
	assert_false(both[2]);
	assert_false(both[4]);
	assert_string_equal(out.values[0], "A4 纸");
	assert_string_equal(out.values[1], "盒");
	assert_string_equal(out.values[2], "8");
	assert_string_equal(out.values[4], "B");
	/* mine cleared a field theirs changed: still a conflict, and mine (empty) wins */
	ledger_record_set(&mine, 3, "");
	ledger_record_set(&theirs, 3, "4");
	assert_int_equal(ledger_merge(&t, &base, &mine, &theirs, &out, both), 2);
	assert_true(both[3]);
	assert_string_equal(out.values[3], "");
	ledger_record_release(&base);
	ledger_record_release(&mine);
	ledger_record_release(&theirs);
	ledger_record_release(&out);
	ledger_template_release(&t);
}

/* ---------------------------------------------------------------- queries */

/* Parses text (which must parse) and binds it to t. */
static int bind(const struct ledger_template *t, const char *text, struct ledger_bound_cond *b, int *n,
		const char *lang, char *msg, size_t size)
{
	struct ledger_filter f;

	if (ledger_filter_parse(text, &f, msg, size))
		fail_msg("%s: %s", text, msg);
	msg[0] = '\0';
	return ledger_filter_bind(t, &f, b, n, lang, msg, size);
}

static void expect_bound(const struct ledger_bound_cond *b, int field, enum ledger_op op, const char *value,
			 bool numeric)
{
	assert_int_equal(b->field, field);
	assert_int_equal(b->op, op);
	assert_string_equal(b->value, value);
	assert_int_equal(b->numeric, numeric);
}

static void test_filter_bind(void **state)
{
	static const char *const refused[][2] = {
		{ "原值~5", "原值 compares with an amount" },
		{ "cost=abc", "cost compares with an amount" },
		{ "Cost>=1.001", "Cost compares with an amount" },
		{ "id~3", "id: a record number compares with a whole number" },
		{ "id=x", "a record number compares with a whole number" },
		{ "编号=-1", "编号: a record number" },
		{ "购入日期=2024-5", "购入日期 compares with a date YYYY-MM-DD" },
		{ "bought=2024-02-30", "bought compares with a date" },
		{ "bought>24", "bought compares with a date" },
		{ "contract=x", "contract compares with a whole number" },
		{ "contract~1", "contract compares with a whole number" },
	};
	struct ledger_bound_cond b[LEDGER_FILTER_MAX];
	struct ledger_template t;
	char msg[1024];
	int n = -1;

	(void)state;
	load_shipped("assets", &t);
	assert_int_equal(bind(&t, "", b, &n, "en", msg, sizeof(msg)), BR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(bind(&t,
			      "名称~打印 Status=在用 原值>=1,000 cost<¥20,000.5 id<=5 编号=3 ID!=4 下次检验>=2024 "
			      "bought<2024-05 bought=2024-05-31 采购合同=12 keeper=\"o'neil\" bought=2024-05 "
			      "bought<=2024 bought>2024-05",
			      b, &n, "en", msg, sizeof(msg)),
			 BR_OK);
	assert_int_equal(n, 15);
	/* a year or a month means all of it */
	expect_bound(&b[12], 4, LEDGER_HAS, "2024-05", false);
	expect_bound(&b[13], 4, LEDGER_LE, "2024\x7f", false);
	expect_bound(&b[14], 4, LEDGER_GT, "2024-05\x7f", false);
	expect_bound(&b[0], 1, LEDGER_HAS, "打印", false);
	expect_bound(&b[1], 6, LEDGER_EQ, "在用", false);
	expect_bound(&b[2], 5, LEDGER_GE, "100000", true); /* money in fen */
	expect_bound(&b[3], 5, LEDGER_LT, "2000050", true);
	expect_bound(&b[4], -1, LEDGER_LE, "5", true); /* the record id */
	expect_bound(&b[5], -1, LEDGER_EQ, "3", true);
	expect_bound(&b[6], -1, LEDGER_NE, "4", true);
	expect_bound(&b[7], 7, LEDGER_GE, "2024", false); /* partial dates compare as text */
	expect_bound(&b[8], 4, LEDGER_LT, "2024-05", false);
	expect_bound(&b[9], 4, LEDGER_EQ, "2024-05-31", false);
	expect_bound(&b[10], 8, LEDGER_EQ, "12", true);
	expect_bound(&b[11], 3, LEDGER_EQ, "o'neil", false);
	assert_int_equal(bind(&t, "bought!=2024", b, &n, "en", msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "needs a whole date"));
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (bind(&t, refused[i][0], b, &n, "en", msg, sizeof(msg)) != BR_ERR_INVALID)
			fail_msg("%s: bound", refused[i][0]);
		if (!strstr(msg, refused[i][1]))
			fail_msg("%s: expected \"%s\" in \"%s\"", refused[i][0], refused[i][1], msg);
	}
	/* an unknown field: the message lists the fields in the session's language */
	assert_int_equal(bind(&t, "名称=x 颜色=红", b, &n, "zh_CN", msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg,
			       "颜色: no such field (资产编号, 名称, 部门, 保管人, 购入日期, 原值, 状态, 下次检验, "
			       "采购合同, 发票扫描件)"));
	assert_int_equal(bind(&t, "colour=red", b, &n, "en", msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "colour: no such field (Asset no., Name, Department, Keeper"));
	ledger_template_release(&t);
	/* whole numbers */
	load_shipped("supplies", &t);
	assert_int_equal(bind(&t, "库存<5 stock>=+07 最低库存!=-2", b, &n, "en", msg, sizeof(msg)), BR_OK);
	assert_int_equal(n, 3);
	expect_bound(&b[0], 2, LEDGER_LT, "5", true);
	expect_bound(&b[1], 2, LEDGER_GE, "7", true);
	expect_bound(&b[2], 3, LEDGER_NE, "-2", true);
	assert_int_equal(bind(&t, "stock<abc", b, &n, "en", msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "stock compares with a whole number"));
	assert_int_equal(bind(&t, "stock~1", b, &n, "en", msg, sizeof(msg)), BR_ERR_INVALID);
	assert_int_equal(bind(&t, "Stock=1.5", b, &n, "en", msg, sizeof(msg)), BR_ERR_INVALID);
	ledger_template_release(&t);
}

/*
 * ledger.h: a filter's names are resolved by ledger_field_find().  A
 * template whose own field is labelled 编号 (or named id), as ledgers kept
 * in spreadsheets often have, filters on that field; `id` and `编号` mean
 * the record number only where no field has that name.
 */
static int template_setup(void **state)
{
	*state = calloc(1, sizeof(struct ledger_template));
	return *state ? 0 : -1;
}

static int template_teardown(void **state)
{
	ledger_template_release(*state);
	free(*state);
	return 0;
}

static void test_filter_bind_field_named_id(void **state)
{
	struct ledger_bound_cond b[LEDGER_FILTER_MAX];
	struct ledger_template *t = *state;
	char msg[1024];
	int n = -1;

	assert_int_equal(parse("# 钥匙 | Keys\n\n```field\nname: code\nlabel: 编号 | No.\n```\n"
			       "```field\nname: id\nlabel: 证件 | Card\n```\n",
			       t, msg, sizeof(msg)),
			 0);
	assert_int_equal(bind(t, "编号=K-001 id~A", b, &n, "en", msg, sizeof(msg)), BR_OK);
	assert_int_equal(n, 2);
	expect_bound(&b[0], 0, LEDGER_EQ, "K-001", false);
	expect_bound(&b[1], 1, LEDGER_HAS, "A", false);
}

static void test_query_cursor(void **state)
{
	struct ledger_template t;
	struct ledger_record r;
	struct ledger_query q;

	(void)state;
	load_shipped("contracts", &t);
	ledger_record_init(&r, &t);
	memset(&q, 0, sizeof(q));
	q.t = &t;
	r.id = 42;
	/* money: the stored form, fen */
	q.sort = 5;
	ledger_record_set(&r, 5, "1234.50");
	ledger_query_cursor(&q, &r);
	assert_true(q.has_cursor);
	assert_int_equal(q.cursor_id, 42);
	assert_false(q.cursor_null);
	assert_string_equal(q.cursor_value, "123450");
	/* an empty amount is NULL in the store */
	ledger_record_set(&r, 5, "");
	ledger_query_cursor(&q, &r);
	assert_true(q.cursor_null);
	assert_string_equal(q.cursor_value, "");
	/* text and dates as they are */
	q.sort = 1;
	ledger_record_set(&r, 1, "打印机租赁");
	ledger_query_cursor(&q, &r);
	assert_false(q.cursor_null);
	assert_string_equal(q.cursor_value, "打印机租赁");
	q.sort = 8;
	ledger_record_set(&r, 8, "2026-12-31");
	ledger_query_cursor(&q, &r);
	assert_string_equal(q.cursor_value, "2026-12-31");
	/* by id: only the id counts, the value left over from before is cleared */
	q.sort = -1;
	r.id = 43;
	ledger_query_cursor(&q, &r);
	assert_true(q.has_cursor);
	assert_int_equal(q.cursor_id, 43);
	assert_false(q.cursor_null);
	assert_string_equal(q.cursor_value, "");
	q.sort = t.nfields; /* out of range: by id too */
	ledger_query_cursor(&q, &r);
	assert_string_equal(q.cursor_value, "");
	ledger_record_release(&r);
	ledger_template_release(&t);
	/* numbers: empty is NULL, a value is the number */
	load_shipped("supplies", &t);
	ledger_record_init(&r, &t);
	memset(&q, 0, sizeof(q));
	q.t = &t;
	q.sort = 2;
	r.id = 9;
	ledger_query_cursor(&q, &r);
	assert_true(q.cursor_null);
	assert_int_equal(q.cursor_id, 9);
	ledger_record_set(&r, 2, "12");
	ledger_query_cursor(&q, &r);
	assert_false(q.cursor_null);
	assert_string_equal(q.cursor_value, "12");
	ledger_record_release(&r);
	ledger_template_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_template_assets),
		cmocka_unit_test(test_template_contracts),
		cmocka_unit_test(test_template_supplies),
		cmocka_unit_test(test_template_rules_and_roles),
		cmocka_unit_test(test_template_mistakes),
		cmocka_unit_test(test_template_too_many_blocks),
		cmocka_unit_test_setup_teardown(test_set_load_shipped, set_setup, set_teardown),
		cmocka_unit_test_setup_teardown(test_set_load_references, set_setup, set_teardown),
		cmocka_unit_test_setup_teardown(test_set_load_reference_by_id, set_setup, set_teardown),
		cmocka_unit_test_setup_teardown(test_set_load_builtin_names, set_setup, set_teardown),
		cmocka_unit_test_setup_teardown(test_set_load_order, set_setup, set_teardown),
		cmocka_unit_test(test_field_find),
		cmocka_unit_test(test_value_check),
		cmocka_unit_test(test_value_check_person),
		cmocka_unit_test(test_record_check),
		cmocka_unit_test(test_record_copy),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_filter_bind),
		cmocka_unit_test_setup_teardown(test_filter_bind_field_named_id, template_setup, template_teardown),
		cmocka_unit_test(test_query_cursor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
