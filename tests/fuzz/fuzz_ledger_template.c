/*
 * fuzz_ledger_template.c - ledger_template_parse() on arbitrary ledger
 * templates (forms/ledgers/NAME.md is written by people and parsed at every
 * start-up), then what the rest of the program does with a usable one:
 * finding fields by name and label, binding each reminder's filter, and
 * checking values against every field.
 *
 * Invariants (include/bursar/ledger.h):
 *   - the problem count is never negative; the problem text stays
 *     NUL-terminated in its buffer, is empty when there are no problems and
 *     otherwise starts with the name given;
 *   - a usable template (0 problems) has a title, 1..FORM_MAX_FIELDS
 *     fields with distinct names each found by ledger_field_find(), no
 *     daterange field, a ref on every reference field, editors among its
 *     viewers;
 *   - every reminder names a field of the right kind (a date, or a number
 *     or amount compared with a field of the same type or a constant) and
 *     its where filter binds again; every action takes from a number field
 *     and names a workflow;
 *   - ledger_value_check() returns BR_OK or BR_ERR_INVALID, with a message
 *     on error and a terminated canonical value on success;
 *   - ledger_template_release() frees what the parse allocated (LeakSanitizer).
 */
#include "bursar/err.h"
#include "bursar/ledger.h"

#include "fuzz.h"

static void check_rules(const struct ledger_template *t)
{
	static struct ledger_bound_cond conds[LEDGER_FILTER_MAX];
	char msg[1024];
	int n;

	FUZZ_CHECK(t->nrules >= 0 && t->nrules <= LEDGER_MAX_RULES);
	for (int i = 0; i < t->nrules; i++) {
		const struct ledger_rule *r = &t->rules[i];
		FUZZ_CHECK(r->name[0] != '\0');
		FUZZ_CHECK(r->field >= 0 && r->field < t->nfields);
		if (r->kind == LEDGER_RULE_DATE) {
			FUZZ_CHECK(t->fields[r->field].type == FIELD_DATE);
			FUZZ_CHECK(r->within >= 0 && r->within <= 3660);
		} else {
			enum field_type type = t->fields[r->field].type;
			FUZZ_CHECK(r->kind == LEDGER_RULE_BELOW);
			FUZZ_CHECK(type == FIELD_NUMBER || type == FIELD_MONEY);
			FUZZ_CHECK(r->limit_field >= -1 && r->limit_field < t->nfields);
			if (r->limit_field >= 0)
				FUZZ_CHECK(t->fields[r->limit_field].type == type);
		}
		FUZZ_CHECK(r->where.n >= 0 && r->where.n <= LEDGER_FILTER_MAX);
		/* it bound when the template was read, so it binds now, in either language */
		FUZZ_CHECK(ledger_filter_bind(t, &r->where, conds, &n, "zh_CN", msg, sizeof(msg)) == BR_OK);
		FUZZ_CHECK(n == r->where.n);
		for (int k = 0; k < n; k++)
			FUZZ_CHECK(conds[k].field >= -1 && conds[k].field < t->nfields);
		FUZZ_CHECK(ledger_filter_bind(t, &r->where, conds, &n, "en", msg, sizeof(msg)) == BR_OK);
		FUZZ_CHECK(ledger_rule_label(r, "en") != NULL);
	}
	FUZZ_CHECK(t->nactions >= 0 && t->nactions <= LEDGER_MAX_ACTIONS);
	for (int i = 0; i < t->nactions; i++) {
		const struct ledger_action *a = &t->actions[i];
		FUZZ_CHECK(a->name[0] != '\0' && a->workflow[0] != '\0');
		FUZZ_CHECK(a->field >= 0 && a->field < t->nfields);
		FUZZ_CHECK(t->fields[a->field].type == FIELD_NUMBER);
	}
}

/* Every field against a value taken from the input itself (its first line). */
static void check_values(const struct ledger_template *t, const char *text)
{
	static char out[LEDGER_VALUE_BYTES];
	char value[256], msg[512];
	size_t len = strcspn(text, "\n");

	snprintf(value, sizeof(value), "%.*s", (int)len, text);
	for (int i = 0; i < t->nfields; i++) {
		int rc;
		msg[0] = '\0';
		rc = ledger_value_check(&t->fields[i], value, out, sizeof(out), "en", msg, sizeof(msg));
		FUZZ_CHECK(rc == BR_OK || rc == BR_ERR_INVALID);
		if (rc)
			FUZZ_CHECK(msg[0] != '\0');
		else
			FUZZ_CHECK(fuzz_terminated(out, sizeof(out)));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	static struct ledger_template t;
	char errs[1024];
	int n;

	errs[0] = '\0';
	n = ledger_template_parse("t.md", text, &t, errs, sizeof(errs));
	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK(fuzz_terminated(errs, sizeof(errs)));
	FUZZ_CHECK(t.help != NULL);
	if (n == 0) {
		FUZZ_CHECK(errs[0] == '\0');
		FUZZ_CHECK(t.title_zh[0] != '\0');
		FUZZ_CHECK(t.nfields > 0 && t.nfields <= FORM_MAX_FIELDS);
		FUZZ_CHECK((t.view_roles & t.edit_roles) == t.edit_roles);
		FUZZ_CHECK(!t.builtin);
		for (int i = 0; i < t.nfields; i++) {
			const struct form_field *f = &t.fields[i];
			FUZZ_CHECK(f->name[0] != '\0');
			FUZZ_CHECK(f->type != FIELD_DATERANGE);
			FUZZ_CHECK((f->type == FIELD_REFERENCE) == (f->ref[0] != '\0'));
			FUZZ_CHECK(ledger_field_find(&t, f->name) == i);
			FUZZ_CHECK(ledger_field_find(&t, f->label_zh) >= 0);
			if (f->label_en[0])
				FUZZ_CHECK(ledger_field_find(&t, f->label_en) >= 0);
		}
		FUZZ_CHECK(ledger_field_find(&t, "") == -1);
		check_rules(&t);
		check_values(&t, text);
	} else {
		FUZZ_CHECK(strncmp(errs, "t.md:", 5) == 0);
	}
	ledger_template_release(&t);
	FUZZ_CHECK(t.help == NULL);
	free(text);
	return 0;
}
