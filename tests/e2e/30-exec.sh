#!/usr/bin/env bash
# The scripting interface: `ssh host COMMAND ...`, JSON output, exit codes,
# role checks, help generated from the command table, language, stdin.
. "$(dirname "$0")/lib.sh"
e2e_start

json=$(ssh_exec zhangwei "$PASSWORD" whoami --json); rc=$?
check "whoami --json exits 0" [ $rc -eq 0 ]
check "whoami --json is valid JSON with the uid" [ "$(jq -r .uid <<<"$json")" = zhangwei ]
check "display name is the Chinese name" [ "$(jq -r .display_name <<<"$json")" = 张伟 ]
check "mail comes from the directory" [ "$(jq -r .mail <<<"$json")" = zhangwei@example.com ]
check "department comes from the directory" [ "$(jq -r .department <<<"$json")" = 研发部 ]
check "manager is resolved to uid and name" [ "$(jq -r '.manager.uid + " " + .manager.display_name' <<<"$json")" = "limei 李梅" ]
check "roles list staff only" [ "$(jq -c .roles <<<"$json")" = '["staff"]' ]
json=$(ssh_exec wangqiang "$PASSWORD" whoami --json)
check "a person without a manager gets null" [ "$(jq -r .manager <<<"$json")" = null ]
check "an approver has both roles" [ "$(jq -c .roles <<<"$json")" = '["staff","approver"]' ]

out=$(LANG=en_US.UTF-8 ssh_exec zhangwei "$PASSWORD" help); rc=$?
check "help exits 0" [ $rc -eq 0 ]
check "help lists whoami with its summary" grep -q "whoami \[--json\] .*Show who you are" <<<"$out"
check "staff help hides audit commands" lacks 'audit verify' "$out"
out=$(LANG=en_US.UTF-8 ssh_exec zhaomin "$PASSWORD" help)
check "auditor help lists audit commands" grep -q "audit verify" <<<"$out"
n=$(ssh_exec zhaomin "$PASSWORD" help --json | jq length)
check "help --json lists every command an auditor with staff role may run (51 of 62)" [ "$n" -eq 51 ]

out=$(LANG=zh_CN.UTF-8 ssh_exec zhangwei "$PASSWORD" whoami)
check "text output follows the client's LANG (zh_CN)" grep -q "^姓名: 张伟" <<<"$out"
out=$(LANG=en_US.UTF-8 ssh_exec zhangwei "$PASSWORD" whoami)
check "text output follows the client's LANG (en)" grep -q "^Name: 张伟" <<<"$out"

err=$(LANG=en_US.UTF-8 ssh_exec zhangwei "$PASSWORD" frobnicate 2>&1 >/dev/null); rc=$?
check "an unknown command exits 2" [ $rc -eq 2 ]
check "with a clear message on stderr" grep -q "unknown command .frobnicate." <<<"$err"
ssh_exec zhangwei "$PASSWORD" whoami --bogus >/dev/null 2>&1; rc=$?
check "an unknown option exits 2" [ $rc -eq 2 ]
ssh_exec zhangwei "$PASSWORD" "whoami 'unbalanced" >/dev/null 2>&1; rc=$?
check "unbalanced quotes exit 2" [ $rc -eq 2 ]
err=$(LANG=en_US.UTF-8 ssh_exec zhangwei "$PASSWORD" audit verify 2>&1); rc=$?
check "a command your roles do not allow exits 1" [ $rc -eq 1 ]
check "and says so" grep -q "not available to you" <<<"$err"
ssh_exec zhaomin "$PASSWORD" audit >/dev/null 2>&1; rc=$?
check "a command group without subcommand exits 2" [ $rc -eq 2 ]

# Preferences through the scripting interface are the same as in the TUI.
out=$(ssh_exec alice "$PASSWORD" prefs --theme contrast --language en --json); rc=$?
check "prefs --theme/--language saves" [ $rc -eq 0 ] && [ "$(jq -r .theme <<<"$out")" = contrast ]
out=$(LANG=zh_CN.UTF-8 ssh_exec alice "$PASSWORD" prefs --json)
check "the person's language choice beats the client's LANG" [ "$(jq -r .language <<<"$out")" = en ]
check "prefs lists the shipped themes" [ "$(jq -c .themes <<<"$out")" = '["contrast","default","mono"]' ]
ssh_exec alice "$PASSWORD" prefs --theme ../../etc/passwd >/dev/null 2>&1; rc=$?
check "a path as theme name is refused" [ $rc -eq 1 ]
ssh_exec alice "$PASSWORD" prefs --language fr >/dev/null 2>&1; rc=$?
check "an unsupported language is a usage error" [ $rc -eq 2 ]

out=$(ssh_exec chengang "$PASSWORD" audit log --limit 200 --json)
check "audit log --json is an array of entries" [ "$(jq -r '.[0] | has("hash") and has("actor")' <<<"$out")" = true ]
check "preference changes are audited" [ "$(jq '[.[] | select(.action == "prefs.update" and .actor == "alice")] | length' <<<"$out")" -ge 1 ]
ssh_exec chengang "$PASSWORD" audit log --limit abc >/dev/null 2>&1; rc=$?
check "a malformed --limit is a usage error" [ $rc -eq 2 ]

# Claim forms defined in Markdown, with their categories from the category table.
json=$(LANG=en_US.UTF-8 ssh_exec zhangwei "$PASSWORD" forms --json); rc=$?
check "forms --json exits 0" [ $rc -eq 0 ]
check "the four shipped forms are listed" [ "$(jq -c '[.forms[].form]' <<<"$json")" = '["advance","entertainment","general","travel"]' ]
check "titles follow the language" [ "$(jq -r '.forms[] | select(.form == "travel") | .title' <<<"$json")" = "Travel expenses" ]
check "travel has its trip fields in order" \
	[ "$(jq -c '[.forms[] | select(.form == "travel") | .fields[].name]' <<<"$json")" = '["purpose","from_city","to_city","dates","project"]' ]
check "category limits by rank are listed" \
	[ "$(jq -r '.forms[] | select(.form == "travel") | .categories[] | select(.code == "lodging") | .limits.manager' <<<"$json")" = "800.00" ]
check "categories carry their GL account and VAT rule" \
	[ "$(jq -r '.categories[] | select(.code == "travel.rail") | .account + " " + .vat_rule' <<<"$json")" = "660201 fare_9" ]
out=$(LANG=zh_CN.UTF-8 ssh_exec zhangwei "$PASSWORD" forms)
check "the text listing shows Chinese titles" grep -q "^travel .*差旅费报销" <<<"$out"

# The invoice register: validated, and the same invoice never twice, by anyone.
rail='{"kind":"rail","number":"25119000000012345678","date":"2026-11-01","total":"436.00","rate":"9%"}'
json=$(ssh_exec zhangwei "$PASSWORD" invoice add --json <<<"$rail"); rc=$?
check "invoice add registers a rail e-ticket" [ $rc -eq 0 ] && [ "$(jq -r .status <<<"$json")" = registered ]
check "the deductible VAT is split from the fare (436.00 at 9% = 36.00)" [ "$(jq -r .tax <<<"$json")" = "36.00" ]
err=$(LANG=en_US.UTF-8 ssh_exec alice "$PASSWORD" invoice add <<<"$rail" 2>&1 >/dev/null); rc=$?
check "the same invoice from someone else is refused (exit 1)" [ $rc -eq 1 ]
check "naming who already holds it" grep -q "already registered (#1, by zhangwei" <<<"$err"
bad='{"kind":"vat_special","code":"4400231130","number":"12345678","date":"2026-11-02","amount":"100.00","tax":"13.00","total":"113.01","rate":"13%"}'
err=$(LANG=en_US.UTF-8 ssh_exec alice "$PASSWORD" invoice add <<<"$bad" 2>&1 >/dev/null); rc=$?
check "an invoice whose amounts do not add up is refused, naming the field" \
	[ $rc -eq 1 ] && grep -q "error in .total.: amount + tax does not equal the total" <<<"$err"
err=$(LANG=en_US.UTF-8 ssh_exec alice "$PASSWORD" invoice add <<<'{"kind":"rail","number":"1","date":"2026-11-01","total":"1.234"}' 2>&1 >/dev/null)
check "a malformed amount is named with the reason" grep -q "field .total.: more than two decimals" <<<"$err"
err=$(LANG=zh_CN.UTF-8 ssh_exec alice "$PASSWORD" invoice add <<<'not json' 2>&1 >/dev/null); rc=$?
check "input that is not JSON is refused" [ $rc -eq 1 ]
check "invoice list shows only your own" [ "$(ssh_exec alice "$PASSWORD" invoice list --json | jq length)" -eq 0 ]
check "finance sees everyone's with --all" [ "$(ssh_exec wangfang "$PASSWORD" invoice list --all --json | jq -r '.[0].owner')" = zhangwei ]
ssh_exec alice "$PASSWORD" invoice list --all >/dev/null 2>&1; rc=$?
check "--all is refused to staff" [ $rc -eq 1 ]
ssh_exec bob "$PASSWORD" invoice add <<<"$rail" >/dev/null 2>&1; rc=$?
check "a person without the staff role cannot register invoices" [ $rc -eq 1 ]
# CSV import: all rows or none, with a report naming each bad row.
csv=$'发票代码,发票号码,开票日期,销方名称,金额,税额,价税合计,税率\n4400231130,00000001,2026-11-01,"某某酒店, 北京",400.00,24.00,424.00,6%\n,24442000000000000002,2026-11-02,餐厅,100.00,0.00,100.00,0\n4400231130,0000003,2026-11-03,x,1.00,0,1.00,0\n'
err=$(LANG=en_US.UTF-8 ssh_exec alice "$PASSWORD" invoice import <<<"$csv" 2>&1 >/dev/null); rc=$?
check "an import with one bad row exits 1" [ $rc -eq 1 ]
check "and names the row, its line and the reason" grep -q "row 3 (line 4): number: the invoice number has 8 digits" <<<"$err"
check "and imports nothing" [ "$(ssh_exec alice "$PASSWORD" invoice list --json | jq length)" -eq 0 ]
good=$(head -3 <<<"$csv")
out=$(ssh_exec alice "$PASSWORD" invoice import --json <<<"$good"); rc=$?
check "a clean file imports every row" [ $rc -eq 0 ] && [ "$(jq -r .invoices <<<"$out")" = 2 ]
check "quoted fields with commas survive" [ "$(ssh_exec alice "$PASSWORD" invoice list --json | jq -r '.[1].seller')" = "某某酒店, 北京" ]
out=$(LANG=en_US.UTF-8 ssh_exec zhangwei "$PASSWORD" invoice import --json <<<"$good" 2>/dev/null); rc=$?
check "importing invoices someone already holds is refused as a whole" [ $rc -eq 1 ] && [ "$(jq -r .imported <<<"$out")" = false ]
check "naming the holder" [ "$(jq -r '.problems[0].message' <<<"$out")" = "invoice 4400231130/00000001 is already registered (#2, by alice)" ]
gbk=$(sed 's/00000001/00000021/; s/24442000000000000002/24442000000000000022/' <<<"$good" | iconv -f UTF-8 -t GBK | base64 -w0)
out=$(base64 -d <<<"$gbk" | ssh_exec zhangwei "$PASSWORD" invoice import --json); rc=$?
check "a GBK file (as exported by Chinese tools) imports" [ $rc -eq 0 ] && [ "$(jq -r .invoices <<<"$out")" = 2 ]
check "with its Chinese text intact" [ "$(ssh_exec zhangwei "$PASSWORD" invoice list --json | jq -r '.[0].seller')" = 餐厅 ]
err=$(LANG=en_US.UTF-8 ssh_exec zhangwei "$PASSWORD" invoice import <<<$'a,"b' 2>&1); rc=$?
check "a broken CSV file is refused with its line" [ $rc -eq 1 ] && grep -q "not a readable CSV file: line 1" <<<"$err"

out=$(ssh_exec zhaomin "$PASSWORD" audit log --limit 100)
check "registration is audited" grep -q "invoice.add .*25119000000012345678" <<<"$out"

# stdin of the exec channel reaches the command and EOF ends it.
out=$(echo "ignored input" | ssh_exec zhangwei "$PASSWORD" whoami --json | jq -r .uid)
check "commands run with the channel's stdin attached" [ "$out" = zhangwei ]
e2e_done
