/*
 * ledger.c - the ledger (台账) commands: list the ledgers, page through a
 * ledger's records, show, add, update, delete, restore and roll back one,
 * its history, CSV import and CSV/xlsx export, and the due reminders.
 * Every call goes through the service, which decides per ledger who may
 * view and who may edit; the command table lets everyone try.
 */
#include "internal.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/ledger.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* A cell of the text table is cut to this many columns. */
#define CELL_COLS 30

static const struct option rows_opts[] = {
	{ "json", no_argument, NULL, 'j' },        { "filter", required_argument, NULL, 'e' },
	{ "sort", required_argument, NULL, 'o' },  { "desc", no_argument, NULL, 'z' },
	{ "deleted", no_argument, NULL, 'x' },     { "limit", required_argument, NULL, 'n' },
	{ "after", required_argument, NULL, 'w' }, { NULL, 0, NULL, 0 }
};
static const struct option export_opts[] = { { "filter", required_argument, NULL, 'e' },
					     { "sort", required_argument, NULL, 'o' },
					     { "desc", no_argument, NULL, 'z' },
					     { "format", required_argument, NULL, 'f' },
					     { NULL, 0, NULL, 0 } };
static const struct option version_opts[] = { { "json", no_argument, NULL, 'j' },
					      { "version", required_argument, NULL, 'V' },
					      { NULL, 0, NULL, 0 } };

/*
 * The ledger a command works on, the record it names (id 0 when none),
 * and what the command read or was refused with; target_close() releases
 * it all.
 */
struct ledger_target {
	struct ledger_set set;
	const struct ledger_template *t;
	int64_t id;
	struct ledger_record r; /* initialised once t is known (the service's reads need it so) */
	bool have_r;
	struct ledger_conflict c;
};

static void conflict_report(struct app *app, const char *cmd, const struct ledger_target *x, int read_version,
			    const struct ledger_conflict *c, bool json, FILE *out, FILE *err);

/*
 * Loads the ledgers and resolves name (id or title) and, when row is not
 * NULL, the record id.  Returns CMD_OK, or an exit status after a message.
 */
static int target_open(struct app *app, const char *cmd, const char *name, const char *row, struct ledger_target *x,
		       FILE *err)
{
	char msg[BR_MSG_MAX];
	long id = 0;

	memset(x, 0, sizeof(*x));
	if (row && str_to_int(row, 1, INT64_MAX, &id)) {
		fprintf(err, _("bursar: %s: `%s` is not a record id (see: ledger rows %s)\n"), cmd, row, name);
		return CMD_USAGE;
	}
	x->id = id;
	if (service_ledgers_load(app, &x->set) < 0) {
		fprintf(err, _("bursar: %s: cannot read the ledgers\n"), cmd);
		return CMD_FAIL;
	}
	if (service_ledger_find(app, &x->set, name, &x->t, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", cmd, msg);
		return CMD_FAIL;
	}
	ledger_record_init(&x->r, x->t);
	x->have_r = true;
	return CMD_OK;
}

static void target_close(struct ledger_target *x)
{
	if (x->have_r)
		ledger_record_release(&x->r);
	ledger_conflict_release(&x->c);
	ledger_set_release(&x->set);
}

/*
 * The outcome of a save, delete or restore: the refusal (who saved first,
 * when rc is BR_ERR_CONFLICT) or msg on err.  CMD_OK when rc is 0.
 */
static int save_outcome(struct app *app, const char *cmd, const struct ledger_target *x, int rc, int read_version,
			const char *msg, bool json, FILE *out, FILE *err)
{
	if (rc == BR_ERR_CONFLICT)
		conflict_report(app, cmd, x, read_version, &x->c, json, out, err);
	else if (rc)
		fprintf(err, "bursar: %s: %s\n", cmd, msg);
	return rc ? CMD_FAIL : CMD_OK;
}

static const char *field_label(const struct ledger_template *t, int i, const char *lang)
{
	return form_field_label(&t->fields[i], lang);
}

/* A value as JSON: null when empty, a whole number for a number field, else the text ("1234.50" for money). */
static json_t *value_json(const struct form_field *fl, const char *v)
{
	long n;

	if (!v || !*v)
		return json_null();
	if (fl && fl->type == FIELD_NUMBER && !str_to_int(v, INT64_MIN, INT64_MAX, &n))
		return json_integer(n);
	return json_string(v);
}

static json_t *record_json(const struct ledger_template *t, const struct ledger_record *r)
{
	json_t *fields = json_object();

	for (int i = 0; i < t->nfields; i++)
		json_object_set_new(fields, t->fields[i].name, value_json(&t->fields[i], r->values[i]));
	return json_pack("{s:I, s:i, s:b, s:s, s:s, s:o}", "id", (json_int_t)r->id, "version", r->version, "deleted",
			 r->deleted, "updated_at", r->updated_at, "updated_by", r->updated_by, "fields", fields);
}

/* A stored value on one line of a table: line breaks and tabs as blanks, other controls as '?'. */
static char *cell_text(const char *v)
{
	char *s = xstrdup(v && *v ? v : "-");

	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	text_sanitize(s);
	return s;
}

/* Prints s in cols columns, cut with "…", right-aligned when right. */
static void cell_print(FILE *out, const char *s, int cols, bool right)
{
	char fit[512]; /* a label (at most 127 bytes) or a cell cut to CELL_COLS */
	int w = text_fit(fit, sizeof(fit), s, cols, 0, 1);

	if (right)
		fprintf(out, "%*s%s", cols - w, "", fit);
	else
		fprintf(out, "%s%*s", fit, cols - w, "");
}

static bool field_right(const struct form_field *fl)
{
	return fl->type == FIELD_MONEY || fl->type == FIELD_NUMBER;
}

/*
 * Prints records as a table: id, version, then every field, each column
 * as wide as its widest cell (in display columns, so 中文 lines up), at
 * most CELL_COLS.
 */
static void table_print(FILE *out, const struct ledger_template *t, const struct ledger_record *recs, int n,
			const char *lang)
{
	int width[FORM_MAX_FIELDS], idw = text_width(_("id")), verw = text_width(_("version"));
	char buf[32];

	for (int i = 0; i < t->nfields; i++)
		width[i] = text_width(field_label(t, i, lang));
	for (int r = 0; r < n; r++) {
		int w = snprintf(buf, sizeof(buf), "%" PRId64, recs[r].id);
		idw = w > idw ? w : idw;
		w = snprintf(buf, sizeof(buf), "%d", recs[r].version);
		verw = w > verw ? w : verw;
		for (int i = 0; i < t->nfields; i++) {
			char *c = cell_text(recs[r].values[i]);
			w = text_width(c);
			width[i] = w > width[i] ? w : width[i];
			free(c);
		}
	}
	for (int i = 0; i < t->nfields; i++)
		width[i] = width[i] > CELL_COLS ? CELL_COLS : width[i];
	cell_print(out, _("id"), idw, true);
	fputs("  ", out);
	cell_print(out, _("version"), verw, true);
	for (int i = 0; i < t->nfields; i++) {
		fputs("  ", out);
		cell_print(out, field_label(t, i, lang), width[i], field_right(&t->fields[i]));
	}
	fputc('\n', out);
	for (int r = 0; r < n; r++) {
		fprintf(out, "%*" PRId64 "  %*d", idw, recs[r].id, verw, recs[r].version);
		for (int i = 0; i < t->nfields; i++) {
			char *c = cell_text(recs[r].values[i]);
			fputs("  ", out);
			cell_print(out, c, width[i], field_right(&t->fields[i]));
			free(c);
		}
		fputc('\n', out);
	}
}

/* ---- ledger list ---- */

int cmd_ledger_list(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_set set = { 0 };
	const struct ledger_template **seen = NULL;
	const char *lang = app_language(app);
	int n, ret = CMD_FAIL, titlew = 0;

	if (parse_opts("ledger list", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "ledger list");
		return CMD_USAGE;
	}
	if (service_ledgers_load(app, &set) < 0) {
		fprintf(err, _("bursar: ledger list: cannot read the ledgers\n"));
		goto out;
	}
	seen = xcalloc((size_t)set.n + 1, sizeof(*seen));
	n = service_ledgers_visible(app, &set, seen, set.n);
	if (v.json) {
		json_t *arr = json_array();
		for (int i = 0; i < n; i++) {
			json_t *fields = json_array();
			for (int k = 0; k < seen[i]->nfields; k++)
				json_array_append_new(fields, field_json(&seen[i]->fields[k], lang));
			json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:b, s:o}", "id", seen[i]->id, "title",
							     ledger_title(seen[i], lang), "editable",
							     service_ledger_can_edit(app, seen[i]), "builtin",
							     seen[i]->builtin, "fields", fields));
		}
		ret = print_json(arr, out);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		int w = text_width(ledger_title(seen[i], lang));
		titlew = w > titlew ? (w > CELL_COLS ? CELL_COLS : w) : titlew;
	}
	for (int i = 0; i < n; i++) {
		fprintf(out, "%-16s ", seen[i]->id);
		cell_print(out, ledger_title(seen[i], lang), titlew, false);
		fprintf(out, "  %s  ", service_ledger_can_edit(app, seen[i]) ? _("edit") : _("view"));
		fprintf(out, ngettext("%d field\n", "%d fields\n", (unsigned long)seen[i]->nfields), seen[i]->nfields);
	}
	if (n == 0)
		fprintf(out, "%s\n", _("No ledgers you may see."));
	ret = CMD_OK;
out:
	free(seen);
	ledger_set_release(&set);
	return ret;
}

/* ---- filters, sorting and cursors ---- */

/*
 * A cursor as the command prints it: the record id, then (unless the sort
 * value is null) "." and the sort value in hex, so that any stored text
 * survives a shell.  Round-trips exactly what ledger_query_cursor() set.
 */
static void cursor_format(const struct ledger_query *q, char *out, size_t size)
{
	size_t n = strlen(q->cursor_value);
	char *hex = xmalloc(2 * n + 1);

	str_hex((const unsigned char *)q->cursor_value, n, hex);
	if (q->cursor_null)
		snprintf(out, size, "%" PRId64, q->cursor_id);
	else
		snprintf(out, size, "%" PRId64 ".%s", q->cursor_id, hex);
	free(hex);
}

static int cursor_parse(const char *text, struct ledger_query *q)
{
	char idpart[24];
	const char *dot = strchr(text, '.');
	size_t idlen = dot ? (size_t)(dot - text) : strlen(text);
	long id;

	if (idlen == 0 || idlen >= sizeof(idpart))
		return -1;
	memcpy(idpart, text, idlen);
	idpart[idlen] = '\0';
	if (str_to_int(idpart, 1, INT64_MAX, &id))
		return -1;
	q->has_cursor = true;
	q->cursor_id = id;
	q->cursor_null = !dot;
	q->cursor_value[0] = '\0';
	if (dot) {
		const char *h = dot + 1;
		size_t n = strlen(h);
		if (n % 2 || n / 2 >= sizeof(q->cursor_value) || strspn(h, "0123456789abcdef") != n)
			return -1;
		for (size_t i = 0; i < n / 2; i++) {
			unsigned byte = 0;
			if (sscanf(h + 2 * i, "%2x", &byte) != 1 || byte == 0)
				return -1;
			q->cursor_value[i] = (char)byte;
		}
		q->cursor_value[n / 2] = '\0';
	}
	return 0;
}

/*
 * Fills q from --filter, --sort and --desc (conds must hold
 * LEDGER_FILTER_MAX).  Returns CMD_OK, or an exit status after a message.
 */
static int query_open(struct app *app, const char *cmd, const struct ledger_template *t, const struct opt_values *v,
		      struct ledger_bound_cond *conds, struct ledger_query *q, FILE *err)
{
	char msg[BR_MSG_MAX];
	int rc;

	memset(q, 0, sizeof(*q));
	q->t = t;
	q->sort = -1;
	q->desc = v->desc;
	q->deleted = v->deleted;
	if (v->sort && (q->sort = ledger_field_find(t, v->sort)) < 0 && strcmp(v->sort, "id")) {
		fprintf(err, _("bursar: %s: %s has no field `%s` to sort by\n"), cmd, t->id, v->sort);
		return CMD_USAGE;
	}
	rc = service_ledger_query(app, t, v->filter ? v->filter : "", conds, q, msg, sizeof(msg));
	if (rc) {
		fprintf(err, rc == BR_ERR_INVALID ? _("bursar: %s: bad --filter: %s\n") : "bursar: %s: %s\n", cmd, msg);
		return rc == BR_ERR_INVALID ? CMD_USAGE : CMD_FAIL;
	}
	return CMD_OK;
}

/* ---- ledger rows ---- */

struct rows_page {
	struct ledger_query next; /* the query, its cursor at the last record taken */
	struct ledger_record *recs; /* text output: the records taken, copied */
	int nrecs, cap;
	json_t *arr; /* JSON output */
	long want; /* records still wanted; -1 = all */
	int got; /* records the page returned */
	bool more; /* a record beyond the wanted ones exists */
};

static int rows_one(const struct ledger_record *r, void *arg)
{
	struct rows_page *p = arg;

	p->got++;
	if (p->want == 0) {
		p->more = true;
		return 0;
	}
	if (p->want > 0)
		p->want--;
	ledger_query_cursor(&p->next, r);
	if (p->arr) {
		json_array_append_new(p->arr, record_json(p->next.t, r));
		return 0;
	}
	if (p->nrecs == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->recs = xrealloc(p->recs, (size_t)p->cap * sizeof(*p->recs));
	}
	ledger_record_init(&p->recs[p->nrecs], p->next.t);
	ledger_record_copy(&p->recs[p->nrecs++], r, p->next.t);
	return 0;
}

int cmd_ledger_rows(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	struct ledger_query q;
	struct rows_page p = { .want = -1 };
	char msg[BR_MSG_MAX], *name = NULL, next[2 * LEDGER_VALUE_BYTES + 32];
	long limit = 0;
	int ret;

	if (parse_opts_operands("ledger rows", argc, argv, rows_opts, &v, &name, 1, err) < 0) {
		usage_line(err, "ledger rows");
		return CMD_USAGE;
	}
	if (v.limit && str_to_int(v.limit, 1, IMPORT_MAX_ROWS, &limit)) {
		fprintf(err, _("bursar: ledger rows: --limit must be a whole number from 1 to %d, not `%s`\n"),
			IMPORT_MAX_ROWS, v.limit);
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger rows", name, NULL, &x, err)))
		goto out;
	if ((ret = query_open(app, "ledger rows", x.t, &v, conds, &q, err)))
		goto out;
	if (v.after && cursor_parse(v.after, &q)) {
		fprintf(err, _("bursar: ledger rows: `%s` is not a cursor (the \"next\" of a page)\n"), v.after);
		ret = CMD_USAGE;
		goto out;
	}
	if (v.json)
		p.arr = json_array();
	p.want = v.limit ? limit : -1;
	/*
	 * Keyset paging: each page starts after the last record of the one
	 * before.  With --limit one record more than wanted is asked for, to
	 * know whether there is a next page.
	 */
	for (;;) {
		q.limit = p.want < 0 || p.want >= LEDGER_PAGE_MAX ? LEDGER_PAGE_MAX : (int)p.want + 1;
		p.next = q;
		p.got = 0;
		if (service_ledger_page(app, &q, rows_one, &p, msg, sizeof(msg))) {
			fprintf(err, "bursar: ledger rows: %s\n", msg);
			ret = CMD_FAIL;
			goto out;
		}
		if (p.more || p.got < q.limit)
			break;
		q.has_cursor = p.next.has_cursor;
		q.cursor_null = p.next.cursor_null;
		q.cursor_id = p.next.cursor_id;
		memcpy(q.cursor_value, p.next.cursor_value, sizeof(q.cursor_value));
	}
	if (p.more)
		cursor_format(&p.next, next, sizeof(next));
	if (v.json) {
		ret = print_json(json_pack("{s:s, s:O, s:o}", "ledger", x.t->id, "rows", p.arr, "next",
					   p.more ? json_string(next) : json_null()),
				 out);
		goto out;
	}
	if (p.nrecs)
		table_print(out, x.t, p.recs, p.nrecs, app_language(app));
	else
		fprintf(out, "%s\n", _("No records."));
	if (p.more)
		fprintf(out, _("More: --after %s\n"), next);
	ret = CMD_OK;
out:
	json_decref(p.arr);
	for (int i = 0; i < p.nrecs; i++)
		ledger_record_release(&p.recs[i]);
	free(p.recs);
	target_close(&x);
	return ret;
}

/* ---- ledger show ---- */

/* A record in text: a heading, then one "label  value" line per field. */
static void record_print(FILE *out, const struct ledger_template *t, const struct ledger_record *r, const char *lang)
{
	int w = 0;

	fprintf(out, _("%s, record %" PRId64 ", version %d%s\n"), ledger_title(t, lang), r->id, r->version,
		r->deleted ? _(" (deleted)") : "");
	if (r->updated_at[0])
		fprintf(out, _("Last changed %.19s by %s\n"), r->updated_at, r->updated_by);
	for (int i = 0; i < t->nfields; i++) {
		int lw = text_width(field_label(t, i, lang));
		w = lw > w ? lw : w;
	}
	for (int i = 0; i < t->nfields; i++) {
		char *c = cell_text(r->values[i]);
		fputs("  ", out);
		cell_print(out, field_label(t, i, lang), w, false);
		fprintf(out, "  %s\n", c);
		free(c);
	}
}

int cmd_ledger_show(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	char msg[BR_MSG_MAX], *ops[2] = { 0 };
	int ret;

	if (parse_opts_operands("ledger show", argc, argv, json_only, &v, ops, 2, err) < 0) {
		usage_line(err, "ledger show");
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger show", ops[0], ops[1], &x, err)))
		goto out;
	if (service_ledger_get(app, x.t, x.id, &x.r, msg, sizeof(msg))) {
		fprintf(err, "bursar: ledger show: %s\n", msg);
		ret = CMD_FAIL;
		goto out;
	}
	if (v.json) {
		json_t *j = record_json(x.t, &x.r);
		json_object_set_new(j, "ledger", json_string(x.t->id));
		ret = print_json(j, out);
		goto out;
	}
	record_print(out, x.t, &x.r, app_language(app));
	ret = CMD_OK;
out:
	target_close(&x);
	return ret;
}

/* ---- changes: history and conflicts ---- */

static json_t *version_json(const struct ledger_template *t, const struct ledger_version *ver, const char *lang)
{
	json_t *changes = json_array();

	for (int i = 0; i < ver->nchanges; i++) {
		const struct ledger_change *c = &ver->changes[i];
		const struct form_field *fl = c->field >= 0 && c->field < t->nfields ? &t->fields[c->field] : NULL;
		json_array_append_new(changes, json_pack("{s:s, s:s, s:o, s:o}", "field", c->name, "label",
							 fl ? form_field_label(fl, lang) : c->name, "from",
							 value_json(fl, c->from), "to", value_json(fl, c->to)));
	}
	return json_pack("{s:i, s:s, s:s, s:s, s:s, s:o}", "version", ver->version, "ts", ver->ts, "actor", ver->actor,
			 "action", ver->action, "note", ver->note, "changes", changes);
}

/* One version in text: "v3   2026-11-02T10:00:00  wangfang     edit  note", then a line per changed field. */
static void version_print(FILE *out, const struct ledger_template *t, const struct ledger_version *ver,
			  const char *lang)
{
	fprintf(out, "v%-3d %.19s  %-12s %s%s%s\n", ver->version, ver->ts, ver->actor, ver->action,
		ver->note[0] ? "  " : "", ver->note);
	for (int i = 0; i < ver->nchanges; i++) {
		const struct ledger_change *c = &ver->changes[i];
		char *from = cell_text(c->from), *to = cell_text(c->to);
		fprintf(out, "      %s: %s -> %s\n",
			c->field >= 0 && c->field < t->nfields ? field_label(t, c->field, lang) : c->name, from, to);
		free(from);
		free(to);
	}
}

/*
 * A save refused because someone saved first: who changed what since the
 * version the person read, on err and (json) as {"saved": false,
 * "conflict": {...}} on out.
 */
static void conflict_report(struct app *app, const char *cmd, const struct ledger_target *x, int read_version,
			    const struct ledger_conflict *c, bool json, FILE *out, FILE *err)
{
	const char *lang = app_language(app);

	fprintf(err,
		_("bursar: %s: record %" PRId64 " was changed after version %d (it is at version %d now); nothing "
		  "was saved. Read it again and repeat your change:\n"),
		cmd, x->id, read_version, c->version);
	for (int i = 0; i < c->nnewer; i++)
		version_print(err, x->t, &c->newer[i], lang);
	if (json) {
		json_t *arr = json_array();
		for (int i = 0; i < c->nnewer; i++)
			json_array_append_new(arr, version_json(x->t, &c->newer[i], lang));
		print_json(json_pack("{s:b, s:I, s:{s:i, s:i, s:o}}", "saved", 0, "id", (json_int_t)x->id, "conflict",
				     "read_version", read_version, "version", c->version, "newer", arr),
			   out);
	}
}

int cmd_ledger_history(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	struct ledger_version *vers = NULL;
	const char *lang = app_language(app);
	char msg[BR_MSG_MAX], *ops[2] = { 0 };
	int n = 0, ret;

	if (parse_opts_operands("ledger history", argc, argv, json_only, &v, ops, 2, err) < 0) {
		usage_line(err, "ledger history");
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger history", ops[0], ops[1], &x, err)))
		goto out;
	if (service_ledger_history(app, x.t, x.id, &vers, &n, msg, sizeof(msg))) {
		fprintf(err, "bursar: ledger history: %s\n", msg);
		ret = CMD_FAIL;
		goto out;
	}
	if (v.json) {
		json_t *arr = json_array();
		for (int i = 0; i < n; i++)
			json_array_append_new(arr, version_json(x.t, &vers[i], lang));
		ret = print_json(
		    json_pack("{s:s, s:I, s:o}", "ledger", x.t->id, "id", (json_int_t)x.id, "versions", arr), out);
		goto out;
	}
	for (int i = 0; i < n; i++)
		version_print(out, x.t, &vers[i], lang);
	ret = CMD_OK;
out:
	ledger_versions_release(vers, n);
	target_close(&x);
	return ret;
}

/* ---- ledger add and update ---- */

/*
 * Sets r's fields from a JSON object whose keys are field names or labels
 * and whose values are strings, whole numbers or null (empty).  With
 * version not NULL the key "version" is the version the record was read
 * at, and is required.  -1 with msg naming the key.
 */
static int record_from_json(const struct ledger_template *t, json_t *root, struct ledger_record *r, int *version,
			    char *msg, size_t size)
{
	bool seen[FORM_MAX_FIELDS] = { false };
	const char *key;
	json_t *val;

	if (version)
		*version = 0;
	json_object_foreach(root, key, val)
	{
		char num[32];
		const char *text;
		int f;

		if (version && !strcmp(key, "version")) {
			if (!json_is_integer(val) || json_integer_value(val) < 1 ||
			    json_integer_value(val) > INT32_MAX) {
				snprintf(msg, size,
					 _("\"version\" must be the version you read the record at (1, 2, ...)"));
				return -1;
			}
			*version = (int)json_integer_value(val);
			continue;
		}
		if ((f = ledger_field_find(t, key)) < 0) {
			snprintf(msg, size, _("%s has no field `%s`"), t->id, key);
			return -1;
		}
		if (seen[f]) {
			snprintf(msg, size, _("field `%s` is given twice"), key);
			return -1;
		}
		seen[f] = true;
		if (json_is_string(val)) {
			text = json_string_value(val);
		} else if (json_is_integer(val)) {
			snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(val));
			text = num;
		} else if (json_is_null(val)) {
			text = "";
		} else {
			snprintf(msg, size, _("field `%s` must be a string (amounts too: \"1234.50\")"), key);
			return -1;
		}
		ledger_record_set(r, f, text);
	}
	if (version && !*version) {
		snprintf(msg, size,
			 _("\"version\" is required: the version you read the record at (see: ledger show)"));
		return -1;
	}
	return 0;
}

/*
 * ledger add (update false) and ledger update: the record from the JSON
 * on stdin, saved through the service, which checks every value.
 */
static int record_save(struct app *app, const char *cmd, bool update, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	char msg[BR_MSG_MAX], *ops[2] = { 0 };
	json_t *root = NULL;
	int ret, version = 0;

	if (parse_opts_operands(cmd, argc, argv, json_only, &v, ops, update ? 2 : 1, err) < 0) {
		usage_line(err, cmd);
		return CMD_USAGE;
	}
	if ((ret = target_open(app, cmd, ops[0], update ? ops[1] : NULL, &x, err)))
		goto out;
	ret = CMD_FAIL;
	if (!(root = read_json_object(app, cmd, err)))
		goto out;
	/* An update starts from the stored record: fields the input leaves out keep their value. */
	if (update && service_ledger_get(app, x.t, x.id, &x.r, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", cmd, msg);
		goto out;
	}
	if (record_from_json(x.t, root, &x.r, update ? &version : NULL, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", cmd, msg);
		goto out;
	}
	if (update)
		x.r.version = version;
	if ((ret = save_outcome(app, cmd, &x, service_ledger_save(app, x.t, &x.r, &x.c, msg, sizeof(msg)), version, msg,
				v.json, out, err)))
		goto out;
	if (v.json)
		ret = print_json(json_pack("{s:b, s:s, s:I, s:i}", "saved", 1, "ledger", x.t->id, "id",
					   (json_int_t)x.r.id, "version", x.r.version),
				 out);
	else if (update)
		fprintf(out, _("Saved record %" PRId64 ", now at version %d\n"), x.r.id, x.r.version);
	else
		fprintf(out, _("Added record %" PRId64 " to %s\n"), x.r.id, ledger_title(x.t, app_language(app)));
out:
	json_decref(root);
	target_close(&x);
	return ret;
}

int cmd_ledger_add(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return record_save(app, "ledger add", false, argc, argv, out, err);
}

int cmd_ledger_update(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return record_save(app, "ledger update", true, argc, argv, out, err);
}

/* ---- delete, restore, rollback ---- */

static int delete_restore(struct app *app, const char *cmd, bool restore, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	char msg[BR_MSG_MAX], *ops[2] = { 0 };
	long version;
	int ret;

	if (parse_opts_operands(cmd, argc, argv, version_opts, &v, ops, 2, err) < 0) {
		usage_line(err, cmd);
		return CMD_USAGE;
	}
	if (!v.version) {
		fprintf(err, _("bursar: %s: --version is required (the version you read, see: ledger show)\n"), cmd);
		usage_line(err, cmd);
		return CMD_USAGE;
	}
	if (str_to_int(v.version, 1, INT32_MAX, &version)) {
		fprintf(err, _("bursar: %s: --version must be a version number, not `%s`\n"), cmd, v.version);
		return CMD_USAGE;
	}
	if ((ret = target_open(app, cmd, ops[0], ops[1], &x, err)))
		goto out;
	if ((ret = save_outcome(app, cmd, &x,
				service_ledger_delete(app, x.t, x.id, (int)version, restore, &x.c, msg, sizeof(msg)),
				(int)version, msg, v.json, out, err)))
		goto out;
	/* The new version number, for the next change. */
	if (service_ledger_get(app, x.t, x.id, &x.r, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", cmd, msg);
		ret = CMD_FAIL;
		goto out;
	}
	if (v.json)
		ret = print_json(json_pack("{s:b, s:s, s:I, s:i, s:b}", "saved", 1, "ledger", x.t->id, "id",
					   (json_int_t)x.r.id, "version", x.r.version, "deleted", x.r.deleted),
				 out);
	else
		fprintf(out,
			restore ? _("Restored record %" PRId64 ", now at version %d\n")
				: _("Deleted record %" PRId64 ", now at version %d\n"),
			x.r.id, x.r.version);
out:
	target_close(&x);
	return ret;
}

int cmd_ledger_delete(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return delete_restore(app, "ledger delete", false, argc, argv, out, err);
}

int cmd_ledger_restore(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return delete_restore(app, "ledger restore", true, argc, argv, out, err);
}

int cmd_ledger_rollback(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	char msg[BR_MSG_MAX], *ops[3] = { 0 };
	long version;
	int ret;

	if (parse_opts_operands("ledger rollback", argc, argv, json_only, &v, ops, 3, err) < 0) {
		usage_line(err, "ledger rollback");
		return CMD_USAGE;
	}
	if (str_to_int(ops[2], 1, INT32_MAX, &version)) {
		fprintf(err, _("bursar: ledger rollback: `%s` is not a version number (see: ledger history)\n"),
			ops[2]);
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger rollback", ops[0], ops[1], &x, err)))
		goto out;
	ret = CMD_FAIL;
	if (service_ledger_rollback(app, x.t, x.id, (int)version, &x.r, msg, sizeof(msg))) {
		fprintf(err, "bursar: ledger rollback: %s\n", msg);
		goto out;
	}
	if (v.json) {
		json_t *j = record_json(x.t, &x.r);
		json_object_set_new(j, "ledger", json_string(x.t->id));
		json_object_set_new(j, "rolled_back_to", json_integer(version));
		ret = print_json(j, out);
	} else {
		fprintf(out, _("Record %" PRId64 " has the values of version %ld again, as version %d\n"), x.r.id,
			version, x.r.version);
		ret = CMD_OK;
	}
out:
	target_close(&x);
	return ret;
}

static const struct option request_opts[] = { { "json", no_argument, NULL, 'j' },
					      { "action", required_argument, NULL, 'q' },
					      { "comment", required_argument, NULL, 'c' },
					      { NULL, 0, NULL, 0 } };

int cmd_ledger_request(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	const struct ledger_action *a = NULL;
	struct claim c;
	char msg[BR_MSG_MAX], *ops[3] = { 0 };
	int ret;

	claim_init(&c);
	if (parse_opts_operands("ledger request", argc, argv, request_opts, &v, ops, 3, err) < 0) {
		usage_line(err, "ledger request");
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger request", ops[0], ops[1], &x, err)))
		goto out;
	ret = CMD_FAIL;
	for (int i = 0; i < x.t->nactions && !a; i++)
		if (!v.action || !strcmp(x.t->actions[i].name, v.action) ||
		    !strcmp(ledger_action_label(&x.t->actions[i], app_language(app)), v.action))
			a = &x.t->actions[i];
	if (!a) {
		fprintf(err,
			v.action ? _("bursar: ledger request: %s has no action `%s`\n")
				 : _("bursar: ledger request: %s has nothing to request%s\n"),
			ledger_title(x.t, app_language(app)), v.action ? v.action : "");
		goto out;
	}
	if (service_ledger_request(app, x.t, a, x.id, ops[2], v.comment, &c, msg, sizeof(msg))) {
		fprintf(err, "bursar: ledger request: %s\n", msg);
		goto out;
	}
	if (v.json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:s}", "number", c.number, "status",
				      claim_status_name(c.status), "ledger", x.t->id, "record", (json_int_t)x.id, "action",
				      a->name);
		ret = print_json(j, out);
	} else {
		fprintf(out, _("%s %s: %s, %s\n"), ledger_action_label(a, app_language(app)), c.number, c.title,
			_(claim_status_label(c.status)));
		ret = CMD_OK;
	}
out:
	claim_release(&c);
	target_close(&x);
	return ret;
}

/* The field a command names by name or label; -1 after a message on err. */
static int field_arg(struct app *app, const char *cmd, const struct ledger_template *t, const char *name, FILE *err)
{
	int f = ledger_field_find(t, name);

	if (f < 0 || t->fields[f].type != FIELD_ATTACHMENT) {
		fprintf(err, _("bursar: %s: %s has no attachment field `%s`\n"), cmd, ledger_title(t, app_language(app)),
			name);
		return -1;
	}
	return f;
}

int cmd_ledger_attach(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	char msg[BR_MSG_MAX], *ops[4] = { 0 };
	long version;
	int ret, f, rc;

	if (parse_opts_operands("ledger attach", argc, argv, version_opts, &v, ops, 4, err) < 0) {
		usage_line(err, "ledger attach");
		return CMD_USAGE;
	}
	if (!v.version || str_to_int(v.version, 1, INT32_MAX, &version)) {
		fprintf(err, _("bursar: ledger attach: --version N, the version you read (see: ledger show)\n"));
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger attach", ops[0], ops[1], &x, err)))
		goto out;
	ret = CMD_FAIL;
	if ((f = field_arg(app, "ledger attach", x.t, ops[2], err)) < 0)
		goto out;
	rc = service_ledger_attach(app, x.t, x.id, (int)version, f, ops[3], app->in, &x.r, &x.c, msg, sizeof(msg));
	ret = save_outcome(app, "ledger attach", &x, rc, (int)version, msg, v.json, out, err);
	if (ret == CMD_OK && !v.json)
		fprintf(out, _("%s stored in record %" PRId64 ", now version %d\n"), ops[3], x.r.id, x.r.version);
	else if (ret == CMD_OK)
		ret = print_json(record_json(x.t, &x.r), out);
out:
	target_close(&x);
	return ret;
}

static const struct option file_opts[] = { { NULL, 0, NULL, 0 } };

int cmd_ledger_file(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	char msg[BR_MSG_MAX], name[128], *ops[3] = { 0 };
	int ret, f;

	if (parse_opts_operands("ledger file", argc, argv, file_opts, &v, ops, 3, err) < 0) {
		usage_line(err, "ledger file");
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger file", ops[0], ops[1], &x, err)))
		goto out;
	ret = CMD_FAIL;
	if ((f = field_arg(app, "ledger file", x.t, ops[2], err)) < 0)
		goto out;
	if (service_ledger_file(app, x.t, x.id, f, out, name, msg, sizeof(msg))) {
		fprintf(err, "bursar: ledger file: %s\n", msg);
		goto out;
	}
	ret = CMD_OK;
out:
	target_close(&x);
	return ret;
}

/* ---- import and export ---- */

int cmd_ledger_import(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	struct ledger_import r = { 0 };
	char msg[BR_MSG_MAX], *name = NULL, *data = NULL;
	json_t *problems = NULL;
	size_t len = 0;
	int ret, rc;

	if (parse_opts_operands("ledger import", argc, argv, json_only, &v, &name, 1, err) < 0) {
		usage_line(err, "ledger import");
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger import", name, NULL, &x, err)))
		goto out;
	ret = CMD_FAIL;
	if (!(data = import_input(app, "ledger import", &len, err)))
		goto out;
	rc = service_ledger_import(app, x.t, data, len, &r, msg, sizeof(msg));
	problems = import_problems(err, v.json, r.problems, r.nproblems);
	if (v.json)
		print_json(json_pack("{s:b, s:s, s:i, s:i, s:O}", "imported", rc == BR_OK, "ledger", x.t->id, "rows",
				     r.rows, "records", rc ? 0 : r.added, "problems", problems),
			   out);
	if (rc) {
		fprintf(err, "bursar: ledger import: %s\n", msg);
		goto out;
	}
	if (!v.json)
		fprintf(
		    out,
		    ngettext("Imported %d record into %s\n", "Imported %d records into %s\n", (unsigned long)r.added),
		    r.added, ledger_title(x.t, app_language(app)));
	ret = CMD_OK;
out:
	json_decref(problems);
	ledger_import_release(&r);
	free(data);
	target_close(&x);
	return ret;
}

int cmd_ledger_export(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_target x = { 0 };
	struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	struct ledger_query q;
	char msg[BR_MSG_MAX], *name = NULL;
	int64_t rows = 0;
	int ret;

	if (parse_opts_operands("ledger export", argc, argv, export_opts, &v, &name, 1, err) < 0) {
		usage_line(err, "ledger export");
		return CMD_USAGE;
	}
	if (!v.format || (strcmp(v.format, "csv") && strcmp(v.format, "xlsx"))) {
		fprintf(err, _("bursar: ledger export: --format must be csv or xlsx\n"));
		return CMD_USAGE;
	}
	if ((ret = target_open(app, "ledger export", name, NULL, &x, err)))
		goto out;
	if ((ret = query_open(app, "ledger export", x.t, &v, conds, &q, err)))
		goto out;
	if (service_ledger_export(app, &q, v.format, out, &rows, msg, sizeof(msg))) {
		fprintf(err, "bursar: ledger export: %s\n", msg);
		ret = CMD_FAIL;
		goto out;
	}
	ret = fflush(out) ? CMD_FAIL : CMD_OK;
out:
	target_close(&x);
	return ret;
}

/* ---- reminders ---- */

/* The record's first field's value, which names it in most ledgers (合同编号, 物品...). */
static const char *reminder_value(const struct ledger_reminder *m)
{
	return m->t->nfields ? m->record.values[0] : "";
}

int cmd_reminders(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct ledger_set set = { 0 };
	struct reminder_list l = { 0 };
	const char *lang = app_language(app);
	char msg[BR_MSG_MAX];
	int ret = CMD_FAIL, w[3] = { 0 };

	if (parse_opts("reminders", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "reminders");
		return CMD_USAGE;
	}
	if (service_ledgers_load(app, &set) < 0) {
		fprintf(err, _("bursar: reminders: cannot read the ledgers\n"));
		goto out;
	}
	if (service_reminders(app, &set, &l, msg, sizeof(msg))) {
		fprintf(err, "bursar: reminders: %s\n", msg);
		goto out;
	}
	if (v.json) {
		json_t *arr = json_array();
		for (int i = 0; i < l.n; i++) {
			const struct ledger_reminder *m = &l.items[i];
			json_array_append_new(
			    arr,
			    json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o}", "ledger", m->t->id, "ledger_title",
				      ledger_title(m->t, lang), "rule", m->rule->name, "label",
				      ledger_rule_label(m->rule, lang), "record", (json_int_t)m->record.id, "value",
				      value_json(m->t->nfields ? &m->t->fields[0] : NULL, reminder_value(m)), "due",
				      m->due[0] ? json_string(m->due) : json_null(), "days",
				      m->due[0] ? json_integer(m->days) : json_null()));
		}
		ret = print_json(arr, out);
		goto out;
	}
	for (int i = 0; i < l.n; i++) {
		const char *cols[3] = { ledger_title(l.items[i].t, lang), ledger_rule_label(l.items[i].rule, lang),
					reminder_value(&l.items[i]) };
		for (int k = 0; k < 3; k++) {
			int cw = text_width(cols[k]);
			w[k] = cw > w[k] ? cw : w[k];
			w[k] = w[k] > CELL_COLS ? CELL_COLS : w[k];
		}
	}
	for (int i = 0; i < l.n; i++) {
		const struct ledger_reminder *m = &l.items[i];
		char *value = cell_text(reminder_value(m));
		cell_print(out, ledger_title(m->t, lang), w[0], false);
		fputs("  ", out);
		cell_print(out, ledger_rule_label(m->rule, lang), w[1], false);
		fprintf(out, "  #%-6" PRId64 " ", m->record.id);
		cell_print(out, value, w[2], false);
		free(value);
		if (!m->due[0])
			fputc('\n', out);
		else if (m->days == 0)
			fprintf(out, _("  %s  today\n"), m->due);
		else if (m->days < 0)
			fprintf(out, ngettext("  %s  %d day ago\n", "  %s  %d days ago\n", (unsigned long)-m->days),
				m->due, -m->days);
		else
			fprintf(out, ngettext("  %s  in %d day\n", "  %s  in %d days\n", (unsigned long)m->days),
				m->due, m->days);
	}
	if (l.n == 0)
		fprintf(out, "%s\n", _("Nothing is due."));
	ret = CMD_OK;
out:
	reminder_list_release(&l);
	ledger_set_release(&set);
	return ret;
}
