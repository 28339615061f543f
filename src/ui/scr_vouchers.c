/*
 * scr_vouchers.c - "Vouchers & payments": the exporter's batches (with
 * their vouchers), the payment batches and the open advances, one view at
 * a time (Tab).  Finance, admins and auditors see it; finance and admins
 * run the exporter, write a batch again, pay the exported claims,
 * reconcile a bank statement and record advance repayments.  Everything
 * goes through the exporter and the service, which check and audit it.
 */
#include "screen.h"

#include "bursar/err.h"
#include "bursar/export.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_VIEW = 1, OP_OPEN, OP_EXPORT, OP_REPLAY, OP_PAY, OP_RECONCILE, OP_REPAY, OP_RELOAD };

static const struct key_binding vouchers_keys[] = {
	UI_LIST_KEYS(N_("First row"), N_("Last row")),
	{ OP_VIEW, { '\t', 0 }, "Tab", N_("Next view: batches, payments, advances"), N_("View") },
	{ OP_OPEN, { '\n', '\r', KEY_ENTER, 0 }, "Enter", N_("Show the selected batch's vouchers"), N_("Vouchers") },
	{ OP_EXPORT, { 'x', 0 }, "x", N_("Run the exporter now (finance, admins)"), NULL },
	{ OP_REPLAY,
	  { 'R', 0 },
	  "R",
	  N_("Write the selected batch again in every configured format (finance, admins)"),
	  NULL },
	{ OP_PAY, { 'p', 0 }, "p", N_("Pay every exported claim waiting (finance, admins)"), NULL },
	{ OP_RECONCILE, { 'c', 0 }, "c", N_("Reconcile a pasted bank statement (finance, admins)"), NULL },
	{ OP_REPAY, { 'r', 0 }, "r", N_("Record an advance repayment (finance, admins)"), NULL },
	{ OP_RELOAD, { 12, 0 }, "Ctrl-L", N_("Reload"), NULL },
};

enum view { VIEW_BATCHES, VIEW_PAYMENTS, VIEW_ADVANCES, VIEW_COUNT };

static const char *const view_titles[VIEW_COUNT] = { N_("Batches"), N_("Payments"), N_("Advances") };

struct vouchers_state {
	enum view view;
	struct export_batch_row *batches;
	int nbatches;
	struct payment_batch_row *pays;
	int npays;
	struct advance_list adv;
	struct ui_list list[VIEW_COUNT];
	bool manage;
	char *statement; /* the statement pasted last, offered again until it reconciles */
	unsigned version; /* ui->data_version when loaded */
};

/* ---- loading ---- */

static int add_batch(const struct export_batch_row *r, void *arg)
{
	struct vouchers_state *st = arg;

	st->batches = xrealloc(st->batches, sizeof(*st->batches) * (size_t)(st->nbatches + 1));
	st->batches[st->nbatches++] = *r;
	return 0;
}

static int add_payment(const struct payment_batch_row *r, void *arg)
{
	struct vouchers_state *st = arg;

	st->pays = xrealloc(st->pays, sizeof(*st->pays) * (size_t)(st->npays + 1));
	st->pays[st->npays++] = *r;
	return 0;
}

static void lists_free(struct vouchers_state *st)
{
	free(st->batches);
	free(st->pays);
	advance_list_release(&st->adv);
	st->batches = NULL;
	st->pays = NULL;
	st->nbatches = st->npays = 0;
	memset(&st->adv, 0, sizeof(st->adv));
}

/* Reads all three lists again; the selections stay where they were (clamped when drawn). */
static void load(struct ui *ui, struct vouchers_state *st)
{
	char msg[BR_MSG_MAX];
	int ret;

	lists_free(st);
	st->version = ui->data_version;
	if ((ret = store_export_batches(ui->app->store, 0, add_batch, st)))
		ui_message(ui, THEME_ERROR, _("Cannot read the export batches (%s)"), br_strerror(ret));
	if ((ret = store_payment_batches(ui->app->store, add_payment, st)))
		ui_message(ui, THEME_ERROR, _("Cannot read the payments (%s)"), br_strerror(ret));
	if (service_advance_list(ui->app, &st->adv, msg, sizeof(msg))) {
		memset(&st->adv, 0, sizeof(st->adv));
		ui_message(ui, THEME_ERROR, "%s", msg);
	}
}

static int view_rows(const struct vouchers_state *st, enum view v)
{
	switch (v) {
	case VIEW_BATCHES: return st->nbatches;
	case VIEW_PAYMENTS: return st->npays;
	default: return st->adv.n;
	}
}

/* The selected row of the current view, or -1 when it is empty. */
static int selected(const struct vouchers_state *st)
{
	int n = view_rows(st, st->view), s = st->list[st->view].sel;

	return n == 0 ? -1 : s < 0 ? 0 : s >= n ? n - 1 : s;
}

static void *vouchers_enter(struct ui *ui)
{
	struct vouchers_state *st = xcalloc(1, sizeof(*st));

	st->manage = service_budget_may_manage(ui->app);
	for (int i = 0; i < VIEW_COUNT; i++)
		st->list[i].page = 1;
	load(ui, st);
	return st;
}

static void vouchers_leave(struct ui *ui, void *state)
{
	struct vouchers_state *st = state;

	(void)ui;
	lists_free(st);
	free(st->statement);
	free(st);
}

/* ---- drawing ---- */

static int widest(int w, const char *text)
{
	int have = text_width(text);

	return have > w ? have : w;
}

static const char *payment_state(const struct payment_batch_row *p)
{
	return p->reconciled_at[0] ? _("reconciled") : p->nreconciled ? _("partly reconciled") : _("open");
}

/* "2026-11 记-0001 .. 记-0004": the last number without its period when both share it. */
static const char *numbers(const struct export_batch_row *b, char *out, size_t size)
{
	const char *sp = strchr(b->first, ' ');
	size_t n = sp ? (size_t)(sp - b->first) + 1 : 0;

	snprintf(out, size, "%s .. %s", b->first, n && !strncmp(b->first, b->last, n) ? b->last + n : b->last);
	return out;
}

static void draw_batches(struct ui *ui, struct vouchers_state *st, int top, int left, int rows, int cols)
{
	int wid = widest(0, _("Batch")), wtime = widest(11, _("Time")), wn = widest(0, _("Vouchers")), wnum, x;
	struct ui_list *l = &st->list[VIEW_BATCHES];
	char buf[256];

	for (int i = 0; i < st->nbatches; i++) {
		snprintf(buf, sizeof(buf), "%lld", (long long)st->batches[i].id);
		wid = widest(wid, buf);
	}
	/* the numbers keep what they need up to half the rest; the formats get what is left */
	wnum = widest(0, _("Numbers"));
	for (int i = 0; i < st->nbatches; i++)
		wnum = widest(wnum, numbers(&st->batches[i], buf, sizeof(buf)));
	if (wnum > (cols - wid - wtime - wn - 4) / 2 + 8)
		wnum = (cols - wid - wtime - wn - 4) / 2 + 8;
	x = ui_cell(ui, top, left, wid, _("Batch"), true, THEME_DIM);
	x = ui_cell(ui, top, x, wtime, _("Time"), false, THEME_DIM);
	x = ui_cell(ui, top, x, wn, _("Vouchers"), true, THEME_DIM);
	x = ui_cell(ui, top, x, wnum, _("Numbers"), false, THEME_DIM);
	ui_cell(ui, top, x, left + cols - x, _("Formats"), false, THEME_DIM);
	ui_list_clamp(st->nbatches, rows - 1, &l->sel, &l->scroll);
	for (int i = l->scroll; i < st->nbatches && i - l->scroll < rows - 1; i++) {
		const struct export_batch_row *b = &st->batches[i];
		int y = top + 1 + i - l->scroll, elem = i == l->sel ? THEME_SELECTED : THEME_NORMAL;
		char when[12];

		approval_time(b->created_at, when);
		snprintf(buf, sizeof(buf), "%lld", (long long)b->id);
		x = ui_cell(ui, y, left, wid, buf, true, elem);
		x = ui_cell(ui, y, x, wtime, when, false, elem);
		snprintf(buf, sizeof(buf), "%d", b->nvouchers);
		x = ui_cell(ui, y, x, wn, buf, true, elem);
		x = ui_cell(ui, y, x, wnum, numbers(b, buf, sizeof(buf)), false, elem);
		ui_cell(ui, y, x, left + cols - x, b->formats[0] ? b->formats : "-", false, elem);
	}
	if (st->nbatches == 0 && rows > 1)
		ui_text(ui, top + 1, left, cols, _("No batch yet: approved claims wait for the exporter (x)."), THEME_DIM,
			true);
}

static void draw_payments(struct ui *ui, struct vouchers_state *st, int top, int left, int rows, int cols)
{
	int wid = 10, wdate = widest(10, _("Date")), wtotal = widest(12, _("Total")), wn = widest(0, _("Claims"));
	int wstate = widest(widest(widest(widest(0, _("State")), _("reconciled")), _("partly reconciled")), _("open"));
	int flex, wref, wvou, x;
	struct ui_list *l = &st->list[VIEW_PAYMENTS];
	char buf[64];

	/* the reference and the voucher share what is left; a narrow screen drops the voucher (see Batches) */
	flex = cols - wid - wdate - wtotal - wn - wstate - 7;
	wvou = widest(1, _("Voucher"));
	for (int i = 0; i < st->npays; i++)
		wvou = widest(wvou, st->pays[i].voucher);
	if (wvou > flex / 2)
		wvou = flex / 2;
	if (flex < 28)
		wvou = 0;
	wref = wvou ? flex - wvou : flex + 1;
	x = ui_cell(ui, top, left, wid, _("Payment"), false, THEME_DIM);
	x = ui_cell(ui, top, x, wdate, _("Date"), false, THEME_DIM);
	x = ui_cell(ui, top, x, wref, _("Reference"), false, THEME_DIM);
	x = ui_cell(ui, top, x, wtotal, _("Total"), true, THEME_DIM);
	x = ui_cell(ui, top, x, wn, _("Claims"), true, THEME_DIM);
	x = ui_cell(ui, top, x, wvou, _("Voucher"), false, THEME_DIM);
	ui_cell(ui, top, x, left + cols - x, _("State"), false, THEME_DIM);
	ui_list_clamp(st->npays, rows - 1, &l->sel, &l->scroll);
	for (int i = l->scroll; i < st->npays && i - l->scroll < rows - 1; i++) {
		const struct payment_batch_row *p = &st->pays[i];
		int y = top + 1 + i - l->scroll, elem = i == l->sel ? THEME_SELECTED : THEME_NORMAL;

		snprintf(buf, sizeof(buf), "PAY-%06lld", (long long)p->id);
		x = ui_cell(ui, y, left, wid, buf, false, elem);
		x = ui_cell(ui, y, x, wdate, p->date, false, elem);
		x = ui_cell(ui, y, x, wref, p->ref, false, elem);
		x = ui_cell(ui, y, x, wtotal, money_format(p->total, buf, sizeof(buf), MONEY_GROUP), true, elem);
		snprintf(buf, sizeof(buf), "%d", p->npayments);
		x = ui_cell(ui, y, x, wn, buf, true, elem);
		x = ui_cell(ui, y, x, wvou, p->voucher[0] ? p->voucher : "-", false, elem);
		ui_cell(ui, y, x, left + cols - x, payment_state(p), false,
		        i == l->sel ? elem : p->reconciled_at[0] ? THEME_OK : THEME_NORMAL);
	}
	if (st->npays == 0 && rows > 1)
		ui_text(ui, top + 1, left, cols, _("No payment yet: exported claims wait to be paid (p)."), THEME_DIM,
			true);
}

static void draw_advances(struct ui *ui, struct vouchers_state *st, int top, int left, int rows, int cols)
{
	static const char *const heads[4] = { N_("Advanced"), N_("Claimed"), N_("Returned"), N_("Open") };
	struct ui_list *l = &st->list[VIEW_ADVANCES];
	int wm = 12, x;
	char buf[400];

	for (int k = 0; k < 4; k++)
		wm = widest(wm, _(heads[k]));
	x = ui_cell(ui, top, left, cols - 4 * (wm + 1) - 1, _("Employee"), false, THEME_DIM);
	for (int k = 0; k < 4; k++)
		x = ui_cell(ui, top, x, wm, _(heads[k]), true, THEME_DIM);
	ui_list_clamp(st->adv.n, rows - 1, &l->sel, &l->scroll);
	for (int i = l->scroll; i < st->adv.n && i - l->scroll < rows - 1; i++) {
		const struct advance_balance *b = &st->adv.v[i];
		int64_t v[4] = { b->advanced, b->claimed, b->returned, b->advanced - b->claimed - b->returned };
		int y = top + 1 + i - l->scroll, elem = i == l->sel ? THEME_SELECTED : THEME_NORMAL;

		snprintf(buf, sizeof(buf), "%s %s", b->employee, b->name);
		x = ui_cell(ui, y, left, cols - 4 * (wm + 1) - 1, buf, false, elem);
		for (int k = 0; k < 4; k++)
			x = ui_cell(ui, y, x, wm, money_format(v[k], buf, sizeof(buf), MONEY_GROUP), true, elem);
	}
	if (st->adv.n == 0 && rows > 1)
		ui_text(ui, top + 1, left, cols, _("No advances."), THEME_DIM, true);
}

static void vouchers_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct vouchers_state *st = state;
	char line[256];
	int x = left;

	if (ui->data_version != st->version)
		load(ui, st);
	if (rows < 4 || cols < 20)
		return;
	/* the views as tabs, the current one highlighted */
	for (int v = 0; v < VIEW_COUNT && x < left + cols; v++) {
		snprintf(line, sizeof(line), " %s ", _(view_titles[v]));
		ui_text(ui, top, x, left + cols - x, line, v == (int)st->view ? THEME_SELECTED : THEME_DIM, false);
		x += text_width(line) + 1;
	}
	st->list[st->view].page = rows - 4 > 1 ? rows - 4 : 1;
	switch (st->view) {
	case VIEW_BATCHES: draw_batches(ui, st, top + 2, left, rows - 3, cols); break;
	case VIEW_PAYMENTS: draw_payments(ui, st, top + 2, left, rows - 3, cols); break;
	default: draw_advances(ui, st, top + 2, left, rows - 3, cols); break;
	}
	snprintf(line, sizeof(line), _("%d batch(es), %d payment(s), %d advance(s); Tab: next view"), st->nbatches,
		 st->npays, st->adv.n);
	if (!st->manage)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "  %s", _("(read only)"));
	ui_text(ui, top + rows - 1, left, cols, line, THEME_DIM, true);
}

/* ---- a batch's vouchers ---- */

/* Lines of text shown in a notice; each owned. */
struct lines {
	char **v;
	int *elems;
	int n;
};

static void lines_add(struct lines *ls, int elem, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void lines_add(struct lines *ls, int elem, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	text_sanitize(buf);
	ls->v = xrealloc(ls->v, sizeof(*ls->v) * (size_t)(ls->n + 1));
	ls->elems = xrealloc(ls->elems, sizeof(*ls->elems) * (size_t)(ls->n + 1));
	ls->v[ls->n] = xstrdup(buf);
	ls->elems[ls->n++] = elem;
}

static void lines_show(struct ui *ui, const char *title, struct lines *ls)
{
	ui_notice(ui, title, (const char *const *)ls->v, ls->elems, ls->n);
	for (int i = 0; i < ls->n; i++)
		free(ls->v[i]);
	free(ls->v);
	free(ls->elems);
	memset(ls, 0, sizeof(*ls));
}

static void show_batch(struct ui *ui, struct vouchers_state *st)
{
	struct voucher_settings set;
	struct voucher *vs = NULL;
	struct lines ls = { 0 };
	char created[32], when[12], title[256];
	int s = selected(st), n = 0, ret;
	int64_t id;

	if (st->view != VIEW_BATCHES) {
		ui_message(ui, THEME_WARN, "%s", _("Enter shows a batch's vouchers: press Tab for the batches."));
		return;
	}
	if (s < 0) {
		ui_message(ui, THEME_WARN, "%s", _("No batch yet."));
		return;
	}
	id = st->batches[s].id;
	if ((ret = store_export_load(ui->app->store, id, created, &set, &vs, &n))) {
		ui_message(ui, THEME_ERROR, _("Cannot read batch %lld (%s)"), (long long)id, br_strerror(ret));
		return;
	}
	for (int i = 0; i < n; i++) {
		char label[64];
		voucher_label(&vs[i], label, sizeof(label));
		if (i)
			lines_add(&ls, THEME_NORMAL, "%s", "");
		lines_add(&ls, THEME_TITLE, "%s %s  %s  %s", vs[i].period, label, vs[i].claim, vs[i].summary);
		for (int k = 0; k < vs[i].nlines; k++) {
			const struct voucher_line *l = &vs[i].lines[k];
			char name[128], d[32], c[32];
			text_fit(name, sizeof(name), l->account_name, 24, 1, 1);
			lines_add(&ls, THEME_NORMAL, "  %-10s %s %14s %14s", l->account, name,
				  l->debit ? money_format(l->debit, d, sizeof(d), MONEY_GROUP) : "",
				  l->credit ? money_format(l->credit, c, sizeof(c), MONEY_GROUP) : "");
		}
	}
	store_vouchers_free(vs, n);
	approval_time(created, when);
	snprintf(title, sizeof(title), _("Batch %lld, %s, %d voucher(s)"), (long long)id, when, n);
	lines_show(ui, title, &ls);
}

/* ---- changes (finance and admins) ---- */

static bool may_manage(struct ui *ui, const struct vouchers_state *st)
{
	if (!st->manage)
		ui_message(ui, THEME_WARN, "%s", _("Only finance and admins can do this."));
	return st->manage;
}

/* After a change: every screen reads again, this one on the view that shows it, newest first. */
static void changed(struct ui *ui, struct vouchers_state *st, enum view v)
{
	ui->data_version++;
	load(ui, st);
	st->view = v;
	st->list[v].sel = st->list[v].scroll = 0;
}

static void run_export(struct ui *ui, struct vouchers_state *st)
{
	struct export_report r;
	char msg[BR_MSG_MAX];

	if (!may_manage(ui, st))
		return;
	memset(&r, 0, sizeof(r));
	if (export_run(ui->app->cfg, ui->app->store, NULL, ui->app->user->uid, &r, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return;
	}
	changed(ui, st, VIEW_BATCHES);
	if (r.skipped)
		ui_message(ui, THEME_WARN,
			   _("Exported %d voucher(s) in %d batch(es), %d file(s) written; %d approved claim(s) left: %s"),
			   r.vouchers, r.batches, r.files, r.skipped, r.skipped_msg);
	else
		ui_message(ui, THEME_OK, _("Exported %d voucher(s) in %d batch(es), %d file(s) written"), r.vouchers,
			   r.batches, r.files);
}

static void replay(struct ui *ui, struct vouchers_state *st)
{
	const struct export_format *fmts[16];
	struct lines ls = { 0 };
	char msg[BR_MSG_MAX], title[128];
	int s = selected(st), nf, failed = 0;
	int64_t id;

	if (!may_manage(ui, st))
		return;
	if (st->view != VIEW_BATCHES || s < 0) {
		ui_message(ui, THEME_WARN, "%s", _("Select a batch first (Tab to the batches)."));
		return;
	}
	id = st->batches[s].id;
	if ((nf = export_formats_parse(ui->app->cfg->export_.formats, fmts, 16, msg, sizeof(msg))) < 0) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return;
	}
	/* the SHA-256 on a line of its own: 64 digits fit an 80-column notice only alone */
	for (int i = 0; i < nf; i++) {
		char sha[65];
		lines_add(&ls, THEME_TITLE, "%s", fmts[i]->name);
		if (export_replay(ui->app->cfg, ui->app->store, id, fmts[i], sha, msg, sizeof(msg))) {
			lines_add(&ls, THEME_ERROR, "%s", msg);
			failed++;
		} else
			lines_add(&ls, THEME_NORMAL, "sha256 %s", sha);
	}
	snprintf(title, sizeof(title), _("Batch %lld written again in %d of %d format(s)"), (long long)id,
		 nf - failed, nf);
	lines_show(ui, title, &ls);
	load(ui, st);
}

static void pay(struct ui *ui, struct vouchers_state *st)
{
	struct claim_summary *list = NULL;
	struct payment_result r;
	struct lines ls = { 0 };
	char ref[128] = "", date[11], question[256], total[32], msg[BR_MSG_MAX], **refs = NULL;
	int n = 0;
	int64_t sum = 0;

	if (!may_manage(ui, st))
		return;
	if (service_exported_claims(ui->app, &list, &n)) {
		ui_message(ui, THEME_ERROR, "%s", _("Cannot read the exported claims."));
		return;
	}
	if (n == 0) {
		ui_message(ui, THEME_WARN, "%s", _("No exported claim waits for payment."));
		goto out;
	}
	for (int i = 0; i < n; i++) {
		char a[32];
		sum += list[i].total;
		lines_add(&ls, THEME_NORMAL, "%-16s %-12s %14s  %s", list[i].number, list[i].owner,
			  money_format(list[i].total, a, sizeof(a), MONEY_GROUP), list[i].voucher);
	}
	snprintf(question, sizeof(question), _("Pay these %d claim(s), %s in all? (y/n)"), n,
		 money_format(sum, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL));
	if (!ui_confirm(ui, _("Pay the exported claims"), (const char *const *)ls.v, ls.elems, ls.n, question))
		goto out;
	for (;;) {
		if (!ui_prompt(ui, _("Bank reference: "), ref, sizeof(ref)))
			goto out;
		str_trim(ref);
		if (ref[0])
			break;
	}
	date_today(date);
	if (!ui_prompt(ui, _("Payment date (YYYY-MM-DD): "), date, sizeof(date)))
		goto out;
	str_trim(date);
	/* exactly the claims confirmed, not whatever was exported meanwhile */
	refs = xcalloc((size_t)n, sizeof(*refs));
	for (int i = 0; i < n; i++)
		refs[i] = list[i].number;
	memset(&r, 0, sizeof(r));
	if (service_payment_create(ui->app, refs, n, false, ref, date, &r, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		goto out;
	}
	changed(ui, st, VIEW_PAYMENTS);
	text_sanitize(ref);
	ui_message(ui, THEME_OK, _("Payment PAY-%06lld: %d claim(s), %s, reference %s"), (long long)r.batch,
		   r.npayments, money_format(r.total, total, sizeof(total), MONEY_GROUP), ref);
out:
	for (int i = 0; i < ls.n; i++)
		free(ls.v[i]);
	free(ls.v);
	free(ls.elems);
	free(refs);
	free(list);
}

#define STATEMENT_MAX (1024 * 1024)

static void reconcile(struct ui *ui, struct vouchers_state *st)
{
	struct reconcile_report r;
	struct lines ls = { 0 };
	char *text, msg[BR_MSG_MAX], a[32];
	int ret;

	if (!may_manage(ui, st))
		return;
	memset(&r, 0, sizeof(r));
	text = xstrdup(st->statement ? st->statement : "date,amount,reference\n");
	if (!ui_textarea(ui, _("Bank statement: paste CSV, then Ctrl-D"), &text, STATEMENT_MAX))
		goto out;
	free(st->statement);
	st->statement = xstrdup(text);
	ret = service_reconcile(ui->app, text, strlen(text), &r, msg, sizeof(msg));
	if (ret) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		goto out;
	}
	lines_add(&ls, r.matched == r.lines ? THEME_OK : THEME_WARN, _("%d of %d statement line(s) matched"),
		  r.matched, r.lines);
	for (int i = 0; i < r.nitems; i++) {
		const struct statement_item *it = &r.items[i];
		money_format(it->amount, a, sizeof(a), MONEY_GROUP);
		if (it->matched)
			lines_add(&ls, THEME_OK, _("matched: row %d %s %s %s -> %s"), it->row, it->date, a, it->reference,
				  it->what);
		else
			lines_add(&ls, THEME_WARN, _("not matched: row %d (line %d) %s %s %s%s%s"), it->row, it->line,
				  it->date, a, it->reference, it->problem[0] ? ": " : "", it->problem);
	}
	for (int i = 0; i < r.nopen; i++)
		lines_add(&ls, THEME_DIM, _("payment not on the statement: %s %s %s"), r.open[i].ref, r.open[i].date,
			  money_format(r.open[i].amount, a, sizeof(a), MONEY_GROUP));
	free(st->statement);
	st->statement = NULL;
	lines_show(ui, _("Reconciliation"), &ls);
	changed(ui, st, VIEW_PAYMENTS);
out:
	reconcile_report_release(&r);
	free(text);
}

static void repay(struct ui *ui, struct vouchers_state *st)
{
	char person[USER_LOGIN_MAX + 1] = "", amount[32] = "", ref[128] = "", date[11], prompt[300],
					  msg[BR_MSG_MAX], left[32];
	int s = selected(st);
	int64_t open = 0;

	if (!may_manage(ui, st))
		return;
	if (st->view == VIEW_ADVANCES && s >= 0)
		str_copy(person, st->adv.v[s].employee, sizeof(person));
	if (!ui_prompt(ui, _("Repayment by (user name): "), person, sizeof(person)))
		return;
	str_trim(person);
	snprintf(prompt, sizeof(prompt), _("Amount %s paid back: "), person);
	text_sanitize(prompt);
	if (!ui_prompt(ui, prompt, amount, sizeof(amount)))
		return;
	if (!ui_prompt(ui, _("Bank reference: "), ref, sizeof(ref)))
		return;
	str_trim(ref);
	date_today(date);
	if (service_advance_repay(ui->app, person, amount, ref, date, &open, msg, sizeof(msg))) {
		ui_message(ui, THEME_ERROR, "%s", msg);
		return;
	}
	changed(ui, st, VIEW_ADVANCES);
	text_sanitize(person);
	ui_message(ui, THEME_OK, _("Repayment recorded; %s has %s open"), person,
		   money_format(open, left, sizeof(left), MONEY_GROUP));
}

static int vouchers_key(struct ui *ui, void *state, int op)
{
	struct vouchers_state *st = state;

	if (ui_list_key(&st->list[st->view], op, view_rows(st, st->view)))
		return UI_REDRAW;
	switch (op) {
	case OP_VIEW: st->view = (st->view + 1) % VIEW_COUNT; break;
	case OP_OPEN: show_batch(ui, st); break;
	case OP_EXPORT: run_export(ui, st); break;
	case OP_REPLAY: replay(ui, st); break;
	case OP_PAY: pay(ui, st); break;
	case OP_RECONCILE: reconcile(ui, st); break;
	case OP_REPAY: repay(ui, st); break;
	case OP_RELOAD: load(ui, st); break;
	default: return 0;
	}
	return UI_REDRAW;
}

const struct screen_ops screen_vouchers = {
	.title = N_("Vouchers & payments"),
	.keys = vouchers_keys,
	.nkeys = (int)ARRAY_SIZE(vouchers_keys),
	.enter = vouchers_enter,
	.leave = vouchers_leave,
	.draw = vouchers_draw,
	.key = vouchers_key,
};
