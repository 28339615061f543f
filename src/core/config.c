/*
 * config.c - INI configuration (parsed with inih) with strict validation.
 *
 * Every key is described once in config_keys[]; unknown keys and sections are
 * errors so that a typo cannot silently fall back to a default.
 */
#include "bursar/config.h"
#include "bursar/err.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum key_type { KEY_STRING, KEY_INT, KEY_STARTTLS, KEY_SYNC, KEY_LANG, KEY_FILTER, KEY_ROLE, KEY_MONEY, KEY_LEVEL };

struct config_key {
	const char *section;
	const char *name;
	enum key_type type;
	size_t offset;
	size_t size;
	long min, max;
};

#define FIELD(f) offsetof(struct config, f), sizeof(((struct config *)0)->f)

static const struct config_key config_keys[] = {
	{ "server", "listen", KEY_STRING, FIELD(server.listen), 0, 0 },
	{ "server", "port", KEY_INT, FIELD(server.port), 1, 65535 },
	{ "server", "data_dir", KEY_STRING, FIELD(server.data_dir), 0, 0 },
	{ "server", "host_key", KEY_STRING, FIELD(server.host_key), 0, 0 },
	{ "server", "max_sessions", KEY_INT, FIELD(server.max_sessions), 1, 100000 },
	{ "server", "login_grace_seconds", KEY_INT, FIELD(server.login_grace_seconds), 1, 3600 },
	{ "server", "max_auth_tries", KEY_INT, FIELD(server.max_auth_tries), 1, 100 },
	{ "server", "language", KEY_LANG, FIELD(server.language), 0, 0 },
	{ "server", "theme", KEY_STRING, FIELD(server.theme), 0, 0 },
	{ "ldap", "uri", KEY_STRING, FIELD(ldap.uri), 0, 0 },
	{ "ldap", "base_dn", KEY_STRING, FIELD(ldap.base_dn), 0, 0 },
	{ "ldap", "bind_dn", KEY_STRING, FIELD(ldap.bind_dn), 0, 0 },
	{ "ldap", "bind_password", KEY_STRING, FIELD(ldap.bind_password), 0, 0 },
	{ "ldap", "user_filter", KEY_FILTER, FIELD(ldap.user_filter), 0, 0 },
	{ "ldap", "group_base_dn", KEY_STRING, FIELD(ldap.group_base_dn), 0, 0 },
	{ "ldap", "group_filter", KEY_FILTER, FIELD(ldap.group_filter), 0, 0 },
	{ "ldap", "starttls", KEY_STARTTLS, FIELD(ldap.starttls), 0, 0 },
	{ "ldap", "timeout_seconds", KEY_INT, FIELD(ldap.timeout_seconds), 1, 300 },
	{ "roles", "staff", KEY_ROLE, FIELD(roles[ROLE_STAFF]), 0, 0 },
	{ "roles", "approver", KEY_ROLE, FIELD(roles[ROLE_APPROVER]), 0, 0 },
	{ "roles", "finance", KEY_ROLE, FIELD(roles[ROLE_FINANCE]), 0, 0 },
	{ "roles", "admin", KEY_ROLE, FIELD(roles[ROLE_ADMIN]), 0, 0 },
	{ "roles", "auditor", KEY_ROLE, FIELD(roles[ROLE_AUDITOR]), 0, 0 },
	{ "store", "path", KEY_STRING, FIELD(store.path), 0, 0 },
	{ "store", "synchronous", KEY_SYNC, FIELD(store.synchronous_full), 0, 0 },
	{ "company", "name", KEY_STRING, FIELD(company.name), 0, 0 },
	{ "company", "tax_id", KEY_STRING, FIELD(company.tax_id), 0, 0 },
	{ "ldap", "rank_attribute", KEY_STRING, FIELD(ldap.rank_attribute), 0, 0 },
	{ "policy", "invoice_required_above", KEY_MONEY, FIELD(policy.invoice_required_above), 0, 0 },
	{ "policy", "max_age_days", KEY_INT, FIELD(policy.max_age_days), 1, 3650 },
	{ "policy", "limit", KEY_LEVEL, FIELD(policy.block[POLICY_LIMIT]), 0, 0 },
	{ "policy", "invoice_required", KEY_LEVEL, FIELD(policy.block[POLICY_INVOICE]), 0, 0 },
	{ "policy", "age", KEY_LEVEL, FIELD(policy.block[POLICY_AGE]), 0, 0 },
	{ "policy", "overlap", KEY_LEVEL, FIELD(policy.block[POLICY_OVERLAP]), 0, 0 },
	{ "policy", "duplicate", KEY_LEVEL, FIELD(policy.block[POLICY_DUPLICATE]), 0, 0 },
	{ "attachments", "max_kib", KEY_INT, FIELD(attachments.max_kib), 1, 1048576 },
	{ "approval", "remind_minutes", KEY_INT, FIELD(approval.remind_minutes), 1, 1440 },
	{ "approval", "escalate_hours", KEY_INT, FIELD(approval.escalate_hours), 1, 8760 },
	{ "export", "formats", KEY_STRING, FIELD(export_.formats), 0, 0 },
	{ "export", "interval_seconds", KEY_INT, FIELD(export_.interval_seconds), 1, 86400 },
	{ "export", "batch_max", KEY_INT, FIELD(export_.batch_max), 1, 100000 },
	{ "export", "word", KEY_STRING, FIELD(export_.word), 0, 0 },
	{ "export", "account_book", KEY_STRING, FIELD(export_.account_book), 0, 0 },
	{ "export", "company_code", KEY_STRING, FIELD(export_.company_code), 0, 0 },
	{ "export", "ledger_id", KEY_STRING, FIELD(export_.ledger_id), 0, 0 },
	{ "export", "currency", KEY_STRING, FIELD(export_.currency), 0, 0 },
	{ "export", "preparer", KEY_STRING, FIELD(export_.preparer), 0, 0 },
	{ "export", "payable", KEY_STRING, FIELD(export_.payable), 0, 0 },
	{ "export", "input_vat", KEY_STRING, FIELD(export_.input_vat), 0, 0 },
	{ "export", "bank", KEY_STRING, FIELD(export_.bank), 0, 0 },
};

static const char *const policy_rule_names[POLICY_RULE_COUNT] = {
	[POLICY_LIMIT] = "limit",     [POLICY_INVOICE] = "invoice_required", [POLICY_AGE] = "age",
	[POLICY_OVERLAP] = "overlap", [POLICY_DUPLICATE] = "duplicate",
};

const char *policy_rule_name(enum policy_rule r)
{
	return (unsigned)r < POLICY_RULE_COUNT ? policy_rule_names[r] : "?";
}

struct parse_state {
	struct config *cfg;
	bool failed;
	char why[BR_MSG_MAX]; /* "[section] key: reason" of the first problem */
};

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	str_copy(cfg->server.listen, "127.0.0.1", sizeof(cfg->server.listen));
	cfg->server.port = 2222;
	str_copy(cfg->server.data_dir, "/var/lib/bursar", sizeof(cfg->server.data_dir));
	str_copy(cfg->server.host_key, "<data_dir>/ssh_host_ed25519_key", sizeof(cfg->server.host_key));
	cfg->server.max_sessions = 500;
	cfg->server.login_grace_seconds = 30;
	cfg->server.max_auth_tries = 3;
	str_copy(cfg->server.language, "zh_CN", sizeof(cfg->server.language));
	str_copy(cfg->server.theme, "default", sizeof(cfg->server.theme));
	str_copy(cfg->ldap.uri, "ldap://127.0.0.1:389", sizeof(cfg->ldap.uri));
	str_copy(cfg->ldap.base_dn, "ou=people,dc=example,dc=com", sizeof(cfg->ldap.base_dn));
	str_copy(cfg->ldap.user_filter, "(&(objectClass=inetOrgPerson)(uid=%s))", sizeof(cfg->ldap.user_filter));
	str_copy(cfg->ldap.group_base_dn, "ou=groups,dc=example,dc=com", sizeof(cfg->ldap.group_base_dn));
	str_copy(cfg->ldap.group_filter, "(&(objectClass=groupOfNames)(member=%s))", sizeof(cfg->ldap.group_filter));
	cfg->ldap.starttls = STARTTLS_NO;
	cfg->ldap.timeout_seconds = 5;
	str_copy(cfg->roles[ROLE_STAFF], "staff", sizeof(cfg->roles[0]));
	str_copy(cfg->roles[ROLE_APPROVER], "approvers", sizeof(cfg->roles[0]));
	str_copy(cfg->roles[ROLE_FINANCE], "finance", sizeof(cfg->roles[0]));
	str_copy(cfg->roles[ROLE_ADMIN], "admins", sizeof(cfg->roles[0]));
	str_copy(cfg->roles[ROLE_AUDITOR], "auditors", sizeof(cfg->roles[0]));
	str_copy(cfg->store.path, "<data_dir>/bursar.db", sizeof(cfg->store.path));
	cfg->store.synchronous_full = true;
	str_copy(cfg->ldap.rank_attribute, "employeeType", sizeof(cfg->ldap.rank_attribute));
	cfg->policy.invoice_required_above = 20000;
	cfg->policy.max_age_days = 180;
	cfg->policy.block[POLICY_LIMIT] = true;
	cfg->policy.block[POLICY_INVOICE] = true;
	cfg->attachments.max_kib = 20480;
	cfg->approval.remind_minutes = 5;
	cfg->approval.escalate_hours = 24;
	str_copy(cfg->export_.formats, "jsonl", sizeof(cfg->export_.formats));
	cfg->export_.interval_seconds = 60;
	cfg->export_.batch_max = 1000;
	str_copy(cfg->export_.word, "记", sizeof(cfg->export_.word));
	str_copy(cfg->export_.account_book, "001", sizeof(cfg->export_.account_book));
	str_copy(cfg->export_.company_code, "1000", sizeof(cfg->export_.company_code));
	str_copy(cfg->export_.ledger_id, "1", sizeof(cfg->export_.ledger_id));
	str_copy(cfg->export_.currency, "CNY", sizeof(cfg->export_.currency));
	str_copy(cfg->export_.preparer, "bursar", sizeof(cfg->export_.preparer));
	str_copy(cfg->export_.payable, "2241", sizeof(cfg->export_.payable));
	str_copy(cfg->export_.input_vat, "22210101", sizeof(cfg->export_.input_vat));
	str_copy(cfg->export_.bank, "1002", sizeof(cfg->export_.bank));
}

static int parse_fail(struct parse_state *st, const char *section, const char *key, const char *why)
{
	if (!st->failed)
		snprintf(st->why, sizeof(st->why), "[%s] %s: %s", section, key, why);
	st->failed = true;
	return 0;
}

/* A filter template must hold exactly one %s and no other conversion. */
static bool filter_ok(const char *v)
{
	const char *p = strstr(v, "%s");
	const char *pct;

	if (!p || strstr(p + 2, "%"))
		return false;
	pct = strchr(v, '%');
	return pct == p && v[0] == '(';
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_state *st = user;
	const struct config_key *k = NULL;
	char *field;
	long n;

	if (st->failed)
		return 0;
	if (!strcmp(section, "department_heads")) {
		struct config *cfg = st->cfg;
		if (cfg->nheads == (int)ARRAY_SIZE(cfg->heads))
			return parse_fail(st, section, name, "more than 64 departments");
		if (strlen(name) >= sizeof(cfg->heads[0].department) || !*value ||
		    strlen(value) >= sizeof(cfg->heads[0].uid) || strpbrk(value, " \t,"))
			return parse_fail(st, section, name, "must be `department name = uid`");
		str_copy(cfg->heads[cfg->nheads].department, name, sizeof(cfg->heads[0].department));
		str_copy(cfg->heads[cfg->nheads].uid, value, sizeof(cfg->heads[0].uid));
		cfg->nheads++;
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(config_keys); i++)
		if (!strcmp(config_keys[i].section, section) && !strcmp(config_keys[i].name, name))
			k = &config_keys[i];
	if (!k)
		return parse_fail(st, section, name, "unknown key");
	field = (char *)st->cfg + k->offset;
	switch (k->type) {
	case KEY_FILTER:
		if (!filter_ok(value))
			return parse_fail(st, section, name,
					  "must be an LDAP filter in parentheses with exactly one %s");
		/* fall through */
	case KEY_STRING:
	case KEY_ROLE:
		if (strlen(value) >= k->size)
			return parse_fail(st, section, name, "value too long");
		if (k->type == KEY_STRING && strcmp(section, "company") && strcmp(name, "bind_dn") &&
		    strcmp(name, "bind_password") && !*value)
			return parse_fail(st, section, name, "must not be empty");
		str_copy(field, value, k->size);
		break;
	case KEY_INT:
		if (str_to_int(value, k->min, k->max, &n)) {
			char why[96];
			snprintf(why, sizeof(why), "must be a whole number from %ld to %ld", k->min, k->max);
			return parse_fail(st, section, name, why);
		}
		*(int *)field = (int)n;
		break;
	case KEY_LANG:
		if (strcmp(value, "zh_CN") && strcmp(value, "en"))
			return parse_fail(st, section, name, "must be zh_CN or en");
		str_copy(field, value, k->size);
		break;
	case KEY_STARTTLS:
		if (!strcasecmp(value, "no"))
			*(enum starttls_mode *)field = STARTTLS_NO;
		else if (!strcasecmp(value, "yes"))
			*(enum starttls_mode *)field = STARTTLS_YES;
		else if (!strcasecmp(value, "demand"))
			*(enum starttls_mode *)field = STARTTLS_DEMAND;
		else
			return parse_fail(st, section, name, "must be no, yes or demand");
		break;
	case KEY_MONEY:
		if (money_parse(value, (int64_t *)field, NULL) || *(int64_t *)field < 0)
			return parse_fail(st, section, name, "must be an amount such as 200.00");
		break;
	case KEY_LEVEL:
		if (!strcasecmp(value, "block"))
			*(bool *)field = true;
		else if (!strcasecmp(value, "warn"))
			*(bool *)field = false;
		else
			return parse_fail(st, section, name, "must be block or warn");
		break;
	case KEY_SYNC:
		if (!strcasecmp(value, "full"))
			*(bool *)field = true;
		else if (!strcasecmp(value, "normal"))
			*(bool *)field = false;
		else
			return parse_fail(st, section, name, "must be full or normal");
		break;
	}
	return 1;
}

static void expand_data_dir(char *field, size_t size, const char *data_dir)
{
	static const char token[] = "<data_dir>";
	char tmp[PATH_MAX];

	if (strncmp(field, token, sizeof(token) - 1))
		return;
	snprintf(tmp, sizeof(tmp), "%s%s", data_dir, field + sizeof(token) - 1);
	str_copy(field, tmp, size);
}

/* inih returns the line of the first rejected entry, or -1 when unreadable. */
static int config_finish(struct parse_state *st, const char *name, int rc, char *msg, unsigned long msg_size)
{
	struct config *cfg = st->cfg;

	if (rc > 0) {
		if (st->failed)
			snprintf(msg, msg_size, "%s:%d: %s", name, rc, st->why);
		else
			snprintf(msg, msg_size, "%s:%d: syntax error (expected [section] or key = value)", name, rc);
		return BR_ERR_INVALID;
	}
	if (rc < 0) {
		snprintf(msg, msg_size, "%s: cannot read config file", name);
		return BR_ERR_IO;
	}
	expand_data_dir(cfg->server.host_key, sizeof(cfg->server.host_key), cfg->server.data_dir);
	expand_data_dir(cfg->store.path, sizeof(cfg->store.path), cfg->server.data_dir);
	return BR_OK;
}

int config_parse_string(struct config *cfg, const char *name, const char *text, char *msg, unsigned long msg_size)
{
	struct parse_state st = { .cfg = cfg };
	int line;

	msg[0] = '\0';
	/* inih would split a longer line and read the rest as a line of its own. */
	if (str_longest_line(text, &line) > INI_LINE_LIMIT) {
		const char *p = text;
		char key[48] = "";
		for (int i = 1; i < line; i++)
			p = strchr(p, '\n') + 1;
		if (strcspn(p, "=\n") < strcspn(p, "\n")) {
			snprintf(key, sizeof(key), "%.*s", (int)strcspn(p, "=\n"), p);
			str_trim(key);
		}
		snprintf(msg, msg_size, "%s:%d: %s%sline longer than %d bytes", name, line, key, *key ? ": " : "",
			 INI_LINE_LIMIT);
		return BR_ERR_INVALID;
	}
	return config_finish(&st, name, ini_parse_string(text, config_handler, &st), msg, msg_size);
}

int config_load(struct config *cfg, const char *path, char *msg, unsigned long msg_size)
{
	char *text = NULL;
	int ret = file_read_all(path, 1 << 20, &text);

	msg[0] = '\0';
	if (ret == BR_ERR_INVALID) {
		snprintf(msg, msg_size, "%s: config file larger than 1 MiB", path);
		return ret;
	}
	if (ret) {
		snprintf(msg, msg_size, "%s: cannot open config file: %m", path);
		return ret;
	}
	ret = config_parse_string(cfg, path, text, msg, msg_size);
	free(text);
	return ret;
}
