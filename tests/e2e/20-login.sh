#!/usr/bin/env bash
# Authentication through the real OpenSSH client: password, keyboard-
# interactive, public keys from the directory, refusals that do not say
# which part was wrong, the attempt limit and the login deadline.
. "$(dirname "$0")/lib.sh"
STACK_GRACE=3 e2e_start

out=$(ssh_exec zhangwei "$PASSWORD" whoami 2>&1); rc=$?
check "keyboard-interactive login with the directory password works" [ $rc -eq 0 ]
check "and runs as the right person" grep -q "zhangwei" <<<"$out"

out=$(SSHPASS=$PASSWORD sshpass -e ssh "${SSH_OPTS[@]}" -o PubkeyAuthentication=no \
	-o KbdInteractiveAuthentication=no -o PreferredAuthentications=password -p "$STACK_PORT" \
	alice@127.0.0.1 whoami 2>&1); rc=$?
check "password (non-interactive method) login works" [ $rc -eq 0 ]

ssh_exec zhangwei wrong-password whoami >/dev/null 2>&1; rc=$?
check "a wrong password is refused (sshpass exit 5)" [ $rc -eq 5 ]
ssh_exec zhangwei "" whoami >/dev/null 2>&1; rc=$?
check "an empty password is refused" [ $rc -ne 0 ]
ssh_exec zhangwei "$(head -c 3000 /dev/zero | tr '\0' x)" whoami >/dev/null 2>&1; rc=$?
check "an over-long password is refused" [ $rc -ne 0 ]
ssh_exec nosuchperson "$PASSWORD" whoami >/dev/null 2>&1; rc=$?
check "an unknown user is refused like a wrong password (exit 5)" [ $rc -eq 5 ]
a=$(ssh_exec nosuchperson "$PASSWORD" whoami 2>&1); b=$(ssh_exec zhangwei nope whoami 2>&1)
check "unknown user and wrong password look the same to the client" [ "$a" = "$b" ]
# Unescaped, these would match zhangwei's entry and let the password in.
ssh_exec 'zhangw*' "$PASSWORD" whoami >/dev/null 2>&1; rc=$?
check "a wildcard user name (zhangw*) is refused even with the right password" [ $rc -eq 5 ]
# OpenSSH itself refuses names like 'zhangwei)(uid=*'; preauth.c sends them below.

# Public keys stored in the person's directory entry (sshPublicKey).
ssh-keygen -q -t ed25519 -N '' -f "$E2E_DIR/alice_key" -C alice@test
ssh-keygen -q -t ed25519 -N '' -f "$E2E_DIR/other_key" -C other@test
bash "$E2E_HERE/../fixture/slapd.sh" add-key "$E2E_DIR/stack/ldap" alice "$E2E_DIR/alice_key.pub" >/dev/null
KEY_OPTS=(-o PasswordAuthentication=no -o KbdInteractiveAuthentication=no -o IdentitiesOnly=yes -o BatchMode=yes)
out=$(ssh "${SSH_OPTS[@]}" "${KEY_OPTS[@]}" -i "$E2E_DIR/alice_key" -p "$STACK_PORT" alice@127.0.0.1 whoami --json 2>&1); rc=$?
check "public-key login with a key from the directory works" [ $rc -eq 0 ]
check "and identifies alice" grep -q '"uid": "alice"' <<<"$out"
ssh "${SSH_OPTS[@]}" "${KEY_OPTS[@]}" -i "$E2E_DIR/alice_key" -p "$STACK_PORT" zhangwei@127.0.0.1 whoami >/dev/null 2>&1; rc=$?
check "alice's key does not open zhangwei's account" [ $rc -eq 255 ]
ssh "${SSH_OPTS[@]}" "${KEY_OPTS[@]}" -i "$E2E_DIR/other_key" -p "$STACK_PORT" alice@127.0.0.1 whoami >/dev/null 2>&1; rc=$?
check "a key not in the directory is refused" [ $rc -eq 255 ]
out=$(ssh_exec zhaomin "$PASSWORD" audit log --limit 50)
check "public-key login is audited with its method" grep -q "alice .*method=publickey" <<<"$out"

# Attempt limit: the client would try 10 times; the server stops it after 3.
cat >"$E2E_DIR/askpass" <<ASK
#!/bin/sh
echo x >>"$E2E_DIR/asked"
echo wrong
ASK
chmod +x "$E2E_DIR/askpass"
SSH_ASKPASS="$E2E_DIR/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=:0 setsid ssh "${SSH_OPTS[@]}" \
	-o LogLevel=ERROR -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=10 -p "$STACK_PORT" zhangwei@127.0.0.1 whoami \
	</dev/null >/dev/null 2>&1
check "the attempt limit stops the client after 3 tries" [ "$(wc -l <"$E2E_DIR/asked")" -eq 3 ]
out=$(ssh_exec chengang "$PASSWORD" audit log --limit 100)
check "each failure is audited" [ "$(grep -c 'login.failure *zhangwei' <<<"$out")" -ge 3 ]
check "no password appears in the audit log" bash -c "! grep -q -e wrong -e '$PASSWORD' <<<'$out'"
check "passwords never reach the server log" bash -c "! grep -q -e '$PASSWORD' -e wrong-password '$E2E_DIR/stack/server.log'"

# Login deadline (3 s here): a client that never authenticates is cut off.
start=$(date +%s)
(exec 3<>"/dev/tcp/127.0.0.1/$STACK_PORT"; echo "SSH-2.0-silent" >&3; cat <&3 >/dev/null) &
silent=$!
for _ in $(seq 100); do kill -0 $silent 2>/dev/null || break; sleep 0.1; done
took=$(($(date +%s) - start))
kill $silent 2>/dev/null
check "a silent client is disconnected at the login deadline (took ${took}s)" [ "$took" -ge 2 ] && [ "$took" -le 6 ]

# Hostile names with the right password (libssh client), and channel/pty/exec
# requests before authentication (paramiko): clients OpenSSH will not imitate.
run_tap "$STACK_TOP/build/tests/preauth" 127.0.0.1 "$STACK_PORT"
run_tap /usr/bin/python3 "$E2E_HERE/preauth.py" 127.0.0.1 "$STACK_PORT"
json=$(ssh_exec chengang "$PASSWORD" audit log --limit 500 --json)
check "failed logins with invalid UTF-8 names are audited, escaped" \
	[ "$(jq '[.[] | select(.action == "login.failure" and (.object | test("bad\\\\xffutf8")))] | length' <<<"$json")" -eq 1 ]
check "C1 control characters in names are escaped" \
	[ "$(jq '[.[] | select(.object | test("c1\\\\xc2\\\\x9b"))] | length' <<<"$json")" -eq 1 ]
check "host key file is private (0600)" [ "$(stat -c %a "$E2E_DIR/stack/data/ssh_host_ed25519_key")" = 600 ]
e2e_done
