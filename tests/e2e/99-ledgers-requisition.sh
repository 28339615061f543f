#!/usr/bin/env bash
# Approval-driven ledger updates: an office-supply requisition filed by
# staff goes to the manager and then the store (finance) through the
# approvals inbox; the final approval takes the quantity off the stock in
# the same transaction, and the record's history names the approval.
. "$(dirname "$0")/lib.sh"
e2e_start
export LANG=en_US.UTF-8

stock_of() { ssh_exec wangfang "$PASSWORD" ledger show supplies "$1" --json </dev/null | jq -r '.fields.stock'; }
inbox_has() { ssh_exec "$1" "$PASSWORD" inbox --json </dev/null | jq -e --arg n "$2" 'any(.[]; .number == $n)' >/dev/null; }

id=$(ssh_exec wangfang "$PASSWORD" ledger add supplies --json <<<'{"item": "A4 打印纸", "unit": "包", "stock": 10, "min_stock": 3, "location": "三楼仓库"}' | jq -r .id)
check "finance adds an item to the office supplies" [ -n "$id" ] && [ "$(stock_of "$id")" = 10 ]

err=$(ssh_exec zhangwei "$PASSWORD" ledger request supplies "$id" 11 </dev/null 2>&1); rc=$?
check "asking for more than is in stock is refused, saying how many are left" \
	[ $rc -ne 0 ] && grep -q "only 10 left, you asked for 11" <<<"$err"
err=$(ssh_exec zhangwei "$PASSWORD" ledger request supplies "$id" 0 </dev/null 2>&1); rc=$?
check "a quantity below 1 is refused" [ $rc -ne 0 ] && grep -q "at least 1" <<<"$err"
err=$(ssh_exec zhangwei "$PASSWORD" ledger request contracts 1 1 </dev/null 2>&1); rc=$?
check "staff cannot request from a ledger they may not see" [ $rc -ne 0 ] && grep -q "may not view" <<<"$err"

out=$(ssh_exec zhangwei "$PASSWORD" ledger request supplies "$id" 4 --comment "项目组用" --json </dev/null); rc=$?
R1=$(jq -r .number <<<"$out")
check "staff file a requisition; it waits for approval" [ $rc -eq 0 ] && [ "$(jq -r .status <<<"$out")" = submitted ]
check "filing takes nothing off the stock yet" [ "$(stock_of "$id")" = 10 ]
check "the manager has it in the inbox" inbox_has limei "$R1"

# the manager approves in the full-screen inbox
tui_open ib limei en_US.UTF-8 120 32
wait_for ib "Main menu" >/dev/null
check "the menu shows the inbox with its count" wait_for ib "Approval inbox \(1\)"
keys ib j Enter
check "the inbox lists the requisition with its ledger, item and quantity" wait_for ib "$R1 .*Office supp.*A4 打印纸 × 4"
keys ib a
keys ib "同意" Enter
check "a approves it from the inbox" wait_for ib "Approved"
keys ib q q
check "after the manager, still nothing taken" [ "$(stock_of "$id")" = 10 ]
check "the store (finance) has it next" inbox_has wangfang "$R1"

# the store issues it, also in the inbox
tui_open ib2 wangfang en_US.UTF-8 120 32
wait_for ib2 "Main menu" >/dev/null
keys ib2 j Enter
check "finance sees the requisition in the inbox" wait_for ib2 "$R1"
keys ib2 a
keys ib2 "已发放" Enter
check "the final approval goes through" wait_for ib2 "Approved"
keys ib2 q q
check "the final approval took 4 off the stock" [ "$(stock_of "$id")" = 6 ]
hist=$(ssh_exec wangfang "$PASSWORD" ledger history supplies "$id" --json </dev/null)
check "the record's history names the approval that changed it" \
	quiet jq -e --arg n "$R1" 'any(.versions[]? // .[]; .action == "approval" and (.note | contains($n)) and (.note | contains("wangfang")))' <<<"$hist"
check "with the stock from 10 to 6" \
	quiet jq -e 'any(.versions[]? // .[]; .action == "approval" and any(.changes[]; .from == 10 and .to == 6))' <<<"$hist"
check "the claimant sees it approved" \
	[ "$(ssh_exec zhangwei "$PASSWORD" claim show "$R1" --json </dev/null | jq -r .status)" = approved ]

# a requisition filed from the full-screen record view
tui_open rq zhangwei en_US.UTF-8 120 32
wait_for rq "Main menu" >/dev/null
wait_for rq "Press any key" >/dev/null # news of the approved requisition
keys rq Enter G k Enter
check "staff see the ledgers they may (office supplies, not contracts)" \
	wait_for rq "Office supplies" && lacks "Contracts" "$(screen_of rq)"
keys rq j Enter
check "the browser lists the item with its stock" wait_for rq "A4 打印纸 .* 6 "
keys rq Enter
check "the record view opens" wait_for rq "Item: +A4 打印纸|物品|Item"
keys rq r
check "r asks for the quantity, saying how many are left" wait_for rq "quantity of A4 打印纸 \(6 left\)"
keys rq 2 Enter
keys rq "部门会议用" Enter
check "the requisition is sent for approval, with its number" wait_for rq "sent for approval: .*A4 打印纸 × 2"
RT=$(screen_of rq | grep -o "BX[0-9]*-[0-9]*" | head -1)
keys rq q q q q
check "the manager has the screen's requisition in the inbox" inbox_has limei "$RT"
quiet ssh_exec limei "$PASSWORD" reject "$RT" --comment "本月已领" </dev/null
check "a rejected requisition takes nothing" [ "$(stock_of "$id")" = 6 ]

# a second requisition approved after the stock ran low is refused at the last step
R2=$(ssh_exec zhangwei "$PASSWORD" ledger request supplies "$id" 5 --json </dev/null | jq -r .number)
R3=$(ssh_exec alice "$PASSWORD" ledger request supplies "$id" 3 --json </dev/null | jq -r .number)
check "two requisitions wait" [ -n "$R2" ] && [ -n "$R3" ] && [ "$R2" != null ] && [ "$R3" != null ]
quiet ssh_exec limei "$PASSWORD" approve "$R2" </dev/null
quiet ssh_exec limei "$PASSWORD" approve "$R3" </dev/null
out=$(ssh_exec wangfang "$PASSWORD" approve "$R2" </dev/null 2>&1); rc=$?
check "issuing 5 of 6 goes through" [ $rc -eq 0 ] && [ "$(stock_of "$id")" = 1 ]
err=$(ssh_exec wangfang "$PASSWORD" approve "$R3" </dev/null 2>&1); rc=$?
check "issuing 3 of the 1 left is refused, clearly" [ $rc -ne 0 ] && grep -q "no longer has the quantity" <<<"$err"
check "and takes nothing" [ "$(stock_of "$id")" = 1 ]
check "the refused one still waits" inbox_has wangfang "$R3"
quiet ssh_exec wangfang "$PASSWORD" return "$R3" --comment "库存不足，下月再领" </dev/null
err=$(ssh_exec alice "$PASSWORD" claim submit "$R3" </dev/null 2>&1); rc=$?
check "a returned requisition submitted again is checked against the stock anew" \
	[ $rc -ne 0 ] && grep -q "only 1 left, you asked for 3" <<<"$err"
out=$(ssh_exec alice "$PASSWORD" claim delete "$R3" </dev/null 2>&1); rc=$?
check "and its claimant can delete it" [ $rc -eq 0 ] && \
	! ssh_exec alice "$PASSWORD" claim show "$R3" </dev/null >/dev/null 2>&1
rem=$(ssh_exec wangfang "$PASSWORD" reminders --json </dev/null)
check "the item below its minimum is now a reminder" quiet jq -e 'tostring | contains("A4 打印纸")' <<<"$rem"
quiet ssh_exec wangfang "$PASSWORD" ledger update supplies "$id" <<<"{\"version\": $(ssh_exec wangfang "$PASSWORD" ledger show supplies "$id" --json </dev/null | jq .version), \"stock\": 20}"
R4=$(ssh_exec zhangwei "$PASSWORD" ledger request supplies "$id" 2 --json </dev/null | jq -r .number)
quiet ssh_exec limei "$PASSWORD" return "$R4" --comment "请写明用途" </dev/null
out=$(ssh_exec zhangwei "$PASSWORD" claim submit "$R4" --json </dev/null); rc=$?
check "a returned requisition goes round its own workflow again" \
	[ $rc -eq 0 ] && [ "$(jq -r .status <<<"$out")" = submitted ] && inbox_has limei "$R4"
out=$(ssh_exec wangfang "$PASSWORD" export run --json </dev/null); rc=$?
check "the exporter makes no voucher of an approved requisition" [ $rc -eq 0 ] && [ "$(jq -r .vouchers <<<"$out")" = 0 ]
check "which stays approved, not exported" \
	[ "$(ssh_exec zhangwei "$PASSWORD" claim show "$R1" --json </dev/null | jq -r .status)" = approved ]
exit $((FAILS > 0))
