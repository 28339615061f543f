/*
 * test_config.c - config_defaults, config_parse_string and config_load.
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

#include "bursar/config.h"
#include "bursar/err.h"

static const char full_config[] =
	"; a complete configuration naming every key\n"
	"[server]\n"
	"listen = 0.0.0.0\n"
	"port = 2022\n"
	"data_dir = /srv/bursar\n"
	"host_key = /etc/bursar/host_key\n"
	"max_sessions = 42\n"
	"login_grace_seconds = 45\n"
	"max_auth_tries = 6\n"
	"language = en\n"
	"theme = mono\n"
	"\n"
	"[ldap]\n"
	"uri = ldaps://ldap1.example.org ldaps://ldap2.example.org\n"
	"base_dn = ou=staff,dc=example,dc=org\n"
	"bind_dn = cn=bursar,ou=services,dc=example,dc=org\n"
	"bind_password = s3cret\n"
	"user_filter = (&(objectClass=person)(uid=%s))\n"
	"group_base_dn = ou=teams,dc=example,dc=org\n"
	"group_filter = (&(objectClass=posixGroup)(memberUid=%s))\n"
	"starttls = demand\n"
	"timeout_seconds = 9\n"
	"\n"
	"[roles]\n"
	"staff = everyone\n"
	"approver = approvers, managers\n"
	"finance = accounts\n"
	"admin = root-team\n"
	"auditor = audit\n"
	"\n"
	"[store]\n"
	"path = /srv/db/bursar.sqlite\n"
	"synchronous = normal\n";

static int parse(struct config *cfg, const char *text, char *msg, size_t size)
{
	config_defaults(cfg);
	return config_parse_string(cfg, "test.ini", text, msg, size);
}

/* Parses text expecting BR_ERR_INVALID with a message holding every needle. */
static void expect_error(const char *text, const char *where, const char *key)
{
	struct config cfg;
	char msg[BR_MSG_MAX];
	int rc = parse(&cfg, text, msg, sizeof(msg));

	if (rc != BR_ERR_INVALID || !strstr(msg, where) || !strstr(msg, key))
		print_error("text <<%s>> gave rc=%d msg=\"%s\"; wanted \"%s\" and \"%s\"\n", text, rc, msg, where,
			    key);
	assert_int_equal(rc, BR_ERR_INVALID);
	assert_non_null(strstr(msg, where));
	assert_non_null(strstr(msg, key));
}

static void test_defaults(void **state)
{
	struct config cfg;

	(void)state;
	memset(&cfg, 0x5a, sizeof(cfg));
	config_defaults(&cfg);
	assert_string_equal(cfg.server.listen, "127.0.0.1");
	assert_int_equal(cfg.server.port, 2222);
	assert_string_equal(cfg.server.data_dir, "/var/lib/bursar");
	assert_int_equal(cfg.server.max_sessions, 500);
	assert_int_equal(cfg.server.login_grace_seconds, 30);
	assert_int_equal(cfg.server.max_auth_tries, 3);
	assert_string_equal(cfg.server.language, "zh_CN");
	assert_string_equal(cfg.server.theme, "default");
	assert_string_equal(cfg.ldap.uri, "ldap://127.0.0.1:389");
	assert_string_equal(cfg.ldap.bind_dn, "");
	assert_string_equal(cfg.ldap.bind_password, "");
	assert_non_null(strstr(cfg.ldap.user_filter, "%s"));
	assert_non_null(strstr(cfg.ldap.group_filter, "%s"));
	assert_int_equal(cfg.ldap.starttls, STARTTLS_NO);
	assert_int_equal(cfg.ldap.timeout_seconds, 5);
	assert_string_equal(cfg.roles[ROLE_STAFF], "staff");
	assert_string_equal(cfg.roles[ROLE_APPROVER], "approvers");
	assert_string_equal(cfg.roles[ROLE_FINANCE], "finance");
	assert_string_equal(cfg.roles[ROLE_ADMIN], "admins");
	assert_string_equal(cfg.roles[ROLE_AUDITOR], "auditors");
	assert_true(cfg.store.synchronous_full);
}

static void test_empty_text_expands_data_dir(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&cfg, "", msg, sizeof(msg)), BR_OK);
	assert_string_equal(msg, "");
	assert_string_equal(cfg.server.host_key, "/var/lib/bursar/ssh_host_ed25519_key");
	assert_string_equal(cfg.store.path, "/var/lib/bursar/bursar.db");
}

static void test_full_file(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&cfg, full_config, msg, sizeof(msg)), BR_OK);
	assert_string_equal(cfg.server.listen, "0.0.0.0");
	assert_int_equal(cfg.server.port, 2022);
	assert_string_equal(cfg.server.data_dir, "/srv/bursar");
	assert_string_equal(cfg.server.host_key, "/etc/bursar/host_key");
	assert_int_equal(cfg.server.max_sessions, 42);
	assert_int_equal(cfg.server.login_grace_seconds, 45);
	assert_int_equal(cfg.server.max_auth_tries, 6);
	assert_string_equal(cfg.server.language, "en");
	assert_string_equal(cfg.server.theme, "mono");
	assert_string_equal(cfg.ldap.uri, "ldaps://ldap1.example.org ldaps://ldap2.example.org");
	assert_string_equal(cfg.ldap.base_dn, "ou=staff,dc=example,dc=org");
	assert_string_equal(cfg.ldap.bind_dn, "cn=bursar,ou=services,dc=example,dc=org");
	assert_string_equal(cfg.ldap.bind_password, "s3cret");
	assert_string_equal(cfg.ldap.user_filter, "(&(objectClass=person)(uid=%s))");
	assert_string_equal(cfg.ldap.group_base_dn, "ou=teams,dc=example,dc=org");
	assert_string_equal(cfg.ldap.group_filter, "(&(objectClass=posixGroup)(memberUid=%s))");
	assert_int_equal(cfg.ldap.starttls, STARTTLS_DEMAND);
	assert_int_equal(cfg.ldap.timeout_seconds, 9);
	assert_string_equal(cfg.roles[ROLE_STAFF], "everyone");
	assert_string_equal(cfg.roles[ROLE_APPROVER], "approvers, managers");
	assert_string_equal(cfg.roles[ROLE_FINANCE], "accounts");
	assert_string_equal(cfg.roles[ROLE_ADMIN], "root-team");
	assert_string_equal(cfg.roles[ROLE_AUDITOR], "audit");
	assert_string_equal(cfg.store.path, "/srv/db/bursar.sqlite");
	assert_false(cfg.store.synchronous_full);
}

static void test_enum_values(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&cfg, "[ldap]\nstarttls = yes\n[store]\nsynchronous = full\n", msg, sizeof(msg)), 0);
	assert_int_equal(cfg.ldap.starttls, STARTTLS_YES);
	assert_true(cfg.store.synchronous_full);
	/* Case-insensitive keywords. */
	assert_int_equal(parse(&cfg, "[ldap]\nstarttls = DEMAND\n[store]\nsynchronous = Normal\n", msg, sizeof(msg)),
			 0);
	assert_int_equal(cfg.ldap.starttls, STARTTLS_DEMAND);
	assert_false(cfg.store.synchronous_full);
	assert_int_equal(parse(&cfg, "[ldap]\nstarttls = demand\nstarttls = no\n", msg, sizeof(msg)), 0);
	assert_int_equal(cfg.ldap.starttls, STARTTLS_NO);
	assert_int_equal(parse(&cfg, "[server]\nlanguage = zh_CN\n", msg, sizeof(msg)), 0);
	assert_string_equal(cfg.server.language, "zh_CN");
}

static void test_port_bounds(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&cfg, "[server]\nport = 1\n", msg, sizeof(msg)), 0);
	assert_int_equal(cfg.server.port, 1);
	assert_int_equal(parse(&cfg, "[server]\nport = 65535\n", msg, sizeof(msg)), 0);
	assert_int_equal(cfg.server.port, 65535);
	expect_error("[server]\nport = 0\n", "test.ini:2:", "port");
	expect_error("[server]\nport = 65536\n", "test.ini:2:", "port");
	expect_error("[server]\nport = 70000\n", "test.ini:2:", "port");
	expect_error("[server]\n\nport = 22x\n", "test.ini:3:", "port");
	expect_error("[server]\nport = -22\n", "test.ini:2:", "port");
	expect_error("[server]\nport =\n", "test.ini:2:", "port");
	expect_error("[server]\nport = 99999999999999999999999\n", "test.ini:2:", "port");
	expect_error("[server]\nmax_sessions = 0\n", "test.ini:2:", "max_sessions");
	expect_error("[server]\nlogin_grace_seconds = 3601\n", "test.ini:2:", "login_grace_seconds");
	expect_error("[server]\nmax_auth_tries = 101\n", "test.ini:2:", "max_auth_tries");
	expect_error("[ldap]\ntimeout_seconds = 0\n", "test.ini:2:", "timeout_seconds");
	expect_error("[ldap]\ntimeout_seconds = 301\n", "test.ini:2:", "timeout_seconds");
}

static void test_inline_comments(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&cfg,
			       "; leading comment\n"
			       "[server] ; section comment\n"
			       "port = 2300 ; the port\n"
			       "theme = contrast   ; chosen for the demo\n"
			       "[ldap]\n"
			       "bind_password = abc ; comment\n",
			       msg, sizeof(msg)),
			 BR_OK);
	assert_int_equal(cfg.server.port, 2300);
	assert_string_equal(cfg.server.theme, "contrast");
	assert_string_equal(cfg.ldap.bind_password, "abc");
}

static void test_data_dir_expansion(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	/* Expansion uses the final data_dir, wherever in the file it is set. */
	assert_int_equal(parse(&cfg, "[store]\npath = <data_dir>/x.db\n[server]\ndata_dir = /tmp/bd\n", msg,
			       sizeof(msg)),
			 BR_OK);
	assert_string_equal(cfg.store.path, "/tmp/bd/x.db");
	assert_string_equal(cfg.server.host_key, "/tmp/bd/ssh_host_ed25519_key");

	assert_int_equal(parse(&cfg, "[server]\ndata_dir = /d\nhost_key = <data_dir>/k\n", msg, sizeof(msg)), 0);
	assert_string_equal(cfg.server.host_key, "/d/k");
	assert_string_equal(cfg.store.path, "/d/bursar.db");

	/* Only a leading token is expanded. */
	assert_int_equal(parse(&cfg, "[server]\ndata_dir = /d\nhost_key = /k/<data_dir>\n", msg, sizeof(msg)), 0);
	assert_string_equal(cfg.server.host_key, "/k/<data_dir>");
}

static void test_empty_values(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	/* An anonymous service bind is allowed. */
	assert_int_equal(parse(&cfg, "[ldap]\nbind_dn =\nbind_password =\n", msg, sizeof(msg)), BR_OK);
	assert_string_equal(cfg.ldap.bind_dn, "");
	assert_string_equal(cfg.ldap.bind_password, "");
	/* A role may be granted by no group at all. */
	assert_int_equal(parse(&cfg, "[roles]\nadmin =\n", msg, sizeof(msg)), BR_OK);
	assert_string_equal(cfg.roles[ROLE_ADMIN], "");

	expect_error("[server]\nlisten =\n", "test.ini:2:", "listen");
	expect_error("[server]\ndata_dir =\n", "test.ini:2:", "data_dir");
	expect_error("[server]\nhost_key =\n", "test.ini:2:", "host_key");
	expect_error("[server]\ntheme =\n", "test.ini:2:", "theme");
	expect_error("[ldap]\nuri =\n", "test.ini:2:", "uri");
	expect_error("[ldap]\nbase_dn =\n", "test.ini:2:", "base_dn");
	expect_error("[ldap]\ngroup_base_dn =\n", "test.ini:2:", "group_base_dn");
	expect_error("[ldap]\nuser_filter =\n", "test.ini:2:", "user_filter");
	expect_error("[store]\npath =\n", "test.ini:2:", "path");
	expect_error("[server]\nlanguage =\n", "test.ini:2:", "language");
	expect_error("[ldap]\nstarttls =\n", "test.ini:2:", "starttls");
	expect_error("[store]\nsynchronous =\n", "test.ini:2:", "synchronous");
	{
		char msg2[BR_MSG_MAX];
		assert_int_equal(parse(&cfg, "[server]\ntheme =\n", msg2, sizeof(msg2)), BR_ERR_INVALID);
		assert_non_null(strstr(msg2, "empty"));
	}
}

static void test_unknown_key_and_section(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	expect_error("[server]\nport = 22\nprot = 22\n", "test.ini:3:", "prot");
	assert_int_equal(parse(&cfg, "[server]\nprot = 22\n", msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "unknown key"));
	/* A key valid in one section is unknown in another. */
	expect_error("[ldap]\nport = 22\n", "test.ini:2:", "port");
	expect_error("[server]\nport = 22\n[sever]\nlisten = x\n", "test.ini:4:", "sever");
	expect_error("[server]\nport = 22\n[sever]\nlisten = x\n", "test.ini:4:", "listen");
	/* Keys before any section. */
	expect_error("port = 22\n", "test.ini:1:", "port");
	/* Keys are case-sensitive. */
	expect_error("[server]\nPort = 22\n", "test.ini:2:", "Port");
	expect_error("[roles]\nsuperuser = root\n", "test.ini:2:", "superuser");
}

static void test_first_error_reported(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&cfg, "[server]\nport = 22\nbogus = 1\nlanguage = fr\n", msg, sizeof(msg)),
			 BR_ERR_INVALID);
	assert_non_null(strstr(msg, "test.ini:3:"));
	assert_non_null(strstr(msg, "bogus"));
	assert_null(strstr(msg, "language"));
}

static void test_bad_enums(void **state)
{
	(void)state;
	expect_error("[server]\nlanguage = fr\n", "test.ini:2:", "language");
	expect_error("[server]\nlanguage = zh_cn\n", "test.ini:2:", "language");
	expect_error("[server]\nlanguage = EN\n", "test.ini:2:", "language");
	expect_error("[ldap]\nstarttls = maybe\n", "test.ini:2:", "starttls");
	expect_error("[ldap]\nstarttls = true\n", "test.ini:2:", "starttls");
	expect_error("[store]\nsynchronous = off\n", "test.ini:2:", "synchronous");
	expect_error("[store]\nsynchronous = extra\n", "test.ini:2:", "synchronous");
}

static void test_bad_filters(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	expect_error("[ldap]\nuser_filter = (uid=bob)\n", "test.ini:2:", "user_filter");
	expect_error("[ldap]\nuser_filter = (|(uid=%s)(mail=%s))\n", "test.ini:2:", "user_filter");
	expect_error("[ldap]\nuser_filter = (uid=%d)\n", "test.ini:2:", "user_filter");
	expect_error("[ldap]\nuser_filter = (&(n=%d)(uid=%s))\n", "test.ini:2:", "user_filter");
	expect_error("[ldap]\nuser_filter = (&(uid=%s)(n=%d))\n", "test.ini:2:", "user_filter");
	expect_error("[ldap]\nuser_filter = (uid=%n)\n", "test.ini:2:", "user_filter");
	expect_error("[ldap]\nuser_filter = uid=%s\n", "test.ini:2:", "user_filter");
	expect_error("[ldap]\ngroup_filter = (member=dn)\n", "test.ini:2:", "group_filter");
	expect_error("[ldap]\ngroup_filter = (member=%s%s)\n", "test.ini:2:", "group_filter");
	expect_error("[ldap]\ngroup_filter = (member=%x)\n", "test.ini:2:", "group_filter");
	/* And a good one still passes. */
	assert_int_equal(parse(&cfg, "[ldap]\nuser_filter = (uid=%s)\n", msg, sizeof(msg)), BR_OK);
	assert_string_equal(cfg.ldap.user_filter, "(uid=%s)");
}

static void test_too_long_value(void **state)
{
	struct config cfg;
	char text[512];
	char big[100];
	char msg[BR_MSG_MAX];

	(void)state;
	memset(big, 'g', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	/* listen and theme hold 63 bytes. */
	snprintf(text, sizeof(text), "[server]\nlisten = %.*s\n", 63, big);
	assert_int_equal(parse(&cfg, text, msg, sizeof(msg)), BR_OK);
	assert_int_equal(strlen(cfg.server.listen), 63);
	snprintf(text, sizeof(text), "[server]\nlisten = %.*s\n", 64, big);
	expect_error(text, "test.ini:2:", "listen");
	assert_int_equal(parse(&cfg, text, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "too long"));
	snprintf(text, sizeof(text), "[server]\ntheme = %s\n", big);
	expect_error(text, "test.ini:2:", "theme");
	snprintf(text, sizeof(text), "[server]\nlanguage = %s\n", big);
	expect_error(text, "test.ini:2:", "language");
}

/*
 * Values longer than libinih's line buffer (INI_MAX_LINE, 200 bytes on
 * Debian) but within the field (roles 512, uri 1024) must either be taken
 * whole or be rejected naming the line; they must never be silently cut.
 * Here the line is split at a space, so inih treats the tail as a
 * continuation line and replaces the value with it.
 */
static void test_long_value_not_silently_cut(void **state)
{
	struct config cfg;
	char text[1024], list[400] = "";
	char msg[BR_MSG_MAX];
	int rc;

	(void)state;
	for (int i = 0; i < 40; i++) {
		char g[16];
		snprintf(g, sizeof(g), "%sgrp%03d", i ? ", " : "", i);
		strcat(list, g);
	}
	assert_true(strlen(list) > 300 && strlen(list) < sizeof(cfg.roles[0]));
	snprintf(text, sizeof(text), "[roles]\nstaff = %s\n", list);
	rc = parse(&cfg, text, msg, sizeof(msg));
	if (rc == BR_OK) {
		assert_string_equal(cfg.roles[ROLE_STAFF], list);
	} else {
		assert_int_equal(rc, BR_ERR_INVALID);
		assert_non_null(strstr(msg, "test.ini:2:"));
		assert_non_null(strstr(msg, "staff"));
	}
}

static void test_syntax_error(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	assert_int_equal(parse(&cfg, "[server]\nport = 22\nthis line has no equals sign\n", msg, sizeof(msg)),
			 BR_ERR_INVALID);
	assert_non_null(strstr(msg, "test.ini:3:"));
}

static void test_load_missing_file(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];
	const char *path = "/nonexistent-bursar-dir/no-such.ini";

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, msg, sizeof(msg)), BR_ERR_IO);
	assert_non_null(strstr(msg, path));
}

static void test_load_file(void **state)
{
	char dir[] = "/tmp/bursar-test-config-XXXXXX";
	char path[128];
	struct config cfg;
	char msg[BR_MSG_MAX];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bursar.ini", dir);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs(full_config, f);
	fclose(f);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, msg, sizeof(msg)), BR_OK);
	assert_int_equal(cfg.server.port, 2022);
	assert_string_equal(cfg.store.path, "/srv/db/bursar.sqlite");

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[server]\n; note\nmax_sessions = lots\n", f);
	fclose(f);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, msg, sizeof(msg)), BR_ERR_INVALID);
	{
		char want[160];
		snprintf(want, sizeof(want), "%s:3:", path);
		assert_non_null(strstr(msg, want));
	}
	assert_non_null(strstr(msg, "max_sessions"));

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_empty_text_expands_data_dir),
		cmocka_unit_test(test_full_file),
		cmocka_unit_test(test_enum_values),
		cmocka_unit_test(test_port_bounds),
		cmocka_unit_test(test_inline_comments),
		cmocka_unit_test(test_data_dir_expansion),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_unknown_key_and_section),
		cmocka_unit_test(test_first_error_reported),
		cmocka_unit_test(test_bad_enums),
		cmocka_unit_test(test_bad_filters),
		cmocka_unit_test(test_too_long_value),
		cmocka_unit_test(test_long_value_not_silently_cut),
		cmocka_unit_test(test_syntax_error),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_load_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
