/*
 * scr_forms.c - "Claim forms": the forms finance has defined, and for each
 * its fields, expense categories with limits by rank, and its help text
 * (Markdown, laid out by markdown.c).
 */
#include "screen.h"

#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_OPEN = 1 };

static const struct key_binding forms_keys[] = {
	UI_LIST_KEYS(N_("First form"), N_("Last form")),
	{ OP_OPEN,
	  { '\n', '\r', KEY_ENTER, KEY_RIGHT },
	  "Enter",
	  N_("Show the form's fields, categories and help"),
	  N_("Open") },
};

static const struct key_binding form_keys[] = {
	UI_LIST_KEYS(N_("Top"), N_("Bottom")),
};

/* The form the list screen opened; the detail screen reads it on enter. */
static char chosen[FORM_ID_MAX];

struct forms_state {
	struct form_set set;
	struct ui_list list;
};

static void *forms_enter(struct ui *ui)
{
	struct forms_state *st = xcalloc(1, sizeof(*st));

	if (store_forms_load(ui->app->store, ui->app->forms_dir, &st->set, NULL, 0) < 0)
		ui_message(ui, THEME_ERROR, "%s", _("Cannot read the claim forms."));
	return st;
}

static void forms_leave(struct ui *ui, void *state)
{
	struct forms_state *st = state;

	(void)ui;
	form_set_release(&st->set);
	free(st);
}

static void forms_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	struct forms_state *st = state;
	const char *lang = app_language(ui->app);

	st->list.page = rows > 1 ? rows : 1;
	if (st->set.n == 0)
		ui_text(ui, top, left, cols, _("No claim forms are defined."), THEME_DIM, false);
	ui_list_clamp(st->set.n, st->list.page, &st->list.sel, &st->list.scroll);
	for (int i = 0; i < st->list.page && st->list.scroll + i < st->set.n; i++) {
		const struct form *f = &st->set.forms[st->list.scroll + i];
		char title[160], line[512], count[64];
		text_fit(title, sizeof(title), form_title(f, lang), 24, 1, 1);
		snprintf(count, sizeof(count), ngettext("%d field", "%d fields", (unsigned long)f->nfields),
			 f->nfields);
		snprintf(line, sizeof(line), " %s  %-14s %s", title, f->id, count);
		ui_text(ui, top + i, left, cols, line,
			st->list.scroll + i == st->list.sel ? THEME_SELECTED : THEME_NORMAL, true);
	}
}

static int forms_key(struct ui *ui, void *state, int op)
{
	struct forms_state *st = state;

	if (ui_list_key(&st->list, op, st->set.n))
		return UI_REDRAW;
	if (op == OP_OPEN && st->set.n) {
		str_copy(chosen, st->set.forms[st->list.sel].id, sizeof(chosen));
		ui_push(ui, &screen_form);
	}
	return UI_REDRAW;
}

const struct screen_ops screen_forms = {
	.title = N_("Claim forms"),
	.keys = forms_keys,
	.nkeys = (int)ARRAY_SIZE(forms_keys),
	.enter = forms_enter,
	.leave = forms_leave,
	.draw = forms_draw,
	.key = forms_key,
};

/* ---- one form ---- */

/* The form as Markdown: fields and categories first, then its own help. */
static char *describe(struct ui *ui, const struct form *f)
{
	const char *lang = app_language(ui->app);
	struct strbuf b = { NULL, 0 };
	struct category_set cn = { 0 };

	store_categories_load(ui->app->store, &cn);

	strbuf_addf(&b, "# %s\n\n## %s\n\n", form_title(f, lang), _("Fields"));
	for (int i = 0; i < f->nfields; i++) {
		const struct form_field *fl = &f->fields[i];
		strbuf_addf(&b, "- **%s** `%s` %s%s\n", form_field_label(fl, lang), field_type_name(fl->type),
			    fl->required ? _("required") : _("optional"), "");
	}
	strbuf_addf(&b, "\n## %s\n\n", _("Expense categories"));
	for (int i = 0; i < f->ncategories; i++) {
		const struct form_category *c = &f->categories[i];
		strbuf_addf(&b, "- **%s** `%s`", category_name(category_find(cn.items, cn.n, c->code), c->code, lang),
			    c->code);
		for (int k = 0; k < c->nlimits; k++) {
			char amount[32];
			strbuf_addf(&b, "%s%s %s", k ? ", " : " — ",
				    !strcmp(c->limits[k].rank, "*") ? _("others") : c->limits[k].rank,
				    money_format(c->limits[k].fen, amount, sizeof(amount), MONEY_GROUP));
		}
		strbuf_addf(&b, "\n");
	}
	strbuf_addf(&b, "\n---\n\n%s", f->help ? f->help : "");
	category_set_release(&cn);
	return b.s;
}

static void *form_enter(struct ui *ui)
{
	struct md_view *v = xcalloc(1, sizeof(*v));
	struct form_set set;

	if (store_forms_load(ui->app->store, ui->app->forms_dir, &set, NULL, 0) >= 0) {
		const struct form *f = form_set_find(&set, chosen);
		if (f)
			v->text = describe(ui, f);
		form_set_release(&set);
	}
	if (!v->text)
		v->text = xstrdup(_("This form is no longer available."));
	return v;
}

static void form_leave(struct ui *ui, void *state)
{
	(void)ui;
	md_view_free(state);
}

static void form_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	md_view_draw(ui, state, top, left, rows, cols);
}

static int form_key(struct ui *ui, void *state, int op)
{
	(void)ui;
	return md_view_key(state, op);
}

const struct screen_ops screen_form = {
	.title = N_("Claim form"),
	.keys = form_keys,
	.nkeys = (int)ARRAY_SIZE(form_keys),
	.enter = form_enter,
	.leave = form_leave,
	.draw = form_draw,
	.key = form_key,
};
