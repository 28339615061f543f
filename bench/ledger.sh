#!/usr/bin/env bash
# The electronic ledgers (台账) on a generated fixed-assets ledger of ROWS
# records (default 1,000,000): the load through the store's import, then
# pages, sorts, filters and counts against the goals of the product issue.
# Usage: bash bench/ledger.sh   or   ROWS=100000 bash bench/ledger.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
DIR=$(mktemp -d /tmp/bursar-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
# Only the layers the benchmark uses, brought up to date with the project's
# flags: the front ends (ui, cmd, ssh) may be mid-edit and need not build.
objs=()
for src in src/core/*.c src/domain/*.c src/store/*.c; do objs+=("build/obj/${src%.c}.o"); done
make -s "${objs[@]}"
# shellcheck disable=SC2046
gcc -O2 -Iinclude -o "$DIR/ledger" bench/ledger.c "${objs[@]}" $(pkg-config --libs libssh ncursesw sqlite3 ldap jansson inih \
	libcrypto libcmark libmagic xlsxwriter) -lcsv -lutil
echo "bursar ledger benchmark ($(nproc) cores, $(date -u +%Y-%m-%d), SQLite $(pkg-config --modversion sqlite3)," \
	"synchronous = normal, $ROWS records of forms/ledgers/assets.md)"
"$DIR/ledger" "$DIR/l.db" "$ROWS" forms/ledgers/assets.md
echo "database: $(du -ch "$DIR"/l.db* | tail -1 | cut -f1)"
