#!/usr/bin/env bash
# Claim throughput: the store alone (create and submit, durable and not),
# then `claim create` end to end over SSH from 1 and 10 concurrent clients.
# Usage: bash bench/claims.sh   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/fixture/stack.sh
DIR=$(mktemp -d /tmp/bursar-bench.XXXXXX)
trap 'stack_stop "$DIR/stack"; rm -rf "$DIR"' EXIT
objs=$(ls build/obj/src/*/*.o)
# shellcheck disable=SC2086
gcc -O2 -Iinclude -o "$DIR/claims" bench/claims.c $objs $(pkg-config --libs libssh ncursesw sqlite3 ldap jansson inih \
	libcrypto libcmark libmagic xlsxwriter) -lcsv -lutil
echo "bursar claim benchmark ($(nproc) cores, $(date -u +%Y-%m-%d))"
"$DIR/claims" "$DIR/full.db" 2000 full
"$DIR/claims" "$DIR/normal.db" 2000 normal

stack_start "$DIR/stack" "" demo-pass >/dev/null
today=$(date +%F)
json() { # N
	printf '{"form":"general","title":"办公用品","fields":{"purpose":"采购"},"lines":[{"category":"office","date":"%s","amount":"120.00","invoice":{"kind":"digital","number":"2611%016d","date":"%s","total":"120.00"}}]}' \
		"$today" "$1" "$today"
}
run() { # CLIENTS PER-CLIENT OFFSET
	local c=$1 per=$2 off=$3 start end pids=()
	start=$(date +%s%N)
	for ((k = 0; k < c; k++)); do
		(for ((i = 0; i < per; i++)); do
			json $((off + k * per + i)) | SSHPASS=demo-pass sshpass -e ssh -F /dev/null -o LogLevel=ERROR \
				-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o PubkeyAuthentication=no \
				-p "$STACK_PORT" zhangwei@127.0.0.1 claim create >/dev/null
		done) &
		pids+=($!)
	done
	wait "${pids[@]}" # not the server, which is a child of this shell too
	end=$(date +%s%N)
	printf '%-44s %6s /s\n' "claim create over SSH, $c client(s)" \
		"$(awk -v n=$((c * per)) -v ns=$((end - start)) 'BEGIN {printf "%.1f", n * 1e9 / ns}')"
}
run 1 30 0
run 10 10 1000
