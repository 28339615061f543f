/*
 * fuzz_workflow.c - workflow files (forms/workflows/NAME.md): libcmark,
 * then the ```step parser, then wf_step_applies() on a few claims.
 *
 * Invariants (include/bursar/workflow.h):
 *   - every problem is one "fuzz.md:LINE: reason" line in errs, and the
 *     returned count matches the number of lines (when errs did not fill up);
 *   - a workflow without problems has a title, at most WF_MAX_STEPS steps,
 *     each named, at least one with a person approver, every auto step with
 *     a condition, levels 1..10 for manager steps and terminated strings;
 *   - condition evaluation never crashes, whatever the facts.
 */
#include "bursar/workflow.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cats[] = { "travel.air", "lodging" };
	char *text = fuzz_cstr(data, size), errs[4096] = "";
	struct workflow w;
	int n = workflow_parse("fuzz.md", text, &w, errs, sizeof(errs)), lines = 0, people = 0;

	FUZZ_CHECK(n >= 0 && fuzz_terminated(errs, sizeof(errs)));
	for (const char *p = errs; (p = strchr(p, '\n')); p++)
		lines++;
	if (strlen(errs) < sizeof(errs) - 400)
		FUZZ_CHECK(lines == n);
	for (const char *p = errs; *p; p = strchr(p, '\n') + 1)
		FUZZ_CHECK(!strncmp(p, "fuzz.md:", 8));
	FUZZ_CHECK(w.nsteps >= 0 && w.nsteps <= WF_MAX_STEPS);
	if (n == 0) {
		FUZZ_CHECK(w.title_zh[0] || w.title_en[0]);
		for (int i = 0; i < w.nsteps; i++) {
			const struct wf_step *s = &w.steps[i];
			FUZZ_CHECK(s->name_zh[0] && fuzz_terminated(s->name_zh, sizeof(s->name_zh)));
			FUZZ_CHECK(s->nconds >= 0 && s->nconds <= WF_MAX_CONDS);
			FUZZ_CHECK(s->approver != WF_AUTO || s->nconds > 0);
			FUZZ_CHECK(s->approver != WF_MANAGER || (s->levels >= 1 && s->levels <= 10));
			people += s->approver != WF_AUTO;
		}
		FUZZ_CHECK(people > 0);
	}
	for (int i = 0; i < w.nsteps; i++) {
		struct wf_facts f = { "zhangwei", "研发部", "北极星", 500000, cats, 2, 1 };
		(void)wf_step_applies(&w.steps[i], &f);
		f.department = NULL;
		f.project = NULL;
		f.ncategories = 0;
		f.total = -1;
		(void)wf_step_applies(&w.steps[i], &f);
	}
	free(text);
	return 0;
}
