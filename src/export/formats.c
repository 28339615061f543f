/*
 * formats.c - the voucher writers, one small function per finance package,
 * collected in export_formats[].  Each writer is a pure function of the
 * vouchers, the batch settings and the batch's own id and time: the same
 * batch gives the same bytes, so a file can be written again and compared.
 *
 * Amounts are integer fen throughout and leave as text ("436.00", via
 * money_format); no writer does arithmetic on them beyond sign changes.
 * Every writer refuses the whole batch when one voucher does not balance,
 * before writing anything.
 *
 * Where a layout detail comes from a single secondary source (see
 * ../shared/reference/finance-formats.md) the comment at the writer says so.
 */
#include "bursar/export.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* ---- the growing output buffer ---- */

/* Keeps a NUL after the data (not counted in len), so text output can be read as a string. */
void export_buf_add(struct export_buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + len + 1)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void export_buf_addf(struct export_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		export_buf_add(b, small, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	export_buf_add(b, big, (size_t)n);
	free(big);
}

void export_buf_free(struct export_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static void buf_puts(struct export_buf *b, const char *s)
{
	export_buf_add(b, s, strlen(s));
}

/* ---- helpers shared by the writers ---- */

/* Every voucher balances and every line has exactly one side; else the first that does not. */
static int check_balanced(const struct voucher *v, int n, char *msg, size_t size)
{
	for (int i = 0; i < n; i++) {
		int64_t debit, credit;
		char label[40], d[32], c[32];
		if (voucher_balanced(&v[i], &debit, &credit))
			continue;
		voucher_label(&v[i], label, sizeof(label));
		snprintf(msg, size,
			 "voucher %s (claim %s) does not balance: debits %s, credits %s, %d lines, each needs "
			 "exactly one side",
			 label, v[i].claim, money_format(debit, d, sizeof(d), 0), money_format(credit, c, sizeof(c), 0),
			 v[i].nlines);
		return BR_ERR_INVALID;
	}
	return BR_OK;
}

static const char *word_of(const struct voucher *v, const struct voucher_settings *s)
{
	return v->word[0] ? v->word : s->word;
}

static const char *fen(int64_t amount, char buf[32])
{
	return money_format(amount, buf, 32, 0);
}

/* The non-zero side of a line ("436.00"), or "" for the zero side. */
static const char *side(int64_t amount, char buf[32])
{
	if (!amount) {
		buf[0] = '\0';
		return buf;
	}
	return fen(amount, buf);
}

/* Bytes in the UTF-8 character at s (1 for an invalid or truncated sequence). */
static size_t utf8_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

	for (size_t i = 1; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* Cuts s to at most max characters (not bytes), then drops trailing blanks. */
static void cut_chars(char *s, size_t max)
{
	size_t chars = 0, n;

	for (char *p = s; *p; p += utf8_len(p))
		if (chars++ == max) {
			*p = '\0';
			break;
		}
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		s[--n] = '\0';
}

enum clean_flags {
	CLEAN_COMMA = 1, /* , -> ， (fields separated by commas, no quoting) */
	CLEAN_SEMI = 2, /* ; -> ； (hledger: starts a comment) */
	CLEAN_COLON = 4, /* : -> ： (hledger: separates account components) */
	CLEAN_SPACES = 8, /* runs of spaces -> one, trimmed (hledger: two spaces end an account) */
	CLEAN_QUOTE = 16, /* " -> ＂ (unquoted CSV: a reader must not take it for quoting) */
};

/*
 * Copies src into dst (size bytes) as one line of text: control characters
 * (tabs and line breaks included) become spaces, and the characters flags
 * name are replaced.  Cut at a character boundary when dst is too small.
 */
static void clean(char *dst, size_t size, const char *src, unsigned flags)
{
	size_t o = 0;

	if (flags & CLEAN_SPACES)
		while (*src == ' ' || ((unsigned char)*src < 0x20 && *src))
			src++;
	while (*src) {
		size_t n = utf8_len(src);
		const char *piece = src;
		size_t len = n;
		unsigned char c = (unsigned char)*src;
		if (c < 0x20 || c == 0x7f)
			piece = " ", len = 1;
		else if (c == ',' && (flags & CLEAN_COMMA))
			piece = "，", len = strlen(piece);
		else if (c == ';' && (flags & CLEAN_SEMI))
			piece = "；", len = strlen(piece);
		else if (c == ':' && (flags & CLEAN_COLON))
			piece = "：", len = strlen(piece);
		else if (c == '"' && (flags & CLEAN_QUOTE))
			piece = "＂", len = strlen(piece);
		src += n;
		if ((flags & CLEAN_SPACES) && *piece == ' ' && (o == 0 || dst[o - 1] == ' '))
			continue;
		if (o + len >= size)
			break;
		memcpy(dst + o, piece, len);
		o += len;
	}
	if ((flags & CLEAN_SPACES) && o > 0 && dst[o - 1] == ' ')
		o--;
	if (size)
		dst[o] = '\0';
}

/*
 * RFC 4180: quoted when it holds a comma, a quote, a line break or edge
 * blanks.  Text a spreadsheet would run as a formula (= + @, or - before
 * something that is not a number) gets a leading apostrophe.
 */
static void csv_field(struct export_buf *out, const char *s)
{
	size_t n = strlen(s);

	if (n && (s[0] == '=' || s[0] == '+' || s[0] == '@' || (s[0] == '-' && !(s[1] >= '0' && s[1] <= '9')))) {
		char *q = xasprintf("'%s", s);
		csv_field(out, q);
		free(q);
		return;
	}

	if (!strpbrk(s, ",\"\r\n") && !(n && (s[0] == ' ' || s[n - 1] == ' '))) {
		export_buf_add(out, s, n);
		return;
	}
	buf_puts(out, "\"");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_puts(out, "\"");
		export_buf_add(out, p, 1);
	}
	buf_puts(out, "\"");
}

static void csv_row(struct export_buf *out, const char *const *fields, int n, const char *eol)
{
	for (int i = 0; i < n; i++) {
		if (i)
			buf_puts(out, ",");
		csv_field(out, fields[i]);
	}
	buf_puts(out, eol);
}

/* ---- Kingdee K/3 Cloud: GL_VOUCHER Excel import (xlsx) ---- */

/*
 * The import template: row 1 field keys, row 2 captions (* = required),
 * data from row 3.  The header columns (up to FACCBOOKORGID) are filled on
 * a voucher's first row only; its other rows are entries of the same bill.
 * The captions and the codes PRE001 (人民币) and HLTX01_SYS (固定汇率) are
 * those of a standard K/3 Cloud data centre: check them against a template
 * exported from the customer's own system.
 */
static const char *const kingdee_keys[][2] = {
	{ "FBillHead(GL_VOUCHER)", "*单据头(序号)" },
	{ "FAccountBookID", "*(单据头)账簿#编码" },
	{ "FDate", "*(单据头)日期" },
	{ "FBUSDATE", "(单据头)业务日期" },
	{ "FYEAR", "(单据头)会计年度" },
	{ "FPERIOD", "(单据头)期间" },
	{ "FVOUCHERGROUPID", "*(单据头)凭证字#编码" },
	{ "FVOUCHERGROUPNO", "(单据头)凭证号" },
	{ "FATTACHMENTS", "(单据头)附件数" },
	{ "FACCBOOKORGID", "*(单据头)核算组织#编码" },
	{ "FEntity", "*分录(序号)" },
	{ "FEXPLANATION", "*(分录)摘要" },
	{ "FACCOUNTID", "*(分录)科目编码#编码" },
	{ "FDetailID#FFLEX5", "(分录)核算维度#部门" },
	{ "FDetailID#FFLEX7", "(分录)核算维度#员工" },
	{ "FCURRENCYID", "*(分录)币别#编码" },
	{ "FEXCHANGERATETYPE", "*(分录)汇率类型#编码" },
	{ "FEXCHANGERATE", "(分录)汇率" },
	{ "FAMOUNTFOR", "(分录)原币金额" },
	{ "FDEBIT", "(分录)借方金额" },
	{ "FCREDIT", "(分录)贷方金额" },
};
#define KINGDEE_COLS ((int)ARRAY_SIZE(kingdee_keys))

/* "2026-11-30T09:15:00.000Z" (or a space, or a date alone) as seconds since the epoch, UTC. */
static bool batch_time(const char *text, time_t *out)
{
	struct tm tm;
	char date[11];
	int h = 0, m = 0, sec = 0;

	if (strlen(text) < 10)
		return false;
	memcpy(date, text, 10);
	date[10] = '\0';
	if (!date_valid(date))
		return false;
	if (text[10] && (sscanf(text + 11, "%2d:%2d:%2d", &h, &m, &sec) != 3 || (text[10] != 'T' && text[10] != ' ') ||
			 h > 23 || m > 59 || sec > 60 || h < 0 || m < 0 || sec < 0))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(date) - 1900;
	tm.tm_mon = atoi(date + 5) - 1;
	tm.tm_mday = atoi(date + 8);
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*out = timegm(&tm);
	return true;
}

/* An xlsx cell holding text; nothing at all for "" (an empty cell). */
static void cell(lxw_worksheet *ws, int row, int col, const char *text)
{
	if (*text)
		worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, text, NULL);
}

/*
 * Every value is a text cell: amounts are exact decimal strings made from
 * fen ("436.00"), which the import parses; a numeric cell would need a
 * binary fraction.  libxlsxwriter writes the zip entries with a fixed time
 * and the document's creation time from its properties, which we set to
 * the batch's time, so the file is the same bytes on every run.
 */
static void kingdee_sheet(lxw_worksheet *ws, const struct voucher *v, int n, const struct voucher_settings *s)
{
	const char *currency = !strcmp(s->currency, "CNY") ? "PRE001" : s->currency;
	int row;

	for (int c = 0; c < KINGDEE_COLS; c++) {
		cell(ws, 0, c, kingdee_keys[c][0]);
		cell(ws, 1, c, kingdee_keys[c][1]);
	}
	row = 2;
	for (int i = 0; i < n; i++) {
		char label[40], year[8], period[8], number[16], attach[16];
		voucher_label(&v[i], label, sizeof(label));
		snprintf(year, sizeof(year), "%.4s", v[i].date);
		snprintf(period, sizeof(period), "%d", atoi(v[i].date + 5));
		snprintf(number, sizeof(number), "%d", v[i].number);
		snprintf(attach, sizeof(attach), "%d", v[i].attachments);
		const char *head[] = {
			label, /* FBillHead(GL_VOUCHER) */
			s->account_book, /* FAccountBookID */
			v[i].date, /* FDate */
			v[i].date, /* FBUSDATE */
			year, /* FYEAR */
			period, /* FPERIOD */
			word_of(&v[i], s), /* FVOUCHERGROUPID */
			number, /* FVOUCHERGROUPNO */
			attach, /* FATTACHMENTS */
			s->company_code, /* FACCBOOKORGID */
		};
		for (int c = 0; c < (int)ARRAY_SIZE(head); c++)
			cell(ws, row, c, head[c]);
		for (int k = 0; k < v[i].nlines; k++, row++) {
			const struct voucher_line *l = &v[i].lines[k];
			char seq[16], amount[32], dr[32], cr[32], text[VOUCHER_SUMMARY_MAX + 1];
			snprintf(seq, sizeof(seq), "%d", k + 1);
			clean(text, sizeof(text), l->summary, 0);
			const char *entry[] = {
				seq, /* FEntity */
				text, /* FEXPLANATION */
				l->account, /* FACCOUNTID */
				l->department, /* FDetailID#FFLEX5 */
				l->employee, /* FDetailID#FFLEX7 */
				currency, /* FCURRENCYID */
				"HLTX01_SYS", /* FEXCHANGERATETYPE */
				"1", /* FEXCHANGERATE */
				fen(l->debit ? l->debit : l->credit, amount), /* FAMOUNTFOR */
				side(l->debit, dr), /* FDEBIT */
				side(l->credit, cr), /* FCREDIT */
			};
			for (int c = 0; c < (int)ARRAY_SIZE(entry); c++)
				cell(ws, row, (int)ARRAY_SIZE(head) + c, entry[c]);
		}
	}
}

/* Fills the workbook's one sheet with the vouchers. */
typedef void xlsx_sheet_fn(lxw_worksheet *ws, const struct voucher *v, int n, const struct voucher_settings *s);

/*
 * The vouchers as an xlsx workbook of one sheet (name sheet, filled by
 * fill) whose document title is title.  The file's creation time is the
 * batch's, never the clock, so the same batch gives the same bytes.
 */
static int write_xlsx(const struct export_batch_info *b, const struct voucher *v, int n,
		      const struct voucher_settings *s, char *title, const char *sheet, xlsx_sheet_fn *fill,
		      struct export_buf *out, char *msg, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	char *path = NULL, *data = NULL;
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws;
	lxw_doc_properties props;
	lxw_error err;
	size_t len = 0;
	FILE *f = NULL;
	time_t created;
	int fd, ret;

	if ((ret = check_balanced(v, n, msg, size)) != BR_OK)
		return ret;
	/* without a fixed creation time libxlsxwriter would use the clock */
	if (!batch_time(b->created_at, &created)) {
		snprintf(msg, size, "batch %lld: time \"%s\" is not YYYY-MM-DDTHH:MM:SS", (long long)b->id,
			 b->created_at);
		return BR_ERR_INVALID;
	}
	/* libxlsxwriter 1.1.4 can only write to a named file */
	path = xasprintf("%s/bursar-kingdee-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		snprintf(msg, size, "cannot make a temporary file in %s: %s", tmp && *tmp ? tmp : "/tmp",
			 strerror(errno));
		free(path);
		return BR_ERR_IO;
	}
	close(fd);
	ret = BR_ERR_IO;
	if (!(wb = workbook_new(path))) {
		snprintf(msg, size, "cannot start the xlsx file %s", path);
		goto out;
	}
	memset(&props, 0, sizeof(props));
	props.title = title;
	props.created = created;
	workbook_set_properties(wb, &props);
	if (!(ws = workbook_add_worksheet(wb, sheet))) {
		snprintf(msg, size, "cannot add the sheet %s to the xlsx file", sheet);
		workbook_close(wb);
		goto out;
	}
	fill(ws, v, n, s);
	err = workbook_close(wb);
	if (err != LXW_NO_ERROR) {
		snprintf(msg, size, "cannot write the xlsx file: %s", lxw_strerror(err));
		goto out;
	}
	if (!(f = fopen(path, "rb"))) {
		snprintf(msg, size, "cannot read back %s: %s", path, strerror(errno));
		goto out;
	}
	data = stream_read_all(f, SIZE_MAX - 1, &len);
	if (ferror(f)) {
		snprintf(msg, size, "cannot read back %s", path);
		goto out;
	}
	export_buf_add(out, data, len);
	ret = BR_OK;
out:
	if (f)
		fclose(f);
	unlink(path);
	free(data);
	free(path);
	return ret;
}

static int write_kingdee(const struct export_batch_info *b, const struct voucher *v, int n,
			 const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size)
{
	return write_xlsx(b, v, n, s, "GL_VOUCHER", "凭证#单据头(FBillHead)", kingdee_sheet, out, msg, size);
}

/* ---- the 25-column "Kingdee template" (精斗云/KIS云; Excel, xlsx) ---- */

/*
 * One sheet, 凭证: the header row, then one row per entry.  Layout from a
 * secondary source: 日期 .. 汇率; the two 自定义辅助核算 pairs, 客户, 供应商,
 * 存货, 数量 and 单价 stay empty.  Auxiliary columns carry codes (职员 =
 * login).  Every value is a text cell, amounts included ("436.00"), made
 * and stamped as in the K/3 Cloud workbook above.
 */
static const char *const kingdee25_header[] = {
	"日期",
	"凭证字",
	"凭证号",
	"附件数",
	"分录序号",
	"摘要",
	"科目代码",
	"科目名称",
	"借方金额",
	"贷方金额",
	"客户",
	"供应商",
	"职员",
	"项目",
	"部门",
	"存货",
	"自定义辅助核算类别",
	"自定义辅助核算编码",
	"自定义辅助核算类别",
	"自定义辅助核算编码",
	"数量",
	"单价",
	"原币金额",
	"币别",
	"汇率",
};

static void kingdee25_sheet(lxw_worksheet *ws, const struct voucher *v, int n, const struct voucher_settings *s)
{
	int r = 1;

	for (int c = 0; c < (int)ARRAY_SIZE(kingdee25_header); c++)
		cell(ws, 0, c, kingdee25_header[c]);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < v[i].nlines; k++, r++) {
			const struct voucher_line *l = &v[i].lines[k];
			char number[16], attach[16], seq[16], dr[32], cr[32], amount[32];
			char text[VOUCHER_SUMMARY_MAX + 1];
			snprintf(number, sizeof(number), "%d", v[i].number);
			snprintf(attach, sizeof(attach), "%d", v[i].attachments);
			snprintf(seq, sizeof(seq), "%d", k + 1);
			clean(text, sizeof(text), l->summary, 0);
			const char *row[] = {
				v[i].date, /* 日期 */
				word_of(&v[i], s), /* 凭证字 */
				number, /* 凭证号 */
				attach, /* 附件数 */
				seq, /* 分录序号 */
				text, /* 摘要 */
				l->account, /* 科目代码 */
				l->account_name, /* 科目名称 */
				side(l->debit, dr), /* 借方金额 */
				side(l->credit, cr), /* 贷方金额 */
				"", /* 客户 */
				"", /* 供应商 */
				l->employee, /* 职员 */
				l->project, /* 项目 */
				l->department, /* 部门 */
				"", /* 存货 */
				"", /* 自定义辅助核算类别 */
				"", /* 自定义辅助核算编码 */
				"", /* 自定义辅助核算类别 */
				"", /* 自定义辅助核算编码 */
				"", /* 数量 */
				"", /* 单价 */
				fen(l->debit ? l->debit : l->credit, amount), /* 原币金额 */
				s->currency, /* 币别 */
				"1", /* 汇率 */
			};
			for (int c = 0; c < (int)ARRAY_SIZE(row); c++)
				cell(ws, r, c, row[c]);
		}
}

static int write_kingdee25(const struct export_batch_info *b, const struct voucher *v, int n,
			   const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size)
{
	return write_xlsx(b, v, n, s, "凭证", "凭证", kingdee25_sheet, out, msg, size);
}

/* ---- Yonyou U8 总账 凭证引入 (text, GBK, CRLF) ---- */

/*
 * Appends UTF-8 text converted to GBK, at most max bytes (0: no limit), cut
 * before the character that would pass it.  A character GBK lacks (or a
 * byte that is not UTF-8) becomes '?': the file is always complete.
 */
static void gbk_add(iconv_t cd, struct export_buf *out, const char *s, size_t max)
{
	size_t used = 0;

	while (*s) {
		size_t n = utf8_len(s), in_left = n, out_left;
		char in[4], conv[8], *ip = in, *op = conv;
		memcpy(in, s, n);
		out_left = sizeof(conv);
		if (iconv(cd, &ip, &in_left, &op, &out_left) == (size_t)-1) {
			iconv(cd, NULL, NULL, NULL, NULL);
			conv[0] = '?';
			op = conv + 1;
		}
		size_t w = (size_t)(op - conv);
		if (max && used + w > max)
			break;
		export_buf_add(out, conv, w);
		used += w;
		s += n;
	}
}

/*
 * Layout from secondary sources: a first line 填制凭证,V800, then one line
 * per entry of comma-separated fields with no quoting (commas and quotation
 * marks in text become the full-width ， and ＂).  The fields written
 * (trailing empty ones dropped):
 *   1 制单日期  2 凭证类别字  3 业务号 (the voucher label, e.g. 记-0001;
 *   ≤30)  4 附单据数 (0-999)  5 摘要 (≤60 GBK bytes)  6 科目编码  7 借方
 *   8 贷方  9 数量 (0)  10 外币金额 (0)  11 汇率 (0)  12 制单人  13 结算方式
 *   14 票号  15 发生日期 (the voucher date)  16 部门编码  17 个人编码
 *   18 客户编码  19 供应商编码  20 业务员  21 项目编码
 * U8 groups lines into one voucher by 制单日期 + 凭证类别字 + 业务号, so a
 * voucher's lines are written together.
 */
#define YONYOU_FIELDS 21
static const size_t yonyou_max[YONYOU_FIELDS] = { [2] = 30, [4] = 60, [5] = 15 };

static int write_yonyou(const struct export_batch_info *b, const struct voucher *v, int n,
			const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size)
{
	iconv_t cd;
	int ret;

	(void)b;
	if ((ret = check_balanced(v, n, msg, size)) != BR_OK)
		return ret;
	if ((cd = iconv_open("GBK", "UTF-8")) == (iconv_t)-1) {
		snprintf(msg, size, "this system cannot convert text to GBK: %s", strerror(errno));
		return BR_ERR_IO;
	}
	gbk_add(cd, out, "填制凭证,V800", 0);
	buf_puts(out, "\r\n");
	for (int i = 0; i < n; i++) {
		char label[40], attach[16], word[64], preparer[256];
		voucher_label(&v[i], label, sizeof(label));
		/* U8 takes 0-999 */
		snprintf(attach, sizeof(attach), "%d", v[i].attachments > 999 ? 999 : v[i].attachments);
		clean(word, sizeof(word), word_of(&v[i], s), CLEAN_COMMA | CLEAN_QUOTE);
		clean(preparer, sizeof(preparer), s->preparer, CLEAN_COMMA | CLEAN_QUOTE);
		for (int k = 0; k < v[i].nlines; k++) {
			const struct voucher_line *l = &v[i].lines[k];
			char dr[32], cr[32], summary[VOUCHER_SUMMARY_MAX * 3 + 1], account[64], dept[512], emp[128],
			    project[512], ref[64];
			/* the voucher number: unique per month and word, so U8 never joins two vouchers */
			clean(ref, sizeof(ref), label, CLEAN_COMMA | CLEAN_QUOTE);
			clean(summary, sizeof(summary), l->summary, CLEAN_COMMA | CLEAN_QUOTE);
			clean(account, sizeof(account), l->account, CLEAN_COMMA | CLEAN_QUOTE);
			clean(dept, sizeof(dept), l->department, CLEAN_COMMA | CLEAN_QUOTE);
			clean(emp, sizeof(emp), l->employee, CLEAN_COMMA | CLEAN_QUOTE);
			clean(project, sizeof(project), l->project, CLEAN_COMMA | CLEAN_QUOTE);
			const char *f[YONYOU_FIELDS] = {
				v[i].date, /* 制单日期 */
				word, /* 凭证类别字 */
				ref, /* 业务号 */
				attach, /* 附单据数 */
				summary, /* 摘要 */
				account, /* 科目编码 */
				fen(l->debit, dr), /* 借方 */
				fen(l->credit, cr), /* 贷方 */
				"0", /* 数量 */
				"0", /* 外币金额 */
				"0", /* 汇率 */
				preparer, /* 制单人 */
				"", /* 结算方式 */
				"", /* 票号 */
				v[i].date, /* 发生日期 */
				dept, /* 部门编码 */
				emp, /* 个人编码 */
				"", /* 客户编码 */
				"", /* 供应商编码 */
				"", /* 业务员 */
				project, /* 项目编码 */
			};
			int last = YONYOU_FIELDS;
			while (last > 0 && !*f[last - 1])
				last--;
			for (int c = 0; c < last; c++) {
				if (c)
					buf_puts(out, ",");
				gbk_add(cd, out, f[c], yonyou_max[c]);
			}
			buf_puts(out, "\r\n");
		}
	}
	iconv_close(cd);
	return BR_OK;
}

/* ---- SAP: flat file for BAPI_ACC_DOCUMENT_POST (tab-separated, UTF-8) ---- */

/*
 * The file starts with one line per record type naming its columns, marked
 * by a leading '#'; then per voucher a DOCUMENTHEADER line followed, per
 * entry, by an ACCOUNTGL and a CURRENCYAMOUNT line with the same item
 * number.  The first column of every line is the BAPI table it fills:
 *
 *   #DOCUMENTHEADER  BUS_ACT USERNAME HEADER_TXT COMP_CODE DOC_DATE PSTNG_DATE FIS_PERIOD DOC_TYPE REF_DOC_NO
 *   #ACCOUNTGL       ITEMNO_ACC GL_ACCOUNT ITEM_TEXT COSTCENTER
 *   #CURRENCYAMOUNT  ITEMNO_ACC CURRENCY AMT_DOCCUR
 *
 * Values as the BAPI's fields hold them: dates YYYYMMDD, FIS_PERIOD two
 * digits (the month: a calendar fiscal year), ITEMNO_ACC ten digits,
 * GL_ACCOUNT a numeric code zero-padded to ten, AMT_DOCCUR signed (debit +,
 * credit -; a document's amounts sum to zero).  Texts are cut to the
 * fields' lengths in characters: USERNAME 12, HEADER_TXT 25, ITEM_TEXT 50,
 * REF_DOC_NO 16.  COSTCENTER stays empty (departments are not cost centres).
 */
static bool sap_account(const char *code, char out[16])
{
	size_t n = strlen(code);

	if (n == 0 || n > 10)
		return false;
	/* SAP's ALPHA conversion pads numeric codes only */
	if (strspn(code, "0123456789") == n) {
		memset(out, '0', 10 - n);
		memcpy(out + 10 - n, code, n + 1);
	} else {
		memcpy(out, code, n + 1);
	}
	return true;
}

static int write_sap(const struct export_batch_info *b, const struct voucher *v, int n,
		     const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size)
{
	int ret;

	(void)b;
	if ((ret = check_balanced(v, n, msg, size)) != BR_OK)
		return ret;
	buf_puts(out, "#DOCUMENTHEADER\tBUS_ACT\tUSERNAME\tHEADER_TXT\tCOMP_CODE\tDOC_DATE\tPSTNG_DATE\tFIS_PERIOD"
		      "\tDOC_TYPE\tREF_DOC_NO\n"
		      "#ACCOUNTGL\tITEMNO_ACC\tGL_ACCOUNT\tITEM_TEXT\tCOSTCENTER\n"
		      "#CURRENCYAMOUNT\tITEMNO_ACC\tCURRENCY\tAMT_DOCCUR\n");
	for (int i = 0; i < n; i++) {
		char user[256], header[VOUCHER_SUMMARY_MAX + 1], ref[CLAIM_NUMBER_MAX], comp[32], date[9];
		clean(user, sizeof(user), s->preparer, 0);
		cut_chars(user, 12);
		clean(header, sizeof(header), v[i].summary, 0);
		cut_chars(header, 25);
		clean(ref, sizeof(ref), v[i].claim, 0);
		cut_chars(ref, 16);
		clean(comp, sizeof(comp), s->company_code, 0);
		snprintf(date, sizeof(date), "%.4s%.2s%.2s", v[i].date, v[i].date + 5, v[i].date + 8);
		export_buf_addf(out, "DOCUMENTHEADER\tRFBU\t%s\t%s\t%s\t%s\t%s\t%02d\tSA\t%s\n", user, header, comp,
				date, date, atoi(v[i].date + 5), ref);
		for (int k = 0; k < v[i].nlines; k++) {
			const struct voucher_line *l = &v[i].lines[k];
			char account[16], text[VOUCHER_SUMMARY_MAX + 1], amount[32];
			if (!sap_account(l->account, account)) {
				snprintf(msg, size, "claim %s: account \"%s\" does not fit SAP's 10 characters",
					 v[i].claim, l->account);
				return BR_ERR_INVALID;
			}
			clean(text, sizeof(text), l->summary, 0);
			cut_chars(text, 50);
			export_buf_addf(out, "ACCOUNTGL\t%010d\t%s\t%s\t\n", k + 1, account, text);
			export_buf_addf(out, "CURRENCYAMOUNT\t%010d\t%s\t%s\n", k + 1, s->currency,
					fen(l->debit ? l->debit : -l->credit, amount));
		}
	}
	return BR_OK;
}

/* ---- Oracle EBS GL_INTERFACE (CSV, UTF-8, LF) ---- */

/*
 * A header row, then one row per entry.  ACCOUNTED_* equal ENTERED_*: the
 * batch currency is taken to be the ledger's.  Lines with the same
 * REFERENCE4 (voucher label and claim) become one journal; REFERENCE1 names
 * the batch; DATE_CREATED is the batch's date.
 */
static const char *const oracle_header[] = {
	"STATUS",
	"LEDGER_ID",
	"ACCOUNTING_DATE",
	"CURRENCY_CODE",
	"DATE_CREATED",
	"CREATED_BY",
	"ACTUAL_FLAG",
	"USER_JE_CATEGORY_NAME",
	"USER_JE_SOURCE_NAME",
	"SEGMENT1",
	"ENTERED_DR",
	"ENTERED_CR",
	"ACCOUNTED_DR",
	"ACCOUNTED_CR",
	"GROUP_ID",
	"PERIOD_NAME",
	"REFERENCE1",
	"REFERENCE4",
	"REFERENCE10",
};

static int write_oracle(const struct export_batch_info *b, const struct voucher *v, int n,
			const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size)
{
	char created[11], group[24], batch[40];
	int ret;

	if ((ret = check_balanced(v, n, msg, size)) != BR_OK)
		return ret;
	snprintf(created, sizeof(created), "%.10s", b->created_at);
	snprintf(group, sizeof(group), "%lld", (long long)b->id);
	snprintf(batch, sizeof(batch), "bursar-%lld", (long long)b->id);
	csv_row(out, oracle_header, (int)ARRAY_SIZE(oracle_header), "\n");
	for (int i = 0; i < n; i++) {
		char label[40], journal[128];
		voucher_label(&v[i], label, sizeof(label));
		snprintf(journal, sizeof(journal), "%s %s", label, v[i].claim);
		for (int k = 0; k < v[i].nlines; k++) {
			const struct voucher_line *l = &v[i].lines[k];
			char dr[32], cr[32], text[VOUCHER_SUMMARY_MAX + 1];
			clean(text, sizeof(text), l->summary, 0);
			const char *row[] = {
				"NEW", /* STATUS */
				s->ledger_id, /* LEDGER_ID */
				v[i].date, /* ACCOUNTING_DATE */
				s->currency, /* CURRENCY_CODE */
				created, /* DATE_CREATED */
				s->preparer, /* CREATED_BY */
				"A", /* ACTUAL_FLAG */
				"Expense Claim", /* USER_JE_CATEGORY_NAME */
				"bursar", /* USER_JE_SOURCE_NAME */
				l->account, /* SEGMENT1 */
				side(l->debit, dr), /* ENTERED_DR */
				side(l->credit, cr), /* ENTERED_CR */
				dr, /* ACCOUNTED_DR */
				cr, /* ACCOUNTED_CR */
				group, /* GROUP_ID */
				v[i].period, /* PERIOD_NAME */
				batch, /* REFERENCE1 */
				journal, /* REFERENCE4 */
				text, /* REFERENCE10 */
			};
			csv_row(out, row, (int)ARRAY_SIZE(row), "\n");
		}
	}
	return BR_OK;
}

/* ---- plain-text accounting: beancount and hledger ---- */

/*
 * The account class of a code of the Chinese standard chart (first digit;
 * for 6, the first two): 1 assets; 2 liabilities; 3 common (clearing and
 * hedging, banks only) shown with assets; 4 equity; 5 costs and 64-69
 * expenses; 60-63 income.  NULL for a code outside the chart.
 */
static const char *account_class(const char *code, bool zh)
{
	switch (code[0]) {
	case '1':
	case '3': return zh ? "资产" : "Assets";
	case '2': return zh ? "负债" : "Liabilities";
	case '4': return zh ? "权益" : "Equity";
	case '5': return zh ? "费用" : "Expenses";
	case '6':
		if (code[1] >= '0' && code[1] <= '3')
			return zh ? "收入" : "Income";
		return zh ? "费用" : "Expenses";
	default: return NULL;
	}
}

static int unknown_class(const struct voucher *v, const struct voucher_line *l, char *msg, size_t size)
{
	snprintf(msg, size, "claim %s: account \"%s\" is not a code of the standard chart (1xxx-6xxx)", v->claim,
		 l->account);
	return BR_ERR_INVALID;
}

/*
 * Beancount account names: the class root, then the code as one component
 * ("Expenses:660201", "Liabilities:2241", "Liabilities:22210101").  A
 * component must start with a capital or a digit and hold only letters,
 * digits and '-': other characters of a code become '-'.
 */
static bool beancount_account(const char *code, char *out, size_t size)
{
	const char *root = account_class(code, false);
	size_t o;

	if (!root)
		return false;
	o = (size_t)snprintf(out, size, "%s:", root);
	for (const char *p = code; *p && o + 1 < size; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

/* A beancount string: quotes and backslashes escaped, one line. */
static void bean_string(struct export_buf *out, const char *s)
{
	char text[1024];

	clean(text, sizeof(text), s, 0);
	buf_puts(out, "\"");
	for (const char *p = text; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_puts(out, "\\");
		export_buf_add(out, p, 1);
	}
	buf_puts(out, "\"");
}

/*
 * Per voucher a transaction dated the posting date, payee the employee
 * (from the payable line), narration the voucher summary, metadata voucher
 * and claim, one posting per entry (credits negative).  Postings carry the
 * department, project and employee as metadata when set.  The file opens
 * no accounts: the ledger including it declares them (the accounts are
 * listed in a comment at the top).
 */
static int write_beancount(const struct export_batch_info *b, const struct voucher *v, int n,
			   const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size)
{
	int ret;

	if ((ret = check_balanced(v, n, msg, size)) != BR_OK)
		return ret;
	export_buf_addf(out, "; bursar voucher batch %lld, %s\n", (long long)b->id, b->created_at);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < v[i].nlines; k++) {
			char account[64];
			if (!beancount_account(v[i].lines[k].account, account, sizeof(account)))
				return unknown_class(&v[i], &v[i].lines[k], msg, size);
		}
	for (int i = 0; i < n; i++) {
		const struct voucher_line *last = &v[i].lines[v[i].nlines - 1];
		char label[40];
		voucher_label(&v[i], label, sizeof(label));
		export_buf_addf(out, "\n%s * ", v[i].date);
		bean_string(out, last->employee_name);
		buf_puts(out, " ");
		bean_string(out, v[i].summary);
		buf_puts(out, "\n  voucher: ");
		bean_string(out, label);
		buf_puts(out, "\n  claim: ");
		bean_string(out, v[i].claim);
		buf_puts(out, "\n");
		for (int k = 0; k < v[i].nlines; k++) {
			const struct voucher_line *l = &v[i].lines[k];
			char account[64], amount[32];
			beancount_account(l->account, account, sizeof(account));
			export_buf_addf(out, "  %s  %s %s\n", account, fen(l->debit ? l->debit : -l->credit, amount),
					s->currency);
			const char *meta[][2] = { { "department", l->department },
						  { "project", l->project },
						  { "employee", l->employee } };
			for (int m = 0; m < (int)ARRAY_SIZE(meta); m++)
				if (*meta[m][1]) {
					export_buf_addf(out, "    %s: ", meta[m][0]);
					bean_string(out, meta[m][1]);
					buf_puts(out, "\n");
				}
		}
	}
	return BR_OK;
}

/*
 * hledger/ledger journal: per voucher "DATE SUMMARY  ; voucher:记-0001,
 * claim:BX...", then postings "    费用:660201 管理费用—差旅费  400.00 CNY"
 * (class in Chinese as for beancount, then code and name as one component;
 * credits negative).  Text is kept to one line with no ';' (a comment) and
 * account names with no ':' (a sub-account) nor two spaces (the amount).
 */
static int write_hledger(const struct export_batch_info *b, const struct voucher *v, int n,
			 const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size)
{
	int ret;

	if ((ret = check_balanced(v, n, msg, size)) != BR_OK)
		return ret;
	export_buf_addf(out, "; bursar voucher batch %lld, %s\n", (long long)b->id, b->created_at);
	for (int i = 0; i < n; i++) {
		char label[40], summary[VOUCHER_SUMMARY_MAX * 3 + 1], tag[128];
		voucher_label(&v[i], label, sizeof(label));
		clean(summary, sizeof(summary), v[i].summary, CLEAN_SEMI | CLEAN_SPACES);
		export_buf_addf(out, "\n%s %s  ; voucher:", v[i].date, summary);
		clean(tag, sizeof(tag), label, CLEAN_COMMA | CLEAN_SPACES);
		buf_puts(out, tag);
		clean(tag, sizeof(tag), v[i].claim, CLEAN_COMMA | CLEAN_SPACES);
		export_buf_addf(out, ", claim:%s\n", tag);
		for (int k = 0; k < v[i].nlines; k++) {
			const struct voucher_line *l = &v[i].lines[k];
			const char *root = account_class(l->account, true);
			char raw[256], account[512], amount[32];
			if (!root)
				return unknown_class(&v[i], l, msg, size);
			snprintf(raw, sizeof(raw), "%s %s", l->account, l->account_name);
			clean(account, sizeof(account), raw, CLEAN_SEMI | CLEAN_COLON | CLEAN_SPACES);
			export_buf_addf(out, "    %s:%s  %s %s\n", root, account,
					fen(l->debit ? l->debit : -l->credit, amount), s->currency);
		}
	}
	return BR_OK;
}

/* ---- JSON Lines ---- */

/*
 * One compact object per voucher and line of text, keys sorted:
 * attachments, batch, claim, currency, date, lines[], period, summary,
 * voucher; each line: account, account_name, credit, debit, department,
 * employee, employee_name, project.  Amounts are strings ("436.00", "0.00")
 * so no reader turns them into binary fractions.
 */
static int write_jsonl(const struct export_batch_info *b, const struct voucher *v, int n,
		       const struct voucher_settings *s, struct export_buf *out, char *msg, size_t size)
{
	int ret;

	if ((ret = check_balanced(v, n, msg, size)) != BR_OK)
		return ret;
	for (int i = 0; i < n; i++) {
		json_t *o = json_object(), *lines = json_array();
		char label[40], *text;
		bool ok = true;
		voucher_label(&v[i], label, sizeof(label));
		ok &= !json_object_set_new(o, "batch", json_integer(b->id));
		ok &= !json_object_set_new(o, "voucher", json_string(label));
		ok &= !json_object_set_new(o, "period", json_string(v[i].period));
		ok &= !json_object_set_new(o, "date", json_string(v[i].date));
		ok &= !json_object_set_new(o, "claim", json_string(v[i].claim));
		ok &= !json_object_set_new(o, "summary", json_string(v[i].summary));
		ok &= !json_object_set_new(o, "attachments", json_integer(v[i].attachments));
		ok &= !json_object_set_new(o, "currency", json_string(s->currency));
		for (int k = 0; k < v[i].nlines; k++) {
			const struct voucher_line *l = &v[i].lines[k];
			json_t *jl = json_object();
			char dr[32], cr[32];
			ok &= !json_object_set_new(jl, "account", json_string(l->account));
			ok &= !json_object_set_new(jl, "account_name", json_string(l->account_name));
			ok &= !json_object_set_new(jl, "department", json_string(l->department));
			ok &= !json_object_set_new(jl, "project", json_string(l->project));
			ok &= !json_object_set_new(jl, "employee", json_string(l->employee));
			ok &= !json_object_set_new(jl, "employee_name", json_string(l->employee_name));
			ok &= !json_object_set_new(jl, "debit", json_string(fen(l->debit, dr)));
			ok &= !json_object_set_new(jl, "credit", json_string(fen(l->credit, cr)));
			ok &= !json_array_append_new(lines, jl);
		}
		ok &= !json_object_set_new(o, "lines", lines);
		/* json_string() refuses text that is not UTF-8, and set_new() then fails */
		text = ok ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(o);
		if (!text) {
			snprintf(msg, size, "voucher %s (claim %s): a text is not valid UTF-8", label, v[i].claim);
			return BR_ERR_INVALID;
		}
		buf_puts(out, text);
		buf_puts(out, "\n");
		free(text);
	}
	return BR_OK;
}

/* ---- the table ---- */

const struct export_format export_formats[] = {
	{ "kingdee", "xlsx", N_("Kingdee K/3 Cloud voucher import (GL_VOUCHER, Excel)"), write_kingdee },
	{ "kingdee25", "xlsx", N_("Kingdee 25-column voucher template (Excel)"), write_kingdee25 },
	{ "yonyou", "txt", N_("Yonyou U8 voucher import (text, GBK)"), write_yonyou },
	{ "sap", "txt", N_("SAP BAPI_ACC_DOCUMENT_POST flat file (tab-separated)"), write_sap },
	{ "oracle", "csv", N_("Oracle EBS GL_INTERFACE rows (CSV)"), write_oracle },
	{ "beancount", "beancount", N_("Beancount transactions"), write_beancount },
	{ "hledger", "journal", N_("hledger/ledger journal"), write_hledger },
	{ "jsonl", "jsonl", N_("JSON Lines, one voucher per line"), write_jsonl },
};
const int export_format_count = (int)ARRAY_SIZE(export_formats);

const struct export_format *export_format_find(const char *name)
{
	for (int i = 0; i < export_format_count; i++)
		if (!strcmp(export_formats[i].name, name))
			return &export_formats[i];
	return NULL;
}
