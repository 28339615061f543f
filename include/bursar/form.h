/*
 * form.h - claim forms defined in Markdown (forms/NAME.md, see
 * forms/README.md for the syntax a finance admin writes).
 *
 * The first level-1 heading is the form's title ("中文 | English"), fenced
 * blocks with the info string `field` declare header fields, one
 * `categories` block lists the expense categories a line may use with
 * per-rank limits, and all other Markdown is the help shown beside the form.
 */
#ifndef BURSAR_FORM_H
#define BURSAR_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum field_type {
	FIELD_TEXT,
	FIELD_MARKDOWN,
	FIELD_NUMBER,
	FIELD_MONEY,
	FIELD_DATE,
	FIELD_DATERANGE,
	FIELD_CHOICE,
	FIELD_PERSON,
	FIELD_DEPARTMENT,
	FIELD_PROJECT,
	FIELD_ATTACHMENT, /* ledgers only: a file's name and SHA-256 */
	FIELD_REFERENCE, /* ledgers only: a record of the ledger `ref` names */
	FIELD_TYPE_COUNT
};

#define FORM_ID_MAX 33
#define FORM_MAX_FIELDS 32
#define FORM_MAX_OPTIONS 16
#define FORM_MAX_CATEGORIES 24
#define FORM_MAX_LIMITS 8

struct form_field {
	char name[FORM_ID_MAX];
	char label_zh[128];
	char label_en[128];
	enum field_type type;
	bool required;
	bool has_min, has_max;
	int64_t min, max; /* characters (text), value (number), fen (money) */
	char pattern[256]; /* POSIX extended regular expression, or "" */
	char options[FORM_MAX_OPTIONS][64];
	int noptions;
	char ref[FORM_ID_MAX]; /* reference fields: the ledger */
	int line;
};

struct form_limit {
	char rank[FORM_ID_MAX]; /* an employee rank, or "*" for everyone else */
	int64_t fen; /* per line */
};

struct form_category {
	char code[FORM_ID_MAX];
	struct form_limit limits[FORM_MAX_LIMITS];
	int nlimits;
	int line;
};

struct form {
	char id[FORM_ID_MAX]; /* the file name without .md */
	char title_zh[128];
	char title_en[128];
	char *help; /* Markdown prose (owned) */
	struct form_field fields[FORM_MAX_FIELDS];
	int nfields;
	struct form_category categories[FORM_MAX_CATEGORIES];
	int ncategories;
	char workflow[FORM_ID_MAX]; /* forms/workflows/NAME.md; "standard" unless a ```workflow block names one */
};

/* Whether a category code exists (the categories table); NULL = do not check. */
typedef bool (*form_category_known)(const char *code, void *arg);

/*
 * Parses one form.  Every problem is appended to errs as a line
 * "NAME:LINE: reason" (NAME as given); returns the number of problems, 0
 * when the form is usable.  form_release() frees what a parse allocated.
 */
int form_parse(const char *name, const char *text, struct form *f, form_category_known known, void *arg, char *errs,
	       size_t errs_size);
void form_release(struct form *f);
/* "text", "money", ...; field_type_from_name() returns -1 if unknown. */
const char *field_type_name(enum field_type t);
int field_type_from_name(const char *name);
/*
 * Checks value v of field fl (label names it in the message): required,
 * type, min/max, pattern, choices.  When canon is not NULL it gets the
 * canonical form (money "1234.50", number "12").  BR_ERR_INVALID with a
 * message; a daterange is checked as text here (claim_parse_daterange).
 */
int form_value_check(const struct form_field *fl, const char *label, const char *v, char *canon, size_t canon_size,
		     char *msg, size_t msg_size);
/* The label in lang ("zh_CN" or "en"), falling back to the other one. */
const char *form_field_label(const struct form_field *field, const char *lang);
const char *form_title(const struct form *f, const char *lang);
/* The limit for rank on a category line: a rank's own, else "*", else -1 (none). */
int64_t form_category_limit(const struct form_category *c, const char *rank);

struct form_set {
	struct form *forms; /* sorted by id */
	int n;
};

/*
 * Loads every NAME.md in dir except README.md.  A file with problems is
 * left out (its problems appended to errs) and the others still load.
 * Returns the number of files left out, or -1 if dir cannot be read.
 */
int form_set_load(struct form_set *set, const char *dir, form_category_known known, void *arg, char *errs,
		  size_t errs_size);
const struct form *form_set_find(const struct form_set *set, const char *id);
void form_set_release(struct form_set *set);

/* ---- shared by the Markdown definition files (forms and workflows) ---- */

/* Problems of one file, appended to errs as "NAME:LINE: reason" lines. */
struct form_problems {
	const char *name;
	char *errs;
	size_t size, used;
	int count;
};
void form_problems_init(struct form_problems *p, const char *name, char *errs, size_t size);
void form_problem(struct form_problems *p, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Parses one ```field block (text, its first line number) and appends the
 * field to fields (*n of max used).  Attachment and reference fields are
 * allowed only when ledger is true.
 */
void form_field_parse(struct form_problems *p, struct form_field *fields, int *n, int max, const char *text,
		      int first_line, bool ledger);
/* Whether s is a lower-case identifier (letters, digits, _), as names must be. */
bool form_ident_ok(const char *s);
/* Splits "中文 | English" into two labels (the English part optional). */
void form_label_split(const char *v, char *zh, size_t zs, char *en, size_t es);

/*
 * Calls cb for every NAME.md in dir (README.md excepted) with the file
 * name, NAME and the text; cb returns non-zero when it leaves the file out.
 * A bad file name or an unreadable file is a problem in errs (`what` names
 * the kind of file).  Returns the number left out, or -1 if dir cannot be read.
 */
typedef int (*form_file_cb)(const char *file, const char *id, const char *text, void *arg);
int form_dir_load(const char *dir, const char *what, char *errs, size_t errs_size, form_file_cb cb, void *arg);

#endif
