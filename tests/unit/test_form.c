/*
 * test_form.c - the Markdown form parser: the shipped forms, every kind of
 * mistake reported with its line, category limits by rank, and the field
 * types only ledger templates may use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bursar/form.h"
#include "bursar/util.h"

static bool known(const char *code, void *arg)
{
	(void)arg;
	return strcmp(code, "nosuch") != 0;
}

/* Parses text; returns the problem count and leaves the messages in errs. */
static int parse(const char *text, struct form *f, char *errs, size_t size)
{
	int n;

	errs[0] = '\0';
	n = form_parse("t.md", text, f, known, NULL, errs, size);
	return n;
}

#define HEAD "# 测试 | Test\n\n```categories\nother\n```\n"

static void test_shipped_forms(void **state)
{
	struct form_set set;
	char errs[4096] = "";
	const struct form *travel;

	(void)state;
	assert_int_equal(form_set_load(&set, "forms", known, NULL, errs, sizeof(errs)), 0);
	assert_string_equal(errs, "");
	assert_int_equal(set.n, 4);
	assert_string_equal(set.forms[0].id, "advance"); /* sorted, README.md skipped */
	assert_string_equal(set.forms[0].categories[0].code, "advance");
	travel = form_set_find(&set, "travel");
	assert_non_null(travel);
	assert_string_equal(form_title(travel, "zh_CN"), "差旅费报销");
	assert_string_equal(form_title(travel, "en"), "Travel expenses");
	assert_string_equal(travel->fields[0].name, "purpose");
	assert_true(travel->fields[0].required);
	assert_int_equal(travel->fields[0].max, 200);
	assert_int_equal(travel->fields[3].type, FIELD_DATERANGE);
	assert_string_equal(form_field_label(&travel->fields[1], "en"), "From");
	assert_non_null(strstr(travel->help, "30 天内提交"));
	assert_null(strstr(travel->help, "```field")); /* declarations are not help */
	assert_null(form_set_find(&set, "README"));
	form_set_release(&set);
}

static void test_limits_by_rank(void **state)
{
	struct form f;
	char errs[1024];

	(void)state;
	assert_int_equal(parse("# A | A\n\n```categories\nlodging staff=500.00 manager=800 *=1,200.00\ntaxi\n```\n",
			       &f, errs, sizeof(errs)),
			 0);
	assert_int_equal(f.ncategories, 2);
	assert_int_equal(form_category_limit(&f.categories[0], "staff"), 50000);
	assert_int_equal(form_category_limit(&f.categories[0], "manager"), 80000);
	assert_int_equal(form_category_limit(&f.categories[0], "director"), 120000);
	assert_int_equal(form_category_limit(&f.categories[0], NULL), 120000);
	assert_int_equal(form_category_limit(&f.categories[1], "staff"), -1);
	form_release(&f);
}

static void test_money_and_choice_fields(void **state)
{
	struct form f;
	char errs[1024];

	(void)state;
	assert_int_equal(parse(HEAD "```field\nname: budget\ntype: money\nmin: 0.01\nmax: 5,000.00\n```\n"
				    "```field\nname: tier\nlabel: 级别\ntype: choice\noptions: a | b |  c \n```\n",
			       &f, errs, sizeof(errs)),
			 0);
	assert_int_equal(f.fields[0].min, 1);
	assert_int_equal(f.fields[0].max, 500000);
	assert_int_equal(f.fields[1].noptions, 3);
	assert_string_equal(f.fields[1].options[2], "c");
	assert_string_equal(form_field_label(&f.fields[1], "en"), "级别"); /* no English part */
	assert_string_equal(form_field_label(&f.fields[0], "zh_CN"), "budget"); /* no label: the name */
	form_release(&f);
}

struct bad {
	const char *text;
	const char *expect; /* substring of the message, including the line */
};

static void test_mistakes(void **state)
{
	static const struct bad cases[] = {
		{ HEAD "\n```field\nname: a\ncolour: red\n```\n", "t.md:9: unknown key `colour`" },
		{ HEAD "```field\nname: a\ntype: money2\n```\n", "t.md:8: unknown type `money2`" },
		{ HEAD "```field\nname: A b\n```\n", "t.md:7: field name `A b`" },
		{ HEAD "```field\nlabel: x\n```\n", "t.md:6: field without a name" },
		{ HEAD "```field\nname: a\n```\n```field\nname: a\n```\n", "field `a` is declared twice" },
		{ HEAD "```field\nname: a\ntype: choice\n```\n", "choice field `a` needs options" },
		{ HEAD "```field\nname: a\ntype: money\nmax: 1.234\n```\n", "t.md:9: max `1.234` is not a valid amount" },
		{ HEAD "```field\nname: a\ntype: date\nmax: 3\n```\n", "t.md:9: min/max do not apply to date" },
		{ HEAD "```field\nname: a\ntype: number\nmin: 5\nmax: 1\n```\n", "t.md:10: max is smaller than min" },
		{ HEAD "```field\nname: a\npattern: ([a-z\n```\n", "t.md:8: pattern is not a valid regular" },
		{ HEAD "```field\nname: a\nrequired: maybe\n```\n", "t.md:8: required must be yes or no" },
		{ HEAD "```field\nname: a\n\n\nno colon here\n```\n", "t.md:10: expected `key: value`" },
		{ "```categories\nother\n```\n", "t.md:1: the form needs a title" },
		{ "# T\n\nprose only\n", "the form lists no expense categories" },
		{ "# T\n```categories\nother\nnosuch\n```\n", "t.md:4: unknown category `nosuch`" },
		{ "# T\n```categories\nlodging staff=abc\n```\n", "t.md:3: limit `abc` is not a positive amount" },
		{ "# T\n```categories\nlodging staff\n```\n", "t.md:3: expected RANK=AMOUNT" },
		{ "# T\n```categories\nother\nother\n```\n", "t.md:4: category `other` is listed twice" },
		{ "# T\n```categories\nother\n```\n```categories\ntaxi\n```\n", "only one categories block" },
	};
	char errs[2048];
	struct form f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = parse(cases[i].text, &f, errs, sizeof(errs));
		if (n == 0 || !strstr(errs, cases[i].expect))
			fail_msg("case %zu: expected \"%s\", got %d problem(s): %s", i, cases[i].expect, n, errs);
		form_release(&f);
	}
}

/*
 * Attachment and reference fields belong to ledger templates: a claim form
 * refuses them (claims attach files to lines), form_field_parse() with
 * ledger=true takes them, and a reference must name its ledger.
 */
static void test_ledger_only_types(void **state)
{
	struct form_field fields[FORM_MAX_FIELDS];
	struct form_problems p;
	struct form f;
	char errs[2048];
	int n = 0;

	(void)state;
	assert_int_equal(field_type_from_name("attachment"), FIELD_ATTACHMENT);
	assert_int_equal(field_type_from_name("reference"), FIELD_REFERENCE);
	assert_string_equal(field_type_name(FIELD_REFERENCE), "reference");
	assert_int_equal(parse(HEAD "```field\nname: scan\ntype: attachment\n```\n", &f, errs, sizeof(errs)), 1);
	assert_non_null(strstr(errs, "t.md:6: attachment fields are for ledger templates"));
	form_release(&f);
	assert_int_equal(
	    parse(HEAD "```field\nname: other\ntype: reference\nref: contracts\n```\n", &f, errs, sizeof(errs)), 1);
	assert_non_null(strstr(errs, "t.md:6: reference fields are for ledger templates"));
	form_release(&f);
	/* in a ledger template: a block whose first line is line 4 has its fence on line 3 */
	errs[0] = '\0';
	form_problems_init(&p, "l.md", errs, sizeof(errs));
	form_field_parse(&p, fields, &n, FORM_MAX_FIELDS, "name: scan\nlabel: 扫描件 | Scan\ntype: attachment\n", 4,
			 true);
	form_field_parse(&p, fields, &n, FORM_MAX_FIELDS, "name: contract\ntype: reference\nref: contracts\n", 10,
			 true);
	assert_int_equal(p.count, 0);
	assert_string_equal(errs, "");
	assert_int_equal(n, 2);
	assert_int_equal(fields[0].type, FIELD_ATTACHMENT);
	assert_string_equal(form_field_label(&fields[0], "en"), "Scan");
	assert_int_equal(fields[1].type, FIELD_REFERENCE);
	assert_string_equal(fields[1].ref, "contracts");
	assert_int_equal(fields[1].line, 9);
	/* what a ledger template still may not say */
	form_field_parse(&p, fields, &n, FORM_MAX_FIELDS, "name: other\ntype: reference\n", 20, true);
	assert_non_null(strstr(errs, "l.md:19: reference field `other` needs `ref: LEDGER`"));
	form_field_parse(&p, fields, &n, FORM_MAX_FIELDS, "name: note\nref: contracts\n", 30, true);
	assert_non_null(strstr(errs, "l.md:29: ref is only for reference fields"));
	form_field_parse(&p, fields, &n, FORM_MAX_FIELDS, "name: third\ntype: reference\nref: Bad Name\n", 40, true);
	assert_non_null(strstr(errs, "l.md:42: ref names a ledger"));
	form_field_parse(&p, fields, &n, FORM_MAX_FIELDS, "name: pic\ntype: attachment\nmax: 3\n", 50, true);
	assert_non_null(strstr(errs, "l.md:52: min/max do not apply to attachment fields"));
	form_field_parse(&p, fields, &n, FORM_MAX_FIELDS, "name: scan\ntype: attachment\n", 60, true);
	assert_non_null(strstr(errs, "l.md:59: field `scan` is declared twice"));
	assert_int_equal(p.count, 5);
}

static void test_bad_file_does_not_stop_others(void **state)
{
	char dir[] = "/tmp/bursar-forms-XXXXXX", path[256], errs[2048] = "";
	struct form_set set;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/good.md", dir);
	fp = fopen(path, "w");
	fputs("# 好 | Good\n```categories\nother\n```\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/broken.md", dir);
	fp = fopen(path, "w");
	fputs("# 坏 | Broken\n```field\nname: x\ntype: nope\n```\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/Bad-Name.md", dir);
	fp = fopen(path, "w");
	fputs("# x\n", fp);
	fclose(fp);
	assert_int_equal(form_set_load(&set, dir, known, NULL, errs, sizeof(errs)), 2);
	assert_int_equal(set.n, 1);
	assert_string_equal(set.forms[0].id, "good");
	assert_non_null(strstr(errs, "broken.md:4: unknown type `nope`"));
	assert_non_null(strstr(errs, "Bad-Name.md:1: form file names"));
	form_set_release(&set);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
	assert_int_equal(form_set_load(&set, "/nonexistent-dir", known, NULL, errs, sizeof(errs)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_forms),     cmocka_unit_test(test_limits_by_rank),
		cmocka_unit_test(test_money_and_choice_fields), cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_bad_file_does_not_stop_others), cmocka_unit_test(test_ledger_only_types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
