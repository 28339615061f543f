/*
 * role.h - the fixed set of roles a person can hold.  Which directory groups
 * grant which role is configuration ([roles] in the config file).
 */
#ifndef BURSAR_ROLE_H
#define BURSAR_ROLE_H

enum role { ROLE_STAFF, ROLE_APPROVER, ROLE_FINANCE, ROLE_ADMIN, ROLE_AUDITOR, ROLE_COUNT };

#define ROLE_BIT(r) (1u << (r))
#define ROLE_ANY 0u

/* Config-file name of a role ("staff", ...). */
const char *role_name(enum role r);
/* Role by config-file name; -1 if unknown. */
int role_from_name(const char *name);
/* Writes "staff, approver" style text for a bitmask (untranslated names). */
void role_mask_format(unsigned mask, char *buf, unsigned long size);
/* The same in the session's language ("员工, 审批人"); empty for no role. */
void role_mask_label(unsigned mask, char *buf, unsigned long size);

#endif
