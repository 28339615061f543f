#!/usr/bin/env bash
# Start-up: --version/--help, and every bad configuration stops the server
# with one clear line naming the key or path (no directory needed).
. "$(dirname "$0")/lib.sh"
D=$E2E_DIR

out=$("$BURSAR" --version); rc=$?
check "--version prints the version" [ $rc -eq 0 ] && grep -qE '^bursar [0-9]+\.[0-9]+' <<<"$out"
out=$("$BURSAR" --help); rc=$?
check "--help lists serve" [ $rc -eq 0 ] && grep -q "serve --config FILE" <<<"$out"
"$BURSAR" >/dev/null 2>&1; rc=$?
check "no arguments is a usage error (2)" [ $rc -eq 2 ]
"$BURSAR" serve >/dev/null 2>&1; rc=$?
check "serve without --config is a usage error (2)" [ $rc -eq 2 ]

port=$(stack_free_port 42000)
stack_write_config "$D/ok" "$port" "ldap://127.0.0.1:1"
check "the example config in docs/ is valid" quiet "$BURSAR" check-config --config "$STACK_TOP/docs/bursar.ini.example"

# expect_fail NAME PATTERN CONFIG-FILE: serve must exit non-zero with one line matching PATTERN.
expect_fail() {
	local name=$1 pat=$2 cfg=$3 err rc
	err=$(timeout 10 "$BURSAR" serve --config "$cfg" 2>&1 >/dev/null); rc=$?
	if [[ $rc -ne 0 && $rc -ne 124 && $(grep -cE -- "$pat" <<<"$err") -eq 1 ]]; then ok "$name"
	else not_ok "$name (rc=$rc: $err)"; fi
}
expect_fail "a missing config file is named" "$D/nope.ini: cannot open config file" "$D/nope.ini"

mk() { sed "$2" "$D/ok/bursar.ini" >"$D/$1.ini"; echo "$D/$1.ini"; }
expect_fail "an unknown key is named with its line" 'typo.ini:[0-9]+: \[server\] prot: unknown key' "$(mk typo 's/^port =/prot =/')"
expect_fail "a bad port is named" '\[server\] port: must be a whole number from 1 to 65535' "$(mk port 's/^port = .*/port = 22x/')"
expect_fail "a bad language is named" '\[server\] language: must be zh_CN or en' "$(mk lang 's/^language = .*/language = fr/')"
expect_fail "a filter without %s is named" '\[ldap\] user_filter:' "$(mk filt '/^\[ldap\]/a user_filter = (uid=alice)')"
expect_fail "a bad synchronous value is named" '\[store\] synchronous: must be full or normal' "$(mk sync 's/^synchronous = .*/synchronous = sometimes/')"
expect_fail "a line that is not key = value is reported" 'syntax error' "$(mk syntax '/^\[roles\]/a this is not ini')"

touch "$D/afile"
expect_fail "a data_dir that is a file is named" "data_dir $D/afile is not a readable, writable directory" \
	"$(mk ddir "s|^data_dir = .*|data_dir = $D/afile|")"

mkdir -p "$D/keyperm"
stack_write_config "$D/keyperm" "$port" "ldap://127.0.0.1:1"
ssh-keygen -q -t ed25519 -N '' -f "$D/keyperm/data/ssh_host_ed25519_key"
chmod 644 "$D/keyperm/data/ssh_host_ed25519_key"
expect_fail "a host key readable by others is refused" 'host_key .* is accessible by others \(mode 644\)' "$D/keyperm/bursar.ini"

# A port in use.
(exec /usr/bin/python3 -c "
import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1',$port)); s.listen(1); time.sleep(20)") &
holder=$!
for _ in $(seq 50); do stack_port_free "$port" || break; sleep 0.05; done
expect_fail "a port in use is named" "\[server\] port $port on 127.0.0.1 is already in use" "$D/ok/bursar.ini"
kill -KILL $holder 2>/dev/null
wait $holder 2>/dev/null # the port is free only once it has exited
for _ in $(seq 200); do stack_port_free "$port" && break; sleep 0.05; done

# Claim forms: check-forms names file and line; a broken form does not stop the others.
check "the shipped forms are all usable" quiet "$BURSAR" check-forms --config "$D/ok/bursar.ini"
mkdir -p "$D/forms/workflows"
cp "$STACK_TOP/forms/travel.md" "$D/forms/"
cp "$STACK_TOP/forms/workflows/standard.md" "$D/forms/workflows/"
printf '# 坏流程 | Broken

```step
name: x
approver: boss
```
' >"$D/forms/workflows/broken.md"
printf '# 坏 | Broken\n\n```field\nname: x\ntype: moneyy\n```\n```categories\nother\n```\n' >"$D/forms/broken.md"
err=$("$BURSAR" check-forms --config "$D/ok/bursar.ini" --forms "$D/forms" 2>&1 >/dev/null); rc=$?
check "check-forms exits 1 for a broken form" [ $rc -eq 1 ]
check "and names the file, the line and the reason" grep -q "^broken.md:5: unknown type .moneyy." <<<"$err"
out=$("$BURSAR" check-forms --config "$D/ok/bursar.ini" --forms "$D/forms" 2>/dev/null)
check "the other forms still load" grep -q "1 form(s) usable, 1 left out" <<<"$out"
check "check-forms validates workflows too, naming file and line" grep -q "^broken.md:5: approver must be" <<<"$err"
check "and the good workflow still loads" grep -q "1 workflow(s) usable, 1 left out" <<<"$out"

# A fresh data_dir gets a private host key and a migrated database.
"$BURSAR" serve --config "$D/ok/bursar.ini" 2>"$D/ok/log" &
pid=$!
# ready once it says so (a loaded machine may take a while to migrate the new database)
for _ in $(seq 1200); do
	grep -q "listening on" "$D/ok/log" 2>/dev/null && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.05
done
check "a new host key is generated with mode 0600" [ "$(stat -c %a "$D/ok/data/ssh_host_ed25519_key")" = 600 ]
check "the database is created in WAL mode" [ "$(sqlite3 "$D/ok/data/bursar.db" 'PRAGMA journal_mode')" = wal ]
check "the database file is private (0600)" [ "$(stat -c %a "$D/ok/data/bursar.db")" = 600 ]
kill -INT $pid
for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
check "SIGINT stops the server" bash -c "! kill -0 $pid 2>/dev/null"
if grep -q "listening on 127.0.0.1 port $port" "$D/ok/log"; then ok "the server logs one line per event with session and remote fields"
else not_ok "the server logs one line per event with session and remote fields (log: $(head -c 600 "$D/ok/log"))"; fi
e2e_done
