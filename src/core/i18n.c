/*
 * i18n.c - gettext binding.  LC_CTYPE is always C.UTF-8 (column widths need
 * a UTF-8 ctype, and it exists on every Debian system); the message language
 * is chosen through LANGUAGE, which glibc honours under any locale but "C".
 */
#include "bursar/i18n.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* glibc/GNU gettext: bump to make gettext drop cached translations. */
extern int _nl_msg_cat_cntr;

static char current[8] = "en";

void i18n_init(const char *localedir)
{
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	bindtextdomain("bursar", localedir ? localedir : "/usr/share/locale");
	bind_textdomain_codeset("bursar", "UTF-8");
	textdomain("bursar");
}

int i18n_set_language(const char *lang)
{
	if (!lang || (strcmp(lang, "zh_CN") && strcmp(lang, "en")))
		return -1;
	strcpy(current, lang);
	setenv("LANGUAGE", lang, 1);
	++_nl_msg_cat_cntr;
	return 0;
}

const char *i18n_language(void)
{
	return current;
}

const char *i18n_from_locale(const char *value)
{
	if (!value || !*value)
		return NULL;
	if (!strncasecmp(value, "zh", 2))
		return "zh_CN";
	if (!strncasecmp(value, "en", 2))
		return "en";
	/* "C", "POSIX" and other languages carry no usable preference. */
	return NULL;
}

int i18n_locale_is_utf8(const char *value)
{
	const char *dot;

	if (!value || !*value)
		return 1;
	dot = strchr(value, '.');
	return dot && (!strncasecmp(dot + 1, "utf-8", 5) || !strncasecmp(dot + 1, "utf8", 4));
}
