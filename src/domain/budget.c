/*
 * budget.c - budget periods, node matching and the tree, and the
 * arithmetic of limits, charges and verdicts.
 */
#include "bursar/budget.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/money.h"
#include "bursar/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mode_names[BUDGET_MODE_COUNT] = {
	[BUDGET_BLOCK] = "block", [BUDGET_WARN] = "warn", [BUDGET_TRACK] = "track"
};
static const char *const mode_labels[BUDGET_MODE_COUNT] = {
	[BUDGET_BLOCK] = N_("block"), [BUDGET_WARN] = N_("warn"), [BUDGET_TRACK] = N_("track")
};

const char *budget_mode_name(enum budget_mode m)
{
	return (unsigned)m < BUDGET_MODE_COUNT ? mode_names[m] : "?";
}

int budget_mode_from_name(const char *name)
{
	for (int i = 0; i < BUDGET_MODE_COUNT; i++)
		if (name && !strcmp(name, mode_names[i]))
			return i;
	return -1;
}

const char *budget_mode_label(enum budget_mode m)
{
	return (unsigned)m < BUDGET_MODE_COUNT ? mode_labels[m] : "?";
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

int budget_period_parse(const char *text, char norm[BUDGET_PERIOD_MAX], char from[11], char to[11])
{
	size_t len = text ? strlen(text) : 0;
	int y, first, last;

	if (len < 4 || !all_digits(text, 4))
		return BR_ERR_INVALID;
	y = atoi(text);
	if (y < 2000 || y > 2999)
		return BR_ERR_INVALID;
	if (len == 4) {
		first = 1, last = 12;
		snprintf(norm, BUDGET_PERIOD_MAX, "%04d", y);
	} else if (len == 7 && text[4] == '-' && (text[5] == 'Q' || text[5] == 'q') && text[6] >= '1' &&
		   text[6] <= '4') {
		first = (text[6] - '1') * 3 + 1, last = first + 2;
		snprintf(norm, BUDGET_PERIOD_MAX, "%04d-Q%c", y, text[6]);
	} else if (len == 7 && text[4] == '-' && (text[5] == 'H' || text[5] == 'h') &&
		   (text[6] == '1' || text[6] == '2')) {
		first = text[6] == '1' ? 1 : 7, last = first + 5;
		snprintf(norm, BUDGET_PERIOD_MAX, "%04d-H%c", y, text[6]);
	} else if (len == 7 && text[4] == '-' && all_digits(text + 5, 2)) {
		first = last = atoi(text + 5);
		if (first < 1 || first > 12)
			return BR_ERR_INVALID;
		snprintf(norm, BUDGET_PERIOD_MAX, "%04d-%02d", y, first);
	} else {
		return BR_ERR_INVALID;
	}
	snprintf(from, 11, "%04d-%02d-01", y, first);
	snprintf(to, 11, "%04d-%02d-%02d", y, last, month_days(y, last));
	return BR_OK;
}

int budget_overrun_parse(const char *text, int *bp)
{
	char buf[16];
	size_t len;
	char *dot;
	int whole, frac = 0;

	if (!text || (len = strlen(text)) == 0 || len >= sizeof(buf))
		return BR_ERR_INVALID;
	memcpy(buf, text, len + 1);
	if (buf[len - 1] == '%')
		buf[--len] = '\0';
	if (len == 0)
		return BR_ERR_INVALID;
	if ((dot = strchr(buf, '.'))) {
		size_t nf = strlen(dot + 1);
		if (nf < 1 || nf > 2 || !all_digits(dot + 1, nf))
			return BR_ERR_INVALID;
		frac = atoi(dot + 1) * (nf == 1 ? 10 : 1);
		*dot = '\0';
	}
	if (!*buf || strlen(buf) > 3 || !all_digits(buf, strlen(buf)))
		return BR_ERR_INVALID;
	whole = atoi(buf);
	if (whole * 100 + frac > BUDGET_OVERRUN_MAX)
		return BR_ERR_INVALID;
	*bp = whole * 100 + frac;
	return BR_OK;
}

void budget_overrun_format(int bp, char *out, size_t size)
{
	if (bp % 100 == 0)
		snprintf(out, size, "%d%%", bp / 100);
	else if (bp % 10 == 0)
		snprintf(out, size, "%d.%d%%", bp / 100, (bp % 100) / 10);
	else
		snprintf(out, size, "%d.%02d%%", bp / 100, bp % 100);
}

const char *budget_node_check(struct budget_node *n)
{
	char norm[BUDGET_PERIOD_MAX];

	if (budget_period_parse(n->period, norm, n->from, n->to))
		return N_("period must be a year (2026), half (2026-H1), quarter (2026-Q4) or month (2026-11)");
	str_copy(n->period, norm, sizeof(n->period));
	if (n->amount < 0 || n->amount > MONEY_MAX_FEN)
		return N_("amount must be zero or more");
	if ((unsigned)n->mode >= BUDGET_MODE_COUNT)
		return N_("mode must be block, warn or track");
	if (n->overrun_bp < 0 || n->overrun_bp > BUDGET_OVERRUN_MAX)
		return N_("overrun must be a percentage from 0 to 100");
	return NULL;
}

int64_t budget_limit(const struct budget_node *n)
{
	/* split so that amount * bp cannot overflow */
	return n->amount + n->amount / 10000 * n->overrun_bp + n->amount % 10000 * n->overrun_bp / 10000;
}

int64_t budget_available(const struct budget_node *n)
{
	return n->amount - n->committed - n->actual;
}

int budget_used_permille(const struct budget_node *n)
{
	int64_t used = n->committed + n->actual;

	if (n->amount <= 0)
		return 0;
	if (used > n->amount * 10)
		return 10000; /* ten times over: far enough for any bar */
	return (int)(used / n->amount * 1000 + used % n->amount * 1000 / n->amount);
}

void budget_node_label(const struct budget_node *n, char *out, size_t size)
{
	const char *dims[3] = { n->department, n->project, n->category };
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < 3; i++)
		if (dims[i][0] && len < size)
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? " · " : "", dims[i]);
	if (!len)
		str_copy(out, _("whole company"), size);
}

static int ndims(const struct budget_node *n)
{
	return (n->department[0] != 0) + (n->project[0] != 0) + (n->category[0] != 0);
}

static bool dim_ok(const char *node, const char *value)
{
	return !node[0] || (value && !strcmp(node, value));
}

bool budget_node_matches(const struct budget_node *n, const struct budget_facts *f)
{
	return dim_ok(n->department, f->department) && dim_ok(n->project, f->project) &&
	       dim_ok(n->category, f->category) && f->date && strcmp(f->date, n->from) >= 0 &&
	       strcmp(f->date, n->to) <= 0;
}

static long period_days(const struct budget_node *n)
{
	long a = 0, b = 0;

	date_days(n->from, &a);
	date_days(n->to, &b);
	return b - a;
}

/* Whether a is more specific than b: more dimensions, then a shorter period, then the older node. */
static bool more_specific(const struct budget_node *a, const struct budget_node *b)
{
	int da = ndims(a), db = ndims(b);
	long pa, pb;

	if (da != db)
		return da > db;
	pa = period_days(a), pb = period_days(b);
	if (pa != pb)
		return pa < pb;
	return a->id < b->id;
}

int budget_match(const struct budget_node *nodes, int n, const struct budget_facts *f)
{
	int best = -1;

	for (int i = 0; i < n; i++)
		if (budget_node_matches(&nodes[i], f) && (best < 0 || more_specific(&nodes[i], &nodes[best])))
			best = i;
	return best;
}

bool budget_covers(const struct budget_node *p, const struct budget_node *c)
{
	if (!dim_ok(p->department, c->department) || !dim_ok(p->project, c->project) ||
	    !dim_ok(p->category, c->category) || strcmp(p->from, c->from) > 0 || strcmp(p->to, c->to) < 0)
		return false;
	return ndims(p) < ndims(c) || period_days(p) > period_days(c);
}

int budget_link(struct budget_node *nodes, int n)
{
	int changed = 0;

	for (int i = 0; i < n; i++) {
		int best = -1;
		int64_t parent;
		for (int j = 0; j < n; j++)
			if (j != i && budget_covers(&nodes[j], &nodes[i]) &&
			    (best < 0 || more_specific(&nodes[j], &nodes[best])))
				best = j;
		parent = best < 0 ? 0 : nodes[best].id;
		changed += parent != nodes[i].parent;
		nodes[i].parent = parent;
	}
	return changed;
}

void budget_claim_window(const struct claim *c, char from[11], char to[11])
{
	str_copy(from, "9999-12-31", 11);
	str_copy(to, "0000-01-01", 11);
	for (int i = 0; i < c->nlines; i++) {
		const char *d = c->lines[i].date;
		if (!date_valid(d))
			continue;
		if (strcmp(d, from) < 0)
			str_copy(from, d, 11);
		if (strcmp(d, to) > 0)
			str_copy(to, d, 11);
	}
}

static int charge_add(struct budget_charge *out, int nout, int max, int node, int64_t amount)
{
	for (int k = 0; k < nout; k++)
		if (out[k].node == node) {
			out[k].amount += amount;
			return nout;
		}
	if (nout >= max)
		return -1;
	out[nout].node = node;
	out[nout].amount = amount;
	return nout + 1;
}

int budget_plan(const struct budget_node *nodes, int n, const struct claim *c, const char *department,
		struct budget_charge *out, int max, int *line_node)
{
	const char *project = claim_value(c, "project");
	int nout = 0;

	for (int i = 0; i < c->nlines; i++) {
		struct budget_facts f = { department, project, c->lines[i].category, c->lines[i].date };
		if (!strcmp(c->lines[i].category, CATEGORY_ADVANCE)) {
			/* an advance is money lent, not spent */
			if (line_node)
				line_node[i] = -1;
			continue;
		}
		if (line_node)
			line_node[i] = budget_match(nodes, n, &f);
		/*
		 * Every node the line matches: the most specific one and its
		 * ancestors, and any other node that covers the line without
		 * being one of them (a quarter's budget beside a year's budget
		 * of a category), so no blocking budget is ever passed by.
		 */
		for (int k = 0; k < n; k++)
			if (budget_node_matches(&nodes[k], &f) &&
			    (nout = charge_add(out, nout, max, k, c->lines[i].amount)) < 0)
				return -1;
	}
	return nout;
}

int budget_evaluate(const struct budget_node *nodes, const struct budget_charge *charges, int ncharges,
		    struct budget_verdict *out, int *blocking)
{
	int nout = 0;

	*blocking = 0;
	for (int k = 0; k < ncharges; k++) {
		const struct budget_node *node = &nodes[charges[k].node];
		int64_t used, over;
		/* past int64 is past any limit */
		if (__builtin_add_overflow(node->committed, node->actual, &used) ||
		    __builtin_add_overflow(used, charges[k].amount, &used))
			used = INT64_MAX;
		over = used - budget_limit(node);
		bool over_limit = node->mode != BUDGET_TRACK && over > 0 && charges[k].amount > 0;
		if (!over_limit && !(node->frozen && charges[k].amount > 0))
			continue;
		out[nout].node = charges[k].node;
		out[nout].blocks = node->frozen || node->mode == BUDGET_BLOCK;
		out[nout].need = charges[k].amount;
		out[nout].available = budget_available(node);
		out[nout].shortfall = over > 0 ? over : 0;
		*blocking += out[nout].blocks;
		nout++;
	}
	return nout;
}

void budget_findings(struct claim *c, const struct budget_node *nodes, const struct budget_verdict *v, int nv)
{
	int keep = 0;

	for (int i = 0; i < c->nfindings; i++)
		if (strcmp(c->findings[i].rule, "budget"))
			c->findings[keep++] = c->findings[i];
	c->nfindings = keep;
	for (int i = 0; i < nv; i++) {
		const struct budget_node *n = &nodes[v[i].node];
		char label[400], avail[32], need[32], short_by[32];
		budget_node_label(n, label, sizeof(label));
		money_format(v[i].available, avail, sizeof(avail), MONEY_GROUP);
		money_format(v[i].need, need, sizeof(need), MONEY_GROUP);
		money_format(v[i].shortfall, short_by, sizeof(short_by), MONEY_GROUP);
		if (n->frozen)
			claim_add_finding(c, FINDING_ERROR, "budget", 0, "", _("budget %s %s is frozen"), label,
					  n->period);
		else
			claim_add_finding(c, v[i].blocks ? FINDING_ERROR : FINDING_WARN, "budget", 0, "",
					  _("budget %s %s: %s left, this claim needs %s, short by %s"), label,
					  n->period, avail, need, short_by);
	}
}
