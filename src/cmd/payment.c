/*
 * payment.c - the payment commands: pay exported claims in a batch under
 * the bank's reference, list the batches, and reconcile a bank statement.
 */
#include "internal.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>

int cmd_payment_create(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "all", no_argument, NULL, 'a' },
					      { "ref", required_argument, NULL, 'R' },
					      { "date", required_argument, NULL, 'p' },
					      { NULL, 0, NULL, 0 } };
	struct opt_values v = { 0 };
	struct payment_result r;
	char msg[BR_MSG_MAX], today[11], total[32];
	int first;

	/* the bank reference arrives in the reason slot, the date in the period slot */
	if ((first = parse_opts_any("payment create", argc, argv, opts, &v, err)) < 0 || !v.reason ||
	    (v.all ? first < argc : first >= argc)) {
		if (first >= 0 && !v.reason)
			fprintf(err, _("bursar: payment create: --ref is required\n"));
		else if (first >= 0)
			fprintf(err, _("bursar: payment create: name the claims, or --all\n"));
		usage_line(err, "payment create");
		return CMD_USAGE;
	}
	date_today(today);
	if (service_payment_create(app, argv + first, argc - first, v.all, v.reason, v.period ? v.period : today, &r, msg,
				   sizeof(msg))) {
		fprintf(err, "bursar: payment create: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json)
		return print_json(json_pack("{s:I, s:s, s:i, s:o}", "payment", (json_int_t)r.batch, "ref", v.reason,
					    "claims", r.npayments, "total", money_json(r.total)),
				  out);
	fprintf(out, _("Payment PAY-%06lld: %d claim(s), %s, reference %s\n"), (long long)r.batch, r.npayments,
		money_format(r.total, total, sizeof(total), MONEY_GROUP), v.reason);
	return CMD_OK;
}

struct pay_print {
	FILE *out;
	json_t *arr;
};

static int payment_one(const struct payment_batch_row *b, void *arg)
{
	struct pay_print *p = arg;
	char total[32];

	if (p->arr) {
		json_array_append_new(p->arr, json_pack("{s:I, s:s, s:s, s:s, s:o, s:i, s:s, s:s, s:i}", "payment",
							(json_int_t)b->id, "date", b->date, "ref", b->ref, "actor",
							b->actor, "total", money_json(b->total), "claims", b->npayments,
							"voucher", b->voucher, "reconciled_at", b->reconciled_at,
							"reconciled_payments", b->nreconciled));
		return 0;
	}
	fprintf(p->out, "PAY-%06lld  %s  %-24s %14s  %3d  %-18s %s\n", (long long)b->id, b->date, b->ref,
		money_format(b->total, total, sizeof(total), MONEY_GROUP), b->npayments, b->voucher[0] ? b->voucher : "-",
		b->reconciled_at[0] ? _("reconciled") : b->nreconciled ? _("partly reconciled") : _("open"));
	return 0;
}

int cmd_payment_list(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct pay_print p = { out, NULL };
	int ret;

	if (parse_opts("payment list", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "payment list");
		return CMD_USAGE;
	}
	if (v.json)
		p.arr = json_array();
	if ((ret = store_payment_batches(app->store, payment_one, &p))) {
		json_decref(p.arr);
		fprintf(err, _("bursar: payment list: cannot read the payments (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	return p.arr ? print_json(p.arr, out) : CMD_OK;
}

int cmd_reconcile(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct reconcile_report r;
	char msg[BR_MSG_MAX], amount[32];
	size_t len = 0;
	char *data;
	int ret;

	if (parse_opts("reconcile", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "reconcile");
		return CMD_USAGE;
	}
	if (!(data = import_input(app, "reconcile", &len, err)))
		return CMD_FAIL;
	ret = service_reconcile(app, data, len, &r, msg, sizeof(msg));
	free(data);
	if (ret) {
		fprintf(err, "bursar: reconcile: %s\n", msg);
		reconcile_report_release(&r);
		return CMD_FAIL;
	}
	if (v.json) {
		json_t *lines = json_array(), *open = json_array();
		for (int i = 0; i < r.nitems; i++) {
			const struct statement_item *it = &r.items[i];
			json_array_append_new(lines, json_pack("{s:i, s:i, s:s, s:o, s:s, s:b, s:s, s:s}", "row", it->row,
							       "line", it->line, "date", it->date, "amount",
							       money_json(it->amount), "reference", it->reference,
							       "matched", it->matched, "matches",
							       it->matched ? (it->batch ? "payment" : "claim") : "",
							       "what", it->what));
		}
		for (int i = 0; i < r.nopen; i++)
			json_array_append_new(open, json_pack("{s:s, s:o, s:s}", "ref", r.open[i].ref, "amount",
							      money_json(r.open[i].amount), "date", r.open[i].date));
		ret = print_json(json_pack("{s:i, s:i, s:o, s:o}", "lines", r.lines, "matched", r.matched, "statement",
					   lines, "unmatched_payments", open),
				 out);
		reconcile_report_release(&r);
		return ret;
	}
	fprintf(out, _("%d of %d statement line(s) matched\n"), r.matched, r.lines);
	for (int i = 0; i < r.nitems; i++) {
		const struct statement_item *it = &r.items[i];
		if (it->matched)
			continue;
		fprintf(out, _("  not matched: row %d (line %d) %s %s %s%s%s\n"), it->row, it->line, it->date,
			money_format(it->amount, amount, sizeof(amount), MONEY_GROUP), it->reference,
			it->problem[0] ? ": " : "", it->problem);
	}
	for (int i = 0; i < r.nopen; i++)
		fprintf(out, _("  payment not on the statement: %s %s %s\n"), r.open[i].ref, r.open[i].date,
			money_format(r.open[i].amount, amount, sizeof(amount), MONEY_GROUP));
	reconcile_report_release(&r);
	return CMD_OK;
}

/* ---- advances ---- */

int cmd_advance_list(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct advance_list l;
	char msg[BR_MSG_MAX], a[4][32];

	if (parse_opts("advance list", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "advance list");
		return CMD_USAGE;
	}
	if (service_advance_list(app, &l, msg, sizeof(msg))) {
		fprintf(err, "bursar: advance list: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json) {
		json_t *arr = json_array();
		for (int i = 0; i < l.n; i++) {
			const struct advance_balance *b = &l.v[i];
			json_array_append_new(arr, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "employee", b->employee,
							     "name", b->name, "advanced", money_json(b->advanced),
							     "claimed", money_json(b->claimed), "returned",
							     money_json(b->returned), "open",
							     money_json(b->advanced - b->claimed - b->returned)));
		}
		advance_list_release(&l);
		return print_json(arr, out);
	}
	for (int i = 0; i < l.n; i++) {
		const struct advance_balance *b = &l.v[i];
		fprintf(out, "%-12s %14s %14s %14s %14s\n", b->employee,
			money_format(b->advanced, a[0], sizeof(a[0]), MONEY_GROUP),
			money_format(b->claimed, a[1], sizeof(a[1]), MONEY_GROUP),
			money_format(b->returned, a[2], sizeof(a[2]), MONEY_GROUP),
			money_format(b->advanced - b->claimed - b->returned, a[3], sizeof(a[3]), MONEY_GROUP));
	}
	if (l.n == 0)
		fprintf(out, "%s\n", _("No advances."));
	advance_list_release(&l);
	return CMD_OK;
}

int cmd_advance_repay(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "ref", required_argument, NULL, 'R' },
					      { "date", required_argument, NULL, 'p' },
					      { NULL, 0, NULL, 0 } };
	struct opt_values v = { 0 };
	char *ops[2], msg[BR_MSG_MAX], today[11], left[32];
	int64_t open = 0;

	if (parse_opts_operands("advance repay", argc, argv, opts, &v, ops, 2, err) < 0 || !v.reason) {
		if (!v.reason)
			fprintf(err, _("bursar: advance repay: --ref is required\n"));
		usage_line(err, "advance repay");
		return CMD_USAGE;
	}
	date_today(today);
	if (service_advance_repay(app, ops[0], ops[1], v.reason, v.period ? v.period : today, &open, msg,
				  sizeof(msg))) {
		fprintf(err, "bursar: advance repay: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json)
		return print_json(json_pack("{s:s, s:s, s:o}", "employee", ops[0], "ref", v.reason, "open",
					    money_json(open)),
				  out);
	fprintf(out, _("Repayment recorded; %s has %s open\n"), ops[0], money_format(open, left, sizeof(left), MONEY_GROUP));
	return CMD_OK;
}
