/*
 * log.h - one line per event on stderr: time, session id, user, remote
 * address, what happened.  Never pass secrets.
 */
#ifndef BURSAR_LOG_H
#define BURSAR_LOG_H

/* Sets the fields every later line of this process carries. NULL keeps "-". */
void log_set_context(const char *session_id, const char *user, const char *remote);
void log_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Sends log lines to fd instead of stderr: a front end whose stderr is the
 * client's terminal or channel keeps logging to the server's log.
 */
void log_set_fd(int fd);

#endif
