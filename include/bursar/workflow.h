/*
 * workflow.h - approval workflows, declared in Markdown next to the forms
 * (forms/workflows/NAME.md, syntax in forms/README.md), and their
 * resolution for one claim into the concrete steps and approvers stored
 * with it at submission.
 *
 *   # 标准审批 | Standard approval
 *
 *   ```step
 *   name: 小额免审 | Small amounts
 *   approver: auto
 *   when: total <= 200.00, no findings
 *   ```
 *
 *   ```step
 *   name: 直属上级 | Manager
 *   approver: manager
 *   sla: 24
 *   ```
 *
 * Approvers: `auto`, `manager`, `manager N` (N levels up), `any ROLE`
 * (或签: the first action decides), `all ROLE` (会签: everyone approves),
 * `person UID`, `head` (the department head from [department_heads]).
 * Conditions (all must hold): `total OP AMOUNT` (OP one of < <= > >= =),
 * `category CODE`, `department NAME`, `project NAME`, `findings`,
 * `no findings`, `blocking`... see workflow_parse().
 */
#ifndef BURSAR_WORKFLOW_H
#define BURSAR_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bursar/form.h"
#include "bursar/role.h"
#include "bursar/user.h"

#define WF_MAX_STEPS 16
#define WF_MAX_CONDS 8
#define WF_MAX_APPROVERS 32

enum wf_approver {
	WF_AUTO, /* approves the claim when its condition holds; no task */
	WF_MANAGER, /* the claimant's manager, or N levels up */
	WF_ANY_ROLE, /* 或签: every member gets a task, the first action decides */
	WF_ALL_ROLE, /* 会签: every member must approve */
	WF_PERSON, /* one named person */
	WF_HEAD, /* the head of the claimant's department */
};

enum wf_cond_kind {
	WF_COND_TOTAL,
	WF_COND_CATEGORY,
	WF_COND_DEPARTMENT,
	WF_COND_PROJECT,
	WF_COND_FINDINGS,
	WF_COND_NO_FINDINGS
};

enum wf_op { WF_LT, WF_LE, WF_GT, WF_GE, WF_EQ };

struct wf_cond {
	enum wf_cond_kind kind;
	enum wf_op op;
	int64_t fen;
	char text[128];
};

struct wf_step {
	char name_zh[64], name_en[64];
	enum wf_approver approver;
	int levels; /* manager N */
	enum role role; /* any/all ROLE */
	char person[USER_LOGIN_MAX + 1]; /* person UID */
	struct wf_cond conds[WF_MAX_CONDS];
	int nconds;
	int sla_hours; /* 0 = no deadline */
	bool repeat; /* may go to someone who approved an earlier step */
	int line;
};

struct workflow {
	char id[FORM_ID_MAX];
	char title_zh[128], title_en[128];
	struct wf_step steps[WF_MAX_STEPS];
	int nsteps;
};

/*
 * Parses one workflow file; problems are appended to errs as
 * "NAME:LINE: reason" lines.  Returns the number of problems.
 */
int workflow_parse(const char *name, const char *text, struct workflow *w, char *errs, size_t errs_size);
const char *wf_step_name(const struct wf_step *s, const char *lang);

struct workflow_set {
	struct workflow *items;
	int n;
};
/* Loads every NAME.md in dir (README.md excepted), like form_set_load(). */
int workflow_set_load(struct workflow_set *set, const char *dir, char *errs, size_t errs_size);
const struct workflow *workflow_set_find(const struct workflow_set *set, const char *id);
void workflow_set_release(struct workflow_set *set);

/* What conditions look at. */
struct wf_facts {
	const char *claimant;
	const char *department;
	const char *project; /* the claim's `project` value, or "" */
	int64_t total;
	const char *const *categories; /* the categories on the claim's lines */
	int ncategories;
	int nfindings; /* stored policy findings (warnings included) */
};

bool wf_step_applies(const struct wf_step *s, const struct wf_facts *f);

/* What resolution asks the directory; each returns BR_OK or BR_ERR_NOT_FOUND. */
struct wf_directory {
	int (*manager_of)(void *arg, const char *uid, char out[USER_LOGIN_MAX + 1]);
	/* fills up to max uids; *n gets how many */
	int (*role_members)(void *arg, enum role r, char (*uids)[USER_LOGIN_MAX + 1], int max, int *n);
	int (*person_exists)(void *arg, const char *uid);
	int (*head_of)(void *arg, const char *department, char out[USER_LOGIN_MAX + 1]);
	void *arg;
};

/* One step as stored with a claim. */
enum wf_mode { WF_MODE_ONE, WF_MODE_ANY, WF_MODE_ALL };

struct wf_resolved {
	char name[128];
	enum wf_mode mode;
	char approvers[WF_MAX_APPROVERS][USER_LOGIN_MAX + 1];
	int napprovers;
	int sla_hours;
};

/*
 * Resolves w for a claim: skips steps whose conditions do not hold; an
 * applying `auto` step approves the claim at once (*auto_rule gets its
 * name, no further steps).  The claimant never approves their own claim
 * (a manager step passes one level up, a role step leaves them out), and
 * nobody approves twice unless the step says `repeat: yes`.  Returns BR_OK
 * with up to WF_MAX_STEPS steps in out (*n), or BR_ERR_NOT_FOUND with a
 * message for the claimant when a step finds nobody (no manager in the
 * directory, an empty role).
 */
int workflow_resolve(const struct workflow *w, const struct wf_facts *facts, const struct wf_directory *dir,
		     const char *lang, struct wf_resolved *out, int *n, char *auto_rule, size_t auto_size, char *msg,
		     size_t msg_size);

/* Whether today (YYYY-MM-DD) lies in a delegation window [from, to]. */
bool wf_delegation_active(const char *from, const char *to, const char *today);

#endif
