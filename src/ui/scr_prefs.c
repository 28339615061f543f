/*
 * scr_prefs.c - "Preferences": theme and language, applied at once and
 * remembered per person (store_user_set_prefs, audited).
 */
#include "screen.h"

#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_UP = 1, OP_DOWN, OP_CHOOSE };

static const struct key_binding prefs_keys[] = {
	{ OP_UP, { 'k', KEY_UP, 0 }, "k/↑", N_("Move up"), NULL },
	{ OP_DOWN, { 'j', KEY_DOWN, 0 }, "j/↓", N_("Move down"), N_("Move") },
	{ OP_CHOOSE, { '\n', '\r', KEY_ENTER, ' ' }, "Enter", N_("Use this choice"), N_("Choose") },
};

static const struct {
	const char *code;
	const char *label; /* shown in its own language */
} languages[] = { { "zh_CN", "中文（简体）" }, { "en", "English" } };

#define MAX_THEMES 32

struct prefs_state {
	char themes[MAX_THEMES][THEME_NAME_MAX];
	char desc[MAX_THEMES][160];
	int nthemes;
	int sel; /* 0..nthemes-1 themes, then languages */
};

static void *prefs_enter(struct ui *ui)
{
	struct prefs_state *st = xcalloc(1, sizeof(*st));
	char msg[BR_MSG_MAX];

	st->nthemes = theme_list(ui->app->themes_dir, st->themes, MAX_THEMES);
	for (int i = 0; i < st->nthemes; i++) {
		struct theme t;
		if (theme_load(ui->app->themes_dir, st->themes[i], &t, msg, sizeof(msg)) == BR_OK)
			str_copy(st->desc[i], t.description, sizeof(st->desc[i]));
		else
			str_copy(st->desc[i], msg, sizeof(st->desc[i]));
	}
	return st;
}

static void prefs_leave(struct ui *ui, void *state)
{
	(void)ui;
	free(state);
}

static const char *current_theme(const struct ui *ui)
{
	return ui->app->user->theme[0] ? ui->app->user->theme : ui->app->cfg->server.theme;
}

static void prefs_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct prefs_state *st = state;
	const char *lang = app_language(ui->app);
	int y = top, namew = 14;

	ui_text(ui, y++, left, cols, _("Theme"), THEME_TITLE, false);
	for (int i = 0; i < st->nthemes && y < top + rows; i++) {
		char line[512], name[64];
		bool on = !strcmp(st->themes[i], current_theme(ui));
		text_fit(name, sizeof(name), st->themes[i], namew, 1, 1);
		snprintf(line, sizeof(line), " %s %s  %s", on ? (ui->ascii ? "(*)" : "(•)") : "( )", name, st->desc[i]);
		ui_text(ui, y++, left, cols, line, i == st->sel ? THEME_SELECTED : THEME_NORMAL, true);
	}
	y++;
	if (y < top + rows)
		ui_text(ui, y++, left, cols, _("Language"), THEME_TITLE, false);
	for (size_t i = 0; i < ARRAY_SIZE(languages) && y < top + rows; i++) {
		char line[256];
		bool on = !strcmp(languages[i].code, lang);
		snprintf(line, sizeof(line), " %s %s", on ? (ui->ascii ? "(*)" : "(•)") : "( )", languages[i].label);
		ui_text(ui, y++, left, cols, line, st->sel == st->nthemes + (int)i ? THEME_SELECTED : THEME_NORMAL,
			true);
	}
}

static int prefs_key(struct ui *ui, void *state, int op)
{
	struct prefs_state *st = state;
	int n = st->nthemes + (int)ARRAY_SIZE(languages);
	struct user *u = ui->app->user;
	const char *theme = NULL, *lang = NULL;
	int ret;

	switch (op) {
	case OP_UP: st->sel = (st->sel + n - 1) % n; return UI_REDRAW;
	case OP_DOWN: st->sel = (st->sel + 1) % n; return UI_REDRAW;
	case OP_CHOOSE: break;
	default: return 0;
	}
	if (st->sel < st->nthemes)
		theme = st->themes[st->sel];
	else
		lang = languages[st->sel - st->nthemes].code;
	ret = store_user_set_prefs(ui->app->store, u->uid, theme, lang);
	if (ret) {
		ui_message(ui, THEME_ERROR, _("Could not save your choice (%s)"), br_strerror(ret));
		return UI_REDRAW;
	}
	if (theme) {
		str_copy(u->theme, theme, sizeof(u->theme));
		ui_apply_theme(ui, theme);
	} else {
		str_copy(u->language, lang, sizeof(u->language));
		i18n_set_language(lang);
	}
	ui_message(ui, THEME_OK, "%s", _("Saved; it also applies to future logins."));
	return UI_REDRAW;
}

const struct screen_ops screen_prefs = {
	.title = N_("Preferences"),
	.keys = prefs_keys,
	.nkeys = (int)ARRAY_SIZE(prefs_keys),
	.enter = prefs_enter,
	.leave = prefs_leave,
	.draw = prefs_draw,
	.key = prefs_key,
};
