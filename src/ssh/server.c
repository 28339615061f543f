/*
 * server.c - the listener: start-up checks, host key, accept loop, one
 * forked session process per connection, clean shutdown.
 *
 * We own the listening socket because ssh_bind_listen() hard-codes a backlog
 * of 10, which overflows under a burst of logins.
 */
#include "session.h"

#include "bursar/directory.h"
#include "bursar/err.h"
#include "bursar/log.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;
static volatile sig_atomic_t live_sessions;
/* Session pids, so shutdown can end exactly the processes we started. */
static pid_t *session_pids;
static int session_slots;
static volatile pid_t background_pid;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void on_child(int sig)
{
	int saved = errno;

	(void)sig;
	pid_t pid;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0) {
		if (pid == background_pid) {
			background_pid = 0;
			continue;
		}
		for (int i = 0; i < session_slots; i++)
			if (session_pids[i] == pid)
				session_pids[i] = 0;
		live_sessions--;
	}
	errno = saved;
}

static int check_data_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0 && errno == ENOENT && mkdir(dir, 0700) == 0)
		return 0;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || access(dir, R_OK | W_OK | X_OK) < 0) {
		fprintf(stderr, "bursar: [server] data_dir %s is not a readable, writable directory\n", dir);
		return -1;
	}
	return 0;
}

static int ensure_host_key(const char *path)
{
	struct stat st;
	ssh_key key = NULL;
	mode_t old;
	int rc;

	if (stat(path, &st) == 0) {
		if (st.st_mode & 077) {
			fprintf(
			    stderr,
			    "bursar: [server] host_key %s is accessible by others (mode %03o); run chmod 600 on it\n",
			    path, (unsigned)(st.st_mode & 0777));
			return -1;
		}
		return 0;
	}
	if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
		fprintf(stderr, "bursar: cannot generate a host key\n");
		return -1;
	}
	old = umask(077); /* libssh writes the file with the process umask */
	rc = ssh_pki_export_privkey_file(key, NULL, NULL, NULL, path);
	umask(old);
	ssh_key_free(key);
	if (rc != SSH_OK || chmod(path, 0600) < 0) {
		fprintf(stderr, "bursar: [server] host_key %s cannot be written\n", path);
		return -1;
	}
	log_event("generated host key %s", path);
	return 0;
}

static int open_listener(const struct config *cfg)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char port[16];
	int fd = -1, one = 1, rc;

	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", cfg->server.port);
	if ((rc = getaddrinfo(cfg->server.listen, port, &hints, &res)) != 0) {
		fprintf(stderr, "bursar: [server] listen %s is not a numeric IP address\n", cfg->server.listen);
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
		if (errno == EADDRINUSE)
			fprintf(stderr, "bursar: [server] port %d on %s is already in use\n", cfg->server.port,
				cfg->server.listen);
		else
			fprintf(stderr, "bursar: [server] cannot listen on %s port %d: %s\n", cfg->server.listen,
				cfg->server.port, strerror(errno));
		goto fail;
	}
	if (listen(fd, 128) < 0)
		goto fail;
	freeaddrinfo(res);
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return -1;
}

static void format_peer(const struct sockaddr_storage *sa, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (sa->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	snprintf(out, size, "%s:%d", host, port);
}

static void serve_connection(const struct config *cfg, const struct server_frontends *fe, const struct app_paths *paths,
			     ssh_bind bind, int listen_fd, int fd, const char *remote, unsigned long n)
{
	char sid[32];
	struct sigaction sa;
	sigset_t none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	close(listen_fd);
	snprintf(sid, sizeof(sid), "%x-%lx", (unsigned)getpid(), n);
	log_set_context(sid, NULL, remote);
	log_event("connection");
	session_run(cfg, fe, paths, bind, fd, remote, sid);
	ssh_bind_free(bind);
	log_event("disconnected");
	_exit(0);
}

int server_run(const struct config *cfg, const struct server_frontends *fe, const struct app_paths *paths)
{
	struct store *store = NULL;
	struct sigaction sa;
	sigset_t chld;
	char msg[BR_MSG_MAX];
	ssh_bind bind = NULL;
	unsigned long count = 0;
	int lfd = -1, ret = 1;

	/* The database and everything else we create is for this account only. */
	umask(077);
	if (check_data_dir(cfg->server.data_dir) || ensure_host_key(cfg->server.host_key))
		return 1;
	if (store_open(cfg->store.path, cfg->store.synchronous_full, &store, msg, sizeof(msg))) {
		fprintf(stderr, "bursar: [store] path: %s\n", msg);
		return 1;
	}
	store_close(store); /* migrated; each process opens its own after fork */
	if (fe->prepare && fe->prepare(cfg))
		return 1;
	directory_preload();
	if ((lfd = open_listener(cfg)) < 0)
		return 1;
	session_slots = cfg->server.max_sessions;
	session_pids = xcalloc((size_t)session_slots, sizeof(pid_t));
	bind = ssh_bind_new();
	if (!bind || ssh_bind_options_set(bind, SSH_BIND_OPTIONS_HOSTKEY, cfg->server.host_key) != SSH_OK) {
		fprintf(stderr, "bursar: [server] host_key %s cannot be used\n", cfg->server.host_key);
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	log_event("listening on %s port %d", cfg->server.listen, cfg->server.port);
	while (!stopping) {
		struct pollfd p = { lfd, POLLIN, 0 };
		static time_t background_started;
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		char remote[64];
		int fd, one = 1;
		pid_t pid;

		/* (Re)start the background job, at most once a minute. */
		if (fe->background && background_pid == 0 && time(NULL) - background_started >= 60) {
			background_started = time(NULL);
			sigprocmask(SIG_BLOCK, &chld, NULL);
			background_pid = fork();
			if (background_pid == 0) {
				/* a name of its own, so it is not taken for a session in ps */
				prctl(PR_SET_NAME, "bursar-remind", 0, 0, 0);
				close(lfd);
				sigprocmask(SIG_UNBLOCK, &chld, NULL);
				signal(SIGINT, SIG_IGN);
				signal(SIGTERM, SIG_DFL);
				signal(SIGCHLD, SIG_DFL);
				fe->background(cfg);
				_exit(0);
			}
			if (background_pid < 0)
				background_pid = 0;
			sigprocmask(SIG_UNBLOCK, &chld, NULL);
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
		if (fd < 0) {
			/* Out of descriptors: back off instead of spinning on the listener. */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				usleep(100000);
			continue;
		}
		format_peer(&peer, remote, sizeof(remote));
		if (live_sessions >= cfg->server.max_sessions) {
			log_set_context(NULL, NULL, remote);
			log_event("refused: max_sessions (%d) reached", cfg->server.max_sessions);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		count++;
		/* Hold SIGCHLD until the pid is recorded, so a quick exit is not missed. */
		sigprocmask(SIG_BLOCK, &chld, NULL);
		pid = fork();
		if (pid == 0)
			serve_connection(cfg, fe, paths, bind, lfd, fd, remote, count);
		if (pid > 0) {
			for (int i = 0; i < session_slots; i++)
				if (session_pids[i] == 0) {
					session_pids[i] = pid;
					break;
				}
			live_sessions++;
		} else {
			log_event("fork failed: %s", strerror(errno));
		}
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
		close(fd);
	}
	log_event("stopping; ending %d session(s)", (int)live_sessions);
	signal(SIGCHLD, SIG_DFL);
	for (int i = 0; i < session_slots; i++)
		if (session_pids[i] > 0)
			kill(session_pids[i], SIGTERM);
	if (background_pid > 0)
		kill(background_pid, SIGTERM);
	while (waitpid(-1, NULL, 0) > 0)
		;
	ret = 0;
out:
	if (bind)
		ssh_bind_free(bind);
	close(lfd);
	free(session_pids);
	return ret;
}
