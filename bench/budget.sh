#!/usr/bin/env bash
# Submissions per second with budget checks: the store alone from 1, 4 and
# 16 concurrent processes, without budgets, with 120 nodes, and with tight
# blocking nodes that refuse part of the submissions; then `claim submit`
# over SSH from 10 concurrent clients against a blocking budget.
# Usage: bash bench/budget.sh   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/fixture/stack.sh
DIR=$(mktemp -d /tmp/bursar-bench.XXXXXX)
trap 'stack_stop "$DIR/stack"; rm -rf "$DIR"' EXIT
objs=$(ls build/obj/src/*/*.o)
# shellcheck disable=SC2086
gcc -O2 -Iinclude -o "$DIR/budget" bench/budget.c $objs $(pkg-config --libs libssh ncursesw sqlite3 ldap jansson inih \
	libcrypto libcmark libmagic xlsxwriter) -lcsv -lutil
echo "bursar budget benchmark ($(nproc) cores, $(date -u +%Y-%m-%d), synchronous = full)"
for mode in none budgets tight; do
	for procs in 1 4 16; do
		rm -f "$DIR"/b.db*
		"$DIR/budget" "$DIR/b.db" 2000 "$procs" "$mode"
	done
done

stack_start "$DIR/stack" "" demo-pass >/dev/null
today=$(date +%F)
ssh_run() { # USER COMMAND...
	local u=$1; shift
	SSHPASS=demo-pass sshpass -e ssh -F /dev/null -o LogLevel=ERROR -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no -p "$STACK_PORT" "$u@127.0.0.1" "$@"
}
ssh_run wangfang budget set --department 研发部 --period "${today:0:4}" --amount 1000000 --mode block >/dev/null
ssh_run wangfang budget set --department 研发部 --category office --period "${today:0:4}" --amount 6000 --mode block >/dev/null
ids=()
for ((i = 0; i < 100; i++)); do
	ids+=("$(printf '{"form":"general","title":"办公用品","fields":{"purpose":"采购"},"lines":[{"category":"office","date":"%s","amount":"120.00","invoice":{"kind":"digital","number":"2611%016d","date":"%s","total":"120.00"}}]}' \
		"$today" "$i" "$today" | ssh_run zhangwei claim create --json | jq -r .number)")
done
start=$(date +%s%N)
pids=()
for ((k = 0; k < 10; k++)); do
	(for ((i = k; i < 100; i += 10)); do ssh_run zhangwei claim submit "${ids[$i]}" </dev/null >/dev/null 2>&1 || true; done) &
	pids+=($!)
done
wait "${pids[@]}" # not the server, which is a child of this shell too
end=$(date +%s%N)
committed=$(ssh_run wangfang budget list --json | jq -r '.[] | select(.category == "office") | .committed')
printf '%-44s %6s /s  (committed %s of 6000.00)\n' "claim submit over SSH, 10 clients" \
	"$(awk -v n=100 -v ns=$((end - start)) 'BEGIN {printf "%.1f", n * 1e9 / ns}')" "$committed"
