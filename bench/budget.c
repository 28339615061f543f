/*
 * budget.c - submissions per second with budget checks, from P processes
 * at once (each with its own connection, as sessions have), against a
 * fresh database holding `nodes` budget nodes: 20 departments with a
 * node for the year, and category children for the quarter.  Every
 * submission commits its three lines against the nodes it matches inside
 * its BEGIN IMMEDIATE transaction.  With a tight block budget some are
 * refused; those count as submissions too.
 * Usage: budget DBPATH N PROCS none|budgets|tight
 */
#include "bursar/budget.h"
#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/money.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const cats[] = { "travel.rail", "lodging", "meals", "taxi", "office" };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int set_nodes(struct store *s, const char *year, const char *quarter, int64_t dept_amount, int64_t cat_amount,
		     int *count)
{
	for (int d = 0; d < 20; d++) {
		struct budget_node n;
		bool created;
		memset(&n, 0, sizeof(n));
		snprintf(n.department, sizeof(n.department), "部门%02d", d);
		str_copy(n.period, year, sizeof(n.period));
		n.amount = dept_amount;
		n.mode = BUDGET_BLOCK;
		if (budget_node_check(&n) || store_budget_set(s, &n, "bench", "", &created))
			return -1;
		(*count)++;
		for (size_t c = 0; c < sizeof(cats) / sizeof(cats[0]); c++) {
			memset(&n, 0, sizeof(n));
			snprintf(n.department, sizeof(n.department), "部门%02d", d);
			str_copy(n.category, cats[c], sizeof(n.category));
			str_copy(n.period, quarter, sizeof(n.period));
			n.amount = cat_amount;
			n.mode = c % 2 ? BUDGET_WARN : BUDGET_BLOCK;
			n.overrun_bp = 500;
			if (budget_node_check(&n) || store_budget_set(s, &n, "bench", "", &created))
				return -1;
			(*count)++;
		}
	}
	return 0;
}

static int count_one(const struct claim_summary *c, void *arg)
{
	(void)c;
	(*(int *)arg)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct store *s = NULL;
	char msg[BR_MSG_MAX], today[11], quarter[8];
	int n = argc > 2 ? atoi(argv[2]) : 1000, procs = argc > 3 ? atoi(argv[3]) : 1, nnodes = 0;
	int64_t *ids;
	struct wf_resolved step;
	int refused = 0;
	double t0, t1;

	if (argc < 5 || n <= 0 || procs <= 0) {
		fprintf(stderr, "usage: budget DBPATH N PROCS none|budgets|tight\n");
		return 2;
	}
	if (store_open(argv[1], true, &s, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	date_today(today);
	snprintf(quarter, sizeof(quarter), "%.4s-Q%d", today, (atoi(today + 5) - 1) / 3 + 1);
	if (strcmp(argv[4], "none") &&
	    set_nodes(s, (char[5]){ today[0], today[1], today[2], today[3], 0 }, quarter,
		      !strcmp(argv[4], "tight") ? 500000000 : MONEY_MAX_FEN / 100,
		      !strcmp(argv[4], "tight") ? (int64_t)n * 43600 / 400 : MONEY_MAX_FEN / 1000, &nnodes)) {
		fprintf(stderr, "cannot set the budget nodes\n");
		return 1;
	}
	ids = calloc((size_t)n, sizeof(*ids));
	for (int i = 0; i < n; i++) {
		struct claim c;
		int bad = 0;
		claim_init(&c);
		str_copy(c.form, "general", sizeof(c.form));
		snprintf(c.owner, sizeof(c.owner), "user%d", i % 200);
		snprintf(c.department, sizeof(c.department), "部门%02d", i % 20);
		str_copy(c.title, "办公用品", sizeof(c.title));
		for (int k = 0; k < 3; k++) {
			struct claim_line l;
			memset(&l, 0, sizeof(l));
			str_copy(l.category, cats[(i + k) % 5], sizeof(l.category));
			str_copy(l.date, today, sizeof(l.date));
			l.amount = 43600 / 3;
			claim_add_line(&c, &l);
		}
		if (store_claim_create(s, &c, &bad, NULL)) {
			fprintf(stderr, "create %d failed\n", i);
			return 1;
		}
		ids[i] = c.id;
		claim_release(&c);
	}
	store_close(s);
	memset(&step, 0, sizeof(step));
	str_copy(step.name, "直属上级", sizeof(step.name));
	str_copy(step.approvers[0], "manager", sizeof(step.approvers[0]));
	step.napprovers = 1;
	step.sla_hours = 24;
	t0 = now();
	for (int p = 0; p < procs; p++) {
		if (fork() == 0) {
			if (store_open(argv[1], true, &s, msg, sizeof(msg)))
				_exit(255);
			for (int i = p; i < n; i += procs) {
				struct claim findings;
				char owner[32];
				int ret;
				claim_init(&findings);
				snprintf(owner, sizeof(owner), "user%d", i % 200);
				ret = store_claim_submit(s, ids[i], owner, &findings, &step, 1, "", NULL, NULL);
				claim_release(&findings);
				if (ret && ret != BR_ERR_LIMIT)
					_exit(254);
			}
			store_close(s);
			_exit(0);
		}
	}
	for (int p = 0; p < procs; p++) {
		int st;
		wait(&st);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "a submitting process failed\n");
			return 1;
		}
	}
	t1 = now();
	if (store_open(argv[1], true, &s, msg, sizeof(msg)) ||
	    store_claim_list(s, NULL, CLAIM_DRAFT, count_one, &refused))
		return 1;
	store_close(s);
	printf("submit with %-7s %3d nodes, %2d process(es) %8.0f /s  (%d refused)\n", argv[4], nnodes, procs,
	       n / (t1 - t0), refused);
	free(ids);
	return 0;
}
