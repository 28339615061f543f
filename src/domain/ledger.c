/*
 * ledger.c - ledger filter expressions: parsing, writing back, matching.
 */
#include "bursar/ledger.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const op_names[LEDGER_OP_COUNT] = {
	[LEDGER_EQ] = "=", [LEDGER_NE] = "!=", [LEDGER_LT] = "<", [LEDGER_LE] = "<=",
	[LEDGER_GT] = ">", [LEDGER_GE] = ">=", [LEDGER_HAS] = "~",
};

const char *ledger_op_name(enum ledger_op op)
{
	return (unsigned)op < LEDGER_OP_COUNT ? op_names[op] : "?";
}

static bool blank(const char *p)
{
	return *p == ' ' || *p == '\t' || !strncmp(p, "\xe3\x80\x80", 3); /* and the ideographic space */
}

static size_t blank_len(const char *p)
{
	return *p == ' ' || *p == '\t' ? 1 : 3;
}

/* The operator at p and its length in bytes, or 0. */
static size_t op_at(const char *p, enum ledger_op *op)
{
	static const struct {
		const char *text;
		enum ledger_op op;
	} ops[] = {
		{ ">=", LEDGER_GE }, { "<=", LEDGER_LE }, { "!=", LEDGER_NE }, { "=", LEDGER_EQ },
		{ "<", LEDGER_LT },  { ">", LEDGER_GT },  { "~", LEDGER_HAS },
		{ "\xef\xbc\x9d", LEDGER_EQ }, /* ＝ */
		{ "\xef\xbc\x9a", LEDGER_EQ }, /* ： */
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strncmp(p, ops[i].text, strlen(ops[i].text))) {
			*op = ops[i].op;
			return strlen(ops[i].text);
		}
	return 0;
}

/* The position of p in text, in characters from 1, for messages. */
static int column(const char *text, const char *p)
{
	int n = 1;

	for (const char *q = text; q < p; q++)
		n += ((unsigned char)*q & 0xc0) != 0x80;
	return n;
}

int ledger_filter_parse(const char *text, struct ledger_filter *f, char *msg, size_t size)
{
	const char *p = text;

	memset(f, 0, sizeof(*f));
	for (;;) {
		struct ledger_cond *c;
		const char *start;
		size_t len, n, k = 0;
		enum ledger_op op = LEDGER_EQ;
		while (*p && blank(p))
			p += blank_len(p);
		if (!*p)
			return BR_OK;
		if (f->n == LEDGER_FILTER_MAX) {
			snprintf(msg, size, _("at most %d conditions"), LEDGER_FILTER_MAX);
			return BR_ERR_INVALID;
		}
		c = &f->conds[f->n];
		/* the field: up to the operator */
		start = p;
		/* '!' only ever starts != : a field never ends with it, so writing back cannot change the operator */
		while (*p && !blank(p) && !op_at(p, &op) && *p != '"' && *p != '!')
			p++;
		len = (size_t)(p - start);
		if (len == 0 || len >= sizeof(c->field)) {
			snprintf(msg, size, _("at %d: a condition starts with a field name, e.g. 部门=财务部"),
				 column(text, start));
			return BR_ERR_INVALID;
		}
		memcpy(c->field, start, len);
		c->field[len] = '\0';
		if (!(n = op_at(p, &op))) {
			snprintf(msg, size, _("at %d: after %s comes an operator: = != < <= > >= ~"), column(text, p),
				 c->field);
			return BR_ERR_INVALID;
		}
		c->op = op;
		p += n;
		/* the value: quoted, or up to the next blank */
		if (*p == '"') {
			const char *q = p++;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				if (k + 1 >= sizeof(c->value)) {
					snprintf(msg, size, _("at %d: the value is too long"), column(text, q));
					return BR_ERR_INVALID;
				}
				c->value[k++] = *p++;
			}
			if (*p != '"') {
				snprintf(msg, size, _("at %d: the quote is not closed"), column(text, q));
				return BR_ERR_INVALID;
			}
			p++;
		} else {
			const char *q = p;
			while (*p && !blank(p)) {
				if (k + 1 >= sizeof(c->value)) {
					snprintf(msg, size, _("at %d: the value is too long"), column(text, q));
					return BR_ERR_INVALID;
				}
				c->value[k++] = *p++;
			}
		}
		c->value[k] = '\0';
		if (*p && !blank(p)) {
			snprintf(msg, size, _("at %d: a blank must separate the conditions"), column(text, p));
			return BR_ERR_INVALID;
		}
		f->n++;
	}
}

void ledger_filter_format(const struct ledger_filter *f, char *out, size_t size)
{
	struct strbuf b = { NULL, 0 };

	for (int i = 0; i < f->n; i++) {
		const struct ledger_cond *c = &f->conds[i];
		bool quote = !c->value[0] || strpbrk(c->value, " \t\"\\") || strstr(c->value, "\xe3\x80\x80");
		strbuf_addf(&b, "%s%s%s", i ? " " : "", c->field, ledger_op_name(c->op));
		if (!quote) {
			strbuf_addf(&b, "%s", c->value);
			continue;
		}
		strbuf_addf(&b, "\"");
		for (const char *p = c->value; *p; p++)
			strbuf_addf(&b, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
		strbuf_addf(&b, "\"");
	}
	str_copy(out, b.s ? b.s : "", size);
	free(b.s);
}

static bool contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return n == 0;
}

bool ledger_cond_matches(const struct ledger_cond *c, const char *value)
{
	int64_t a, b;
	int cmp;

	if (c->op == LEDGER_HAS)
		return contains(value, c->value);
	if (money_parse(value, &a, NULL) == BR_OK && money_parse(c->value, &b, NULL) == BR_OK)
		cmp = a < b ? -1 : a > b;
	else
		cmp = strcmp(value, c->value);
	switch (c->op) {
	case LEDGER_EQ: return cmp == 0;
	case LEDGER_NE: return cmp != 0;
	case LEDGER_LT: return cmp < 0;
	case LEDGER_LE: return cmp <= 0;
	case LEDGER_GT: return cmp > 0;
	case LEDGER_GE: return cmp >= 0;
	default: return false;
	}
}
