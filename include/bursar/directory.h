/*
 * directory.h - identity from LDAP: password check, attributes, groups and
 * SSH public keys.  The only module that talks to the directory.
 *
 * Every function fails closed within [ldap] timeout_seconds.  DENIED never
 * says whether the name or the password was wrong.
 */
#ifndef BURSAR_DIRECTORY_H
#define BURSAR_DIRECTORY_H

#include <stddef.h>

#include "bursar/config.h"
#include "bursar/user.h"

/*
 * Checks login/password and fills u (attributes, groups, roles, keys).
 * BR_ERR_DENIED for a bad name, unknown person, wrong/empty/over-long
 * password; BR_ERR_UNAVAILABLE when no directory server answered.
 */
int directory_authenticate(const struct config *cfg, const char *login, const char *password, struct user *u);
/* Looks a person up without a password (for public-key login). */
int directory_lookup(const struct config *cfg, const char *login, struct user *u);
/*
 * The uids of the members of the directory groups that grant role r
 * (member/uniqueMember DNs or memberUid values), up to max, without repeats.
 */
int directory_role_members(const struct config *cfg, enum role r, char (*uids)[USER_LOGIN_MAX + 1], int max, int *n);
/* Substitutes an RFC 4515-escaped value for the %s of a filter template. */
int directory_make_filter(const char *tmpl, const char *value, char *out, size_t size);

/*
 * Initialises the LDAP library (configuration files, SASL plugins) once,
 * so that processes forked afterwards do not each pay for it at login.
 */
void directory_preload(void);

#define DIRECTORY_PASSWORD_MAX 1024

#endif
