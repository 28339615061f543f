/*
 * text.c - column-width arithmetic for UTF-8 strings (wcwidth based).
 */
#define _XOPEN_SOURCE 700
#include "bursar/text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Decodes one character; returns its byte length (1 for invalid) and width. */
static size_t text_next(const char *s, size_t len, int *width, int *valid)
{
	mbstate_t st;
	wchar_t wc;
	size_t n;
	int w;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(&wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*width = 1;
		*valid = 0;
		return 1;
	}
	w = wcwidth(wc);
	*valid = w >= 0;
	*width = w < 0 ? 1 : w;
	return n;
}

size_t text_char(const char *s, size_t len, int *width)
{
	int ok;

	return text_next(s, len, width, &ok);
}

int text_width(const char *s)
{
	size_t len = strlen(s);
	int total = 0;

	while (len) {
		int w, ok;
		size_t n = text_next(s, len, &w, &ok);
		total += w;
		s += n;
		len -= n;
	}
	return total;
}

int text_fit(char *out, size_t size, const char *s, int cols, int pad, int ellipsis)
{
	static const char dots[] = "\xe2\x80\xa6"; /* U+2026, one column */
	size_t len = strlen(s), o = 0;
	int used = 0;
	int limit = cols;

	if (!size)
		return 0;
	if (cols <= 0) {
		out[0] = '\0';
		return 0;
	}
	if (ellipsis && text_width(s) > cols)
		limit = cols - 1;
	while (len) {
		int w, ok;
		size_t n = text_next(s, len, &w, &ok);
		if (used + w > limit || o + n + 4 >= size)
			break;
		if (ok) {
			memcpy(out + o, s, n);
		} else {
			out[o] = '?';
			n = 1;
		}
		o += ok ? n : 1;
		used += w;
		s += n;
		len -= n;
	}
	if (len && ellipsis && limit < cols && o + sizeof(dots) < size) {
		memcpy(out + o, dots, sizeof(dots) - 1);
		o += sizeof(dots) - 1;
		used++;
	}
	while (pad && used < cols && o + 1 < size) {
		out[o++] = ' ';
		used++;
	}
	out[o] = '\0';
	return used;
}

void text_sanitize(char *s)
{
	size_t len = strlen(s);

	while (len) {
		int w, ok;
		size_t n = text_next(s, len, &w, &ok);
		if (!ok || (n == 1 && ((unsigned char)*s < 0x20 || *s == 0x7f)))
			*s = '?', n = 1;
		s += n;
		len -= n;
	}
}

void text_escape(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src), o = 0;

	if (!size)
		return;
	while (len) {
		int w, ok;
		size_t n = text_next(src, len, &w, &ok);
		bool printable = ok && !(n == 1 && ((unsigned char)*src < 0x20 || *src == 0x7f));
		if (printable && o + n < size) {
			memcpy(dst + o, src, n);
			o += n;
		} else if (!printable && o + 4 < size) {
			snprintf(dst + o, size - o, "\\x%02x", (unsigned char)*src);
			o += 4;
			n = 1;
		} else {
			break;
		}
		src += n;
		len -= n;
	}
	dst[o] = '\0';
}
