/*
 * test_user.c - login-name rules, group-to-role mapping, display name and
 * key ownership.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "bursar/config.h"
#include "bursar/err.h"
#include "bursar/role.h"
#include "bursar/user.h"

static void set_groups(struct user *u, int n, const char *const *groups)
{
	u->ngroups = n;
	for (int i = 0; i < n; i++)
		snprintf(u->groups[i], sizeof(u->groups[i]), "%s", groups[i]);
}

static unsigned roles_for(const struct config *cfg, int n, const char *const *groups)
{
	struct user u;

	user_init(&u);
	u.roles = 0xffffffffu; /* must be recomputed, not OR-ed into */
	set_groups(&u, n, groups);
	user_roles_from_groups(&u, cfg);
	return u.roles;
}

static void test_login_valid_lengths(void **state)
{
	char name[80];

	(void)state;
	assert_false(user_login_valid(NULL));
	assert_false(user_login_valid(""));
	assert_true(user_login_valid("a"));
	assert_true(user_login_valid("alice"));

	memset(name, 'x', sizeof(name));
	name[USER_LOGIN_MAX] = '\0';
	assert_int_equal(strlen(name), 64);
	assert_true(user_login_valid(name));
	memset(name, 'x', sizeof(name));
	name[USER_LOGIN_MAX + 1] = '\0';
	assert_int_equal(strlen(name), 65);
	assert_false(user_login_valid(name));
	name[USER_LOGIN_MAX - 1] = '\0';
	assert_true(user_login_valid(name));
}

static void test_login_valid_characters(void **state)
{
	char name[8];

	(void)state;
	for (int c = 1; c < 0x20; c++) {
		snprintf(name, sizeof(name), "ab%cc", c);
		assert_false(user_login_valid(name));
	}
	assert_false(user_login_valid("\x01"));
	assert_false(user_login_valid("bob\n"));
	assert_false(user_login_valid("\tbob"));
	assert_false(user_login_valid("bo\x7f"));
	assert_false(user_login_valid("\x1b[31m"));
	assert_true(user_login_valid("bob smith"));
	assert_true(user_login_valid("o'neil"));
	assert_true(user_login_valid("a*)(uid=*"));
	assert_true(user_login_valid("x\\"));
	assert_true(user_login_valid("~!@#$%^&*()_+"));
	/* UTF-8 (high bytes) is fine: 张伟 is 6 bytes. */
	assert_true(user_login_valid("张伟"));
	assert_true(user_login_valid("zhāng"));
}

static void test_login_valid_utf8_length_in_bytes(void **state)
{
	char name[128] = "";

	(void)state;
	/* 21 x 3-byte characters = 63 bytes, 22 = 66 bytes. */
	for (int i = 0; i < 21; i++)
		strcat(name, "张");
	assert_int_equal(strlen(name), 63);
	assert_true(user_login_valid(name));
	strcat(name, "张");
	assert_false(user_login_valid(name));
}

static void test_roles_default_mapping(void **state)
{
	struct config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(roles_for(&cfg, 0, NULL), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "staff" }), ROLE_BIT(ROLE_STAFF));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "approvers" }), ROLE_BIT(ROLE_APPROVER));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "finance" }), ROLE_BIT(ROLE_FINANCE));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "admins" }), ROLE_BIT(ROLE_ADMIN));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "auditors" }), ROLE_BIT(ROLE_AUDITOR));
	/* Role names are not group names. */
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "admin" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "approver" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "auditor" }), 0);
}

static void test_roles_case_insensitive(void **state)
{
	struct config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "ADMINS" }), ROLE_BIT(ROLE_ADMIN));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "Auditors" }), ROLE_BIT(ROLE_AUDITOR));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "sTaFf" }), ROLE_BIT(ROLE_STAFF));
}

static void test_roles_unknown_and_partial(void **state)
{
	struct config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "wheel" }), 0);
	assert_int_equal(roles_for(&cfg, 3, (const char *const[]){ "wheel", "sudo", "everyone" }), 0);
	/* No prefix, suffix or substring matches. */
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "admin s" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "adminsx" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "xadmins" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "staf" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "," }), 0);
}

static void test_roles_several(void **state)
{
	struct config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(roles_for(&cfg, 4, (const char *const[]){ "staff", "wheel", "Finance", "auditors" }),
			 ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_AUDITOR));
	assert_int_equal(
		roles_for(&cfg, 5, (const char *const[]){ "staff", "approvers", "finance", "admins", "auditors" }),
		ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) |
			ROLE_BIT(ROLE_AUDITOR));
}

static void test_roles_comma_lists(void **state)
{
	struct config cfg;
	char msg[BR_MSG_MAX];

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_parse_string(&cfg, "t.ini",
					     "[roles]\n"
					     "approver = approvers, managers\n"
					     "finance = accounts,treasury ,  payroll  \n"
					     "admin =\n"
					     "staff = managers\n",
					     msg, sizeof(msg)),
			 BR_OK);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "managers" }),
			 ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_STAFF));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "approvers" }), ROLE_BIT(ROLE_APPROVER));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "Managers" }),
			 ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_STAFF));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "treasury" }), ROLE_BIT(ROLE_FINANCE));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "payroll" }), ROLE_BIT(ROLE_FINANCE));
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "accounts" }), ROLE_BIT(ROLE_FINANCE));
	/* The whole list is not a group name, and the emptied admin role grants nothing. */
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "approvers, managers" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "admins" }), 0);
	assert_int_equal(roles_for(&cfg, 1, (const char *const[]){ "finance" }), 0);
}

static void test_roles_many_groups(void **state)
{
	struct config cfg;
	struct user u;

	(void)state;
	config_defaults(&cfg);
	user_init(&u);
	u.ngroups = USER_MAX_GROUPS;
	for (int i = 0; i < USER_MAX_GROUPS; i++)
		snprintf(u.groups[i], sizeof(u.groups[i]), "group-%d", i);
	/* The last slot still counts. */
	snprintf(u.groups[USER_MAX_GROUPS - 1], sizeof(u.groups[0]), "admins");
	user_roles_from_groups(&u, &cfg);
	assert_int_equal(u.roles, ROLE_BIT(ROLE_ADMIN));
	assert_true(user_has_role(&u, ROLE_ADMIN));
	assert_false(user_has_role(&u, ROLE_STAFF));
	assert_false(user_has_role(&u, ROLE_AUDITOR));
}

static void test_has_role(void **state)
{
	struct user u;

	(void)state;
	user_init(&u);
	for (int r = 0; r < ROLE_COUNT; r++)
		assert_false(user_has_role(&u, (enum role)r));
	u.roles = ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_AUDITOR);
	assert_true(user_has_role(&u, ROLE_APPROVER));
	assert_true(user_has_role(&u, ROLE_AUDITOR));
	assert_false(user_has_role(&u, ROLE_STAFF));
	assert_false(user_has_role(&u, ROLE_FINANCE));
	assert_false(user_has_role(&u, ROLE_ADMIN));
}

static void test_display(void **state)
{
	struct user u;

	(void)state;
	user_init(&u);
	assert_string_equal(user_display(&u), "");
	snprintf(u.uid, sizeof(u.uid), "zhangwei");
	assert_string_equal(user_display(&u), "zhangwei");
	snprintf(u.display_name, sizeof(u.display_name), "张伟");
	assert_string_equal(user_display(&u), "张伟");
	u.display_name[0] = '\0';
	assert_string_equal(user_display(&u), "zhangwei");
}

static void test_init_clears(void **state)
{
	struct user u;

	(void)state;
	memset(&u, 0x7a, sizeof(u));
	user_init(&u);
	assert_string_equal(u.uid, "");
	assert_string_equal(u.theme, "");
	assert_string_equal(u.language, "");
	assert_string_equal(u.last_login, "");
	assert_int_equal(u.ngroups, 0);
	assert_int_equal(u.nkeys, 0);
	assert_int_equal(u.roles, 0);
	for (int i = 0; i < USER_MAX_KEYS; i++)
		assert_null(u.keys[i]);
}

static void test_keys(void **state)
{
	struct user u;
	char key[64];

	(void)state;
	user_init(&u);
	for (int i = 0; i < USER_MAX_KEYS + 5; i++) {
		snprintf(key, sizeof(key), "ssh-ed25519 AAAAkey%d user@host", i);
		user_add_key(&u, key);
		/* The key is copied, not borrowed. */
		memset(key, 'Z', sizeof(key) - 1);
	}
	assert_int_equal(u.nkeys, USER_MAX_KEYS);
	assert_string_equal(u.keys[0], "ssh-ed25519 AAAAkey0 user@host");
	snprintf(key, sizeof(key), "ssh-ed25519 AAAAkey%d user@host", USER_MAX_KEYS - 1);
	assert_string_equal(u.keys[USER_MAX_KEYS - 1], key);
	user_release(&u);
	assert_int_equal(u.nkeys, 0);

	/* Reusable after release + init; ASan reports any leak. */
	user_init(&u);
	user_add_key(&u, "ssh-rsa AAAAB3 other");
	assert_int_equal(u.nkeys, 1);
	assert_string_equal(u.keys[0], "ssh-rsa AAAAB3 other");
	user_release(&u);
	assert_int_equal(u.nkeys, 0);
	/* Releasing twice is harmless. */
	user_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_login_valid_lengths),
		cmocka_unit_test(test_login_valid_characters),
		cmocka_unit_test(test_login_valid_utf8_length_in_bytes),
		cmocka_unit_test(test_roles_default_mapping),
		cmocka_unit_test(test_roles_case_insensitive),
		cmocka_unit_test(test_roles_unknown_and_partial),
		cmocka_unit_test(test_roles_several),
		cmocka_unit_test(test_roles_comma_lists),
		cmocka_unit_test(test_roles_many_groups),
		cmocka_unit_test(test_has_role),
		cmocka_unit_test(test_display),
		cmocka_unit_test(test_init_clears),
		cmocka_unit_test(test_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
