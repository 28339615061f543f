/*
 * ledger.c - the electronic ledgers (台账) on a generated ledger of N
 * records of the shipped fixed-assets template (forms/ledgers/assets.md):
 * the load through store_ledger_import in batches of 10,000 (each record
 * also writes its version 1 and one change per non-empty field), then the
 * queries the ledger browser makes: first, next and deep pages under the
 * id, a money and a text sort, the last page, filtered pages and counts,
 * and the count of the whole ledger.  Each query runs once to warm up,
 * then RUNS times on a fresh connection; the median is compared with the
 * goal of the product issue (a page under 50 ms, a filtered query under
 * 200 ms).  Times are integer microseconds, printed as milliseconds.
 * Usage: ledger DBPATH N TEMPLATE.md
 */
#include "bursar/err.h"
#include "bursar/ledger.h"
#include "bursar/money.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 10000
#define RUNS 20
#define GOAL_PAGE_MS 50
#define GOAL_FILTER_MS 200
#define PAGE_ROWS 50

static const char *const departments[] = {
	"财务部", "研发部", "市场部", "销售部",     "人力资源部", "行政部",     "采购部",
	"生产部", "质量部", "物流部", "客服部",     "法务部",     "审计部",     "信息技术部",
	"工程部", "设计部", "运营部", "战略发展部", "安全环保部", "后勤保障部",
};

/* Weighted like a real asset register: most in use, a fifth written off. */
static const char *const statuses[] = {
	"在用", "在用", "在用", "在用", "在用", "在用", "在用", "在用", "在用", "在用",
	"在用", "闲置", "闲置", "闲置", "维修", "维修", "报废", "报废", "报废", "报废"
};

/* Three of the sixty kinds are printers: 名称~打印 matches about one name in twenty. */
static const char *const kinds[] = {
	"激光打印机", "针式打印机", "标签打印机", "笔记本电脑", "台式电脑",   "显示器",   "投影仪",   "复印机",
	"扫描仪",     "碎纸机",     "传真机",     "服务器",     "交换机",     "路由器",   "防火墙",   "存储阵列",
	"不间断电源", "空调",       "冰箱",       "微波炉",     "饮水机",     "电话机",   "会议终端", "摄像机",
	"照相机",     "办公桌",     "办公椅",     "文件柜",     "保险柜",     "会议桌",   "沙发",     "书架",
	"货架",       "叉车",       "手推车",     "电动车",     "商务车",     "示波器",   "万用表",   "频谱仪",
	"离心机",     "显微镜",     "天平",       "恒温箱",     "空压机",     "发电机",   "焊机",     "机床",
	"钻床",       "测试台",     "门禁机",     "考勤机",     "监控摄像头", "电子白板", "平板电脑", "手机",
	"对讲机",     "无人机",     "净水器",     "加湿器",
};

static const char *const brands[] = { "联想", "惠普", "戴尔", "华为", "佳能", "爱普生",   "格力", "美的",
				      "海尔", "兄弟", "理光", "小米", "得力", "海康威视", "大华", "西门子" };

static const char *const surnames[] = { "zhang", "wang", "li", "zhao", "liu", "chen", "yang", "huang", "zhou", "wu",
					"xu",    "sun",  "hu", "zhu",  "gao", "lin",  "he",   "guo",   "ma",   "luo" };
static const char *const given[] = { "wei",  "fang", "na",  "min", "jing", "li",   "qiang", "lei", "jun",  "yang",
				     "yong", "yan",  "jie", "tao", "ming", "chao", "xiu",   "xia", "ping", "hui" };

/* The template's fields the generator fills, found by name. */
static struct {
	int code, name, department, keeper, bought, cost, status, inspection;
} fld;

/* ---- a deterministic generator ---- */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
	/* splitmix64: fast, and the same ledger on every run */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long pick(long n)
{
	return (long)(rng() % (uint64_t)n);
}

/* Day number (0 = 1970-01-01) to YYYY-MM-DD; the inverse of date_days (H. Hinnant). */
static void date_of_days(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	/* the remainders only tell the compiler that the date fits in 11 bytes */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y + (m <= 2)) % 10000u, (unsigned)m % 13u, (unsigned)d % 32u);
}

/*
 * Record i: bought within the ten years 2016-2025, cost from 200 yuan to
 * about 2 million (most below 20,000), a next inspection for seven in ten.
 */
static void make_record(struct ledger_record *r, long i, long day0, long day_insp)
{
	char buf[160], date[11];
	long bought = day0 + pick(3653);
	int64_t fen;

	date_of_days(bought, date);
	snprintf(buf, sizeof(buf), "ZC%.4s-%07ld", date, i + 1);
	ledger_record_set(r, fld.code, buf);
	snprintf(buf, sizeof(buf), "%s%s %c%ld", brands[pick(ARRAY_SIZE(brands))], kinds[pick(ARRAY_SIZE(kinds))],
		 (char)('A' + pick(26)), 100 + pick(900));
	ledger_record_set(r, fld.name, buf);
	ledger_record_set(r, fld.department, departments[pick(ARRAY_SIZE(departments))]);
	snprintf(buf, sizeof(buf), "%s%s", surnames[pick(ARRAY_SIZE(surnames))], given[pick(ARRAY_SIZE(given))]);
	ledger_record_set(r, fld.keeper, buf);
	ledger_record_set(r, fld.bought, date);
	switch (pick(10)) {
	case 0: fen = 20000 + pick(80000); break; /* 200 - 1,000 */
	case 9: fen = 2000000 + pick(198000000); break; /* 20,000 - 2,000,000 */
	default: fen = 100000 + pick(1900000); break; /* 1,000 - 20,000 */
	}
	ledger_record_set(r, fld.cost, money_format(fen, buf, sizeof(buf), 0));
	ledger_record_set(r, fld.status, statuses[pick(ARRAY_SIZE(statuses))]);
	if (pick(10) < 7)
		date_of_days(day_insp + pick(1096), date);
	else
		date[0] = '\0';
	ledger_record_set(r, fld.inspection, date);
	/* the contract (a reference) and the invoice scan (an attachment) stay empty */
}

/* ---- timing, in integer microseconds ---- */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* "12.34" milliseconds, rounded to the hundredth. */
static const char *ms_text(int64_t us, char *buf, size_t size)
{
	int64_t h = (us + 5) / 10;

	snprintf(buf, size, "%lld.%02lld", (long long)(h / 100), (long long)(h % 100));
	return buf;
}

/* "1,234,567" */
static const char *grouped(int64_t n, char *buf, size_t size)
{
	char raw[32];
	size_t len, k = 0;

	snprintf(raw, sizeof(raw), "%lld", (long long)n);
	len = strlen(raw);
	for (size_t i = 0; i < len && k + 2 < size; i++) {
		if (i && raw[i] != '-' && (len - i) % 3 == 0 && raw[i - 1] != '-')
			buf[k++] = ',';
		buf[k++] = raw[i];
	}
	buf[k] = '\0';
	return buf;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* ---- the queries ---- */

struct page {
	const struct ledger_template *t;
	int n;
	struct ledger_record last; /* the last row shown */
};

static int page_row(const struct ledger_record *r, void *arg)
{
	struct page *p = arg;

	p->n++;
	ledger_record_copy(&p->last, r, p->t);
	return 0;
}

static int missed;

enum what_runs {
	RUN_PAGE, /* store_ledger_page */
	RUN_COUNT, /* store_ledger_count */
	RUN_OPEN /* both, as the ledger browser does on entering or on a new filter */
};

/*
 * Runs q once to warm up and then RUNS times; prints the median and the
 * slowest with the goal (0: none).  The figure in brackets is the page's
 * rows or the count; last (when not NULL) gets the page's last row.
 */
static int measure(struct store *s, const struct ledger_query *q, enum what_runs kind, int goal_ms, const char *what,
		   struct ledger_record *last)
{
	int64_t us[RUNS], n = 0, median;
	int shown = 0;
	char a[32], b[32], c[32], rows[48], goal[16];
	const char *verdict;
	bool met;

	for (int run = -1; run < RUNS; run++) {
		struct page p = { q->t, 0, { 0 } };
		int64_t t0;
		int ret = BR_OK;
		ledger_record_init(&p.last, q->t);
		t0 = now_us();
		if (kind != RUN_PAGE)
			ret = store_ledger_count(s, q, &n);
		if (kind != RUN_COUNT && ret == BR_OK)
			ret = store_ledger_page(s, q, page_row, &p);
		if (run >= 0)
			us[run] = now_us() - t0;
		if (last && run == RUNS - 1)
			ledger_record_copy(last, &p.last, q->t);
		ledger_record_release(&p.last);
		if (ret) {
			fprintf(stderr, "%s: %s\n", what, br_strerror(ret));
			return ret;
		}
		shown = p.n;
	}
	qsort(us, RUNS, sizeof(us[0]), cmp_i64);
	median = (us[RUNS / 2 - 1] + us[RUNS / 2]) / 2;
	if (kind == RUN_PAGE)
		snprintf(rows, sizeof(rows), "%d rows", shown);
	else if (kind == RUN_OPEN)
		snprintf(rows, sizeof(rows), "%d rows of %s", shown, grouped(n, c, sizeof(c)));
	else
		snprintf(rows, sizeof(rows), "= %s", grouped(n, c, sizeof(c)));
	met = !goal_ms || median < (int64_t)goal_ms * 1000;
	missed += !met;
	if (goal_ms)
		snprintf(goal, sizeof(goal), "%d", goal_ms);
	else
		str_copy(goal, "-", sizeof(goal));
	verdict = !goal_ms ? "-" : met ? "yes" : "MISSED";
	printf("%9s %9s %6s  %-6s %s (%s)\n", ms_text(median, a, sizeof(a)), ms_text(us[RUNS - 1], b, sizeof(b)), goal,
	       verdict, what, rows);
	fflush(stdout);
	return BR_OK;
}

/* First page, next page (after the first page's last row) and a deep next page (after record deep). */
static int sorted(struct store *s, const struct ledger_template *t, int sort, bool desc, const char *name, int64_t deep)
{
	struct ledger_query q = { .t = t, .sort = sort, .desc = desc, .limit = PAGE_ROWS };
	struct ledger_record last, at;
	char what[160];
	int ret;

	ledger_record_init(&last, t);
	ledger_record_init(&at, t);
	snprintf(what, sizeof(what), "first page, by %s%s", name, desc ? " descending" : "");
	if ((ret = measure(s, &q, RUN_PAGE, GOAL_PAGE_MS, what, &last)))
		goto out;
	ledger_query_cursor(&q, &last);
	snprintf(what, sizeof(what), "next page, by %s%s", name, desc ? " descending" : "");
	if ((ret = measure(s, &q, RUN_PAGE, GOAL_PAGE_MS, what, NULL)))
		goto out;
	if (deep > 0) {
		if ((ret = store_ledger_get(s, t, deep, &at)))
			goto out;
		ledger_query_cursor(&q, &at);
		snprintf(what, sizeof(what), "deep next page (after record %lld), by %s%s", (long long)deep, name,
			 desc ? " descending" : "");
		ret = measure(s, &q, RUN_PAGE, GOAL_PAGE_MS, what, NULL);
	}
out:
	ledger_record_release(&last);
	ledger_record_release(&at);
	return ret;
}

/* The last page as End asks for it: backward from past the end. */
static int last_page(struct store *s, const struct ledger_template *t, int sort, const char *name)
{
	struct ledger_query q = { .t = t, .sort = sort, .backward = true, .limit = PAGE_ROWS };
	char what[160];

	snprintf(what, sizeof(what), "last page, by %s", name);
	return measure(s, &q, RUN_PAGE, GOAL_PAGE_MS, what, NULL);
}

/* A filter's first page (by id) and its count. */
static int filtered(struct store *s, const struct ledger_template *t, const char *text)
{
	struct ledger_filter f;
	struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	struct ledger_query q = { .t = t, .sort = -1, .limit = PAGE_ROWS };
	char msg[BR_MSG_MAX], what[200];
	int n = 0, ret;

	if ((ret = ledger_filter_parse(text, &f, msg, sizeof(msg))) ||
	    (ret = ledger_filter_bind(t, &f, conds, &n, "zh_CN", msg, sizeof(msg)))) {
		fprintf(stderr, "%s: %s\n", text, msg);
		return ret;
	}
	q.conds = conds;
	q.nconds = n;
	snprintf(what, sizeof(what), "filter %s: first page", text);
	if ((ret = measure(s, &q, RUN_PAGE, GOAL_FILTER_MS, what, NULL)))
		return ret;
	snprintf(what, sizeof(what), "filter %s: exact count", text);
	if ((ret = measure(s, &q, RUN_COUNT, 0, what, NULL)))
		return ret;
	/* what the browser runs on a new filter: the count up to LEDGER_COUNT_CAP, then the first page */
	q.count_cap = LEDGER_COUNT_CAP;
	snprintf(what, sizeof(what), "filter %s: as the browser opens it (count to %d, first page)", text,
		 LEDGER_COUNT_CAP);
	return measure(s, &q, RUN_OPEN, GOAL_FILTER_MS, what, NULL);
}

static int field_of(const struct ledger_template *t, const char *name)
{
	int i = ledger_field_find(t, name);

	if (i < 0) {
		fprintf(stderr, "the template has no field %s\n", name);
		exit(1);
	}
	return i;
}

/* ---- the load ---- */

static int load(struct store *s, const struct ledger_template *t, long n)
{
	struct ledger_record *recs = xcalloc(BATCH, sizeof(*recs));
	char msg[BR_MSG_MAX], a[32], b[32], c[32];
	long day0, day_insp;
	int64_t in_store = 0, t0 = now_us();
	int ret = BR_OK;

	if (!date_days("2016-01-01", &day0) || !date_days("2025-01-01", &day_insp))
		return BR_ERR_INVALID;
	for (int i = 0; i < BATCH; i++)
		ledger_record_init(&recs[i], t);
	for (long done = 0; done < n && ret == BR_OK;) {
		int k = n - done < BATCH ? (int)(n - done) : BATCH, failed = -1;
		int64_t t1;
		for (int i = 0; i < k; i++) {
			make_record(&recs[i], done + i, day0, day_insp);
			/* what the import checks, so that only valid records are stored */
			if ((ret = ledger_record_check(t, &recs[i], "zh_CN", msg, sizeof(msg), NULL))) {
				fprintf(stderr, "record %ld: %s\n", done + i + 1, msg);
				goto out;
			}
		}
		t1 = now_us();
		if ((ret = store_ledger_import(s, t, recs, k, "bench", &failed))) {
			fprintf(stderr, "import of records %ld-%ld failed at %d: %s\n", done + 1, done + k, failed,
				br_strerror(ret));
			goto out;
		}
		in_store += now_us() - t1;
		done += k;
	}
	/* ms_text of a thousandth of the time: seconds with two decimals */
	printf("load: %s records in batches of %d: %s s in store_ledger_import, %s records/s (%s s with generating)\n",
	       grouped(n, a, sizeof(a)), BATCH, ms_text(in_store / 1000, b, sizeof(b)),
	       grouped(in_store ? (int64_t)n * 1000000 / in_store : 0, msg, sizeof(msg)),
	       ms_text((now_us() - t0) / 1000, c, sizeof(c)));
out:
	for (int i = 0; i < BATCH; i++)
		ledger_record_release(&recs[i]);
	free(recs);
	return ret;
}

int main(int argc, char **argv)
{
	struct ledger_template t;
	struct store *s = NULL;
	struct ledger_query all;
	char msg[BR_MSG_MAX], errs[2048], *text = NULL;
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	int ret;

	if (argc < 4 || n <= 0) {
		fprintf(stderr, "usage: ledger DBPATH N TEMPLATE.md\n");
		return 2;
	}
	memset(&t, 0, sizeof(t));
	errs[0] = '\0';
	if (file_read_all(argv[3], 1 << 20, &text) || ledger_template_parse("assets", text, &t, errs, sizeof(errs))) {
		fprintf(stderr, "%s: cannot use the template: %s\n", argv[3], errs);
		return 1;
	}
	free(text);
	fld.code = field_of(&t, "code");
	fld.name = field_of(&t, "name");
	fld.department = field_of(&t, "department");
	fld.keeper = field_of(&t, "keeper");
	fld.bought = field_of(&t, "bought");
	fld.cost = field_of(&t, "cost");
	fld.status = field_of(&t, "status");
	fld.inspection = field_of(&t, "inspection");
	if (store_open(argv[1], false, &s, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	if ((ret = store_ledger_ensure(s, &t)) || (ret = load(s, &t, n)))
		return 1;
	store_close(s);

	/* the queries on a connection of their own, as a session has */
	if (store_open(argv[1], false, &s, msg, sizeof(msg))) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	printf("\n%9s %9s %6s  %-6s %s\n", "median ms", "max ms", "goal", "met",
	       "query (median of 20 after a warm-up)");
	if ((ret = sorted(s, &t, -1, false, "id", (n + 1) / 2)) || (ret = last_page(s, &t, -1, "id")) ||
	    (ret = sorted(s, &t, fld.cost, false, "cost", (n + 1) / 2)) ||
	    (ret = sorted(s, &t, fld.cost, true, "cost", (n + 1) / 2)) || (ret = last_page(s, &t, fld.cost, "cost")) ||
	    (ret = sorted(s, &t, fld.name, false, "name", (n + 1) / 2)) ||
	    (ret = sorted(s, &t, fld.name, true, "name", (n + 1) / 2)) || (ret = last_page(s, &t, fld.name, "name")) ||
	    (ret = filtered(s, &t, "部门=财务部")) || (ret = filtered(s, &t, "部门=财务部 状态=在用")) ||
	    (ret = filtered(s, &t, "购入日期>=2024-01-01 状态=维修")) || (ret = filtered(s, &t, "名称~打印")))
		return 1;
	all = (struct ledger_query){ .t = &t, .sort = -1 };
	if ((ret = measure(s, &all, RUN_COUNT, 0, "count of the whole ledger", NULL)))
		return 1;
	all.limit = PAGE_ROWS;
	if ((ret = measure(s, &all, RUN_OPEN, GOAL_PAGE_MS, "open the ledger: count and first page, by id", NULL)))
		return 1;
	store_close(s);
	ledger_template_release(&t);
	printf("\n%d of the measured queries missed their goal\n", missed);
	return 0;
}
