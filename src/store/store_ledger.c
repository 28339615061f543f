/*
 * store_ledger.c - ledger records, their versions and their history.
 *
 * Each template has its own table ledger_NAME with one column f_FIELD per
 * field (INTEGER for money, in fen, and numbers; TEXT otherwise) and an
 * index on (f_FIELD, id) over the live records, so that sorting by any
 * column and paging by keyset stay index range scans on a million rows.
 * Names in SQL come only from templates, whose ids and field names are
 * checked identifiers; values are always bound.
 */
#include "internal.h"
#include "bursar/audit.h"
#include "bursar/err.h"
#include "bursar/log.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool numeric_field(const struct form_field *f)
{
	return f->type == FIELD_MONEY || f->type == FIELD_NUMBER || f->type == FIELD_REFERENCE;
}

static bool indexed_field(const struct form_field *f)
{
	return f->type != FIELD_MARKDOWN && f->type != FIELD_ATTACHMENT;
}

/* "id, version, deleted, updated_at, updated_by, f_a, f_b, ..." */
static void select_columns(const struct ledger_template *t, struct strbuf *b)
{
	strbuf_addf(b, "id, version, deleted, updated_at, updated_by");
	for (int i = 0; i < t->nfields; i++)
		strbuf_addf(b, ", f_%s", t->fields[i].name);
}

static void record_from_row(sqlite3_stmt *st, const struct ledger_template *t, struct ledger_record *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->version = sqlite3_column_int(st, 1);
	r->deleted = sqlite3_column_int(st, 2) != 0;
	str_copy(r->updated_at, col_text(st, 3), sizeof(r->updated_at));
	str_copy(r->updated_by, col_text(st, 4), sizeof(r->updated_by));
	for (int i = 0; i < t->nfields; i++) {
		char buf[32];
		int col = 5 + i;
		if (sqlite3_column_type(st, col) == SQLITE_NULL) {
			ledger_record_set(r, i, "");
		} else if (t->fields[i].type == FIELD_MONEY) {
			ledger_record_set(r, i, money_format(sqlite3_column_int64(st, col), buf, sizeof(buf), 0));
		} else if (numeric_field(&t->fields[i])) {
			snprintf(buf, sizeof(buf), "%lld", (long long)sqlite3_column_int64(st, col));
			ledger_record_set(r, i, buf);
		} else {
			ledger_record_set(r, i, col_text(st, col));
		}
	}
}

/* Binds a canonical value of field f: numbers as integers, money in fen, empty numbers as NULL. */
static void bind_value(sqlite3_stmt *st, int i, const struct form_field *f, const char *v)
{
	int64_t n;

	if (!numeric_field(f)) {
		bind_text(st, i, v);
	} else if (!*v) {
		sqlite3_bind_null(st, i);
	} else if (f->type == FIELD_MONEY) {
		if (money_parse(v, &n, NULL))
			n = 0;
		sqlite3_bind_int64(st, i, n);
	} else {
		sqlite3_bind_int64(st, i, strtoll(v, NULL, 10));
	}
}

/* ---- the table ---- */

struct columns {
	char names[FORM_MAX_FIELDS + 8][FORM_ID_MAX + 2];
	bool integer[FORM_MAX_FIELDS + 8];
	int n;
};

static int table_columns(struct store *s, const char *id, struct columns *c)
{
	sqlite3_stmt *st = NULL;
	char sql[128];
	int rc;

	c->n = 0;
	snprintf(sql, sizeof(sql), "PRAGMA table_info(ledger_%s)", id);
	if (store_prepare(s, sql, &st))
		return BR_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && c->n < (int)(sizeof(c->names) / sizeof(c->names[0]))) {
		c->integer[c->n] = !strcmp(col_text(st, 2), "INTEGER");
		str_copy(c->names[c->n++], col_text(st, 1), sizeof(c->names[0]));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? BR_OK : BR_ERR_STORE;
}

/* The column of field, or -1. */
static int column_of(const struct columns *c, const char *field)
{
	for (int i = 0; i < c->n; i++)
		if (!strncmp(c->names[i], "f_", 2) && !strcmp(c->names[i] + 2, field))
			return i;
	return -1;
}

static bool has_column(const struct columns *c, const char *field)
{
	return column_of(c, field) >= 0;
}

static bool sizes_known(struct store *s, const char *id)
{
	sqlite3_stmt *st = NULL;
	bool known;

	if (store_prepare(s, "SELECT 1 FROM ledger_sizes WHERE ledger = ?", &st))
		return false;
	bind_text(st, 1, id);
	known = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return known;
}

/* Adds live and deleted to ledger's sizes (inside the caller's transaction). */
static int sizes_add(struct store *s, const char *ledger, int64_t live, int64_t deleted)
{
	sqlite3_stmt *st = NULL;

	if (store_prepare(s, "UPDATE ledger_sizes SET live = live + ?2, deleted = deleted + ?3 WHERE ledger = ?1", &st))
		return BR_ERR_STORE;
	bind_text(st, 1, ledger);
	sqlite3_bind_int64(st, 2, live);
	sqlite3_bind_int64(st, 3, deleted);
	return store_step_done(st);
}

static int sizes_get(struct store *s, const char *ledger, bool deleted, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (store_prepare(s, "SELECT live, deleted FROM ledger_sizes WHERE ledger = ?", &st))
		return BR_ERR_STORE;
	bind_text(st, 1, ledger);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, deleted ? 1 : 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? BR_OK : rc == SQLITE_DONE ? BR_ERR_NOT_FOUND : BR_ERR_STORE;
}

int store_ledger_ensure(struct store *s, const struct ledger_template *t)
{
	struct columns have;
	struct strbuf b = { NULL, 0 };
	int ret, missing = 0;

	if (t->builtin)
		return BR_OK;
	if ((ret = table_columns(s, t->id, &have)))
		return ret;
	for (int i = 0; i < t->nfields; i++) {
		int k = column_of(&have, t->fields[i].name);
		missing += k < 0;
		if (k >= 0 && have.integer[k] != numeric_field(&t->fields[i])) {
			/* a column keeps its type: the template must add a new field instead */
			log_event("ledger %s: field %s was declared as another type; it keeps its column's", t->id,
				  t->fields[i].name);
			return BR_ERR_INVALID;
		}
	}
	if (have.n && !missing && sizes_known(s, t->id))
		return BR_OK;
	if ((ret = store_begin(s)))
		return ret;
	/* another session may have done it meanwhile: look again inside the transaction */
	if ((ret = table_columns(s, t->id, &have)))
		goto out;
	if (!have.n)
		strbuf_addf(&b,
			    "CREATE TABLE ledger_%s ("
			    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
			    " version INTEGER NOT NULL DEFAULT 1,"
			    " deleted INTEGER NOT NULL DEFAULT 0,"
			    " created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
			    " updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);",
			    t->id);
	for (int i = 0; i < t->nfields; i++) {
		const struct form_field *f = &t->fields[i];
		if (has_column(&have, f->name))
			continue;
		if (numeric_field(f))
			strbuf_addf(&b, "ALTER TABLE ledger_%s ADD COLUMN f_%s INTEGER;", t->id, f->name);
		else
			strbuf_addf(&b, "ALTER TABLE ledger_%s ADD COLUMN f_%s TEXT NOT NULL DEFAULT '';", t->id,
				    f->name);
		if (indexed_field(f))
			/* "lix" and the id's length: no other ledger's index or table can have the name */
			strbuf_addf(&b,
				    "CREATE INDEX IF NOT EXISTS lix%zu_%s_%s ON ledger_%s (f_%s, id) WHERE deleted = 0;",
				    strlen(t->id), t->id, f->name, t->id, f->name);
	}
	if (b.s)
		ret = store_exec_sql(s, b.s);
	if (ret == BR_OK && b.s)
		ret = audit_append_locked(s, "-", "ledger.schema", t->id, b.s);
	if (ret == BR_OK && !sizes_known(s, t->id)) {
		/* once per ledger: from then on every add, delete and restore keeps it */
		free(b.s);
		b.s = NULL;
		b.len = 0;
		strbuf_addf(&b,
			    "INSERT INTO ledger_sizes (ledger, live, deleted) SELECT '%s',"
			    " coalesce(sum(deleted = 0), 0), coalesce(sum(deleted <> 0), 0) FROM ledger_%s",
			    t->id, t->id);
		ret = store_exec_sql(s, b.s);
	}
out:
	free(b.s);
	return store_end(s, ret);
}

/* ---- queries ---- */

static const char *const sql_ops[LEDGER_OP_COUNT] = {
	[LEDGER_EQ] = "=", [LEDGER_NE] = "IS NOT", [LEDGER_LT] = "<", [LEDGER_LE] = "<=",
	[LEDGER_GT] = ">", [LEDGER_GE] = ">=", [LEDGER_HAS] = "LIKE",
};

static void column_name(const struct ledger_template *t, int field, char *out, size_t size)
{
	if (field < 0 || field >= t->nfields)
		str_copy(out, "id", size);
	else
		snprintf(out, size, "f_%s", t->fields[field].name);
}

/* WHERE deleted = ? AND the conditions; binds are numbered from 1 in order (see bind_where). */
static void where_sql(const struct ledger_query *q, struct strbuf *b)
{
	strbuf_addf(b, " WHERE deleted = %d", q->deleted ? 1 : 0);
	for (int i = 0; i < q->nconds; i++) {
		char col[FORM_ID_MAX + 3];
		column_name(q->t, q->conds[i].field, col, sizeof(col));
		if (q->conds[i].op == LEDGER_HAS)
			strbuf_addf(b, " AND %s LIKE ? ESCAPE '\\'", col);
		else
			strbuf_addf(b, " AND %s %s ?", col, sql_ops[q->conds[i].op]);
	}
}

static int bind_where(sqlite3_stmt *st, const struct ledger_query *q)
{
	int k = 1;

	for (int i = 0; i < q->nconds; i++, k++) {
		const struct ledger_bound_cond *c = &q->conds[i];
		if (c->op == LEDGER_HAS) {
			struct strbuf like = { NULL, 0 };
			strbuf_addf(&like, "%%");
			for (const char *p = c->value; *p; p++)
				strbuf_addf(&like, *p == '%' || *p == '_' || *p == '\\' ? "\\%c" : "%c", *p);
			strbuf_addf(&like, "%%");
			bind_text(st, k, like.s);
			free(like.s);
		} else if (c->numeric) {
			sqlite3_bind_int64(st, k, strtoll(c->value, NULL, 10));
		} else {
			bind_text(st, k, c->value);
		}
	}
	return k;
}

struct page_rows {
	struct ledger_record *recs;
	int n;
};

/*
 * Where a keyset page continues, for a nullable (numeric) sort column.
 * Empty numbers are NULL, which sort first going up and last going down;
 * one condition with OR over both would make SQLite walk the whole index,
 * so the page is read in at most two index range scans.
 */
enum page_part {
	PART_ALL, /* no cursor, or a text or id sort: one scan */
	PART_VALUES, /* the numbers beyond the cursor's */
	PART_NULLS_AFTER, /* the empty ones after the cursor's id */
	PART_NULLS, /* all the empty ones (going down, after the numbers) */
	PART_NUMBERS, /* all the numbers (going up, after the empty ones) */
};

/* Reads up to limit - rows->n more rows of q for part into rows. */
static int page_read(struct store *s, const struct ledger_query *q, enum page_part part, int limit,
		     struct page_rows *rows)
{
	const struct ledger_template *t = q->t;
	struct strbuf b = { NULL, 0 };
	sqlite3_stmt *st = NULL;
	char col[FORM_ID_MAX + 3];
	bool by_id = q->sort < 0 || q->sort >= t->nfields;
	bool down = q->desc != q->backward; /* the direction the rows are read in */
	const char *dir = down ? "DESC" : "ASC", *cmp = down ? "<" : ">";
	int k, rc, ret;

	column_name(t, q->sort, col, sizeof(col));
	strbuf_addf(&b, "SELECT ");
	select_columns(t, &b);
	strbuf_addf(&b, " FROM ledger_%s", t->id);
	where_sql(q, &b);
	switch (part) {
	case PART_ALL:
		if (q->has_cursor && by_id)
			strbuf_addf(&b, " AND id %s ?", cmp);
		else if (q->has_cursor)
			strbuf_addf(&b, " AND (%s, id) %s (?, ?)", col, cmp);
		break;
	case PART_VALUES: strbuf_addf(&b, " AND (%s, id) %s (?, ?)", col, cmp); break;
	case PART_NULLS_AFTER: strbuf_addf(&b, " AND %s IS NULL AND id %s ?", col, cmp); break;
	case PART_NULLS: strbuf_addf(&b, " AND %s IS NULL", col); break;
	case PART_NUMBERS: strbuf_addf(&b, " AND %s IS NOT NULL", col); break;
	}
	if (by_id)
		strbuf_addf(&b, " ORDER BY id %s LIMIT %d", dir, limit - rows->n);
	else
		strbuf_addf(&b, " ORDER BY %s %s, id %s LIMIT %d", col, dir, dir, limit - rows->n);
	if ((ret = store_prepare(s, b.s, &st)))
		goto out;
	k = bind_where(st, q);
	if ((part == PART_ALL && q->has_cursor && !by_id) || part == PART_VALUES) {
		if (numeric_field(&t->fields[q->sort]))
			sqlite3_bind_int64(st, k++, strtoll(q->cursor_value, NULL, 10));
		else
			bind_text(st, k++, q->cursor_value);
	}
	if ((part == PART_ALL && q->has_cursor) || part == PART_VALUES || part == PART_NULLS_AFTER)
		sqlite3_bind_int64(st, k, q->cursor_id);
	while (rows->n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ledger_record_init(&rows->recs[rows->n], t);
		record_from_row(st, t, &rows->recs[rows->n++]);
	}
	if (rows->n < limit && rc != SQLITE_DONE) {
		log_event("store: ledger page: %s", sqlite3_errmsg(s->db));
		ret = BR_ERR_STORE;
	}
out:
	sqlite3_finalize(st);
	free(b.s);
	return ret;
}

int store_ledger_page(struct store *s, const struct ledger_query *q, store_ledger_cb cb, void *arg)
{
	const struct ledger_template *t = q->t;
	struct page_rows rows = { NULL, 0 };
	bool nullable = q->sort >= 0 && q->sort < t->nfields && numeric_field(&t->fields[q->sort]);
	bool down = q->desc != q->backward;
	int limit = q->limit > 0 && q->limit <= LEDGER_PAGE_MAX ? q->limit : LEDGER_PAGE_MAX;
	enum page_part parts[2] = { PART_ALL, PART_ALL };
	int nparts = 1, ret = BR_OK;

	if (nullable && q->has_cursor) {
		if (q->cursor_null && down) {
			parts[0] = PART_NULLS_AFTER;
		} else if (q->cursor_null) {
			parts[0] = PART_NULLS_AFTER;
			parts[1] = PART_NUMBERS;
			nparts = 2;
		} else if (down) {
			parts[0] = PART_VALUES;
			parts[1] = PART_NULLS;
			nparts = 2;
		} else {
			parts[0] = PART_VALUES;
		}
	}
	rows.recs = xcalloc((size_t)limit, sizeof(*rows.recs));
	for (int i = 0; i < nparts && rows.n < limit && ret == BR_OK; i++)
		ret = page_read(s, q, parts[i], limit, &rows);
	for (int i = 0; ret == BR_OK && i < rows.n; i++) {
		const struct ledger_record *r = &rows.recs[q->backward ? rows.n - 1 - i : i];
		if (cb(r, arg))
			break;
	}
	for (int i = 0; i < rows.n; i++)
		ledger_record_release(&rows.recs[i]);
	free(rows.recs);
	return ret;
}

int store_ledger_count(struct store *s, const struct ledger_query *q, int64_t *n)
{
	struct strbuf b = { NULL, 0 };
	sqlite3_stmt *st = NULL;
	int ret;

	if (!q->nconds && !q->t->builtin && sizes_get(s, q->t->id, q->deleted, n) == BR_OK)
		return BR_OK;
	if (q->count_cap > 0)
		strbuf_addf(&b, "SELECT count(*) FROM (SELECT 1 FROM ledger_%s", q->t->id);
	else
		strbuf_addf(&b, "SELECT count(*) FROM ledger_%s", q->t->id);
	where_sql(q, &b);
	if (q->count_cap > 0)
		strbuf_addf(&b, " LIMIT %lld)", (long long)q->count_cap);
	if ((ret = store_prepare(s, b.s, &st)))
		goto out;
	bind_where(st, q);
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		ret = BR_ERR_STORE;
out:
	sqlite3_finalize(st);
	free(b.s);
	return ret;
}

int store_ledger_get(struct store *s, const struct ledger_template *t, int64_t id, struct ledger_record *r)
{
	struct strbuf b = { NULL, 0 };
	sqlite3_stmt *st = NULL;
	int ret, rc;

	strbuf_addf(&b, "SELECT ");
	select_columns(t, &b);
	strbuf_addf(&b, " FROM ledger_%s WHERE id = ?", t->id);
	if ((ret = store_prepare(s, b.s, &st)))
		goto out;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		record_from_row(st, t, r);
	else
		ret = rc == SQLITE_DONE ? BR_ERR_NOT_FOUND : BR_ERR_STORE;
out:
	sqlite3_finalize(st);
	free(b.s);
	return ret;
}

int store_ledger_exists(struct store *s, const char *ledger, int64_t id)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	int rc;

	if (!form_ident_ok(ledger))
		return BR_ERR_NOT_FOUND;
	snprintf(sql, sizeof(sql), "SELECT 1 FROM ledger_%s WHERE id = ? AND deleted = 0", ledger);
	if (store_prepare(s, sql, &st))
		return BR_ERR_NOT_FOUND; /* no such table yet */
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? BR_OK : rc == SQLITE_DONE ? BR_ERR_NOT_FOUND : BR_ERR_STORE;
}

/* ---- versions ---- */

void ledger_conflict_release(struct ledger_conflict *c)
{
	if (!c)
		return;
	ledger_versions_release(c->newer, c->nnewer);
	c->newer = NULL;
	c->nnewer = 0;
}

/* Inserts a history row: ?1 the ledger, ?2 the record, ?3 the version, then the texts. */
static int history_insert(struct store *s, const char *sql, const char *ledger, int64_t id, int version,
			  const char *const *texts, int n)
{
	sqlite3_stmt *st = NULL;

	if (store_prepare(s, sql, &st))
		return BR_ERR_STORE;
	bind_text(st, 1, ledger);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, version);
	for (int i = 0; i < n; i++)
		bind_text(st, 4 + i, texts[i]);
	return store_step_done(st);
}

static int version_add(struct store *s, const char *ledger, int64_t id, int version, const char *now,
		       const char *actor, const char *action, const char *note)
{
	const char *texts[] = { now, actor, action, note };

	return history_insert(s,
			      "INSERT INTO ledger_versions (ledger, row_id, version, ts, actor, action, note)"
			      " VALUES (?,?,?,?,?,?,?)",
			      ledger, id, version, texts, 4);
}

static int change_add(struct store *s, const char *ledger, int64_t id, int version, const char *field,
		      const char *old, const char *new)
{
	const char *texts[] = { field, old, new };

	return history_insert(s,
			      "INSERT INTO ledger_changes (ledger, row_id, version, field, old, new) VALUES (?,?,?,?,?,?)",
			      ledger, id, version, texts, 3);
}

static int field_index(const struct ledger_template *t, const char *name)
{
	for (int i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return i;
	return -1;
}

/* Prepares sql over one record's history: ?1 the ledger, ?2 the record, ?3 the version after which. */
static int history_select(struct store *s, const char *sql, const struct ledger_template *t, int64_t id, int after,
			  sqlite3_stmt **st)
{
	if (store_prepare(s, sql, st))
		return BR_ERR_STORE;
	bind_text(*st, 1, t->id);
	sqlite3_bind_int64(*st, 2, id);
	sqlite3_bind_int(*st, 3, after);
	return BR_OK;
}

/* Versions of record id after version `after`, oldest first. */
static int versions_read(struct store *s, const struct ledger_template *t, int64_t id, int after,
			 struct ledger_version **out, int *n)
{
	sqlite3_stmt *st = NULL;
	int cap = 0, rc, ret = BR_OK;

	*out = NULL;
	*n = 0;
	if (history_select(s,
			   "SELECT version, ts, actor, action, note FROM ledger_versions"
			   " WHERE ledger = ? AND row_id = ? AND version > ? ORDER BY version",
			   t, id, after, &st))
		return BR_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ledger_version *v;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = xrealloc(*out, (size_t)cap * sizeof(**out));
		}
		v = &(*out)[(*n)++];
		memset(v, 0, sizeof(*v));
		v->version = sqlite3_column_int(st, 0);
		str_copy(v->ts, col_text(st, 1), sizeof(v->ts));
		str_copy(v->actor, col_text(st, 2), sizeof(v->actor));
		str_copy(v->action, col_text(st, 3), sizeof(v->action));
		str_copy(v->note, col_text(st, 4), sizeof(v->note));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		ret = BR_ERR_STORE;
	if (ret || !*n)
		return ret;
	if (history_select(s,
			   "SELECT version, field, old, new FROM ledger_changes"
			   " WHERE ledger = ? AND row_id = ? AND version > ? ORDER BY version, field",
			   t, id, after, &st))
		return BR_ERR_STORE;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int version = sqlite3_column_int(st, 0);
		for (int i = 0; i < *n; i++) {
			struct ledger_version *v = &(*out)[i];
			struct ledger_change *c;
			if (v->version != version)
				continue;
			v->changes = xrealloc(v->changes, (size_t)(v->nchanges + 1) * sizeof(*v->changes));
			c = &v->changes[v->nchanges++];
			str_copy(c->name, col_text(st, 1), sizeof(c->name));
			c->field = field_index(t, c->name);
			c->from = xstrdup(col_text(st, 2));
			c->to = xstrdup(col_text(st, 3));
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		ret = BR_ERR_STORE;
	/* changes come in field order of the template */
	for (int i = 0; i < *n; i++) {
		struct ledger_version *v = &(*out)[i];
		for (int a = 1; a < v->nchanges; a++)
			for (int b = a; b > 0 && v->changes[b - 1].field > v->changes[b].field; b--) {
				struct ledger_change tmp = v->changes[b];
				v->changes[b] = v->changes[b - 1];
				v->changes[b - 1] = tmp;
			}
	}
	return ret;
}

static int conflict_fill(struct store *s, const struct ledger_template *t, int64_t id, int read_at, int now,
			 struct ledger_conflict *c)
{
	if (!c)
		return BR_OK;
	c->version = now;
	return versions_read(s, t, id, read_at, &c->newer, &c->nnewer);
}

/* The statements that add records, prepared once for a whole import. */
struct inserter {
	sqlite3_stmt *row, *version, *change;
};

static void inserter_close(struct inserter *in)
{
	sqlite3_finalize(in->row);
	sqlite3_finalize(in->version);
	sqlite3_finalize(in->change);
}

static int inserter_open(struct store *s, const struct ledger_template *t, struct inserter *in)
{
	struct strbuf b = { NULL, 0 };
	int ret;

	memset(in, 0, sizeof(*in));
	strbuf_addf(&b, "INSERT INTO ledger_%s (version, deleted, created_at, created_by, updated_at, updated_by",
		    t->id);
	for (int i = 0; i < t->nfields; i++)
		strbuf_addf(&b, ", f_%s", t->fields[i].name);
	strbuf_addf(&b, ") VALUES (1, 0, ?1, ?2, ?1, ?2");
	for (int i = 0; i < t->nfields; i++)
		strbuf_addf(&b, ", ?%d", i + 3);
	strbuf_addf(&b, ")");
	if ((ret = store_prepare(s, b.s, &in->row)) ||
	    (ret = store_prepare(s,
				 "INSERT INTO ledger_versions (ledger, row_id, version, ts, actor, action, note)"
				 " VALUES (?1, ?2, 1, ?3, ?4, ?5, '')",
				 &in->version)) ||
	    (ret = store_prepare(s,
				 "INSERT INTO ledger_changes (ledger, row_id, version, field, old, new)"
				 " VALUES (?1, ?2, 1, ?3, '', ?4)",
				 &in->change)))
		inserter_close(in);
	free(b.s);
	return ret;
}

/* Steps st and resets it for the next record; CONFLICT for a constraint. */
static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return BR_OK;
	return rc == SQLITE_CONSTRAINT ? BR_ERR_CONFLICT : BR_ERR_STORE;
}

/* Adds r as version 1 with every non-empty value as a change. */
static int insert_locked(struct store *s, struct inserter *in, const struct ledger_template *t,
			 struct ledger_record *r, const char *actor, const char *action, const char *now)
{
	int ret;

	bind_text(in->row, 1, now);
	bind_text(in->row, 2, actor);
	for (int i = 0; i < t->nfields; i++)
		bind_value(in->row, i + 3, &t->fields[i], r->values[i]);
	if ((ret = step_reset(in->row)))
		return ret;
	r->id = sqlite3_last_insert_rowid(s->db);
	r->version = 1;
	r->deleted = false;
	str_copy(r->updated_at, now, sizeof(r->updated_at));
	str_copy(r->updated_by, actor, sizeof(r->updated_by));
	bind_text(in->version, 1, t->id);
	sqlite3_bind_int64(in->version, 2, r->id);
	bind_text(in->version, 3, now);
	bind_text(in->version, 4, actor);
	bind_text(in->version, 5, action);
	if ((ret = step_reset(in->version)))
		return ret;
	for (int i = 0; i < t->nfields && ret == BR_OK; i++) {
		if (!r->values[i][0])
			continue;
		bind_text(in->change, 1, t->id);
		sqlite3_bind_int64(in->change, 2, r->id);
		bind_text(in->change, 3, t->fields[i].name);
		bind_text(in->change, 4, r->values[i]);
		ret = step_reset(in->change);
	}
	return ret;
}

/*
 * Adds the n records of recs (their ids and versions set) in the caller's
 * transaction and counts them in the ledger's size; *failed gets the
 * index of one that cannot be stored.
 */
static int insert_all_locked(struct store *s, const struct ledger_template *t, struct ledger_record *recs, int n,
			     const char *actor, const char *action, const char *now, int *failed)
{
	struct inserter in;
	int ret;

	*failed = -1;
	if ((ret = inserter_open(s, t, &in)))
		return ret;
	for (int i = 0; i < n && ret == BR_OK; i++)
		if ((ret = insert_locked(s, &in, t, &recs[i], actor, action, now)))
			*failed = i;
	inserter_close(&in);
	return ret ? ret : sizes_add(s, t->id, n, 0);
}

int store_ledger_add(struct store *s, const struct ledger_template *t, struct ledger_record *r, const char *actor,
		     const char *action)
{
	char now[32], object[96];
	int ret, failed;

	if (t->builtin)
		return BR_ERR_DENIED;
	audit_now(now);
	if ((ret = store_begin(s)))
		return ret;
	if ((ret = insert_all_locked(s, t, r, 1, actor, action, now, &failed)))
		goto out;
	snprintf(object, sizeof(object), "ledger:%s/%lld", t->id, (long long)r->id);
	ret = audit_append_locked(s, actor, "ledger.add", object, "version 1");
out:
	return store_end(s, ret);
}

/* The stored record's version and deleted flag inside the transaction; NOT_FOUND. */
static int head_locked(struct store *s, const struct ledger_template *t, int64_t id, int *version, bool *deleted)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT version, deleted FROM ledger_%s WHERE id = ?", t->id);
	if (store_prepare(s, sql, &st))
		return BR_ERR_STORE;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		*deleted = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? BR_OK : rc == SQLITE_DONE ? BR_ERR_NOT_FOUND : BR_ERR_STORE;
}

/*
 * Writes the fields of r that differ from the stored record as version
 * stored + 1 (the caller checked the version).  *changed gets how many.
 */
static int write_locked(struct store *s, const struct ledger_template *t, struct ledger_record *r, const char *actor,
			const char *action, const char *note, const char *now, int *changed)
{
	struct ledger_record cur;
	struct strbuf b = { NULL, 0 };
	sqlite3_stmt *st = NULL;
	bool diff[FORM_MAX_FIELDS] = { false };
	int ret, k = 3, version;

	*changed = 0;
	ledger_record_init(&cur, t);
	if ((ret = store_ledger_get(s, t, r->id, &cur)))
		goto out;
	for (int i = 0; i < t->nfields; i++)
		*changed += diff[i] = strcmp(cur.values[i], r->values[i]) != 0;
	if (!*changed)
		goto out;
	version = cur.version + 1;
	strbuf_addf(&b, "UPDATE ledger_%s SET version = ?1, updated_at = ?2, updated_by = ?3", t->id);
	for (int i = 0; i < t->nfields; i++)
		if (diff[i])
			strbuf_addf(&b, ", f_%s = ?%d", t->fields[i].name, ++k);
	strbuf_addf(&b, " WHERE id = ?%d", k + 1);
	if ((ret = store_prepare(s, b.s, &st)))
		goto out;
	sqlite3_bind_int(st, 1, version);
	bind_text(st, 2, now);
	bind_text(st, 3, actor);
	k = 3;
	for (int i = 0; i < t->nfields; i++)
		if (diff[i])
			bind_value(st, ++k, &t->fields[i], r->values[i]);
	sqlite3_bind_int64(st, k + 1, r->id);
	if ((ret = store_step_done(st)))
		goto out;
	if ((ret = version_add(s, t->id, r->id, version, now, actor, action, note)))
		goto out;
	for (int i = 0; i < t->nfields && ret == BR_OK; i++)
		if (diff[i])
			ret = change_add(s, t->id, r->id, version, t->fields[i].name, cur.values[i], r->values[i]);
	r->version = version;
	str_copy(r->updated_at, now, sizeof(r->updated_at));
	str_copy(r->updated_by, actor, sizeof(r->updated_by));
out:
	ledger_record_release(&cur);
	free(b.s);
	return ret;
}

int store_ledger_update(struct store *s, const struct ledger_template *t, struct ledger_record *r, const char *actor,
			const char *action, const char *note, struct ledger_conflict *c)
{
	char now[32], object[96], detail[300];
	int ret, version, changed = 0;
	bool deleted;

	if (t->builtin)
		return BR_ERR_DENIED;
	audit_now(now);
	if ((ret = store_begin(s)))
		return ret;
	if ((ret = head_locked(s, t, r->id, &version, &deleted)))
		goto out;
	if (version != r->version) {
		ret = conflict_fill(s, t, r->id, r->version, version, c);
		if (ret == BR_OK)
			ret = BR_ERR_CONFLICT;
		goto out;
	}
	if (deleted) { /* restore it first */
		ret = BR_ERR_INVALID;
		goto out;
	}
	if ((ret = write_locked(s, t, r, actor, action, note, now, &changed)) || !changed)
		goto out;
	snprintf(object, sizeof(object), "ledger:%s/%lld", t->id, (long long)r->id);
	snprintf(detail, sizeof(detail), "version %d, %d field(s)%s%s", r->version, changed, note[0] ? ", " : "",
		 note);
	ret = audit_append_locked(s, actor, !strcmp(action, "rollback") ? "ledger.rollback" : "ledger.edit", object,
				  detail);
out:
	return store_end(s, ret);
}

int store_ledger_delete(struct store *s, const struct ledger_template *t, int64_t id, int version, bool restore,
			const char *actor, struct ledger_conflict *c)
{
	char now[32], object[96], sql[160];
	sqlite3_stmt *st = NULL;
	int ret, stored;
	bool deleted;

	if (t->builtin)
		return BR_ERR_DENIED;
	audit_now(now);
	if ((ret = store_begin(s)))
		return ret;
	if ((ret = head_locked(s, t, id, &stored, &deleted)))
		goto out;
	if (stored != version) {
		ret = conflict_fill(s, t, id, version, stored, c);
		if (ret == BR_OK)
			ret = BR_ERR_CONFLICT;
		goto out;
	}
	if (deleted == !restore) { /* already so: said, not done again */
		ret = BR_ERR_INVALID;
		goto out;
	}
	snprintf(sql, sizeof(sql), "UPDATE ledger_%s SET deleted = ?1, version = ?2, updated_at = ?3, updated_by = ?4"
		 " WHERE id = ?5", t->id);
	if ((ret = store_prepare(s, sql, &st)))
		goto out;
	sqlite3_bind_int(st, 1, restore ? 0 : 1);
	sqlite3_bind_int(st, 2, stored + 1);
	bind_text(st, 3, now);
	bind_text(st, 4, actor);
	sqlite3_bind_int64(st, 5, id);
	if ((ret = store_step_done(st)))
		goto out;
	if ((ret = version_add(s, t->id, id, stored + 1, now, actor, restore ? "restore" : "delete", "")) ||
	    (ret = sizes_add(s, t->id, restore ? 1 : -1, restore ? -1 : 1)))
		goto out;
	snprintf(object, sizeof(object), "ledger:%s/%lld", t->id, (long long)id);
	ret = audit_append_locked(s, actor, restore ? "ledger.restore" : "ledger.delete", object, "");
out:
	return store_end(s, ret);
}

int store_ledger_history(struct store *s, const struct ledger_template *t, int64_t id, struct ledger_version **v,
			 int *n)
{
	return versions_read(s, t, id, 0, v, n);
}

int store_ledger_at(struct store *s, const struct ledger_template *t, int64_t id, int version, struct ledger_record *r)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = BR_OK;

	if (store_prepare(s, "SELECT 1 FROM ledger_versions WHERE ledger = ? AND row_id = ? AND version = ?", &st))
		return BR_ERR_STORE;
	bind_text(st, 1, t->id);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, version);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? BR_ERR_NOT_FOUND : BR_ERR_STORE;
	r->id = id;
	r->version = version;
	for (int i = 0; i < t->nfields; i++)
		ledger_record_set(r, i, "");
	/* each field's value is its last change up to the version */
	if (store_prepare(s,
			  "SELECT field, new FROM ledger_changes WHERE ledger = ? AND row_id = ? AND version <= ?"
			  " ORDER BY version",
			  &st))
		return BR_ERR_STORE;
	bind_text(st, 1, t->id);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, version);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = field_index(t, col_text(st, 0));
		if (i >= 0)
			ledger_record_set(r, i, col_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		ret = BR_ERR_STORE;
	return ret;
}

/*
 * Without statistics SQLite guesses which index narrows a filter best, and
 * guesses wrong on a column of few values (a status) next to a selective
 * one (a department).  They are refreshed when an import has at least
 * doubled a ledger of a thousand records or more: a few times over a
 * ledger's growth, under a second each at a million rows.
 */
static void ledger_analyze(struct store *s, const char *ledger, int added)
{
	char sql[96];
	int64_t live = 0;

	if (sizes_get(s, ledger, false, &live) || live < 1000 || added * 2 < live)
		return;
	snprintf(sql, sizeof(sql), "ANALYZE ledger_%s", ledger);
	if (store_exec_sql(s, sql))
		log_event("store: ledger %s: statistics not refreshed", ledger);
}

int store_ledger_import(struct store *s, const struct ledger_template *t, struct ledger_record *recs, int n,
			const char *actor, int *failed)
{
	char now[32], detail[64];
	int ret;

	*failed = -1;
	if (t->builtin)
		return BR_ERR_DENIED;
	audit_now(now);
	if ((ret = store_begin(s)))
		return ret;
	if ((ret = insert_all_locked(s, t, recs, n, actor, "import", now, failed)))
		goto out;
	snprintf(detail, sizeof(detail), "%d record(s)", n);
	ret = audit_append_locked(s, actor, "ledger.import", t->id, detail);
out:
	if ((ret = store_end(s, ret)) == BR_OK)
		ledger_analyze(s, t->id, n);
	return ret;
}

int store_ledger_due(struct store *s, const struct ledger_template *t, const struct ledger_rule *r,
		     const struct ledger_bound_cond *where, int nwhere, const char *today, int limit,
		     store_ledger_cb cb, void *arg)
{
	struct ledger_query q = { .t = t, .conds = where, .nconds = nwhere, .sort = r->field };
	struct strbuf b = { NULL, 0 };
	sqlite3_stmt *st = NULL;
	struct ledger_record rec;
	const char *f = t->fields[r->field].name;
	int k, rc, ret;

	strbuf_addf(&b, "SELECT ");
	select_columns(t, &b);
	strbuf_addf(&b, " FROM ledger_%s", t->id);
	where_sql(&q, &b);
	if (r->kind == LEDGER_RULE_DATE)
		strbuf_addf(&b, " AND f_%s <> '' AND f_%s <= date(?, '+' || ? || ' days') ORDER BY f_%s, id", f, f, f);
	else if (r->limit_field >= 0)
		strbuf_addf(&b, " AND f_%s < f_%s ORDER BY f_%s, id", f, t->fields[r->limit_field].name, f);
	else
		strbuf_addf(&b, " AND f_%s < ? ORDER BY f_%s, id", f, f);
	strbuf_addf(&b, " LIMIT %d", limit > 0 ? limit : 100);
	if ((ret = store_prepare(s, b.s, &st)))
		goto out;
	k = bind_where(st, &q);
	if (r->kind == LEDGER_RULE_DATE) {
		bind_text(st, k++, today);
		sqlite3_bind_int(st, k, r->within);
	} else if (r->limit_field < 0) {
		sqlite3_bind_int64(st, k, r->limit);
	}
	ledger_record_init(&rec, t);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		record_from_row(st, t, &rec);
		if (cb(&rec, arg))
			break;
	}
	ledger_record_release(&rec);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = BR_ERR_STORE;
out:
	sqlite3_finalize(st);
	free(b.s);
	return ret;
}

/* ---- requisitions ---- */

int store_ledger_request(struct store *s, int64_t claim_id, const struct ledger_template *t, int64_t id,
			 const char *action, const char *field, int64_t quantity)
{
	sqlite3_stmt *st = NULL;
	int ret;

	if ((ret = store_begin(s)))
		return ret;
	if ((ret = store_prepare(s,
				 "INSERT INTO ledger_requests (claim_id, ledger, row_id, action, field, quantity)"
				 " VALUES (?,?,?,?,?,?)",
				 &st)))
		goto out;
	sqlite3_bind_int64(st, 1, claim_id);
	bind_text(st, 2, t->id);
	sqlite3_bind_int64(st, 3, id);
	bind_text(st, 4, action);
	bind_text(st, 5, field);
	sqlite3_bind_int64(st, 6, quantity);
	ret = store_step_done(st);
out:
	return store_end(s, ret);
}

int ledger_request_apply_locked(struct store *s, int64_t claim_id, const char *actor)
{
	sqlite3_stmt *st = NULL;
	char ledger[FORM_ID_MAX], field[FORM_ID_MAX], number[CLAIM_NUMBER_MAX], sql[256], now[32], note[256];
	char old[32], new[32], object[96];
	int64_t row, quantity, stock;
	int rc, ret, version;

	if (store_prepare(s,
			  "SELECT r.ledger, r.row_id, r.field, r.quantity, c.number FROM ledger_requests r"
			  " JOIN claims c ON c.id = r.claim_id WHERE r.claim_id = ? AND r.applied_version = 0",
			  &st))
		return BR_ERR_STORE;
	sqlite3_bind_int64(st, 1, claim_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return rc == SQLITE_DONE ? BR_OK : BR_ERR_STORE;
	}
	str_copy(ledger, col_text(st, 0), sizeof(ledger));
	row = sqlite3_column_int64(st, 1);
	str_copy(field, col_text(st, 2), sizeof(field));
	quantity = sqlite3_column_int64(st, 3);
	str_copy(number, col_text(st, 4), sizeof(number));
	sqlite3_finalize(st);
	if (!form_ident_ok(ledger) || !form_ident_ok(field))
		return BR_ERR_STORE;
	snprintf(sql, sizeof(sql), "SELECT version, coalesce(f_%s, 0) FROM ledger_%s WHERE id = ? AND deleted = 0",
		 field, ledger);
	if (store_prepare(s, sql, &st))
		return BR_ERR_STORE;
	sqlite3_bind_int64(st, 1, row);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		version = sqlite3_column_int(st, 0);
		stock = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? BR_ERR_LIMIT : BR_ERR_STORE;
	if (stock < quantity)
		return BR_ERR_LIMIT;
	audit_now(now);
	snprintf(sql, sizeof(sql),
		 "UPDATE ledger_%s SET f_%s = ?1, version = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?5", ledger,
		 field);
	if ((ret = store_prepare(s, sql, &st)))
		return ret;
	sqlite3_bind_int64(st, 1, stock - quantity);
	sqlite3_bind_int(st, 2, version + 1);
	bind_text(st, 3, now);
	bind_text(st, 4, actor);
	sqlite3_bind_int64(st, 5, row);
	if ((ret = store_step_done(st)))
		return ret;
	snprintf(note, sizeof(note), "%s approved by %s", number, actor);
	snprintf(old, sizeof(old), "%lld", (long long)stock);
	snprintf(new, sizeof(new), "%lld", (long long)(stock - quantity));
	if ((ret = version_add(s, ledger, row, version + 1, now, actor, "approval", note)) ||
	    (ret = change_add(s, ledger, row, version + 1, field, old, new)) ||
	    (ret = store_exec_ids(s, "UPDATE ledger_requests SET applied_version = ?2 WHERE claim_id = ?1", claim_id,
				  version + 1)))
		return ret;
	snprintf(object, sizeof(object), "ledger:%s/%lld", ledger, (long long)row);
	snprintf(note, sizeof(note), "version %d, %s %s -> %s by %s", version + 1, field, old, new, number);
	return audit_append_locked(s, actor, "ledger.approval", object, note);
}
