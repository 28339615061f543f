#!/usr/bin/env bash
# Many people at once, and connections that end badly: 20 concurrent logins
# all reach the main screen; a dropped client leaves no process behind; the
# server keeps serving throughout.
. "$(dirname "$0")/lib.sh"
e2e_start

people=(zhangwei alice limei wangqiang wangfang chengang zhaomin bob)
for i in $(seq 1 20); do
	tui_open "c$i" "${people[$((i % ${#people[@]}))]}" en_US.UTF-8 80 24
done
reached=0
for i in $(seq 1 20); do
	wait_for "c$i" "Main menu" 20 2>/dev/null && reached=$((reached + 1))
done
check "20 concurrent logins all reach the main screen ($reached/20)" [ $reached -eq 20 ]
sessions=$(session_count)
check "one session process per connection ($sessions)" [ "$sessions" -eq 20 ]
for i in $(seq 1 20); do keys "c$i" q; done
ended=0
for i in $(seq 1 20); do wait_for "c$i" "EXIT=0" 10 2>/dev/null && ended=$((ended + 1)); done
check "all 20 quit with exit status 0 ($ended/20)" [ $ended -eq 20 ]

# Dropped connection: kill the client mid-session; session and UI processes go.
tui_open drop zhangwei en_US.UTF-8 80 24
wait_for drop "Main menu" >/dev/null
before=$(session_count)
pkill -KILL -f "ssh .* -p $STACK_PORT zhangwei@127.0.0.1" || true
left=1
for _ in $(seq 50); do
	left=$(session_count)
	[ "$left" -eq 0 ] && break
	sleep 0.1
done
check "a killed client leaves no session or UI process behind ($before -> $left)" [ "$left" -eq 0 ]
orphans=$(pgrep -f "serve --config $E2E_DIR/stack/bursar.ini" | xargs -r ps -o ppid= -p | grep -cw 1 || true)
check "no orphaned UI process remains ($orphans)" [ "$orphans" -eq 0 ]

# Killing a session process (not the client) ends only that session.
tui_open k1 alice en_US.UTF-8 80 24
tui_open k2 limei en_US.UTF-8 80 24
wait_for k1 "Main menu" >/dev/null && wait_for k2 "Main menu" >/dev/null
victim=$(session_pids | head -1)
kill -9 "$victim"
sleep 0.5
alive=$(session_count)
check "killing one session process leaves the other running ($alive)" [ "$alive" -eq 1 ]
out=$(ssh_exec zhangwei "$PASSWORD" whoami --json | jq -r .uid)
check "the server still accepts logins" [ "$out" = zhangwei ]

# kill -9 of the listener itself: open sessions carry on, a restart serves
# again on the same port, and the audit chain is intact.
tui_open k3 wangfang en_US.UTF-8 80 24
wait_for k3 "Main menu" >/dev/null
kill -9 "$STACK_PID"
sleep 0.3
keys k3 j j Enter
check "an open session survives kill -9 of the listener" wait_for k3 "Department"
"$BURSAR" serve --config "$E2E_DIR/stack/bursar.ini" 2>>"$E2E_DIR/stack/server.log" &
STACK_PID=$!
echo "$STACK_PID" >"$E2E_DIR/stack/server.pid"
for _ in $(seq 100); do stack_port_free "$STACK_PORT" || break; sleep 0.05; done
out=$(ssh_exec zhangwei "$PASSWORD" whoami --json | jq -r .uid)
check "a restarted server serves on the same port" [ "$out" = zhangwei ]
keys k3 q q
check "the surviving session still quits cleanly" wait_for k3 "EXIT=0"
check "the audit chain is intact after the kills" quiet "$BURSAR" audit verify --config "$E2E_DIR/stack/bursar.ini"
e2e_done
