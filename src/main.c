/*
 * main.c - the bursar program: wires core, store, directory and the front
 * ends together and dispatches the top-level command line.
 */
#include "bursar/app.h"
#include "bursar/cmd.h"
#include "bursar/config.h"
#include "bursar/err.h"
#include "bursar/export.h"
#include "bursar/form.h"
#include "bursar/i18n.h"
#include "bursar/ledger.h"
#include "bursar/log.h"
#include "bursar/server.h"
#include "bursar/service.h"
#include "bursar/store.h"
#include "bursar/ui.h"
#include "bursar/util.h"
#include "bursar/workflow.h"

#include <libgen.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BURSAR_VERSION
#define BURSAR_VERSION "0.1.0"
#endif

static char themes_dir[PATH_MAX + 64];
static char forms_dir[PATH_MAX + 64];
static char locale_dir[PATH_MAX + 64];
static const struct app_paths paths = { themes_dir, forms_dir };

static const char usage_text[] = "usage: bursar COMMAND [OPTIONS]\n"
				 "\n"
				 "  serve --config FILE          serve the SSH interface\n"
				 "  check-config --config FILE   validate a configuration file and exit\n"
				 "  check-forms --config FILE [--forms DIR]\n"
				 "                               check the claim forms (FILE:LINE: reason)\n"
				 "  audit verify --config FILE   check the audit log's hash chain on this host\n"
				 "  remind --config FILE         escalate overdue approval tasks once (the server\n"
				 "                               also does it every [approval] remind_minutes)\n"
				 "  export --once --config FILE  export the approved claims once (the server runs\n"
				 "                               the exporter every [export] interval_seconds)\n"
				 "  exporter --config FILE       run the exporter alone, in the foreground\n"
				 "  reference keys|commands      print the key or command reference (Markdown)\n"
				 "  --version                    print the version\n"
				 "  --help                       print this help\n"
				 "\n"
				 "People use bursar over SSH: `ssh -p PORT user@host` for the full-screen\n"
				 "interface, `ssh -p PORT user@host help` for the scripting commands.\n";

/* Finds themes/ and locale/ next to the program (source tree or installed). */
static void locate_data(void)
{
	char exe[PATH_MAX], dir[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0) {
		str_copy(themes_dir, "themes", sizeof(themes_dir));
		str_copy(forms_dir, "forms", sizeof(forms_dir));
		str_copy(locale_dir, "locale", sizeof(locale_dir));
		return;
	}
	exe[n] = '\0';
	str_copy(dir, dirname(exe), sizeof(dir));
	snprintf(probe, sizeof(probe), "%s/../themes", dir);
	if (access(probe, R_OK) == 0)
		str_copy(themes_dir, probe, sizeof(themes_dir));
	else
		snprintf(themes_dir, sizeof(themes_dir), "%s/../share/bursar/themes", dir);
	snprintf(probe, sizeof(probe), "%s/../forms", dir);
	if (access(probe, R_OK) == 0)
		str_copy(forms_dir, probe, sizeof(forms_dir));
	else
		snprintf(forms_dir, sizeof(forms_dir), "%s/../share/bursar/forms", dir);
	snprintf(probe, sizeof(probe), "%s/locale", dir);
	if (access(probe, R_OK) == 0)
		str_copy(locale_dir, probe, sizeof(locale_dir));
	else
		snprintf(locale_dir, sizeof(locale_dir), "%s/../share/locale", dir);
}

static int shell_frontend(struct app *app)
{
	return ui_run(app);
}

static int exec_frontend(struct app *app, const char *command)
{
	i18n_set_language(app_language(app));
	app->in = stdin;
	return cmd_run_line(app, command, stdout, stderr);
}

static const char *config_arg(int argc, char **argv)
{
	for (int i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "--config"))
			return argv[i + 1];
	return NULL;
}

static int load_config(int argc, char **argv, struct config *cfg)
{
	const char *path = config_arg(argc, argv);
	char msg[BR_MSG_MAX];

	if (!path) {
		fprintf(stderr, "bursar: --config FILE is required\n");
		return 2;
	}
	config_defaults(cfg);
	if (config_load(cfg, path, msg, sizeof(msg))) {
		fprintf(stderr, "bursar: %s\n", msg);
		return 1;
	}
	return 0;
}

/*
 * Checks forms/ against the category table.  At start-up (quiet) problems
 * are logged and the other forms still serve; check-forms prints them.
 * Returns the number of forms left out, or -1 if nothing can be checked.
 */
static int check_forms(const struct config *cfg, bool quiet)
{
	struct form_set set;
	struct store *store = NULL;
	char msg[BR_MSG_MAX], errs[8192] = "";
	int left_out, nworkflows = 0, nworkflows_bad = 0, unrouted = 0, nledgers = 0, nledgers_bad = 0;

	if (store_open(cfg->store.path, cfg->store.synchronous_full, &store, msg, sizeof(msg))) {
		fprintf(stderr, "bursar: [store] path: %s\n", msg);
		return -1;
	}
	left_out = store_forms_load(store, forms_dir, &set, errs, sizeof(errs));
	store_close(store);
	if (left_out < 0) {
		fprintf(stderr, "bursar: cannot read the forms folder %s\n", forms_dir);
		return quiet ? 0 : -1;
	}
	{
		/* Workflows too: a form naming a missing or broken one cannot be submitted. */
		struct workflow_set wfs;
		char path[PATH_MAX + 16];
		size_t used;
		snprintf(path, sizeof(path), "%.4000s/workflows", forms_dir);
		nworkflows_bad = workflow_set_load(&wfs, path, errs, sizeof(errs));
		if (nworkflows_bad < 0) {
			used = strlen(errs);
			snprintf(errs + used, sizeof(errs) - used, "%s: cannot read the workflows folder\n", path);
			nworkflows_bad = 1;
		}
		for (int i = 0; i < set.n; i++)
			if (!workflow_set_find(&wfs, set.forms[i].workflow)) {
				used = strlen(errs);
				snprintf(errs + used, sizeof(errs) - used,
					 "%s:1: workflow `%s` (workflows/%s.md) is missing or has problems\n", set.forms[i].id,
					 set.forms[i].workflow, set.forms[i].workflow);
				left_out++;
				unrouted++;
			}
		nworkflows = wfs.n;
		{
			/* Ledger templates, and the workflows their actions name. */
			struct ledger_set ls;
			snprintf(path, sizeof(path), "%.4000s/ledgers", forms_dir);
			nledgers_bad = ledger_set_load(&ls, path, errs, sizeof(errs));
			for (int i = 0; i < ls.n; i++)
				for (int k = 0; k < ls.items[i].nactions; k++)
					if (!workflow_set_find(&wfs, ls.items[i].actions[k].workflow)) {
						used = strlen(errs);
						snprintf(errs + used, sizeof(errs) - used,
							 "%s:%d: action `%s`: workflow `%s` is missing or has problems\n",
							 ls.items[i].id, ls.items[i].actions[k].line,
							 ls.items[i].actions[k].name, ls.items[i].actions[k].workflow);
						nledgers_bad++;
					}
			nledgers = ls.n;
			ledger_set_release(&ls);
		}
		workflow_set_release(&wfs);
	}
	if (quiet) {
		for (char *line = strtok(errs, "\n"); line; line = strtok(NULL, "\n"))
			log_event("form problem: %s", line);
	} else {
		fputs(errs, stderr);
		printf("%d form(s) usable, %d left out; %d workflow(s) usable, %d left out; %d ledger(s) usable, %d left "
		       "out (%s)\n",
		       set.n - unrouted, left_out, nworkflows, nworkflows_bad, nledgers, nledgers_bad, forms_dir);
	}
	form_set_release(&set);
	return left_out + nworkflows_bad + nledgers_bad;
}

/* Form problems at start-up are logged; the usable forms serve. */
static int prepare_serving(const struct config *cfg)
{
	return check_forms(cfg, true) < 0;
}

static int local_audit_verify(const struct config *cfg)
{
	struct user operator;
	struct app app = { 0 };
	char msg[BR_MSG_MAX];
	char *argv[] = { "audit", "verify", NULL };
	int ret;

	user_init(&operator);
	str_copy(operator.uid, "(local)", sizeof(operator.uid));
	operator.roles = ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_AUDITOR);
	app.cfg = cfg;
	app.user = &operator;
	app.themes_dir = themes_dir;
	app.forms_dir = forms_dir;
	app.client_lang = "";
	if (store_open(cfg->store.path, cfg->store.synchronous_full, &app.store, msg, sizeof(msg))) {
		fprintf(stderr, "bursar: %s\n", msg);
		return 1;
	}
	ret = cmd_run(&app, 2, argv, stdout, stderr);
	store_close(app.store);
	return ret;
}

/*
 * The server's background: the exporter in a process of its own (it ends
 * when this one does), and the reminder job here.
 */
static void background_jobs(const struct config *cfg)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_NAME, "bursar-export", 0, 0, 0);
		export_loop(cfg, true);
		_exit(0);
	}
	service_reminder_loop(cfg);
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* `bursar export --once` / `bursar exporter`: the exporter without the server. */
static int run_exporter(int argc, char **argv, bool loop)
{
	struct config cfg;
	struct store *store = NULL;
	struct export_report r;
	char msg[BR_MSG_MAX];
	int ret;

	if ((ret = load_config(argc, argv, &cfg)))
		return ret;
	if (loop) {
		export_loop(&cfg, false);
		return 0;
	}
	if (store_open(cfg.store.path, cfg.store.synchronous_full, &store, msg, sizeof(msg))) {
		fprintf(stderr, "bursar: %s\n", msg);
		return 1;
	}
	ret = export_run(&cfg, store, NULL, "-", &r, msg, sizeof(msg));
	store_close(store);
	if (ret) {
		fprintf(stderr, "bursar: export: %s\n", msg);
		return 1;
	}
	printf("%d voucher(s) in %d batch(es), %d file(s) written%s%s\n", r.vouchers, r.batches, r.files,
	       r.skipped ? "; left approved: " : "", r.skipped ? r.skipped_msg : "");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct server_frontends frontends = { prepare_serving, shell_frontend, exec_frontend,
							   background_jobs };
	struct config cfg;
	int ret;

	locate_data();
	i18n_init(locale_dir);
	i18n_set_language("en");
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("bursar %s\n", BURSAR_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "reference") && argc == 3 && !strcmp(argv[2], "keys")) {
		ui_write_key_reference(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "reference") && argc == 3 && !strcmp(argv[2], "commands")) {
		cmd_write_reference(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "serve")) {
		if ((ret = load_config(argc, argv, &cfg)))
			return ret;
		return server_run(&cfg, &frontends, &paths);
	}
	if (!strcmp(argv[1], "check-forms")) {
		if ((ret = load_config(argc, argv, &cfg)))
			return ret;
		for (int i = 2; i < argc - 1; i++)
			if (!strcmp(argv[i], "--forms"))
				str_copy(forms_dir, argv[i + 1], sizeof(forms_dir));
		return check_forms(&cfg, false) == 0 ? 0 : 1;
	}
	if (!strcmp(argv[1], "check-config")) {
		if ((ret = load_config(argc, argv, &cfg)))
			return ret;
		printf("%s: ok\n", config_arg(argc, argv));
		return 0;
	}
	if (!strcmp(argv[1], "audit") && argc >= 3 && !strcmp(argv[2], "verify")) {
		if ((ret = load_config(argc, argv, &cfg)))
			return ret;
		return local_audit_verify(&cfg);
	}
	if (!strcmp(argv[1], "export") && argc >= 3 && !strcmp(argv[2], "--once"))
		return run_exporter(argc, argv, false);
	if (!strcmp(argv[1], "exporter"))
		return run_exporter(argc, argv, true);
	if (!strcmp(argv[1], "remind")) {
		struct store *store = NULL;
		char msg[BR_MSG_MAX];
		int moved = 0;
		if ((ret = load_config(argc, argv, &cfg)))
			return ret;
		if (store_open(cfg.store.path, cfg.store.synchronous_full, &store, msg, sizeof(msg))) {
			fprintf(stderr, "bursar: %s\n", msg);
			return 1;
		}
		ret = service_escalate_once(&cfg, store, &moved);
		store_close(store);
		printf("%d overdue task(s) escalated\n", moved);
		return ret ? 1 : 0;
	}
	fprintf(stderr, "bursar: unknown command `%s`\n\n%s", argv[1], usage_text);
	return 2;
}
