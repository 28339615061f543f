/*
 * log.c - event log lines on stderr.  Control characters from outside input
 * (user names, addresses) are escaped so a hostile value cannot forge lines.
 */
#include "bursar/log.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char log_session[32] = "-";
static char log_user[96] = "-";
static char log_remote[64] = "-";
static int log_fd = 2;

void log_set_fd(int fd)
{
	log_fd = fd;
}

/* Printable UTF-8 only, and no spaces: a field must stay one token. */
static void log_clean(char *dst, size_t size, const char *src)
{
	char tmp[512];
	size_t j = 0;

	text_escape(tmp, sizeof(tmp), src);
	for (size_t i = 0; tmp[i] && j + 5 < size; i++) {
		if (tmp[i] == ' ')
			j += (size_t)snprintf(dst + j, size - j, "\\x20");
		else
			dst[j++] = tmp[i];
	}
	dst[j] = '\0';
}

void log_set_context(const char *session_id, const char *user, const char *remote)
{
	if (session_id)
		log_clean(log_session, sizeof(log_session), session_id);
	if (user)
		log_clean(log_user, sizeof(log_user), user);
	if (remote)
		log_clean(log_remote, sizeof(log_remote), remote);
}

void log_event(const char *fmt, ...)
{
	char msg[1024], clean[1200], stamp[32];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	str_copy(clean, msg, sizeof(clean));
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	dprintf(log_fd, "%s.%03ldZ pid=%d session=%s user=%s remote=%s %s\n", stamp, ts.tv_nsec / 1000000,
		(int)getpid(), log_session, log_user, log_remote, clean);
}
