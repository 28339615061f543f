#!/usr/bin/env bash
# Exporter throughput: a backlog of approved claims (default 100,000, three
# lines each) exported in one run into every voucher format, then into
# JSON Lines alone.  Usage: bash bench/export.sh [N]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
DIR=$(mktemp -d /tmp/bursar-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
objs=$(ls build/obj/src/*/*.o)
# shellcheck disable=SC2086
gcc -O2 -Iinclude -o "$DIR/export" bench/export.c $objs $(pkg-config --libs libssh ncursesw sqlite3 ldap jansson inih \
	libcrypto libcmark libmagic xlsxwriter) -lcsv -lutil
echo "bursar exporter benchmark ($(nproc) cores, $(date -u +%Y-%m-%d), $N claims)"
mkdir "$DIR/all" "$DIR/jsonl"
"$DIR/export" "$DIR/all" "$N" kingdee,kingdee25,yonyou,sap,oracle,beancount,hledger,jsonl
"$DIR/export" "$DIR/jsonl" "$N" jsonl
