/*
 * preauth.c - a libssh client that offers what OpenSSH will not send: user
 * names with control bytes, LDAP filter characters and over-long names,
 * each with the right password.  Prints TAP lines.
 */
#include <libssh/libssh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;

static void check(const char *name, int cond)
{
	printf("%s - %s\n", cond ? "ok" : "not ok", name);
	if (!cond)
		fails++;
}

static ssh_session connect_to(const char *host, unsigned port)
{
	ssh_session s = ssh_new();
	int no = 0;
	long timeout = 5;

	ssh_options_set(s, SSH_OPTIONS_HOST, host);
	ssh_options_set(s, SSH_OPTIONS_PORT, &port);
	ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &no);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_set(s, SSH_OPTIONS_USER, "zhangwei");
	ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
	if (ssh_connect(s) != SSH_OK) {
		fprintf(stderr, "connect: %s\n", ssh_get_error(s));
		exit(2);
	}
	return s;
}

int main(int argc, char **argv)
{
	static const char *const hostile[] = { "zhang\x01wei", "zhangwei\n", "*", "zhangwei)(uid=*",
					       "\\2a", "bad\xffutf8", "c1\xc2\x9b[2J", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" };
	ssh_session s;
	unsigned port;

	if (argc != 3)
		return 2;
	port = (unsigned)atoi(argv[2]);

	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		char name[160];
		s = connect_to(argv[1], port);
		snprintf(name, sizeof(name), "hostile user name #%zu is refused with the right password", i + 1);
		check(name, ssh_userauth_password(s, hostile[i], "demo-pass") != SSH_AUTH_SUCCESS);
		ssh_disconnect(s);
		ssh_free(s);
	}

	s = connect_to(argv[1], port);
	check("the right name and password still work afterwards",
	      ssh_userauth_password(s, "zhangwei", "demo-pass") == SSH_AUTH_SUCCESS);
	ssh_disconnect(s);
	ssh_free(s);
	return fails ? 1 : 0;
}
