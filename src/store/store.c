/*
 * store.c - the SQLite implementation of store.h: connection set-up,
 * forward-only migrations, users cache and the audit chain.
 */
#include "bursar/store.h"
#include "internal.h"
#include "bursar/category.h"
#include "bursar/money.h"
#include "bursar/err.h"
#include "bursar/log.h"
#include "bursar/role.h"
#include "bursar/util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Forward-only: entry i brings the schema from version i to i+1. */
static const char *const migrations[] = {
	"CREATE TABLE users ("
	"  uid TEXT PRIMARY KEY,"
	"  dn TEXT NOT NULL,"
	"  display_name TEXT NOT NULL,"
	"  mail TEXT NOT NULL DEFAULT '',"
	"  department TEXT NOT NULL DEFAULT '',"
	"  manager_uid TEXT NOT NULL DEFAULT '',"
	"  manager_name TEXT NOT NULL DEFAULT '',"
	"  title TEXT NOT NULL DEFAULT '',"
	"  roles TEXT NOT NULL DEFAULT '',"
	"  theme TEXT NOT NULL DEFAULT '',"
	"  language TEXT NOT NULL DEFAULT '',"
	"  first_login TEXT NOT NULL,"
	"  last_login TEXT NOT NULL"
	");"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	");"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	"  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;",
	/* 2: expense categories; rows are seeded from category_defaults[] */
	"CREATE TABLE categories ("
	"  code TEXT PRIMARY KEY,"
	"  name_zh TEXT NOT NULL,"
	"  name_en TEXT NOT NULL,"
	"  account TEXT NOT NULL,"
	"  account_name TEXT NOT NULL,"
	"  vat_rule TEXT NOT NULL CHECK (vat_rule IN ('invoice', 'fare_9', 'fare_3', 'none'))"
	");",
	/*
	 * 3: the invoice register (发票台账).  dedup_key is UNIQUE so that the
	 * same invoice can never be registered twice, by anyone, even when two
	 * people submit it at the same moment.
	 */
	"CREATE TABLE invoices ("
	"  id INTEGER PRIMARY KEY,"
	"  dedup_key TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  code TEXT NOT NULL,"
	"  number TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  seller_name TEXT NOT NULL,"
	"  seller_tax_id TEXT NOT NULL,"
	"  buyer_name TEXT NOT NULL,"
	"  buyer_tax_id TEXT NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  rate_bp INTEGER NOT NULL,"
	"  tax INTEGER NOT NULL,"
	"  total INTEGER NOT NULL CHECK (total = amount + tax),"
	"  check_code TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE INDEX invoices_owner ON invoices (owner, date);",
	/*
	 * 4: claims.  claim_lines.invoice_id is UNIQUE: together with
	 * invoices.dedup_key it makes sure one invoice backs at most one claim.
	 */
	"ALTER TABLE users ADD COLUMN rank TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE claims ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT," /* ids and numbers are never reused */
	"  number TEXT NOT NULL UNIQUE,"
	"  form TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'exported', 'paid')),"
	"  step TEXT NOT NULL DEFAULT '',"
	"  return_step INTEGER NOT NULL DEFAULT 0," /* the step that returned it: resubmission resumes there */
	"  total INTEGER NOT NULL,"
	"  deductible INTEGER NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  submitted_at TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX claims_owner ON claims (owner, status);"
	"CREATE TABLE claim_numbers (month TEXT PRIMARY KEY, last INTEGER NOT NULL);"
	"CREATE INDEX claims_status ON claims (status);"
	"CREATE TABLE claim_values ("
	"  claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (claim_id, name)"
	");"
	"CREATE TABLE claim_lines ("
	"  id INTEGER PRIMARY KEY,"
	"  claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  category TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  deductible INTEGER NOT NULL,"
	"  description TEXT NOT NULL,"
	"  invoice_id INTEGER UNIQUE REFERENCES invoices (id),"
	"  UNIQUE (claim_id, seq)"
	");"
	"CREATE INDEX claim_lines_date ON claim_lines (date, amount);"
	"CREATE TABLE claim_findings ("
	"  claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  level TEXT NOT NULL CHECK (level IN ('block', 'warn')),"
	"  rule TEXT NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  field TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  PRIMARY KEY (claim_id, seq)"
	");"
	"CREATE TABLE attachments ("
	"  id INTEGER PRIMARY KEY,"
	"  claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,"
	"  line INTEGER NOT NULL DEFAULT 0,"
	"  name TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  type TEXT NOT NULL,"
	"  owner TEXT NOT NULL,"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE INDEX attachments_claim ON attachments (claim_id);",
	/*
	 * 5: approvals.  A claim's workflow is resolved at submission into
	 * claim_steps (approvers fixed then); the active step has one task per
	 * approver.  claim_events is the claim's own timeline (the audit log
	 * has every change too).
	 */
	"CREATE TABLE claim_steps ("
	"  claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  mode TEXT NOT NULL CHECK (mode IN ('one', 'any', 'all')),"
	"  approvers TEXT NOT NULL,"
	"  sla_hours INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('waiting', 'active', 'done')),"
	"  PRIMARY KEY (claim_id, seq)"
	");"
	"CREATE TABLE tasks ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,"
	"  step INTEGER NOT NULL,"
	"  step_name TEXT NOT NULL,"
	"  assignee TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('open', 'approved', 'rejected', 'returned', 'cancelled',"
	"    'transferred', 'escalated')),"
	"  created_at TEXT NOT NULL,"
	"  due_at TEXT NOT NULL DEFAULT '',"
	"  acted_at TEXT NOT NULL DEFAULT '',"
	"  actor TEXT NOT NULL DEFAULT '',"
	"  on_behalf_of TEXT NOT NULL DEFAULT '',"
	"  comment TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX tasks_assignee ON tasks (assignee, state);"
	"CREATE INDEX tasks_claim ON tasks (claim_id, step);"
	"CREATE TABLE claim_events ("
	"  id INTEGER PRIMARY KEY,"
	"  claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  on_behalf_of TEXT NOT NULL DEFAULT '',"
	"  action TEXT NOT NULL,"
	"  step TEXT NOT NULL DEFAULT '',"
	"  comment TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX claim_events_claim ON claim_events (claim_id, id);"
	"CREATE TABLE delegations ("
	"  uid TEXT PRIMARY KEY,"
	"  delegate TEXT NOT NULL,"
	"  from_date TEXT NOT NULL,"
	"  to_date TEXT NOT NULL"
	");"
	"CREATE TABLE notifications ("
	"  id INTEGER PRIMARY KEY,"
	"  uid TEXT NOT NULL,"
	"  ts TEXT NOT NULL,"
	"  claim TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  comment TEXT NOT NULL DEFAULT '',"
	"  seen INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX notifications_uid ON notifications (uid, seen);",
	/*
	 * 6: budgets.  committed and actual are the sums of budget_charges per
	 * node, kept in the same transaction as the charges; parent follows
	 * from the nodes (budget_link) and is stored for reading.
	 */
	"ALTER TABLE claims ADD COLUMN department TEXT NOT NULL DEFAULT '';"
	"UPDATE claims SET department = coalesce((SELECT u.department FROM users u WHERE u.uid = claims.owner), '');"
	"CREATE INDEX claims_department ON claims (department, status);"
	"CREATE TABLE budgets ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  parent INTEGER NOT NULL DEFAULT 0,"
	"  department TEXT NOT NULL DEFAULT '',"
	"  project TEXT NOT NULL DEFAULT '',"
	"  category TEXT NOT NULL DEFAULT '',"
	"  period TEXT NOT NULL,"
	"  from_date TEXT NOT NULL,"
	"  to_date TEXT NOT NULL,"
	"  amount INTEGER NOT NULL CHECK (amount >= 0),"
	"  mode TEXT NOT NULL CHECK (mode IN ('block', 'warn', 'track')),"
	"  overrun_bp INTEGER NOT NULL DEFAULT 0 CHECK (overrun_bp BETWEEN 0 AND 10000),"
	"  frozen INTEGER NOT NULL DEFAULT 0,"
	"  committed INTEGER NOT NULL DEFAULT 0,"
	"  actual INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  UNIQUE (department, project, category, period)"
	");"
	"CREATE TABLE budget_charges ("
	"  claim_id INTEGER NOT NULL REFERENCES claims (id) ON DELETE CASCADE,"
	"  budget_id INTEGER NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,"
	"  amount INTEGER NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('committed', 'actual')),"
	"  PRIMARY KEY (claim_id, budget_id)"
	");"
	"CREATE INDEX budget_charges_budget ON budget_charges (budget_id, state);"
	"CREATE TABLE budget_changes ("
	"  id INTEGER PRIMARY KEY,"
	"  budget_id INTEGER NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  old_amount INTEGER NOT NULL,"
	"  new_amount INTEGER NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  reason TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX budget_changes_budget ON budget_changes (budget_id, id);",
	/*
	 * 7: vouchers.  A batch's vouchers and lines are kept as they were
	 * made, with the settings they were made with, so its files can be
	 * written again byte for byte; a claim is in one voucher at most and
	 * numbers run without gaps per period and 凭证字.
	 */
	"ALTER TABLE claims ADD COLUMN voucher TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE voucher_sequences ("
	"  period TEXT NOT NULL,"
	"  word TEXT NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  PRIMARY KEY (period, word)"
	");"
	"CREATE TABLE export_batches ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  created_at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  nvouchers INTEGER NOT NULL DEFAULT 0,"
	"  word TEXT NOT NULL, account_book TEXT NOT NULL, company_code TEXT NOT NULL, ledger_id TEXT NOT NULL,"
	"  currency TEXT NOT NULL, preparer TEXT NOT NULL, payable TEXT NOT NULL, payable_name TEXT NOT NULL,"
	"  input_vat TEXT NOT NULL, input_vat_name TEXT NOT NULL,"
	"  bank TEXT NOT NULL DEFAULT '1002', bank_name TEXT NOT NULL DEFAULT '银行存款'"
	");"
	"CREATE TABLE vouchers ("
	"  id INTEGER PRIMARY KEY,"
	"  batch_id INTEGER NOT NULL REFERENCES export_batches (id),"
	"  claim_id INTEGER UNIQUE REFERENCES claims (id)," /* NULL for a payment's voucher */
	"  claim TEXT NOT NULL," /* the claim number, or the payment's bank reference */
	"  date TEXT NOT NULL,"
	"  period TEXT NOT NULL,"
	"  word TEXT NOT NULL,"
	"  number INTEGER NOT NULL CHECK (number > 0),"
	"  summary TEXT NOT NULL,"
	"  attachments INTEGER NOT NULL,"
	"  UNIQUE (period, word, number)"
	");"
	"CREATE INDEX vouchers_batch ON vouchers (batch_id, id);"
	"CREATE TABLE voucher_lines ("
	"  voucher_id INTEGER NOT NULL REFERENCES vouchers (id),"
	"  seq INTEGER NOT NULL,"
	"  summary TEXT NOT NULL, account TEXT NOT NULL, account_name TEXT NOT NULL,"
	"  department TEXT NOT NULL, project TEXT NOT NULL, employee TEXT NOT NULL, employee_name TEXT NOT NULL,"
	"  debit INTEGER NOT NULL CHECK (debit >= 0),"
	"  credit INTEGER NOT NULL CHECK (credit >= 0),"
	"  CHECK ((debit = 0) != (credit = 0)),"
	"  PRIMARY KEY (voucher_id, seq)"
	");"
	"CREATE TABLE export_files ("
	"  batch_id INTEGER NOT NULL REFERENCES export_batches (id),"
	"  format TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  written_at TEXT NOT NULL,"
	"  PRIMARY KEY (batch_id, format)"
	");",
	/*
	 * 8: payments.  Exported claims are paid in batches under a bank
	 * reference; the next export makes the batch's payment voucher; a
	 * bank statement reconciles a batch or a single payment.
	 */
	"CREATE TABLE payment_batches ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  created_at TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  bank_ref TEXT NOT NULL UNIQUE,"
	"  total INTEGER NOT NULL CHECK (total > 0),"
	"  npayments INTEGER NOT NULL,"
	"  voucher_id INTEGER UNIQUE REFERENCES vouchers (id),"
	"  statement TEXT NOT NULL DEFAULT '',"
	"  reconciled_at TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE TABLE payments ("
	"  id INTEGER PRIMARY KEY,"
	"  batch_id INTEGER NOT NULL REFERENCES payment_batches (id),"
	"  claim_id INTEGER NOT NULL UNIQUE REFERENCES claims (id)," /* a claim is paid once */
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  statement TEXT NOT NULL DEFAULT '',"
	"  reconciled_at TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX payments_batch ON payments (batch_id);"
	"ALTER TABLE claims ADD COLUMN payment TEXT NOT NULL DEFAULT '';",
	/*
	 * 9: employee advances (借款).  An advance is a claim of the advance
	 * category; once exported it is advanced.  Claims settle open advances
	 * when exported (advance_offsets) and employees pay back the rest
	 * (advance_returns); the triggers keep claimed + returned <= advanced
	 * for every employee, whatever writes the rows.
	 */
	"INSERT OR IGNORE INTO categories (code, name_zh, name_en, account, account_name, vat_rule)"
	"  VALUES ('advance', '借款', 'Advance', '1221', '其他应收款', 'none');"
	"ALTER TABLE export_batches ADD COLUMN advance TEXT NOT NULL DEFAULT '1221';"
	"ALTER TABLE export_batches ADD COLUMN advance_name TEXT NOT NULL DEFAULT '其他应收款';"
	"CREATE TABLE advance_offsets ("
	"  claim_id INTEGER PRIMARY KEY REFERENCES claims (id),"
	"  employee TEXT NOT NULL,"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE INDEX advance_offsets_employee ON advance_offsets (employee);"
	"CREATE TABLE advance_returns ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  employee TEXT NOT NULL,"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  ref TEXT NOT NULL UNIQUE,"
	"  date TEXT NOT NULL,"
	"  created_at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  voucher_id INTEGER UNIQUE REFERENCES vouchers (id)"
	");"
	"CREATE INDEX advance_returns_employee ON advance_returns (employee);"
	"CREATE TRIGGER advance_offsets_within BEFORE INSERT ON advance_offsets BEGIN"
	"  SELECT RAISE(ABORT, 'advance: claimed + returned would exceed advanced') WHERE"
	"  (SELECT coalesce(sum(amount), 0) FROM advance_offsets WHERE employee = NEW.employee)"
	"  + (SELECT coalesce(sum(amount), 0) FROM advance_returns WHERE employee = NEW.employee) + NEW.amount"
	"  > (SELECT coalesce(sum(l.amount), 0) FROM claim_lines l JOIN claims c ON c.id = l.claim_id"
	"     WHERE c.owner = NEW.employee AND l.category = 'advance' AND c.status = 'paid');"
	"END;"
	"CREATE TRIGGER advance_returns_within BEFORE INSERT ON advance_returns BEGIN"
	"  SELECT RAISE(ABORT, 'advance: claimed + returned would exceed advanced') WHERE"
	"  (SELECT coalesce(sum(amount), 0) FROM advance_offsets WHERE employee = NEW.employee)"
	"  + (SELECT coalesce(sum(amount), 0) FROM advance_returns WHERE employee = NEW.employee) + NEW.amount"
	"  > (SELECT coalesce(sum(l.amount), 0) FROM claim_lines l JOIN claims c ON c.id = l.claim_id"
	"     WHERE c.owner = NEW.employee AND l.category = 'advance' AND c.status = 'paid');"
	"END;"
	"CREATE TRIGGER advance_offsets_fixed BEFORE UPDATE ON advance_offsets BEGIN"
	"  SELECT RAISE(ABORT, 'advance: settlements are not changed');"
	"END;"
	"CREATE TRIGGER advance_returns_fixed BEFORE UPDATE OF employee, amount ON advance_returns BEGIN"
	"  SELECT RAISE(ABORT, 'advance: repayments are not changed');"
	"END;",
	/* 10: the exporter's settings as finance keeps them; [export] gives the defaults */
	"CREATE TABLE export_settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  actor TEXT NOT NULL"
	");",
	/*
	 * 11: electronic ledgers.  Each template's records live in their own
	 * table ledger_NAME (made from the template, store_ledger_ensure);
	 * every version of a record is one ledger_versions row with its
	 * changed fields in ledger_changes, so a version's values are the last
	 * change of each field up to it.  The built-in ledgers are views.
	 */
	"CREATE TABLE ledger_versions ("
	"  ledger TEXT NOT NULL,"
	"  row_id INTEGER NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  ts TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (ledger, row_id, version)"
	") WITHOUT ROWID;"
	"CREATE TABLE ledger_changes ("
	"  ledger TEXT NOT NULL,"
	"  row_id INTEGER NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  field TEXT NOT NULL,"
	"  old TEXT NOT NULL,"
	"  new TEXT NOT NULL,"
	"  PRIMARY KEY (ledger, row_id, version, field)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER ledger_versions_fixed BEFORE UPDATE ON ledger_versions BEGIN"
	"  SELECT RAISE(ABORT, 'ledger: history is not changed');"
	"END;"
	"CREATE TRIGGER ledger_versions_kept BEFORE DELETE ON ledger_versions BEGIN"
	"  SELECT RAISE(ABORT, 'ledger: history is not deleted');"
	"END;"
	/* a requisition: a claim whose final approval takes quantity off a ledger record's field */
	"CREATE TABLE ledger_requests ("
	"  claim_id INTEGER PRIMARY KEY REFERENCES claims (id),"
	"  ledger TEXT NOT NULL,"
	"  row_id INTEGER NOT NULL,"
	"  action TEXT NOT NULL,"
	"  field TEXT NOT NULL,"
	"  quantity INTEGER NOT NULL CHECK (quantity > 0),"
	"  applied_version INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE VIEW ledger_claims AS SELECT id, 1 AS version, 0 AS deleted, updated_at, owner AS updated_by,"
	"  number AS f_number, title AS f_title, owner AS f_owner, department AS f_department, form AS f_form,"
	"  status AS f_status, total AS f_total, substr(submitted_at, 1, 10) AS f_submitted"
	"  FROM claims WHERE status <> 'draft';"
	"CREATE VIEW ledger_invoices AS SELECT id, 1 AS version, 0 AS deleted, created_at AS updated_at,"
	"  owner AS updated_by, number AS f_number, code AS f_code, kind AS f_kind, date AS f_date,"
	"  seller_name AS f_seller, seller_tax_id AS f_seller_tax_id, amount AS f_amount, tax AS f_tax,"
	"  total AS f_total, owner AS f_owner FROM invoices;",
	/* 12: how many live and deleted records each ledger has, kept with every add, delete and restore */
	"CREATE TABLE ledger_sizes ("
	"  ledger TEXT PRIMARY KEY,"
	"  live INTEGER NOT NULL,"
	"  deleted INTEGER NOT NULL"
	");",
};

/* Data a migration step brings besides its schema. */
static int migration_seed(struct store *s, int version)
{
	sqlite3_stmt *st = NULL;
	int ret = BR_OK;

	if (version != 2)
		return BR_OK;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO categories (code, name_zh, name_en, account, account_name, vat_rule)"
			       " VALUES (?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return BR_ERR_STORE;
	for (int i = 0; i < category_default_count && ret == BR_OK; i++) {
		const struct category *c = &category_defaults[i];
		sqlite3_bind_text(st, 1, c->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->name_zh, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c->name_en, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, c->account, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, c->account_name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, vat_rule_name(c->vat), -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = BR_ERR_STORE;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return ret;
}

int store_exec_sql(struct store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_event("store: %s", err ? err : "unknown error");
		sqlite3_free(err);
		return BR_ERR_STORE;
	}
	return BR_OK;
}

int store_read_begin(struct store *s)
{
	return store_exec_sql(s, "BEGIN DEFERRED");
}

void store_read_end(struct store *s)
{
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
}

int store_begin(struct store *s)
{
	return store_exec_sql(s, "BEGIN IMMEDIATE");
}

int store_end(struct store *s, int ret)
{
	if (ret == BR_OK && store_exec_sql(s, "COMMIT") == BR_OK)
		return BR_OK;
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ret ? ret : BR_ERR_STORE;
}

static int user_version(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int store_migrate(struct store *s, char *msg, size_t msg_size)
{
	int ret = store_begin(s);
	int v;

	if (ret)
		goto fail;
	v = user_version(s);
	if (v < 0 || v > (int)ARRAY_SIZE(migrations)) {
		snprintf(msg, msg_size, "database schema version %d is newer than this program", v);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return BR_ERR_STORE;
	}
	for (; v < (int)ARRAY_SIZE(migrations); v++) {
		char pragma[48];
		if ((ret = store_exec_sql(s, migrations[v])) || (ret = migration_seed(s, v + 1)))
			break;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", v + 1);
		if ((ret = store_exec_sql(s, pragma)))
			break;
	}
	if ((ret = store_end(s, ret)) == BR_OK)
		return BR_OK;
fail:
	snprintf(msg, msg_size, "cannot migrate database: %s", sqlite3_errmsg(s->db));
	return ret;
}

/*
 * Waiting for another session's write: SQLite's own timeout handler sleeps
 * 1, 2, 5, 10 ms and more between tries, which under a few concurrent
 * writers leaves the database idle most of the time.  Short, jittered
 * sleeps that grow to 1 ms keep it busy; about 10 s in all, then BUSY.
 */
static int busy_wait(void *arg, int count)
{
	static unsigned seed;
	long us;

	(void)arg;
	if (count >= 10000)
		return 0;
	if (!seed)
		seed = (unsigned)getpid();
	us = (count < 20 ? 50L * (count + 1) : 1000L) / 2 + rand_r(&seed) % 500;
	usleep((useconds_t)us);
	return 1;
}

int store_open(const char *path, bool synchronous_full, struct store **out, char *msg, size_t msg_size)
{
	struct store *s = xcalloc(1, sizeof(*s));
	char pragmas[256];
	int ret = BR_ERR_STORE;

	*out = NULL;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(msg, msg_size, "%s: cannot open database: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_handler(s->db, busy_wait, NULL);
	/* Checkpoints keep the WAL bounded even with readers around. */
	snprintf(pragmas, sizeof(pragmas),
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
		 "PRAGMA journal_size_limit=67108864;",
		 synchronous_full ? "FULL" : "NORMAL");
	if (sqlite3_exec(s->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(msg, msg_size, "%s: cannot use database: %s", path, sqlite3_errmsg(s->db));
		goto out;
	}
	if ((ret = store_migrate(s, msg, msg_size)))
		goto out;
	*out = s;
	s = NULL;
	ret = BR_OK;
out:
	store_close(s);
	return ret;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sqlite3_close(s->db);
	free(s);
}

int store_schema_version(struct store *s)
{
	return user_version(s);
}

void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v ? v : "", -1, SQLITE_TRANSIENT);
}

const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

/* Appends one chained entry; caller holds the write transaction. */
int audit_append_locked(struct store *s, const char *actor, const char *action, const char *object, const char *detail)
{
	struct audit_entry e = { 0 };
	sqlite3_stmt *st = NULL;
	char ts[32];
	int ret = BR_ERR_STORE;

	str_copy(e.prev_hash, AUDIT_GENESIS, sizeof(e.prev_hash));
	e.id = 1;
	if (sqlite3_prepare_v2(s->db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		e.id = sqlite3_column_int64(st, 0) + 1;
		str_copy(e.prev_hash, col_text(st, 1), sizeof(e.prev_hash));
	}
	sqlite3_finalize(st);
	st = NULL;
	audit_now(ts);
	e.ts = ts;
	e.actor = actor && *actor ? actor : "-";
	e.action = action;
	e.object = object ? object : "";
	e.detail = detail ? detail : "";
	audit_hash(&e, e.hash);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO audit_log (id, ts, actor, action, object, detail, prev_hash, hash)"
			       " VALUES (?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, e.id);
	bind_text(st, 2, e.ts);
	bind_text(st, 3, e.actor);
	bind_text(st, 4, e.action);
	bind_text(st, 5, e.object);
	bind_text(st, 6, e.detail);
	bind_text(st, 7, e.prev_hash);
	bind_text(st, 8, e.hash);
	if (sqlite3_step(st) == SQLITE_DONE)
		ret = BR_OK;
out:
	if (ret)
		log_event("store: audit append failed: %s", sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return ret;
}

int store_audit_append(struct store *s, const char *actor, const char *action, const char *object, const char *detail)
{
	int ret = store_begin(s);

	if (ret)
		return ret;
	return store_end(s, audit_append_locked(s, actor, action, object, detail));
}

int store_user_login(struct store *s, struct user *u, const char *method, const char *remote)
{
	sqlite3_stmt *st = NULL;
	char roles[128], now[32], detail[256];
	int ret = store_begin(s);

	if (ret)
		return ret;
	ret = BR_ERR_STORE;
	u->last_login[0] = '\0';
	if (sqlite3_prepare_v2(s->db, "SELECT theme, language, last_login FROM users WHERE uid = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		goto out;
	bind_text(st, 1, u->uid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		str_copy(u->theme, col_text(st, 0), sizeof(u->theme));
		str_copy(u->language, col_text(st, 1), sizeof(u->language));
		str_copy(u->last_login, col_text(st, 2), sizeof(u->last_login));
	}
	sqlite3_finalize(st);
	st = NULL;
	role_mask_format(u->roles, roles, sizeof(roles));
	audit_now(now);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO users (uid, dn, display_name, mail, department, manager_uid,"
			       " manager_name, title, roles, first_login, last_login, rank)"
			       " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10,?11)"
			       " ON CONFLICT(uid) DO UPDATE SET dn=?2, display_name=?3, mail=?4, department=?5,"
			       " manager_uid=?6, manager_name=?7, title=?8, roles=?9, last_login=?10, rank=?11",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	bind_text(st, 1, u->uid);
	bind_text(st, 2, u->dn);
	bind_text(st, 3, user_display(u));
	bind_text(st, 4, u->mail);
	bind_text(st, 5, u->department);
	bind_text(st, 6, u->manager_uid);
	bind_text(st, 7, u->manager_name);
	bind_text(st, 8, u->title);
	bind_text(st, 9, roles);
	bind_text(st, 10, now);
	bind_text(st, 11, u->rank);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	snprintf(detail, sizeof(detail), "method=%s remote=%s roles=%s", method, remote ? remote : "-", roles);
	ret = audit_append_locked(s, u->uid, "login.success", u->uid, detail);
out:
	sqlite3_finalize(st);
	return store_end(s, ret);
}

int store_user_remember(struct store *s, const char *uid, const char *display_name)
{
	sqlite3_stmt *st = NULL;
	int ret = BR_ERR_STORE;

	/* first_login stays empty until the person really logs in */
	if (sqlite3_prepare_v2(
		s->db,
		"INSERT INTO users (uid, dn, display_name, first_login, last_login) VALUES (?, '', ?, '', '')"
		" ON CONFLICT (uid) DO NOTHING",
		-1, &st, NULL) != SQLITE_OK)
		return ret;
	bind_text(st, 1, uid);
	bind_text(st, 2, display_name);
	if (sqlite3_step(st) == SQLITE_DONE)
		ret = BR_OK;
	sqlite3_finalize(st);
	return ret;
}

int store_user_get(struct store *s, const char *uid, struct user *u)
{
	sqlite3_stmt *st = NULL;
	int ret = BR_ERR_STORE;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT uid, dn, display_name, mail, department, manager_uid, manager_name, title,"
			       " theme, language, last_login, rank FROM users WHERE uid = ?",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	bind_text(st, 1, uid);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		str_copy(u->uid, col_text(st, 0), sizeof(u->uid));
		str_copy(u->dn, col_text(st, 1), sizeof(u->dn));
		str_copy(u->display_name, col_text(st, 2), sizeof(u->display_name));
		str_copy(u->mail, col_text(st, 3), sizeof(u->mail));
		str_copy(u->department, col_text(st, 4), sizeof(u->department));
		str_copy(u->manager_uid, col_text(st, 5), sizeof(u->manager_uid));
		str_copy(u->manager_name, col_text(st, 6), sizeof(u->manager_name));
		str_copy(u->title, col_text(st, 7), sizeof(u->title));
		str_copy(u->theme, col_text(st, 8), sizeof(u->theme));
		str_copy(u->language, col_text(st, 9), sizeof(u->language));
		str_copy(u->last_login, col_text(st, 10), sizeof(u->last_login));
		str_copy(u->rank, col_text(st, 11), sizeof(u->rank));
		ret = BR_OK;
		break;
	case SQLITE_DONE: ret = BR_ERR_NOT_FOUND; break;
	}
out:
	sqlite3_finalize(st);
	return ret;
}

int store_user_set_prefs(struct store *s, const char *uid, const char *theme, const char *language)
{
	sqlite3_stmt *st = NULL;
	char detail[160];
	int ret = store_begin(s);

	if (ret)
		return ret;
	ret = BR_ERR_STORE;
	if (sqlite3_prepare_v2(s->db,
			       "UPDATE users SET theme = coalesce(?2, theme), language = coalesce(?3, language)"
			       " WHERE uid = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	bind_text(st, 1, uid);
	if (theme)
		bind_text(st, 2, theme);
	if (language)
		bind_text(st, 3, language);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	if (sqlite3_changes(s->db) != 1) {
		ret = BR_ERR_NOT_FOUND;
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s%s%s%s", theme ? "theme=" : "", theme ? theme : "",
		 language ? (theme ? " language=" : "language=") : "", language ? language : "");
	ret = audit_append_locked(s, uid, "prefs.update", uid, detail);
out:
	sqlite3_finalize(st);
	return store_end(s, ret);
}

static void audit_from_row(sqlite3_stmt *st, struct audit_entry *e)
{
	e->id = sqlite3_column_int64(st, 0);
	e->ts = col_text(st, 1);
	e->actor = col_text(st, 2);
	e->action = col_text(st, 3);
	e->object = col_text(st, 4);
	e->detail = col_text(st, 5);
	str_copy(e->prev_hash, col_text(st, 6), sizeof(e->prev_hash));
	str_copy(e->hash, col_text(st, 7), sizeof(e->hash));
}

int store_audit_list(struct store *s, int64_t before, int limit, store_audit_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret = BR_ERR_STORE, rc;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT id, ts, actor, action, object, detail, prev_hash, hash FROM audit_log"
			       " WHERE ?1 = 0 OR id < ?1 ORDER BY id DESC LIMIT ?2",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_entry e;
		audit_from_row(st, &e);
		if (cb(&e, arg))
			break;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		ret = BR_OK;
out:
	sqlite3_finalize(st);
	return ret;
}

int store_category_list(struct store *s, store_category_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret = BR_ERR_STORE, rc;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT code, name_zh, name_en, account, account_name, vat_rule FROM categories"
			       " ORDER BY code",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct category c;
		int rule = vat_rule_from_name(col_text(st, 5));
		str_copy(c.code, col_text(st, 0), sizeof(c.code));
		str_copy(c.name_zh, col_text(st, 1), sizeof(c.name_zh));
		str_copy(c.name_en, col_text(st, 2), sizeof(c.name_en));
		str_copy(c.account, col_text(st, 3), sizeof(c.account));
		str_copy(c.account_name, col_text(st, 4), sizeof(c.account_name));
		c.vat = rule < 0 ? VAT_INVOICE : (enum vat_rule)rule;
		if (cb(&c, arg))
			break;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		ret = BR_OK;
out:
	sqlite3_finalize(st);
	return ret;
}

/* Registers one invoice; the caller holds the write transaction. */
int invoice_add_locked(struct store *s, const struct invoice *inv, const char *owner, int64_t *id,
		       struct invoice_holder *holder)
{
	sqlite3_stmt *st = NULL;
	char key[64], now[32], detail[160], total[32];
	int ret = BR_ERR_STORE, rc;

	invoice_dedup_key(inv->code, inv->number, key, sizeof(key));
	if (sqlite3_prepare_v2(s->db,
			       "SELECT i.id, i.owner, i.created_at, coalesce(c.number, '') FROM invoices i"
			       " LEFT JOIN claim_lines l ON l.invoice_id = i.id LEFT JOIN claims c ON c.id = l.claim_id"
			       " WHERE i.dedup_key = ?",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (holder) {
			holder->id = sqlite3_column_int64(st, 0);
			str_copy(holder->owner, col_text(st, 1), sizeof(holder->owner));
			str_copy(holder->created_at, col_text(st, 2), sizeof(holder->created_at));
			str_copy(holder->claim, col_text(st, 3), sizeof(holder->claim));
		}
		ret = BR_ERR_CONFLICT;
		goto out;
	}
	if (rc != SQLITE_DONE)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	audit_now(now);
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO invoices (dedup_key, kind, code, number, date, seller_name, seller_tax_id,"
			       " buyer_name, buyer_tax_id, amount, rate_bp, tax, total, check_code, owner, created_at)"
			       " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	bind_text(st, 1, key);
	bind_text(st, 2, invoice_kind_name(inv->kind));
	bind_text(st, 3, inv->code);
	bind_text(st, 4, inv->number);
	bind_text(st, 5, inv->date);
	bind_text(st, 6, inv->seller_name);
	bind_text(st, 7, inv->seller_tax_id);
	bind_text(st, 8, inv->buyer_name);
	bind_text(st, 9, inv->buyer_tax_id);
	sqlite3_bind_int64(st, 10, inv->amount);
	sqlite3_bind_int(st, 11, inv->rate_bp);
	sqlite3_bind_int64(st, 12, inv->tax);
	sqlite3_bind_int64(st, 13, inv->total);
	bind_text(st, 14, inv->check_code);
	bind_text(st, 15, owner);
	bind_text(st, 16, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	*id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof(detail), "key=%s total=%s", key, money_format(inv->total, total, sizeof(total), 0));
	ret = audit_append_locked(s, owner, "invoice.add", key, detail);
out:
	sqlite3_finalize(st);
	return ret;
}

int store_invoice_add(struct store *s, const struct invoice *inv, const char *owner, int64_t *id,
		      struct invoice_holder *holder)
{
	int ret = store_begin(s);

	if (ret)
		return ret;
	return store_end(s, invoice_add_locked(s, inv, owner, id, holder));
}

int store_invoice_import(struct store *s, const struct invoice *invs, int n, const char *owner, int *failed,
			 struct invoice_holder *holder)
{
	int ret = store_begin(s);
	int64_t id;

	*failed = -1;
	if (ret)
		return ret;
	for (int i = 0; i < n && ret == BR_OK; i++)
		if ((ret = invoice_add_locked(s, &invs[i], owner, &id, holder)))
			*failed = i;
	/* All or nothing: any failure rolls every row back. */
	return store_end(s, ret);
}

int store_invoice_list(struct store *s, const char *owner, store_invoice_cb cb, void *arg)
{
	sqlite3_stmt *st = NULL;
	int ret = BR_ERR_STORE, rc;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT i.id, i.kind, i.code, i.number, i.date, i.seller_name, i.seller_tax_id,"
			       " i.buyer_name, i.buyer_tax_id, i.amount, i.rate_bp, i.tax, i.total, i.check_code,"
			       " i.owner, i.created_at,"
			       " coalesce(c.number, '') FROM invoices i"
			       " LEFT JOIN claim_lines l ON l.invoice_id = i.id LEFT JOIN claims c ON c.id = l.claim_id"
			       " WHERE ?1 IS NULL OR i.owner = ?1 ORDER BY i.date DESC, i.id DESC",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	if (owner)
		bind_text(st, 1, owner);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct invoice inv;
		struct invoice_holder h;
		int kind = invoice_kind_from_name(col_text(st, 1));
		memset(&inv, 0, sizeof(inv));
		inv.kind = kind < 0 ? INVOICE_RECEIPT : (enum invoice_kind)kind;
		str_copy(inv.code, col_text(st, 2), sizeof(inv.code));
		str_copy(inv.number, col_text(st, 3), sizeof(inv.number));
		str_copy(inv.date, col_text(st, 4), sizeof(inv.date));
		str_copy(inv.seller_name, col_text(st, 5), sizeof(inv.seller_name));
		str_copy(inv.seller_tax_id, col_text(st, 6), sizeof(inv.seller_tax_id));
		str_copy(inv.buyer_name, col_text(st, 7), sizeof(inv.buyer_name));
		str_copy(inv.buyer_tax_id, col_text(st, 8), sizeof(inv.buyer_tax_id));
		inv.amount = sqlite3_column_int64(st, 9);
		inv.rate_bp = sqlite3_column_int(st, 10);
		inv.tax = sqlite3_column_int64(st, 11);
		inv.total = sqlite3_column_int64(st, 12);
		str_copy(inv.check_code, col_text(st, 13), sizeof(inv.check_code));
		h.id = sqlite3_column_int64(st, 0);
		str_copy(h.owner, col_text(st, 14), sizeof(h.owner));
		str_copy(h.created_at, col_text(st, 15), sizeof(h.created_at));
		str_copy(h.claim, col_text(st, 16), sizeof(h.claim));
		if (cb(&inv, &h, arg))
			break;
	}
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		ret = BR_OK;
out:
	sqlite3_finalize(st);
	return ret;
}

int store_audit_verify(struct store *s, int64_t *count, int64_t *bad_id)
{
	sqlite3_stmt *st = NULL;
	char prev[AUDIT_HASH_HEX] = AUDIT_GENESIS;
	int64_t expect_id = 1;
	int ret = BR_ERR_STORE, rc;

	*count = 0;
	*bad_id = 0;
	/* One read transaction gives a consistent snapshot while writers go on. */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT id, ts, actor, action, object, detail, prev_hash, hash FROM audit_log"
			       " ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_entry e;
		/* Hashes are exactly 64 hex digits; anything longer would be cut on copy. */
		bool sizes_ok = sqlite3_column_bytes(st, 6) == AUDIT_HASH_HEX - 1 &&
				sqlite3_column_bytes(st, 7) == AUDIT_HASH_HEX - 1;
		audit_from_row(st, &e);
		if (e.id != expect_id || !sizes_ok || !audit_entry_valid(&e, prev)) {
			*bad_id = e.id;
			ret = BR_ERR_CORRUPT;
			goto out;
		}
		str_copy(prev, e.hash, sizeof(prev));
		expect_id++;
		(*count)++;
	}
	if (rc == SQLITE_DONE)
		ret = BR_OK;
out:
	sqlite3_finalize(st);
	return ret;
}

static bool code_known(const char *code, void *arg)
{
	const struct category_set *set = arg;

	return category_find(set->items, set->n, code) != NULL;
}

int store_forms_load(struct store *s, const char *dir, struct form_set *set, char *errs, size_t errs_size)
{
	struct category_set cats;
	int ret;

	memset(set, 0, sizeof(*set));
	if (store_categories_load(s, &cats))
		return -1;
	ret = form_set_load(set, dir, code_known, &cats, errs, errs_size);
	category_set_release(&cats);
	return ret;
}

static int category_add(const struct category *c, void *arg)
{
	struct category_set *set = arg;

	set->items = xrealloc(set->items, sizeof(*set->items) * (size_t)(set->n + 1));
	set->items[set->n++] = *c;
	return 0;
}

int store_categories_load(struct store *s, struct category_set *set)
{
	int ret;

	memset(set, 0, sizeof(*set));
	if ((ret = store_category_list(s, category_add, set)))
		category_set_release(set);
	return ret;
}
