#!/usr/bin/env bash
# Expense claims end to end: a travel claim made and submitted in the
# full-screen editor, the scripting interface (create, show, list, submit,
# withdraw, delete), one invoice never backing two claims, policy findings,
# ownership, attachments (type, size, owner) and the audit trail.
. "$(dirname "$0")/lib.sh"
export STACK_EXTRA_INI='[attachments]
max_kib = 64'
e2e_start
TODAY=$(date +%F)
export LANG=en_US.UTF-8

# ---- the full-screen editor: a travel claim with two lines, submitted ----
tui_open ed zhangwei en_US.UTF-8 120 34
wait_for ed "Main menu" >/dev/null
keys ed Enter
check "My claims opens from the first menu row" wait_for ed "No claims yet. Press n to start one."
keys ed n
check "n asks which form" wait_for ed "New claim: which form\?"
keys ed 4
check "the editor shows the travel form's fields" wait_for ed "Trip purpose +\* -"
keys ed Enter "北京出差 客户拜访" Enter
keys ed j Enter "客户拜访" Enter j Enter "上海" Enter j Enter "北京" Enter
keys ed j Enter "$TODAY..$TODAY" Enter
check "header values show as typed, CJK included" wait_for ed "Claim title +\* 北京出差 客户拜访"
check "an empty claim is flagged inline" wait_for ed "a claim needs at least one line"
# line 1: rail ticket 436.00 with its e-ticket (20-digit number, kind rail)
keys ed a
check "a line starts with the form's categories and limits" wait_for ed "Lodging +lodging +limit 500.00"
keys ed 2 C-u "$TODAY" Enter 436.00 Enter "G2 上海-北京" Enter
check "a line above 200.00 without invoice is flagged" wait_for ed "line 1 invoice: an invoice is required above 200.00"
keys ed i 26110000000000000011 Enter Enter Enter
wait_for ed "Invoice kind" >/dev/null
keys ed 5
check "the rail fare's 9% input VAT is deducted (436.00 -> 36.00)" wait_for ed " 1 Rail fare +$TODAY +436.00 +36.00 26110000000000000011"
# line 2: lodging above the staff limit, then corrected
keys ed a 4 Enter 600.00 Enter "汉庭酒店 一晚" Enter
check "lodging above the staff limit blocks (600.00 > 500.00)" wait_for ed "line 2 amount: Lodging 600.00 is above the limit of 500.00 for your rank"
keys ed Enter Enter Enter C-u 480.00 Enter Enter
keys ed i 12345601 Enter 3100231130 Enter Enter Enter 1 27.17 Enter
check "the hotel's VAT special invoice deducts its tax" wait_for ed " 2 Lodging +$TODAY +480.00 +27.17 3100231130/12345601"
check "totals add up with deductible tax" wait_for ed "Total ¥916.00  deductible ¥63.17"
check "nothing blocks any more" wait_for ed "Checks: 0 blocking"
keys ed S
check "submit asks to confirm, listing the findings" wait_for ed "Submit BX[0-9]{6}-0001, total ¥916.00\?"
keys ed y
check "the claim is submitted" wait_for ed "Submitted BX[0-9]{6}-0001"
check "and opens read-only" wait_for ed "\[submitted\]"
keys ed a
check "a submitted claim cannot be edited" wait_for ed "withdraw it \(w\) to change it"
keys ed q
check "the list shows it submitted, waiting for the manager by name" wait_for ed "BX[0-9]{6}-0001 Travel expe… +北京出差 客户拜访 +916.00 submitted +0d +Manager: 李梅"
keys ed f 2
check "the status filter hides other statuses" wait_for ed "No claim matches the filter"
keys ed f 3
check "and shows the chosen one" wait_for ed "1 claim\(s\), total ¥916.00  status: submitted"
keys ed q q
check "the session ends cleanly" wait_for ed "EXIT=0"
json=$(ssh_exec zhangwei "$PASSWORD" claim list --json)
NUM=$(jq -r '.[0].number' <<<"$json")
check "the TUI claim is stored, submitted, with total 916.00" [ "$(jq -r '.[0].status + " " + .[0].total' <<<"$json")" = "submitted 916.00" ]

# ---- a Markdown justification: the multi-line editor and its preview ----
tui_open md zhangwei en_US.UTF-8 100 30
wait_for md "Main menu" >/dev/null
keys md Enter n 3
check "the general form has a Markdown field" wait_for md "Justification +-"
keys md j j j Enter
check "a Markdown field opens the multi-line editor" wait_for md "Ctrl-D done, Esc cancel"
keys md "## 说明" Enter Enter "- **打印纸** 10 包" Enter "- 墨盒" C-d
check "the field shows its first line and how many lines it has" wait_for md "Justification +## 说明 …\(4\)"
keys md p
check "p previews it rendered: the list item without its Markdown" wait_for md "• 打印纸 10 包"
keys md p q
check "leaving with unsaved changes asks first" wait_for md "This claim has unsaved changes"
keys md 2
check "and discarding leaves nothing behind" wait_for md "1 claim\(s\), total ¥916.00"
keys md q q

# ---- the scripting interface ----
claim_json() { # TITLE CATEGORY AMOUNT NUMBER [DATES]
	cat <<-EOF
	{"form": "travel", "title": "$1", "fields": {"purpose": "培训", "from_city": "上海", "to_city": "杭州",
	 "dates": "${5:-$TODAY..$TODAY}"},
	 "lines": [{"category": "$2", "date": "$TODAY", "amount": "$3", "description": "车票",
	            "invoice": {"kind": "rail", "number": "$4", "date": "$TODAY", "total": "$3"}}]}
	EOF
}
out=$(claim_json "杭州培训" travel.rail 436.00 26110000000000000099 | ssh_exec limei "$PASSWORD" claim create --json); rc=$?
check "claim create exits 0" [ $rc -eq 0 ]
check "and prints the draft with id, number, status and total" \
	[ "$(jq -r '(.id|type) + " " + .status + " " + .total' <<<"$out")" = "number draft 436.00" ]
check "each line carries its deductible tax" [ "$(jq -r '.lines[0].deductible' <<<"$out")" = 36.00 ]
LM=$(jq -r .number <<<"$out")

err=$(claim_json "重复" travel.rail 436.00 26110000000000000011 | ssh_exec wangfang "$PASSWORD" claim create 2>&1); rc=$?
check "an invoice already on someone's claim is refused (exit 1)" [ $rc -eq 1 ]
check "naming the claim that holds it" grep -q "already on claim $NUM" <<<"$err"
check "and nothing is created" [ "$(ssh_exec wangfang "$PASSWORD" claim list --json | jq length)" -eq 0 ]
check "the invoice register shows the claim each invoice backs" \
	[ "$(ssh_exec zhangwei "$PASSWORD" invoice list --json | jq -r '.[] | select(.key == "26110000000000000011") | .claim')" = "$NUM" ]
err=$(ssh_exec wangfang "$PASSWORD" invoice add <<<'{"number":"26110000000000000011","date":"'"$TODAY"'","total":"436.00"}' 2>&1); rc=$?
check "registering that invoice again is refused too, with the claim number" \
	[ $rc -eq 1 ] && grep -q "already on claim $NUM" <<<"$err"

err=$(claim_json "坏金额" travel.rail 43.6.0 26110000000000000098 | ssh_exec limei "$PASSWORD" claim create 2>&1); rc=$?
check "a malformed amount: exit 1 naming the field" [ $rc -eq 1 ] && grep -q "lines\[0\]\.amount" <<<"$err"
err=$(claim_json "坏类别" meals.fancy 10.00 26110000000000000097 | ssh_exec limei "$PASSWORD" claim create 2>&1); rc=$?
check "a category the form does not allow: exit 1 naming it" [ $rc -eq 1 ] && grep -q "category meals.fancy is not allowed" <<<"$err"
err=$(ssh_exec limei "$PASSWORD" claim create <<<'{"form": "nope", "title": "x", "lines": []}' 2>&1); rc=$?
check "an unknown form: exit 1 naming it" [ $rc -eq 1 ] && grep -q "no claim form \`nope\`" <<<"$err"
err=$(ssh_exec limei "$PASSWORD" claim create <<<'{"form": "travel", "title": "x", "fields": {"purpose": "p", "from_city": "a", "to_city": "b"}, "lines": [{"category": "taxi", "date": "'"$TODAY"'", "amount": "20.00"}]}' 2>&1); rc=$?
check "a missing required field: exit 1 naming it" [ $rc -eq 1 ] && grep -q "dates: Dates is required" <<<"$err"
check "none of the bad claims was created" [ "$(ssh_exec limei "$PASSWORD" claim list --json | jq length)" -eq 1 ]

out=$(ssh_exec limei "$PASSWORD" claim show "$LM"); rc=$?
check "claim show prints the claim with its lines" [ $rc -eq 0 ] && grep -q "travel.rail .* 436.00 .* 36.00 26110000000000000099" <<<"$out"
err=$(ssh_exec zhangwei "$PASSWORD" claim show "$LM" 2>&1); rc=$?
check "staff cannot see someone else's claim" [ $rc -eq 1 ] && grep -q "is not yours" <<<"$err"
out=$(ssh_exec wangfang "$PASSWORD" claim show "$LM" --json); rc=$?
check "finance can see anyone's claim" [ $rc -eq 0 ] && [ "$(jq -r .owner <<<"$out")" = limei ]
err=$(ssh_exec zhangwei "$PASSWORD" claim submit "$LM" 2>&1); rc=$?
check "nobody submits someone else's claim" [ $rc -eq 1 ] && grep -q "is not yours" <<<"$err"

# policy: overlapping trip and a same-amount-same-day line are warnings
out=$(claim_json "杭州培训 第二次" travel.rail 436.00 26110000000000000096 | ssh_exec limei "$PASSWORD" claim create --json)
L2=$(jq -r .number <<<"$out")
check "overlapping trip dates are found and name the other claim" \
	[ "$(jq -r '[.findings[] | select(.rule == "overlap")][0].message' <<<"$out")" != null ] && grep -q "$LM" <<<"$(jq -r '.findings[].message' <<<"$out")"
check "so is a line of the same amount on the same day" [ "$(jq '[.findings[] | select(.rule == "duplicate" and .level == "warn")] | length' <<<"$out")" -eq 1 ]
out=$(ssh_exec limei "$PASSWORD" claim submit "$L2" --json); rc=$?
check "warnings do not block submission; they are stored with the claim" \
	[ $rc -eq 0 ] && [ "$(jq -r .status <<<"$out")" = submitted ] && [ "$(jq '.findings | length' <<<"$out")" -ge 2 ]

# policy: lodging above the staff limit blocks submission (a draft may still hold it)
out=$(ssh_exec limei "$PASSWORD" claim create --json <<<'{"form": "travel", "title": "住宿超标", "fields": {"purpose": "p", "from_city": "a", "to_city": "b", "dates": "2026-01-01..2026-01-02"}, "lines": [{"category": "lodging", "date": "'"$TODAY"'", "amount": "190.00"}]}')
L3=$(jq -r .number <<<"$out")
check "a manager's lodging of 190.00 is within the limit" [ "$(jq '[.findings[] | select(.rule == "limit")] | length' <<<"$out")" -eq 0 ]
out=$(ssh_exec zhaomin "$PASSWORD" claim create --json <<<'{"form": "travel", "title": "住宿超标", "fields": {"purpose": "p", "from_city": "a", "to_city": "b", "dates": "2026-02-01..2026-02-02"}, "lines": [{"category": "lodging", "date": "'"$TODAY"'", "amount": "199.00"}, {"category": "meals", "date": "'"$TODAY"'", "amount": "180.00"}]}') ; rc=$?
ZM=$(jq -r .number <<<"$out")
check "a draft may hold findings that block (meals 180.00 > 150.00)" [ $rc -eq 0 ] && [ "$(jq '[.findings[] | select(.level == "block")] | length' <<<"$out")" -eq 1 ]
err=$(ssh_exec zhaomin "$PASSWORD" claim submit "$ZM" 2>&1); rc=$?
check "but submit refuses it, listing the finding" [ $rc -eq 1 ] && grep -q "\[block\] line 2 amount: Meals 180.00 is above the limit of 150.00" <<<"$err"
check "and it stays a draft" [ "$(ssh_exec zhaomin "$PASSWORD" claim list --status draft --json | jq length)" -eq 1 ]

# lifecycle: withdraw and delete
out=$(ssh_exec limei "$PASSWORD" claim withdraw "$L2"); rc=$?
check "the claimant withdraws a submitted claim back to draft" [ $rc -eq 0 ] && grep -q "Withdrew $L2" <<<"$out"
err=$(ssh_exec limei "$PASSWORD" claim withdraw "$L2" 2>&1); rc=$?
check "a draft cannot be withdrawn" [ $rc -eq 1 ] && grep -q "only a submitted claim can be withdrawn" <<<"$err"
check "claim list --status filters" [ "$(ssh_exec limei "$PASSWORD" claim list --status draft --json | jq -r 'map(.number) | sort | join(" ")')" = "$(printf '%s\n' "$LM" "$L2" "$L3" | sort | xargs)" ]
err=$(ssh_exec limei "$PASSWORD" claim list --status lost 2>&1); rc=$?
check "an unknown status is a usage error (exit 2)" [ $rc -eq 2 ]
out=$(ssh_exec limei "$PASSWORD" claim delete "$L3"); rc=$?
check "a draft can be deleted" [ $rc -eq 0 ] && [ "$(ssh_exec limei "$PASSWORD" claim list --json | jq length)" -eq 2 ]

# ---- attachments ----
{ printf '%%PDF-1.4\n'; head -c 2000 /dev/urandom; } >"$E2E_DIR/receipt.pdf"
out=$(ssh_exec limei "$PASSWORD" attach "$LM" receipt.pdf --line 1 --json <"$E2E_DIR/receipt.pdf"); rc=$?
sha=$(sha256sum "$E2E_DIR/receipt.pdf" | cut -d' ' -f1)
check "a PDF attaches to a line" [ $rc -eq 0 ] && [ "$(jq -r .sha256 <<<"$out")" = "$sha" ]
check "stored once under its SHA-256, readable only by the server" \
	[ "$(stat -c %a "$E2E_DIR/stack/data/attachments/${sha:0:2}/$sha")" = 600 ]
check "the claim shows its attachment" [ "$(ssh_exec limei "$PASSWORD" claim show "$LM" --json | jq -r '.attachments[0].name + " " + (.lines[0].attachments|tostring)')" = "receipt.pdf 1" ]
head -c 70000 /dev/zero | sed 's/^/%PDF-1.4\n/' >"$E2E_DIR/big.pdf"
err=$(ssh_exec limei "$PASSWORD" attach "$LM" big.pdf <"$E2E_DIR/big.pdf" 2>&1); rc=$?
check "an oversized attachment is refused (limit 64 KiB)" [ $rc -eq 1 ] && grep -q "larger than the limit of 64 KiB; nothing stored" <<<"$err"
err=$(ssh_exec limei "$PASSWORD" attach "$LM" receipt.png <"$E2E_DIR/receipt.pdf" 2>&1); rc=$?
check "content that does not match its name is refused" [ $rc -eq 1 ] && grep -q "does not match its type" <<<"$err"
err=$(echo 'MZ' | ssh_exec limei "$PASSWORD" attach "$LM" tool.exe 2>&1); rc=$?
check "other types are refused" [ $rc -eq 1 ] && grep -q "only pdf, jpg, png, ofd and xml" <<<"$err"
err=$(ssh_exec zhangwei "$PASSWORD" attach "$LM" receipt.pdf <"$E2E_DIR/receipt.pdf" 2>&1); rc=$?
check "nobody attaches to someone else's claim" [ $rc -eq 1 ] && grep -q "is not yours" <<<"$err"
err=$(ssh_exec limei "$PASSWORD" attach BX190001-0001 receipt.pdf <"$E2E_DIR/receipt.pdf" 2>&1); rc=$?
check "an unknown claim is refused" [ $rc -eq 1 ] && grep -q "there is no claim BX190001-0001" <<<"$err"
check "none of the refused files left anything behind" \
	[ "$(find "$E2E_DIR/stack/data/attachments" -type f | wc -l)" -eq 1 ]

# ---- Chinese output and the audit trail ----
out=$(LANG=zh_CN.UTF-8 ssh_exec limei "$PASSWORD" claim list)
check "claim list speaks Chinese for a Chinese client" grep -q "$LM .*草稿" <<<"$out"
log=$(ssh_exec zhaomin "$PASSWORD" audit log --limit 200 --json)
check "every transition is audited" [ "$(jq '[.[] | select(.action == "claim.submit" or .action == "claim.withdraw" or .action == "claim.create" or .action == "claim.delete" or .action == "attachment.add")] | length' <<<"$log")" -ge 9 ]
check "and the chain still verifies" ssh_exec zhaomin "$PASSWORD" audit verify
exit $((FAILS > 0))
