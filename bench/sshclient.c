/*
 * sshclient.c - measuring client for bench/session.sh (libssh client API).
 *
 *   sshclient screen HOST PORT USER PASSWORD KEYS
 *       connect-to-first-screen time, bytes of the first screen, then bytes
 *       per keystroke averaged over KEYS j/k presses; holds the session open
 *       until stdin closes (so the caller can measure its memory).
 *   sshclient logins HOST PORT USER PASSWORD N
 *       N sequential exec logins (`whoami`); prints the elapsed seconds.
 */
#include <libssh/libssh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static ssh_session open_session(const char *host, unsigned port, const char *user, const char *password)
{
	ssh_session s = ssh_new();
	int no = 0;

	ssh_options_set(s, SSH_OPTIONS_HOST, host);
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_USER, user);
	ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &no);
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	if (ssh_connect(s) != SSH_OK || ssh_userauth_password(s, NULL, password) != SSH_AUTH_SUCCESS) {
		fprintf(stderr, "sshclient: login failed: %s\n", ssh_get_error(s));
		exit(1);
	}
	return s;
}

/* Reads until pattern appears (or quiet for quiet_ms after any data); returns bytes read. */
static long read_until(ssh_channel ch, const char *pattern, int quiet_ms, char *tail, size_t tail_size)
{
	char buf[65536];
	long total = 0;
	size_t tl = 0;

	for (;;) {
		int n = ssh_channel_read_timeout(ch, buf, sizeof(buf) - 1, 0, quiet_ms);
		if (n <= 0)
			return total;
		total += n;
		buf[n] = '\0';
		if (pattern) {
			/* keep a sliding window so a pattern split across reads is found */
			size_t keep = tl + (size_t)n < tail_size - 1 ? tl : (tail_size - 1 > (size_t)n ? tail_size - 1 - (size_t)n : 0);
			memmove(tail, tail + tl - keep, keep);
			memcpy(tail + keep, buf, (size_t)n < tail_size - 1 - keep ? (size_t)n : tail_size - 1 - keep);
			tl = keep + ((size_t)n < tail_size - 1 - keep ? (size_t)n : tail_size - 1 - keep);
			tail[tl] = '\0';
			if (strstr(tail, pattern))
				return total;
		}
	}
}

static int bench_screen(const char *host, unsigned port, const char *user, const char *pw, int keys)
{
	char tail[8192];
	double t0 = now(), t1;
	ssh_session s = open_session(host, port, user, pw);
	ssh_channel ch = ssh_channel_new(s);
	long first, more, total = 0;

	if (!ch || ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_pty_size(ch, "xterm-256color", 100, 30) != SSH_OK)
		return 1;
	ssh_channel_request_env(ch, "LANG", "en_US.UTF-8");
	if (ssh_channel_request_shell(ch) != SSH_OK)
		return 1;
	first = read_until(ch, "Main menu", 3000, tail, sizeof(tail));
	t1 = now();
	first += read_until(ch, NULL, 100, tail, sizeof(tail));
	for (int i = 0; i < keys; i++) {
		ssh_channel_write(ch, i % 2 ? "k" : "j", 1);
		more = read_until(ch, NULL, 60, tail, sizeof(tail));
		total += more;
	}
	printf("first_screen_ms %.1f\nfirst_screen_bytes %ld\nkeystroke_bytes %.1f\n", (t1 - t0) * 1000, first,
	       keys ? (double)total / keys : 0.0);
	fflush(stdout);
	/* Hold the session until the caller closes our stdin. */
	while (getchar() != EOF)
		;
	ssh_channel_write(ch, "q", 1);
	ssh_channel_send_eof(ch);
	ssh_channel_free(ch);
	ssh_disconnect(s);
	ssh_free(s);
	return 0;
}

static int bench_logins(const char *host, unsigned port, const char *user, const char *pw, int n)
{
	double t0 = now();

	for (int i = 0; i < n; i++) {
		char buf[4096];
		ssh_session s = open_session(host, port, user, pw);
		ssh_channel ch = ssh_channel_new(s);
		if (!ch || ssh_channel_open_session(ch) != SSH_OK || ssh_channel_request_exec(ch, "whoami") != SSH_OK)
			return 1;
		while (ssh_channel_read(ch, buf, sizeof(buf), 0) > 0)
			;
		ssh_channel_free(ch);
		ssh_disconnect(s);
		ssh_free(s);
	}
	printf("%.3f\n", now() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 7 && !strcmp(argv[1], "screen"))
		return bench_screen(argv[2], (unsigned)atoi(argv[3]), argv[4], argv[5], atoi(argv[6]));
	if (argc == 7 && !strcmp(argv[1], "logins"))
		return bench_logins(argv[2], (unsigned)atoi(argv[3]), argv[4], argv[5], atoi(argv[6]));
	fprintf(stderr, "usage: sshclient screen|logins HOST PORT USER PASSWORD N\n");
	return 2;
}
