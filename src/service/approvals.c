/*
 * approvals.c - approval use cases shared by the inbox and the commands:
 * resolving a form's workflow against the directory at submission, acting
 * on tasks, transfer, added approvers, delegation and turnaround figures.
 */
#include "bursar/directory.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/log.h"
#include "bursar/service.h"
#include "internal.h"
#include "bursar/store.h"
#include "bursar/util.h"
#include "bursar/workflow.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool service_sees_all(const struct app *app)
{
	return app->user->roles & (ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR));
}

/* ---- the directory as workflow resolution sees it ---- */

static int dir_manager_of(void *arg, const char *uid, char out[USER_LOGIN_MAX + 1])
{
	const struct app *app = arg;
	struct user u;
	int ret;

	user_init(&u);
	ret = directory_lookup(app->cfg, uid, &u);
	if (ret == BR_OK && u.manager_uid[0]) {
		str_copy(out, u.manager_uid, USER_LOGIN_MAX + 1);
		if (u.manager_name[0])
			store_user_remember(app->store, u.manager_uid, u.manager_name);
	} else if (ret != BR_ERR_UNAVAILABLE) {
		ret = BR_ERR_NOT_FOUND;
	}
	user_release(&u);
	return ret;
}

static int dir_person_exists(void *arg, const char *uid)
{
	const struct app *app = arg;
	struct user u;
	int ret;

	user_init(&u);
	ret = directory_lookup(app->cfg, uid, &u);
	if (ret == BR_OK)
		store_user_remember(app->store, u.uid, user_display(&u));
	user_release(&u);
	return ret == BR_OK || ret == BR_ERR_UNAVAILABLE ? ret : BR_ERR_NOT_FOUND;
}

static int dir_role_members(void *arg, enum role r, char (*uids)[USER_LOGIN_MAX + 1], int max, int *n)
{
	const struct app *app = arg;
	int ret = directory_role_members(app->cfg, r, uids, max, n);

	/* names for the inbox and timelines of people who have not logged in yet */
	for (int i = 0; ret == BR_OK && i < *n; i++)
		dir_person_exists(arg, uids[i]);
	return ret;
}

static int dir_head_of(void *arg, const char *department, char out[USER_LOGIN_MAX + 1])
{
	const struct app *app = arg;

	for (int i = 0; i < app->cfg->nheads; i++)
		if (!strcmp(app->cfg->heads[i].department, department)) {
			str_copy(out, app->cfg->heads[i].uid, USER_LOGIN_MAX + 1);
			return BR_OK;
		}
	return BR_ERR_NOT_FOUND;
}

int service_workflow_resolve(struct app *app, const struct form *form, const struct claim *c, struct wf_resolved *steps,
			     int *nsteps, char *auto_rule, size_t auto_size, char *msg, size_t size)
{
	struct wf_directory dir = { dir_manager_of, dir_role_members, dir_person_exists, dir_head_of, app };
	struct workflow_set set = { 0 };
	const struct workflow *w;
	const char *cats[CLAIM_MAX_LINES];
	struct wf_facts facts = { 0 };
	char path[4096];
	int ret;

	snprintf(path, sizeof(path), "%s/workflows", app->forms_dir);
	if (workflow_set_load(&set, path, NULL, 0) < 0)
		return service_fail(BR_ERR_IO, msg, size, _("cannot read the approval workflows"));
	if (!(w = workflow_set_find(&set, form->workflow))) {
		ret = service_fail(BR_ERR_NOT_FOUND, msg, size,
				   _("the form's approval workflow %s is missing or broken; ask an administrator"),
				   form->workflow);
		goto out;
	}
	for (int i = 0; i < c->nlines; i++)
		cats[i] = c->lines[i].category;
	facts.claimant = c->owner;
	facts.department = app->user->department;
	facts.project = claim_value(c, "project");
	facts.total = c->total;
	facts.categories = cats;
	facts.ncategories = c->nlines;
	facts.nfindings = c->nfindings;
	ret = workflow_resolve(w, &facts, &dir, app_language(app), steps, nsteps, auto_rule, auto_size, msg, size);
out:
	workflow_set_release(&set);
	return ret;
}

/* ---- actions ---- */

static int act_message(int ret, const char *ref, const struct act_result *r, char *msg, size_t size)
{
	switch (ret) {
	case BR_OK: return BR_OK;
	case BR_ERR_NOT_FOUND: return service_fail(ret, msg, size, _("you hold no approval task on claim %s"), ref);
	case BR_ERR_CONFLICT: {
		const char *n = r->number[0] ? r->number : ref;
		if (!strcmp(r->by_action, "earlier"))
			return service_fail(
			    ret, msg, size,
			    _("you already approved an earlier step of claim %s; to approve the next one too, "
			      "name its task (inbox, or --task)"),
			    n);
		if (!strcmp(r->by_action, "rejected"))
			return service_fail(ret, msg, size, _("claim %s was already rejected by %s"), n, r->by);
		if (!strcmp(r->by_action, "returned"))
			return service_fail(ret, msg, size, _("claim %s was already returned by %s"), n, r->by);
		if (!strcmp(r->by_action, "transferred"))
			return service_fail(ret, msg, size, _("claim %s was already handed on by %s"), n, r->by);
		return service_fail(ret, msg, size, _("claim %s was already approved by %s"), n, r->by);
	}
	case BR_ERR_DENIED:
		return service_fail(ret, msg, size, _("nobody approves their own claim (%s)"),
				    r->number[0] ? r->number : ref);
	case BR_ERR_INVALID:
		return service_fail(ret, msg, size, _("claim %s is not waiting for approval"),
				    r->number[0] ? r->number : ref);
	case BR_ERR_LIMIT:
		return service_fail(ret, msg, size,
				    _("claim %s cannot be approved: its ledger record no longer has the quantity it asks "
				      "for, or was deleted"),
				    r->number[0] ? r->number : ref);
	default: return service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	}
}

static int find_claim(struct app *app, const char *ref, int64_t *id, char *msg, size_t size)
{
	int ret = store_claim_find(app->store, ref, id);

	if (ret == BR_ERR_NOT_FOUND)
		return service_fail(ret, msg, size, _("there is no claim %s"), ref);
	if (ret)
		return service_fail(ret, msg, size, _("cannot read claim %s (%s)"), ref, br_strerror(ret));
	return BR_OK;
}

int service_claim_act(struct app *app, const char *ref, int64_t task, enum task_action a, const char *comment,
		      struct act_result *r, char *msg, size_t size)
{
	char today[11];
	int64_t id;
	int ret;

	memset(r, 0, sizeof(*r));
	if (a != TASK_APPROVE && (!comment || !*comment))
		return service_fail(BR_ERR_INVALID, msg, size,
				    a == TASK_REJECT ? _("a rejection needs a comment saying why")
						     : _("returning a claim needs a comment saying what to change"));
	if (comment && strlen(comment) > 4000)
		return service_fail(BR_ERR_INVALID, msg, size, _("the comment is longer than 4000 bytes"));
	if ((ret = find_claim(app, ref, &id, msg, size)))
		return ret;
	date_today(today);
	ret = store_claim_act(app->store, id, task, app->user->uid, today, a, comment ? comment : "", r);
	return act_message(ret, ref, r, msg, size);
}

static int person_check(struct app *app, const char *person, char *msg, size_t size)
{
	if (!user_login_valid(person) || dir_person_exists(app, person))
		return service_fail(BR_ERR_NOT_FOUND, msg, size, _("%s is not in the directory"), person);
	if (!strcmp(person, app->user->uid))
		return service_fail(BR_ERR_INVALID, msg, size, _("that is you"));
	return BR_OK;
}

typedef int (*hand_on_fn)(struct store *s, int64_t id, const char *actor, const char *today, const char *person,
			  const char *comment, struct act_result *r);

/* Transfer and added approver: both put a person on the caller's step. */
static int hand_on(struct app *app, hand_on_fn fn, const char *ref, const char *person, const char *comment,
		   struct act_result *r, char *msg, size_t size)
{
	char today[11];
	int64_t id;
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = person_check(app, person, msg, size)) || (ret = find_claim(app, ref, &id, msg, size)))
		return ret;
	date_today(today);
	ret = fn(app->store, id, app->user->uid, today, person, comment ? comment : "", r);
	if (ret == BR_ERR_DENIED && r->number[0])
		return service_fail(ret, msg, size, _("the claimant cannot approve their own claim"));
	return act_message(ret, ref, r, msg, size);
}

int service_task_transfer(struct app *app, const char *ref, const char *person, const char *comment,
			  struct act_result *r, char *msg, size_t size)
{
	return hand_on(app, store_task_transfer, ref, person, comment, r, msg, size);
}

int service_add_approver(struct app *app, const char *ref, const char *person, const char *comment,
			 struct act_result *r, char *msg, size_t size)
{
	return hand_on(app, store_step_insert, ref, person, comment, r, msg, size);
}

int service_delegate_set(struct app *app, const char *person, const char *from, const char *to, char *msg, size_t size)
{
	int ret;

	if (!date_valid(from) || !date_valid(to) || strcmp(from, to) > 0)
		return service_fail(BR_ERR_INVALID, msg, size,
				    _("--from and --to must be dates YYYY-MM-DD, from before to"));
	if ((ret = person_check(app, person, msg, size)))
		return ret;
	if ((ret = store_delegate_set(app->store, app->user->uid, person, from, to)))
		return service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	return BR_OK;
}

/* ---- turnaround ---- */

struct durations {
	struct task_done *items;
	int n;
};

static int collect_done(const struct task_done *t, void *arg)
{
	struct durations *d = arg;

	d->items = xrealloc(d->items, sizeof(*d->items) * (size_t)(d->n + 1));
	d->items[d->n++] = *t;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static int64_t percentile(const int64_t *v, int n, int pct)
{
	int rank = (pct * n + 99) / 100;

	return v[rank < 1 ? 0 : rank - 1];
}

int service_turnaround_overall(struct app *app, const struct spend_scope *sc, int *count, int64_t *median,
			       int64_t *p90)
{
	struct durations d = { 0 };
	int64_t *v;
	int ret = store_tasks_done(app->store, sc, collect_done, &d);

	*count = 0;
	*median = *p90 = 0;
	if (ret)
		return ret;
	v = xcalloc((size_t)d.n + 1, sizeof(*v));
	for (int i = 0; i < d.n; i++)
		v[i] = d.items[i].seconds;
	qsort(v, (size_t)d.n, sizeof(*v), cmp_i64);
	if (d.n) {
		*count = d.n;
		*median = percentile(v, d.n, 50);
		*p90 = percentile(v, d.n, 90);
	}
	free(v);
	free(d.items);
	return BR_OK;
}

int service_turnaround(struct app *app, struct turnaround_row **rows, int *n, char *msg, size_t size)
{
	struct durations d = { 0 };
	int64_t *v = NULL;
	int ret;

	*rows = NULL;
	*n = 0;
	if (!(app->user->roles & (ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN))))
		return service_fail(BR_ERR_DENIED, msg, size, _("approval turnaround is for finance and admins"));
	if ((ret = store_tasks_done(app->store, NULL, collect_done, &d)))
		return service_fail(ret, msg, size, _("cannot read the approval records (%s)"), br_strerror(ret));
	v = xcalloc((size_t)d.n + 1, sizeof(*v));
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < d.n; i++) {
			const char *key = pass == 0 ? d.items[i].step : d.items[i].actor;
			struct turnaround_row *row;
			int m = 0;
			bool done = false;
			for (int k = 0; k < *n && !done; k++)
				done = (*rows)[k].by_step == (pass == 0) && !strcmp((*rows)[k].key, key);
			if (done)
				continue;
			for (int k = i; k < d.n; k++)
				if (!strcmp(pass == 0 ? d.items[k].step : d.items[k].actor, key))
					v[m++] = d.items[k].seconds;
			qsort(v, (size_t)m, sizeof(*v), cmp_i64);
			*rows = xrealloc(*rows, sizeof(**rows) * (size_t)(*n + 1));
			row = &(*rows)[(*n)++];
			row->by_step = pass == 0;
			str_copy(row->key, key, sizeof(row->key));
			row->count = m;
			row->median_s = percentile(v, m, 50);
			row->p90_s = percentile(v, m, 90);
		}
	}
	free(v);
	free(d.items);
	return BR_OK;
}
