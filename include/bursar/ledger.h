/*
 * ledger.h - electronic ledgers (台账).  So far: the filter expressions of
 * the ledger browser and `ledger rows --filter`, e.g.
 *
 *     部门=财务部 日期>=2024-01-01 状态=在用 名称~"打印 纸"
 *
 * Conditions are separated by blanks and must all hold.  A condition is a
 * field name, an operator (= != < <= > >= ~, where ~ means "contains";
 * the full-width ＝ and ： mean =) and a value, quoted with "" when it holds
 * blanks (\" and \\ inside quotes).  Pure domain code.
 */
#ifndef BURSAR_LEDGER_H
#define BURSAR_LEDGER_H

#include <stdbool.h>
#include <stddef.h>

enum ledger_op { LEDGER_EQ, LEDGER_NE, LEDGER_LT, LEDGER_LE, LEDGER_GT, LEDGER_GE, LEDGER_HAS, LEDGER_OP_COUNT };

#define LEDGER_FILTER_MAX 16
#define LEDGER_FIELD_MAX 64
#define LEDGER_VALUE_MAX 256

struct ledger_cond {
	char field[LEDGER_FIELD_MAX];
	enum ledger_op op;
	char value[LEDGER_VALUE_MAX];
};

struct ledger_filter {
	struct ledger_cond conds[LEDGER_FILTER_MAX];
	int n;
};

/* "=", "!=", "<", "<=", ">", ">=", "~". */
const char *ledger_op_name(enum ledger_op op);

/*
 * Parses text into f (an empty text is an empty filter).  BR_ERR_INVALID
 * with a message saying what is wrong and where (in characters from 1).
 */
int ledger_filter_parse(const char *text, struct ledger_filter *f, char *msg, size_t size);
/* f as text that parses back to the same filter (values quoted when needed). */
void ledger_filter_format(const struct ledger_filter *f, char *out, size_t size);

/*
 * Whether a record's value satisfies c: amounts and whole numbers compare
 * as numbers when both sides are numbers, everything else (ISO dates
 * included) as text; ~ finds the value anywhere, letters in either case.
 */
bool ledger_cond_matches(const struct ledger_cond *c, const char *value);

#endif
