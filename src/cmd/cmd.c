/*
 * cmd.c - command-line splitting, dispatch and the generated help.
 */
#include "bursar/cmd.h"
#include "bursar/i18n.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>

int cmd_split(const char *line, char *buf, char **argv, int max)
{
	const char *p = line;
	char *o = buf;
	int argc = 0;

	for (;;) {
		char quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		if (argc >= max)
			return -1;
		argv[argc] = o;
		while (*p && (quote || (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r'))) {
			if (quote) {
				if (*p == quote) {
					quote = 0;
					p++;
					continue;
				}
				if (quote == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*o++ = *p++;
				continue;
			}
			if (*p == '\'' || *p == '"') {
				quote = *p++;
				continue;
			}
			if (*p == '\\' && p[1])
				p++;
			*o++ = *p++;
		}
		if (quote)
			return -1;
		*o++ = '\0';
		argc++;
	}
	return argc;
}

int cmd_allowed(const struct cmd_entry *c, const struct user *u)
{
	return c->roles == ROLE_ANY || (u->roles & c->roles) != 0;
}

/* Longest table name matching the first one or two words. */
static const struct cmd_entry *cmd_find(int argc, char **argv, int *words)
{
	const struct cmd_entry *best = NULL;

	for (size_t i = 0; i < cmd_table_size; i++) {
		const struct cmd_entry *c = &cmd_table[i];
		const char *sp = strchr(c->name, ' ');
		if (!sp) {
			if (!strcmp(c->name, argv[0]) && !best) {
				best = c;
				*words = 1;
			}
		} else if (argc >= 2 && !strncmp(c->name, argv[0], (size_t)(sp - c->name)) &&
			   strlen(argv[0]) == (size_t)(sp - c->name) && !strcmp(sp + 1, argv[1])) {
			*words = 2;
			return c;
		}
	}
	return best;
}

static int group_known(const char *word)
{
	for (size_t i = 0; i < cmd_table_size; i++) {
		const char *sp = strchr(cmd_table[i].name, ' ');
		if (sp && strlen(word) == (size_t)(sp - cmd_table[i].name) &&
		    !strncmp(cmd_table[i].name, word, strlen(word)))
			return 1;
	}
	return 0;
}

int cmd_run(struct app *app, int argc, char **argv, FILE *out, FILE *err)
{
	const struct cmd_entry *c;
	int words = 1;

	if (argc == 0) {
		fprintf(err, _("bursar: no command given; run `help` for the list\n"));
		return CMD_USAGE;
	}
	c = cmd_find(argc, argv, &words);
	if (!c) {
		if (group_known(argv[0]))
			fprintf(err, _("bursar: `%s` needs a subcommand; run `help` for the list\n"), argv[0]);
		else
			fprintf(err, _("bursar: unknown command `%s`; run `help` for the list\n"), argv[0]);
		return CMD_USAGE;
	}
	if (!cmd_allowed(c, app->user)) {
		fprintf(err, _("bursar: `%s` is not available to you (your roles do not allow it)\n"), c->name);
		return CMD_FAIL;
	}
	/* The handler sees argv[0] = the command name, then its own arguments. */
	return c->run(app, argc - words + 1, argv + words - 1, out, err);
}

int cmd_run_line(struct app *app, const char *line, FILE *out, FILE *err)
{
	char *argv[CMD_MAX_ARGS];
	char *buf = xmalloc(strlen(line) + 1);
	int argc = cmd_split(line, buf, argv, CMD_MAX_ARGS);
	int ret;

	if (argc < 0) {
		fprintf(err, _("bursar: cannot parse the command line (unbalanced quotes or more than %d arguments)\n"),
			CMD_MAX_ARGS);
		ret = CMD_USAGE;
	} else {
		ret = cmd_run(app, argc, argv, out, err);
	}
	free(buf);
	return ret;
}

void cmd_write_reference(FILE *out)
{
	fputs("| command | arguments | roles | what it does |\n|---|---|---|---|\n", out);
	for (size_t i = 0; i < cmd_table_size; i++) {
		const struct cmd_entry *c = &cmd_table[i];
		char roles[96];
		if (c->roles == ROLE_ANY)
			str_copy(roles, "any", sizeof(roles));
		else
			role_mask_format(c->roles, roles, sizeof(roles));
		fprintf(out, "| `%s` | `", c->name);
		/* A "|" inside a Markdown table cell must be escaped. */
		for (const char *p = c->usage; *p; p++)
			fputs(*p == '|' ? "\\|" : (char[]){ *p, 0 }, out);
		fprintf(out, "` | %s | %s |\n", roles, c->summary);
	}
}
