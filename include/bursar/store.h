/*
 * store.h - all persistent state, in one SQLite database in WAL mode.
 *
 * One struct store per process, opened after fork.  Every write runs in a
 * BEGIN IMMEDIATE transaction together with its audit entry, so a change
 * and its record land or fail together.  This header is the only interface
 * the rest of bursar has to SQL; a second backend implements it again.
 */
#ifndef BURSAR_STORE_H
#define BURSAR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bursar/audit.h"
#include "bursar/budget.h"
#include "bursar/category.h"
#include "bursar/claim.h"
#include "bursar/form.h"
#include "bursar/invoice.h"
#include "bursar/ledger.h"
#include "bursar/user.h"
#include "bursar/voucher.h"
#include "bursar/workflow.h"

struct store;

/* Opens (creating and migrating) the database; message on failure. */
int store_open(const char *path, bool synchronous_full, struct store **out, char *msg, size_t msg_size);
void store_close(struct store *s);
/* Schema version after migrations. */
int store_schema_version(struct store *s);

/*
 * Records a successful login: caches u's directory attributes, loads the
 * person's remembered preferences and previous login time into u, and
 * appends a "login.success" audit entry (detail: method and remote address).
 */
int store_user_login(struct store *s, struct user *u, const char *method, const char *remote);
/*
 * Remembers the name of someone who has not logged in yet (an approver
 * found in the directory), so lists can show it; a known person is left as is.
 */
int store_user_remember(struct store *s, const char *uid, const char *display_name);
/* Reads cached attributes of uid into u (no directory access); NOT_FOUND. */
int store_user_get(struct store *s, const char *uid, struct user *u);
/* Remembers a person's theme and/or language (NULL = unchanged), audited. */
int store_user_set_prefs(struct store *s, const char *uid, const char *theme, const char *language);

/* Appends an entry for an event that changes no other data (e.g. login failure). */
int store_audit_append(struct store *s, const char *actor, const char *action, const char *object, const char *detail);
typedef int (*store_audit_cb)(const struct audit_entry *e, void *arg);
/* Calls cb for up to limit entries with id < before (0 = newest), newest first. */
int store_audit_list(struct store *s, int64_t before, int limit, store_audit_cb cb, void *arg);
/*
 * Walks the whole chain in order.  Returns BR_OK with *count entries, or
 * BR_ERR_CORRUPT with *bad_id the first entry whose hash or link is wrong.
 */
int store_audit_verify(struct store *s, int64_t *count, int64_t *bad_id);

/* Who registered an invoice, when, and the claim it backs ("" if none). */
struct invoice_holder {
	int64_t id;
	char owner[USER_LOGIN_MAX + 1];
	char created_at[32];
	char claim[CLAIM_NUMBER_MAX];
};

/*
 * Registers a validated invoice for owner (audited).  BR_ERR_CONFLICT when
 * the same invoice (see invoice_dedup_key) is already registered by anyone;
 * holder (may be NULL) then says by whom and when.
 */
int store_invoice_add(struct store *s, const struct invoice *inv, const char *owner, int64_t *id,
		      struct invoice_holder *holder);
/*
 * Registers n invoices in one transaction: all of them, or (on the first
 * problem, whose index goes to *failed) none.
 */
int store_invoice_import(struct store *s, const struct invoice *invs, int n, const char *owner, int *failed,
			 struct invoice_holder *holder);
typedef int (*store_invoice_cb)(const struct invoice *inv, const struct invoice_holder *h, void *arg);
/* Invoices of owner (NULL = everyone's), newest date first. */
int store_invoice_list(struct store *s, const char *owner, store_invoice_cb cb, void *arg);

/*
 * Stores a new draft claim for c->owner: assigns c->id, c->number and the
 * times, registers each line's invoice (or links the owner's own registered,
 * unused one) and stores the findings, all in one audited transaction.
 * BR_ERR_CONFLICT when a line's invoice is registered by someone else or
 * backs another claim: *bad_line (1-based) and holder say which and where.
 */
int store_claim_create(struct store *s, struct claim *c, int *bad_line, struct invoice_holder *holder);
/*
 * Replaces a draft's title, values, lines and findings (as create does);
 * attachments follow their line by its origin, or go to the whole claim.
 * BR_ERR_DENIED if actor does not own it, BR_ERR_INVALID if it is no longer
 * a draft, BR_ERR_NOT_FOUND if there is no such claim.
 */
int store_claim_update(struct store *s, struct claim *c, const char *actor, int *bad_line,
		       struct invoice_holder *holder);
/* Resolves "BX202611-0001" or a numeric id to the claim's id; NOT_FOUND. */
int store_claim_find(struct store *s, const char *ref, int64_t *id);
/* Loads a whole claim (values, lines with invoices, findings, attachments). */
int store_claim_get(struct store *s, int64_t id, struct claim *c);
/*
 * Moves a claim along ev (see claim_transition) on behalf of actor,
 * storing findings when not NULL.  BR_ERR_INVALID (with *status the
 * current one) when ev is not allowed from the claim's status, NOT_FOUND.
 * Ownership is the caller's to check.
 */
int store_claim_transition(struct store *s, int64_t id, enum claim_event ev, const char *actor,
			   const struct claim *findings, enum claim_status *status);
/* Deletes a draft (its invoices stay registered to the owner, unused). */
int store_claim_delete(struct store *s, int64_t id, const char *actor);
typedef int (*store_claim_cb)(const struct claim_summary *c, void *arg);
/* Claims of owner (NULL = everyone's) with status (-1 = any), newest first. */
int store_claim_list(struct store *s, const char *owner, int status, store_claim_cb cb, void *arg);
/*
 * The other claims of owner (not exclude_id) for policy checks: trip dates
 * from field range_field ("" = none) and every line's date and amount.
 */
int store_claim_peers(struct store *s, const char *owner, int64_t exclude_id, const char *range_field,
		      struct claim_peer **peers, int *n);
void store_claim_peers_free(struct claim_peer *peers, int n);
/*
 * Records an attachment (its content already stored under its SHA-256),
 * audited.  DENIED for someone else's claim, INVALID when the claim is not
 * a draft or has no such line.
 */
int store_attachment_add(struct store *s, int64_t claim_id, const char *actor, struct claim_attachment *a);

/* ---- approvals ---- */

/* The budget node that stopped a submission, as it stood, and by how much. */
struct budget_refusal {
	struct budget_node node;
	struct budget_verdict verdict;
};

/*
 * Submits a draft with its findings: commits its lines against the budget
 * nodes they match (BR_ERR_LIMIT and *refused when a blocking or frozen
 * node would go over; findings gets the claim's budget findings), then
 * starts the resolved steps (or, for a
 * claim returned by an approver, resumes at the step that returned it,
 * with its approvers), or approves it at once when auto_rule is not empty.
 * *status gets the resulting status.  BR_ERR_INVALID when the claim is not
 * a draft; ownership is the caller's to check.
 */
int store_claim_submit(struct store *s, int64_t id, const char *actor, struct claim *findings,
		       const struct wf_resolved *steps, int nsteps, const char *auto_rule, enum claim_status *status,
		       struct budget_refusal *refused);

enum task_action { TASK_APPROVE, TASK_REJECT, TASK_RETURN };

/* The outcome of an approver's action, or why it did not happen. */
struct act_result {
	enum claim_status status;           /* the claim's status afterwards */
	char number[CLAIM_NUMBER_MAX];
	char step[128];                     /* the step acted on */
	char next[128];                     /* the step now active, "" if none */
	char on_behalf_of[USER_LOGIN_MAX + 1];
	char by[320];                       /* CONFLICT: who acted first, "王芳 (wangfang)" */
	char by_action[16];                 /* CONFLICT: what they did ("approved") */
};

/*
 * Acts on the open task actor holds on claim id (their own, or one of a
 * person who delegated to them today); task, when not 0, names the task
 * (the inbox row the person saw).  Without it, an actor who approved an
 * earlier step of this round gets CONFLICT (r->by_action "earlier"), so a
 * repeated command cannot run on into the next step.  One transaction: the first action
 * on a task wins; a later one gets BR_ERR_CONFLICT with r->by and
 * r->by_action.  BR_ERR_NOT_FOUND when actor holds no task on the claim,
 * BR_ERR_DENIED for the claimant.  Approving the last step approves the
 * claim; rejecting is final; returning sends it back to the claimant.
 */
int store_claim_act(struct store *s, int64_t id, int64_t task, const char *actor, const char *today,
		    enum task_action a, const char *comment, struct act_result *r);
/* Hands actor's open task on claim id to person (转交), audited. */
int store_task_transfer(struct store *s, int64_t id, const char *actor, const char *today, const char *person,
			const char *comment, struct act_result *r);
/* Adds person as an approver step right after the current one (加签), audited. */
int store_step_insert(struct store *s, int64_t id, const char *actor, const char *today, const char *person,
		      const char *comment, struct act_result *r);

/*
 * BR_OK when uid holds or held a task on claim id, or holds an open one for
 * someone who delegated to them today; else NOT_FOUND.
 */
int store_claim_involves(struct store *s, int64_t id, const char *uid, const char *today);

/* One open task as the inbox shows it. */
struct task_row {
	int64_t task_id, claim_id;
	char number[CLAIM_NUMBER_MAX];
	char form[FORM_ID_MAX];
	char title[CLAIM_TITLE_MAX * 4 + 1];
	char claimant[USER_LOGIN_MAX + 1];
	char claimant_name[256];
	char assignee[USER_LOGIN_MAX + 1]; /* not the reader: a delegated task */
	char step[128];
	int64_t total;
	char created_at[32], due_at[32];
	int nblocking, nwarnings;
};
typedef int (*store_task_cb)(const struct task_row *t, void *arg);
/* Open tasks of uid and of the people who delegated to uid today, oldest first. */
int store_inbox(struct store *s, const char *uid, const char *today, store_task_cb cb, void *arg);

/* One entry of a claim's timeline. */
struct claim_history_entry {
	char ts[32];
	char actor[USER_LOGIN_MAX + 1];
	char actor_name[256];
	char on_behalf_of[USER_LOGIN_MAX + 1];
	char action[24]; /* "submit", "approve", "return", ... */
	char step[128];
	char comment[4100]; /* comments are at most 4000 bytes */
};
typedef int (*store_event_cb)(const struct claim_history_entry *e, void *arg);
int store_claim_history(struct store *s, int64_t id, store_event_cb cb, void *arg);
/* The steps stored with a claim (name, mode, approvers, state). */
struct step_row {
	int seq;
	char name[128];
	enum wf_mode mode;
	char approvers[WF_MAX_APPROVERS * (USER_LOGIN_MAX + 1) + 1]; /* space-separated uids */
	char state[12];
	int sla_hours;
};
typedef int (*store_step_cb)(const struct step_row *st, void *arg);
int store_claim_steps(struct store *s, int64_t id, store_step_cb cb, void *arg);

/* Out of office: uid's tasks go to delegate from..to (inclusive), audited. */
int store_delegate_set(struct store *s, const char *uid, const char *delegate, const char *from, const char *to);
int store_delegate_clear(struct store *s, const char *uid);
/* uid's delegation; NOT_FOUND when none. */
int store_delegate_get(struct store *s, const char *uid, char delegate[USER_LOGIN_MAX + 1], char from[11],
		       char to[11]);

/* A decision on one of the person's claims, shown at their next login. */
struct notification {
	char ts[32];
	char claim[CLAIM_NUMBER_MAX];
	char action[24];
	char actor[USER_LOGIN_MAX + 1];
	char comment[4100];
};
typedef int (*store_notification_cb)(const struct notification *n, void *arg);
/* Calls cb for uid's unseen notifications, oldest first, and marks them seen. */
int store_notifications_take(struct store *s, const char *uid, store_notification_cb cb, void *arg);

/* A finished task, for turnaround figures. */
struct task_done {
	char step[128];
	char actor[USER_LOGIN_MAX + 1];
	int64_t seconds; /* from the task's creation to the action */
};
typedef int (*store_done_cb)(const struct task_done *t, void *arg);

/* Open tasks whose deadline passed before cutoff (an ISO time), for escalation. */
struct task_due {
	int64_t task_id, claim_id;
	char assignee[USER_LOGIN_MAX + 1];
	char owner[USER_LOGIN_MAX + 1]; /* the claimant */
	char number[CLAIM_NUMBER_MAX];
	char due_at[32];
};
typedef int (*store_due_cb)(const struct task_due *t, void *arg);
int store_tasks_overdue(struct store *s, const char *cutoff, store_due_cb cb, void *arg);
/*
 * BR_OK when uid holds an open task on claim id or approved a step of it
 * since it was last submitted (so cannot take another of its steps), else
 * NOT_FOUND.
 */
int store_claim_engaged(struct store *s, int64_t id, const char *uid);
/* Moves an overdue open task to person (the assignee's manager), audited; CONFLICT if no longer open. */
int store_task_escalate(struct store *s, int64_t task_id, const char *person);

/* ---- budgets ---- */

/* Every budget node, by id (free *nodes). */
int store_budget_nodes(struct store *s, struct budget_node **nodes, int *n);
/*
 * The nodes a claim of department with lines dated from..to can match: of
 * that department or of none, with a period overlapping from..to.
 */
int store_budget_nodes_for(struct store *s, const char *department, const char *from, const char *to,
			   struct budget_node **nodes, int *n);
int store_budget_get(struct store *s, int64_t id, struct budget_node *n);
/* The node with key's dimensions and period; NOT_FOUND. */
int store_budget_find(struct store *s, const struct budget_node *key, struct budget_node *out);
/*
 * Creates n (checked with budget_node_check) or, when a node with its
 * dimensions and period exists, sets that node's amount, mode, overrun and
 * frozen flag, with reason; audited, with an entry in the node's history.
 * A new node is charged with the claims already in its period.  n gets
 * the stored node.
 */
int store_budget_set(struct store *s, struct budget_node *n, const char *actor, const char *reason, bool *created);
/*
 * Sets n nodes in one transaction, each with its reason (reasons may be
 * NULL): all or (*failed = the index) none; *created counts new ones.
 */
int store_budget_import(struct store *s, struct budget_node *nodes, int n, const char *actor,
			const char *const *reasons, int *failed, int *created);
/* Freezes (no new commitments) or unfreezes node id, audited. */
int store_budget_freeze(struct store *s, int64_t id, bool frozen, const char *actor, const char *reason);

/* One entry of a node's history. */
struct budget_change {
	char ts[32];
	char actor[USER_LOGIN_MAX + 1];
	char action[16]; /* "create", "adjust", "freeze", "unfreeze" */
	int64_t old_amount, new_amount;
	char detail[300];
	char reason[512];
};
typedef int (*store_budget_change_cb)(const struct budget_change *c, void *arg);
int store_budget_changes(struct store *s, int64_t id, store_budget_change_cb cb, void *arg);

/* A claim charged to a node. */
struct budget_claim_row {
	char number[CLAIM_NUMBER_MAX];
	char owner[USER_LOGIN_MAX + 1];
	char owner_name[256];
	enum claim_status status;
	int64_t amount;
	bool actual; /* posted, else committed */
};
typedef int (*store_budget_claim_cb)(const struct budget_claim_row *r, void *arg);
/* The claims charged to node id, newest first. */
int store_budget_claims(struct store *s, int64_t id, store_budget_claim_cb cb, void *arg);

/* ---- reports ---- */

/*
 * Which claims a figure counts: lines dated from..to (NULL = any), of one
 * department, project or claimant (NULL = any), and only of the visible
 * departments when ndepartments >= 0.
 */
struct spend_scope {
	const char *from, *to;
	const char *department;
	const char *project;
	const char *owner;
	const char *const *departments;
	int ndepartments; /* -1: every department is visible */
};

/* Finished approval tasks of the claims in scope (NULL = all), for turnaround figures. */
int store_tasks_done(struct store *s, const struct spend_scope *sc, store_done_cb cb, void *arg);
/* Open approval tasks of the claims in scope, and how many are past due at now (ISO time). */
int store_tasks_count(struct store *s, const struct spend_scope *sc, const char *now, int *waiting, int *overdue);

enum spend_by { SPEND_DEPARTMENT, SPEND_CATEGORY, SPEND_PROJECT, SPEND_PERSON, SPEND_MONTH };
/*
 * Spend of one group: lines of claims submitted or later (drafts and
 * rejected claims spend nothing); committed while in approval or approved,
 * actual once exported or paid.
 */
struct spend_row {
	char key[256];  /* department, category code, project, uid or YYYY-MM */
	char name[256]; /* what to show: the category's or person's name */
	char name_en[256];
	int claims, lines;
	int64_t amount, deductible, committed, actual;
};
typedef int (*store_spend_cb)(const struct spend_row *r, void *arg);
/* Spend in scope grouped by by, largest first (by month: in month order). */
int store_spend(struct store *s, enum spend_by by, const struct spend_scope *sc, store_spend_cb cb, void *arg);

typedef int (*store_string_cb)(const char *value, void *arg);
/* Every department known (people, claims, budgets), in order. */
int store_departments(struct store *s, store_string_cb cb, void *arg);
/* Every project named on a claim or a budget, in order. */
int store_projects(struct store *s, store_string_cb cb, void *arg);
/* The departments of the claims uid holds or held an approval task on. */
int store_approver_departments(struct store *s, const char *uid, store_string_cb cb, void *arg);

/* ---- vouchers ---- */

/*
 * Makes the next batch in one transaction: up to max approved claims,
 * oldest first, each made into its voucher (voucher_from_claim with set,
 * posted on date), numbered on from the last number of its period and
 * 凭证字, stored line by line, and its claim marked exported with the
 * voucher's label (budget commitments become actual spend), all audited.
 * *batch is 0 when no claim waits.  A claim whose voucher cannot be made
 * (a category without an account) stays approved: *skipped counts them
 * and msg says why; BR_ERR_INVALID when no claim of the batch could be.
 */
int store_export_batch(struct store *s, const struct voucher_settings *set, const char *date, int max,
		       const char *actor, int64_t *batch, int *nvouchers, int *skipped, char *msg, size_t size);
/* A batch's time, settings and vouchers as they were made, in number order (free with store_vouchers_free). */
int store_export_load(struct store *s, int64_t batch, char created_at[32], struct voucher_settings *set,
		      struct voucher **vouchers, int *n);
void store_vouchers_free(struct voucher *v, int n);
/*
 * Records the file of batch in format (audited); writing it again must
 * give the same checksum, else BR_ERR_CORRUPT.
 */
int store_export_file_done(struct store *s, int64_t batch, const char *format, const char *path, const char *sha256,
			   int64_t bytes);
/* The recorded file of batch in format; NOT_FOUND. */
int store_export_file_get(struct store *s, int64_t batch, const char *format, char path[4096], char sha256[65],
			  int64_t *bytes);
/* The batches that have no file in format yet, oldest first (free *ids). */
int store_export_missing(struct store *s, const char *format, int64_t **ids, int *n);

struct export_batch_row {
	int64_t id;
	char created_at[32];
	char actor[USER_LOGIN_MAX + 1];
	int nvouchers;
	char first[48], last[48]; /* "2026-11 记-0001" */
	char formats[256];        /* the formats written, comma-separated */
};
typedef int (*store_batch_cb)(const struct export_batch_row *r, void *arg);
/* The batches (only = one id, or 0 for all), newest first. */
int store_export_batches(struct store *s, int64_t only, store_batch_cb cb, void *arg);

/* ---- payments ---- */

/*
 * Pays the n claims (ids) under bank reference ref on date, in one
 * audited transaction: all of them or none.  Each must be exported and
 * unpaid (else *bad is its index, bad_number its number and BR_ERR_INVALID
 * with *bad_status its status); a reference used before is BR_ERR_CONFLICT.
 * The claims become paid; the next export makes the batch's voucher.
 */
int store_payment_create(struct store *s, const int64_t *claims, int n, const char *ref, const char *date,
			 const char *actor, int64_t *batch, int64_t *total, int *bad, char bad_number[CLAIM_NUMBER_MAX],
			 enum claim_status *bad_status);

struct payment_batch_row {
	int64_t id;
	char created_at[32], date[11];
	char actor[USER_LOGIN_MAX + 1];
	char ref[128];
	int64_t total;
	int npayments;
	char voucher[48];       /* "" until exported */
	char reconciled_at[32]; /* the batch as a whole, "" if not */
	int nreconciled;        /* payments of it reconciled one by one */
};
typedef int (*store_payment_cb)(const struct payment_batch_row *r, void *arg);
/* The payment batches, newest first. */
int store_payment_batches(struct store *s, store_payment_cb cb, void *arg);

/* A batch, or one payment of a batch, that no statement line has matched yet. */
struct open_payment {
	bool batch;      /* a whole batch, else a single payment */
	int64_t id;
	int64_t batch_id; /* the batch (itself, for a batch) */
	char ref[128];   /* the batch's bank reference, or the claim number */
	int64_t amount;
	char date[11];
};
/* What is still to be matched: batches first (free *out). */
int store_payments_open(struct store *s, struct open_payment **out, int *n);
/* Records n matches (statements[i]: the statement line that matched), audited; CONFLICT if one was meanwhile. */
int store_reconcile(struct store *s, const struct open_payment *matched, const char *const *statements, int n,
		    const char *actor);

/* ---- the account mapping and the exporter's settings ---- */

/* Overlays the settings finance set (export settings) on set. */
int store_export_settings(struct store *s, struct voucher_settings *set);
/* Sets one setting (checked with voucher_settings_set by the caller), audited. */
int store_export_setting_set(struct store *s, const char *key, const char *value, const char *actor);

/* A category's account, or one of the exporter's accounts ("payable", ...). */
struct account_change {
	char code[33];     /* category code, or setting key */
	bool setting;      /* an exporter account or setting, else a category */
	bool plain;        /* a setting without a name: the value is in account */
	char account[80];
	char name[64];
};
/* Sets n accounts in one audited transaction: all or (*failed = the index) none. */
int store_accounts_set(struct store *s, const struct account_change *ch, int n, const char *actor, int *failed);

/* ---- advances ---- */

/*
 * Records that employee paid back amount of an advance under ref (the next
 * export makes its voucher), audited; *open gets what stays open.
 * BR_ERR_LIMIT when it is more than is open (the database refuses it),
 * CONFLICT when ref was used.
 */
int store_advance_repay(struct store *s, const char *employee, int64_t amount, const char *ref, const char *date,
			const char *actor, int64_t *open);

struct advance_balance {
	char employee[USER_LOGIN_MAX + 1];
	char name[256];
	int64_t advanced, claimed, returned; /* open = advanced - claimed - returned */
};
typedef int (*store_advance_cb)(const struct advance_balance *b, void *arg);
/* Every employee who was advanced money (or only employee), by uid. */
int store_advance_balances(struct store *s, const char *employee, store_advance_cb cb, void *arg);

/*
 * Loads the claim forms in dir with their categories checked against this
 * store's category table; returns form_set_load()'s result (-1: unreadable).
 */
int store_forms_load(struct store *s, const char *dir, struct form_set *set, char *errs, size_t errs_size);

/* Loads the whole category table into set (release with category_set_release). */
int store_categories_load(struct store *s, struct category_set *set);
typedef int (*store_category_cb)(const struct category *c, void *arg);
/* Calls cb for every expense category, by code; cb returns non-zero to stop. */
int store_category_list(struct store *s, store_category_cb cb, void *arg);


/*
 * A read transaction: everything read until store_read_end() sees the
 * database as it was at the first read (WAL), without holding up writers.
 */
int store_read_begin(struct store *s);
void store_read_end(struct store *s);

/* ---- ledgers (store_ledger.c) ---- */

/*
 * Makes t's table hold every field of t: created on first use, a field
 * added to the template adds its column and index (nothing is dropped).
 * Built-in ledgers are views made by the migrations.
 */
int store_ledger_ensure(struct store *s, const struct ledger_template *t);

typedef int (*store_ledger_cb)(const struct ledger_record *r, void *arg);
/* One page of q in display order; cb returns non-zero to stop. */
int store_ledger_page(struct store *s, const struct ledger_query *q, store_ledger_cb cb, void *arg);
/*
 * How many records match q's conditions (cursor and limit ignored): kept
 * per ledger when there are none, else counted, up to q->count_cap when
 * it is set (a filter matching half a million records need not be
 * counted to show its first page).
 */
int store_ledger_count(struct store *s, const struct ledger_query *q, int64_t *n);
/* Record id (deleted or not); NOT_FOUND when none. */
int store_ledger_get(struct store *s, const struct ledger_template *t, int64_t id, struct ledger_record *r);

/* BR_OK when ledger (an id) has a live record id, else NOT_FOUND. */
int store_ledger_exists(struct store *s, const char *ledger, int64_t id);

/*
 * What stopped a save: the record's version now, and the versions after
 * the one the person read (who, when, which fields).  Release with
 * ledger_conflict_release().
 */
struct ledger_conflict {
	int version;
	struct ledger_version *newer;
	int nnewer;
};
void ledger_conflict_release(struct ledger_conflict *c);

/*
 * Adds r (its id and version set on return), a version 1 with every
 * non-empty value as a change, audited.  action is "add" or "import".
 */
int store_ledger_add(struct store *s, const struct ledger_template *t, struct ledger_record *r, const char *actor,
		     const char *action);
/*
 * Writes r over record r->id if it is still at r->version; the changed
 * fields become version r->version + 1 (r->version is updated), audited.
 * BR_ERR_CONFLICT with c filled (when c is not NULL) when someone saved
 * first; BR_ERR_NOT_FOUND when there is no such record; nothing changed is
 * not an error and adds no version.  action is "edit" or "rollback", note
 * free text for the history ("to version 3").
 */
int store_ledger_update(struct store *s, const struct ledger_template *t, struct ledger_record *r, const char *actor,
			const char *action, const char *note, struct ledger_conflict *c);
/*
 * Deletes (softly) or restores record id at version, as a new version;
 * CONFLICT as above, INVALID when it is already deleted (or not).
 */
int store_ledger_delete(struct store *s, const struct ledger_template *t, int64_t id, int version, bool restore,
			const char *actor, struct ledger_conflict *c);
/* Every version of record id, oldest first (release with ledger_versions_release). */
int store_ledger_history(struct store *s, const struct ledger_template *t, int64_t id, struct ledger_version **v,
			 int *n);
/* The record as it was at version (values only; NOT_FOUND when no such version). */
int store_ledger_at(struct store *s, const struct ledger_template *t, int64_t id, int version, struct ledger_record *r);
/*
 * Adds all n records in one transaction, or none: the first one that
 * cannot be stored stops it (*failed its index).  One audit entry.
 */
int store_ledger_import(struct store *s, const struct ledger_template *t, struct ledger_record *recs, int n,
			const char *actor, int *failed);
/*
 * Files a requisition: claim c (a draft the caller made with
 * store_claim_create) asks for quantity of record id's `field` in ledger
 * t; when the claim is finally approved, the quantity comes off the field
 * in the approving transaction.
 */
int store_ledger_request(struct store *s, int64_t claim_id, const struct ledger_template *t, int64_t id,
			 const char *action, const char *field, int64_t quantity);

/*
 * Records of t that rule r makes due on today (YYYY-MM-DD), nearest date
 * or lowest quantity first, at most limit.
 */
int store_ledger_due(struct store *s, const struct ledger_template *t, const struct ledger_rule *r,
		     const struct ledger_bound_cond *where, int nwhere, const char *today, int limit,
		     store_ledger_cb cb, void *arg);

#endif
