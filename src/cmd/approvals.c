/*
 * approvals.c - the approval commands: inbox, approve, reject, return,
 * transfer, add approver, delegation, a claim's history and the
 * turnaround report.  Every action goes through the approval service.
 */
#include "internal.h"

#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>

static const struct option json_comment[] = { { "json", no_argument, NULL, 'j' },
					      { "comment", required_argument, NULL, 'c' },
					      { NULL, 0, NULL, 0 } };
static const struct option json_comment_task[] = { { "json", no_argument, NULL, 'j' },
						   { "comment", required_argument, NULL, 'c' },
						   { "task", required_argument, NULL, 'k' },
						   { NULL, 0, NULL, 0 } };
static const struct option dates[] = { { "from", required_argument, NULL, 'F' },
				       { "to", required_argument, NULL, 'T' },
				       { NULL, 0, NULL, 0 } };

struct inbox_print {
	FILE *out;
	json_t *arr;
	const char *me;
};

static int inbox_one(const struct task_row *t, void *arg)
{
	struct inbox_print *p = arg;
	char total[32], title[96], name[40], step[64];

	money_format(t->total, total, sizeof(total), 0);
	if (p->arr) {
		json_array_append_new(
		    p->arr, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s?}", "task",
				      (json_int_t)t->task_id, "claim_id", (json_int_t)t->claim_id, "number", t->number,
				      "form", t->form, "title", t->title, "claimant", t->claimant, "total", total,
				      "step", t->step, "since", t->created_at, "due", t->due_at, "assignee",
				      t->assignee, "blocking", t->nblocking, "warnings", t->nwarnings, "on_behalf_of",
				      strcmp(t->assignee, p->me) ? t->assignee : NULL));
		return 0;
	}
	text_fit(title, sizeof(title), t->title, 24, 1, 1);
	text_fit(name, sizeof(name), t->claimant_name, 8, 1, 1);
	text_fit(step, sizeof(step), t->step, 12, 1, 1);
	fprintf(p->out, "%-14s %s %s %12s  %s  %.16s%s%s\n", t->number, name, title, total, step, t->created_at,
		strcmp(t->assignee, p->me) ? _("  for ") : "", strcmp(t->assignee, p->me) ? t->assignee : "");
	return 0;
}

int cmd_inbox(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct inbox_print p = { out, NULL, app->user->uid };
	char today[11];
	int ret;

	if (parse_opts("inbox", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "inbox");
		return CMD_USAGE;
	}
	if (v.json)
		p.arr = json_array();
	date_today(today);
	ret = store_inbox(app->store, app->user->uid, today, inbox_one, &p);
	if (ret) {
		json_decref(p.arr);
		fprintf(err, _("bursar: inbox: cannot read tasks (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	return p.arr ? print_json(p.arr, out) : CMD_OK;
}

static int act(struct app *app, int argc, char **argv, FILE *out, FILE *err, const char *name, enum task_action a)
{
	struct opt_values v = { 0 };
	struct act_result r;
	char msg[BR_MSG_MAX], *ref = NULL;
	long task = 0;

	if (parse_opts_operands(name, argc, argv, json_comment_task, &v, &ref, 1, err) < 0) {
		usage_line(err, name);
		return CMD_USAGE;
	}
	if (v.task && str_to_int(v.task, 1, INT64_MAX, &task)) {
		fprintf(err, _("bursar: %s: --task must be a task number from the inbox, not `%s`\n"), name, v.task);
		return CMD_USAGE;
	}
	if (service_claim_act(app, ref, task, a, v.comment, &r, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", name, msg);
		return CMD_FAIL;
	}
	if (v.json)
		return print_json(json_pack("{s:s, s:s, s:s, s:s, s:s?}", "number", r.number, "status",
					    claim_status_name(r.status), "step", r.step, "next", r.next, "on_behalf_of",
					    r.on_behalf_of[0] ? r.on_behalf_of : NULL),
				  out);
	switch (a) {
	case TASK_APPROVE:
		if (r.status == CLAIM_APPROVED)
			fprintf(out, _("Approved %s; the claim is approved\n"), r.number);
		else
			fprintf(out, _("Approved %s (%s); it goes on to: %s\n"), r.number, r.step, r.next);
		break;
	case TASK_REJECT: fprintf(out, _("Rejected %s\n"), r.number); break;
	default: fprintf(out, _("Returned %s to the claimant\n"), r.number); break;
	}
	if (r.on_behalf_of[0])
		fprintf(out, _("(on behalf of %s)\n"), r.on_behalf_of);
	return CMD_OK;
}

int cmd_approve(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return act(app, argc, argv, out, err, "approve", TASK_APPROVE);
}

int cmd_reject(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return act(app, argc, argv, out, err, "reject", TASK_REJECT);
}

int cmd_return(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return act(app, argc, argv, out, err, "return", TASK_RETURN);
}

static int hand_on(struct app *app, int argc, char **argv, FILE *out, FILE *err, const char *name, bool transfer)
{
	struct opt_values v = { 0 };
	struct act_result r;
	char msg[BR_MSG_MAX], *ops[2] = { 0 };
	int ret;

	if (parse_opts_operands(name, argc, argv, json_comment, &v, ops, 2, err) < 0) {
		usage_line(err, name);
		return CMD_USAGE;
	}
	ret = transfer ? service_task_transfer(app, ops[0], ops[1], v.comment, &r, msg, sizeof(msg))
		       : service_add_approver(app, ops[0], ops[1], v.comment, &r, msg, sizeof(msg));
	if (ret) {
		fprintf(err, "bursar: %s: %s\n", name, msg);
		return CMD_FAIL;
	}
	fprintf(out, transfer ? _("Handed %s (%s) to %s\n") : _("Added %3$s as an approver of %1$s after %2$s\n"),
		r.number, r.step, ops[1]);
	return CMD_OK;
}

int cmd_transfer(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return hand_on(app, argc, argv, out, err, "transfer", true);
}

int cmd_add_approver(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return hand_on(app, argc, argv, out, err, "add approver", false);
}

int cmd_delegate_set(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	char msg[BR_MSG_MAX], *person = NULL;

	if (parse_opts_operands("delegate set", argc, argv, dates, &v, &person, 1, err) < 0 || !v.from || !v.to) {
		if (!v.from || !v.to)
			fprintf(err, _("bursar: delegate set: --from and --to are required\n"));
		usage_line(err, "delegate set");
		return CMD_USAGE;
	}
	if (service_delegate_set(app, person, v.from, v.to, msg, sizeof(msg))) {
		fprintf(err, "bursar: delegate set: %s\n", msg);
		return CMD_FAIL;
	}
	fprintf(out, _("From %s to %s your approval tasks go to %s\n"), v.from, v.to, person);
	return CMD_OK;
}

int cmd_delegate_clear(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	int ret;

	if (parse_opts("delegate clear", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "delegate clear");
		return CMD_USAGE;
	}
	if ((ret = store_delegate_clear(app->store, app->user->uid))) {
		fprintf(err, _("bursar: delegate clear: could not save (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	fprintf(out, _("Your approval tasks are yours again\n"));
	return CMD_OK;
}

int cmd_delegate_show(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	char delegate[USER_LOGIN_MAX + 1], from[11], to[11];
	int ret;

	if (parse_opts("delegate show", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "delegate show");
		return CMD_USAGE;
	}
	ret = store_delegate_get(app->store, app->user->uid, delegate, from, to);
	if (ret && ret != BR_ERR_NOT_FOUND) {
		fprintf(err, _("bursar: delegate show: cannot read (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	if (v.json)
		return print_json(ret ? json_null()
				      : json_pack("{s:s, s:s, s:s}", "delegate", delegate, "from", from, "to", to),
				  out);
	if (ret)
		fprintf(out, _("No delegation\n"));
	else
		fprintf(out, _("From %s to %s your approval tasks go to %s\n"), from, to, delegate);
	return CMD_OK;
}

struct history_print {
	FILE *out;
	json_t *arr;
};

static int history_one(const struct claim_history_entry *e, void *arg)
{
	struct history_print *p = arg;
	char who[64], step[64];

	if (p->arr) {
		json_array_append_new(p->arr,
				      json_pack("{s:s, s:s, s:s?, s:s, s:s, s:s}", "ts", e->ts, "actor", e->actor,
						"on_behalf_of", e->on_behalf_of[0] ? e->on_behalf_of : NULL, "action",
						e->action, "step", e->step, "comment", e->comment));
		return 0;
	}
	text_fit(who, sizeof(who), !strcmp(e->actor, "-") ? _("(rule)") : e->actor_name, 10, 1, 1);
	text_fit(step, sizeof(step), e->step[0] ? e->step : "-", 14, 1, 1);
	fprintf(p->out, "%.16s  %s %-13s %s ", e->ts, who, e->action, step);
	for (const char *c = e->comment; *c; c++) /* one line per event */
		if (*c == '\n')
			fputs(" / ", p->out);
		else
			fputc(*c, p->out);
	if (e->on_behalf_of[0])
		fprintf(p->out, _("  (on behalf of %s)"), e->on_behalf_of);
	fputc('\n', p->out);
	return 0;
}

int cmd_claim_history(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct history_print p = { out, NULL };
	char msg[BR_MSG_MAX], *ref = NULL;
	struct claim c;
	int ret;

	claim_init(&c);
	if (parse_opts_operands("claim history", argc, argv, json_only, &v, &ref, 1, err) < 0) {
		usage_line(err, "claim history");
		return CMD_USAGE;
	}
	if (service_claim_load(app, ref, &c, msg, sizeof(msg))) {
		fprintf(err, "bursar: claim history: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json)
		p.arr = json_array();
	ret = store_claim_history(app->store, c.id, history_one, &p);
	claim_release(&c);
	if (ret) {
		json_decref(p.arr);
		fprintf(err, _("bursar: claim history: cannot read (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	return p.arr ? print_json(p.arr, out) : CMD_OK;
}

int cmd_report_turnaround(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct turnaround_row *rows = NULL;
	char msg[BR_MSG_MAX];
	int n = 0;

	if (parse_opts("report turnaround", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "report turnaround");
		return CMD_USAGE;
	}
	if (service_turnaround(app, &rows, &n, msg, sizeof(msg))) {
		fprintf(err, "bursar: report turnaround: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json) {
		json_t *steps = json_array(), *people = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(rows[i].by_step ? steps : people,
					      json_pack("{s:s, s:i, s:I, s:I}", rows[i].by_step ? "step" : "approver",
							rows[i].key, "count", rows[i].count, "median_seconds",
							(json_int_t)rows[i].median_s, "p90_seconds",
							(json_int_t)rows[i].p90_s));
		free(rows);
		return print_json(json_pack("{s:o, s:o}", "steps", steps, "approvers", people), out);
	}
	for (int i = 0; i < n; i++) {
		char key[64], med[32], p90[32];
		if (i == 0 || rows[i].by_step != rows[i - 1].by_step)
			fprintf(out, "%s\n", rows[i].by_step ? _("By step:") : _("By approver:"));
		text_fit(key, sizeof(key), rows[i].key, 20, 1, 1);
		str_duration(rows[i].median_s, med, sizeof(med));
		str_duration(rows[i].p90_s, p90, sizeof(p90));
		fprintf(out, _("  %s %5d decisions  median %8s  p90 %8s\n"), key, rows[i].count, med, p90);
	}
	if (n == 0)
		fprintf(out, _("No approval decisions yet\n"));
	free(rows);
	return CMD_OK;
}
