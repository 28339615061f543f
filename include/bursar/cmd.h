/*
 * cmd.h - the scripting interface: `ssh host COMMAND [ARGS]`.
 *
 * Every command is one entry of cmd_table (name, usage, summary, roles,
 * handler); dispatch, role checks and `help` are all driven by the table.
 * Exit status: 0 success, 1 failure (message on stderr), 2 usage error.
 */
#ifndef BURSAR_CMD_H
#define BURSAR_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "bursar/app.h"
#include "bursar/form.h"

enum { CMD_OK = 0, CMD_FAIL = 1, CMD_USAGE = 2 };

#define CMD_MAX_ARGS 64

struct cmd_entry {
	const char *name; /* one or two words: "whoami", "audit verify" */
	const char *usage; /* arguments after the name */
	const char *summary; /* N_() text, translated when shown */
	unsigned roles; /* ROLE_BIT mask; ROLE_ANY = everyone */
	int (*run)(struct app *app, int argc, char **argv, FILE *out, FILE *err);
};

extern const struct cmd_entry cmd_table[];
extern const size_t cmd_table_size;

/*
 * Splits a command line with shell-like quoting ('...', "...", backslash).
 * Returns argc (0 for an empty line) or -1 for unbalanced quotes or too many
 * arguments.  argv points into buf, which must hold strlen(line)+1 bytes.
 */
int cmd_split(const char *line, char *buf, char **argv, int max);
/* Runs a command line for app->user; returns the exit status. */
int cmd_run_line(struct app *app, const char *line, FILE *out, FILE *err);
/* Runs an already split command. */
int cmd_run(struct app *app, int argc, char **argv, FILE *out, FILE *err);
/* Whether the person may run the entry. */
int cmd_allowed(const struct cmd_entry *c, const struct user *u);
/* Writes the command reference as a Markdown table (for docs). */
void cmd_write_reference(FILE *out);

#endif
