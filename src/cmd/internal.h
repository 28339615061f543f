/*
 * internal.h - what the command handler files share: option parsing, usage
 * lines, JSON output and input.  Private to src/cmd.
 */
#ifndef BURSAR_CMD_INTERNAL_H
#define BURSAR_CMD_INTERNAL_H

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>

#include "bursar/claim.h"
#include "bursar/cmd.h"
#include "bursar/invoice.h"

/* Option values common to all handlers; each handler lists the ones it takes. */
struct opt_values {
	int json;
	int all;
	const char *theme;
	const char *language;
	const char *limit;
	const char *before;
	const char *status;
	const char *line;
	const char *comment;
	const char *from;
	const char *to;
	const char *task;
	const char *period;
	const char *department;
	const char *project;
	const char *category;
	const char *amount;
	const char *mode;
	const char *overrun;
	const char *reason;
	const char *by;
	const char *format;
	const char *filter;
	const char *sort;
	const char *after;
	const char *version;
	const char *action;
	int desc;
	int deleted;
};

#define IMPORT_MAX_BYTES (16u << 20)
#define IMPORT_MAX_ROWS 100000

/* Parses options and refuses operands; returns optind, or -1 after a message on err. */
int parse_opts(const char *name, int argc, char **argv, const struct option *longopts, struct opt_values *v, FILE *err);
/* Parses options anywhere; returns the index of the first operand (operands are moved to the end), or -1. */
int parse_opts_any(const char *name, int argc, char **argv, const struct option *longopts, struct opt_values *v,
		   FILE *err);
/* Like parse_opts() but takes exactly n operands, which may come before or after options. */
int parse_opts_operands(const char *name, int argc, char **argv, const struct option *longopts, struct opt_values *v,
			char **operands, int n, FILE *err);
void usage_line(FILE *err, const char *name);
/* Prints j (consumed) indented with sorted keys. */
int print_json(json_t *j, FILE *out);
extern const struct option json_only[];
/* A form or ledger field as JSON: name, label in lang, type, required, limits, options. */
json_t *field_json(const struct form_field *fl, const char *lang);
/* One invoice from a JSON object; msg names the field, prefixed with path. */
int invoice_from_json(json_t *root, const char *path, struct invoice *inv, char *msg, size_t size);
/* One JSON object from the command's stdin; NULL after a message on err. */
json_t *read_json_object(struct app *app, const char *cmd, FILE *err);

/*
 * Fills c's form, title, values and lines from {"form", "title", "fields",
 * "lines"} (need_form: "form" must be there).  -1 with msg naming the field.
 */
int claim_from_json(json_t *root, struct claim *c, bool need_form, char *msg, size_t size);

int cmd_claim_create(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_claim_update(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_claim_show(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_claim_list(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_claim_submit(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_claim_withdraw(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_claim_delete(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_attach(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_inbox(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_approve(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_reject(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_return(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_transfer(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_add_approver(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_delegate_set(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_delegate_clear(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_delegate_show(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_claim_history(struct app *app, int argc, char **argv, FILE *out, FILE *err);
/* An amount as a JSON string "1234.50" (exact, unlike a JSON number). */
json_t *money_json(int64_t fen);
/* One problem of an import, reported per row (to arr, else as a line on err). */
void import_problem(FILE *err, json_t *arr, int row, int line, const char *field, const char *message);
struct import_problem;
/* Every problem of an import: a JSON array (json), else lines on err. */
json_t *import_problems(FILE *err, bool json, const struct import_problem *p, int n);
/* The import's input from stdin, at most IMPORT_MAX_BYTES; NULL after a message on err. */
char *import_input(struct app *app, const char *name, size_t *len, FILE *err);

int cmd_budget_list(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_budget_show(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_budget_set(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_budget_freeze(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_budget_unfreeze(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_budget_import(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_report_spend(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_payment_create(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_payment_list(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_reconcile(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_advance_list(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_advance_repay(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_accounts_list(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_accounts_import(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_export_settings(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_export_run(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_export_list(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_export_show(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_export_replay(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_report_turnaround(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_list(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_rows(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_show(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_add(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_update(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_delete(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_restore(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_history(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_attach(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_file(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_request(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_rollback(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_import(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_ledger_export(struct app *app, int argc, char **argv, FILE *out, FILE *err);
int cmd_reminders(struct app *app, int argc, char **argv, FILE *out, FILE *err);

#endif
