#!/usr/bin/env bash
# The audit log: every login is recorded, the table is append-only, and
# `bursar audit verify` (on the host) and `audit verify` (over SSH) find the
# first altered entry.
. "$(dirname "$0")/lib.sh"
e2e_start
CFG=$E2E_DIR/stack/bursar.ini
DB=$E2E_DIR/stack/data/bursar.db

for u in zhangwei alice limei wangfang; do ssh_exec $u "$PASSWORD" whoami >/dev/null; done
ssh_exec zhangwei nope whoami >/dev/null 2>&1
ssh_exec alice "$PASSWORD" prefs --theme mono >/dev/null

out=$("$BURSAR" audit verify --config "$CFG"); rc=$?
check "bursar audit verify passes on an untouched log" [ $rc -eq 0 ] && grep -q "intact: 6 entries" <<<"$out"
json=$(ssh_exec zhaomin "$PASSWORD" audit verify --json); rc=$?
check "audit verify over SSH agrees (7 entries incl. this login)" [ $rc -eq 0 ] && [ "$(jq -r '.ok, .entries' <<<"$json" | tr '\n' ' ')" = "true 7 " ]

err=$(sqlite3 "$DB" "UPDATE audit_log SET detail = 'x' WHERE id = 2" 2>&1); rc=$?
check "UPDATE on the audit log is refused by the database" [ $rc -ne 0 ] && grep -q "append-only" <<<"$err"
err=$(sqlite3 "$DB" "DELETE FROM audit_log WHERE id = 2" 2>&1); rc=$?
check "DELETE on the audit log is refused by the database" [ $rc -ne 0 ] && grep -q "append-only" <<<"$err"

# Someone with file access drops the guard and rewrites entry 3.
orig=$(sqlite3 "$DB" "SELECT actor FROM audit_log WHERE id = 3")
sqlite3 "$DB" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'mallory' WHERE id = 3"
err=$("$BURSAR" audit verify --config "$CFG" 2>&1); rc=$?
check "a rewritten entry is detected (exit 1)" [ $rc -eq 1 ]
check "and the first broken entry is named (#3)" grep -q "BROKEN at entry #3" <<<"$err"
json=$(ssh_exec zhaomin "$PASSWORD" audit verify --json 2>/dev/null); rc=$?
check "over SSH too, with first_bad_entry = 3" [ $rc -eq 1 ] && [ "$(jq -r .first_bad_entry <<<"$json")" = 3 ]

# Putting the entry back makes the chain whole again...
sqlite3 "$DB" "UPDATE audit_log SET actor = '$orig' WHERE id = 3"
check "restoring the entry restores the chain" quiet "$BURSAR" audit verify --config "$CFG"
# ...and removing an entry breaks it at the next one.
sqlite3 "$DB" "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 5"
err=$("$BURSAR" audit verify --config "$CFG" 2>&1)
check "a removed entry is detected at the entry after it (#6)" grep -q "BROKEN at entry #6" <<<"$err"
e2e_done
