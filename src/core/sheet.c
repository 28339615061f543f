/*
 * sheet.c - tables written for spreadsheets: CSV, or xlsx through
 * libxlsxwriter (which can only write to a named file, so the workbook is
 * made in a private temporary file and copied out when it is closed).
 */
#include "bursar/sheet.h"
#include "bursar/err.h"
#include "bursar/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct sheet {
	FILE *to;
	bool xlsx;
	char *path;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_row_t row;
};

void sheet_csv_field(FILE *to, const char *v)
{
	if (*v && (v[0] == '=' || v[0] == '+' || v[0] == '@' || (v[0] == '-' && !(v[1] >= '0' && v[1] <= '9'))))
		fputc('\'', to);
	if (!strpbrk(v, ",\"\r\n")) {
		fputs(v, to);
		return;
	}
	fputc('"', to);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', to);
		fputc(*v, to);
	}
	fputc('"', to);
}

int sheet_open(struct sheet **out, const char *format, const char *name, FILE *to, char *msg, size_t size)
{
	struct sheet *s;
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	const char *tmp = getenv("TMPDIR");
	int fd;

	*out = NULL;
	if (strcmp(format, "csv") && strcmp(format, "xlsx")) {
		snprintf(msg, size, "format `%s`: csv or xlsx", format);
		return BR_ERR_INVALID;
	}
	s = xcalloc(1, sizeof(*s));
	s->to = to;
	if (!(s->xlsx = !strcmp(format, "xlsx"))) {
		fputs("\xef\xbb\xbf", to); /* the byte-order mark: Excel opens UTF-8 CSV right only with it */
		*out = s;
		return BR_OK;
	}
	s->path = xasprintf("%s/bursar-sheet-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(s->path)) < 0) {
		snprintf(msg, size, "cannot make a temporary file: %s", strerror(errno));
		goto fail;
	}
	close(fd);
	opt.tmpdir = tmp && *tmp ? (char *)tmp : "/tmp";
	if (!(s->wb = workbook_new_opt(s->path, &opt)) || !(s->ws = workbook_add_worksheet(s->wb, name))) {
		snprintf(msg, size, "cannot start the xlsx file");
		goto fail;
	}
	*out = s;
	return BR_OK;
fail:
	if (s->wb)
		workbook_close(s->wb);
	if (s->path)
		unlink(s->path);
	free(s->path);
	free(s);
	return BR_ERR_IO;
}

int sheet_row(struct sheet *s, const char *const *cells, const bool *numbers, int n)
{
	if (!s->xlsx) {
		for (int i = 0; i < n; i++) {
			if (i)
				fputc(',', s->to);
			sheet_csv_field(s->to, cells[i]);
		}
		fputs("\r\n", s->to);
		return ferror(s->to) ? BR_ERR_IO : BR_OK;
	}
	for (int i = 0; i < n; i++) {
		if (!*cells[i])
			continue;
		if (numbers && numbers[i])
			worksheet_write_number(s->ws, s->row, (lxw_col_t)i, strtoll(cells[i], NULL, 10), NULL);
		else
			worksheet_write_string(s->ws, s->row, (lxw_col_t)i, cells[i], NULL);
	}
	s->row++;
	return BR_OK;
}

int sheet_close(struct sheet *s, char *msg, size_t size)
{
	char buf[65536];
	FILE *f = NULL;
	size_t n;
	int ret = BR_OK;

	if (!s)
		return BR_OK;
	if (!s->xlsx) {
		ret = fflush(s->to) || ferror(s->to) ? BR_ERR_IO : BR_OK;
		goto out;
	}
	if (workbook_close(s->wb) != LXW_NO_ERROR || !(f = fopen(s->path, "rb"))) {
		snprintf(msg, size, "cannot write the xlsx file");
		ret = BR_ERR_IO;
		goto out;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, s->to) != n) {
			ret = BR_ERR_IO;
			break;
		}
	if (fflush(s->to))
		ret = BR_ERR_IO;
out:
	if (f)
		fclose(f);
	if (s->path)
		unlink(s->path);
	free(s->path);
	free(s);
	return ret;
}
