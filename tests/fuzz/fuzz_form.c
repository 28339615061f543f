/*
 * fuzz_form.c - form_parse() on arbitrary form files (the files in forms/ are
 * written by people and parsed at every start-up).
 *
 * Invariants (include/bursar/form.h):
 *   - the problem count is never negative, and a usable form (0 problems)
 *     has a title, at least one category, and named, distinct fields;
 *   - the problem text stays NUL-terminated inside its buffer, and every
 *     reported line starts with the file name given;
 *   - form_release() frees what the parse allocated (LeakSanitizer).
 */
#include "bursar/form.h"

#include "fuzz.h"

static bool any_category(const char *code, void *arg)
{
	(void)arg;
	return code[0] != 'x'; /* some codes unknown, to reach that path */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char errs[512];
	struct form f;
	int n;

	errs[0] = '\0';
	n = form_parse("f.md", text, &f, any_category, NULL, errs, sizeof(errs));
	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK(fuzz_terminated(errs, sizeof(errs)));
	if (n == 0) {
		FUZZ_CHECK(errs[0] == '\0');
		FUZZ_CHECK(f.title_zh[0] != '\0' && f.ncategories > 0);
		for (int i = 0; i < f.nfields; i++) {
			FUZZ_CHECK(f.fields[i].name[0] != '\0');
			for (int k = 0; k < i; k++)
				FUZZ_CHECK(strcmp(f.fields[i].name, f.fields[k].name) != 0);
		}
	} else {
		FUZZ_CHECK(strncmp(errs, "f.md:", 5) == 0);
	}
	form_release(&f);
	free(text);
	return 0;
}
