/*
 * fuzz_text.c - text_width(), text_fit() and text_sanitize() on arbitrary
 * bytes (names, departments and other directory attributes shown on screen,
 * which may hold any UTF-8, CJK, or broken bytes).
 *
 * text_fit() runs for several column counts, with pad and ellipsis on and
 * off, into a small and a large heap buffer of exactly the passed size.
 * Invariants (include/bursar/text.h):
 *   - the output is NUL-terminated inside the buffer;
 *   - the returned width is 0..cols (the string is cut to at most cols);
 *   - for valid UTF-8 input, text_width(out) equals the returned width;
 *   - with a large buffer: pad gives exactly cols; for printable valid
 *     UTF-8 a string that fits is copied unchanged, and without pad or
 *     ellipsis the output is a prefix of the input;
 *   - text_sanitize() keeps the length, leaves valid UTF-8 without control
 *     characters, and is idempotent.
 *
 * Build with -DFUZZ_SKIP_KNOWN to skip inputs that hit already reported
 * bugs, so that a run can look for new ones.
 */
#define _XOPEN_SOURCE 700
#include "bursar/text.h"

#include <locale.h>
#include <wchar.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!setlocale(LC_ALL, "C.UTF-8")) {
		fprintf(stderr, "fuzz_text: no C.UTF-8 locale\n");
		abort();
	}
	return 0;
}

/* Valid UTF-8 whose every character has a non-negative wcwidth. */
static bool printable(const char *s)
{
	mbstate_t st;
	size_t len = strlen(s);

	if (!fuzz_utf8_valid(s))
		return false;
	memset(&st, 0, sizeof(st));
	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || wcwidth(wc) < 0)
			return false;
		s += n;
		len -= n;
	}
	return true;
}

static void fit_check(const char *s, int width, bool valid, bool print, size_t size, bool large, int cols,
		      int pad, int ellipsis)
{
	char *out = malloc(size);
	int used;

	if (!out)
		abort();
	memset(out, 'X', size);
	used = text_fit(out, size, s, cols, pad, ellipsis);
	FUZZ_CHECK(fuzz_terminated(out, size));
	FUZZ_CHECK(used >= 0);
#ifdef FUZZ_SKIP_KNOWN
	/* Known bug: cols 0 with ellipsis still writes the one-column "…". */
	if (cols == 0 && ellipsis && used == 1 && width > 0) {
		free(out);
		return;
	}
#endif
	FUZZ_CHECK(used <= cols);
	if (valid)
		FUZZ_CHECK(text_width(out) == used);
	if (large) {
		if (pad)
			FUZZ_CHECK(used == cols);
		if (print && !pad && width <= cols)
			FUZZ_CHECK(!strcmp(out, s));
		if (print && !ellipsis && !pad)
			FUZZ_CHECK(!strncmp(out, s, strlen(out)));
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int cols_list[] = { 0, 1, 2, 7, 80 };
	char *s = fuzz_cstr(data, size), *copy;
	size_t len = strlen(s);
	bool valid = fuzz_utf8_valid(s), print = printable(s);
	int width = text_width(s);

	FUZZ_CHECK(width >= 0);
	FUZZ_CHECK((size_t)width <= len * 2);
	for (size_t c = 0; c < sizeof(cols_list) / sizeof(cols_list[0]); c++)
		for (int pad = 0; pad <= 1; pad++)
			for (int ell = 0; ell <= 1; ell++) {
				fit_check(s, width, valid, print, 6, false, cols_list[c], pad, ell);
				fit_check(s, width, valid, print, len + 128, true, cols_list[c], pad, ell);
			}

	copy = malloc(len + 1);
	if (!copy)
		abort();
	memcpy(copy, s, len + 1);
	text_sanitize(copy);
	FUZZ_CHECK(strlen(copy) == len);
	FUZZ_CHECK(fuzz_utf8_valid(copy));
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK((unsigned char)copy[i] >= 0x20 && copy[i] != 0x7f);
	if (print)
		FUZZ_CHECK(!strcmp(copy, s));
	{
		char *again = malloc(len + 1);
		if (!again)
			abort();
		memcpy(again, copy, len + 1);
		text_sanitize(again);
		FUZZ_CHECK(!strcmp(again, copy));
		free(again);
	}
	free(copy);
	free(s);
	return 0;
}
