/*
 * fuzz_markdown.c - md_layout(), which lays out the help prose of claim
 * forms (files written by people) for the terminal.
 *
 * Invariants (src/ui/markdown.c): any input at any width from 1 to 200
 * columns lays out without crashing or reading out of bounds (ASan), and
 * md_layout_free() frees every line (LeakSanitizer).  No terminal is
 * needed: drawing is not exercised.
 */
#include "../../src/ui/screen.h"

#include <locale.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setlocale(LC_ALL, "C.UTF-8");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int widths[] = { 1, 2, 7, 40, 200 };
	char *text = fuzz_cstr(data, size);

	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct md_layout m = { 0 };
		md_layout(&m, text, widths[i], i % 2);
		FUZZ_CHECK(m.nlines >= 0);
		md_layout_free(&m);
		FUZZ_CHECK(m.nlines == 0);
	}
	free(text);
	return 0;
}
