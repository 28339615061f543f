/*
 * money.c - parsing and formatting of fen amounts.
 */
#include "bursar/money.h"
#include "bursar/err.h"
#include "bursar/i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return BR_ERR_INVALID;
}

int money_parse(const char *text, int64_t *fen, const char **why)
{
	const char *p = text, *end;
	int64_t whole = 0;
	int sign = 1, digits = 0, group = -1, decimals = 0;
	int64_t frac = 0;

	if (!text)
		return fail(why, N_("empty amount"));
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (p < end && (*p == '-' || *p == '+'))
		sign = *p++ == '-' ? -1 : 1;
	/* ¥ (U+00A5) and the full-width ￥ (U+FFE5) */
	if (end - p >= 2 && !memcmp(p, "\xc2\xa5", 2))
		p += 2;
	else if (end - p >= 3 && !memcmp(p, "\xef\xbf\xa5", 3))
		p += 3;
	if (p == end)
		return fail(why, N_("empty amount"));
	for (; p < end && *p != '.'; p++) {
		if (*p == ',') {
			/* A separator needs 1-3 digits before the first, exactly 3 between. */
			if (digits == 0 || (group < 0 && digits > 3) || (group >= 0 && group != 3))
				return fail(why, N_("misplaced thousands separator"));
			group = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return fail(why, N_("not a number"));
		if (whole > MONEY_MAX_FEN / 100)
			return fail(why, N_("amount too large"));
		whole = whole * 10 + (*p - '0');
		digits++;
		if (group >= 0)
			group++;
	}
	if (group >= 0 && group != 3)
		return fail(why, N_("misplaced thousands separator"));
	if (p < end) {
		for (p++; p < end; p++) {
			if (*p < '0' || *p > '9')
				return fail(why, N_("not a number"));
			if (++decimals > 2)
				return fail(why, N_("more than two decimals"));
			frac = frac * 10 + (*p - '0');
		}
		if (decimals == 0 && digits == 0)
			return fail(why, N_("not a number"));
	}
	if (digits == 0 && decimals == 0)
		return fail(why, N_("not a number"));
	if (decimals == 1)
		frac *= 10;
	if (whole > MONEY_MAX_FEN / 100 || whole * 100 + frac > MONEY_MAX_FEN)
		return fail(why, N_("amount too large"));
	*fen = sign * (whole * 100 + frac);
	return BR_OK;
}

char *money_format(int64_t fen, char *buf, size_t size, unsigned flags)
{
	char digits[32], grouped[48];
	uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	size_t n, o = 0;

	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(mag / 100));
	n = strlen(digits);
	for (size_t i = 0; i < n; i++) {
		if ((flags & MONEY_GROUP) && i > 0 && (n - i) % 3 == 0)
			grouped[o++] = ',';
		grouped[o++] = digits[i];
	}
	grouped[o] = '\0';
	snprintf(buf, size, "%s%s%s.%02u", fen < 0 ? "-" : "", (flags & MONEY_SYMBOL) ? "\xc2\xa5" : "", grouped,
		 (unsigned)(mag % 100));
	return buf;
}
