#!/usr/bin/env bash
# Checks on the source tree itself: the layer rule, the translation
# catalogues, and the documents generated from the code tables.
cd "$(dirname "$0")/.." || exit 1
FAILS=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); }

# layer DIR FORBIDDEN-INCLUDE-REGEX: no file in DIR includes such a header.
layer() {
	local hits
	hits=$(grep -lE "#include <($2)" "$1"/*.c 2>/dev/null)
	if [[ -z $hits ]]; then ok "layer: $1 does not include $2"; else not_ok "layer: $1 includes $2: $hits"; fi
}
layer src/core 'curses|libssh|ldap|lber|sqlite3'
layer src/domain 'curses|libssh|ldap|lber|sqlite3'
layer src/store 'curses|libssh|ldap|lber'
layer src/directory 'curses|libssh|sqlite3'
layer src/service 'curses|libssh|ldap|lber|sqlite3'
layer src/ui 'libssh|ldap|lber|sqlite3'
layer src/export 'curses|libssh|ldap|lber|sqlite3'
layer src/ssh 'curses|ldap|lber|sqlite3'
layer src/cmd 'curses|libssh|ldap|lber|sqlite3'
hits=$(grep -lE '#include <(curses|libssh|ldap|lber|sqlite3)' include/bursar/*.h)
[[ -z $hits ]] && ok "public headers expose no library types" || not_ok "public headers include library headers: $hits"
hits=$(grep -lE '\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b' src/core/*.c src/domain/*.c src/service/*.c src/ui/*.c src/ssh/*.c src/cmd/*.c src/directory/*.c src/main.c)
[[ -z $hits ]] && ok "SQL appears only in src/store" || not_ok "SQL outside src/store: $hits"
hits=$(grep -nE '\b(float|double)\b' src/*/*.c src/main.c include/bursar/*.h)
[[ -z $hits ]] && ok "no floating point anywhere (money is integer fen)" || not_ok "floating point found: $hits"

# Translations: complete, and in step with the sources.
tmp=$(mktemp -d)
xgettext --from-code=UTF-8 -k_ -kN_ -o "$tmp/now.pot" src/*/*.c src/main.c src/ui/screen.h 2>/dev/null
if msgcmp po/zh_CN.po "$tmp/now.pot" 2>"$tmp/err"; then ok "po/zh_CN.po covers every UI string"
else not_ok "po/zh_CN.po is missing strings (run make pot): $(head -3 "$tmp/err")"; fi
if msgcmp po/en.po "$tmp/now.pot" 2>/dev/null; then ok "po/en.po covers every UI string"; else not_ok "po/en.po is missing strings"; fi
stats=$(msgfmt --statistics -o /dev/null po/zh_CN.po 2>&1)
[[ $stats != *fuzzy* && $stats != *untranslated* ]] && ok "zh_CN has no fuzzy or untranslated entries" \
	|| not_ok "zh_CN: $stats"
rm -rf "$tmp"

# README sections generated from the key and command tables are current.
if bash docs/generate.sh --check; then ok "README key and command references match the code tables"
else not_ok "README.md references are stale (run make docs)"; fi

# Every configuration key is documented in README.md.
missing=""
for key in $(grep -oE '^[a-z_]+ =' docs/bursar.ini.example | cut -d' ' -f1 | sort -u); do
	grep -q "\`$key\`" README.md || missing="$missing $key"
done
[[ -z $missing ]] && ok "README.md documents every config key" || not_ok "README.md lacks config keys:$missing"
exit $((FAILS > 0))
