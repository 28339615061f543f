/*
 * app.c - session-wide choices derived from a person and their client.
 */
#include "bursar/app.h"
#include "bursar/i18n.h"

const char *app_language(const struct app *app)
{
	const char *lang;

	if (app->user && app->user->language[0])
		return app->user->language;
	if ((lang = i18n_from_locale(app->client_lang)))
		return lang;
	return app->cfg->server.language;
}
