/*
 * invoice.c - offline fapiao checks.  Official verification (查验) needs the
 * tax bureau's service; what can be checked without it is here.
 */
#include "bursar/invoice.h"
#include "bursar/err.h"
#include "bursar/money.h"
#include "bursar/i18n.h"
#include "bursar/util.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const kind_names[INVOICE_KIND_COUNT] = {
	[INVOICE_VAT_SPECIAL] = "vat_special", [INVOICE_VAT_NORMAL] = "vat_normal",
	[INVOICE_VAT_ELECTRONIC] = "vat_electronic", [INVOICE_DIGITAL] = "digital",
	[INVOICE_RAIL] = "rail", [INVOICE_AIR] = "air",
	[INVOICE_TAXI] = "taxi", [INVOICE_RECEIPT] = "receipt",
};

const char *invoice_kind_name(enum invoice_kind kind)
{
	return (unsigned)kind < INVOICE_KIND_COUNT ? kind_names[kind] : NULL;
}

int invoice_kind_from_name(const char *name)
{
	for (int k = 0; k < INVOICE_KIND_COUNT; k++)
		if (name && !strcmp(kind_names[k], name))
			return k;
	return -1;
}

static bool all_digits(const char *s, size_t len)
{
	if (!s || strlen(s) != len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return BR_ERR_INVALID;
}

int invoice_check_number(enum invoice_kind kind, const char *code, const char *number, const char **why)
{
	bool has_code = code && *code;

	if (!number || !*number)
		return fail(why, N_("invoice number is missing"));
	switch (kind) {
	case INVOICE_DIGITAL:
		if (has_code)
			return fail(why, N_("a fully digital invoice (数电票) has no invoice code"));
		/* fall through */
	case INVOICE_RAIL:
	case INVOICE_AIR:
		if (!has_code && all_digits(number, 20))
			return BR_OK;
		if (kind == INVOICE_DIGITAL)
			return fail(why, N_("a fully digital invoice number has 20 digits"));
		return fail(why, N_("an electronic ticket number has 20 digits"));
	case INVOICE_VAT_SPECIAL:
	case INVOICE_VAT_NORMAL:
	case INVOICE_VAT_ELECTRONIC:
	case INVOICE_TAXI:
		if (!has_code)
			return all_digits(number, 20) ? BR_OK
						     : fail(why, N_("without an invoice code the number must have 20 digits"));
		if (!all_digits(code, 10) && !all_digits(code, 12))
			return fail(why, N_("the invoice code has 10 or 12 digits"));
		if (!all_digits(number, 8))
			return fail(why, N_("the invoice number has 8 digits"));
		return BR_OK;
	case INVOICE_RECEIPT:
		return strlen(number) <= 64 ? BR_OK : fail(why, N_("the receipt number is longer than 64 characters"));
	case INVOICE_KIND_COUNT:
		break;
	}
	return fail(why, N_("unknown invoice kind"));
}

void invoice_dedup_key(const char *code, const char *number, char *out, size_t size)
{
	if (code && *code)
		snprintf(out, size, "%s/%s", code, number);
	else
		snprintf(out, size, "%s", number);
}

enum credit_code_result credit_code_check(const char *code)
{
	static const char charset[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	static const int weights[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int sum = 0, value[18];

	if (!code || strlen(code) != 18)
		return CREDIT_CODE_BAD_FORMAT;
	for (int i = 0; i < 18; i++) {
		const char *p = strchr(charset, code[i]);
		if (!p || !code[i])
			return CREDIT_CODE_BAD_FORMAT;
		value[i] = (int)(p - charset);
	}
	for (int i = 0; i < 17; i++)
		sum += value[i] * weights[i];
	return value[17] == (31 - sum % 31) % 31 ? CREDIT_CODE_OK : CREDIT_CODE_BAD_CHECK;
}

bool vat_rate_legal(int rate_bp)
{
	/* 13%, 9%, 6% general; 5%, 3%, 1.5%, 1% simplified/reduced; 0 exempt or zero-rated */
	static const int legal[] = { 0, 100, 150, 300, 500, 600, 900, 1300 };

	for (size_t i = 0; i < sizeof(legal) / sizeof(legal[0]); i++)
		if (legal[i] == rate_bp)
			return true;
	return false;
}

int64_t vat_from_gross(int64_t gross_fen, int rate_bp)
{
	/* tax = gross * r / (1 + r), in integers: gross * bp / (10000 + bp), rounded */
	int64_t denom = 10000 + rate_bp;
	int64_t mag = gross_fen < 0 ? -gross_fen : gross_fen;
	int64_t tax;

	if (rate_bp <= 0)
		return 0;
	tax = (mag * rate_bp * 2 + denom) / (2 * denom);
	return gross_fen < 0 ? -tax : tax;
}

bool invoice_amounts_add_up(int64_t amount_fen, int64_t tax_fen, int64_t total_fen)
{
	return amount_fen + tax_fen == total_fen;
}

static void add(struct finding *out, int max, int *n, enum finding_level level, const char *field,
		const char *message)
{
	if (*n < max)
		out[*n] = (struct finding){ level, field, message };
	(*n)++;
}

int invoice_validate(const struct invoice *inv, const char *today, const char *company_name,
		     const char *company_tax_id, struct finding *out, int max)
{
	const char *why = NULL;
	int n = 0;

	if (invoice_check_number(inv->kind, inv->code, inv->number, &why))
		add(out, max, &n, FINDING_ERROR, "number", why);
	if (!date_valid(inv->date))
		add(out, max, &n, FINDING_ERROR, "date", N_("the date must be a real date written YYYY-MM-DD"));
	else if (today && strcmp(inv->date, today) > 0)
		add(out, max, &n, FINDING_ERROR, "date", N_("the invoice date is in the future"));
	if (!vat_rate_legal(inv->rate_bp))
		add(out, max, &n, FINDING_ERROR, "rate", N_("the tax rate is not a legal VAT rate (0, 1, 1.5, 3, 5, 6, 9, 13%)"));
	if (inv->total <= 0)
		add(out, max, &n, FINDING_ERROR, "total", N_("the total must be more than zero"));
	if (inv->amount < 0 || inv->tax < 0)
		add(out, max, &n, FINDING_ERROR, "amount", N_("amounts cannot be negative"));
	if (!invoice_amounts_add_up(inv->amount, inv->tax, inv->total))
		add(out, max, &n, FINDING_ERROR, "total", N_("amount + tax does not equal the total"));
	if (inv->seller_tax_id[0] && credit_code_check(inv->seller_tax_id) != CREDIT_CODE_OK)
		add(out, max, &n, FINDING_WARN, "seller.tax_id",
		    N_("the seller's tax id fails the unified social credit code check"));
	if (company_tax_id && company_tax_id[0] && inv->buyer_tax_id[0] && strcmp(inv->buyer_tax_id, company_tax_id))
		add(out, max, &n, FINDING_WARN, "buyer.tax_id", N_("the buyer's tax id is not our company's"));
	else if (company_name && company_name[0] && inv->buyer_name[0] && strcmp(inv->buyer_name, company_name))
		add(out, max, &n, FINDING_WARN, "buyer.name", N_("the buyer is not our company"));
	return n < max ? n : max;
}

bool findings_have_error(const struct finding *f, int n)
{
	for (int i = 0; i < n; i++)
		if (f[i].level == FINDING_ERROR)
			return true;
	return false;
}

static const struct {
	const char *key;
	const char *zh; /* the column name in Chinese exports */
	size_t offset;  /* text fields: where in struct invoice; 0 = handled specially */
	size_t size;
} input_keys[] = {
	{ "kind", "发票类型", 0, 0 },
	{ "code", "发票代码", offsetof(struct invoice, code), sizeof(((struct invoice *)0)->code) },
	{ "number", "发票号码", offsetof(struct invoice, number), sizeof(((struct invoice *)0)->number) },
	{ "date", "开票日期", offsetof(struct invoice, date), sizeof(((struct invoice *)0)->date) },
	{ "seller_name", "销方名称", offsetof(struct invoice, seller_name), sizeof(((struct invoice *)0)->seller_name) },
	{ "seller_tax_id", "销方识别号", offsetof(struct invoice, seller_tax_id),
	  sizeof(((struct invoice *)0)->seller_tax_id) },
	{ "buyer_name", "购方名称", offsetof(struct invoice, buyer_name), sizeof(((struct invoice *)0)->buyer_name) },
	{ "buyer_tax_id", "购方识别号", offsetof(struct invoice, buyer_tax_id),
	  sizeof(((struct invoice *)0)->buyer_tax_id) },
	{ "amount", "金额", 0, 0 },
	{ "tax", "税额", 0, 0 },
	{ "total", "价税合计", 0, 0 },
	{ "rate", "税率", 0, 0 },
	{ "check_code", "校验码", offsetof(struct invoice, check_code), sizeof(((struct invoice *)0)->check_code) },
};

enum { SEEN_KIND = 1, SEEN_AMOUNT = 1 << 8, SEEN_TAX = 1 << 9, SEEN_TOTAL = 1 << 10, SEEN_RATE = 1 << 11 };

void invoice_input_init(struct invoice_input *in)
{
	memset(in, 0, sizeof(*in));
}

const char *invoice_column_key(const char *header)
{
	for (size_t i = 0; i < sizeof(input_keys) / sizeof(input_keys[0]); i++)
		if (!strcmp(header, input_keys[i].key) || !strcmp(header, input_keys[i].zh))
			return input_keys[i].key;
	return NULL;
}

/* "9%", "9", "1.5%" -> basis points */
static int parse_rate(const char *text, int *bp)
{
	char num[32];
	int64_t hundredths;
	size_t n = strlen(text);

	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, text, n + 1);
	if (num[n - 1] == '%')
		num[n - 1] = '\0';
	if (money_parse(num, &hundredths, NULL) || hundredths < 0 || hundredths > 10000)
		return -1;
	*bp = (int)hundredths;
	return 0;
}

int invoice_input_set(struct invoice_input *in, const char *key, const char *value, const char **why)
{
	size_t i;

	for (i = 0; i < sizeof(input_keys) / sizeof(input_keys[0]); i++)
		if (!strcmp(key, input_keys[i].key))
			break;
	if (i == sizeof(input_keys) / sizeof(input_keys[0]))
		return BR_ERR_NOT_FOUND;
	if (!value || !*value)
		return BR_OK;
	in->seen |= 1u << i;
	if (input_keys[i].offset) {
		if (strlen(value) >= input_keys[i].size)
			return fail(why, N_("the value is too long"));
		memcpy((char *)&in->inv + input_keys[i].offset, value, strlen(value) + 1);
		return BR_OK;
	}
	if (!strcmp(key, "kind")) {
		int k = invoice_kind_from_name(value);
		if (k < 0)
			return fail(why, N_("unknown kind (vat_special, vat_normal, vat_electronic, digital, rail, air, "
					    "taxi, receipt)"));
		in->inv.kind = (enum invoice_kind)k;
		in->seen |= SEEN_KIND;
		return BR_OK;
	}
	if (!strcmp(key, "rate")) {
		in->seen |= SEEN_RATE;
		return parse_rate(value, &in->inv.rate_bp) ? fail(why, N_("not a percentage like 9%")) : BR_OK;
	}
	{
		int64_t *target = !strcmp(key, "amount") ? &in->inv.amount : !strcmp(key, "tax") ? &in->inv.tax
												 : &in->inv.total;
		in->seen |= !strcmp(key, "amount") ? SEEN_AMOUNT : !strcmp(key, "tax") ? SEEN_TAX : SEEN_TOTAL;
		return money_parse(value, target, why);
	}
}

int invoice_input_finish(struct invoice_input *in, const char **field, const char **why)
{
	struct invoice *inv = &in->inv;
	bool has_amount = in->seen & SEEN_AMOUNT, has_tax = in->seen & SEEN_TAX;

	if (!inv->number[0]) {
		*field = "number";
		return fail(why, N_("the invoice number is missing"));
	}
	if (!inv->date[0]) {
		*field = "date";
		return fail(why, N_("the date is missing"));
	}
	if (!(in->seen & SEEN_TOTAL)) {
		*field = "total";
		return fail(why, N_("the total is missing"));
	}
	if (has_amount != has_tax) {
		*field = has_amount ? "tax" : "amount";
		return fail(why, N_("give both amount and tax, or neither"));
	}
	if (!(in->seen & SEEN_KIND))
		inv->kind = !inv->code[0] && strlen(inv->number) == 20 ? INVOICE_DIGITAL : INVOICE_VAT_NORMAL;
	/* A ticket shows only its face value: split it at the rate. */
	if (!has_amount) {
		inv->tax = vat_from_gross(inv->total, inv->rate_bp);
		inv->amount = inv->total - inv->tax;
	}
	return BR_OK;
}
