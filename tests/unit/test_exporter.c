/*
 * test_exporter.c - the exporter against a real database and outbox:
 * batches, gapless numbers, files and their checksums, replay, budgets
 * turning actual, and a crash test that kills an exporting process at
 * random moments over many runs, then checks that no claim is exported
 * twice or skipped, numbers have no gaps and no partial file is left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bursar/config.h"
#include "bursar/err.h"
#include "bursar/export.h"
#include "bursar/store.h"
#include "bursar/util.h"

struct fixture {
	char dir[64];
	struct config cfg;
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char msg[BR_MSG_MAX];

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/bursar-test-export-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	config_defaults(&f->cfg);
	snprintf(f->cfg.server.data_dir, sizeof(f->cfg.server.data_dir), "%s", f->dir);
	snprintf(f->cfg.store.path, sizeof(f->cfg.store.path), "%s/bursar.db", f->dir);
	snprintf(f->cfg.export_.formats, sizeof(f->cfg.export_.formats), "jsonl,beancount");
	f->cfg.store.synchronous_full = false;
	if (store_open(f->cfg.store.path, false, &f->s, msg, sizeof(msg))) {
		fprintf(stderr, "store_open: %s\n", msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", f->dir);
	free(f);
	return 0;
}

/* n approved claims of owner, amounts 100.00 + i fen (auto-approved on submit). */
static void approved_claims(struct fixture *f, int n, const char *category)
{
	char today[11];

	date_today(today);
	for (int i = 0; i < n; i++) {
		struct claim c;
		enum claim_status st = CLAIM_DRAFT;
		struct claim_line l;
		int bad = 0;
		claim_init(&c);
		snprintf(c.form, sizeof(c.form), "general");
		snprintf(c.owner, sizeof(c.owner), "user%d", i % 7);
		snprintf(c.department, sizeof(c.department), "研发部");
		snprintf(c.title, sizeof(c.title), "办公用品 第%d批", i);
		memset(&l, 0, sizeof(l));
		snprintf(l.category, sizeof(l.category), "%s", category);
		snprintf(l.date, sizeof(l.date), "%s", today);
		l.amount = 10000 + i;
		claim_add_line(&c, &l);
		c.total = l.amount;
		assert_int_equal(store_claim_create(f->s, &c, &bad, NULL), BR_OK);
		assert_int_equal(store_claim_submit(f->s, c.id, c.owner, NULL, NULL, 0, "small", &st, NULL), BR_OK);
		assert_int_equal(st, CLAIM_APPROVED);
		claim_release(&c);
	}
}

static int count_one(const struct claim_summary *c, void *arg)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

static int count_status(struct fixture *f, enum claim_status want)
{
	int n = 0;

	assert_int_equal(store_claim_list(f->s, NULL, want, count_one, &n), BR_OK);
	return n;
}

struct seen {
	int batches, vouchers;
	int64_t ids[4096];
};

static int seen_batch(const struct export_batch_row *r, void *arg)
{
	struct seen *s = arg;

	if (s->batches < 4096)
		s->ids[s->batches] = r->id;
	s->batches++;
	s->vouchers += r->nvouchers;
	return 0;
}

/* Every batch has a file per format whose bytes match the recorded checksum; no temporary file anywhere. */
static void check_outbox(struct fixture *f, struct seen *s)
{
	const char *fmts[] = { "jsonl", "beancount" };

	for (size_t k = 0; k < 2; k++) {
		char dir[256];
		struct dirent *e;
		DIR *d;
		snprintf(dir, sizeof(dir), "%s/outbox/%s", f->dir, fmts[k]);
		if ((d = opendir(dir))) {
			while ((e = readdir(d)))
				assert_true(strncmp(e->d_name, ".tmp-", 5) != 0);
			closedir(d);
		}
		for (int b = 0; b < s->batches && b < 4096; b++) {
			char path[4096], sha[65], again[65], msg[BR_MSG_MAX];
			int64_t bytes;
			struct stat st;
			assert_int_equal(store_export_file_get(f->s, s->ids[b], fmts[k], path, sha, &bytes), BR_OK);
			assert_int_equal(stat(path, &st), 0);
			assert_int_equal((int64_t)st.st_size, bytes);
			/* written again: the same bytes */
			assert_int_equal(export_replay(&f->cfg, f->s, s->ids[b], export_format_find(fmts[k]), again, msg,
						       sizeof(msg)),
					 BR_OK);
			assert_string_equal(sha, again);
		}
	}
}

/* Numbers of one period and word run 1..n without gaps, one per claim. */
static void check_numbers(struct fixture *f, int want)
{
	struct seen s = { 0 };
	int total = 0, expect = 1;

	assert_int_equal(store_export_batches(f->s, 0, seen_batch, &s), BR_OK);
	/* batches come newest first; read them oldest first */
	for (int b = s.batches - 1; b >= 0; b--) {
		struct voucher_settings set;
		struct voucher *v = NULL;
		char created[32];
		int n = 0;
		assert_int_equal(store_export_load(f->s, s.ids[b], created, &set, &v, &n), BR_OK);
		for (int i = 0; i < n; i++) {
			int64_t dr, cr;
			assert_int_equal(v[i].number, expect++);
			assert_true(voucher_balanced(&v[i], &dr, &cr));
		}
		total += n;
		store_vouchers_free(v, n);
	}
	assert_int_equal(total, want);
	assert_int_equal(s.vouchers, want);
	check_outbox(f, &s);
}

/* Runs the exporter, printing its message when it fails. */
static int run(struct fixture *f, struct export_report *r)
{
	char msg[BR_MSG_MAX] = "";
	int ret = export_run(&f->cfg, f->s, NULL, "fin", r, msg, sizeof(msg));

	if (ret)
		fprintf(stderr, "export_run: %s\n", msg);
	return ret;
}

static void test_run_writes_batches(void **state)
{
	struct fixture *f = *state;
	struct export_report r;

	approved_claims(f, 25, "office");
	f->cfg.export_.batch_max = 10;
	assert_int_equal(run(f, &r), BR_OK);
	assert_int_equal(r.batches, 3);
	assert_int_equal(r.vouchers, 25);
	assert_int_equal(r.files, 6);
	assert_int_equal(count_status(f, CLAIM_APPROVED), 0);
	assert_int_equal(count_status(f, CLAIM_EXPORTED), 25);
	check_numbers(f, 25);
	/* nothing waits: a second run does nothing */
	assert_int_equal(run(f, &r), BR_OK);
	assert_int_equal(r.batches + r.files, 0);
}

static void test_unknown_format(void **state)
{
	struct fixture *f = *state;
	struct export_report r;
	char msg[BR_MSG_MAX];

	assert_int_equal(export_run(&f->cfg, f->s, "lotus123", "fin", &r, msg, sizeof(msg)), BR_ERR_INVALID);
	assert_non_null(strstr(msg, "lotus123"));
}

static void test_budget_turns_actual(void **state)
{
	struct fixture *f = *state;
	struct budget_node n;
	struct export_report r;
	char today[11];
	bool created;

	date_today(today);
	memset(&n, 0, sizeof(n));
	snprintf(n.department, sizeof(n.department), "研发部");
	snprintf(n.period, sizeof(n.period), "%.4s", today);
	n.amount = 10000000;
	n.mode = BUDGET_BLOCK;
	assert_null(budget_node_check(&n));
	assert_int_equal(store_budget_set(f->s, &n, "fin", "", &created), BR_OK);
	approved_claims(f, 3, "office");
	assert_int_equal(store_budget_get(f->s, n.id, &n), BR_OK);
	assert_int_equal(n.committed, 30003);
	assert_int_equal(run(f, &r), BR_OK);
	assert_int_equal(store_budget_get(f->s, n.id, &n), BR_OK);
	assert_int_equal(n.committed, 0);
	assert_int_equal(n.actual, 30003);
}

/* Claims whose voucher cannot be made stay approved and never hold up the others. */
static void test_no_starvation(void **state)
{
	struct fixture *f = *state;
	struct export_report r;

	approved_claims(f, 2, "nosuch"); /* a category the table does not have */
	approved_claims(f, 3, "office");
	f->cfg.export_.batch_max = 2;
	assert_int_equal(run(f, &r), BR_OK);
	assert_int_equal(r.vouchers, 3);
	assert_int_equal(r.skipped, 2);
	assert_non_null(strstr(r.skipped_msg, "nosuch"));
	assert_int_equal(count_status(f, CLAIM_APPROVED), 2);
	check_numbers(f, 3);
}

/* Long Chinese text is cut between characters, so every writer takes it. */
static void test_long_text(void **state)
{
	struct fixture *f = *state;
	struct export_report r;
	char today[11], dept[200] = "";
	struct claim c;
	enum claim_status st;
	struct claim_line l;
	int bad = 0;

	date_today(today);
	for (int i = 0; i < 60; i++)
		strcat(dept, "研"); /* 180 bytes: more than a voucher line holds */
	claim_init(&c);
	snprintf(c.form, sizeof(c.form), "general");
	snprintf(c.owner, sizeof(c.owner), "user1");
	snprintf(c.department, sizeof(c.department), "%s", dept);
	snprintf(c.title, sizeof(c.title), "%s", dept);
	claim_set_value(&c, "project", dept);
	memset(&l, 0, sizeof(l));
	snprintf(l.category, sizeof(l.category), "office");
	snprintf(l.date, sizeof(l.date), "%s", today);
	l.amount = 100;
	claim_add_line(&c, &l);
	assert_int_equal(store_claim_create(f->s, &c, &bad, NULL), BR_OK);
	assert_int_equal(store_claim_submit(f->s, c.id, c.owner, NULL, NULL, 0, "small", &st, NULL), BR_OK);
	claim_release(&c);
	snprintf(f->cfg.export_.formats, sizeof(f->cfg.export_.formats), "jsonl,beancount");
	assert_int_equal(run(f, &r), BR_OK);
	assert_int_equal(r.vouchers, 1);
	check_numbers(f, 1);
}

static int take_balance(const struct advance_balance *b, void *arg)
{
	*(struct advance_balance *)arg = *b;
	return 0;
}

/* claimed + returned never exceed advanced: settlements at export and repayments. */
static void test_advances(void **state)
{
	struct fixture *f = *state;
	struct advance_balance b;
	struct export_report r;
	int64_t open = -1;

	memset(&b, 0, sizeof(b));
	approved_claims(f, 1, CATEGORY_ADVANCE); /* user0 borrows 100.00 */
	assert_int_equal(run(f, &r), BR_OK);
	/* booked but not paid out yet: nothing is advanced */
	assert_int_equal(store_advance_repay(f->s, "user0", 1, "R0", "2026-11-25", "fin", &open), BR_ERR_LIMIT);
	{
		int64_t id = 1, batch = 0, total = 0;
		int bad = -1;
		char number[CLAIM_NUMBER_MAX];
		enum claim_status st;
		assert_int_equal(store_payment_create(f->s, &id, 1, "PAY-A", "2026-11-25", "fin", &batch, &total, &bad,
						      number, &st),
				 BR_OK);
		assert_int_equal(total, 10000);
	}
	assert_int_equal(store_advance_balances(f->s, "user0", take_balance, &b), BR_OK);
	assert_int_equal(b.advanced, 10000);
	assert_int_equal(store_advance_repay(f->s, "user0", 10001, "R1", "2026-11-25", "fin", &open), BR_ERR_LIMIT);
	assert_int_equal(open, 10000);
	assert_int_equal(store_advance_repay(f->s, "user0", 2500, "R2", "2026-11-25", "fin", &open), BR_OK);
	assert_int_equal(open, 7500);
	assert_int_equal(store_advance_repay(f->s, "user0", 1, "R2", "2026-11-25", "fin", &open), BR_ERR_CONFLICT);
	/* the next claim of user0 (100.00) settles the 75.00 left; the rest is owed */
	approved_claims(f, 2, "office");
	assert_int_equal(run(f, &r), BR_OK);
	assert_int_equal(store_advance_balances(f->s, "user0", take_balance, &b), BR_OK);
	assert_int_equal(b.claimed, 7500);
	assert_int_equal(b.returned, 2500);
	assert_int_equal(b.advanced - b.claimed - b.returned, 0);
	assert_int_equal(store_advance_repay(f->s, "user0", 1, "R3", "2026-11-25", "fin", &open), BR_ERR_LIMIT);
	check_numbers(f, 5); /* advance, its payment, repayment, two claims: one sequence */
}

/*
 * Kills an exporting child at random moments, then lets a clean run
 * finish: every claim exported once, numbers without gaps, files whole.
 */
static void test_crash_anywhere(void **state)
{
	struct fixture *f = *state;
	const int claims = 120;
	unsigned seed = (unsigned)time(NULL);
	struct export_report r;
	char msg[BR_MSG_MAX];

	approved_claims(f, claims, "office");
	f->cfg.export_.batch_max = 3;
	for (int round = 0; round < 25; round++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct store *s = NULL;
			if (store_open(f->cfg.store.path, false, &s, msg, sizeof(msg)))
				_exit(2);
			export_run(&f->cfg, s, NULL, "fin", &r, msg, sizeof(msg));
			_exit(0);
		}
		usleep((useconds_t)(rand_r(&seed) % 30000));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	assert_int_equal(run(f, &r), BR_OK);
	assert_int_equal(count_status(f, CLAIM_APPROVED), 0);
	assert_int_equal(count_status(f, CLAIM_EXPORTED), claims);
	check_numbers(f, claims);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_run_writes_batches),
		T(test_unknown_format),
		T(test_budget_turns_actual),
		T(test_advances),
		T(test_no_starvation),
		T(test_long_text),
		T(test_crash_anywhere),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
