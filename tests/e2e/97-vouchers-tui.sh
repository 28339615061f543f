#!/usr/bin/env bash
# The "Vouchers & payments" screen end to end: finance runs the exporter
# and reads a batch's vouchers, pays the exported claims under a bank
# reference, reconciles a pasted bank statement and sees the advances;
# auditors see it all read only; staff have no such menu row; the screen
# fits 80x24 in Chinese.
. "$(dirname "$0")/lib.sh"
e2e_start
TODAY=$(date +%F)
MONTH=${TODAY:0:7}
export LANG=en_US.UTF-8

# small general claims are approved at once on submit (200.00 and clean)
small_claim() { # AMOUNT N
	ssh_exec zhangwei "$PASSWORD" claim create --json <<-EOF | jq -r .number
	{"form": "general", "title": "办公用品 $2", "fields": {"purpose": "采购"},
	 "lines": [{"category": "office", "date": "$TODAY", "amount": "$1", "description": "纸",
	            "invoice": {"kind": "digital", "number": "2611000000000000970$2", "date": "$TODAY", "total": "$1"}}]}
	EOF
}
S1=$(small_claim 120.00 1)
S2=$(small_claim 80.50 2)
for c in "$S1" "$S2"; do ssh_exec zhangwei "$PASSWORD" claim submit "$c" >/dev/null; done
check "two small claims are approved" \
	[ "$(ssh_exec wangfang "$PASSWORD" claim list --all --status approved --json | jq length)" -eq 2 ]
status_of() { ssh_exec zhangwei "$PASSWORD" claim show "$1" --json | jq -r .status; }

# ---- batches: finance runs the exporter and reads the vouchers ----
tui_open vp wangfang en_US.UTF-8 100 30
wait_for vp "Main menu" >/dev/null
check "finance's menu has a Vouchers & payments row" wait_for vp "Vouchers & payments +Export batches, payments"
keys vp G k k k Enter
check "the screen opens on the batches view" wait_for vp "No batch yet"
keys vp x
check "x runs the exporter and says what it did" \
	wait_for vp "Exported 2 voucher\(s\) in 1 batch\(es\), [0-9]+ file\(s\) written"
check "the batch row appears with its voucher numbers" wait_for vp " 1 +[0-9-]+ [0-9:]+ +2 +$MONTH 记-0001 \.\. 记-0002"
check "the claims are exported" [ "$(status_of "$S1") $(status_of "$S2")" = "exported exported" ]
keys vp Enter
check "Enter shows the batch's vouchers" wait_for vp "Batch 1, .*2 voucher\(s\)"
check "with a line booked to 660203" wait_for vp "660203 +管理费用—办公费 +120.00"
keys vp q
keys vp R
check "R writes the batch again and shows the checksums" wait_for vp "sha256 [0-9a-f]{64}"
keys vp q

# ---- payments ----
keys vp Tab
check "Tab shows the payments view" wait_for vp "No payment yet"
keys vp p
check "p lists the exported claims and asks first" wait_for vp "Pay these 2 claim\(s\), ¥200.50 in all\?"
check "naming them" wait_for vp "$S1 +zhangwei +120.00"
keys vp y
wait_for vp "Bank reference:" >/dev/null
keys vp "ICBC-TUI-01" Enter
check "then asks for the date, today filled in" wait_for vp "Payment date \(YYYY-MM-DD\): $TODAY"
keys vp Enter
check "the payment is confirmed" wait_for vp "Payment PAY-000001: 2 claim\(s\), 200.50, reference ICBC-TUI-01"
check "and its row appears, open" wait_for vp "PAY-000001 +$TODAY +ICBC-TUI-01 +200.50 +2 +- +open"
check "the claims are paid" [ "$(status_of "$S1") $(status_of "$S2")" = "paid paid" ]

keys vp c
check "c opens a statement editor with the header filled in" wait_for vp "date,amount,reference"
keys vp "$TODAY,-200.50,代发报销 ICBC-TUI-01" Enter "$TODAY,-99.00,房租" C-d
check "the reconciliation counts the lines matched" wait_for vp "1 of 2 statement line\(s\) matched"
check "and lists the line that matched nothing" wait_for vp "not matched: row 2 .*99.00 房租"
keys vp q
check "the payment shows reconciled" wait_for vp "PAY-000001 .* reconciled"
check "as payment list does" \
	[ "$(ssh_exec wangfang "$PASSWORD" payment list --json | jq -r '.[0].reconciled_at != ""')" = true ]

# ---- advances ----
keys vp Tab
check "Tab shows the advances view" wait_for vp "Employee +Advanced +Claimed +Returned +Open"
check "with no advances yet" wait_for vp "No advances\."
keys vp r
wait_for vp "Repayment by \(user name\):" >/dev/null
keys vp zhangwei Enter 10 Enter REF-ADV-1 Enter
check "a repayment beyond what is open shows the service's refusal" \
	wait_for vp "zhangwei has 0.00 of advances open; a repayment cannot be more"
keys vp q q

# ---- auditors read it; staff do not see it ----
tui_open au zhaomin en_US.UTF-8 100 30
wait_for au "Main menu" >/dev/null
keys au G k k k Enter
check "an auditor opens the screen and sees the batch" wait_for au " 1 +[0-9-]+ [0-9:]+ +2 +$MONTH 记-0001"
check "marked read only" wait_for au "\(read only\)"
keys au x
check "but x says only finance and admins" wait_for au "Only finance and admins can do this\."
keys au Tab p
check "and so does p" wait_for au "Only finance and admins can do this\."
keys au q q

tui_open sf zhangwei en_US.UTF-8 100 30
check "staff's menu" wait_for sf "Main menu"
check "has no Vouchers & payments row" lacks "Vouchers" "$(screen_of sf)"
keys sf q

# ---- 80x24 in Chinese ----
tui_open zh wangfang zh_CN.UTF-8 80 24
wait_for zh "主菜单" >/dev/null
keys zh G k k k Enter
wait_for zh "$MONTH 记-0001" >/dev/null
keys zh Tab
check "the payments view opens at 80x24" wait_for zh "PAY-000001 +$TODAY +ICBC-TUI-01 +200.50"
check "nothing is wider than the 80-column terminal: every row ends at the frame" \
	[ "$(screen_of zh | wc -L)" -le 80 ] && [ "$(screen_of zh | sed -n '3,22p' | grep -cv '│$')" -eq 0 ]
keys zh q q

check "the audit chain verifies" ssh_exec zhaomin "$PASSWORD" audit verify
exit $((FAILS > 0))
