#!/usr/bin/env bash
# Flow control of the scripting interface: large outputs through small
# windows and slow readers, and large unread input, with nothing lost,
# reordered or stuck.  The audit log is seeded by an independent
# implementation of the hash chain, which `audit verify` must accept.
. "$(dirname "$0")/lib.sh"
e2e_start
ssh_exec zhangwei "$PASSWORD" whoami >/dev/null
last=$(/usr/bin/python3 "$E2E_HERE/stream.py" seed "$E2E_DIR/stack/data/bursar.db" 4000)
out=$(ssh_exec zhaomin "$PASSWORD" audit verify --json)
check "entries chained by an independent implementation verify" [ "$(jq -r .ok <<<"$out")" = true ]
run_tap /usr/bin/python3 "$E2E_HERE/stream.py" run "$STACK_PORT" zhaomin "$PASSWORD" "$last"
sleep 0.5
left=$(session_count)
check "no session is left hanging afterwards ($left)" [ "$left" -eq 0 ]
e2e_done
