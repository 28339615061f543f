/*
 * app.h - what a front end (the full-screen UI or a scripted command) gets
 * to act for one authenticated person in one session process.
 */
#ifndef BURSAR_APP_H
#define BURSAR_APP_H

#include <stdio.h>

#include "bursar/config.h"
#include "bursar/store.h"
#include "bursar/user.h"

/* Where shipped data lives (next to the program, or installed). */
struct app_paths {
	const char *themes_dir;
	const char *forms_dir;
	FILE *in;                 /* a command's input (the SSH channel's stdin) */
};

struct app {
	const struct config *cfg;
	struct store *store; /* opened in the front end's own process */
	struct user *user;
	const char *session_id;
	const char *remote; /* "127.0.0.1:51234" */
	const char *client_lang; /* the client's LANG/LC_ALL, or "" */
	const char *term; /* the client's TERM, or "" */
	const char *themes_dir;
	const char *forms_dir;
	FILE *in;                 /* a command's input (the SSH channel's stdin) */
};

/* Picks the session language: the person's choice, else the client's, else the config default. */
const char *app_language(const struct app *app);

#endif
