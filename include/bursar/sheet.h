/*
 * sheet.h - writing a table out for a spreadsheet, row by row: CSV (RFC
 * 4180, UTF-8) or an xlsx workbook of one sheet (libxlsxwriter, in its
 * constant-memory mode, so a million rows do not sit in memory).  Every
 * cell is text except where the caller marks a whole number.
 */
#ifndef BURSAR_SHEET_H
#define BURSAR_SHEET_H

#include <stdbool.h>
#include <stdio.h>

struct sheet;

/* format "csv" or "xlsx"; name is the xlsx sheet's name.  BR_ERR_INVALID for another format. */
int sheet_open(struct sheet **out, const char *format, const char *name, FILE *to, char *msg, size_t size);
/* One row of n cells; numbers[i] true writes cell i as a number (whole numbers only). */
int sheet_row(struct sheet *s, const char *const *cells, const bool *numbers, int n);
/* Finishes the file (xlsx: the workbook is written to `to` now) and frees s. */
int sheet_close(struct sheet *s, char *msg, size_t size);
/*
 * A CSV field as written: quoted when it holds a comma, a quote or a line
 * break; text a spreadsheet would run as a formula (= + @, or - before
 * something that is not a number) gets a leading apostrophe.
 */
void sheet_csv_field(FILE *to, const char *v);

#endif
