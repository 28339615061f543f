/*
 * scr_profile.c - "My profile": the person's directory data and session.
 */
#include "screen.h"

#include "bursar/i18n.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdio.h>
#include <string.h>

static const char *nonempty(const char *v)
{
	return v && *v ? v : "-";
}

static void profile_draw(struct ui *ui, void *state, int top, int left, int rows, int cols)
{
	const struct app *app = ui->app;
	const struct user *u = app->user;
	char roles[256] = "", groups[1024] = "", manager[600] = "", last[32] = "";
	struct {
		const char *label;
		const char *value;
	} rowsv[16];
	int n = 0, labelw = 0;

	(void)state;
	role_mask_label(u->roles, roles, sizeof(roles));
	for (int g = 0; g < u->ngroups; g++)
		snprintf(groups + strlen(groups), sizeof(groups) - strlen(groups), "%s%s", groups[0] ? ", " : "",
			 u->groups[g]);
	/* "2026-11-25T01:02:03.456Z" -> "2026-11-25 01:02 UTC" */
	if (strlen(u->last_login) >= 16)
		snprintf(last, sizeof(last), "%.10s %.5s UTC", u->last_login, u->last_login + 11);
	if (u->manager_dn[0])
		snprintf(manager, sizeof(manager), "%s (%s)", u->manager_name[0] ? u->manager_name : u->manager_dn,
			 u->manager_uid[0] ? u->manager_uid : "-");
#define ROW(l, v) (rowsv[n].label = (l), rowsv[n].value = nonempty(v), n++)
	ROW(_("User"), u->uid);
	ROW(_("Name"), user_display(u));
	ROW(_("Mail"), u->mail);
	ROW(_("Department"), u->department);
	ROW(_("Title"), u->title);
	ROW(_("Rank (for policy limits)"), u->rank);
	ROW(_("Manager"), manager);
	ROW(_("Roles"), roles[0] ? roles : _("no role"));
	ROW(_("Directory groups"), groups);
	ROW(_("Previous login"), last);
	ROW(_("Session"), app->session_id);
	ROW(_("Connected from"), app->remote);
	ROW(_("Language"), app_language(app));
#undef ROW
	for (int i = 0; i < n; i++)
		if (text_width(rowsv[i].label) > labelw)
			labelw = text_width(rowsv[i].label);
	for (int i = 0; i < n && i < rows; i++) {
		ui_text(ui, top + i, left, labelw, rowsv[i].label, THEME_DIM, true);
		ui_text(ui, top + i, left + labelw + 2, cols - labelw - 2, rowsv[i].value, THEME_NORMAL, false);
	}
}

static int profile_key(struct ui *ui, void *state, int op)
{
	(void)ui;
	(void)state;
	(void)op;
	return 0;
}

const struct screen_ops screen_profile = {
	.title = N_("My profile"),
	.keys = NULL,
	.nkeys = 0,
	.draw = profile_draw,
	.key = profile_key,
};
