/*
 * scr_ledgers.c - the electronic ledgers (台账): the ledgers a person may
 * view; a browser over one ledger's records (a table whose columns are the
 * template's fields, paged by keyset, sorted and filtered by the service);
 * a record's detail; the edit form, which never loses what was typed when
 * someone else saved first; a record's history with rollback; and the
 * reminders due today.
 *
 * Every read and change goes through the ledger service, which decides who
 * sees and changes what.  The ledger set is loaded once and shared by the
 * screens that hold templates from it (set_users counts them), so that a
 * template pointer stays valid while any of them is on the stack.
 */
#include "screen.h"

#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/ledger.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEDGERS_MAX 64
#define COL_MIN 3 /* a table column is never narrower */
#define COL_MAX 24 /* nor wider, except amounts and numbers, which are never cut */
#define LABEL_COLS 20 /* the widest label column of the detail and the form */
#define PROMPT_MAX 1024 /* what ui_prompt can hold */

enum {
	OP_OPEN = 1,
	OP_RELOAD,
	OP_LEFT,
	OP_RIGHT,
	OP_SORT,
	OP_SORT_DIR,
	OP_FILTER,
	OP_FILTER_CLEAR,
	OP_DELETED,
	OP_ADD,
	OP_EDIT,
	OP_DELETE,
	OP_HISTORY,
	OP_REQUEST,
	OP_FIELD,
	OP_SAVE,
	OP_CLEAR,
	OP_UNDO,
	OP_CLOSE,
	OP_ROLLBACK,
	OP_IMPORT,
};

/* ---- what the screens share ---- */

static struct ledger_set set;
static int set_users;

/* What the next screen pushed opens, read by its enter. */
static const struct ledger_template *open_t;
static int64_t open_id;
static const struct ledger_record *open_record; /* the form: the record to edit, NULL to add */
/* A record just added, for the browser to select when it shows again. */
static int64_t focus_id;

static void set_acquire(struct ui *ui)
{
	int rc;

	if (set_users++ > 0)
		return;
	memset(&set, 0, sizeof(set));
	if ((rc = service_ledgers_load(ui->app, &set)))
		ui_message(ui, THEME_ERROR, _("Could not load the ledgers: %s"), br_strerror(rc));
}

static void set_release(void)
{
	if (set_users > 0 && --set_users == 0)
		ledger_set_release(&set);
}

static const char *lang_of(const struct ui *ui)
{
	return app_language(ui->app);
}

const char *ledger_kind_title(struct ui *ui, const char *id)
{
	static struct ledger_set titles; /* read once: lists only need the titles */
	static bool loaded;
	const struct ledger_template *t;

	if (!loaded) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/ledgers", ui->app->forms_dir);
		ledger_set_load(&titles, dir, NULL, 0);
		loaded = true;
	}
	t = ledger_set_find(&titles, id);
	return t ? ledger_title(t, lang_of(ui)) : id;
}

static const char *field_label(const struct ui *ui, const struct form_field *f)
{
	return form_field_label(f, lang_of(ui));
}

static bool numeric(const struct form_field *f)
{
	return f->type == FIELD_MONEY || f->type == FIELD_NUMBER;
}

/*
 * A value on one line: an amount with thousands separators, the first line
 * of a longer text with how many lines it has, controls made harmless.
 */
static void value_show(const struct form_field *f, const char *v, char *out, size_t size)
{
	const char *nl;
	int64_t fen;
	int lines = 1;

	if (!v)
		v = "";
	if (f && f->type == FIELD_MONEY && *v && !money_parse(v, &fen, NULL)) {
		money_format(fen, out, size, MONEY_GROUP);
		return;
	}
	/* a stored file is "NAME sha256:HASH": the name says enough in a table */
	if (f && f->type == FIELD_ATTACHMENT && (nl = strstr(v, " sha256:")) && nl > v) {
		snprintf(out, size, "%.*s", (int)(nl - v) < 400 ? (int)(nl - v) : 400, v);
		text_sanitize(out);
		return;
	}
	if (!(nl = strchr(v, '\n'))) {
		str_copy(out, v, size);
	} else {
		for (const char *p = v; *p; p++)
			lines += *p == '\n';
		snprintf(out, size, "%.*s …(%d)", (int)(nl - v) < 400 ? (int)(nl - v) : 400, v, lines);
	}
	text_sanitize(out);
}

/* A copy of src (dst uninitialised). */
static void record_dup(struct ledger_record *dst, const struct ledger_record *src, const struct ledger_template *t)
{
	ledger_record_init(dst, t);
	ledger_record_copy(dst, src, t);
}

/* A time stored as ISO-8601 UTC, local: "11-25 11:48", with the year when it is not this one. */
static void when_text(const char *iso, char *out, size_t size)
{
	char hm[12], today[11];

	approval_time(iso, hm);
	if (!hm[0]) {
		str_copy(out, iso, size);
		text_sanitize(out);
		return;
	}
	date_today(today);
	if (strncmp(iso, today, 4))
		snprintf(out, size, "%.4s-%s", iso, hm);
	else
		str_copy(out, hm, size);
}

/* "王芳 (wangfang)", or the login alone when no name is known. */
static void person_text(struct ui *ui, const char *uid, char *out, size_t size)
{
	char name[256];

	approval_person(ui, uid, name, sizeof(name));
	if (strcmp(name, uid) && uid[0] && strcmp(uid, "-"))
		snprintf(out, size, "%s (%s)", name, uid);
	else
		str_copy(out, name, size);
}

static const char *action_label(const char *action)
{
	static const struct {
		const char *name, *label;
	} labels[] = {
		{ "add", N_("added") },		{ "edit", N_("edited") },	  { "delete", N_("deleted") },
		{ "restore", N_("restored") },	{ "rollback", N_("rolled back") }, { "import", N_("imported") },
		{ "approval", N_("approval") },
	};

	for (size_t i = 0; i < ARRAY_SIZE(labels); i++)
		if (!strcmp(action, labels[i].name))
			return _(labels[i].label);
	return action;
}

/* Lines for a notice or a confirmation, each with its theme element. */
struct lines {
	char **s;
	int *elem;
	int n;
};

static void lines_add(struct lines *l, int elem, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void lines_add(struct lines *l, int elem, const char *fmt, ...)
{
	va_list ap;
	char buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	l->s = xrealloc(l->s, sizeof(*l->s) * (size_t)(l->n + 1));
	l->elem = xrealloc(l->elem, sizeof(*l->elem) * (size_t)(l->n + 1));
	l->s[l->n] = xstrdup(buf);
	l->elem[l->n++] = elem;
}

static void lines_free(struct lines *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	free(l->elem);
	memset(l, 0, sizeof(*l));
}

/* One field's change as "label: old → new" (values cut to fit a line). */
static void change_text(struct ui *ui, const struct ledger_template *t, const struct ledger_change *c, char *out,
			size_t size)
{
	const struct form_field *f = c->field >= 0 && c->field < t->nfields ? &t->fields[c->field] : NULL;
	char from[200], to[200], a[600], b[600];

	value_show(f, c->from, a, sizeof(a));
	value_show(f, c->to, b, sizeof(b));
	text_fit(from, sizeof(from), a[0] ? a : _("(empty)"), 40, 0, 1);
	text_fit(to, sizeof(to), b[0] ? b : _("(empty)"), 40, 0, 1);
	if (f)
		snprintf(out, size, "%s: %s %s %s", field_label(ui, f), from, ui->ascii ? "->" : "→", to);
	else
		snprintf(out, size, _("%s (no longer in the template): %s %s %s"), c->name, from,
			 ui->ascii ? "->" : "→", to);
}

/* The versions of a conflict, each with its changes, into l. */
static void versions_lines(struct ui *ui, const struct ledger_template *t, const struct ledger_version *v, int n,
			   const bool *both, struct lines *l)
{
	for (int i = 0; i < n; i++) {
		char when[32], who[400], change[1400];
		when_text(v[i].ts, when, sizeof(when));
		person_text(ui, v[i].actor, who, sizeof(who));
		lines_add(l, THEME_TITLE, _("version %d  %s  %s  %s%s%s"), v[i].version, when, who,
			  action_label(v[i].action), v[i].note[0] ? "  " : "", v[i].note);
		for (int k = 0; k < v[i].nchanges; k++) {
			const struct ledger_change *c = &v[i].changes[k];
			bool clash = both && c->field >= 0 && c->field < FORM_MAX_FIELDS && both[c->field];
			change_text(ui, t, c, change, sizeof(change));
			lines_add(l, clash ? THEME_WARN : THEME_NORMAL, "  %s %s", clash ? "!" : " ", change);
		}
	}
}

/* ---- the ledgers ---- */

static const struct key_binding ledgers_keys[] = {
	UI_LIST_KEYS(N_("First ledger"), N_("Last ledger")),
	{ OP_OPEN, { '\n', '\r', KEY_ENTER, KEY_RIGHT }, "Enter", N_("Browse the ledger's records"), N_("Open") },
	{ OP_RELOAD, { 'r', 12, 0 }, "r/Ctrl-L", N_("Reload"), NULL },
};

struct ledgers_state {
	const struct ledger_template *vis[LEDGERS_MAX];
	int64_t count[LEDGERS_MAX]; /* -1: unknown */
	bool edit[LEDGERS_MAX];
	int n;
	struct ui_list list;
	unsigned version;
};

/* How many live records t has, -1 when the service would not say. */
static int64_t ledger_total(struct ui *ui, const struct ledger_template *t)
{
	struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	struct ledger_query q;
	char msg[BR_MSG_MAX];
	int64_t n = -1;

	memset(&q, 0, sizeof(q));
	q.sort = -1;
	q.count_cap = LEDGER_COUNT_CAP; /* the built-in ledgers are counted, the others' sizes kept */
	if (service_ledger_query(ui->app, t, "", conds, &q, msg, sizeof(msg)) ||
	    service_ledger_count(ui->app, &q, &n, msg, sizeof(msg)))
		return -1;
	return n;
}

static void ledgers_load(struct ui *ui, struct ledgers_state *st)
{
	st->n = service_ledgers_visible(ui->app, &set, st->vis, LEDGERS_MAX);
	if (st->n < 0)
		st->n = 0;
	for (int i = 0; i < st->n; i++) {
		st->edit[i] = service_ledger_can_edit(ui->app, st->vis[i]);
		st->count[i] = ledger_total(ui, st->vis[i]);
	}
	st->version = ui->data_version;
	ui_list_clamp(st->n, st->list.page, &st->list.sel, &st->list.scroll);
}

static void *ledgers_enter(struct ui *ui)
{
	struct ledgers_state *st = xcalloc(1, sizeof(*st));

	set_acquire(ui);
	st->list.page = 1;
	ledgers_load(ui, st);
	return st;
}

static void ledgers_leave(struct ui *ui, void *state)
{
	(void)ui;
	free(state);
	set_release();
}

static void ledgers_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct ledgers_state *st = state;
	int tw = text_width(_("Ledger")), iw = text_width(_("Id")), cw = text_width(_("Records")), x;

	if (st->version != ui->data_version)
		ledgers_load(ui, st);
	if (rows < 1 || cols < 1)
		return;
	for (int i = 0; i < st->n; i++) {
		int w = text_width(ledger_title(st->vis[i], lang_of(ui)));
		if (w > tw)
			tw = w;
		if ((w = text_width(st->vis[i]->id)) > iw)
			iw = w;
	}
	if (cw < 7)
		cw = 7;
	if (tw > cols / 2)
		tw = cols / 2;
	x = ui_cell(ui, top, left, tw, _("Ledger"), false, THEME_DIM);
	x = ui_cell(ui, top, x, iw, _("Id"), false, THEME_DIM);
	x = ui_cell(ui, top, x, cw, _("Records"), true, THEME_DIM);
	ui_cell(ui, top, x, left + cols - x, _("You may"), false, THEME_DIM);
	st->list.page = rows - 1 > 1 ? rows - 1 : 1;
	ui_list_clamp(st->n, st->list.page, &st->list.sel, &st->list.scroll);
	if (st->n == 0 && rows > 1)
		ui_text(ui, top + 1, left, cols, _("No ledger you may view."), THEME_DIM, false);
	for (int i = st->list.scroll; i < st->n && i - st->list.scroll < st->list.page; i++) {
		int y = top + 1 + i - st->list.scroll, elem = i == st->list.sel ? THEME_SELECTED : THEME_NORMAL;
		char count[32];
		const char *access = st->edit[i] ? _("view and change") : _("view");

		if (st->count[i] >= 0)
			snprintf(count, sizeof(count), "%lld%s", (long long)st->count[i],
				 st->vis[i]->builtin && st->count[i] >= LEDGER_COUNT_CAP ? "+" : "");
		else
			str_copy(count, "-", sizeof(count));
		ui_text(ui, y, left, cols, "", elem, true);
		x = ui_cell(ui, y, left, tw, ledger_title(st->vis[i], lang_of(ui)), false, elem);
		x = ui_cell(ui, y, x, iw, st->vis[i]->id, false, elem);
		x = ui_cell(ui, y, x, cw, count, true, elem);
		ui_cell(ui, y, x, left + cols - x, st->vis[i]->builtin ? _("view (built in, read only)") : access,
			false, elem);
	}
}

static int ledgers_key(struct ui *ui, void *state, int op)
{
	struct ledgers_state *st = state;

	if (ui_list_key(&st->list, op, st->n))
		return UI_REDRAW;
	switch (op) {
	case OP_OPEN:
		if (st->n) {
			open_t = st->vis[st->list.sel];
			ui_push(ui, &screen_ledger);
		}
		break;
	case OP_RELOAD: ledgers_load(ui, st); break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_ledgers = {
	.title = N_("Ledgers"),
	.keys = ledgers_keys,
	.nkeys = (int)ARRAY_SIZE(ledgers_keys),
	.enter = ledgers_enter,
	.leave = ledgers_leave,
	.draw = ledgers_draw,
	.key = ledgers_key,
};

/* ---- one ledger's records ---- */

static const struct key_binding ledger_keys[] = {
	UI_LIST_KEYS(N_("First page"), N_("Last page")),
	{ OP_OPEN, { '\n', '\r', KEY_ENTER, 0 }, "Enter", N_("The record: every field, history, changes"),
	  N_("Open") },
	{ OP_LEFT, { KEY_LEFT, 'h', 0 }, "←/h", N_("Scroll the columns left (the first stays)"), NULL },
	{ OP_RIGHT, { KEY_RIGHT, 'l', 0 }, "→/l", N_("Scroll the columns right"), N_("Columns") },
	{ OP_SORT, { 's', 0 }, "s", N_("Sort by a column (the same column again: reverse)"), N_("Sort") },
	{ OP_SORT_DIR, { 'S', 0 }, "S", N_("Reverse the sort"), NULL },
	{ OP_FILTER, { '/', 'f', 0 }, "/ f", N_("Filter, e.g. 部门=财务部 日期>=2024-01-01 名称~纸"), N_("Filter") },
	{ OP_FILTER_CLEAR, { 'F', 0 }, "F", N_("Clear the filter"), NULL },
	{ OP_DELETED, { 'x', 0 }, "x", N_("Show the deleted records instead / back"), NULL },
	{ OP_ADD, { 'a', 0 }, "a", N_("Add a record (editors)"), N_("Add") },
	{ OP_IMPORT, { 'i', 0 }, "i", N_("Import records from pasted CSV: all rows or none (editors)"), NULL },
	{ OP_RELOAD, { 12, 0 }, "Ctrl-L", N_("Reload"), NULL },
};

/* Where a page starts: after the record with this sort value and id (none: at the start). */
struct cursor {
	bool has, null;
	int64_t id;
	char *value; /* owned */
};

struct rowset {
	struct ledger_record *rows;
	int n, cap;
	const struct ledger_template *t;
};

struct browser {
	const struct ledger_template *t;
	bool edit;
	char filter[512]; /* as typed */
	struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	struct ledger_query q; /* template, conditions, sort, direction, deleted; never a cursor */
	struct rowset page;
	struct cursor start; /* the page starts after this */
	struct cursor *stack; /* where the pages before started, for PgUp */
	int depth, cap;
	int64_t first; /* the page's first row among all that match, -1 unknown (the end of a capped count) */
	int64_t total; /* how many match (at most LEDGER_COUNT_CAP under a filter), -1 unknown */
	int64_t after; /* while first is unknown: how many rows follow the page */
	int sel; /* the row selected on the page */
	int col; /* the first column scrolled in (a field index from 1) */
	bool more_right; /* columns beyond the right edge, as drawn last */
	int limit; /* rows a page holds: what fitted last time */
	unsigned version;
	unsigned long long signature;
};

static void cursor_clear(struct cursor *c)
{
	free(c->value);
	memset(c, 0, sizeof(*c));
}

static void cursor_copy(struct cursor *dst, const struct cursor *src)
{
	*dst = *src;
	dst->value = src->value ? xstrdup(src->value) : NULL;
}

/* The cursor of record r under b's sort. */
static void cursor_of(const struct browser *b, const struct ledger_record *r, struct cursor *c)
{
	struct ledger_query q = b->q;

	ledger_query_cursor(&q, r);
	c->has = true;
	c->null = q.cursor_null;
	c->id = q.cursor_id;
	c->value = xstrdup(q.cursor_value);
}

static void rowset_clear(struct rowset *rs)
{
	for (int i = 0; i < rs->n; i++)
		ledger_record_release(&rs->rows[i]);
	free(rs->rows);
	rs->rows = NULL;
	rs->n = rs->cap = 0;
}

static int rowset_add(const struct ledger_record *r, void *arg)
{
	struct rowset *rs = arg;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 32;
		rs->rows = xrealloc(rs->rows, sizeof(*rs->rows) * (size_t)rs->cap);
	}
	record_dup(&rs->rows[rs->n++], r, rs->t);
	return 0;
}

static void stack_clear(struct browser *b)
{
	for (int i = 0; i < b->depth; i++)
		cursor_clear(&b->stack[i]);
	b->depth = 0;
}

/* Keeps c (taken over) as the start of a page before this one. */
static void stack_push(struct browser *b, struct cursor *c)
{
	if (b->depth == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->stack = xrealloc(b->stack, sizeof(*b->stack) * (size_t)b->cap);
	}
	b->stack[b->depth++] = *c;
	memset(c, 0, sizeof(*c));
}

/* Up to limit rows after (or, backward, before) c into rs; the service's message on the status line. */
static int fetch(struct ui *ui, const struct browser *b, const struct cursor *c, bool backward, int limit,
		 struct rowset *rs)
{
	struct ledger_query q = b->q;
	char msg[BR_MSG_MAX];
	int rc;

	memset(rs, 0, sizeof(*rs));
	rs->t = b->t;
	q.has_cursor = c && c->has;
	if (q.has_cursor) {
		q.cursor_null = c->null;
		q.cursor_id = c->id;
		str_copy(q.cursor_value, c->value ? c->value : "", sizeof(q.cursor_value));
	}
	q.backward = backward;
	q.limit = limit;
	if ((rc = service_ledger_page(ui->app, &q, rowset_add, rs, msg, sizeof(msg)))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		rowset_clear(rs);
	}
	return rc;
}

static void page_take(struct browser *b, struct rowset *rs)
{
	rowset_clear(&b->page);
	b->page = *rs;
	memset(rs, 0, sizeof(*rs));
	if (b->sel >= b->page.n)
		b->sel = b->page.n - 1;
	if (b->sel < 0)
		b->sel = 0;
}

/* Whether the count stopped at LEDGER_COUNT_CAP: there may be more. */
static bool capped(const struct browser *b)
{
	return b->total >= LEDGER_COUNT_CAP && (b->q.nconds || b->t->builtin);
}

static void recount(struct ui *ui, struct browser *b)
{
	char msg[BR_MSG_MAX];

	if (service_ledger_count(ui->app, &b->q, &b->total, msg, sizeof(msg))) {
		b->total = -1;
		ui_message(ui, THEME_ERROR, "%s", msg);
	}
}

/* Shows the page that starts after c (copied). */
static int show_after(struct ui *ui, struct browser *b, const struct cursor *c)
{
	struct rowset rs;
	struct cursor keep;
	int rc;

	if ((rc = fetch(ui, b, c, false, b->limit, &rs)))
		return rc;
	cursor_copy(&keep, c);
	cursor_clear(&b->start);
	b->start = keep;
	page_take(b, &rs);
	return BR_OK;
}

static void page_first(struct ui *ui, struct browser *b)
{
	struct cursor none = { false, false, 0, NULL };

	stack_clear(b);
	b->first = 0;
	b->after = 0;
	show_after(ui, b, &none);
}

/*
 * Shows the full page that ends just before c (none: the last page), and
 * finds where it starts by asking for the one row before it.  Near the
 * start a page backward would be short: the first page instead.
 */
static void show_before(struct ui *ui, struct browser *b, const struct cursor *c)
{
	struct rowset rs, prev;
	struct cursor start = { false, false, 0, NULL };

	if (fetch(ui, b, c, true, b->limit, &rs))
		return;
	if (rs.n < b->limit) {
		rowset_clear(&rs);
		page_first(ui, b);
		return;
	}
	{
		struct cursor at;
		cursor_of(b, &rs.rows[0], &at);
		if (fetch(ui, b, &at, true, 1, &prev)) {
			cursor_clear(&at);
			rowset_clear(&rs);
			return;
		}
		cursor_clear(&at);
	}
	if (prev.n)
		cursor_of(b, &prev.rows[0], &start);
	rowset_clear(&prev);
	cursor_clear(&b->start);
	b->start = start;
	page_take(b, &rs);
	if (!start.has)
		b->first = 0;
	else if (b->first >= 0)
		b->first = b->first > b->page.n ? b->first - b->page.n : 0;
}

/* Returns false (a message said why) when there is no next page. */
static bool page_next(struct ui *ui, struct browser *b)
{
	struct rowset rs;
	struct cursor c;
	int old = b->page.n;

	if (!b->page.n) {
		ui_message(ui, THEME_DIM, "%s", _("This is the last page."));
		return false;
	}
	cursor_of(b, &b->page.rows[b->page.n - 1], &c);
	if (fetch(ui, b, &c, false, b->limit, &rs)) {
		cursor_clear(&c);
		return false;
	}
	if (!rs.n) {
		cursor_clear(&c);
		rowset_clear(&rs);
		ui_message(ui, THEME_DIM, "%s", _("This is the last page."));
		return false;
	}
	stack_push(b, &b->start);
	b->start = c;
	page_take(b, &rs);
	if (b->first >= 0)
		b->first += old;
	b->after = b->after > b->page.n ? b->after - b->page.n : 0;
	/* others added records since the count: count again rather than show "rows 18-34 of 3" */
	if (b->total >= 0 && b->first >= 0 && !capped(b) && b->first + b->page.n > b->total)
		recount(ui, b);
	return true;
}

static bool page_prev(struct ui *ui, struct browser *b)
{
	int old = b->page.n;

	if (b->depth > 0) {
		struct cursor c = b->stack[--b->depth];
		if (show_after(ui, b, &c)) {
			b->depth++; /* still there: the page did not change */
			return false;
		}
		cursor_clear(&c);
		if (!b->start.has)
			b->first = 0;
		else if (b->first >= 0)
			b->first = b->first > b->page.n ? b->first - b->page.n : 0;
		b->after += old;
		return true;
	}
	if (b->start.has && b->page.n) {
		/* the pages before were never shown (after End): ask backward */
		struct cursor at;
		cursor_of(b, &b->page.rows[0], &at);
		show_before(ui, b, &at);
		cursor_clear(&at);
		b->after += old;
		return true;
	}
	ui_message(ui, THEME_DIM, "%s", _("This is the first page."));
	return false;
}

static void page_last(struct ui *ui, struct browser *b)
{
	recount(ui, b);
	stack_clear(b);
	show_before(ui, b, NULL);
	if (b->start.has)
		b->first = capped(b) ? -1 : b->total >= b->page.n ? b->total - b->page.n : 0;
	b->after = 0;
}

/* A cheap digest of the page, to tell whether the tick brought anything new. */
static unsigned long long page_signature(const struct browser *b)
{
	unsigned long long h = (unsigned long long)b->page.n * 31u + (unsigned long long)b->total;

	for (int i = 0; i < b->page.n; i++)
		h = h * 1000003u + (unsigned long long)b->page.rows[i].id * 131u +
		    (unsigned long long)b->page.rows[i].version;
	return h;
}

static void select_id(struct browser *b, int64_t id)
{
	for (int i = 0; i < b->page.n; i++)
		if (b->page.rows[i].id == id)
			b->sel = i;
}

static int64_t selected_id(const struct browser *b)
{
	return b->page.n ? b->page.rows[b->sel].id : 0;
}

/* Reads the page again where it starts, the selection kept on its record. */
static void browser_reload(struct ui *ui, struct browser *b)
{
	int64_t keep = focus_id ? focus_id : selected_id(b);
	struct cursor start;

	recount(ui, b);
	cursor_copy(&start, &b->start);
	show_after(ui, b, &start);
	cursor_clear(&start);
	if (!b->page.n && b->total > 0)
		page_last(ui, b);
	select_id(b, keep);
	/* a record just added sorts last by number: show the last page when it is not on this one */
	if (focus_id && (!b->page.n || b->page.rows[b->sel].id != focus_id) && b->q.sort < 0 && !b->q.desc) {
		page_last(ui, b);
		select_id(b, focus_id);
	}
	focus_id = 0;
	b->version = ui->data_version;
	b->signature = page_signature(b);
}

/* From the first page again, after the sort, the filter or the deleted switch changed. */
static void browser_restart(struct ui *ui, struct browser *b)
{
	recount(ui, b);
	b->sel = 0;
	page_first(ui, b);
	b->version = ui->data_version;
	b->signature = page_signature(b);
}

static void *ledger_enter(struct ui *ui)
{
	struct browser *b = xcalloc(1, sizeof(*b));
	char msg[BR_MSG_MAX];

	set_acquire(ui);
	b->t = open_t;
	b->edit = service_ledger_can_edit(ui->app, b->t);
	b->col = 1;
	b->limit = LINES - 7 > 1 ? LINES - 7 : 1;
	if (b->limit > LEDGER_PAGE_MAX)
		b->limit = LEDGER_PAGE_MAX;
	b->q.sort = -1;
	b->q.count_cap = LEDGER_COUNT_CAP;
	if (service_ledger_query(ui->app, b->t, "", b->conds, &b->q, msg, sizeof(msg)))
		ui_message(ui, THEME_ERROR, "%s", msg);
	b->q.t = b->t;
	b->total = -1;
	browser_restart(ui, b);
	return b;
}

static void ledger_leave(struct ui *ui, void *state)
{
	struct browser *b = state;

	(void)ui;
	rowset_clear(&b->page);
	stack_clear(b);
	free(b->stack);
	cursor_clear(&b->start);
	free(b);
	set_release();
}

static int ledger_tick(struct ui *ui, void *state)
{
	struct browser *b = state;
	unsigned long long before = b->signature;

	browser_reload(ui, b);
	return b->signature != before ? UI_REDRAW : 0;
}

static const char *arrow(const struct ui *ui, bool desc)
{
	return desc ? (ui->ascii ? "v" : "↓") : (ui->ascii ? "^" : "↑");
}

/* The column heading of field i (-1: the number), with the sort arrow on the sorted one. */
static void heading(const struct ui *ui, const struct browser *b, int i, char *out, size_t size)
{
	const char *label = i < 0 ? "#" : field_label(ui, &b->t->fields[i]);

	if (b->q.sort == i)
		snprintf(out, size, "%s%s", label, arrow(ui, b->q.desc));
	else
		str_copy(out, label, size);
}

/* Which columns show and how wide: the number and the first field stay, the rest scroll. */
struct table {
	int idw;
	int w[FORM_MAX_FIELDS];
	int shown[FORM_MAX_FIELDS];
	int nshown;
	int last; /* the last field shown */
};

static void table_layout(const struct ui *ui, struct browser *b, int cols, struct table *tb)
{
	const struct ledger_template *t = b->t;
	char text[1200];
	int x;

	memset(tb, 0, sizeof(*tb));
	heading(ui, b, -1, text, sizeof(text));
	tb->idw = text_width(text);
	for (int r = 0; r < b->page.n; r++) {
		snprintf(text, sizeof(text), "%lld", (long long)b->page.rows[r].id);
		if (text_width(text) > tb->idw)
			tb->idw = text_width(text);
	}
	for (int i = 0; i < t->nfields; i++) {
		heading(ui, b, i, text, sizeof(text));
		tb->w[i] = text_width(text);
		for (int r = 0; r < b->page.n; r++) {
			int w;
			value_show(&t->fields[i], b->page.rows[r].values[i], text, sizeof(text));
			if ((w = text_width(text)) > tb->w[i])
				tb->w[i] = w;
		}
		if (!numeric(&t->fields[i]) && tb->w[i] > COL_MAX)
			tb->w[i] = COL_MAX;
		if (tb->w[i] < COL_MIN)
			tb->w[i] = COL_MIN;
	}
	if (t->nfields == 0)
		return;
	/* the frozen columns first, narrowed (the number dropped) when even they do not fit */
	if (tb->idw + 1 + tb->w[0] > cols) {
		if (cols - tb->idw - 1 >= COL_MIN)
			tb->w[0] = cols - tb->idw - 1;
		else {
			tb->idw = 0;
			tb->w[0] = cols > 1 ? cols : 1;
		}
	}
	tb->shown[tb->nshown++] = 0;
	x = (tb->idw ? tb->idw + 1 : 0) + tb->w[0] + 1;
	if (b->col >= t->nfields)
		b->col = t->nfields - 1;
	if (b->col < 1)
		b->col = 1;
	tb->last = 0;
	for (int i = b->col; i < t->nfields; i++) {
		/* the first scrolled column always shows, cut if need be */
		if (x + tb->w[i] > cols && i > b->col)
			break;
		if (x + tb->w[i] > cols)
			tb->w[i] = cols - x;
		if (tb->w[i] < 1)
			break;
		tb->shown[tb->nshown++] = i;
		tb->last = i;
		x += tb->w[i] + 1;
	}
	b->more_right = tb->last < t->nfields - 1;
}

/* The header lines: title and rows a–b of N; filter, sort, columns and the deleted switch. */
static void browser_header(struct ui *ui, struct browser *b, const struct table *tb, int top, int left, int cols)
{
	char right[128], line[1400], of[32];
	const char *dash = ui->ascii ? "-" : "–";
	int rw;

	if (b->total < 0)
		str_copy(of, "?", sizeof(of));
	else
		snprintf(of, sizeof(of), capped(b) ? "%lld+" : "%lld", (long long)b->total);
	if (!b->page.n)
		snprintf(right, sizeof(right), _("0 rows of %s"), of);
	else if (b->first < 0 && !b->after)
		snprintf(right, sizeof(right), _("the last %d rows of %s"), b->page.n, of);
	else if (b->first < 0)
		snprintf(right, sizeof(right), _("%d rows of %s, %lld more after them"), b->page.n, of,
			 (long long)b->after);
	else
		snprintf(right, sizeof(right), _("rows %lld%s%lld of %s"), (long long)(b->first + 1), dash,
			 (long long)(b->first + b->page.n), of);
	rw = text_width(right);
	snprintf(line, sizeof(line), "%s%s", ledger_title(b->t, lang_of(ui)),
		 b->q.deleted ? _("  (deleted records)") : b->edit ? "" : _("  (read only)"));
	ui_text(ui, top, left, cols, "", THEME_NORMAL, true);
	ui_text(ui, top, left, cols - rw - 1 > 0 ? cols - rw - 1 : cols, line, b->q.deleted ? THEME_WARN : THEME_TITLE,
		false);
	if (cols - rw - 1 > text_width(line))
		ui_text(ui, top, left + cols - rw, rw, right, THEME_NORMAL, false);

	snprintf(line, sizeof(line), _("Filter: %s   Sort: %s %s"), b->filter[0] ? b->filter : _("none"),
		 b->q.sort < 0 ? _("record no.") : field_label(ui, &b->t->fields[b->q.sort]), arrow(ui, b->q.desc));
	if (tb->nshown < b->t->nfields || b->col > 1)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), _("   columns %d%s%d of %d"), b->col + 1,
			 dash, tb->last + 1, b->t->nfields);
	ui_text(ui, top + 1, left, cols, line, b->filter[0] ? THEME_OK : THEME_DIM, true);
}

/* One line of the table: texts[0] the number, texts[i + 1] field i; amounts and numbers to the right. */
static void table_line(struct ui *ui, const struct browser *b, const struct table *tb, const char *const *texts,
		       int y, int left, int cols, int elem)
{
	int x = left;

	ui_text(ui, y, left, cols, "", elem, true);
	if (tb->idw)
		x = ui_cell(ui, y, x, tb->idw, texts[0], true, elem);
	for (int k = 0; k < tb->nshown; k++) {
		int i = tb->shown[k];
		x = ui_cell(ui, y, x, tb->w[i], texts[i + 1], numeric(&b->t->fields[i]), elem);
	}
}

static void ledger_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct browser *b = state;
	struct table tb;
	const char *texts[FORM_MAX_FIELDS + 1];
	char heads[FORM_MAX_FIELDS + 1][300];
	int limit = rows - 3 > 1 ? rows - 3 : 1;

	if (limit > LEDGER_PAGE_MAX)
		limit = LEDGER_PAGE_MAX;
	if (b->version != ui->data_version) {
		b->limit = limit;
		browser_reload(ui, b);
	} else if (limit != b->limit) {
		/* the terminal changed size: the page holds what fits, from where it started */
		int64_t keep = selected_id(b);
		struct cursor start;
		b->limit = limit;
		recount(ui, b);
		cursor_copy(&start, &b->start);
		show_after(ui, b, &start);
		cursor_clear(&start);
		select_id(b, keep);
	}
	if (rows < 1 || cols < 1)
		return;
	table_layout(ui, b, cols, &tb);
	browser_header(ui, b, &tb, top, left, cols);
	if (rows < 3)
		return;
	for (int i = -1; i < b->t->nfields; i++) {
		heading(ui, b, i, heads[i + 1], sizeof(heads[i + 1]));
		texts[i + 1] = heads[i + 1];
	}
	table_line(ui, b, &tb, texts, top + 2, left, cols, THEME_DIM);
	if (!b->page.n && rows > 3)
		ui_text(ui, top + 3, left, cols,
			b->filter[0]   ? _("No record matches the filter (F clears it).")
			: b->q.deleted ? _("No deleted records (x: back to the live ones).")
			: b->edit      ? _("No records yet. Press a to add one.")
				       : _("No records yet."),
			THEME_DIM, false);
	for (int r = 0; r < b->page.n && r < rows - 3; r++) {
		const struct ledger_record *rec = &b->page.rows[r];
		char cells[FORM_MAX_FIELDS + 1][600];
		int elem = r == b->sel ? THEME_SELECTED : THEME_NORMAL;

		snprintf(cells[0], sizeof(cells[0]), "%lld", (long long)rec->id);
		texts[0] = cells[0];
		for (int i = 0; i < b->t->nfields; i++) {
			value_show(&b->t->fields[i], rec->values[i], cells[i + 1], sizeof(cells[i + 1]));
			texts[i + 1] = cells[i + 1];
		}
		table_line(ui, b, &tb, texts, top + 3 + r, left, cols, elem);
	}
}

static void ledger_open_record(struct ui *ui, const struct ledger_template *t, int64_t id)
{
	open_t = t;
	open_id = id;
	ui_push(ui, &screen_ledger_record);
}

static void ledger_form_open(struct ui *ui, const struct ledger_template *t, const struct ledger_record *r)
{
	open_t = t;
	open_record = r;
	ui_push(ui, &screen_ledger_form);
}

/* The live hint under the filter prompt: what is wrong, or the conditions as understood. */
struct filter_hint {
	struct ui *ui;
	const struct ledger_template *t;
};

static void filter_hint(const char *typed, char *out, size_t size, int *elem, void *arg)
{
	struct filter_hint *h = arg;
	struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	struct ledger_query q;
	char msg[BR_MSG_MAX];

	if (!typed[strspn(typed, " ")]) {
		char names[400] = "";
		for (int i = 0; i < h->t->nfields && strlen(names) < 300; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? " " : "",
				 field_label(h->ui, &h->t->fields[i]));
		snprintf(out, size, _("Fields: %s; operators = != < <= > >= ~ (contains)"), names);
		*elem = THEME_DIM;
		return;
	}
	memset(&q, 0, sizeof(q));
	q.sort = -1;
	if (service_ledger_query(h->ui->app, h->t, typed, conds, &q, msg, sizeof(msg))) {
		str_copy(out, msg, size);
		*elem = THEME_ERROR;
		return;
	}
	snprintf(out, size, _("%d condition(s), all must hold"), q.nconds);
	*elem = THEME_OK;
}

/* Sets the filter when the service takes it; else says why and keeps the old one. */
static bool browser_filter(struct ui *ui, struct browser *b, const char *text)
{
	struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	struct ledger_query q = b->q;
	char msg[BR_MSG_MAX];

	if (service_ledger_query(ui->app, b->t, text, conds, &q, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return false;
	}
	memcpy(b->conds, conds, sizeof(conds));
	b->q = q;
	b->q.conds = b->conds;
	str_copy(b->filter, text, sizeof(b->filter));
	browser_restart(ui, b);
	return true;
}

static void browser_sort(struct ui *ui, struct browser *b)
{
	const char **items = xcalloc((size_t)b->t->nfields + 1, sizeof(*items));
	char(*text)[300] = xcalloc((size_t)b->t->nfields + 1, sizeof(*text));
	int k;

	for (int i = -1; i < b->t->nfields; i++) {
		const char *label = i < 0 ? _("# (record no.)") : field_label(ui, &b->t->fields[i]);
		if (b->q.sort == i)
			snprintf(text[i + 1], sizeof(text[i + 1]), "%s %s", label, arrow(ui, b->q.desc));
		else
			str_copy(text[i + 1], label, sizeof(text[i + 1]));
		items[i + 1] = text[i + 1];
	}
	k = ui_choose(ui, _("Sort by"), items, b->t->nfields + 1, b->q.sort + 1);
	if (k >= 0) {
		if (k - 1 == b->q.sort) {
			b->q.desc = !b->q.desc;
		} else {
			b->q.sort = k - 1;
			b->q.desc = false;
		}
		browser_restart(ui, b);
	}
	free(items);
	free(text);
}

#define IMPORT_MAX (4 * 1024 * 1024)

/*
 * Pasted CSV, its header naming fields by name or label (a header of the
 * labels is offered): every row is added or none, with the problems per
 * row and column.  What was pasted is offered again until it imports.
 */
static void browser_import(struct ui *ui, struct browser *b)
{
	static char *pasted; /* one session, one screen at a time */
	struct ledger_import r;
	struct strbuf head = { NULL, 0 };
	char msg[BR_MSG_MAX], *text;

	if (!b->edit) {
		ui_message(ui, THEME_WARN, "%s", _("You may view this ledger, not change it."));
		return;
	}
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < b->t->nfields; i++)
		if (b->t->fields[i].type != FIELD_ATTACHMENT)
			strbuf_addf(&head, "%s%s", head.s ? "," : "", form_field_label(&b->t->fields[i], lang_of(ui)));
	strbuf_addf(&head, "\n");
	text = pasted ? xstrdup(pasted) : head.s;
	if (text != head.s)
		free(head.s);
	if (!ui_textarea(ui, _("Import records: paste CSV, then Ctrl-D"), &text, IMPORT_MAX))
		goto out;
	free(pasted);
	pasted = xstrdup(text);
	if (service_ledger_import(ui->app, b->t, text, strlen(text), &r, msg, sizeof(msg))) {
		if (r.nproblems)
			ui_import_problems(ui, msg, r.problems, r.nproblems);
		ui_message(ui, THEME_ERROR, "%s", r.nproblems ? _("Nothing imported; press i to correct the CSV.") : msg);
		goto out;
	}
	ui_message(ui, THEME_OK, _("Imported %d record(s)"), r.added);
	free(pasted);
	pasted = NULL;
	ui->data_version++;
	browser_restart(ui, b);
out:
	ledger_import_release(&r);
	free(text);
}

static int ledger_key(struct ui *ui, void *state, int op)
{
	struct browser *b = state;
	char buf[sizeof(b->filter)];

	switch (op) {
	case OP_LIST_UP:
		if (b->sel > 0)
			b->sel--;
		else if (page_prev(ui, b))
			b->sel = b->page.n - 1;
		break;
	case OP_LIST_DOWN:
		if (b->sel + 1 < b->page.n)
			b->sel++;
		else if (page_next(ui, b))
			b->sel = 0;
		break;
	case OP_LIST_PGDN:
		if (page_next(ui, b))
			b->sel = 0;
		else
			b->sel = b->page.n - 1;
		break;
	case OP_LIST_PGUP:
		page_prev(ui, b);
		b->sel = 0;
		break;
	case OP_LIST_FIRST:
		page_first(ui, b);
		b->sel = 0;
		break;
	case OP_LIST_LAST:
		page_last(ui, b);
		b->sel = b->page.n - 1;
		break;
	case OP_LEFT:
		if (b->col > 1)
			b->col--;
		break;
	case OP_RIGHT:
		if (b->more_right)
			b->col++;
		break;
	case OP_OPEN:
		if (b->page.n)
			ledger_open_record(ui, b->t, selected_id(b));
		break;
	case OP_SORT: browser_sort(ui, b); break;
	case OP_SORT_DIR:
		b->q.desc = !b->q.desc;
		browser_restart(ui, b);
		break;
	case OP_FILTER: {
		struct filter_hint h = { ui, b->t };
		str_copy(buf, b->filter, sizeof(buf));
		if (ui_prompt_hint(ui, _("Filter (field, operator, value; blanks between): "), buf, sizeof(buf),
				   filter_hint, &h))
			browser_filter(ui, b, str_trim(buf));
		break;
	}
	case OP_FILTER_CLEAR:
		if (b->filter[0])
			browser_filter(ui, b, "");
		break;
	case OP_DELETED:
		b->q.deleted = !b->q.deleted;
		browser_restart(ui, b);
		ui_message(ui, b->q.deleted ? THEME_WARN : THEME_DIM, "%s",
			   b->q.deleted ? _("Deleted records: open one to restore it (x: back).")
					: _("The live records again."));
		break;
	case OP_ADD:
		if (!b->edit)
			ui_message(ui, THEME_WARN, "%s", _("You may view this ledger, not change it."));
		else
			ledger_form_open(ui, b->t, NULL);
		break;
	case OP_IMPORT: browser_import(ui, b); break;
	case OP_RELOAD: browser_reload(ui, b); break;
	default: return 0;
	}
	if (b->sel >= b->page.n)
		b->sel = b->page.n - 1;
	if (b->sel < 0)
		b->sel = 0;
	return UI_REDRAW;
}

const struct screen_ops screen_ledger = {
	.title = N_("Ledger"),
	.keys = ledger_keys,
	.nkeys = (int)ARRAY_SIZE(ledger_keys),
	.enter = ledger_enter,
	.leave = ledger_leave,
	.draw = ledger_draw,
	.key = ledger_key,
	.tick = ledger_tick,
};

/* ---- one record ---- */

static const struct key_binding record_keys[] = {
	UI_LIST_KEYS(N_("Top"), N_("Bottom")),
	{ OP_EDIT, { 'e', 0 }, "e", N_("Edit the record (editors)"), N_("Edit") },
	{ OP_DELETE, { 'd', KEY_DC, 0 }, "d/Del", N_("Delete the record, or restore a deleted one (editors)"),
	  N_("Delete/restore") },
	{ OP_HISTORY, { 'h', 0 }, "h", N_("Every version: who changed what, and rollback"), N_("Versions") },
	{ OP_ADD, { 'a', 0 }, "a", N_("Add another record (editors)"), NULL },
	{ OP_REQUEST, { 'r', 0 }, "r", N_("File a requisition, in ledgers that have one"), NULL },
	{ OP_RELOAD, { 12, 0 }, "Ctrl-L", N_("Reload"), NULL },
};

struct record_view {
	const struct ledger_template *t;
	int64_t id;
	struct ledger_record r;
	bool loaded, edit;
	int first; /* the first line shown */
	int page; /* lines shown last time */
	int nlines; /* lines drawn in all, last time */
	unsigned version;
};

static void record_load(struct ui *ui, struct record_view *v)
{
	char msg[BR_MSG_MAX];

	ledger_record_release(&v->r);
	ledger_record_init(&v->r, v->t);
	v->loaded = !service_ledger_get(ui->app, v->t, v->id, &v->r, msg, sizeof(msg));
	if (!v->loaded)
		ui_message(ui, THEME_ERROR, "%s", msg);
	v->version = ui->data_version;
}

static void *record_enter(struct ui *ui)
{
	struct record_view *v = xcalloc(1, sizeof(*v));

	set_acquire(ui);
	v->t = open_t;
	v->id = open_id;
	v->edit = service_ledger_can_edit(ui->app, v->t);
	v->page = 1;
	ledger_record_init(&v->r, v->t);
	record_load(ui, v);
	return v;
}

static void record_leave(struct ui *ui, void *state)
{
	struct record_view *v = state;

	(void)ui;
	ledger_record_release(&v->r);
	free(v);
	set_release();
}

static int record_tick(struct ui *ui, void *state)
{
	struct record_view *v = state;
	int before = v->r.version;
	bool deleted = v->r.deleted;

	record_load(ui, v);
	return v->r.version != before || v->r.deleted != deleted ? UI_REDRAW : 0;
}

/* Lays text out in rows of at most w columns (at newlines too); calls out for each row. */
static int wrap(const char *text, int w, void (*out)(const char *row, void *arg), void *arg)
{
	char row[1200];
	int n = 0;

	if (w < 1)
		w = 1;
	do {
		size_t len = strcspn(text, "\n"), i = 0, o = 0;
		int used = 0;
		do {
			/* one row of this line */
			while (i < len) {
				int cw;
				size_t cl = text_char(text + i, len - i, &cw);
				if ((used + cw > w && used > 0) || o + cl + 1 >= sizeof(row))
					break;
				memcpy(row + o, text + i, cl);
				o += cl;
				i += cl;
				used += cw;
			}
			row[o] = '\0';
			text_sanitize(row);
			out(row, arg);
			n++;
			o = 0;
			used = 0;
		} while (i < len);
		text += len;
	} while (*text++ == '\n');
	return n;
}

struct record_draw {
	struct ui *ui;
	int line, top, left, rows, first;
	int labelw, cols;
	const char *label; /* for the first row of a field, then NULL */
	int elem;
};

static void record_row(const char *row, void *arg)
{
	struct record_draw *d = arg;
	int y = d->top + d->line - d->first;

	if (d->line >= d->first && y < d->top + d->rows) {
		char label[200];
		text_fit(label, sizeof(label), d->label ? d->label : "", d->labelw, 1, 1);
		ui_text(d->ui, y, d->left, d->labelw, label, THEME_DIM, true);
		ui_text(d->ui, y, d->left + d->labelw + 1, d->cols - d->labelw - 1, row, d->elem, true);
	}
	d->label = NULL;
	d->line++;
}

/* A value in the detail: amounts grouped, a person's login with the name, a reference with what it names. */
static void detail_value(struct ui *ui, const struct form_field *f, const char *v, char *out, size_t size)
{
	const struct ledger_template *ref;
	struct ledger_record r;
	char name[256], msg[BR_MSG_MAX], first[300];

	if (f->type == FIELD_PERSON) {
		approval_person(ui, v, name, sizeof(name));
		if (strcmp(name, v))
			snprintf(out, size, "%s (%s)", v, name);
		else
			str_copy(out, v, size);
		text_sanitize(out);
		return;
	}
	if (f->type != FIELD_REFERENCE || !(ref = ledger_set_find(&set, f->ref)) || !ref->nfields) {
		value_show(f, v, out, size);
		return;
	}
	ledger_record_init(&r, ref);
	if (service_ledger_get(ui->app, ref, strtoll(v, NULL, 10), &r, msg, sizeof(msg))) {
		snprintf(out, size, "#%s", v);
	} else {
		value_show(&ref->fields[0], r.values[0], first, sizeof(first));
		snprintf(out, size, "#%s %s (%s)", v, first, ledger_title(ref, lang_of(ui)));
	}
	text_sanitize(out);
	ledger_record_release(&r);
}

static void record_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct record_view *v = state;
	const struct ledger_template *t = v->t;
	struct record_draw d;
	char line[1200], when[32], who[400], *shown[FORM_MAX_FIELDS];
	int labelw = 0;

	if (v->version != ui->data_version)
		record_load(ui, v);
	if (rows < 1 || cols < 1)
		return;
	if (!v->loaded) {
		ui_text(ui, top, left, cols, _("This record could not be read."), THEME_ERROR, false);
		return;
	}
	snprintf(line, sizeof(line), _("%s  #%lld  version %d"), ledger_title(t, lang_of(ui)), (long long)v->r.id,
		 v->r.version);
	ui_text(ui, top, left, cols, line, THEME_TITLE, true);
	if (v->r.deleted)
		ui_text(ui, top, left + text_width(line) + 2, cols - text_width(line) - 2,
			_("DELETED: d restores it"), THEME_WARN, false);
	if (rows < 2)
		return;
	when_text(v->r.updated_at, when, sizeof(when));
	person_text(ui, v->r.updated_by, who, sizeof(who));
	snprintf(line, sizeof(line), _("last changed %s by %s"), when, who);
	if (t->builtin)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", _("  (built in: read only)"));
	else if (!v->edit)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", _("  (read only)"));
	ui_text(ui, top + 1, left, cols, v->r.updated_at[0] || v->r.updated_by[0] ? line : "", THEME_DIM, true);
	for (int i = 0; i < t->nfields; i++) {
		int w = text_width(field_label(ui, &t->fields[i])) + 1;
		if (w > labelw)
			labelw = w;
	}
	if (labelw > LABEL_COLS)
		labelw = LABEL_COLS;
	if (labelw > cols / 2)
		labelw = cols / 2;
	memset(&d, 0, sizeof(d));
	d.ui = ui;
	d.top = top + 3;
	d.left = left;
	d.rows = rows - 3;
	d.cols = cols;
	d.labelw = labelw;
	v->page = d.rows > 1 ? d.rows : 1;
	for (int i = 0; i < t->nfields; i++) {
		const struct form_field *f = &t->fields[i];
		const char *val = v->r.values[i] ? v->r.values[i] : "";
		char buf[1200];
		if (!*val) {
			shown[i] = xstrdup("-");
		} else if (f->type == FIELD_MONEY || f->type == FIELD_PERSON || f->type == FIELD_REFERENCE) {
			detail_value(ui, f, val, buf, sizeof(buf));
			shown[i] = xstrdup(buf);
		} else {
			shown[i] = xstrdup(val);
		}
	}
	/* count first, so that scrolling stops at the end */
	d.first = 1 << 30;
	for (int i = 0; i < t->nfields; i++)
		wrap(shown[i], cols - labelw - 1, record_row, &d);
	v->nlines = d.line;
	if (v->first > v->nlines - v->page)
		v->first = v->nlines - v->page;
	if (v->first < 0)
		v->first = 0;
	d.first = v->first;
	d.line = 0;
	for (int i = 0; i < t->nfields && d.rows > 0; i++) {
		char label[200];
		snprintf(label, sizeof(label), "%s:", field_label(ui, &t->fields[i]));
		d.label = label;
		d.elem = v->r.values[i] && v->r.values[i][0] ? THEME_NORMAL : THEME_DIM;
		wrap(shown[i], cols - labelw - 1, record_row, &d);
	}
	for (int i = 0; i < t->nfields; i++)
		free(shown[i]);
}

static bool may_change(struct ui *ui, const struct record_view *v)
{
	if (v->t->builtin)
		ui_message(ui, THEME_WARN, "%s", _("Built-in ledgers are read only: they show the claims and invoices."));
	else if (!v->edit)
		ui_message(ui, THEME_WARN, "%s", _("You may view this ledger, not change it."));
	return v->edit && !v->t->builtin;
}

/* Someone changed the record first: which versions, then read it again. */
static void show_newer(struct ui *ui, const struct ledger_template *t, const struct ledger_conflict *c,
		       const char *title)
{
	struct lines l = { NULL, NULL, 0 };

	versions_lines(ui, t, c->newer, c->nnewer, NULL, &l);
	if (!l.n)
		lines_add(&l, THEME_NORMAL, _("It is at version %d now."), c->version);
	ui_notice(ui, title, (const char *const *)l.s, l.elem, l.n);
	lines_free(&l);
}

static void record_delete(struct ui *ui, struct record_view *v)
{
	struct ledger_conflict c;
	char msg[BR_MSG_MAX], first[300] = "", title[400];
	const char *lines[2];
	bool restore = v->r.deleted;
	int rc;

	if (!may_change(ui, v) || !v->loaded)
		return;
	memset(&c, 0, sizeof(c));
	if (v->t->nfields)
		value_show(&v->t->fields[0], v->r.values[0], first, sizeof(first));
	if (restore)
		snprintf(title, sizeof(title), _("Restore record #%lld?"), (long long)v->r.id);
	else
		snprintf(title, sizeof(title), _("Delete record #%lld?"), (long long)v->r.id);
	lines[0] = first;
	lines[1] = restore ? _("It goes back among the live records.")
			   : _("It stays in the history; x in the table shows the deleted records.");
	if (!ui_confirm(ui, title, lines, NULL, 2, _("y = yes, n = no")))
		return;
	rc = service_ledger_delete(ui->app, v->t, v->r.id, v->r.version, restore, &c, msg, sizeof(msg));
	if (rc == BR_ERR_CONFLICT) {
		show_newer(ui, v->t, &c, _("Changed since you opened it: look again first"));
		ui_message(ui, THEME_WARN, "%s", _("Nothing deleted: the record changed meanwhile."));
	} else if (rc) {
		ui_message(ui, THEME_ERROR, "%s", msg);
	} else {
		ui_message(ui, restore ? THEME_OK : THEME_WARN,
			   restore ? _("Restored record #%lld.") : _("Deleted record #%lld (x in the table shows it)."),
			   (long long)v->r.id);
		ui->data_version++;
	}
	ledger_conflict_release(&c);
	record_load(ui, v);
}

/*
 * Files a request for one of the ledger's actions (a requisition): which
 * action when there are several, the quantity and a comment; the approvers
 * get it in their inbox, and its final approval changes the record.
 */
static void record_request(struct ui *ui, struct record_view *v)
{
	const char *lang = lang_of(ui);
	const struct ledger_action *a = &v->t->actions[0];
	char quantity[16] = "", comment[512] = "", label[256], msg[BR_MSG_MAX];
	struct claim c;

	if (v->t->nactions > 1) {
		const char *items[LEDGER_MAX_ACTIONS];
		int k;
		for (int i = 0; i < v->t->nactions; i++)
			items[i] = ledger_action_label(&v->t->actions[i], lang);
		if ((k = ui_choose(ui, _("Request"), items, v->t->nactions, 0)) < 0)
			return;
		a = &v->t->actions[k];
	}
	snprintf(label, sizeof(label), _("%s — quantity of %s (%s left): "), ledger_action_label(a, lang),
		 v->r.values[0], v->r.values[a->field][0] ? v->r.values[a->field] : "0");
	if (!ui_prompt(ui, label, quantity, sizeof(quantity)) || !quantity[0])
		return;
	if (!ui_prompt(ui, _("Comment for the approvers (optional): "), comment, sizeof(comment)))
		return;
	claim_init(&c);
	if (service_ledger_request(ui->app, v->t, a, v->r.id, quantity, comment, &c, msg, sizeof(msg)))
		ui_message(ui, THEME_ERROR, "%s", msg);
	else if (c.status == CLAIM_APPROVED)
		ui_message(ui, THEME_OK, _("%s %s approved at once: %s"), ledger_action_label(a, lang), c.number, c.title);
	else
		ui_message(ui, THEME_OK, _("%s %s sent for approval: %s"), ledger_action_label(a, lang), c.number,
			   c.title);
	claim_release(&c);
	record_load(ui, v);
}

static int record_key(struct ui *ui, void *state, int op)
{
	struct record_view *v = state;

	switch (op) {
	case OP_LIST_UP: v->first--; break;
	case OP_LIST_DOWN: v->first++; break;
	case OP_LIST_PGUP: v->first -= v->page; break;
	case OP_LIST_PGDN: v->first += v->page; break;
	case OP_LIST_FIRST: v->first = 0; break;
	case OP_LIST_LAST: v->first = v->nlines; break;
	case OP_EDIT:
		if (!may_change(ui, v) || !v->loaded)
			break;
		/* from the version stored now, not the one shown since the last tick */
		record_load(ui, v);
		if (!v->loaded)
			break;
		if (v->r.deleted)
			ui_message(ui, THEME_WARN, "%s", _("Restore the record first (d)."));
		else
			ledger_form_open(ui, v->t, &v->r);
		break;
	case OP_DELETE: record_delete(ui, v); break;
	case OP_HISTORY:
		if (v->t->builtin) {
			ui_message(ui, THEME_WARN, "%s", _("Built-in ledgers keep no history here."));
			break;
		}
		open_t = v->t;
		open_id = v->id;
		ui_push(ui, &screen_ledger_history);
		break;
	case OP_ADD:
		if (may_change(ui, v))
			ledger_form_open(ui, v->t, NULL);
		break;
	case OP_REQUEST:
		if (!v->t->nactions)
			ui_message(ui, THEME_WARN, "%s", _("This ledger has no requisitions."));
		else if (v->r.deleted)
			ui_message(ui, THEME_WARN, "%s", _("A deleted record cannot be requested."));
		else
			record_request(ui, v);
		break;
	case OP_RELOAD: record_load(ui, v); break;
	default: return 0;
	}
	if (v->first < 0)
		v->first = 0;
	return UI_REDRAW;
}

const struct screen_ops screen_ledger_record = {
	.title = N_("Ledger record"),
	.keys = record_keys,
	.nkeys = (int)ARRAY_SIZE(record_keys),
	.enter = record_enter,
	.leave = record_leave,
	.draw = record_draw,
	.key = record_key,
	.tick = record_tick,
};

/* ---- the edit form ---- */

static const struct key_binding form_keys[] = {
	UI_LIST_KEYS(N_("First field"), N_("Last field")),
	{ OP_FIELD, { '\n', '\r', KEY_ENTER, 'e' }, "Enter/e", N_("Edit the field's value"), N_("Edit") },
	{ OP_SAVE, { 19, KEY_F(2), 0 }, "Ctrl-S/F2", N_("Save the record"), N_("Save") },
	{ OP_CLEAR, { KEY_DC, 'x', 0 }, "Del/x", N_("Empty the field"), NULL },
	{ OP_UNDO, { 'u', 0 }, "u", N_("Put the field back as it was read"), NULL },
	{ OP_CLOSE, { 'q', 27, 0 }, "q/Esc", N_("Close (asks before dropping changes)"), NULL },
};

struct edit_form {
	const struct ledger_template *t;
	struct ledger_record base; /* as read (empty when adding): what a merge starts from */
	struct ledger_record mine; /* what is typed */
	bool adding;
	int bad; /* the field the last problem was about, -1 */
	bool theirs[FORM_MAX_FIELDS]; /* changed by someone else since read (after a conflict) */
	char theirs_by[400];
	struct ui_list list;
};

static bool form_dirty(const struct edit_form *fs)
{
	for (int i = 0; i < fs->t->nfields; i++)
		if (strcmp(fs->base.values[i], fs->mine.values[i]))
			return true;
	return false;
}

static void *form_enter(struct ui *ui)
{
	struct edit_form *fs = xcalloc(1, sizeof(*fs));

	set_acquire(ui);
	fs->t = open_t;
	fs->adding = !open_record;
	if (open_record) {
		record_dup(&fs->base, open_record, fs->t);
	} else {
		ledger_record_init(&fs->base, fs->t);
	}
	record_dup(&fs->mine, &fs->base, fs->t);
	open_record = NULL;
	fs->bad = -1;
	fs->list.page = 1;
	return fs;
}

static void form_leave(struct ui *ui, void *state)
{
	struct edit_form *fs = state;

	(void)ui;
	ledger_record_release(&fs->base);
	ledger_record_release(&fs->mine);
	free(fs);
	set_release();
}

/* What a field takes, in a few words. */
static void type_hint(struct ui *ui, const struct form_field *f, char *out, size_t size)
{
	const char *lang = lang_of(ui);
	const struct ledger_template *ref;

	out[0] = '\0';
	switch (f->type) {
	case FIELD_TEXT:
		if (f->has_max)
			snprintf(out, size, _("text, at most %lld characters"), (long long)f->max);
		else
			str_copy(out, _("text"), size);
		break;
	case FIELD_MARKDOWN: str_copy(out, _("Markdown text: Enter opens the editor, Ctrl-D ends it"), size); break;
	case FIELD_NUMBER: str_copy(out, _("a whole number"), size); break;
	case FIELD_MONEY: str_copy(out, _("an amount in yuan, e.g. 12,000.00"), size); break;
	case FIELD_DATE: str_copy(out, _("a date, YYYY-MM-DD"), size); break;
	case FIELD_DATERANGE: str_copy(out, _("two dates, first..last"), size); break;
	case FIELD_CHOICE:
		snprintf(out, size, "%s", _("one of:"));
		for (int k = 0; k < f->noptions; k++)
			snprintf(out + strlen(out), size - strlen(out), " %s", f->options[k]);
		break;
	case FIELD_PERSON: str_copy(out, _("a person's login, e.g. wangfang"), size); break;
	case FIELD_DEPARTMENT: str_copy(out, _("a department"), size); break;
	case FIELD_PROJECT: str_copy(out, _("a project"), size); break;
	case FIELD_ATTACHMENT: str_copy(out, _("a stored file, put there by the command ledger attach"), size); break;
	case FIELD_REFERENCE:
		ref = ledger_set_find(&set, f->ref);
		snprintf(out, size, _("the number (#) of a record in %s"), ref ? ledger_title(ref, lang) : f->ref);
		break;
	default: break;
	}
	if (f->required)
		snprintf(out + strlen(out), size - strlen(out), "%s", _("; required"));
}

/* Whether a text field is long enough to be edited in the multi-line editor. */
static bool long_text(const struct form_field *f, const char *v)
{
	return f->type == FIELD_MARKDOWN ||
	       (f->type == FIELD_TEXT && (strchr(v, '\n') || (f->has_max && f->max > 300) || strlen(v) >= PROMPT_MAX - 1));
}

/* The live hint under a value's prompt: the value as it will be stored, or what is wrong. */
struct value_hint {
	struct ui *ui;
	const struct form_field *f;
};

static void value_hint(const char *typed, char *out, size_t size, int *elem, void *arg)
{
	struct value_hint *h = arg;
	char canon[LEDGER_VALUE_BYTES], msg[BR_MSG_MAX], shown[600];

	if (!typed[strspn(typed, " ")]) {
		type_hint(h->ui, h->f, out, size);
		*elem = THEME_DIM;
		return;
	}
	if (ledger_value_check(h->f, typed, canon, sizeof(canon), lang_of(h->ui), msg, sizeof(msg))) {
		str_copy(out, msg, size);
		*elem = THEME_ERROR;
		return;
	}
	value_show(h->f, canon, shown, sizeof(shown));
	snprintf(out, size, "%s %s", h->ui->ascii ? "ok:" : "✓", shown);
	*elem = THEME_OK;
}

/* Sets field i to v: its canonical form when it checks, else as typed (the save will say why). */
static void form_set(struct ui *ui, struct edit_form *fs, int i, const char *v)
{
	char canon[LEDGER_VALUE_BYTES], msg[BR_MSG_MAX];

	if (ledger_value_check(&fs->t->fields[i], v, canon, sizeof(canon), lang_of(ui), msg, sizeof(msg))) {
		ledger_record_set(&fs->mine, i, v);
		fs->bad = i;
		ui_message(ui, THEME_ERROR, "%s", msg);
		return;
	}
	ledger_record_set(&fs->mine, i, canon);
	if (fs->bad == i)
		fs->bad = -1;
}

enum known_choice { KNOWN_CANCEL, KNOWN_CHOSEN, KNOWN_TYPE };

/* A department or project: one of those the person knows, chosen, or KNOWN_TYPE to type one. */
static enum known_choice ask_known(struct ui *ui, const struct form_field *f, const char *cur, char *out,
				   size_t size)
{
	struct dept_list known;
	const char **items;
	enum known_choice res = KNOWN_CANCEL;
	int k, n, sel = 0;

	memset(&known, 0, sizeof(known));
	if (service_dashboard_keys(ui->app, f->type == FIELD_PROJECT, &known) || known.n == 0) {
		dept_list_release(&known);
		return KNOWN_TYPE;
	}
	n = known.n + 2;
	items = xcalloc((size_t)n, sizeof(*items));
	items[0] = _("(empty)");
	for (int i = 0; i < known.n; i++) {
		items[i + 1] = known.ptrs[i];
		if (!strcmp(cur, known.ptrs[i]))
			sel = i + 1;
	}
	items[n - 1] = _("Other: type it");
	if (cur[0] && !sel)
		sel = n - 1;
	k = ui_choose(ui, field_label(ui, f), items, n, sel);
	if (k == 0 || (k > 0 && k < n - 1)) {
		str_copy(out, k ? known.ptrs[k - 1] : "", size);
		res = KNOWN_CHOSEN;
	} else if (k == n - 1) {
		res = KNOWN_TYPE;
	}
	free(items);
	dept_list_release(&known);
	return res;
}

static void form_edit(struct ui *ui, struct edit_form *fs, int i)
{
	const struct form_field *f = &fs->t->fields[i];
	const char *cur = fs->mine.values[i];
	char buf[PROMPT_MAX], label[400], hint[300];

	if (f->type == FIELD_ATTACHMENT) {
		/* files come in through the command, which stores their content (Del empties the field) */
		ui_message(ui, THEME_WARN, _("Files are stored from the command line: ledger attach %s ROW %s FILENAME "
					     "--version N < FILE"),
			   fs->t->id, f->name);
		return;
	}
	if (f->type == FIELD_CHOICE) {
		const char *items[FORM_MAX_OPTIONS + 1];
		int n = 0, sel = 0, k;
		for (int o = 0; o < f->noptions; o++) {
			if (!strcmp(cur, f->options[o]))
				sel = n;
			items[n++] = f->options[o];
		}
		if (!f->required) {
			if (!cur[0])
				sel = n;
			items[n++] = _("(empty)");
		}
		if ((k = ui_choose(ui, field_label(ui, f), items, n, sel)) >= 0)
			form_set(ui, fs, i, k < f->noptions ? f->options[k] : "");
		return;
	}
	if (long_text(f, cur)) {
		char *text = xstrdup(cur);
		snprintf(label, sizeof(label), "%s: %s", field_label(ui, f), _("Ctrl-D done, Esc cancel"));
		if (ui_textarea(ui, label, &text, LEDGER_VALUE_BYTES - 1))
			form_set(ui, fs, i, text);
		free(text);
		return;
	}
	if (f->type == FIELD_DEPARTMENT || f->type == FIELD_PROJECT) {
		enum known_choice k = ask_known(ui, f, cur, buf, sizeof(buf));
		if (k == KNOWN_CANCEL)
			return;
		if (k == KNOWN_CHOSEN) {
			form_set(ui, fs, i, buf);
			return;
		}
	}
	str_copy(buf, cur, sizeof(buf));
	type_hint(ui, f, hint, sizeof(hint));
	snprintf(label, sizeof(label), "%s (%s): ", field_label(ui, f), hint);
	{
		struct value_hint h = { ui, f };
		if (ui_prompt_hint(ui, label, buf, sizeof(buf), value_hint, &h))
			form_set(ui, fs, i, str_trim(buf));
	}
}

/* The field a problem is about: the first the domain check refuses, else the one the message names. */
static int form_bad_field(struct ui *ui, const struct edit_form *fs, const char *msg)
{
	struct ledger_record copy;
	char m[BR_MSG_MAX];
	int bad = -1, best = 0;

	record_dup(&copy, &fs->mine, fs->t);
	if (ledger_record_check(fs->t, &copy, lang_of(ui), m, sizeof(m), &bad) == BR_OK)
		bad = -1;
	ledger_record_release(&copy);
	if (bad >= 0)
		return bad;
	/* the longest label named wins: 使用部门 over 部门 */
	for (int i = 0; i < fs->t->nfields; i++) {
		const struct form_field *f = &fs->t->fields[i];
		const char *labels[3] = { f->label_zh, f->label_en, f->name };
		for (int k = 0; k < 3; k++) {
			int len = (int)strlen(labels[k]);
			if (len > best && strstr(msg, labels[k])) {
				best = len;
				bad = i;
			}
		}
	}
	return bad;
}

enum resolution { KEEP_EDITING, SAVE_ON_TOP, DISCARD };

/*
 * Someone saved the record after it was read: shows their versions and
 * what this person changed (fields both changed marked), then lets them
 * save theirs on top (merged: the others' other changes stay), keep
 * editing, or drop their changes.  On SAVE_ON_TOP, base becomes the
 * stored record and mine the merge, ready to save.
 */
static enum resolution form_conflict(struct ui *ui, struct edit_form *fs, const struct ledger_conflict *c)
{
	const struct ledger_template *t = fs->t;
	struct ledger_record theirs, merged;
	struct lines l = { NULL, NULL, 0 };
	bool both[FORM_MAX_FIELDS] = { false };
	const char *choices[2];
	char msg[BR_MSG_MAX], title[200];
	enum resolution res = KEEP_EDITING;
	int nboth, k;

	ledger_record_init(&theirs, t);
	ledger_record_init(&merged, t);
	if (service_ledger_get(ui->app, t, fs->mine.id, &theirs, msg, sizeof(msg))) {
		show_newer(ui, t, c, _("Someone saved this record first"));
		ui_message(ui, THEME_ERROR, "%s", msg);
		goto out;
	}
	nboth = ledger_merge(t, &fs->base, &fs->mine, &theirs, &merged, both);
	memset(fs->theirs, 0, sizeof(fs->theirs));
	for (int i = 0; i < t->nfields; i++)
		fs->theirs[i] = strcmp(fs->base.values[i], theirs.values[i]) != 0;
	if (c->nnewer)
		person_text(ui, c->newer[c->nnewer - 1].actor, fs->theirs_by, sizeof(fs->theirs_by));
	else
		person_text(ui, theirs.updated_by, fs->theirs_by, sizeof(fs->theirs_by));

	lines_add(&l, THEME_NORMAL, _("You read version %d; it is at version %d now. Saved meanwhile:"),
		  fs->base.version, theirs.version);
	versions_lines(ui, t, c->newer, c->nnewer, both, &l);
	lines_add(&l, THEME_NORMAL, "%s", "");
	lines_add(&l, THEME_NORMAL, "%s", _("Your changes (not saved yet):"));
	for (int i = 0; i < t->nfields; i++) {
		struct ledger_change ch = { i, "", fs->base.values[i], fs->mine.values[i] };
		char text[1400];
		if (!strcmp(fs->base.values[i], fs->mine.values[i]))
			continue;
		change_text(ui, t, &ch, text, sizeof(text));
		lines_add(&l, both[i] ? THEME_WARN : THEME_NORMAL, "  %s %s", both[i] ? "!" : " ", text);
	}
	if (nboth)
		lines_add(&l, THEME_WARN, _("! %d field(s) changed by both: saving on top keeps yours there."), nboth);
	snprintf(title, sizeof(title), "%s", _("Someone saved this record first"));
	if (ui_confirm(ui, title, (const char *const *)l.s, l.elem, l.n,
		       _("y = save mine on top (their other changes stay), n = other choices"))) {
		ledger_record_release(&fs->base);
		record_dup(&fs->base, &theirs, t);
		ledger_record_release(&fs->mine);
		record_dup(&fs->mine, &merged, t);
		res = SAVE_ON_TOP;
		goto out;
	}
	choices[0] = _("Keep editing (nothing you typed is lost)");
	choices[1] = _("Discard my changes");
	k = ui_choose(ui, _("Not saved: what now?"), choices, 2, 0);
	if (k == 1) {
		const char *q[1] = { _("What you typed in this form is dropped; the record stays as the others saved it.") };
		if (ui_confirm(ui, _("Discard your changes?"), q, NULL, 1, _("y = discard, n = keep editing")))
			res = DISCARD;
	}
	if (res == KEEP_EDITING)
		ui_message(ui, THEME_WARN, "%s",
			   _("Not saved. Fields marked ~ were changed by someone else; Ctrl-S offers the choices again."));
out:
	lines_free(&l);
	ledger_record_release(&theirs);
	ledger_record_release(&merged);
	return res;
}

/* Saves what is typed; true when the form is done with (saved, or changes discarded). */
static bool form_save(struct ui *ui, struct edit_form *fs)
{
	for (;;) {
		struct ledger_record out;
		struct ledger_conflict c;
		char msg[BR_MSG_MAX];
		enum resolution res;
		int rc;

		memset(&c, 0, sizeof(c));
		record_dup(&out, &fs->mine, fs->t);
		rc = service_ledger_save(ui->app, fs->t, &out, &c, msg, sizeof(msg));
		if (rc == BR_OK) {
			ui_message(ui, THEME_OK,
				   fs->adding ? _("Added record #%lld to %s.") : _("Saved record #%lld of %s: version %d."),
				   (long long)out.id, ledger_title(fs->t, lang_of(ui)), out.version);
			if (fs->adding)
				focus_id = out.id;
			ui->data_version++;
			ledger_record_release(&out);
			return true;
		}
		ledger_record_release(&out);
		if (rc == BR_ERR_CONFLICT) {
			res = form_conflict(ui, fs, &c);
			ledger_conflict_release(&c);
			if (res == SAVE_ON_TOP)
				continue;
			return res == DISCARD;
		}
		ledger_conflict_release(&c);
		fs->bad = form_bad_field(ui, fs, msg);
		if (fs->bad >= 0)
			fs->list.sel = fs->bad;
		ui_message(ui, THEME_ERROR, "%s", msg);
		return false;
	}
}

static void form_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct edit_form *fs = state;
	const struct ledger_template *t = fs->t;
	char line[1400], hint[400];
	int labelw = 0, body;

	if (rows < 1 || cols < 1)
		return;
	if (fs->adding)
		snprintf(line, sizeof(line), _("New record in %s"), ledger_title(t, lang_of(ui)));
	else
		snprintf(line, sizeof(line), _("Editing #%lld of %s (read at version %d)"), (long long)fs->mine.id,
			 ledger_title(t, lang_of(ui)), fs->base.version);
	if (form_dirty(fs))
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", _("  * changed, not saved"));
	ui_text(ui, top, left, cols, line, THEME_TITLE, true);
	for (int i = 0; i < t->nfields; i++) {
		int w = text_width(field_label(ui, &t->fields[i])) + 1;
		if (w > labelw)
			labelw = w;
	}
	if (labelw > LABEL_COLS)
		labelw = LABEL_COLS;
	if (labelw > cols / 3)
		labelw = cols / 3;
	body = rows - 4 > 1 ? rows - 4 : 1;
	fs->list.page = body;
	ui_list_clamp(t->nfields, body, &fs->list.sel, &fs->list.scroll);
	for (int i = fs->list.scroll; i < t->nfields && i - fs->list.scroll < body && rows > 2; i++) {
		const struct form_field *f = &t->fields[i];
		bool sel = i == fs->list.sel, changed = strcmp(fs->base.values[i], fs->mine.values[i]) != 0;
		int y = top + 2 + i - fs->list.scroll, elem = sel ? THEME_SELECTED : THEME_NORMAL;
		const char *mark = i == fs->bad ? "!" : fs->theirs[i] ? "~" : changed ? "*" : " ";
		char label[300], value[1200];

		snprintf(label, sizeof(label), "%s%s", field_label(ui, f), f->required ? "*" : "");
		text_fit(line, sizeof(line), label, labelw, 1, 1);
		value_show(f, fs->mine.values[i], value, sizeof(value));
		int melem = i == fs->bad ? THEME_ERROR : fs->theirs[i] ? THEME_WARN : THEME_OK;

		ui_text(ui, y, left, 2, mark, sel ? elem : melem, true);
		ui_text(ui, y, left + 2, labelw, line, sel ? elem : THEME_DIM, true);
		ui_text(ui, y, left + 2 + labelw + 1, cols - labelw - 3, value, elem, true);
	}
	if (rows < 4 || !t->nfields)
		return;
	/* under the fields: what the selected one takes, and who changed it meanwhile */
	{
		const struct form_field *f = &t->fields[fs->list.sel];
		type_hint(ui, f, hint, sizeof(hint));
		snprintf(line, sizeof(line), "%s: %s", field_label(ui, f), hint);
		ui_text(ui, top + rows - 1, left, cols, line, THEME_DIM, true);
		if (fs->theirs[fs->list.sel]) {
			snprintf(line, sizeof(line), _("~ changed meanwhile by %s"), fs->theirs_by);
			ui_text(ui, top + rows - 2, left, cols, line, THEME_WARN, true);
		}
	}
}

static int form_key(struct ui *ui, void *state, int op)
{
	struct edit_form *fs = state;
	int n = fs->t->nfields, i = fs->list.sel;

	if (ui_list_key(&fs->list, op, n))
		return UI_REDRAW;
	switch (op) {
	case OP_FIELD:
		if (n)
			form_edit(ui, fs, i);
		break;
	case OP_CLEAR:
		if (n)
			form_set(ui, fs, i, "");
		break;
	case OP_UNDO:
		if (n) {
			ledger_record_set(&fs->mine, i, fs->base.values[i]);
			if (fs->bad == i)
				fs->bad = -1;
		}
		break;
	case OP_SAVE:
		if (!fs->adding && !form_dirty(fs)) {
			ui_message(ui, THEME_DIM, "%s", _("Nothing changed."));
			return UI_HANDLED | UI_POP;
		}
		if (form_save(ui, fs))
			return UI_HANDLED | UI_POP;
		break;
	case OP_CLOSE:
		if (form_dirty(fs)) {
			const char *lines[1] = { _("What you typed here is not saved yet.") };
			if (!ui_confirm(ui, _("Drop your changes?"), lines, NULL, 1,
					_("y = drop them, n = keep editing (Ctrl-S saves)")))
				break;
		}
		return UI_HANDLED | UI_POP;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_ledger_form = {
	.title = N_("Ledger record: edit"),
	.keys = form_keys,
	.nkeys = (int)ARRAY_SIZE(form_keys),
	.enter = form_enter,
	.leave = form_leave,
	.draw = form_draw,
	.key = form_key,
};

/* ---- a record's history ---- */

static const struct key_binding history_keys[] = {
	UI_LIST_KEYS(N_("Newest version"), N_("Oldest version")),
	{ OP_ROLLBACK, { 'R', 0 }, "R", N_("Roll the record back to the selected version (editors)"),
	  N_("Roll back") },
	{ OP_RELOAD, { 12, 0 }, "Ctrl-L", N_("Reload"), NULL },
};

struct history_view {
	const struct ledger_template *t;
	int64_t id;
	bool edit;
	struct ledger_version *v; /* newest first */
	int n;
	struct ui_list list; /* over versions */
	int first; /* the first line shown */
	unsigned version;
};

static int newest_first(const void *a, const void *b)
{
	const struct ledger_version *x = a, *y = b;

	return (y->version > x->version) - (y->version < x->version);
}

static void history_load(struct ui *ui, struct history_view *h)
{
	char msg[BR_MSG_MAX];

	ledger_versions_release(h->v, h->n);
	h->v = NULL;
	h->n = 0;
	if (service_ledger_history(ui->app, h->t, h->id, &h->v, &h->n, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		h->v = NULL;
		h->n = 0;
	}
	if (h->n > 1)
		qsort(h->v, (size_t)h->n, sizeof(*h->v), newest_first);
	h->version = ui->data_version;
	ui_list_clamp(h->n, h->list.page, &h->list.sel, &h->list.scroll);
}

static void *history_enter(struct ui *ui)
{
	struct history_view *h = xcalloc(1, sizeof(*h));

	set_acquire(ui);
	h->t = open_t;
	h->id = open_id;
	h->edit = service_ledger_can_edit(ui->app, h->t);
	h->list.page = 1;
	history_load(ui, h);
	return h;
}

static void history_leave(struct ui *ui, void *state)
{
	struct history_view *h = state;

	(void)ui;
	ledger_versions_release(h->v, h->n);
	free(h);
	set_release();
}

static void history_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct history_view *h = state;
	struct lines l = { NULL, NULL, 0 };
	int *owner = NULL, start = 0, end = 0, body;
	char line[400];

	if (h->version != ui->data_version)
		history_load(ui, h);
	if (rows < 1 || cols < 1)
		return;
	snprintf(line, sizeof(line), _("%s  #%lld: %d version(s), newest first"), ledger_title(h->t, lang_of(ui)),
		 (long long)h->id, h->n);
	ui_text(ui, top, left, cols, line, THEME_TITLE, true);
	body = rows - 2;
	if (body < 1)
		return;
	h->list.page = 1;
	for (int i = 0; i < h->n; i++) {
		owner = xrealloc(owner, sizeof(*owner) * (size_t)(l.n + 1 + h->v[i].nchanges + 1));
		if (i == h->list.sel)
			start = l.n;
		versions_lines(ui, h->t, &h->v[i], 1, NULL, &l);
		for (int k = l.n - 1 - h->v[i].nchanges; k < l.n; k++)
			owner[k] = i;
		if (i == h->list.sel)
			end = l.n;
	}
	/* the selected version with its changes in view */
	if (end - h->first > body)
		h->first = end - body;
	if (start < h->first)
		h->first = start;
	if (h->first < 0)
		h->first = 0;
	for (int k = h->first; k < l.n && k - h->first < body; k++) {
		bool head = k == 0 || owner[k] != owner[k - 1];
		int elem = owner[k] == h->list.sel && head ? THEME_SELECTED : l.elem[k];
		ui_text(ui, top + 2 + k - h->first, left, cols, l.s[k], elem, true);
	}
	if (!h->n && rows > 2)
		ui_text(ui, top + 2, left, cols, _("No history."), THEME_DIM, false);
	free(owner);
	lines_free(&l);
}

static void history_rollback(struct ui *ui, struct history_view *h)
{
	struct ledger_record out;
	char msg[BR_MSG_MAX], title[200];
	const char *lines[1];
	int to;

	if (!h->edit) {
		ui_message(ui, THEME_WARN, "%s", _("You may view this ledger, not change it."));
		return;
	}
	if (!h->n)
		return;
	if (h->list.sel == 0) {
		ui_message(ui, THEME_DIM, "%s", _("That is the current version."));
		return;
	}
	to = h->v[h->list.sel].version;
	snprintf(title, sizeof(title), _("Roll record #%lld back to version %d?"), (long long)h->id, to);
	lines[0] = _("Its values become those of that version, as a new version: nothing in the history is lost.");
	if (!ui_confirm(ui, title, lines, NULL, 1, _("y = roll back, n = cancel")))
		return;
	ledger_record_init(&out, h->t);
	if (service_ledger_rollback(ui->app, h->t, h->id, to, &out, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
	} else {
		ui_message(ui, THEME_OK, _("Rolled back to version %d: the record is at version %d now."), to,
			   out.version);
		ui->data_version++;
		h->list.sel = 0;
		h->first = 0;
		history_load(ui, h);
	}
	ledger_record_release(&out);
}

static int history_key(struct ui *ui, void *state, int op)
{
	struct history_view *h = state;

	switch (op) {
	case OP_LIST_UP: h->list.sel--; break;
	case OP_LIST_DOWN: h->list.sel++; break;
	case OP_LIST_PGUP: h->list.sel -= 5; break;
	case OP_LIST_PGDN: h->list.sel += 5; break;
	case OP_LIST_FIRST: h->list.sel = 0; break;
	case OP_LIST_LAST: h->list.sel = h->n - 1; break;
	case OP_ROLLBACK: history_rollback(ui, h); break;
	case OP_RELOAD: history_load(ui, h); break;
	default: return 0;
	}
	if (h->list.sel >= h->n)
		h->list.sel = h->n - 1;
	if (h->list.sel < 0)
		h->list.sel = 0;
	return UI_REDRAW;
}

const struct screen_ops screen_ledger_history = {
	.title = N_("Ledger record: history"),
	.keys = history_keys,
	.nkeys = (int)ARRAY_SIZE(history_keys),
	.enter = history_enter,
	.leave = history_leave,
	.draw = history_draw,
	.key = history_key,
};

/* ---- reminders ---- */

static const struct key_binding reminders_keys[] = {
	UI_LIST_KEYS(N_("First reminder"), N_("Last reminder")),
	{ OP_OPEN, { '\n', '\r', KEY_ENTER, 0 }, "Enter", N_("Open the record the reminder is about"), N_("Open") },
	{ OP_RELOAD, { 'r', 12, 0 }, "r/Ctrl-L", N_("Reload"), NULL },
};

struct reminders_view {
	struct reminder_list l;
	struct ui_list list;
	unsigned version;
};

static void reminders_load(struct ui *ui, struct reminders_view *r)
{
	char msg[BR_MSG_MAX];

	reminder_list_release(&r->l);
	memset(&r->l, 0, sizeof(r->l));
	if (service_reminders(ui->app, &set, &r->l, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		memset(&r->l, 0, sizeof(r->l));
	}
	r->version = ui->data_version;
	ui_list_clamp(r->l.n, r->list.page, &r->list.sel, &r->list.scroll);
}

static void *reminders_enter(struct ui *ui)
{
	struct reminders_view *r = xcalloc(1, sizeof(*r));

	set_acquire(ui);
	r->list.page = 1;
	reminders_load(ui, r);
	return r;
}

static void reminders_leave(struct ui *ui, void *state)
{
	struct reminders_view *r = state;

	(void)ui;
	reminder_list_release(&r->l);
	free(r);
	set_release();
}

static void days_text(const struct ledger_reminder *m, char *out, size_t size)
{
	if (!m->due[0])
		str_copy(out, _("due now"), size);
	else if (m->days > 0)
		snprintf(out, size, _("in %d day(s)"), m->days);
	else if (m->days == 0)
		str_copy(out, _("today"), size);
	else
		snprintf(out, size, _("%d day(s) overdue"), -m->days);
}

/* "#3 A4 打印纸": the record's number and first field, and for a threshold what is below what. */
static void record_label(struct ui *ui, const struct ledger_reminder *m, char *out, size_t size)
{
	const struct ledger_template *t = m->t;
	const struct ledger_rule *r = m->rule;
	char first[300] = "", have[64], limit[64];

	if (t->nfields)
		value_show(&t->fields[0], m->record.values[0], first, sizeof(first));
	snprintf(out, size, "#%lld %s", (long long)m->record.id, first);
	if (r->kind != LEDGER_RULE_BELOW || r->field < 0 || r->field >= t->nfields)
		return;
	value_show(&t->fields[r->field], m->record.values[r->field], have, sizeof(have));
	if (r->limit_field >= 0 && r->limit_field < t->nfields)
		value_show(&t->fields[r->limit_field], m->record.values[r->limit_field], limit, sizeof(limit));
	else if (t->fields[r->field].type == FIELD_MONEY)
		money_format(r->limit, limit, sizeof(limit), MONEY_GROUP);
	else
		snprintf(limit, sizeof(limit), "%lld", (long long)r->limit);
	snprintf(out + strlen(out), size - strlen(out), " (%s %s < %s)", field_label(ui, &t->fields[r->field]), have,
		 limit);
}

static void reminders_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct reminders_view *r = state;
	int lw = text_width(_("Ledger")), rw = text_width(_("Reminder")), dw = 10, aw = text_width(_("Days")), x;
	char text[600];

	if (r->version != ui->data_version)
		reminders_load(ui, r);
	if (rows < 1 || cols < 1)
		return;
	for (int i = 0; i < r->l.n; i++) {
		const struct ledger_reminder *m = &r->l.items[i];
		int w;
		if ((w = text_width(ledger_title(m->t, lang_of(ui)))) > lw)
			lw = w;
		if ((w = text_width(ledger_rule_label(m->rule, lang_of(ui)))) > rw)
			rw = w;
		days_text(m, text, sizeof(text));
		if ((w = text_width(text)) > aw)
			aw = w;
	}
	if (lw > cols / 4)
		lw = cols / 4;
	if (rw > cols / 4)
		rw = cols / 4;
	x = ui_cell(ui, top, left, lw, _("Ledger"), false, THEME_DIM);
	x = ui_cell(ui, top, x, rw, _("Reminder"), false, THEME_DIM);
	x = ui_cell(ui, top, x, dw, _("Due"), false, THEME_DIM);
	x = ui_cell(ui, top, x, aw, _("Days"), true, THEME_DIM);
	ui_cell(ui, top, x, left + cols - x, _("Record"), false, THEME_DIM);
	r->list.page = rows - 1 > 1 ? rows - 1 : 1;
	ui_list_clamp(r->l.n, r->list.page, &r->list.sel, &r->list.scroll);
	if (!r->l.n && rows > 1)
		ui_text(ui, top + 1, left, cols, _("Nothing due today."), THEME_DIM, false);
	for (int i = r->list.scroll; i < r->l.n && i - r->list.scroll < r->list.page; i++) {
		const struct ledger_reminder *m = &r->l.items[i];
		bool sel = i == r->list.sel;
		int y = top + 1 + i - r->list.scroll, elem = sel ? THEME_SELECTED : THEME_NORMAL;
		int warn = sel ? elem : m->due[0] && m->days < 0 ? THEME_WARN : elem;

		ui_text(ui, y, left, cols, "", elem, true);
		x = ui_cell(ui, y, left, lw, ledger_title(m->t, lang_of(ui)), false, elem);
		x = ui_cell(ui, y, x, rw, ledger_rule_label(m->rule, lang_of(ui)), false, elem);
		x = ui_cell(ui, y, x, dw, m->due[0] ? m->due : "-", false, warn);
		days_text(m, text, sizeof(text));
		x = ui_cell(ui, y, x, aw, text, true, warn);
		record_label(ui, m, text, sizeof(text));
		ui_cell(ui, y, x, left + cols - x, text, false, elem);
	}
}

static int reminders_key(struct ui *ui, void *state, int op)
{
	struct reminders_view *r = state;

	if (ui_list_key(&r->list, op, r->l.n))
		return UI_REDRAW;
	switch (op) {
	case OP_OPEN:
		if (r->l.n)
			ledger_open_record(ui, r->l.items[r->list.sel].t, r->l.items[r->list.sel].record.id);
		break;
	case OP_RELOAD: reminders_load(ui, r); break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_reminders = {
	.title = N_("Reminders"),
	.keys = reminders_keys,
	.nkeys = (int)ARRAY_SIZE(reminders_keys),
	.enter = reminders_enter,
	.leave = reminders_leave,
	.draw = reminders_draw,
	.key = reminders_key,
};

void ledger_reminders_notify(struct ui *ui)
{
	struct reminder_list l;
	char msg[BR_MSG_MAX];

	memset(&l, 0, sizeof(l));
	set_acquire(ui);
	if (!service_reminders(ui->app, &set, &l, msg, sizeof(msg)) && l.n > 0 && !ui->status[0])
		ui_message(ui, THEME_WARN, _("%d reminder(s) due — see Reminders"), l.n);
	reminder_list_release(&l);
	set_release();
}
