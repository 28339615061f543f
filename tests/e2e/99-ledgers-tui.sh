#!/usr/bin/env bash
# The ledger screens end to end, through the real SSH client: finance adds
# a contract in Chinese, finds it with a filter, edits it, reads the
# history and rolls back; then two people edit the same record at once:
# the second save is refused with the first one's change shown, and "save
# mine on top" keeps both changes, while a field both changed keeps what
# the second person typed; reminders at login and on their screen; staff
# do not see the contracts; 80x24 in Chinese fits.
. "$(dirname "$0")/lib.sh"
e2e_start
export LANG=en_US.UTF-8
END=$(date -d '+20 days' +%F)

# ---- finance adds a contract (in Chinese) ----
tui_open lw wangfang zh_CN.UTF-8 100 30
wait_for lw "主菜单" >/dev/null
check "the menu has a Ledgers row" wait_for lw "台账 +合同、固定资产、办公用品、报销单、发票等台账"
check "and a Reminders row" wait_for lw "提醒 +到期的台账记录"
check "the two last in the menu" \
	[ "$(screen_of lw | grep -E '^│ +[0-9]+  ' | tail -2 | sed -E 's/^│ +[0-9]+  ([^ ]+) .*/\1/' | tr '\n' ' ')" = "台账 提醒 " ]
keys lw G k Enter
check "the ledger list shows the contracts ledger with its id" wait_for lw "合同台账 +contracts +0 +查看和修改"
check "after the built-in ledgers" wait_for lw "费用报销台账 +claims .*内置"
# the built-in ledgers first, then by id: claims, invoices, assets, contracts, supplies
keys lw j j j Enter
check "an empty ledger says how to add" wait_for lw "还没有记录。按 a 新增。"
keys lw a
check "a opens the form" wait_for lw "合同台账：新记录"
check "with the selected field's type" wait_for lw "合同编号: 文本，最多 40 个字；必填"
keys lw Enter "HT-E2E-001" Enter
keys lw j Enter "年度技术服务合同" Enter
keys lw j Enter "北京某某科技有限公司" Enter
keys lw j j Enter wangfang Enter
keys lw j Enter "12,000.00" Enter
keys lw j j Enter 2026-01-01 Enter
keys lw j Enter "$END" Enter
keys lw j Enter Enter
check "the amount is shown as it will be stored" wait_for lw "合同金额\* +12,000.00"
keys lw C-s
check "Ctrl-S adds the record" wait_for lw "已添加记录 #1（合同台账）。"
check "the table shows it, amount grouped and right-aligned" \
	wait_for lw " 1 HT-E2E-001 +年度技术服务合同 +北京某某科技有限公司 +wangfang +12,000.00"
check "the header counts the rows" wait_for lw "合同台账 +第 1–1 行，共 1 行"

# ---- filter ----
keys lw /
check "the filter prompt lists the fields" wait_for lw "字段：合同编号 合同名称 相对方"
keys lw "相对方~某某 状态=履行中"
check "and checks the filter while it is typed" wait_for lw "2 个条件，须全部满足"
keys lw Enter
check "the filter shows in the header, with the sort" wait_for lw "筛选：相对方~某某 状态=履行中 +排序：记录号 ↑"
check "and the row is kept" wait_for lw " 1 HT-E2E-001 +年度技术服务合同"
keys lw / C-u "金额>abc" Enter
check "a bad filter is refused with the service's reason" wait_for lw "金额：没有此字段"
check "and the old filter stays" wait_for lw "筛选：相对方~某某 状态=履行中"
keys lw / C-u "状态=已终止" Enter
check "a filter nothing matches says so" wait_for lw "没有符合筛选条件的记录（F 清除筛选）。"
keys lw F
check "F clears the filter" wait_for lw "筛选：无 +排序"

# ---- edit and history ----
keys lw Enter
check "Enter opens the record" wait_for lw "合同台账 +#1 +第 1 版"
check "every field with its label" wait_for lw "相对方: +北京某某科技有限公司"
check "a person with the name" wait_for lw "经办人: +wangfang \(王芳\)"
keys lw e j j j j j j Enter 3000 Enter C-s
check "an edit saves a new version" wait_for lw "已保存记录 #1（合同台账）：第 2 版。"
check "and the detail shows it" wait_for lw "已付金额: +3,000.00"
keys lw h
check "h shows the versions, newest first" wait_for lw "第 2 版 .* 王芳 \(wangfang\) +修改"
check "with each field's change" wait_for lw "已付金额: （空） → 3,000.00"
check "down to the first version" wait_for lw "相对方: （空） → 北京某某科技有限公司"
keys lw j R
check "R asks before rolling back" wait_for lw "将记录 #1 回滚到第 1 版？"
keys lw y
check "the rollback is a new version" wait_for lw "已回滚到第 1 版：记录现为第 3 版。"
check "that says what it undid" wait_for lw "第 3 版 .* 回滚 +to version 1"
keys lw q
check "the detail shows the value gone" wait_for lw "已付金额: +-"

# ---- two people edit the same record ----
tui_open cg chengang en_US.UTF-8 100 30
wait_for cg "Main menu" >/dev/null
keys cg G k Enter
wait_for cg "Contracts +contracts" >/dev/null
keys cg j j j Enter
wait_for cg " 1 HT-E2E-001" >/dev/null
keys cg Enter
check "the admin opens the same record" wait_for cg "Contracts +#1 +version 3"
keys cg e
wait_for cg "Editing #1 of Contracts \(read at version 3\)" >/dev/null
keys lw e
wait_for lw "正在编辑 #1（合同台账，读取时为第 3 版）" >/dev/null
keys lw j Enter C-u "年度技术服务合同（续签）" Enter
keys cg j j j j j j Enter 5000 Enter
check "each has typed a change" wait_for cg "\* Paid so far +5,000.00"
keys lw C-s
check "the first save goes through" wait_for lw "已保存记录 #1（合同台账）：第 4 版。"
keys cg C-s
check "the second is refused, saying who saved first" wait_for cg "Someone saved this record first"
check "showing the versions" wait_for cg "You read version 3; it is at version 4 now"
check "with the other person's change" \
	wait_for cg "version 4 .* 王芳 \(wangfang\) +edited" && wait_for cg "Title: 年度技术服务合同 → 年度技术服务合同（续签）"
check "and what this person typed, kept" wait_for cg "Paid so far: \(empty\) → 5,000.00"
keys cg y
check "save mine on top saves the merge" wait_for cg "Saved record #1 of Contracts: version 5\."
check "the record has the other person's change" wait_for cg "Title: +年度技术服务合同（续签）"
check "and this person's" wait_for cg "Paid so far: +5,000.00"
if ssh_exec wangfang "$PASSWORD" ledger rows contracts --json >/dev/null 2>&1; then
	check "ledger rows says the same" [ "$(ssh_exec wangfang "$PASSWORD" ledger rows contracts --json |
		jq -r '.rows[0].fields | .title + "|" + .paid')" = "年度技术服务合同（续签）|5000.00" ]
fi

# both change the same field: nothing typed is lost, and the second person decides
keys lw e j j j j j j Enter C-u 6000 Enter
keys cg e j j j j j j Enter C-u 7000 Enter
wait_for cg "\* Paid so far +7,000.00" >/dev/null
keys lw C-s
wait_for lw "第 6 版。" >/dev/null
keys cg C-s
check "a field both changed is marked" wait_for cg "! 1 field\(s\) changed by both"
keys cg n
check "n offers keep editing or discard" wait_for cg "Keep editing \(nothing you typed is lost\)"
keys cg Enter
check "keeping on, the form still holds what was typed" wait_for cg "~ Paid so far +7,000.00"
check "marked as changed meanwhile by the other" wait_for cg "changed meanwhile by 王芳 \(wangfang\)"
keys cg C-s
wait_for cg "Someone saved this record first" >/dev/null
keys cg y
check "saved on top, the second person's value wins" wait_for cg "Saved record #1 of Contracts: version 7\."
check "as the detail shows" wait_for cg "Paid so far: +7,000.00"
keys cg q q q

# ---- reminders ----
tui_open rm wangfang en_US.UTF-8 100 30
check "a contract ending in 20 days is announced at login" wait_for rm "1 reminder\(s\) due — see Reminders"
keys rm G Enter
check "the reminders screen lists it" wait_for rm "Contracts +Contract ending soon +$END +in 20 day\(s\) #1 HT-E2E-001"
keys rm Enter
check "Enter opens its record" wait_for rm "Contracts +#1 +version 7"
keys rm q q q

# ---- staff ----
tui_open sf zhangwei en_US.UTF-8 100 30
wait_for sf "Main menu" >/dev/null
keys sf G k Enter
check "staff see the ledgers open to them" wait_for sf "Office supplies +supplies"
check "not the contracts" lacks "Contracts" "$(screen_of sf)"
keys sf q q

# ---- 80x24 in Chinese ----
tui_open zh wangfang zh_CN.UTF-8 80 24
wait_for zh "主菜单" >/dev/null
keys zh G k Enter
wait_for zh "合同台账" >/dev/null
keys zh j j j Enter
check "the table opens at 80x24" wait_for zh " 1 HT-E2E-001 +年度技术服务合同（续签） +北京某某科技有限公司"
check "nothing is wider than the 80-column terminal: every row ends at the frame" \
	[ "$(screen_of zh | wc -L)" -le 80 ] && [ "$(screen_of zh | sed -n '3,22p' | grep -cv '│$')" -eq 0 ]
keys zh l l l
check "columns scroll right, the first one kept" wait_for zh " 1 HT-E2E-001 .*$END"
resize zh 20 6
resize zh 80 24
check "a tiny terminal and back: still there" wait_for zh " 1 HT-E2E-001"
keys zh q q q

# ---- import from pasted CSV: a bad row imports nothing, then all of it ----
tui_open im wangfang en_US.UTF-8 100 30
wait_for im "Main menu" >/dev/null
keys im G k Enter
wait_for im "Office supplies" >/dev/null
keys im G Enter
check "the supplies ledger opens empty" wait_for im "Office supplies"
keys im i
check "i offers the field labels as the CSV header" wait_for im "Item,Unit,Stock,Minimum stock,Location"
keys im "订书机,个,12,2,三楼" Enter "回形针,盒,很多,5,三楼" C-d
check "a bad row: nothing imported, its row and column named" wait_for im "Stock.*whole number"
keys im Enter
check "and the screen says nothing was imported" wait_for im "Nothing imported; press i to correct the CSV"
check "nothing was added" [ "$(ssh_exec wangfang "$PASSWORD" ledger rows supplies --json </dev/null | jq '.rows | length')" -eq 0 ]
keys im i
check "the pasted text comes back to correct" wait_for im "回形针,盒,很多,5,三楼"
keys im BSpace BSpace BSpace BSpace BSpace BSpace BSpace "50,5,三楼" C-d
check "corrected, both rows import" wait_for im "Imported 2 record\(s\)"
check "and show in the table" wait_for im "回形针 .* 50 "
keys im q q q

check "the audit chain verifies" ssh_exec zhaomin "$PASSWORD" audit verify
exit $((FAILS > 0))
