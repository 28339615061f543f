/*
 * test_theme.c - theme parsing, name rules, loading and listing.
 * Run from the repository root (themes/ is read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bursar/err.h"
#include "bursar/theme.h"

#define THEMES_DIR "themes"

static const char valid_theme[] =
	"; a test theme\n"
	"[theme]\n"
	"description = Test theme ; with comment\n"
	"borders = ascii\n"
	"\n"
	"[colors]\n"
	"normal   = default default\n"
	"header   = bright-white blue bold\n"
	"status   = black cyan\n"
	"selected = Black Bright-Cyan bold reverse\n"
	"border   = blue default\n"
	"title    = bright-blue default bold underline\n"
	"dim      = bright-black default dim\n"
	"warn     = yellow default bold\n"
	"error    = bright-red, default, bold\n"
	"ok       = green magenta\n"
	"key      = white red reverse\n";

static int parse(const char *text, struct theme *t, char *msg, size_t size)
{
	theme_builtin(t);
	msg[0] = '\0';
	return theme_parse_string(text, t, msg, size);
}

static void expect_error(const char *text, int line, const char *needle)
{
	struct theme t;
	char msg[BR_MSG_MAX], want[32];
	int rc = parse(text, &t, msg, sizeof(msg));

	snprintf(want, sizeof(want), "line %d", line);
	if (rc != BR_ERR_INVALID || !strstr(msg, want) || !strstr(msg, needle))
		print_error("<<%s>> gave rc=%d msg=\"%s\"; wanted \"%s\" and \"%s\"\n", text, rc, msg, want, needle);
	assert_int_equal(rc, BR_ERR_INVALID);
	assert_non_null(strstr(msg, want));
	assert_non_null(strstr(msg, needle));
}

static void test_builtin(void **state)
{
	struct theme t;

	(void)state;
	memset(&t, 0x33, sizeof(t));
	theme_builtin(&t);
	assert_string_equal(t.name, "builtin");
	assert_false(t.ascii_borders);
	for (int i = 0; i < THEME_COUNT; i++) {
		assert_int_equal(t.style[i].fg, THEME_DEFAULT_COLOR);
		assert_int_equal(t.style[i].bg, THEME_DEFAULT_COLOR);
	}
	assert_true(t.style[THEME_SELECTED].attrs & THEME_REVERSE);
	assert_int_equal(t.style[THEME_NORMAL].attrs, 0);
}

static void test_parse_valid(void **state)
{
	struct theme t;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(valid_theme, &t, msg, sizeof(msg)), BR_OK);
	assert_string_equal(t.description, "Test theme");
	assert_true(t.ascii_borders);

	assert_int_equal(t.style[THEME_NORMAL].fg, THEME_DEFAULT_COLOR);
	assert_int_equal(t.style[THEME_NORMAL].bg, THEME_DEFAULT_COLOR);
	assert_int_equal(t.style[THEME_NORMAL].attrs, 0);

	/* bright-white = 8 + 7, blue = 4 */
	assert_int_equal(t.style[THEME_HEADER].fg, 8 + 7);
	assert_int_equal(t.style[THEME_HEADER].bg, 4);
	assert_int_equal(t.style[THEME_HEADER].attrs, THEME_BOLD);

	assert_int_equal(t.style[THEME_STATUS].fg, 0);
	assert_int_equal(t.style[THEME_STATUS].bg, 6);
	assert_int_equal(t.style[THEME_STATUS].attrs, 0);

	/* Case-insensitive colours; several attributes. */
	assert_int_equal(t.style[THEME_SELECTED].fg, 0);
	assert_int_equal(t.style[THEME_SELECTED].bg, 8 + 6);
	assert_int_equal(t.style[THEME_SELECTED].attrs, THEME_BOLD | THEME_REVERSE);

	assert_int_equal(t.style[THEME_BORDER].fg, 4);
	assert_int_equal(t.style[THEME_TITLE].fg, 8 + 4);
	assert_int_equal(t.style[THEME_TITLE].attrs, THEME_BOLD | THEME_UNDERLINE);
	assert_int_equal(t.style[THEME_DIM].fg, 8 + 0);
	assert_int_equal(t.style[THEME_DIM].attrs, THEME_DIMMED);
	assert_int_equal(t.style[THEME_WARN].fg, 3);
	/* Commas separate words too. */
	assert_int_equal(t.style[THEME_ERROR].fg, 8 + 1);
	assert_int_equal(t.style[THEME_ERROR].bg, THEME_DEFAULT_COLOR);
	assert_int_equal(t.style[THEME_ERROR].attrs, THEME_BOLD);
	assert_int_equal(t.style[THEME_OK].fg, 2);
	assert_int_equal(t.style[THEME_OK].bg, 5);
	assert_int_equal(t.style[THEME_KEY].fg, 7);
	assert_int_equal(t.style[THEME_KEY].bg, 1);
	assert_int_equal(t.style[THEME_KEY].attrs, THEME_REVERSE);
}

static void test_parse_partial_keeps_builtin(void **state)
{
	struct theme t;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse("[colors]\nheader = red green\n[theme]\nborders = unicode\n", &t, msg, sizeof(msg)),
			 BR_OK);
	assert_false(t.ascii_borders);
	assert_int_equal(t.style[THEME_HEADER].fg, 1);
	assert_int_equal(t.style[THEME_HEADER].bg, 2);
	/* An explicit style replaces the built-in attributes entirely. */
	assert_int_equal(t.style[THEME_HEADER].attrs, 0);
	/* Untouched elements keep the built-in style. */
	assert_int_equal(t.style[THEME_SELECTED].attrs, THEME_REVERSE | THEME_BOLD);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("[colors]\nnormal = default default\nheadr = red blue\n", 3, "headr");
	expect_error("[colors]\nheadr = red blue\n", 2, "unknown element");
	expect_error("[colors]\n\nheader = purple blue\n", 3, "header");
	expect_error("[colors]\nheader = purple blue\n", 2, "unknown colour");
	expect_error("[colors]\nheader = red purple\n", 2, "unknown colour");
	expect_error("[colors]\nheader = bright- blue\n", 2, "unknown colour");
	expect_error("[colors]\nheader = bright-default blue\n", 2, "unknown colour");
	expect_error("[colors]\nheader = red\n", 2, "background");
	expect_error("[colors]\nheader =\n", 2, "header");
	expect_error("[colors]\nheader = red blue blink\n", 2, "unknown attribute");
	expect_error("[theme]\nborders = fancy\n", 2, "borders");
	expect_error("[theme]\nborders = fancy\n", 2, "unicode or ascii");
	expect_error("[theme]\nborders = ASCII\n", 2, "borders");
	expect_error("[theme]\ncolour = red\n", 2, "unknown key");
	expect_error("[theme]\ndescription = x\n[palette]\nnormal = red blue\n", 4, "unknown section");
	expect_error("[colors]\nthis is not ini\n", 2, "line 2");
	/* The first problem is the one reported. */
	expect_error("[colors]\nnormal = red blue\nheader = red\nbogus = x y\n", 3, "header");
}

static void test_name_valid(void **state)
{
	char name[40];

	(void)state;
	assert_true(theme_name_valid("default"));
	assert_true(theme_name_valid("mono"));
	assert_true(theme_name_valid("high-contrast_2"));
	assert_true(theme_name_valid("a"));
	assert_true(theme_name_valid("0"));
	assert_false(theme_name_valid(""));
	assert_false(theme_name_valid("A"));
	assert_false(theme_name_valid("Default"));
	assert_false(theme_name_valid("../x"));
	assert_false(theme_name_valid(".."));
	assert_false(theme_name_valid("a/b"));
	assert_false(theme_name_valid("/etc/passwd"));
	assert_false(theme_name_valid("mono.theme"));
	assert_false(theme_name_valid("my theme"));
	assert_false(theme_name_valid("x\n"));
	assert_false(theme_name_valid("主题"));

	memset(name, 'a', sizeof(name));
	name[32] = '\0';
	assert_true(theme_name_valid(name));
	name[32] = 'a';
	name[33] = '\0';
	assert_false(theme_name_valid(name));
}

static void test_load_repository_themes(void **state)
{
	static const char *const names[] = { "default", "mono", "contrast" };
	struct theme t;
	char msg[BR_MSG_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		msg[0] = '\0';
		int rc = theme_load(THEMES_DIR, names[i], &t, msg, sizeof(msg));
		if (rc)
			print_error("theme %s: %s\n", names[i], msg);
		assert_int_equal(rc, BR_OK);
		assert_string_equal(t.name, names[i]);
		assert_true(t.description[0] != '\0');
		assert_string_not_equal(t.description, "Built-in plain theme");
	}

	assert_int_equal(theme_load(THEMES_DIR, "mono", &t, msg, sizeof(msg)), BR_OK);
	assert_true(t.ascii_borders);
	for (int i = 0; i < THEME_COUNT; i++) {
		assert_int_equal(t.style[i].fg, THEME_DEFAULT_COLOR);
		assert_int_equal(t.style[i].bg, THEME_DEFAULT_COLOR);
	}
	assert_int_equal(t.style[THEME_ERROR].attrs, THEME_BOLD | THEME_UNDERLINE);

	assert_int_equal(theme_load(THEMES_DIR, "default", &t, msg, sizeof(msg)), BR_OK);
	assert_false(t.ascii_borders);
	assert_int_equal(t.style[THEME_HEADER].fg, 15);
	assert_int_equal(t.style[THEME_HEADER].bg, 4);

	assert_int_equal(theme_load(THEMES_DIR, "contrast", &t, msg, sizeof(msg)), BR_OK);
	assert_false(t.ascii_borders);
	assert_int_equal(t.style[THEME_NORMAL].fg, 15);
	assert_int_equal(t.style[THEME_NORMAL].bg, 0);
}

static void test_load_errors(void **state)
{
	struct theme t;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(theme_load(THEMES_DIR, "no-such-theme", &t, msg, sizeof(msg)), BR_ERR_NOT_FOUND);
	assert_non_null(strstr(msg, "no-such-theme"));
	/* Falls back to the built-in on failure. */
	assert_string_equal(t.name, "builtin");

	assert_int_equal(theme_load(THEMES_DIR, "../themes/mono", &t, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_int_equal(theme_load(THEMES_DIR, "Mono", &t, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_int_equal(theme_load(THEMES_DIR, "", &t, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_string_equal(t.name, "builtin");
}

static void test_load_bad_file_and_list(void **state)
{
	char dir[] = "/tmp/bursar-test-theme-XXXXXX";
	char path[128], names[8][THEME_NAME_MAX];
	static const char *const files[] = { "zeta.theme", "alpha.theme", "broken.theme", "Upper.theme",
					     "notes.txt",  ".theme",      "x.theme.bak" };
	struct theme t;
	char msg[BR_MSG_MAX];
	FILE *f;
	int n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(strcmp(files[i], "broken.theme") ? "[colors]\nnormal = red blue\n" : "[colors]\n\nnormal = red\n",
		      f);
		fclose(f);
	}

	assert_int_equal(theme_load(dir, "broken", &t, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "broken.theme"));
	assert_non_null(strstr(msg, "line 3"));
	assert_int_equal(theme_load(dir, "alpha", &t, msg, sizeof(msg)), BR_OK);
	assert_int_equal(t.style[THEME_NORMAL].fg, 1);

	n = theme_list(dir, names, 8);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "alpha");
	assert_string_equal(names[1], "broken");
	assert_string_equal(names[2], "zeta");
	/* max is honoured. */
	assert_int_equal(theme_list(dir, names, 1), 1);
	assert_int_equal(theme_list(dir, names, 0), 0);

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void test_list_repository(void **state)
{
	char names[16][THEME_NAME_MAX];
	int n;

	(void)state;
	n = theme_list(THEMES_DIR, names, 16);
	assert_true(n >= 3);
	for (int i = 1; i < n; i++)
		assert_true(strcmp(names[i - 1], names[i]) < 0);
	int seen = 0;
	for (int i = 0; i < n; i++) {
		if (!strcmp(names[i], "default"))
			seen |= 1;
		else if (!strcmp(names[i], "mono"))
			seen |= 2;
		else if (!strcmp(names[i], "contrast"))
			seen |= 4;
	}
	assert_int_equal(seen, 7);
	assert_int_equal(theme_list("/nonexistent-bursar-themes", names, 16), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_partial_keeps_builtin),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_load_repository_themes),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_load_bad_file_and_list),
		cmocka_unit_test(test_list_repository),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
