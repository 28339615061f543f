/*
 * text.h - UTF-8 text measured in terminal columns, so that CJK characters
 * (two columns each) line up in tables.  Requires a UTF-8 LC_CTYPE.
 */
#ifndef BURSAR_TEXT_H
#define BURSAR_TEXT_H

#include <stddef.h>

/* Length in bytes of the character at s (1 for an invalid byte) and its width. */
size_t text_char(const char *s, size_t len, int *width);
/* Display width of s in columns; invalid bytes and controls count as 1. */
int text_width(const char *s);
/*
 * Copies s into out (size bytes) cut to at most cols columns; if pad, fills
 * with spaces up to exactly cols.  A cut string ends with "…" when ellipsis
 * is set.  Returns the number of columns written.
 */
int text_fit(char *out, size_t size, const char *s, int cols, int pad, int ellipsis);
/*
 * Copies src into dst keeping printable UTF-8 and writing every other byte
 * (controls, C1 controls, invalid sequences) as \xNN; always terminates.
 */
void text_escape(char *dst, size_t size, const char *src);
/* Replaces control characters and invalid UTF-8 with '?', in place. */
void text_sanitize(char *s);

#endif
