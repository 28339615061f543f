/*
 * reminder.c - the reminder job: tasks overdue for longer than [approval]
 * escalate_hours go to the assignee's manager (from the directory), with a
 * timeline entry and an audit record.  The server runs it every
 * remind_minutes in a process of its own; `bursar remind` runs one pass.
 */
#include "bursar/directory.h"
#include "bursar/err.h"
#include "bursar/log.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct due_list {
	struct task_due *items;
	int n;
};

static int collect_due(const struct task_due *t, void *arg)
{
	struct due_list *l = arg;

	l->items = xrealloc(l->items, sizeof(*l->items) * (size_t)(l->n + 1));
	l->items[l->n++] = *t;
	return 0;
}

/*
 * The first manager above the assignee who may take the task: not the
 * claimant, and not someone already approving or holding this claim.
 */
static int next_manager(const struct config *cfg, struct store *s, const struct task_due *d,
			char out[USER_LOGIN_MAX + 1])
{
	char cur[USER_LOGIN_MAX + 1];

	str_copy(cur, d->assignee, sizeof(cur));
	/* ten levels is deeper than any real organisation; it also stops a loop */
	for (int level = 0; level < 10; level++) {
		struct user u;
		int ret;
		user_init(&u);
		ret = directory_lookup(cfg, cur, &u);
		if (ret == BR_OK && !u.manager_uid[0])
			ret = BR_ERR_NOT_FOUND;
		if (ret == BR_OK)
			str_copy(cur, u.manager_uid, sizeof(cur));
		user_release(&u);
		if (ret)
			return ret == BR_ERR_UNAVAILABLE ? ret : BR_ERR_NOT_FOUND;
		if (strcmp(cur, d->owner) && store_claim_engaged(s, d->claim_id, cur) == BR_ERR_NOT_FOUND) {
			str_copy(out, cur, USER_LOGIN_MAX + 1);
			return BR_OK;
		}
	}
	return BR_ERR_NOT_FOUND;
}

int service_escalate_once(const struct config *cfg, struct store *s, int *moved)
{
	struct due_list due = { 0 };
	char cutoff[32];
	time_t t = time(NULL) - (time_t)cfg->approval.escalate_hours * 3600;
	struct tm tm;
	int ret;

	*moved = 0;
	gmtime_r(&t, &tm);
	strftime(cutoff, sizeof(cutoff), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	if ((ret = store_tasks_overdue(s, cutoff, collect_due, &due)))
		return ret;
	for (int i = 0; i < due.n; i++) {
		const struct task_due *d = &due.items[i];
		char to[USER_LOGIN_MAX + 1];
		int rc = next_manager(cfg, s, d, to);
		if (rc == BR_OK && store_task_escalate(s, d->task_id, to) == BR_OK) {
			(*moved)++;
			log_event("escalated %s from %s to %s (due %s)", d->number, d->assignee, to, d->due_at);
		} else if (rc == BR_ERR_UNAVAILABLE) {
			log_event("cannot escalate %s now: the directory did not answer", d->number);
		} else if (rc) {
			log_event("cannot escalate %s: nobody above %s may take it", d->number, d->assignee);
		}
	}
	free(due.items);
	return BR_OK;
}

void service_reminder_loop(const struct config *cfg)
{
	struct store *s = NULL;
	char msg[BR_MSG_MAX];

	if (store_open(cfg->store.path, cfg->store.synchronous_full, &s, msg, sizeof(msg))) {
		log_event("reminder: %s", msg);
		return;
	}
	log_event("reminder: escalating tasks overdue by %d h, every %d min", cfg->approval.escalate_hours,
		  cfg->approval.remind_minutes);
	for (;;) {
		int moved = 0;
		/* sleep in short naps so that the listener going away ends us soon */
		for (int i = 0; i < cfg->approval.remind_minutes * 60; i++) {
			if (getppid() == 1)
				goto out;
			sleep(1);
		}
		if (service_escalate_once(cfg, s, &moved))
			log_event("reminder: cannot read overdue tasks");
	}
out:
	store_close(s);
}
