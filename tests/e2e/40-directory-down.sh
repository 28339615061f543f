#!/usr/bin/env bash
# When the directory is unreachable: new logins are refused within 5 s with a
# clear message, sessions already open keep working, and logins work again
# once it is back.
. "$(dirname "$0")/lib.sh"
e2e_start

tui_open open1 zhangwei en_US.UTF-8 80 24
check "a session is open before the directory goes down" wait_for open1 "Main menu"

bash "$E2E_HERE/../fixture/slapd.sh" stop "$E2E_DIR/stack/ldap" >/dev/null
start=$(date +%s%N)
# LogLevel INFO (OpenSSH's default) shows the server's banner message.
err=$(SSH_LOGLEVEL=INFO ssh_exec zhangwei "$PASSWORD" whoami 2>&1); rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "login is refused while the directory is down" [ $rc -ne 0 ]
check "refused within 5 s (took ${ms} ms)" [ $ms -lt 5000 ]
check "with a clear message" grep -q "directory service is unavailable" <<<"$err"

keys open1 j j Enter
check "the open session keeps working" wait_for open1 "高级工程师|Engineer|Department"
keys open1 q q
check "and quits normally" wait_for open1 "EXIT=0"

# A directory that accepts connections but never answers: still within 5 s.
port=$(stack_free_port 41000)
sed -i "s|^uri = .*|uri = ldap://127.0.0.1:$port|" "$E2E_DIR/stack/bursar.ini"
# (The server reads its config at start; restart it against the black hole.)
kill "$(cat "$E2E_DIR/stack/server.pid")"; sleep 0.3
/usr/bin/python3 - "$port" <<'PY' &
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
conns = []
end = time.time() + 30
while time.time() < end:
    s.settimeout(1)
    try:
        conns.append(s.accept()[0])  # accept and never reply
    except OSError:
        pass
PY
hole=$!
"$BURSAR" serve --config "$E2E_DIR/stack/bursar.ini" 2>>"$E2E_DIR/stack/server.log" &
echo $! >"$E2E_DIR/stack/server.pid"
for _ in $(seq 100); do stack_port_free "$STACK_PORT" || break; sleep 0.05; done
start=$(date +%s%N)
ssh_exec zhangwei "$PASSWORD" whoami >/dev/null 2>&1; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "a directory that never answers is given up on within timeout_seconds (took ${ms} ms)" \
	[ $rc -ne 0 ] && [ $ms -lt 5600 ]
kill $hole 2>/dev/null
e2e_done
