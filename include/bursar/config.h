/*
 * config.h - the server's INI configuration: defaults, parsing, validation.
 *
 * config_load() reports the first problem as one line naming the file, line
 * and key, so a mistyped key stops start-up instead of being ignored.
 */
#ifndef BURSAR_CONFIG_H
#define BURSAR_CONFIG_H

#include <limits.h>
#include <stdbool.h>

#include "bursar/role.h"

enum starttls_mode { STARTTLS_NO, STARTTLS_YES, STARTTLS_DEMAND };

struct config {
	struct {
		char listen[64];
		int port;
		char data_dir[PATH_MAX];
		char host_key[PATH_MAX];
		int max_sessions;
		int login_grace_seconds;
		int max_auth_tries;
		char language[16];
		char theme[64];
	} server;
	struct {
		char uri[1024];
		char base_dn[512];
		char bind_dn[512];
		char bind_password[256];
		char user_filter[512];
		char group_base_dn[512];
		char group_filter[512];
		enum starttls_mode starttls;
		int timeout_seconds;
	} ldap;
	/* Comma-separated directory group names (cn) per role. */
	char roles[ROLE_COUNT][512];
	struct {
		char path[PATH_MAX];
		bool synchronous_full;
	} store;
	struct {
		char name[256];   /* buyer name expected on invoices; "" = not checked */
		char tax_id[32];  /* buyer tax id expected on invoices */
	} company;
};

/* Fills cfg with the documented defaults. */
void config_defaults(struct config *cfg);
/* Parses text as a config file named name; 0 or BR_ERR_INVALID with msg. */
int config_parse_string(struct config *cfg, const char *name, const char *text, char *msg, unsigned long msg_size);
/* Reads and parses a file; BR_ERR_IO/BR_ERR_INVALID with a message naming it. */
int config_load(struct config *cfg, const char *path, char *msg, unsigned long msg_size);

#endif
