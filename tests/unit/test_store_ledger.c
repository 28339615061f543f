/*
 * test_store_ledger.c - ledger records in the SQLite store: tables made
 * from templates (and grown when a field is added), versions and the
 * refusal to save over a newer one, history with field diffs, the values
 * at an earlier version (rollback), soft delete, keyset paging in every
 * direction over every sort (empty numbers included), filters, imports
 * that land whole or not at all, and reminder rules.
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

#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/ledger.h"
#include "bursar/store.h"
#include "bursar/util.h"

static const char *const contracts_md = "# 合同台账 | Contracts\n\n"
					"```ledger\nview: staff\nedit: finance\n```\n"
					"```field\nname: party\nlabel: 相对方 | Party\ntype: text\nrequired: yes\n```\n"
					"```field\nname: amount\nlabel: 金额 | Amount\ntype: money\n```\n"
					"```field\nname: stock\nlabel: 数量 | Count\ntype: number\n```\n"
					"```field\nname: min_stock\nlabel: 最低 | Minimum\ntype: number\n```\n"
					"```field\nname: end\nlabel: 结束日期 | End\ntype: date\n```\n"
					"```field\nname: status\nlabel: 状态 | Status\ntype: choice\noptions: 履行中 | 已终止\n```\n"
					"```reminder\nname: ending\ndate: end\nwithin: 30\nwhere: 状态!=已终止\n```\n"
					"```reminder\nname: low\nbelow: stock < min_stock\n```\n";

struct fixture {
	char dir[64];
	char path[128];
	struct store *s;
	struct ledger_template t;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char msg[BR_MSG_MAX], errs[2048] = "";

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/bursar-test-ledger-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/bursar.db", f->dir);
	if (store_open(f->path, false, &f->s, msg, sizeof(msg))) {
		fprintf(stderr, "store_open: %s\n", msg);
		return -1;
	}
	if (ledger_template_parse("contracts", contracts_md, &f->t, errs, sizeof(errs))) {
		fprintf(stderr, "template: %s\n", errs);
		return -1;
	}
	if (store_ledger_ensure(f->s, &f->t))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->s);
	ledger_template_release(&f->t);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd)) {
	}
	free(f);
	return 0;
}

/* Adds a record: party, amount, stock, min, end, status. */
static int64_t add(struct fixture *f, const char *party, const char *amount, const char *stock, const char *min,
		   const char *end, const char *status)
{
	struct ledger_record r;
	const char *v[] = { party, amount, stock, min, end, status };
	int64_t id;

	ledger_record_init(&r, &f->t);
	for (int i = 0; i < 6; i++)
		ledger_record_set(&r, i, v[i]);
	assert_int_equal(store_ledger_add(f->s, &f->t, &r, "wangfang", "add"), BR_OK);
	assert_int_equal(r.version, 1);
	id = r.id;
	ledger_record_release(&r);
	return id;
}

static void test_versions_and_conflict(void **state)
{
	struct fixture *f = *state;
	struct ledger_record a, b, cur;
	struct ledger_conflict c = { 0 };
	struct ledger_version *v;
	int n;
	int64_t id = add(f, "北京某某科技有限公司", "12000.00", "", "", "2026-12-31", "履行中");

	ledger_record_init(&a, &f->t);
	ledger_record_init(&b, &f->t);
	ledger_record_init(&cur, &f->t);
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &a), BR_OK);
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &b), BR_OK);
	assert_string_equal(a.values[1], "12000.00");

	/* the first save wins and makes version 2 */
	ledger_record_set(&a, 1, "15000.00");
	assert_int_equal(store_ledger_update(f->s, &f->t, &a, "wangfang", "edit", "", &c), BR_OK);
	assert_int_equal(a.version, 2);

	/* the second, read at version 1, is refused with the first one's change */
	ledger_record_set(&b, 0, "上海某某公司");
	assert_int_equal(store_ledger_update(f->s, &f->t, &b, "chengang", "edit", "", &c), BR_ERR_CONFLICT);
	assert_int_equal(c.version, 2);
	assert_int_equal(c.nnewer, 1);
	assert_string_equal(c.newer[0].actor, "wangfang");
	assert_int_equal(c.newer[0].nchanges, 1);
	assert_string_equal(c.newer[0].changes[0].name, "amount");
	assert_string_equal(c.newer[0].changes[0].from, "12000.00");
	assert_string_equal(c.newer[0].changes[0].to, "15000.00");
	ledger_conflict_release(&c);
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &cur), BR_OK);
	assert_string_equal(cur.values[0], "北京某某科技有限公司"); /* nothing of the refused save */

	/* merged on top: both changes stay */
	{
		struct ledger_record base, out;
		bool both[FORM_MAX_FIELDS];
		ledger_record_init(&base, &f->t);
		ledger_record_init(&out, &f->t);
		assert_int_equal(store_ledger_at(f->s, &f->t, id, 1, &base), BR_OK);
		assert_int_equal(ledger_merge(&f->t, &base, &b, &cur, &out, both), 0);
		assert_int_equal(store_ledger_update(f->s, &f->t, &out, "chengang", "edit", "", &c), BR_OK);
		assert_int_equal(out.version, 3);
		assert_string_equal(out.values[0], "上海某某公司");
		assert_string_equal(out.values[1], "15000.00");
		ledger_record_release(&base);
		ledger_record_release(&out);
	}

	/* saving what is stored adds no version */
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &cur), BR_OK);
	assert_int_equal(store_ledger_update(f->s, &f->t, &cur, "wangfang", "edit", "", NULL), BR_OK);
	assert_int_equal(cur.version, 3);

	/* history: who, what, from what to what */
	assert_int_equal(store_ledger_history(f->s, &f->t, id, &v, &n), BR_OK);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].action, "add");
	assert_int_equal(v[0].nchanges, 4); /* party, amount, end, status */
	assert_string_equal(v[2].actor, "chengang");
	assert_int_equal(v[2].nchanges, 1);
	assert_string_equal(v[2].changes[0].from, "北京某某科技有限公司");
	ledger_versions_release(v, n);

	/* version 1 as it was: the rollback's values */
	assert_int_equal(store_ledger_at(f->s, &f->t, id, 1, &a), BR_OK);
	assert_string_equal(a.values[0], "北京某某科技有限公司");
	assert_string_equal(a.values[1], "12000.00");
	assert_int_equal(store_ledger_at(f->s, &f->t, id, 9, &a), BR_ERR_NOT_FOUND);
	a.version = 3;
	assert_int_equal(store_ledger_update(f->s, &f->t, &a, "wangfang", "rollback", "to version 1", NULL), BR_OK);
	assert_int_equal(a.version, 4);
	assert_int_equal(store_ledger_history(f->s, &f->t, id, &v, &n), BR_OK);
	assert_string_equal(v[3].action, "rollback");
	assert_string_equal(v[3].note, "to version 1");
	assert_int_equal(v[3].nchanges, 2);
	ledger_versions_release(v, n);

	/* soft delete and restore, version-checked */
	assert_int_equal(store_ledger_delete(f->s, &f->t, id, 3, false, "wangfang", NULL), BR_ERR_CONFLICT);
	assert_int_equal(store_ledger_delete(f->s, &f->t, id, 4, false, "wangfang", NULL), BR_OK);
	assert_int_equal(store_ledger_exists(f->s, "contracts", id), BR_ERR_NOT_FOUND);
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &cur), BR_OK);
	assert_true(cur.deleted);
	assert_int_equal(store_ledger_delete(f->s, &f->t, id, 5, false, "wangfang", NULL), BR_ERR_INVALID);
	assert_int_equal(store_ledger_delete(f->s, &f->t, id, 5, true, "wangfang", NULL), BR_OK);
	assert_int_equal(store_ledger_delete(f->s, &f->t, id, 6, true, "wangfang", NULL), BR_ERR_INVALID);
	assert_int_equal(store_ledger_exists(f->s, "contracts", id), BR_OK);
	assert_int_equal(store_ledger_update(f->s, &f->t, &cur, "x", "edit", "", NULL), BR_ERR_CONFLICT);
	/* a deleted record is not changed until it is restored */
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &cur), BR_OK);
	assert_int_equal(store_ledger_delete(f->s, &f->t, id, cur.version, false, "wangfang", NULL), BR_OK);
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &cur), BR_OK);
	ledger_record_set(&cur, 0, "改动");
	assert_int_equal(store_ledger_update(f->s, &f->t, &cur, "wangfang", "edit", "", NULL), BR_ERR_INVALID);
	{
		/* the end date's month and year filter as whole periods */
		struct ledger_filter filt;
		struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
		struct ledger_query q = { .t = &f->t, .sort = -1, .deleted = true, .conds = conds };
		char msg[BR_MSG_MAX];
		int64_t count = -1;
		const char *const match[] = { "结束日期=2026-12", "结束日期=2026", "结束日期<=2026-12", "结束日期<=2026",
					      "结束日期>=2026-12", "结束日期>2026-11" };
		const char *const miss[] = { "结束日期>2026-12", "结束日期<2026-12", "结束日期=2026-11", "结束日期>2026" };
		for (size_t i = 0; i < sizeof(match) / sizeof(match[0]) + sizeof(miss) / sizeof(miss[0]); i++) {
			bool want = i < sizeof(match) / sizeof(match[0]);
			const char *text = want ? match[i] : miss[i - sizeof(match) / sizeof(match[0])];
			assert_int_equal(ledger_filter_parse(text, &filt, msg, sizeof(msg)), BR_OK);
			assert_int_equal(ledger_filter_bind(&f->t, &filt, conds, &q.nconds, "zh_CN", msg, sizeof(msg)),
					 BR_OK);
			assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
			if (count != (want ? 1 : 0))
				fail_msg("%s: %lld", text, (long long)count);
		}
	}

	ledger_record_release(&a);
	ledger_record_release(&b);
	ledger_record_release(&cur);
}

struct seen {
	int64_t ids[64];
	int n;
};

static int collect(const struct ledger_record *r, void *arg)
{
	struct seen *s = arg;

	s->ids[s->n++] = r->id;
	return 0;
}

/* Pages through q by 3 and checks every record comes once, in the order of a single read. */
static void walk(struct fixture *f, struct ledger_query *q, int expect)
{
	struct seen all = { .n = 0 }, paged = { .n = 0 };
	struct ledger_record r;

	q->limit = 64;
	q->has_cursor = false;
	assert_int_equal(store_ledger_page(f->s, q, collect, &all), BR_OK);
	assert_int_equal(all.n, expect);
	ledger_record_init(&r, q->t);
	q->limit = 3;
	for (;;) {
		struct seen page = { .n = 0 };
		assert_int_equal(store_ledger_page(f->s, q, collect, &page), BR_OK);
		if (!page.n)
			break;
		for (int i = 0; i < page.n; i++)
			paged.ids[paged.n++] = page.ids[i];
		assert_int_equal(store_ledger_get(f->s, q->t, page.ids[page.n - 1], &r), BR_OK);
		ledger_query_cursor(q, &r);
	}
	assert_int_equal(paged.n, all.n);
	for (int i = 0; i < all.n; i++)
		assert_int_equal(paged.ids[i], all.ids[i]);
	/* and backward from past the end gives the last page in display order */
	if (all.n > 3) {
		struct seen back = { .n = 0 };
		assert_int_equal(store_ledger_get(f->s, q->t, all.ids[all.n - 1], &r), BR_OK);
		ledger_query_cursor(q, &r);
		q->backward = true;
		assert_int_equal(store_ledger_page(f->s, q, collect, &back), BR_OK);
		q->backward = false;
		assert_int_equal(back.n, 3);
		for (int i = 0; i < 3; i++)
			assert_int_equal(back.ids[i], all.ids[all.n - 4 + i]);
	}
	ledger_record_release(&r);
}

static void test_paging(void **state)
{
	struct fixture *f = *state;
	struct ledger_query q = { .t = &f->t };
	struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	struct ledger_filter filt;
	char msg[BR_MSG_MAX];
	int64_t count = 0;
	int n;

	for (int i = 0; i < 20; i++) {
		char party[32], amount[16];
		snprintf(party, sizeof(party), "公司%02d", (i * 7) % 20);
		snprintf(amount, sizeof(amount), "%d.00", (i % 4) * 100);
		add(f, party, i % 5 == 0 ? "" : amount, "", "", "", i % 2 ? "履行中" : "已终止");
	}
	for (int sort = -1; sort < 2; sort++)
		for (int desc = 0; desc < 2; desc++) {
			q.sort = sort;
			q.desc = desc;
			walk(f, &q, 20);
		}
	/* filters: money as an amount, text contains, choice equal */
	assert_int_equal(ledger_filter_parse("金额>=100 状态=履行中 相对方~公司", &filt, msg, sizeof(msg)), BR_OK);
	assert_int_equal(ledger_filter_bind(&f->t, &filt, conds, &n, "zh_CN", msg, sizeof(msg)), BR_OK);
	q.conds = conds;
	q.nconds = n;
	q.sort = 1;
	q.desc = false;
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	/* odd i, amount not empty (i % 5 != 0) and (i % 4) != 0 */
	{
		int expect = 0;
		for (int i = 0; i < 20; i++)
			expect += i % 2 && i % 5 && i % 4;
		assert_int_equal(count, expect);
		walk(f, &q, expect);
	}
	/* a count can stop at a cap; the whole ledger's is kept, deletes and restores included */
	q.count_cap = 2;
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 2);
	q.count_cap = 0;
	q.nconds = 0;
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 20);
	assert_int_equal(store_ledger_delete(f->s, &f->t, 3, 1, false, "wangfang", NULL), BR_OK);
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 19);
	q.deleted = true;
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 1);
	q.deleted = false;
	assert_int_equal(store_ledger_delete(f->s, &f->t, 3, 2, true, "wangfang", NULL), BR_OK);
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 20);
	q.nconds = n;
	/* a LIKE pattern's own characters are literal */
	assert_int_equal(ledger_filter_parse("相对方~%", &filt, msg, sizeof(msg)), BR_OK);
	assert_int_equal(ledger_filter_bind(&f->t, &filt, conds, &n, "zh_CN", msg, sizeof(msg)), BR_OK);
	q.nconds = n;
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 0);
}

static void test_import(void **state)
{
	struct fixture *f = *state;
	struct ledger_record recs[3];
	struct ledger_query q = { .t = &f->t, .sort = -1 };
	int64_t count = 0;
	int failed;

	for (int i = 0; i < 3; i++) {
		ledger_record_init(&recs[i], &f->t);
		ledger_record_set(&recs[i], 0, "甲");
	}
	assert_int_equal(store_ledger_import(f->s, &f->t, recs, 3, "wangfang", &failed), BR_OK);
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 3);
	/* the kept size agrees with counting */
	{
		struct ledger_bound_cond ge = { .field = -1, .op = LEDGER_GE, .value = "1", .numeric = true };
		q.conds = &ge;
		q.nconds = 1;
		assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
		assert_int_equal(count, 3);
	}
	for (int i = 0; i < 3; i++)
		ledger_record_release(&recs[i]);
}

static int count_due(const struct ledger_record *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void test_reminders(void **state)
{
	struct fixture *f = *state;
	struct ledger_bound_cond where[LEDGER_FILTER_MAX];
	char msg[BR_MSG_MAX];
	int n, due = 0;

	add(f, "A", "", "", "", "2026-06-10", "履行中"); /* within 30 days of 2026-06-01 */
	add(f, "B", "", "", "", "2026-05-01", "履行中"); /* passed: still due */
	add(f, "C", "", "", "", "2026-06-10", "已终止"); /* ended: left out by where */
	add(f, "D", "", "", "", "2026-09-01", "履行中"); /* too far */
	add(f, "E", "", "3", "5", "", "履行中");	/* below its minimum */
	add(f, "F", "", "5", "5", "", "履行中");
	assert_int_equal(f->t.nrules, 2);
	assert_int_equal(ledger_filter_bind(&f->t, &f->t.rules[0].where, where, &n, "en", msg, sizeof(msg)), BR_OK);
	assert_int_equal(store_ledger_due(f->s, &f->t, &f->t.rules[0], where, n, "2026-06-01", 10, count_due, &due),
			 BR_OK);
	assert_int_equal(due, 2);
	due = 0;
	assert_int_equal(store_ledger_due(f->s, &f->t, &f->t.rules[1], NULL, 0, "2026-06-01", 10, count_due, &due),
			 BR_OK);
	assert_int_equal(due, 1);
}

static void test_table_grows(void **state)
{
	struct fixture *f = *state;
	struct ledger_template t2;
	struct ledger_record r;
	char errs[1024] = "";
	struct strbuf md = { NULL, 0 };
	int64_t id = add(f, "旧", "1.00", "", "", "", "");

	strbuf_addf(&md, "%s```field\nname: note\nlabel: 备注\ntype: text\n```\n", contracts_md);
	assert_int_equal(ledger_template_parse("contracts", md.s, &t2, errs, sizeof(errs)), 0);
	assert_int_equal(store_ledger_ensure(f->s, &t2), BR_OK);
	ledger_record_init(&r, &t2);
	assert_int_equal(store_ledger_get(f->s, &t2, id, &r), BR_OK);
	assert_string_equal(r.values[0], "旧");
	assert_string_equal(r.values[t2.nfields - 1], "");
	ledger_record_set(&r, t2.nfields - 1, "新字段");
	assert_int_equal(store_ledger_update(f->s, &t2, &r, "wangfang", "edit", "", NULL), BR_OK);
	ledger_record_release(&r);
	ledger_template_release(&t2);
	free(md.s);
	/* a field whose type changed does not fit its column: the template is refused, the table untouched */
	{
		struct ledger_template t3;
		char *text = xstrdup(contracts_md), *p = strstr(text, "type: money");
		assert_non_null(p);
		memcpy(p, "type: text ", 11);
		assert_int_equal(ledger_template_parse("contracts", text, &t3, errs, sizeof(errs)), 0);
		assert_int_equal(store_ledger_ensure(f->s, &t3), BR_ERR_INVALID);
		ledger_template_release(&t3);
		free(text);
	}
}

/* A requisition of quantity from record id, approved in one step by boss; returns the claim id. */
static int64_t requisition(struct fixture *f, int64_t id, int64_t quantity)
{
	struct claim c;
	struct wf_resolved step;
	enum claim_status status;
	int bad = 0;
	int64_t cid;

	claim_init(&c);
	snprintf(c.form, sizeof(c.form), "contracts");
	snprintf(c.owner, sizeof(c.owner), "alice");
	snprintf(c.title, sizeof(c.title), "领用申请");
	assert_int_equal(store_claim_create(f->s, &c, &bad, NULL), BR_OK);
	cid = c.id;
	assert_int_equal(store_ledger_request(f->s, cid, &f->t, id, "requisition", "stock", quantity), BR_OK);
	memset(&step, 0, sizeof(step));
	snprintf(step.name, sizeof(step.name), "仓库发放");
	snprintf(step.approvers[0], sizeof(step.approvers[0]), "boss");
	step.napprovers = 1;
	assert_int_equal(store_claim_submit(f->s, cid, "alice", &c, &step, 1, "", &status, NULL), BR_OK);
	assert_int_equal(status, CLAIM_SUBMITTED);
	claim_release(&c);
	return cid;
}

static void test_requisition(void **state)
{
	struct fixture *f = *state;
	struct ledger_record r;
	struct ledger_version *v;
	struct act_result res;
	int n;
	int64_t id = add(f, "A4 打印纸", "", "10", "2", "", "履行中");
	int64_t c1 = requisition(f, id, 4), c2 = requisition(f, id, 7);

	ledger_record_init(&r, &f->t);
	/* filing takes nothing yet */
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &r), BR_OK);
	assert_string_equal(r.values[2], "10");
	/* the final approval takes the quantity, in the same transaction, as a version naming the approval */
	assert_int_equal(store_claim_act(f->s, c1, 0, "boss", "2026-06-01", TASK_APPROVE, "", &res), BR_OK);
	assert_int_equal(res.status, CLAIM_APPROVED);
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &r), BR_OK);
	assert_string_equal(r.values[2], "6");
	assert_int_equal(r.version, 2);
	assert_string_equal(r.updated_by, "boss");
	assert_int_equal(store_ledger_history(f->s, &f->t, id, &v, &n), BR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[1].action, "approval");
	assert_non_null(strstr(v[1].note, "approved by boss"));
	assert_non_null(strstr(v[1].note, res.number));
	assert_string_equal(v[1].changes[0].from, "10");
	assert_string_equal(v[1].changes[0].to, "6");
	ledger_versions_release(v, n);
	/* 7 of 6 left: the approval is refused and changes nothing */
	assert_int_equal(store_claim_act(f->s, c2, 0, "boss", "2026-06-01", TASK_APPROVE, "", &res), BR_ERR_LIMIT);
	assert_int_equal(store_ledger_get(f->s, &f->t, id, &r), BR_OK);
	assert_string_equal(r.values[2], "6");
	{
		struct claim c;
		claim_init(&c);
		assert_int_equal(store_claim_get(f->s, c2, &c), BR_OK);
		assert_int_equal(c.status, CLAIM_SUBMITTED);
		claim_release(&c);
	}
	ledger_record_release(&r);
}

static void test_builtin_claims(void **state)
{
	struct fixture *f = *state;
	struct ledger_set set;
	const struct ledger_template *t;
	struct ledger_query q = { .sort = -1 };
	struct seen seen = { .n = 0 };
	struct ledger_record r;
	char errs[512] = "";
	int64_t count = -1;
	int64_t id = add(f, "纸", "", "10", "2", "", "");

	requisition(f, id, 1); /* a submitted claim */
	assert_int_equal(ledger_set_load(&set, "/nonexistent", errs, sizeof(errs)), 0);
	assert_non_null(t = ledger_set_find(&set, "费用报销台账"));
	assert_true(t->builtin);
	assert_int_equal(store_ledger_ensure(f->s, t), BR_OK);
	q.t = t;
	assert_int_equal(store_ledger_page(f->s, &q, collect, &seen), BR_OK);
	assert_int_equal(seen.n, 1);
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 1);
	ledger_record_init(&r, t);
	assert_int_equal(store_ledger_get(f->s, t, seen.ids[0], &r), BR_OK);
	assert_string_equal(r.values[ledger_field_find(t, "status")], "submitted");
	assert_string_equal(r.values[ledger_field_find(t, "owner")], "alice");
	/* read-only however it is asked */
	assert_int_equal(store_ledger_update(f->s, t, &r, "wangfang", "edit", "", NULL), BR_ERR_DENIED);
	assert_int_equal(store_ledger_delete(f->s, t, r.id, 1, false, "wangfang", NULL), BR_ERR_DENIED);
	ledger_record_release(&r);
	assert_non_null(t = ledger_set_find(&set, "invoices"));
	q.t = t;
	assert_int_equal(store_ledger_count(f->s, &q, &count), BR_OK);
	assert_int_equal(count, 0);
	ledger_set_release(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_versions_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reminders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_grows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requisition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin_claims, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
