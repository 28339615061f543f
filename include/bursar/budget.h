/*
 * budget.h - budgets (预算): nodes by department, project and expense
 * category for a period, each with a control mode and an allowed overrun;
 * which node an expense line counts against; and whether a claim fits.
 *
 * Nodes form a tree that follows from the nodes themselves: a node's parent
 * is the most specific other node that covers it (fewer dimensions, all of
 * them equal, and a period that contains its period).  A line counts
 * against the most specific node it matches and every ancestor of that
 * node, and against any other node it matches too (a quarter's budget
 * beside a category's budget for the year), so that no blocking budget is
 * passed by.  Pure domain code: the store keeps the committed and actual
 * sums.
 */
#ifndef BURSAR_BUDGET_H
#define BURSAR_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bursar/claim.h"

enum budget_mode {
	BUDGET_BLOCK, /* a submission beyond the limit is refused */
	BUDGET_WARN, /* it goes through with a finding the approver sees */
	BUDGET_TRACK, /* only counted */
	BUDGET_MODE_COUNT
};

#define BUDGET_DIM_MAX 128
#define BUDGET_PERIOD_MAX 8 /* "2026", "2026-H1", "2026-Q4", "2026-11" */
#define BUDGET_OVERRUN_MAX 10000 /* basis points: at most 100% over */

struct budget_node {
	int64_t id;
	int64_t parent; /* the parent's id, 0 for a root (see budget_link) */
	char department[BUDGET_DIM_MAX]; /* "" = any */
	char project[BUDGET_DIM_MAX];
	char category[33];
	char period[BUDGET_PERIOD_MAX];
	char from[11], to[11]; /* the period's first and last day */
	int64_t amount; /* fen */
	enum budget_mode mode;
	int overrun_bp; /* allowed overrun in basis points of amount: 500 = 5% */
	bool frozen; /* takes no new commitments, whatever the mode */
	int64_t committed; /* submitted and approved claims, fen */
	int64_t actual; /* exported (posted) claims, fen */
	char updated_at[32];
};

/* "block", "warn", "track"; -1 from _from_name for anything else. */
const char *budget_mode_name(enum budget_mode m);
int budget_mode_from_name(const char *name);
/* N_() label for display ("控制" once translated). */
const char *budget_mode_label(enum budget_mode m);

/*
 * Parses a period: a year "2026", a half "2026-H2", a quarter "2026-Q4"
 * (h and q in either case) or a month "2026-11".  Writes the normalised
 * text and the first and last day; BR_ERR_INVALID otherwise.
 */
int budget_period_parse(const char *text, char norm[BUDGET_PERIOD_MAX], char from[11], char to[11]);
/*
 * Parses an allowed overrun "5", "5%", "2.5" or "2.50%" (percent, at most
 * two decimals, 0 to 100) into basis points; BR_ERR_INVALID otherwise.
 */
int budget_overrun_parse(const char *text, int *bp);
/* "5%", "2.5%", "0%". */
void budget_overrun_format(int bp, char *out, size_t size);

/*
 * Checks a node's own values: a valid period (from and to are filled),
 * an amount from 0 to MONEY_MAX_FEN, a mode, an overrun in range, at least
 * one dimension or none (a company-wide node).  NULL when fine, else an
 * English reason (static; translate with _()).
 */
const char *budget_node_check(struct budget_node *n);

/* The amount plus the allowed overrun: what committed + actual may reach. */
int64_t budget_limit(const struct budget_node *n);
/* amount - committed - actual (negative when overspent). */
int64_t budget_available(const struct budget_node *n);
/* Per mille of amount used by committed + actual (0 when amount is 0). */
int budget_used_permille(const struct budget_node *n);

/* "研发部 · 项目A · travel" ("全公司" / "whole company" when it has no dimension). */
void budget_node_label(const struct budget_node *n, char *out, size_t size);

/* What an expense line is: the claim's department and project, the line's category and date. */
struct budget_facts {
	const char *department;
	const char *project;
	const char *category;
	const char *date;
};

bool budget_node_matches(const struct budget_node *n, const struct budget_facts *f);
/*
 * Whether p covers c: each of p's dimensions is c's too, p's period
 * contains c's, and p is wider (fewer dimensions or a longer period).
 */
bool budget_covers(const struct budget_node *p, const struct budget_node *c);
/* The index of the most specific node f matches, or -1. */
int budget_match(const struct budget_node *nodes, int n, const struct budget_facts *f);
/*
 * Sets every node's parent (by id) to the most specific other node that
 * covers it; nodes with the same dimensions and period cannot cover each
 * other.  Returns the number of parents that changed.
 */
int budget_link(struct budget_node *nodes, int n);

/*
 * The first and last line date of c: the only periods its lines can fall
 * in ("9999-12-31" and "0000-01-01" when it has no dated line).
 */
void budget_claim_window(const struct claim *c, char from[11], char to[11]);

/* An amount charged to a node (an index into the nodes given). */
struct budget_charge {
	int node;
	int64_t amount;
};

/*
 * Works out what claim c charges: each line to every node it matches (its
 * most specific node, that node's ancestors and any other), summed per node.  line_node (may be NULL; one per
 * line) gets each line's node index or -1.  Returns the number of charges
 * written to out (at most max), or -1 when max is too small.
 */
int budget_plan(const struct budget_node *nodes, int n, const struct claim *c, const char *department,
		struct budget_charge *out, int max, int *line_node);

/* A node that a claim's charges would take over its limit, or that is frozen. */
struct budget_verdict {
	int node; /* index */
	bool blocks; /* block mode, or frozen */
	int64_t need; /* this claim's charge */
	int64_t available; /* before this claim */
	int64_t shortfall; /* how far committed + actual + need exceeds the limit; 0 if within */
};

/*
 * Compares charges with each node's limit.  Writes a verdict for every
 * node that is frozen or would go over its limit (track nodes never do);
 * returns the number written, and *blocking how many of them block.
 */
int budget_evaluate(const struct budget_node *nodes, const struct budget_charge *charges, int ncharges,
		    struct budget_verdict *out, int *blocking);

/*
 * Replaces c's "budget" findings with one per verdict: an error for one
 * that blocks, a warning for a warn node.  Messages in the current locale.
 */
void budget_findings(struct claim *c, const struct budget_node *nodes, const struct budget_verdict *v, int nv);

#endif
