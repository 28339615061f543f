/*
 * ledger.h - electronic ledgers (台账): templates declared in Markdown
 * (forms/ledgers/NAME.md, syntax in forms/README.md), their records and
 * versions, reminder rules, and the filter expressions of the ledger
 * browser and `ledger rows --filter`, e.g.
 *
 *     部门=财务部 日期>=2024-01-01 状态=在用 名称~"打印 纸"
 *
 * Conditions are separated by blanks and must all hold.  A condition is a
 * field name, an operator (= != < <= > >= ~, where ~ means "contains";
 * the full-width ＝ and ： mean =) and a value, quoted with "" when it holds
 * blanks (\" and \\ inside quotes).  Pure domain code.
 */
#ifndef BURSAR_LEDGER_H
#define BURSAR_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bursar/form.h"
#include "bursar/user.h"

enum ledger_op { LEDGER_EQ, LEDGER_NE, LEDGER_LT, LEDGER_LE, LEDGER_GT, LEDGER_GE, LEDGER_HAS, LEDGER_OP_COUNT };

#define LEDGER_FILTER_MAX 16
#define LEDGER_FIELD_MAX 64
#define LEDGER_VALUE_MAX 256

struct ledger_cond {
	char field[LEDGER_FIELD_MAX];
	enum ledger_op op;
	char value[LEDGER_VALUE_MAX];
};

struct ledger_filter {
	struct ledger_cond conds[LEDGER_FILTER_MAX];
	int n;
};

/* "=", "!=", "<", "<=", ">", ">=", "~". */
const char *ledger_op_name(enum ledger_op op);

/*
 * Parses text into f (an empty text is an empty filter).  BR_ERR_INVALID
 * with a message saying what is wrong and where (in characters from 1).
 */
int ledger_filter_parse(const char *text, struct ledger_filter *f, char *msg, size_t size);
/* f as text that parses back to the same filter (values quoted when needed). */
void ledger_filter_format(const struct ledger_filter *f, char *out, size_t size);

/*
 * Whether a record's value satisfies c: amounts and whole numbers compare
 * as numbers when both sides are numbers, everything else (ISO dates
 * included) as text; ~ finds the value anywhere, letters in either case.
 */
bool ledger_cond_matches(const struct ledger_cond *c, const char *value);

/* ---- templates ---- */

#define LEDGER_MAX_RULES 8
#define LEDGER_MAX_ACTIONS 4
#define LEDGER_VALUE_BYTES 4096 /* one stored value, at most */

/* Built-in, read-only ledgers over the claims and the invoices. */
#define LEDGER_BUILTIN_CLAIMS "claims"
#define LEDGER_BUILTIN_INVOICES "invoices"

enum ledger_rule_kind {
	LEDGER_RULE_DATE, /* `date: FIELD` falls within `within` days (or has passed) */
	LEDGER_RULE_BELOW /* `below: FIELD < FIELD2` or `FIELD < NUMBER` */
};

/* A reminder rule: which records are due, e.g. contracts ending within 30 days. */
struct ledger_rule {
	char name[FORM_ID_MAX];
	char label_zh[128], label_en[128];
	enum ledger_rule_kind kind;
	int field; /* the date field, or the quantity compared */
	int within; /* days ahead, date rules */
	int limit_field; /* below: the field compared with, or -1 */
	int64_t limit; /* below: a constant (in the field's unit: fen for money) */
	struct ledger_filter where; /* only records matching this (may be empty) */
	int line;
};

/*
 * An action that needs approval, e.g. a requisition from the office
 * supplies: the applicant asks for a quantity, the workflow (a file in
 * forms/workflows) runs in the approvals inbox, and on the final approval
 * the quantity is taken off `field` in the same transaction.
 */
struct ledger_action {
	char name[FORM_ID_MAX];
	char label_zh[128], label_en[128];
	char workflow[FORM_ID_MAX];
	int field; /* a number field, decremented */
	int line;
};

struct ledger_template {
	char id[FORM_ID_MAX]; /* the file name without .md; also names its table */
	char title_zh[128], title_en[128];
	char *help; /* Markdown prose (owned) */
	struct form_field fields[FORM_MAX_FIELDS];
	int nfields;
	unsigned view_roles, edit_roles; /* ROLE_BIT masks; editors may always view */
	struct ledger_rule rules[LEDGER_MAX_RULES];
	int nrules;
	struct ledger_action actions[LEDGER_MAX_ACTIONS];
	int nactions;
	bool builtin; /* claims or invoices: read-only, no history */
};

/*
 * Parses one template (```ledger, ```field, ```reminder and ```action
 * blocks).  Problems are appended to errs as "NAME:LINE: reason"; returns
 * their number, 0 when the template is usable.
 */
int ledger_template_parse(const char *name, const char *text, struct ledger_template *t, char *errs,
			  size_t errs_size);
void ledger_template_release(struct ledger_template *t);
const char *ledger_title(const struct ledger_template *t, const char *lang);
/*
 * The field a name in a filter or an import header means: its name, or its
 * Chinese or English label (letters in either case).  -1 when none.
 */
int ledger_field_find(const struct ledger_template *t, const char *name);
/* Whether roles (a ROLE_BIT mask) may view / edit t. */
bool ledger_can_view(const struct ledger_template *t, unsigned roles);
bool ledger_can_edit(const struct ledger_template *t, unsigned roles);
const char *ledger_rule_label(const struct ledger_rule *r, const char *lang);
const char *ledger_action_label(const struct ledger_action *a, const char *lang);

struct ledger_set {
	struct ledger_template *items; /* the built-ins first, then by id */
	int n;
};
/*
 * Loads every NAME.md in dir (README.md excepted) after the built-in
 * ledgers; a file with problems is left out and named in errs.  A missing
 * dir is not an error (only the built-ins).  Returns the number left out.
 */
int ledger_set_load(struct ledger_set *set, const char *dir, char *errs, size_t errs_size);
/* By id or by title (either language); NULL when none. */
const struct ledger_template *ledger_set_find(const struct ledger_set *set, const char *name);
void ledger_set_release(struct ledger_set *set);

/* ---- records ---- */

/*
 * One record.  Values are text in the canonical form of their field:
 * money "1234.50", number "12", date "2026-01-31", a person's login, a
 * reference as the referenced record's id; "" when empty.
 */
struct ledger_record {
	int64_t id; /* 0 until stored */
	int version; /* 1 when added; each change adds one */
	bool deleted;
	char updated_at[32];
	char updated_by[USER_LOGIN_MAX + 1];
	char *values[FORM_MAX_FIELDS]; /* owned, indexed like the template's fields; never NULL after init */
};

/*
 * Every record must be initialised before use (reads fill an initialised
 * record; copy needs an initialised destination) and released after.
 */
void ledger_record_init(struct ledger_record *r, const struct ledger_template *t);
void ledger_record_release(struct ledger_record *r);
void ledger_record_copy(struct ledger_record *dst, const struct ledger_record *src, const struct ledger_template *t);
/* Replaces value i (copied). */
void ledger_record_set(struct ledger_record *r, int i, const char *value);

/*
 * Checks value for field and writes its canonical form into out (e.g.
 * "¥1,234.5" -> "1234.50", " 12 " -> "12").  BR_ERR_INVALID with a message
 * naming the field and what is expected.  Empty is refused only when the
 * field is required.
 */
int ledger_value_check(const struct form_field *field, const char *value, char *out, size_t size, const char *lang,
		       char *msg, size_t msg_size);
/* Checks every value of r in place (canonical afterwards); the first problem in msg. */
int ledger_record_check(const struct ledger_template *t, struct ledger_record *r, const char *lang, char *msg,
			size_t msg_size, int *bad_field);

/* One field's change in one version. */
struct ledger_change {
	int field; /* index in the template, -1 for a field no longer in it */
	char name[FORM_ID_MAX];
	char *from, *to; /* owned */
};

/* One version of a record: who made it, when, how, and what changed. */
struct ledger_version {
	int version;
	char ts[32];
	char actor[USER_LOGIN_MAX + 1];
	char action[16]; /* "add", "edit", "delete", "restore", "rollback", "import", "approval" */
	char note[256]; /* "to version 3", "BX202611-0004 approved by wangfang" */
	struct ledger_change *changes;
	int nchanges;
};
void ledger_versions_release(struct ledger_version *v, int n);

/*
 * Three-way merge for a save that found a newer version: base is what the
 * person started from, mine what they typed, theirs the stored record.
 * out gets theirs with every field the person changed set to their value;
 * both[i] is true where both changed the same field differently (the
 * person's value wins in out).  Returns how many such fields there are.
 */
int ledger_merge(const struct ledger_template *t, const struct ledger_record *base, const struct ledger_record *mine,
		 const struct ledger_record *theirs, struct ledger_record *out, bool both[FORM_MAX_FIELDS]);

/* ---- queries ---- */

/* A filter condition bound to a field, its value in the stored form (fen for money). */
struct ledger_bound_cond {
	int field; /* -1: the record id */
	enum ledger_op op;
	char value[LEDGER_VALUE_MAX];
	bool numeric; /* compare as a number (money in fen, number, id) */
};

/*
 * Binds a parsed filter to t's fields: names resolved by
 * ledger_field_find(), values checked (a money field compares with an
 * amount, a date with a date...).  BR_ERR_INVALID naming the condition.
 */
int ledger_filter_bind(const struct ledger_template *t, const struct ledger_filter *f, struct ledger_bound_cond *out,
		       int *n, const char *lang, char *msg, size_t size);

#define LEDGER_PAGE_MAX 500
/* The browser counts a filter's records up to this, then shows "10000+". */
#define LEDGER_COUNT_CAP 10000

/*
 * A page of records: conditions all hold, ordered by `sort` (a field
 * index, or -1 for the id) then id, and after (or, backward, before) the
 * record at the cursor.  Keyset paging: the cursor is the last record the
 * reader saw (its sort value and id), never an offset.
 */
struct ledger_query {
	const struct ledger_template *t;
	const struct ledger_bound_cond *conds;
	int nconds;
	int sort;
	bool desc;
	bool deleted; /* the deleted records instead of the live ones */
	bool has_cursor;
	char cursor_value[LEDGER_VALUE_BYTES]; /* the stored form (fen for money), as ledger_query_cursor() sets it */
	bool cursor_null;
	int64_t cursor_id;
	bool backward; /* the page before the cursor (rows still come in display order) */
	int limit; /* at most LEDGER_PAGE_MAX */
	int64_t count_cap; /* counting with conditions stops here (0: count them all) */
};

/* The cursor of record r for q's sort. */
void ledger_query_cursor(struct ledger_query *q, const struct ledger_record *r);

#endif
