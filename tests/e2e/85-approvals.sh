#!/usr/bin/env bash
# Approvals end to end: workflows resolved from the directory at
# submission, the manager approving in the inbox, finance by exec,
# return-to-step, delegation, auto-approval, bulk approval of tagged tasks,
# transfer, added approvers, rejection, escalation, turnaround, and 50
# concurrent approvals of one task.
. "$(dirname "$0")/lib.sh"
e2e_start
TODAY=$(date +%F)
export LANG=en_US.UTF-8

# new_claim USER AMOUNT [CATEGORY]: creates a general claim; prints its number.
new_claim() {
	N=$(($(cat "$E2E_DIR/n" 2>/dev/null || echo 0) + 1))
	echo "$N" >"$E2E_DIR/n"
	ssh_exec "$1" "$PASSWORD" claim create --json <<-EOF | jq -r .number
	{"form": "general", "title": "采购 $N", "fields": {"purpose": "办公"},
	 "lines": [{"category": "${3:-office}", "date": "$TODAY", "amount": "$2", "description": "第 $N 笔",
	            "invoice": {"kind": "digital", "number": "261100000000000$(printf %05d $N)", "date": "$TODAY", "total": "$2"}}]}
	EOF
}
status_of() { ssh_exec "$1" "$PASSWORD" claim show "$2" --json | jq -r .status; }
inbox_has() { ssh_exec "$1" "$PASSWORD" inbox --json | jq -e --arg n "$2" 'any(.[]; .number == $n)' >/dev/null; }
inbox_lacks() { ! inbox_has "$@"; }
inbox_empty() { [ "$(ssh_exec "$1" "$PASSWORD" inbox --json | jq length)" -eq 0 ]; }

# ---- the standard path: manager in the TUI, finance by exec ----
C1=$(new_claim zhangwei 916.00)
out=$(ssh_exec zhangwei "$PASSWORD" claim submit "$C1" --json); rc=$?
check "submitting resolves the workflow and waits for the manager" \
	[ $rc -eq 0 ] && [ "$(jq -r .status <<<"$out")" = submitted ]
check "the manager (from the directory) has the task" inbox_has limei "$C1"
check "nobody else has it yet" inbox_lacks wangfang "$C1"
# (the holder's name once they have logged in, else their uid)
check "My claims says where it waits and who holds it" \
	grep -qE "^Manager: (李梅|limei)$" <<<"$(ssh_exec zhangwei "$PASSWORD" claim list --json | jq -r --arg n "$C1" '.[] | select(.number == $n) | .step')"
err=$(ssh_exec zhangwei "$PASSWORD" approve "$C1" 2>&1); rc=$?
check "the claimant cannot approve their own claim" [ $rc -eq 1 ] && grep -q "nobody approves their own claim" <<<"$err"
err=$(ssh_exec bob "$PASSWORD" approve "$C1" 2>&1); rc=$?
check "someone without a task is refused clearly" [ $rc -eq 1 ] && grep -q "you hold no approval task on claim $C1" <<<"$err"

tui_open ib limei en_US.UTF-8 120 32
wait_for ib "Main menu" >/dev/null
check "the menu shows the inbox with its count" wait_for ib "Approval inbox \(1\)"
keys ib j Enter
check "the inbox lists the task with claimant and total" wait_for ib "$C1 +张伟 .* 916.00"
keys ib a
keys ib "同意" Enter
check "a approves from the inbox" wait_for ib "Approved"
check "and the task leaves the list" wait_for ib "Nothing waits for your approval"
keys ib q q
check "finance now has it" inbox_has wangfang "$C1"
check "so does the other finance person (或签)" inbox_has liuyang "$C1"
out=$(ssh_exec wangfang "$PASSWORD" approve "$C1" --comment "OK"); rc=$?
check "finance approves by exec; the claim is approved" [ $rc -eq 0 ] && grep -q "the claim is approved" <<<"$out"
check "its status is approved" [ "$(status_of zhangwei "$C1")" = approved ]
check "the other finance task is gone" inbox_empty liuyang
err=$(ssh_exec liuyang "$PASSWORD" approve "$C1" 2>&1); rc=$?
check "a late second approver is told who decided" [ $rc -eq 1 ] && grep -q "already approved by 王芳 (wangfang)" <<<"$err"
hist=$(ssh_exec zhangwei "$PASSWORD" claim history "$C1" --json)
check "the history has submit, two approvals with comments" \
	[ "$(jq -r 'map(.action + ":" + .comment) | join(",")' <<<"$hist")" = "submit:,approve:同意,approve:OK" ]

# The claimant hears of it at the next login, and reads the whole history.
tui_open cz zhangwei en_US.UTF-8 110 34
check "the claimant is told of the decision at the next login" wait_for cz "News about your claims"
check "naming the claim and who approved it" wait_for cz "$C1 approved by 王芳: OK"
keys cz x
wait_for cz "Main menu" >/dev/null
keys cz Enter Enter
check "the claim shows where it went" wait_for cz "\[approved\]"
keys cz H
check "H shows the whole history, comments rendered" wait_for cz "同意"
check "with the steps" wait_for cz "Finance review"
keys cz q q q q

# ---- bulk approval of tagged tasks in the inbox ----
B1=$(new_claim zhangwei 321.00)
B2=$(new_claim zhangwei 654.00)
B3=$(new_claim zhangwei 987.00)
for c in "$B1" "$B2" "$B3"; do ssh_exec zhangwei "$PASSWORD" claim submit "$c" >/dev/null; done
tui_open bulk limei en_US.UTF-8 120 32
wait_for bulk "Main menu" >/dev/null
keys bulk j Enter
check "the inbox lists three tasks" wait_for bulk "Waiting for you: 3"
keys bulk t t
keys bulk A
check "A asks what to do with the tagged tasks" wait_for bulk "2 tagged task\(s\): what to do\?"
keys bulk Enter
check "and confirms with their count and total" wait_for bulk "Approve 2 claim\(s\), total ¥975.00\?"
keys bulk y
keys bulk Enter
check "both are approved at once" wait_for bulk "Approved 2"
check "the untagged one stays" wait_for bulk "Waiting for you: 1"
keys bulk q q
check "the bulk-approved claims went on to finance" inbox_has wangfang "$B1"
check "both of them" inbox_has wangfang "$B2"
check "the untagged one did not" inbox_lacks wangfang "$B3"

# ---- return to the claimant, resubmission lands at the returning step ----
C2=$(new_claim zhangwei 800.00)
ssh_exec zhangwei "$PASSWORD" claim submit "$C2" >/dev/null
ssh_exec limei "$PASSWORD" approve "$C2" >/dev/null
err=$(ssh_exec wangfang "$PASSWORD" return "$C2" 2>&1); rc=$?
check "returning needs a comment" [ $rc -eq 1 ] && grep -q "needs a comment" <<<"$err"
out=$(ssh_exec wangfang "$PASSWORD" return "$C2" --comment "请补充发票扫描件"); rc=$?
check "finance returns the claim to the claimant" [ $rc -eq 0 ] && [ "$(status_of zhangwei "$C2")" = draft ]
ssh_exec zhangwei "$PASSWORD" claim submit "$C2" >/dev/null
check "after resubmission it waits at the step that returned it" inbox_has wangfang "$C2"
check "not at the start" inbox_lacks limei "$C2"

# ---- delegation ----
out=$(ssh_exec limei "$PASSWORD" delegate set wangqiang --from "$TODAY" --to "$TODAY"); rc=$?
check "delegate set takes a person and a date range" [ $rc -eq 0 ]
C3=$(new_claim zhangwei 600.00)
ssh_exec zhangwei "$PASSWORD" claim submit "$C3" >/dev/null
check "the delegate sees the delegator's task" \
	[ "$(ssh_exec wangqiang "$PASSWORD" inbox --json | jq -r --arg n "$C3" '.[] | select(.number == $n) | .on_behalf_of')" = limei ]
out=$(ssh_exec wangqiang "$PASSWORD" approve "$C3" --json); rc=$?
check "and approves it on their behalf" [ $rc -eq 0 ] && [ "$(jq -r .on_behalf_of <<<"$out")" = limei ]
check "the history records on behalf of whom" \
	[ "$(ssh_exec zhangwei "$PASSWORD" claim history "$C3" --json | jq -r '.[1].actor + "/" + .[1].on_behalf_of')" = "wangqiang/limei" ]
ssh_exec limei "$PASSWORD" delegate clear >/dev/null

# ---- auto-approval under the threshold ----
C4=$(new_claim zhangwei 150.00)
out=$(ssh_exec zhangwei "$PASSWORD" claim submit "$C4" --json)
check "a small claim with no findings is approved by the rule at once" [ "$(jq -r .status <<<"$out")" = approved ]
check "recorded with the rule's name, no task for anyone" \
	[ "$(ssh_exec zhangwei "$PASSWORD" claim history "$C4" --json | jq -r '.[1].action + " " + .[1].step')" = "auto-approve Small amounts" ]

# ---- rejection is final and needs a comment ----
C5=$(new_claim zhangwei 700.00)
ssh_exec zhangwei "$PASSWORD" claim submit "$C5" >/dev/null
err=$(ssh_exec limei "$PASSWORD" reject "$C5" 2>&1); rc=$?
check "rejecting needs a comment" [ $rc -eq 1 ] && grep -q "needs a comment" <<<"$err"
ssh_exec limei "$PASSWORD" reject "$C5" --comment "与项目无关" >/dev/null
check "a rejected claim is final" [ "$(status_of zhangwei "$C5")" = rejected ]
err=$(ssh_exec zhangwei "$PASSWORD" claim submit "$C5" 2>&1); rc=$?
check "and cannot be submitted again" [ $rc -eq 1 ]

# ---- transfer and added approver ----
C6=$(new_claim zhangwei 500.00)
ssh_exec zhangwei "$PASSWORD" claim submit "$C6" >/dev/null
out=$(ssh_exec limei "$PASSWORD" transfer "$C6" wangqiang --comment "我休假"); rc=$?
check "transfer hands the task to another person" [ $rc -eq 0 ] && inbox_has wangqiang "$C6"
out=$(ssh_exec wangqiang "$PASSWORD" add approver "$C6" chengang); rc=$?
check "add approver puts a person after the current step" [ $rc -eq 0 ]
ssh_exec wangqiang "$PASSWORD" approve "$C6" >/dev/null
check "who approves before the claim goes on to finance" inbox_has chengang "$C6"
ssh_exec chengang "$PASSWORD" approve "$C6" >/dev/null
check "then finance" inbox_has wangfang "$C6"

# ---- a workflow that cannot be resolved stops the submission ----
C7=$(new_claim wangqiang 900.00)
err=$(ssh_exec wangqiang "$PASSWORD" claim submit "$C7" 2>&1); rc=$?
check "no manager in the directory: the claimant is told, the claim stays a draft" \
	[ $rc -eq 1 ] && grep -q "has no manager" <<<"$err" && [ "$(status_of wangqiang "$C7")" = draft ]

# ---- escalation of overdue tasks ----
C8=$(new_claim zhangwei 400.00)
ssh_exec zhangwei "$PASSWORD" claim submit "$C8" >/dev/null
sqlite3 "$E2E_DIR/stack/data/bursar.db" "UPDATE tasks SET due_at = '2020-01-01T00:00:00.000Z'
	WHERE state = 'open' AND claim_id = (SELECT id FROM claims WHERE number = '$C8')"
out=$("$BURSAR" remind --config "$E2E_DIR/stack/bursar.ini" 2>/dev/null); rc=$?
check "bursar remind escalates an overdue task to the next manager" \
	[ $rc -eq 0 ] && grep -q "1 overdue task(s) escalated" <<<"$out" && inbox_has wangqiang "$C8"
check "and records it" [ "$(ssh_exec zhangwei "$PASSWORD" claim history "$C8" --json | jq -r '.[-1].action')" = escalate ]

# ---- 50 concurrent approvals of one 或签 task: exactly one wins ----
C9=$(new_claim zhangwei 300.00)
ssh_exec zhangwei "$PASSWORD" claim submit "$C9" >/dev/null
ssh_exec limei "$PASSWORD" approve "$C9" >/dev/null
mkdir -p "$E2E_DIR/race"
for i in $(seq 50); do
	who=$([ $((i % 2)) -eq 0 ] && echo wangfang || echo liuyang)
	(ssh_exec "$who" "$PASSWORD" approve "$C9" >"$E2E_DIR/race/$i.out" 2>"$E2E_DIR/race/$i.err"
	 echo $? >"$E2E_DIR/race/$i.rc") &
done
wait_pids=$(jobs -p | grep -v "^$STACK_PID$" || true)
for p in $wait_pids; do wait "$p" 2>/dev/null; done
won=$(grep -lx 0 "$E2E_DIR"/race/*.rc | wc -l)
told=$(grep -l "already approved by" "$E2E_DIR"/race/*.err | wc -l)
check "50 concurrent approvals: exactly one succeeds ($won)" [ "$won" -eq 1 ]
check "the 49 others are told who approved ($told)" [ "$told" -eq 49 ]
check "the claim is approved once" [ "$(ssh_exec zhangwei "$PASSWORD" claim history "$C9" --json | jq '[.[] | select(.action == "approve")] | length')" -eq 2 ]

# ---- a repeated approval never runs on into the next step ----
ssh_exec wangfang "$PASSWORD" delegate set limei --from "$TODAY" --to "$TODAY" >/dev/null
D1=$(new_claim zhangwei 700.00)
ssh_exec zhangwei "$PASSWORD" claim submit "$D1" >/dev/null
pids=""
for i in $(seq 10); do
	(ssh_exec limei "$PASSWORD" approve "$D1" >/dev/null 2>"$E2E_DIR/race/d$i.err"; echo $? >"$E2E_DIR/race/d$i.rc") &
	pids="$pids $!"
done
for p in $pids; do wait "$p" 2>/dev/null; done
won=$(grep -lx 0 "$E2E_DIR"/race/d*.rc | wc -l)
check "10 concurrent approvals by the manager (also finance's delegate): one succeeds ($won)" [ "$won" -eq 1 ]
check "the claim waits at finance, not approved by the same person twice" [ "$(status_of zhangwei "$D1")" = submitted ]
err=$(ssh_exec limei "$PASSWORD" approve "$D1" 2>&1); rc=$?
check "approving again is refused with the reason" [ $rc -eq 1 ] && grep -q "already approved an earlier step" <<<"$err"
task=$(ssh_exec limei "$PASSWORD" inbox --json | jq -r --arg n "$D1" '.[] | select(.number == $n) | .task')
out=$(ssh_exec limei "$PASSWORD" approve "$D1" --task "$task" --json); rc=$?
check "naming the task (--task, from the inbox) approves the next step on purpose" \
	[ $rc -eq 0 ] && [ "$(jq -r .on_behalf_of <<<"$out")" = wangfang ]
ssh_exec wangfang "$PASSWORD" delegate clear >/dev/null

# ---- a returned claim that grew starts its workflow again ----
G1=$(new_claim zhangwei 800.00)
ssh_exec zhangwei "$PASSWORD" claim submit "$G1" >/dev/null
ssh_exec limei "$PASSWORD" approve "$G1" >/dev/null
ssh_exec wangfang "$PASSWORD" return "$G1" --comment "金额有误" >/dev/null
ssh_exec zhangwei "$PASSWORD" claim update "$G1" >/dev/null <<EOF
{"title": "采购 加大", "fields": {"purpose": "办公"},
 "lines": [{"category": "office", "date": "$TODAY", "amount": "4,900.00", "description": "电脑",
            "invoice": {"kind": "digital", "number": "26119900000000000001", "date": "$TODAY", "total": "4,900.00"}},
           {"category": "other", "date": "$TODAY", "amount": "1,200.00", "description": "配件",
            "invoice": {"kind": "digital", "number": "26119900000000000002", "date": "$TODAY", "total": "1,200.00"}}]}
EOF
ssh_exec zhangwei "$PASSWORD" claim submit "$G1" >/dev/null
check "after growing past 5,000 it goes back to the manager, not to the returning step" inbox_has limei "$G1"
check "and waits there first" [ "$(ssh_exec zhangwei "$PASSWORD" claim show "$G1" --json | jq -r .step)" = "Manager: 李梅" ]

# ---- turnaround and the audit trail ----
out=$(ssh_exec wangfang "$PASSWORD" report turnaround --json); rc=$?
check "finance sees approval turnaround per step and per approver" \
	[ $rc -eq 0 ] && [ "$(jq '.steps | length' <<<"$out")" -ge 2 ] && [ "$(jq -r '.approvers[] | select(.approver == "limei") | .count' <<<"$out")" -ge 3 ]
err=$(ssh_exec zhangwei "$PASSWORD" report turnaround 2>&1); rc=$?
check "staff do not" [ $rc -eq 1 ]
tui_open ta wangfang en_US.UTF-8 100 30
wait_for ta "Main menu" >/dev/null
keys ta G k k Enter
check "finance has a turnaround screen per step and per approver" wait_for ta "person limei +[0-9]+ "
keys ta q q

# ---- out of office from the inbox screen ----
tui_open away limei en_US.UTF-8 100 30
wait_for away "Main menu" >/dev/null
keys away j Enter O
keys away C-u wangqiang Enter Enter
check "O in the inbox sets a delegate for today" wait_for away "your approval tasks go to wangqiang"
check "which the scripting interface sees too" [ "$(ssh_exec limei "$PASSWORD" delegate show --json | jq -r .delegate)" = wangqiang ]
keys away O C-u Enter
check "and an empty name ends it" wait_for away "Your approval tasks are yours again"
keys away q q
check "every approval action is audited and the chain verifies" ssh_exec zhaomin "$PASSWORD" audit verify
exit $((FAILS > 0))
