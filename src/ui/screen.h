/*
 * screen.h - private UI interfaces: screens as small vtables, key tables,
 * and drawing helpers shared by the screens.
 *
 * A screen never talks to SQLite or LDAP: it calls store/domain functions
 * through struct app.  Keys are looked up in the screen's table first, then
 * in the global table; the `?` overlay is generated from both.
 */
#ifndef BURSAR_UI_SCREEN_H
#define BURSAR_UI_SCREEN_H

#include <curses.h>
#include <stdbool.h>

#include "bursar/app.h"
#include "bursar/theme.h"

struct ui;

/* Handler result flags. */
enum { UI_HANDLED = 1, UI_REDRAW = 2, UI_POP = 4, UI_QUIT = 8 };

struct key_binding {
	int op; /* screen-specific operation */
	int keys[4]; /* key codes, 0-terminated */
	const char *label; /* how the keys are shown: "j/↓" */
	const char *help; /* N_() text for the `?` overlay and the docs */
	const char *hint; /* short N_() text for the status bar, or NULL */
};

struct screen_ops {
	const char *title; /* N_() text */
	const struct key_binding *keys;
	int nkeys;
	void *(*enter)(struct ui *ui);
	void (*leave)(struct ui *ui, void *state);
	/* Draws into the content area: rows x cols starting at (top, left). */
	void (*draw)(struct ui *ui, void *state, int top, int left, int rows, int cols);
	int (*key)(struct ui *ui, void *state, int op);
	/*
	 * Optional: called every few seconds while no key is pressed, for
	 * screens that show what others change; UI_REDRAW asks for a redraw.
	 */
	int (*tick)(struct ui *ui, void *state);
};

/* Global operations available on every screen. */
enum { OP_NONE = 0, OP_HELP = -1, OP_BACK = -2, OP_QUIT = -3 };

struct ui {
	struct app *app;
	struct theme theme;
	bool ascii; /* ASCII borders and bars */
	bool colors;
	char status[256]; /* one-line message under the content */
	int status_elem; /* THEME_OK, THEME_ERROR, ... */
	unsigned data_version; /* bumped by a screen that changed data others list */
};

/* Pushes a screen on top; returns false if the stack is full. */
bool ui_push(struct ui *ui, const struct screen_ops *ops);
/* Sets the status-bar message (printf-style). */
void ui_message(struct ui *ui, int elem, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Applies a theme by name (falls back to the built-in theme). */
void ui_apply_theme(struct ui *ui, const char *name);
/* Attribute for a theme element. */
attr_t ui_attr(const struct ui *ui, int elem);
/*
 * Writes text at (y, x) cut to cols columns (CJK aware); pad fills the rest
 * of the width with spaces in the same attribute.
 */
void ui_text(struct ui *ui, int y, int x, int cols, const char *text, int elem, bool pad);
/*
 * One table cell w columns wide at (y, x): control characters made
 * harmless, cut to fit (CJK aware), right-aligned if right.  Returns the
 * next cell's x (one blank between cells).
 */
int ui_cell(struct ui *ui, int y, int x, int w, const char *text, bool right, int elem);
/* Draws a box border with an optional title. */
void ui_box(struct ui *ui, int top, int left, int rows, int cols, const char *title);
/*
 * Reads one line of text on the status line (Enter accepts, Esc cancels);
 * buf holds the initial text and receives the result.  Returns false on
 * cancel, leaving buf unchanged.
 */
bool ui_prompt(struct ui *ui, const char *label, char *buf, size_t size);
/*
 * A hint shown above the prompt while typing, recomputed on every key from
 * the text so far: hint writes it (and its theme element) into out.
 */
typedef void (*ui_hint_fn)(const char *typed, char *out, size_t size, int *elem, void *arg);
bool ui_prompt_hint(struct ui *ui, const char *label, char *buf, size_t size, ui_hint_fn hint, void *arg);
/* A modal chooser; returns the index chosen (sel preselected) or -1 on cancel. */
int ui_choose(struct ui *ui, const char *title, const char *const *items, int n, int sel);
/* A modal list of lines (elems: theme element per line, or NULL) and a y/n question; true on y. */
bool ui_confirm(struct ui *ui, const char *title, const char *const *lines, const int *elems, int n,
		const char *question);
/* The same list without a question: any key closes it (j/k and arrows scroll a long one). */
void ui_notice(struct ui *ui, const char *title, const char *const *lines, const int *elems, int n);
struct import_problem;
/* The problems of an import, one per row (row, line, column, reason), wrapped in a notice. */
void ui_import_problems(struct ui *ui, const char *title, const struct import_problem *p, int n);
/*
 * A multi-line editor over the content area for *value (owned, replaced on
 * Ctrl-D) of at most max bytes; false (value unchanged) on Esc.
 */
bool ui_textarea(struct ui *ui, const char *title, char **value, size_t max);
/* Clamps a selection and scroll offset for a list of n rows in a view of h rows. */
void ui_list_clamp(int n, int h, int *sel, int *scroll);

/* Movement shared by every scrolling list; list screens put these in their key tables. */
enum { OP_LIST_UP = 100, OP_LIST_DOWN, OP_LIST_PGUP, OP_LIST_PGDN, OP_LIST_FIRST, OP_LIST_LAST };

#define UI_LIST_KEYS(first_help, last_help)                                                                  \
	{ OP_LIST_UP, { 'k', KEY_UP, 0 }, "k/↑", N_("Move up"), NULL },                                      \
	{ OP_LIST_DOWN, { 'j', KEY_DOWN, 0 }, "j/↓", N_("Move down"), N_("Move") },                          \
	{ OP_LIST_PGUP, { KEY_PPAGE, 'b', 0 }, "PgUp/b", N_("Page up"), NULL },                              \
	{ OP_LIST_PGDN, { KEY_NPAGE, ' ', 0 }, "PgDn/Space", N_("Page down"), NULL },                        \
	{ OP_LIST_FIRST, { 'g', KEY_HOME, 0 }, "g", first_help, NULL },                                      \
	{ OP_LIST_LAST, { 'G', KEY_END, 0 }, "G", last_help, NULL }

/* A scrolling list's position; page is the number of rows drawn last time. */
struct ui_list {
	int sel, scroll, page;
};

/* Applies a list movement op to a list of n rows; false if op is not one. */
bool ui_list_key(struct ui_list *l, int op, int n);

/* Markdown laid out for a given width (see markdown.c). */
struct md_layout {
	void *opaque;
	int nlines;
};
void md_layout(struct md_layout *m, const char *markdown, int cols, bool ascii);
/* Draws lines first.. of the layout into rows rows at (top, left). */
void md_draw(struct ui *ui, const struct md_layout *m, int first, int top, int left, int rows);
void md_layout_free(struct md_layout *m);

/* A whole screen of Markdown that scrolls with the list keys. */
struct md_view {
	char *text; /* owned */
	struct md_layout md;
	int cols; /* the width laid out for */
	struct ui_list list;
};
void md_view_draw(struct ui *ui, struct md_view *v, int top, int left, int rows, int cols);
/* UI_REDRAW for a list movement, else 0. */
int md_view_key(struct md_view *v, int op);
/* Frees the text, the layout and v itself. */
void md_view_free(struct md_view *v);

extern const struct screen_ops screen_menu;
extern const struct screen_ops screen_profile;
extern const struct screen_ops screen_prefs;
extern const struct screen_ops screen_audit;
extern const struct screen_ops screen_invoices;
extern const struct screen_ops screen_forms;
extern const struct screen_ops screen_form;
extern const struct screen_ops screen_claims;
extern const struct screen_ops screen_turnaround;
extern const struct screen_ops screen_claim;
extern const struct screen_ops screen_timeline;
extern const struct screen_ops screen_inbox;
extern const struct screen_ops screen_budgets;
extern const struct screen_ops screen_budget;
extern const struct screen_ops screen_dashboard;
extern const struct screen_ops screen_accounts;
extern const struct screen_ops screen_vouchers;
extern const struct screen_ops screen_ledgers;
extern const struct screen_ops screen_ledger;
extern const struct screen_ops screen_ledger_record;
extern const struct screen_ops screen_ledger_form;
extern const struct screen_ops screen_ledger_history;
extern const struct screen_ops screen_reminders;

/* Opens the claim editor on claim id, or on a new claim of form when id is 0. */
void claim_editor_open(struct ui *ui, int64_t id, const char *form);

/* ---- approvals (scr_inbox.c), shared with the claim editor, the menu and ui.c ---- */

/* The person's open approval tasks (their own and delegated ones); -1 if unreadable. */
int inbox_count(struct ui *ui);
/* Whether the person holds an open task on claim id. */
bool inbox_holds_task(struct ui *ui, int64_t claim_id);
/* Shows the person's unseen notifications in a modal list; true if there were any. */
bool inbox_notify(struct ui *ui);
/* The translated label of a claim event ("approve", "return", ...), or the name itself. */
const char *approval_action_label(const char *action);
/* A person's display name from the store's cache, else the uid; returns out. */
const char *approval_person(struct ui *ui, const char *uid, char *out, size_t size);
/* "2026-11-25T03:48:38.314Z" (UTC) as local "11-25 11:48" into out[12]; "" if malformed. */
void approval_time(const char *iso, char out[12]);
/*
 * Asks for the comment on action a on what ("BX202611-0003 ¥436.00"):
 * optional to approve, required to reject or return.  False on Esc.
 */
bool approval_comment(struct ui *ui, enum task_action a, const char *what, char *buf, size_t size);
/* Puts the outcome of an action that succeeded on the status line. */
void approval_result(struct ui *ui, enum task_action a, const char *number, const struct act_result *r);

/* ---- budgets (scr_budgets.c), shared with the dashboard ---- */

enum ui_period { UI_PERIOD_YEAR, UI_PERIOD_QUARTER, UI_PERIOD_MONTH };
/* Today's year "2026", quarter "2026-Q4" or month "2026-11". */
void ui_period_today(enum ui_period kind, char *out, size_t size);
/*
 * Asks for a period on the status line (buf holds the initial text) until
 * it parses; buf gets it normalised, or "" when allow_empty and nothing
 * was typed.  False on Esc, buf unchanged.
 */
bool ui_period_prompt(struct ui *ui, char *buf, size_t size, bool allow_empty);
/*
 * A bar width cells wide for permille (0 to 1000, clamped) of a whole:
 * Unicode eighth blocks, or '#' and '.' when ascii.  Never empty for more
 * than 0, never full for less than 1000.
 */
void ui_bar(char *out, size_t size, int permille, int width, bool ascii);

/* ---- ledgers (scr_ledgers.c) ---- */

/*
 * At login: one status-line message ("3 reminder(s) due") when the person
 * has reminders due, unless a message is already there; nothing otherwise.
 */
void ledger_reminders_notify(struct ui *ui);
/*
 * What a claim's form id names when no claim form has it: the title of the
 * ledger a requisition was filed from, else the id itself.
 */
const char *ledger_kind_title(struct ui *ui, const char *id);

#endif
