/*
 * directory.c - LDAP (OpenLDAP libldap) behind directory.h.
 *
 * Login: search for the person with an escaped filter (bound as the service
 * account or anonymously), require exactly one entry, then bind as that DN
 * with the password.  Empty passwords are refused before any bind: RFC 4513
 * makes "DN + empty password" an unauthenticated bind that servers accept.
 */
#define LDAP_DEPRECATED 0
#include "bursar/directory.h"
#include "bursar/err.h"
#include "bursar/log.h"
#include "bursar/util.h"

#include <lber.h>
#include <ldap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* The last slot is the configured rank attribute (ldap.rank_attribute). */
#define PERSON_ATTRS { "uid", "displayName", "cn", "mail", "departmentNumber", "ou", "manager", "title", \
		       "sshPublicKey", NULL, NULL }

int directory_make_filter(const char *tmpl, const char *value, char *out, size_t size)
{
	struct berval in = { 0 }, esc = { 0 };
	const char *p = strstr(tmpl, "%s");
	int n;

	if (!p)
		return BR_ERR_INVALID;
	in.bv_val = (char *)value;
	in.bv_len = strlen(value);
	if (ldap_bv2escaped_filter_value(&in, &esc) != 0)
		return BR_ERR_NOMEM;
	/* libldap leaves bv_val NULL for an empty value. */
	n = snprintf(out, size, "%.*s%s%s", (int)(p - tmpl), tmpl, esc.bv_val ? esc.bv_val : "", p + 2);
	ber_memfree(esc.bv_val);
	return n < 0 || (size_t)n >= size ? BR_ERR_INVALID : BR_OK;
}

static int ldap_err_kind(int rc)
{
	switch (rc) {
	case LDAP_SERVER_DOWN:
	case LDAP_TIMEOUT:
	case LDAP_CONNECT_ERROR:
	case LDAP_UNAVAILABLE:
	case LDAP_BUSY: return BR_ERR_UNAVAILABLE;
	case LDAP_INVALID_CREDENTIALS:
	case LDAP_INAPPROPRIATE_AUTH:
	case LDAP_UNWILLING_TO_PERFORM: return BR_ERR_DENIED;
	}
	return BR_ERR_UNAVAILABLE;
}

/* Gives the next synchronous call whatever is left of the login's budget. */
static void budget_apply(LDAP *ld, const struct timespec *deadline)
{
	struct timespec now;
	struct timeval tv;
	long long left_ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	left_ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	if (left_ms < 1)
		left_ms = 1;
	tv.tv_sec = (time_t)(left_ms / 1000);
	tv.tv_usec = (suseconds_t)(left_ms % 1000) * 1000;
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
}

static int simple_bind(LDAP *ld, const char *dn, const char *password)
{
	struct berval cred = { 0 };

	cred.bv_val = (char *)(password ? password : "");
	cred.bv_len = strlen(cred.bv_val);
	return ldap_sasl_bind_s(ld, dn && *dn ? dn : NULL, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
}

/* Connects, applies timeouts and StartTLS, binds as the service account. */
static int directory_connect(const struct config *cfg, const struct timespec *deadline, LDAP **out)
{
	LDAP *ld = NULL;
	int version = LDAP_VERSION3;
	int rc;

	*out = NULL;
	/* Several space-separated URIs are tried in order by libldap. */
	if (ldap_initialize(&ld, cfg->ldap.uri) != LDAP_SUCCESS)
		return BR_ERR_UNAVAILABLE;
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	budget_apply(ld, deadline);
	if (cfg->ldap.starttls != STARTTLS_NO) {
		int demand = LDAP_OPT_X_TLS_DEMAND, newctx = 0;
		ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
		/* Without a new context the handle keeps the global (ldap.conf) policy. */
		ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &newctx);
		rc = ldap_start_tls_s(ld, NULL, NULL);
		/*
		 * "yes" goes on in clear only when the server does not offer
		 * StartTLS at all; a certificate that fails the check always refuses.
		 */
		if (rc != LDAP_SUCCESS && (cfg->ldap.starttls == STARTTLS_DEMAND || rc != LDAP_PROTOCOL_ERROR)) {
			ldap_unbind_ext_s(ld, NULL, NULL);
			return BR_ERR_UNAVAILABLE;
		}
	}
	budget_apply(ld, deadline);
	rc = simple_bind(ld, cfg->ldap.bind_dn, cfg->ldap.bind_password);
	if (rc != LDAP_SUCCESS) {
		ldap_unbind_ext_s(ld, NULL, NULL);
		/* A refused service bind is a configuration problem, not the user's. */
		return BR_ERR_UNAVAILABLE;
	}
	*out = ld;
	return BR_OK;
}

static void first_value(LDAP *ld, LDAPMessage *e, const char *attr, char *out, size_t size)
{
	struct berval **vals = ldap_get_values_len(ld, e, attr);

	if (vals && vals[0] && !memchr(vals[0]->bv_val, '\0', vals[0]->bv_len)) {
		size_t n = vals[0]->bv_len < size - 1 ? vals[0]->bv_len : size - 1;
		/* Never cut inside a UTF-8 sequence: back up over continuation bytes. */
		if (n < vals[0]->bv_len)
			while (n > 0 && ((unsigned char)vals[0]->bv_val[n] & 0xc0) == 0x80)
				n--;
		memcpy(out, vals[0]->bv_val, n);
		out[n] = '\0';
	}
	ldap_value_free_len(vals);
}

static void read_person(LDAP *ld, LDAPMessage *e, const char *rank_attr, struct user *u)
{
	struct berval **keys;
	char *dn = ldap_get_dn(ld, e);

	str_copy(u->dn, dn ? dn : "", sizeof(u->dn));
	ldap_memfree(dn);
	first_value(ld, e, "uid", u->uid, sizeof(u->uid));
	first_value(ld, e, "cn", u->display_name, sizeof(u->display_name));
	first_value(ld, e, "displayName", u->display_name, sizeof(u->display_name));
	first_value(ld, e, "mail", u->mail, sizeof(u->mail));
	first_value(ld, e, "ou", u->department, sizeof(u->department));
	first_value(ld, e, "departmentNumber", u->department, sizeof(u->department));
	first_value(ld, e, "manager", u->manager_dn, sizeof(u->manager_dn));
	first_value(ld, e, "title", u->title, sizeof(u->title));
	first_value(ld, e, rank_attr, u->rank, sizeof(u->rank));
	keys = ldap_get_values_len(ld, e, "sshPublicKey");
	for (int i = 0; keys && keys[i]; i++) {
		char *k = xmalloc(keys[i]->bv_len + 1);
		memcpy(k, keys[i]->bv_val, keys[i]->bv_len);
		k[keys[i]->bv_len] = '\0';
		if (!memchr(keys[i]->bv_val, '\0', keys[i]->bv_len))
			user_add_key(u, str_trim(k));
		free(k);
	}
	ldap_value_free_len(keys);
}

/* Finds exactly one person; DENIED when there are none or several. */
static int find_person(LDAP *ld, const struct config *cfg, const char *login, struct user *u)
{
	LDAPMessage *res = NULL, *e;
	const char *attrs[] = PERSON_ATTRS;
	char filter[1024];
	int rc, ret;

	attrs[ARRAY_SIZE(attrs) - 2] = cfg->ldap.rank_attribute;
	if ((ret = directory_make_filter(cfg->ldap.user_filter, login, filter, sizeof(filter))))
		return BR_ERR_DENIED;
	rc = ldap_search_ext_s(ld, cfg->ldap.base_dn, LDAP_SCOPE_SUBTREE, filter, (char **)attrs, 0, NULL, NULL,
			       NULL, 2, &res);
	if (rc == LDAP_SIZELIMIT_EXCEEDED) {
		ret = BR_ERR_DENIED;
		goto out;
	}
	if (rc != LDAP_SUCCESS) {
		ret = ldap_err_kind(rc) == BR_ERR_DENIED ? BR_ERR_UNAVAILABLE : ldap_err_kind(rc);
		if (rc == LDAP_NO_SUCH_OBJECT)
			ret = BR_ERR_DENIED;
		goto out;
	}
	if (ldap_count_entries(ld, res) != 1) {
		ret = BR_ERR_DENIED;
		goto out;
	}
	e = ldap_first_entry(ld, res);
	read_person(ld, e, cfg->ldap.rank_attribute, u);
	/* The search may match case-insensitively; keep the directory's spelling. */
	if (!u->uid[0])
		str_copy(u->uid, login, sizeof(u->uid));
	ret = BR_OK;
out:
	ldap_msgfree(res);
	return ret;
}

static int read_groups(LDAP *ld, const struct config *cfg, struct user *u)
{
	static const char *const attrs[] = { "cn", NULL };
	LDAPMessage *res = NULL;
	char filter[1200];
	int rc;

	/* posixGroup-style templates want the uid, member/uniqueMember the DN. */
	const char *value = strstr(cfg->ldap.group_filter, "memberUid=%s") ? u->uid : u->dn;
	if (directory_make_filter(cfg->ldap.group_filter, value, filter, sizeof(filter)))
		return BR_ERR_INVALID;
	rc = ldap_search_ext_s(ld, cfg->ldap.group_base_dn, LDAP_SCOPE_SUBTREE, filter, (char **)attrs, 0, NULL, NULL,
			       NULL, USER_MAX_GROUPS, &res);
	if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED && rc != LDAP_NO_SUCH_OBJECT) {
		ldap_msgfree(res);
		return BR_ERR_UNAVAILABLE;
	}
	if (rc == LDAP_SIZELIMIT_EXCEEDED)
		log_event("directory: %s is in more than %d groups; roles use the first %d", u->uid, USER_MAX_GROUPS,
			  USER_MAX_GROUPS);
	u->ngroups = 0;
	for (LDAPMessage *e = ldap_first_entry(ld, res); e && u->ngroups < USER_MAX_GROUPS;
	     e = ldap_next_entry(ld, e)) {
		u->groups[u->ngroups][0] = '\0';
		first_value(ld, e, "cn", u->groups[u->ngroups], sizeof(u->groups[0]));
		if (u->groups[u->ngroups][0])
			u->ngroups++;
	}
	ldap_msgfree(res);
	user_roles_from_groups(u, cfg);
	return BR_OK;
}

/* Best effort: the manager's uid and display name from their entry. */
static void read_manager(LDAP *ld, struct user *u)
{
	static const char *const attrs[] = { "uid", "displayName", "cn", NULL };
	LDAPMessage *res = NULL, *e;

	if (!u->manager_dn[0])
		return;
	if (ldap_search_ext_s(ld, u->manager_dn, LDAP_SCOPE_BASE, "(objectClass=*)", (char **)attrs, 0, NULL, NULL,
			      NULL, 1, &res) == LDAP_SUCCESS &&
	    (e = ldap_first_entry(ld, res))) {
		first_value(ld, e, "uid", u->manager_uid, sizeof(u->manager_uid));
		first_value(ld, e, "cn", u->manager_name, sizeof(u->manager_name));
		first_value(ld, e, "displayName", u->manager_name, sizeof(u->manager_name));
	}
	ldap_msgfree(res);
}

/*
 * One login gets timeout_seconds in all, however many round trips it takes,
 * so a slow directory cannot stretch a refusal past the configured bound.
 */
static int directory_fetch(const struct config *cfg, const char *login, const char *password, struct user *u)
{
	struct timespec deadline;
	LDAP *ld = NULL;
	int ret, rc;

	if (!user_login_valid(login))
		return BR_ERR_DENIED;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += cfg->ldap.timeout_seconds;
	if ((ret = directory_connect(cfg, &deadline, &ld)))
		return ret;
	budget_apply(ld, &deadline);
	if ((ret = find_person(ld, cfg, login, u)))
		goto out;
	if (password) {
		budget_apply(ld, &deadline);
		rc = simple_bind(ld, u->dn, password);
		if (rc != LDAP_SUCCESS) {
			ret = ldap_err_kind(rc);
			goto out;
		}
		/* Read groups and org data with the service identity, as before. */
		budget_apply(ld, &deadline);
		rc = simple_bind(ld, cfg->ldap.bind_dn, cfg->ldap.bind_password);
		if (rc != LDAP_SUCCESS) {
			ret = BR_ERR_UNAVAILABLE;
			goto out;
		}
	}
	budget_apply(ld, &deadline);
	if ((ret = read_groups(ld, cfg, u)))
		goto out;
	budget_apply(ld, &deadline);
	read_manager(ld, u);
out:
	ldap_unbind_ext_s(ld, NULL, NULL);
	return ret;
}

void directory_preload(void)
{
	int version = 0;

	/* Any global option call runs libldap's one-time initialisation. */
	ldap_get_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &version);
}

int directory_authenticate(const struct config *cfg, const char *login, const char *password, struct user *u)
{
	size_t len = password ? strnlen(password, DIRECTORY_PASSWORD_MAX + 1) : 0;

	if (len == 0 || len > DIRECTORY_PASSWORD_MAX)
		return BR_ERR_DENIED;
	return directory_fetch(cfg, login, password, u);
}

int directory_lookup(const struct config *cfg, const char *login, struct user *u)
{
	return directory_fetch(cfg, login, NULL, u);
}

/* The uid of a member DN: "uid=X,..." directly, else the entry's uid attribute. */
static void member_uid(LDAP *ld, const char *dn, char *out, size_t size)
{
	static const char *const attrs[] = { "uid", NULL };
	LDAPMessage *res = NULL, *e;
	LDAPDN parsed = NULL;

	out[0] = '\0';
	if (ldap_str2dn(dn, &parsed, LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS && parsed && parsed[0] &&
	    parsed[0][0] && !parsed[0][1] && parsed[0][0]->la_attr.bv_len == 3 &&
	    !strncasecmp(parsed[0][0]->la_attr.bv_val, "uid", 3) && parsed[0][0]->la_value.bv_len < size) {
		memcpy(out, parsed[0][0]->la_value.bv_val, parsed[0][0]->la_value.bv_len);
		out[parsed[0][0]->la_value.bv_len] = '\0';
	}
	ldap_dnfree(parsed);
	if (out[0])
		return;
	if (ldap_search_ext_s(ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)", (char **)attrs, 0, NULL, NULL, NULL, 1,
			      &res) == LDAP_SUCCESS &&
	    (e = ldap_first_entry(ld, res)))
		first_value(ld, e, "uid", out, size);
	ldap_msgfree(res);
}

int directory_role_members(const struct config *cfg, enum role r, char (*uids)[USER_LOGIN_MAX + 1], int max, int *n)
{
	static const char *const attrs[] = { "member", "uniqueMember", "memberUid", NULL };
	struct timespec deadline;
	char groups[512], *save = NULL;
	LDAP *ld = NULL;
	int ret;

	*n = 0;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += cfg->ldap.timeout_seconds;
	if ((ret = directory_connect(cfg, &deadline, &ld)))
		return ret;
	str_copy(groups, cfg->roles[r], sizeof(groups));
	for (char *g = strtok_r(groups, ",", &save); g && *n < max; g = strtok_r(NULL, ",", &save)) {
		LDAPMessage *res = NULL;
		char filter[600];
		if (directory_make_filter("(cn=%s)", str_trim(g), filter, sizeof(filter)))
			continue;
		budget_apply(ld, &deadline);
		if (ldap_search_ext_s(ld, cfg->ldap.group_base_dn, LDAP_SCOPE_SUBTREE, filter, (char **)attrs, 0, NULL,
				      NULL, NULL, 16, &res) != LDAP_SUCCESS) {
			ldap_msgfree(res);
			ret = BR_ERR_UNAVAILABLE;
			break;
		}
		for (LDAPMessage *e = ldap_first_entry(ld, res); e; e = ldap_next_entry(ld, e))
			for (int a = 0; attrs[a]; a++) {
				struct berval **vals = ldap_get_values_len(ld, e, attrs[a]);
				for (int i = 0; vals && vals[i] && *n < max; i++) {
					char value[512], uid[USER_LOGIN_MAX + 1];
					bool seen = false;
					if (vals[i]->bv_len >= sizeof(value) || memchr(vals[i]->bv_val, '\0', vals[i]->bv_len))
						continue;
					memcpy(value, vals[i]->bv_val, vals[i]->bv_len);
					value[vals[i]->bv_len] = '\0';
					if (a == 2)
						str_copy(uid, value, sizeof(uid));
					else
						member_uid(ld, value, uid, sizeof(uid));
					if (!uid[0] || !user_login_valid(uid))
						continue;
					for (int k = 0; k < *n && !seen; k++)
						seen = !strcmp(uids[k], uid);
					if (!seen)
						str_copy(uids[(*n)++], uid, sizeof(uids[0]));
				}
				ldap_value_free_len(vals);
			}
		ldap_msgfree(res);
	}
	ldap_unbind_ext_s(ld, NULL, NULL);
	return ret;
}
