/*
 * exporter.c - the background exporter: approved claims become batches of
 * vouchers (store_export_batch, one transaction), then one file per
 * configured format is written to data_dir/outbox/<format>/ through a
 * temporary file, fsync and rename, and recorded with its checksum.
 *
 * Exactly once: a claim is in one batch at most (the batch commits with
 * the claims marked exported), a batch without its file in a format is
 * written on the next run (the file comes only from what the batch
 * stored, so it is the same bytes), and a temporary file left by a crash
 * is removed, so the outbox never holds half a file.
 */
#include "bursar/export.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/log.h"
#include "bursar/store.h"
#include "bursar/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

void export_settings_from_config(const struct config *cfg, struct voucher_settings *set)
{
	voucher_settings_default(set);
	str_copy(set->word, cfg->export_.word, sizeof(set->word));
	str_copy(set->account_book, cfg->export_.account_book, sizeof(set->account_book));
	str_copy(set->company_code, cfg->export_.company_code, sizeof(set->company_code));
	str_copy(set->ledger_id, cfg->export_.ledger_id, sizeof(set->ledger_id));
	str_copy(set->currency, cfg->export_.currency, sizeof(set->currency));
	str_copy(set->preparer, cfg->export_.preparer, sizeof(set->preparer));
	if (strcmp(cfg->export_.payable, set->payable))
		str_copy(set->payable_name, "", sizeof(set->payable_name));
	str_copy(set->payable, cfg->export_.payable, sizeof(set->payable));
	if (strcmp(cfg->export_.input_vat, set->input_vat))
		str_copy(set->input_vat_name, "", sizeof(set->input_vat_name));
	str_copy(set->input_vat, cfg->export_.input_vat, sizeof(set->input_vat));
	if (strcmp(cfg->export_.bank, set->bank))
		str_copy(set->bank_name, "", sizeof(set->bank_name));
	str_copy(set->bank, cfg->export_.bank, sizeof(set->bank));
}

int export_formats_parse(const char *list, const struct export_format **out, int max, char *msg, size_t size)
{
	char buf[256], *save = NULL, *tok;
	int n = 0;

	str_copy(buf, list, sizeof(buf));
	for (tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		const struct export_format *f = export_format_find(tok);
		if (!f) {
			snprintf(msg, size, _("unknown voucher format `%s`"), tok);
			return -1;
		}
		if (n < max)
			out[n++] = f;
	}
	if (n == 0) {
		snprintf(msg, size, "%s", _("no voucher format is configured ([export] formats)"));
		return -1;
	}
	return n;
}

static void sha256_hex(const unsigned char *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	str_hex(md, mdlen, out);
}

static int mkdir_p(const char *path)
{
	char buf[4096];

	str_copy(buf, path, sizeof(buf));
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0700) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0700) && errno != EEXIST ? -1 : 0;
}

/* The bytes of batch in format f, made from what the batch stored. */
static int batch_bytes(struct store *s, int64_t batch, const struct export_format *f, struct export_buf *out, char *msg,
		       size_t size)
{
	struct export_batch_info info = { batch, "" };
	struct voucher_settings set;
	struct voucher *v = NULL;
	int n = 0, ret = store_export_load(s, batch, info.created_at, &set, &v, &n);

	if (ret) {
		snprintf(msg, size, _("cannot read batch %lld (%s)"), (long long)batch, br_strerror(ret));
		return ret;
	}
	ret = f->write(&info, v, n, &set, out, msg, size);
	store_vouchers_free(v, n);
	return ret;
}

/* Writes data to dir/name through a temporary file, fsync and rename, then syncs dir. */
static int write_atomic(const char *dir, const char *name, const unsigned char *data, size_t len)
{
	char tmp[4400], path[4400];
	size_t off = 0;
	int fd, dfd;

	snprintf(tmp, sizeof(tmp), "%s/.tmp-%s.%ld", dir, name, (long)getpid());
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int export_write(const struct config *cfg, struct store *s, int64_t batch, const struct export_format *f, char sha[65],
		 char *msg, size_t size)
{
	struct export_buf b = { 0 };
	char dir[4200], name[128], path[4400], old_path[4096], old_sha[65];
	int64_t old_bytes = 0;
	int ret;

	if ((ret = batch_bytes(s, batch, f, &b, msg, size)))
		goto out;
	sha256_hex(b.data, b.len, sha);
	/* a batch written before must come out the same */
	if (store_export_file_get(s, batch, f->name, old_path, old_sha, &old_bytes) == BR_OK && strcmp(old_sha, sha)) {
		snprintf(msg, size, _("batch %lld in %s comes out different from the first time (%.12s, was %.12s)"),
			 (long long)batch, f->name, sha, old_sha);
		ret = BR_ERR_CORRUPT;
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/outbox/%s", cfg->server.data_dir, f->name);
	snprintf(name, sizeof(name), "batch-%06lld.%s", (long long)batch, f->ext);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdir_p(dir) || write_atomic(dir, name, b.data, b.len)) {
		snprintf(msg, size, _("cannot write %s: %s"), path, strerror(errno));
		ret = BR_ERR_IO;
		goto out;
	}
	if ((ret = store_export_file_done(s, batch, f->name, path, sha, (int64_t)b.len)))
		snprintf(msg, size, _("cannot record %s (%s)"), path, br_strerror(ret));
out:
	export_buf_free(&b);
	return ret;
}

static int lock_outbox(const struct config *cfg, char *msg, size_t size);

int export_replay(const struct config *cfg, struct store *s, int64_t batch, const struct export_format *f, char sha[65],
		  char *msg, size_t size)
{
	char path[4096], old_sha[65];
	int64_t bytes;
	int ret = store_export_file_get(s, batch, f->name, path, old_sha, &bytes), lock;

	if (ret == BR_ERR_NOT_FOUND) {
		snprintf(msg, size, _("batch %lld has no %s file yet; export run writes it"), (long long)batch,
			 f->name);
		return ret;
	}
	if (ret) {
		snprintf(msg, size, _("cannot read batch %lld (%s)"), (long long)batch, br_strerror(ret));
		return ret;
	}
	/* not while an exporter run may clear temporary files */
	if ((lock = lock_outbox(cfg, msg, size)) < 0)
		return BR_ERR_IO;
	ret = export_write(cfg, s, batch, f, sha, msg, size);
	close(lock);
	return ret;
}

/* Removes what a crashed run left: temporary files in each format's outbox. */
static void clean_temporaries(const struct config *cfg, const struct export_format *const *fmts, int nf)
{
	for (int i = 0; i < nf; i++) {
		char dir[4200], path[4500];
		struct dirent *e;
		DIR *d;
		snprintf(dir, sizeof(dir), "%s/outbox/%s", cfg->server.data_dir, fmts[i]->name);
		if (!(d = opendir(dir)))
			continue;
		while ((e = readdir(d)))
			if (!strncmp(e->d_name, ".tmp-", 5)) {
				snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
				unlink(path);
			}
		closedir(d);
	}
}

/* One exporter at a time over the outbox (the server's job and a command may both run). */
static int lock_outbox(const struct config *cfg, char *msg, size_t size)
{
	char dir[4200], path[4300];
	int fd;

	snprintf(dir, sizeof(dir), "%s/outbox", cfg->server.data_dir);
	snprintf(path, sizeof(path), "%s/.lock", dir);
	if (mkdir_p(dir) || (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		snprintf(msg, size, _("cannot write %s: %s"), path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX)) {
		snprintf(msg, size, _("cannot write %s: %s"), path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes every batch that lacks its file in one of the formats. */
static int write_missing(const struct config *cfg, struct store *s, const struct export_format *const *fmts, int nf,
			 struct export_report *r, char *msg, size_t size)
{
	for (int i = 0; i < nf; i++) {
		int64_t *ids = NULL;
		int n = 0, ret = store_export_missing(s, fmts[i]->name, &ids, &n);
		if (ret) {
			snprintf(msg, size, _("cannot read the batches (%s)"), br_strerror(ret));
			return ret;
		}
		for (int k = 0; k < n; k++) {
			char sha[65];
			if ((ret = export_write(cfg, s, ids[k], fmts[i], sha, msg, size))) {
				free(ids);
				return ret;
			}
			r->files++;
		}
		free(ids);
	}
	return BR_OK;
}

int export_run(const struct config *cfg, struct store *s, const char *only, const char *actor, struct export_report *r,
	       char *msg, size_t size)
{
	const struct export_format *fmts[16];
	struct voucher_settings set;
	char today[11];
	int nf, lock, ret;

	memset(r, 0, sizeof(*r));
	if ((nf = export_formats_parse(only && *only ? only : cfg->export_.formats, fmts, 16, msg, size)) < 0)
		return BR_ERR_INVALID;
	if ((lock = lock_outbox(cfg, msg, size)) < 0)
		return BR_ERR_IO;
	clean_temporaries(cfg, fmts, nf);
	export_settings_from_config(cfg, &set);
	/* what finance set (accounts screen, accounts import, export settings) over [export] */
	if ((ret = store_export_settings(s, &set))) {
		snprintf(msg, size, _("cannot read the export settings (%s)"), br_strerror(ret));
		goto out;
	}
	date_today(today);
	/* first what a crash left unwritten, then new batches until no claim waits */
	if ((ret = write_missing(cfg, s, fmts, nf, r, msg, size)))
		goto out;
	for (;;) {
		int64_t batch = 0;
		int nv = 0, skipped = 0;
		char why[256] = "";
		ret = store_export_batch(s, &set, today, cfg->export_.batch_max, actor, &batch, &nv, &skipped, why,
					 sizeof(why));
		r->skipped = skipped; /* each batch looks at every claim left approved */
		if (skipped && why[0] && !r->skipped_msg[0])
			str_copy(r->skipped_msg, why, sizeof(r->skipped_msg));
		if (ret == BR_ERR_INVALID && skipped) {
			ret = BR_OK; /* only claims that cannot be made into vouchers are left */
			break;
		}
		if (ret) {
			snprintf(msg, size, _("cannot make a batch (%s)"), br_strerror(ret));
			goto out;
		}
		if (!batch)
			break;
		r->batches++;
		r->vouchers += nv;
		for (int i = 0; i < nf; i++) {
			char sha[65];
			if ((ret = export_write(cfg, s, batch, fmts[i], sha, msg, size)))
				goto out;
			r->files++;
		}
	}
out:
	close(lock);
	return ret;
}

void export_loop(const struct config *cfg, bool follow_parent)
{
	pid_t parent = follow_parent ? getppid() : 0;

	log_event("exporter: started, formats %s, every %d s", cfg->export_.formats, cfg->export_.interval_seconds);
	for (;;) {
		struct store *s = NULL;
		struct export_report r;
		char msg[BR_MSG_MAX];
		if (parent && getppid() != parent)
			return; /* the listener is gone */
		if (store_open(cfg->store.path, cfg->store.synchronous_full, &s, msg, sizeof(msg)) == BR_OK) {
			if (export_run(cfg, s, NULL, "-", &r, msg, sizeof(msg)))
				log_event("exporter: %s", msg);
			else if (r.vouchers || r.files)
				log_event("exporter: %d voucher(s) in %d batch(es), %d file(s)%s%s", r.vouchers,
					  r.batches, r.files, r.skipped ? ", left approved: " : "",
					  r.skipped ? r.skipped_msg : "");
			store_close(s);
		} else {
			log_event("exporter: %s", msg);
		}
		for (int i = 0; i < cfg->export_.interval_seconds && (!parent || getppid() == parent); i++)
			sleep(1);
	}
}
