/*
 * claims.c - claim use cases shared by the editor and the commands:
 * review, save, submit, withdraw, delete and attach, each with the
 * caller's ownership and the claim's status checked before anything moves.
 */
#include "bursar/service.h"
#include "internal.h"
#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/log.h"
#include "bursar/money.h"
#include "bursar/store.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int service_fail(int ret, char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return ret;
}

int service_forms_load(struct app *app, struct form_set *forms)
{
	return store_forms_load(app->store, app->forms_dir, forms, NULL, 0) < 0 ? BR_ERR_IO : BR_OK;
}

int service_claim_review(struct app *app, const struct form_set *forms, struct claim *c, char *msg, size_t size)
{
	const struct form *f = form_set_find(forms, c->form);
	struct claim_context ctx = { 0 };
	struct category_set cats = { 0 };
	struct claim_peer *peers = NULL;
	const char *range = "";
	char today[11];
	int npeers = 0, ret;

	if (!f)
		return service_fail(BR_ERR_INVALID, msg, size, _("form: there is no claim form `%s` (see: forms)"),
				    c->form);
	for (int i = 0; i < f->nfields; i++)
		if (f->fields[i].type == FIELD_DATERANGE) {
			range = f->fields[i].name;
			break;
		}
	if ((ret = store_categories_load(app->store, &cats)) ||
	    (ret = store_claim_peers(app->store, c->owner[0] ? c->owner : app->user->uid, c->id, range, &peers,
				     &npeers))) {
		service_fail(ret, msg, size, _("cannot read the data the checks need (%s)"), br_strerror(ret));
		goto out;
	}
	date_today(today);
	ctx.form = f;
	ctx.categories = cats.items;
	ctx.ncategories = cats.n;
	ctx.rank = app->user->rank;
	ctx.today = today;
	ctx.cfg = app->cfg;
	ctx.peers = peers;
	ctx.npeers = npeers;
	ctx.lang = app_language(app);
	if ((ret = claim_check(c, &ctx)) >= 0) {
		int b = service_budget_review(app, c);
		if (b < 0)
			service_fail(ret = b, msg, size, _("cannot read the data the checks need (%s)"), br_strerror(b));
		else
			ret += b;
	}
out:
	store_claim_peers_free(peers, npeers);
	category_set_release(&cats);
	return ret;
}

/* The first finding that stops a save, or NULL. */
static const struct claim_finding *save_stopper(const struct claim *c, bool strict)
{
	for (int i = 0; i < c->nfindings; i++) {
		const struct claim_finding *f = &c->findings[i];
		bool validation = !strcmp(f->rule, "field") || !strcmp(f->rule, "line") || !strcmp(f->rule, "invoice");
		if (f->level == FINDING_ERROR && (!strcmp(f->rule, "invoice") || (strict && validation)))
			return f;
	}
	return NULL;
}

static void finding_text(const struct claim_finding *f, char *msg, size_t size)
{
	if (f->line)
		snprintf(msg, size, _("line %d, %s: %s"), f->line, f->field, f->message);
	else
		snprintf(msg, size, "%s: %s", f->field, f->message);
}

static int conflict_message(int bad_line, const struct invoice_holder *h, char *msg, size_t size)
{
	if (h->claim[0])
		return service_fail(
		    BR_ERR_CONFLICT, msg, size,
		    _("line %d, invoice: this invoice is already on claim %s (registered by %s); an invoice can "
		      "be reimbursed only once"),
		    bad_line, h->claim, h->owner);
	return service_fail(BR_ERR_CONFLICT, msg, size,
			    _("line %d, invoice: this invoice is already registered by %s (%.10s); an invoice can be "
			      "reimbursed only once"),
			    bad_line, h->owner, h->created_at);
}

int service_claim_save(struct app *app, const struct form_set *forms, struct claim *c, bool strict, char *msg,
		       size_t size)
{
	struct invoice_holder holder = { 0 };
	const struct claim_finding *stop;
	int bad_line = 0, ret;

	if (c->id == 0) {
		str_copy(c->owner, app->user->uid, sizeof(c->owner));
	} else if (strcmp(c->owner, app->user->uid)) {
		return service_fail(BR_ERR_DENIED, msg, size, _("claim %s is not yours"), c->number);
	}
	str_copy(c->department, app->user->department, sizeof(c->department));
	if ((ret = service_claim_review(app, forms, c, msg, size)) < 0)
		return ret;
	if ((stop = save_stopper(c, strict))) {
		finding_text(stop, msg, size);
		return BR_ERR_INVALID;
	}
	ret = c->id ? store_claim_update(app->store, c, app->user->uid, &bad_line, &holder)
		    : store_claim_create(app->store, c, &bad_line, &holder);
	switch (ret) {
	case BR_OK: return BR_OK;
	case BR_ERR_CONFLICT: return conflict_message(bad_line, &holder, msg, size);
	case BR_ERR_DENIED: return service_fail(ret, msg, size, _("claim %s is not yours"), c->number);
	case BR_ERR_INVALID:
		return service_fail(ret, msg, size, _("claim %s is no longer a draft; withdraw it first"), c->number);
	case BR_ERR_NOT_FOUND: return service_fail(ret, msg, size, _("claim %s no longer exists"), c->number);
	default: return service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
	}
}

int service_claim_load(struct app *app, const char *ref, struct claim *c, char *msg, size_t size)
{
	int64_t id = 0;
	char today[11];
	int ret = store_claim_find(app->store, ref, &id);

	date_today(today);
	if (ret == BR_OK)
		ret = store_claim_get(app->store, id, c);
	if (ret == BR_ERR_NOT_FOUND)
		return service_fail(ret, msg, size, _("there is no claim %s"), ref);
	if (ret)
		return service_fail(ret, msg, size, _("cannot read claim %s (%s)"), ref, br_strerror(ret));
	/* the claimant, finance/admins/auditors, and whoever holds or held a task on it */
	if (strcmp(c->owner, app->user->uid) && !service_sees_all(app) &&
	    store_claim_involves(app->store, c->id, app->user->uid, today) != BR_OK) {
		claim_release(c);
		return service_fail(BR_ERR_DENIED, msg, size, _("claim %s is not yours"), ref);
	}
	return BR_OK;
}

/* Loads ref for a change only its owner may make. */
static int load_own(struct app *app, const char *ref, struct claim *c, char *msg, size_t size)
{
	int ret = service_claim_load(app, ref, c, msg, size);

	if (ret == BR_OK && strcmp(c->owner, app->user->uid)) {
		claim_release(c);
		return service_fail(BR_ERR_DENIED, msg, size, _("claim %s is not yours"), ref);
	}
	return ret;
}

static int transition_message(int ret, const struct claim *c, enum claim_status now, char *msg, size_t size)
{
	if (ret == BR_ERR_INVALID)
		return service_fail(ret, msg, size, _("claim %s is %s"), c->number, _(claim_status_label(now)));
	return service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
}

/* Why a budget stopped a submission: the node, its balance and the shortfall. */
static int refusal_message(const struct claim *c, const struct budget_refusal *r, char *msg, size_t size)
{
	char label[300], avail[32], need[32], short_by[32];

	budget_node_label(&r->node, label, sizeof(label));
	if (r->node.frozen)
		return service_fail(BR_ERR_LIMIT, msg, size, _("claim %s cannot be submitted: budget %s %s is frozen"),
				    c->number, label, r->node.period);
	money_format(r->verdict.available, avail, sizeof(avail), MONEY_GROUP);
	money_format(r->verdict.need, need, sizeof(need), MONEY_GROUP);
	money_format(r->verdict.shortfall, short_by, sizeof(short_by), MONEY_GROUP);
	return service_fail(BR_ERR_LIMIT, msg, size,
			    _("claim %s cannot be submitted: budget %s %s has %s left, the claim needs %s, "
			      "short by %s"),
			    c->number, label, r->node.period, avail, need, short_by);
}

int service_claim_submit(struct app *app, const struct form_set *forms, const char *ref, struct claim *c, char *msg,
			 size_t size)
{
	static struct wf_resolved steps[WF_MAX_STEPS];
	struct budget_refusal refused = { 0 };
	char auto_rule[128] = "";
	int nsteps = 0;
	enum claim_status now = CLAIM_DRAFT;
	int ret = load_own(app, ref, c, msg, size);

	if (ret)
		return ret;
	if (c->status != CLAIM_DRAFT)
		return service_fail(BR_ERR_INVALID, msg, size, _("claim %s is %s; only a draft can be submitted"),
				    c->number, _(claim_status_label(c->status)));
	if (claim_value(c, "ledger")[0]) /* a requisition: its ledger action names the workflow */
		return service_request_resubmit(app, c, msg, size);
	str_copy(c->department, app->user->department, sizeof(c->department));
	if ((ret = service_claim_review(app, forms, c, msg, size)) < 0)
		return ret;
	if (ret > 0) {
		/* the first of them says what to do; the claim lists them all */
		const struct claim_finding *first = NULL;
		for (int i = 0; i < c->nfindings && !first; i++)
			if (c->findings[i].level == FINDING_ERROR)
				first = &c->findings[i];
		if (first && ret == 1)
			return service_fail(BR_ERR_INVALID, msg, size, _("claim %s cannot be submitted: %s"), c->number,
					    first->message);
		return service_fail(BR_ERR_INVALID, msg, size,
				    _("claim %s cannot be submitted: %d finding(s) block it"), c->number, ret);
	}
	if ((ret = service_workflow_resolve(app, form_set_find(forms, c->form), c, steps, &nsteps, auto_rule,
					    sizeof(auto_rule), msg, size)))
		return ret;
	ret = store_claim_submit(app->store, c->id, app->user->uid, c, steps, nsteps, auto_rule, &now, &refused);
	if (ret == BR_ERR_LIMIT)
		return refusal_message(c, &refused, msg, size);
	if (ret)
		return transition_message(ret, c, now, msg, size);
	c->status = now;
	return BR_OK;
}

int service_claim_withdraw(struct app *app, const char *ref, struct claim *c, char *msg, size_t size)
{
	enum claim_status now = CLAIM_SUBMITTED;
	int ret = load_own(app, ref, c, msg, size);

	if (ret)
		return ret;
	if (c->status != CLAIM_SUBMITTED)
		return service_fail(BR_ERR_INVALID, msg, size,
				    _("claim %s is %s; only a submitted claim can be withdrawn"), c->number,
				    _(claim_status_label(c->status)));
	ret = store_claim_transition(app->store, c->id, CLAIM_EV_WITHDRAW, app->user->uid, NULL, &now);
	if (ret)
		return transition_message(ret, c, now, msg, size);
	c->status = now;
	return BR_OK;
}

int service_claim_delete(struct app *app, const char *ref, char *msg, size_t size)
{
	struct claim c;
	int ret;

	claim_init(&c);
	if ((ret = load_own(app, ref, &c, msg, size)))
		return ret;
	if (c.status != CLAIM_DRAFT)
		ret = service_fail(BR_ERR_INVALID, msg, size, _("claim %s is %s; only a draft can be deleted"),
				   c.number, _(claim_status_label(c.status)));
	else if ((ret = store_claim_delete(app->store, c.id, app->user->uid)))
		service_fail(ret, msg, size, _("could not delete (%s)"), br_strerror(ret));
	claim_release(&c);
	return ret;
}

/* ---- attachments ---- */

static const struct {
	const char *ext;
	const char *type; /* what the attachment is listed as */
	const char *mime; /* what libmagic must find in the content */
} attachment_types[] = {
	{ "pdf", "pdf", "application/pdf" }, { "jpg", "jpg", "image/jpeg" },      { "jpeg", "jpg", "image/jpeg" },
	{ "png", "png", "image/png" },       { "ofd", "ofd", "application/zip" }, { "xml", "xml", "text/xml" },
	{ "xml", "xml", "application/xml" },
};

/* The type for a name and its content, or NULL if they do not agree. */
static const char *attachment_type(const char *name, const char *data, size_t len, bool *ext_known)
{
	const char *dot = strrchr(name, '.');
	const char *mime, *type = NULL;
	magic_t m;

	*ext_known = false;
	if (!dot)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(attachment_types); i++)
		*ext_known |= !strcasecmp(dot + 1, attachment_types[i].ext);
	if (!*ext_known || !(m = magic_open(MAGIC_MIME_TYPE)))
		return NULL;
	if (magic_load(m, NULL) == 0 && (mime = magic_buffer(m, data, len)))
		for (size_t i = 0; i < ARRAY_SIZE(attachment_types) && !type; i++)
			if (!strcasecmp(dot + 1, attachment_types[i].ext) && !strcmp(mime, attachment_types[i].mime))
				type = attachment_types[i].type;
	magic_close(m);
	/* An OFD document is a zip package whose root names OFD.xml. */
	if (type && !strcmp(type, "ofd") && !memmem(data, len, "OFD.xml", 7))
		type = NULL;
	return type;
}

static bool attachment_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 100 || strchr(name, '/') || name[0] == '.')
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	str_hex(md, n, out);
}

/* Writes data to data_dir/attachments/ab/HASH once: temp file, fsync, rename. */
static int blob_put(const char *data_dir, const char *hex, const char *data, size_t len)
{
	char dir[PATH_MAX + 32], path[PATH_MAX + 128], tmp[PATH_MAX + 160];
	struct stat sb;
	int fd = -1, ret = BR_ERR_IO;
	size_t done = 0;

	snprintf(dir, sizeof(dir), "%s/attachments", data_dir);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return BR_ERR_IO;
	snprintf(dir, sizeof(dir), "%s/attachments/%.2s", data_dir, hex);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return BR_ERR_IO;
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	if (stat(path, &sb) == 0 && (size_t)sb.st_size == len)
		return BR_OK; /* the same content is already kept */
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return BR_ERR_IO;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	if (fsync(fd) == 0 && close(fd) == 0 && rename(tmp, path) == 0) {
		fd = -1;
		ret = BR_OK;
	} else {
		fd = -1;
	}
out:
	if (fd >= 0)
		close(fd);
	if (ret)
		unlink(tmp);
	return ret;
}

int service_file_store(struct app *app, const char *name, FILE *in, struct claim_attachment *out, char *msg,
		       size_t size)
{
	size_t max = (size_t)app->cfg->attachments.max_kib * 1024, len = 0;
	char *data = NULL;
	const char *type;
	bool ext_known;
	int ret = BR_OK;

	memset(out, 0, sizeof(*out));
	if (!attachment_name_ok(name))
		return service_fail(BR_ERR_INVALID, msg, size,
				    _("the name must be 1 to 100 characters, without / or control characters, such as "
				      "receipt.pdf"));
	data = stream_read_all(in, max, &len);
	if (len > max) {
		ret = service_fail(BR_ERR_INVALID, msg, size,
				   _("the file is larger than the limit of %d KiB; nothing stored"),
				   app->cfg->attachments.max_kib);
		goto out;
	}
	if (len == 0) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("the file is empty; nothing stored"));
		goto out;
	}
	if (!(type = attachment_type(name, data, len, &ext_known))) {
		ret = service_fail(BR_ERR_INVALID, msg, size,
				   ext_known
				       ? _("the content of %s does not match its type; nothing stored")
				       : _("%s: only pdf, jpg, png, ofd and xml files are accepted; nothing stored"),
				   name);
		goto out;
	}
	str_copy(out->name, name, sizeof(out->name));
	str_copy(out->type, type, sizeof(out->type));
	out->size = (int64_t)len;
	sha256_hex(data, len, out->sha256);
	if ((ret = blob_put(app->cfg->server.data_dir, out->sha256, data, len))) {
		log_event("attach: cannot write %s under %s/attachments: %m", out->sha256, app->cfg->server.data_dir);
		service_fail(ret, msg, size, _("could not store the file (%s)"), br_strerror(ret));
	}
out:
	free(data);
	return ret;
}

int service_file_path(struct app *app, const char *sha256, char *path, size_t size)
{
	if (strlen(sha256) != 64 || strspn(sha256, "0123456789abcdef") != 64)
		return BR_ERR_INVALID;
	snprintf(path, size, "%s/attachments/%.2s/%s", app->cfg->server.data_dir, sha256, sha256);
	return BR_OK;
}

int service_attach(struct app *app, const char *ref, const char *name, int line, FILE *in, struct claim_attachment *out,
		   char *msg, size_t size)
{
	struct claim c;
	int ret;

	claim_init(&c);
	memset(out, 0, sizeof(*out));
	if ((ret = load_own(app, ref, &c, msg, size)))
		goto out;
	if (c.status != CLAIM_DRAFT) {
		ret = service_fail(BR_ERR_INVALID, msg, size,
				   _("claim %s is %s; attachments can be added to drafts only"), c.number,
				   _(claim_status_label(c.status)));
		goto out;
	}
	if (line < 0 || line > c.nlines) {
		ret = service_fail(BR_ERR_INVALID, msg, size, _("claim %s has no line %d"), c.number, line);
		goto out;
	}
	if ((ret = service_file_store(app, name, in, out, msg, size)))
		goto out;
	out->line = line;
	if ((ret = store_attachment_add(app->store, c.id, app->user->uid, out)))
		service_fail(ret, msg, size, _("could not save (%s)"), br_strerror(ret));
out:
	claim_release(&c);
	return ret;
}
