/*
 * util.c - allocation wrappers and string helpers shared by every layer.
 */
#include "bursar/util.h"
#include "bursar/err.h"
#include "bursar/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void die_nomem(void)
{
	fputs("bursar: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_nomem();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_nomem();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_nomem();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		die_nomem();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p = NULL;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		die_nomem();
	va_end(ap);
	return p;
}

size_t str_copy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

char *str_printf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return buf;
}

int str_to_int(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return BR_ERR_INVALID;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return BR_ERR_INVALID;
	*out = v;
	return BR_OK;
}

char *str_trim(char *s)
{
	char *start = s, *end;

	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	memmove(s, start, (size_t)(end - start));
	s[end - start] = '\0';
	return s;
}

void str_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

size_t str_longest_line(const char *text, int *lineno)
{
	size_t longest = 0;
	int line = 1;

	*lineno = 0;
	while (*text) {
		size_t len = strcspn(text, "\n");
		if (len > longest) {
			longest = len;
			*lineno = line;
		}
		text += len;
		if (*text)
			text++;
		line++;
	}
	return longest;
}

int file_read_all(const char *path, size_t max, char **out)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	int ret = BR_ERR_IO;

	*out = NULL;
	if (!f)
		return BR_ERR_IO;
	buf = xmalloc(max + 2);
	len = fread(buf, 1, max + 1, f);
	if (ferror(f))
		goto out;
	if (len > max) {
		ret = BR_ERR_INVALID;
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	ret = BR_OK;
out:
	free(buf);
	fclose(f);
	return ret;
}

bool date_valid(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, n = 0;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return false;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

bool date_days(const char *s, long *days)
{
	int y, m, d;

	if (!date_valid(s) || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return false;
	/* days from civil (H. Hinnant): proleptic Gregorian, day 0 = 1970-01-01 */
	y -= m <= 2;
	{
		long era = y / 400, yoe = y - era * 400;
		long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		*days = era * 146097 + doe - 719468;
		return true;
	}
}

void date_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

const char *br_strerror(int err)
{
	switch (err) {
	case BR_OK: return _("ok");
	case BR_ERR_NOMEM: return _("out of memory");
	case BR_ERR_INVALID: return _("invalid input");
	case BR_ERR_DENIED: return _("denied");
	case BR_ERR_UNAVAILABLE: return _("service unavailable");
	case BR_ERR_NOT_FOUND: return _("not found");
	case BR_ERR_IO: return _("i/o error");
	case BR_ERR_STORE: return _("database error");
	case BR_ERR_CORRUPT: return _("integrity check failed");
	case BR_ERR_CONFLICT: return _("already exists");
	case BR_ERR_LIMIT: return _("over a limit");
	}
	return _("unknown error");
}

void str_duration(int64_t s, char *out, size_t size)
{
	if (s < 3600)
		snprintf(out, size, "%lldm", (long long)(s / 60));
	else if (s < 86400 * 2)
		snprintf(out, size, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(out, size, "%lldd%02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *chunk = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&chunk, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort(); /* out of memory, as xmalloc */
	b->s = xrealloc(b->s, b->len + (size_t)n + 1);
	memcpy(b->s + b->len, chunk, (size_t)n + 1);
	b->len += (size_t)n;
	free(chunk);
}

char *stream_read_all(FILE *in, size_t max, size_t *len)
{
	size_t cap = 65536, n = 0, got;
	char *buf = xmalloc(cap);

	while ((got = fread(buf + n, 1, cap - n, in)) > 0) {
		n += got;
		if (n > max)
			break;
		if (n == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	*len = n;
	return buf;
}

long str_chars(const char *s)
{
	long n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

bool str_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return n == 0;
}
