/*
 * theme.h - colour themes from themes/NAME.theme files (INI syntax).
 *
 * A theme names a style (foreground, background, attributes) for each
 * element of the screen and whether borders use Unicode or ASCII.  This
 * module only parses; the UI maps styles onto the terminal.
 */
#ifndef BURSAR_THEME_H
#define BURSAR_THEME_H

#include <stdbool.h>
#include <stddef.h>

enum theme_elem {
	THEME_NORMAL,
	THEME_HEADER,
	THEME_STATUS,
	THEME_SELECTED,
	THEME_BORDER,
	THEME_TITLE,
	THEME_DIM,
	THEME_WARN,
	THEME_ERROR,
	THEME_OK,
	THEME_KEY,
	THEME_COUNT
};

enum {
	THEME_BOLD = 1,
	THEME_REVERSE = 2,
	THEME_UNDERLINE = 4,
	THEME_DIMMED = 8,
};

#define THEME_DEFAULT_COLOR (-1)
#define THEME_NAME_MAX 33

struct theme_style {
	int fg, bg; /* THEME_DEFAULT_COLOR or 0..15 */
	unsigned attrs; /* THEME_BOLD | ... */
};

struct theme {
	char name[THEME_NAME_MAX];
	char description[160];
	bool ascii_borders;
	struct theme_style style[THEME_COUNT];
};

/* The built-in fallback (plain attributes, works anywhere). */
void theme_builtin(struct theme *t);
/* Theme names are [a-z0-9_-]{1,32}: no path can be smuggled in. */
bool theme_name_valid(const char *name);
/* Parses theme text; msg gets "line N: reason" on BR_ERR_INVALID. */
int theme_parse_string(const char *text, struct theme *t, char *msg, size_t msg_size);
/* Loads dir/NAME.theme. */
int theme_load(const char *dir, const char *name, struct theme *t, char *msg, size_t msg_size);
/* Fills up to max sorted names of the themes in dir; returns the count. */
int theme_list(const char *dir, char (*names)[THEME_NAME_MAX], int max);

#endif
