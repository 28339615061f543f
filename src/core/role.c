/*
 * role.c - role names as they appear in configuration and output.
 */
#include "bursar/role.h"
#include "bursar/i18n.h"

#include <stdio.h>
#include <string.h>

/* Marked for translation: the same words label roles on screen. */
static const char *const role_names[ROLE_COUNT] = {
	[ROLE_STAFF] = N_("staff"), [ROLE_APPROVER] = N_("approver"), [ROLE_FINANCE] = N_("finance"),
	[ROLE_ADMIN] = N_("admin"), [ROLE_AUDITOR] = N_("auditor"),
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

static void mask_join(unsigned mask, char *buf, unsigned long size, int translate)
{
	size_t used = 0;

	if (size)
		buf[0] = '\0';
	for (int r = 0; r < ROLE_COUNT && used < size; r++) {
		if (!(mask & ROLE_BIT(r)))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
					 translate ? _(role_names[r]) : role_names[r]);
	}
}

void role_mask_format(unsigned mask, char *buf, unsigned long size)
{
	mask_join(mask, buf, size, 0);
}

void role_mask_label(unsigned mask, char *buf, unsigned long size)
{
	mask_join(mask, buf, size, 1);
}
