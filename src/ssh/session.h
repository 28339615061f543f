/*
 * session.h - private interface between the listener and a session process.
 */
#ifndef BURSAR_SSH_SESSION_H
#define BURSAR_SSH_SESSION_H

#include <libssh/server.h>

#include "bursar/server.h"

/* Runs one connection to the end inside a freshly forked process. */
int session_run(const struct config *cfg, const struct server_frontends *fe, const struct app_paths *paths, ssh_bind bind,
		int fd, const char *remote, const char *session_id);

#endif
