/*
 * csv.h - CSV files from outside (RFC 4180, via libcsv) as rows of
 * NUL-terminated UTF-8 fields, each row knowing its line in the file.
 * A GBK file (as Chinese spreadsheet and tax-platform exports often are)
 * is converted to UTF-8 first; a UTF-8 byte-order mark is dropped.
 */
#ifndef BURSAR_CSV_H
#define BURSAR_CSV_H

#include <stddef.h>

struct csv_row {
	char **fields;
	int nfields;
	int line; /* 1-based line where the row starts */
};

struct csv_table {
	struct csv_row *rows;
	int nrows;
};

/* Parses data; BR_ERR_INVALID with a message naming the line on bad input. */
int csv_table_parse(const char *data, size_t len, struct csv_table *t, char *msg, size_t msg_size);
void csv_table_free(struct csv_table *t);

#endif
