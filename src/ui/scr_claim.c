/*
 * scr_claim.c - the claim editor, driven by the claim's form: the header
 * fields the form declares, a table of line items (add, edit, copy,
 * delete, invoice per line), totals with deductible input VAT, the checks
 * re-run after every change and shown beside what they concern, a
 * Markdown preview, and save / submit / withdraw / delete.
 *
 * Someone else's claim, or one that is no longer a draft, opens read-only.
 * The bottom pane also shows the claim's approval steps and history, and an
 * approver holding a task on the claim approves, rejects or returns it here.
 */
#include "screen.h"

#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OP_EDIT = 1,
	OP_ADD,
	OP_COPY,
	OP_DELETE_LINE,
	OP_INVOICE,
	OP_PREVIEW,
	OP_SAVE,
	OP_SUBMIT,
	OP_WITHDRAW,
	OP_DELETE_CLAIM,
	OP_HISTORY,
	OP_TIMELINE,
	OP_APPROVE,
	OP_REJECT,
	OP_RETURN,
	OP_CLOSE,
};

static const struct key_binding claim_keys[] = {
	UI_LIST_KEYS(N_("First row"), N_("Last row")),
	{ OP_EDIT,
	  { '\n', '\r', KEY_ENTER, 'e' },
	  "Enter/e",
	  N_("Edit the field or line under the cursor"),
	  N_("Edit") },
	{ OP_ADD, { 'a', 0 }, "a", N_("Add a line"), N_("Add line") },
	{ OP_COPY, { 'c', 0 }, "c", N_("Copy the line (without its invoice)"), NULL },
	{ OP_DELETE_LINE, { 'd', KEY_DC, 0 }, "d/Del", N_("Delete the line"), NULL },
	{ OP_INVOICE, { 'i', 0 }, "i", N_("Set or clear the line's invoice (发票)"), N_("Invoice") },
	{ OP_PREVIEW, { 'p', 0 }, "p", N_("Preview the Markdown fields / back to the checks"), NULL },
	{ OP_SAVE, { 's', 0 }, "s", N_("Save the draft"), N_("Save") },
	{ OP_SUBMIT, { 'S', 0 }, "S", N_("Submit: lists every finding and asks to confirm"), N_("Submit") },
	{ OP_WITHDRAW, { 'w', 0 }, "w", N_("Withdraw a submitted claim back to draft"), NULL },
	{ OP_DELETE_CLAIM, { 'D', 0 }, "D", N_("Delete this draft"), NULL },
	{ OP_HISTORY, { 'h', 0 }, "h", N_("Approval steps and history / back to the checks"), NULL },
	{ OP_TIMELINE, { 'H', 0 }, "H", N_("The whole history with every comment, rendered from Markdown"), NULL },
	{ OP_APPROVE, { 'y', 0 }, "y", N_("Approve, when it waits for you"), NULL },
	{ OP_REJECT, { 'x', 0 }, "x", N_("Reject, when it waits for you (asks why)"), NULL },
	{ OP_RETURN, { 'u', 0 }, "u", N_("Return to the claimant, when it waits for you"), NULL },
	{ OP_CLOSE, { 'q', 27, 0 }, "q/Esc", N_("Close (asks to save changes)"), NULL },
};

/* What claim_editor_open() asked for; read by the screen's enter. */
static int64_t open_id;
static char open_form[FORM_ID_MAX];

/* The invoice column gives way to the description on narrow terminals. */
#define INVOICE_COLS(cols) ((cols) >= 100 ? 20 : 12)
/* the budget-left column of the line table, in wide terminals only */
#define BUDGET_COLS(cols) ((cols) >= 100 ? 12 : 0)

enum row_kind { ROW_TITLE, ROW_FIELD, ROW_LINE, ROW_ADD };

enum pane { PANE_CHECKS, PANE_PREVIEW, PANE_HISTORY };

/* A stored step with its approvers' names. */
struct step_view {
	struct step_row r;
	char names[512];
};

struct editor {
	struct claim c;
	struct form_set forms;
	const struct form *form;
	struct category_set cats;
	bool dirty, editable, broken;
	bool task; /* the reader holds an open approval task on it */
	struct ui_list list;
	enum pane pane;
	struct claim_history_entry *hist;
	int nhist;
	struct step_view *steps;
	int nsteps;
	struct md_layout md;
	int md_cols;
	char *md_text;
	struct budget_line_view *bv; /* per line: the budget node it hits and what is left */
	int nbv;
};

void claim_editor_open(struct ui *ui, int64_t id, const char *form)
{
	open_id = id;
	str_copy(open_form, form ? form : "", sizeof(open_form));
	ui_push(ui, &screen_claim);
}

static const char *cat_name(const struct editor *ed, const char *code, const char *lang)
{
	return category_name(category_find(ed->cats.items, ed->cats.n, code), code, lang);
}

static int nrows(const struct editor *ed)
{
	return 1 + (ed->form ? ed->form->nfields : 0) + ed->c.nlines + (ed->editable ? 1 : 0);
}

static enum row_kind row_kind(const struct editor *ed, int row, int *index)
{
	int nf = ed->form ? ed->form->nfields : 0;

	if (row == 0)
		return ROW_TITLE;
	if (row <= nf) {
		*index = row - 1;
		return ROW_FIELD;
	}
	if (row <= nf + ed->c.nlines) {
		*index = row - 1 - nf;
		return ROW_LINE;
	}
	return ROW_ADD;
}

static int hist_collect(const struct claim_history_entry *e, void *arg)
{
	struct editor *ed = arg;

	ed->hist = xrealloc(ed->hist, sizeof(*ed->hist) * (size_t)(ed->nhist + 1));
	ed->hist[ed->nhist] = *e;
	text_sanitize(ed->hist[ed->nhist].actor_name);
	text_sanitize(ed->hist[ed->nhist].step);
	ed->nhist++;
	return 0;
}

static int step_collect(const struct step_row *r, void *arg)
{
	struct editor *ed = arg;

	ed->steps = xrealloc(ed->steps, sizeof(*ed->steps) * (size_t)(ed->nsteps + 1));
	memset(&ed->steps[ed->nsteps], 0, sizeof(ed->steps[0]));
	ed->steps[ed->nsteps].r = *r;
	text_sanitize(ed->steps[ed->nsteps].r.name);
	ed->nsteps++;
	return 0;
}

/* The claim's steps and timeline, and whether the reader may act on it. */
static void load_approvals(struct ui *ui, struct editor *ed)
{
	ed->nhist = ed->nsteps = 0;
	ed->task = false;
	if (!ed->c.id)
		return;
	store_claim_history(ui->app->store, ed->c.id, hist_collect, ed);
	store_claim_steps(ui->app->store, ed->c.id, step_collect, ed);
	/* names after the listings: no store call inside their callbacks */
	for (int i = 0; i < ed->nsteps; i++) {
		char list[512], *p, *uid;
		str_copy(list, ed->steps[i].r.approvers, sizeof(list));
		for (uid = strtok_r(list, " ", &p); uid; uid = strtok_r(NULL, " ", &p)) {
			char name[256];
			size_t used = strlen(ed->steps[i].names);
			approval_person(ui, uid, name, sizeof(name));
			snprintf(ed->steps[i].names + used, sizeof(ed->steps[i].names) - used, "%s%s", used ? ", " : "",
				 name);
		}
	}
	ed->task = ed->c.status == CLAIM_SUBMITTED && inbox_holds_task(ui, ed->c.id);
}

/* What line v's budget node has left, and the theme element that says how bad it is. */
static void budget_text(const struct budget_line_view *v, char *out, size_t size, int *elem)
{
	char left[32];

	if (v->node < 0) {
		snprintf(out, size, "%s", _("no budget counts this line"));
		*elem = THEME_DIM;
		return;
	}
	money_format(v->left, left, sizeof(left), MONEY_GROUP | MONEY_SYMBOL);
	if (v->frozen)
		snprintf(out, size, _("%s %s: frozen"), v->label, v->period);
	else
		snprintf(out, size, _("%s %s (%s): %s left"), v->label, v->period, _(budget_mode_label(v->mode)), left);
	*elem = v->frozen || (v->over_limit && v->mode == BUDGET_BLOCK) ? THEME_ERROR
		: v->over_limit && v->mode == BUDGET_WARN               ? THEME_WARN
		: v->left < 0                                           ? THEME_WARN
									: THEME_OK;
}

static void budget_refresh(struct ui *ui, struct editor *ed)
{
	free(ed->bv);
	ed->nbv = ed->c.nlines;
	ed->bv = xcalloc((size_t)ed->nbv + 1, sizeof(*ed->bv));
	if (service_budget_preview(ui->app, &ed->c, ed->bv))
		ed->nbv = 0;
}

static void review(struct ui *ui, struct editor *ed)
{
	char msg[BR_MSG_MAX];

	md_layout_free(&ed->md);
	ed->md_cols = 0;
	if (ed->form && ed->editable && service_claim_review(ui->app, &ed->forms, &ed->c, msg, sizeof(msg)) < 0)
		ui_message(ui, THEME_ERROR, "%s", msg);
	budget_refresh(ui, ed);
}

static void *claim_enter(struct ui *ui)
{
	struct editor *ed = xcalloc(1, sizeof(*ed));
	char msg[BR_MSG_MAX];

	claim_init(&ed->c);
	service_forms_load(ui->app, &ed->forms);
	store_categories_load(ui->app->store, &ed->cats);
	if (open_id) {
		char ref[32];
		snprintf(ref, sizeof(ref), "%lld", (long long)open_id);
		if (service_claim_load(ui->app, ref, &ed->c, msg, sizeof(msg))) {
			ui_message(ui, THEME_ERROR, "%s", msg);
			ed->broken = true;
			return ed;
		}
	} else {
		str_copy(ed->c.form, open_form, sizeof(ed->c.form));
		str_copy(ed->c.owner, ui->app->user->uid, sizeof(ed->c.owner));
		str_copy(ed->c.owner_name, user_display(ui->app->user), sizeof(ed->c.owner_name));
	}
	ed->form = form_set_find(&ed->forms, ed->c.form);
	ed->editable = ed->c.status == CLAIM_DRAFT && !strcmp(ed->c.owner, ui->app->user->uid) && ed->form;
	load_approvals(ui, ed);
	if (!ed->form && claim_value(&ed->c, "ledger")[0])
		ui_message(ui, ed->task ? THEME_OK : THEME_NORMAL,
			   _("Requisition from ledger %s, record %s, quantity %s%s"), claim_value(&ed->c, "ledger"),
			   claim_value(&ed->c, "record"), claim_value(&ed->c, "quantity"),
			   ed->task ? _(": y approve, x reject, u return") : "");
	else if (!ed->form)
		ui_message(ui, THEME_ERROR, _("The form %s of this claim is no longer available; it opens read-only."),
			   ed->c.form);
	else if (ed->task)
		ui_message(ui, THEME_OK, _("%s waits for your approval: y approve, x reject, u return, h history"),
			   ed->c.number);
	else if (!ed->editable && ed->c.status != CLAIM_DRAFT)
		ui_message(ui, THEME_DIM, _("%s is %s; it opens read-only."), ed->c.number,
			   _(claim_status_label(ed->c.status)));
	if (ed->editable)
		review(ui, ed);
	else
		budget_refresh(ui, ed);
	return ed;
}

static void claim_leave(struct ui *ui, void *state)
{
	struct editor *ed = state;

	(void)ui;
	claim_release(&ed->c);
	form_set_release(&ed->forms);
	md_layout_free(&ed->md);
	free(ed->md_text);
	category_set_release(&ed->cats);
	free(ed->hist);
	free(ed->steps);
	free(ed->bv);
	free(ed);
}

/* The most severe finding about a header field or a line: '!' warn, 'x' block. */
static const char *mark(const struct editor *ed, const char *field, int line, bool ascii, int *elem)
{
	int worst = -1;

	for (int i = 0; i < ed->c.nfindings; i++) {
		const struct claim_finding *f = &ed->c.findings[i];
		bool match = line ? f->line == line : f->line == 0 && !strcmp(f->field, field);
		if (match && (worst < 0 || f->level == FINDING_ERROR))
			worst = f->level;
	}
	if (worst < 0) {
		*elem = THEME_NORMAL;
		return " ";
	}
	*elem = worst == FINDING_ERROR ? THEME_ERROR : THEME_WARN;
	return worst == FINDING_ERROR ? (ascii ? "x" : "✗") : "!";
}

/* A value on one row: the first line of a multi-line value, with a count. */
static void one_line(const char *v, char *out, size_t size)
{
	const char *nl = strchr(v, '\n');
	int lines = 1;

	if (!nl) {
		str_copy(out, v, size);
		text_sanitize(out);
		return;
	}
	for (const char *p = v; *p; p++)
		lines += *p == '\n';
	snprintf(out, size, "%.*s …(%d)", (int)(nl - v) < 400 ? (int)(nl - v) : 400, v, lines);
	text_sanitize(out);
}

static void draw_row(struct ui *ui, struct editor *ed, int row, int y, int left, int cols, const char *lang)
{
	const int w_label = 16;
	bool sel = row == ed->list.sel;
	char line[2048], label[128], value[1024], m_elem_s[8];
	int idx = 0, melem = THEME_NORMAL;
	const char *m;

	switch (row_kind(ed, row, &idx)) {
	case ROW_TITLE:
		m = mark(ed, "title", 0, ui->ascii, &melem);
		text_fit(label, sizeof(label), _("Claim title"), w_label, 1, 1);
		str_copy(value, ed->c.title, sizeof(value));
		text_sanitize(value);
		snprintf(line, sizeof(line), "%s* %s", label, value[0] ? value : "-");
		break;
	case ROW_FIELD: {
		const struct form_field *fl = &ed->form->fields[idx];
		const char *v = claim_value(&ed->c, fl->name);
		char l2[160];
		m = mark(ed, fl->name, 0, ui->ascii, &melem);
		snprintf(l2, sizeof(l2), "%s", form_field_label(fl, lang));
		text_fit(label, sizeof(label), l2, w_label, 1, 1);
		one_line(v, value, sizeof(value));
		snprintf(line, sizeof(line), "%s%s %s", label, fl->required ? "*" : " ", value[0] ? value : "-");
		break;
	}
	case ROW_LINE: {
		const struct claim_line *l = &ed->c.lines[idx];
		char cat[64], amt[32], ded[32], inv[64], desc[600], key[64] = "-", att[16];
		m = mark(ed, "", idx + 1, ui->ascii, &melem);
		if (l->has_invoice)
			invoice_dedup_key(l->invoice.code, l->invoice.number, key, sizeof(key));
		text_fit(cat, sizeof(cat), cat_name(ed, l->category, lang), 10, 1, 1);
		text_fit(inv, sizeof(inv), key, INVOICE_COLS(cols), 1, 1);
		snprintf(att, sizeof(att), "%d", l->nattachments);
		str_copy(desc, l->description, sizeof(desc));
		text_sanitize(desc);
		snprintf(line, sizeof(line), "%2d %s %s %11s %9s %s %4s ", idx + 1, cat, l->date[0] ? l->date : "-",
			 money_format(l->amount, amt, sizeof(amt), MONEY_GROUP),
			 money_format(l->deductible, ded, sizeof(ded), MONEY_GROUP), inv, att);
		if (BUDGET_COLS(cols) && idx < ed->nbv) {
			char rest[32] = "-";
			if (ed->bv[idx].node >= 0)
				money_format(ed->bv[idx].left, rest, sizeof(rest), MONEY_GROUP);
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "%12s ", rest);
		}
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s", desc);
		break;
	}
	default:
		m = " ";
		snprintf(line, sizeof(line), "%s", _("+ add a line (a)"));
		melem = THEME_DIM;
	}
	str_copy(m_elem_s, m, sizeof(m_elem_s));
	ui_text(ui, y, left, 2, m_elem_s, sel ? THEME_SELECTED : melem, true);
	ui_text(ui, y, left + 2, cols - 2, line,
		sel                                  ? THEME_SELECTED
		: row_kind(ed, row, &idx) == ROW_ADD ? THEME_DIM
						     : THEME_NORMAL,
		true);
}

/* One event of the timeline: when, who, what, at which step, and the comment's first line. */
static void history_line(struct ui *ui, const struct claim_history_entry *e, char *out, size_t size, int *elem)
{
	char when[12], who[64], what[64], step[64], detail[600] = "", name[256], note[300];
	size_t n = strcspn(e->comment, "\r\n");

	approval_time(e->ts, when);
	text_fit(who, sizeof(who), !strcmp(e->actor, "-") ? _("(system)") : e->actor_name, 8, 1, 1);
	text_fit(what, sizeof(what), approval_action_label(e->action), 10, 1, 1);
	text_fit(step, sizeof(step), e->step[0] ? e->step : "-", 12, 1, 1);
	snprintf(note, sizeof(note), "%.*s%s", n < 280 ? (int)n : 280, e->comment, e->comment[n] ? " …" : "");
	text_sanitize(note);
	/* for these the comment is the person the task went to */
	if (!strcmp(e->action, "transfer") || !strcmp(e->action, "add-approver")) {
		/* the person the task went to, then an optional note on the next line */
		char person[USER_LOGIN_MAX + 1];
		snprintf(person, sizeof(person), "%.*s", (int)n, e->comment);
		snprintf(detail, sizeof(detail), _("to %s"), approval_person(ui, person, name, sizeof(name)));
		if (e->comment[n])
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), ": %.280s",
				 e->comment + n + 1);
	} else if (!strcmp(e->action, "escalate")) {
		char from[256];
		snprintf(detail, sizeof(detail), _("from %s to %s"),
			 approval_person(ui, e->on_behalf_of, from, sizeof(from)),
			 approval_person(ui, e->comment, name, sizeof(name)));
	} else {
		if (e->on_behalf_of[0])
			snprintf(detail, sizeof(detail), _("on behalf of %s"),
				 approval_person(ui, e->on_behalf_of, name, sizeof(name)));
		if (note[0])
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), "%s%s",
				 detail[0] ? ": " : "", note);
	}
	snprintf(out, size, "%-11s %s %s %s %s", when, who, what, step, detail);
	*elem = !strcmp(e->action, "reject") ? THEME_ERROR : !strcmp(e->action, "return") ? THEME_WARN : THEME_NORMAL;
}

/* The approval steps (the active one marked), then as much of the timeline as fits, newest last. */
static void draw_history(struct ui *ui, struct editor *ed, int top, int left, int rows, int cols)
{
	int y = top + 1, bottom = top + rows, first;

	ui_text(ui, top, left, cols, _("Approval steps and history (h: back to the checks)"), THEME_TITLE, true);
	if (!ed->nsteps && !ed->nhist) {
		ui_text(ui, y, left, cols, _("Not submitted yet: no steps, no history."), THEME_DIM, true);
		return;
	}
	for (int i = 0; i < ed->nsteps && y < bottom; i++, y++) {
		const struct step_view *sv = &ed->steps[i];
		bool done = !strcmp(sv->r.state, "done"), active = !strcmp(sv->r.state, "active");
		const char *mark = done     ? (ui->ascii ? "+" : "✓")
				   : active ? (ui->ascii ? ">" : "▶")
					    : (ui->ascii ? "-" : "·");
		const char *mode = sv->r.mode == WF_MODE_ANY   ? _("any one of: ")
				   : sv->r.mode == WF_MODE_ALL ? _("all of: ")
							       : "";
		const char *state = done ? _("done") : active ? _("now") : _("later");
		char name[64], st[32], line[1024];
		text_fit(name, sizeof(name), sv->r.name, 16, 1, 1);
		text_fit(st, sizeof(st), state, 6, 1, 1);
		snprintf(line, sizeof(line), "%s %d %s %s %s%s", mark, i + 1, name, st, mode, sv->names);
		ui_text(ui, y, left, cols, line, done ? THEME_OK : active ? THEME_TITLE : THEME_DIM, true);
	}
	if (ed->nsteps && ed->nhist && y < bottom)
		ui_text(ui, y++, left, cols, "", THEME_NORMAL, true);
	/* the newest events when not all fit, and a line saying how many are left out */
	first = ed->nhist - (bottom - y);
	if (first > 0)
		first++;
	else
		first = 0;
	if (first > 0 && y < bottom) {
		char more[128];
		snprintf(more, sizeof(more), _("… %d earlier"), first);
		ui_text(ui, y++, left, cols, more, THEME_DIM, true);
	}
	for (int i = first; i < ed->nhist && y < bottom; i++, y++) {
		char line[1200];
		int elem;
		history_line(ui, &ed->hist[i], line, sizeof(line), &elem);
		ui_text(ui, y, left, cols, line, elem, true);
	}
}

static void draw_pane(struct ui *ui, struct editor *ed, int top, int left, int rows, int cols)
{
	char title[256];

	if (rows < 2)
		return;
	if (ed->pane == PANE_HISTORY) {
		draw_history(ui, ed, top, left, rows, cols);
		return;
	}
	if (ed->pane == PANE_PREVIEW && ed->form) {
		if (ed->md_cols != cols) {
			struct strbuf b = { NULL, 0 };
			for (int i = 0; i < ed->form->nfields; i++) {
				const struct form_field *fl = &ed->form->fields[i];
				const char *v = claim_value(&ed->c, fl->name);
				if (fl->type == FIELD_MARKDOWN)
					strbuf_addf(&b, "## %s\n\n%s\n\n", form_field_label(fl, app_language(ui->app)),
						    *v ? v : "-");
			}
			free(ed->md_text);
			ed->md_text = b.s ? b.s : xstrdup(_("This form has no Markdown field."));
			md_layout_free(&ed->md);
			md_layout(&ed->md, ed->md_text, cols, ui->ascii);
			ed->md_cols = cols;
		}
		ui_text(ui, top, left, cols, _("Preview (p: back to the checks)"), THEME_TITLE, true);
		md_draw(ui, &ed->md, 0, top + 1, left, rows - 1);
		return;
	}
	{
		int nb = 0, nw = 0;
		for (int i = 0; i < ed->c.nfindings; i++)
			nb += ed->c.findings[i].level == FINDING_ERROR, nw += ed->c.findings[i].level != FINDING_ERROR;
		snprintf(title, sizeof(title), _("Checks: %d blocking, %d warning(s)"), nb, nw);
	}
	ui_text(ui, top, left, cols, title, ed->c.nfindings ? THEME_TITLE : THEME_DIM, true);
	if (ed->nbv > 0 && rows > 2) {
		int idx = 0, elem;
		char text[512], line[600];
		if (row_kind(ed, ed->list.sel, &idx) != ROW_LINE || idx >= ed->nbv)
			idx = 0;
		budget_text(&ed->bv[idx], text, sizeof(text), &elem);
		snprintf(line, sizeof(line), _("Budget, line %d: %s"), idx + 1, text);
		ui_text(ui, ++top, left, cols, line, elem, true);
		rows--;
	}
	for (int i = 0; i < ed->c.nfindings && i < rows - 1; i++) {
		const struct claim_finding *f = &ed->c.findings[i];
		char line[600], where[64] = "";
		if (f->line)
			snprintf(where, sizeof(where), _("line %d "), f->line);
		snprintf(line, sizeof(line), "%s %s%s: %s", f->level == FINDING_ERROR ? (ui->ascii ? "x" : "✗") : "!",
			 where, f->field, f->message);
		ui_text(ui, top + 1 + i, left, cols, line, f->level == FINDING_ERROR ? THEME_ERROR : THEME_WARN, true);
	}
	if (ed->c.nattachments && ed->c.nfindings < rows - 2) {
		char line[1024] = "";
		int y = top + 1 + ed->c.nfindings;
		snprintf(line, sizeof(line), "%s", _("Attachments:"));
		for (int i = 0; i < ed->c.nattachments; i++) {
			const struct claim_attachment *a = &ed->c.attachments[i];
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s", a->name);
			if (a->line)
				snprintf(line + strlen(line), sizeof(line) - strlen(line), _(" (line %d)"), a->line);
		}
		ui_text(ui, y, left, cols, line, THEME_DIM, true);
	}
}

static void claim_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct editor *ed = state;
	const char *lang = app_language(ui->app);
	char head[1024], total[32], ded[32], right[128];
	int n = nrows(ed), pane, body, y;

	if (ed->broken) {
		ui_text(ui, top, left, cols, _("This claim cannot be shown."), THEME_ERROR, false);
		return;
	}
	snprintf(head, sizeof(head), "%s  %s  [%s]%s", ed->c.number[0] ? ed->c.number : _("(new claim)"),
		 ed->form ? form_title(ed->form, lang) : ed->c.form, _(claim_status_label(ed->c.status)),
		 ed->dirty ? _("  (unsaved)") : "");
	if (ed->c.voucher[0])
		snprintf(head + strlen(head), sizeof(head) - strlen(head), _("  voucher %s"), ed->c.voucher);
	if (ed->c.payment[0])
		snprintf(head + strlen(head), sizeof(head) - strlen(head), _("  paid %s"),
			 strcmp(ed->c.payment, "advance") ? ed->c.payment : _("by the advance"));
	if (ed->c.status == CLAIM_SUBMITTED && ed->c.step[0]) {
		char step[sizeof(ed->c.step)];
		str_copy(step, ed->c.step, sizeof(step));
		text_sanitize(step);
		snprintf(head + strlen(head), sizeof(head) - strlen(head), " %s %s", ui->ascii ? "->" : "→", step);
	}
	snprintf(right, sizeof(right), _("Total %s  deductible %s"),
		 money_format(ed->c.total, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL),
		 money_format(ed->c.deductible, ded, sizeof(ded), MONEY_GROUP | MONEY_SYMBOL));
	ui_text(ui, top, left, cols, head, THEME_TITLE, true);
	if (text_width(head) + text_width(right) + 2 <= cols)
		ui_text(ui, top, left + cols - text_width(right), text_width(right), right, THEME_TITLE, false);
	else if (rows > 12)
		ui_text(ui, top + 1, left, cols, right, THEME_TITLE, false);
	y = top + (text_width(head) + text_width(right) + 2 <= cols || rows <= 12 ? 1 : 2);
	/* the checks pane gets what the rows leave, at least 3 and at most a third */
	pane = ed->c.nfindings + 1 + (ed->c.nattachments > 0) + (ed->nbv > 0);
	if (ed->pane == PANE_PREVIEW)
		pane = rows / 2;
	else if (ed->pane == PANE_HISTORY)
		pane = 1 + ed->nsteps + (ed->nsteps > 0 && ed->nhist > 0) + ed->nhist;
	if (pane < 3)
		pane = 3;
	if (pane > (rows - (y - top)) / 2)
		pane = (rows - (y - top)) / 2;
	body = rows - (y - top) - pane - 1;
	if (body < 1)
		body = 1;
	/* one row is kept for the line table's heading, drawn above the first line */
	ed->list.page = body - 1 > 0 ? body - 1 : 1;
	ui_list_clamp(n, ed->list.page, &ed->list.sel, &ed->list.scroll);
	for (int i = 0, shown = 0; shown < body && ed->list.scroll + i < n; i++) {
		int row = ed->list.scroll + i, idx = 0;
		enum row_kind k = row_kind(ed, row, &idx);
		if ((k == ROW_LINE && idx == 0) || (k == ROW_ADD && ed->c.nlines == 0)) {
			char h[512], cat[64], date[32], amt[32], dd[32], inv[64], att[32];
			text_fit(cat, sizeof(cat), _("Category"), 10, 1, 1);
			text_fit(date, sizeof(date), _("Date"), 10, 1, 1);
			text_fit(amt, sizeof(amt), _("Amount"), 11, 0, 1);
			text_fit(dd, sizeof(dd), _("Deductible"), 9, 0, 1);
			text_fit(inv, sizeof(inv), _("Invoice"), INVOICE_COLS(cols), 1, 1);
			text_fit(att, sizeof(att), _("Att"), 4, 0, 1);
			snprintf(h, sizeof(h), "   # %s %s %*s%s %*s%s %s %*s%s ", cat, date, 11 - text_width(amt), "",
				 amt, 9 - text_width(dd), "", dd, inv, 4 - text_width(att), "", att);
			if (BUDGET_COLS(cols)) {
				char bl[64];
				text_fit(bl, sizeof(bl), _("Budget left"), 12, 0, 1);
				snprintf(h + strlen(h), sizeof(h) - strlen(h), "%*s%s ", 12 - text_width(bl), "", bl);
			}
			snprintf(h + strlen(h), sizeof(h) - strlen(h), "%s", _("Description"));
			ui_text(ui, y + shown++, left, cols, h, THEME_DIM, true);
			if (shown >= body)
				break;
		}
		draw_row(ui, ed, row, y + shown++, left, cols, lang);
	}
	draw_pane(ui, ed, y + body, left, pane + 1, cols);
}

/* Prompts until value parses as money (or Esc); true with *fen set.  hint (may be NULL) runs as it is typed. */
static bool prompt_money(struct ui *ui, const char *label, int64_t *fen, ui_hint_fn hint, void *arg)
{
	char buf[64] = "";
	const char *why = NULL;

	if (*fen)
		money_format(*fen, buf, sizeof(buf), 0);
	for (;;) {
		int64_t v;
		if (!ui_prompt_hint(ui, label, buf, sizeof(buf), hint, arg))
			return false;
		if (money_parse(buf, &v, &why) == 0) {
			*fen = v;
			return true;
		}
		ui_message(ui, THEME_ERROR, "%s", _(why));
		ui_text(ui, LINES - 1, 0, COLS, ui->status, THEME_ERROR, true);
	}
}

static bool prompt_date(struct ui *ui, const char *label, char date[11])
{
	char buf[32];

	str_copy(buf, date, sizeof(buf));
	for (;;) {
		if (!ui_prompt(ui, label, buf, sizeof(buf)))
			return false;
		str_trim(buf);
		if (date_valid(buf)) {
			str_copy(date, buf, 11);
			return true;
		}
	}
}

/* The line being typed, for the live budget hint. */
struct line_hint {
	struct ui *ui;
	struct editor *ed;
	const struct claim_line *l;
	int idx; /* its index, or -1 for a new line */
};

/* As the amount is typed: the node the line hits and what it would leave. */
static void amount_hint(const char *typed, char *out, size_t size, int *elem, void *arg)
{
	struct line_hint *h = arg;
	struct claim tmp = h->ed->c;
	struct budget_line_view *v;
	int n = h->ed->c.nlines + (h->idx < 0), at = h->idx < 0 ? n - 1 : h->idx;
	char text[512];

	if (money_parse(typed, &(int64_t){ 0 }, NULL)) {
		snprintf(out, size, "%s", *typed ? _("not an amount yet") : "");
		*elem = THEME_DIM;
		return;
	}
	tmp.lines = xcalloc((size_t)n, sizeof(*tmp.lines));
	memcpy(tmp.lines, h->ed->c.lines, sizeof(*tmp.lines) * (size_t)h->ed->c.nlines);
	tmp.lines[at] = *h->l;
	money_parse(typed, &tmp.lines[at].amount, NULL);
	tmp.nlines = n;
	tmp.status = CLAIM_DRAFT; /* what it would leave if submitted like this */
	v = xcalloc((size_t)n, sizeof(*v));
	if (service_budget_preview(h->ui->app, &tmp, v) == BR_OK) {
		budget_text(&v[at], text, sizeof(text), elem);
		snprintf(out, size, _("Budget: %s"), text);
	}
	free(v);
	free(tmp.lines);
}

static bool edit_line(struct ui *ui, struct editor *ed, struct claim_line *l, int idx)
{
	struct line_hint hint = { ui, ed, l, idx };
	const char *lang = app_language(ui->app);
	const char **items = xcalloc((size_t)ed->form->ncategories + 1, sizeof(*items));
	char(*labels)[192] = xcalloc((size_t)ed->form->ncategories + 1, sizeof(*labels));
	int sel = 0, k;
	bool ok = false;

	for (int i = 0; i < ed->form->ncategories; i++) {
		const struct form_category *fc = &ed->form->categories[i];
		int64_t lim = form_category_limit(fc, ui->app->user->rank);
		char amount[64] = "", fen[32];
		if (lim >= 0)
			snprintf(amount, sizeof(amount), _("  limit %s"),
				 money_format(lim, fen, sizeof(fen), MONEY_GROUP));
		snprintf(labels[i], sizeof(labels[i]), "%s  %s%s", cat_name(ed, fc->code, lang), fc->code, amount);
		items[i] = labels[i];
		if (!strcmp(fc->code, l->category))
			sel = i;
	}
	k = ui_choose(ui, _("Expense category"), items, ed->form->ncategories, sel);
	if (k < 0)
		goto out;
	str_copy(l->category, ed->form->categories[k].code, sizeof(l->category));
	if (!l->date[0])
		date_today(l->date);
	if (!prompt_date(ui, _("Date (YYYY-MM-DD): "), l->date) ||
	    !prompt_money(ui, _("Amount: "), &l->amount, amount_hint, &hint) ||
	    !ui_prompt(ui, _("Description: "), l->description, sizeof(l->description)))
		goto out;
	ok = true;
out:
	free(items);
	free(labels);
	return ok;
}

/* Asks for the line's invoice field by field, checked by the invoice rules. */
static void edit_invoice(struct ui *ui, struct editor *ed, struct claim_line *l)
{
	struct invoice_input in;
	const char *why = NULL, *field = NULL;
	const char *kinds[INVOICE_KIND_COUNT];
	char number[32], code[32] = "", date[11], buf[64];
	int64_t total = l->amount, tax = 0;
	int k;

	(void)ed;
	str_copy(number, l->has_invoice ? l->invoice.number : "", sizeof(number));
	if (!ui_prompt(ui, _("Invoice number (empty: no invoice): "), number, sizeof(number)))
		return;
	str_trim(number);
	if (!number[0]) {
		l->has_invoice = false;
		memset(&l->invoice, 0, sizeof(l->invoice));
		ed->dirty = true;
		return;
	}
	invoice_input_init(&in);
	if (invoice_input_set(&in, "number", number, &why))
		goto bad;
	if (strlen(number) < 20) {
		str_copy(code, l->has_invoice ? l->invoice.code : "", sizeof(code));
		if (!ui_prompt(ui, _("Invoice code (10 or 12 digits): "), code, sizeof(code)))
			return;
		if (invoice_input_set(&in, "code", str_trim(code), &why))
			goto bad;
	}
	str_copy(date, l->has_invoice ? l->invoice.date : l->date, sizeof(date));
	if (!prompt_date(ui, _("Invoice date (YYYY-MM-DD): "), date))
		return;
	invoice_input_set(&in, "date", date, &why);
	if (l->has_invoice)
		total = l->invoice.total;
	if (!prompt_money(ui, _("Invoice total (with tax): "), &total, NULL, NULL))
		return;
	invoice_input_set(&in, "total", money_format(total, buf, sizeof(buf), 0), &why);
	{
		struct invoice_input probe = in;
		if (invoice_input_finish(&probe, &field, &why))
			goto bad;
		for (int i = 0; i < INVOICE_KIND_COUNT; i++)
			kinds[i] = invoice_kind_name((enum invoice_kind)i);
		k = ui_choose(ui, _("Invoice kind"), kinds, INVOICE_KIND_COUNT,
			      l->has_invoice ? (int)l->invoice.kind : (int)probe.inv.kind);
		if (k < 0)
			return;
		invoice_input_set(&in, "kind", kinds[k], &why);
	}
	if (k == INVOICE_VAT_SPECIAL || k == INVOICE_VAT_NORMAL || k == INVOICE_VAT_ELECTRONIC ||
	    k == INVOICE_DIGITAL) {
		tax = l->has_invoice ? l->invoice.tax : 0;
		if (!prompt_money(ui, _("Tax shown on the invoice: "), &tax, NULL, NULL))
			return;
		invoice_input_set(&in, "tax", money_format(tax, buf, sizeof(buf), 0), &why);
		invoice_input_set(&in, "amount", money_format(total - tax, buf, sizeof(buf), 0), &why);
	}
	if (invoice_input_finish(&in, &field, &why))
		goto bad;
	l->invoice = in.inv;
	l->has_invoice = true;
	ed->dirty = true;
	return;
bad:
	ui_message(ui, THEME_ERROR, _("Invoice %s: %s"), field ? field : "number", _(why));
}

static void edit_field(struct ui *ui, struct editor *ed, const struct form_field *fl)
{
	const char *lang = app_language(ui->app);
	const char *cur = claim_value(&ed->c, fl->name);
	char label[200];

	if (fl->type == FIELD_MARKDOWN) {
		char *v = xstrdup(cur);
		if (ui_textarea(ui, form_field_label(fl, lang), &v,
				fl->has_max ? (size_t)fl->max * 4 : CLAIM_VALUE_MAX)) {
			claim_set_value(&ed->c, fl->name, *v ? v : NULL);
			ed->dirty = true;
		}
		free(v);
		return;
	}
	if (fl->type == FIELD_CHOICE && fl->noptions) {
		const char *items[FORM_MAX_OPTIONS + 1];
		int sel = 0, k;
		items[0] = _("(none)");
		for (int i = 0; i < fl->noptions; i++) {
			items[i + 1] = fl->options[i];
			if (!strcmp(cur, fl->options[i]))
				sel = i + 1;
		}
		k = ui_choose(ui, form_field_label(fl, lang), items, fl->noptions + 1, sel);
		if (k >= 0) {
			claim_set_value(&ed->c, fl->name, k ? fl->options[k - 1] : NULL);
			ed->dirty = true;
		}
		return;
	}
	{
		char buf[1024];
		str_copy(buf, cur, sizeof(buf));
		snprintf(label, sizeof(label), "%s%s: ", form_field_label(fl, lang),
			 fl->type == FIELD_DATERANGE ? _(" (first..last)")
			 : fl->type == FIELD_DATE    ? " (YYYY-MM-DD)"
						     : "");
		if (ui_prompt(ui, label, buf, sizeof(buf))) {
			str_trim(buf);
			claim_set_value(&ed->c, fl->name, buf[0] ? buf : NULL);
			ed->dirty = true;
		}
	}
}

static bool check_editable(struct ui *ui, struct editor *ed)
{
	if (ed->editable)
		return true;
	if (strcmp(ed->c.owner, ui->app->user->uid))
		ui_message(ui, THEME_WARN, "%s", _("This is not your claim; it is read-only."));
	else
		ui_message(ui, THEME_WARN, _("%s is %s; withdraw it (w) to change it."), ed->c.number,
			   _(claim_status_label(ed->c.status)));
	return false;
}

static bool save(struct ui *ui, struct editor *ed)
{
	char msg[BR_MSG_MAX];
	bool created = ed->c.id == 0;

	if (service_claim_save(ui->app, &ed->forms, &ed->c, false, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return false;
	}
	ed->dirty = false;
	ui->data_version++;
	ui_message(ui, THEME_OK, created ? _("Created draft %s") : _("Saved %s"), ed->c.number);
	return true;
}

/* Reloads the claim after a change of status (attachments, times, findings). */
static void reload(struct ui *ui, struct editor *ed)
{
	char ref[32], msg[BR_MSG_MAX];

	snprintf(ref, sizeof(ref), "%lld", (long long)ed->c.id);
	if (service_claim_load(ui->app, ref, &ed->c, msg, sizeof(msg)))
		ed->broken = true;
	ed->editable = ed->c.status == CLAIM_DRAFT && !strcmp(ed->c.owner, ui->app->user->uid) && ed->form;
	if (ed->editable)
		review(ui, ed);
	load_approvals(ui, ed);
}

/* Approve, reject or return as an approver holding a task on the claim. */
static void approver_act(struct ui *ui, struct editor *ed, enum task_action a)
{
	char what[512], total[32], comment[1024], msg[BR_MSG_MAX];
	struct act_result r;

	if (ed->dirty || !ed->c.id || ed->c.status != CLAIM_SUBMITTED || !inbox_holds_task(ui, ed->c.id)) {
		ui_message(ui, THEME_WARN, "%s", _("This claim does not wait for your approval."));
		return;
	}
	snprintf(what, sizeof(what), "%s %s", ed->c.number,
		 money_format(ed->c.total, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL));
	if (!approval_comment(ui, a, what, comment, sizeof(comment)))
		return;
	if (service_claim_act(ui->app, ed->c.number, 0, a, comment, &r, msg, sizeof(msg)))
		ui_message(ui, THEME_ERROR, "%s", msg);
	else
		approval_result(ui, a, ed->c.number, &r);
	ui->data_version++;
	reload(ui, ed);
}

static void submit(struct ui *ui, struct editor *ed)
{
	const char **lines = NULL;
	int *elems = NULL, n = 0, blocking = 0;
	char(*text)[600] = NULL, title[256], msg[BR_MSG_MAX];
	struct claim after;

	if (ed->dirty && !save(ui, ed))
		return;
	if (ed->c.id == 0) {
		ui_message(ui, THEME_WARN, "%s", _("Nothing to submit yet: add lines first."));
		return;
	}
	review(ui, ed);
	n = ed->c.nfindings ? ed->c.nfindings : 1;
	lines = xcalloc((size_t)n, sizeof(*lines));
	elems = xcalloc((size_t)n, sizeof(*elems));
	text = xcalloc((size_t)n, sizeof(*text));
	for (int i = 0; i < ed->c.nfindings; i++) {
		const struct claim_finding *f = &ed->c.findings[i];
		char where[64] = "";
		if (f->line)
			snprintf(where, sizeof(where), _("line %d "), f->line);
		snprintf(text[i], sizeof(text[i]), "%s %s%s: %s",
			 f->level == FINDING_ERROR ? (ui->ascii ? "x" : "✗") : "!", where, f->field, f->message);
		lines[i] = text[i];
		elems[i] = f->level == FINDING_ERROR ? THEME_ERROR : THEME_WARN;
		blocking += f->level == FINDING_ERROR;
	}
	if (!ed->c.nfindings) {
		str_copy(text[0], _("No findings: every check passed."), sizeof(text[0]));
		lines[0] = text[0];
		elems[0] = THEME_OK;
	}
	if (blocking) {
		snprintf(title, sizeof(title), _("%s cannot be submitted: %d blocking finding(s)"), ed->c.number,
			 blocking);
		ui_confirm(ui, title, lines, elems, n, _("Fix the findings marked ✗, then submit again.  (n: close)"));
		goto out;
	}
	snprintf(title, sizeof(title), _("Submit %s, total %s?"), ed->c.number,
		 money_format(ed->c.total, msg, sizeof(msg), MONEY_GROUP | MONEY_SYMBOL));
	if (!ui_confirm(ui, title, lines, elems, n, _("Submit for approval? y = submit, n = not now")))
		goto out;
	claim_init(&after);
	{
		char ref[32];
		snprintf(ref, sizeof(ref), "%lld", (long long)ed->c.id);
		if (service_claim_submit(ui->app, &ed->forms, ref, &after, msg, sizeof(msg)))
			ui_message(ui, THEME_ERROR, "%s", msg);
		else
			ui_message(ui, THEME_OK,
				   after.status == CLAIM_APPROVED
				       ? _("Submitted %s: approved at once by the auto-approval rule")
				       : _("Submitted %s"),
				   after.number);
	}
	claim_release(&after);
	ui->data_version++;
	reload(ui, ed);
out:
	free(lines);
	free(elems);
	free(text);
}

static int close_editor(struct ui *ui, struct editor *ed)
{
	static const char *items[3];
	int k;

	if (!ed->dirty || !ed->editable)
		return UI_POP;
	items[0] = _("Save and close");
	items[1] = _("Discard the changes");
	items[2] = _("Keep editing");
	k = ui_choose(ui, _("This claim has unsaved changes"), items, 3, 0);
	if (k == 0)
		return save(ui, ed) ? UI_POP : UI_REDRAW;
	return k == 1 ? UI_POP : UI_REDRAW;
}

/* ---- the whole timeline, comments rendered from Markdown ---- */

static char *timeline_text; /* handed from the editor to the timeline screen */

static char *timeline_markdown(struct ui *ui, const struct editor *ed)
{
	struct strbuf b = { NULL, 0 };

	strbuf_addf(&b, "# %s %s\n\n## %s\n\n", ed->c.number, ed->c.title, _("Approval steps"));
	if (!ed->nsteps)
		strbuf_addf(&b, "%s\n\n", _("Not submitted yet: no steps, no history."));
	for (int i = 0; i < ed->nsteps; i++)
		strbuf_addf(&b, "%d. **%s** (%s) %s\n", i + 1, ed->steps[i].r.name,
			    !strcmp(ed->steps[i].r.state, "done")     ? _("done")
			    : !strcmp(ed->steps[i].r.state, "active") ? _("now")
								      : _("later"),
			    ed->steps[i].names);
	strbuf_addf(&b, "\n## %s\n\n", _("History"));
	for (int i = 0; i < ed->nhist; i++) {
		const struct claim_history_entry *e = &ed->hist[i];
		char when[12], name[256];
		bool handed = !strcmp(e->action, "transfer") || !strcmp(e->action, "add-approver");
		const char *note = e->comment;
		approval_time(e->ts, when);
		strbuf_addf(&b, "**%s** · %s · %s", when, !strcmp(e->actor, "-") ? _("(system)") : e->actor_name,
			    approval_action_label(e->action));
		if (e->step[0])
			strbuf_addf(&b, " · %s", e->step);
		if (e->on_behalf_of[0])
			strbuf_addf(&b, " · %s %s", _("on behalf of"),
				    approval_person(ui, e->on_behalf_of, name, sizeof(name)));
		if (handed) {
			char person[USER_LOGIN_MAX + 1];
			size_t n = strcspn(e->comment, "\n");
			snprintf(person, sizeof(person), "%.*s", (int)n, e->comment);
			strbuf_addf(&b, " → %s", approval_person(ui, person, name, sizeof(name)));
			note = e->comment[n] ? e->comment + n + 1 : "";
		}
		strbuf_addf(&b, "\n\n");
		/* the comment is Markdown: quoted, so its own headings and lists render inside */
		if (*note && strcmp(e->action, "escalate")) {
			for (const char *line = note; *line;) {
				int len = (int)strcspn(line, "\n");
				strbuf_addf(&b, "> %.*s\n", len, line);
				line += len + (line[len] == '\n');
			}
			strbuf_addf(&b, "\n");
		}
	}
	return b.s;
}

static const struct key_binding timeline_keys[] = {
	UI_LIST_KEYS(N_("Top"), N_("Bottom")),
};

static void *timeline_enter(struct ui *ui)
{
	struct md_view *v = xcalloc(1, sizeof(*v));

	(void)ui;
	v->text = timeline_text ? timeline_text : xstrdup("");
	timeline_text = NULL;
	return v;
}

static void timeline_leave(struct ui *ui, void *state)
{
	(void)ui;
	md_view_free(state);
}

static void timeline_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	md_view_draw(ui, state, top, left, rows, cols);
}

static int timeline_key(struct ui *ui, void *state, int op)
{
	(void)ui;
	return md_view_key(state, op);
}

const struct screen_ops screen_timeline = {
	.title = N_("Claim history"),
	.keys = timeline_keys,
	.nkeys = (int)ARRAY_SIZE(timeline_keys),
	.enter = timeline_enter,
	.leave = timeline_leave,
	.draw = timeline_draw,
	.key = timeline_key,
};

static int claim_key(struct ui *ui, void *state, int op)
{
	struct editor *ed = state;
	int idx = 0, n = nrows(ed);
	enum row_kind kind;
	char msg[BR_MSG_MAX];

	if (ed->broken)
		return op == OP_CLOSE ? UI_POP : 0;
	if (ui_list_key(&ed->list, op, n))
		return UI_REDRAW;
	kind = row_kind(ed, ed->list.sel, &idx);
	switch (op) {
	case OP_CLOSE: return close_editor(ui, ed);
	case OP_PREVIEW: ed->pane = ed->pane == PANE_PREVIEW ? PANE_CHECKS : PANE_PREVIEW; return UI_REDRAW;
	case OP_HISTORY: ed->pane = ed->pane == PANE_HISTORY ? PANE_CHECKS : PANE_HISTORY; return UI_REDRAW;
	case OP_TIMELINE:
		free(timeline_text);
		timeline_text = timeline_markdown(ui, ed);
		ui_push(ui, &screen_timeline);
		return UI_REDRAW;
	case OP_APPROVE: approver_act(ui, ed, TASK_APPROVE); return UI_REDRAW;
	case OP_REJECT: approver_act(ui, ed, TASK_REJECT); return UI_REDRAW;
	case OP_RETURN: approver_act(ui, ed, TASK_RETURN); return UI_REDRAW;
	case OP_WITHDRAW: {
		struct claim after;
		char ref[32];
		if (strcmp(ed->c.owner, ui->app->user->uid) || ed->c.status != CLAIM_SUBMITTED) {
			ui_message(ui, THEME_WARN, "%s", _("Only your own submitted claim can be withdrawn."));
			return UI_REDRAW;
		}
		claim_init(&after);
		snprintf(ref, sizeof(ref), "%lld", (long long)ed->c.id);
		if (service_claim_withdraw(ui->app, ref, &after, msg, sizeof(msg)))
			ui_message(ui, THEME_ERROR, "%s", msg);
		else
			ui_message(ui, THEME_OK, _("Withdrew %s; it is a draft again"), after.number);
		claim_release(&after);
		ui->data_version++;
		reload(ui, ed);
		return UI_REDRAW;
	}
	default: break;
	}
	if (!check_editable(ui, ed))
		return UI_REDRAW;
	switch (op) {
	case OP_EDIT:
		if (kind == ROW_TITLE) {
			char buf[CLAIM_TITLE_MAX * 4 + 1];
			str_copy(buf, ed->c.title, sizeof(buf));
			if (ui_prompt(ui, _("Claim title: "), buf, sizeof(buf))) {
				str_copy(ed->c.title, str_trim(buf), sizeof(ed->c.title));
				ed->dirty = true;
			}
		} else if (kind == ROW_FIELD) {
			edit_field(ui, ed, &ed->form->fields[idx]);
		} else if (kind == ROW_LINE) {
			struct claim_line l = ed->c.lines[idx];
			if (edit_line(ui, ed, &l, idx)) {
				ed->c.lines[idx] = l;
				ed->dirty = true;
			}
		} else {
			goto add;
		}
		break;
	case OP_ADD:
	add : {
		struct claim_line l;
		memset(&l, 0, sizeof(l));
		if (ed->c.nlines > 0)
			str_copy(l.date, ed->c.lines[ed->c.nlines - 1].date, sizeof(l.date));
		if (edit_line(ui, ed, &l, -1)) {
			if (!claim_add_line(&ed->c, &l))
				ui_message(ui, THEME_ERROR, _("A claim has at most %d lines."), CLAIM_MAX_LINES);
			ed->dirty = true;
			ed->list.sel = 1 + ed->form->nfields + ed->c.nlines - 1;
		}
		break;
	}
	case OP_COPY:
		if (kind != ROW_LINE) {
			ui_message(ui, THEME_WARN, "%s", _("Move to a line first."));
			break;
		}
		{
			struct claim_line l = ed->c.lines[idx];
			/* an invoice backs one line only */
			l.has_invoice = false;
			memset(&l.invoice, 0, sizeof(l.invoice));
			l.nattachments = 0;
			l.origin = 0;
			if (claim_add_line(&ed->c, &l)) {
				ed->dirty = true;
				ed->list.sel = 1 + ed->form->nfields + ed->c.nlines - 1;
			}
		}
		break;
	case OP_DELETE_LINE:
		if (kind != ROW_LINE) {
			ui_message(ui, THEME_WARN, "%s", _("Move to a line first."));
			break;
		}
		{
			char q[128];
			const char *what[1];
			snprintf(q, sizeof(q), _("Delete line %d? y/n"), idx + 1);
			what[0] = ed->c.lines[idx].description;
			if (ui_confirm(ui, _("Delete a line"), what, NULL, 1, q)) {
				claim_delete_line(&ed->c, idx);
				ed->dirty = true;
			}
		}
		break;
	case OP_INVOICE:
		if (kind != ROW_LINE) {
			ui_message(ui, THEME_WARN, "%s", _("Move to a line first."));
			break;
		}
		edit_invoice(ui, ed, &ed->c.lines[idx]);
		break;
	case OP_SAVE: save(ui, ed); break;
	case OP_SUBMIT: submit(ui, ed); return UI_REDRAW;
	case OP_DELETE_CLAIM: {
		const char *what[1] = { ed->c.title };
		char ref[32];
		if (ed->c.id == 0)
			return UI_POP;
		if (!ui_confirm(ui, _("Delete this draft"), what, NULL, 1, _("Delete the draft? y/n")))
			break;
		snprintf(ref, sizeof(ref), "%lld", (long long)ed->c.id);
		if (service_claim_delete(ui->app, ref, msg, sizeof(msg))) {
			ui_message(ui, THEME_ERROR, "%s", msg);
			break;
		}
		ui->data_version++;
		ui_message(ui, THEME_OK, _("Deleted draft %s"), ed->c.number);
		return UI_POP;
	}
	default: return 0;
	}
	if (ed->dirty)
		review(ui, ed);
	return UI_REDRAW;
}

const struct screen_ops screen_claim = {
	.title = N_("Claim"),
	.keys = claim_keys,
	.nkeys = (int)ARRAY_SIZE(claim_keys),
	.enter = claim_enter,
	.leave = claim_leave,
	.draw = claim_draw,
	.key = claim_key,
};
