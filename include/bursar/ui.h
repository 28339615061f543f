/*
 * ui.h - the full-screen terminal interface (ncursesw).
 *
 * Runs on the process's stdin/stdout, which the session process has made
 * a pty; returns the exit status for the client (0 when the person quits).
 */
#ifndef BURSAR_UI_H
#define BURSAR_UI_H

#include <stdio.h>

#include "bursar/app.h"

int ui_run(struct app *app);
/* Writes the key reference of every screen as Markdown (for docs). */
void ui_write_key_reference(FILE *out);

#endif
