/*
 * export.c - the voucher export commands: run the exporter now, list and
 * show batches, and write a batch again byte for byte.
 */
#include "internal.h"
#include "bursar/err.h"
#include "bursar/export.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>

static const struct option format_json[] = { { "json", no_argument, NULL, 'j' },
					     { "format", required_argument, NULL, 'f' },
					     { NULL, 0, NULL, 0 } };

int cmd_export_run(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct export_report r;
	char msg[BR_MSG_MAX];
	int ret;

	if (parse_opts("export run", argc, argv, format_json, &v, err) < 0) {
		usage_line(err, "export run");
		return CMD_USAGE;
	}
	ret = export_run(app->cfg, app->store, v.format, app->user->uid, &r, msg, sizeof(msg));
	if (ret) {
		fprintf(err, "bursar: export run: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json)
		return print_json(json_pack("{s:i, s:i, s:i, s:i, s:s}", "batches", r.batches, "vouchers", r.vouchers,
					    "files", r.files, "skipped", r.skipped, "skipped_reason", r.skipped_msg),
				  out);
	fprintf(out, _("Exported %d voucher(s) in %d batch(es), %d file(s) written\n"), r.vouchers, r.batches, r.files);
	if (r.skipped)
		fprintf(out, _("%d approved claim(s) left: %s\n"), r.skipped, r.skipped_msg);
	return CMD_OK;
}

struct batch_print {
	FILE *out;
	json_t *arr;
};

static int batch_one(const struct export_batch_row *b, void *arg)
{
	struct batch_print *p = arg;

	if (p->arr) {
		json_array_append_new(p->arr, json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s}", "batch", (json_int_t)b->id,
							"created_at", b->created_at, "actor", b->actor, "vouchers",
							b->nvouchers, "first", b->first, "last", b->last, "formats",
							b->formats));
		return 0;
	}
	fprintf(p->out, "%6lld  %.19s  %5d  %s .. %s  %s\n", (long long)b->id, b->created_at, b->nvouchers, b->first,
		b->last, b->formats);
	return 0;
}

int cmd_export_list(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct batch_print p = { out, NULL };
	int ret;

	if (parse_opts("export list", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "export list");
		return CMD_USAGE;
	}
	if (v.json)
		p.arr = json_array();
	if ((ret = store_export_batches(app->store, 0, batch_one, &p))) {
		json_decref(p.arr);
		fprintf(err, _("bursar: export list: cannot read the batches (%s)\n"), br_strerror(ret));
		return CMD_FAIL;
	}
	return p.arr ? print_json(p.arr, out) : CMD_OK;
}

static int batch_arg(const char *name, const char *ref, int64_t *id, FILE *err)
{
	long n;

	if (str_to_int(ref, 1, INT32_MAX, &n)) {
		fprintf(err, _("bursar: %s: `%s` is not a batch number (see: export list)\n"), name, ref);
		return -1;
	}
	*id = n;
	return 0;
}

int cmd_export_show(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct voucher_settings set;
	struct voucher *vs = NULL;
	char *ref, created[32];
	int64_t id;
	int n = 0, ret;
	json_t *arr = NULL;

	if (parse_opts_operands("export show", argc, argv, json_only, &v, &ref, 1, err) < 0) {
		usage_line(err, "export show");
		return CMD_USAGE;
	}
	if (batch_arg("export show", ref, &id, err))
		return CMD_USAGE;
	if ((ret = store_export_load(app->store, id, created, &set, &vs, &n))) {
		fprintf(err, ret == BR_ERR_NOT_FOUND ? _("bursar: export show: there is no batch %s\n")
						     : _("bursar: export show: cannot read batch %s\n"),
			ref);
		return CMD_FAIL;
	}
	if (v.json)
		arr = json_array();
	else
		fprintf(out, _("Batch %lld, %.19s, %d voucher(s)\n"), (long long)id, created, n);
	for (int i = 0; i < n; i++) {
		char label[64], a[32], b[32];
		json_t *lines = NULL;
		voucher_label(&vs[i], label, sizeof(label));
		if (arr)
			lines = json_array();
		else
			fprintf(out, "\n%s %s  %s  %s\n", vs[i].period, label, vs[i].claim, vs[i].summary);
		for (int k = 0; k < vs[i].nlines; k++) {
			const struct voucher_line *l = &vs[i].lines[k];
			if (lines)
				json_array_append_new(lines, json_pack("{s:s, s:s, s:o, s:o}", "account", l->account,
								       "account_name", l->account_name, "debit",
								       money_json(l->debit), "credit",
								       money_json(l->credit)));
			else
				fprintf(out, "  %-10s %-24s %14s %14s\n", l->account, l->account_name,
					l->debit ? money_format(l->debit, a, sizeof(a), MONEY_GROUP) : "",
					l->credit ? money_format(l->credit, b, sizeof(b), MONEY_GROUP) : "");
		}
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "voucher", label, "period",
							     vs[i].period, "date", vs[i].date, "claim", vs[i].claim,
							     "summary", vs[i].summary, "lines", lines));
	}
	store_vouchers_free(vs, n);
	if (arr)
		return print_json(json_pack("{s:I, s:s, s:o}", "batch", (json_int_t)id, "created_at", created,
					    "vouchers", arr),
				  out);
	return CMD_OK;
}

int cmd_export_replay(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	const struct export_format *fmts[16];
	struct opt_values v = { 0 };
	char *ref, msg[BR_MSG_MAX];
	int64_t id;
	int nf;

	if (parse_opts_operands("export replay", argc, argv, format_json, &v, &ref, 1, err) < 0) {
		usage_line(err, "export replay");
		return CMD_USAGE;
	}
	if (batch_arg("export replay", ref, &id, err))
		return CMD_USAGE;
	if ((nf = export_formats_parse(v.format ? v.format : app->cfg->export_.formats, fmts, 16, msg, sizeof(msg))) <
	    0) {
		fprintf(err, "bursar: export replay: %s\n", msg);
		return CMD_USAGE;
	}
	for (int i = 0; i < nf; i++) {
		char sha[65];
		if (export_replay(app->cfg, app->store, id, fmts[i], sha, msg, sizeof(msg))) {
			fprintf(err, "bursar: export replay: %s\n", msg);
			return CMD_FAIL;
		}
		fprintf(out, _("Batch %lld in %s written again: sha256 %s\n"), (long long)id, fmts[i]->name, sha);
	}
	return CMD_OK;
}

/* ---- the account mapping and settings ---- */

int cmd_accounts_list(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	static const char *const special[] = { "payable", "input_vat", "bank" };
	struct opt_values v = { 0 };
	struct category_set cats = { 0 };
	struct voucher_settings set;
	char msg[BR_MSG_MAX], key[48];
	json_t *arr = NULL;

	if (parse_opts("accounts list", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "accounts list");
		return CMD_USAGE;
	}
	if (service_accounts(app, &cats, &set, msg, sizeof(msg))) {
		fprintf(err, "bursar: accounts list: %s\n", msg);
		return CMD_FAIL;
	}
	if (v.json)
		arr = json_array();
	for (int i = 0; i < cats.n; i++) {
		const struct category *c = &cats.items[i];
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "code", c->code, "kind", "category",
							     "account", c->account, "name", c->account_name));
		else
			fprintf(out, "%-16s %-10s %s\n", c->code, c->account, c->account_name);
	}
	for (size_t i = 0; i < ARRAY_SIZE(special); i++) {
		snprintf(key, sizeof(key), "%s_name", special[i]);
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "code", special[i], "kind", "export",
							     "account", voucher_settings_get(&set, special[i]), "name",
							     voucher_settings_get(&set, key)));
		else
			fprintf(out, "%-16s %-10s %s\n", special[i], voucher_settings_get(&set, special[i]),
				voucher_settings_get(&set, key));
	}
	category_set_release(&cats);
	return arr ? print_json(arr, out) : CMD_OK;
}

int cmd_accounts_import(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct accounts_import r;
	char msg[BR_MSG_MAX];
	json_t *problems = NULL;
	size_t len = 0;
	char *data;
	int ret;

	if (parse_opts("accounts import", argc, argv, json_only, &v, err) < 0) {
		usage_line(err, "accounts import");
		return CMD_USAGE;
	}
	if (!(data = import_input(app, "accounts import", &len, err)))
		return CMD_FAIL;
	ret = service_accounts_import(app, data, len, &r, msg, sizeof(msg));
	free(data);
	problems = import_problems(err, v.json, r.problems, r.nproblems);
	if (v.json)
		print_json(json_pack("{s:b, s:i, s:i, s:o}", "imported", ret == BR_OK, "rows", r.rows, "accounts",
				     ret ? 0 : r.n, "problems", problems),
			   out);
	accounts_import_release(&r);
	if (ret) {
		fprintf(err, "bursar: accounts import: %s\n", msg);
		return CMD_FAIL;
	}
	if (!v.json)
		fprintf(out, _("Imported %d account(s)\n"), r.n);
	return CMD_OK;
}

int cmd_export_settings(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	struct opt_values v = { 0 };
	struct category_set cats = { 0 };
	struct voucher_settings set;
	char msg[BR_MSG_MAX];
	int first;

	if ((first = parse_opts_any("export settings", argc, argv, json_only, &v, err)) < 0) {
		usage_line(err, "export settings");
		return CMD_USAGE;
	}
	/* every KEY=VALUE checked before any is set: all of them or none */
	for (int i = first; i < argc; i++) {
		struct voucher_settings probe;
		const char *why;
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(err, _("bursar: export settings: `%s` is not KEY=VALUE\n"), argv[i]);
			return CMD_USAGE;
		}
		*eq = '\0';
		voucher_settings_default(&probe);
		if ((why = voucher_settings_set(&probe, argv[i], eq + 1))) {
			fprintf(err, "bursar: export settings: %s: %s\n", argv[i], _(why));
			return CMD_FAIL;
		}
	}
	for (int i = first; i < argc; i++)
		if (service_export_setting_set(app, argv[i], argv[i] + strlen(argv[i]) + 1, msg, sizeof(msg))) {
			fprintf(err, "bursar: export settings: %s\n", msg);
			return CMD_FAIL;
		}
	if (service_accounts(app, &cats, &set, msg, sizeof(msg))) {
		fprintf(err, "bursar: export settings: %s\n", msg);
		return CMD_FAIL;
	}
	category_set_release(&cats);
	if (v.json) {
		json_t *j = json_object();
		for (int i = 0; voucher_setting_keys[i]; i++)
			json_object_set_new(j, voucher_setting_keys[i],
					    json_string(voucher_settings_get(&set, voucher_setting_keys[i])));
		return print_json(j, out);
	}
	for (int i = 0; voucher_setting_keys[i]; i++)
		fprintf(out, "%-16s %s\n", voucher_setting_keys[i], voucher_settings_get(&set, voucher_setting_keys[i]));
	return CMD_OK;
}
