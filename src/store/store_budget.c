/*
 * store_budget.c - budget nodes, their change history, and the charges
 * claims make on them: committed at submission (inside the submitting
 * transaction, so concurrent submissions cannot overspend a node),
 * released when a claim is withdrawn, returned or rejected, and turned into
 * actual spend when it is exported.
 */
#include "internal.h"
#include "bursar/budget.h"
#include "bursar/err.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODE_COLUMNS                                                                                                   \
	"id, parent, department, project, category, period, from_date, to_date, amount, mode, overrun_bp, frozen,"     \
	" committed, actual, updated_at"

static void node_from_row(sqlite3_stmt *st, struct budget_node *n)
{
	int mode = budget_mode_from_name(col_text(st, 9));

	memset(n, 0, sizeof(*n));
	n->id = sqlite3_column_int64(st, 0);
	n->parent = sqlite3_column_int64(st, 1);
	str_copy(n->department, col_text(st, 2), sizeof(n->department));
	str_copy(n->project, col_text(st, 3), sizeof(n->project));
	str_copy(n->category, col_text(st, 4), sizeof(n->category));
	str_copy(n->period, col_text(st, 5), sizeof(n->period));
	str_copy(n->from, col_text(st, 6), sizeof(n->from));
	str_copy(n->to, col_text(st, 7), sizeof(n->to));
	n->amount = sqlite3_column_int64(st, 8);
	n->mode = mode < 0 ? BUDGET_TRACK : (enum budget_mode)mode;
	n->overrun_bp = sqlite3_column_int(st, 10);
	n->frozen = sqlite3_column_int(st, 11) != 0;
	n->committed = sqlite3_column_int64(st, 12);
	n->actual = sqlite3_column_int64(st, 13);
	str_copy(n->updated_at, col_text(st, 14), sizeof(n->updated_at));
}

/* Reads the nodes st selects into *nodes (finalizing st). */
static int read_nodes(sqlite3_stmt *st, struct budget_node **nodes, int *n)
{
	int rc, cap = 0;

	*nodes = NULL;
	*n = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*nodes = xrealloc(*nodes, sizeof(**nodes) * (size_t)cap);
		}
		node_from_row(st, &(*nodes)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*nodes);
		*nodes = NULL;
		*n = 0;
		return BR_ERR_STORE;
	}
	return BR_OK;
}

int store_budget_nodes(struct store *s, struct budget_node **nodes, int *n)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, "SELECT " NODE_COLUMNS " FROM budgets ORDER BY id", &st);

	*nodes = NULL;
	*n = 0;
	return ret ? ret : read_nodes(st, nodes, n);
}

int store_budget_nodes_for(struct store *s, const char *department, const char *from, const char *to,
			   struct budget_node **nodes, int *n)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s,
				"SELECT " NODE_COLUMNS " FROM budgets WHERE department IN ('', ?1)"
				" AND from_date <= ?3 AND to_date >= ?2 ORDER BY id",
				&st);

	*nodes = NULL;
	*n = 0;
	if (ret)
		return ret;
	bind_text(st, 1, department);
	bind_text(st, 2, from);
	bind_text(st, 3, to);
	return read_nodes(st, nodes, n);
}

/* Steps st for one node into n and finalizes it; NOT_FOUND when there is none. */
static int one_node(sqlite3_stmt *st, struct budget_node *n)
{
	int ret = BR_OK;

	switch (sqlite3_step(st)) {
	case SQLITE_ROW: node_from_row(st, n); break;
	case SQLITE_DONE: ret = BR_ERR_NOT_FOUND; break;
	default: ret = BR_ERR_STORE;
	}
	sqlite3_finalize(st);
	return ret;
}

int store_budget_get(struct store *s, int64_t id, struct budget_node *n)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, "SELECT " NODE_COLUMNS " FROM budgets WHERE id = ?", &st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, id);
	return one_node(st, n);
}

/* The node with n's dimensions and period, into out; NOT_FOUND. */
static int find_locked(struct store *s, const struct budget_node *n, struct budget_node *out)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s,
				"SELECT " NODE_COLUMNS " FROM budgets WHERE department = ? AND project = ?"
				" AND category = ? AND period = ?",
				&st);

	if (ret)
		return ret;
	bind_text(st, 1, n->department);
	bind_text(st, 2, n->project);
	bind_text(st, 3, n->category);
	bind_text(st, 4, n->period);
	return one_node(st, out);
}

int store_budget_find(struct store *s, const struct budget_node *key, struct budget_node *out)
{
	return find_locked(s, key, out);
}

static void node_object(const struct budget_node *n, char *out, size_t size)
{
	char label[400];

	budget_node_label(n, label, sizeof(label));
	snprintf(out, size, "budget %lld %s %s", (long long)n->id, n->period, label);
}

static int change_locked(struct store *s, int64_t id, const char *actor, const char *action, int64_t old_amount,
			 int64_t new_amount, const char *detail, const char *reason)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = store_prepare(s,
				"INSERT INTO budget_changes (budget_id, ts, actor, action, old_amount, new_amount,"
				" detail, reason) VALUES (?,?,?,?,?,?,?,?)",
				&st);

	if (ret)
		return ret;
	audit_now(now);
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, now);
	bind_text(st, 3, actor);
	bind_text(st, 4, action);
	sqlite3_bind_int64(st, 5, old_amount);
	sqlite3_bind_int64(st, 6, new_amount);
	bind_text(st, 7, detail);
	bind_text(st, 8, reason ? reason : "");
	return store_step_done(st);
}

static void settings_text(const struct budget_node *n, char *out, size_t size)
{
	char amount[32], overrun[16];

	money_format(n->amount, amount, sizeof(amount), 0);
	budget_overrun_format(n->overrun_bp, overrun, sizeof(overrun));
	snprintf(out, size, "amount=%s mode=%s overrun=%s%s", amount, budget_mode_name(n->mode), overrun,
		 n->frozen ? " frozen" : "");
}

/*
 * Creates n or changes the node with its dimensions and period; *created
 * says which.  Records the change and the audit entry; the caller rebuilds
 * the charges when a node was created.
 */
static int set_locked(struct store *s, struct budget_node *n, const char *actor, const char *reason, bool *created)
{
	sqlite3_stmt *st = NULL;
	struct budget_node old;
	char now[32], before[128], after[128], detail[300], object[512];
	int ret = find_locked(s, n, &old);

	if (ret && ret != BR_ERR_NOT_FOUND)
		return ret;
	*created = ret == BR_ERR_NOT_FOUND;
	if (!*created && old.amount == n->amount && old.mode == n->mode && old.overrun_bp == n->overrun_bp &&
	    old.frozen == n->frozen) {
		*n = old; /* nothing changes: nothing to record */
		return BR_OK;
	}
	audit_now(now);
	if (*created)
		ret = store_prepare(s,
				    "INSERT INTO budgets (department, project, category, period, from_date, to_date,"
				    " amount, mode, overrun_bp, frozen, created_at, updated_at)"
				    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)",
				    &st);
	else
		ret = store_prepare(s,
				    "UPDATE budgets SET amount = ?7, mode = ?8, overrun_bp = ?9, frozen = ?10,"
				    " updated_at = ?11 WHERE department = ?1 AND project = ?2 AND category = ?3"
				    " AND period = ?4",
				    &st);
	if (ret)
		return ret;
	bind_text(st, 1, n->department);
	bind_text(st, 2, n->project);
	bind_text(st, 3, n->category);
	bind_text(st, 4, n->period);
	bind_text(st, 5, n->from);
	bind_text(st, 6, n->to);
	sqlite3_bind_int64(st, 7, n->amount);
	bind_text(st, 8, budget_mode_name(n->mode));
	sqlite3_bind_int(st, 9, n->overrun_bp);
	sqlite3_bind_int(st, 10, n->frozen);
	bind_text(st, 11, now);
	if ((ret = store_step_done(st)))
		return ret;
	if (*created) {
		n->id = sqlite3_last_insert_rowid(s->db);
		n->committed = n->actual = 0;
	} else {
		n->id = old.id;
		n->committed = old.committed;
		n->actual = old.actual;
		n->parent = old.parent;
	}
	str_copy(n->updated_at, now, sizeof(n->updated_at));
	settings_text(n, after, sizeof(after));
	if (*created) {
		snprintf(detail, sizeof(detail), "%s", after);
	} else {
		settings_text(&old, before, sizeof(before));
		snprintf(detail, sizeof(detail), "%s -> %s", before, after);
	}
	node_object(n, object, sizeof(object));
	if ((ret = change_locked(s, n->id, actor, *created ? "create" : "adjust", *created ? 0 : old.amount, n->amount,
				 detail, reason)))
		return ret;
	if (reason && *reason)
		snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), " reason=%.100s", reason);
	return audit_append_locked(s, actor, *created ? "budget.create" : "budget.adjust", object, detail);
}

/* Charges one claim's lines would make now, into a temporary claim read from the database. */
static int claim_facts_locked(struct store *s, int64_t claim_id, struct claim *c)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s,
				 "SELECT c.department, coalesce((SELECT v.value FROM claim_values v WHERE"
				 " v.claim_id = c.id AND v.name = 'project'), ''), l.category, l.date, l.amount"
				 " FROM claims c LEFT JOIN claim_lines l ON l.claim_id = c.id WHERE c.id = ?"
				 " ORDER BY l.seq",
				 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, claim_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct claim_line l = { 0 };
		str_copy(c->department, col_text(st, 0), sizeof(c->department));
		if (!c->nvalues && *col_text(st, 1))
			claim_set_value(c, "project", col_text(st, 1));
		if (sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		str_copy(l.category, col_text(st, 2), sizeof(l.category));
		str_copy(l.date, col_text(st, 3), sizeof(l.date));
		l.amount = sqlite3_column_int64(st, 4);
		claim_add_line(c, &l);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

static int insert_charges_locked(struct store *s, int64_t claim_id, const struct budget_node *nodes,
				 const struct budget_charge *ch, int nch, const char *state)
{
	sqlite3_stmt *st = NULL;
	int ret = BR_OK;

	for (int k = 0; k < nch && ret == BR_OK; k++) {
		if ((ret = store_prepare(s,
					 "INSERT INTO budget_charges (claim_id, budget_id, amount, state)"
					 " VALUES (?,?,?,?)",
					 &st)))
			break;
		sqlite3_bind_int64(st, 1, claim_id);
		sqlite3_bind_int64(st, 2, nodes[ch[k].node].id);
		sqlite3_bind_int64(st, 3, ch[k].amount);
		bind_text(st, 4, state);
		ret = store_step_done(st);
	}
	return ret;
}

int budget_commit_locked(struct store *s, int64_t claim_id, struct claim *findings, struct budget_refusal *refused)
{
	struct budget_node *nodes = NULL;
	struct budget_charge *ch = NULL;
	struct budget_verdict *v = NULL;
	struct claim c;
	char from[11], to[11];
	int n = 0, nch, nv, blocking = 0, ret;

	claim_init(&c);
	if ((ret = budget_release_locked(s, claim_id)) || (ret = claim_facts_locked(s, claim_id, &c)))
		goto out;
	budget_claim_window(&c, from, to);
	if ((ret = store_budget_nodes_for(s, c.department, from, to, &nodes, &n)))
		goto out;
	/* every line charges at most the whole chain of nodes */
	ch = xcalloc((size_t)(n + 1), sizeof(*ch));
	v = xcalloc((size_t)(n + 1), sizeof(*v));
	if ((nch = budget_plan(nodes, n, &c, c.department, ch, n + 1, NULL)) < 0) {
		ret = BR_ERR_STORE;
		goto out;
	}
	nv = budget_evaluate(nodes, ch, nch, v, &blocking);
	if (findings)
		budget_findings(findings, nodes, v, nv);
	if (blocking) {
		for (int i = 0; i < nv; i++)
			if (v[i].blocks && refused) {
				refused->node = nodes[v[i].node];
				refused->verdict = v[i];
				break;
			}
		ret = BR_ERR_LIMIT;
		goto out;
	}
	if ((ret = insert_charges_locked(s, claim_id, nodes, ch, nch, "committed")))
		goto out;
	ret = store_exec_id(s,
			    "UPDATE budgets SET committed = committed + (SELECT c.amount FROM budget_charges c"
			    " WHERE c.claim_id = ?1 AND c.budget_id = budgets.id)"
			    " WHERE id IN (SELECT budget_id FROM budget_charges WHERE claim_id = ?1)",
			    claim_id);
out:
	claim_release(&c);
	free(nodes);
	free(ch);
	free(v);
	return ret;
}

int budget_release_locked(struct store *s, int64_t claim_id)
{
	int ret = store_exec_id(s,
				"UPDATE budgets SET committed = committed - (SELECT c.amount FROM budget_charges c"
				" WHERE c.claim_id = ?1 AND c.budget_id = budgets.id AND c.state = 'committed')"
				" WHERE id IN (SELECT budget_id FROM budget_charges WHERE claim_id = ?1"
				" AND state = 'committed')",
				claim_id);

	if (ret)
		return ret;
	return store_exec_id(s, "DELETE FROM budget_charges WHERE claim_id = ? AND state = 'committed'", claim_id);
}

int budget_post_locked(struct store *s, int64_t claim_id)
{
	int ret = store_exec_id(s,
				"UPDATE budgets SET"
				" committed = committed - (SELECT c.amount FROM budget_charges c WHERE"
				" c.claim_id = ?1 AND c.budget_id = budgets.id AND c.state = 'committed'),"
				" actual = actual + (SELECT c.amount FROM budget_charges c WHERE"
				" c.claim_id = ?1 AND c.budget_id = budgets.id AND c.state = 'committed')"
				" WHERE id IN (SELECT budget_id FROM budget_charges WHERE claim_id = ?1"
				" AND state = 'committed')",
				claim_id);

	if (ret)
		return ret;
	return store_exec_id(s, "UPDATE budget_charges SET state = 'actual' WHERE claim_id = ? AND state = 'committed'",
			     claim_id);
}

/* After the set of nodes changed: every node's parent follows from the nodes again. */
static int relink_locked(struct store *s)
{
	sqlite3_stmt *up = NULL;
	struct budget_node *nodes = NULL;
	int n = 0, ret;

	if ((ret = store_budget_nodes(s, &nodes, &n)))
		return ret;
	budget_link(nodes, n);
	for (int i = 0; i < n && ret == BR_OK; i++) {
		if ((ret = store_prepare(s, "UPDATE budgets SET parent = ?2 WHERE id = ?1 AND parent != ?2", &up)))
			break;
		sqlite3_bind_int64(up, 1, nodes[i].id);
		sqlite3_bind_int64(up, 2, nodes[i].parent);
		ret = store_step_done(up);
	}
	free(nodes);
	return ret;
}

/*
 * A new node is charged with the claims that already hold money in its
 * period (submitted and approved: committed; exported and paid: actual),
 * so a node set mid-year counts what was spent before it.  A line charges
 * every node it matches, so no other node's charges change.
 */
static int charge_new_locked(struct store *s, const struct budget_node *n)
{
	sqlite3_stmt *st = NULL;
	int ret =
	    store_prepare(s,
			  "INSERT INTO budget_charges (claim_id, budget_id, amount, state)"
			  " SELECT c.id, ?1, sum(l.amount),"
			  "  CASE WHEN c.status IN ('submitted', 'approved') THEN 'committed' ELSE 'actual' END"
			  " FROM claim_lines l JOIN claims c ON c.id = l.claim_id"
			  " WHERE c.status IN ('submitted', 'approved', 'exported', 'paid') AND l.category != 'advance'"
			  " AND l.date >= ?2 AND l.date <= ?3"
			  " AND (?4 = '' OR c.department = ?4) AND (?5 = '' OR l.category = ?5)"
			  " AND (?6 = '' OR coalesce((SELECT v.value FROM claim_values v WHERE v.claim_id = c.id"
			  " AND v.name = 'project'), '') = ?6)"
			  " GROUP BY c.id",
			  &st);

	if (ret)
		return ret;
	sqlite3_bind_int64(st, 1, n->id);
	bind_text(st, 2, n->from);
	bind_text(st, 3, n->to);
	bind_text(st, 4, n->department);
	bind_text(st, 5, n->category);
	bind_text(st, 6, n->project);
	if ((ret = store_step_done(st)))
		return ret;
	return store_exec_id(s,
			     "UPDATE budgets SET committed = coalesce((SELECT sum(amount) FROM budget_charges c"
			     " WHERE c.budget_id = ?1 AND c.state = 'committed'), 0),"
			     " actual = coalesce((SELECT sum(amount) FROM budget_charges c"
			     " WHERE c.budget_id = ?1 AND c.state = 'actual'), 0) WHERE id = ?1",
			     n->id);
}

int store_budget_set(struct store *s, struct budget_node *n, const char *actor, const char *reason, bool *created)
{
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = set_locked(s, n, actor, reason, created)) == BR_OK && *created &&
	    (ret = charge_new_locked(s, n)) == BR_OK)
		ret = relink_locked(s);
	if (ret == BR_OK && *created)
		ret = store_budget_get(s, n->id, n);
	return store_end(s, ret);
}

int store_budget_import(struct store *s, struct budget_node *nodes, int n, const char *actor,
			const char *const *reasons, int *failed, int *created)
{
	int ret = store_begin(s);
	bool any = false, c = false;

	if (ret)
		return ret;
	*created = 0;
	*failed = -1;
	for (int i = 0; i < n; i++) {
		if ((ret = set_locked(s, &nodes[i], actor, reasons ? reasons[i] : "", &c)) ||
		    (c && (ret = charge_new_locked(s, &nodes[i])))) {
			*failed = i;
			goto out;
		}
		any |= c;
		*created += c;
	}
	if (any)
		ret = relink_locked(s);
out:
	return store_end(s, ret);
}

static int freeze_locked(struct store *s, int64_t id, bool frozen)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = store_prepare(s, "UPDATE budgets SET frozen = ?2, updated_at = ?3 WHERE id = ?1", &st);

	if (ret)
		return ret;
	audit_now(now);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, frozen);
	bind_text(st, 3, now);
	return store_step_done(st);
}

int store_budget_freeze(struct store *s, int64_t id, bool frozen, const char *actor, const char *reason)
{
	struct budget_node n;
	char object[512];
	int ret = store_begin(s);

	if (ret)
		return ret;
	if ((ret = store_budget_get(s, id, &n)))
		goto out;
	if (n.frozen == frozen)
		goto out; /* already so: nothing to record */
	node_object(&n, object, sizeof(object));
	if ((ret = freeze_locked(s, id, frozen)) ||
	    (ret = change_locked(s, id, actor, frozen ? "freeze" : "unfreeze", n.amount, n.amount, "", reason)))
		goto out;
	ret = audit_append_locked(s, actor, frozen ? "budget.freeze" : "budget.unfreeze", object,
				  reason && *reason ? reason : "");
out:
	return store_end(s, ret);
}

int store_budget_changes(struct store *s, int64_t id, store_budget_change_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s,
				 "SELECT ts, actor, action, old_amount, new_amount, detail, reason FROM budget_changes"
				 " WHERE budget_id = ? ORDER BY id",
				 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct budget_change c = { 0 };
		str_copy(c.ts, col_text(st, 0), sizeof(c.ts));
		str_copy(c.actor, col_text(st, 1), sizeof(c.actor));
		str_copy(c.action, col_text(st, 2), sizeof(c.action));
		c.old_amount = sqlite3_column_int64(st, 3);
		c.new_amount = sqlite3_column_int64(st, 4);
		str_copy(c.detail, col_text(st, 5), sizeof(c.detail));
		str_copy(c.reason, col_text(st, 6), sizeof(c.reason));
		if (cb(&c, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_budget_claims(struct store *s, int64_t id, store_budget_claim_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret, rc;

	if ((ret = store_prepare(s,
				 "SELECT c.number, c.owner, coalesce(u.display_name, c.owner), c.status, b.amount,"
				 " b.state FROM budget_charges b JOIN claims c ON c.id = b.claim_id"
				 " LEFT JOIN users u ON u.uid = c.owner WHERE b.budget_id = ? ORDER BY c.id DESC",
				 &st)))
		return ret;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct budget_claim_row r = { 0 };
		int status = claim_status_from_name(col_text(st, 3));
		str_copy(r.number, col_text(st, 0), sizeof(r.number));
		str_copy(r.owner, col_text(st, 1), sizeof(r.owner));
		str_copy(r.owner_name, col_text(st, 2), sizeof(r.owner_name));
		r.status = status < 0 ? CLAIM_DRAFT : (enum claim_status)status;
		r.amount = sqlite3_column_int64(st, 4);
		r.actual = !strcmp(col_text(st, 5), "actual");
		if (cb(&r, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}
