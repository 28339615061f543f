/*
 * theme.c - parser for themes/NAME.theme files.
 *
 *   [theme]
 *   description = Colour, for most terminals
 *   borders = unicode            ; unicode | ascii
 *   [colors]
 *   header = white blue bold     ; foreground background [attributes...]
 */
#include "bursar/theme.h"
#include "bursar/err.h"
#include "bursar/util.h"

#include <dirent.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const elem_names[THEME_COUNT] = {
	[THEME_NORMAL] = "normal", [THEME_HEADER] = "header", [THEME_STATUS] = "status", [THEME_SELECTED] = "selected",
	[THEME_BORDER] = "border", [THEME_TITLE] = "title",   [THEME_DIM] = "dim",       [THEME_WARN] = "warn",
	[THEME_ERROR] = "error",   [THEME_OK] = "ok",         [THEME_KEY] = "key",
};

static const char *const color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

void theme_builtin(struct theme *t)
{
	memset(t, 0, sizeof(*t));
	str_copy(t->name, "builtin", sizeof(t->name));
	str_copy(t->description, "Built-in plain theme", sizeof(t->description));
	for (int i = 0; i < THEME_COUNT; i++)
		t->style[i] = (struct theme_style){ THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0 };
	t->style[THEME_HEADER].attrs = THEME_REVERSE;
	t->style[THEME_STATUS].attrs = THEME_REVERSE;
	t->style[THEME_SELECTED].attrs = THEME_REVERSE | THEME_BOLD;
	t->style[THEME_TITLE].attrs = THEME_BOLD;
	t->style[THEME_ERROR].attrs = THEME_BOLD;
	t->style[THEME_WARN].attrs = THEME_BOLD;
	t->style[THEME_KEY].attrs = THEME_BOLD;
}

bool theme_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= THEME_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
		      name[i] == '_'))
			return false;
	return true;
}

static int parse_color(const char *word, int *out)
{
	const char *base = word;
	int bright = 0;

	if (!strcasecmp(word, "default")) {
		*out = THEME_DEFAULT_COLOR;
		return 0;
	}
	if (!strncasecmp(word, "bright-", 7)) {
		bright = 8;
		base = word + 7;
	}
	for (int i = 0; i < 8; i++)
		if (!strcasecmp(base, color_names[i])) {
			*out = i + bright;
			return 0;
		}
	return -1;
}

static int parse_attr(const char *word, unsigned *attrs)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = { { "bold", THEME_BOLD },
		      { "reverse", THEME_REVERSE },
		      { "underline", THEME_UNDERLINE },
		      { "dim", THEME_DIMMED } };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcasecmp(word, names[i].name)) {
			*attrs |= names[i].bit;
			return 0;
		}
	return -1;
}

struct theme_parse {
	struct theme *t;
	char why[160];
};

static int theme_fail(struct theme_parse *p, const char *name, const char *why)
{
	if (!p->why[0])
		snprintf(p->why, sizeof(p->why), "%s: %s", name, why);
	return 0;
}

static int theme_handler(void *user, const char *section, const char *name, const char *value)
{
	struct theme_parse *p = user;
	struct theme_style st = { THEME_DEFAULT_COLOR, THEME_DEFAULT_COLOR, 0 };
	char buf[160], *save = NULL, *w;
	int elem = -1, n = 0;

	if (!strcmp(section, "theme")) {
		if (!strcmp(name, "description"))
			str_copy(p->t->description, value, sizeof(p->t->description));
		else if (!strcmp(name, "borders") && (!strcmp(value, "ascii") || !strcmp(value, "unicode")))
			p->t->ascii_borders = !strcmp(value, "ascii");
		else
			return theme_fail(p, name,
					  !strcmp(name, "borders") ? "must be unicode or ascii" : "unknown key");
		return 1;
	}
	if (strcmp(section, "colors"))
		return theme_fail(p, section, "unknown section");
	for (int i = 0; i < THEME_COUNT; i++)
		if (!strcmp(elem_names[i], name))
			elem = i;
	if (elem < 0)
		return theme_fail(p, name, "unknown element");
	str_copy(buf, value, sizeof(buf));
	for (w = strtok_r(buf, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save), n++) {
		int bad = n == 0 ? parse_color(w, &st.fg) : n == 1 ? parse_color(w, &st.bg) : parse_attr(w, &st.attrs);
		if (bad)
			return theme_fail(p, name, n < 2 ? "unknown colour" : "unknown attribute");
	}
	if (n < 2)
		return theme_fail(p, name, "needs a foreground and a background colour");
	p->t->style[elem] = st;
	return 1;
}

int theme_parse_string(const char *text, struct theme *t, char *msg, size_t msg_size)
{
	struct theme_parse p = { .t = t };
	int rc, line;

	if (str_longest_line(text, &line) > INI_LINE_LIMIT) {
		snprintf(msg, msg_size, "line %d: longer than %d bytes", line, INI_LINE_LIMIT);
		return BR_ERR_INVALID;
	}
	rc = ini_parse_string(text, theme_handler, &p);
	if (rc == 0)
		return BR_OK;
	snprintf(msg, msg_size, "line %d: %s", rc, p.why[0] ? p.why : "syntax error");
	return BR_ERR_INVALID;
}

int theme_load(const char *dir, const char *name, struct theme *t, char *msg, size_t msg_size)
{
	char path[4200], why[BR_MSG_MAX];
	char *text = NULL;
	int ret;

	theme_builtin(t);
	if (!theme_name_valid(name)) {
		snprintf(msg, msg_size, "%s: not a valid theme name", name);
		return BR_ERR_INVALID;
	}
	snprintf(path, sizeof(path), "%s/%s.theme", dir, name);
	ret = file_read_all(path, 65536, &text);
	if (ret) {
		snprintf(msg, msg_size, ret == BR_ERR_IO ? "theme %s: no such theme" : "%s: larger than 64 KiB",
			 ret == BR_ERR_IO ? name : path);
		return ret == BR_ERR_IO ? BR_ERR_NOT_FOUND : ret;
	}
	str_copy(t->name, name, sizeof(t->name));
	if ((ret = theme_parse_string(text, t, why, sizeof(why))))
		snprintf(msg, msg_size, "%s: %s", path, why);
	free(text);
	return ret;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

int theme_list(const char *dir, char (*names)[THEME_NAME_MAX], int max)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);
		char name[THEME_NAME_MAX];
		if (len < 7 || len - 6 >= THEME_NAME_MAX || strcmp(e->d_name + len - 6, ".theme"))
			continue;
		memcpy(name, e->d_name, len - 6);
		name[len - 6] = '\0';
		if (theme_name_valid(name))
			str_copy(names[n++], name, THEME_NAME_MAX);
	}
	closedir(d);
	qsort(names, (size_t)n, THEME_NAME_MAX, cmp_names);
	return n;
}
