/*
 * fuzz_money.c - money_parse() on amounts typed by people or read from CSV
 * and JSON, and the offline invoice checks on the same bytes.
 *
 * Invariants (include/bursar/money.h, include/bursar/invoice.h):
 *   - money_parse() returns BR_OK or BR_ERR_INVALID; on error it gives a
 *     reason and leaves the output untouched;
 *   - a parsed amount is within +-MONEY_MAX_FEN, and formatting it (with
 *     any flags) and parsing again gives the same amount;
 *   - credit_code_check() and invoice_check_number() return one of their
 *     documented values, with a reason on failure.
 */
#include "bursar/err.h"
#include "bursar/invoice.h"
#include "bursar/money.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	const char *why = NULL;
	int64_t fen = 7, again = 0;
	char buf[64];
	int rc = money_parse(text, &fen, &why);

	FUZZ_CHECK(rc == BR_OK || rc == BR_ERR_INVALID);
	if (rc) {
		FUZZ_CHECK(why != NULL && fen == 7);
	} else {
		FUZZ_CHECK(fen <= MONEY_MAX_FEN && fen >= -MONEY_MAX_FEN);
		for (unsigned flags = 0; flags < 4; flags++) {
			money_format(fen, buf, sizeof(buf), flags);
			FUZZ_CHECK(money_parse(buf, &again, NULL) == BR_OK && again == fen);
		}
	}

	rc = credit_code_check(text);
	FUZZ_CHECK(rc == CREDIT_CODE_OK || rc == CREDIT_CODE_BAD_FORMAT || rc == CREDIT_CODE_BAD_CHECK);
	for (int k = 0; k <= INVOICE_KIND_COUNT; k++) {
		/* the first half as the code, the rest as the number */
		size_t half = strlen(text) / 2;
		char code[64];
		snprintf(code, sizeof(code), "%.*s", (int)(half < 63 ? half : 63), text);
		why = NULL;
		rc = invoice_check_number(k, code, text + half, &why);
		FUZZ_CHECK(rc == BR_OK || (rc == BR_ERR_INVALID && why != NULL));
	}
	free(text);
	return 0;
}
