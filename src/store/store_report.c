/*
 * store_report.c - the figures reports and dashboards are made of: spend
 * grouped by department, category, project, person or month, open and
 * overdue approval tasks, and which departments and projects exist.
 * Every query takes a scope so a person only ever sums what they may see.
 */
#include "internal.h"
#include "bursar/err.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROJECT_OF "coalesce((SELECT v.value FROM claim_values v WHERE v.claim_id = c.id AND v.name = 'project'), '')"

/* Appends the scope's conditions on claims c (and lines l when dated) to sql. */
static void scope_sql(struct strbuf *sql, const struct spend_scope *sc, bool lines)
{
	if (!sc)
		return;
	if (lines && sc->from)
		strbuf_addf(sql, " AND l.date >= ?");
	if (lines && sc->to)
		strbuf_addf(sql, " AND l.date <= ?");
	if (sc->department)
		strbuf_addf(sql, " AND c.department = ?");
	if (sc->project)
		strbuf_addf(sql, " AND " PROJECT_OF " = ?");
	if (sc->owner)
		strbuf_addf(sql, " AND c.owner = ?");
	if (sc->ndepartments >= 0) {
		strbuf_addf(sql, " AND c.department IN (");
		for (int i = 0; i < sc->ndepartments; i++)
			strbuf_addf(sql, "%s?", i ? ", " : "");
		strbuf_addf(sql, ")");
	}
}

/* Binds what scope_sql() wrote, from parameter i on; returns the next index. */
static int scope_bind(sqlite3_stmt *st, int i, const struct spend_scope *sc, bool lines)
{
	if (!sc)
		return i;
	if (lines && sc->from)
		bind_text(st, i++, sc->from);
	if (lines && sc->to)
		bind_text(st, i++, sc->to);
	if (sc->department)
		bind_text(st, i++, sc->department);
	if (sc->project)
		bind_text(st, i++, sc->project);
	if (sc->owner)
		bind_text(st, i++, sc->owner);
	for (int k = 0; k < sc->ndepartments; k++)
		bind_text(st, i++, sc->departments[k]);
	return i;
}

static int prepare_buf(struct store *s, struct strbuf *sql, sqlite3_stmt **st)
{
	int ret = store_prepare(s, sql->s ? sql->s : "", st);

	free(sql->s);
	return ret;
}

int store_spend(struct store *s, enum spend_by by, const struct spend_scope *sc, store_spend_cb cb, void *arg)
{
	static const char *const keys[] = {
		[SPEND_DEPARTMENT] = "c.department, c.department",
		[SPEND_CATEGORY] = "l.category, coalesce(k.name_zh, l.category)",
		[SPEND_PROJECT] = PROJECT_OF ", " PROJECT_OF,
		[SPEND_PERSON] = "c.owner, coalesce(u.display_name, c.owner)",
		[SPEND_MONTH] = "substr(l.date, 1, 7), substr(l.date, 1, 7)",
	};
	struct strbuf sql = { 0 };
	sqlite3_stmt *st = NULL;
	int ret, rc;

	strbuf_addf(&sql,
		    "SELECT %s, count(DISTINCT c.id), count(*), sum(l.amount), sum(l.deductible),"
		    " sum(CASE WHEN c.status IN ('submitted', 'approved') THEN l.amount ELSE 0 END),"
		    " sum(CASE WHEN c.status IN ('exported', 'paid') THEN l.amount ELSE 0 END),"
		    " coalesce(k.name_en, l.category)"
		    " FROM claim_lines l JOIN claims c ON c.id = l.claim_id"
		    " LEFT JOIN users u ON u.uid = c.owner LEFT JOIN categories k ON k.code = l.category"
		    " WHERE c.status IN ('submitted', 'approved', 'exported', 'paid') AND l.category != 'advance'",
		    keys[by]);
	scope_sql(&sql, sc, true);
	strbuf_addf(&sql, " GROUP BY 1 ORDER BY %s", by == SPEND_MONTH ? "1" : "5 DESC, 1");
	if ((ret = prepare_buf(s, &sql, &st)))
		return ret;
	scope_bind(st, 1, sc, true);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct spend_row r = { 0 };
		str_copy(r.key, col_text(st, 0), sizeof(r.key));
		str_copy(r.name, col_text(st, 1), sizeof(r.name));
		r.claims = sqlite3_column_int(st, 2);
		r.lines = sqlite3_column_int(st, 3);
		r.amount = sqlite3_column_int64(st, 4);
		r.deductible = sqlite3_column_int64(st, 5);
		r.committed = sqlite3_column_int64(st, 6);
		r.actual = sqlite3_column_int64(st, 7);
		str_copy(r.name_en, by == SPEND_CATEGORY ? col_text(st, 8) : r.name, sizeof(r.name_en));
		if (cb(&r, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_tasks_count(struct store *s, const struct spend_scope *sc, const char *now, int *waiting, int *overdue)
{
	struct strbuf sql = { 0 };
	sqlite3_stmt *st = NULL;
	int ret;

	strbuf_addf(&sql, "SELECT count(*), coalesce(sum(t.due_at != '' AND t.due_at < ?), 0) FROM tasks t"
			  " JOIN claims c ON c.id = t.claim_id WHERE t.state = 'open' AND c.status = 'submitted'");
	scope_sql(&sql, sc, false);
	if ((ret = prepare_buf(s, &sql, &st)))
		return ret;
	bind_text(st, 1, now);
	scope_bind(st, 2, sc, false);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*waiting = sqlite3_column_int(st, 0);
		*overdue = sqlite3_column_int(st, 1);
	} else {
		ret = BR_ERR_STORE;
	}
	sqlite3_finalize(st);
	return ret;
}

int store_tasks_done(struct store *s, const struct spend_scope *sc, store_done_cb cb, void *arg)
{
	struct strbuf sql = { 0 };
	sqlite3_stmt *st = NULL;
	int ret, rc;

	strbuf_addf(&sql, "SELECT t.step_name, t.actor, unixepoch(t.acted_at) - unixepoch(t.created_at) FROM tasks t"
			  " JOIN claims c ON c.id = t.claim_id WHERE t.state IN ('approved', 'rejected', 'returned')");
	scope_sql(&sql, sc, false);
	strbuf_addf(&sql, " ORDER BY t.id");
	if ((ret = prepare_buf(s, &sql, &st)))
		return ret;
	scope_bind(st, 1, sc, false);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct task_done t;
		str_copy(t.step, col_text(st, 0), sizeof(t.step));
		str_copy(t.actor, col_text(st, 1), sizeof(t.actor));
		t.seconds = sqlite3_column_int64(st, 2);
		if (cb(&t, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

static int strings(struct store *s, const char *sql, const char *uid, store_string_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret = store_prepare(s, sql, &st), rc;

	if (ret)
		return ret;
	if (uid)
		bind_text(st, 1, uid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (cb(col_text(st, 0), arg))
			break;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
}

int store_departments(struct store *s, store_string_cb cb, void *arg)
{
	return strings(s,
		       "SELECT department FROM users WHERE department != '' UNION"
		       " SELECT department FROM claims WHERE department != '' UNION"
		       " SELECT department FROM budgets WHERE department != '' ORDER BY 1",
		       NULL, cb, arg);
}

int store_projects(struct store *s, store_string_cb cb, void *arg)
{
	return strings(s,
		       "SELECT value FROM claim_values WHERE name = 'project' AND value != '' UNION"
		       " SELECT project FROM budgets WHERE project != '' ORDER BY 1",
		       NULL, cb, arg);
}

int store_approver_departments(struct store *s, const char *uid, store_string_cb cb, void *arg)
{
	return strings(s,
		       "SELECT DISTINCT c.department FROM tasks t JOIN claims c ON c.id = t.claim_id"
		       " WHERE (t.assignee = ?1 OR t.actor = ?1) AND c.department != '' ORDER BY 1",
		       uid, cb, arg);
}
