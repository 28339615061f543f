/*
 * commands.c - the command table and its handlers.  Handlers parse their own
 * options with getopt_long, call domain/store code, and print text or JSON.
 */
#include "bursar/cmd.h"
#include "internal.h"
#include "bursar/csv.h"
#include "bursar/err.h"
#include "bursar/form.h"
#include "bursar/invoice.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/theme.h"
#include "bursar/util.h"

#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int cmd_help(struct app *app, int argc, char **argv, FILE *out, FILE *err);
static int cmd_whoami(struct app *app, int argc, char **argv, FILE *out, FILE *err);
static int cmd_prefs(struct app *app, int argc, char **argv, FILE *out, FILE *err);
static int cmd_audit_verify(struct app *app, int argc, char **argv, FILE *out, FILE *err);
static int cmd_forms(struct app *app, int argc, char **argv, FILE *out, FILE *err);
static int cmd_invoice_add(struct app *app, int argc, char **argv, FILE *out, FILE *err);
static int cmd_invoice_list(struct app *app, int argc, char **argv, FILE *out, FILE *err);
static int cmd_invoice_import(struct app *app, int argc, char **argv, FILE *out, FILE *err);
static int cmd_audit_log(struct app *app, int argc, char **argv, FILE *out, FILE *err);

#define AUDIT_ROLES (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR))
#define BUDGET_ROLES (ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN))
#define EXPORT_READ_ROLES (BUDGET_ROLES | ROLE_BIT(ROLE_AUDITOR))

const struct cmd_entry cmd_table[] = {
	{ "help", "[--json]", N_("List the commands you may run"), ROLE_ANY, cmd_help },
	{ "whoami", "[--json]", N_("Show who you are: uid, name, mail, department, title, manager, roles"), ROLE_ANY,
	  cmd_whoami },
	{ "prefs", "[--theme NAME] [--language zh_CN|en] [--json]", N_("Show or change your theme and language"),
	  ROLE_ANY, cmd_prefs },
	{ "forms", "[--json]", N_("List the claim forms, their fields and expense categories"), ROLE_ANY, cmd_forms },
	{ "invoice add", "[--json] < INVOICE.json",
	  N_("Register an invoice (JSON on stdin); the same invoice can never be registered twice"),
	  ROLE_BIT(ROLE_STAFF), cmd_invoice_add },
	{ "invoice import", "[--json] < INVOICES.csv",
	  N_("Import invoices from CSV (UTF-8 or GBK): all rows or none, with a report per row"), ROLE_BIT(ROLE_STAFF),
	  cmd_invoice_import },
	{ "invoice list", "[--all] [--json]", N_("List your invoices (--all: everyone's, for finance and auditors)"),
	  ROLE_ANY, cmd_invoice_list },
	{ "claim create", "[--json] < CLAIM.json",
	  N_("Create a draft claim from JSON on stdin (form, title, fields, lines with invoices)"),
	  ROLE_BIT(ROLE_STAFF), cmd_claim_create },
	{ "claim update", "ID [--json] < CLAIM.json",
	  N_("Replace your draft's title, fields and lines (JSON on stdin)"), ROLE_BIT(ROLE_STAFF), cmd_claim_update },
	{ "claim show", "ID [--json]", N_("Show a claim: fields, lines, deductible tax, findings, attachments"),
	  ROLE_ANY, cmd_claim_show },
	{ "claim list", "[--status S] [--all] [--json]",
	  N_("List your claims (--all: everyone's, for finance, admins and auditors)"), ROLE_ANY, cmd_claim_list },
	{ "claim submit", "ID [--json]", N_("Submit your draft after the policy checks; blocking findings stop it"),
	  ROLE_BIT(ROLE_STAFF), cmd_claim_submit },
	{ "claim withdraw", "ID [--json]", N_("Take your submitted claim back to draft"), ROLE_BIT(ROLE_STAFF),
	  cmd_claim_withdraw },
	{ "claim delete", "ID", N_("Delete your draft (its invoices stay registered to you)"), ROLE_BIT(ROLE_STAFF),
	  cmd_claim_delete },
	{ "attach", "ID NAME [--line N] [--json] < FILE",
	  N_("Attach a file (pdf, jpg, png, ofd, xml) read from stdin to your draft, or to one of its lines"),
	  ROLE_BIT(ROLE_STAFF), cmd_attach },
	{ "claim history", "ID [--json]", N_("A claim's timeline: submission, every approval action, comments"),
	  ROLE_ANY, cmd_claim_history },
	{ "inbox", "[--json]", N_("The claims waiting for your approval (yours and delegated to you), oldest first"),
	  ROLE_ANY, cmd_inbox },
	{ "approve", "ID [--comment TEXT] [--task N] [--json]", N_("Approve a claim you hold a task for"), ROLE_ANY,
	  cmd_approve },
	{ "reject", "ID --comment TEXT [--task N] [--json]", N_("Reject a claim (final); the comment says why"),
	  ROLE_ANY, cmd_reject },
	{ "return", "ID --comment TEXT [--task N] [--json]",
	  N_("Return a claim to the claimant; after resubmission it comes back to this step"), ROLE_ANY, cmd_return },
	{ "transfer", "ID PERSON [--comment TEXT]", N_("Hand your approval task to another person (转交)"), ROLE_ANY,
	  cmd_transfer },
	{ "add approver", "ID PERSON [--comment TEXT]",
	  N_("Add an approver right after your step, before the claim goes on (加签)"), ROLE_ANY, cmd_add_approver },
	{ "delegate set", "PERSON --from DATE --to DATE",
	  N_("Out of office: your approval tasks go to PERSON between the dates"), ROLE_ANY, cmd_delegate_set },
	{ "delegate clear", "", N_("End your delegation"), ROLE_ANY, cmd_delegate_clear },
	{ "delegate show", "[--json]", N_("Show your delegation"), ROLE_ANY, cmd_delegate_show },
	{ "report turnaround", "[--json]",
	  N_("Approval turnaround, median and 90th percentile, per step and per approver"),
	  ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN), cmd_report_turnaround },
	{ "budget list", "[--period P] [--json]",
	  N_("List the budgets you may see: amount, committed, actual, available, utilisation"), ROLE_ANY,
	  cmd_budget_list },
	{ "budget show", "ID [--json]", N_("A budget with its history of changes and the claims charged to it"),
	  ROLE_ANY, cmd_budget_show },
	{ "budget set",
	  "--period P [--department D] [--project X] [--category C] [--amount A] [--mode block|warn|track] "
	  "[--overrun PCT] [--reason TEXT] [--json]",
	  N_("Create a budget, or change one (a reason required)"), BUDGET_ROLES, cmd_budget_set },
	{ "budget freeze", "ID --reason TEXT", N_("Freeze a budget: nothing more may be committed against it"),
	  BUDGET_ROLES, cmd_budget_freeze },
	{ "budget unfreeze", "ID --reason TEXT", N_("Unfreeze a budget"), BUDGET_ROLES, cmd_budget_unfreeze },
	{ "budget import", "[--reason TEXT] [--json] < BUDGETS.csv",
	  N_("Import budgets from CSV (UTF-8 or GBK): all rows or none, with a report per row"), BUDGET_ROLES,
	  cmd_budget_import },
	{ "report spend", "--by department|category|project|person --period P [--format csv|json|md|html]",
	  N_("Spend per department, category, project or person in a period, as a table, CSV, JSON, Markdown or HTML"),
	  ROLE_ANY, cmd_report_spend },
	{ "accounts list", "[--json]",
	  N_("The account mapping: each expense category's GL account, and the payable, input VAT, bank and advance "
	     "accounts"),
	  EXPORT_READ_ROLES, cmd_accounts_list },
	{ "accounts import", "[--json] < ACCOUNTS.csv",
	  N_("Set accounts from CSV (code, account, name): all rows or none, with a report per row"), BUDGET_ROLES,
	  cmd_accounts_import },
	{ "export settings", "[KEY=VALUE...] [--json]",
	  N_("Show or set the voucher settings: word, account book, company code, ledger, currency, preparer"),
	  EXPORT_READ_ROLES, cmd_export_settings },
	{ "export run", "[--format F] [--json]",
	  N_("Export the approved claims now: vouchers in batches, one file per format in the outbox"),
	  BUDGET_ROLES, cmd_export_run },
	{ "export list", "[--json]", N_("The voucher batches: when, how many, voucher numbers, files written"),
	  EXPORT_READ_ROLES, cmd_export_list },
	{ "export show", "BATCH [--json]", N_("A batch's vouchers and their debit and credit lines"), EXPORT_READ_ROLES,
	  cmd_export_show },
	{ "export replay", "BATCH [--format F]", N_("Write a batch's files again, byte for byte as the first time"),
	  BUDGET_ROLES, cmd_export_replay },
	{ "payment create", "--ref BANKREF [--date DATE] (CLAIM... | --all) [--json]",
	  N_("Pay exported claims in one batch under the bank's reference; the claims show paid"), BUDGET_ROLES,
	  cmd_payment_create },
	{ "payment list", "[--json]", N_("The payment batches: reference, total, voucher, reconciled or not"),
	  EXPORT_READ_ROLES, cmd_payment_list },
	{ "reconcile", "[--json] < STATEMENT.csv",
	  N_("Match a bank statement (date, amount, reference) to the payments; report what is left on either side"),
	  BUDGET_ROLES, cmd_reconcile },
	{ "advance list", "[--json]",
	  N_("Advances (借款): advanced, settled by claims, paid back, open (yours; everyone's for finance)"),
	  ROLE_ANY, cmd_advance_list },
	{ "advance repay", "PERSON AMOUNT --ref BANKREF [--date DATE] [--json]",
	  N_("Record that a person paid back part of an open advance; never more than is open"), BUDGET_ROLES,
	  cmd_advance_repay },
	{ "ledger list", "[--json]", N_("The ledgers (台账) you may see, whether you may edit them, and their fields"),
	  ROLE_ANY, cmd_ledger_list },
	{ "ledger rows",
	  "NAME [--filter EXPR] [--sort FIELD] [--desc] [--deleted] [--limit N] [--after CURSOR] [--json]",
	  N_("A ledger's records, filtered and sorted: all of them, or --limit N at a time continued with --after"),
	  ROLE_ANY, cmd_ledger_rows },
	{ "ledger show", "NAME ROW [--json]", N_("One record of a ledger, with its version"), ROLE_ANY,
	  cmd_ledger_show },
	{ "ledger add", "NAME [--json] < RECORD.json",
	  N_("Add a record to a ledger (JSON on stdin; keys are field names or labels)"), ROLE_ANY, cmd_ledger_add },
	{ "ledger update", "NAME ROW [--json] < CHANGES.json",
	  N_("Change some fields of a record (JSON on stdin with the \"version\" you read); refused when someone "
	     "saved it since"),
	  ROLE_ANY, cmd_ledger_update },
	{ "ledger delete", "NAME ROW --version N [--json]",
	  N_("Delete a record read at version N (it can be restored)"), ROLE_ANY, cmd_ledger_delete },
	{ "ledger restore", "NAME ROW --version N [--json]", N_("Restore a deleted record read at version N"), ROLE_ANY,
	  cmd_ledger_restore },
	{ "ledger history", "NAME ROW [--json]",
	  N_("A record's versions: who, when, what they did and each field's old and new value"), ROLE_ANY,
	  cmd_ledger_history },
	{ "ledger rollback", "NAME ROW VERSION [--json]",
	  N_("Make a record look as it did at VERSION again, as a new version"), ROLE_ANY, cmd_ledger_rollback },
	{ "ledger attach", "NAME ROW FIELD FILENAME --version N [--json] < FILE",
	  N_("Store a file (pdf, jpg, png, ofd, xml) in a record's attachment field, as a new version"), ROLE_ANY,
	  cmd_ledger_attach },
	{ "ledger file", "NAME ROW FIELD > FILE", N_("Write out the file a record's attachment field holds"),
	  ROLE_ANY, cmd_ledger_file },
	{ "ledger request", "NAME ROW QUANTITY [--action NAME] [--comment TEXT] [--json]",
	  N_("Ask for QUANTITY of a record (e.g. a requisition of office supplies); approval takes it off the stock"),
	  ROLE_ANY, cmd_ledger_request },
	{ "ledger import", "NAME [--json] < RECORDS.csv",
	  N_("Import records from CSV (UTF-8 or GBK): all rows or none, with a report per row"), ROLE_ANY,
	  cmd_ledger_import },
	{ "ledger export", "NAME [--filter EXPR] [--sort FIELD] [--desc] --format csv|xlsx > FILE",
	  N_("Write a ledger's records, filtered and sorted, to stdout as CSV or an xlsx workbook"), ROLE_ANY,
	  cmd_ledger_export },
	{ "reminders", "[--json]",
	  N_("What the ledgers remind you of today: contracts ending soon, stock below its minimum, ..."), ROLE_ANY,
	  cmd_reminders },
	{ "audit verify", "[--json]", N_("Check the audit log's hash chain; report the first broken entry"),
	  AUDIT_ROLES, cmd_audit_verify },
	{ "audit log", "[--limit N] [--before ID] [--json]", N_("List audit entries, newest first"), AUDIT_ROLES,
	  cmd_audit_log },
};
const size_t cmd_table_size = ARRAY_SIZE(cmd_table);

/* getopt_long over the handler's options; optstring "+" stops at the first operand. */
static int scan_opts(const char *name, int argc, char **argv, const char *optstring, const struct option *longopts,
		     struct opt_values *v, FILE *err)
{
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		switch (c) {
		case 'j': v->json = 1; break;
		case 't': v->theme = optarg; break;
		case 'L': v->language = optarg; break;
		case 'n': v->limit = optarg; break;
		case 'b': v->before = optarg; break;
		case 'a': v->all = 1; break;
		case 's': v->status = optarg; break;
		case 'l': v->line = optarg; break;
		case 'c': v->comment = optarg; break;
		case 'F': v->from = optarg; break;
		case 'T': v->to = optarg; break;
		case 'k': v->task = optarg; break;
		case 'p': v->period = optarg; break;
		case 'D': v->department = optarg; break;
		case 'P': v->project = optarg; break;
		case 'C': v->category = optarg; break;
		case 'A': v->amount = optarg; break;
		case 'M': v->mode = optarg; break;
		case 'O': v->overrun = optarg; break;
		case 'R': v->reason = optarg; break;
		case 'B': v->by = optarg; break;
		case 'f': v->format = optarg; break;
		case 'e': v->filter = optarg; break;
		case 'o': v->sort = optarg; break;
		case 'w': v->after = optarg; break;
		case 'V': v->version = optarg; break;
		case 'z': v->desc = 1; break;
		case 'x': v->deleted = 1; break;
		case 'q': v->action = optarg; break;
		default:
			fprintf(err, _("bursar: %s: unknown option or missing value `%s`\n"), name,
				argv[optind - 1] ? argv[optind - 1] : "");
			return -1;
		}
	}
	return optind;
}

int parse_opts(const char *name, int argc, char **argv, const struct option *longopts, struct opt_values *v, FILE *err)
{
	if (scan_opts(name, argc, argv, "+", longopts, v, err) < 0)
		return -1;
	if (optind < argc) {
		fprintf(err, _("bursar: %s: unexpected argument `%s`\n"), name, argv[optind]);
		return -1;
	}
	return optind;
}

int parse_opts_any(const char *name, int argc, char **argv, const struct option *longopts, struct opt_values *v,
		   FILE *err)
{
	return scan_opts(name, argc, argv, "", longopts, v, err);
}

int parse_opts_operands(const char *name, int argc, char **argv, const struct option *longopts, struct opt_values *v,
			char **operands, int n, FILE *err)
{
	/* GNU getopt permutes: options may follow the operands ("claim show 7 --json"). */
	if (scan_opts(name, argc, argv, "", longopts, v, err) < 0)
		return -1;
	if (argc - optind != n) {
		if (argc - optind > n)
			fprintf(err, _("bursar: %s: unexpected argument `%s`\n"), name, argv[optind + n]);
		else
			fprintf(err, _("bursar: %s: missing argument\n"), name);
		return -1;
	}
	for (int i = 0; i < n; i++)
		operands[i] = argv[optind + i];
	return optind;
}

void usage_line(FILE *err, const char *name)
{
	for (size_t i = 0; i < cmd_table_size; i++)
		if (!strcmp(cmd_table[i].name, name))
			fprintf(err, _("usage: %s %s\n"), name, cmd_table[i].usage);
}

int print_json(json_t *j, FILE *out)
{
	int ret = json_dumpf(j, out, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 ? CMD_OK : CMD_FAIL;

	fputc('\n', out);
	json_decref(j);
	return ret;
}

const struct option json_only[] = { { "json", no_argument, NULL, 'j' }, { NULL, 0, NULL, 0 } };

static int cmd_help(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	int width = 0;

	if (parse_opts("help", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "help");
		return CMD_USAGE;
	}
	if (v.json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < cmd_table_size; i++)
			if (cmd_allowed(&cmd_table[i], app->user))
				json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "command", cmd_table[i].name,
								     "usage", cmd_table[i].usage, "summary",
								     _(cmd_table[i].summary)));
		return print_json(arr, out);
	}
	for (size_t i = 0; i < cmd_table_size; i++) {
		int w = (int)(strlen(cmd_table[i].name) + 1 + strlen(cmd_table[i].usage));
		if (cmd_allowed(&cmd_table[i], app->user) && w > width)
			width = w;
	}
	fprintf(out, _("Commands you may run (ssh HOST COMMAND ...):\n"));
	for (size_t i = 0; i < cmd_table_size; i++) {
		char left[256];
		if (!cmd_allowed(&cmd_table[i], app->user))
			continue;
		snprintf(left, sizeof(left), "%s %s", cmd_table[i].name, cmd_table[i].usage);
		fprintf(out, "  %-*s  %s\n", width, left, _(cmd_table[i].summary));
	}
	fprintf(out, _("Exit status: 0 success, 1 failure, 2 usage error.\n"));
	return CMD_OK;
}

static int cmd_whoami(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	const struct user *u = app->user;
	struct opt_values v = { 0 };
	char role_text[256];

	if (parse_opts("whoami", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "whoami");
		return CMD_USAGE;
	}
	if (v.json) {
		json_t *j = json_object(), *roles = json_array(), *groups = json_array();
		for (int r = 0; r < ROLE_COUNT; r++)
			if (u->roles & ROLE_BIT(r))
				json_array_append_new(roles, json_string(role_name(r)));
		for (int g = 0; g < u->ngroups; g++)
			json_array_append_new(groups, json_string(u->groups[g]));
		json_object_set_new(j, "uid", json_string(u->uid));
		json_object_set_new(j, "display_name", json_string(user_display(u)));
		json_object_set_new(j, "mail", u->mail[0] ? json_string(u->mail) : json_null());
		json_object_set_new(j, "department", u->department[0] ? json_string(u->department) : json_null());
		json_object_set_new(j, "title", u->title[0] ? json_string(u->title) : json_null());
		json_object_set_new(j, "rank", u->rank[0] ? json_string(u->rank) : json_null());
		if (u->manager_dn[0])
			json_object_set_new(j, "manager",
					    json_pack("{s:s?, s:s?, s:s}", "uid",
						      u->manager_uid[0] ? u->manager_uid : NULL, "display_name",
						      u->manager_name[0] ? u->manager_name : NULL, "dn",
						      u->manager_dn));
		else
			json_object_set_new(j, "manager", json_null());
		json_object_set_new(j, "roles", roles);
		json_object_set_new(j, "groups", groups);
		json_object_set_new(j, "language", json_string(app_language(app)));
		return print_json(j, out);
	}
	fprintf(out, "%s: %s\n", _("User"), u->uid);
	fprintf(out, "%s: %s\n", _("Name"), user_display(u));
	if (u->mail[0])
		fprintf(out, "%s: %s\n", _("Mail"), u->mail);
	if (u->department[0])
		fprintf(out, "%s: %s\n", _("Department"), u->department);
	if (u->title[0])
		fprintf(out, "%s: %s\n", _("Title"), u->title);
	if (u->rank[0])
		fprintf(out, "%s: %s\n", _("Rank (for policy limits)"), u->rank);
	if (u->manager_dn[0])
		fprintf(out, "%s: %s (%s)\n", _("Manager"), u->manager_name[0] ? u->manager_name : u->manager_dn,
			u->manager_uid[0] ? u->manager_uid : "-");
	role_mask_label(u->roles, role_text, sizeof(role_text));
	fprintf(out, "%s: %s\n", _("Roles"), u->roles ? role_text : _("no role"));
	return CMD_OK;
}

static int cmd_prefs(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "theme", required_argument, NULL, 't' },
					      { "language", required_argument, NULL, 'L' },
					      { NULL, 0, NULL, 0 } };
	struct opt_values v = { 0 };
	struct theme t;
	char names[64][THEME_NAME_MAX], msg[BR_MSG_MAX];
	int n, ret;

	if (parse_opts("prefs", argc, argv, opts, &v, err) < 0) {
		usage_line(err, "prefs");
		return CMD_USAGE;
	}
	if (v.language && strcmp(v.language, "zh_CN") && strcmp(v.language, "en")) {
		fprintf(err, _("bursar: prefs: language must be zh_CN or en, not `%s`\n"), v.language);
		return CMD_USAGE;
	}
	if (v.theme && theme_load(app->themes_dir, v.theme, &t, msg, sizeof(msg))) {
		fprintf(err, _("bursar: prefs: no usable theme `%s` (%s)\n"), v.theme, msg);
		return CMD_FAIL;
	}
	if (v.theme || v.language) {
		ret = store_user_set_prefs(app->store, app->user->uid, v.theme, v.language);
		if (ret) {
			fprintf(err, _("bursar: prefs: could not save (%s)\n"), br_strerror(ret));
			return CMD_FAIL;
		}
		if (v.theme)
			str_copy(app->user->theme, v.theme, sizeof(app->user->theme));
		if (v.language) {
			str_copy(app->user->language, v.language, sizeof(app->user->language));
			i18n_set_language(v.language);
		}
	}
	n = theme_list(app->themes_dir, names, 64);
	if (v.json) {
		json_t *j = json_object(), *arr = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, json_string(names[i]));
		json_object_set_new(j, "theme",
				    json_string(app->user->theme[0] ? app->user->theme : app->cfg->server.theme));
		json_object_set_new(j, "language", json_string(app_language(app)));
		json_object_set_new(j, "themes", arr);
		return print_json(j, out);
	}
	fprintf(out, "%s: %s\n", _("Theme"), app->user->theme[0] ? app->user->theme : app->cfg->server.theme);
	fprintf(out, "%s: %s\n", _("Language"), app_language(app));
	fprintf(out, "%s:", _("Available themes"));
	for (int i = 0; i < n; i++)
		fprintf(out, " %s", names[i]);
	fputc('\n', out);
	return CMD_OK;
}

static int cmd_audit_verify(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	int64_t count = 0, bad = 0;
	int ret;

	if (parse_opts("audit verify", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "audit verify");
		return CMD_USAGE;
	}
	ret = store_audit_verify(app->store, &count, &bad);
	if (ret != BR_OK && ret != BR_ERR_CORRUPT) {
		fprintf(err, _("bursar: audit verify: cannot read the audit log (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	if (v.json) {
		json_t *j = json_pack("{s:b, s:I}", "ok", ret == BR_OK, "entries", (json_int_t)count);
		json_object_set_new(j, "first_bad_entry", ret == BR_OK ? json_null() : json_integer(bad));
		print_json(j, out);
	} else if (ret == BR_OK) {
		fprintf(out,
			ngettext("Audit log intact: %" PRId64 " entry, hash chain verified\n",
				 "Audit log intact: %" PRId64 " entries, hash chain verified\n", (unsigned long)count),
			count);
	}
	if (ret == BR_OK)
		return CMD_OK;
	fprintf(err, _("bursar: audit verify: the hash chain is BROKEN at entry #%" PRId64 "\n"), bad);
	return CMD_FAIL;
}

struct audit_print {
	FILE *out;
	json_t *arr;
};

/* Stored text may hold anything an outsider typed: print only printable UTF-8. */
static char *escaped(const char *s)
{
	size_t size = strlen(s) * 4 + 1;
	char *out = xmalloc(size);

	text_escape(out, size, s);
	return out;
}

static int audit_print_one(const struct audit_entry *e, void *arg)
{
	struct audit_print *p = arg;
	char actor[40], action[40];
	char *f[4] = { escaped(e->actor), escaped(e->action), escaped(e->object), escaped(e->detail) };

	if (p->arr) {
		json_array_append_new(p->arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id,
							"ts", e->ts, "actor", f[0], "action", f[1], "object", f[2],
							"detail", f[3], "hash", e->hash));
	} else {
		text_fit(actor, sizeof(actor), f[0], 12, 1, 1);
		text_fit(action, sizeof(action), f[1], 16, 1, 1);
		fprintf(p->out, "%6" PRId64 "  %s  %s  %s  %s  %s\n", e->id, e->ts, actor, action, f[2], f[3]);
	}
	for (int i = 0; i < 4; i++)
		free(f[i]);
	return 0;
}

static int cmd_audit_log(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "limit", required_argument, NULL, 'n' },
					      { "before", required_argument, NULL, 'b' },
					      { NULL, 0, NULL, 0 } };
	struct opt_values v = { 0 };
	struct audit_print p = { out, NULL };
	long limit = 50, before = 0;
	int ret;

	if (parse_opts("audit log", argc, argv, opts, &v, err) < 0) {
		usage_line(err, "audit log");
		return CMD_USAGE;
	}
	if (v.limit && str_to_int(v.limit, 1, 100000, &limit)) {
		fprintf(err, _("bursar: audit log: --limit must be a whole number from 1 to 100000, not `%s`\n"),
			v.limit);
		return CMD_USAGE;
	}
	if (v.before && str_to_int(v.before, 1, INT64_MAX, &before)) {
		fprintf(err, _("bursar: audit log: --before must be an entry number, not `%s`\n"), v.before);
		return CMD_USAGE;
	}
	if (v.json)
		p.arr = json_array();
	ret = store_audit_list(app->store, before, (int)limit, audit_print_one, &p);
	if (ret) {
		json_decref(p.arr);
		fprintf(err, _("bursar: audit log: cannot read entries (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	return p.arr ? print_json(p.arr, out) : CMD_OK;
}

json_t *field_json(const struct form_field *fl, const char *lang)
{
	char buf[64];
	json_t *j = json_pack("{s:s, s:s, s:s, s:b}", "name", fl->name, "label", form_field_label(fl, lang), "type",
			      field_type_name(fl->type), "required", fl->required);

	if (fl->has_min)
		json_object_set_new(j, "min",
				    fl->type == FIELD_MONEY ? json_string(money_format(fl->min, buf, sizeof(buf), 0))
							    : json_integer(fl->min));
	if (fl->has_max)
		json_object_set_new(j, "max",
				    fl->type == FIELD_MONEY ? json_string(money_format(fl->max, buf, sizeof(buf), 0))
							    : json_integer(fl->max));
	if (fl->pattern[0])
		json_object_set_new(j, "pattern", json_string(fl->pattern));
	if (fl->ref[0])
		json_object_set_new(j, "ref", json_string(fl->ref));
	if (fl->noptions) {
		json_t *opts = json_array();
		for (int i = 0; i < fl->noptions; i++)
			json_array_append_new(opts, json_string(fl->options[i]));
		json_object_set_new(j, "options", opts);
	}
	return j;
}

static json_t *category_json(const struct category *c, const struct form_category *fc, const char *lang)
{
	json_t *j =
	    json_pack("{s:s, s:s, s:s, s:s}", "code", c->code, "name", !strcmp(lang, "en") ? c->name_en : c->name_zh,
		      "account", c->account, "vat_rule", vat_rule_name(c->vat));

	if (fc && fc->nlimits) {
		json_t *limits = json_object();
		char buf[64];
		for (int i = 0; i < fc->nlimits; i++)
			json_object_set_new(limits, fc->limits[i].rank,
					    json_string(money_format(fc->limits[i].fen, buf, sizeof(buf), 0)));
		json_object_set_new(j, "limits", limits);
	}
	return j;
}

static int cmd_forms(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct category_set cats = { 0 };
	struct form_set set = { 0 };
	const char *lang = app_language(app);
	int ret = CMD_FAIL;

	if (parse_opts("forms", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "forms");
		return CMD_USAGE;
	}
	if (store_categories_load(app->store, &cats) ||
	    store_forms_load(app->store, app->forms_dir, &set, NULL, 0) < 0) {
		fprintf(err, _("bursar: forms: cannot read the forms or categories\n"));
		goto out;
	}
	if (v.json) {
		json_t *j = json_object(), *forms = json_array(), *all = json_array();
		for (int i = 0; i < set.n; i++) {
			const struct form *f = &set.forms[i];
			json_t *fields = json_array(), *fcats = json_array();
			for (int k = 0; k < f->nfields; k++)
				json_array_append_new(fields, field_json(&f->fields[k], lang));
			for (int k = 0; k < f->ncategories; k++)
				json_array_append_new(
				    fcats, category_json(category_find(cats.items, cats.n, f->categories[k].code),
							 &f->categories[k], lang));
			json_array_append_new(forms,
					      json_pack("{s:s, s:s, s:o, s:o}", "form", f->id, "title",
							form_title(f, lang), "fields", fields, "categories", fcats));
		}
		for (int i = 0; i < cats.n; i++)
			json_array_append_new(all, category_json(&cats.items[i], NULL, lang));
		json_object_set_new(j, "forms", forms);
		json_object_set_new(j, "categories", all);
		ret = print_json(j, out);
		goto out;
	}
	for (int i = 0; i < set.n; i++) {
		const struct form *f = &set.forms[i];
		char title[160];
		text_fit(title, sizeof(title), form_title(f, lang), 24, 1, 1);
		fprintf(out, "%-16s %s  ", f->id, title);
		for (int k = 0; k < f->ncategories; k++)
			fprintf(out, "%s%s", k ? ", " : "", f->categories[k].code);
		fputc('\n', out);
	}
	ret = CMD_OK;
out:
	form_set_release(&set);
	category_set_release(&cats);
	return ret;
}

/* ---- invoices ---- */

/*
 * Reads one invoice from a JSON object: {"kind": ..., "number": ..., "seller":
 * {"name": ..., "tax_id": ...}, "buyer": {...}, "total": "436.00", ...}.  Every
 * value is a string; amounts are decimal strings.  On error msg names the
 * field, prefixed with path ("lines[2].invoice.").
 */
int invoice_from_json(json_t *root, const char *path, struct invoice *inv, char *msg, size_t size)
{
	static const char *const parties[] = { "seller", "buyer" };
	struct invoice_input in;
	const char *key, *why = NULL, *field = NULL;
	json_t *v;

	invoice_input_init(&in);
	if (!json_is_object(root)) {
		snprintf(msg, size, _("field `%s`: must be an object"), *path ? path : "invoice");
		return -1;
	}
	json_object_foreach(root, key, v)
	{
		int rc;
		if (!strcmp(key, "seller") || !strcmp(key, "buyer"))
			continue;
		if (!json_is_string(v)) {
			snprintf(msg, size, _("field `%s%s` must be a string"), path, key);
			return -1;
		}
		rc = invoice_input_set(&in, key, json_string_value(v), &why);
		if (rc == BR_ERR_NOT_FOUND) {
			snprintf(msg, size, _("unknown field `%s%s`"), path, key);
			return -1;
		}
		if (rc) {
			snprintf(msg, size, _("field `%s%s`: %s (\"%s\")"), path, key, _(why), json_string_value(v));
			return -1;
		}
	}
	for (size_t p = 0; p < ARRAY_SIZE(parties); p++) {
		json_t *party = json_object_get(root, parties[p]);
		const char *names[2] = { "name", "tax_id" };
		if (party && !json_is_object(party)) {
			snprintf(msg, size, _("field `%s%s` must be an object with name and tax_id"), path, parties[p]);
			return -1;
		}
		for (int k = 0; party && k < 2; k++) {
			char flat[32];
			v = json_object_get(party, names[k]);
			if (!v)
				continue;
			snprintf(flat, sizeof(flat), "%s_%s", parties[p], names[k]);
			if (!json_is_string(v) || invoice_input_set(&in, flat, json_string_value(v), &why)) {
				snprintf(msg, size, _("field `%s%s.%s`: %s"), path, parties[p], names[k],
					 json_is_string(v) ? _(why) : _("must be a string"));
				return -1;
			}
		}
	}
	if (invoice_input_finish(&in, &field, &why)) {
		snprintf(msg, size, _("field `%s%s`: %s"), path, field, _(why));
		return -1;
	}
	*inv = in.inv;
	return 0;
}

/* Reads one JSON object from the command's stdin; NULL after a message. */
json_t *read_json_object(struct app *app, const char *cmd, FILE *err)
{
	json_error_t jerr;
	json_t *root = json_loadf(app->in ? app->in : stdin, JSON_REJECT_DUPLICATES, &jerr);

	if (!root || !json_is_object(root)) {
		fprintf(err, _("bursar: %s: stdin is not a JSON object (line %d: %s)\n"), cmd, root ? 1 : jerr.line,
			root ? "not an object" : jerr.text);
		json_decref(root);
		return NULL;
	}
	return root;
}

static int read_invoice(struct app *app, struct invoice *inv, FILE *err)
{
	char msg[BR_MSG_MAX];
	json_t *root = read_json_object(app, "invoice add", err);
	int ret = -1;

	if (!root)
		return -1;
	if (invoice_from_json(root, "", inv, msg, sizeof(msg)))
		fprintf(err, "bursar: invoice add: %s\n", msg);
	else
		ret = 0;
	json_decref(root);
	return ret;
}

static int cmd_invoice_add(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct finding f[INVOICE_MAX_FINDINGS];
	struct invoice_holder holder;
	struct invoice inv;
	char today[11], key[64], msg[64], tax[32];
	int64_t id = 0;
	int n, ret;

	if (parse_opts("invoice add", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "invoice add");
		return CMD_USAGE;
	}
	if (read_invoice(app, &inv, err))
		return CMD_FAIL;
	date_today(today);
	n = invoice_validate(&inv, today, app->cfg->company.name, app->cfg->company.tax_id, f, INVOICE_MAX_FINDINGS);
	for (int i = 0; i < n; i++)
		fprintf(err, "bursar: invoice add: %s `%s`: %s\n",
			f[i].level == FINDING_ERROR ? _("error in") : _("warning:"), f[i].field, _(f[i].message));
	if (findings_have_error(f, n))
		return CMD_FAIL;
	invoice_dedup_key(inv.code, inv.number, key, sizeof(key));
	ret = store_invoice_add(app->store, &inv, app->user->uid, &id, &holder);
	if (ret == BR_ERR_CONFLICT && holder.claim[0]) {
		fprintf(err,
			_("bursar: invoice add: invoice %s is already on claim %s (registered by %s); an invoice "
			  "can be reimbursed only once\n"),
			key, holder.claim, holder.owner);
		return CMD_FAIL;
	}
	if (ret == BR_ERR_CONFLICT) {
		fprintf(err,
			_("bursar: invoice add: invoice %s is already registered (#%lld, by %s, %.10s); an invoice "
			  "can be reimbursed only once\n"),
			key, (long long)holder.id, holder.owner, holder.created_at);
		return CMD_FAIL;
	}
	if (ret) {
		fprintf(err, _("bursar: invoice add: could not save (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	if (v.json) {
		json_t *warnings = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(warnings,
					      json_pack("{s:s, s:s}", "field", f[i].field, "message", _(f[i].message)));
		return print_json(json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)id, "key", key, "total",
					    money_format(inv.total, msg, sizeof(msg), 0), "tax",
					    money_format(inv.tax, tax, sizeof(tax), 0), "status", "registered",
					    "warnings", warnings),
				  out);
	}
	fprintf(out, _("Registered invoice #%lld (%s), total %s\n"), (long long)id, key,
		money_format(inv.total, msg, sizeof(msg), MONEY_GROUP | MONEY_SYMBOL));
	return CMD_OK;
}

struct invoice_print {
	FILE *out;
	json_t *arr;
};

static int invoice_print_one(const struct invoice *inv, const struct invoice_holder *h, void *arg)
{
	struct invoice_print *p = arg;
	char key[64], total[32], tax[32], seller[64];

	invoice_dedup_key(inv->code, inv->number, key, sizeof(key));
	money_format(inv->total, total, sizeof(total), 0);
	money_format(inv->tax, tax, sizeof(tax), 0);
	if (p->arr) {
		json_array_append_new(
		    p->arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s?}", "id", (json_int_t)h->id,
				      "key", key, "kind", invoice_kind_name(inv->kind), "date", inv->date, "seller",
				      inv->seller_name, "total", total, "tax", tax, "rate_bp", inv->rate_bp, "owner",
				      h->owner, "claim", h->claim[0] ? h->claim : NULL));
		return 0;
	}
	text_fit(seller, sizeof(seller), inv->seller_name[0] ? inv->seller_name : "-", 20, 1, 1);
	fprintf(p->out, "%5lld  %s  %-15s %-26s %s %12s  %-10s %s\n", (long long)h->id, inv->date,
		invoice_kind_name(inv->kind), key, seller, total, h->owner, h->claim[0] ? h->claim : "-");
	return 0;
}

static int cmd_invoice_list(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
					      { "all", no_argument, NULL, 'a' },
					      { NULL, 0, NULL, 0 } };
	const unsigned see_all = ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR);
	struct opt_values v = { 0 };
	struct invoice_print p = { out, NULL };
	int ret;

	if (parse_opts("invoice list", argc, argv, opts, &v, err) < 0) {
		usage_line(err, "invoice list");
		return CMD_USAGE;
	}
	if (v.all && !(app->user->roles & see_all)) {
		fprintf(err, _("bursar: invoice list: --all is for finance, admins and auditors\n"));
		return CMD_FAIL;
	}
	if (v.json)
		p.arr = json_array();
	ret = store_invoice_list(app->store, v.all ? NULL : app->user->uid, invoice_print_one, &p);
	if (ret) {
		json_decref(p.arr);
		fprintf(err, _("bursar: invoice list: cannot read invoices (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	return p.arr ? print_json(p.arr, out) : CMD_OK;
}

/* One problem of an import, reported per row. */
void import_problem(FILE *err, json_t *arr, int row, int line, const char *field, const char *message)
{
	if (arr)
		json_array_append_new(arr, json_pack("{s:i, s:i, s:s, s:s}", "row", row, "line", line, "field",
						     field ? field : "", "message", message));
	else
		fprintf(err, _("row %d (line %d): %s%s%s\n"), row, line, field ? field : "", field ? ": " : "",
			message);
}

json_t *import_problems(FILE *err, bool json, const struct import_problem *p, int n)
{
	json_t *arr = json ? json_array() : NULL;

	for (int i = 0; i < n; i++)
		import_problem(err, arr, p[i].row, p[i].line, p[i].column[0] ? p[i].column : NULL, p[i].message);
	return arr;
}

char *import_input(struct app *app, const char *name, size_t *len, FILE *err)
{
	char *data = stream_read_all(app->in ? app->in : stdin, IMPORT_MAX_BYTES, len);

	if (*len > IMPORT_MAX_BYTES) {
		fprintf(err, _("bursar: %s: the file is larger than %u MiB\n"), name, IMPORT_MAX_BYTES >> 20);
		free(data);
		return NULL;
	}
	return data ? data : xstrdup("");
}

static int cmd_invoice_import(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct csv_table t = { 0 };
	struct invoice *invs = NULL;
	struct invoice_holder holder;
	const char *keys[64] = { 0 };
	char msg[BR_MSG_MAX], today[11];
	json_t *problems = NULL;
	size_t len = 0;
	char *data = NULL;
	int nproblems = 0, n = 0, failed = -1, ret = CMD_FAIL, rc;

	if (parse_opts("invoice import", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "invoice import");
		return CMD_USAGE;
	}
	if (v.json)
		problems = json_array();
	data = stream_read_all(app->in ? app->in : stdin, IMPORT_MAX_BYTES, &len);
	if (len > IMPORT_MAX_BYTES) {
		fprintf(err, _("bursar: invoice import: the file is larger than %u MiB\n"), IMPORT_MAX_BYTES >> 20);
		goto out;
	}
	if (csv_table_parse(data, len, &t, msg, sizeof(msg))) {
		fprintf(err, _("bursar: invoice import: not a readable CSV file: %s\n"), msg);
		goto out;
	}
	if (t.nrows < 2 || t.nrows > IMPORT_MAX_ROWS + 1 || t.rows[0].nfields > 64) {
		fprintf(err, _("bursar: invoice import: expected a header row and 1 to %d invoices\n"),
			IMPORT_MAX_ROWS);
		goto out;
	}
	for (int c = 0; c < t.rows[0].nfields; c++) {
		keys[c] = invoice_column_key(str_trim(t.rows[0].fields[c]));
		if (!keys[c]) {
			fprintf(err, _("bursar: invoice import: unknown column `%s` in the header\n"),
				t.rows[0].fields[c]);
			goto out;
		}
	}
	invs = xcalloc((size_t)t.nrows, sizeof(*invs));
	date_today(today);
	for (int r = 1; r < t.nrows; r++) {
		const struct csv_row *row = &t.rows[r];
		struct finding f[INVOICE_MAX_FINDINGS];
		struct invoice_input in;
		const char *why = NULL, *field = NULL;
		bool bad = false;

		invoice_input_init(&in);
		if (row->nfields != t.rows[0].nfields) {
			snprintf(msg, sizeof(msg), _("%d columns, the header has %d"), row->nfields, t.rows[0].nfields);
			import_problem(err, problems, r, row->line, NULL, msg);
			nproblems++;
			continue;
		}
		for (int c = 0; c < row->nfields; c++)
			if (invoice_input_set(&in, keys[c], str_trim(row->fields[c]), &why)) {
				import_problem(err, problems, r, row->line, keys[c], _(why));
				bad = true;
			}
		if (!bad && invoice_input_finish(&in, &field, &why)) {
			import_problem(err, problems, r, row->line, field, _(why));
			bad = true;
		}
		if (!bad) {
			int nf = invoice_validate(&in.inv, today, app->cfg->company.name, app->cfg->company.tax_id, f,
						  INVOICE_MAX_FINDINGS);
			for (int i = 0; i < nf; i++)
				if (f[i].level == FINDING_ERROR) {
					import_problem(err, problems, r, row->line, f[i].field, _(f[i].message));
					bad = true;
				}
			for (int k = 0; k < n && !bad; k++)
				if (!strcmp(invs[k].code, in.inv.code) && !strcmp(invs[k].number, in.inv.number)) {
					import_problem(err, problems, r, row->line, "number",
						       _("the same invoice appears twice in this file"));
					bad = true;
				}
		}
		nproblems += bad;
		if (!bad)
			invs[n++] = in.inv;
	}
	if (nproblems == 0) {
		rc = store_invoice_import(app->store, invs, n, app->user->uid, &failed, &holder);
		if (rc == BR_ERR_CONFLICT) {
			char key[64];
			invoice_dedup_key(invs[failed].code, invs[failed].number, key, sizeof(key));
			snprintf(msg, sizeof(msg), _("invoice %s is already registered (#%lld, by %s)"), key,
				 (long long)holder.id, holder.owner);
			/* every row was valid, so row index == invoice index + 1 */
			import_problem(err, problems, failed + 1, t.rows[failed + 1].line, "number", msg);
			nproblems++;
		} else if (rc) {
			fprintf(err, _("bursar: invoice import: could not save (%s)\n"), br_strerror(rc));
			goto out;
		}
	}
	if (v.json)
		print_json(json_pack("{s:b, s:i, s:i, s:O}", "imported", nproblems == 0, "rows", t.nrows - 1,
				     "invoices", nproblems ? 0 : n, "problems", problems),
			   out);
	if (nproblems) {
		fprintf(err, _("bursar: invoice import: nothing imported: %d of %d rows have problems\n"), nproblems,
			t.nrows - 1);
		goto out;
	}
	if (!v.json)
		fprintf(out, _("Imported %d invoices\n"), n);
	ret = CMD_OK;
out:
	json_decref(problems);
	csv_table_free(&t);
	free(invs);
	free(data);
	return ret;
}
