#!/usr/bin/env bash
# Session benchmarks against a private stack on this machine: connect-to-
# first-screen time, bytes for the first screen and per keystroke, memory
# per session, and logins per second with N concurrent clients.
# Usage: bash bench/session.sh   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/fixture/stack.sh
DIR=$(mktemp -d /tmp/bursar-bench.XXXXXX)
trap 'stack_stop "$DIR/stack"; rm -rf "$DIR"' EXIT
gcc -O2 -o "$DIR/sshclient" bench/sshclient.c -lssh
stack_start "$DIR/stack" "" demo-pass >/dev/null
C=$DIR/sshclient

echo "bursar session benchmark ($(nproc) cores, loopback, $(date -u +%Y-%m-%d))"
# Connect-to-first-screen and bytes: median of 11 runs.
for i in $(seq 11); do
	"$C" screen 127.0.0.1 "$STACK_PORT" zhangwei demo-pass 20 </dev/null
done >"$DIR/screen.txt"
median() { grep "^$1 " "$DIR/screen.txt" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-40s %s ms\n' "connect to first screen (median of 11)" "$(median first_screen_ms)"
printf '%-40s %s bytes\n' "first screen 100x30 (terminal data)" "$(median first_screen_bytes)"
printf '%-40s %s bytes\n' "per j/k keystroke (terminal data)" "$(median keystroke_bytes)"

# Memory: hold 10 sessions open and sum PSS / private of their processes.
fifo=$DIR/hold
mkfifo "$fifo"
holders=()
for i in $(seq 10); do "$C" screen 127.0.0.1 "$STACK_PORT" alice demo-pass 0 <"$fifo" >/dev/null & holders+=($!); done
exec 3>"$fifo"
sleep 2
pss=0; priv=0; n=0
for sp in $(pgrep -P "$STACK_PID"); do
	for p in $sp $(pgrep -P "$sp"); do
		read -r a b < <(awk '/^Pss:/ {p=$2} /^Private_(Clean|Dirty):/ {q+=$2} END {print p, q}' "/proc/$p/smaps_rollup")
		pss=$((pss + a)); priv=$((priv + b))
	done
	n=$((n + 1))
done
exec 3>&-
wait "${holders[@]}"
printf '%-40s %s KiB PSS, %s KiB private (%d sessions)\n' "memory per session (session + UI process)" \
	$((pss / n)) $((priv / n)) "$n"

# Logins per second: N concurrent clients, each doing 20 sequential exec logins.
for N in 1 10 25; do
	start=$(date +%s.%N)
	clients=()
	for i in $(seq "$N"); do "$C" logins 127.0.0.1 "$STACK_PORT" zhangwei demo-pass 20 >/dev/null & clients+=($!); done
	wait "${clients[@]}"
	end=$(date +%s.%N)
	printf '%-40s %s logins/s\n' "exec logins, $N concurrent clients" \
		"$(awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN {printf "%.0f", n * 20 / (e - s)}')"
done
