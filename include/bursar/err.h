/*
 * err.h - the one result type used across bursar.
 *
 * Functions return 0 (BR_OK) on success or a negative br_err; a message a
 * person can act on travels separately in a caller-provided buffer.
 */
#ifndef BURSAR_ERR_H
#define BURSAR_ERR_H

enum br_err {
	BR_OK = 0,
	BR_ERR_NOMEM = -1,
	BR_ERR_INVALID = -2, /* bad input from a person or a file */
	BR_ERR_DENIED = -3, /* wrong credentials or not allowed */
	BR_ERR_UNAVAILABLE = -4, /* a server we depend on did not answer */
	BR_ERR_NOT_FOUND = -5,
	BR_ERR_IO = -6,
	BR_ERR_STORE = -7,
	BR_ERR_CORRUPT = -8, /* integrity check failed */
	BR_ERR_CONFLICT = -9, /* already exists (e.g. a duplicate invoice) */
	BR_ERR_LIMIT = -10, /* a limit would be passed (e.g. a blocking budget) */
};

/* A short description of an error code in the session's language. */
const char *br_strerror(int err);

#define BR_MSG_MAX 512

#endif
