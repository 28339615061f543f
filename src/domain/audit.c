/*
 * audit.c - canonical encoding and hashing of audit entries.
 *
 * The canonical form length-prefixes every field ("<len>:<bytes>;") so that
 * no choice of field contents can make two different entries encode alike.
 */
#include "bursar/audit.h"
#include "bursar/util.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void field(EVP_MD_CTX *ctx, const char *s)
{
	char len[24];
	int n;

	s = s ? s : "";
	n = snprintf(len, sizeof(len), "%zu:", strlen(s));
	EVP_DigestUpdate(ctx, len, (size_t)n);
	EVP_DigestUpdate(ctx, s, strlen(s));
	EVP_DigestUpdate(ctx, ";", 1);
}

void audit_hash(const struct audit_entry *e, char out[AUDIT_HASH_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char id[24];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		fputs("bursar: SHA-256 unavailable\n", stderr);
		abort();
	}
	snprintf(id, sizeof(id), "%" PRId64, e->id);
	EVP_DigestUpdate(ctx, e->prev_hash, strlen(e->prev_hash));
	field(ctx, id);
	field(ctx, e->ts);
	field(ctx, e->actor);
	field(ctx, e->action);
	field(ctx, e->object);
	field(ctx, e->detail);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	str_hex(md, mdlen, out);
}

bool audit_entry_valid(const struct audit_entry *e, const char *prev)
{
	char h[AUDIT_HASH_HEX];

	if (strcmp(e->prev_hash, prev))
		return false;
	audit_hash(e, h);
	return strcmp(h, e->hash) == 0;
}

void audit_now(char out[32])
{
	struct timespec ts;
	struct tm tm;
	char base[24];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s.%03dZ", base, (int)(ts.tv_nsec / 1000000));
}
