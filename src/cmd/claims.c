/*
 * claims.c - the claim commands: create, update, show, list, submit,
 * withdraw, delete and attach.  Input is JSON with amounts as decimal
 * strings; every change goes through the claim service.
 */
#include "internal.h"

#include "bursar/claim.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>

static const struct option json_status_all[] = { { "json", no_argument, NULL, 'j' },
						 { "status", required_argument, NULL, 's' },
						 { "all", no_argument, NULL, 'a' },
						 { NULL, 0, NULL, 0 } };
static const struct option json_line[] = { { "json", no_argument, NULL, 'j' },
					   { "line", required_argument, NULL, 'l' },
					   { NULL, 0, NULL, 0 } };

static int string_member(json_t *obj, const char *key, const char *path, char *out, size_t size, bool required,
			 char *msg, size_t msize)
{
	json_t *v = json_object_get(obj, key);

	if (!v) {
		if (required)
			snprintf(msg, msize, _("field `%s%s` is required"), path, key);
		return required ? -1 : 0;
	}
	if (!json_is_string(v)) {
		snprintf(msg, msize, _("field `%s%s` must be a string"), path, key);
		return -1;
	}
	if (strlen(json_string_value(v)) >= size) {
		snprintf(msg, msize, _("field `%s%s` is too long"), path, key);
		return -1;
	}
	str_copy(out, json_string_value(v), size);
	return 0;
}

static bool keys_known(json_t *obj, const char *const *known, const char *path, char *msg, size_t size)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v)
	{
		bool ok = false;
		for (int i = 0; known[i] && !ok; i++)
			ok = !strcmp(known[i], key);
		if (!ok) {
			snprintf(msg, size, _("unknown field `%s%s`"), path, key);
			return false;
		}
	}
	return true;
}

static int line_from_json(json_t *o, int index, struct claim_line *l, char *msg, size_t size)
{
	static const char *const known[] = { "category", "date", "amount", "description", "invoice", NULL };
	char path[48], amount[64] = "";
	const char *why = NULL;
	json_t *inv;

	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "lines[%d].", index);
	if (!json_is_object(o)) {
		snprintf(msg, size, _("field `lines[%d]` must be an object"), index);
		return -1;
	}
	if (!keys_known(o, known, path, msg, size) ||
	    string_member(o, "category", path, l->category, sizeof(l->category), true, msg, size) ||
	    string_member(o, "date", path, l->date, sizeof(l->date), false, msg, size) ||
	    string_member(o, "amount", path, amount, sizeof(amount), false, msg, size) ||
	    string_member(o, "description", path, l->description, sizeof(l->description), false, msg, size))
		return -1;
	if ((inv = json_object_get(o, "invoice"))) {
		char ipath[64];
		snprintf(ipath, sizeof(ipath), "%sinvoice.", path);
		if (invoice_from_json(inv, ipath, &l->invoice, msg, size))
			return -1;
		l->has_invoice = true;
	}
	/* An invoiced line defaults to the invoice's total and date. */
	if (amount[0]) {
		if (money_parse(amount, &l->amount, &why)) {
			snprintf(msg, size, _("field `%samount`: %s (\"%s\")"), path, _(why), amount);
			return -1;
		}
	} else if (l->has_invoice) {
		l->amount = l->invoice.total;
	} else {
		snprintf(msg, size, _("field `%samount` is required"), path);
		return -1;
	}
	if (!l->date[0] && l->has_invoice)
		str_copy(l->date, l->invoice.date, sizeof(l->date));
	if (!l->date[0]) {
		snprintf(msg, size, _("field `%sdate` is required"), path);
		return -1;
	}
	return 0;
}

int claim_from_json(json_t *root, struct claim *c, bool need_form, char *msg, size_t size)
{
	static const char *const known[] = { "form", "title", "fields", "lines", NULL };
	json_t *fields = json_object_get(root, "fields"), *lines = json_object_get(root, "lines"), *v;
	const char *key;
	size_t i;

	if (!keys_known(root, known, "", msg, size) ||
	    string_member(root, "form", "", c->form, sizeof(c->form), need_form, msg, size) ||
	    string_member(root, "title", "", c->title, sizeof(c->title), true, msg, size))
		return -1;
	if (fields && !json_is_object(fields)) {
		snprintf(msg, size, _("field `fields` must be an object of name: value"));
		return -1;
	}
	for (int k = c->nvalues - 1; k >= 0; k--)
		claim_set_value(c, c->values[k].name, NULL);
	json_object_foreach(fields, key, v)
	{
		char num[32];
		if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		else if (!json_is_string(v) || strlen(json_string_value(v)) > CLAIM_VALUE_MAX) {
			snprintf(msg, size, _("field `fields.%s` must be a string of at most %d bytes"), key,
				 CLAIM_VALUE_MAX);
			return -1;
		}
		if (!claim_set_value(c, key, json_is_integer(v) ? num : json_string_value(v))) {
			snprintf(msg, size, _("unknown field `fields.%s`"), key);
			return -1;
		}
	}
	if (!json_is_array(lines)) {
		snprintf(msg, size, _("field `lines` must be an array of lines"));
		return -1;
	}
	if (json_array_size(lines) > CLAIM_MAX_LINES) {
		snprintf(msg, size, _("field `lines`: at most %d lines"), CLAIM_MAX_LINES);
		return -1;
	}
	c->nlines = 0;
	json_array_foreach(lines, i, v)
	{
		struct claim_line l;
		if (line_from_json(v, (int)i, &l, msg, size))
			return -1;
		claim_add_line(c, &l);
	}
	return 0;
}

json_t *money_json(int64_t fen)
{
	char buf[32];

	return json_string(money_format(fen, buf, sizeof(buf), 0));
}

/* What each line leaves in its budget node (service_budget_preview); NULL if it cannot be read. */
static struct budget_line_view *budget_views(struct app *app, const struct claim *c)
{
	struct budget_line_view *v = xcalloc((size_t)c->nlines + 1, sizeof(*v));

	if (service_budget_preview(app, c, v)) {
		free(v);
		return NULL;
	}
	return v;
}

static json_t *budget_view_json(const struct budget_line_view *v)
{
	if (v->node < 0)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:o}", "node", v->label, "period", v->period, "mode",
			 budget_mode_name(v->mode), "frozen", v->frozen, "over_limit", v->over_limit, "left",
			 money_json(v->left));
}

static json_t *claim_json(struct app *app, const struct claim *c)
{
	struct budget_line_view *bv = budget_views(app, c);
	json_t *fields = json_object(), *lines = json_array(), *findings = json_array(), *atts = json_array();
	json_t *j;

	for (int i = 0; i < c->nvalues; i++)
		json_object_set_new(fields, c->values[i].name, json_string(c->values[i].value));
	for (int i = 0; i < c->nlines; i++) {
		const struct claim_line *l = &c->lines[i];
		json_t *lj =
		    json_pack("{s:i, s:s, s:s, s:o, s:o, s:s, s:i}", "line", i + 1, "category", l->category, "date",
			      l->date, "amount", money_json(l->amount), "deductible", money_json(l->deductible),
			      "description", l->description, "attachments", l->nattachments);
		if (l->has_invoice) {
			char key[64];
			invoice_dedup_key(l->invoice.code, l->invoice.number, key, sizeof(key));
			json_object_set_new(lj, "invoice",
					    json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "key", key, "kind",
						      invoice_kind_name(l->invoice.kind), "number", l->invoice.number,
						      "date", l->invoice.date, "total", money_json(l->invoice.total),
						      "tax", money_json(l->invoice.tax), "seller",
						      l->invoice.seller_name));
		}
		if (bv)
			json_object_set_new(lj, "budget", budget_view_json(&bv[i]));
		json_array_append_new(lines, lj);
	}
	free(bv);
	for (int i = 0; i < c->nfindings; i++) {
		const struct claim_finding *f = &c->findings[i];
		json_array_append_new(findings, json_pack("{s:s, s:s, s:i, s:s, s:s}", "level",
							  f->level == FINDING_ERROR ? "block" : "warn", "rule", f->rule,
							  "line", f->line, "field", f->field, "message", f->message));
	}
	for (int i = 0; i < c->nattachments; i++) {
		const struct claim_attachment *a = &c->attachments[i];
		json_array_append_new(atts,
				      json_pack("{s:I, s:i, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)a->id, "line",
						a->line, "name", a->name, "type", a->type, "size", (json_int_t)a->size,
						"sha256", a->sha256, "created_at", a->created_at));
	}
	j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "id", (json_int_t)c->id, "number",
		      c->number, "form", c->form, "title", c->title, "owner", c->owner, "status",
		      claim_status_name(c->status), "step", c->step, "total", money_json(c->total), "deductible",
		      money_json(c->deductible), "created_at", c->created_at, "updated_at", c->updated_at,
		      "submitted_at", c->submitted_at);
	json_object_set_new(j, "voucher", json_string(c->voucher));
	json_object_set_new(j, "payment", json_string(c->payment));
	json_object_set_new(j, "department", json_string(c->department));
	json_object_set_new(j, "fields", fields);
	json_object_set_new(j, "lines", lines);
	json_object_set_new(j, "findings", findings);
	json_object_set_new(j, "attachments", atts);
	return j;
}

static void print_findings(const struct claim *c, FILE *out)
{
	for (int i = 0; i < c->nfindings; i++) {
		const struct claim_finding *f = &c->findings[i];
		char where[48] = "";
		if (f->line)
			snprintf(where, sizeof(where), _("line %d "), f->line);
		fprintf(out, "  [%s] %s%s%s%s\n", f->level == FINDING_ERROR ? _("block") : _("warn"), where, f->field,
			f->field[0] || where[0] ? ": " : "", f->message);
	}
}

static void print_claim(struct app *app, const struct claim *c, const struct form *f, FILE *out)
{
	const char *lang = app_language(app);
	struct budget_line_view *bv;
	char a[64], b[64], cat[64], desc[128], inv[40];

	fprintf(out, "%s  %s  [%s]\n", c->number, c->title, _(claim_status_label(c->status)));
	if (c->voucher[0])
		fprintf(out, _("Voucher: %s\n"), c->voucher);
	if (c->payment[0])
		fprintf(out, _("Paid: %s\n"), strcmp(c->payment, "advance") ? c->payment : _("by the advance"));
	fprintf(out, _("Form: %s   Owner: %s (%s)   Created: %.16s\n"), f ? form_title(f, lang) : c->form,
		c->owner_name[0] ? c->owner_name : c->owner, c->owner, c->created_at);
	for (int i = 0; f && i < f->nfields; i++) {
		const char *v = claim_value(c, f->fields[i].name);
		char label[64];
		text_fit(label, sizeof(label), form_field_label(&f->fields[i], lang), 14, 1, 1);
		fprintf(out, "  %s %s\n", label, *v ? v : "-");
	}
	fprintf(out, "\n  #  %s %s %s %s %s %s\n", text_fit(cat, sizeof(cat), _("Category"), 14, 1, 1) ? cat : "",
		_("Date      "), text_fit(a, sizeof(a), _("Amount"), 12, 1, 1) ? a : "",
		text_fit(b, sizeof(b), _("Deductible"), 10, 1, 1) ? b : "",
		text_fit(inv, sizeof(inv), _("Invoice"), 20, 1, 1) ? inv : "", _("Description"));
	for (int i = 0; i < c->nlines; i++) {
		const struct claim_line *l = &c->lines[i];
		char key[64] = "-", amt[32], ded[32];
		if (l->has_invoice)
			invoice_dedup_key(l->invoice.code, l->invoice.number, key, sizeof(key));
		text_fit(cat, sizeof(cat), l->category, 14, 1, 1);
		text_fit(inv, sizeof(inv), key, 20, 1, 1);
		text_fit(desc, sizeof(desc), l->description, 40, 0, 1);
		fprintf(out, "%3d  %s %s %12s %10s %s %s\n", i + 1, cat, l->date,
			money_format(l->amount, amt, sizeof(amt), MONEY_GROUP),
			money_format(l->deductible, ded, sizeof(ded), MONEY_GROUP), inv, desc);
	}
	fprintf(out, _("\nTotal %s, deductible input VAT %s\n"),
		money_format(c->total, a, sizeof(a), MONEY_GROUP | MONEY_SYMBOL),
		money_format(c->deductible, b, sizeof(b), MONEY_GROUP | MONEY_SYMBOL));
	if ((bv = budget_views(app, c)) && c->nlines) {
		fprintf(out, "%s\n", _("Budgets:"));
		for (int i = 0; i < c->nlines; i++) {
			const struct budget_line_view *v = &bv[i];
			if (v->node < 0)
				fprintf(out, _("  line %d: no budget counts it\n"), i + 1);
			else
				fprintf(out, _("  line %d: %s %s (%s%s): %s left\n"), i + 1, v->label, v->period,
					_(budget_mode_label(v->mode)), v->frozen ? _(", frozen") : "",
					money_format(v->left, a, sizeof(a), MONEY_GROUP));
		}
	}
	free(bv);
	if (c->nfindings) {
		fprintf(out, _("Findings:\n"));
		print_findings(c, out);
	}
	if (c->nattachments) {
		fprintf(out, _("Attachments:\n"));
		for (int i = 0; i < c->nattachments; i++) {
			const struct claim_attachment *at = &c->attachments[i];
			fprintf(out, "  %s  %s  %lld B  %s  sha256:%.16s\n", at->name, at->type, (long long)at->size,
				at->line ? str_printf(a, sizeof(a), _("line %d"), at->line) : _("whole claim"),
				at->sha256);
		}
	}
}

/* Prints c as JSON or text (with its form); returns CMD_OK. */
static int show(struct app *app, const struct form_set *forms, const struct claim *c, bool json, FILE *out)
{
	if (json)
		return print_json(claim_json(app, c), out);
	print_claim(app, c, form_set_find(forms, c->form), out);
	return CMD_OK;
}

static int create_or_update(struct app *app, int argc, char **argv, FILE *out, FILE *err, bool create)
{
	const char *name = create ? "claim create" : "claim update";
	struct opt_values v = { 0 };
	struct form_set forms = { 0 };
	char msg[BR_MSG_MAX], *ref = NULL;
	struct claim c;
	json_t *root = NULL;
	int ret = CMD_FAIL;

	claim_init(&c);
	if ((create ? parse_opts(name, argc, argv, json_only, &v, err)
		    : parse_opts_operands(name, argc, argv, json_only, &v, &ref, 1, err)) < 0) {
		usage_line(err, name);
		return CMD_USAGE;
	}
	if (service_forms_load(app, &forms)) {
		fprintf(err, _("bursar: %s: cannot read the claim forms\n"), name);
		goto out;
	}
	if (!create && service_claim_load(app, ref, &c, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", name, msg);
		goto out;
	}
	if (!(root = read_json_object(app, name, err)))
		goto out;
	if (claim_from_json(root, &c, create, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", name, msg);
		goto out;
	}
	if (service_claim_save(app, &forms, &c, true, msg, sizeof(msg))) {
		fprintf(err, "bursar: %s: %s\n", name, msg);
		goto out;
	}
	if (!v.json) {
		char total[32];
		fprintf(out, create ? _("Created draft %s, total %s\n") : _("Saved draft %s, total %s\n"), c.number,
			money_format(c.total, total, sizeof(total), MONEY_GROUP | MONEY_SYMBOL));
		print_findings(&c, out);
		ret = CMD_OK;
		goto out;
	}
	ret = print_json(claim_json(app, &c), out);
out:
	json_decref(root);
	claim_release(&c);
	form_set_release(&forms);
	return ret;
}

int cmd_claim_create(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return create_or_update(app, argc, argv, out, err, true);
}

int cmd_claim_update(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return create_or_update(app, argc, argv, out, err, false);
}

int cmd_claim_show(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct form_set forms = { 0 };
	char msg[BR_MSG_MAX], *ref = NULL;
	struct claim c;
	int ret = CMD_FAIL;

	claim_init(&c);
	if (parse_opts_operands("claim show", argc, argv, json_only, &v, &ref, 1, err) < 0) {
		usage_line(err, "claim show");
		return CMD_USAGE;
	}
	if (service_claim_load(app, ref, &c, msg, sizeof(msg))) {
		fprintf(err, "bursar: claim show: %s\n", msg);
		return CMD_FAIL;
	}
	service_forms_load(app, &forms);
	ret = show(app, &forms, &c, v.json, out);
	claim_release(&c);
	form_set_release(&forms);
	return ret;
}

struct list_print {
	FILE *out;
	json_t *arr;
	int n;
};

static int list_one(const struct claim_summary *c, void *arg)
{
	struct list_print *p = arg;
	char total[32], title[128], status[64], owner[40];

	p->n++;
	if (p->arr) {
		json_array_append_new(
		    p->arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:i, s:i, s:i, "
				      "s:s, s:s, s:s}",
				      "id", (json_int_t)c->id, "number", c->number, "form", c->form, "title", c->title,
				      "owner", c->owner, "status", claim_status_name(c->status), "step", c->step,
				      "total", money_json(c->total), "deductible", money_json(c->deductible), "lines",
				      c->nlines, "blocking", c->nblocking, "warnings", c->nwarnings, "created_at",
				      c->created_at, "submitted_at", c->submitted_at, "voucher", c->voucher));
		return 0;
	}
	text_fit(title, sizeof(title), c->title, 30, 1, 1);
	text_fit(status, sizeof(status), _(claim_status_label(c->status)), 10, 1, 1);
	text_fit(owner, sizeof(owner), c->owner_name, 10, 1, 1);
	fprintf(p->out, "%-14s %-14s %s %s %14s  %.10s  %s\n", c->number, c->form, title, status,
		money_format(c->total, total, sizeof(total), MONEY_GROUP), c->created_at, owner);
	return 0;
}

int cmd_claim_list(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	const unsigned see_all = ROLE_BIT(ROLE_FINANCE) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR);
	struct opt_values v = { 0 };
	struct list_print p = { out, NULL, 0 };
	int status = -1, ret;

	if (parse_opts("claim list", argc, argv, json_status_all, &v, err) < 0) {
		usage_line(err, "claim list");
		return CMD_USAGE;
	}
	if (v.status && (status = claim_status_from_name(v.status)) < 0) {
		fprintf(err,
			_("bursar: claim list: --status must be draft, submitted, approved, rejected, exported or paid, not "
			  "`%s`\n"),
			v.status);
		return CMD_USAGE;
	}
	if (v.all && !(app->user->roles & see_all)) {
		fprintf(err, _("bursar: claim list: --all is for finance, admins and auditors\n"));
		return CMD_FAIL;
	}
	if (v.json)
		p.arr = json_array();
	ret = store_claim_list(app->store, v.all ? NULL : app->user->uid, status, list_one, &p);
	if (ret) {
		json_decref(p.arr);
		fprintf(err, _("bursar: claim list: cannot read claims (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	return p.arr ? print_json(p.arr, out) : CMD_OK;
}

static int move(struct app *app, int argc, char **argv, FILE *out, FILE *err, enum claim_event ev)
{
	const char *name = ev == CLAIM_EV_SUBMIT ? "claim submit" : "claim withdraw";
	struct opt_values v = { 0 };
	struct form_set forms = { 0 };
	char msg[BR_MSG_MAX], *ref = NULL;
	struct claim c;
	int ret = CMD_FAIL, rc;

	claim_init(&c);
	if (parse_opts_operands(name, argc, argv, json_only, &v, &ref, 1, err) < 0) {
		usage_line(err, name);
		return CMD_USAGE;
	}
	if (ev == CLAIM_EV_SUBMIT) {
		if (service_forms_load(app, &forms)) {
			fprintf(err, _("bursar: %s: cannot read the claim forms\n"), name);
			goto out;
		}
		rc = service_claim_submit(app, &forms, ref, &c, msg, sizeof(msg));
	} else {
		rc = service_claim_withdraw(app, ref, &c, msg, sizeof(msg));
	}
	if (rc) {
		fprintf(err, "bursar: %s: %s\n", name, msg);
		if (c.nfindings && claim_has_blocking(&c))
			print_findings(&c, err);
		if (v.json && c.id)
			print_json(claim_json(app, &c), out);
		goto out;
	}
	if (v.json) {
		ret = print_json(claim_json(app, &c), out);
		goto out;
	}
	if (ev == CLAIM_EV_SUBMIT && c.status == CLAIM_APPROVED)
		fprintf(out, _("Submitted %s; approved at once by the workflow's auto-approval rule\n"), c.number);
	else
		fprintf(out, ev == CLAIM_EV_SUBMIT ? _("Submitted %s\n") : _("Withdrew %s; it is a draft again\n"),
			c.number);
	print_findings(&c, out);
	ret = CMD_OK;
out:
	claim_release(&c);
	form_set_release(&forms);
	return ret;
}

int cmd_claim_submit(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return move(app, argc, argv, out, err, CLAIM_EV_SUBMIT);
}

int cmd_claim_withdraw(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	return move(app, argc, argv, out, err, CLAIM_EV_WITHDRAW);
}

int cmd_claim_delete(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	char msg[BR_MSG_MAX], *ref = NULL;

	if (parse_opts_operands("claim delete", argc, argv, json_only, &v, &ref, 1, err) < 0) {
		usage_line(err, "claim delete");
		return CMD_USAGE;
	}
	if (service_claim_delete(app, ref, msg, sizeof(msg))) {
		fprintf(err, "bursar: claim delete: %s\n", msg);
		return CMD_FAIL;
	}
	fprintf(out, _("Deleted draft %s\n"), ref);
	return CMD_OK;
}

int cmd_attach(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct claim_attachment a;
	char msg[BR_MSG_MAX], *ops[2] = { 0 };
	long line = 0;

	if (parse_opts_operands("attach", argc, argv, json_line, &v, ops, 2, err) < 0) {
		usage_line(err, "attach");
		return CMD_USAGE;
	}
	if (v.line && str_to_int(v.line, 0, CLAIM_MAX_LINES, &line)) {
		fprintf(err, _("bursar: attach: --line must be a line number, not `%s`\n"), v.line);
		return CMD_USAGE;
	}
	if (service_attach(app, ops[0], ops[1], (int)line, app->in ? app->in : stdin, &a, msg, sizeof(msg))) {
		fprintf(err, "bursar: attach: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json)
		return print_json(json_pack("{s:I, s:s, s:i, s:s, s:s, s:I, s:s}", "id", (json_int_t)a.id, "claim",
					    ops[0], "line", a.line, "name", a.name, "type", a.type, "size",
					    (json_int_t)a.size, "sha256", a.sha256),
				  out);
	fprintf(out, _("Attached %s (%s, %lld bytes) to %s\n"), a.name, a.type, (long long)a.size, ops[0]);
	return CMD_OK;
}
