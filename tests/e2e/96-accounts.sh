#!/usr/bin/env bash
# The account mapping end to end: finance sees and changes each expense
# category's GL account and the exporter's accounts and settings on the
# Accounts screen (one row at a time, or from pasted CSV: all rows or
# none); auditors see it read only; staff have no such menu row; the
# screen fits 80x24 with Chinese names; and the same through the scripting
# interface (accounts list, accounts import, export settings), audited.
. "$(dirname "$0")/lib.sh"
e2e_start
export LANG=en_US.UTF-8

# account_of CODE [KIND]: "ACCOUNT NAME" of a category (or of an exporter's account: KIND export).
account_of() {
	ssh_exec wangfang "$PASSWORD" accounts list --json |
		jq -r --arg c "$1" --arg k "${2:-category}" '.[] | select(.code == $c and .kind == $k) | .account + " " + .name'
}
# The row of category CODE below the first one (g selects the first).
OFFICE_ROW=$(ssh_exec wangfang "$PASSWORD" accounts list --json |
	jq '[.[] | select(.kind == "category") | .code] | index("office")')

# ---- finance changes a category's account on the screen ----
tui_open ac wangfang en_US.UTF-8 100 30
wait_for ac "Main menu" >/dev/null
check "finance's menu has an Accounts row" wait_for ac "Accounts +The GL account of each category"
keys ac G k k k k Enter
check "the Accounts screen lists every category with its account" \
	wait_for ac "office +Office supplies +660203 +管理费用—办公费"
check "and the exporter's accounts" wait_for ac "payable +Payable to employees \(credit\) +2241 +其他应付款"
check "and its settings" wait_for ac "word +Voucher word +记"
keys ac g
for ((i = 0; i < OFFICE_ROW; i++)); do keys ac j; done
keys ac Enter
check "Enter asks for the account code, filled in" wait_for ac "Account code for office \(Office supplies\): 660203"
keys ac C-u 66-02 Enter
check "a malformed code is asked again" wait_for ac "digits, starting with 1 to 6\) Account code for office"
keys ac C-u 660299 Enter
check "then for the account name, filled in" wait_for ac "Account name for office 660299: 管理费用—办公费"
keys ac C-u "管理费用—办公用品" Enter
check "the change is confirmed" wait_for ac "office is booked to 660299 管理费用—办公用品 now"
check "and the row shows it" wait_for ac "office +Office supplies +660299 +管理费用—办公用品"
check "the scripting interface sees the new account" [ "$(account_of office)" = "660299 管理费用—办公用品" ]

# ---- and a setting ----
keys ac G Enter
check "the last row is a setting, asked for by its name" wait_for ac "Preparer \(preparer\): "
keys ac C-u "王芳" Enter
check "which is set" wait_for ac "Set preparer to 王芳"
check "as export settings shows" [ "$(ssh_exec wangfang "$PASSWORD" export settings --json | jq -r .preparer)" = 王芳 ]
keys ac k Enter
wait_for ac "Currency \(currency\): CNY" >/dev/null
keys ac C-u CNYX Enter
check "a setting the service refuses shows its message" wait_for ac "currency: too long"

# ---- a bad import changes nothing ----
keys ac i
check "i opens a CSV editor with the header filled in" wait_for ac "code,account,name"
keys ac "office,660201,管理费用—差旅费" Enter "nosuch,660201,其他" C-d
check "a row with an unknown code is reported with its row, line and column" \
	wait_for ac "row 2 \(line 3\), code: \`nosuch\` is neither a category"
keys ac Enter
check "and nothing is imported" wait_for ac "Nothing imported; press i to correct the CSV"
check "not even the good row" [ "$(account_of office)" = "660299 管理费用—办公用品" ]
keys ac q q

# ---- auditors see it, read only; staff do not ----
tui_open au zhaomin en_US.UTF-8 100 30
wait_for au "Main menu" >/dev/null
keys au G k k k k Enter
check "an auditor sees the account mapping" wait_for au "office +Office supplies +660299 +管理费用—办公用品"
check "marked read only" wait_for au "\(read only\)"
keys au j Enter
check "but cannot change it" wait_for au "The account mapping is set by finance and admins\."
keys au r
wait_for au "\? Help" >/dev/null
keys au i
check "nor import it" wait_for au "The account mapping is set by finance and admins\."
keys au q q

tui_open sf zhangwei en_US.UTF-8 100 30
check "staff's menu" wait_for sf "Main menu"
check "has no Accounts row" lacks "Accounts" "$(screen_of sf)"
keys sf q

# ---- 80x24 in Chinese ----
tui_open zh wangfang zh_CN.UTF-8 80 24
wait_for zh "主菜单" >/dev/null
keys zh G k k k k Enter
check "the screen opens at 80x24 with the Chinese category names" wait_for zh "office +办公费 +660299 +管理费用—办公用品"
check "nothing is wider than the 80-column terminal: every row ends at the frame" \
	[ "$(screen_of zh | wc -L)" -le 80 ] && [ "$(screen_of zh | sed -n '3,22p' | grep -cv '│$')" -eq 0 ]
keys zh G
check "the last rows scroll into view" wait_for zh "preparer .* 王芳"
check "still within the frame" \
	[ "$(screen_of zh | wc -L)" -le 80 ] && [ "$(screen_of zh | sed -n '3,22p' | grep -cv '│$')" -eq 0 ]
keys zh q q

# ---- the scripting interface ----
out=$(ssh_exec zhaomin "$PASSWORD" accounts list --json); rc=$?
check "accounts list works for an auditor" [ $rc -eq 0 ] && [ "$(jq -r '.[] | select(.code == "payable") | .account' <<<"$out")" = 2241 ]
ssh_exec zhangwei "$PASSWORD" accounts list --json >/dev/null 2>&1; rc=$?
check "and exits 1 for staff" [ $rc -eq 1 ]

printf '类别,科目编码,科目名称\ntaxi,660212,管理费用—市内交通\nbank,100201,银行存款—工商银行\n' >"$E2E_DIR/good.csv"
out=$(ssh_exec wangfang "$PASSWORD" accounts import --json <"$E2E_DIR/good.csv"); rc=$?
check "accounts import with Chinese headers sets every row" [ $rc -eq 0 ] && [ "$(jq -r .accounts <<<"$out")" -eq 2 ]
check "a category's account" [ "$(account_of taxi)" = "660212 管理费用—市内交通" ]
check "and an exporter's account" [ "$(account_of bank export)" = "100201 银行存款—工商银行" ]

printf '类别,科目编码,科目名称\ntraining,66-02,培训\nother,660298,管理费用—杂项\n' >"$E2E_DIR/bad.csv"
err=$(ssh_exec wangfang "$PASSWORD" accounts import <"$E2E_DIR/bad.csv" 2>&1); rc=$?
check "an import with a malformed account exits 1" [ $rc -eq 1 ]
check "reporting the row, line and column" grep -q "row 1 (line 2): account:" <<<"$err"
check "and changes nothing" [ "$(account_of training)" = "660205 管理费用—培训费" ] && [ "$(account_of other)" = "660299 管理费用—其他" ]

out=$(ssh_exec wangfang "$PASSWORD" export settings word=转 --json); rc=$?
check "export settings sets the voucher word" [ $rc -eq 0 ] && [ "$(jq -r .word <<<"$out")" = 转 ]
check "which export settings then shows" [ "$(ssh_exec zhaomin "$PASSWORD" export settings --json | jq -r .word)" = 转 ]
ssh_exec wangfang "$PASSWORD" export settings nope=1 >/dev/null 2>&1; rc=$?
check "an unknown setting exits 1" [ $rc -eq 1 ]

# ---- audit ----
log=$(ssh_exec zhaomin "$PASSWORD" audit log --limit 500 --json)
check "account changes from the screen and the import are audited" \
	[ "$(jq '[.[] | select(.action == "account.set")] | length' <<<"$log")" -ge 2 ]
check "and setting changes" [ "$(jq '[.[] | select(.action == "export.setting")] | length' <<<"$log")" -ge 3 ]
check "and the chain verifies" ssh_exec zhaomin "$PASSWORD" audit verify
exit $((FAILS > 0))
