/*
 * user.h - a person as bursar sees them: directory attributes cached at
 * login, the roles their groups grant, and their remembered preferences.
 */
#ifndef BURSAR_USER_H
#define BURSAR_USER_H

#include <stdbool.h>

#include "bursar/config.h"

#define USER_LOGIN_MAX 64
#define USER_MAX_GROUPS 64
#define USER_MAX_KEYS 16

struct user {
	char uid[USER_LOGIN_MAX + 1];
	char dn[512];
	char display_name[256];
	char mail[256];
	char department[128];
	char manager_dn[512];
	char manager_uid[USER_LOGIN_MAX + 1];
	char manager_name[256];
	char title[128];
	char rank[64]; /* from the configured rank attribute, e.g. employeeType */
	char groups[USER_MAX_GROUPS][128];
	int ngroups;
	unsigned roles; /* ROLE_BIT() mask */
	char *keys[USER_MAX_KEYS]; /* OpenSSH public key lines, owned */
	int nkeys;
	char theme[64]; /* "" = not chosen */
	char language[16]; /* "" = not chosen */
	char last_login[32]; /* previous login time, "" if first */
};

void user_init(struct user *u);
/* Frees owned members; the struct may be reused after user_init(). */
void user_release(struct user *u);
/*
 * Whether a login name is acceptable at all: 1..64 bytes, no control
 * characters.  Anything else is refused exactly like a wrong password.
 */
bool user_login_valid(const char *login);
/* Sets u->roles from u->groups and the [roles] mapping. */
void user_roles_from_groups(struct user *u, const struct config *cfg);
bool user_has_role(const struct user *u, enum role r);
/* Display name, else uid. */
const char *user_display(const struct user *u);
/* Adds a public key line (copied); ignored beyond USER_MAX_KEYS. */
void user_add_key(struct user *u, const char *key);

#endif
