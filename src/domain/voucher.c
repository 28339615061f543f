/*
 * voucher.c - the journal entry of an approved claim and its checks.
 */
#include "bursar/voucher.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "<what> <a> <b>" as a 摘要: one line, cut at a character boundary. */
/* The length of the valid UTF-8 sequence at p, or 0 (whatever the locale). */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Replaces every byte that is not part of valid UTF-8 with '?' and control characters with blanks. */
static void utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0) {
			*p++ = '?';
			continue;
		}
		if (n == 1 && (*p < 0x20 || *p == 0x7f))
			*p = ' ';
		p += n;
	}
}

/* Copies src into dst cut at a character boundary: a voucher's text is always valid UTF-8. */
static void text_copy(char *dst, const char *src, size_t size)
{
	char *tmp = xstrdup(src);

	utf8_clean(tmp);
	voucher_cut(tmp, size - 1);
	str_copy(dst, tmp, size);
	free(tmp);
}

static void summary_set(char out[VOUCHER_SUMMARY_MAX + 1], const char *what, const char *a, const char *b)
{
	char buf[VOUCHER_SUMMARY_MAX * 4];

	snprintf(buf, sizeof(buf), "%s %s %s", what, a, b);
	utf8_clean(buf);
	voucher_cut(buf, VOUCHER_SUMMARY_MAX);
	str_copy(out, buf, VOUCHER_SUMMARY_MAX + 1);
}

void voucher_settings_default(struct voucher_settings *s)
{
	memset(s, 0, sizeof(*s));
	str_copy(s->word, "记", sizeof(s->word));
	str_copy(s->currency, "CNY", sizeof(s->currency));
	str_copy(s->payable, "2241", sizeof(s->payable));
	str_copy(s->payable_name, "其他应付款", sizeof(s->payable_name));
	str_copy(s->input_vat, "22210101", sizeof(s->input_vat));
	str_copy(s->input_vat_name, "应交税费—应交增值税—进项税额", sizeof(s->input_vat_name));
	str_copy(s->bank, "1002", sizeof(s->bank));
	str_copy(s->bank_name, "银行存款", sizeof(s->bank_name));
	str_copy(s->advance, "1221", sizeof(s->advance));
	str_copy(s->advance_name, "其他应收款", sizeof(s->advance_name));
}

void voucher_settle_advance(struct voucher *v, int64_t offset, const struct voucher_settings *s)
{
	struct voucher_line l;
	int pay = -1;

	for (int i = 0; i < v->nlines; i++)
		if (v->lines[i].credit && !strcmp(v->lines[i].account, s->payable))
			pay = i;
	if (pay < 0 || offset <= 0)
		return;
	if (offset > v->lines[pay].credit)
		offset = v->lines[pay].credit;
	l = v->lines[pay];
	str_copy(l.account, s->advance, sizeof(l.account));
	str_copy(l.account_name, s->advance_name, sizeof(l.account_name));
	l.credit = offset;
	v->lines[pay].credit -= offset;
	if (v->lines[pay].credit == 0) {
		v->lines[pay] = l; /* all of it settled by the advance */
		return;
	}
	voucher_add_line(v, &l);
}

int voucher_from_repayment(const char *employee, const char *employee_name, int64_t amount, const char *ref,
			   const struct voucher_settings *s, const char *date, struct voucher *v, char *msg,
			   size_t size)
{
	struct voucher_line l;

	voucher_init(v);
	if (amount <= 0) {
		snprintf(msg, size, "repayment %s has no amount", ref);
		return BR_ERR_INVALID;
	}
	text_copy(v->claim, ref, sizeof(v->claim));
	str_copy(v->date, date, sizeof(v->date));
	snprintf(v->period, sizeof(v->period), "%.7s", date);
	str_copy(v->word, s->word, sizeof(v->word));
	summary_set(v->summary, "还款", employee_name, ref);
	memset(&l, 0, sizeof(l));
	str_copy(l.summary, v->summary, sizeof(l.summary));
	str_copy(l.account, s->bank, sizeof(l.account));
	str_copy(l.account_name, s->bank_name, sizeof(l.account_name));
	l.debit = amount;
	voucher_add_line(v, &l);
	str_copy(l.account, s->advance, sizeof(l.account));
	str_copy(l.account_name, s->advance_name, sizeof(l.account_name));
	str_copy(l.employee, employee, sizeof(l.employee));
	text_copy(l.employee_name, employee_name, sizeof(l.employee_name));
	l.debit = 0;
	l.credit = amount;
	voucher_add_line(v, &l);
	return BR_OK;
}

#define SETTING(name, field)                                                                                           \
	{                                                                                                              \
		name, offsetof(struct voucher_settings, field), sizeof(((struct voucher_settings *)0)->field)          \
	}

static const struct {
	const char *key;
	size_t off, size;
} settings[] = {
	SETTING("word", word),
	SETTING("account_book", account_book),
	SETTING("company_code", company_code),
	SETTING("ledger_id", ledger_id),
	SETTING("currency", currency),
	SETTING("preparer", preparer),
	SETTING("payable", payable),
	SETTING("payable_name", payable_name),
	SETTING("input_vat", input_vat),
	SETTING("input_vat_name", input_vat_name),
	SETTING("bank", bank),
	SETTING("bank_name", bank_name),
};

const char *const voucher_setting_keys[] = { "word",      "account_book",   "company_code", "ledger_id",
					     "currency",  "preparer",       "payable",      "payable_name",
					     "input_vat", "input_vat_name", "bank",         "bank_name",
					     NULL };

bool voucher_account_valid(const char *code)
{
	size_t n = strlen(code);

	/* what every writer takes: SAP's 10 characters, a class of the chart (1 to 6) first */
	if (n < 1 || n > 10 || code[0] < '1' || code[0] > '6')
		return false;
	for (size_t i = 0; i < n; i++)
		if (code[i] < '0' || code[i] > '9')
			return false;
	return true;
}

const char *voucher_settings_set(struct voucher_settings *s, const char *key, const char *value)
{
	static const char *const accounts[] = { "payable", "input_vat", "bank" };

	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		if (strcmp(settings[i].key, key))
			continue;
		for (size_t k = 0; k < sizeof(accounts) / sizeof(accounts[0]); k++)
			if (!strcmp(key, accounts[k]) && !voucher_account_valid(value))
				return N_("an account code is 1 to 10 digits, starting with 1 to 6");
		if (strlen(value) >= settings[i].size)
			return N_("too long");
		for (const unsigned char *p = (const unsigned char *)value; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				return N_("control characters are not allowed");
		if (!strcmp(key, "word") && !*value)
			return N_("the voucher word may not be empty");
		if (!strcmp(key, "currency") &&
		    (strlen(value) != 3 || value[0] < 'A' || value[0] > 'Z' || value[1] < 'A' || value[1] > 'Z' ||
		     value[2] < 'A' || value[2] > 'Z'))
			return N_("a currency is three capital letters (ISO 4217), e.g. CNY");
		str_copy((char *)s + settings[i].off, value, settings[i].size);
		return NULL;
	}
	return N_("unknown setting");
}

const char *voucher_settings_get(const struct voucher_settings *s, const char *key)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (!strcmp(settings[i].key, key))
			return (const char *)s + settings[i].off;
	return NULL;
}

void voucher_init(struct voucher *v)
{
	memset(v, 0, sizeof(*v));
}

void voucher_release(struct voucher *v)
{
	free(v->lines);
	voucher_init(v);
}

void voucher_add_line(struct voucher *v, const struct voucher_line *l)
{
	struct voucher_line copy = *l; /* l may point into v->lines, which moves */

	v->lines = xrealloc(v->lines, sizeof(*v->lines) * (size_t)(v->nlines + 1));
	v->lines[v->nlines++] = copy;
}

void voucher_cut(char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return;
	/* back to the start of the character that crosses max */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	s[max] = '\0';
}

static void line_common(struct voucher_line *l, const struct claim *c, const char *summary)
{
	memset(l, 0, sizeof(*l));
	str_copy(l->summary, summary, sizeof(l->summary));
	text_copy(l->department, c->department, sizeof(l->department));
	text_copy(l->project, claim_value(c, "project"), sizeof(l->project));
	str_copy(l->employee, c->owner, sizeof(l->employee));
	text_copy(l->employee_name, c->owner_name[0] ? c->owner_name : c->owner, sizeof(l->employee_name));
}

int voucher_from_claim(const struct claim *c, const struct category_set *cats, const struct voucher_settings *s,
		       const char *date, struct voucher *v, char *msg, size_t size)
{
	struct voucher_line l;
	char summary[CLAIM_NUMBER_MAX + 256 + CLAIM_TITLE_MAX * 4 + 16];
	int64_t tax = 0, total = 0;

	voucher_init(v);
	text_copy(v->claim, c->number, sizeof(v->claim));
	str_copy(v->date, date, sizeof(v->date));
	snprintf(v->period, sizeof(v->period), "%.7s", date);
	str_copy(v->word, s->word, sizeof(v->word));
	v->attachments = c->nattachments;
	snprintf(summary, sizeof(summary), "报销 %s %s %s", c->number, c->owner_name[0] ? c->owner_name : c->owner,
		 c->title);
	/* one line of valid text in every format */
	utf8_clean(summary);
	voucher_cut(summary, VOUCHER_SUMMARY_MAX);
	str_copy(v->summary, summary, sizeof(v->summary));
	for (int i = 0; i < c->nlines; i++) {
		const struct claim_line *cl = &c->lines[i];
		const struct category *cat = category_find(cats->items, cats->n, cl->category);
		int k;
		if (!cat || !voucher_account_valid(cat->account)) {
			snprintf(msg, size, "claim %s, line %d: category %s has no usable account", c->number, i + 1,
				 cl->category);
			voucher_release(v);
			return BR_ERR_INVALID;
		}
		for (k = 0; k < v->nlines; k++)
			if (!strcmp(v->lines[k].account, cat->account))
				break;
		if (k == v->nlines) {
			line_common(&l, c, v->summary);
			str_copy(l.account, cat->account, sizeof(l.account));
			str_copy(l.account_name, cat->account_name, sizeof(l.account_name));
			voucher_add_line(v, &l);
		}
		/* what may not be deducted stays in the expense */
		v->lines[k].debit += cl->amount - cl->deductible;
		tax += cl->deductible;
		total += cl->amount;
	}
	if (tax) {
		line_common(&l, c, v->summary);
		str_copy(l.account, s->input_vat, sizeof(l.account));
		str_copy(l.account_name, s->input_vat_name, sizeof(l.account_name));
		l.debit = tax;
		voucher_add_line(v, &l);
	}
	for (int i = 0; i < v->nlines; i++)
		if (v->lines[i].debit < 0) {
			/* more tax than the lines' amounts: an invoice that does not fit its line */
			snprintf(msg, size, "claim %s: account %s would be debited %lld fen", c->number,
				 v->lines[i].account, (long long)v->lines[i].debit);
			voucher_release(v);
			return BR_ERR_INVALID;
		}
	/* an expense account left with nothing (all of it deductible tax) has no entry */
	for (int i = 0, keep = 0, n = v->nlines; i < n; i++) {
		if (v->lines[i].debit)
			v->lines[keep++] = v->lines[i];
		v->nlines = keep;
	}
	line_common(&l, c, v->summary);
	str_copy(l.account, s->payable, sizeof(l.account));
	str_copy(l.account_name, s->payable_name, sizeof(l.account_name));
	l.credit = total;
	voucher_add_line(v, &l);
	return BR_OK;
}

int voucher_from_payment(const struct payment_item *items, int n, const char *ref, const struct voucher_settings *s,
			 const char *date, struct voucher *v, char *msg, size_t size)
{
	struct voucher_line l;
	int64_t total = 0;

	voucher_init(v);
	if (n < 1) {
		snprintf(msg, size, "payment %s pays no claim", ref);
		return BR_ERR_INVALID;
	}
	text_copy(v->claim, ref, sizeof(v->claim));
	str_copy(v->date, date, sizeof(v->date));
	snprintf(v->period, sizeof(v->period), "%.7s", date);
	str_copy(v->word, s->word, sizeof(v->word));
	{
		char count[32];
		snprintf(count, sizeof(count), "报销 %d 笔", n);
		summary_set(v->summary, "付款", ref, count);
	}
	for (int i = 0; i < n; i++) {
		memset(&l, 0, sizeof(l));
		summary_set(l.summary, "付款", items[i].claim, items[i].employee_name);
		str_copy(l.account, s->payable, sizeof(l.account));
		str_copy(l.account_name, s->payable_name, sizeof(l.account_name));
		text_copy(l.department, items[i].department, sizeof(l.department));
		str_copy(l.employee, items[i].employee, sizeof(l.employee));
		text_copy(l.employee_name, items[i].employee_name, sizeof(l.employee_name));
		l.debit = items[i].amount;
		if (l.debit <= 0) {
			snprintf(msg, size, "payment %s: claim %s has no amount to pay", ref, items[i].claim);
			voucher_release(v);
			return BR_ERR_INVALID;
		}
		total += l.debit;
		voucher_add_line(v, &l);
	}
	memset(&l, 0, sizeof(l));
	str_copy(l.summary, v->summary, sizeof(l.summary));
	str_copy(l.account, s->bank, sizeof(l.account));
	str_copy(l.account_name, s->bank_name, sizeof(l.account_name));
	l.credit = total;
	voucher_add_line(v, &l);
	return BR_OK;
}

bool voucher_balanced(const struct voucher *v, int64_t *debit, int64_t *credit)
{
	bool one_side = true;

	*debit = *credit = 0;
	for (int i = 0; i < v->nlines; i++) {
		*debit += v->lines[i].debit;
		*credit += v->lines[i].credit;
		one_side &= (v->lines[i].debit != 0) != (v->lines[i].credit != 0) && v->lines[i].debit >= 0 &&
			    v->lines[i].credit >= 0;
	}
	return one_side && *debit == *credit && v->nlines >= 2;
}

void voucher_label(const struct voucher *v, char *out, size_t size)
{
	snprintf(out, size, "%s-%04d", v->word, v->number);
}
