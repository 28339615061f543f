#!/usr/bin/env bash
# max_sessions: connections beyond the limit are closed at once, and a slot
# frees up as soon as a session ends.
. "$(dirname "$0")/lib.sh"
STACK_MAX_SESSIONS=2 e2e_start

tui_open s1 zhangwei en_US.UTF-8 80 24
tui_open s2 alice en_US.UTF-8 80 24
wait_for s1 "Main menu" >/dev/null
check "two sessions fit under max_sessions = 2" wait_for s2 "Main menu"
ssh_exec limei "$PASSWORD" whoami >/dev/null 2>&1; rc=$?
check "a third connection is refused (ssh exit 255)" [ $rc -eq 255 ]
check "the refusal is logged" grep -q "refused: max_sessions (2) reached" "$E2E_DIR/stack/server.log"
keys s1 q
wait_for s1 "EXIT=0" >/dev/null
sleep 0.3
out=$(ssh_exec limei "$PASSWORD" whoami --json | jq -r .uid)
check "after one session ends a new login gets in" [ "$out" = limei ]
keys s2 q
e2e_done
