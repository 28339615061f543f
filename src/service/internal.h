/*
 * internal.h - what the service source files share.  Private to src/service.
 */
#ifndef BURSAR_SERVICE_INTERNAL_H
#define BURSAR_SERVICE_INTERNAL_H

#include <stddef.h>

/* Writes a message for the person into msg and returns ret (a br_err). */
int service_fail(int ret, char *msg, size_t size, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
