#!/usr/bin/env bash
# Budgets end to end: finance sets them (staff cannot), the editor shows
# the balance a line leaves while its amount is typed, 20 concurrent
# submissions against a blocking budget that fits exactly 7, warn mode
# recording a finding the approver sees, release on reject and withdraw,
# freezing, all-or-nothing import, spend reports in every format, the
# dashboard at 80x24 with Chinese names, and the audit trail.
. "$(dirname "$0")/lib.sh"
e2e_start
TODAY=$(date +%F)
YEAR=${TODAY:0:4}
MONTH=$((10#${TODAY:5:2}))
QUARTER="$YEAR-Q$(((MONTH - 1) / 3 + 1))"
export LANG=en_US.UTF-8

# new_claim USER AMOUNT CATEGORY [PROJECT]: a general claim; prints its number.
new_claim() {
	N=$(($(cat "$E2E_DIR/n" 2>/dev/null || echo 0) + 1))
	echo "$N" >"$E2E_DIR/n"
	ssh_exec "$1" "$PASSWORD" claim create --json <<-EOF | jq -r .number
	{"form": "general", "title": "预算测试 $N", "fields": {"purpose": "办公", "project": "${4:-}"},
	 "lines": [{"category": "$3", "date": "$TODAY", "amount": "$2", "description": "第 $N 笔",
	            "invoice": {"kind": "digital", "number": "261100000000000$(printf %05d $N)", "date": "$TODAY", "total": "$2"}}]}
	EOF
}
node_of() { # DEPARTMENT CATEGORY PERIOD -> the node's JSON
	ssh_exec wangfang "$PASSWORD" budget list --json |
		jq -c --arg d "$1" --arg c "$2" --arg p "$3" '.[] | select(.department == $d and .category == $c and .period == $p)'
}
committed_of() { node_of "$@" | jq -r .committed; }

# ---- setting budgets ----
out=$(ssh_exec wangfang "$PASSWORD" budget set --department 研发部 --period "$YEAR" --amount 50000 --mode block --json); rc=$?
check "finance creates a department budget for the year" [ $rc -eq 0 ] && [ "$(jq -r '.created' <<<"$out")" = true ]
ROOT=$(jq -r .id <<<"$out")
out=$(ssh_exec wangfang "$PASSWORD" budget set --department 研发部 --category office --period "$QUARTER" --amount 1000 --mode warn --overrun 10 --json)
check "and a department x category budget for the quarter, under it" [ "$(jq -r .parent <<<"$out")" = "$ROOT" ]
WARN=$(jq -r .id <<<"$out")
out=$(ssh_exec wangfang "$PASSWORD" budget set --department 研发部 --category taxi --period "$YEAR" --amount 1050 --mode block --json)
TAXI=$(jq -r .id <<<"$out")
check "a blocking taxi budget of 1,050.00 (seven claims of 150.00)" [ "$(jq -r .limit <<<"$out")" = 1050.00 ]
err=$(ssh_exec zhangwei "$PASSWORD" budget set --period "$YEAR" --amount 1 2>&1); rc=$?
check "staff cannot set budgets" [ $rc -eq 1 ] && grep -q "not available to you" <<<"$err"
err=$(ssh_exec wangfang "$PASSWORD" budget set --period 2026-Q5 --amount 1 2>&1); rc=$?
check "a bad period is refused clearly" [ $rc -eq 1 ] && grep -q "period must be a year" <<<"$err"
err=$(ssh_exec wangfang "$PASSWORD" budget set --department 研发部 --period "$YEAR" --amount 1x 2>&1); rc=$?
check "so is a malformed amount" [ $rc -eq 1 ] && grep -q "amount:" <<<"$err"
err=$(ssh_exec wangfang "$PASSWORD" budget set --department 研发部 --category nosuch --period "$YEAR" --amount 1 2>&1); rc=$?
check "and an unknown category" [ $rc -eq 1 ] && grep -q "no expense category \`nosuch\`" <<<"$err"
err=$(ssh_exec wangfang "$PASSWORD" budget set --department 研发部 --period "$YEAR" --amount 60000 2>&1); rc=$?
check "changing a budget needs a reason" [ $rc -eq 1 ] && grep -q "needs a reason" <<<"$err"
out=$(ssh_exec wangfang "$PASSWORD" budget set --department 研发部 --period "$YEAR" --amount 60000 --reason "'追加 Q4'" --json); rc=$?
check "with one it is adjusted" [ $rc -eq 0 ] && [ "$(jq -r .amount <<<"$out")" = 60000.00 ]
out=$(ssh_exec wangfang "$PASSWORD" budget show "$ROOT" --json)
check "the budget's history keeps who, old and new amount and the reason" \
	[ "$(jq -r '.history[1] | .actor + " " + .old_amount + " " + .new_amount + " " + .reason' <<<"$out")" = "wangfang 50000.00 60000.00 追加 Q4" ]
check "staff see their own department's budgets" \
	[ "$(ssh_exec zhangwei "$PASSWORD" budget list --json | jq '[.[] | select(.department == "研发部")] | length')" -eq 3 ]
check "and not other departments'" \
	[ "$(ssh_exec bob "$PASSWORD" budget list --json | jq length)" -eq 0 ]

# ---- the live balance in the editor ----
tui_open ed zhangwei en_US.UTF-8 110 32
wait_for ed "Main menu" >/dev/null
keys ed Enter n 3
wait_for ed "Purpose" >/dev/null
keys ed a
wait_for ed "Expense category" >/dev/null
keys ed 1 Enter 3
check "typing an amount shows the node the line hits and what it leaves" \
	wait_for ed "Budget: 研发部 · office $QUARTER \(warn\): ¥997.00 left"
keys ed 00
check "updated as it is typed" wait_for ed "Budget: 研发部 · office $QUARTER \(warn\): ¥700.00 left"
keys ed Enter "纸" Enter
check "the line table shows the balance left per line" wait_for ed " 1 Office su.* 300.00 +0.00 .* 700.00 纸"
check "and the checks pane names the node" wait_for ed "Budget, line 1: 研发部 · office $QUARTER \(warn\): ¥700.00 left"
keys ed q 2
keys ed q q

# ---- 20 concurrent submissions against a blocking budget that fits 7 ----
for i in $(seq 20); do new_claim zhangwei 150.00 taxi >>"$E2E_DIR/race"; done
check "20 drafts of 150.00 each" [ "$(sort -u "$E2E_DIR/race" | grep -c BX)" -eq 20 ]
i=0
pids=()
while read -r c; do
	i=$((i + 1))
	(ssh_exec zhangwei "$PASSWORD" claim submit "$c" </dev/null >"$E2E_DIR/race.out.$i" 2>&1; echo $? >"$E2E_DIR/race.rc.$i") &
	pids+=($!)
done <"$E2E_DIR/race"
wait "${pids[@]}"
ok_n=$(cat "$E2E_DIR"/race.rc.* | grep -cx 0)
fail_n=$(cat "$E2E_DIR"/race.rc.* | grep -cx 1)
check "exactly 7 of 20 concurrent submissions succeed (got $ok_n)" [ "$ok_n" -eq 7 ]
check "the 13 others exit 1" [ "$fail_n" -eq 13 ]
check "each refusal names the node, its balance and the shortfall" \
	[ "$(grep -l "budget 研发部 · taxi $YEAR.* short by 150.00" "$E2E_DIR"/race.out.* | wc -l)" -eq 13 ]
check "committed is exactly the budget, never more" [ "$(committed_of 研发部 taxi "$YEAR")" = 1050.00 ]
check "the refused claims stay drafts" \
	[ "$(ssh_exec zhangwei "$PASSWORD" claim list --status draft --json | jq '[.[] | select(.title | startswith("预算测试"))] | length')" -eq 13 ]
check "the year's department budget counts the taxi claims too" [ "$(node_of 研发部 "" "$YEAR" | jq -r .committed)" = 1050.00 ]

# ---- warn mode: through, with a finding the approver sees ----
W1=$(new_claim zhangwei 900.00 office)
W2=$(new_claim zhangwei 300.00 office)
out=$(ssh_exec zhangwei "$PASSWORD" claim submit "$W1" --json); rc=$?
check "a claim within a warn budget has no budget finding" [ $rc -eq 0 ] && [ "$(jq '[.findings[] | select(.rule == "budget")] | length' <<<"$out")" -eq 0 ]
out=$(ssh_exec zhangwei "$PASSWORD" claim submit "$W2" --json); rc=$?
check "one over a warn budget goes through" [ $rc -eq 0 ] && [ "$(jq -r .status <<<"$out")" = submitted ]
check "with a budget warning naming the node and the shortfall (over the 10% tolerance)" \
	[ "$(jq -r '.findings[] | select(.rule == "budget" and .level == "warn") | .message' <<<"$out")" = "budget 研发部 · office $QUARTER: 100.00 left, this claim needs 300.00, short by 100.00" ]
check "the approver sees the warning on the claim" \
	grep -q "\[warn\] budget 研发部 · office" <<<"$(ssh_exec limei "$PASSWORD" claim show "$W2")"
check "committed counts both" [ "$(committed_of 研发部 office "$QUARTER")" = 1200.00 ]
check "the approver's claim detail shows each line's node and what it leaves" \
	[ "$(ssh_exec limei "$PASSWORD" claim show "$W2" --json | jq -r '.lines[0].budget | .node + " " + .period + " " + .left')" = "研发部 · office $QUARTER -200.00" ]
check "in text too" grep -q "line 1: 研发部 · office $QUARTER (warn): -200.00 left" <<<"$(ssh_exec limei "$PASSWORD" claim show "$W2")"


# ---- reject and withdraw release ----
ssh_exec limei "$PASSWORD" reject "$W2" --comment "'超预算'" >/dev/null
check "rejecting releases the claim's commitment" [ "$(committed_of 研发部 office "$QUARTER")" = 900.00 ]
ssh_exec zhangwei "$PASSWORD" claim withdraw "$W1" >/dev/null
check "withdrawing releases it too" [ "$(committed_of 研发部 office "$QUARTER")" = 0.00 ]
check "and the year's budget follows" [ "$(node_of 研发部 "" "$YEAR" | jq -r .committed)" = 1050.00 ]
out=$(ssh_exec wangfang "$PASSWORD" budget show "$WARN" --json)
check "budget show lists no claims on the emptied node" [ "$(jq '.claims | length' <<<"$out")" -eq 0 ]

# ---- freezing ----
ssh_exec wangfang "$PASSWORD" budget freeze "$WARN" --reason "'年底冻结'" >/dev/null
err=$(ssh_exec zhangwei "$PASSWORD" claim submit "$W1" 2>&1); rc=$?
check "a frozen budget takes nothing more, even in warn mode" [ $rc -eq 1 ] && grep -q "is frozen" <<<"$err"
ssh_exec wangfang "$PASSWORD" budget unfreeze "$WARN" --reason "'重新开放'" >/dev/null
out=$(ssh_exec zhangwei "$PASSWORD" claim submit "$W1" --json); rc=$?
check "unfrozen it does again" [ $rc -eq 0 ] && [ "$(jq -r .status <<<"$out")" = submitted ]

# ---- import: all or nothing ----
printf 'department,category,period,amount,mode,overrun\n财务部,,%s,80000,block,5\n总经办,,%s-Q5,1000,warn,\n信息部,,%s,12x,block,\n' "$YEAR" "$YEAR" "$YEAR" >"$E2E_DIR/bad.csv"
err=$(ssh_exec wangfang "$PASSWORD" budget import <"$E2E_DIR/bad.csv" 2>&1); rc=$?
check "an import with bad rows exits 1" [ $rc -eq 1 ]
check "reporting each bad row with its column" grep -q "row 2 (line 3): period:" <<<"$err" && grep -q "row 3 (line 4): amount:" <<<"$err"
check "and imports nothing" [ -z "$(node_of 财务部 "" "$YEAR")" ]
printf '部门,类别,期间,金额,控制方式,超支比例\n财务部,,%s,80000,block,5\n财务部,training,%s,20000,warn,\n' "$YEAR" "$QUARTER" >"$E2E_DIR/good.csv"
out=$(ssh_exec wangfang "$PASSWORD" budget import --json <"$E2E_DIR/good.csv"); rc=$?
check "a good file (Chinese headers) imports every row" [ $rc -eq 0 ] && [ "$(jq -r '.budgets' <<<"$out")" -eq 2 ]
check "with the overrun it gives" [ "$(node_of 财务部 "" "$YEAR" | jq -r .overrun)" = "5%" ]

# ---- spend reports ----
out=$(ssh_exec wangfang "$PASSWORD" report spend --by department --period "$YEAR" --format json); rc=$?
check "report spend --format json sums the committed spend" \
	[ $rc -eq 0 ] && [ "$(jq -r '.rows[] | select(.key == "研发部") | .committed' <<<"$out")" = 1950.00 ]
check "and the total" [ "$(jq -r .total.amount <<<"$out")" = 1950.00 ]
out=$(ssh_exec wangfang "$PASSWORD" report spend --by category --period "$QUARTER" --format csv)
check "CSV has a header and a row per category" \
	[ "$(head -1 <<<"$out" | tr -d '\r')" = "category,name,claims,lines,amount,deductible,committed,actual" ] && grep -q "^taxi,Taxi and local transport,7,7,1050.00," <<<"$out"
out=$(ssh_exec wangfang "$PASSWORD" report spend --by person --period "$YEAR" --format md)
check "Markdown is a table with a total row" grep -q "^| 张伟 | 8 | 8 | 1,950.00 |" <<<"$out" && grep -q "^| \*\*Total\*\* |" <<<"$out"
out=$(ssh_exec wangfang "$PASSWORD" report spend --by person --period "$YEAR" --format html)
check "HTML is rendered from the Markdown report" grep -q "<h1>Spend report</h1>" <<<"$out" && grep -q "<td>张伟</td><td>8</td>" <<<"$out"
err=$(ssh_exec wangfang "$PASSWORD" report spend --by nothing --period "$YEAR" 2>&1); rc=$?
check "an unknown grouping is a usage error (exit 2)" [ $rc -eq 2 ]
check "staff of another department see none of it" \
	[ "$(ssh_exec bob "$PASSWORD" report spend --by department --period "$YEAR" --format json | jq '.rows | length')" -eq 0 ]

# ---- the budget screen: finance freezes a node and imports in the TUI ----
tui_open bs wangfang en_US.UTF-8 100 30
wait_for bs "Main menu" >/dev/null
keys bs G k k k k k k Enter
check "finance's budget screen shows the tree with figures and bars" \
	wait_for bs "研发部 +$YEAR +block +60,000.00 +1,950.00 +0.00 +58,050.00 ▍ +3%"
check "a child shows what it adds to its parent" wait_for bs "office +$QUARTER +warn +1,000.00"
keys bs /office Enter
check "/ filters the rows, keeping the parent for context" wait_for bs "filter: office" && lacks "taxi" "$(screen_of bs)"
keys bs f
check "f asks for a reason to freeze" wait_for bs "Freeze 研发部 · office $QUARTER \(no new claims\), reason:"
keys bs "TUI 冻结" Enter
check "and freezes it" wait_for bs "Froze 研发部 · office $QUARTER"
check "which the scripting interface sees" [ "$(node_of 研发部 office "$QUARTER" | jq -r .frozen)" = true ]
keys bs f "解冻" Enter
wait_for bs "Unfroze 研发部 · office" >/dev/null
keys bs i
check "i opens a CSV editor with the header filled in" wait_for bs "department,project,category,period,amount,mode,overrun,reason"
keys bs "信息部,,,$YEAR-Q9,100,block,," C-d Enter
check "a bad row is reported with its column, and nothing is imported" \
	wait_for bs "row 1 \(line 2\), period: period must be a year"
keys bs Enter
check "the node was not created" [ -z "$(node_of 信息部 "" "$YEAR-Q9")" ]
keys bs q q

# ---- the dashboard at 80x24, in Chinese ----
tui_open db zhangwei zh_CN.UTF-8 80 24
wait_for db "主菜单" >/dev/null
wait_for db "按任意键关闭|Press any key" >/dev/null # news of the rejected claim
keys db Enter G k k Enter
check "the dashboard opens on the person's own department" wait_for db "研发部 \(1/1\) · $YEAR"
check "with the budget, committed and available" wait_for db "60,000.00 .* 1,950.00"
check "a utilisation bar and a monthly sparkline" wait_for db "[▁▂▃▄▅▆▇█]"
check "top categories and claimants with Chinese names" wait_for db "市内交通 +1,050.00" && wait_for db "张伟 +1,950.00"
check "nothing is wider than the 80-column terminal: every row ends at the frame" \
	[ "$(screen_of db | wc -L)" -le 80 ] && [ "$(screen_of db | sed -n '3,22p' | grep -cv '│$')" -eq 0 ]
check "approvals waiting are counted" wait_for db "[0-9]+"
keys db q q

# ---- hostile names stay text in reports ----
H=$(ssh_exec alice "$PASSWORD" claim create --json <<-EOF | jq -r .number
{"form": "general", "title": "恶意", "fields": {"purpose": "x", "project": "<b>p</b>\n\n[x](javascript:alert(1))"},
 "lines": [{"category": "office", "date": "$TODAY", "amount": "10.00", "description": "d"}]}
EOF
)
ssh_exec alice "$PASSWORD" claim submit "$H" >/dev/null
out=$(ssh_exec wangfang "$PASSWORD" report spend --by project --period "$YEAR" --format html)
check "a project name with markup and blank lines stays escaped text in the HTML report" \
	grep -q "&lt;b&gt;p&lt;/b&gt;  \[x\](javascript:alert(1))" <<<"$out" && lacks "href=" "$out" && lacks "<b>p" "$out"

F=$(ssh_exec alice "$PASSWORD" claim create --json <<-EOF | jq -r .number
{"form": "general", "title": "公式", "fields": {"purpose": "x", "project": "=1+1"},
 "lines": [{"category": "office", "date": "$TODAY", "amount": "11.00", "description": "d"}]}
EOF
)
ssh_exec alice "$PASSWORD" claim submit "$F" >/dev/null
out=$(ssh_exec wangfang "$PASSWORD" report spend --by project --period "$YEAR" --format csv)
check "a project name a spreadsheet would run as a formula stays text in the CSV report" \
	grep -q "^'=1+1,'=1+1,1,1,11.00," <<<"$out"

# ---- the monochrome theme draws bars in ASCII ----
ssh_exec zhangwei "$PASSWORD" prefs --theme mono >/dev/null
tui_open mono zhangwei en_US.UTF-8 80 24
wait_for mono "Main menu" >/dev/null
keys mono G k k Enter
check "on the mono theme the dashboard's bars are ASCII" wait_for mono "Used #+" && lacks "█" "$(screen_of mono)"
keys mono q q
ssh_exec zhangwei "$PASSWORD" prefs --theme default >/dev/null

# ---- audit ----
log=$(ssh_exec zhaomin "$PASSWORD" audit log --limit 500 --json)
check "budget changes are audited (create, adjust, freeze, unfreeze)" \
	[ "$(jq '[.[] | select(.action | test("^budget\\.(create|adjust|freeze|unfreeze)$"))] | length' <<<"$log")" -ge 7 ]
check "and the chain verifies" ssh_exec zhaomin "$PASSWORD" audit verify
exit $((FAILS > 0))
