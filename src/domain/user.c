/*
 * user.c - login-name rules and the mapping from directory groups to roles.
 */
#include "bursar/user.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void user_init(struct user *u)
{
	memset(u, 0, sizeof(*u));
}

void user_release(struct user *u)
{
	for (int i = 0; i < u->nkeys; i++)
		free(u->keys[i]);
	u->nkeys = 0;
}

bool user_login_valid(const char *login)
{
	size_t len;

	if (!login)
		return false;
	len = strlen(login);
	if (len == 0 || len > USER_LOGIN_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)login[i] < 0x20 || login[i] == 0x7f)
			return false;
	return true;
}

/* Is group one of the comma-separated names in list (case-insensitive)? */
static bool group_listed(const char *list, const char *group)
{
	char buf[512];
	char *save = NULL;

	str_copy(buf, list, sizeof(buf));
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (*str_trim(tok) && !strcasecmp(tok, group))
			return true;
	return false;
}

void user_roles_from_groups(struct user *u, const struct config *cfg)
{
	u->roles = 0;
	for (int r = 0; r < ROLE_COUNT; r++)
		for (int g = 0; g < u->ngroups; g++)
			if (group_listed(cfg->roles[r], u->groups[g]))
				u->roles |= ROLE_BIT(r);
}

bool user_has_role(const struct user *u, enum role r)
{
	return (u->roles & ROLE_BIT(r)) != 0;
}

const char *user_display(const struct user *u)
{
	return u->display_name[0] ? u->display_name : u->uid;
}

void user_add_key(struct user *u, const char *key)
{
	if (u->nkeys < USER_MAX_KEYS)
		u->keys[u->nkeys++] = xstrdup(key);
}
