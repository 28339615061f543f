/*
 * test_export_formats.c - the voucher writers against golden files, the
 * balance of vouchers made from many generated claims, the GBK round trip
 * of the Yonyou file, refusal of unbalanced vouchers, and byte-identical
 * output for the same batch.
 *
 * Golden files live in tests/golden/export/<format>.<ext> (run from the
 * source root).  BURSAR_GOLDEN_WRITE=1 rewrites them from the current
 * writers: review the diff before keeping it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bursar/category.h"
#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/export.h"
#include "bursar/invoice.h"
#include "bursar/money.h"
#include "bursar/util.h"
#include "bursar/voucher.h"

#define GOLDEN_DIR "tests/golden/export"
#define NVOUCHERS 8

static const struct export_batch_info batch = { 7, "2026-11-30T09:15:00.000Z" };

struct fixture {
	struct voucher_settings settings;
	struct voucher v[NVOUCHERS];
};

static void settings_init(struct voucher_settings *s)
{
	voucher_settings_default(s);
	str_copy(s->account_book, "001", sizeof(s->account_book));
	str_copy(s->company_code, "1000", sizeof(s->company_code));
	str_copy(s->ledger_id, "2021", sizeof(s->ledger_id));
	str_copy(s->preparer, "王会计", sizeof(s->preparer));
}

static struct category_set default_categories(void)
{
	struct category_set cats = { (struct category *)category_defaults, category_default_count };
	return cats;
}

/* A line of category cat for amount fen; kind < 0: no invoice.  The deductible tax as claim_check sets it. */
static void add_line(struct claim *c, const char *cat, int64_t amount, int kind, int64_t inv_amount, int64_t inv_tax)
{
	struct category_set cats = default_categories();
	const struct category *k = category_find(cats.items, cats.n, cat);
	struct claim_line l;

	memset(&l, 0, sizeof(l));
	str_copy(l.category, cat, sizeof(l.category));
	str_copy(l.date, "2026-11-20", sizeof(l.date));
	l.amount = amount;
	if (kind >= 0) {
		l.has_invoice = true;
		l.invoice.kind = (enum invoice_kind)kind;
		l.invoice.amount = inv_amount;
		l.invoice.tax = inv_tax;
		l.invoice.total = inv_amount + inv_tax;
	}
	l.deductible = k ? claim_line_deductible(&l, k->vat) : 0;
	assert_non_null(claim_add_line(c, &l));
}

static void claim_header(struct claim *c, const char *number, const char *owner, const char *name, const char *dept,
			 const char *project, const char *title, int attachments)
{
	claim_init(c);
	str_copy(c->number, number, sizeof(c->number));
	str_copy(c->owner, owner, sizeof(c->owner));
	str_copy(c->owner_name, name, sizeof(c->owner_name));
	str_copy(c->department, dept, sizeof(c->department));
	str_copy(c->title, title, sizeof(c->title));
	if (project)
		assert_true(claim_set_value(c, "project", project));
	for (int i = 0; i < attachments; i++) {
		struct claim_attachment a;
		memset(&a, 0, sizeof(a));
		snprintf(a.name, sizeof(a.name), "scan-%d.pdf", i + 1);
		claim_add_attachment(c, &a);
	}
}

static void from_claim(struct claim *c, const struct voucher_settings *s, const char *date, int number,
		       struct voucher *v)
{
	struct category_set cats = default_categories();
	char msg[BR_MSG_MAX];

	assert_int_equal(voucher_from_claim(c, &cats, s, date, v, msg, sizeof(msg)), BR_OK);
	v->id = number;
	v->number = number;
	claim_release(c);
}

static void hand_line(struct voucher *v, const char *account, const char *name, const char *dept, const char *summary,
		      int64_t debit, int64_t credit)
{
	struct voucher_line l;

	memset(&l, 0, sizeof(l));
	str_copy(l.summary, summary, sizeof(l.summary));
	str_copy(l.account, account, sizeof(l.account));
	str_copy(l.account_name, name, sizeof(l.account_name));
	str_copy(l.department, dept, sizeof(l.department));
	str_copy(l.project, "P-GAMMA", sizeof(l.project));
	str_copy(l.employee, "chen", sizeof(l.employee));
	str_copy(l.employee_name, "陈 \"小\" 明", sizeof(l.employee_name));
	l.debit = debit;
	l.credit = credit;
	voucher_add_line(v, &l);
}

/*
 * The batch every golden file holds:
 *  1. travel: rail 436.00 (9% fare: 36.00 deductible), meals 128.50 (never
 *     deductible), lodging 1060.00 on a VAT special invoice (tax 60.00) and
 *     a taxi of 0.01; a quote and a comma in the title;
 *  2. one line of 99,999,999.99 on a 13% VAT invoice;
 *  3. every default category once, a title too long for Yonyou's 摘要 with
 *     characters GBK lacks (𠮷, an emoji);
 *  4. a voucher made by hand with many lines, departments and separators
 *     (',', ';', ':', a tab) in its texts.
 */
static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct claim c;

	settings_init(&f->settings);

	claim_header(&c, "BX202611-0001", "zhangwei", "张伟", "D01", "P-ALPHA", "北京出差 \"客户A, 客户B\"", 3);
	add_line(&c, "travel.rail", 43600, INVOICE_RAIL, 0, 0);
	add_line(&c, "meals", 12850, INVOICE_VAT_NORMAL, 12123, 727);
	add_line(&c, "lodging", 106000, INVOICE_VAT_SPECIAL, 100000, 6000);
	add_line(&c, "taxi", 1, -1, 0, 0);
	from_claim(&c, &f->settings, "2026-11-28", 1, &f->v[0]);

	claim_header(&c, "BX202611-0002", "lina", "李娜", "D02", NULL, "采购服务器", 1);
	add_line(&c, "office", 9999999999LL, INVOICE_VAT_SPECIAL, 8849557521LL, 1150442478LL);
	from_claim(&c, &f->settings, "2026-11-28", 2, &f->v[1]);

	claim_header(&c, "BX202611-0003", "wang.fang", "王芳", "D03", "P-BETA",
		     "上海培训及客户招待𠮷野家工作餐😀，含通讯费与办公用品采购的综合报销单据（第二季度）", 12);
	add_line(&c, "travel.air", 109000, INVOICE_AIR, 0, 0);
	add_line(&c, "travel.rail", 5450, INVOICE_RAIL, 0, 0);
	add_line(&c, "travel.road", 10300, INVOICE_RECEIPT, 0, 0);
	add_line(&c, "lodging", 48000, INVOICE_VAT_NORMAL, 45283, 2717);
	add_line(&c, "taxi", 3550, INVOICE_VAT_ELECTRONIC, 3447, 103);
	add_line(&c, "meals", 8800, -1, 0, 0);
	add_line(&c, "allowance", 30000, -1, 0, 0);
	add_line(&c, "office", 99, -1, 0, 0);
	add_line(&c, "entertainment", 200000, INVOICE_VAT_SPECIAL, 188679, 11321);
	add_line(&c, "training", 530000, INVOICE_VAT_SPECIAL, 500000, 30000);
	add_line(&c, "communication", 19900, INVOICE_DIGITAL, 18774, 1126);
	add_line(&c, "other", 5000, INVOICE_RECEIPT, 0, 0);
	from_claim(&c, &f->settings, "2026-11-29", 3, &f->v[2]);

	struct voucher *v = &f->v[3];
	voucher_init(v);
	v->id = v->number = 4;
	str_copy(v->claim, "BX202611-0004", sizeof(v->claim));
	str_copy(v->date, "2026-11-30", sizeof(v->date));
	str_copy(v->period, "2026-11", sizeof(v->period));
	str_copy(v->word, "记", sizeof(v->word));
	str_copy(v->summary, "研发与销售费用分摊; 含样机:A,B", sizeof(v->summary));
	v->attachments = 0;
	hand_line(v, "530101", "研发支出—材料费", "RD1", "样机材料, 批次 1", 1234567, 0);
	hand_line(v, "530101", "研发支出—材料费", "RD2", "样机材料; 批次 2", 765433, 0);
	hand_line(v, "530102", "研发支出—人工费", "RD1", "外包:测试", 5000000, 0);
	hand_line(v, "660101", "销售费用—差旅费", "S1", "销售\t差旅", 31415, 0);
	hand_line(v, "660102", "销售费用—业务招待费", "S1", "招待 \"老客户\"", 27183, 0);
	hand_line(v, "660103", "销售费用—广告费", "S2", "广告  投放", 9999999, 0);
	hand_line(v, "660201", "管理费用—差旅费", "ADM", "差旅", 1, 0);
	hand_line(v, "660202", "管理费用—交通费", "ADM", "交通", 10, 0);
	hand_line(v, "660203", "管理费用—办公费", "ADM", "办公", 100, 0);
	hand_line(v, "660204", "管理费用—业务招待费", "ADM", "招待", 1000, 0);
	hand_line(v, "660205", "管理费用—培训费", "ADM", "培训", 10000, 0);
	hand_line(v, "660206", "管理费用—通讯费", "ADM", "通讯", 100000, 0);
	hand_line(v, "22210101", "应交税费—应交增值税—进项税额", "ADM", "进项税额", 123456, 0);
	hand_line(v, "1002", "银行存款", "FIN", "银行付款", 0, 15000000);
	hand_line(v, "2241", "其他应付款", "FIN", "应付陈小明", 0, 2293164);

	/* an advance, a claim it settles in part, its payment and the repayment of what was left */
	claim_header(&c, "BX202611-0005", "zhangwei", "张伟", "D01", NULL, "借款 广州出差", 0);
	add_line(&c, CATEGORY_ADVANCE, 500000, -1, 0, 0);
	from_claim(&c, &f->settings, "2026-11-30", 5, &f->v[4]);

	claim_header(&c, "BX202611-0006", "zhangwei", "张伟", "D01", "P-ALPHA", "广州出差报销", 2);
	add_line(&c, "travel.rail", 65400, INVOICE_RAIL, 0, 0);
	add_line(&c, "meals", 56000, -1, 0, 0);
	from_claim(&c, &f->settings, "2026-11-30", 6, &f->v[5]);
	str_copy(f->settings.advance, "1221", sizeof(f->settings.advance));
	voucher_settle_advance(&f->v[5], 100000, &f->settings); /* 1,000.00 of the 1,214.00 from the advance */

	{
		struct payment_item items[2] = {
			{ "BX202611-0005", "zhangwei", "张伟", "D01", 500000 },
			{ "BX202611-0006", "zhangwei", "张伟", "D01", 21400 },
		};
		char msg[BR_MSG_MAX];
		assert_int_equal(voucher_from_payment(items, 2, "ICBC-20261130-01", &f->settings, "2026-11-30",
						      &f->v[6], msg, sizeof(msg)),
				 BR_OK);
		f->v[6].id = f->v[6].number = 7;
		assert_int_equal(voucher_from_repayment("zhangwei", "张伟", 400000, "RET-20261130-01", &f->settings,
							"2026-11-30", &f->v[7], msg, sizeof(msg)),
				 BR_OK);
		f->v[7].id = f->v[7].number = 8;
	}

	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < NVOUCHERS; i++)
		voucher_release(&f->v[i]);
	free(f);
	return 0;
}

static void run(const struct export_format *fmt, const struct fixture *f, struct export_buf *out)
{
	char msg[BR_MSG_MAX] = "";

	memset(out, 0, sizeof(*out));
	if (fmt->write(&batch, f->v, NVOUCHERS, &f->settings, out, msg, sizeof(msg)) != BR_OK)
		fail_msg("%s: %s", fmt->name, msg);
}

static void test_table(void **state)
{
	(void)state;
	assert_int_equal(export_format_count, 8);
	for (int i = 0; i < export_format_count; i++) {
		assert_ptr_equal(export_format_find(export_formats[i].name), &export_formats[i]);
		assert_non_null(export_formats[i].write);
		assert_true(*export_formats[i].ext && *export_formats[i].label);
	}
	assert_null(export_format_find("quickbooks"));
}

static void test_buf(void **state)
{
	struct export_buf b = { 0 };
	char big[1000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	export_buf_add(&b, "a\0b", 3);
	export_buf_addf(&b, "%d-%s", 42, big);
	assert_int_equal(b.len, 3 + 3 + 999);
	assert_memory_equal(b.data, "a\0b42-xx", 8);
	export_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

/* Compares with (or, with BURSAR_GOLDEN_WRITE=1, writes) the golden file of every format. */
static void test_golden(void **state)
{
	const struct fixture *f = *state;
	const char *w = getenv("BURSAR_GOLDEN_WRITE");
	bool write = w && !strcmp(w, "1");

	if (write) {
		mkdir("tests/golden", 0755);
		mkdir(GOLDEN_DIR, 0755);
	}
	for (int i = 0; i < export_format_count; i++) {
		const struct export_format *fmt = &export_formats[i];
		struct export_buf out;
		char path[256];
		size_t len = 0;
		char *want;
		FILE *fp;

		run(fmt, f, &out);
		snprintf(path, sizeof(path), GOLDEN_DIR "/%s.%s", fmt->name, fmt->ext);
		if (write) {
			assert_non_null(fp = fopen(path, "wb"));
			assert_int_equal(fwrite(out.data, 1, out.len, fp), out.len);
			assert_int_equal(fclose(fp), 0);
			export_buf_free(&out);
			continue;
		}
		if (!(fp = fopen(path, "rb")))
			fail_msg("%s: %s (run from the source root; BURSAR_GOLDEN_WRITE=1 makes it)", path,
				 strerror(errno));
		want = stream_read_all(fp, 1 << 24, &len);
		fclose(fp);
		if (len != out.len || memcmp(want, out.data, len))
			fail_msg("%s differs from what the %s writer makes now (%zu bytes, now %zu)", path, fmt->name,
				 len, out.len);
		free(want);
		export_buf_free(&out);
	}
}

/* The writer's bytes for the same batch are the same on every call; the xlsx across a clock second too. */
static void test_deterministic(void **state)
{
	const struct fixture *f = *state;

	for (int i = 0; i < export_format_count; i++) {
		struct export_buf a, b;
		run(&export_formats[i], f, &a);
		if (!strcmp(export_formats[i].ext, "xlsx"))
			sleep(1);
		run(&export_formats[i], f, &b);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		export_buf_free(&a);
		export_buf_free(&b);
	}
}

/* Runs a shell command over data written to a temporary file; returns its standard output. */
static char *pipe_file(const void *data, size_t len, const char *cmd_fmt)
{
	char path[] = "/tmp/bursar-test-export-XXXXXX", cmd[512];
	size_t n = 0;
	char *text;
	FILE *p;
	int fd;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), cmd_fmt, path);
	assert_non_null(p = popen(cmd, "r"));
	text = stream_read_all(p, 1 << 24, &n);
	text[n < (1 << 24) ? n : 0] = '\0';
	pclose(p);
	unlink(path);
	return text;
}

/* The xlsx is a zip whose sheet and shared strings hold the template's keys and the amounts. */
static void test_xlsx_content(void **state)
{
	const struct fixture *f = *state;
	struct export_buf out;
	char *text;

	run(export_format_find("kingdee"), f, &out);
	assert_memory_equal(out.data, "PK\3\4", 4);
	if (system("command -v unzip >/dev/null 2>&1") != 0) {
		export_buf_free(&out);
		skip();
	}
	text = pipe_file(out.data, out.len, "unzip -p %s xl/workbook.xml docProps/core.xml xl/sharedStrings.xml");
	assert_non_null(strstr(text, "name=\"凭证#单据头(FBillHead)\""));
	assert_non_null(strstr(text, "2026-11-30T09:15:00Z"));
	assert_non_null(strstr(text, "<t>FBillHead(GL_VOUCHER)</t>"));
	assert_non_null(strstr(text, "<t>FDetailID#FFLEX7</t>"));
	assert_non_null(strstr(text, "<t>99999999.99</t>"));
	assert_non_null(strstr(text, "<t>0.01</t>"));
	assert_non_null(strstr(text, "<t>PRE001</t>"));
	free(text);
	export_buf_free(&out);
}

/* The 25-column layout is a workbook too: one sheet 凭证, the Chinese header row, then an entry per row. */
static void test_xlsx25_content(void **state)
{
	const struct fixture *f = *state;
	struct export_buf out;
	char *text;

	run(export_format_find("kingdee25"), f, &out);
	assert_string_equal(export_format_find("kingdee25")->ext, "xlsx");
	assert_memory_equal(out.data, "PK\3\4", 4);
	if (system("command -v unzip >/dev/null 2>&1") != 0) {
		export_buf_free(&out);
		skip();
	}
	text = pipe_file(out.data, out.len, "unzip -p %s xl/workbook.xml docProps/core.xml xl/sharedStrings.xml");
	assert_non_null(strstr(text, "name=\"凭证\""));
	assert_non_null(strstr(text, "2026-11-30T09:15:00Z"));
	/* the header row, in order: the shared strings are numbered as first written */
	assert_non_null(strstr(text, "<t>日期</t></si><si><t>凭证字</t></si><si><t>凭证号</t></si><si><t>附件数</t></si>"
				     "<si><t>分录序号</t></si><si><t>摘要</t></si><si><t>科目代码</t></si>"
				     "<si><t>科目名称</t></si><si><t>借方金额</t></si><si><t>贷方金额</t></si>"
				     "<si><t>客户</t></si><si><t>供应商</t></si><si><t>职员</t></si><si><t>项目</t></si>"
				     "<si><t>部门</t></si><si><t>存货</t></si><si><t>自定义辅助核算类别</t></si>"
				     "<si><t>自定义辅助核算编码</t></si><si><t>数量</t></si><si><t>单价</t></si>"
				     "<si><t>原币金额</t></si><si><t>币别</t></si><si><t>汇率</t></si>"));
	assert_non_null(strstr(text, "<t>99999999.99</t>"));
	assert_non_null(strstr(text, "<t>0.01</t>"));
	assert_non_null(strstr(text, "<t>招待 \"老客户\"</t>") || strstr(text, "<t>招待 &quot;老客户&quot;</t>"));
	assert_null(strstr(text, "<t>'"));
	free(text);
	/* the sheet: 25 columns (A..Y), the header in row 1, the first entry in row 2 */
	text = pipe_file(out.data, out.len, "unzip -p %s xl/worksheets/sheet1.xml");
	assert_non_null(strstr(text, "<dimension ref=\"A1:Y"));
	assert_non_null(strstr(text, "<c r=\"A1\" t=\"s\">"));
	assert_non_null(strstr(text, "<c r=\"Y1\" t=\"s\">"));
	assert_non_null(strstr(text, "<c r=\"A2\" t=\"s\">"));
	assert_null(strstr(text, "<f>"));
	free(text);
	export_buf_free(&out);
}

/* Splits s at sep in place into at most max fields; returns the count. */
static int split(char *s, const char *sep, char **fields, int max)
{
	int n = 0;
	size_t k = strlen(sep);

	while (n < max) {
		char *e = strstr(s, sep);
		fields[n++] = s;
		if (!e)
			break;
		*e = '\0';
		s = e + k;
	}
	return n;
}

/* The Yonyou file read back from GBK: one line per entry, amounts and the cut 摘要. */
static void test_yonyou_gbk(void **state)
{
	const struct fixture *f = *state;
	struct export_buf out;
	char *utf8, *in, *o, *lines[64], *fields[32];
	size_t in_left, out_left;
	iconv_t cd;
	int nlines, row = 1;

	run(export_format_find("yonyou"), f, &out);
	assert_true((cd = iconv_open("UTF-8", "GBK")) != (iconv_t)-1);
	utf8 = xcalloc(1, out.len * 2 + 1);
	in = (char *)out.data, o = utf8;
	in_left = out.len, out_left = out.len * 2;
	assert_int_not_equal(iconv(cd, &in, &in_left, &o, &out_left), (size_t)-1);
	iconv_close(cd);

	nlines = split(utf8, "\r\n", lines, 64);
	assert_string_equal(lines[0], "填制凭证,V800");
	for (int i = 0; i < NVOUCHERS; i++)
		for (int k = 0; k < f->v[i].nlines; k++, row++) {
			const struct voucher_line *l = &f->v[i].lines[k];
			char dr[32], cr[32], *copy = xstrdup(lines[row]);
			int n = split(copy, ",", fields, 32);
			assert_true(n >= 12); /* trailing empty fields are dropped */
			assert_string_equal(fields[0], f->v[i].date);
			assert_string_equal(fields[1], "记");
			{
				char label[40];
				voucher_label(&f->v[i], label, sizeof(label));
				assert_string_equal(fields[2], label); /* 业务号: the voucher number */
			}
			assert_string_equal(fields[5], l->account);
			assert_string_equal(fields[6], money_format(l->debit, dr, sizeof(dr), 0));
			assert_string_equal(fields[7], money_format(l->credit, cr, sizeof(cr), 0));
			assert_string_equal(fields[11], "王会计");
			assert_string_equal(n > 15 ? fields[15] : "", l->department);
			assert_string_equal(n > 16 ? fields[16] : "", l->employee);
			free(copy);
		}
	assert_int_equal(nlines, row + 1); /* the file ends with CRLF */
	assert_string_equal(lines[row], "");

	/* claim 1: whole, the comma of the title made full-width */
	split(lines[1], ",", fields, 32);
	assert_string_equal(fields[4], "报销 BX202611-0001 张伟 北京出差 ＂客户A， 客户B＂");
	assert_string_equal(fields[6], "1528.50");
	/* claim 2 */
	split(lines[f->v[0].nlines + 1], ",", fields, 32);
	assert_string_equal(fields[4], "报销 BX202611-0002 李娜 采购服务器");
	assert_string_equal(fields[6], "88495575.21");
	split(lines[f->v[0].nlines + 3], ",", fields, 32);
	assert_string_equal(fields[7], "99999999.99");
	/* claim 3: 𠮷 and the emoji are not GBK, and the 摘要 stops within 60 GBK bytes */
	split(lines[f->v[0].nlines + f->v[1].nlines + 1], ",", fields, 32);
	assert_string_equal(fields[4], "报销 BX202611-0003 王芳 上海培训及客户招待?野家工作餐?，含通");
	free(utf8);
	export_buf_free(&out);
}

/* A voucher whose sides differ, or whose line has both sides, is refused by every writer. */
static void test_unbalanced(void **state)
{
	const struct fixture *f = *state;
	struct voucher v[2];

	for (int bad = 0; bad < 2; bad++) {
		voucher_init(&v[0]);
		voucher_init(&v[1]);
		/* a good voucher first: nothing of it may be written either */
		struct voucher_line l = f->v[0].lines[0];
		voucher_add_line(&v[0], &l);
		l.credit = l.debit;
		l.debit = 0;
		voucher_add_line(&v[0], &l);
		str_copy(v[1].date, "2026-11-30", sizeof(v[1].date));
		str_copy(v[1].claim, "BX202611-0099", sizeof(v[1].claim));
		v[1].number = 9;
		str_copy(v[1].word, "记", sizeof(v[1].word));
		voucher_add_line(&v[1], &f->v[0].lines[0]);
		voucher_add_line(&v[1], &f->v[0].lines[f->v[0].nlines - 1]);
		v[1].lines[1].credit = v[1].lines[0].debit;
		if (bad == 0)
			v[1].lines[1].credit -= 1; /* one fen short */
		else
			v[1].lines[0].credit = 5, v[1].lines[1].debit = 5; /* both sides on each line */
		for (int i = 0; i < export_format_count; i++) {
			struct export_buf out = { 0 };
			char msg[BR_MSG_MAX] = "";
			int ret = export_formats[i].write(&batch, v, 2, &f->settings, &out, msg, sizeof(msg));
			assert_int_equal(ret, BR_ERR_INVALID);
			assert_non_null(strstr(msg, "记-0009"));
			assert_non_null(strstr(msg, "does not balance"));
			assert_int_equal(out.len, 0);
			export_buf_free(&out);
		}
		voucher_release(&v[0]);
		voucher_release(&v[1]);
	}
}

/* A text a spreadsheet would run as a formula gets a leading apostrophe in CSV; numbers do not. */
static void test_csv_formulas(void **state)
{
	const struct fixture *f = *state;
	const struct export_format *fmt = export_format_find("oracle");
	struct export_buf out = { 0 };
	struct voucher v;
	char msg[BR_MSG_MAX];

	voucher_init(&v);
	v.id = v.number = 1;
	str_copy(v.claim, "BX202611-0009", sizeof(v.claim));
	str_copy(v.date, "2026-11-30", sizeof(v.date));
	str_copy(v.period, "2026-11", sizeof(v.period));
	str_copy(v.word, "记", sizeof(v.word));
	str_copy(v.summary, "=HYPERLINK(\"x\")", sizeof(v.summary));
	hand_line(&v, "660203", "管理费用—办公费", "D1", "@SUM(A1)", 100, 0);
	hand_line(&v, "2241", "其他应付款", "D1", "-x", 0, 100);
	assert_int_equal(fmt->write(&batch, &v, 1, &f->settings, &out, msg, sizeof(msg)), BR_OK);
	export_buf_add(&out, "", 1);
	assert_non_null(strstr((char *)out.data, ",'@SUM(A1)"));
	assert_non_null(strstr((char *)out.data, ",'-x"));
	assert_null(strstr((char *)out.data, ",=HYPERLINK"));
	assert_null(strstr((char *)out.data, ",@SUM"));
	assert_non_null(strstr((char *)out.data, ",1.00,")); /* amounts stay numbers */
	export_buf_free(&out);
	voucher_release(&v);
}

/* Accounts the formats cannot name are refused, not guessed. */
static void test_bad_accounts(void **state)
{
	const struct fixture *f = *state;
	struct voucher v;
	struct export_buf out = { 0 };
	char msg[BR_MSG_MAX];

	voucher_init(&v);
	for (int k = 0; k < f->v[0].nlines; k++)
		voucher_add_line(&v, &f->v[0].lines[k]);
	str_copy(v.date, "2026-11-28", sizeof(v.date));
	str_copy(v.claim, "BX202611-0001", sizeof(v.claim));
	str_copy(v.lines[0].account, "ABC", sizeof(v.lines[0].account));
	assert_int_equal(export_format_find("beancount")->write(&batch, &v, 1, &f->settings, &out, msg, sizeof(msg)),
			 BR_ERR_INVALID);
	assert_non_null(strstr(msg, "\"ABC\""));
	assert_int_equal(export_format_find("hledger")->write(&batch, &v, 1, &f->settings, &out, msg, sizeof(msg)),
			 BR_ERR_INVALID);
	export_buf_free(&out);
	str_copy(v.lines[0].account, "12345678901", sizeof(v.lines[0].account));
	assert_int_equal(export_format_find("sap")->write(&batch, &v, 1, &f->settings, &out, msg, sizeof(msg)),
			 BR_ERR_INVALID);
	assert_non_null(strstr(msg, "10 characters"));
	export_buf_free(&out);
	voucher_release(&v);
}

/* The xlsx needs the batch's time to stamp the file with, not the clock. */
static void test_xlsx_needs_time(void **state)
{
	const struct fixture *f = *state;
	struct export_batch_info b = { 7, "" };
	struct export_buf out = { 0 };
	char msg[BR_MSG_MAX];

	assert_int_equal(export_format_find("kingdee")->write(&b, f->v, 1, &f->settings, &out, msg, sizeof(msg)),
			 BR_ERR_INVALID);
	str_copy(b.created_at, "2026-11-30 09:15:00", sizeof(b.created_at));
	assert_int_equal(export_format_find("kingdee")->write(&b, f->v, 1, &f->settings, &out, msg, sizeof(msg)),
			 BR_OK);
	export_buf_free(&out);
}

/* A small deterministic generator (64-bit LCG, high bits). */
static uint64_t rng_state = 20261130;
static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33) % n;
}

/* Amounts from 0.01 to about 100,000,000.00, spread over the orders of magnitude. */
static int64_t rnd_amount(void)
{
	int64_t a = 1 + rnd(999);
	for (uint32_t digits = rnd(8); digits > 0; digits--)
		a = a * 10 + rnd(10);
	return a;
}

/*
 * For many generated claims (any categories, invoices of every kind with
 * consistent amounts, fares with and without tickets), the voucher
 * balances, every line has exactly one side and no negative amount, the
 * credit is the claim's total and the input VAT the sum of the deductible
 * tax.
 */
static void test_property_balanced(void **state)
{
	struct voucher_settings s;
	struct category_set cats = default_categories();

	(void)state;
	settings_init(&s);
	for (int iter = 0; iter < 2000; iter++) {
		struct claim c;
		struct voucher v;
		int64_t total = 0, tax = 0, debit, credit, vat = 0, pay = 0;
		char msg[BR_MSG_MAX], number[CLAIM_NUMBER_MAX];
		int n = 1 + (int)rnd(iter % 10 == 0 ? CLAIM_MAX_LINES : 12);

		claim_number_format("2026-11-30", iter + 1, number);
		claim_header(&c, number, "u", "用户", "D", rnd(2) ? "P" : NULL, "生成", (int)rnd(4));
		for (int i = 0; i < n; i++) {
			const struct category *cat = &cats.items[rnd((uint32_t)cats.n)];
			int64_t amount = rnd_amount();
			int kind = (int)rnd(INVOICE_KIND_COUNT + 1) - 1;
			/* the line claims the invoice in full or in part; the invoice adds up */
			int64_t inv_total = rnd(3) ? amount : amount + rnd_amount();
			static const int rates[] = { 0, 100, 300, 500, 600, 900, 1300 };
			int rate = rates[rnd(ARRAY_SIZE(rates))];
			int64_t inv_tax = vat_from_gross(inv_total, rate);
			add_line(&c, cat->code, amount, kind, inv_total - inv_tax, inv_tax);
			total += amount;
			tax += c.lines[c.nlines - 1].deductible;
		}
		assert_int_equal(voucher_from_claim(&c, &cats, &s, "2026-11-30", &v, msg, sizeof(msg)), BR_OK);
		assert_true(voucher_balanced(&v, &debit, &credit));
		assert_int_equal(debit, total);
		for (int k = 0; k < v.nlines; k++) {
			const struct voucher_line *l = &v.lines[k];
			assert_true(l->debit >= 0 && l->credit >= 0);
			assert_true((l->debit != 0) != (l->credit != 0));
			if (!strcmp(l->account, s.input_vat))
				vat += l->debit;
			if (!strcmp(l->account, s.payable))
				pay += l->credit;
		}
		assert_int_equal(vat, tax);
		assert_int_equal(pay, total);
		assert_int_equal(v.attachments, c.nattachments);
		/* and every writer takes it */
		for (int i = 0; iter % 50 == 0 && i < export_format_count; i++) {
			struct export_buf out = { 0 };
			struct export_batch_info bi = { iter, "2026-11-30T00:00:00Z" };
			v.number = iter + 1;
			assert_int_equal(export_formats[i].write(&bi, &v, 1, &s, &out, msg, sizeof(msg)), BR_OK);
			export_buf_free(&out);
		}
		voucher_release(&v);
		claim_release(&c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_property_balanced),
		cmocka_unit_test_setup_teardown(test_golden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx25_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yonyou_gbk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbalanced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csv_formulas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xlsx_needs_time, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
