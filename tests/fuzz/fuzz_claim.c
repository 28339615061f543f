/*
 * fuzz_claim.c - a claim as scripts send it (`claim create` JSON on stdin):
 * jansson, then claim_from_json() and every check of claim_check() against
 * the shipped travel form's rules.
 *
 * Invariants (include/bursar/claim.h, src/cmd/internal.h):
 *   - input is either refused with a message or gives at most
 *     CLAIM_MAX_LINES lines, each with a NUL-terminated category and date;
 *   - claim_check() returns the number of blocking findings, the total is
 *     the sum of the lines, and on a claim with no blocking finding every
 *     line's deductible tax lies between 0 and its amount;
 *   - everything is freed (LeakSanitizer).
 */
#include "../../src/cmd/internal.h"

#include "bursar/category.h"
#include "bursar/claim.h"
#include "bursar/config.h"
#include "bursar/form.h"

#include "fuzz.h"

static const char travel[] =
    "# 差旅费报销 | Travel\n\nHelp.\n\n"
    "```field\nname: purpose\nlabel: 事由 | Purpose\ntype: text\nrequired: yes\nmax: 20\n```\n\n"
    "```field\nname: dates\nlabel: 日期 | Dates\ntype: daterange\n```\n\n"
    "```field\nname: people\nlabel: 人数 | People\ntype: number\nmin: 1\nmax: 50\n```\n\n"
    "```field\nname: kind\nlabel: 类型 | Kind\ntype: choice\noptions: a | b\n```\n\n"
    "```field\nname: code\nlabel: 编码 | Code\ntype: text\npattern: ^[A-Z]{2}[0-9]+$\n```\n\n"
    "```categories\ntravel.rail\ntravel.road\nlodging staff=500.00 *=800.00\nmeals *=150.00\n"
    "office\n```\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct form f;
	static struct config cfg;
	static bool ready;
	struct claim_peer peer = { "BX202611-0001", "2026-11-01", "2026-11-03", NULL, NULL, 0 };
	struct claim_context ctx = { 0 };
	struct claim c;
	json_error_t jerr;
	json_t *root;
	char msg[512];
	int64_t total = 0;
	int blocking = 0, n;

	if (!ready) {
		char errs[1024];
		FUZZ_CHECK(form_parse("travel", travel, &f, NULL, NULL, errs, sizeof(errs)) == 0);
		config_defaults(&cfg);
		ready = true;
	}
	root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return 0;
	claim_init(&c);
	msg[0] = '\0';
	if (!json_is_object(root) || claim_from_json(root, &c, true, msg, sizeof(msg))) {
		FUZZ_CHECK(!json_is_object(root) || (msg[0] && fuzz_terminated(msg, sizeof(msg))));
		goto out;
	}
	FUZZ_CHECK(c.nlines <= CLAIM_MAX_LINES);
	ctx.form = &f;
	ctx.categories = category_defaults;
	ctx.ncategories = category_default_count;
	ctx.rank = "staff";
	ctx.today = "2026-11-25";
	ctx.cfg = &cfg;
	ctx.peers = &peer;
	ctx.npeers = 1;
	ctx.lang = "en";
	n = claim_check(&c, &ctx);
	for (int i = 0; i < c.nfindings; i++) {
		FUZZ_CHECK(fuzz_terminated(c.findings[i].message, sizeof(c.findings[i].message)));
		FUZZ_CHECK(c.findings[i].line >= 0 && c.findings[i].line <= c.nlines);
		blocking += c.findings[i].level == FINDING_ERROR;
	}
	FUZZ_CHECK(n == blocking);
	for (int i = 0; i < c.nlines; i++) {
		FUZZ_CHECK(fuzz_terminated(c.lines[i].category, sizeof(c.lines[i].category)));
		FUZZ_CHECK(fuzz_terminated(c.lines[i].date, sizeof(c.lines[i].date)));
		total += c.lines[i].amount;
		if (!blocking)
			FUZZ_CHECK(c.lines[i].deductible >= 0 && c.lines[i].deductible <= c.lines[i].amount);
	}
	FUZZ_CHECK(total == c.total);
out:
	claim_release(&c);
	json_decref(root);
	return 0;
}
