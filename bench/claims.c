/*
 * claims.c - store throughput for claims: creating a three-line claim (one
 * invoice registered per line), submitting it into a two-step workflow and
 * approving both steps, each one durable transaction with its audit
 * entries, against a fresh database.
 * Usage: claims DBPATH N full|normal
 */
#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct store *s = NULL;
	char msg[BR_MSG_MAX], today[11];
	int n = argc > 2 ? atoi(argv[2]) : 1000;
	int64_t *ids;
	double t0, t1, t2, t3;
	struct wf_resolved steps[2];

	if (argc < 4 || n <= 0) {
		fprintf(stderr, "usage: claims DBPATH N full|normal\n");
		return 2;
	}
	if (store_open(argv[1], !strcmp(argv[3], "full"), &s, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	date_today(today);
	ids = calloc((size_t)n, sizeof(*ids));
	t0 = now();
	for (int i = 0; i < n; i++) {
		struct claim c;
		int bad = 0;
		claim_init(&c);
		str_copy(c.form, "travel", sizeof(c.form));
		snprintf(c.owner, sizeof(c.owner), "user%d", i % 50);
		str_copy(c.title, "北京出差 客户拜访", sizeof(c.title));
		claim_set_value(&c, "purpose", "客户拜访");
		for (int k = 0; k < 3; k++) {
			struct claim_line l;
			memset(&l, 0, sizeof(l));
			str_copy(l.category, k ? "lodging" : "travel.rail", sizeof(l.category));
			str_copy(l.date, today, sizeof(l.date));
			l.amount = 43600 + k;
			l.has_invoice = true;
			l.invoice.kind = INVOICE_DIGITAL;
			snprintf(l.invoice.number, sizeof(l.invoice.number), "2611%016d", i * 3 + k);
			str_copy(l.invoice.date, today, sizeof(l.invoice.date));
			l.invoice.total = l.invoice.amount = l.amount;
			claim_add_line(&c, &l);
		}
		c.total = 3 * 43600 + 3;
		if (store_claim_create(s, &c, &bad, NULL)) {
			fprintf(stderr, "create %d failed\n", i);
			return 1;
		}
		ids[i] = c.id;
		claim_release(&c);
	}
	memset(steps, 0, sizeof(steps));
	str_copy(steps[0].name, "直属上级", sizeof(steps[0].name));
	str_copy(steps[0].approvers[0], "manager", sizeof(steps[0].approvers[0]));
	steps[0].napprovers = 1;
	str_copy(steps[1].name, "财务审核", sizeof(steps[1].name));
	steps[1].mode = WF_MODE_ANY;
	str_copy(steps[1].approvers[0], "finance1", sizeof(steps[1].approvers[0]));
	str_copy(steps[1].approvers[1], "finance2", sizeof(steps[1].approvers[1]));
	steps[1].napprovers = 2;
	steps[0].sla_hours = steps[1].sla_hours = 24;
	t1 = now();
	for (int i = 0; i < n; i++) {
		char owner[32];
		snprintf(owner, sizeof(owner), "user%d", i % 50);
		if (store_claim_submit(s, ids[i], owner, NULL, steps, 2, "", NULL, NULL)) {
			fprintf(stderr, "submit %d failed\n", i);
			return 1;
		}
	}
	t2 = now();
	for (int i = 0; i < n; i++) {
		struct act_result r;
		if (store_claim_act(s, ids[i], 0, "manager", today, TASK_APPROVE, "", &r) ||
		    store_claim_act(s, ids[i], 0, i % 2 ? "finance1" : "finance2", today, TASK_APPROVE, "ok", &r) ||
		    r.status != CLAIM_APPROVED) {
			fprintf(stderr, "approve %d failed\n", i);
			return 1;
		}
	}
	t3 = now();
	printf("claims created (3 lines, 3 invoices) %-7s %8.0f /s\n", argv[3], n / (t1 - t0));
	printf("claims submitted (2-step workflow)  %-7s %8.0f /s\n", argv[3], n / (t2 - t1));
	printf("approvals (task actions)            %-7s %8.0f /s\n", argv[3], 2 * n / (t3 - t2));
	free(ids);
	store_close(s);
	return 0;
}
