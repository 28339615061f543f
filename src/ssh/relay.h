/*
 * relay.h - moves bytes between an SSH channel and a child's file
 * descriptors (a pty master, or stdin/stdout/stderr pipes) without ever
 * blocking the session process.
 *
 * Output is read from the child only when the previous chunk has gone out,
 * and written to the channel only as far as the client's window allows, so
 * a slow client slows the child instead of growing memory, and bytes keep
 * their order.  Input from the client is queued (bounded) until the child
 * can take it, including input that arrives before the child exists.
 */
#ifndef BURSAR_SSH_RELAY_H
#define BURSAR_SSH_RELAY_H

#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <stdbool.h>
#include <stddef.h>

#define RELAY_CHUNK 16384
#define RELAY_INPUT_MAX (1u << 20)

struct relay_out {
	int fd;
	bool is_stderr;
	bool eof;
	size_t len, off;
	char buf[RELAY_CHUNK];
};

struct relay {
	ssh_event event;
	struct relay_out out[2];
	int nout;
	int in_fd; /* -1 until a child is attached */
	bool in_is_pipe; /* close it once input ends */
	bool in_eof; /* no more input: the client's EOF took effect */
	bool eof_pending; /* the client sent EOF; libssh may still hold data */
	bool backlog; /* libssh holds input we could not take yet */
	char *in_buf;
	size_t in_len;
	struct {
		int fd;
		short events;
	} reg[3]; /* what the event loop watches: stdout, stderr, stdin */
	bool broken; /* the channel refused a write */
};

void relay_init(struct relay *r, ssh_event event);
/* A pty master carries both directions. */
void relay_attach_shell(struct relay *r, int master);
void relay_attach_exec(struct relay *r, int in, int out, int err);
/*
 * Queues client data; returns how much was taken.  When the queue is full
 * the rest stays in libssh, and relay_pump() reads it once there is room.
 */
size_t relay_input(struct relay *r, const void *data, size_t len);
void relay_input_eof(struct relay *r);
/* Moves what can move now and updates which fds the event loop watches. */
void relay_pump(struct relay *r, ssh_channel channel);
/* Every output reached EOF and has been written to the channel. */
bool relay_outputs_done(const struct relay *r);
/* Stops watching and closes every fd. */
void relay_close(struct relay *r);

#endif
