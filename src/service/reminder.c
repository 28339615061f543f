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
		struct user u;
		user_init(&u);
		if (directory_lookup(cfg, due.items[i].assignee, &u) == BR_OK && u.manager_uid[0]) {
			int rc = store_task_escalate(s, due.items[i].task_id, u.manager_uid);
			if (rc == BR_OK) {
				(*moved)++;
				log_event("escalated %s from %s to %s (due %s)", due.items[i].number,
					  due.items[i].assignee, u.manager_uid, due.items[i].due_at);
			}
		} else {
			log_event("cannot escalate %s: %s has no manager in the directory", due.items[i].number,
				  due.items[i].assignee);
		}
		user_release(&u);
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
