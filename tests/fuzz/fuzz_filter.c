/*
 * fuzz_filter.c - directory_make_filter() with a login name from an SSH
 * client as the value, and user_login_valid() on the same bytes.
 *
 * Invariants (include/bursar/directory.h, include/bursar/user.h):
 *   - with the default user and group templates, success means the output
 *     is prefix + escaped value + suffix, where the escaped part has no raw
 *     '*', '(', ')' or NUL, every '\' starts a two-digit hex escape, and
 *     unescaping gives back the value: no filter injection;
 *   - the parentheses of the whole filter balance;
 *   - a value that fits (3 bytes per input byte) always succeeds; the exact
 *     size succeeds, one byte less fails, and the output is always
 *     NUL-terminated inside a heap buffer of exactly the passed size;
 *   - user_login_valid() accepts exactly 1..64 bytes without controls.
 * The input is also used as a template (config-supplied) for crash checks.
 *
 * Build with -DFUZZ_SKIP_KNOWN to skip inputs that hit already reported
 * bugs, so that a run can look for new ones.
 */
#include "bursar/directory.h"
#include "bursar/err.h"
#include "bursar/user.h"

#include "fuzz.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void check_balanced(const char *f)
{
	int depth = 0;

	for (; *f; f++) {
		if (*f == '\\' && f[1]) {
			f++;
			continue;
		}
		if (*f == '(')
			depth++;
		else if (*f == ')')
			FUZZ_CHECK(--depth >= 0);
	}
	FUZZ_CHECK(depth == 0);
}

static void check_template(const char *tmpl, const char *value)
{
	const char *pct = strstr(tmpl, "%s");
	size_t pre = (size_t)(pct - tmpl), suf = strlen(pct + 2), vlen = strlen(value), n;
	size_t size = 1024;
	char *out = malloc(size), *mid, *exact;
	int rc;

	if (!out)
		abort();
	memset(out, 'X', size);
	rc = directory_make_filter(tmpl, value, out, size);
	FUZZ_CHECK(rc == BR_OK || rc == BR_ERR_INVALID);
	FUZZ_CHECK(fuzz_terminated(out, size));
	if (pre + suf + 3 * vlen < size)
		FUZZ_CHECK(rc == BR_OK);
	if (rc != BR_OK) {
		free(out);
		return;
	}
	n = strlen(out);
	FUZZ_CHECK(n >= pre + suf);
	FUZZ_CHECK(!memcmp(out, tmpl, pre));
	FUZZ_CHECK(!strcmp(out + n - suf, pct + 2));
	check_balanced(out);

	/* The escaped value: no specials, well-formed escapes, round trip. */
	mid = out + pre;
	{
		size_t mlen = n - pre - suf, j = 0;
		char *back = malloc(mlen + 1);
		if (!back)
			abort();
		for (size_t i = 0; i < mlen; i++) {
			char c = mid[i];
			FUZZ_CHECK(c != '*' && c != '(' && c != ')' && c != '\0');
			if (c == '\\') {
				FUZZ_CHECK(i + 2 < mlen && hexval(mid[i + 1]) >= 0 && hexval(mid[i + 2]) >= 0);
				back[j++] = (char)(hexval(mid[i + 1]) * 16 + hexval(mid[i + 2]));
				i += 2;
			} else {
				back[j++] = c;
			}
		}
		FUZZ_CHECK(j == vlen && !memcmp(back, value, vlen));
		free(back);
	}

	/* Exactly n+1 bytes fit; n bytes do not. */
	exact = malloc(n + 1);
	if (!exact)
		abort();
	FUZZ_CHECK(directory_make_filter(tmpl, value, exact, n + 1) == BR_OK);
	FUZZ_CHECK(!strcmp(exact, out));
	FUZZ_CHECK(directory_make_filter(tmpl, value, exact, n) == BR_ERR_INVALID);
	FUZZ_CHECK(n == 0 || fuzz_terminated(exact, n));
	free(exact);
	free(out);
}

static bool login_valid_ref(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > USER_LOGIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value = fuzz_cstr(data, size);
	char out[256];
	int rc;

	FUZZ_CHECK(user_login_valid(value) == login_valid_ref(value));
#ifdef FUZZ_SKIP_KNOWN
	/* Known bug: an empty value yields "(uid=(null))" (NULL passed to %s). */
	if (!value[0]) {
		free(value);
		return 0;
	}
#endif
	check_template("(&(objectClass=inetOrgPerson)(uid=%s))", value);
	check_template("(&(objectClass=groupOfNames)(member=%s))", value);

	/* The input as a template: must not crash, output stays terminated. */
	rc = directory_make_filter(value, "a*)(uid=*", out, sizeof(out));
	FUZZ_CHECK(rc == BR_OK || rc == BR_ERR_INVALID);
	if (rc == BR_OK || strstr(value, "%s"))
		FUZZ_CHECK(fuzz_terminated(out, sizeof(out)));
	free(value);
	return 0;
}
