/*
 * fuzz_locale.c - i18n_from_locale() and i18n_locale_is_utf8() on the
 * LANG / LC_ALL / LC_CTYPE value a client sends in its SSH environment.
 *
 * Invariants (include/bursar/i18n.h):
 *   - i18n_from_locale() returns NULL, "zh_CN" or "en", and whatever it
 *     returns is accepted by i18n_set_language();
 *   - i18n_locale_is_utf8() returns 0 or 1; an empty value is "unknown" (1);
 *     a value whose charset (after the first '.') starts with UTF-8 or utf8
 *     in any case is 1;
 *   - NULL inputs are handled.
 */
#include "bursar/i18n.h"

#include <strings.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value = fuzz_cstr(data, size);
	const char *lang = i18n_from_locale(value);
	int utf8 = i18n_locale_is_utf8(value);
	const char *dot = strchr(value, '.');

	FUZZ_CHECK(lang == NULL || !strcmp(lang, "zh_CN") || !strcmp(lang, "en"));
	if (lang) {
		FUZZ_CHECK(i18n_set_language(lang) == 0);
		FUZZ_CHECK(!strcmp(i18n_language(), lang));
	}
	if (!value[0])
		FUZZ_CHECK(lang == NULL);
	FUZZ_CHECK(utf8 == 0 || utf8 == 1);
	if (!value[0])
		FUZZ_CHECK(utf8 == 1);
	if (dot && (!strncasecmp(dot + 1, "utf-8", 5) || !strncasecmp(dot + 1, "utf8", 4)))
		FUZZ_CHECK(utf8 == 1);
	if (value[0] && !dot)
		FUZZ_CHECK(utf8 == 0);

	FUZZ_CHECK(i18n_from_locale(NULL) == NULL);
	FUZZ_CHECK(i18n_locale_is_utf8(NULL) == 1);
	free(value);
	return 0;
}
