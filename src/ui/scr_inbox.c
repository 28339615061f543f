/*
 * scr_inbox.c - "Approval inbox": the open approval tasks of the person and
 * of those who delegated to them today, keyboard-first like mutt: approve,
 * reject or return the claim under the cursor, transfer the task or add an
 * approver, or tag rows and act on all of them at once; filter and sort.
 * The tick reloads the list, so new tasks appear without a key press.
 *
 * Also the approval texts the claim editor, the menu and ui.c share: task
 * counts, notifications, event labels, names and times.
 */
#include "screen.h"

#include "bursar/audit.h"
#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

enum {
	OP_OPEN = 1,
	OP_APPROVE,
	OP_REJECT,
	OP_RETURN,
	OP_TAG,
	OP_TAGGED,
	OP_TRANSFER,
	OP_ADD,
	OP_FILTER,
	OP_SORT,
	OP_RELOAD,
	OP_AWAY,
};

static const struct key_binding inbox_keys[] = {
	UI_LIST_KEYS(N_("First task"), N_("Last task")),
	{ OP_OPEN, { '\n', '\r', KEY_ENTER, 0 }, "Enter", N_("Open the claim (read-only)"), N_("Open") },
	{ OP_APPROVE, { 'a', 0 }, "a", N_("Approve (asks for an optional comment)"), N_("Approve") },
	{ OP_REJECT, { 'r', 0 }, "r", N_("Reject for good (asks for the reason)"), N_("Reject") },
	{ OP_RETURN, { 'u', 0 }, "u", N_("Return to the claimant to change (asks what)"), N_("Return") },
	{ OP_TAG, { 't', 0 }, "t", N_("Tag or untag the task, then move down"), N_("Tag") },
	{ OP_TAGGED, { 'A', 0 }, "A", N_("Approve, reject or return every tagged task"), NULL },
	{ OP_TRANSFER, { 'T', 0 }, "T", N_("Transfer the task to someone else (转交)"), NULL },
	{ OP_ADD, { '+', 0 }, "+", N_("Add an approver after you (加签)"), NULL },
	{ OP_FILTER, { '/', 0 }, "/", N_("Filter: name, form, >500, <100, overdue"), NULL },
	{ OP_SORT, { 's', 0 }, "s", N_("Sort: oldest, newest, amount, claimant"), NULL },
	{ OP_RELOAD, { 'R', 12, 0 }, "R/Ctrl-L", N_("Reload"), NULL },
	{ OP_AWAY, { 'O', 0 }, "O", N_("Out of office: send your tasks to a delegate between two dates, or end it"),
	  NULL },
};

enum sort { SORT_OLDEST, SORT_NEWEST, SORT_AMOUNT, SORT_CLAIMANT, SORT_COUNT };

static const char *const sort_labels[SORT_COUNT] = {
	N_("oldest first"),
	N_("newest first"),
	N_("largest amount first"),
	N_("by claimant"),
};

#define MAX_TERMS 8

struct term {
	enum { TERM_TEXT, TERM_ABOVE, TERM_BELOW, TERM_OVERDUE } kind;
	int64_t fen;
	char text[128];
};

struct inbox_row {
	struct task_row t;
	char for_name[64]; /* whose task this is, when delegated to the reader */
	bool tagged;
};

struct inbox_state {
	struct inbox_row *rows;
	int n, cap;
	int *shown;
	int nshown;
	struct ui_list list;
	enum sort sort;
	char filter[256];
	struct term terms[MAX_TERMS];
	int nterms;
	struct form_set forms;
	unsigned version; /* ui->data_version when loaded */
	unsigned long long signature; /* what the last load showed, for the tick */
};

/* ---- shared approval texts ---- */

static int count_task(const struct task_row *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
	return 0;
}

int inbox_count(struct ui *ui)
{
	char today[11];
	int n = 0;

	date_today(today);
	return store_inbox(ui->app->store, ui->app->user->uid, today, count_task, &n) ? -1 : n;
}

struct holds {
	int64_t claim_id;
	bool found;
};

static int find_task(const struct task_row *t, void *arg)
{
	struct holds *h = arg;

	if (t->claim_id == h->claim_id)
		h->found = true;
	return h->found;
}

bool inbox_holds_task(struct ui *ui, int64_t claim_id)
{
	struct holds h = { claim_id, false };
	char today[11];

	date_today(today);
	store_inbox(ui->app->store, ui->app->user->uid, today, find_task, &h);
	return h.found;
}

/* The actions store_claim_history() reports. */
static const struct {
	const char *name;
	const char *label;
} action_labels[] = {
	{ "submit", N_("submitted") },
	{ "resubmit", N_("resubmitted") },
	{ "auto-approve", N_("approved automatically") },
	{ "approve", N_("approved") },
	{ "reject", N_("rejected") },
	{ "return", N_("returned") },
	{ "transfer", N_("transferred") },
	{ "add-approver", N_("added an approver") },
	{ "escalate", N_("escalated") },
	{ "withdraw", N_("withdrew") },
};

const char *approval_action_label(const char *action)
{
	for (size_t i = 0; i < ARRAY_SIZE(action_labels); i++)
		if (!strcmp(action, action_labels[i].name))
			return _(action_labels[i].label);
	return action;
}

const char *approval_person(struct ui *ui, const char *uid, char *out, size_t size)
{
	struct user u;

	if (!uid[0] || !strcmp(uid, "-")) {
		str_copy(out, _("(system)"), size);
		return out;
	}
	user_init(&u);
	if (store_user_get(ui->app->store, uid, &u) == BR_OK && u.display_name[0])
		str_copy(out, u.display_name, size);
	else
		str_copy(out, uid, size);
	user_release(&u);
	text_sanitize(out);
	return out;
}

/* An ISO-8601 UTC time as written by audit_now(); false if malformed. */
static bool iso_parse(const char *iso, time_t *t)
{
	char day[11];
	long days;
	int h, m, s;

	if (strlen(iso) < 19 || iso[10] != 'T')
		return false;
	str_copy(day, iso, sizeof(day));
	if (!date_days(day, &days) || sscanf(iso + 11, "%2d:%2d:%2d", &h, &m, &s) != 3)
		return false;
	*t = (time_t)days * 86400 + h * 3600 + m * 60 + s;
	return true;
}

void approval_time(const char *iso, char out[12])
{
	struct tm tm;
	time_t t;

	out[0] = '\0';
	if (iso_parse(iso, &t) && localtime_r(&t, &tm))
		strftime(out, 12, "%m-%d %H:%M", &tm);
}

/* The first line of a comment, cleaned for one row. */
static void first_line(const char *text, char *out, size_t size)
{
	size_t n = strcspn(text, "\r\n");

	snprintf(out, size, "%.*s%s", n < size ? (int)n : (int)size - 1, text, text[n] ? " …" : "");
	text_sanitize(out);
}

bool approval_comment(struct ui *ui, enum task_action a, const char *what, char *buf, size_t size)
{
	char label[640];
	bool again = false;

	buf[0] = '\0';
	for (;;) {
		const char *fmt = a == TASK_APPROVE  ? _("Approve %s, comment (optional): ")
				  : a == TASK_REJECT ? _("Reject %s, reason (required): ")
						     : _("Return %s, what to change (required): ");
		char head[512];
		snprintf(head, sizeof(head), fmt, what);
		snprintf(label, sizeof(label), "%s%s", again ? _("Required. ") : "", head);
		if (!ui_prompt(ui, label, buf, size))
			return false;
		str_trim(buf);
		if (buf[0] || a == TASK_APPROVE)
			return true;
		again = true;
	}
}

void approval_result(struct ui *ui, enum task_action a, const char *number, const struct act_result *r)
{
	char msg[512], who[256];

	switch (a) {
	case TASK_APPROVE:
		if (r->status == CLAIM_APPROVED)
			snprintf(msg, sizeof(msg), _("Approved %s: the claim is fully approved"), number);
		else if (r->next[0] && strcmp(r->next, r->step))
			snprintf(msg, sizeof(msg), _("Approved %s; it now waits at %s"), number, r->next);
		else if (r->next[0])
			snprintf(msg, sizeof(msg), _("Approved %s; %s still waits for the other approvers"), number,
				 r->next);
		else
			snprintf(msg, sizeof(msg), _("Approved %s"), number);
		break;
	case TASK_REJECT: snprintf(msg, sizeof(msg), _("Rejected %s"), number); break;
	default: snprintf(msg, sizeof(msg), _("Returned %s to the claimant"), number); break;
	}
	if (r->on_behalf_of[0] && strcmp(r->on_behalf_of, ui->app->user->uid))
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), _(" (on behalf of %s)"),
			 approval_person(ui, r->on_behalf_of, who, sizeof(who)));
	ui_message(ui, a == TASK_APPROVE ? THEME_OK : THEME_WARN, "%s", msg);
}

struct notes {
	struct notification *v;
	int n;
};

static int take_note(const struct notification *nt, void *arg)
{
	struct notes *ns = arg;

	ns->v = xrealloc(ns->v, sizeof(*ns->v) * (size_t)(ns->n + 1));
	ns->v[ns->n++] = *nt;
	return 0;
}

bool inbox_notify(struct ui *ui)
{
	struct notes ns = { NULL, 0 };
	const char **lines = NULL;
	int *elems = NULL;
	char(*text)[800] = NULL;
	bool shown = false;

	if (store_notifications_take(ui->app->store, ui->app->user->uid, take_note, &ns) || ns.n == 0)
		goto out;
	lines = xcalloc((size_t)ns.n, sizeof(*lines));
	elems = xcalloc((size_t)ns.n, sizeof(*elems));
	text = xcalloc((size_t)ns.n, sizeof(*text));
	for (int i = 0; i < ns.n; i++) {
		const struct notification *nt = &ns.v[i];
		const char *a = nt->action;
		char when[12], who[256], what[400], note[300];

		approval_time(nt->ts, when);
		approval_person(ui, nt->actor, who, sizeof(who));
		first_line(nt->comment, note, sizeof(note));
		if (!strcmp(a, "approve") && !strcmp(nt->actor, "-")) {
			/* an automatic approval: the comment names the rule */
			snprintf(what, sizeof(what), _("%s approved automatically"), nt->claim);
			elems[i] = THEME_OK;
		} else if (!strcmp(a, "approve")) {
			snprintf(what, sizeof(what), _("%s approved by %s"), nt->claim, who);
			elems[i] = THEME_OK;
		} else if (!strcmp(a, "reject")) {
			snprintf(what, sizeof(what), _("%s rejected by %s"), nt->claim, who);
			elems[i] = THEME_ERROR;
		} else if (!strcmp(a, "return")) {
			snprintf(what, sizeof(what), _("%s returned by %s"), nt->claim, who);
			elems[i] = THEME_WARN;
		} else {
			snprintf(what, sizeof(what), _("%s %s by %s"), nt->claim, approval_action_label(a), who);
			elems[i] = THEME_NORMAL;
		}
		snprintf(text[i], sizeof(text[i]), "%s  %s%s%s", when, what, note[0] ? ": " : "", note);
		lines[i] = text[i];
	}
	ui_notice(ui, _("News about your claims"), lines, elems, ns.n);
	shown = true;
out:
	free(ns.v);
	free(lines);
	free(elems);
	free(text);
	return shown;
}

/* ---- the inbox ---- */

static int collect(const struct task_row *t, void *arg)
{
	struct inbox_state *st = arg;
	struct inbox_row *r;

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		st->rows = xrealloc(st->rows, sizeof(*st->rows) * (size_t)st->cap);
	}
	r = &st->rows[st->n++];
	memset(r, 0, sizeof(*r));
	r->t = *t;
	text_sanitize(r->t.title);
	text_sanitize(r->t.claimant_name);
	return 0;
}

static bool overdue(const struct task_row *t, const char *now)
{
	return t->due_at[0] && strcmp(t->due_at, now) < 0;
}

/* Hours waiting under a day, else days: "5h", "3d". */
static void waiting(const struct task_row *t, time_t now, char *out, size_t size)
{
	time_t created;
	long s;

	if (!iso_parse(t->created_at, &created)) {
		str_copy(out, "-", size);
		return;
	}
	s = now > created ? (long)(now - created) : 0;
	if (s < 86400)
		snprintf(out, size, _("%ldh"), s / 3600);
	else
		snprintf(out, size, _("%ldd"), s / 86400);
}

static bool matches(const struct inbox_state *st, const struct inbox_row *r, const char *now, const char *lang)
{
	for (int i = 0; i < st->nterms; i++) {
		const struct term *tm = &st->terms[i];
		const struct form *fm;
		switch (tm->kind) {
		case TERM_OVERDUE:
			if (!overdue(&r->t, now))
				return false;
			break;
		case TERM_ABOVE:
			if (r->t.total <= tm->fen)
				return false;
			break;
		case TERM_BELOW:
			if (r->t.total >= tm->fen)
				return false;
			break;
		case TERM_TEXT:
			fm = form_set_find(&st->forms, r->t.form);
			if (strcasecmp(r->t.form, tm->text) && !str_contains(r->t.claimant, tm->text) &&
			    !str_contains(r->t.claimant_name, tm->text) && !str_contains(r->t.number, tm->text) &&
			    !(fm && str_contains(form_title(fm, lang), tm->text)))
				return false;
			break;
		}
	}
	return true;
}

static int by_oldest(const void *a, const void *b)
{
	const struct inbox_row *x = a, *y = b;
	int c = strcmp(x->t.created_at, y->t.created_at);

	return c ? c : (x->t.task_id > y->t.task_id) - (x->t.task_id < y->t.task_id);
}

static int by_newest(const void *a, const void *b)
{
	return by_oldest(b, a);
}

static int by_amount(const void *a, const void *b)
{
	const struct inbox_row *x = a, *y = b;

	if (x->t.total != y->t.total)
		return x->t.total < y->t.total ? 1 : -1;
	return by_oldest(a, b);
}

static int by_claimant(const void *a, const void *b)
{
	const struct inbox_row *x = a, *y = b;
	int c = strcmp(x->t.claimant_name, y->t.claimant_name);

	return c ? c : by_oldest(a, b);
}

static void arrange(struct inbox_state *st, const char *lang)
{
	static int (*const cmp[SORT_COUNT])(const void *, const void *) = { by_oldest, by_newest, by_amount,
									    by_claimant };
	char now[32];

	audit_now(now);
	if (st->n)
		qsort(st->rows, (size_t)st->n, sizeof(*st->rows), cmp[st->sort]);
	st->shown = xrealloc(st->shown, sizeof(*st->shown) * (size_t)(st->n ? st->n : 1));
	st->nshown = 0;
	for (int i = 0; i < st->n; i++)
		if (matches(st, &st->rows[i], now, lang))
			st->shown[st->nshown++] = i;
	ui_list_clamp(st->nshown, st->list.page, &st->list.sel, &st->list.scroll);
}

static struct inbox_row *current(struct inbox_state *st)
{
	return st->nshown ? &st->rows[st->shown[st->list.sel]] : NULL;
}

/* Keeps the cursor on the same task, and the tags, across a reload. */
static void load(struct ui *ui, struct inbox_state *st)
{
	const char *uid = ui->app->user->uid;
	struct inbox_row *cur = current(st);
	int64_t keep = cur ? cur->t.task_id : 0, *tags = NULL;
	int ntags = 0, ret;
	char today[11];

	for (int i = 0; i < st->n; i++)
		if (st->rows[i].tagged) {
			tags = xrealloc(tags, sizeof(*tags) * (size_t)(ntags + 1));
			tags[ntags++] = st->rows[i].t.task_id;
		}
	st->n = 0;
	st->version = ui->data_version;
	date_today(today);
	ret = store_inbox(ui->app->store, uid, today, collect, st);
	if (ret)
		ui_message(ui, THEME_ERROR, _("Cannot read your approval tasks (%s)"), br_strerror(ret));
	for (int i = 0; i < st->n; i++) {
		struct inbox_row *r = &st->rows[i];
		for (int k = 0; k < ntags; k++)
			r->tagged |= tags[k] == r->t.task_id;
		/* names after the listing: no store call inside its callback */
		if (r->t.assignee[0] && strcmp(r->t.assignee, uid))
			approval_person(ui, r->t.assignee, r->for_name, sizeof(r->for_name));
	}
	arrange(st, app_language(ui->app));
	for (int i = 0; i < st->nshown; i++)
		if (st->rows[st->shown[i]].t.task_id == keep)
			st->list.sel = i;
	ui_list_clamp(st->nshown, st->list.page, &st->list.sel, &st->list.scroll);
	free(tags);
}

/* Changes when a redraw would show something else: tasks, overdue marks, waiting times. */
static unsigned long long signature(const struct inbox_state *st)
{
	unsigned long long h = (unsigned long long)st->n;
	time_t now = time(NULL);
	char iso[32];

	audit_now(iso);
	for (int i = 0; i < st->n; i++) {
		char w[16];
		waiting(&st->rows[i].t, now, w, sizeof(w));
		h = h * 1000003u + (unsigned long long)st->rows[i].t.task_id;
		h = h * 31u + overdue(&st->rows[i].t, iso);
		for (const char *p = w; *p; p++)
			h = h * 31u + (unsigned char)*p;
	}
	return h;
}

static void *inbox_enter(struct ui *ui)
{
	struct inbox_state *st = xcalloc(1, sizeof(*st));

	if (service_forms_load(ui->app, &st->forms))
		ui_message(ui, THEME_ERROR, "%s", _("Cannot read the claim forms."));
	st->list.page = 1;
	load(ui, st);
	st->signature = signature(st);
	return st;
}

static void inbox_leave(struct ui *ui, void *state)
{
	struct inbox_state *st = state;

	(void)ui;
	form_set_release(&st->forms);
	free(st->rows);
	free(st->shown);
	free(st);
}

static int inbox_tick(struct ui *ui, void *state)
{
	struct inbox_state *st = state;
	unsigned long long before = st->signature;

	load(ui, st);
	st->signature = signature(st);
	return st->signature != before ? UI_REDRAW : 0;
}

/* Appends text fitted to w columns (right-aligned if right) and a space. */
static void cell(char *line, size_t size, const char *text, int w, bool right)
{
	char fit[512];
	size_t len = strlen(line);
	int used;

	if (w <= 0)
		return;
	used = text_fit(fit, sizeof(fit), text, w, !right, 1);
	snprintf(line + len, size - len, "%*s%s ", right ? w - used : 0, "", fit);
}

struct columns {
	int num, name, form, title, total, wait, flags, forw;
};

static struct columns layout(const struct inbox_state *st, int cols)
{
	struct columns c = { 13, 0, 0, 0, 12, 0, 0, 0 };
	bool delegated = false;

	for (int i = 0; i < st->nshown; i++)
		delegated |= st->rows[st->shown[i]].for_name[0] != '\0';
	c.wait = cols >= 50 ? 5 : 0;
	c.flags = cols >= 64 ? 6 : 0;
	c.name = cols >= 96 ? 10 : cols >= 56 ? 8 : 0;
	c.form = cols >= 96 ? 12 : 0;
	c.forw = delegated && cols >= 70 ? (cols >= 110 ? 12 : 10) : 0;
	/* 2: the tag mark; one space after every column */
	c.title = cols - 2 - (c.num + 1) - (c.total + 1) - (c.name ? c.name + 1 : 0) - (c.form ? c.form + 1 : 0) -
		  (c.wait ? c.wait + 1 : 0) - (c.flags ? c.flags + 1 : 0) - (c.forw ? c.forw + 1 : 0) - 1;
	if (c.title < 12 && c.form) {
		c.title += c.form + 1;
		c.form = 0;
	}
	if (c.title < 6)
		c.title = 6;
	return c;
}

static void inbox_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct inbox_state *st = state;
	const char *lang = app_language(ui->app), *dot = ui->ascii ? "|" : "·";
	struct columns c;
	char line[2048], now[32], total[32];
	time_t now_t = time(NULL);
	int nover = 0, shown_over = 0, ntagged = 0;
	int64_t sum = 0, tagged_sum = 0;

	if (ui->data_version != st->version)
		load(ui, st);
	c = layout(st, cols);
	audit_now(now);
	for (int i = 0; i < st->n; i++)
		nover += overdue(&st->rows[i].t, now);
	for (int i = 0; i < st->nshown; i++) {
		const struct inbox_row *r = &st->rows[st->shown[i]];
		sum += r->t.total;
		shown_over += overdue(&r->t, now);
		if (r->tagged) {
			ntagged++;
			tagged_sum += r->t.total;
		}
	}

	snprintf(line, sizeof(line), _("Waiting for you: %d"), st->n);
	if (nover) {
		char o[64];
		snprintf(o, sizeof(o), _("overdue: %d"), nover);
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s %s", dot, o);
	}
	ui_text(ui, top, left, cols, line, nover ? THEME_WARN : THEME_TITLE, true);
	if (rows < 4)
		return;

	st->list.page = rows - 3 > 1 ? rows - 3 : 1;
	line[0] = '\0';
	cell(line, sizeof(line), "", 1, false);
	cell(line, sizeof(line), _("Number"), c.num, false);
	cell(line, sizeof(line), _("Claimant"), c.name, false);
	cell(line, sizeof(line), _("Form"), c.form, false);
	cell(line, sizeof(line), _("Claim title"), c.title, false);
	cell(line, sizeof(line), _("Total"), c.total, true);
	cell(line, sizeof(line), _("Wait"), c.wait, true);
	cell(line, sizeof(line), _("Checks"), c.flags, false);
	cell(line, sizeof(line), _("On behalf of"), c.forw, false);
	ui_text(ui, top + 1, left, cols, line, THEME_DIM, true);

	if (st->nshown == 0)
		ui_text(ui, top + 2, left, cols,
			st->nterms ? _("No task matches the filter.") : _("Nothing waits for your approval."),
			THEME_DIM, false);
	ui_list_clamp(st->nshown, st->list.page, &st->list.sel, &st->list.scroll);
	for (int i = 0; i < st->list.page && st->list.scroll + i < st->nshown; i++) {
		const struct inbox_row *r = &st->rows[st->shown[st->list.scroll + i]];
		const struct form *fm = form_set_find(&st->forms, r->t.form);
		char age[16], flags[32] = "";
		int elem = st->list.scroll + i == st->list.sel ? THEME_SELECTED
			   : overdue(&r->t, now)               ? THEME_WARN
							       : THEME_NORMAL;

		if (r->t.nblocking)
			snprintf(flags, sizeof(flags), "%s%d", ui->ascii ? "x" : "✗", r->t.nblocking);
		if (r->t.nwarnings)
			snprintf(flags + strlen(flags), sizeof(flags) - strlen(flags), "%s!%d", flags[0] ? " " : "",
				 r->t.nwarnings);
		waiting(&r->t, now_t, age, sizeof(age));
		line[0] = '\0';
		cell(line, sizeof(line), r->tagged ? "*" : " ", 1, false);
		cell(line, sizeof(line), r->t.number, c.num, false);
		cell(line, sizeof(line), r->t.claimant_name[0] ? r->t.claimant_name : r->t.claimant, c.name, false);
		cell(line, sizeof(line), fm ? form_title(fm, lang) : ledger_kind_title(ui, r->t.form), c.form, false);
		cell(line, sizeof(line), r->t.title, c.title, false);
		cell(line, sizeof(line), money_format(r->t.total, total, sizeof(total), MONEY_GROUP), c.total, true);
		cell(line, sizeof(line), age, c.wait, true);
		cell(line, sizeof(line), flags, c.flags, false);
		cell(line, sizeof(line), r->for_name, c.forw, false);
		ui_text(ui, top + 2 + i, left, cols, line, elem, true);
	}

	snprintf(line, sizeof(line), _("%d task(s), %d overdue, total %s"), st->nshown, shown_over,
		 money_format(sum, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL));
	if (ntagged)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), _("  tagged: %d (%s)"), ntagged,
			 money_format(tagged_sum, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL));
	if (st->nterms)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), _("  filter: %s"), st->filter);
	snprintf(line + strlen(line), sizeof(line) - strlen(line), _("  sort: %s"), _(sort_labels[st->sort]));
	ui_text(ui, top + rows - 1, left, cols, line, THEME_DIM, true);
}

/*
 * Splits the filter into terms (spaces, also the ideographic one); false
 * with a message in err for an amount that does not parse.
 */
static bool parse_filter(struct inbox_state *st, const char *text, char *err, size_t size)
{
	struct term terms[MAX_TERMS];
	char buf[256], *p, *word;
	int n = 0;

	str_copy(buf, text, sizeof(buf));
	for (p = buf; (p = strstr(p, "\xe3\x80\x80"));)
		memcpy(p, "   ", 3);
	for (word = strtok_r(buf, " \t", &p); word && n < MAX_TERMS; word = strtok_r(NULL, " \t", &p)) {
		struct term *tm = &terms[n++];
		const char *why = NULL;

		memset(tm, 0, sizeof(*tm));
		if (!strcasecmp(word, "overdue") || !strcmp(word, _("overdue"))) {
			tm->kind = TERM_OVERDUE;
		} else if (word[0] == '>' || word[0] == '<') {
			tm->kind = word[0] == '>' ? TERM_ABOVE : TERM_BELOW;
			if (money_parse(word + 1, &tm->fen, &why)) {
				snprintf(err, size, _("%s: not an amount (%s)"), word, _(why));
				return false;
			}
		} else {
			tm->kind = TERM_TEXT;
			str_copy(tm->text, word, sizeof(tm->text));
		}
	}
	memcpy(st->terms, terms, sizeof(terms[0]) * (size_t)n);
	st->nterms = n;
	str_copy(st->filter, text, sizeof(st->filter));
	str_trim(st->filter);
	return true;
}

static const char *const verbs[] = { N_("Approve"), N_("Reject"), N_("Return to the claimant") };

static void describe(const struct inbox_row *r, char *out, size_t size)
{
	char total[32];

	snprintf(out, size, "%s %s", r->t.number,
		 money_format(r->t.total, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL));
}

static void act_one(struct ui *ui, struct inbox_state *st, enum task_action a)
{
	struct inbox_row *r = current(st);
	char what[512], comment[1024], msg[BR_MSG_MAX], number[CLAIM_NUMBER_MAX];
	struct act_result res;

	if (!r) {
		ui_message(ui, THEME_WARN, "%s", _("No task here."));
		return;
	}
	describe(r, what, sizeof(what));
	if (!approval_comment(ui, a, what, comment, sizeof(comment)))
		return;
	int64_t task = r->t.task_id;
	str_copy(number, r->t.number, sizeof(number));
	memset(&res, 0, sizeof(res));
	if (service_claim_act(ui->app, number, task, a, comment, &res, msg, sizeof(msg)))
		ui_message(ui, THEME_ERROR, "%s", msg);
	else
		approval_result(ui, a, number, &res);
	ui->data_version++;
	load(ui, st);
}

static void act_tagged(struct ui *ui, struct inbox_state *st)
{
	static const char *const titles[] = { N_("Approve %d claim(s), total %s?"), N_("Reject %d claim(s), total %s?"),
					      N_("Return %d claim(s), total %s?") };
	static const char *const done[] = { N_("Approved %d"), N_("Rejected %d"), N_("Returned %d") };
	const char *items[3];
	char(*text)[512] = NULL, (*numbers)[CLAIM_NUMBER_MAX] = NULL;
	int64_t *tasks = NULL;
	const char **lines = NULL;
	char title[256], total[32], what[64], comment[1024], first_err[BR_MSG_MAX + 32] = "", msg[BR_MSG_MAX];
	int n = 0, ok = 0, failed = 0, k;
	int64_t sum = 0;

	for (int i = 0; i < st->nshown; i++)
		n += st->rows[st->shown[i]].tagged;
	if (!n) {
		ui_message(ui, THEME_WARN, "%s", _("No task is tagged: tag rows with t first."));
		return;
	}
	text = xcalloc((size_t)n, sizeof(*text));
	numbers = xcalloc((size_t)n, sizeof(*numbers));
	tasks = xcalloc((size_t)n, sizeof(*tasks));
	lines = xcalloc((size_t)n, sizeof(*lines));
	for (int i = 0, j = 0; i < st->nshown; i++) {
		const struct inbox_row *r = &st->rows[st->shown[i]];
		char name[64], ttl[128];
		if (!r->tagged)
			continue;
		text_fit(name, sizeof(name), r->t.claimant_name[0] ? r->t.claimant_name : r->t.claimant, 8, 1, 1);
		text_fit(ttl, sizeof(ttl), r->t.title, 30, 1, 1);
		snprintf(text[j], sizeof(text[j]), "%-13s %s %s %12s", r->t.number, name, ttl,
			 money_format(r->t.total, total, sizeof(total), MONEY_GROUP));
		str_copy(numbers[j], r->t.number, sizeof(numbers[j]));
		tasks[j] = r->t.task_id;
		lines[j] = text[j];
		sum += r->t.total;
		j++;
	}
	for (int i = 0; i < 3; i++)
		items[i] = _(verbs[i]);
	snprintf(title, sizeof(title), _("%d tagged task(s): what to do?"), n);
	k = ui_choose(ui, title, items, 3, 0);
	if (k < 0)
		goto out;
	snprintf(title, sizeof(title), _(titles[k]), n,
		 money_format(sum, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL));
	if (!ui_confirm(ui, title, lines, NULL, n, _("y = go on (a comment comes next), n = cancel")))
		goto out;
	snprintf(what, sizeof(what), _("%d claim(s)"), n);
	if (!approval_comment(ui, (enum task_action)k, what, comment, sizeof(comment)))
		goto out;
	for (int j = 0; j < n; j++) {
		struct act_result res;
		memset(&res, 0, sizeof(res));
		if (service_claim_act(ui->app, numbers[j], tasks[j], (enum task_action)k, comment, &res, msg, sizeof(msg))) {
			/* service messages mostly name the claim already */
			if (!failed++)
				snprintf(first_err, sizeof(first_err), "%s%s%s",
					 strstr(msg, numbers[j]) ? "" : numbers[j], strstr(msg, numbers[j]) ? "" : ": ",
					 msg);
			continue;
		}
		ok++;
		for (int i = 0; i < st->n; i++)
			if (!strcmp(st->rows[i].t.number, numbers[j]))
				st->rows[i].tagged = false;
	}
	snprintf(msg, sizeof(msg), _(done[k]), ok);
	if (failed)
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), _(", %d failed: %s"), failed, first_err);
	ui_message(ui, failed ? THEME_ERROR : THEME_OK, "%s", msg);
	ui->data_version++;
	load(ui, st);
out:
	free(text);
	free(numbers);
	free(tasks);
	free(lines);
}

/* Transfers the task (转交) or adds an approver after the reader's step (加签). */
static void hand_on(struct ui *ui, struct inbox_state *st, bool add)
{
	struct inbox_row *r = current(st);
	char label[256], person[USER_LOGIN_MAX + 1] = "", comment[512] = "", msg[BR_MSG_MAX], who[256];
	char number[CLAIM_NUMBER_MAX];
	struct act_result res;
	int rc;

	if (!r) {
		ui_message(ui, THEME_WARN, "%s", _("No task here."));
		return;
	}
	str_copy(number, r->t.number, sizeof(number));
	snprintf(label, sizeof(label),
		 add ? _("Add an approver after you on %s (login name): ") : _("Transfer %s to (login name): "),
		 number);
	if (!ui_prompt(ui, label, person, sizeof(person)) || !str_trim(person)[0])
		return;
	if (!ui_prompt(ui, _("Note for the history (optional): "), comment, sizeof(comment)))
		return;
	str_trim(comment);
	memset(&res, 0, sizeof(res));
	rc = add ? service_add_approver(ui->app, number, person, comment, &res, msg, sizeof(msg))
		 : service_task_transfer(ui->app, number, person, comment, &res, msg, sizeof(msg));
	approval_person(ui, person, who, sizeof(who));
	if (rc)
		ui_message(ui, THEME_ERROR, "%s", msg);
	else if (add)
		ui_message(ui, THEME_OK, _("%s will approve %s after you"), who, number);
	else
		ui_message(ui, THEME_OK, _("Transferred %s to %s"), number, who);
	ui->data_version++;
	load(ui, st);
}

/* Out of office: the delegate and the dates, or an empty name to end it. */
static void out_of_office(struct ui *ui)
{
	char person[USER_LOGIN_MAX + 1] = "", from[11], to[11], msg[BR_MSG_MAX], range[32];
	char cur[USER_LOGIN_MAX + 1], cfrom[11], cto[11];

	date_today(from);
	str_copy(to, from, sizeof(to));
	if (store_delegate_get(ui->app->store, ui->app->user->uid, cur, cfrom, cto) == BR_OK) {
		str_copy(person, cur, sizeof(person));
		str_copy(from, cfrom, sizeof(from));
		str_copy(to, cto, sizeof(to));
	}
	if (!ui_prompt(ui, _("Delegate's login (empty: end the delegation): "), person, sizeof(person)))
		return;
	str_trim(person);
	if (!person[0]) {
		if (store_delegate_clear(ui->app->store, ui->app->user->uid) == BR_OK)
			ui_message(ui, THEME_OK, "%s", _("Your approval tasks are yours again"));
		return;
	}
	snprintf(range, sizeof(range), "%s..%s", from, to);
	if (!ui_prompt(ui, _("Dates (first..last): "), range, sizeof(range)))
		return;
	if (!claim_parse_daterange(range, from, to)) {
		ui_message(ui, THEME_ERROR, "%s", _("The dates must be first..last, e.g. 2026-12-01..2026-12-07"));
		return;
	}
	if (service_delegate_set(ui->app, person, from, to, msg, sizeof(msg)))
		ui_message(ui, THEME_ERROR, "%s", msg);
	else
		ui_message(ui, THEME_OK, _("From %s to %s your approval tasks go to %s"), from, to, person);
}

static int inbox_key(struct ui *ui, void *state, int op)
{
	struct inbox_state *st = state;
	struct inbox_row *r;

	if (ui_list_key(&st->list, op, st->nshown))
		return UI_REDRAW;
	switch (op) {
	case OP_OPEN:
		if ((r = current(st)))
			claim_editor_open(ui, r->t.claim_id, NULL);
		break;
	case OP_APPROVE: act_one(ui, st, TASK_APPROVE); break;
	case OP_REJECT: act_one(ui, st, TASK_REJECT); break;
	case OP_RETURN: act_one(ui, st, TASK_RETURN); break;
	case OP_TAG:
		if ((r = current(st))) {
			r->tagged = !r->tagged;
			ui_list_key(&st->list, OP_LIST_DOWN, st->nshown);
		}
		break;
	case OP_TAGGED: act_tagged(ui, st); break;
	case OP_TRANSFER: hand_on(ui, st, false); break;
	case OP_ADD: hand_on(ui, st, true); break;
	case OP_FILTER: {
		char buf[256], err[256];
		str_copy(buf, st->filter, sizeof(buf));
		if (!ui_prompt(ui, _("Filter (claimant, form, >500, <100, overdue): "), buf, sizeof(buf)))
			break;
		if (!parse_filter(st, buf, err, sizeof(err))) {
			ui_message(ui, THEME_ERROR, "%s", err);
			break;
		}
		st->list.sel = st->list.scroll = 0;
		arrange(st, app_language(ui->app));
		break;
	}
	case OP_SORT: {
		int64_t keep = (r = current(st)) ? r->t.task_id : 0;
		st->sort = (enum sort)((st->sort + 1) % SORT_COUNT);
		arrange(st, app_language(ui->app));
		for (int i = 0; i < st->nshown; i++)
			if (st->rows[st->shown[i]].t.task_id == keep)
				st->list.sel = i;
		ui_message(ui, THEME_DIM, _("Sorted: %s"), _(sort_labels[st->sort]));
		break;
	}
	case OP_RELOAD: load(ui, st); break;
	case OP_AWAY: out_of_office(ui); break;
	default: return 0;
	}
	st->signature = signature(st);
	return UI_REDRAW;
}

const struct screen_ops screen_inbox = {
	.title = N_("Approval inbox"),
	.keys = inbox_keys,
	.nkeys = (int)ARRAY_SIZE(inbox_keys),
	.enter = inbox_enter,
	.leave = inbox_leave,
	.draw = inbox_draw,
	.key = inbox_key,
	.tick = inbox_tick,
};
