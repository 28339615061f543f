/*
 * fuzz_theme.c - theme_parse_string() on arbitrary theme text (themes are
 * files an administrator drops into themes/), and theme_name_valid() on the
 * same bytes as a name (a person picks a theme by name).
 *
 * Invariants (include/bursar/theme.h):
 *   - the result is BR_OK or BR_ERR_INVALID; on BR_ERR_INVALID msg is
 *     "line N: reason", NUL-terminated, also in a tiny buffer;
 *   - every style has fg/bg THEME_DEFAULT_COLOR or 0..15 and only known
 *     attribute bits; name and description stay terminated;
 *   - theme_name_valid() accepts exactly [a-z0-9_-]{1,32}.
 */
#include "bursar/err.h"
#include "bursar/theme.h"

#include "fuzz.h"

static void check_theme(const struct theme *t)
{
	FUZZ_CHECK(fuzz_terminated(t->name, sizeof(t->name)));
	FUZZ_CHECK(fuzz_terminated(t->description, sizeof(t->description)));
	for (int i = 0; i < THEME_COUNT; i++) {
		const struct theme_style *s = &t->style[i];
		FUZZ_CHECK(s->fg == THEME_DEFAULT_COLOR || (s->fg >= 0 && s->fg <= 15));
		FUZZ_CHECK(s->bg == THEME_DEFAULT_COLOR || (s->bg >= 0 && s->bg <= 15));
		FUZZ_CHECK((s->attrs & ~(unsigned)(THEME_BOLD | THEME_REVERSE | THEME_UNDERLINE | THEME_DIMMED)) == 0);
	}
}

static bool name_valid_ref(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct theme t;
	char msg[256], *tiny;
	int rc, rc2;

	FUZZ_CHECK(theme_name_valid(text) == name_valid_ref(text));

	theme_builtin(&t);
	check_theme(&t);
	memset(msg, 'X', sizeof(msg));
	msg[0] = '\0';
	rc = theme_parse_string(text, &t, msg, sizeof(msg));
	FUZZ_CHECK(rc == BR_OK || rc == BR_ERR_INVALID);
	check_theme(&t);
	FUZZ_CHECK(fuzz_terminated(msg, sizeof(msg)));
	if (rc == BR_ERR_INVALID)
		FUZZ_CHECK(!strncmp(msg, "line ", 5) && strstr(msg, ": "));

	tiny = malloc(4);
	if (!tiny)
		abort();
	memset(tiny, 'X', 4);
	theme_builtin(&t);
	rc2 = theme_parse_string(text, &t, tiny, 4);
	FUZZ_CHECK(rc2 == rc);
	if (rc2)
		FUZZ_CHECK(fuzz_terminated(tiny, 4));
	free(tiny);

	free(text);
	return 0;
}
