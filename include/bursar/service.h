/*
 * service.h - the claim use cases both front ends call: the full-screen
 * editor and the scripted commands go through the same checks, ownership
 * rules and storage, so neither can do what the other refuses.
 *
 * Every function returns BR_OK or a br_err with a message a person can act
 * on in msg (in the session's language).
 */
#ifndef BURSAR_SERVICE_H
#define BURSAR_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bursar/app.h"
#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/form.h"
#include "bursar/ledger.h"
#include "bursar/store.h"

/* Loads the claim forms (problems are logged, the good forms still load). */
int service_forms_load(struct app *app, struct form_set *forms);

/*
 * Runs every check on c (claim_check) with what it needs from the store:
 * the categories and the claimant's other claims.  Returns the number of
 * blocking findings, or a negative br_err (an unknown form).
 */
int service_claim_review(struct app *app, const struct form_set *forms, struct claim *c, char *msg, size_t size);

/*
 * Saves c as app->user's draft: created when c->id is 0, else replaced.
 * Reviews it first; strict refuses any validation error (scripts: nothing
 * half-made is created), otherwise only invalid invoices are refused (the
 * editor saves work in progress).  Policy findings never stop a draft.
 */
int service_claim_save(struct app *app, const struct form_set *forms, struct claim *c, bool strict, char *msg,
		       size_t size);

/*
 * Loads claim ref ("BX202611-0001" or an id) if app->user may see it: their
 * own, or anyone's for finance, admins and auditors.
 */
int service_claim_load(struct app *app, const char *ref, struct claim *c, char *msg, size_t size);

/*
 * Submits the caller's draft after a fresh review; BR_ERR_INVALID with the
 * findings left in c when any of them blocks.  The form's workflow is
 * resolved against the directory and stored with the claim (a returned
 * claim resumes at the step that returned it); a workflow that cannot be
 * resolved stops the submission with a message.  c receives the claim.
 */
int service_claim_submit(struct app *app, const struct form_set *forms, const char *ref, struct claim *c, char *msg,
			 size_t size);
/* Takes the caller's submitted claim back to draft. */
int service_claim_withdraw(struct app *app, const char *ref, struct claim *c, char *msg, size_t size);
/* Deletes the caller's draft. */
int service_claim_delete(struct app *app, const char *ref, char *msg, size_t size);

/*
 * Stores the file read from in (at most [attachments] max_kib) as an
 * attachment named name of the caller's draft ref, on line (0 = the whole
 * claim).  The type must be pdf, jpg, png, ofd or xml by both name and
 * content.  Content is kept once under data_dir/attachments by SHA-256.
 */
int service_attach(struct app *app, const char *ref, const char *name, int line, FILE *in, struct claim_attachment *out,
		   char *msg, size_t size);

/* ---- approvals ---- */

/*
 * Resolves form's workflow for claim c (its owner is the caller) against
 * the directory: the steps and approvers, or *auto_rule when a rule
 * approves it at once.  A message for the claimant when it cannot.
 */
int service_workflow_resolve(struct app *app, const struct form *form, const struct claim *c,
			     struct wf_resolved *steps, int *nsteps, char *auto_rule, size_t auto_size, char *msg,
			     size_t size);

/*
 * Approves, rejects or returns claim ref as the caller (comment required
 * for reject and return); task names the task the person saw, or 0.  Exactly one of concurrent actions on a task
 * wins; the others get BR_ERR_CONFLICT and "already approved by X".
 */
int service_claim_act(struct app *app, const char *ref, int64_t task, enum task_action a, const char *comment,
		      struct act_result *r, char *msg, size_t size);
/* Hands the caller's task on ref to person (转交). */
int service_task_transfer(struct app *app, const char *ref, const char *person, const char *comment,
			  struct act_result *r, char *msg, size_t size);
/* Adds person as an approver right after the caller's step (加签). */
int service_add_approver(struct app *app, const char *ref, const char *person, const char *comment,
			 struct act_result *r, char *msg, size_t size);
/* Out of office: the caller's tasks go to person from..to (YYYY-MM-DD, inclusive). */
int service_delegate_set(struct app *app, const char *person, const char *from, const char *to, char *msg,
			 size_t size);

/* Approval turnaround per step and per approver (finance and admins). */
struct turnaround_row {
	bool by_step;     /* a step's figures, else an approver's */
	char key[128];    /* the step name or the approver's uid */
	int count;
	int64_t median_s; /* seconds */
	int64_t p90_s;
};
int service_turnaround(struct app *app, struct turnaround_row **rows, int *n, char *msg, size_t size);

/* One pass of the reminder job: escalates overdue tasks; *moved counts them. */
int service_escalate_once(const struct config *cfg, struct store *s, int *moved);
/* The reminder job's loop (never returns until the listener is gone). */
void service_reminder_loop(const struct config *cfg);

/* Whether the person may see everyone's claims (finance, admins, auditors). */
bool service_sees_all(const struct app *app);

/* ---- budgets ---- */

/* A list of departments (or projects); ptrs point into items. */
struct dept_list {
	char (*items)[128];
	const char **ptrs;
	int n;
	bool all; /* the caller sees every department */
};
void dept_list_release(struct dept_list *l);
bool dept_list_has(const struct dept_list *l, const char *department);
/*
 * The departments whose figures the caller may see: every one for
 * finance, admins and auditors; else their own and those of the claims
 * they approve or approved.
 */
int service_visible_departments(struct app *app, struct dept_list *l);

/* Whether the caller may create and change budgets (finance, admins). */
bool service_budget_may_manage(const struct app *app);
/* The budget nodes the caller may see, of period's time when period is not NULL or "". */
int service_budget_list(struct app *app, const char *period, struct budget_node **nodes, int *n, char *msg,
			size_t size);
int service_budget_get(struct app *app, int64_t id, struct budget_node *node, char *msg, size_t size);

/* A budget to set, as typed: NULL or "" leaves a value as it is (frozen: -1). */
struct budget_input {
	const char *department, *project, *category, *period;
	const char *amount, *mode, *overrun;
	int frozen;
};
/*
 * Creates the node with in's dimensions and period (amount required; mode
 * block unless given) or changes it (a reason required).  out gets the
 * stored node.
 */
int service_budget_set(struct app *app, const struct budget_input *in, const char *reason, struct budget_node *out,
		       bool *created, char *msg, size_t size);
int service_budget_freeze(struct app *app, int64_t id, bool frozen, const char *reason, char *msg, size_t size);

/* A row of an import that cannot be taken, and why. */
struct import_problem {
	int row; /* 1-based data row */
	int line; /* line in the file */
	char column[32];
	char message[BR_MSG_MAX];
};
struct budget_import {
	int rows, nnodes, created;
	struct import_problem *problems;
	int nproblems;
};
/*
 * Imports budgets from CSV (UTF-8 or GBK; columns department, project,
 * category, period, amount, mode, overrun, frozen, reason, in English or
 * Chinese): every row, or none with a problem per bad row in r.
 */
int service_budget_import(struct app *app, const char *data, size_t len, const char *reason, struct budget_import *r,
			  char *msg, size_t size);
void budget_import_release(struct budget_import *r);

/* What a claim line leaves in its budget node. */
struct budget_line_view {
	int node; /* -1: no budget node counts this line */
	char label[300];
	char period[BUDGET_PERIOD_MAX];
	enum budget_mode mode;
	bool frozen;
	bool over_limit; /* this line takes the node past its limit */
	int64_t left; /* the node's balance after this claim's lines up to this one */
};
/* The node each of c's lines hits and its balance left (v has c->nlines entries). */
int service_budget_preview(struct app *app, const struct claim *c, struct budget_line_view *v);
/* Replaces a draft's "budget" findings with the budgets' verdicts now; returns how many block. */
int service_budget_review(struct app *app, struct claim *c);

struct spend_list {
	char period[BUDGET_PERIOD_MAX], from[11], to[11];
	struct spend_row *rows;
	int n;
	bool all; /* every department counted, else only the visible ones */
};
/* Spend in period grouped by by, over the departments the caller may see. */
int service_spend(struct app *app, enum spend_by by, const char *period, struct spend_list *out, char *msg,
		  size_t size);
void spend_list_release(struct spend_list *l);

/* ---- payments ---- */

struct payment_result {
	int64_t batch;
	int64_t total;
	int npayments;
};
/*
 * Pays exported claims (refs[0..n), or every exported claim when all) in
 * one batch under the bank's reference, dated date; finance and admins.
 */
int service_payment_create(struct app *app, char **refs, int n, bool all, const char *bank_ref, const char *date,
			   struct payment_result *r, char *msg, size_t size);
/* The exported claims that wait for payment (free *list). */
int service_exported_claims(struct app *app, struct claim_summary **list, int *n);

/* One line of a bank statement and what it matched. */
struct statement_item {
	int row, line;
	char date[32];
	int64_t amount; /* fen, without its sign */
	char reference[256];
	bool matched, batch; /* matched a whole batch, else a single payment */
	char what[128];      /* the batch's bank reference or the claim number */
	char problem[128];   /* why the line could not be read, "" if it could */
};
struct reconcile_report {
	int lines, matched;
	struct statement_item *items;
	int nitems;
	struct open_payment *open; /* batches no line matched */
	int nopen;
};
/*
 * Matches a bank statement (CSV: date, amount, reference; or 日期, 金额,
 * 摘要) to the payments not reconciled yet and records the matches.
 */
int service_reconcile(struct app *app, const char *data, size_t len, struct reconcile_report *r, char *msg,
		      size_t size);
void reconcile_report_release(struct reconcile_report *r);

/* ---- the account mapping and the exporter's settings ---- */

/* Each category's account and the exporter's settings in force ([export] under what finance set). */
int service_accounts(struct app *app, struct category_set *cats, struct voucher_settings *set, char *msg,
		     size_t size);
/* Sets a category's account, or one of payable, input_vat, bank, advance (finance, admins). */
int service_account_set(struct app *app, const char *code, const char *account, const char *name, char *msg,
			size_t size);
struct accounts_import {
	int rows, n;
	struct import_problem *problems;
	int nproblems;
};
/* CSV (code, account, name; or 类别, 科目编码, 科目名称): all rows or none, a problem per bad row. */
int service_accounts_import(struct app *app, const char *data, size_t len, struct accounts_import *r, char *msg,
			    size_t size);
void accounts_import_release(struct accounts_import *r);
/* Sets one of the exporter's settings (voucher_setting_keys), checked. */
int service_export_setting_set(struct app *app, const char *key, const char *value, char *msg, size_t size);

/* ---- advances ---- */

struct advance_list {
	struct advance_balance *v;
	int n;
};
/* Open advances: everyone's for finance, admins and auditors, else the caller's own. */
int service_advance_list(struct app *app, struct advance_list *l, char *msg, size_t size);
void advance_list_release(struct advance_list *l);
/*
 * Records that person paid back amount (text, yuan) of their advances under
 * the bank's reference ref; finance and admins.  Refused beyond what is
 * open; *open gets what stays open.
 */
int service_advance_repay(struct app *app, const char *person, const char *amount, const char *ref, const char *date,
			  int64_t *open, char *msg, size_t size);

#define DASH_TREND 12
#define DASH_TOP 5
/* One department's or project's figures for a period. */
struct dashboard {
	char key[128];
	bool project;
	char period[BUDGET_PERIOD_MAX], from[11], to[11];
	bool has_budget;
	int64_t budget, committed, actual, available; /* of its top budget nodes */
	struct budget_node *nodes; /* its nodes in the period */
	int nnodes;
	int64_t spent; /* lines dated in the period, submitted or later */
	int64_t trend[DASH_TREND]; /* spend per month, the twelve months to the period's end */
	char trend_month[DASH_TREND][8];
	struct spend_row top_categories[DASH_TOP], top_people[DASH_TOP];
	int ntop_categories, ntop_people;
	int waiting, overdue; /* open approval tasks */
	int turnaround_count;
	int64_t turnaround_median, turnaround_p90; /* seconds */
};
/* The departments (or projects) the caller may open a dashboard for. */
int service_dashboard_keys(struct app *app, bool projects, struct dept_list *out);
int service_dashboard(struct app *app, bool project, const char *key, const char *period, struct dashboard *d,
		      char *msg, size_t size);
void dashboard_release(struct dashboard *d);

/* The expense categories, for choosing a budget's (release with category_set_release). */
int service_budget_categories(struct app *app, struct category_set *set, char *msg, size_t size);
/*
 * Node id's history, oldest first, and the claims charged to it, newest
 * first (free the arrays), for a caller who may see the node (see
 * service_budget_get): its department's figures already show per person
 * on the dashboard, so its claims are shown to the same people.
 */
int service_budget_changes(struct app *app, int64_t id, struct budget_change **changes, int *n, char *msg, size_t size);
int service_budget_claims(struct app *app, int64_t id, struct budget_claim_row **claims, int *n, char *msg,
			  size_t size);


/* ---- ledgers (台账) ---- */

/*
 * Loads the built-in ledgers and the templates in forms_dir/ledgers
 * (problems are logged; good templates still load) and makes sure each
 * template's table is there.
 */
int service_ledgers_load(struct app *app, struct ledger_set *set);
/* Ledgers the caller may view, in set order (up to max); returns how many. */
int service_ledgers_visible(struct app *app, const struct ledger_set *set, const struct ledger_template **out,
			    int max);
/* Ledger name (id or title) if the caller may view it; NOT_FOUND / DENIED with a message. */
int service_ledger_find(struct app *app, const struct ledger_set *set, const char *name,
			const struct ledger_template **t, char *msg, size_t size);
bool service_ledger_can_edit(struct app *app, const struct ledger_template *t);

/*
 * Parses and binds filter text for t into q (q->t set, conditions kept in
 * conds, which must hold LEDGER_FILTER_MAX).  BR_ERR_INVALID naming what
 * is wrong.  Sort, direction and cursor are left as the caller set them.
 */
int service_ledger_query(struct app *app, const struct ledger_template *t, const char *filter,
			 struct ledger_bound_cond *conds, struct ledger_query *q, char *msg, size_t size);
/* One page of q (see store_ledger_page); the caller must be allowed to view q->t. */
int service_ledger_page(struct app *app, const struct ledger_query *q, store_ledger_cb cb, void *arg, char *msg,
			size_t size);
int service_ledger_count(struct app *app, const struct ledger_query *q, int64_t *n, char *msg, size_t size);
int service_ledger_get(struct app *app, const struct ledger_template *t, int64_t id, struct ledger_record *r,
		       char *msg, size_t size);

/*
 * Saves r: added when r->id is 0, else written over the version it was
 * read at (r->version).  Values are checked and made canonical first (a
 * reference must name a live record of its ledger).  BR_ERR_CONFLICT when
 * someone saved first: c gets the newer versions, r is left as typed.
 */
int service_ledger_save(struct app *app, const struct ledger_template *t, struct ledger_record *r,
			struct ledger_conflict *c, char *msg, size_t size);
/* Soft delete (or restore) of record id read at version. */
int service_ledger_delete(struct app *app, const struct ledger_template *t, int64_t id, int version, bool restore,
			  struct ledger_conflict *c, char *msg, size_t size);
int service_ledger_history(struct app *app, const struct ledger_template *t, int64_t id, struct ledger_version **v,
			   int *n, char *msg, size_t size);
/*
 * Makes record id look as it did at version, as a new version ("rollback",
 * audited); out gets the record afterwards.
 */
int service_ledger_rollback(struct app *app, const struct ledger_template *t, int64_t id, int version,
			    struct ledger_record *out, char *msg, size_t size);

struct ledger_import {
	int rows, added;
	struct import_problem *problems;
	int nproblems;
};
/*
 * Adds records from CSV (UTF-8 or GBK; the header names fields by name or
 * label): every row, or none with a problem per bad cell in r.
 */
int service_ledger_import(struct app *app, const struct ledger_template *t, const char *data, size_t len,
			  struct ledger_import *r, char *msg, size_t size);
void ledger_import_release(struct ledger_import *r);
/*
 * Writes every record matching q (cursor and limit ignored) to out as CSV
 * (a header of labels in the session language) or xlsx ("csv" or "xlsx").
 * *rows gets how many.
 */
int service_ledger_export(struct app *app, const struct ledger_query *q, const char *format, FILE *out, int64_t *rows,
			  char *msg, size_t size);

/*
 * Files a requisition (an action of t that needs approval, e.g. 领用申请)
 * for quantity of record id: a claim that the action's workflow routes
 * through the approvals inbox; its final approval takes the quantity off
 * the record in the same transaction.  Refused when the record does not
 * have that much now.  c gets the claim (its number for the person).
 */
int service_ledger_request(struct app *app, const struct ledger_template *t, const struct ledger_action *a,
			   int64_t id, const char *quantity, const char *comment, struct claim *c, char *msg,
			   size_t size);

/*
 * Stores the file read from in (as `attach` does for claims) and makes it
 * the value of attachment field `field` of record id, read at version:
 * "NAME sha256:HASH", a new version.  CONFLICT as for a save.
 */
int service_ledger_attach(struct app *app, const struct ledger_template *t, int64_t id, int version, int field,
			  const char *name, FILE *in, struct ledger_record *out, struct ledger_conflict *c, char *msg,
			  size_t size);
/* Writes the file held by attachment field `field` of record id to out; *name gets its name. */
int service_ledger_file(struct app *app, const struct ledger_template *t, int64_t id, int field, FILE *out,
			char name[128], char *msg, size_t size);

/* ---- reminders ---- */

struct ledger_reminder {
	const struct ledger_template *t;
	const struct ledger_rule *rule;
	struct ledger_record record;
	char due[11]; /* date rules: the date; "" for threshold rules */
	int days; /* date rules: days from today (negative: passed) */
};
struct reminder_list {
	struct ledger_reminder *items;
	int n;
};
/*
 * The reminders due today in the ledgers the caller may edit (or, for
 * rules whose ledger they can only view, none): nearest first.
 */
int service_reminders(struct app *app, const struct ledger_set *set, struct reminder_list *out, char *msg,
		      size_t size);
void reminder_list_release(struct reminder_list *l);

#endif
