#!/usr/bin/env bash
# The full-screen interface through the real OpenSSH client in tmux: login,
# header, menu by role, `?` help, navigation, resize, tiny terminals, quit.
. "$(dirname "$0")/lib.sh"
e2e_start

# A staff member with a Chinese name, Chinese client locale.
tui_open zw zhangwei zh_CN.UTF-8
check "login shows the display name 张伟 in the header" wait_for zw "张伟 \(zhangwei\)"
check "header shows the role in Chinese" wait_for zw "员工"
check "menu shows profile and preferences" wait_for zw "我的资料"
check "staff menu has no audit log" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t zw | grep -q 审计日志"
check "status bar shows key hints" wait_for zw "\? .*q/Esc"

keys zw '?'
check "? shows help generated from the key table" wait_for zw "Enter +打开"
check "help lists global keys too" wait_for zw "Ctrl-C"
keys zw x
check "any key closes help" bash -c "sleep 0.3; ! tmux -L $TMUX_SOCK capture-pane -p -t zw | grep -q Ctrl-C"

keys zw j j Enter
check "Enter opens My profile with directory data" wait_for zw "高级工程师"
check "profile shows the manager from the directory" wait_for zw "李梅 \(limei\)"
check "profile shows the department" wait_for zw "研发部"

# Resize: the frame follows the new width; too small shows a notice and recovers.
resize zw 60 20
check "resize to 60x20 redraws the frame at the new width" \
	bash -c "sleep 0.5; tmux -L $TMUX_SOCK capture-pane -p -t zw | sed -n 2p | grep -qE '^┌─+┐\$' && [ \$(tmux -L $TMUX_SOCK capture-pane -p -t zw | sed -n 2p | wc -m) -eq 61 ]"
resize zw 20 5
check "a 20x5 terminal shows 'too small'" wait_for zw "太小|too small"
resize zw 1 1
sleep 0.5
resize zw 80 24
check "after 1x1 and back to 80x24 the screen recovers" wait_for zw "高级工程师"
check "80x24 shows the full profile including the last row" wait_for zw "语言|Language"

keys zw q
check "q goes back to the main menu" wait_for zw "主菜单"
keys zw q
check "q on the main menu quits with exit status 0" wait_for zw "EXIT=0"

# An admin sees the audit log; an English client gets English.
tui_open adm chengang en_US.UTF-8 80 24
check "English client gets English UI" wait_for adm "Main menu"
check "admin menu lists the audit log" wait_for adm "Audit log"
keys adm G k k Enter
check "audit log screen lists login entries" wait_for adm "login.success"
keys adm v
check "v verifies the hash chain" wait_for adm "Hash chain intact: [0-9]+ entries"
keys adm C-c
check "Ctrl-C quits" wait_for adm "EXIT=0"

# Unknown TERM falls back instead of failing.
tui_open kit alice en_US.UTF-8 80 24 xterm-kitty
check "unknown TERM xterm-kitty falls back and shows the menu" wait_for kit "Alice Wong"
keys kit q
check "and quits cleanly" wait_for kit "EXIT=0"

# A person without any role still gets in, with a notice.
tui_open nobody bob en_US.UTF-8 80 24
check "a person without a role sees a notice" wait_for nobody "no role in bursar"
keys nobody q

# Monochrome theme chosen in Preferences: ASCII borders, remembered at next login.
tui_open th wangfang en_US.UTF-8 80 24
wait_for th "Main menu" >/dev/null
keys th j j j j j Enter
check "preferences list the shipped themes" wait_for th "mono +Monochrome"
# Themes are sorted (contrast, default, mono): the third row is mono.
keys th j j Enter
check "choosing a theme saves it" wait_for th "Saved"
check "mono theme draws ASCII borders" wait_for th "^\+-+\+$"
keys th q q
wait_for th "EXIT=0" >/dev/null
tui_open th2 wangfang en_US.UTF-8 80 24
check "the theme is remembered at the next login" wait_for th2 "^\+-+\+$"
keys th2 q

# The invoice register in the full-screen interface: listing, CJK seller, search.
ssh_exec zhangwei "$PASSWORD" invoice add >/dev/null <<<'{"kind":"rail","number":"25119000000012345678","date":"2026-11-01","total":"436.00","rate":"9%","seller":{"name":"中国铁路北京局"}}'
ssh_exec zhangwei "$PASSWORD" invoice add >/dev/null <<<'{"kind":"receipt","number":"R-1","date":"2026-11-02","total":"1234.50"}'
tui_open inv zhangwei en_US.UTF-8 100 30
wait_for inv "Main menu" >/dev/null
keys inv j j j Enter
check "the invoice screen lists registered invoices" wait_for inv "25119000000012345678 +中国铁路北京局 +436.00"
check "amounts are grouped and totalled" wait_for inv "2 invoice\(s\), total ¥1,670.50"
keys inv /
keys inv 2511 Enter
check "/ searches: only the matching invoice stays" wait_for inv "1 invoice\(s\), total ¥436.00  search: 2511"
keys inv / C-u
keys inv BSpace BSpace BSpace BSpace 北京 Enter
check "search takes Chinese text" wait_for inv "1 invoice\(s\), total ¥436.00  search: 北京"
keys inv a
check "staff cannot switch to everyone's invoices" wait_for inv "for finance, admins and auditors"
keys inv q q
check "and the session quits cleanly" wait_for inv "EXIT=0"

# More invoices than the screen loads: it says so instead of a silently short total.
sqlite3 "$E2E_DIR/stack/data/bursar.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5001)
	INSERT INTO invoices (dedup_key, kind, code, number, date, seller_name, seller_tax_id, buyer_name, buyer_tax_id,
	amount, rate_bp, tax, total, check_code, owner, created_at)
	SELECT 'bulk-' || i, 'receipt', '', 'bulk-' || i, '2026-10-01', '', '', '', '', 100, 0, 0, 100, '', 'alice', 'x' FROM n"
tui_open many alice en_US.UTF-8 100 30
wait_for many "Main menu" >/dev/null
keys many j j j Enter
check "a cut-short invoice list says how much was loaded" wait_for many "newest 5000 loaded"
keys many q q

# Claim forms: the list, and one form's fields, categories with limits and help.
tui_open fm zhangwei en_US.UTF-8 60 20
wait_for fm "Main menu" >/dev/null
keys fm j j j j Enter
check "the claim forms are listed with their titles" wait_for fm "Travel expenses +travel +5 fields"
keys fm G Enter
check "a form shows its fields" wait_for fm "Dates daterange required"
check "and its categories with limits by rank" wait_for fm "lodging — staff 500.00, manager 800.00,"
keys fm G
check "its help is laid out from Markdown, wrapping Chinese and English" wait_for fm "^│ tickets: the deductible VAT \(9%\) is computed from the +│$"
keys fm q q q
check "and quits cleanly" wait_for fm "EXIT=0"

# A remembered theme that has since been removed: built-in theme, and the
# problem goes to the server log, not onto the person's screen.
sqlite3 "$E2E_DIR/stack/data/bursar.db" "UPDATE users SET theme = 'gone' WHERE uid = 'chengang'"
tui_open gone chengang en_US.UTF-8 80 24
check "a missing theme falls back and the menu shows" wait_for gone "Main menu"
check "no log text leaks onto the screen" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gone | grep -q 'theme'"
check "the server log records the missing theme" grep -q "theme gone: no such theme" "$E2E_DIR/stack/server.log"
keys gone q
e2e_done
