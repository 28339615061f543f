/*
 * test_cmd.c - command-line splitting, dispatch, role checks, help and the
 * handlers, run against a temporary store.  Run from the repository root
 * (themes/ is read by `prefs`).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bursar/app.h"
#include "bursar/cmd.h"
#include "bursar/config.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/role.h"
#include "bursar/store.h"
#include "bursar/user.h"

/* ---- cmd_split ---------------------------------------------------------- */

static int split(const char *line, char **argv, int max, char *buf)
{
	return cmd_split(line, buf, argv, max);
}

static void test_split_words(void **state)
{
	char buf[128], *argv[8];

	(void)state;
	assert_int_equal(split("whoami", argv, 8, buf), 1);
	assert_string_equal(argv[0], "whoami");
	assert_int_equal(split("  audit   log\t--limit  5 \n", argv, 8, buf), 4);
	assert_string_equal(argv[0], "audit");
	assert_string_equal(argv[1], "log");
	assert_string_equal(argv[2], "--limit");
	assert_string_equal(argv[3], "5");
	assert_int_equal(split("张伟 李娜", argv, 8, buf), 2);
	assert_string_equal(argv[0], "张伟");
	assert_string_equal(argv[1], "李娜");
}

static void test_split_empty(void **state)
{
	char buf[64], *argv[4];

	(void)state;
	assert_int_equal(split("", argv, 4, buf), 0);
	assert_int_equal(split("   ", argv, 4, buf), 0);
	assert_int_equal(split(" \t\r\n ", argv, 4, buf), 0);
}

static void test_split_quotes(void **state)
{
	char buf[128], *argv[8];

	(void)state;
	assert_int_equal(split("prefs --theme 'my theme'", argv, 8, buf), 3);
	assert_string_equal(argv[2], "my theme");
	assert_int_equal(split("say \"hello  world\" x", argv, 8, buf), 3);
	assert_string_equal(argv[1], "hello  world");
	assert_string_equal(argv[2], "x");
	/* Quotes join with adjacent text. */
	assert_int_equal(split("a'b c'd \"e\"f", argv, 8, buf), 2);
	assert_string_equal(argv[0], "ab cd");
	assert_string_equal(argv[1], "ef");
	/* The other quote is literal inside quotes. */
	assert_int_equal(split("\"it's\" 'say \"hi\"'", argv, 8, buf), 2);
	assert_string_equal(argv[0], "it's");
	assert_string_equal(argv[1], "say \"hi\"");
	/* Empty quotes make an empty argument. */
	assert_int_equal(split("x '' \"\"", argv, 8, buf), 3);
	assert_string_equal(argv[1], "");
	assert_string_equal(argv[2], "");
	/* No escapes inside single quotes. */
	assert_int_equal(split("'a\\b'", argv, 8, buf), 1);
	assert_string_equal(argv[0], "a\\b");
}

static void test_split_backslash(void **state)
{
	char buf[128], *argv[8];

	(void)state;
	assert_int_equal(split("a\\ b c", argv, 8, buf), 2);
	assert_string_equal(argv[0], "a b");
	assert_string_equal(argv[1], "c");
	assert_int_equal(split("\\'x\\\"", argv, 8, buf), 1);
	assert_string_equal(argv[0], "'x\"");
	assert_int_equal(split("a\\\\b", argv, 8, buf), 1);
	assert_string_equal(argv[0], "a\\b");
	assert_int_equal(split("\"a \\\"q\\\" \\\\ \\n\"", argv, 8, buf), 1);
	assert_string_equal(argv[0], "a \"q\" \\ \\n");
	/* A backslash escaping a quote does not open a quoted section. */
	assert_int_equal(split("\\\"a b", argv, 8, buf), 2);
	assert_string_equal(argv[0], "\"a");
}

static void test_split_unbalanced(void **state)
{
	char buf[64], *argv[8];

	(void)state;
	assert_int_equal(split("prefs --theme 'mono", argv, 8, buf), -1);
	assert_int_equal(split("\"", argv, 8, buf), -1);
	assert_int_equal(split("a \"b c", argv, 8, buf), -1);
	assert_int_equal(split("a \"b\\\"", argv, 8, buf), -1);
	assert_int_equal(split("'it\\'s'", argv, 8, buf), -1);
}

static void test_split_max(void **state)
{
	char buf[64], *argv[3];

	(void)state;
	assert_int_equal(split("a b c", argv, 3, buf), 3);
	assert_int_equal(split("a b c   ", argv, 3, buf), 3);
	assert_int_equal(split("a b c d", argv, 3, buf), -1);
	assert_int_equal(split("a", argv, 0, buf), -1);
	assert_int_equal(split("  ", argv, 0, buf), 0);
}

static void test_split_buffer_exact(void **state)
{
	const char *line = "ab 'c d' \"e\"";
	char *buf = malloc(strlen(line) + 1);
	char *argv[8];

	(void)state;
	assert_non_null(buf);
	/* strlen(line)+1 bytes are enough (ASan would catch an overrun). */
	assert_int_equal(cmd_split(line, buf, argv, 8), 3);
	assert_string_equal(argv[1], "c d");
	assert_string_equal(argv[2], "e");
	free(buf);
}

/* ---- dispatch and handlers ---------------------------------------------- */

struct fixture {
	char dir[64];
	char path[128];
	struct config cfg;
	struct store *store;
	struct user user;
	struct app app;
	char *out, *err;
	int rc;
};

static void set_roles(struct fixture *f, unsigned roles)
{
	f->user.roles = roles;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char msg[BR_MSG_MAX];

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/bursar-test-cmd-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/bursar.db", f->dir);
	config_defaults(&f->cfg);
	if (store_open(f->path, false, &f->store, msg, sizeof(msg))) {
		fprintf(stderr, "store_open: %s\n", msg);
		return -1;
	}
	user_init(&f->user);
	snprintf(f->user.uid, sizeof(f->user.uid), "alice");
	snprintf(f->user.dn, sizeof(f->user.dn), "uid=alice,ou=people,dc=example,dc=com");
	snprintf(f->user.display_name, sizeof(f->user.display_name), "Alice Example");
	snprintf(f->user.mail, sizeof(f->user.mail), "alice@example.com");
	snprintf(f->user.groups[0], sizeof(f->user.groups[0]), "staff");
	f->user.ngroups = 1;
	f->app.cfg = &f->cfg;
	f->app.store = f->store;
	f->app.user = &f->user;
	f->app.session_id = "test";
	f->app.remote = "127.0.0.1:1";
	f->app.client_lang = "en_US.UTF-8";
	f->app.term = "xterm";
	f->app.themes_dir = "themes";
	if (store_user_login(f->store, &f->user, "password", f->app.remote))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[192];
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

	free(f->out);
	free(f->err);
	store_close(f->store);
	user_release(&f->user);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	i18n_set_language("en");
	return 0;
}

/* Runs a command line and captures its exit status, stdout and stderr. */
static int run(struct fixture *f, const char *line)
{
	size_t olen = 0, elen = 0;
	FILE *out, *err;

	free(f->out);
	free(f->err);
	f->out = f->err = NULL;
	out = open_memstream(&f->out, &olen);
	err = open_memstream(&f->err, &elen);
	assert_non_null(out);
	assert_non_null(err);
	f->rc = cmd_run_line(&f->app, line, out, err);
	fclose(out);
	fclose(err);
	return f->rc;
}

static void test_no_command(void **state)
{
	struct fixture *f = *state;
	size_t olen = 0, elen = 0;
	FILE *out = open_memstream(&f->out, &olen), *err = open_memstream(&f->err, &elen);

	assert_int_equal(cmd_run(&f->app, 0, NULL, out, err), CMD_USAGE);
	fclose(out);
	fclose(err);
	assert_string_equal(f->out, "");
	assert_non_null(strstr(f->err, "help"));
	assert_int_equal(run(f, "   "), CMD_USAGE);
}

static void test_unknown_command(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run(f, "frobnicate"), CMD_USAGE);
	assert_non_null(strstr(f->err, "unknown command"));
	assert_non_null(strstr(f->err, "frobnicate"));
	assert_string_equal(f->out, "");
	/* Names are exact: no prefixes, no case folding. */
	assert_int_equal(run(f, "who"), CMD_USAGE);
	assert_int_equal(run(f, "WHOAMI"), CMD_USAGE);
	assert_int_equal(run(f, "auditverify"), CMD_USAGE);
	assert_int_equal(run(f, "verify"), CMD_USAGE);
	assert_int_equal(run(f, "log"), CMD_USAGE);
}

static void test_unparsable_line(void **state)
{
	struct fixture *f = *state;
	char line[CMD_MAX_ARGS * 2 + 16] = "whoami";

	assert_int_equal(run(f, "whoami 'oops"), CMD_USAGE);
	assert_non_null(strstr(f->err, "unbalanced"));
	for (int i = 0; i < CMD_MAX_ARGS; i++)
		strcat(line, " x");
	assert_int_equal(run(f, line), CMD_USAGE);
	assert_string_equal(f->out, "");
}

static void test_group_needs_subcommand(void **state)
{
	struct fixture *f = *state;

	set_roles(f, ROLE_BIT(ROLE_AUDITOR));
	assert_int_equal(run(f, "audit"), CMD_USAGE);
	assert_non_null(strstr(f->err, "needs a subcommand"));
	assert_int_equal(run(f, "audit bogus"), CMD_USAGE);
	assert_non_null(strstr(f->err, "needs a subcommand"));
	set_roles(f, 0);
	assert_int_equal(run(f, "audit"), CMD_USAGE);
	assert_non_null(strstr(f->err, "needs a subcommand"));
}

static void test_role_check(void **state)
{
	struct fixture *f = *state;

	set_roles(f, 0);
	assert_int_equal(run(f, "audit verify"), CMD_FAIL);
	assert_non_null(strstr(f->err, "not available"));
	assert_non_null(strstr(f->err, "audit verify"));
	assert_string_equal(f->out, "");
	set_roles(f, ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_APPROVER) | ROLE_BIT(ROLE_FINANCE));
	assert_int_equal(run(f, "audit verify"), CMD_FAIL);
	assert_non_null(strstr(f->err, "not available"));
	assert_int_equal(run(f, "audit log"), CMD_FAIL);
	assert_non_null(strstr(f->err, "not available"));
	/* The role check comes before option parsing. */
	assert_int_equal(run(f, "audit log --bogus"), CMD_FAIL);

	set_roles(f, ROLE_BIT(ROLE_AUDITOR));
	assert_int_equal(run(f, "audit verify"), CMD_OK);
	set_roles(f, ROLE_BIT(ROLE_ADMIN));
	assert_int_equal(run(f, "audit verify"), CMD_OK);
}

static void test_cmd_allowed_table(void **state)
{
	struct user u;
	int audit_seen = 0;

	(void)state;
	user_init(&u);
	for (size_t i = 0; i < cmd_table_size; i++) {
		const struct cmd_entry *c = &cmd_table[i];
		u.roles = 0;
		if (!strncmp(c->name, "audit ", 6)) {
			audit_seen++;
			assert_false(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_APPROVER);
			assert_false(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_AUDITOR);
			assert_true(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_ADMIN);
			assert_true(cmd_allowed(c, &u));
		} else if (!strcmp(c->name, "invoice add") || !strcmp(c->name, "invoice import") ||
			   (!strncmp(c->name, "claim ", 6) && strcmp(c->name, "claim show") && strcmp(c->name, "claim list") &&
			    strcmp(c->name, "claim history")) ||
			   !strcmp(c->name, "attach")) {
			/* filing invoices and claims is for staff; a person without a role may not */
			assert_false(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_STAFF);
			assert_true(cmd_allowed(c, &u));
		} else if (!strcmp(c->name, "export list") || !strcmp(c->name, "export show") ||
			   !strcmp(c->name, "payment list") || !strcmp(c->name, "accounts list") ||
			   !strcmp(c->name, "export settings")) {
			/* vouchers are read by finance, admins and auditors */
			assert_false(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_APPROVER);
			assert_false(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_AUDITOR);
			assert_true(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_FINANCE);
			assert_true(cmd_allowed(c, &u));
		} else if (!strcmp(c->name, "report turnaround") || !strcmp(c->name, "budget set") ||
			   !strcmp(c->name, "export run") || !strcmp(c->name, "export replay") ||
			   !strcmp(c->name, "payment create") || !strcmp(c->name, "reconcile") ||
			   !strcmp(c->name, "advance repay") || !strcmp(c->name, "accounts import") ||
			   !strcmp(c->name, "budget freeze") || !strcmp(c->name, "budget unfreeze") ||
			   !strcmp(c->name, "budget import")) {
			/* budgets are changed, and turnaround read, by finance and admins */
			assert_false(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_APPROVER);
			assert_false(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_FINANCE);
			assert_true(cmd_allowed(c, &u));
			u.roles = ROLE_BIT(ROLE_ADMIN);
			assert_true(cmd_allowed(c, &u));
		} else {
			assert_true(cmd_allowed(c, &u));
		}
	}
	assert_int_equal(audit_seen, 2);
}

static void test_help_by_role(void **state)
{
	struct fixture *f = *state;

	set_roles(f, ROLE_BIT(ROLE_STAFF));
	assert_int_equal(run(f, "help"), CMD_OK);
	assert_non_null(strstr(f->out, "whoami"));
	assert_non_null(strstr(f->out, "prefs"));
	assert_non_null(strstr(f->out, "help"));
	assert_null(strstr(f->out, "audit verify"));
	assert_null(strstr(f->out, "audit log"));
	assert_string_equal(f->err, "");

	set_roles(f, ROLE_BIT(ROLE_AUDITOR));
	assert_int_equal(run(f, "help"), CMD_OK);
	assert_non_null(strstr(f->out, "audit verify"));
	assert_non_null(strstr(f->out, "audit log"));
	assert_non_null(strstr(f->out, "whoami"));

	assert_int_equal(run(f, "help extra"), CMD_USAGE);
	assert_non_null(strstr(f->err, "extra"));
	assert_int_equal(run(f, "help --nope"), CMD_USAGE);
	assert_non_null(strstr(f->err, "usage: help"));
}

static int json_has_command(json_t *arr, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if (!strcmp(json_string_value(json_object_get(v, "command")), name))
			return 1;
	}
	return 0;
}

static void test_help_json(void **state)
{
	struct fixture *f = *state;
	json_error_t jerr;
	json_t *j;

	set_roles(f, 0);
	assert_int_equal(run(f, "help --json"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_true(json_is_array(j));
	/*
	 * help, whoami, prefs, forms, invoice list, claim show, claim list,
	 * claim history, inbox, approve, reject, return, transfer, add approver,
	 * delegate set/clear/show: a person without a role may still be asked to
	 * approve (a named approver or a delegate); budget list and show and
	 * report spend, limited to what the person may see; advance list, their own;
	 * the eleven ledger commands and reminders, the service deciding per ledger
	 */
	assert_int_equal(json_array_size(j), 36);
	assert_true(json_has_command(j, "whoami"));
	assert_false(json_has_command(j, "audit verify"));
	json_decref(j);

	set_roles(f, ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_STAFF));
	assert_int_equal(run(f, "help --json"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), cmd_table_size);
	assert_true(json_has_command(j, "audit verify"));
	assert_true(json_has_command(j, "audit log"));
	json_decref(j);
}

static void test_whoami_text(void **state)
{
	struct fixture *f = *state;

	set_roles(f, ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_FINANCE));
	assert_int_equal(run(f, "whoami"), CMD_OK);
	assert_non_null(strstr(f->out, "alice"));
	assert_non_null(strstr(f->out, "Alice Example"));
	assert_non_null(strstr(f->out, "alice@example.com"));
	assert_non_null(strstr(f->out, "staff, finance"));
	set_roles(f, 0);
	assert_int_equal(run(f, "whoami"), CMD_OK);
	/* Some words saying "none", but no role name. */
	{
		const char *line = strstr(f->out, "Roles: ");
		assert_non_null(line);
		line += strlen("Roles: ");
		assert_true(*line != '\n' && *line != '\0');
		for (int r = 0; r < ROLE_COUNT; r++)
			assert_null(strstr(line, role_name((enum role)r)));
	}
}

static void test_whoami_json(void **state)
{
	struct fixture *f = *state;
	json_error_t jerr;
	json_t *j, *roles;

	set_roles(f, ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_AUDITOR));
	assert_int_equal(run(f, "whoami --json"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	if (!j)
		print_error("not JSON (%s): %s\n", jerr.text, f->out);
	assert_non_null(j);
	assert_true(json_is_object(j));
	assert_string_equal(json_string_value(json_object_get(j, "uid")), "alice");
	assert_string_equal(json_string_value(json_object_get(j, "display_name")), "Alice Example");
	assert_string_equal(json_string_value(json_object_get(j, "mail")), "alice@example.com");
	assert_true(json_is_null(json_object_get(j, "department")));
	assert_true(json_is_null(json_object_get(j, "manager")));
	assert_string_equal(json_string_value(json_object_get(j, "language")), "en");
	roles = json_object_get(j, "roles");
	assert_true(json_is_array(roles));
	assert_int_equal(json_array_size(roles), 2);
	assert_string_equal(json_string_value(json_array_get(roles, 0)), "staff");
	assert_string_equal(json_string_value(json_array_get(roles, 1)), "auditor");
	assert_int_equal(json_array_size(json_object_get(j, "groups")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "groups"), 0)), "staff");
	json_decref(j);

	/* Display name falls back to the uid; a manager becomes an object. */
	f->user.display_name[0] = '\0';
	snprintf(f->user.manager_dn, sizeof(f->user.manager_dn), "uid=boss,ou=people,dc=example,dc=com");
	snprintf(f->user.manager_uid, sizeof(f->user.manager_uid), "boss");
	set_roles(f, 0);
	assert_int_equal(run(f, "whoami --json"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "display_name")), "alice");
	assert_int_equal(json_array_size(json_object_get(j, "roles")), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "manager"), "uid")), "boss");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "manager"), "dn")),
			    "uid=boss,ou=people,dc=example,dc=com");
	json_decref(j);

	/* Text needing escapes still gives valid JSON. */
	snprintf(f->user.display_name, sizeof(f->user.display_name), "A \"quoted\" \\ name 张伟");
	assert_int_equal(run(f, "whoami --json"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "display_name")), "A \"quoted\" \\ name 张伟");
	json_decref(j);
}

static void test_whoami_bad_options(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(run(f, "whoami --bogus"), CMD_USAGE);
	assert_non_null(strstr(f->err, "--bogus"));
	assert_non_null(strstr(f->err, "usage: whoami"));
	assert_string_equal(f->out, "");
	assert_int_equal(run(f, "whoami extra"), CMD_USAGE);
	assert_non_null(strstr(f->err, "extra"));
	assert_int_equal(run(f, "whoami --json=yes"), CMD_USAGE);
	/* Options are re-parsed from scratch on every call. */
	assert_int_equal(run(f, "whoami --json"), CMD_OK);
	assert_int_equal(run(f, "whoami"), CMD_OK);
	assert_null(strstr(f->out, "{"));
}

static void test_audit_verify(void **state)
{
	struct fixture *f = *state;
	json_error_t jerr;
	json_t *j;

	set_roles(f, ROLE_BIT(ROLE_AUDITOR));
	assert_int_equal(store_audit_append(f->store, "x", "test.one", "", ""), BR_OK);
	assert_int_equal(store_audit_append(f->store, "x", "test.two", "", ""), BR_OK);
	/* 1 login + 2 appended */
	assert_int_equal(run(f, "audit verify"), CMD_OK);
	assert_non_null(strstr(f->out, "3 entries"));
	assert_int_equal(run(f, "audit verify --json"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "entries")), 3);
	assert_true(json_is_null(json_object_get(j, "first_bad_entry")));
	json_decref(j);
	assert_int_equal(run(f, "audit verify now"), CMD_USAGE);
}

static void test_audit_verify_broken(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db = NULL;
	json_error_t jerr;
	json_t *j;

	set_roles(f, ROLE_BIT(ROLE_ADMIN));
	for (int i = 0; i < 4; i++)
		assert_int_equal(store_audit_append(f->store, "x", "test.event", "", ""), BR_OK);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "DROP TRIGGER audit_log_no_update;"
				      "UPDATE audit_log SET actor = 'mallory' WHERE id = 3;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(run(f, "audit verify"), CMD_FAIL);
	assert_non_null(strstr(f->err, "#3"));
	assert_int_equal(run(f, "audit verify --json"), CMD_FAIL);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "first_bad_entry")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "entries")), 2);
	json_decref(j);
}

static void test_audit_log(void **state)
{
	struct fixture *f = *state;
	json_error_t jerr;
	json_t *j;

	set_roles(f, ROLE_BIT(ROLE_AUDITOR));
	for (int i = 0; i < 5; i++) {
		char detail[16];
		snprintf(detail, sizeof(detail), "n=%d", i + 2);
		assert_int_equal(store_audit_append(f->store, "x", "test.event", "obj", detail), BR_OK);
	}
	assert_int_equal(run(f, "audit log --json --limit 2"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "id")), 6);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 1), "id")), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "detail")), "n=6");
	json_decref(j);

	assert_int_equal(run(f, "audit log --json --before 3"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 1), "action")), "login.success");
	json_decref(j);

	assert_int_equal(run(f, "audit log"), CMD_OK);
	assert_non_null(strstr(f->out, "login.success"));
	assert_non_null(strstr(f->out, "n=6"));
	assert_true(strstr(f->out, "n=6") < strstr(f->out, "n=2"));

	assert_int_equal(run(f, "audit log --limit 0"), CMD_USAGE);
	assert_int_equal(run(f, "audit log --limit 100001"), CMD_USAGE);
	assert_int_equal(run(f, "audit log --limit ten"), CMD_USAGE);
	assert_int_equal(run(f, "audit log --before -1"), CMD_USAGE);
	assert_int_equal(run(f, "audit log --limit"), CMD_USAGE);
}

static void test_prefs(void **state)
{
	struct fixture *f = *state;
	struct user got;
	json_error_t jerr;
	json_t *j;

	assert_int_equal(run(f, "prefs"), CMD_OK);
	assert_non_null(strstr(f->out, "default"));
	assert_non_null(strstr(f->out, "mono"));

	assert_int_equal(run(f, "prefs --language fr"), CMD_USAGE);
	assert_non_null(strstr(f->err, "fr"));
	assert_int_equal(run(f, "prefs --theme ../etc"), CMD_FAIL);
	assert_int_equal(run(f, "prefs --theme no-such-theme"), CMD_FAIL);
	user_init(&got);
	assert_int_equal(store_user_get(f->store, "alice", &got), BR_OK);
	assert_string_equal(got.theme, "");

	assert_int_equal(run(f, "prefs --theme mono --language en --json"), CMD_OK);
	j = json_loads(f->out, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "theme")), "mono");
	assert_string_equal(json_string_value(json_object_get(j, "language")), "en");
	assert_true(json_array_size(json_object_get(j, "themes")) >= 3);
	json_decref(j);
	user_init(&got);
	assert_int_equal(store_user_get(f->store, "alice", &got), BR_OK);
	assert_string_equal(got.theme, "mono");
	assert_string_equal(got.language, "en");
	assert_string_equal(f->user.theme, "mono");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_words),
		cmocka_unit_test(test_split_empty),
		cmocka_unit_test(test_split_quotes),
		cmocka_unit_test(test_split_backslash),
		cmocka_unit_test(test_split_unbalanced),
		cmocka_unit_test(test_split_max),
		cmocka_unit_test(test_split_buffer_exact),
		cmocka_unit_test(test_cmd_allowed_table),
		T(test_no_command),
		T(test_unknown_command),
		T(test_unparsable_line),
		T(test_group_needs_subcommand),
		T(test_role_check),
		T(test_help_by_role),
		T(test_help_json),
		T(test_whoami_text),
		T(test_whoami_json),
		T(test_whoami_bad_options),
		T(test_audit_verify),
		T(test_audit_verify_broken),
		T(test_audit_log),
		T(test_prefs),
	};
#undef T

	i18n_init(NULL);
	i18n_set_language("en");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
