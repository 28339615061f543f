/*
 * session.c - one SSH connection, in its own process.
 *
 * Key exchange runs non-blocking under the login deadline; authentication
 * (password, keyboard-interactive, public key from the directory) is checked
 * by our own flag before any channel, pty, shell or exec is served.  The
 * front end runs in a child: on a pty for a shell, on pipes for an exec.
 */
#include "session.h"
#include "relay.h"

#include "bursar/directory.h"
#include "bursar/err.h"
#include "bursar/log.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh/callbacks.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>

enum child_kind { CHILD_NONE, CHILD_SHELL, CHILD_EXEC };

/* Seconds a client may leave our output unread before it is disconnected. */
#define SESSION_SEND_TIMEOUT 300
/* After the exit status: how long the client may make no progress reading the rest. */
#define SESSION_DRAIN_IDLE_MS 10000

struct sess {
	const struct config *cfg;
	const struct server_frontends *fe;
	const struct app_paths *paths;
	const char *remote;
	const char *session_id;
	ssh_session ssh;
	ssh_event event;
	ssh_channel channel;
	struct ssh_channel_callbacks_struct chan_cb;

	bool authenticated;
	long long deadline; /* for logging in, then for asking for a shell or command */
	int failures;
	int pubkey_probes;
	char kbdint_user[USER_LOGIN_MAX + 1];
	struct user user;
	/* directory_lookup() result cached across public-key probes */
	char lookup_login[USER_LOGIN_MAX + 1];
	int lookup_ret;
	struct user lookup;

	char term[64];
	char lang[64];
	int lang_rank; /* 1 LANG, 2 LC_MESSAGES, 3 LC_ALL: stronger wins */
	int cols, rows;
	bool has_pty;
	enum child_kind want;
	char *command;

	enum child_kind kind;
	pid_t child;
	int child_status;
	const char *child_signal; /* SSH name ("KILL") when it died of a signal */
	bool child_reaped;
	pid_t session_pid;
	int master; /* pty master (shell), for window changes */
	struct relay relay; /* channel <-> child bytes */
	bool finished; /* exit status sent */
	bool closed; /* client closed the channel */
	int sock; /* the connection; children close it */
};

static volatile sig_atomic_t session_stop;

static void on_session_stop(int sig)
{
	(void)sig;
	session_stop = 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Login events are audited; a store failure must not stop the login path. */
static void audit_login_failure(struct sess *ss, const char *login, const char *method, const char *why)
{
	struct store *st = NULL;
	char msg[BR_MSG_MAX], object[USER_LOGIN_MAX * 4 + 1], detail[256], name[USER_LOGIN_MAX + 1];

	/* Hostile names are recorded bounded and escaped to printable UTF-8. */
	str_copy(name, login ? login : "", sizeof(name));
	text_escape(object, sizeof(object), name);
	snprintf(detail, sizeof(detail), "method=%s remote=%s reason=%s", method, ss->remote, why);
	if (store_open(ss->cfg->store.path, ss->cfg->store.synchronous_full, &st, msg, sizeof(msg)) == BR_OK) {
		store_audit_append(st, "-", "login.failure", object, detail);
		store_close(st);
	} else {
		log_event("audit unavailable: %s", msg);
	}
}

static void send_banner(struct sess *ss, const char *text)
{
	ssh_string s = ssh_string_from_char(text);

	if (s) {
		ssh_send_issue_banner(ss->ssh, s);
		ssh_string_free(s);
	}
}

static int login_succeeded(struct sess *ss, const char *method)
{
	struct store *st = NULL;
	char msg[BR_MSG_MAX];
	int ret;

	ret = store_open(ss->cfg->store.path, ss->cfg->store.synchronous_full, &st, msg, sizeof(msg));
	if (ret == BR_OK)
		ret = store_user_login(st, &ss->user, method, ss->remote);
	store_close(st);
	if (ret) {
		/* Without the audit record the login does not happen. */
		/* Refused like any failure: a message here would confirm the password. */
		log_event("login refused: cannot record it (%s)", ret == BR_ERR_STORE ? "database" : msg);
		ss->failures++;
		return SSH_AUTH_DENIED;
	}
	ss->authenticated = true;
	ss->deadline = now_ms() + (long long)ss->cfg->server.login_grace_seconds * 1000;
	log_set_context(NULL, ss->user.uid, NULL);
	log_event("login ok method=%s", method);
	return SSH_AUTH_SUCCESS;
}

static int login_failed(struct sess *ss, const char *login, const char *method, int ret)
{
	ss->failures++;
	if (ret == BR_ERR_UNAVAILABLE) {
		log_event("login failed method=%s login-name-len=%zu: directory unavailable", method,
			  login ? strlen(login) : 0);
		audit_login_failure(ss, login, method, "directory unavailable");
		send_banner(ss, "bursar: the directory service is unavailable; login is not possible right now.\r\n"
				"bursar: 目录服务不可用，暂时无法登录。\r\n");
	} else {
		log_event("login failed method=%s", method);
		audit_login_failure(ss, login, method, "denied");
	}
	if (ss->failures >= ss->cfg->server.max_auth_tries)
		log_event("too many failed logins; disconnecting");
	return SSH_AUTH_DENIED;
}

static int try_password(struct sess *ss, const char *login, const char *password, const char *method)
{
	int ret;

	if (ss->authenticated || ss->failures >= ss->cfg->server.max_auth_tries)
		return SSH_AUTH_DENIED;
	user_release(&ss->user);
	user_init(&ss->user);
	ret = directory_authenticate(ss->cfg, login, password, &ss->user);
	if (ret == BR_OK)
		return login_succeeded(ss, method);
	return login_failed(ss, login, method, ret);
}

static int auth_password_cb(ssh_session session, const char *user, const char *password, void *ud)
{
	(void)session;
	return try_password(ud, user, password, "password");
}

static bool key_listed(const struct user *u, ssh_key key)
{
	for (int i = 0; i < u->nkeys; i++) {
		char line[8192], *type, *b64, *save = NULL;
		ssh_key k = NULL;
		bool same;

		str_copy(line, u->keys[i], sizeof(line));
		type = strtok_r(line, " \t", &save);
		b64 = strtok_r(NULL, " \t", &save);
		if (!type || !b64)
			continue;
		if (ssh_pki_import_pubkey_base64(b64, ssh_key_type_from_name(type), &k) != SSH_OK)
			continue;
		same = ssh_key_cmp(k, key, SSH_KEY_CMP_PUBLIC) == 0;
		ssh_key_free(k);
		if (same)
			return true;
	}
	return false;
}

static int auth_pubkey_cb(ssh_session session, const char *login, struct ssh_key_struct *key, char state, void *ud)
{
	struct sess *ss = ud;

	(void)session;
	if (ss->authenticated || ss->failures >= ss->cfg->server.max_auth_tries)
		return SSH_AUTH_DENIED;
	/* Probes are free to the client but cost a directory search: bound them. */
	if (state == SSH_PUBLICKEY_STATE_NONE && ++ss->pubkey_probes > 10)
		return SSH_AUTH_DENIED;
	if (!login || strcmp(login, ss->lookup_login) || !ss->lookup_login[0]) {
		user_release(&ss->lookup);
		user_init(&ss->lookup);
		str_copy(ss->lookup_login, login ? login : "", sizeof(ss->lookup_login));
		ss->lookup_ret = directory_lookup(ss->cfg, login, &ss->lookup);
	}
	if (ss->lookup_ret == BR_ERR_UNAVAILABLE) {
		ss->lookup_login[0] = '\0';
		if (state == SSH_PUBLICKEY_STATE_VALID)
			return login_failed(ss, login, "publickey", BR_ERR_UNAVAILABLE);
		return SSH_AUTH_DENIED;
	}
	if (ss->lookup_ret != BR_OK || !key_listed(&ss->lookup, key)) {
		if (state == SSH_PUBLICKEY_STATE_VALID || state == SSH_PUBLICKEY_STATE_WRONG)
			return login_failed(ss, login, "publickey", BR_ERR_DENIED);
		return SSH_AUTH_DENIED;
	}
	if (state == SSH_PUBLICKEY_STATE_NONE)
		return SSH_AUTH_SUCCESS; /* "this key would be accepted": sign with it */
	if (state != SSH_PUBLICKEY_STATE_VALID)
		return login_failed(ss, login, "publickey", BR_ERR_DENIED);
	user_release(&ss->user);
	ss->user = ss->lookup;
	user_init(&ss->lookup); /* ownership of keys moved */
	ss->lookup_login[0] = '\0';
	return login_succeeded(ss, "publickey");
}

/*
 * libssh 0.10 has no server callback for keyboard-interactive; it arrives as
 * a message.  The response carries no user name, so keep it from the request.
 */
static int message_cb(ssh_session session, ssh_message msg, void *ud)
{
	struct sess *ss = ud;
	const char *prompts[] = { "Password: " };
	char echo[] = { 0 };

	if (ssh_message_type(msg) != SSH_REQUEST_AUTH || ssh_message_subtype(msg) != SSH_AUTH_METHOD_INTERACTIVE)
		return 1;
	if (ss->authenticated || ss->failures >= ss->cfg->server.max_auth_tries) {
		ssh_message_reply_default(msg);
		return 0;
	}
	if (!ssh_message_auth_kbdint_is_response(msg)) {
		const char *u = ssh_message_auth_user(msg);
		str_copy(ss->kbdint_user, u ? u : "", sizeof(ss->kbdint_user));
		if (u && strlen(u) > USER_LOGIN_MAX)
			ss->kbdint_user[0] = '\0';
		ssh_message_auth_interactive_request(msg, "", "", 1, prompts, echo);
		return 0;
	}
	if (ssh_userauth_kbdint_getnanswers(session) == 1 &&
	    try_password(ss, ss->kbdint_user, ssh_userauth_kbdint_getanswer(session, 0), "keyboard-interactive") ==
		SSH_AUTH_SUCCESS) {
		ssh_message_auth_reply_success(msg, 0);
		return 0;
	}
	ssh_message_reply_default(msg);
	return 0;
}

/* ---- channel ---- */

static int chan_data_cb(ssh_session session, ssh_channel channel, void *data, uint32_t len, int is_stderr, void *ud)
{
	struct sess *ss = ud;

	(void)session;
	(void)channel;
	(void)is_stderr;
	/* Queued even before the child exists; what is not taken stays in libssh. */
	return (int)relay_input(&ss->relay, data, len);
}

static void chan_eof_cb(ssh_session session, ssh_channel channel, void *ud)
{
	struct sess *ss = ud;

	(void)session;
	(void)channel;
	/* Takes effect once input still held by libssh has been passed on. */
	relay_input_eof(&ss->relay);
}

static void chan_close_cb(ssh_session session, ssh_channel channel, void *ud)
{
	struct sess *ss = ud;

	(void)session;
	(void)channel;
	ss->closed = true;
}

static int chan_pty_cb(ssh_session session, ssh_channel channel, const char *term, int w, int h, int pw, int ph,
		       void *ud)
{
	struct sess *ss = ud;

	(void)session;
	(void)channel;
	(void)pw;
	(void)ph;
	if (ss->has_pty || ss->kind != CHILD_NONE)
		return SSH_ERROR;
	str_copy(ss->term, term ? term : "", sizeof(ss->term));
	ss->cols = w > 0 && w < 10000 ? w : 80;
	ss->rows = h > 0 && h < 10000 ? h : 24;
	ss->has_pty = true;
	return SSH_OK;
}

static int chan_winch_cb(ssh_session session, ssh_channel channel, int w, int h, int pw, int ph, void *ud)
{
	struct sess *ss = ud;
	struct winsize ws = { 0 };

	(void)session;
	(void)channel;
	(void)pw;
	(void)ph;
	ss->cols = w > 0 && w < 10000 ? w : ss->cols;
	ss->rows = h > 0 && h < 10000 ? h : ss->rows;
	if (ss->kind == CHILD_SHELL && ss->master >= 0) {
		ws.ws_col = (unsigned short)ss->cols;
		ws.ws_row = (unsigned short)ss->rows;
		ioctl(ss->master, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH */
	}
	return SSH_OK;
}

static int chan_shell_cb(ssh_session session, ssh_channel channel, void *ud)
{
	struct sess *ss = ud;

	(void)session;
	(void)channel;
	if (ss->want != CHILD_NONE || ss->kind != CHILD_NONE)
		return SSH_ERROR;
	ss->want = CHILD_SHELL;
	return SSH_OK;
}

static int chan_exec_cb(ssh_session session, ssh_channel channel, const char *command, void *ud)
{
	struct sess *ss = ud;

	(void)session;
	(void)channel;
	if (ss->want != CHILD_NONE || ss->kind != CHILD_NONE || !command)
		return SSH_ERROR;
	/* Run after the callback returns, or the reply goes out of order. */
	ss->command = xstrdup(command);
	ss->want = CHILD_EXEC;
	return SSH_OK;
}

static int chan_env_cb(ssh_session session, ssh_channel channel, const char *name, const char *value, void *ud)
{
	struct sess *ss = ud;

	(void)session;
	(void)channel;
	if (!name || !value)
		return SSH_ERROR;
	/* As in POSIX: LC_ALL beats LC_MESSAGES beats LANG, whatever the order sent. */
	{
		int rank = !strcmp(name, "LC_ALL")        ? 3
			   : !strcmp(name, "LC_MESSAGES") ? 2
			   : !strcmp(name, "LANG")        ? 1
							  : 0;
		if (!rank)
			return SSH_ERROR;
		if (*value && rank >= ss->lang_rank) {
			str_copy(ss->lang, value, sizeof(ss->lang));
			ss->lang_rank = rank;
		}
		return SSH_OK;
	}
}

static int chan_subsystem_cb(ssh_session session, ssh_channel channel, const char *sub, void *ud)
{
	(void)session;
	(void)channel;
	(void)sub;
	(void)ud;
	return SSH_ERROR; /* no sftp/scp */
}

static ssh_channel channel_open_cb(ssh_session session, void *ud)
{
	struct sess *ss = ud;

	if (!ss->authenticated || ss->channel)
		return NULL;
	ss->channel = ssh_channel_new(session);
	if (!ss->channel)
		return NULL;
	memset(&ss->chan_cb, 0, sizeof(ss->chan_cb));
	ss->chan_cb.userdata = ss;
	ss->chan_cb.channel_data_function = chan_data_cb;
	ss->chan_cb.channel_eof_function = chan_eof_cb;
	ss->chan_cb.channel_close_function = chan_close_cb;
	ss->chan_cb.channel_pty_request_function = chan_pty_cb;
	ss->chan_cb.channel_pty_window_change_function = chan_winch_cb;
	ss->chan_cb.channel_shell_request_function = chan_shell_cb;
	ss->chan_cb.channel_exec_request_function = chan_exec_cb;
	ss->chan_cb.channel_env_request_function = chan_env_cb;
	ss->chan_cb.channel_subsystem_request_function = chan_subsystem_cb;
	ssh_callbacks_init(&ss->chan_cb);
	ssh_set_channel_callbacks(ss->channel, &ss->chan_cb);
	return ss->channel;
}

/* ---- front-end child ---- */

static void child_prepare(struct sess *ss, struct app *app)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD, SIGWINCH };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	/* If the session process is killed outright, do not outlive it. */
	prctl(PR_SET_PDEATHSIG, SIGHUP);
	if (getppid() != ss->session_pid)
		_exit(1); /* the session died before the line above took effect */
	memset(app, 0, sizeof(*app));
	app->cfg = ss->cfg;
	app->user = &ss->user;
	app->session_id = ss->session_id;
	app->remote = ss->remote;
	app->client_lang = ss->lang;
	app->term = ss->term;
	app->themes_dir = ss->paths->themes_dir;
	app->forms_dir = ss->paths->forms_dir;
}

/* Opens this process's own database connection and runs the front end. */
static int child_run(struct sess *ss, struct app *app)
{
	char msg[BR_MSG_MAX];
	int code;

	if (store_open(ss->cfg->store.path, ss->cfg->store.synchronous_full, &app->store, msg, sizeof(msg))) {
		fprintf(stderr, "bursar: %s\n", msg);
		log_event("front end cannot open the database: %s", msg);
		return 1;
	}
	code = ss->kind == CHILD_SHELL ? ss->fe->shell(app) : ss->fe->exec(app, ss->command);
	fflush(stdout);
	fflush(stderr);
	store_close(app->store);
	return code;
}

static int start_shell(struct sess *ss)
{
	struct winsize ws = { (unsigned short)ss->rows, (unsigned short)ss->cols, 0, 0 };
	int master = -1, slave = -1;
	pid_t pid;

	if (!ss->has_pty) {
		static const char msg[] = "bursar: the full-screen interface needs a terminal (ssh -t)\r\n";
		ssh_channel_write_stderr(ss->channel, msg, sizeof(msg) - 1);
		return -1;
	}
	if (openpty(&master, &slave, NULL, NULL, &ws) < 0)
		return -1;
	ss->kind = CHILD_SHELL;
	pid = fork();
	if (pid < 0) {
		close(master);
		close(slave);
		return -1;
	}
	if (pid == 0) {
		struct app app;
		int logfd = fcntl(2, F_DUPFD_CLOEXEC, 10);
		close(master);
		close(ss->sock);
		if (login_tty(slave) < 0)
			_exit(1);
		log_set_fd(logfd); /* stderr is now the person's screen */
		child_prepare(ss, &app);
		_exit(child_run(ss, &app));
	}
	close(slave);
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	ss->master = master;
	ss->child = pid;
	relay_attach_shell(&ss->relay, master);
	log_event("shell started term=%s size=%dx%d lang=%s", ss->term, ss->cols, ss->rows, ss->lang);
	return 0;
}

static int start_exec(struct sess *ss)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	pid_t pid;

	if (pipe(in) || pipe(out) || pipe(err))
		goto fail;
	ss->kind = CHILD_EXEC;
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0) {
		struct app app;
		int logfd = fcntl(2, F_DUPFD_CLOEXEC, 10);
		close(ss->sock);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		for (int i = 0; i < 2; i++) {
			close(in[i]);
			close(out[i]);
			close(err[i]);
		}
		log_set_fd(logfd); /* stderr is now the client's */
		child_prepare(ss, &app);
		_exit(child_run(ss, &app));
	}
	close(in[0]);
	close(out[1]);
	close(err[1]);
	fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	fcntl(err[0], F_SETFL, fcntl(err[0], F_GETFL) | O_NONBLOCK);
	ss->child = pid;
	relay_attach_exec(&ss->relay, in[1], out[0], err[0]);
	log_event("exec started: %.200s", ss->command);
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return -1;
}

/* RFC 4254 signal names for exit-signal. */
static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGABRT: return "ABRT";
	case SIGFPE: return "FPE";
	case SIGHUP: return "HUP";
	case SIGILL: return "ILL";
	case SIGINT: return "INT";
	case SIGKILL: return "KILL";
	case SIGPIPE: return "PIPE";
	case SIGQUIT: return "QUIT";
	case SIGSEGV: return "SEGV";
	case SIGTERM: return "TERM";
	case SIGUSR1: return "USR1";
	case SIGUSR2: return "USR2";
	}
	return "KILL";
}

static void reap_child(struct sess *ss, bool force)
{
	int status;

	if (ss->child <= 0 || ss->child_reaped)
		return;
	if (force) {
		/* A hang-up first, so a write in progress can finish or roll back. */
		kill(ss->child, SIGHUP);
		for (int i = 0; i < 200; i++) {
			if (waitpid(ss->child, &status, WNOHANG) == ss->child)
				goto reaped;
			usleep(10000);
		}
		kill(ss->child, SIGKILL);
	}
	if (waitpid(ss->child, &status, force ? 0 : WNOHANG) != ss->child)
		return;
reaped:
	ss->child_reaped = true;
	ss->child_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (WIFSIGNALED(status))
		ss->child_signal = signal_name(WTERMSIG(status));
}

static void finish_channel(struct sess *ss)
{
	reap_child(ss, false);
	if (!ss->child_reaped)
		return;
	if (ss->channel && !ss->closed) {
		if (ss->child_signal)
			ssh_channel_request_send_exit_signal(ss->channel, ss->child_signal, 0, "", "");
		else
			ssh_channel_request_send_exit_status(ss->channel, ss->child_status);
		ssh_channel_send_eof(ss->channel);
		ssh_channel_close(ss->channel);
	}
	log_event("%s ended status=%d", ss->kind == CHILD_SHELL ? "shell" : "exec", ss->child_status);
	ss->finished = true;
}

static void set_quickack(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

static int key_exchange(struct sess *ss, int fd, long long deadline)
{
	int rc;

	/*
	 * Non-blocking with QUICKACK between tries: the client's back-to-back
	 * packets otherwise meet Nagle + delayed ACK and stall ~40 ms.
	 */
	ssh_set_blocking(ss->ssh, 0);
	while ((rc = ssh_handle_key_exchange(ss->ssh)) == SSH_AGAIN) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (now_ms() > deadline)
			return -1;
		set_quickack(fd);
		poll(&p, 1, 50);
	}
	/* The session stays non-blocking: see relay.c for why writes must not wait. */
	return rc == SSH_OK ? 0 : -1;
}

int session_run(const struct config *cfg, const struct server_frontends *fe, const struct app_paths *paths, ssh_bind bind,
		int fd, const char *remote, const char *session_id)
{
	struct ssh_server_callbacks_struct cb;
	struct sess ss;
	long timeout = cfg->server.login_grace_seconds;
	int ret = 1;

	memset(&ss, 0, sizeof(ss));
	ss.cfg = cfg;
	ss.fe = fe;
	ss.paths = paths;
	ss.remote = remote;
	ss.session_id = session_id;
	ss.master = -1;
	ss.sock = fd;
	ss.deadline = now_ms() + (long long)cfg->server.login_grace_seconds * 1000;
	relay_init(&ss.relay, NULL);
	user_init(&ss.user);
	user_init(&ss.lookup);
	signal(SIGPIPE, SIG_IGN);
	{
		/* No SA_RESTART: a stop request must interrupt a blocked send. */
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_session_stop;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	ss.session_pid = getpid();
	{
		/*
		 * libssh writes to the socket with blocking send(); a client that
		 * stops reading for this long is cut off instead of holding us.
		 */
		struct timeval tv = { SESSION_SEND_TIMEOUT, 0 };
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}

	ss.ssh = ssh_new();
	if (!ss.ssh)
		goto out;
	ssh_options_set(ss.ssh, SSH_OPTIONS_TIMEOUT, &timeout);
	if (ssh_bind_accept_fd(bind, ss.ssh, fd) != SSH_OK) {
		log_event("accept failed: %s", ssh_get_error(bind));
		goto out;
	}
	ssh_set_auth_methods(ss.ssh,
			     SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY | SSH_AUTH_METHOD_INTERACTIVE);
	memset(&cb, 0, sizeof(cb));
	cb.userdata = &ss;
	cb.auth_password_function = auth_password_cb;
	cb.auth_pubkey_function = auth_pubkey_cb;
	cb.channel_open_request_session_function = channel_open_cb;
	ssh_callbacks_init(&cb);
	ssh_set_server_callbacks(ss.ssh, &cb);
	ssh_set_message_callback(ss.ssh, message_cb, &ss);

	if (key_exchange(&ss, fd, ss.deadline) < 0) {
		log_event("key exchange failed: %s", ssh_get_error(ss.ssh));
		goto out;
	}
	ss.event = ssh_event_new();
	ss.relay.event = ss.event;
	if (!ss.event || ssh_event_add_session(ss.event, ss.ssh) != SSH_OK)
		goto out;

	for (;;) {
		int rc = ssh_event_dopoll(ss.event, 100);
		if (session_stop) {
			log_event("server stopping; ending session");
			break;
		}
		/* Until a shell or command runs, the login deadline applies, signed in or not. */
		if (ss.kind == CHILD_NONE && ss.want == CHILD_NONE && now_ms() > ss.deadline) {
			log_event(ss.authenticated ? "no shell or command requested in time; disconnecting"
						   : "login deadline passed; disconnecting");
			break;
		}
		if (!ss.authenticated && ss.failures >= cfg->server.max_auth_tries)
			break;
		if (ss.want != CHILD_NONE && ss.kind == CHILD_NONE) {
			enum child_kind want = ss.want;
			int started = want == CHILD_SHELL ? start_shell(&ss) : start_exec(&ss);
			ss.want = CHILD_NONE;
			if (started < 0) {
				ssh_channel_request_send_exit_status(ss.channel, 1);
				ssh_channel_send_eof(ss.channel);
				ssh_channel_close(ss.channel);
				ss.finished = true;
			}
		}
		if (ss.kind != CHILD_NONE && !ss.finished) {
			relay_pump(&ss.relay, ss.channel);
			if (relay_outputs_done(&ss.relay))
				finish_channel(&ss);
		}
		if (ss.finished)
			break;
		if (ss.closed) {
			if (ss.kind != CHILD_NONE)
				log_event("client closed the channel");
			break;
		}
		if (rc == SSH_ERROR || !ssh_is_connected(ss.ssh) || ss.relay.broken) {
			if (ss.kind != CHILD_NONE)
				log_event("connection lost");
			break;
		}
	}
	/*
	 * Everything is written to the channel, but may still sit in libssh's
	 * buffer or the socket.  Hang up only when the client has closed its
	 * side (so it has read it all), or makes no progress for a while:
	 * closing earlier makes the kernel reset the connection and drop it.
	 */
	relay_close(&ss.relay);
	if (ss.finished && ss.channel) {
		long long idle_since = now_ms();
		int last_queued = -1;
		while (ssh_is_connected(ss.ssh) && !ss.closed && !session_stop &&
		       now_ms() - idle_since < SESSION_DRAIN_IDLE_MS) {
			int queued = 0;
			ssh_event_dopoll(ss.event, 100);
			ioctl(fd, SIOCOUTQ, &queued);
			if (queued != last_queued) {
				last_queued = queued;
				idle_since = now_ms();
			}
		}
	}
	ret = 0;
out:
	relay_close(&ss.relay); /* closing the pty master hangs up the UI */
	reap_child(&ss, true);
	if (ss.event)
		ssh_event_free(ss.event);
	if (ss.ssh) {
		ssh_disconnect(ss.ssh);
		ssh_free(ss.ssh);
	}
	user_release(&ss.user);
	user_release(&ss.lookup);
	free(ss.command);
	return ret;
}
