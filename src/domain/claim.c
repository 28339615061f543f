/*
 * claim.c - the claim lifecycle, line arithmetic and the checks a claim
 * must pass: its form's field rules, line sanity and the policy rules.
 */
#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[CLAIM_STATUS_COUNT] = {
	[CLAIM_DRAFT] = "draft",       [CLAIM_SUBMITTED] = "submitted", [CLAIM_APPROVED] = "approved",
	[CLAIM_REJECTED] = "rejected", [CLAIM_EXPORTED] = "exported",   [CLAIM_PAID] = "paid",
};

static const char *const status_labels[CLAIM_STATUS_COUNT] = {
	[CLAIM_DRAFT] = N_("draft"),       [CLAIM_SUBMITTED] = N_("submitted"), [CLAIM_APPROVED] = N_("approved"),
	[CLAIM_REJECTED] = N_("rejected"), [CLAIM_EXPORTED] = N_("exported"),   [CLAIM_PAID] = N_("paid"),
};

/* The lifecycle as a table: event, from, to. */
static const struct {
	enum claim_event ev;
	enum claim_status from, to;
	const char *name;
} transitions[] = {
	{ CLAIM_EV_SUBMIT, CLAIM_DRAFT, CLAIM_SUBMITTED, "submit" },
	{ CLAIM_EV_WITHDRAW, CLAIM_SUBMITTED, CLAIM_DRAFT, "withdraw" },
	{ CLAIM_EV_RETURN, CLAIM_SUBMITTED, CLAIM_DRAFT, "return" },
	{ CLAIM_EV_APPROVE, CLAIM_SUBMITTED, CLAIM_APPROVED, "approve" },
	{ CLAIM_EV_REJECT, CLAIM_SUBMITTED, CLAIM_REJECTED, "reject" },
	{ CLAIM_EV_EXPORT, CLAIM_APPROVED, CLAIM_EXPORTED, "export" },
	{ CLAIM_EV_PAY, CLAIM_EXPORTED, CLAIM_PAID, "pay" },
};

const char *claim_status_name(enum claim_status s)
{
	return (unsigned)s < CLAIM_STATUS_COUNT ? status_names[s] : "?";
}

int claim_status_from_name(const char *name)
{
	for (int s = 0; s < CLAIM_STATUS_COUNT; s++)
		if (name && !strcmp(status_names[s], name))
			return s;
	return -1;
}

const char *claim_status_label(enum claim_status s)
{
	return (unsigned)s < CLAIM_STATUS_COUNT ? status_labels[s] : "?";
}

const char *claim_event_name(enum claim_event ev)
{
	for (size_t i = 0; i < ARRAY_SIZE(transitions); i++)
		if (transitions[i].ev == ev)
			return transitions[i].name;
	return "?";
}

int claim_transition(enum claim_status from, enum claim_event ev, enum claim_status *to)
{
	for (size_t i = 0; i < ARRAY_SIZE(transitions); i++)
		if (transitions[i].ev == ev && transitions[i].from == from) {
			*to = transitions[i].to;
			return BR_OK;
		}
	return BR_ERR_INVALID;
}

void claim_number_prefix(const char *date, char out[CLAIM_NUMBER_MAX])
{
	snprintf(out, CLAIM_NUMBER_MAX, "BX%.4s%.2s-", date, date + 5);
}

void claim_number_format(const char *date, int seq, char out[CLAIM_NUMBER_MAX])
{
	snprintf(out, CLAIM_NUMBER_MAX, "BX%.4s%.2s-%04d", date, date + 5, seq % 1000000);
}

void claim_init(struct claim *c)
{
	memset(c, 0, sizeof(*c));
}

void claim_release(struct claim *c)
{
	for (int i = 0; i < c->nvalues; i++)
		free(c->values[i].value);
	free(c->lines);
	free(c->findings);
	free(c->attachments);
	claim_init(c);
}

bool claim_set_value(struct claim *c, const char *name, const char *value)
{
	if (strlen(name) >= FORM_ID_MAX)
		return false;
	for (int i = 0; i < c->nvalues; i++) {
		if (strcmp(c->values[i].name, name))
			continue;
		free(c->values[i].value);
		if (value)
			c->values[i].value = xstrdup(value);
		else
			c->values[i] = c->values[--c->nvalues];
		return true;
	}
	if (!value)
		return true;
	if (c->nvalues == FORM_MAX_FIELDS)
		return false;
	str_copy(c->values[c->nvalues].name, name, sizeof(c->values[0].name));
	c->values[c->nvalues++].value = xstrdup(value);
	return true;
}

const char *claim_value(const struct claim *c, const char *name)
{
	for (int i = 0; i < c->nvalues; i++)
		if (!strcmp(c->values[i].name, name))
			return c->values[i].value;
	return "";
}

struct claim_line *claim_add_line(struct claim *c, const struct claim_line *line)
{
	if (c->nlines >= CLAIM_MAX_LINES)
		return NULL;
	c->lines = xrealloc(c->lines, sizeof(*c->lines) * (size_t)(c->nlines + 1));
	c->lines[c->nlines] = *line;
	return &c->lines[c->nlines++];
}

void claim_delete_line(struct claim *c, int index)
{
	if (index < 0 || index >= c->nlines)
		return;
	memmove(&c->lines[index], &c->lines[index + 1], sizeof(*c->lines) * (size_t)(c->nlines - index - 1));
	c->nlines--;
}

void claim_add_finding(struct claim *c, enum finding_level level, const char *rule, int line, const char *field,
		       const char *fmt, ...)
{
	struct claim_finding *f;
	va_list ap;

	c->findings = xrealloc(c->findings, sizeof(*c->findings) * (size_t)(c->nfindings + 1));
	f = &c->findings[c->nfindings++];
	memset(f, 0, sizeof(*f));
	f->level = level;
	f->line = line;
	str_copy(f->rule, rule, sizeof(f->rule));
	str_copy(f->field, field ? field : "", sizeof(f->field));
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
}

void claim_add_attachment(struct claim *c, const struct claim_attachment *a)
{
	c->attachments = xrealloc(c->attachments, sizeof(*c->attachments) * (size_t)(c->nattachments + 1));
	c->attachments[c->nattachments++] = *a;
}

bool claim_has_blocking(const struct claim *c)
{
	for (int i = 0; i < c->nfindings; i++)
		if (c->findings[i].level == FINDING_ERROR)
			return true;
	return false;
}

/* Rounds a * b / d half away from zero without overflow for amounts of money. */
static int64_t mul_div_round(int64_t a, int64_t b, int64_t d)
{
	__int128 n = (__int128)a * b;
	__int128 q = n / d, r = n % d;

	if (r < 0)
		r = -r;
	if (2 * r >= d)
		q += n < 0 ? -1 : 1;
	return (int64_t)q;
}

int64_t claim_line_deductible(const struct claim_line *line, enum vat_rule rule)
{
	const struct invoice *inv = &line->invoice;

	if (!line->has_invoice || line->amount <= 0)
		return 0;
	switch (rule) {
	case VAT_FARE_9: return vat_from_gross(line->amount, 900);
	case VAT_FARE_3: return vat_from_gross(line->amount, 300);
	case VAT_INVOICE:
		/* Only VAT invoices carry deductible tax; a line claiming part of
		 * an invoice deducts the same part of its tax. */
		if (inv->kind != INVOICE_VAT_SPECIAL && inv->kind != INVOICE_VAT_ELECTRONIC &&
		    inv->kind != INVOICE_DIGITAL)
			return 0;
		if (inv->total <= 0 || line->amount >= inv->total)
			return inv->tax;
		return mul_div_round(inv->tax, line->amount, inv->total);
	default: return 0;
	}
}

bool claim_parse_daterange(const char *v, char from[11], char to[11])
{
	static const char *const seps[] = { "..", "~", " - ", " to ", "至" };
	char a[32], b[32];

	for (size_t i = 0; i < ARRAY_SIZE(seps); i++) {
		const char *p = strstr(v, seps[i]);
		if (!p || p - v >= (int)sizeof(a))
			continue;
		snprintf(a, sizeof(a), "%.*s", (int)(p - v), v);
		str_copy(b, p + strlen(seps[i]), sizeof(b));
		str_trim(a);
		str_trim(b);
		if (!date_valid(a) || !date_valid(b) || strcmp(a, b) > 0)
			return false;
		str_copy(from, a, 11);
		str_copy(to, b, 11);
		return true;
	}
	return false;
}

/* Characters, not bytes: limits are what a person sees. */
static const struct form_category *form_category(const struct form *f, const char *code)
{
	for (int i = 0; i < f->ncategories; i++)
		if (!strcmp(f->categories[i].code, code))
			return &f->categories[i];
	return NULL;
}

static void check_value(struct claim *c, const struct form_field *fl, const char *label, const char *v)
{
	char msg[BR_MSG_MAX];

	if (*v && fl->type == FIELD_DATERANGE) {
		char from[11], to[11];
		if (!claim_parse_daterange(v, from, to))
			claim_add_finding(c, FINDING_ERROR, "field", 0, fl->name,
					  _("%s must be two dates, first..last, e.g. 2026-11-01..2026-11-03"), label);
		return;
	}
	if (form_value_check(fl, label, v, NULL, 0, msg, sizeof(msg)))
		claim_add_finding(c, FINDING_ERROR, "field", 0, fl->name, "%s", msg);
}

static void check_header(struct claim *c, const struct claim_context *ctx)
{
	const struct form *f = ctx->form;

	if (!*c->title)
		claim_add_finding(c, FINDING_ERROR, "field", 0, "title", _("the title is required"));
	else if (str_chars(c->title) > CLAIM_TITLE_MAX)
		claim_add_finding(c, FINDING_ERROR, "field", 0, "title", _("the title is longer than %d characters"),
				  CLAIM_TITLE_MAX);
	for (int i = 0; i < f->nfields; i++)
		check_value(c, &f->fields[i], form_field_label(&f->fields[i], ctx->lang),
			    claim_value(c, f->fields[i].name));
	for (int i = 0; i < c->nvalues; i++) {
		bool known = false;
		for (int k = 0; k < f->nfields && !known; k++)
			known = !strcmp(f->fields[k].name, c->values[i].name);
		if (!known)
			claim_add_finding(c, FINDING_ERROR, "field", 0, c->values[i].name,
					  _("the form %s has no field %s"), f->id, c->values[i].name);
	}
}

static void check_invoice(struct claim *c, const struct claim_context *ctx, int ln, const struct claim_line *l)
{
	struct finding f[INVOICE_MAX_FINDINGS];
	int n = invoice_validate(&l->invoice, ctx->today, ctx->cfg ? ctx->cfg->company.name : "",
				 ctx->cfg ? ctx->cfg->company.tax_id : "", f, INVOICE_MAX_FINDINGS);

	for (int i = 0; i < n; i++)
		claim_add_finding(c, f[i].level, "invoice", ln, f[i].field, _("invoice %s: %s"), l->invoice.number,
				  _(f[i].message));
	if (l->amount > l->invoice.total && l->invoice.total > 0) {
		char a[32], t[32];
		claim_add_finding(c, FINDING_ERROR, "invoice", ln, "amount", _("%s is more than the invoice total %s"),
				  money_format(l->amount, a, sizeof(a), MONEY_GROUP),
				  money_format(l->invoice.total, t, sizeof(t), MONEY_GROUP));
	}
	for (int k = 0; k < ln - 1; k++)
		if (c->lines[k].has_invoice && !strcmp(c->lines[k].invoice.number, l->invoice.number) &&
		    !strcmp(c->lines[k].invoice.code, l->invoice.code))
			claim_add_finding(c, FINDING_ERROR, "invoice", ln, "invoice",
					  _("invoice %s is already on line %d"), l->invoice.number, k + 1);
}

static enum finding_level level_of(const struct claim_context *ctx, enum policy_rule r)
{
	return ctx->cfg && ctx->cfg->policy.block[r] ? FINDING_ERROR : FINDING_WARN;
}

static void check_policy_line(struct claim *c, const struct claim_context *ctx, int ln, const struct claim_line *l,
			      const struct form_category *fc, const struct category *cat)
{
	char a[32], b[32];
	long day, today;
	int64_t limit = form_category_limit(fc, ctx->rank ? ctx->rank : "");
	const char *cname = category_name(cat, l->category, ctx->lang);

	if (limit >= 0 && l->amount > limit)
		claim_add_finding(c, level_of(ctx, POLICY_LIMIT), "limit", ln, "amount",
				  _("%s %s is above the limit of %s for your rank"), cname,
				  money_format(l->amount, a, sizeof(a), MONEY_GROUP),
				  money_format(limit, b, sizeof(b), MONEY_GROUP));
	if (ctx->cfg && !l->has_invoice && l->amount > ctx->cfg->policy.invoice_required_above &&
	    strcmp(l->category, CATEGORY_ADVANCE))
		claim_add_finding(c, level_of(ctx, POLICY_INVOICE), "invoice_required", ln, "invoice",
				  _("an invoice is required above %s"),
				  money_format(ctx->cfg->policy.invoice_required_above, b, sizeof(b), MONEY_GROUP));
	if (ctx->cfg && date_days(l->date, &day) && date_days(ctx->today, &today) &&
	    today - day > ctx->cfg->policy.max_age_days)
		claim_add_finding(c, level_of(ctx, POLICY_AGE), "age", ln, "date",
				  _("the expense is %ld days old (more than %d)"), today - day,
				  ctx->cfg->policy.max_age_days);
	for (int p = 0; p < ctx->npeers; p++) {
		const struct claim_peer *peer = &ctx->peers[p];
		for (int k = 0; k < peer->nlines; k++)
			if (peer->amounts[k] == l->amount && !strcmp(peer->dates[k], l->date)) {
				claim_add_finding(c, level_of(ctx, POLICY_DUPLICATE), "duplicate", ln, "amount",
						  _("claim %s has a line of the same amount on the same day"),
						  peer->number);
				p = ctx->npeers; /* one finding per line is enough */
				break;
			}
	}
}

static void check_lines(struct claim *c, const struct claim_context *ctx)
{
	long today = 0;

	date_days(ctx->today, &today);
	if (c->nlines == 0)
		claim_add_finding(c, FINDING_ERROR, "line", 0, "lines", _("a claim needs at least one line"));
	for (int i = 0; i < c->nlines; i++) {
		struct claim_line *l = &c->lines[i];
		const struct form_category *fc = form_category(ctx->form, l->category);
		const struct category *cat = category_find(ctx->categories, ctx->ncategories, l->category);
		long day;
		int ln = i + 1;

		l->deductible = cat ? claim_line_deductible(l, cat->vat) : 0;
		if (!fc || !cat)
			claim_add_finding(c, FINDING_ERROR, "line", ln, "category",
					  _("category %s is not allowed on form %s"), l->category, ctx->form->id);
		if (!date_days(l->date, &day))
			claim_add_finding(c, FINDING_ERROR, "line", ln, "date", _("the date must be YYYY-MM-DD"));
		else if (day > today)
			claim_add_finding(c, FINDING_ERROR, "line", ln, "date", _("the date %s is in the future"),
					  l->date);
		if (l->amount <= 0)
			claim_add_finding(c, FINDING_ERROR, "line", ln, "amount", _("the amount must be more than 0"));
		if (str_chars(l->description) > CLAIM_DESC_MAX)
			claim_add_finding(c, FINDING_ERROR, "line", ln, "description",
					  _("the description is longer than %d characters"), CLAIM_DESC_MAX);
		if (l->has_invoice)
			check_invoice(c, ctx, ln, l);
		if (fc && l->amount > 0)
			check_policy_line(c, ctx, ln, l, fc, cat);
	}
}

/* Trip dates: the first date-range field of the form. */
static void check_overlap(struct claim *c, const struct claim_context *ctx)
{
	char from[11], to[11];

	for (int i = 0; i < ctx->form->nfields; i++) {
		const struct form_field *fl = &ctx->form->fields[i];
		if (fl->type != FIELD_DATERANGE)
			continue;
		if (!claim_parse_daterange(claim_value(c, fl->name), from, to))
			return;
		for (int p = 0; p < ctx->npeers; p++) {
			const struct claim_peer *peer = &ctx->peers[p];
			if (peer->from[0] && strcmp(from, peer->to) <= 0 && strcmp(peer->from, to) <= 0)
				claim_add_finding(c, level_of(ctx, POLICY_OVERLAP), "overlap", 0, fl->name,
						  _("the trip dates overlap claim %s (%s..%s)"), peer->number,
						  peer->from, peer->to);
		}
		return;
	}
}

int claim_check(struct claim *c, const struct claim_context *ctx)
{
	int blocking = 0;

	free(c->findings);
	c->findings = NULL;
	c->nfindings = 0;
	check_header(c, ctx);
	check_lines(c, ctx);
	check_overlap(c, ctx);
	c->total = c->deductible = 0;
	for (int i = 0; i < c->nlines; i++) {
		c->total += c->lines[i].amount;
		c->deductible += c->lines[i].deductible;
	}
	for (int i = 0; i < c->nfindings; i++)
		blocking += c->findings[i].level == FINDING_ERROR;
	return blocking;
}
