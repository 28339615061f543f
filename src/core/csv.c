/*
 * csv.c - libcsv wrapper: whole-buffer parsing into rows with line numbers,
 * with GBK input converted to UTF-8 (iconv).
 */
#include "bursar/csv.h"
#include "bursar/err.h"
#include "bursar/util.h"

#include <csv.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct build {
	struct csv_table *t;
	struct csv_row cur;
	int line;       /* line the parser has reached */
	int row_line;   /* line where the current row began */
	bool in_row;
};

static void on_field(void *data, size_t len, void *arg)
{
	struct build *b = arg;
	char *f = xmalloc(len + 1);

	if (!b->in_row) {
		b->in_row = true;
		b->cur.line = b->row_line;
	}
	memcpy(f, data ? data : "", data ? len : 0);
	f[data ? len : 0] = '\0';
	b->cur.fields = xrealloc(b->cur.fields, sizeof(char *) * (size_t)(b->cur.nfields + 1));
	b->cur.fields[b->cur.nfields++] = f;
}

static void on_row(int c, void *arg)
{
	struct build *b = arg;

	(void)c;
	if (!b->in_row)
		b->cur.line = b->row_line;
	b->t->rows = xrealloc(b->t->rows, sizeof(*b->t->rows) * (size_t)(b->t->nrows + 1));
	b->t->rows[b->t->nrows++] = b->cur;
	memset(&b->cur, 0, sizeof(b->cur));
	b->in_row = false;
}

static bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!n || i + n > len)
			return false;
		for (size_t k = 1; k < n; k++)
			if (((unsigned char)s[i + k] & 0xc0) != 0x80)
				return false;
		i += n;
	}
	return true;
}

/* GBK (GB18030 covers it) to UTF-8; NULL if the bytes are not that either. */
static char *from_gbk(const char *data, size_t len, size_t *out_len)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	size_t cap = len * 2 + 16, left_in = len, left_out = cap;
	char *out = xmalloc(cap), *in = (char *)data, *o = out;

	if (cd == (iconv_t)-1) {
		free(out);
		return NULL;
	}
	if (iconv(cd, &in, &left_in, &o, &left_out) == (size_t)-1) {
		iconv_close(cd);
		free(out);
		return NULL;
	}
	iconv_close(cd);
	*out_len = cap - left_out;
	return out;
}

int csv_table_parse(const char *data, size_t len, struct csv_table *t, char *msg, size_t msg_size)
{
	struct csv_parser p;
	struct build b = { t, { 0 }, 1, 1, false };
	char *converted = NULL;
	int ret = BR_ERR_INVALID;

	memset(t, 0, sizeof(*t));
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) {
		data += 3;
		len -= 3;
	}
	if (!utf8_valid(data, len)) {
		size_t n = 0;
		if (!(converted = from_gbk(data, len, &n))) {
			snprintf(msg, msg_size, "the file is neither UTF-8 nor GBK text");
			return BR_ERR_INVALID;
		}
		data = converted;
		len = n;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(converted);
		return BR_ERR_NOMEM;
	}
	/* Feed line by line so each row knows where it began. */
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) + 1 : len - i;
		if (!b.in_row && p.pstate == 0)
			b.row_line = b.line;
		if (csv_parse(&p, data + i, n, on_field, on_row, &b) != n) {
			snprintf(msg, msg_size, "line %d: %s", b.line, csv_strerror(csv_error(&p)));
			goto out;
		}
		i += n;
		if (nl)
			b.line++;
	}
	if (csv_fini(&p, on_field, on_row, &b) != 0) {
		snprintf(msg, msg_size, "line %d: %s (an unclosed quote?)", b.row_line, csv_strerror(csv_error(&p)));
		goto out;
	}
	ret = BR_OK;
out:
	csv_free(&p);
	for (int i = 0; i < b.cur.nfields; i++)
		free(b.cur.fields[i]);
	free(b.cur.fields);
	free(converted);
	if (ret)
		csv_table_free(t);
	return ret;
}

void csv_table_free(struct csv_table *t)
{
	for (int r = 0; r < t->nrows; r++) {
		for (int f = 0; f < t->rows[r].nfields; f++)
			free(t->rows[r].fields[f]);
		free(t->rows[r].fields);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
