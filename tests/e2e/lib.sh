# shellcheck shell=bash
# Helpers for end-to-end tests: a private stack (slapd + bursar), a private
# tmux server driving the real OpenSSH client, and TAP-style results that
# tests/run.sh counts ("ok - ..." / "not ok - ...").

E2E_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$E2E_HERE/../fixture/stack.sh"

# CI may start us with no locale or TERM at all: tmux and wc need both.
export LC_ALL=C.UTF-8 TERM=${TERM:-xterm-256color}
# Tests run the exporter when they mean to (`export run`), not when its timer says.
export STACK_EXPORT_INTERVAL=${STACK_EXPORT_INTERVAL:-86400}
E2E_DIR=$(mktemp -d /tmp/bursar-e2e.XXXXXX)
TMUX_SOCK="bursar-e2e-$$"
PASSWORD=demo-pass
FAILS=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); }
# check NAME COMMAND...: ok when the command succeeds.
check() { local name=$1; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
quiet() { "$@" >/dev/null 2>&1; }
# lacks PATTERN TEXT: true when TEXT has no line matching PATTERN.
lacks() { ! grep -q -- "$1" <<<"$2"; }

# Session processes of the listener (its background job, bursar-remind, is not one).
session_count() { pgrep -c -x bursar -P "$STACK_PID" || true; }
session_pids() { pgrep -x bursar -P "$STACK_PID"; }

e2e_cleanup() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	stack_stop "$E2E_DIR/stack"
	[[ -n ${KEEP_E2E:-} ]] || rm -rf "$E2E_DIR"
}
trap e2e_cleanup EXIT

e2e_start() {
	stack_start "$E2E_DIR/stack" "" "$PASSWORD" || { not_ok "stack starts"; exit 1; }
}

SSH_OPTS=(-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o SendEnv=LANG
	-o ConnectTimeout=10)

# ssh_exec USER PASSWORD COMMAND...: runs an exec request with a password.
ssh_exec() {
	local user=$1 pw=$2; shift 2
	SSHPASS=$pw sshpass -e ssh -o LogLevel="${SSH_LOGLEVEL:-ERROR}" "${SSH_OPTS[@]}" -o PubkeyAuthentication=no \
		-p "$STACK_PORT" "$user@127.0.0.1" "$@"
}

# tui_open NAME USER [LANG] [COLS ROWS] [TERM]: an interactive session in tmux window NAME.
tui_open() {
	local name=$1 user=$2 lang=${3:-zh_CN.UTF-8} cols=${4:-100} rows=${5:-30} term=${6:-xterm-256color}
	local cmd="TERM=$term LANG=$lang SSHPASS=$PASSWORD sshpass -e ssh -o LogLevel=ERROR ${SSH_OPTS[*]} -o PubkeyAuthentication=no -tt -p $STACK_PORT $user@127.0.0.1; echo EXIT=\$?; sleep 600"
	# One tmux session per client: sessions are sized independently.
	tmux -u -L "$TMUX_SOCK" new-session -d -s "$name" -x "$cols" -y "$rows" "$cmd"
}

# resize NAME COLS ROWS: changes the client's terminal size (window-change).
resize() { tmux -L "$TMUX_SOCK" resize-window -t "$1" -x "$2" -y "$3"; }

screen_of() { tmux -L "$TMUX_SOCK" capture-pane -p -t "$1"; }
keys() { local t=$1; shift; tmux -L "$TMUX_SOCK" send-keys -t "$t" "$@"; }

# wait_for TARGET PATTERN [SECONDS]: polls the pane until grep -E matches.
wait_for() {
	local t=$1 pat=$2 secs=${3:-5} i
	for ((i = 0; i < secs * 20; i++)); do
		screen_of "$t" 2>/dev/null | grep -qE -- "$pat" && return 0
		sleep 0.05
	done
	echo "# timed out waiting for /$pat/ in $t; screen was:" >&2
	screen_of "$t" 2>/dev/null | sed 's/^/#   /' >&2
	return 1
}

# run_tap COMMAND...: runs a helper that prints TAP lines and counts them.
run_tap() {
	local out rc
	out=$("$@" 2>&1); rc=$?
	grep -E '^(ok|not ok) - ' <<<"$out"
	FAILS=$((FAILS + $(grep -c '^not ok' <<<"$out")))
	if [[ $rc -ne 0 && $out != *"not ok - "* ]] || [[ $out != *"ok - "* ]]; then
		not_ok "$(basename "$1") ran to the end"
		tail -5 <<<"$out" | sed 's/^/# /'
	fi
}

e2e_done() {
	exit $((FAILS > 0))
}
