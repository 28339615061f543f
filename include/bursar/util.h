/*
 * util.h - allocation that aborts on exhaustion and small string helpers.
 */
#ifndef BURSAR_UTIL_H
#define BURSAR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Returns a newly allocated formatted string; never NULL. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growing string; start with { NULL, 0 }, free(b.s) when done. */
struct strbuf {
	char *s;
	size_t len;
};
/* Appends formatted text (aborts on exhaustion, like xmalloc). */
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t size);
/* Formats into a fixed buffer (truncating); returns the buffer. */
char *str_printf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Strict decimal integer parse within [min,max]; 0 on success. */
int str_to_int(const char *s, long min, long max, long *out);
/* Trims ASCII whitespace in place; returns s. */
char *str_trim(char *s);
/* The number of UTF-8 characters in s. */
long str_chars(const char *s);
/* Whether needle occurs in hay, ASCII letters in either case (CJK as is); "" always does. */
bool str_contains(const char *hay, const char *needle);
/* A duration in seconds as "42m", "5h07m" or "3d04h". */
void str_duration(int64_t s, char *out, size_t size);
/* Hex-encodes n bytes into out (2n+1 bytes). */
void str_hex(const unsigned char *in, size_t n, char *out);

/* Length of the longest line in text; *lineno (1-based) names it. */
size_t str_longest_line(const char *text, int *lineno);
/*
 * Reads a stream to its end, or until it holds more than max bytes (then
 * *len > max tells the caller it was too large).  Never NULL.
 */
char *stream_read_all(FILE *in, size_t max, size_t *len);
/* Reads a whole file of at most max bytes into a new NUL-terminated buffer. */
int file_read_all(const char *path, size_t max, char **out);

/* Whether s is a real calendar date written YYYY-MM-DD (years 1900-2999). */
bool date_valid(const char *s);
/* Days since 1970-01-01 of a YYYY-MM-DD date; false if it is not a real date. */
bool date_days(const char *s, long *days);
/* Today's date in the server's time zone as YYYY-MM-DD. */
void date_today(char out[11]);

/* libinih reads at most this many bytes per line (INI_MAX_LINE - 1). */
#define INI_LINE_LIMIT 199

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
