#!/usr/bin/env bash
# Regenerates the parts of README.md that come from code tables: the key
# reference (screen key tables) and the command reference (command table).
#   docs/generate.sh          rewrite README.md in place
#   docs/generate.sh --check  exit 1 if README.md is out of date
set -euo pipefail
cd "$(dirname "$0")/.."
BURSAR=${BURSAR:-build/bursar}

render() {
	awk -v keys="$1" -v cmds="$2" '
		/<!-- begin:keys -->/ { print; while ((getline l < keys) > 0) print l; skip = 1; next }
		/<!-- begin:commands -->/ { print; while ((getline l < cmds) > 0) print l; skip = 1; next }
		/<!-- end:(keys|commands) -->/ { skip = 0 }
		!skip { print }
	' README.md
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BURSAR" reference keys >"$tmp/keys"
"$BURSAR" reference commands >"$tmp/cmds"
render "$tmp/keys" "$tmp/cmds" >"$tmp/README.md"
if [[ ${1:-} == --check ]]; then
	diff -q README.md "$tmp/README.md" >/dev/null
else
	cp "$tmp/README.md" README.md
fi
