/*
 * test_store.c - the SQLite store: schema, users cache, preferences and the
 * hash-chained audit log, including tampering done behind its back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bursar/audit.h"
#include "bursar/err.h"
#include "bursar/role.h"
#include "bursar/store.h"
#include "bursar/user.h"

struct fixture {
	char dir[64];
	char path[128];
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char msg[BR_MSG_MAX];

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/bursar-test-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/bursar.db", f->dir);
	if (store_open(f->path, false, &f->s, msg, sizeof(msg))) {
		fprintf(stderr, "store_open: %s\n", msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char p[192];

	store_close(f->s);
	/* WAL side files may or may not be left behind. */
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", f->path, suffixes[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void reopen(struct fixture *f)
{
	char msg[BR_MSG_MAX];

	store_close(f->s);
	f->s = NULL;
	assert_int_equal(store_open(f->path, true, &f->s, msg, sizeof(msg)), BR_OK);
	assert_non_null(f->s);
}

/* Runs SQL on the database file through a separate, raw connection. */
static int raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 2000);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static long long raw_count(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void make_user(struct user *u, const char *uid, const char *name)
{
	user_init(u);
	snprintf(u->uid, sizeof(u->uid), "%s", uid);
	snprintf(u->dn, sizeof(u->dn), "uid=%s,ou=people,dc=example,dc=com", uid);
	snprintf(u->display_name, sizeof(u->display_name), "%s", name);
	snprintf(u->mail, sizeof(u->mail), "%s@example.com", uid);
	snprintf(u->department, sizeof(u->department), "Finance");
	snprintf(u->title, sizeof(u->title), "Clerk");
	u->roles = ROLE_BIT(ROLE_STAFF) | ROLE_BIT(ROLE_ADMIN);
}

static void append_n(struct store *s, int n)
{
	for (int i = 1; i <= n; i++) {
		char detail[32];
		snprintf(detail, sizeof(detail), "entry %d", i);
		assert_int_equal(store_audit_append(s, "tester", "test.event", "obj", detail), BR_OK);
	}
}

static void expect_verify(struct store *s, int want_rc, int64_t want_count, int64_t want_bad)
{
	int64_t count = -1, bad = -1;
	int rc = store_audit_verify(s, &count, &bad);

	if (rc != want_rc || count != want_count || bad != want_bad)
		print_error("verify: rc=%d count=%lld bad=%lld; wanted rc=%d count=%lld bad=%lld\n", rc,
			    (long long)count, (long long)bad, want_rc, (long long)want_count, (long long)want_bad);
	assert_int_equal(rc, want_rc);
	assert_int_equal(count, want_count);
	assert_int_equal(bad, want_bad);
}

/* Collects listed entries (copied: the callback's pointers are short-lived). */
struct listed {
	int n, stop_after;
	int64_t ids[64];
	char actor[64][32];
	char action[64][32];
	char detail[64][64];
	char hash[64][AUDIT_HASH_HEX];
	char prev[64][AUDIT_HASH_HEX];
};

static int collect(const struct audit_entry *e, void *arg)
{
	struct listed *l = arg;

	if (l->n < 64) {
		l->ids[l->n] = e->id;
		snprintf(l->actor[l->n], sizeof(l->actor[0]), "%s", e->actor);
		snprintf(l->action[l->n], sizeof(l->action[0]), "%s", e->action);
		snprintf(l->detail[l->n], sizeof(l->detail[0]), "%s", e->detail);
		snprintf(l->hash[l->n], sizeof(l->hash[0]), "%s", e->hash);
		snprintf(l->prev[l->n], sizeof(l->prev[0]), "%s", e->prev_hash);
	}
	l->n++;
	return l->stop_after && l->n >= l->stop_after;
}

static void test_open_creates_schema(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(store_schema_version(f->s), 12);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='users'"),
			 1);
	assert_int_equal(
		raw_count(f->path, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='audit_log'"), 1);
	/* the audit log's two (append-only) and the advances' four (claimed + returned <= advanced) */
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM sqlite_master WHERE type='trigger'"), 8);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit_log"), 0);
	expect_verify(f->s, BR_OK, 0, 0);
}

static void test_reopen_idempotent(void **state)
{
	struct fixture *f = *state;

	append_n(f->s, 2);
	reopen(f);
	assert_int_equal(store_schema_version(f->s), 12);
	reopen(f);
	assert_int_equal(store_schema_version(f->s), 12);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM sqlite_master WHERE type='trigger'"), 8);
	expect_verify(f->s, BR_OK, 2, 0);
	/* WAL mode is a property of the file. */
	assert_int_equal(raw_count(f->path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
}

static void test_open_errors(void **state)
{
	struct fixture *f = *state;
	struct store *s2 = (struct store *)&s2;
	char msg[BR_MSG_MAX];

	msg[0] = '\0';
	assert_int_not_equal(store_open("/nonexistent-bursar-dir/sub/x.db", true, &s2, msg, sizeof(msg)), BR_OK);
	assert_null(s2);
	assert_non_null(strstr(msg, "/nonexistent-bursar-dir/sub/x.db"));

	/* A database from a newer program is refused, not downgraded. */
	int current = store_schema_version(f->s);
	char restore[48];
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(raw_exec(f->path, "PRAGMA user_version = 99"), SQLITE_OK);
	msg[0] = '\0';
	assert_int_equal(store_open(f->path, true, &s2, msg, sizeof(msg)), BR_ERR_STORE);
	assert_null(s2);
	assert_non_null(strstr(msg, "99"));
	assert_int_equal(raw_count(f->path, "PRAGMA user_version"), 99);
	snprintf(restore, sizeof(restore), "PRAGMA user_version = %d", current);
	assert_int_equal(raw_exec(f->path, restore), SQLITE_OK);
	reopen(f);
}

static void test_user_login_insert_then_update(void **state)
{
	struct fixture *f = *state;
	struct user u, got;
	char first_time[32];

	make_user(&u, "alice", "Alice Example");
	assert_int_equal(store_user_login(f->s, &u, "password", "127.0.0.1:4000"), BR_OK);
	/* First login: no previous time. */
	assert_string_equal(u.last_login, "");
	assert_string_equal(u.theme, "");
	assert_string_equal(u.language, "");

	user_init(&got);
	assert_int_equal(store_user_get(f->s, "alice", &got), BR_OK);
	assert_string_equal(got.uid, "alice");
	assert_string_equal(got.dn, "uid=alice,ou=people,dc=example,dc=com");
	assert_string_equal(got.display_name, "Alice Example");
	assert_string_equal(got.mail, "alice@example.com");
	assert_string_equal(got.department, "Finance");
	assert_string_equal(got.title, "Clerk");
	assert_int_equal(strlen(got.last_login), 24);
	snprintf(first_time, sizeof(first_time), "%s", got.last_login);

	sleep_ms(5);
	make_user(&u, "alice", "Alice Renamed");
	assert_int_equal(store_user_login(f->s, &u, "publickey", "127.0.0.1:4001"), BR_OK);
	assert_string_equal(u.last_login, first_time);

	user_init(&got);
	assert_int_equal(store_user_get(f->s, "alice", &got), BR_OK);
	assert_string_equal(got.display_name, "Alice Renamed");
	assert_true(strcmp(got.last_login, first_time) > 0);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM users"), 1);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM users WHERE first_login < last_login"), 1);

	/* Each login is audited. */
	{
		struct listed l = { 0 };
		assert_int_equal(store_audit_list(f->s, 0, 10, collect, &l), BR_OK);
		assert_int_equal(l.n, 2);
		assert_string_equal(l.action[0], "login.success");
		assert_string_equal(l.actor[0], "alice");
		assert_non_null(strstr(l.detail[0], "method=publickey"));
		assert_non_null(strstr(l.detail[0], "remote=127.0.0.1:4001"));
		assert_non_null(strstr(l.detail[0], "staff"));
		assert_non_null(strstr(l.detail[0], "admin"));
		assert_non_null(strstr(l.detail[1], "method=password"));
	}
	expect_verify(f->s, BR_OK, 2, 0);
}

static void test_user_display_fallback_cached(void **state)
{
	struct fixture *f = *state;
	struct user u, got;

	make_user(&u, "nameless", "");
	assert_int_equal(store_user_login(f->s, &u, "password", NULL), BR_OK);
	user_init(&got);
	assert_int_equal(store_user_get(f->s, "nameless", &got), BR_OK);
	assert_string_equal(got.display_name, "nameless");
}

static void test_user_get_unknown(void **state)
{
	struct fixture *f = *state;
	struct user u;

	user_init(&u);
	assert_int_equal(store_user_get(f->s, "nobody", &u), BR_ERR_NOT_FOUND);
	assert_int_equal(store_user_get(f->s, "", &u), BR_ERR_NOT_FOUND);
}

static void test_prefs(void **state)
{
	struct fixture *f = *state;
	struct user u, got;

	assert_int_equal(store_user_set_prefs(f->s, "ghost", "mono", "en"), BR_ERR_NOT_FOUND);
	/* The failed change left no audit entry behind. */
	expect_verify(f->s, BR_OK, 0, 0);

	make_user(&u, "bob", "Bob");
	assert_int_equal(store_user_login(f->s, &u, "password", "10.0.0.2:22"), BR_OK);
	assert_int_equal(store_user_set_prefs(f->s, "bob", "mono", "en"), BR_OK);
	user_init(&got);
	assert_int_equal(store_user_get(f->s, "bob", &got), BR_OK);
	assert_string_equal(got.theme, "mono");
	assert_string_equal(got.language, "en");

	/* NULL leaves a preference as it was. */
	assert_int_equal(store_user_set_prefs(f->s, "bob", NULL, "zh_CN"), BR_OK);
	assert_int_equal(store_user_set_prefs(f->s, "bob", "contrast", NULL), BR_OK);

	reopen(f);
	user_init(&got);
	assert_int_equal(store_user_get(f->s, "bob", &got), BR_OK);
	assert_string_equal(got.theme, "contrast");
	assert_string_equal(got.language, "zh_CN");

	/* A later login keeps and returns the preferences. */
	make_user(&u, "bob", "Bob");
	assert_int_equal(store_user_login(f->s, &u, "password", "10.0.0.2:23"), BR_OK);
	assert_string_equal(u.theme, "contrast");
	assert_string_equal(u.language, "zh_CN");
	user_init(&got);
	assert_int_equal(store_user_get(f->s, "bob", &got), BR_OK);
	assert_string_equal(got.theme, "contrast");

	/* login + 3 prefs changes + login. */
	{
		struct listed l = { 0 };
		assert_int_equal(store_audit_list(f->s, 0, 0 + 10, collect, &l), BR_OK);
		assert_int_equal(l.n, 5);
		assert_string_equal(l.action[1], "prefs.update");
		assert_string_equal(l.detail[1], "theme=contrast");
		assert_string_equal(l.detail[2], "language=zh_CN");
		assert_string_equal(l.detail[3], "theme=mono language=en");
		assert_string_equal(l.actor[3], "bob");
	}
	expect_verify(f->s, BR_OK, 5, 0);
}

static void test_audit_append_verify(void **state)
{
	struct fixture *f = *state;
	struct listed l = { 0 };

	append_n(f->s, 5);
	assert_int_equal(store_audit_append(f->s, NULL, "system.start", NULL, NULL), BR_OK);
	assert_int_equal(store_audit_append(f->s, "", "system.stop", "", ""), BR_OK);
	expect_verify(f->s, BR_OK, 7, 0);

	assert_int_equal(store_audit_list(f->s, 0, 100, collect, &l), BR_OK);
	assert_int_equal(l.n, 7);
	/* A missing actor is recorded as the system. */
	assert_string_equal(l.actor[0], "-");
	assert_string_equal(l.actor[1], "-");
	assert_string_equal(l.action[1], "system.start");
	/* The chain: the oldest links to genesis, each to the one before. */
	assert_string_equal(l.prev[6], AUDIT_GENESIS);
	for (int i = 0; i < 6; i++)
		assert_string_equal(l.prev[i], l.hash[i + 1]);
}

static void test_audit_list_order_and_paging(void **state)
{
	struct fixture *f = *state;
	struct listed l;

	append_n(f->s, 10);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_audit_list(f->s, 0, 100, collect, &l), BR_OK);
	assert_int_equal(l.n, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(l.ids[i], 10 - i);
	assert_string_equal(l.detail[0], "entry 10");
	assert_string_equal(l.detail[9], "entry 1");

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_audit_list(f->s, 0, 3, collect, &l), BR_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.ids[0], 10);
	assert_int_equal(l.ids[2], 8);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_audit_list(f->s, 8, 3, collect, &l), BR_OK);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.ids[0], 7);
	assert_int_equal(l.ids[1], 6);
	assert_int_equal(l.ids[2], 5);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_audit_list(f->s, 3, 50, collect, &l), BR_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], 2);
	assert_int_equal(l.ids[1], 1);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_audit_list(f->s, 1, 50, collect, &l), BR_OK);
	assert_int_equal(l.n, 0);

	memset(&l, 0, sizeof(l));
	assert_int_equal(store_audit_list(f->s, 1000, 2, collect, &l), BR_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], 10);

	/* The callback can stop the walk. */
	memset(&l, 0, sizeof(l));
	l.stop_after = 4;
	assert_int_equal(store_audit_list(f->s, 0, 100, collect, &l), BR_OK);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.ids[3], 7);
}

static void test_triggers_block_changes(void **state)
{
	struct fixture *f = *state;

	append_n(f->s, 3);
	assert_int_not_equal(raw_exec(f->path, "UPDATE audit_log SET detail = 'forged' WHERE id = 2"), SQLITE_OK);
	assert_int_not_equal(raw_exec(f->path, "DELETE FROM audit_log WHERE id = 2"), SQLITE_OK);
	assert_int_not_equal(raw_exec(f->path, "DELETE FROM audit_log"), SQLITE_OK);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit_log"), 3);
	assert_int_equal(raw_count(f->path, "SELECT count(*) FROM audit_log WHERE detail = 'forged'"), 0);
	expect_verify(f->s, BR_OK, 3, 0);
}

static void test_tamper_update_detected(void **state)
{
	struct fixture *f = *state;

	append_n(f->s, 5);
	expect_verify(f->s, BR_OK, 5, 0);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(raw_exec(f->path, "DROP TRIGGER audit_log_no_update;"
					   "UPDATE audit_log SET detail = 'entry 3, nothing to see' WHERE id = 3;"),
			 SQLITE_OK);
	reopen(f);
	expect_verify(f->s, BR_ERR_CORRUPT, 2, 3);
}

static void test_tamper_rehash_detected(void **state)
{
	struct fixture *f = *state;
	struct audit_entry e = { 0 };
	char sql[512];

	/* Rewriting an entry and its own hash still breaks the next link. */
	append_n(f->s, 5);
	e.id = 3;
	e.ts = "2020-01-01T00:00:00.000Z";
	e.actor = "tester";
	e.action = "test.event";
	e.object = "obj";
	e.detail = "forged";
	{
		struct listed l = { 0 };
		assert_int_equal(store_audit_list(f->s, 4, 1, collect, &l), BR_OK);
		assert_int_equal(l.ids[0], 3);
		snprintf(e.prev_hash, sizeof(e.prev_hash), "%s", l.prev[0]);
	}
	audit_hash(&e, e.hash);
	snprintf(sql, sizeof(sql),
		 "DROP TRIGGER audit_log_no_update;"
		 "UPDATE audit_log SET ts = '%s', detail = '%s', hash = '%s' WHERE id = 3;",
		 e.ts, e.detail, e.hash);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
	reopen(f);
	expect_verify(f->s, BR_ERR_CORRUPT, 3, 4);
}

static void test_tamper_delete_detected(void **state)
{
	struct fixture *f = *state;

	append_n(f->s, 5);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(raw_exec(f->path, "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2;"),
			 SQLITE_OK);
	reopen(f);
	expect_verify(f->s, BR_ERR_CORRUPT, 1, 3);
}

static void test_tamper_renumber_detected(void **state)
{
	struct fixture *f = *state;

	/* Deleting entry 2 and renumbering the rest so that ids are contiguous. */
	append_n(f->s, 4);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(raw_exec(f->path, "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update;"
					   "DELETE FROM audit_log WHERE id = 2;"
					   "UPDATE audit_log SET id = id - 1 WHERE id > 2;"),
			 SQLITE_OK);
	reopen(f);
	expect_verify(f->s, BR_ERR_CORRUPT, 1, 2);
}

/*
 * Every stored byte is covered: a hash column with extra characters after
 * the genuine 64 hex digits is an altered row and must be reported.
 */
static void test_tamper_hash_suffix_detected(void **state)
{
	struct fixture *f = *state;

	append_n(f->s, 4);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(raw_exec(f->path, "DROP TRIGGER audit_log_no_update;"
					   "UPDATE audit_log SET prev_hash = prev_hash || 'tampered' WHERE id = 3;"),
			 SQLITE_OK);
	assert_int_equal(raw_count(f->path, "SELECT length(prev_hash) FROM audit_log WHERE id = 3"), 64 + 8);
	reopen(f);
	expect_verify(f->s, BR_ERR_CORRUPT, 2, 3);
}

static void test_tamper_forged_insert_detected(void **state)
{
	struct fixture *f = *state;

	append_n(f->s, 2);
	assert_int_equal(raw_exec(f->path, "INSERT INTO audit_log (id, ts, actor, action, object, detail, prev_hash, hash)"
					   " VALUES (3, '2026-01-01T00:00:00.000Z', 'mallory', 'x', 'y', 'z',"
					   " 'bogus', 'bogus')"),
			 SQLITE_OK);
	expect_verify(f->s, BR_ERR_CORRUPT, 2, 3);
}

static void test_concurrent_connections(void **state)
{
	struct fixture *f = *state;
	struct store *s2 = NULL;
	char msg[BR_MSG_MAX];

	/* Two session processes share the file; their entries form one chain. */
	assert_int_equal(store_open(f->path, false, &s2, msg, sizeof(msg)), BR_OK);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(store_audit_append(f->s, "a", "test.a", "", ""), BR_OK);
		assert_int_equal(store_audit_append(s2, "b", "test.b", "", ""), BR_OK);
	}
	expect_verify(f->s, BR_OK, 8, 0);
	expect_verify(s2, BR_OK, 8, 0);
	store_close(s2);
}

static int collect_invoice(const struct invoice *inv, const struct invoice_holder *h, void *arg)
{
	int *n = arg;

	assert_true(h->id > 0);
	assert_true(inv->total > 0);
	(*n)++;
	return 0;
}

static void test_invoice_register_dedup(void **state)
{
	struct fixture *f = *state;
	struct invoice inv;
	struct invoice_holder holder;
	int64_t id1 = 0, id2 = 0;
	int n = 0;

	memset(&inv, 0, sizeof(inv));
	inv.kind = INVOICE_DIGITAL;
	strcpy(inv.number, "24442000000012345678");
	strcpy(inv.date, "2026-11-01");
	inv.amount = 40000;
	inv.rate_bp = 900;
	inv.tax = 3600;
	inv.total = 43600;
	assert_int_equal(store_invoice_add(f->s, &inv, "alice", &id1, &holder), BR_OK);
	assert_true(id1 > 0);
	/* anyone else, any time later: refused, naming the holder */
	assert_int_equal(store_invoice_add(f->s, &inv, "bob", &id2, &holder), BR_ERR_CONFLICT);
	assert_int_equal(holder.id, id1);
	assert_string_equal(holder.owner, "alice");
	/* a legacy invoice with the same number but a code is a different invoice */
	inv.kind = INVOICE_VAT_NORMAL;
	strcpy(inv.code, "4400231130");
	strcpy(inv.number, "12345678");
	assert_int_equal(store_invoice_add(f->s, &inv, "bob", &id2, NULL), BR_OK);
	assert_int_equal(store_invoice_add(f->s, &inv, "bob", &id2, NULL), BR_ERR_CONFLICT);
	assert_int_equal(store_invoice_list(f->s, "alice", collect_invoice, &n), BR_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(store_invoice_list(f->s, NULL, collect_invoice, &n), BR_OK);
	assert_int_equal(n, 2);
	/* the database itself refuses a total that does not add up */
	assert_int_not_equal(raw_exec(f->path, "INSERT INTO invoices (dedup_key, kind, code, number, date,"
					       " seller_name, seller_tax_id, buyer_name, buyer_tax_id, amount, rate_bp,"
					       " tax, total, check_code, owner, created_at) VALUES ('k', 'receipt', '',"
					       " 'k', '2026-01-01', '', '', '', '', 100, 0, 0, 101, '', 'x', 'now')"),
			     SQLITE_OK);
}

static int count_category(const struct category *c, void *arg)
{
	int *n = arg;

	if (!strcmp(c->code, "travel.rail")) {
		assert_string_equal(c->account, "660201");
		assert_int_equal(c->vat, VAT_FARE_9);
	}
	if (!strcmp(c->code, "entertainment"))
		assert_int_equal(c->vat, VAT_NONE);
	(*n)++;
	return 0;
}

static void test_categories_seeded(void **state)
{
	struct fixture *f = *state;
	int n = 0;

	assert_int_equal(store_category_list(f->s, count_category, &n), BR_OK);
	assert_int_equal(n, category_default_count);
	assert_int_equal(n, 13); /* twelve expense categories and the advance */
	/* reopening does not seed twice */
	reopen(f);
	n = 0;
	assert_int_equal(store_category_list(f->s, count_category, &n), BR_OK);
	assert_int_equal(n, 13);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_open_creates_schema),
		T(test_reopen_idempotent),
		T(test_open_errors),
		T(test_categories_seeded),
		T(test_invoice_register_dedup),
		T(test_user_login_insert_then_update),
		T(test_user_display_fallback_cached),
		T(test_user_get_unknown),
		T(test_prefs),
		T(test_audit_append_verify),
		T(test_audit_list_order_and_paging),
		T(test_triggers_block_changes),
		T(test_tamper_update_detected),
		T(test_tamper_rehash_detected),
		T(test_tamper_delete_detected),
		T(test_tamper_renumber_detected),
		T(test_tamper_hash_suffix_detected),
		T(test_tamper_forged_insert_detected),
		T(test_concurrent_connections),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
