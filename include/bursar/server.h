/*
 * server.h - the SSH listener and the per-connection session process.
 *
 * The listener owns its socket and forks one session process per
 * connection.  A session authenticates against the directory, then runs the
 * front end the client asked for in a child process: the full-screen UI on
 * a pty for a shell request, a command for an exec request.
 */
#ifndef BURSAR_SERVER_H
#define BURSAR_SERVER_H

#include "bursar/app.h"
#include "bursar/config.h"

struct server_frontends {
	/* Once at start-up, after the data directory and database are ready; non-zero stops. */
	int (*prepare)(const struct config *cfg);
	/* Runs the UI on stdin/stdout (a pty); returns the exit status. */
	int (*shell)(struct app *app);
	/* Runs one command line with stdin/stdout/stderr; returns the exit status. */
	int (*exec)(struct app *app, const char *command);
	/* A background job run in a process of its own, restarted if it ends; may be NULL. */
	void (*background)(const struct config *cfg);
};

/* Serves until SIGINT/SIGTERM; returns a process exit status. */
int server_run(const struct config *cfg, const struct server_frontends *fe, const struct app_paths *paths);

#endif
