/*
 * fuzz_cmd_split.c - cmd_split() on arbitrary command lines (the command a
 * client sends with `ssh host COMMAND ...`).
 *
 * buf and argv are heap blocks of exactly the documented sizes (strlen+1
 * bytes, max pointers), so any write past them is caught by ASan.
 * Invariants (include/bursar/cmd.h):
 *   - the result is -1..max;
 *   - every argv[i] points into buf and is NUL-terminated inside buf; the
 *     arguments follow each other without overlapping;
 *   - without quotes or backslashes the split is plain whitespace splitting.
 */
#include "bursar/cmd.h"

#include "fuzz.h"

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reference split for lines without quoting characters. */
static int plain_split(const char *line, int max, const char **words, size_t *lens)
{
	int n = 0;

	for (const char *p = line;;) {
		while (is_space(*p))
			p++;
		if (!*p)
			return n;
		if (n >= max)
			return -1;
		words[n] = p;
		while (*p && !is_space(*p))
			p++;
		lens[n] = (size_t)(p - words[n]);
		n++;
	}
}

static void split_check(const char *line, int max)
{
	size_t len = strlen(line);
	char *buf = malloc(len + 1);
	char **argv = malloc((size_t)max * sizeof(char *));
	int argc;

	if (!buf || !argv)
		abort();
	argc = cmd_split(line, buf, argv, max);
	FUZZ_CHECK(argc >= -1 && argc <= max);
	if (argc > 0) {
		const char *end = buf + len + 1; /* one past the last byte of buf */
		const char *prev_end = buf;
		for (int i = 0; i < argc; i++) {
			const char *a = argv[i], *nul;
			FUZZ_CHECK(a >= buf && a < end);
			FUZZ_CHECK(a >= prev_end);
			nul = memchr(a, '\0', (size_t)(end - a));
			FUZZ_CHECK(nul != NULL);
			prev_end = nul + 1;
		}
	}
	if (!strpbrk(line, "'\"\\")) {
		const char *words[CMD_MAX_ARGS];
		size_t lens[CMD_MAX_ARGS];
		int ref = plain_split(line, max, words, lens);
		FUZZ_CHECK(argc == ref);
		for (int i = 0; i < argc; i++)
			FUZZ_CHECK(strlen(argv[i]) == lens[i] && !memcmp(argv[i], words[i], lens[i]));
	}
	free(argv);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstr(data, size);

	split_check(line, CMD_MAX_ARGS);
	split_check(line, 3);
	split_check(line, 1);
	free(line);
	return 0;
}
