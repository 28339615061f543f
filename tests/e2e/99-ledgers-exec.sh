#!/usr/bin/env bash
# Ledgers (台账) by script: who sees which ledger, a contract added with
# Chinese text and found again by a filter on Chinese field names, a bad
# filter, saves against the version read (a stale one refused, naming the
# change that came first), history, rollback, delete and restore, staff
# refused, an all-or-nothing CSV import, CSV and xlsx export, keyset
# paging (over a thousand records too), and the reminders of a contract
# ending soon and of low stock.
. "$(dirname "$0")/lib.sh"
e2e_start
TODAY=$(date +%F)
SOON=$(date -d "+20 days" +%F)
LATER=$(date -d "+200 days" +%F)
export LANG=en_US.UTF-8

fin() { ssh_exec wangfang "$PASSWORD" "$@"; }
live_count() { fin ledger rows contracts --json </dev/null | jq '.rows | length'; }

# ---- who sees what ----
out=$(ssh_exec zhangwei "$PASSWORD" ledger list --json); rc=$?
check "ledger list runs for staff" [ $rc -eq 0 ]
check "staff do not see the contracts" [ "$(jq '[.[] | select(.id == "contracts")] | length' <<<"$out")" -eq 0 ]
check "staff see the office supplies, read-only" \
	[ "$(jq -r '.[] | select(.id == "supplies") | .editable' <<<"$out")" = false ]
out=$(fin ledger list --json)
check "finance sees the contracts and may edit them" \
	[ "$(jq -r '.[] | select(.id == "contracts") | .editable' <<<"$out")" = true ]
check "with their fields" \
	[ "$(jq -r '.[] | select(.id == "contracts") | .fields[] | select(.name == "amount") | .type' <<<"$out")" = money ]
out=$(LANG=zh_CN.UTF-8 fin ledger list)
check "the text list shows titles in the session language" grep -q "contracts .*合同台账" <<<"$out"

# ---- add, with Chinese text and labels as keys ----
out=$(fin ledger add 合同台账 --json <<-EOF
{"合同编号": "HT-2026-001", "合同名称": "服务器维护", "相对方": "北京某某科技有限公司", "amount": "12000.00",
 "开始日期": "$TODAY", "end": "$SOON", "状态": "履行中"}
EOF
); rc=$?
check "finance adds a contract by its Chinese title and labels" [ $rc -eq 0 ] && [ "$(jq -r .version <<<"$out")" = 1 ]
C1=$(jq -r .id <<<"$out")
out=$(fin ledger show contracts "$C1" --json)
check "it is stored with its Chinese text and the amount as a string" \
	[ "$(jq -r '.fields.party + " " + .fields.amount + " " + .fields.status' <<<"$out")" = "北京某某科技有限公司 12000.00 履行中" ]
err=$(fin ledger add contracts 2>&1 <<-EOF
{"合同编号": "HT-2026-002", "合同名称": "坏金额", "相对方": "某公司", "合同金额": "12,00x", "开始日期": "$TODAY",
 "end": "$SOON", "状态": "履行中"}
EOF
); rc=$?
check "a bad amount is refused, naming the field" [ $rc -eq 1 ] && grep -qE "amount|合同金额|Amount" <<<"$err"
check "and nothing is stored" [ "$(live_count)" -eq 1 ]
err=$(fin ledger add contracts 2>&1 <<<'{"合同编号": "X", "nosuch": "1"}'); rc=$?
check "an unknown field is refused by name" [ $rc -eq 1 ] && grep -q "no field \`nosuch\`" <<<"$err"

# ---- rows and filters ----
out=$(fin ledger rows contracts --filter "'相对方~某某 状态=履行中'" --json); rc=$?
check "a filter on Chinese field names finds it" [ $rc -eq 0 ] && [ "$(jq -r '[.rows[].id] | join(",")' <<<"$out")" = "$C1" ]
check "rows carry their version and no next page" [ "$(jq -r '"\(.rows[0].version) \(.next)"' <<<"$out")" = "1 null" ]
out=$(fin ledger rows contracts --filter "'相对方=上海某某'" --json)
check "a filter that does not match shows nothing" [ "$(jq '.rows | length' <<<"$out")" -eq 0 ]
err=$(fin ledger rows contracts --filter "'金额>>1'" 2>&1); rc=$?
check "a bad filter is a usage error with a clear message" [ $rc -eq 2 ] && grep -q "bad --filter" <<<"$err"
err=$(fin ledger rows contracts --filter "'颜色=红'" 2>&1); rc=$?
check "so is a filter on a field the ledger lacks" [ $rc -eq 2 ] && grep -q "颜色" <<<"$err"
out=$(LANG=zh_CN.UTF-8 fin ledger rows 合同台账)
check "the text table has the labels and the row" \
	grep -q "相对方" <<<"$out" && grep -q "北京某某科技有限公司" <<<"$out"
check "and its columns line up: every line as wide on screen" \
	[ "$(python3 -c 'import sys, unicodedata as u
w = lambda s: sum(2 if u.east_asian_width(c) in "WF" else 1 for c in s)
print(len({w(x) for x in sys.stdin.read().splitlines()}))' <<<"$out")" -eq 1 ]
err=$(fin ledger rows nosuch 2>&1); rc=$?
check "an unknown ledger is refused" [ $rc -eq 1 ] && [ -n "$err" ]

# ---- versions: update, a stale save, history, rollback ----
out=$(ssh_exec liuyang "$PASSWORD" ledger update contracts "$C1" --json <<<'{"version": 1, "合同金额": "15000.00"}'); rc=$?
check "an update at the version read succeeds" [ $rc -eq 0 ] && [ "$(jq -r .version <<<"$out")" = 2 ]
err=$(fin ledger update contracts "$C1" 2>&1 <<<'{"version": 1, "paid": "100.00"}'); rc=$?
check "a save at the old version is refused (exit 1)" [ $rc -eq 1 ]
check "naming who changed what since" grep -q "liuyang" <<<"$err" && grep -q "12000.00 -> 15000.00" <<<"$err"
out=$(fin ledger update contracts "$C1" --json 2>/dev/null <<<'{"version": 1, "paid": "100.00"}')
check "in JSON too" [ "$(jq -r '.conflict.newer[0] | .actor + " " + .changes[0].field + " " + .changes[0].to' <<<"$out")" = "liuyang amount 15000.00" ]
out=$(fin ledger show contracts "$C1" --json)
check "and stores nothing: paid is still empty, version 2" [ "$(jq -r '"\(.fields.paid) \(.version)"' <<<"$out")" = "null 2" ]
check "the other fields kept their value" [ "$(jq -r .fields.party <<<"$out")" = 北京某某科技有限公司 ]
err=$(fin ledger update contracts "$C1" 2>&1 <<<'{"paid": "100.00"}'); rc=$?
check "an update without a version is refused" [ $rc -eq 1 ] && grep -q '"version" is required' <<<"$err"
out=$(fin ledger history contracts "$C1" --json)
check "history has both versions, by whom" [ "$(jq -r '[.versions[] | "\(.version):\(.actor):\(.action)"] | join(" ")' <<<"$out")" = "1:wangfang:add 2:liuyang:edit" ]
check "with the field's old and new value" \
	[ "$(jq -r '.versions[1].changes[] | select(.field == "amount") | .from + " " + .to' <<<"$out")" = "12000.00 15000.00" ]
check "in text too" grep -q "12000.00 -> 15000.00" <<<"$(fin ledger history contracts "$C1")"
out=$(fin ledger rollback contracts "$C1" 1 --json); rc=$?
check "rollback to version 1 makes version 3" [ $rc -eq 0 ] && [ "$(jq -r .version <<<"$out")" = 3 ]
check "with the old values" [ "$(fin ledger show contracts "$C1" --json | jq -r .fields.amount)" = 12000.00 ]
check "and says so in the history" \
	[ "$(fin ledger history contracts "$C1" --json | jq -r '.versions[2] | .action + " " + ([.changes[].to] | join(","))')" = "rollback 12000.00" ]

# ---- delete and restore ----
err=$(fin ledger delete contracts "$C1" --version 2 2>&1); rc=$?
check "deleting at a stale version is refused" [ $rc -eq 1 ] && grep -q "version 3" <<<"$err"
out=$(fin ledger delete contracts "$C1" --version 3 --json); rc=$?
check "delete at the version read" [ $rc -eq 0 ] && [ "$(jq -r '"\(.version) \(.deleted)"' <<<"$out")" = "4 true" ]
check "a deleted record leaves the rows" [ "$(live_count)" -eq 0 ]
check "and is listed with --deleted" [ "$(fin ledger rows contracts --deleted --json | jq -r '.rows[0].id')" = "$C1" ]
out=$(fin ledger restore contracts "$C1" --version 4 --json); rc=$?
check "restore brings it back" [ $rc -eq 0 ] && [ "$(jq -r '"\(.version) \(.deleted)"' <<<"$out")" = "5 false" ]
err=$(fin ledger restore contracts "$C1" --version 5 2>&1); rc=$?
check "restoring what is not deleted says so and changes nothing" \
	[ $rc -ne 0 ] && grep -q "is not deleted" <<<"$err" && [ "$(fin ledger show contracts "$C1" --json | jq .version)" = 5 ]
check "into the rows" [ "$(live_count)" -eq 1 ]
err=$(fin ledger delete contracts "$C1" 2>&1); rc=$?
check "delete without --version is a usage error" [ $rc -eq 2 ] && grep -q -- "--version is required" <<<"$err"

# ---- staff ----
err=$(ssh_exec zhangwei "$PASSWORD" ledger add contracts 2>&1 <<<'{"合同编号": "X"}'); rc=$?
check "staff cannot add to a ledger they cannot see" [ $rc -eq 1 ] && [ -n "$err" ]
err=$(ssh_exec zhangwei "$PASSWORD" ledger add supplies 2>&1 <<<'{"物品": "A4 纸", "库存": 10, "最低库存": 2}'); rc=$?
check "nor to one they may only view" [ $rc -eq 1 ] && [ -n "$err" ]
ssh_exec zhangwei "$PASSWORD" ledger rows contracts >/dev/null 2>&1; rc=$?
check "staff cannot read the contracts either" [ $rc -eq 1 ]
check "nothing was added by staff" [ "$(live_count)" -eq 1 ]

# ---- import ----
cat >"$E2E_DIR/bad.csv" <<-EOF
合同编号,合同名称,相对方,合同金额,开始日期,结束日期,状态
HT-2026-010,办公室租赁,上海某某物业有限公司,240000.00,$TODAY,$LATER,履行中
HT-2026-011,软件许可,深圳某某软件有限公司,12x.00,$TODAY,$LATER,履行中
EOF
out=$(fin ledger import contracts --json <"$E2E_DIR/bad.csv" 2>/dev/null); rc=$?
check "a CSV with one bad amount imports nothing (exit 1)" [ $rc -eq 1 ] && [ "$(jq -r .imported <<<"$out")" = false ]
check "reporting its row and column (the field's label in the session language)" \
	[ "$(jq -r '.problems[] | "\(.row) \(.line) \(.field)"' <<<"$out")" = "2 3 Amount" ]
err=$(LANG=zh_CN.UTF-8 fin ledger import contracts 2>&1 <"$E2E_DIR/bad.csv")
check "in text too" grep -q "第 2 行（文件第 3 行）：合同金额" <<<"$err"
check "nothing was imported" [ "$(live_count)" -eq 1 ]
sed 's/12x.00/36000.00/' "$E2E_DIR/bad.csv" | iconv -f UTF-8 -t GBK >"$E2E_DIR/good.csv"
out=$(fin ledger import 合同台账 --json <"$E2E_DIR/good.csv"); rc=$?
check "a good CSV (in GBK) imports every row" [ $rc -eq 0 ] && [ "$(jq -r .records <<<"$out")" = 2 ]
check "three contracts now" [ "$(live_count)" -eq 3 ]
check "the Chinese text survived GBK" \
	[ "$(fin ledger rows contracts --filter "'相对方~深圳'" --json | jq -r '.rows[0].fields.party')" = 深圳某某软件有限公司 ]

# ---- paging ----
out=$(fin ledger rows contracts --sort amount --desc --limit 1 --json)
NEXT=$(jq -r .next <<<"$out")
check "--limit 1 gives the first row and a cursor" \
	[ "$(jq -r '.rows[0].fields.amount' <<<"$out")" = 240000.00 ] && [ "$NEXT" != null ]
out=$(fin ledger rows contracts --sort amount --desc --limit 5 --after "$NEXT" --json)
check "--after it continues with the rest" [ "$(jq -r '[.rows[].fields.amount] | join(",")' <<<"$out")" = "36000.00,12000.00" ]
check "and there is no page after" [ "$(jq -r .next <<<"$out")" = null ]
err=$(fin ledger rows contracts --after nonsense 2>&1); rc=$?
check "a bad cursor is a usage error" [ $rc -eq 2 ]
{ echo "物品,单位,库存,最低库存"; for i in $(seq 1100); do echo "物品$i,个,$i,1"; done; } >"$E2E_DIR/many.csv"
check "1100 supplies import at once" quiet fin ledger import supplies <"$E2E_DIR/many.csv"
check "rows without --limit pages through all of them (pages of 500)" \
	[ "$(fin ledger rows supplies --json | jq '[.rows[].id] | unique | length')" -eq 1100 ]
out=$(fin ledger rows supplies --sort 库存 --desc --limit 600 --json)
check "--limit 600 spans two pages" [ "$(jq -r '"\(.rows | length) \(.rows[0].fields.stock) \(.rows[-1].fields.stock)"' <<<"$out")" = "600 1100 501" ]
out=$(fin ledger rows supplies --sort 库存 --desc --limit 600 --after "$(jq -r .next <<<"$out")" --json)
check "and --after gives the other 500, in order, to the end" \
	[ "$(jq -r '"\(.rows | length) \(.rows[0].fields.stock) \(.rows[-1].fields.stock) \(.next)"' <<<"$out")" = "500 500 1 null" ]

# ---- export ----
fin ledger export contracts --filter "'相对方~某某科技'" --format csv >"$E2E_DIR/out.csv"; rc=$?
check "export csv exits 0" [ $rc -eq 0 ]
check "it has the filtered row" grep -q "北京某某科技有限公司" "$E2E_DIR/out.csv"
check "and not the others" lacks "上海某某物业" "$(cat "$E2E_DIR/out.csv")"
check "a header and one row" [ "$(grep -c . "$E2E_DIR/out.csv")" -eq 2 ]
fin ledger export 合同台账 --format xlsx >"$E2E_DIR/out.xlsx"; rc=$?
check "export xlsx is a zip file (PK)" [ $rc -eq 0 ] && [ "$(head -c 2 "$E2E_DIR/out.xlsx")" = PK ]
err=$(fin ledger export contracts --format pdf 2>&1); rc=$?
check "another format is a usage error" [ $rc -eq 2 ] && grep -q "csv or xlsx" <<<"$err"

# ---- reminders ----
out=$(fin ledger add supplies --json <<<'{"物品": "A4 打印纸", "单位": "包", "库存": 2, "最低库存": 5}')
S1=$(jq -r .id <<<"$out")
fin ledger add supplies >/dev/null <<<'{"物品": "签字笔", "单位": "支", "库存": 50, "最低库存": 10}'
out=$(fin reminders --json); rc=$?
check "reminders --json exits 0" [ $rc -eq 0 ]
check "the contract ending in 20 days is due" \
	[ "$(jq -r --arg id "$C1" '.[] | select(.ledger == "contracts" and (.record | tostring) == $id) | "\(.value) \(.due) \(.days)"' <<<"$out")" = "HT-2026-001 $SOON 20" ]
check "the ones ending later are not" [ "$(jq '[.[] | select(.ledger == "contracts")] | length' <<<"$out")" -eq 1 ]
check "the supply below its minimum is due" \
	[ "$(jq -r --arg id "$S1" '.[] | select(.ledger == "supplies" and (.record | tostring) == $id) | .value' <<<"$out")" = "A4 打印纸" ]
check "the one above it is not" [ "$(jq '[.[] | select(.ledger == "supplies")] | length' <<<"$out")" -eq 1 ]
out=$(LANG=zh_CN.UTF-8 fin reminders)
check "in text, with the rule's label" grep -q "合同即将到期.*HT-2026-001.*$SOON" <<<"$out"

# ---- files in attachment fields ----
{ printf '%%PDF-1.4\n'; head -c 3000 /dev/urandom; } >"$E2E_DIR/scan.pdf"
sha=$(sha256sum "$E2E_DIR/scan.pdf" | cut -d' ' -f1)
ver=$(fin ledger show contracts "$C1" --json </dev/null | jq -r .version)
out=$(fin ledger attach contracts "$C1" 合同扫描件 合同.pdf --version "$ver" --json <"$E2E_DIR/scan.pdf"); rc=$?
check "a PDF is stored in the contract's scan field as a new version" \
	[ $rc -eq 0 ] && [ "$(jq -r .fields.scan <<<"$out")" = "合同.pdf sha256:$sha" ] && [ "$(jq -r .version <<<"$out")" -eq $((ver + 1)) ]
fin ledger file contracts "$C1" scan </dev/null >"$E2E_DIR/back.pdf"; rc=$?
check "ledger file gives the same bytes back" [ $rc -eq 0 ] && cmp -s "$E2E_DIR/scan.pdf" "$E2E_DIR/back.pdf"
err=$(fin ledger attach contracts "$C1" scan x.pdf --version "$ver" <"$E2E_DIR/scan.pdf" 2>&1); rc=$?
check "attaching over a newer version is refused like any save" [ $rc -ne 0 ] && grep -q "wangfang" <<<"$err"
printf 'not a png' >"$E2E_DIR/fake.png"
err=$(fin ledger attach contracts "$C1" scan fake.png --version $((ver + 1)) <"$E2E_DIR/fake.png" 2>&1); rc=$?
check "a file whose content is not its type is refused" [ $rc -ne 0 ] && grep -q "does not match its type" <<<"$err"
err=$(fin ledger update contracts "$C1" <<<"{\"version\": $((ver + 1)), \"scan\": \"x.pdf\"}" 2>&1); rc=$?
check "an attachment field cannot be typed" [ $rc -ne 0 ] && grep -q "attach one instead" <<<"$err"
err=$(fin ledger file contracts "$C1" party </dev/null 2>&1); rc=$?
check "ledger file names only attachment fields" [ $rc -ne 0 ] && grep -q "no attachment field" <<<"$err"
ver=$(fin ledger show contracts "$C1" --json </dev/null | jq -r .version)
other=$(printf 'x.pdf sha256:%064d' 7)
err=$(fin ledger update contracts "$C1" <<<"{\"version\": $ver, \"scan\": \"$other\"}" 2>&1); rc=$?
check "nor pointed at another stored file by its hash" [ $rc -ne 0 ] && grep -q "ledger attach" <<<"$err"

# ---- references to another ledger's records ----
out=$(fin ledger add assets --json <<<"{\"资产编号\": \"ZC-9\", \"名称\": \"打印机\", \"部门\": \"财务部\", \"购入日期\": \"2025-01-02\", \"原值\": \"3,200\", \"状态\": \"在用\", \"采购合同\": $C1}"); rc=$?
check "an asset names the contract it was bought under" [ $rc -eq 0 ] && [ "$(jq -r .fields.contract <<<"$out")" = "$C1" ]
err=$(fin ledger add assets <<<'{"资产编号": "ZC-10", "名称": "扫描仪", "部门": "财务部", "购入日期": "2025-01-02", "原值": "800", "状态": "在用", "采购合同": 99999}' 2>&1); rc=$?
check "a reference to a record that is not there is refused" [ $rc -ne 0 ] && grep -q "contracts has no record 99999" <<<"$err"

# ---- an export imports back (as new records; the numbers are the database's) ----
before=$(fin ledger rows contracts --json </dev/null | jq '.rows | length')
fin ledger export contracts --filter "'相对方~某某科技'" --format csv </dev/null >"$E2E_DIR/again.csv"
sed -i 's/,合同\.pdf sha256:[^,]*$/,/' "$E2E_DIR/again.csv" # files are attached, not imported
out=$(fin ledger import contracts --json <"$E2E_DIR/again.csv" 2>&1); rc=$?
check "an exported CSV (its No. and Version columns too) imports back" \
	[ $rc -eq 0 ] && [ "$(fin ledger rows contracts --json </dev/null | jq '.rows | length')" -eq $((before + 1)) ]
e2e_done
