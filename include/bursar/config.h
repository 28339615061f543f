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
#include <stdint.h>

#include "bursar/role.h"

/* Policy rules a claim is checked against; each blocks submission or only warns. */
enum policy_rule {
	POLICY_LIMIT,    /* a line above its category's limit for the person's rank */
	POLICY_INVOICE,  /* a line above invoice_required_above without an invoice */
	POLICY_AGE,      /* an expense older than max_age_days */
	POLICY_OVERLAP,  /* trip dates overlapping another claim of the same person */
	POLICY_DUPLICATE,/* same amount on the same day as another line of the person's */
	POLICY_RULE_COUNT
};

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
		char rank_attribute[64]; /* the person's rank for policy limits, e.g. employeeType */
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
	struct {
		int64_t invoice_required_above; /* fen: a line above this needs an invoice */
		int max_age_days;               /* an expense older than this is a finding */
		/* per policy rule (enum policy_rule): true = blocks submission, false = warns */
		bool block[POLICY_RULE_COUNT];
	} policy;
	struct {
		int max_kib; /* largest attachment accepted */
	} attachments;
	struct {
		int remind_minutes;   /* how often the server looks for overdue tasks */
		int escalate_hours;   /* an overdue task goes to the next manager this long after its deadline */
	} approval;
	struct {
		char formats[256];        /* comma-separated writers the exporter runs, e.g. "kingdee,jsonl" */
		int interval_seconds;     /* how often the server's exporter looks for approved claims */
		int batch_max;            /* claims per batch at most */
		char word[16];            /* 凭证字 */
		char account_book[64];    /* Kingdee account book */
		char company_code[16];    /* SAP company code */
		char ledger_id[32];       /* Oracle ledger */
		char currency[4];
		char preparer[64];        /* 制单人 */
		char payable[16];         /* credit account for what is owed to the employee */
		char input_vat[16];       /* debit account for deductible input VAT */
		char bank[16];            /* credit account of payments */
	} export_;
	/* [department_heads]: department name = uid, for `approver: head` */
	struct {
		char department[128];
		char uid[65];
	} heads[64];
	int nheads;
};

/* The config key of a rule: "limit", "invoice_required", "age", "overlap", "duplicate". */
const char *policy_rule_name(enum policy_rule r);

/* Fills cfg with the documented defaults. */
void config_defaults(struct config *cfg);
/* Parses text as a config file named name; 0 or BR_ERR_INVALID with msg. */
int config_parse_string(struct config *cfg, const char *name, const char *text, char *msg, unsigned long msg_size);
/* Reads and parses a file; BR_ERR_IO/BR_ERR_INVALID with a message naming it. */
int config_load(struct config *cfg, const char *path, char *msg, unsigned long msg_size);

#endif
