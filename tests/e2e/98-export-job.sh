#!/usr/bin/env bash
# The server's background exporter: started by `bursar serve` as a process
# of its own, it exports approved claims on its timer without anyone asking,
# and ends with the server.
. "$(dirname "$0")/lib.sh"
export STACK_EXPORT_INTERVAL=1
e2e_start
TODAY=$(date +%F)
export LANG=en_US.UTF-8

check "the server starts its exporter in a process of its own" bash -c "pgrep -x bursar-export >/dev/null"
N=$(ssh_exec zhangwei "$PASSWORD" claim create --json <<EOF | jq -r .number
{"form": "general", "title": "后台导出", "fields": {"purpose": "办公"},
 "lines": [{"category": "office", "date": "$TODAY", "amount": "12.00", "description": "纸"}]}
EOF
)
ssh_exec zhangwei "$PASSWORD" claim submit "$N" >/dev/null
exported() { [ "$(ssh_exec zhangwei "$PASSWORD" claim show "$N" --json | jq -r .status)" = exported ]; }
for _ in $(seq 40); do exported && break; sleep 0.25; done
check "an approved claim is exported on the timer, with no command" exported
check "its voucher number is on the claim" \
	[ "$(ssh_exec zhangwei "$PASSWORD" claim show "$N" --json | jq -r .voucher)" = "${TODAY:0:7} 记-0001" ]
check "the files are in the outbox" [ -n "$(ls "$E2E_DIR"/stack/data/outbox/jsonl/batch-000001.jsonl 2>/dev/null)" ]
check "the server log says what it did" grep -q "exporter: 1 voucher(s) in 1 batch(es)" "$E2E_DIR/stack/server.log"
stack_stop "$E2E_DIR/stack"
gone() { ! pgrep -x bursar-export >/dev/null; }
for _ in $(seq 40); do gone && break; sleep 0.25; done
check "and the exporter ends with the server" gone
exit $((FAILS > 0))
