/*
 * test_text.c - column widths, fitting and sanitising of UTF-8 text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bursar/i18n.h"
#include "bursar/role.h"
#include "bursar/text.h"

#define ELL "\xe2\x80\xa6" /* U+2026 */

/* Whether s is well-formed UTF-8 (no truncated or stray sequences). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (!n)
			return 0;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

static void test_width_basic(void **state)
{
	(void)state;
	assert_int_equal(text_width(""), 0);
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("张伟"), 4);
	assert_int_equal(text_width("a张b伟c"), 7);
	assert_int_equal(text_width("Zhang 张伟 (finance)"), 20);
	assert_int_equal(text_width(ELL), 1);
	assert_int_equal(text_width("é"), 1);       /* precomposed, 2 bytes */
	assert_int_equal(text_width("e\xcc\x81"), 1); /* e + combining acute */
	assert_int_equal(text_width("ｆｕｌｌ"), 8);   /* fullwidth Latin */
}

static void test_width_invalid(void **state)
{
	(void)state;
	assert_int_equal(text_width("\xff"), 1);
	assert_int_equal(text_width("a\xffz"), 3);
	assert_int_equal(text_width("\x80\x80"), 2);
	/* Truncated 3-byte sequence: each byte counts 1. */
	assert_int_equal(text_width("a\xe5\xbc"), 3);
	/* Overlong encoding of '/'. */
	assert_int_equal(text_width("\xc0\xaf"), 2);
	/* Controls count as one column. */
	assert_int_equal(text_width("\t"), 1);
	assert_int_equal(text_width("a\x1b"), 2);
}

static void test_fit_pad_ascii(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_fit(out, sizeof(out), "abc", 6, 1, 0), 6);
	assert_string_equal(out, "abc   ");
	assert_int_equal(text_fit(out, sizeof(out), "abc", 3, 1, 1), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(text_fit(out, sizeof(out), "abc", 6, 0, 0), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(text_fit(out, sizeof(out), "", 4, 1, 1), 4);
	assert_string_equal(out, "    ");
	assert_int_equal(text_fit(out, sizeof(out), "", 4, 0, 1), 0);
	assert_string_equal(out, "");
}

static void test_fit_cut_ascii(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_fit(out, sizeof(out), "abcdef", 4, 0, 0), 4);
	assert_string_equal(out, "abcd");
	assert_int_equal(text_fit(out, sizeof(out), "abcdef", 4, 1, 1), 4);
	assert_string_equal(out, "abc" ELL);
	assert_int_equal(text_fit(out, sizeof(out), "abcdef", 4, 0, 1), 4);
	assert_string_equal(out, "abc" ELL);
	/* Exactly fitting text gets no ellipsis. */
	assert_int_equal(text_fit(out, sizeof(out), "abcd", 4, 0, 1), 4);
	assert_string_equal(out, "abcd");
}

static void test_fit_cjk_pad(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_fit(out, sizeof(out), "张伟", 6, 1, 0), 6);
	assert_string_equal(out, "张伟  ");
	assert_int_equal(text_width(out), 6);
	assert_int_equal(text_fit(out, sizeof(out), "张伟", 4, 1, 1), 4);
	assert_string_equal(out, "张伟");
}

static void test_fit_cjk_odd_cut(void **state)
{
	const char *s = "张伟李娜王芳";
	char out[64];

	(void)state;
	/* cols 0 is test_fit_zero_columns_with_ellipsis. */
	for (int cols = 1; cols <= 14; cols++)
		for (int pad = 0; pad <= 1; pad++)
			for (int ell = 0; ell <= 1; ell++) {
				int w = text_fit(out, sizeof(out), s, cols, pad, ell);
				if (!utf8_ok(out) || text_width(out) != w || w > cols || (pad && w != cols))
					print_error("cols=%d pad=%d ell=%d -> \"%s\" (%d)\n", cols, pad, ell, out, w);
				assert_true(utf8_ok(out));
				assert_int_equal(text_width(out), w);
				assert_true(w <= cols);
				if (pad)
					assert_int_equal(w, cols);
			}
	/* Odd cut without ellipsis: the half character is left out, padding fills. */
	assert_int_equal(text_fit(out, sizeof(out), s, 5, 0, 0), 4);
	assert_string_equal(out, "张伟");
	assert_int_equal(text_fit(out, sizeof(out), s, 5, 1, 0), 5);
	assert_string_equal(out, "张伟 ");
	/* With ellipsis: 张伟 + … = 5 columns. */
	assert_int_equal(text_fit(out, sizeof(out), s, 5, 1, 1), 5);
	assert_string_equal(out, "张伟" ELL);
	/* Even cut with ellipsis: 张伟 + … + pad. */
	assert_int_equal(text_fit(out, sizeof(out), s, 6, 1, 1), 6);
	assert_string_equal(out, "张伟" ELL " ");
	assert_int_equal(text_fit(out, sizeof(out), s, 12, 1, 1), 12);
	assert_string_equal(out, s);
}

static void test_fit_tiny_columns(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_fit(out, sizeof(out), "abc", 1, 0, 1), 1);
	assert_string_equal(out, ELL);
	assert_int_equal(text_fit(out, sizeof(out), "abc", 1, 1, 0), 1);
	assert_string_equal(out, "a");
	assert_int_equal(text_fit(out, sizeof(out), "张伟", 1, 1, 0), 1);
	assert_string_equal(out, " ");
	assert_int_equal(text_fit(out, sizeof(out), "张伟", 1, 0, 1), 1);
	assert_string_equal(out, ELL);
	assert_int_equal(text_fit(out, sizeof(out), "a", 1, 1, 1), 1);
	assert_string_equal(out, "a");

	assert_int_equal(text_fit(out, sizeof(out), "abc", 0, 0, 0), 0);
	assert_string_equal(out, "");
	assert_int_equal(text_fit(out, sizeof(out), "abc", 0, 1, 0), 0);
	assert_string_equal(out, "");
	assert_int_equal(text_fit(out, sizeof(out), "", 0, 1, 1), 0);
	assert_string_equal(out, "");
}

/* text.h: "cut to at most cols columns" - also with ellipsis and cols 0. */
static void test_fit_zero_columns_with_ellipsis(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_fit(out, sizeof(out), "abc", 0, 0, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(text_fit(out, sizeof(out), "张伟", 0, 1, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(text_fit(out, sizeof(out), "abc", -2, 1, 1), 0);
	assert_string_equal(out, "");
}

static void test_fit_small_buffer(void **state)
{
	char out[4] = "xyz";

	(void)state;
	/* Never writes past size (ASan checks the heap buffers) and always terminates. */
	for (size_t size = 1; size <= 12; size++) {
		char *buf = malloc(size);
		assert_non_null(buf);
		int w = text_fit(buf, size, "张伟李娜王芳abcdefgh", 40, 1, 1);
		assert_true(strlen(buf) < size);
		assert_true(utf8_ok(buf));
		assert_int_equal(text_width(buf), w);
		free(buf);
	}
	assert_int_equal(text_fit(out, 0, "abc", 3, 1, 1), 0);
	assert_string_equal(out, "xyz");
}

static void test_fit_invalid_bytes(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(text_fit(out, sizeof(out), "a\xff" "b", 5, 1, 0), 5);
	assert_string_equal(out, "a?b  ");
	assert_int_equal(text_fit(out, sizeof(out), "a\x1b[2Jb", 10, 0, 0), 6);
	assert_string_equal(out, "a?[2Jb");
	assert_true(utf8_ok(out));
}

static void test_sanitize(void **state)
{
	char s1[] = "plain text 张伟";
	char s2[] = "a\x1b[31mred\x07\n\tz";
	char s3[] = "del\x7f!";
	char s4[] = "bad\xff\xfe utf8 \xe5\xbc";
	char s5[] = "";

	(void)state;
	text_sanitize(s1);
	assert_string_equal(s1, "plain text 张伟");
	text_sanitize(s2);
	assert_string_equal(s2, "a?[31mred???z");
	text_sanitize(s3);
	assert_string_equal(s3, "del?!");
	text_sanitize(s4);
	assert_string_equal(s4, "bad?? utf8 ??");
	assert_true(utf8_ok(s4));
	text_sanitize(s5);
	assert_string_equal(s5, "");
}

static void test_escape(void **state)
{
	char out[64];

	(void)state;
	text_escape(out, sizeof(out), "张伟 ok");
	assert_string_equal(out, "张伟 ok");
	text_escape(out, sizeof(out), "a\x01" "b\x7f");
	assert_string_equal(out, "a\\x01b\\x7f");
	/* invalid UTF-8 and a C1 control (U+009B, CSI) never pass through raw */
	text_escape(out, sizeof(out), "x\xffy");
	assert_string_equal(out, "x\\xffy");
	text_escape(out, sizeof(out), "\xc2\x9b[2J");
	assert_string_equal(out, "\\xc2\\x9b[2J");
	/* truncation keeps whole escapes and characters */
	text_escape(out, 6, "\x01\x02");
	assert_string_equal(out, "\\x01");
	text_escape(out, 5, "ab张");
	assert_string_equal(out, "ab");
}

static void test_role_labels(void **state)
{
	char buf[64];

	(void)state;
	role_mask_label(ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_AUDITOR), buf, sizeof(buf));
	assert_string_equal(buf, "staff, auditor");
	i18n_set_language("zh_CN");
	role_mask_label(ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_AUDITOR), buf, sizeof(buf));
	assert_string_equal(buf, "员工, 审计员");
	role_mask_format(ROLE_BIT(ROLE_STAFF), buf, sizeof(buf));
	assert_string_equal(buf, "staff"); /* config names are never translated */
	i18n_set_language("en");
	role_mask_label(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width_basic),
		cmocka_unit_test(test_width_invalid),
		cmocka_unit_test(test_fit_pad_ascii),
		cmocka_unit_test(test_fit_cut_ascii),
		cmocka_unit_test(test_fit_cjk_pad),
		cmocka_unit_test(test_fit_cjk_odd_cut),
		cmocka_unit_test(test_fit_tiny_columns),
		cmocka_unit_test(test_fit_zero_columns_with_ellipsis),
		cmocka_unit_test(test_fit_small_buffer),
		cmocka_unit_test(test_fit_invalid_bytes),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_role_labels),
	};

	if (!setlocale(LC_ALL, "C.UTF-8")) {
		fputs("test_text: C.UTF-8 locale unavailable\n", stderr);
		return 1;
	}
	i18n_init("build/locale"); /* tests run from the repository root */
	i18n_set_language("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
