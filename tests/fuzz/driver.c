/*
 * driver.c - a standalone replay + mutation main() for the fuzz targets, so
 * that they build with gcc and run in `make check` without libFuzzer.
 *
 *   fuzz_X [-n ITERATIONS] [-s SEED] PATH...
 *
 * Every PATH is a corpus file or a directory (its regular files, sorted, not
 * recursive).  Each corpus input is run once, then ITERATIONS (default 2000)
 * inputs made by mutating corpus inputs with a PRNG seeded by SEED (default
 * 1), so a run is reproducible.  Every input is passed in a fresh malloc'd
 * buffer of exactly its size so that AddressSanitizer catches over-reads.
 * A crash aborts (non-zero exit); otherwise one line "fuzz_X: N inputs ok".
 *
 * Set FUZZ_DUMP=path to have each input written there before it runs (the
 * file left behind after a crash is the reproducer).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define FUZZ_MAX_INPUT (64 * 1024)

struct input {
	uint8_t *data;
	size_t size;
};

static struct input *corpus;
static size_t ncorpus, corpus_cap;
static const char *dump_path;

static void *xalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "driver: out of memory\n");
		exit(2);
	}
	return p;
}

static void add_input(const uint8_t *data, size_t size)
{
	if (ncorpus == corpus_cap) {
		corpus_cap = corpus_cap ? corpus_cap * 2 : 16;
		corpus = realloc(corpus, corpus_cap * sizeof(*corpus));
		if (!corpus) {
			fprintf(stderr, "driver: out of memory\n");
			exit(2);
		}
	}
	corpus[ncorpus].data = xalloc(size);
	if (size)
		memcpy(corpus[ncorpus].data, data, size);
	corpus[ncorpus].size = size;
	ncorpus++;
}

static int load_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = xalloc(FUZZ_MAX_INPUT);
	n = fread(buf, 1, FUZZ_MAX_INPUT, f);
	if (ferror(f)) {
		fprintf(stderr, "driver: %s: read error\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	add_input(buf, n);
	free(buf);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_path(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int ret = 0;

	if (stat(path, &st)) {
		fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return load_file(path);
	if (!(d = opendir(path))) {
		fprintf(stderr, "driver: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(path) + strlen(e->d_name) + 2;
		char *full = xalloc(len);
		struct stat fst;

		snprintf(full, len, "%s/%s", path, e->d_name);
		if (stat(full, &fst) || !S_ISREG(fst.st_mode)) {
			free(full);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				fprintf(stderr, "driver: out of memory\n");
				exit(2);
			}
		}
		names[n++] = full;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (load_file(names[i]))
			ret = -1;
		free(names[i]);
	}
	free(names);
	return ret;
}

/* splitmix64: tiny, good enough, identical everywhere. */
static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform-ish value in [0, n); n > 0. */
static size_t below(size_t n)
{
	return (size_t)(rng() % n);
}

static const uint8_t interesting[] = {
	0x00, 0xff, 0x7f, 0x80, 0x01, 0x1b, '(', ')', '*', '\\', '%', '"', '\'', '\n', '\r', '\t',
	' ', '[', ']', '=', ';', '#', ':', ',', '.', 's', '&', '|', '!', 0xc0, 0xe2, 0xf0,
};

/* Multi-byte tokens that single-byte mutations rarely build. */
static const char *const tokens[] = {
	"%s", "%n", "%%", "\\\"", "\\\\", "''", "\"\"", "\xe2\x80\xa6", "\xe5\xbc\xa0", "\xe4\xbc\x9f",
	"\xef\xbc\xa1", "\xcc\x81", "\xe2\x80\x8b", "\xc2\x85", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf",
	"\xf0\x9f\x98\x80", "\xff\xfe", " = ", "\n[", "]\n", "[server]\n", "[colors]\n", "[theme]\n",
	".UTF-8", ".utf8", "zh_CN", "en_US", "<data_dir>", "\\2a", "\\28", "\\00", "*)(", ")(|(uid=*",
	"2147483648", "-1", "99999999999999999999", "bright-", "default",
};

struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void buf_reserve(struct buf *b, size_t need)
{
	if (need <= b->cap)
		return;
	while (b->cap < need)
		b->cap = b->cap ? b->cap * 2 : 64;
	b->p = realloc(b->p, b->cap);
	if (!b->p) {
		fprintf(stderr, "driver: out of memory\n");
		exit(2);
	}
}

static void buf_insert(struct buf *b, size_t at, const uint8_t *src, size_t n)
{
	if (b->n + n > FUZZ_MAX_INPUT)
		return;
	buf_reserve(b, b->n + n);
	memmove(b->p + at + n, b->p + at, b->n - at);
	memcpy(b->p + at, src, n);
	b->n += n;
}

static void mutate_once(struct buf *b)
{
	size_t at, len;
	uint8_t c;

	switch (below(11)) {
	case 0: /* flip a bit */
		if (b->n)
			b->p[below(b->n)] ^= (uint8_t)(1u << below(8));
		break;
	case 1: /* set a byte to an interesting value */
		if (b->n)
			b->p[below(b->n)] = interesting[below(sizeof(interesting))];
		break;
	case 2: /* set a byte to a random value */
		if (b->n)
			b->p[below(b->n)] = (uint8_t)rng();
		break;
	case 3: /* insert a byte */
		c = below(2) ? interesting[below(sizeof(interesting))] : (uint8_t)rng();
		buf_insert(b, below(b->n + 1), &c, 1);
		break;
	case 4: /* delete a byte or a short run */
		if (b->n) {
			at = below(b->n);
			len = 1 + below(b->n - at < 4 ? b->n - at : 4);
			memmove(b->p + at, b->p + at + len, b->n - at - len);
			b->n -= len;
		}
		break;
	case 5: /* duplicate a chunk */
		if (b->n) {
			uint8_t *tmp;
			at = below(b->n);
			len = 1 + below(b->n - at);
			tmp = xalloc(len);
			memcpy(tmp, b->p + at, len);
			buf_insert(b, below(b->n + 1), tmp, len);
			free(tmp);
		}
		break;
	case 6: { /* splice: our prefix + another input's suffix */
		const struct input *o = &corpus[below(ncorpus)];
		size_t cut = below(b->n + 1), from = below(o->size + 1);
		b->n = cut;
		if (cut + (o->size - from) <= FUZZ_MAX_INPUT) {
			buf_reserve(b, cut + (o->size - from));
			memcpy(b->p + cut, o->data + from, o->size - from);
			b->n += o->size - from;
		}
		break;
	}
	case 7: /* truncate */
		b->n = below(b->n + 1);
		break;
	case 8: { /* insert a token */
		const char *t = tokens[below(sizeof(tokens) / sizeof(tokens[0]))];
		buf_insert(b, below(b->n + 1), (const uint8_t *)t, strlen(t));
		break;
	}
	case 9: /* insert a chunk of another input */
		if (ncorpus) {
			const struct input *o = &corpus[below(ncorpus)];
			if (o->size) {
				at = below(o->size);
				len = 1 + below(o->size - at);
				buf_insert(b, below(b->n + 1), o->data + at, len);
			}
		}
		break;
	case 10: /* repeat a byte many times (long lines, long values) */
		if (b->n) {
			uint8_t run[300];
			len = 1 + below(sizeof(run));
			memset(run, b->p[below(b->n)], len);
			buf_insert(b, below(b->n + 1), run, len);
		}
		break;
	}
}

static void run_one(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size);

	if (!copy && size) {
		fprintf(stderr, "driver: out of memory\n");
		exit(2);
	}
	if (size)
		memcpy(copy, data, size);
	if (dump_path) {
		FILE *f = fopen(dump_path, "wb");
		if (f) {
			fwrite(data, 1, size, f);
			fclose(f);
		}
	}
	LLVMFuzzerTestOneInput(copy, size);
	free(copy);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n ITERATIONS] [-s SEED] PATH...\n", prog);
	exit(2);
}

static int parse_ulong(const char *s, unsigned long long *out)
{
	char *end = NULL;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	unsigned long long iterations = 2000, seed = 1;
	unsigned long long total = 0;
	struct buf b = { 0 };
	int npaths = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	dump_path = getenv("FUZZ_DUMP");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-n")) {
			if (++i >= argc || parse_ulong(argv[i], &iterations))
				usage(prog);
		} else if (!strcmp(argv[i], "-s")) {
			if (++i >= argc || parse_ulong(argv[i], &seed))
				usage(prog);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			usage(prog);
		} else {
			if (load_path(argv[i]))
				return 2;
			npaths++;
		}
	}
	if (!npaths)
		usage(prog);
	if (!ncorpus)
		add_input((const uint8_t *)"", 0);

	for (size_t i = 0; i < ncorpus; i++, total++)
		run_one(corpus[i].data, corpus[i].size);

	rng_state = seed;
	for (unsigned long long it = 0; it < iterations; it++, total++) {
		const struct input *base = &corpus[below(ncorpus)];
		int rounds = 1 + (int)below(8);

		b.n = 0;
		buf_reserve(&b, base->size);
		if (base->size)
			memcpy(b.p, base->data, base->size);
		b.n = base->size;
		for (int r = 0; r < rounds; r++)
			mutate_once(&b);
		run_one(b.p, b.n);
	}

	printf("%s: %llu inputs ok\n", prog, total);
	free(b.p);
	for (size_t i = 0; i < ncorpus; i++)
		free(corpus[i].data);
	free(corpus);
	return 0;
}
