/*
 * export.c - exporter throughput: a backlog of N approved claims of three
 * lines each (made through the store, approved at submission), then one
 * exporter run that makes the batches and writes every format.  Prints
 * voucher lines per second for the whole run and per format.
 * Usage: export DIR N FORMATS   (DIR: an empty directory)
 */
#include "bursar/config.h"
#include "bursar/err.h"
#include "bursar/export.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const cats[] = { "travel.rail", "lodging", "meals", "taxi", "office" };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct store *s = NULL;
	struct export_report r;
	char msg[BR_MSG_MAX], today[11];
	int n = argc > 2 ? atoi(argv[2]) : 100000;
	double t0, t1;

	if (argc < 4 || n <= 0) {
		fprintf(stderr, "usage: export DIR N FORMATS\n");
		return 2;
	}
	config_defaults(&cfg);
	snprintf(cfg.server.data_dir, sizeof(cfg.server.data_dir), "%s", argv[1]);
	snprintf(cfg.store.path, sizeof(cfg.store.path), "%s/bursar.db", argv[1]);
	snprintf(cfg.export_.formats, sizeof(cfg.export_.formats), "%s", argv[3]);
	if (store_open(cfg.store.path, false, &s, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	date_today(today);
	t0 = now();
	for (int i = 0; i < n; i++) {
		struct claim c;
		enum claim_status st;
		int bad = 0;
		claim_init(&c);
		str_copy(c.form, "travel", sizeof(c.form));
		snprintf(c.owner, sizeof(c.owner), "user%d", i % 500);
		snprintf(c.department, sizeof(c.department), "部门%02d", i % 20);
		str_copy(c.title, "北京出差 客户拜访", sizeof(c.title));
		for (int k = 0; k < 3; k++) {
			struct claim_line l;
			memset(&l, 0, sizeof(l));
			str_copy(l.category, cats[(i + k) % 5], sizeof(l.category));
			str_copy(l.date, today, sizeof(l.date));
			l.amount = 10000 + i % 9000 + k;
			l.deductible = k == 0 ? l.amount * 9 / 109 : 0;
			claim_add_line(&c, &l);
		}
		if (store_claim_create(s, &c, &bad, NULL) ||
		    store_claim_submit(s, c.id, c.owner, NULL, NULL, 0, "bench", &st, NULL)) {
			fprintf(stderr, "claim %d failed\n", i);
			return 1;
		}
		claim_release(&c);
	}
	t1 = now();
	printf("backlog: %d approved claims made in %.1f s\n", n, t1 - t0);
	store_close(s);
	/* the exporter as the server runs it: durable commits */
	if (store_open(cfg.store.path, true, &s, msg, sizeof(msg)))
		return 1;
	t0 = now();
	if (export_run(&cfg, s, NULL, "bench", &r, msg, sizeof(msg))) {
		fprintf(stderr, "export: %s\n", msg);
		return 1;
	}
	t1 = now();
	{
		long lines = 0;
		/* the lines written: counted from the stored batches */
		for (int b = 1; b <= r.batches; b++) {
			struct voucher_settings set;
			struct voucher *v = NULL;
			char created[32];
			int nv = 0;
			if (store_export_load(s, b, created, &set, &v, &nv) == BR_OK)
				for (int i = 0; i < nv; i++)
					lines += v[i].nlines;
			store_vouchers_free(v, nv);
		}
		printf("export run (%s): %d vouchers, %ld voucher lines, %d batches, %d files in %.1f s\n", argv[3],
		       r.vouchers, lines, r.batches, r.files, t1 - t0);
		printf("voucher lines per minute: %.0f\n", lines / (t1 - t0) * 60);
	}
	store_close(s);
	return 0;
}
