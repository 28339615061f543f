/*
 * fuzz_csv.c - the invoice CSV importer's parsing: csv_table_parse() on
 * arbitrary bytes (UTF-8, GBK or neither), then every row through the
 * column mapping, invoice_input_set/finish and invoice_validate().
 *
 * Invariants (include/bursar/csv.h, include/bursar/invoice.h):
 *   - parsing either fails with a message or gives rows whose line numbers
 *     start at 1 or later and never go backwards;
 *   - every field is a NUL-terminated string (ASan catches overruns);
 *   - a row that finishes cleanly has a number, a date and amount + tax =
 *     total unless validation reports it;
 *   - csv_table_free() frees everything (LeakSanitizer).
 */
#include "bursar/csv.h"
#include "bursar/err.h"
#include "bursar/invoice.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_table t;
	char msg[256];
	int last_line = 1;

	msg[0] = '\0';
	if (csv_table_parse((const char *)data, size, &t, msg, sizeof(msg))) {
		FUZZ_CHECK(msg[0] != '\0' && fuzz_terminated(msg, sizeof(msg)));
		FUZZ_CHECK(t.nrows == 0 && t.rows == NULL);
		return 0;
	}
	for (int r = 0; r < t.nrows; r++) {
		FUZZ_CHECK(t.rows[r].line >= last_line);
		last_line = t.rows[r].line;
		for (int f = 0; f < t.rows[r].nfields; f++)
			(void)strlen(t.rows[r].fields[f]);
	}
	for (int r = 1; r < t.nrows; r++) {
		struct invoice_input in;
		struct finding fd[INVOICE_MAX_FINDINGS];
		const char *why = NULL, *field = NULL;
		bool bad = false;

		invoice_input_init(&in);
		for (int c = 0; c < t.rows[r].nfields && c < t.rows[0].nfields; c++) {
			const char *key = invoice_column_key(t.rows[0].fields[c]);
			int rc;
			if (!key)
				continue;
			rc = invoice_input_set(&in, key, t.rows[r].fields[c], &why);
			FUZZ_CHECK(rc == BR_OK || (rc == BR_ERR_INVALID && why != NULL));
			bad |= rc != BR_OK;
		}
		if (bad || invoice_input_finish(&in, &field, &why))
			continue;
		FUZZ_CHECK(in.inv.number[0] && in.inv.date[0]);
		int n = invoice_validate(&in.inv, "2026-11-25", "", "", fd, INVOICE_MAX_FINDINGS);
		if (!findings_have_error(fd, n))
			FUZZ_CHECK(in.inv.amount + in.inv.tax == in.inv.total && in.inv.total > 0);
	}
	csv_table_free(&t);
	return 0;
}
