/*
 * test_directory.c - LDAP filter escaping and the checks directory
 * functions make before (or instead of) talking to a server.  No server is
 * needed: the "directory" is a closed port on the loopback interface.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bursar/config.h"
#include "bursar/directory.h"
#include "bursar/err.h"
#include "bursar/user.h"

#define UNREACHABLE "ldap://127.0.0.1:1"

static void unreachable_config(struct config *cfg)
{
	config_defaults(cfg);
	snprintf(cfg->ldap.uri, sizeof(cfg->ldap.uri), "%s", UNREACHABLE);
	cfg->ldap.timeout_seconds = 2;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * RFC 4515 hex pairs are case-insensitive; libldap writes them upper-case
 * ("\2A").  Compare without regard to case, but exactly otherwise.
 */
static void expect_filter(const char *tmpl, const char *value, const char *want)
{
	char out[512];
	int rc;

	memset(out, 'Q', sizeof(out));
	rc = directory_make_filter(tmpl, value, out, sizeof(out));
	assert_int_equal(rc, BR_OK);
	if (strcasecmp(out, want))
		print_error("filter(%s, %s) = \"%s\", wanted \"%s\"\n", tmpl, value, out, want);
	assert_int_equal(strcasecmp(out, want), 0);
}

static void test_filter_plain(void **state)
{
	(void)state;
	expect_filter("(uid=%s)", "alice", "(uid=alice)");
	expect_filter("(&(objectClass=inetOrgPerson)(uid=%s))", "bob.smith",
		      "(&(objectClass=inetOrgPerson)(uid=bob.smith))");
	expect_filter("(uid=%s)", "a b-c_d.e@f", "(uid=a b-c_d.e@f)");
	/* DN values keep their commas and equals signs. */
	expect_filter("(member=%s)", "uid=alice,ou=people,dc=example,dc=com",
		      "(member=uid=alice,ou=people,dc=example,dc=com)");
	/* Text around %s is copied as is, including other percent signs. */
	expect_filter("(&(cn=100%)(uid=%s))", "x", "(&(cn=100%)(uid=x))");
}

/*
 * An empty value must give an empty assertion value.  libldap returns a
 * NULL bv_val for an empty berval, which must not reach "%s".
 */
static void test_filter_empty_value(void **state)
{
	(void)state;
	expect_filter("(uid=%s)", "", "(uid=)");
	expect_filter("(&(objectClass=groupOfNames)(member=%s))", "", "(&(objectClass=groupOfNames)(member=))");
}

static void test_filter_specials(void **state)
{
	(void)state;
	expect_filter("(uid=%s)", "*", "(uid=\\2a)");
	expect_filter("(uid=%s)", "(", "(uid=\\28)");
	expect_filter("(uid=%s)", ")", "(uid=\\29)");
	expect_filter("(uid=%s)", "\\", "(uid=\\5c)");
	expect_filter("(uid=%s)", "a*)(uid=*", "(uid=a\\2a\\29\\28uid=\\2a)");
	expect_filter("(uid=%s)", "x\\", "(uid=x\\5c)");
	expect_filter("(uid=%s)", "*)(|(objectClass=*", "(uid=\\2a\\29\\28|\\28objectClass=\\2a)");
	expect_filter("(uid=%s)", "\\2a", "(uid=\\5c2a)");
	/* Control characters cannot reach the server raw either. */
	expect_filter("(uid=%s)", "\x01", "(uid=\\01)");
}

static void test_filter_utf8(void **state)
{
	char out[256];

	(void)state;
	/*
	 * libldap escapes every byte >= 0x80, which RFC 4515 allows; either
	 * way the name must arrive byte for byte.  Assert libldap's form.
	 */
	expect_filter("(uid=%s)", "张伟", "(uid=\\e5\\bc\\a0\\e4\\bc\\9f)");
	expect_filter("(cn=%s)", "José", "(cn=Jos\\c3\\a9)");
	/* Consistent: the same input always gives the same filter. */
	assert_int_equal(directory_make_filter("(uid=%s)", "张伟", out, sizeof(out)), BR_OK);
	{
		char again[256];
		assert_int_equal(directory_make_filter("(uid=%s)", "张伟", again, sizeof(again)), BR_OK);
		assert_string_equal(out, again);
	}
}

static void test_filter_no_placeholder(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(directory_make_filter("(uid=bob)", "x", out, sizeof(out)), BR_ERR_INVALID);
	assert_int_equal(directory_make_filter("", "x", out, sizeof(out)), BR_ERR_INVALID);
	assert_int_equal(directory_make_filter("(uid=%d)", "x", out, sizeof(out)), BR_ERR_INVALID);
	assert_int_equal(directory_make_filter("(uid=%)", "x", out, sizeof(out)), BR_ERR_INVALID);
}

static void test_filter_buffer_size(void **state)
{
	char out[32];

	(void)state;
	/* "(uid=bob)" is 9 bytes + NUL. */
	assert_int_equal(directory_make_filter("(uid=%s)", "bob", out, 10), BR_OK);
	assert_string_equal(out, "(uid=bob)");
	assert_int_equal(directory_make_filter("(uid=%s)", "bob", out, 9), BR_ERR_INVALID);
	assert_int_equal(directory_make_filter("(uid=%s)", "bob", out, 1), BR_ERR_INVALID);
	/* The escaped length counts: "(uid=\2a)" is 9 bytes + NUL. */
	assert_int_equal(directory_make_filter("(uid=%s)", "*", out, 10), BR_OK);
	assert_int_equal(strcasecmp(out, "(uid=\\2a)"), 0);
	assert_int_equal(directory_make_filter("(uid=%s)", "*", out, 9), BR_ERR_INVALID);
	/* A long value never overflows (ASan checks the heap buffer). */
	{
		char value[200];
		char *small = malloc(64);
		assert_non_null(small);
		memset(value, '*', sizeof(value) - 1);
		value[sizeof(value) - 1] = '\0';
		assert_int_equal(directory_make_filter("(uid=%s)", value, small, 64), BR_ERR_INVALID);
		free(small);
	}
}

static void test_authenticate_unreachable(void **state)
{
	struct config cfg;
	struct user u;
	double t0, dt;

	(void)state;
	unreachable_config(&cfg);
	user_init(&u);
	t0 = now_seconds();
	assert_int_equal(directory_authenticate(&cfg, "alice", "correct horse", &u), BR_ERR_UNAVAILABLE);
	dt = now_seconds() - t0;
	assert_true(dt < 4.0);
	user_release(&u);

	/* Several space-separated URIs, none answering. */
	snprintf(cfg.ldap.uri, sizeof(cfg.ldap.uri), "ldap://127.0.0.1:1 ldap://127.0.0.1:2");
	user_init(&u);
	t0 = now_seconds();
	assert_int_equal(directory_authenticate(&cfg, "alice", "pw", &u), BR_ERR_UNAVAILABLE);
	assert_true(now_seconds() - t0 < 4.0);
	assert_int_equal(directory_lookup(&cfg, "alice", &u), BR_ERR_UNAVAILABLE);
	user_release(&u);
}

static void test_authenticate_bad_uri(void **state)
{
	struct config cfg;
	struct user u;

	(void)state;
	unreachable_config(&cfg);
	snprintf(cfg.ldap.uri, sizeof(cfg.ldap.uri), "not a uri at all");
	user_init(&u);
	assert_int_equal(directory_authenticate(&cfg, "alice", "pw", &u), BR_ERR_UNAVAILABLE);
	user_release(&u);
}

/* DENIED (not UNAVAILABLE) proves nothing was contacted. */
static void test_authenticate_password_refused_locally(void **state)
{
	struct config cfg;
	struct user u;
	char *big;
	double t0;

	(void)state;
	unreachable_config(&cfg);
	user_init(&u);
	t0 = now_seconds();
	assert_int_equal(directory_authenticate(&cfg, "alice", "", &u), BR_ERR_DENIED);
	assert_int_equal(directory_authenticate(&cfg, "alice", NULL, &u), BR_ERR_DENIED);

	big = malloc(2001);
	assert_non_null(big);
	memset(big, 'p', 2000);
	big[2000] = '\0';
	assert_int_equal(directory_authenticate(&cfg, "alice", big, &u), BR_ERR_DENIED);
	/* Boundary: DIRECTORY_PASSWORD_MAX + 1 is refused, the maximum itself is tried. */
	big[DIRECTORY_PASSWORD_MAX + 1] = '\0';
	assert_int_equal(directory_authenticate(&cfg, "alice", big, &u), BR_ERR_DENIED);
	assert_true(now_seconds() - t0 < 1.0);
	big[DIRECTORY_PASSWORD_MAX] = '\0';
	assert_int_equal(directory_authenticate(&cfg, "alice", big, &u), BR_ERR_UNAVAILABLE);
	free(big);
	user_release(&u);
}

static void test_authenticate_bad_login_refused_locally(void **state)
{
	struct config cfg;
	struct user u;
	char long_name[66];
	double t0;

	(void)state;
	unreachable_config(&cfg);
	memset(long_name, 'n', 65);
	long_name[65] = '\0';
	user_init(&u);
	t0 = now_seconds();
	assert_int_equal(directory_authenticate(&cfg, long_name, "pw", &u), BR_ERR_DENIED);
	assert_int_equal(directory_authenticate(&cfg, "bad\x01name", "pw", &u), BR_ERR_DENIED);
	assert_int_equal(directory_authenticate(&cfg, "bob\n", "pw", &u), BR_ERR_DENIED);
	assert_int_equal(directory_authenticate(&cfg, "", "pw", &u), BR_ERR_DENIED);
	assert_int_equal(directory_authenticate(&cfg, NULL, "pw", &u), BR_ERR_DENIED);
	assert_int_equal(directory_lookup(&cfg, long_name, &u), BR_ERR_DENIED);
	assert_int_equal(directory_lookup(&cfg, "x\x7f", &u), BR_ERR_DENIED);
	assert_true(now_seconds() - t0 < 1.0);
	user_release(&u);

	/* The same names as seen by the rule itself. */
	assert_false(user_login_valid(long_name));
	assert_false(user_login_valid("bad\x01name"));
	long_name[64] = '\0';
	assert_true(user_login_valid(long_name));
}

/* Names made of filter syntax are valid names; escaping is what defuses them. */
static void test_hostile_names_are_escaped(void **state)
{
	static const char *const names[] = { "*", "a*)(uid=*", "x\\", "admin)(|(uid=*", "(", ")" };
	struct config cfg;
	char out[1024];

	(void)state;
	config_defaults(&cfg);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *value;
		assert_true(user_login_valid(names[i]));
		assert_int_equal(directory_make_filter(cfg.ldap.user_filter, names[i], out, sizeof(out)), BR_OK);
		/* Only the template's own parentheses and no wildcard remain. */
		value = out + strlen("(&(objectClass=inetOrgPerson)(uid=");
		assert_memory_equal(out, "(&(objectClass=inetOrgPerson)(uid=", strlen("(&(objectClass=inetOrgPerson)(uid="));
		assert_null(strchr(value, '*'));
		assert_null(strchr(value, '('));
		assert_int_equal(strchr(value, ')') - value, (long)strlen(value) - 2);
		assert_string_equal(value + strlen(value) - 2, "))");
		/* Every backslash starts a two-digit hex escape. */
		for (const char *p = strchr(value, '\\'); p; p = strchr(p + 3, '\\')) {
			assert_non_null(strchr("0123456789abcdefABCDEF", p[1]));
			assert_non_null(strchr("0123456789abcdefABCDEF", p[2]));
			assert_true(p[1] != '\0' && p[2] != '\0');
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filter_plain),
		cmocka_unit_test(test_filter_empty_value),
		cmocka_unit_test(test_filter_specials),
		cmocka_unit_test(test_filter_utf8),
		cmocka_unit_test(test_filter_no_placeholder),
		cmocka_unit_test(test_filter_buffer_size),
		cmocka_unit_test(test_authenticate_unreachable),
		cmocka_unit_test(test_authenticate_bad_uri),
		cmocka_unit_test(test_authenticate_password_refused_locally),
		cmocka_unit_test(test_authenticate_bad_login_refused_locally),
		cmocka_unit_test(test_hostile_names_are_escaped),
	};

	/* libldap must not pick up a developer's ~/.ldaprc or LDAPURI. */
	setenv("LDAPNOINIT", "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
