/*
 * relay.c - non-blocking byte relay between an SSH channel and a child.
 *
 * Channel writes never wait for the client's window: libssh would otherwise
 * run the event loop from inside the write and deliver later chunks before
 * earlier ones.  Fd callbacks only read into a buffer, and only into an
 * empty one; all writing happens in relay_pump(), called from the session's
 * main loop.  (A flush inside ssh_channel_write may still run the event
 * loop once; the empty-buffer rule keeps the order even then.)
 */
#include "relay.h"

#include "bursar/util.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void relay_init(struct relay *r, ssh_event event)
{
	memset(r, 0, sizeof(*r));
	r->event = event;
	r->in_fd = -1;
	r->out[0].fd = r->out[1].fd = -1;
	r->reg[0].fd = r->reg[1].fd = r->reg[2].fd = -1;
}

void relay_attach_shell(struct relay *r, int master)
{
	r->out[0].fd = master;
	r->nout = 1;
	r->in_fd = master;
	r->in_is_pipe = false;
}

void relay_attach_exec(struct relay *r, int in, int out, int err)
{
	r->out[0].fd = out;
	r->out[1].fd = err;
	r->out[1].is_stderr = true;
	r->nout = 2;
	r->in_fd = in;
	r->in_is_pipe = true;
}

size_t relay_input(struct relay *r, const void *data, size_t len)
{
	size_t room = RELAY_INPUT_MAX - r->in_len;

	if (r->in_eof)
		return len; /* the child takes no more input; drop */
	if (len > room) {
		len = room;
		r->backlog = true;
	}
	if (!len)
		return 0;
	r->in_buf = xrealloc(r->in_buf, r->in_len + len);
	memcpy(r->in_buf + r->in_len, data, len);
	r->in_len += len;
	return len;
}

void relay_input_eof(struct relay *r)
{
	r->eof_pending = true;
}

/* Drops queued input: the child cannot take it any more. */
static void input_gone(struct relay *r)
{
	r->in_len = 0;
	r->in_eof = true;
}

/*
 * Reads input libssh kept when our queue was full.  Only while libssh's
 * buffer is non-empty: then ssh_channel_poll() and the read process no new
 * packets, so nothing can overtake the bytes being read.
 */
static void pull_backlog(struct relay *r, ssh_channel ch)
{
	while (r->backlog && ch && r->in_len < RELAY_INPUT_MAX) {
		int avail = ssh_channel_poll(ch, 0);
		size_t room = RELAY_INPUT_MAX - r->in_len;
		size_t want;
		int got;

		if (avail <= 0) {
			r->backlog = false;
			break;
		}
		want = (size_t)avail < room ? (size_t)avail : room;
		r->in_buf = xrealloc(r->in_buf, r->in_len + want);
		got = ssh_channel_read_nonblocking(ch, r->in_buf + r->in_len, (uint32_t)want, 0);
		if (got <= 0)
			break;
		if (!r->in_eof)
			r->in_len += (size_t)got;
	}
}

static void pump_in(struct relay *r);

static int fd_cb(socket_t fd, int revents, void *ud)
{
	struct relay *r = ud;

	if (fd == r->in_fd) {
		if (revents & POLLOUT)
			pump_in(r);
		/* A hung-up pty reports only POLLHUP and never becomes writable. */
		else if (revents & (POLLHUP | POLLERR | POLLNVAL))
			input_gone(r);
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return 0;
	for (int i = 0; i < r->nout; i++) {
		struct relay_out *o = &r->out[i];
		ssize_t n;

		if (o->fd != fd || o->eof || o->len)
			continue;
		n = read(fd, o->buf, sizeof(o->buf));
		if (n > 0) {
			o->len = (size_t)n;
			o->off = 0;
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			o->eof = true; /* a pty master reports the child's exit as EIO */
		}
	}
	return 0;
}

static void pump_out(struct relay *r, ssh_channel ch)
{
	for (int i = 0; i < r->nout; i++) {
		struct relay_out *o = &r->out[i];

		while (o->len > o->off && !r->broken) {
			uint32_t window = ch ? ssh_channel_window_size(ch) : 0;
			uint32_t n = (uint32_t)(o->len - o->off);
			int w;

			if (!ch || ssh_channel_is_closed(ch)) {
				o->len = o->off = 0; /* nobody to deliver to */
				break;
			}
			if (window == 0)
				break;
			if (n > window)
				n = window;
			w = o->is_stderr ? ssh_channel_write_stderr(ch, o->buf + o->off, n)
					 : ssh_channel_write(ch, o->buf + o->off, n);
			if (w < 0) {
				r->broken = true;
				break;
			}
			if (w == 0)
				break;
			o->off += (size_t)w;
		}
		if (o->off >= o->len)
			o->len = o->off = 0;
	}
}

static void pump_in(struct relay *r)
{
	ssize_t n;

	while (r->in_fd >= 0 && r->in_len) {
		n = write(r->in_fd, r->in_buf, r->in_len);
		if (n > 0) {
			memmove(r->in_buf, r->in_buf + n, r->in_len - (size_t)n);
			r->in_len -= (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* The child stopped reading (EPIPE, EIO): drop what is queued. */
		input_gone(r);
	}
}

/* Changes what the event loop watches on slot; never inside fd_cb. */
static void watch(struct relay *r, int slot, int fd, short events)
{
	if (r->reg[slot].fd == fd && r->reg[slot].events == events)
		return;
	if (r->reg[slot].fd >= 0 && r->reg[slot].events)
		ssh_event_remove_fd(r->event, r->reg[slot].fd);
	r->reg[slot].fd = fd;
	r->reg[slot].events = events;
	if (fd >= 0 && events)
		ssh_event_add_fd(r->event, fd, events, fd_cb, r);
}

/*
 * An output fd is watched for reading only while its buffer is empty (that
 * is the back-pressure); the input fd for writing only while input waits.
 */
static short wanted(const struct relay *r, int fd)
{
	short ev = 0;

	if (fd < 0)
		return 0;
	for (int i = 0; i < r->nout; i++)
		if (r->out[i].fd == fd && !r->out[i].eof && !r->out[i].len)
			ev |= POLLIN;
	if (fd == r->in_fd && r->in_len)
		ev |= POLLOUT;
	return ev;
}

void relay_pump(struct relay *r, ssh_channel ch)
{
	pump_out(r, ch);
	pull_backlog(r, ch);
	if (r->eof_pending && !r->backlog)
		r->in_eof = true;
	pump_in(r);
	/* A shell whose terminal closed reads nothing more. */
	if (!r->in_is_pipe && r->nout && r->out[0].eof)
		input_gone(r);
	for (int i = 0; i < r->nout; i++) {
		struct relay_out *o = &r->out[i];
		if (o->eof && !o->len && o->fd >= 0 && o->fd != r->in_fd) {
			watch(r, i, o->fd, 0);
			close(o->fd);
			o->fd = -1;
		}
	}
	if (r->in_is_pipe && r->in_fd >= 0 && r->in_eof && !r->in_len) {
		watch(r, 2, r->in_fd, 0);
		close(r->in_fd); /* the command sees EOF on its stdin */
		r->in_fd = -1;
	}
	for (int i = 0; i < r->nout; i++)
		watch(r, i, r->out[i].fd, wanted(r, r->out[i].fd));
	if (r->in_is_pipe)
		watch(r, 2, r->in_fd, wanted(r, r->in_fd));
}

bool relay_outputs_done(const struct relay *r)
{
	for (int i = 0; i < r->nout; i++)
		if (!r->out[i].eof || r->out[i].len)
			return false;
	return r->nout > 0;
}

void relay_close(struct relay *r)
{
	for (int s = 0; s < 3; s++)
		watch(r, s, -1, 0);
	for (int i = 0; i < r->nout; i++)
		if (r->out[i].fd >= 0 && r->out[i].fd != r->in_fd)
			close(r->out[i].fd);
	if (r->in_fd >= 0)
		close(r->in_fd);
	r->in_fd = r->out[0].fd = r->out[1].fd = -1;
	free(r->in_buf);
	r->in_buf = NULL;
	r->in_len = 0;
}
