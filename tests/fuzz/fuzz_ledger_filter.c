/*
 * fuzz_ledger_filter.c - ledger filter expressions typed in the browser or
 * given to `ledger rows --filter`.
 *
 * Invariants (include/bursar/ledger.h):
 *   - the parser returns BR_OK or BR_ERR_INVALID, with a message on error;
 *   - a parsed filter has at most LEDGER_FILTER_MAX conditions, each with a
 *     non-empty field and terminated strings;
 *   - writing it back and parsing that gives the same filter;
 *   - matching never reads past a value (every condition against the input).
 */
#include "bursar/err.h"
#include "bursar/ledger.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	static struct ledger_filter f, g;
	static char out[LEDGER_FILTER_MAX * (LEDGER_FIELD_MAX + 2 * LEDGER_VALUE_MAX + 8)];
	char msg[256] = "";
	int rc = ledger_filter_parse(text, &f, msg, sizeof(msg));

	FUZZ_CHECK(rc == BR_OK || rc == BR_ERR_INVALID);
	if (rc) {
		FUZZ_CHECK(msg[0] != '\0');
	} else {
		FUZZ_CHECK(f.n >= 0 && f.n <= LEDGER_FILTER_MAX);
		for (int i = 0; i < f.n; i++) {
			FUZZ_CHECK(f.conds[i].field[0] != '\0');
			FUZZ_CHECK(fuzz_terminated(f.conds[i].field, sizeof(f.conds[i].field)));
			FUZZ_CHECK(fuzz_terminated(f.conds[i].value, sizeof(f.conds[i].value)));
			FUZZ_CHECK((unsigned)f.conds[i].op < LEDGER_OP_COUNT);
			(void)ledger_cond_matches(&f.conds[i], text);
		}
		ledger_filter_format(&f, out, sizeof(out));
		FUZZ_CHECK(ledger_filter_parse(out, &g, msg, sizeof(msg)) == BR_OK);
		FUZZ_CHECK(g.n == f.n);
		for (int i = 0; i < f.n; i++) {
			FUZZ_CHECK(!strcmp(g.conds[i].field, f.conds[i].field));
			FUZZ_CHECK(g.conds[i].op == f.conds[i].op);
			FUZZ_CHECK(!strcmp(g.conds[i].value, f.conds[i].value));
		}
	}
	free(text);
	return 0;
}
