/*
 * service.h - the claim use cases both front ends call: the full-screen
 * editor and the scripted commands go through the same checks, ownership
 * rules and storage, so neither can do what the other refuses.
 *
 * Every function returns BR_OK or a br_err with a message a person can act
 * on in msg (in the session's language).
 */
#ifndef BURSAR_SERVICE_H
#define BURSAR_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bursar/app.h"
#include "bursar/claim.h"
#include "bursar/form.h"

/* Loads the claim forms (problems are logged, the good forms still load). */
int service_forms_load(struct app *app, struct form_set *forms);

/*
 * Runs every check on c (claim_check) with what it needs from the store:
 * the categories and the claimant's other claims.  Returns the number of
 * blocking findings, or a negative br_err (an unknown form).
 */
int service_claim_review(struct app *app, const struct form_set *forms, struct claim *c, char *msg, size_t size);

/*
 * Saves c as app->user's draft: created when c->id is 0, else replaced.
 * Reviews it first; strict refuses any validation error (scripts: nothing
 * half-made is created), otherwise only invalid invoices are refused (the
 * editor saves work in progress).  Policy findings never stop a draft.
 */
int service_claim_save(struct app *app, const struct form_set *forms, struct claim *c, bool strict, char *msg,
		       size_t size);

/*
 * Loads claim ref ("BX202611-0001" or an id) if app->user may see it: their
 * own, or anyone's for finance, admins and auditors.
 */
int service_claim_load(struct app *app, const char *ref, struct claim *c, char *msg, size_t size);

/*
 * Submits the caller's draft after a fresh review; BR_ERR_INVALID with the
 * findings left in c when any of them blocks.  c receives the claim.
 */
int service_claim_submit(struct app *app, const struct form_set *forms, const char *ref, struct claim *c, char *msg,
			 size_t size);
/* Takes the caller's submitted claim back to draft. */
int service_claim_withdraw(struct app *app, const char *ref, struct claim *c, char *msg, size_t size);
/* Deletes the caller's draft. */
int service_claim_delete(struct app *app, const char *ref, char *msg, size_t size);

/*
 * Stores the file read from in (at most [attachments] max_kib) as an
 * attachment named name of the caller's draft ref, on line (0 = the whole
 * claim).  The type must be pdf, jpg, png, ofd or xml by both name and
 * content.  Content is kept once under data_dir/attachments by SHA-256.
 */
int service_attach(struct app *app, const char *ref, const char *name, int line, FILE *in, struct claim_attachment *out,
		   char *msg, size_t size);

#endif
