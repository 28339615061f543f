/*
 * role.c - role names as they appear in configuration and output.
 */
#include "bursar/role.h"

#include <stdio.h>
#include <string.h>

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_STAFF] = "staff",
	[ROLE_APPROVER] = "approver",
	[ROLE_FINANCE] = "finance",
	[ROLE_ADMIN] = "admin",
	[ROLE_AUDITOR] = "auditor",
};

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

int role_from_name(const char *name)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strcmp(role_names[r], name) == 0)
			return r;
	return -1;
}

void role_mask_format(unsigned mask, char *buf, unsigned long size)
{
	size_t used = 0;

	if (size)
		buf[0] = '\0';
	for (int r = 0; r < ROLE_COUNT && used < size; r++) {
		if (!(mask & ROLE_BIT(r)))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", role_names[r]);
	}
}
