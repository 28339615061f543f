/*
 * ledger.c - the ledger use cases: which ledgers a person sees and may
 * change, browsing with filters, saving with version checks, history and
 * rollback, CSV import (all or nothing) and CSV/xlsx export, reminders.
 */
#include "bursar/service.h"
#include "internal.h"
#include "bursar/csv.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/log.h"
#include "bursar/money.h"
#include "bursar/role.h"
#include "bursar/sheet.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LEDGER_ERRS 8192
#define IMPORT_MAX_ROWS 100000

int service_ledgers_load(struct app *app, struct ledger_set *set)
{
	char dir[4096], *errs = xcalloc(1, LEDGER_ERRS);

	snprintf(dir, sizeof(dir), "%s/ledgers", app->forms_dir);
	if (ledger_set_load(set, dir, errs, LEDGER_ERRS) > 0)
		for (char *save = NULL, *l = strtok_r(errs, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			log_event("ledger template left out: %s", l);
	free(errs);
	for (int i = 0; i < set->n; i++)
		if (store_ledger_ensure(app->store, &set->items[i])) {
			/* left out rather than served over a table it does not fit */
			log_event("ledger template left out: %s: its table cannot hold it", set->items[i].id);
			ledger_template_release(&set->items[i]);
			memmove(&set->items[i], &set->items[i + 1], (size_t)(set->n - i - 1) * sizeof(*set->items));
			set->n--;
			i--;
		}
	return BR_OK;
}

int service_ledgers_visible(struct app *app, const struct ledger_set *set, const struct ledger_template **out,
			    int max)
{
	int n = 0;

	for (int i = 0; i < set->n && n < max; i++)
		if (ledger_can_view(&set->items[i], app->user->roles))
			out[n++] = &set->items[i];
	return n;
}

bool service_ledger_can_edit(struct app *app, const struct ledger_template *t)
{
	return ledger_can_edit(t, app->user->roles);
}

int service_ledger_find(struct app *app, const struct ledger_set *set, const char *name,
			const struct ledger_template **t, char *msg, size_t size)
{
	if (!(*t = ledger_set_find(set, name)))
		return service_fail(BR_ERR_NOT_FOUND, msg, size, _("there is no ledger `%s` (see: ledger list)"), name);
	if (!ledger_can_view(*t, app->user->roles))
		return service_fail(BR_ERR_DENIED, msg, size, _("you may not view the ledger %s"),
				    ledger_title(*t, app_language(app)));
	return BR_OK;
}

static int need_view(struct app *app, const struct ledger_template *t, char *msg, size_t size)
{
	if (!ledger_can_view(t, app->user->roles))
		return service_fail(BR_ERR_DENIED, msg, size, _("you may not view the ledger %s"),
				    ledger_title(t, app_language(app)));
	return BR_OK;
}

static int need_edit(struct app *app, const struct ledger_template *t, char *msg, size_t size)
{
	if (t->builtin)
		return service_fail(BR_ERR_DENIED, msg, size,
				    _("%s is kept by the system and is read-only"), ledger_title(t, app_language(app)));
	if (!ledger_can_edit(t, app->user->roles))
		return service_fail(BR_ERR_DENIED, msg, size, _("you may not change the ledger %s"),
				    ledger_title(t, app_language(app)));
	return BR_OK;
}

static int store_fail(int ret, char *msg, size_t size)
{
	if (ret == BR_ERR_STORE)
		return service_fail(ret, msg, size, _("the database could not do it; nothing was changed"));
	return ret;
}

int service_ledger_query(struct app *app, const struct ledger_template *t, const char *filter,
			 struct ledger_bound_cond *conds, struct ledger_query *q, char *msg, size_t size)
{
	struct ledger_filter f;
	int n = 0, ret;

	if ((ret = need_view(app, t, msg, size)))
		return ret;
	if ((ret = ledger_filter_parse(filter ? filter : "", &f, msg, size)) ||
	    (ret = ledger_filter_bind(t, &f, conds, &n, app_language(app), msg, size)))
		return ret;
	q->t = t;
	q->conds = conds;
	q->nconds = n;
	return BR_OK;
}

int service_ledger_page(struct app *app, const struct ledger_query *q, store_ledger_cb cb, void *arg, char *msg,
			size_t size)
{
	int ret = need_view(app, q->t, msg, size);

	return ret ? ret : store_fail(store_ledger_page(app->store, q, cb, arg), msg, size);
}

int service_ledger_count(struct app *app, const struct ledger_query *q, int64_t *n, char *msg, size_t size)
{
	int ret = need_view(app, q->t, msg, size);

	return ret ? ret : store_fail(store_ledger_count(app->store, q, n), msg, size);
}

int service_ledger_get(struct app *app, const struct ledger_template *t, int64_t id, struct ledger_record *r,
		       char *msg, size_t size)
{
	int ret;

	if ((ret = need_view(app, t, msg, size)))
		return ret;
	if ((ret = store_ledger_get(app->store, t, id, r)) == BR_ERR_NOT_FOUND)
		return service_fail(ret, msg, size, _("%s has no record %lld"), ledger_title(t, app_language(app)),
				    (long long)id);
	return store_fail(ret, msg, size);
}

/* Checks and makes canonical every value; a reference must name a live record. */
static int record_check(struct app *app, const struct ledger_template *t, struct ledger_record *r, char *msg,
			size_t size)
{
	const char *lang = app_language(app);
	int ret;

	struct ledger_set set = { 0 };
	bool loaded = false;

	if ((ret = ledger_record_check(t, r, lang, msg, size, NULL)))
		return ret;
	for (int i = 0; i < t->nfields && ret == BR_OK; i++) {
		const struct form_field *f = &t->fields[i];
		const struct ledger_template *ref;
		if (f->type != FIELD_REFERENCE || !r->values[i][0])
			continue;
		if (!loaded) {
			char dir[4096];
			snprintf(dir, sizeof(dir), "%s/ledgers", app->forms_dir);
			ledger_set_load(&set, dir, NULL, 0);
			loaded = true;
		}
		/* the same answer whether the record is missing or out of sight: nothing to probe */
		if (!(ref = ledger_set_find(&set, f->ref)) || !ledger_can_view(ref, app->user->roles) ||
		    store_ledger_exists(app->store, f->ref, strtoll(r->values[i], NULL, 10)))
			ret = service_fail(BR_ERR_INVALID, msg, size, _("%s: %s has no record %s you may see"),
					   form_field_label(f, lang), f->ref, r->values[i]);
	}
	if (loaded)
		ledger_set_release(&set);
	return ret;
}

static int conflict_message(struct app *app, const struct ledger_template *t, const struct ledger_conflict *c,
			    char *msg, size_t size)
{
	const struct ledger_version *v = c->nnewer ? &c->newer[c->nnewer - 1] : NULL;

	(void)app;
	(void)t;
	if (!v)
		return service_fail(BR_ERR_CONFLICT, msg, size, _("the record changed meanwhile (now version %d)"),
				    c->version);
	return service_fail(BR_ERR_CONFLICT, msg, size,
			    _("%s saved version %d at %s first; your changes are kept but not saved"), v->actor,
			    c->version, v->ts);
}

/*
 * An attachment field holds only a file stored by service_ledger_attach():
 * a save may keep or empty it, never point it at another stored file
 * (whose hash could come from anyone's claim).
 */
static int attachments_kept(struct app *app, const struct ledger_template *t, const struct ledger_record *r, char *msg,
			    size_t size)
{
	struct ledger_record cur;
	int ret = BR_OK;

	ledger_record_init(&cur, t);
	if (r->id && store_ledger_get(app->store, t, r->id, &cur))
		goto out;
	for (int i = 0; i < t->nfields && ret == BR_OK; i++)
		if (t->fields[i].type == FIELD_ATTACHMENT && r->values[i][0] && strcmp(r->values[i], cur.values[i]))
			ret = service_fail(BR_ERR_INVALID, msg, size,
					   _("%s holds a stored file; attach one (ledger attach) instead of typing it"),
					   form_field_label(&t->fields[i], app_language(app)));
out:
	ledger_record_release(&cur);
	return ret;
}

static int ledger_save(struct app *app, const struct ledger_template *t, struct ledger_record *r,
		       struct ledger_conflict *c, bool files_checked, char *msg, size_t size);

int service_ledger_save(struct app *app, const struct ledger_template *t, struct ledger_record *r,
			struct ledger_conflict *c, char *msg, size_t size)
{
	return ledger_save(app, t, r, c, false, msg, size);
}

static int ledger_save(struct app *app, const struct ledger_template *t, struct ledger_record *r,
		       struct ledger_conflict *c, bool files_checked, char *msg, size_t size)
{
	int ret;

	if ((ret = need_edit(app, t, msg, size)) || (ret = record_check(app, t, r, msg, size)) ||
	    (!files_checked && (ret = attachments_kept(app, t, r, msg, size))))
		return ret;
	if (!r->id)
		return store_fail(store_ledger_add(app->store, t, r, app->user->uid, "add"), msg, size);
	ret = store_ledger_update(app->store, t, r, app->user->uid, "edit", "", c);
	if (ret == BR_ERR_CONFLICT && c)
		return conflict_message(app, t, c, msg, size);
	if (ret == BR_ERR_INVALID)
		return service_fail(ret, msg, size, _("record %lld is deleted; restore it before changing it"),
				    (long long)r->id);
	if (ret == BR_ERR_CONFLICT)
		return service_fail(ret, msg, size, _("the record changed meanwhile; read it again"));
	if (ret == BR_ERR_NOT_FOUND)
		return service_fail(ret, msg, size, _("%s has no record %lld"), ledger_title(t, app_language(app)),
				    (long long)r->id);
	return store_fail(ret, msg, size);
}

int service_ledger_delete(struct app *app, const struct ledger_template *t, int64_t id, int version, bool restore,
			  struct ledger_conflict *c, char *msg, size_t size)
{
	int ret;

	if ((ret = need_edit(app, t, msg, size)))
		return ret;
	ret = store_ledger_delete(app->store, t, id, version, restore, app->user->uid, c);
	if (ret == BR_ERR_CONFLICT && c)
		return conflict_message(app, t, c, msg, size);
	if (ret == BR_ERR_INVALID)
		return service_fail(ret, msg, size, restore ? _("record %lld is not deleted") : _("record %lld is already deleted"),
				    (long long)id);
	if (ret == BR_ERR_NOT_FOUND)
		return service_fail(ret, msg, size, _("%s has no record %lld"), ledger_title(t, app_language(app)),
				    (long long)id);
	return store_fail(ret, msg, size);
}

int service_ledger_history(struct app *app, const struct ledger_template *t, int64_t id, struct ledger_version **v,
			   int *n, char *msg, size_t size)
{
	int ret;

	*v = NULL;
	*n = 0;
	if ((ret = need_view(app, t, msg, size)))
		return ret;
	if (t->builtin)
		return service_fail(BR_ERR_INVALID, msg, size,
				    _("%s is kept by the system: see the claim's or invoice's own history"),
				    ledger_title(t, app_language(app)));
	if ((ret = store_ledger_history(app->store, t, id, v, n))) {
		ledger_versions_release(*v, *n);
		*v = NULL;
		*n = 0;
		return store_fail(ret, msg, size);
	}
	if (!*n)
		return service_fail(BR_ERR_NOT_FOUND, msg, size, _("%s has no record %lld"),
				    ledger_title(t, app_language(app)), (long long)id);
	return BR_OK;
}

int service_ledger_rollback(struct app *app, const struct ledger_template *t, int64_t id, int version,
			    struct ledger_record *out, char *msg, size_t size)
{
	struct ledger_record old;
	char note[64];
	int ret;

	if ((ret = need_edit(app, t, msg, size)))
		return ret;
	ledger_record_init(&old, t);
	if ((ret = store_ledger_get(app->store, t, id, out))) {
		ret = ret == BR_ERR_NOT_FOUND ? service_fail(ret, msg, size, _("%s has no record %lld"),
							     ledger_title(t, app_language(app)), (long long)id)
					      : store_fail(ret, msg, size);
		goto out;
	}
	if ((ret = store_ledger_at(app->store, t, id, version, &old))) {
		ret = ret == BR_ERR_NOT_FOUND
			      ? service_fail(ret, msg, size, _("record %lld has no version %d"), (long long)id, version)
			      : store_fail(ret, msg, size);
		goto out;
	}
	if (version >= out->version) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("version %d is the record as it is now"), version);
		goto out;
	}
	for (int i = 0; i < t->nfields; i++)
		ledger_record_set(out, i, old.values[i]);
	/* the template or the referenced records may have changed since: the old values must still hold */
	if ((ret = record_check(app, t, out, msg, size))) {
		char why[BR_MSG_MAX];
		str_copy(why, msg, sizeof(why));
		ret = service_fail(ret, msg, size, _("version %d cannot come back as it was: %s"), version, why);
		goto out;
	}
	snprintf(note, sizeof(note), "to version %d", version);
	ret = store_ledger_update(app->store, t, out, app->user->uid, "rollback", note, NULL);
	if (ret == BR_ERR_CONFLICT)
		ret = service_fail(ret, msg, size, _("the record changed meanwhile; try again"));
	else if (ret == BR_ERR_INVALID)
		ret = service_fail(ret, msg, size, _("record %lld is deleted; restore it before changing it"),
				   (long long)id);
	else
		ret = store_fail(ret, msg, size);
out:
	ledger_record_release(&old);
	return ret;
}

/* ---- import ---- */

static void problem_add(struct ledger_import *r, int row, int line, const char *column, const char *message)
{
	service_problem_add(&r->problems, &r->nproblems, row, line, column, message);
}

/* The record number and version columns an export writes first. */
static bool export_column(const char *name)
{
	static const char *const names[] = { "id", "No.", "version", "编号", "版本" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(name, names[i]))
			return true;
	return !strcmp(name, _("No.")) || !strcmp(name, _("Version"));
}

int service_ledger_import(struct app *app, const struct ledger_template *t, const char *data, size_t len,
			  struct ledger_import *r, char *msg, size_t size)
{
	const char *lang = app_language(app);
	struct csv_table tab = { 0 };
	struct ledger_record *recs = NULL;
	int col[FORM_MAX_FIELDS * 2], ncols, ret, failed = -1, nrecs = 0;
	bool seen[FORM_MAX_FIELDS] = { false };

	memset(r, 0, sizeof(*r));
	if ((ret = need_edit(app, t, msg, size)))
		return ret;
	if ((ret = csv_table_parse(data, len, &tab, msg, size)))
		return ret;
	if (tab.nrows < 2 || tab.nrows > IMPORT_MAX_ROWS + 1) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("expected a header row and 1 to %d records"),
				   IMPORT_MAX_ROWS);
		goto out;
	}
	ncols = tab.rows[0].nfields;
	if (ncols > (int)(sizeof(col) / sizeof(col[0]))) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("the header has %d columns, more than the ledger has"),
				   ncols);
		goto out;
	}
	for (int c = 0; c < ncols; c++) {
		char *name = str_trim(tab.rows[0].fields[c]);
		if ((col[c] = ledger_field_find(t, name)) < 0 && export_column(name))
			continue; /* a file this ledger exported: the numbers are the database's to give */
		if (col[c] < 0) {
			char m[BR_MSG_MAX];
			snprintf(m, sizeof(m), _("unknown column `%s` in the header"), name);
			problem_add(r, 0, tab.rows[0].line, name, m);
		} else if (seen[col[c]]) {
			problem_add(r, 0, tab.rows[0].line, name, _("this column appears twice"));
		} else {
			seen[col[c]] = true;
		}
	}
	for (int i = 0; i < t->nfields; i++)
		if (t->fields[i].required && !seen[i]) {
			char m[BR_MSG_MAX];
			snprintf(m, sizeof(m), _("the header lacks the required column %s"),
				 form_field_label(&t->fields[i], lang));
			problem_add(r, 0, tab.rows[0].line, t->fields[i].name, m);
		}
	if (r->nproblems) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("nothing imported: the header has problems"));
		goto out;
	}
	r->rows = tab.nrows - 1;
	recs = xcalloc((size_t)r->rows, sizeof(*recs));
	for (int i = 1; i < tab.nrows; i++) {
		const struct csv_row *row = &tab.rows[i];
		struct ledger_record *rec = &recs[nrecs++];
		char m[BR_MSG_MAX], canon[LEDGER_VALUE_BYTES];
		ledger_record_init(rec, t);
		if (row->nfields != ncols) {
			snprintf(m, sizeof(m), _("%d columns, the header has %d"), row->nfields, ncols);
			problem_add(r, i, row->line, NULL, m);
			continue;
		}
		for (int c = 0; c < ncols; c++)
			ledger_record_set(rec, col[c], str_trim(row->fields[c]));
		for (int f = 0; f < t->nfields; f++) {
			if (ledger_value_check(&t->fields[f], rec->values[f], canon, sizeof(canon), lang, m, sizeof(m))) {
				problem_add(r, i, row->line, form_field_label(&t->fields[f], lang), m);
				continue;
			}
			ledger_record_set(rec, f, canon);
			if (t->fields[f].type == FIELD_ATTACHMENT && canon[0])
				problem_add(r, i, row->line, form_field_label(&t->fields[f], lang),
					    _("files are attached one by one (ledger attach), not imported"));
			if (t->fields[f].type == FIELD_REFERENCE && canon[0] &&
			    store_ledger_exists(app->store, t->fields[f].ref, strtoll(canon, NULL, 10))) {
				snprintf(m, sizeof(m), _("%s has no record %s"), t->fields[f].ref, canon);
				problem_add(r, i, row->line, form_field_label(&t->fields[f], lang), m);
			}
		}
	}
	if (r->nproblems) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("nothing imported: %d problem(s) in %d rows"),
				   r->nproblems, r->rows);
		goto out;
	}
	if ((ret = store_ledger_import(app->store, t, recs, nrecs, app->user->uid, &failed))) {
		if (failed >= 0)
			problem_add(r, failed + 1, tab.rows[failed + 1].line, NULL, _("the database refused this row"));
		ret = store_fail(ret, msg, size);
		goto out;
	}
	r->added = nrecs;
out:
	for (int i = 0; i < nrecs; i++)
		ledger_record_release(&recs[i]);
	free(recs);
	csv_table_free(&tab);
	return ret;
}

void ledger_import_release(struct ledger_import *r)
{
	free(r->problems);
	r->problems = NULL;
	r->nproblems = 0;
}

/* ---- export ---- */

struct export_state {
	struct sheet *sheet;
	const struct ledger_template *t;
	struct ledger_query q;
	int64_t rows;
	int last;
	int ret;
};

static int export_row(const struct ledger_record *r, void *arg)
{
	struct export_state *e = arg;
	const char *cells[FORM_MAX_FIELDS + 2];
	bool numbers[FORM_MAX_FIELDS + 2] = { true, true };
	char id[24], version[16];

	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	snprintf(version, sizeof(version), "%d", r->version);
	cells[0] = id;
	cells[1] = version;
	for (int i = 0; i < e->t->nfields; i++) {
		cells[i + 2] = r->values[i];
		numbers[i + 2] = e->t->fields[i].type == FIELD_NUMBER;
	}
	if ((e->ret = sheet_row(e->sheet, cells, numbers, e->t->nfields + 2)))
		return 1;
	e->rows++;
	e->last++;
	ledger_query_cursor(&e->q, r);
	return 0;
}

int service_ledger_export(struct app *app, const struct ledger_query *q, const char *format, FILE *out, int64_t *rows,
			  char *msg, size_t size)
{
	const struct ledger_template *t = q->t;
	struct export_state e = { .t = t, .q = *q };
	const char *cells[FORM_MAX_FIELDS + 2];
	int ret;

	*rows = 0;
	if ((ret = need_view(app, t, msg, size)))
		return ret;
	if ((ret = sheet_open(&e.sheet, format, ledger_title(t, "en"), out, msg, size)))
		return ret == BR_ERR_INVALID ? service_fail(ret, msg, size, _("format: csv or xlsx")) : ret;
	cells[0] = _("No.");
	cells[1] = _("Version");
	for (int i = 0; i < t->nfields; i++)
		cells[i + 2] = form_field_label(&t->fields[i], app_language(app));
	if ((ret = sheet_row(e.sheet, cells, NULL, t->nfields + 2)))
		goto out;
	e.q.has_cursor = false;
	e.q.backward = false;
	e.q.limit = LEDGER_PAGE_MAX;
	/* one snapshot: a record saved meanwhile is neither missed nor written twice */
	if ((ret = store_read_begin(app->store)))
		goto out;
	do {
		e.last = 0;
		if ((ret = store_ledger_page(app->store, &e.q, export_row, &e)) || (ret = e.ret))
			break;
	} while (e.last == LEDGER_PAGE_MAX);
	store_read_end(app->store);
	if (ret)
		goto out;
	*rows = e.rows;
out:
	if (sheet_close(e.sheet, msg, size) && !ret)
		ret = BR_ERR_IO;
	return ret ? store_fail(ret, msg, size) : BR_OK;
}

/* ---- requisitions ---- */

/* Whether record r has n of action a's field left; a message when not. */
static int request_fits(const struct ledger_record *r, const struct ledger_action *a, long n, char *msg, size_t size)
{
	long have;

	if (r->deleted)
		return service_fail(BR_ERR_INVALID, msg, size, _("record %lld is deleted"), (long long)r->id);
	if (str_to_int(r->values[a->field], 0, 1000000000L, &have))
		have = 0;
	if (n > have)
		return service_fail(BR_ERR_LIMIT, msg, size, _("%s: only %ld left, you asked for %ld"), r->values[0],
				    have, n);
	return BR_OK;
}

/* Resolves a's workflow for c and submits it (c is a stored draft). */
static int request_submit(struct app *app, const struct ledger_action *a, struct claim *c, const char *item, char *msg,
			  size_t size)
{
	struct wf_resolved steps[WF_MAX_STEPS];
	struct form wf_form;
	struct budget_refusal refused;
	enum claim_status now = CLAIM_DRAFT;
	char auto_rule[128] = "";
	int nsteps = 0, ret;

	memset(&wf_form, 0, sizeof(wf_form));
	str_copy(wf_form.workflow, a->workflow, sizeof(wf_form.workflow));
	if ((ret = service_workflow_resolve(app, &wf_form, c, steps, &nsteps, auto_rule, sizeof(auto_rule), msg, size)))
		return ret;
	ret = store_claim_submit(app->store, c->id, app->user->uid, c, steps, nsteps, auto_rule, &now, &refused);
	if (ret == BR_ERR_LIMIT)
		return service_fail(ret, msg, size, _("%s: not enough left to issue at once"), item);
	if (ret)
		return store_fail(ret, msg, size);
	c->status = now;
	return BR_OK;
}

int service_ledger_request(struct app *app, const struct ledger_template *t, const struct ledger_action *a,
			   int64_t id, const char *quantity, const char *comment, struct claim *c, char *msg,
			   size_t size)
{
	const char *lang = app_language(app);
	struct ledger_record r;
	char q[16], rec[24];
	int bad_line = 0, ret;
	long n;

	ledger_record_init(&r, t);
	if ((ret = need_view(app, t, msg, size)))
		goto out;
	if (str_to_int(quantity, 1, 1000000000L, &n)) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("the quantity must be a whole number of at least 1"));
		goto out;
	}
	if ((ret = service_ledger_get(app, t, id, &r, msg, size)) || (ret = request_fits(&r, a, n, msg, size)))
		goto out;
	snprintf(q, sizeof(q), "%ld", n);
	snprintf(rec, sizeof(rec), "%lld", (long long)id);
	str_copy(c->form, t->id, sizeof(c->form));
	str_copy(c->owner, app->user->uid, sizeof(c->owner));
	str_copy(c->owner_name, user_display(app->user), sizeof(c->owner_name));
	str_copy(c->department, app->user->department, sizeof(c->department));
	snprintf(c->title, sizeof(c->title), "%s: %s × %ld", ledger_action_label(a, lang), r.values[0], n);
	claim_set_value(c, "ledger", t->id);
	claim_set_value(c, "record", rec);
	claim_set_value(c, "action", a->name);
	claim_set_value(c, "quantity", q);
	if (comment && *comment)
		claim_set_value(c, "comment", comment);
	if ((ret = store_claim_create(app->store, c, &bad_line, NULL)) ||
	    (ret = store_ledger_request(app->store, c->id, t, id, a->name, t->fields[a->field].name, n))) {
		if (c->id)
			store_claim_delete(app->store, c->id, app->user->uid);
		ret = store_fail(ret, msg, size);
		goto out;
	}
	if ((ret = request_submit(app, a, c, r.values[0], msg, size)) &&
	    store_claim_delete(app->store, c->id, app->user->uid))
		log_event("requisition %s: not submitted and not deleted", c->number);
out:
	ledger_record_release(&r);
	return ret;
}

int service_request_resubmit(struct app *app, struct claim *c, char *msg, size_t size)
{
	struct ledger_set set = { 0 };
	const struct ledger_template *t = NULL;
	const struct ledger_action *a = NULL;
	struct ledger_record r;
	bool have_r = false;
	long n = 0;
	int ret;

	service_ledgers_load(app, &set);
	if ((ret = service_ledger_find(app, &set, claim_value(c, "ledger"), &t, msg, size)))
		goto out;
	for (int i = 0; i < t->nactions && !a; i++)
		if (!strcmp(t->actions[i].name, claim_value(c, "action")) || !claim_value(c, "action")[0])
			a = &t->actions[i];
	if (!a) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("%s no longer has the request %s"),
				   ledger_title(t, app_language(app)), claim_value(c, "action"));
		goto out;
	}
	ledger_record_init(&r, t);
	have_r = true;
	if (str_to_int(claim_value(c, "quantity"), 1, 1000000000L, &n))
		n = 1;
	if ((ret = service_ledger_get(app, t, strtoll(claim_value(c, "record"), NULL, 10), &r, msg, size)) ||
	    (ret = request_fits(&r, a, n, msg, size)))
		goto out;
	ret = request_submit(app, a, c, r.values[0], msg, size);
out:
	if (have_r)
		ledger_record_release(&r);
	ledger_set_release(&set);
	return ret;
}

/* ---- attachments ---- */

int service_ledger_attach(struct app *app, const struct ledger_template *t, int64_t id, int version, int field,
			  const char *name, FILE *in, struct ledger_record *out, struct ledger_conflict *c, char *msg,
			  size_t size)
{
	struct claim_attachment file;
	char value[LEDGER_VALUE_BYTES];
	int ret;

	if ((ret = need_edit(app, t, msg, size)))
		return ret;
	if (field < 0 || field >= t->nfields || t->fields[field].type != FIELD_ATTACHMENT)
		return service_fail(BR_ERR_INVALID, msg, size, _("%s has no attachment field %s"),
				    ledger_title(t, app_language(app)),
				    field >= 0 && field < t->nfields ? t->fields[field].name : "?");
	if ((ret = service_ledger_get(app, t, id, out, msg, size)))
		return ret;
	if ((ret = service_file_store(app, name, in, &file, msg, size)))
		return ret;
	snprintf(value, sizeof(value), "%s sha256:%s", file.name, file.sha256);
	ledger_record_set(out, field, value);
	out->version = version;
	return ledger_save(app, t, out, c, true, msg, size);
}

int service_ledger_file(struct app *app, const struct ledger_template *t, int64_t id, int field, FILE *out,
			char name[128], char *msg, size_t size)
{
	struct ledger_record r;
	char path[4096], buf[65536];
	const char *hash;
	FILE *f = NULL;
	size_t n;
	int ret;

	ledger_record_init(&r, t);
	name[0] = '\0';
	if (field < 0 || field >= t->nfields || t->fields[field].type != FIELD_ATTACHMENT) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("%s has no attachment field %s"),
				   ledger_title(t, app_language(app)),
				   field >= 0 && field < t->nfields ? t->fields[field].name : "?");
		goto out;
	}
	if ((ret = service_ledger_get(app, t, id, &r, msg, size)))
		goto out;
	if (!(hash = strstr(r.values[field], " sha256:")) ||
	    service_file_path(app, hash + 8, path, sizeof(path)) || !(f = fopen(path, "rb"))) {
		ret = service_fail(BR_ERR_NOT_FOUND, msg, size, _("record %lld holds no file in %s"), (long long)id,
				   form_field_label(&t->fields[field], app_language(app)));
		goto out;
	}
	snprintf(name, 128, "%.*s", (int)(hash - r.values[field]), r.values[field]);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (fwrite(buf, 1, n, out) != n) {
			ret = BR_ERR_IO;
			break;
		}
	if (ret == BR_OK && fflush(out))
		ret = BR_ERR_IO;
out:
	if (f)
		fclose(f);
	ledger_record_release(&r);
	return ret;
}

/* ---- reminders ---- */

struct due_state {
	struct reminder_list *l;
	const struct ledger_template *t;
	const struct ledger_rule *rule;
	long today;
};

static int due_add(const struct ledger_record *r, void *arg)
{
	struct due_state *d = arg;
	struct ledger_reminder *m;
	long days;

	d->l->items = xrealloc(d->l->items, (size_t)(d->l->n + 1) * sizeof(*d->l->items));
	m = &d->l->items[d->l->n++];
	memset(m, 0, sizeof(*m));
	m->t = d->t;
	m->rule = d->rule;
	ledger_record_init(&m->record, d->t);
	ledger_record_copy(&m->record, r, d->t);
	if (d->rule->kind == LEDGER_RULE_DATE) {
		str_copy(m->due, r->values[d->rule->field], sizeof(m->due));
		if (date_days(m->due, &days))
			m->days = (int)(days - d->today);
	}
	return 0;
}

static int cmp_reminder(const void *a, const void *b)
{
	const struct ledger_reminder *x = a, *y = b;

	/* dated ones by how soon, thresholds after them */
	if (!x->due[0] != !y->due[0])
		return x->due[0] ? -1 : 1;
	return x->days < y->days ? -1 : x->days > y->days;
}

int service_reminders(struct app *app, const struct ledger_set *set, struct reminder_list *out, char *msg,
		      size_t size)
{
	char today[11];
	int ret = BR_OK;

	memset(out, 0, sizeof(*out));
	date_today(today);
	for (int i = 0; i < set->n && ret == BR_OK; i++) {
		const struct ledger_template *t = &set->items[i];
		if (!ledger_can_edit(t, app->user->roles))
			continue;
		for (int k = 0; k < t->nrules && ret == BR_OK; k++) {
			struct ledger_bound_cond where[LEDGER_FILTER_MAX];
			struct due_state d = { out, t, &t->rules[k], 0 };
			int n = 0;
			date_days(today, &d.today);
			if (ledger_filter_bind(t, &t->rules[k].where, where, &n, "en", msg, size))
				continue; /* checked when the template loaded */
			ret = store_ledger_due(app->store, t, &t->rules[k], where, n, today, 200, due_add, &d);
		}
	}
	if (out->n > 1)
		qsort(out->items, (size_t)out->n, sizeof(*out->items), cmp_reminder);
	return store_fail(ret, msg, size);
}

void reminder_list_release(struct reminder_list *l)
{
	for (int i = 0; i < l->n; i++)
		ledger_record_release(&l->items[i].record);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}
