/*
 * ui.c - terminal set-up, the screen stack, the frame (header, content box,
 * status bar), the generated `?` help and the key dispatcher.  While no key
 * comes, the top screen and the notifications are looked at every few
 * seconds (the tick), so what others do shows up without a key press.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "screen.h"

#include "bursar/err.h"
#include "bursar/i18n.h"
#include "bursar/log.h"
#include "bursar/role.h"
#include "bursar/text.h"
#include "bursar/ui.h"
#include "bursar/util.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <wchar.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>

#define MIN_COLS 40
#define MIN_ROWS 10
#define STACK_MAX 16
#define TICK_MS 5000

static const struct key_binding global_keys[] = {
	{ OP_HELP, { '?', KEY_F(1), 0 }, "?", N_("Show the keys of this screen"), N_("Help") },
	{ OP_BACK, { 'q', 27, 0 }, "q/Esc", N_("Back; quit from the main menu"), N_("Back") },
	{ OP_QUIT, { 3, 0 }, "Ctrl-C", N_("Quit bursar"), NULL },
};

struct frame {
	const struct screen_ops *ops;
	void *state;
};

static struct frame stack[STACK_MAX];
static int depth;

bool ui_push(struct ui *ui, const struct screen_ops *ops)
{
	if (depth >= STACK_MAX)
		return false;
	stack[depth].ops = ops;
	stack[depth].state = ops->enter ? ops->enter(ui) : NULL;
	depth++;
	return true;
}

static void ui_pop(struct ui *ui)
{
	struct frame *f = &stack[--depth];

	if (f->ops->leave)
		f->ops->leave(ui, f->state);
}

void ui_message(struct ui *ui, int elem, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
	ui->status_elem = elem;
}

attr_t ui_attr(const struct ui *ui, int elem)
{
	const struct theme_style *st = &ui->theme.style[elem];
	attr_t a = A_NORMAL;

	if (st->attrs & THEME_BOLD)
		a |= A_BOLD;
	if (st->attrs & THEME_REVERSE)
		a |= A_REVERSE;
	if (st->attrs & THEME_UNDERLINE)
		a |= A_UNDERLINE;
	if (st->attrs & THEME_DIMMED)
		a |= A_DIM;
	if (ui->colors) {
		a |= COLOR_PAIR(elem + 1);
		/* Bright colours on 8-colour terminals: the base colour in bold. */
		if (COLORS < 16 && st->fg >= 8)
			a |= A_BOLD;
	}
	return a;
}

static short color_for(int c)
{
	if (c == THEME_DEFAULT_COLOR)
		return -1;
	return (short)(c >= COLORS ? c - 8 : c);
}

void ui_apply_theme(struct ui *ui, const char *name)
{
	char msg[BR_MSG_MAX];

	if (theme_load(ui->app->themes_dir, name, &ui->theme, msg, sizeof(msg))) {
		log_event("theme: %s; using the built-in theme", msg);
		theme_builtin(&ui->theme);
	}
	ui->ascii = ui->theme.ascii_borders || !i18n_locale_is_utf8(ui->app->client_lang);
	ui->colors = has_colors();
	if (ui->colors)
		for (int e = 0; e < THEME_COUNT; e++)
			init_pair((short)(e + 1), color_for(ui->theme.style[e].fg), color_for(ui->theme.style[e].bg));
	bkgdset(ui_attr(ui, THEME_NORMAL) | ' ');
}

void ui_text(struct ui *ui, int y, int x, int cols, const char *text, int elem, bool pad)
{
	char buf[2048];

	if (cols <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (x + cols > COLS)
		cols = COLS - x;
	text_fit(buf, sizeof(buf), text, cols, pad, 1);
	attrset(ui_attr(ui, elem));
	mvaddstr(y, x, buf);
	attrset(ui_attr(ui, THEME_NORMAL));
}

void ui_box(struct ui *ui, int top, int left, int rows, int cols, const char *title)
{
	const char *h = ui->ascii ? "-" : "─", *v = ui->ascii ? "|" : "│";
	const char *tl = ui->ascii ? "+" : "┌", *tr = ui->ascii ? "+" : "┐";
	const char *bl = ui->ascii ? "+" : "└", *br = ui->ascii ? "+" : "┘";

	if (rows < 2 || cols < 2)
		return;
	attrset(ui_attr(ui, THEME_BORDER));
	mvaddstr(top, left, tl);
	for (int x = 1; x < cols - 1; x++)
		addstr(h);
	addstr(tr);
	for (int y = 1; y < rows - 1; y++) {
		mvaddstr(top + y, left, v);
		mvaddstr(top + y, left + cols - 1, v);
	}
	mvaddstr(top + rows - 1, left, bl);
	for (int x = 1; x < cols - 1; x++)
		addstr(h);
	addstr(br);
	attrset(ui_attr(ui, THEME_NORMAL));
	if (title && *title) {
		char t[512];
		snprintf(t, sizeof(t), " %s ", title);
		ui_text(ui, top, left + 2, cols - 4 < text_width(t) ? cols - 4 : text_width(t), t, THEME_TITLE, false);
	}
}

bool ui_prompt(struct ui *ui, const char *label, char *buf, size_t size)
{
	return ui_prompt_hint(ui, label, buf, size, NULL, NULL);
}

bool ui_prompt_hint(struct ui *ui, const char *label, char *buf, size_t size, ui_hint_fn hint, void *arg)
{
	char line[1024];
	size_t len;
	bool ok = false;

	bool was_nodelay = is_nodelay(stdscr);

	str_copy(line, buf, sizeof(line) < size ? sizeof(line) : size);
	len = strlen(line);
	/* The key loop may be draining a burst without waiting; here we must wait. */
	nodelay(stdscr, FALSE);
	curs_set(1);
	for (;;) {
		char shown[1400];
		const char *from = shown;
		wint_t ch;
		int rc, w;

		snprintf(shown, sizeof(shown), " %s%s", label, line);
		/* too wide: drop characters from the left so the end being typed stays in view */
		for (w = text_width(from); w > COLS - 1 && *from;) {
			int cw;
			from += text_char(from, strlen(from), &cw);
			w -= cw;
		}
		if (hint && LINES > 2) {
			char h[512] = "";
			int elem = THEME_NORMAL;
			hint(line, h, sizeof(h), &elem, arg);
			ui_text(ui, LINES - 2, 0, COLS, h, elem, true);
		}
		ui_text(ui, LINES - 1, 0, COLS, from, THEME_STATUS, true);
		move(LINES - 1, w < COLS ? w : COLS - 1);
		refresh();
		rc = get_wch(&ch);
		if (rc == ERR)
			break;
		if (rc == KEY_CODE_YES) {
			if (ch == KEY_BACKSPACE)
				goto backspace;
			if (ch == KEY_ENTER)
				goto accept;
			continue;
		}
		if (ch == 27 || ch == 3) /* Esc, Ctrl-C */
			break;
		if (ch == 21) { /* Ctrl-U: clear */
			len = 0;
			line[0] = '\0';
			continue;
		}
		if (ch == '\n' || ch == '\r') {
		accept:
			str_copy(buf, line, size);
			ok = true;
			break;
		}
		if (ch == 127 || ch == 8) {
		backspace:
			/* drop one whole UTF-8 character */
			while (len > 0 && ((unsigned char)line[len - 1] & 0xc0) == 0x80)
				len--;
			if (len > 0)
				len--;
			line[len] = '\0';
			continue;
		}
		if (ch >= 32) {
			char mb[8];
			mbstate_t ps;
			size_t n;
			memset(&ps, 0, sizeof(ps));
			n = wcrtomb(mb, (wchar_t)ch, &ps);
			if (n != (size_t)-1 && len + n < sizeof(line) && len + n < size) {
				memcpy(line + len, mb, n);
				len += n;
				line[len] = '\0';
			}
		}
	}
	curs_set(0);
	nodelay(stdscr, was_nodelay);
	return ok;
}

bool ui_list_key(struct ui_list *l, int op, int n)
{
	switch (op) {
	case OP_LIST_UP: l->sel--; break;
	case OP_LIST_DOWN: l->sel++; break;
	case OP_LIST_PGUP: l->sel -= l->page; break;
	case OP_LIST_PGDN: l->sel += l->page; break;
	case OP_LIST_FIRST: l->sel = 0; break;
	case OP_LIST_LAST: l->sel = n - 1; break;
	default: return false;
	}
	ui_list_clamp(n, l->page, &l->sel, &l->scroll);
	return true;
}

void ui_list_clamp(int n, int h, int *sel, int *scroll)
{
	if (*sel >= n)
		*sel = n - 1;
	if (*sel < 0)
		*sel = 0;
	if (h < 1)
		h = 1;
	if (*sel < *scroll)
		*scroll = *sel;
	if (*sel >= *scroll + h)
		*scroll = *sel - h + 1;
	if (*scroll > (n > h ? n - h : 0))
		*scroll = n > h ? n - h : 0;
	if (*scroll < 0)
		*scroll = 0;
}

static void draw_header(struct ui *ui)
{
	const struct user *u = ui->app->user;
	char left[512], roles[256] = "";
	const char *title = _(stack[depth - 1].ops->title);
	int tw = text_width(title), used;

	role_mask_label(u->roles, roles, sizeof(roles));
	snprintf(left, sizeof(left), " bursar %s %s (%s) %s %s", ui->ascii ? "|" : "│", user_display(u), u->uid,
		 ui->ascii ? "|" : "│", roles[0] ? roles : _("no role"));
	ui_text(ui, 0, 0, COLS, "", THEME_HEADER, true);
	used = COLS - tw - 2 > 0 ? COLS - tw - 2 : COLS;
	ui_text(ui, 0, 0, used, left, THEME_HEADER, false);
	if (COLS - tw - 1 > text_width(left))
		ui_text(ui, 0, COLS - tw - 1, tw, title, THEME_HEADER, false);
}

static int hints_append(char *buf, size_t size, const struct key_binding *k, int n)
{
	int count = 0;

	for (int i = 0; i < n; i++) {
		if (!k[i].hint)
			continue;
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s %s", buf[0] ? "  " : " ", k[i].label,
			 _(k[i].hint));
		count++;
	}
	return count;
}

static void draw_status(struct ui *ui)
{
	char hints[1024] = "";
	const struct screen_ops *ops = stack[depth - 1].ops;

	if (ui->status[0]) {
		char msg[300];
		snprintf(msg, sizeof(msg), " %s", ui->status);
		ui_text(ui, LINES - 1, 0, COLS, msg, ui->status_elem, true);
		return;
	}
	hints_append(hints, sizeof(hints), ops->keys, ops->nkeys);
	hints_append(hints, sizeof(hints), global_keys, (int)ARRAY_SIZE(global_keys));
	ui_text(ui, LINES - 1, 0, COLS, hints, THEME_STATUS, true);
}

static bool too_small(void)
{
	return COLS < MIN_COLS || LINES < MIN_ROWS;
}

static void draw_too_small(struct ui *ui)
{
	char line[128];
	int y = LINES / 2 - 1;

	snprintf(line, sizeof(line), _("Terminal too small (%dx%d); need at least %dx%d"), COLS, LINES, MIN_COLS,
		 MIN_ROWS);
	ui_text(ui, y < 0 ? 0 : y, 0, COLS, line, THEME_WARN, false);
	if (LINES > 2)
		ui_text(ui, y + 1, 0, COLS, _("Enlarge the window, or press q to quit"), THEME_NORMAL, false);
}

/* First row of the `?` overlay shown: a long key table scrolls. */
static int help_first;

/* The overlay's key rows: the screen's keys, then the global ones. */
static const struct key_binding *help_key(const struct screen_ops *ops, int i)
{
	return i < ops->nkeys ? &ops->keys[i] : &global_keys[i - ops->nkeys];
}

static int help_count(const struct screen_ops *ops)
{
	return ops->nkeys + (int)ARRAY_SIZE(global_keys);
}

/* How many key rows the overlay has room for. */
static int help_page(const struct screen_ops *ops)
{
	int rows = help_count(ops) + 4;

	if (rows > LINES - 2)
		rows = LINES - 2;
	return rows - 3 > 1 ? rows - 3 : 1;
}

static void draw_help(struct ui *ui)
{
	const struct screen_ops *ops = stack[depth - 1].ops;
	int n = help_count(ops), page = help_page(ops);
	int rows = page + 3, cols = COLS - 8 < 64 ? COLS - 8 : 64;
	int top, left;
	char title[256];

	if (help_first > n - page)
		help_first = n - page;
	if (help_first < 0)
		help_first = 0;
	top = (LINES - rows) / 2;
	left = (COLS - cols) / 2;
	for (int r = 0; r < rows; r++)
		ui_text(ui, top + r, left, cols, "", THEME_NORMAL, true);
	snprintf(title, sizeof(title), "%s: %s", _("Keys"), _(ops->title));
	ui_box(ui, top, left, rows, cols, title);
	for (int r = 0; r < page && help_first + r < n; r++) {
		const struct key_binding *k = help_key(ops, help_first + r);
		ui_text(ui, top + 1 + r, left + 2, 12, k->label, THEME_KEY, true);
		ui_text(ui, top + 1 + r, left + 15, cols - 17, _(k->help), THEME_NORMAL, true);
	}
	ui_text(ui, top + rows - 2, left + 2, cols - 4,
		n > page ? _("j/k scroll, any other key closes") : _("Press any key to close"), THEME_DIM, false);
}

static void draw(struct ui *ui, bool help)
{
	const struct frame *f = &stack[depth - 1];

	erase();
	if (too_small()) {
		draw_too_small(ui);
	} else {
		draw_header(ui);
		ui_box(ui, 1, 0, LINES - 2, COLS, NULL);
		f->ops->draw(ui, f->state, 2, 2, LINES - 4, COLS - 4);
		draw_status(ui);
		if (help)
			draw_help(ui);
	}
	refresh();
}

static int lookup_op(const struct key_binding *k, int n, int ch)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < 4 && k[i].keys[j]; j++)
			if (k[i].keys[j] == ch)
				return k[i].op;
	return OP_NONE;
}

static bool ui_key(struct ui *ui, int ch, bool *help);

/* Picks a terminal type ncurses knows: the client's, else common fallbacks. */
static const char *pick_term(const char *want)
{
	static const char *const fallbacks[] = { "xterm-256color", "xterm", "vt100" };
	int err;

	if (want && *want && setupterm(want, 1, &err) == OK) {
		del_curterm(cur_term);
		return want;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fallbacks); i++)
		if (setupterm(fallbacks[i], 1, &err) == OK) {
			del_curterm(cur_term);
			return fallbacks[i];
		}
	return NULL;
}

/* Notifications are taken (marked seen) only when they can be shown. */
static bool notify(struct ui *ui)
{
	if (too_small() || !inbox_notify(ui))
		return false;
	ui->data_version++;
	return true;
}

/* The periodic look at the top screen and the notifications; true when something changed. */
static bool ui_tick(struct ui *ui)
{
	const struct frame *f = &stack[depth - 1];
	bool changed = false;

	if (f->ops->tick && (f->ops->tick(ui, f->state) & UI_REDRAW))
		changed = true;
	if (notify(ui))
		changed = true;
	return changed;
}

/*
 * Waits up to TICK_MS for input on the terminal: 1 when there is some (or
 * the terminal went away: getch() will say so), 0 on timeout, -1 when a
 * signal (a window change) interrupted the wait.
 */
static int input_wait(void)
{
	struct pollfd p = { fileno(stdin), POLLIN, 0 };
	int rc = poll(&p, 1, TICK_MS);

	if (rc < 0)
		return errno == EINTR ? -1 : 1;
	return rc > 0;
}

int ui_run(struct app *app)
{
	struct ui ui;
	SCREEN *scr;
	const char *term;
	bool help = false, redraw = true;
	int errors = 0, code = 0;

	memset(&ui, 0, sizeof(ui));
	ui.app = app;
	i18n_set_language(app_language(app));
	term = pick_term(app->term);
	if (!term) {
		fprintf(stdout, "bursar: no usable terminal description\r\n");
		return 1;
	}
	setenv("TERM", term, 1);
	scr = newterm(term, stdout, stdin);
	if (!scr)
		return 1;
	set_term(scr);
	raw();
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	ui_apply_theme(&ui, app->user->theme[0] ? app->user->theme : app->cfg->server.theme);
	if (!app->user->roles)
		ui_message(&ui, THEME_WARN, "%s", _("You have no role in bursar yet; ask an administrator."));
	ui_push(&ui, &screen_menu);
	ledger_reminders_notify(&ui);
	draw(&ui, help);
	redraw = notify(&ui);

	while (depth > 0) {
		bool quit = false;
		int ch, ready;

		if (redraw)
			draw(&ui, help);
		redraw = true;
		ready = input_wait();
		if (ready == 0) {
			redraw = ui_tick(&ui);
			continue;
		}
		if (ready < 0) {
			/* ncurses turns a pending window change into KEY_RESIZE; anything else: wait again */
			nodelay(stdscr, TRUE);
			ch = getch();
			nodelay(stdscr, FALSE);
			if (ch == ERR) {
				redraw = false;
				continue;
			}
		} else {
			ch = getch();
		}
		if (ch == ERR) {
			/* A blocking read failing means the terminal went away. */
			if (++errors > 5) {
				code = 1;
				break;
			}
			continue;
		}
		errors = 0;
		/*
		 * Handle every key already typed (or pasted) before drawing again:
		 * one redraw per burst instead of one per key on a slow link.
		 */
		nodelay(stdscr, TRUE);
		do
			quit = ui_key(&ui, ch, &help);
		while (!quit && depth > 0 && (ch = getch()) != ERR);
		nodelay(stdscr, FALSE);
		if (quit)
			break;
	}
	while (depth > 0)
		ui_pop(&ui);
	endwin();
	delscreen(scr);
	return code;
}

/* Dispatches one key; returns true when the person quits. */
static bool ui_key(struct ui *ui, int ch, bool *help)
{
	const struct screen_ops *ops = stack[depth - 1].ops;
	int op, flags;

	if (ch == KEY_RESIZE)
		return false;
	if (*help) {
		int n = help_count(ops), page = help_page(ops);
		if (n > page && (ch == 'j' || ch == KEY_DOWN || ch == 'k' || ch == KEY_UP)) {
			help_first += ch == 'j' || ch == KEY_DOWN ? 1 : -1;
			return false;
		}
		*help = false;
		return false;
	}
	ui->status[0] = '\0';
	if (too_small())
		return ch == 'q' || ch == 3;
	op = lookup_op(ops->keys, ops->nkeys, ch);
	flags = op != OP_NONE ? ops->key(ui, stack[depth - 1].state, op) : 0;
	if (op == OP_NONE) {
		op = lookup_op(global_keys, (int)ARRAY_SIZE(global_keys), ch);
		if (op == OP_HELP) {
			*help = true;
			help_first = 0;
		} else if (op == OP_BACK)
			flags |= UI_POP;
		else if (op == OP_QUIT)
			flags |= UI_QUIT;
	}
	if (flags & UI_QUIT)
		return true;
	if (flags & UI_POP)
		ui_pop(ui);
	return false;
}

static void key_table_md(FILE *out, const char *title, const struct key_binding *k, int n)
{
	fprintf(out, "\n**%s**", title);
	if (n == 0) {
		fputs(": only the keys of every screen.\n", out);
		return;
	}
	fputs("\n\n| key | action |\n|---|---|\n", out);
	for (int i = 0; i < n; i++)
		fprintf(out, "| `%s` | %s |\n", k[i].label, k[i].help);
}

void ui_write_key_reference(FILE *out)
{
	static const struct screen_ops *const screens[] = { &screen_menu,  &screen_claims,  &screen_claim, &screen_timeline,
							    &screen_inbox, &screen_profile, &screen_invoices,
							    &screen_forms, &screen_form,    &screen_prefs,
							    &screen_budgets, &screen_budget, &screen_dashboard,
							    &screen_accounts, &screen_vouchers, &screen_turnaround, &screen_audit,
							    &screen_ledgers, &screen_ledger, &screen_ledger_record,
							    &screen_ledger_form, &screen_ledger_history, &screen_reminders };

	key_table_md(out, "Every screen", global_keys, (int)ARRAY_SIZE(global_keys));
	for (size_t i = 0; i < ARRAY_SIZE(screens); i++)
		key_table_md(out, screens[i]->title, screens[i]->keys, screens[i]->nkeys);
}
