/*
 * money.h - amounts of money as an integer number of fen (0.01 CNY).
 *
 * The only place amounts are parsed from or formatted to text.  No floating
 * point anywhere: "436.00" is 43600.
 */
#ifndef BURSAR_MONEY_H
#define BURSAR_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* Largest amount accepted: 1e13 yuan (far above any real claim, far below overflow). */
#define MONEY_MAX_FEN 1000000000000000LL

enum money_format_flags {
	MONEY_GROUP = 1,  /* thousands separators: 1,234.50 */
	MONEY_SYMBOL = 2, /* leading ¥ */
};

/*
 * Parses "1234.5", "1,234.50", "¥100", "￥100", "-12.30", "+5" (surrounding
 * blanks ignored).  Refuses more than two decimals, misplaced separators,
 * anything else, and magnitudes above MONEY_MAX_FEN.  On error returns
 * BR_ERR_INVALID and, if why is not NULL, a short English reason (static).
 */
int money_parse(const char *text, int64_t *fen, const char **why);
/* Formats fen as "1234.50" (see flags); returns buf. */
char *money_format(int64_t fen, char *buf, size_t size, unsigned flags);

#endif
