#!/usr/bin/env bash
# The voucher exporter end to end: approved claims (one with deductible
# rail VAT and non-deductible meals) become balanced vouchers in one batch,
# written in every configured format to the outbox, numbered without gaps,
# with the voucher number back on the claim; a second run finds nothing;
# replay writes the same bytes; the exporter runs from the host too.
. "$(dirname "$0")/lib.sh"
e2e_start
TODAY=$(date +%F)
MONTH=${TODAY:0:7}
OUTBOX="$E2E_DIR/stack/data/outbox"
export LANG=en_US.UTF-8

# small general claims are approved at once (standard workflow: 200.00 and clean)
small_claim() { # AMOUNT N
	ssh_exec zhangwei "$PASSWORD" claim create --json <<-EOF | jq -r .number
	{"form": "general", "title": "办公用品 $2", "fields": {"purpose": "采购"},
	 "lines": [{"category": "office", "date": "$TODAY", "amount": "$1", "description": "纸",
	            "invoice": {"kind": "digital", "number": "2611000000000000900$2", "date": "$TODAY", "total": "$1"}}]}
	EOF
}

out=$(ssh_exec zhangwei "$PASSWORD" claim create --json <<-EOF
{"form": "travel", "title": "北京出差 客户拜访", "fields": {"purpose": "客户拜访", "from_city": "上海", "to_city": "北京",
 "dates": "$TODAY..$TODAY"},
 "lines": [{"category": "travel.rail", "date": "$TODAY", "amount": "436.00", "description": "G2 上海-北京",
            "invoice": {"kind": "rail", "number": "26110000000000000011", "date": "$TODAY", "total": "436.00"}},
           {"category": "meals", "date": "$TODAY", "amount": "80.00", "description": "午餐"}]}
EOF
)
T1=$(jq -r .number <<<"$out")
ssh_exec zhangwei "$PASSWORD" claim submit "$T1" >/dev/null
ssh_exec limei "$PASSWORD" approve "$T1" >/dev/null
ssh_exec wangfang "$PASSWORD" approve "$T1" >/dev/null
S1=$(small_claim 120.00 1)
S2=$(small_claim 130.50 2)
S3=$(small_claim 0.01 3)
for c in "$S1" "$S2" "$S3"; do ssh_exec zhangwei "$PASSWORD" claim submit "$c" >/dev/null; done
check "four claims are approved" \
	[ "$(ssh_exec wangfang "$PASSWORD" claim list --all --status approved --json | jq length)" -eq 4 ]

err=$(ssh_exec zhangwei "$PASSWORD" export run 2>&1); rc=$?
check "staff cannot run the exporter" [ $rc -eq 1 ] && grep -q "not available to you" <<<"$err"
out=$(ssh_exec wangfang "$PASSWORD" export run --json); rc=$?
check "finance runs it: one batch of four vouchers" \
	[ $rc -eq 0 ] && [ "$(jq -r '"\(.batches) \(.vouchers)"' <<<"$out")" = "1 4" ]
nformats=$(tr ',' '\n' <<<"${STACK_EXPORT_FORMATS:-kingdee,yonyou,sap,oracle,beancount,jsonl}" | grep -c .)
check "one file per configured format ($nformats)" [ "$(jq -r .files <<<"$out")" -eq "$nformats" ]
for f in kingdee yonyou sap oracle beancount jsonl; do
	check "the $f file is in its outbox, private" \
		bash -c "[ \"\$(stat -c %a $OUTBOX/$f/batch-000001.* 2>/dev/null)\" = 600 ]"
done
check "no temporary file is left in the outbox" [ -z "$(find "$OUTBOX" -name '.tmp-*')" ]

out=$(ssh_exec zhangwei "$PASSWORD" claim show "$T1" --json)
check "the claim is exported, its voucher number written back" \
	[ "$(jq -r '.status + " " + .voucher' <<<"$out")" = "exported $MONTH 记-0001" ]
check "and the claimant sees it in text too" grep -q "Voucher: $MONTH 记-0001" <<<"$(ssh_exec zhangwei "$PASSWORD" claim show "$T1")"
check "numbers run without gaps, in claim order" \
	[ "$(ssh_exec wangfang "$PASSWORD" claim list --all --json | jq -r '[.[] | .voucher] | sort | join(",")')" = "$MONTH 记-0001,$MONTH 记-0002,$MONTH 记-0003,$MONTH 记-0004" ]

J="$OUTBOX/jsonl/batch-000001.jsonl"
check "every voucher balances (debits = credits)" \
	[ "$(jq -s '[.[] | ([.lines[] | .debit | tonumber] | add) - ([.lines[] | .credit | tonumber] | add) | fabs] | max' "$J")" = 0 ]
t1=$(jq -c --arg c "$T1" 'select(.claim == $c)' "$J")
check "rail fare less its 9% VAT plus meals in full go to 660201 (400.00 + 80.00)" \
	[ "$(jq -r '.lines[] | select(.account == "660201") | .debit' <<<"$t1")" = 480.00 ]
check "the rail ticket's 36.00 goes to input VAT" [ "$(jq -r '.lines[] | select(.account == "22210101") | .debit' <<<"$t1")" = 36.00 ]
check "the employee is owed 516.00 (other payables)" [ "$(jq -r '.lines[] | select(.account == "2241") | .credit' <<<"$t1")" = 516.00 ]

Y="$OUTBOX/yonyou/batch-000001.txt"
check "the Yonyou file is GBK and starts with its header" \
	[ "$(iconv -f GBK -t UTF-8 "$Y" | head -1 | tr -d '\r')" = "填制凭证,V800" ]
check "with the 摘要 in Chinese" iconv -f GBK -t UTF-8 "$Y" | grep -q "报销 $T1"
check "the Kingdee file is an xlsx workbook" [ "$(head -c 2 "$OUTBOX"/kingdee/batch-000001.xlsx)" = PK ]
check "the SAP file's amounts of each document sum to zero" \
	[ "$(grep -a CURRENCYAMOUNT "$OUTBOX"/sap/batch-000001.txt | wc -l)" -ge 8 ]

out=$(ssh_exec wangfang "$PASSWORD" export list --json)
check "export list shows the batch with its numbers and files" \
	[ "$(jq -r '.[0] | "\(.batch) \(.vouchers) \(.first) \(.last)"' <<<"$out")" = "1 4 $MONTH 记-0001 $MONTH 记-0004" ]
out=$(ssh_exec zhaomin "$PASSWORD" export show 1 --json); rc=$?
check "auditors may read a batch's vouchers" [ $rc -eq 0 ] && [ "$(jq '.vouchers | length' <<<"$out")" -eq 4 ]

cp "$Y" "$E2E_DIR/first.txt"
cp "$J" "$E2E_DIR/first.jsonl"
rm "$Y"
out=$(ssh_exec wangfang "$PASSWORD" export replay 1 --format yonyou); rc=$?
check "export replay writes a batch again" [ $rc -eq 0 ] && grep -q "sha256 $(sha256sum "$E2E_DIR/first.txt" | cut -c1-64)" <<<"$out"
check "byte for byte the same" cmp -s "$Y" "$E2E_DIR/first.txt"
ssh_exec wangfang "$PASSWORD" export replay 1 --format jsonl >/dev/null
check "in every format" cmp -s "$J" "$E2E_DIR/first.jsonl"
err=$(ssh_exec wangfang "$PASSWORD" export replay 99 2>&1); rc=$?
check "an unknown batch is refused" [ $rc -eq 1 ]

out=$(ssh_exec wangfang "$PASSWORD" export run --json)
check "a second run finds nothing to export" [ "$(jq -r '"\(.batches) \(.vouchers) \(.files)"' <<<"$out")" = "0 0 0" ]

S4=$(small_claim 99.99 4)
ssh_exec zhangwei "$PASSWORD" claim submit "$S4" >/dev/null
out=$("$BURSAR" export --once --config "$E2E_DIR/stack/bursar.ini"); rc=$?
check "bursar export --once on the host exports the new claim" [ $rc -eq 0 ] && grep -q "^1 voucher(s) in 1 batch(es)" <<<"$out"
check "numbered on without a gap" \
	[ "$(ssh_exec zhangwei "$PASSWORD" claim show "$S4" --json | jq -r .voucher)" = "$MONTH 记-0005" ]
# ---- payments and the bank statement ----
err=$(ssh_exec zhangwei "$PASSWORD" payment create --ref X1 "$S1" 2>&1); rc=$?
check "staff cannot pay claims" [ $rc -eq 1 ]
out=$(ssh_exec wangfang "$PASSWORD" payment create --ref ICBC-20261125-01 "$T1" "$S1" --json); rc=$?
check "finance pays two exported claims in one batch" [ $rc -eq 0 ] && [ "$(jq -r .total <<<"$out")" = 636.00 ]
check "the claim shows paid, with the payment and its bank reference" \
	[ "$(ssh_exec zhangwei "$PASSWORD" claim show "$T1" --json | jq -r '.status + " " + .payment')" = "paid PAY-000001 ICBC-20261125-01" ]
err=$(ssh_exec wangfang "$PASSWORD" payment create --ref ICBC-20261125-09 "$S2" "$S1" 2>&1); rc=$?
check "a claim is paid once: the whole payment is refused" [ $rc -eq 1 ] && grep -q "$S1 cannot be paid: it is paid" <<<"$err"
check "and nothing of it stays" [ "$(ssh_exec zhangwei "$PASSWORD" claim show "$S2" --json | jq -r .status)" = exported ]
err=$(ssh_exec wangfang "$PASSWORD" payment create --ref ICBC-20261125-01 "$S2" 2>&1); rc=$?
check "a bank reference is used once" [ $rc -eq 1 ] && grep -q "was used for another payment" <<<"$err"
ssh_exec wangfang "$PASSWORD" payment create --ref ICBC-20261125-02 "$S2" >/dev/null
ssh_exec wangfang "$PASSWORD" payment create --ref ICBC-20261125-03 --all >/dev/null
check "--all pays every exported claim left" \
	[ "$(ssh_exec wangfang "$PASSWORD" claim list --all --status exported --json | jq length)" -eq 0 ]
out=$(ssh_exec wangfang "$PASSWORD" export run --json)
check "the next export makes the three payment vouchers" [ "$(jq -r .vouchers <<<"$out")" -eq 3 ]
P=$(ls "$OUTBOX"/jsonl/batch-*.jsonl | sort | tail -1)
pv=$(jq -c 'select(.claim == "ICBC-20261125-01")' "$P")
check "a payment voucher: other payables to the employees, bank for the total" \
	[ "$(jq -r '[.lines[] | select(.account == "2241") | .debit] | join(",")' <<<"$pv")" = "516.00,120.00" ] && \
	[ "$(jq -r '.lines[] | select(.account == "1002") | .credit' <<<"$pv")" = 636.00 ]
check "payment list shows each payment's voucher" \
	[ "$(ssh_exec wangfang "$PASSWORD" payment list --json | jq '[.[] | select(.voucher != "")] | length')" -eq 3 ]
printf '日期,金额,摘要\n%s,-636.00,代发报销 ICBC-20261125-01\n%s,-130.50,报销 %s\n%s,-99.00,房租\n' \
	"$TODAY" "$TODAY" "$S2" "$TODAY" >"$E2E_DIR/statement.csv"
out=$(ssh_exec wangfang "$PASSWORD" reconcile --json <"$E2E_DIR/statement.csv"); rc=$?
check "a statement line matches a batch by total and reference, another a single payment by amount and claim" \
	[ $rc -eq 0 ] && [ "$(jq -r .matched <<<"$out")" -eq 2 ]
check "the line that matches nothing is reported" [ "$(jq -r '[.statement[] | select(.matched | not) | .row] | join(",")' <<<"$out")" = 3 ]
check "and so is the payment the statement does not show" \
	[ "$(jq -r '[.unmatched_payments[] | .ref] | join(",")' <<<"$out")" = ICBC-20261125-03 ]
out=$(ssh_exec wangfang "$PASSWORD" reconcile --json <"$E2E_DIR/statement.csv")
check "reconciling the same statement again matches nothing twice" [ "$(jq -r .matched <<<"$out")" -eq 0 ]

# ---- advances ----
alice_claim() { # FORM CATEGORY AMOUNT N
	local inv=""
	[ "$2" = advance ] || inv=', "invoice": {"kind": "digital", "number": "2611000000000000800'"$4"'", "date": "'"$TODAY"'", "total": "'"$3"'"}'
	ssh_exec alice "$PASSWORD" claim create --json <<-EOF | jq -r .number
	{"form": "$1", "title": "借款测试 $4", "fields": {"purpose": "出差"},
	 "lines": [{"category": "$2", "date": "$TODAY", "amount": "$3", "description": "第 $4 笔"$inv}]}
	EOF
}
approve_all() { # CLAIM
	ssh_exec alice "$PASSWORD" claim submit "$1" >/dev/null
	ssh_exec limei "$PASSWORD" approve "$1" >/dev/null
	ssh_exec wangfang "$PASSWORD" approve "$1" >/dev/null
}
A1=$(alice_claim advance advance 1000.00 1)
check "an advance request needs no invoice" \
	[ "$(ssh_exec alice "$PASSWORD" claim show "$A1" --json | jq '[.findings[] | select(.level == "block")] | length')" -eq 0 ]
approve_all "$A1"
ssh_exec wangfang "$PASSWORD" export run >/dev/null
P=$(ls "$OUTBOX"/jsonl/batch-*.jsonl | sort | tail -1)
av=$(jq -c --arg c "$A1" 'select(.claim == $c)' "$P")
check "the advance's voucher: other receivables from the employee, owed to them until paid" \
	[ "$(jq -r '.lines[] | select(.account == "1221") | .debit + " " + .employee' <<<"$av")" = "1000.00 alice" ] && \
	[ "$(jq -r '.lines[] | select(.account == "2241") | .credit' <<<"$av")" = 1000.00 ]
ssh_exec wangfang "$PASSWORD" payment create --ref ADV-0001 "$A1" >/dev/null
check "once booked, the advance is open for the employee" \
	[ "$(ssh_exec alice "$PASSWORD" advance list --json | jq -r '.[0] | .advanced + " " + .open')" = "1000.00 1000.00" ]
C1=$(alice_claim general office 300.00 2)
approve_all "$C1"
ssh_exec wangfang "$PASSWORD" export run >/dev/null
P=$(ls "$OUTBOX"/jsonl/batch-*.jsonl | sort | tail -1)
cv=$(jq -c --arg c "$C1" 'select(.claim == $c)' "$P")
check "a claim settles the open advance first: other receivables credited, nothing owed" \
	[ "$(jq -r '[.lines[] | select(.credit != "0.00") | .account + " " + .credit] | join(",")' <<<"$cv")" = "1221 300.00" ]
check "and it is paid: settled by the advance" \
	[ "$(ssh_exec alice "$PASSWORD" claim show "$C1" --json | jq -r '.status + " " + .payment')" = "paid advance" ]
out=$(ssh_exec wangfang "$PASSWORD" advance repay alice 100.00 --ref RET-0001 --json); rc=$?
check "finance records a repayment" [ $rc -eq 0 ] && [ "$(jq -r .open <<<"$out")" = 600.00 ]
C2=$(alice_claim general office 900.00 3)
approve_all "$C2"
ssh_exec wangfang "$PASSWORD" export run >/dev/null
P=$(ls "$OUTBOX"/jsonl/batch-*.jsonl | sort | tail -1)
cv=$(jq -c --arg c "$C2" 'select(.claim == $c)' "$P")
check "a claim larger than what is open: the advance for the open part, the rest owed" \
	[ "$(jq -r '[.lines[] | select(.credit != "0.00") | .account + " " + .credit] | sort | join(",")' <<<"$cv")" = "1221 600.00,2241 300.00" ]
rv=$(jq -c 'select(.claim == "RET-0001")' "$P")
check "the repayment's voucher: bank debited, the employee's advance credited" \
	[ "$(jq -r '[.lines[] | .account + " " + .debit + " " + .credit] | join(",")' <<<"$rv")" = "1002 100.00 0.00,1221 0.00 100.00" ]
out=$(ssh_exec wangfang "$PASSWORD" payment create --ref ICBC-20261125-10 "$C2" --json)
check "only what the advance left is paid" [ "$(jq -r .total <<<"$out")" = 300.00 ]
check "claimed + returned = advanced: nothing open" \
	[ "$(ssh_exec wangfang "$PASSWORD" advance list --json | jq -r '.[] | select(.employee == "alice") | .claimed + " " + .returned + " " + .open')" = "900.00 100.00 0.00" ]
err=$(ssh_exec wangfang "$PASSWORD" advance repay alice 0.01 --ref RET-0002 2>&1); rc=$?
check "a repayment beyond what is open is refused by the database" [ $rc -eq 1 ] && grep -q "has 0.00 of advances open" <<<"$err"
err=$(ssh_exec zhangwei "$PASSWORD" advance list --json)
check "staff see only their own advances" [ "$(jq length <<<"$err")" -eq 0 ]

# ---- reconciliation: whole references only; a batch matched claim by claim ----
printf 'date,amount,reference\n%s,-300.00,付款 ICBC-20261125-100\n%s,-99.99,报销 %s\n' "$TODAY" "$TODAY" "$S4" >"$E2E_DIR/statement2.csv"
out=$(ssh_exec wangfang "$PASSWORD" reconcile --json <"$E2E_DIR/statement2.csv")
check "a reference is matched as a whole: ICBC-20261125-100 is not ICBC-20261125-10" \
	[ "$(jq -r '.statement[0].matched' <<<"$out")" = false ]
check "one claim of a batch matched alone" [ "$(jq -r '.statement[1].what' <<<"$out")" = "$S4" ]
check "the other claim of that batch is listed as not on the statement" \
	quiet jq -e --arg c "$S3" 'any(.unmatched_payments[]; .ref == $c)' <<<"$out"
check "and the batch itself no longer is" \
	quiet jq -e 'all(.unmatched_payments[]; .ref != "ICBC-20261125-03")' <<<"$out"

# ---- the account mapping is data: the next voucher follows it ----
printf 'code,account,name\noffice,660288,管理费用—办公用品\npayable,224101,其他应付款—员工\nword,转,\n' >"$E2E_DIR/accounts.csv"
out=$(ssh_exec wangfang "$PASSWORD" accounts import --json <"$E2E_DIR/accounts.csv"); rc=$?
check "finance imports the account mapping and a voucher setting" [ $rc -eq 0 ] && [ "$(jq -r .accounts <<<"$out")" -eq 3 ]
check "which export settings shows" [ "$(ssh_exec wangfang "$PASSWORD" export settings --json | jq -r .word)" = 转 ]
C3=$(alice_claim general office 50.00 4)
ssh_exec alice "$PASSWORD" claim submit "$C3" >/dev/null
ssh_exec wangfang "$PASSWORD" export run >/dev/null
P=$(ls "$OUTBOX"/jsonl/batch-*.jsonl | sort | tail -1)
cv=$(jq -c --arg c "$C3" 'select(.claim == $c)' "$P")
check "the next voucher uses the new accounts and word, numbered from 1 for that word" \
	[ "$(jq -r '.voucher + " " + ([.lines[] | .account] | join(","))' <<<"$cv")" = "转-0001 660288,224101" ]
replay_same() { ssh_exec wangfang "$PASSWORD" export replay 1 --format jsonl >/dev/null && cmp -s "$J" "$E2E_DIR/first.jsonl"; }
check "the earlier batches still replay byte for byte under their own settings" replay_same

check "every export is audited" \
	[ "$(ssh_exec zhaomin "$PASSWORD" audit log --limit 300 --json | jq '[.[] | select(.action == "claim.export")] | length')" -eq 9 ]
check "and the chain verifies" ssh_exec zhaomin "$PASSWORD" audit verify
exit $((FAILS > 0))
