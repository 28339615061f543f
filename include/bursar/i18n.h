/*
 * i18n.h - gettext set-up and per-session language choice.
 *
 * Each session runs in its own process, so the language is process-wide
 * state: i18n_set_language() switches it at any time.
 */
#ifndef BURSAR_I18N_H
#define BURSAR_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Binds the "bursar" text domain; localedir may be NULL for the default. */
void i18n_init(const char *localedir);
/* "zh_CN" or "en"; anything else is ignored with -1. */
int i18n_set_language(const char *lang);
const char *i18n_language(void);
/* Maps a POSIX locale value such as "zh_CN.UTF-8" to "zh_CN"/"en", or NULL. */
const char *i18n_from_locale(const char *value);
/* Whether a client's locale value names a UTF-8 charset (NULL = unknown). */
int i18n_locale_is_utf8(const char *value);

#endif
