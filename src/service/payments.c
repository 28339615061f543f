/*
 * payments.c - paying exported claims in batches under a bank reference,
 * and reconciling a bank statement: each statement line is matched to a
 * whole batch (its total, and its bank reference in the line's text) or
 * to a single payment (its amount, and its claim number in the text); what
 * is left on either side is reported.  Finance and admins only.
 */
#include "bursar/service.h"
#include "internal.h"
#include "bursar/csv.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/role.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int service_payment_create(struct app *app, char **refs, int n, bool all, const char *bank_ref, const char *date,
			   struct payment_result *r, char *msg, size_t size)
{
	int64_t *ids = NULL;
	char bad_number[CLAIM_NUMBER_MAX] = "";
	enum claim_status bad_status = CLAIM_DRAFT;
	int bad = -1, count = 0, ret;

	memset(r, 0, sizeof(*r));
	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("payments are made by finance and admins"));
	if (!bank_ref || !*bank_ref || strlen(bank_ref) > 100)
		return service_fail(BR_ERR_INVALID, msg, size, "%s",
				    _("a payment needs the bank's reference (--ref), at most 100 bytes"));
	if (!date_valid(date))
		return service_fail(BR_ERR_INVALID, msg, size, "%s", _("the date must be YYYY-MM-DD"));
	if (all) {
		struct claim_summary *list = NULL;
		if ((ret = service_exported_claims(app, &list, &count)))
			return service_fail(ret, msg, size, _("cannot read the claims (%s)"), br_strerror(ret));
		ids = xcalloc((size_t)count + 1, sizeof(*ids));
		for (int i = 0; i < count; i++)
			ids[i] = list[i].id;
		free(list);
	} else {
		ids = xcalloc((size_t)n + 1, sizeof(*ids));
		for (int i = 0; i < n; i++)
			if (store_claim_find(app->store, refs[i], &ids[count++])) {
				ret = service_fail(BR_ERR_NOT_FOUND, msg, size, _("there is no claim %s"), refs[i]);
				goto out;
			}
	}
	if (count == 0) {
		ret = service_fail(BR_ERR_NOT_FOUND, msg, size, "%s", _("no exported claim waits for payment"));
		goto out;
	}
	ret = store_payment_create(app->store, ids, count, bank_ref, date, app->user->uid, &r->batch, &r->total, &bad,
				   bad_number, &bad_status);
	if (ret == BR_ERR_INVALID)
		ret = service_fail(ret, msg, size,
				   bad_status == CLAIM_APPROVED
				       ? _("claim %s is approved but has no voucher yet; export it first")
				       : _("claim %s cannot be paid: it is %s, and only exported claims are paid"),
				   bad_number, _(claim_status_label(bad_status)));
	else if (ret == BR_ERR_CONFLICT && bad >= 0)
		ret = service_fail(ret, msg, size, _("claim %s appears twice, or is paid already"), bad_number);
	else if (ret == BR_ERR_CONFLICT)
		ret = service_fail(ret, msg, size, _("the bank reference %s was used for another payment"), bank_ref);
	else if (ret)
		ret = service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	r->npayments = ret ? 0 : count;
out:
	free(ids);
	return ret;
}

static int collect_exported(const struct claim_summary *c, void *arg)
{
	struct {
		struct claim_summary *v;
		int n;
	} *l = arg;

	l->v = xrealloc(l->v, sizeof(*l->v) * (size_t)(l->n + 1));
	l->v[l->n++] = *c;
	return 0;
}

int service_exported_claims(struct app *app, struct claim_summary **list, int *n)
{
	struct {
		struct claim_summary *v;
		int n;
	} l = { NULL, 0 };
	int ret = store_claim_list(app->store, NULL, CLAIM_EXPORTED, collect_exported, &l);

	*list = l.v;
	*n = l.n;
	return ret;
}

/* ---- reconciliation ---- */

static const struct {
	const char *names[6];
	int column; /* 0 date, 1 amount, 2 reference */
} statement_columns[] = {
	{ { "date", "日期", "交易日期", "value_date", NULL }, 0 },
	{ { "amount", "金额", "交易金额", "debit", "借方金额", NULL }, 1 },
	{ { "reference", "摘要", "备注", "附言", "用途", NULL }, 2 },
};

static int statement_column(const char *name)
{
	for (size_t i = 0; i < sizeof(statement_columns) / sizeof(statement_columns[0]); i++)
		for (int k = 0; statement_columns[i].names[k]; k++)
			if (!strcasecmp(name, statement_columns[i].names[k]))
				return statement_columns[i].column;
	return -1;
}

static bool alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Whether text names needle as a whole (ASCII letters in either case):
 * "PAY1" is not in "PAY10", nor BX202611-0001 in BX202611-00012.
 */
static bool mentions(const char *text, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return false;
	for (const char *p = text; *p; p++)
		if (!strncasecmp(p, needle, n) && (p == text || !alnum(p[-1])) && !alnum(p[n]))
			return true;
	return false;
}

int service_reconcile(struct app *app, const char *data, size_t len, struct reconcile_report *r, char *msg, size_t size)
{
	struct csv_table t = { 0 };
	struct open_payment *open = NULL, *matched = NULL;
	char **texts = NULL;
	bool *taken = NULL, *hit = NULL; /* taken: matched or no longer matchable; hit: matched */
	int col[3] = { -1, -1, -1 }, nopen = 0, nmatched = 0, ret;

	memset(r, 0, sizeof(*r));
	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("payments are made by finance and admins"));
	if (csv_table_parse(data, len, &t, msg, size))
		return BR_ERR_INVALID;
	if (t.nrows < 2) {
		ret = service_fail(BR_ERR_INVALID, msg, size, "%s", _("expected a header row and statement lines"));
		goto out;
	}
	for (int c = 0; c < t.rows[0].nfields; c++) {
		int k = statement_column(str_trim(t.rows[0].fields[c]));
		if (k >= 0 && col[k] < 0)
			col[k] = c;
	}
	if (col[1] < 0 || col[2] < 0) {
		ret = service_fail(
		    BR_ERR_INVALID, msg, size, "%s",
		    _("the statement needs an amount and a reference column (amount/金额, reference/摘要)"));
		goto out;
	}
	if ((ret = store_payments_open(app->store, &open, &nopen))) {
		service_fail(ret, msg, size, _("cannot read the payments (%s)"), br_strerror(ret));
		goto out;
	}
	taken = xcalloc((size_t)nopen + 1, sizeof(*taken));
	hit = xcalloc((size_t)nopen + 1, sizeof(*hit));
	matched = xcalloc((size_t)t.nrows, sizeof(*matched));
	texts = xcalloc((size_t)t.nrows, sizeof(*texts));
	r->lines = t.nrows - 1;
	for (int i = 1; i < t.nrows; i++) {
		const struct csv_row *row = &t.rows[i];
		const char *amount = col[1] < row->nfields ? str_trim(row->fields[col[1]]) : "";
		const char *text = col[2] < row->nfields ? row->fields[col[2]] : "";
		const char *date = col[0] >= 0 && col[0] < row->nfields ? row->fields[col[0]] : "";
		struct statement_item *item;
		int64_t fen = 0;
		int found = -1;
		r->items = xrealloc(r->items, sizeof(*r->items) * (size_t)(r->nitems + 1));
		item = &r->items[r->nitems++];
		memset(item, 0, sizeof(*item));
		item->row = i;
		item->line = row->line;
		str_copy(item->date, date, sizeof(item->date));
		str_copy(item->reference, text, sizeof(item->reference));
		if (money_parse(amount, &fen, NULL)) {
			str_copy(item->problem, _("the amount is not a number"), sizeof(item->problem));
			continue;
		}
		item->amount = fen < 0 ? -fen : fen; /* payments leave the account: either sign */
		/* a whole batch first, then a single payment */
		for (int k = 0; k < nopen && found < 0; k++)
			if (!taken[k] && open[k].amount == item->amount && mentions(text, open[k].ref))
				found = k;
		if (found < 0)
			continue;
		/* a batch and its single payments are matched one way or the other, not both */
		for (int k = 0; k < nopen; k++)
			if (open[k].batch_id == open[found].batch_id && (open[found].batch || open[k].batch))
				taken[k] = true;
		taken[found] = true;
		hit[found] = true;
		item->matched = true;
		str_copy(item->what, open[found].ref, sizeof(item->what));
		item->batch = open[found].batch;
		matched[nmatched] = open[found];
		texts[nmatched] = xasprintf("%s %s %s", date, amount, text);
		nmatched++;
	}
	/*
	 * What the statement did not show: a whole batch none of whose claims
	 * was matched, else each claim of it left unmatched.
	 */
	for (int k = 0; k < nopen; k++) {
		int row = -1;
		bool single_hit = false, show;
		for (int j = 0; j < nopen; j++) {
			if (open[j].batch_id != open[k].batch_id)
				continue;
			if (open[j].batch)
				row = j;
			else
				single_hit |= hit[j];
		}
		if (open[k].batch)
			show = !hit[k] && !single_hit;
		else
			show = !hit[k] && (row < 0 || (!hit[row] && single_hit));
		if (!show)
			continue;
		r->open = xrealloc(r->open, sizeof(*r->open) * (size_t)(r->nopen + 1));
		r->open[r->nopen++] = open[k];
	}
	r->matched = nmatched;
	if (nmatched &&
	    (ret = store_reconcile(app->store, matched, (const char *const *)texts, nmatched, app->user->uid))) {
		service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
		r->matched = 0;
	}
out:
	for (int i = 0; i < nmatched; i++)
		free(texts[i]);
	free(texts);
	free(matched);
	free(taken);
	free(hit);
	free(open);
	csv_table_free(&t);
	return ret;
}

void reconcile_report_release(struct reconcile_report *r)
{
	free(r->items);
	free(r->open);
	memset(r, 0, sizeof(*r));
}

/* ---- advances ---- */

static int collect_balance(const struct advance_balance *b, void *arg)
{
	struct advance_list *l = arg;

	l->v = xrealloc(l->v, sizeof(*l->v) * (size_t)(l->n + 1));
	l->v[l->n++] = *b;
	return 0;
}

int service_advance_list(struct app *app, struct advance_list *l, char *msg, size_t size)
{
	int ret;

	memset(l, 0, sizeof(*l));
	/* finance, admins and auditors see everyone's; others their own */
	if ((ret =
		 store_advance_balances(app->store, service_sees_all(app) ? NULL : app->user->uid, collect_balance, l)))
		return service_fail(ret, msg, size, _("cannot read the advances (%s)"), br_strerror(ret));
	return BR_OK;
}

void advance_list_release(struct advance_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int service_advance_repay(struct app *app, const char *person, const char *amount, const char *ref, const char *date,
			  int64_t *open, char *msg, size_t size)
{
	const char *why = NULL;
	int64_t fen = 0;
	int ret;

	if (!service_budget_may_manage(app))
		return service_fail(BR_ERR_DENIED, msg, size, "%s", _("payments are made by finance and admins"));
	if (money_parse(amount, &fen, &why) || fen <= 0)
		return service_fail(BR_ERR_INVALID, msg, size, _("amount: %s"),
				    why ? _(why) : _("must be more than zero"));
	if (!ref || !*ref || strlen(ref) > 100)
		return service_fail(BR_ERR_INVALID, msg, size, "%s",
				    _("a payment needs the bank's reference (--ref), at most 100 bytes"));
	if (!date_valid(date))
		return service_fail(BR_ERR_INVALID, msg, size, "%s", _("the date must be YYYY-MM-DD"));
	ret = store_advance_repay(app->store, person, fen, ref, date, app->user->uid, open);
	if (ret == BR_ERR_LIMIT) {
		char left[32];
		return service_fail(ret, msg, size, _("%s has %s of advances open; a repayment cannot be more"), person,
				    money_format(*open, left, sizeof(left), MONEY_GROUP));
	}
	if (ret == BR_ERR_CONFLICT)
		return service_fail(ret, msg, size, _("the bank reference %s was used for another payment"), ref);
	if (ret)
		return service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	return BR_OK;
}
