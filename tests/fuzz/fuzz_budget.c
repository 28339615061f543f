/*
 * fuzz_budget.c - budget rows as a budget import reads them (CSV: department,
 * project, category, period, amount, mode, overrun, then a line date and
 * amount), through the period and overrun parsers, the node check, the
 * tree and the charge arithmetic.
 *
 * Invariants (include/bursar/budget.h):
 *   - the parsers return BR_OK or BR_ERR_INVALID; a parsed period is
 *     normalised, from <= to, and parses again to the same days; a parsed
 *     overrun formats and parses back to itself;
 *   - budget_link() gives no node itself as parent, and every parent covers
 *     its child (period contains it, at most as many dimensions);
 *   - budget_plan() charges each node at most the sum of the line amounts
 *     and only nodes a line matches; budget_evaluate() reports blocking
 *     verdicts only for block or frozen nodes, with shortfall >= 0.
 */
#include "bursar/budget.h"
#include "bursar/csv.h"
#include "bursar/err.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include "fuzz.h"

#define MAX_NODES 32

static const char *field(const struct csv_row *r, int i)
{
	return i < r->nfields ? r->fields[i] : "";
}

static int ndims(const struct budget_node *n)
{
	return (n->department[0] != 0) + (n->project[0] != 0) + (n->category[0] != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_table t = { 0 };
	struct budget_node nodes[MAX_NODES];
	struct budget_charge ch[MAX_NODES];
	struct budget_verdict v[MAX_NODES];
	struct claim c;
	char msg[256];
	int n = 0, nch, nv, blocking = 0;
	int64_t sum = 0;

	if (csv_table_parse((const char *)data, size, &t, msg, sizeof(msg)))
		return 0;
	claim_init(&c);
	for (int i = 0; i < t.nrows && i < 200; i++) {
		const struct csv_row *r = &t.rows[i];
		char norm[BUDGET_PERIOD_MAX], from[11], to[11], again[BUDGET_PERIOD_MAX], f2[11], t2[11], buf[16];
		struct budget_node *b = &nodes[n];
		struct claim_line l;
		int bp = -1, bp2 = -1, rc;

		rc = budget_period_parse(field(r, 3), norm, from, to);
		FUZZ_CHECK(rc == BR_OK || rc == BR_ERR_INVALID);
		if (rc == BR_OK) {
			FUZZ_CHECK(date_valid(from) && date_valid(to) && strcmp(from, to) <= 0);
			FUZZ_CHECK(budget_period_parse(norm, again, f2, t2) == BR_OK && !strcmp(norm, again) &&
				   !strcmp(from, f2) && !strcmp(to, t2));
		}
		rc = budget_overrun_parse(field(r, 6), &bp);
		FUZZ_CHECK(rc == BR_OK || rc == BR_ERR_INVALID);
		if (rc == BR_OK) {
			FUZZ_CHECK(bp >= 0 && bp <= BUDGET_OVERRUN_MAX);
			budget_overrun_format(bp, buf, sizeof(buf));
			FUZZ_CHECK(budget_overrun_parse(buf, &bp2) == BR_OK && bp2 == bp);
		}
		/* the line */
		memset(&l, 0, sizeof(l));
		str_copy(l.category, field(r, 2), sizeof(l.category));
		str_copy(l.date, field(r, 7), sizeof(l.date));
		if (money_parse(field(r, 8), &l.amount, NULL) == BR_OK && l.amount >= 0 && l.amount < MONEY_MAX_FEN / 256 &&
		    claim_add_line(&c, &l))
			sum += l.amount;
		/* the node */
		if (n >= MAX_NODES)
			continue;
		memset(b, 0, sizeof(*b));
		b->id = n + 1;
		str_copy(b->department, field(r, 0), sizeof(b->department));
		str_copy(b->project, field(r, 1), sizeof(b->project));
		str_copy(b->category, field(r, 2), sizeof(b->category));
		str_copy(b->period, field(r, 3), sizeof(b->period));
		if (money_parse(field(r, 4), &b->amount, NULL))
			continue;
		b->mode = budget_mode_from_name(field(r, 5)) < 0 ? BUDGET_BLOCK
								  : (enum budget_mode)budget_mode_from_name(field(r, 5));
		b->overrun_bp = bp < 0 ? 0 : bp;
		b->frozen = i % 7 == 3;
		b->committed = b->amount / 3;
		if (budget_node_check(b))
			continue;
		budget_node_label(b, msg, sizeof(msg));
		FUZZ_CHECK(fuzz_terminated(msg, sizeof(msg)) && msg[0]);
		FUZZ_CHECK(budget_limit(b) >= b->amount);
		n++;
	}
	budget_link(nodes, n);
	for (int i = 0; i < n; i++) {
		if (!nodes[i].parent)
			continue;
		FUZZ_CHECK(nodes[i].parent != nodes[i].id && nodes[i].parent >= 1 && nodes[i].parent <= n);
		{
			const struct budget_node *p = &nodes[nodes[i].parent - 1];
			FUZZ_CHECK(strcmp(p->from, nodes[i].from) <= 0 && strcmp(p->to, nodes[i].to) >= 0);
			FUZZ_CHECK(ndims(p) <= ndims(&nodes[i]));
		}
	}
	str_copy(c.department, t.nrows ? field(&t.rows[0], 0) : "", sizeof(c.department));
	nch = budget_plan(nodes, n, &c, c.department, ch, MAX_NODES, NULL);
	FUZZ_CHECK(nch >= 0 && nch <= n);
	for (int k = 0; k < nch; k++) {
		bool matched = false;
		FUZZ_CHECK(ch[k].node >= 0 && ch[k].node < n && ch[k].amount <= sum);
		for (int i = 0; i < c.nlines && !matched; i++) {
			struct budget_facts f = { c.department, "", c.lines[i].category, c.lines[i].date };
			matched = budget_node_matches(&nodes[ch[k].node], &f);
		}
		FUZZ_CHECK(matched);
	}
	nv = budget_evaluate(nodes, ch, nch, v, &blocking);
	FUZZ_CHECK(nv >= 0 && nv <= nch && blocking <= nv);
	for (int i = 0; i < nv; i++) {
		const struct budget_node *b = &nodes[v[i].node];
		FUZZ_CHECK(v[i].shortfall >= 0);
		FUZZ_CHECK(!v[i].blocks || b->mode == BUDGET_BLOCK || b->frozen);
	}
	budget_findings(&c, nodes, v, nv);
	FUZZ_CHECK(c.nfindings == nv);
	claim_release(&c);
	csv_table_free(&t);
	return 0;
}
