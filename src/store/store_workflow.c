/*
 * store_workflow.c - approvals: the steps stored with a claim at
 * submission, one task per approver of the active step, actions on tasks,
 * delegation, the claim's timeline, notifications and escalation.
 *
 * Every action runs in one BEGIN IMMEDIATE transaction that re-reads the
 * task it acts on and changes it only while it is still open, so of two
 * approvers (or two sessions of one) acting at once exactly one wins.
 */
#include "internal.h"

#include "bursar/err.h"
#include "bursar/log.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const mode_names[] = { [WF_MODE_ONE] = "one", [WF_MODE_ANY] = "any", [WF_MODE_ALL] = "all" };

static enum wf_mode mode_from(const char *s)
{
	return !strcmp(s, "any") ? WF_MODE_ANY : !strcmp(s, "all") ? WF_MODE_ALL : WF_MODE_ONE;
}

/* An ISO time hours from now, in the format audit_now() writes. */
static void time_in_hours(char out[32], int hours)
{
	time_t t = time(NULL) + (time_t)hours * 3600;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

static int text_update_locked(struct store *s, const char *sql, int64_t id, const char *text)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, sql, &st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, text);
	return store_step_done(st);
}

static int event_locked(struct store *s, int64_t claim_id, const char *actor, const char *obo, const char *action,
			const char *step, const char *comment)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = store_prepare(s,
				"INSERT INTO claim_events (claim_id, ts, actor, on_behalf_of, action, step, comment)"
				" VALUES (?,?,?,?,?,?,?)",
				&st);

	if (ret)
		return ret;
	audit_now(now);
	sqlite3_bind_int64(st, 1, claim_id);
	bind_text(st, 2, now);
	bind_text(st, 3, actor);
	bind_text(st, 4, obo);
	bind_text(st, 5, action);
	bind_text(st, 6, step);
	bind_text(st, 7, comment);
	return store_step_done(st);
}

static int notify_locked(struct store *s, const char *uid, const char *claim, const char *action, const char *actor,
			 const char *comment)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = store_prepare(
	    s, "INSERT INTO notifications (uid, ts, claim, action, actor, comment) VALUES (?,?,?,?,?,?)", &st);

	if (ret)
		return ret;
	audit_now(now);
	bind_text(st, 1, uid);
	bind_text(st, 2, now);
	bind_text(st, 3, claim);
	bind_text(st, 4, action);
	bind_text(st, 5, actor);
	bind_text(st, 6, comment);
	return store_step_done(st);
}

/* claims.step: where the claim waits and who holds it, e.g. "直属上级: 李梅". */
static int step_text_locked(struct store *s, int64_t claim_id)
{
	sqlite3_stmt *st = NULL;
	char text[512] = "";
	int ret, rc;

	if ((ret = store_prepare(s,
				 "SELECT t.step_name, coalesce(u.display_name, t.assignee) FROM tasks t"
				 " LEFT JOIN users u ON u.uid = t.assignee WHERE t.claim_id = ? AND t.state = 'open'"
				 " ORDER BY t.id",
				 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, claim_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t used = strlen(text);
		if (!used)
			snprintf(text, sizeof(text), "%s: %s", col_text(st, 0), col_text(st, 1));
		else
			snprintf(text + used, sizeof(text) - used, ", %s", col_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || (ret = store_prepare(s, "UPDATE claims SET step = ?2 WHERE id = ?1", &st)))
		return BR_ERR_STORE;
	sqlite3_bind_int64(st, 1, claim_id);
	bind_text(st, 2, text);
	return store_step_done(st);
}

static int task_insert_locked(struct store *s, int64_t claim_id, int step, const char *step_name, const char *assignee,
			      const char *due)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = store_prepare(s,
				"INSERT INTO tasks (claim_id, step, step_name, assignee, state, created_at, due_at)"
				" VALUES (?,?,?,?,'open',?,?)",
				&st);

	if (ret)
		return ret;
	audit_now(now);
	sqlite3_bind_int64(st, 1, claim_id);
	sqlite3_bind_int(st, 2, step);
	bind_text(st, 3, step_name);
	bind_text(st, 4, assignee);
	bind_text(st, 5, now);
	bind_text(st, 6, due);
	return store_step_done(st);
}

/* Makes step seq active: one open task per approver, due after its SLA. */
static int activate_locked(struct store *s, int64_t claim_id, int seq, char *name_out, size_t name_size)
{
	sqlite3_stmt *st = NULL;
	char approvers[WF_MAX_APPROVERS * (USER_LOGIN_MAX + 1) + 1], name[128], due[32] = "", *save = NULL;
	int sla = 0, ret;

	if ((ret = store_prepare(s, "SELECT name, approvers, sla_hours FROM claim_steps WHERE claim_id = ? AND seq = ?",
				 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, claim_id);
	sqlite3_bind_int(st, 2, seq);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return BR_ERR_NOT_FOUND;
	}
	str_copy(name, col_text(st, 0), sizeof(name));
	str_copy(approvers, col_text(st, 1), sizeof(approvers));
	sla = sqlite3_column_int(st, 2);
	sqlite3_finalize(st);
	if (name_out)
		str_copy(name_out, name, name_size);
	if (sla > 0)
		time_in_hours(due, sla);
	if ((ret = store_prepare(s, "UPDATE claim_steps SET state = 'active' WHERE claim_id = ? AND seq = ?", &st)))
		return ret;
	sqlite3_bind_int64(st, 1, claim_id);
	sqlite3_bind_int(st, 2, seq);
	if ((ret = store_step_done(st)))
		return ret;
	for (char *uid = strtok_r(approvers, " ", &save); uid; uid = strtok_r(NULL, " ", &save))
		if ((ret = task_insert_locked(s, claim_id, seq, name, uid, due)))
			return ret;
	return BR_OK;
}

static int int_query(struct store *s, const char *sql, int64_t a, int b, int *out)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, sql, &st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int(st, 2, b);
	*out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return BR_OK;
}

static int set_claim_locked(struct store *s, int64_t id, const char *status, int return_step, bool submitted)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = store_prepare(s,
				"UPDATE claims SET status = ?2, return_step = ?3, updated_at = ?4,"
				" submitted_at = CASE WHEN ?5 THEN ?4 ELSE submitted_at END WHERE id = ?1",
				&st);

	if (ret)
		return ret;
	audit_now(now);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, status);
	sqlite3_bind_int(st, 3, return_step);
	bind_text(st, 4, now);
	sqlite3_bind_int(st, 5, submitted);
	return store_step_done(st);
}

static int findings_locked(struct store *s, int64_t id, const struct claim *findings)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if (!findings)
		return BR_OK;
	if ((ret = store_exec_id(s, "DELETE FROM claim_findings WHERE claim_id = ?", id)))
		return ret;
	for (int i = 0; i < findings->nfindings; i++) {
		const struct claim_finding *f = &findings->findings[i];
		if ((ret = store_prepare(s,
					 "INSERT INTO claim_findings (claim_id, seq, level, rule, line, field, message)"
					 " VALUES (?,?,?,?,?,?,?)",
					 &st)))
			return ret;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, i + 1);
		bind_text(st, 3, f->level == FINDING_ERROR ? "block" : "warn");
		bind_text(st, 4, f->rule);
		sqlite3_bind_int(st, 5, f->line);
		bind_text(st, 6, f->field);
		bind_text(st, 7, f->message);
		if ((ret = store_step_done(st)))
			return ret;
	}
	return BR_OK;
}

static void approvers_text(const struct wf_resolved *r, char *out, size_t size)
{
	out[0] = '\0';
	for (int k = 0; k < r->napprovers; k++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", k ? " " : "", r->approvers[k]);
}

/*
 * Whether the steps stored with a returned claim are still what its
 * workflow gives now: edits may have changed the amount or categories, and
 * then resuming at the returning step could skip a step the claim now needs.
 */
static bool steps_match_locked(struct store *s, int64_t id, const struct wf_resolved *steps, int nsteps)
{
	sqlite3_stmt *st = NULL;
	char want[WF_MAX_APPROVERS * (USER_LOGIN_MAX + 1) + 1];
	int i = 0;
	bool same = true;

	if (store_prepare(s, "SELECT name, mode, approvers FROM claim_steps WHERE claim_id = ? ORDER BY seq", &st))
		return false;
	sqlite3_bind_int64(st, 1, id);
	while (same && sqlite3_step(st) == SQLITE_ROW) {
		if (i >= nsteps) {
			same = false;
			break;
		}
		approvers_text(&steps[i], want, sizeof(want));
		same = !strcmp(col_text(st, 0), steps[i].name) && mode_from(col_text(st, 1)) == steps[i].mode &&
		       !strcmp(col_text(st, 2), want);
		i++;
	}
	sqlite3_finalize(st);
	return same && i == nsteps;
}

int store_claim_submit(struct store *s, int64_t id, const char *actor, struct claim *findings,
		       const struct wf_resolved *steps, int nsteps, const char *auto_rule, enum claim_status *status,
		       struct budget_refusal *refused)
{
	sqlite3_stmt *st = NULL;
	char owner[USER_LOGIN_MAX + 1], number[CLAIM_NUMBER_MAX], detail[256], name[128] = "";
	enum claim_status from;
	int return_step = 0, nstored = 0;
	bool returned;
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = claim_head_locked(s, id, owner, sizeof(owner), &from, number)))
		goto out;
	if (status)
		*status = from;
	if (from != CLAIM_DRAFT) {
		ret = BR_ERR_INVALID;
		goto out;
	}
	if ((findings && findings->department[0] &&
	     (ret = text_update_locked(s, "UPDATE claims SET department = ?2 WHERE id = ?1", id,
				       findings->department))) ||
	    (ret = budget_commit_locked(s, id, findings, refused)))
		goto out;
	if ((ret = int_query(s, "SELECT return_step FROM claims WHERE id = ?1 AND ?2 = 0", id, 0, &return_step)) ||
	    (ret = int_query(s, "SELECT count(*) FROM claim_steps WHERE claim_id = ?1 AND seq = ?2", id, return_step,
			     &nstored)) ||
	    (ret = findings_locked(s, id, findings)))
		goto out;
	/*
	 * A returned claim resumes at the returning step only if its steps are
	 * still the same, else it starts again; an approver sent it back, so it
	 * is never approved by a rule after that.
	 */
	returned = return_step > 0;
	if (return_step && nstored && nsteps > 0 && !steps_match_locked(s, id, steps, nsteps))
		return_step = 0; /* (no steps at all now: a rule would approve it; resume where it was) */
	if (auto_rule && *auto_rule && !returned) {
		if ((ret = set_claim_locked(s, id, "approved", 0, true)) ||
		    (ret = ledger_request_apply_locked(s, id, "-")) ||
		    (ret = store_exec_id(s, "DELETE FROM claim_steps WHERE claim_id = ?", id)) ||
		    (ret = event_locked(s, id, actor, "", "submit", "", "")) ||
		    (ret = event_locked(s, id, "-", "", "auto-approve", auto_rule, "")) ||
		    (ret = step_text_locked(s, id)) ||
		    (ret = notify_locked(s, owner, number, "approve", "-", auto_rule)))
			goto out;
		snprintf(detail, sizeof(detail), "draft -> approved rule=%.200s", auto_rule);
		if ((ret = audit_append_locked(s, actor, "claim.submit", number, "draft -> submitted")) == BR_OK)
			ret = audit_append_locked(s, "-", "claim.approve", number, detail);
		if (ret == BR_OK && status)
			*status = CLAIM_APPROVED;
		goto out;
	}
	if ((ret = set_claim_locked(s, id, "submitted", 0, true)))
		goto out;
	if (return_step && nstored) {
		/* Returned by an approver: resume at that step, with its approvers. */
		if ((ret = activate_locked(s, id, return_step, name, sizeof(name))) ||
		    (ret = event_locked(s, id, actor, "", "resubmit", name, "")))
			goto out;
	} else {
		if ((ret = store_exec_id(
			 s, "UPDATE tasks SET state = 'cancelled' WHERE claim_id = ? AND state = 'open'", id)) ||
		    (ret = store_exec_id(s, "DELETE FROM claim_steps WHERE claim_id = ?", id)))
			goto out;
		for (int i = 0; i < nsteps; i++) {
			char approvers[WF_MAX_APPROVERS * (USER_LOGIN_MAX + 1) + 1];
			approvers_text(&steps[i], approvers, sizeof(approvers));
			if ((ret = store_prepare(
				 s,
				 "INSERT INTO claim_steps (claim_id, seq, name, mode, approvers, sla_hours,"
				 " state) VALUES (?,?,?,?,?,?,'waiting')",
				 &st)))
				goto out;
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int(st, 2, i + 1);
			bind_text(st, 3, steps[i].name);
			bind_text(st, 4, mode_names[steps[i].mode]);
			bind_text(st, 5, approvers);
			sqlite3_bind_int(st, 6, steps[i].sla_hours);
			if ((ret = store_step_done(st)))
				goto out;
		}
		if (nsteps < 1) {
			ret = BR_ERR_INVALID;
			goto out;
		}
		if ((ret = activate_locked(s, id, 1, name, sizeof(name))) ||
		    (ret = event_locked(s, id, actor, "", "submit", name, "")))
			goto out;
	}
	if ((ret = step_text_locked(s, id)))
		goto out;
	snprintf(detail, sizeof(detail), "draft -> submitted step=%.100s", name);
	ret = audit_append_locked(s, actor, "claim.submit", number, detail);
	if (ret == BR_OK && status)
		*status = CLAIM_SUBMITTED;
out:
	return store_end(s, ret);
}

/* The open task actor may act on: their own first, else a delegator's. */
static int find_task_locked(struct store *s, int64_t claim_id, int64_t only, const char *actor, const char *today,
			    int64_t *task, char assignee[USER_LOGIN_MAX + 1], int *step, char *step_name,
			    size_t name_size, enum wf_mode *mode)
{
	sqlite3_stmt *st = NULL;
	int ret =
	    store_prepare(s,
			  "SELECT t.id, t.assignee, t.step, t.step_name, coalesce(cs.mode, 'one') FROM tasks t"
			  " LEFT JOIN claim_steps cs ON cs.claim_id = t.claim_id AND cs.seq = t.step"
			  " WHERE t.claim_id = ?1 AND t.state = 'open' AND (t.assignee = ?2 OR t.assignee IN"
			  " (SELECT uid FROM delegations WHERE delegate = ?2 AND from_date <= ?3 AND to_date >= ?3))"
			  " AND (?4 = 0 OR t.id = ?4) ORDER BY t.assignee = ?2 DESC, t.id LIMIT 1",
			  &st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, claim_id);
	bind_text(st, 2, actor);
	bind_text(st, 3, today);
	sqlite3_bind_int64(st, 4, only);
	ret = BR_ERR_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*task = sqlite3_column_int64(st, 0);
		str_copy(assignee, col_text(st, 1), USER_LOGIN_MAX + 1);
		*step = sqlite3_column_int(st, 2);
		str_copy(step_name, col_text(st, 3), name_size);
		*mode = mode_from(col_text(st, 4));
		ret = BR_OK;
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * Why actor has no open task: someone (maybe actor, in another session)
 * already decided the step actor's task was on.  CONFLICT with who and
 * what, else NOT_FOUND.
 */
static int explain_locked(struct store *s, int64_t claim_id, const char *actor, struct act_result *r)
{
	sqlite3_stmt *st = NULL;
	int step = -1, ret;

	if ((ret = store_prepare(
		 s,
		 "SELECT step FROM tasks WHERE claim_id = ?1 AND (assignee = ?2 OR actor = ?2 OR assignee IN"
		 " (SELECT uid FROM delegations WHERE delegate = ?2))"
		 " ORDER BY id DESC LIMIT 1",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, claim_id);
	bind_text(st, 2, actor);
	if (sqlite3_step(st) == SQLITE_ROW)
		step = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (step < 0)
		return BR_ERR_NOT_FOUND;
	if ((ret = store_prepare(
		 s,
		 "SELECT coalesce(nullif(u.display_name, ''), t.actor) || ' (' || t.actor || ')', t.state"
		 " FROM tasks t LEFT JOIN users u ON u.uid = t.actor WHERE t.claim_id = ?1 AND t.step = ?2"
		 " AND t.state IN ('approved', 'rejected', 'returned', 'transferred')"
		 " ORDER BY t.acted_at DESC, t.id DESC"
		 " LIMIT 1",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, claim_id);
	sqlite3_bind_int(st, 2, step);
	ret = BR_ERR_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		str_copy(r->by, col_text(st, 0), sizeof(r->by));
		str_copy(r->by_action, col_text(st, 1), sizeof(r->by_action));
		ret = BR_ERR_CONFLICT;
	}
	sqlite3_finalize(st);
	return ret;
}

/* Closes a task while it is still open; CONFLICT if it no longer is. */
static int close_task_locked(struct store *s, int64_t task, const char *state, const char *actor, const char *obo,
			     const char *comment)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret =
	    store_prepare(s,
			  "UPDATE tasks SET state = ?2, acted_at = ?3, actor = ?4, on_behalf_of = ?5, comment = ?6"
			  " WHERE id = ?1 AND state = 'open'",
			  &st);

	if (ret)
		return ret;
	audit_now(now);
	sqlite3_bind_int64(st, 1, task);
	bind_text(st, 2, state);
	bind_text(st, 3, now);
	bind_text(st, 4, actor);
	bind_text(st, 5, obo);
	bind_text(st, 6, comment);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return BR_ERR_STORE;
	}
	sqlite3_finalize(st);
	return sqlite3_changes(s->db) == 1 ? BR_OK : BR_ERR_CONFLICT;
}

static int cancel_open_locked(struct store *s, int64_t claim_id, int step)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s,
				"UPDATE tasks SET state = 'cancelled' WHERE claim_id = ?1 AND state = 'open'"
				" AND (?2 = 0 OR step = ?2)",
				&st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, claim_id);
	sqlite3_bind_int(st, 2, step);
	return store_step_done(st);
}

/* The common start of every task action: the claim, the actor's task, the checks. */
struct act_ctx {
	char owner[USER_LOGIN_MAX + 1];
	enum claim_status status;
	int64_t task;
	char assignee[USER_LOGIN_MAX + 1];
	const char *obo;
	int step;
	enum wf_mode mode;
};

/*
 * Whether actor approved an earlier step of this round of the claim: an
 * action that names only the claim must not run on into the next step (a
 * repeated submit, or a delegator's task on the following step).
 */
static bool approved_earlier_locked(struct store *s, int64_t id, const char *actor, int step)
{
	sqlite3_stmt *st = NULL;
	bool found = false;

	if (store_prepare(
		s,
		"SELECT 1 FROM tasks t JOIN claims c ON c.id = t.claim_id WHERE t.claim_id = ?1 AND t.actor = ?2"
		" AND t.state = 'approved' AND t.step < ?3 AND t.acted_at >= c.submitted_at LIMIT 1",
		&st))
		return false;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, actor);
	sqlite3_bind_int(st, 3, step);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int act_begin(struct store *s, int64_t id, int64_t only, const char *actor, const char *today, struct act_ctx *a,
		     struct act_result *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = claim_head_locked(s, id, a->owner, sizeof(a->owner), &a->status, r->number)))
		return ret;
	r->status = a->status;
	if (!strcmp(a->owner, actor))
		return BR_ERR_DENIED;
	ret = find_task_locked(s, id, only, actor, today, &a->task, a->assignee, &a->step, r->step, sizeof(r->step),
			       &a->mode);
	if (ret == BR_ERR_NOT_FOUND)
		return explain_locked(s, id, actor, r);
	if (ret)
		return ret;
	if (a->status != CLAIM_SUBMITTED)
		return BR_ERR_INVALID;
	if (!only && approved_earlier_locked(s, id, actor, a->step)) {
		str_copy(r->by, actor, sizeof(r->by));
		str_copy(r->by_action, "earlier", sizeof(r->by_action));
		return BR_ERR_CONFLICT;
	}
	a->obo = strcmp(a->assignee, actor) ? a->assignee : "";
	str_copy(r->on_behalf_of, a->obo, sizeof(r->on_behalf_of));
	/* a delegate who is the claimant may not act on their own claim either */
	return strcmp(a->owner, a->assignee) ? BR_OK : BR_ERR_DENIED;
}

int store_claim_act(struct store *s, int64_t id, int64_t task, const char *actor, const char *today,
		    enum task_action act, const char *comment, struct act_result *r)
{
	static const char *const states[] = {
		[TASK_APPROVE] = "approved", [TASK_REJECT] = "rejected", [TASK_RETURN] = "returned"
	};
	static const char *const actions[] = {
		[TASK_APPROVE] = "approve", [TASK_REJECT] = "reject", [TASK_RETURN] = "return"
	};
	struct act_ctx a;
	char detail[512], audit_action[32];
	int ret = store_begin(s), open_left = 0, next = 0;

	if (ret)
		return ret;
	if ((ret = act_begin(s, id, task, actor, today, &a, r)) ||
	    (ret = close_task_locked(s, a.task, states[act], actor, a.obo, comment)) ||
	    (ret = event_locked(s, id, actor, a.obo, actions[act], r->step, comment)))
		goto out;
	if (act == TASK_APPROVE) {
		if (a.mode != WF_MODE_ALL && (ret = cancel_open_locked(s, id, a.step)))
			goto out;
		if ((ret =
			 int_query(s, "SELECT count(*) FROM tasks WHERE claim_id = ?1 AND step = ?2 AND state = 'open'",
				   id, a.step, &open_left)))
			goto out;
		if (open_left == 0) {
			if ((ret = store_exec_ids(
				 s, "UPDATE claim_steps SET state = 'done' WHERE claim_id = ?1 AND seq = ?2", id,
				 a.step)) ||
			    (ret = int_query(
				 s,
				 "SELECT coalesce(min(seq), 0) FROM claim_steps WHERE claim_id = ?1 AND seq > ?2"
				 " AND state = 'waiting'",
				 id, a.step, &next)))
				goto out;
			if (next) {
				ret = activate_locked(s, id, next, r->next, sizeof(r->next));
			} else {
				r->status = CLAIM_APPROVED;
				if ((ret = set_claim_locked(s, id, "approved", 0, false)) == BR_OK &&
				    (ret = ledger_request_apply_locked(s, id, actor)) == BR_OK)
					ret = notify_locked(s, a.owner, r->number, "approve", actor, comment);
			}
			if (ret)
				goto out;
		} else {
			str_copy(r->next, r->step, sizeof(r->next));
		}
	} else {
		if ((ret = cancel_open_locked(s, id, 0)))
			goto out;
		r->status = act == TASK_REJECT ? CLAIM_REJECTED : CLAIM_DRAFT;
		if ((ret = budget_release_locked(s, id)))
			goto out;
		if ((ret = set_claim_locked(s, id, act == TASK_REJECT ? "rejected" : "draft",
					    act == TASK_RETURN ? a.step : 0, false)) ||
		    (act == TASK_REJECT &&
		     (ret = store_exec_ids(s, "UPDATE claim_steps SET state = 'done' WHERE claim_id = ?1 AND seq = ?2",
					   id, a.step))) ||
		    (act == TASK_RETURN &&
		     (ret =
			  store_exec_ids(s, "UPDATE claim_steps SET state = 'waiting' WHERE claim_id = ?1 AND seq = ?2",
					 id, a.step))) ||
		    (ret = notify_locked(s, a.owner, r->number, actions[act], actor, comment)))
			goto out;
	}
	if ((ret = step_text_locked(s, id)))
		goto out;
	snprintf(audit_action, sizeof(audit_action), "claim.%s", actions[act]);
	snprintf(detail, sizeof(detail), "step=%.100s%s%s comment=%.200s", r->step, *a.obo ? " on_behalf_of=" : "",
		 a.obo, comment ? comment : "");
	ret = audit_append_locked(s, actor, audit_action, r->number, detail);
out:
	return store_end(s, ret);
}

/* The timeline's comment of a transfer or added approver: the person, then the note on the next line. */
static const char *note_with(const char *person, const char *comment, char *out, size_t size)
{
	snprintf(out, size, "%s%s%.500s", person, comment && *comment ? "\n" : "", comment ? comment : "");
	return out;
}

static int new_task_same_step(struct store *s, int64_t id, const struct act_ctx *a, const char *step_name,
			      const char *person)
{
	sqlite3_stmt *st = NULL;
	char due[32] = "";
	int ret = store_prepare(s, "SELECT due_at FROM tasks WHERE id = ?", &st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, a->task);
	if (sqlite3_step(st) == SQLITE_ROW)
		str_copy(due, col_text(st, 0), sizeof(due));
	sqlite3_finalize(st);
	return task_insert_locked(s, id, a->step, step_name, person, due);
}

int store_task_transfer(struct store *s, int64_t id, const char *actor, const char *today, const char *person,
			const char *comment, struct act_result *r)
{
	struct act_ctx a;
	char detail[512], note[600];
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = act_begin(s, id, 0, actor, today, &a, r)))
		goto out;
	if (!strcmp(person, a.owner)) {
		ret = BR_ERR_DENIED;
		goto out;
	}
	if ((ret = close_task_locked(s, a.task, "transferred", actor, a.obo, comment)) ||
	    (ret = new_task_same_step(s, id, &a, r->step, person)) ||
	    (ret = event_locked(s, id, actor, a.obo, "transfer", r->step,
				note_with(person, comment, note, sizeof(note)))) ||
	    (ret = step_text_locked(s, id)))
		goto out;
	str_copy(r->next, r->step, sizeof(r->next));
	snprintf(detail, sizeof(detail), "step=%.100s to=%s comment=%.200s", r->step, person, comment ? comment : "");
	ret = audit_append_locked(s, actor, "task.transfer", r->number, detail);
out:
	return store_end(s, ret);
}

int store_step_insert(struct store *s, int64_t id, const char *actor, const char *today, const char *person,
		      const char *comment, struct act_result *r)
{
	sqlite3_stmt *st = NULL;
	struct act_ctx a;
	char detail[512], name[160], note[600];
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = act_begin(s, id, 0, actor, today, &a, r)))
		goto out;
	if (!strcmp(person, a.owner)) {
		ret = BR_ERR_DENIED;
		goto out;
	}
	/* make room after the current step (two passes: seq is part of the key) */
	if ((ret = store_exec_ids(s, "UPDATE claim_steps SET seq = -(seq + 1) WHERE claim_id = ?1 AND seq > ?2", id,
				  a.step)) ||
	    (ret = store_exec_ids(s, "UPDATE claim_steps SET seq = -seq WHERE claim_id = ?1 AND seq < ?2", id, 0)))
		goto out;
	snprintf(name, sizeof(name), "+ %s", person);
	if ((ret = store_prepare(s,
				 "INSERT INTO claim_steps (claim_id, seq, name, mode, approvers, sla_hours, state)"
				 " SELECT claim_id, ?2 + 1, ?3, 'one', ?4, sla_hours, 'waiting' FROM claim_steps"
				 " WHERE claim_id = ?1 AND seq = ?2",
				 &st)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, a.step);
	bind_text(st, 3, name);
	bind_text(st, 4, person);
	if ((ret = store_step_done(st)) || (ret = event_locked(s, id, actor, a.obo, "add-approver", r->step,
							       note_with(person, comment, note, sizeof(note)))))
		goto out;
	snprintf(detail, sizeof(detail), "after=%.100s approver=%s comment=%.200s", r->step, person,
		 comment ? comment : "");
	ret = audit_append_locked(s, actor, "step.insert", r->number, detail);
out:
	return store_end(s, ret);
}

int store_inbox(struct store *s, const char *uid, const char *today, store_task_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(
		 s,
		 "SELECT t.id, c.id, c.number, c.form, c.title, c.owner, coalesce(u.display_name, c.owner),"
		 " t.assignee, t.step_name, c.total, t.created_at, t.due_at,"
		 " (SELECT count(*) FROM claim_findings f WHERE f.claim_id = c.id AND f.level = 'block'),"
		 " (SELECT count(*) FROM claim_findings f WHERE f.claim_id = c.id AND f.level = 'warn')"
		 " FROM tasks t JOIN claims c ON c.id = t.claim_id LEFT JOIN users u ON u.uid = c.owner"
		 " WHERE t.state = 'open' AND c.status = 'submitted' AND c.owner != ?1 AND (t.assignee = ?1 OR "
		 "t.assignee IN"
		 " (SELECT uid FROM delegations WHERE delegate = ?1 AND from_date <= ?2 AND to_date >= ?2))"
		 " ORDER BY t.created_at, t.id",
		 &st)))
		return ret;
	bind_text(st, 1, uid);
	bind_text(st, 2, today);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct task_row t;
		memset(&t, 0, sizeof(t));
		t.task_id = sqlite3_column_int64(st, 0);
		t.claim_id = sqlite3_column_int64(st, 1);
		str_copy(t.number, col_text(st, 2), sizeof(t.number));
		str_copy(t.form, col_text(st, 3), sizeof(t.form));
		str_copy(t.title, col_text(st, 4), sizeof(t.title));
		str_copy(t.claimant, col_text(st, 5), sizeof(t.claimant));
		str_copy(t.claimant_name, col_text(st, 6), sizeof(t.claimant_name));
		str_copy(t.assignee, col_text(st, 7), sizeof(t.assignee));
		str_copy(t.step, col_text(st, 8), sizeof(t.step));
		t.total = sqlite3_column_int64(st, 9);
		str_copy(t.created_at, col_text(st, 10), sizeof(t.created_at));
		str_copy(t.due_at, col_text(st, 11), sizeof(t.due_at));
		t.nblocking = sqlite3_column_int(st, 12);
		t.nwarnings = sqlite3_column_int(st, 13);
		if (cb(&t, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_claim_history(struct store *s, int64_t id, store_event_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(
		 s,
		 "SELECT e.ts, e.actor, coalesce(u.display_name, e.actor), e.on_behalf_of, e.action, e.step,"
		 " e.comment FROM claim_events e LEFT JOIN users u ON u.uid = e.actor"
		 " WHERE e.claim_id = ? ORDER BY e.id",
		 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct claim_history_entry e;
		memset(&e, 0, sizeof(e));
		str_copy(e.ts, col_text(st, 0), sizeof(e.ts));
		str_copy(e.actor, col_text(st, 1), sizeof(e.actor));
		str_copy(e.actor_name, col_text(st, 2), sizeof(e.actor_name));
		str_copy(e.on_behalf_of, col_text(st, 3), sizeof(e.on_behalf_of));
		str_copy(e.action, col_text(st, 4), sizeof(e.action));
		str_copy(e.step, col_text(st, 5), sizeof(e.step));
		str_copy(e.comment, col_text(st, 6), sizeof(e.comment));
		if (cb(&e, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_claim_steps(struct store *s, int64_t id, store_step_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret =
		 store_prepare(s,
			       "SELECT seq, name, mode, approvers, state, sla_hours FROM claim_steps WHERE claim_id = ?"
			       " ORDER BY seq",
			       &st)))
		return ret;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct step_row r;
		memset(&r, 0, sizeof(r));
		r.seq = sqlite3_column_int(st, 0);
		str_copy(r.name, col_text(st, 1), sizeof(r.name));
		r.mode = mode_from(col_text(st, 2));
		str_copy(r.approvers, col_text(st, 3), sizeof(r.approvers));
		str_copy(r.state, col_text(st, 4), sizeof(r.state));
		r.sla_hours = sqlite3_column_int(st, 5);
		if (cb(&r, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_delegate_set(struct store *s, const char *uid, const char *delegate, const char *from, const char *to)
{
	sqlite3_stmt *st = NULL;
	char detail[160];
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = store_prepare(s,
				 "INSERT INTO delegations (uid, delegate, from_date, to_date) VALUES (?1,?2,?3,?4)"
				 " ON CONFLICT (uid) DO UPDATE SET delegate = ?2, from_date = ?3, to_date = ?4",
				 &st)))
		goto out;
	bind_text(st, 1, uid);
	bind_text(st, 2, delegate);
	bind_text(st, 3, from);
	bind_text(st, 4, to);
	if ((ret = store_step_done(st)))
		goto out;
	snprintf(detail, sizeof(detail), "delegate=%s from=%s to=%s", delegate, from, to);
	ret = audit_append_locked(s, uid, "delegate.set", uid, detail);
out:
	return store_end(s, ret);
}

int store_delegate_clear(struct store *s, const char *uid)
{
	sqlite3_stmt *st = NULL;
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = store_prepare(s, "DELETE FROM delegations WHERE uid = ?", &st)))
		goto out;
	bind_text(st, 1, uid);
	if ((ret = store_step_done(st)))
		goto out;
	ret = audit_append_locked(s, uid, "delegate.clear", uid, "");
out:
	return store_end(s, ret);
}

int store_delegate_get(struct store *s, const char *uid, char delegate[USER_LOGIN_MAX + 1], char from[11], char to[11])
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, "SELECT delegate, from_date, to_date FROM delegations WHERE uid = ?", &st);

	if (ret)
		return ret;
	bind_text(st, 1, uid);
	ret = BR_ERR_NOT_FOUND;
	if (sqlite3_step(st) == SQLITE_ROW) {
		str_copy(delegate, col_text(st, 0), USER_LOGIN_MAX + 1);
		str_copy(from, col_text(st, 1), 11);
		str_copy(to, col_text(st, 2), 11);
		ret = BR_OK;
	}
	sqlite3_finalize(st);
	return ret;
}

int store_notifications_take(struct store *s, const char *uid, store_notification_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int64_t last = 0;
	int ret = store_begin(s), rc;

	if (ret)
		return ret;
	if ((ret = store_prepare(
		 s,
		 "SELECT id, ts, claim, action, actor, comment FROM notifications WHERE uid = ? AND seen = 0"
		 " ORDER BY id",
		 &st)))
		goto out;
	bind_text(st, 1, uid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct notification n;
		memset(&n, 0, sizeof(n));
		last = sqlite3_column_int64(st, 0);
		str_copy(n.ts, col_text(st, 1), sizeof(n.ts));
		str_copy(n.claim, col_text(st, 2), sizeof(n.claim));
		str_copy(n.action, col_text(st, 3), sizeof(n.action));
		str_copy(n.actor, col_text(st, 4), sizeof(n.actor));
		str_copy(n.comment, col_text(st, 5), sizeof(n.comment));
		if (cb(&n, arg))
			break;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (last == 0)
		goto out;
	if ((ret = store_prepare(s, "UPDATE notifications SET seen = 1 WHERE uid = ?1 AND id <= ?2", &st)))
		goto out;
	bind_text(st, 1, uid);
	sqlite3_bind_int64(st, 2, last);
	ret = store_step_done(st);
out:
	return store_end(s, ret);
}

int store_tasks_overdue(struct store *s, const char *cutoff, store_due_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s,
				 "SELECT t.id, t.claim_id, t.assignee, c.number, t.due_at, c.owner FROM tasks t"
				 " JOIN claims c ON c.id = t.claim_id WHERE t.state = 'open' AND c.status = 'submitted'"
				 " AND t.due_at != '' AND t.due_at < ? ORDER BY t.due_at",
				 &st)))
		return ret;
	bind_text(st, 1, cutoff);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct task_due t;
		t.task_id = sqlite3_column_int64(st, 0);
		t.claim_id = sqlite3_column_int64(st, 1);
		str_copy(t.assignee, col_text(st, 2), sizeof(t.assignee));
		str_copy(t.number, col_text(st, 3), sizeof(t.number));
		str_copy(t.due_at, col_text(st, 4), sizeof(t.due_at));
		str_copy(t.owner, col_text(st, 5), sizeof(t.owner));
		if (cb(&t, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_task_escalate(struct store *s, int64_t task_id, const char *person)
{
	sqlite3_stmt *st = NULL;
	char step_name[128] = "", assignee[USER_LOGIN_MAX + 1] = "", number[CLAIM_NUMBER_MAX] = "", detail[256];
	int64_t claim_id = 0;
	int step = 0, sla = 0, ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret =
		 store_prepare(s,
			       "SELECT t.claim_id, t.step, t.step_name, t.assignee, c.number, coalesce(cs.sla_hours, 0)"
			       " FROM tasks t JOIN claims c ON c.id = t.claim_id LEFT JOIN claim_steps cs"
			       " ON cs.claim_id = t.claim_id AND cs.seq = t.step WHERE t.id = ? AND t.state = 'open'",
			       &st)))
		goto out;
	sqlite3_bind_int64(st, 1, task_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		claim_id = sqlite3_column_int64(st, 0);
		step = sqlite3_column_int(st, 1);
		str_copy(step_name, col_text(st, 2), sizeof(step_name));
		str_copy(assignee, col_text(st, 3), sizeof(assignee));
		str_copy(number, col_text(st, 4), sizeof(number));
		sla = sqlite3_column_int(st, 5);
	}
	sqlite3_finalize(st);
	if (!claim_id) {
		ret = BR_ERR_CONFLICT;
		goto out;
	}
	{
		char due[32] = "";
		if (sla > 0)
			time_in_hours(due, sla);
		if ((ret = close_task_locked(s, task_id, "escalated", "-", "", person)) ||
		    (ret = task_insert_locked(s, claim_id, step, step_name, person, due)) ||
		    (ret = event_locked(s, claim_id, "-", assignee, "escalate", step_name, person)) ||
		    (ret = step_text_locked(s, claim_id)))
			goto out;
	}
	snprintf(detail, sizeof(detail), "step=%.100s from=%s to=%s", step_name, assignee, person);
	ret = audit_append_locked(s, "-", "task.escalate", number, detail);
out:
	return store_end(s, ret);
}

int workflow_withdraw_locked(struct store *s, int64_t id, const char *actor)
{
	int ret;

	if ((ret = cancel_open_locked(s, id, 0)) ||
	    (ret = store_exec_id(s, "UPDATE claims SET return_step = 0 WHERE id = ?", id)) ||
	    (ret = store_exec_id(s, "UPDATE claim_steps SET state = 'waiting' WHERE claim_id = ?", id)) ||
	    (ret = event_locked(s, id, actor, "", "withdraw", "", "")))
		return ret;
	return step_text_locked(s, id);
}

int store_claim_involves(struct store *s, int64_t id, const char *uid, const char *today)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s,
				"SELECT 1 FROM tasks WHERE claim_id = ?1 AND (assignee = ?2 OR actor = ?2 OR"
				" (state = 'open' AND assignee IN (SELECT uid FROM delegations WHERE delegate = ?2"
				" AND from_date <= ?3 AND to_date >= ?3))) LIMIT 1",
				&st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, uid);
	bind_text(st, 3, today);
	ret = sqlite3_step(st) == SQLITE_ROW ? BR_OK : BR_ERR_NOT_FOUND;
	sqlite3_finalize(st);
	return ret;
}

int store_claim_engaged(struct store *s, int64_t id, const char *uid)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s,
				"SELECT 1 FROM tasks t JOIN claims c ON c.id = t.claim_id WHERE t.claim_id = ?1"
				" AND ((t.assignee = ?2 AND t.state = 'open') OR (t.actor = ?2 AND t.state = 'approved'"
				" AND t.acted_at >= c.submitted_at)) LIMIT 1",
				&st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, uid);
	ret = sqlite3_step(st) == SQLITE_ROW ? BR_OK : BR_ERR_NOT_FOUND;
	sqlite3_finalize(st);
	return ret;
}
