/*
 * widgets.c - modal pieces screens borrow: a chooser, a yes/no confirmation
 * over a list of lines, a notice that any key closes, and a multi-line text
 * editor for Markdown fields.
 * Each runs its own key loop and leaves the screen to be redrawn.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "screen.h"
#include "bursar/service.h"

#include "bursar/i18n.h"
#include "bursar/text.h"
#include "bursar/util.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Waits for one key whatever the dispatcher's nodelay state; restores it. */
static int modal_key(wint_t *ch)
{
	bool was = is_nodelay(stdscr);
	int rc;

	nodelay(stdscr, FALSE);
	rc = get_wch(ch);
	nodelay(stdscr, was);
	return rc;
}

/* A centred box of rows x cols (clamped to the screen), cleared. */
static void modal_box(struct ui *ui, int *rows, int *cols, int *top, int *left, const char *title)
{
	if (*rows > LINES - 2)
		*rows = LINES - 2;
	if (*cols > COLS - 2)
		*cols = COLS - 2;
	*top = (LINES - *rows) / 2;
	*left = (COLS - *cols) / 2;
	for (int r = 0; r < *rows; r++)
		ui_text(ui, *top + r, *left, *cols, "", THEME_NORMAL, true);
	ui_box(ui, *top, *left, *rows, *cols, title);
}

int ui_choose(struct ui *ui, const char *title, const char *const *items, int n, int sel)
{
	struct ui_list l = { sel, 0, 1 };
	int width = text_width(title) + 6;

	if (width < text_width(_("Enter choose, Esc cancel")) + 6)
		width = text_width(_("Enter choose, Esc cancel")) + 6;

	for (int i = 0; i < n; i++)
		if (text_width(items[i]) + 6 > width)
			width = text_width(items[i]) + 6;
	for (;;) {
		int rows = n + 3, cols = width, top, left;
		wint_t ch;
		int rc;

		modal_box(ui, &rows, &cols, &top, &left, title);
		l.page = rows - 3 > 0 ? rows - 3 : 1;
		ui_list_clamp(n, l.page, &l.sel, &l.scroll);
		for (int i = 0; i < l.page && l.scroll + i < n; i++)
			ui_text(ui, top + 1 + i, left + 2, cols - 4, items[l.scroll + i],
				l.scroll + i == l.sel ? THEME_SELECTED : THEME_NORMAL, true);
		ui_text(ui, top + rows - 2, left + 2, cols - 4, _("Enter choose, Esc cancel"), THEME_DIM, false);
		refresh();
		rc = modal_key(&ch);
		if (rc == ERR)
			return -1;
		if (rc == KEY_CODE_YES) {
			switch (ch) {
			case KEY_UP: l.sel--; break;
			case KEY_DOWN: l.sel++; break;
			case KEY_HOME: l.sel = 0; break;
			case KEY_END: l.sel = n - 1; break;
			case KEY_ENTER: return n ? l.sel : -1;
			}
			continue;
		}
		switch (ch) {
		case 'k': l.sel--; break;
		case 'j': l.sel++; break;
		case 'g': l.sel = 0; break;
		case 'G': l.sel = n - 1; break;
		case '\n':
		case '\r': return n ? l.sel : -1;
		case 27:
		case 'q':
		case 3: return -1;
		default:
			if (ch >= '1' && ch <= '9' && (int)(ch - '1') < n)
				return (int)(ch - '1');
		}
	}
}

/*
 * A list of lines with a last line of text under it; returns the key that
 * ended it: y or n with a question, any other key without one.
 */
static int list_modal(struct ui *ui, const char *title, const char *const *lines, const int *elems, int n,
		      const char *question, bool any_key)
{
	int first = 0;

	for (;;) {
		int rows = n + 5, cols = COLS - 4 < 100 ? COLS - 4 : 100, top, left, page;
		wint_t ch;
		int rc;

		modal_box(ui, &rows, &cols, &top, &left, title);
		page = rows - 4 > 0 ? rows - 4 : 1;
		if (first > n - page)
			first = n - page;
		if (first < 0)
			first = 0;
		for (int i = 0; i < page && first + i < n; i++)
			ui_text(ui, top + 1 + i, left + 2, cols - 4, lines[first + i],
				elems ? elems[first + i] : THEME_NORMAL, true);
		ui_text(ui, top + rows - 2, left + 2, cols - 4, question, THEME_TITLE, false);
		refresh();
		rc = modal_key(&ch);
		if (rc == ERR)
			return 'n';
		if (rc == KEY_CODE_YES) {
			if (ch == KEY_DOWN || ch == KEY_NPAGE)
				first += ch == KEY_DOWN ? 1 : page;
			else if (ch == KEY_UP || ch == KEY_PPAGE)
				first -= ch == KEY_UP ? 1 : page;
			else if (any_key && ch != KEY_RESIZE)
				return 'n';
			continue;
		}
		/* j/k scroll a list longer than the box; a short one closes on any key */
		if ((ch == 'j' || ch == 'k') && (!any_key || n > page)) {
			first += ch == 'j' ? 1 : -1;
			continue;
		}
		if (any_key)
			return (int)ch;
		if (ch == 'y' || ch == 'Y')
			return 'y';
		if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q' || ch == 3)
			return 'n';
	}
}

bool ui_confirm(struct ui *ui, const char *title, const char *const *lines, const int *elems, int n,
		const char *question)
{
	return list_modal(ui, title, lines, elems, n, question, false) == 'y';
}

void ui_notice(struct ui *ui, const char *title, const char *const *lines, const int *elems, int n)
{
	list_modal(ui, title, lines, elems, n, _("Press any key to close"), true);
}

/* ---- the multi-line editor ---- */

struct rowspan {
	size_t start, end; /* bytes of text on this screen row (end excludes '\n') */
};

/*
 * Lays text out in rows of at most cols columns, breaking at newlines and
 * wherever the next character would not fit; finds the cursor's row/col.
 */
static int layout(const char *text, size_t len, int cols, struct rowspan **rows, size_t cur, int *cur_row, int *cur_col)
{
	int n = 0, cap = 16, w = 0;
	size_t i = 0, start = 0;

	*rows = xrealloc(*rows, sizeof(**rows) * (size_t)cap);
	*cur_row = *cur_col = 0;
	for (;;) {
		int cw = 0;
		size_t cl = 0;
		bool brk = i >= len || text[i] == '\n';
		if (!brk) {
			cl = text_char(text + i, len - i, &cw);
			brk = w + cw > cols && w > 0;
		}
		if (cur == i && !(brk && i < len && text[i] != '\n')) {
			*cur_row = n;
			*cur_col = w;
		}
		if (brk) {
			if (n == cap)
				*rows = xrealloc(*rows, sizeof(**rows) * (size_t)(cap *= 2));
			(*rows)[n].start = start;
			(*rows)[n].end = i;
			n++;
			if (i >= len)
				break;
			if (text[i] == '\n')
				i++;
			start = i;
			w = 0;
			continue;
		}
		w += cw;
		i += cl;
	}
	return n;
}

/* The byte offset in row r closest to display column col. */
static size_t offset_at(const char *text, const struct rowspan *r, int col)
{
	size_t i = r->start;
	int w = 0;

	while (i < r->end) {
		int cw;
		size_t cl = text_char(text + i, r->end - i, &cw);
		if (w + cw > col)
			break;
		w += cw;
		i += cl;
	}
	return i;
}

static void insert_bytes(char **text, size_t *len, size_t *cap, size_t at, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*text = xrealloc(*text, *cap);
	}
	memmove(*text + at + n, *text + at, *len - at + 1);
	memcpy(*text + at, s, n);
	*len += n;
}

/* Start of the character before at. */
static size_t prev_char(const char *text, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)text[at] & 0xc0) == 0x80)
		at--;
	return at;
}

bool ui_textarea(struct ui *ui, const char *title, char **value, size_t max)
{
	size_t len = strlen(*value), cap = len + 64, cur = len;
	char *text = xmalloc(cap);
	struct rowspan *rows = NULL;
	int first = 0;
	bool ok = false;

	memcpy(text, *value, len + 1);
	curs_set(1);
	for (;;) {
		int h = LINES - 6, w = COLS - 4, top = 2, left = 2, n, row, col;
		char info[128];
		wint_t ch;
		int rc;

		if (h < 1 || w < 4)
			break;
		n = layout(text, len, w, &rows, cur, &row, &col);
		if (row < first)
			first = row;
		if (row >= first + h)
			first = row - h + 1;
		for (int r = 0; r < LINES - 2; r++)
			ui_text(ui, 1 + r, 0, COLS, "", THEME_NORMAL, true);
		ui_box(ui, 1, 0, LINES - 2, COLS, title);
		for (int r = 0; r < h && first + r < n; r++) {
			char line[2048];
			size_t bytes = rows[first + r].end - rows[first + r].start;
			if (bytes >= sizeof(line))
				bytes = sizeof(line) - 1;
			memcpy(line, text + rows[first + r].start, bytes);
			line[bytes] = '\0';
			ui_text(ui, top + r, left, w, line, THEME_NORMAL, true);
		}
		snprintf(info, sizeof(info), _("Ctrl-D done, Esc cancel, Markdown  %zu/%zu bytes"), len, max);
		ui_text(ui, LINES - 1, 0, COLS, info, THEME_STATUS, true);
		move(top + row - first, left + (col < w ? col : w - 1));
		refresh();
		rc = modal_key(&ch);
		if (rc == ERR)
			break;
		if (rc == KEY_CODE_YES) {
			switch (ch) {
			case KEY_LEFT: cur = prev_char(text, cur); break;
			case KEY_RIGHT:
				if (cur < len) {
					int cw;
					cur += text_char(text + cur, len - cur, &cw);
				}
				break;
			case KEY_UP:
				if (row > 0)
					cur = offset_at(text, &rows[row - 1], col);
				break;
			case KEY_DOWN:
				if (row + 1 < n)
					cur = offset_at(text, &rows[row + 1], col);
				break;
			case KEY_HOME: cur = rows[row].start; break;
			case KEY_END: cur = rows[row].end; break;
			case KEY_BACKSPACE: goto backspace;
			case KEY_DC:
				if (cur < len) {
					int cw;
					size_t cl = text_char(text + cur, len - cur, &cw);
					memmove(text + cur, text + cur + cl, len - cur - cl + 1);
					len -= cl;
				}
				break;
			case KEY_ENTER: goto newline;
			}
			continue;
		}
		if (ch == 4) { /* Ctrl-D: done */
			free(*value);
			*value = xstrdup(text);
			ok = true;
			break;
		}
		if (ch == 27 || ch == 3)
			break;
		if (ch == 127 || ch == 8) {
		backspace:
			if (cur > 0) {
				size_t p = prev_char(text, cur);
				memmove(text + p, text + cur, len - cur + 1);
				len -= cur - p;
				cur = p;
			}
			continue;
		}
		if (ch == '\r' || ch == '\n') {
		newline:
			if (len + 1 <= max) {
				insert_bytes(&text, &len, &cap, cur, "\n", 1);
				cur++;
			}
			continue;
		}
		if (ch >= 32 || ch == '\t') {
			char mb[8];
			mbstate_t ps;
			size_t k;
			memset(&ps, 0, sizeof(ps));
			k = wcrtomb(mb, (wchar_t)(ch == '\t' ? ' ' : ch), &ps);
			if (k != (size_t)-1 && len + k <= max) {
				insert_bytes(&text, &len, &cap, cur, mb, k);
				cur += k;
			}
		}
	}
	curs_set(0);
	free(rows);
	free(text);
	return ok;
}

/* Problem lines for the notice: each cut to w columns, the rest indented under it. */
struct report {
	char **lines;
	int *elems;
	int n;
};

static void report_add(struct report *r, const char *text, int w)
{
	const char *indent = "    ";
	const int iw = 4;
	bool first = true;

	if (w < iw + 8)
		w = iw + 8;
	while (*text || first) {
		const char *p = text, *space = NULL, *cut;
		int used = first ? 0 : iw;
		while (*p) {
			int cw;
			size_t cl = text_char(p, strlen(p), &cw);
			if (used + cw > w && p > text)
				break;
			if (*p == ' ')
				space = p;
			used += cw;
			p += cl;
		}
		/* at the last space when one is there, else where the width ends */
		cut = *p && space && space > text ? space : p;
		r->lines = xrealloc(r->lines, sizeof(*r->lines) * (size_t)(r->n + 1));
		r->elems = xrealloc(r->elems, sizeof(*r->elems) * (size_t)(r->n + 1));
		r->lines[r->n] = xasprintf("%s%.*s", first ? "" : indent, (int)(cut - text), text);
		r->elems[r->n++] = first ? THEME_ERROR : THEME_NORMAL;
		text = cut == space ? cut + 1 : cut;
		first = false;
	}
}

void ui_import_problems(struct ui *ui, const char *title, const struct import_problem *p, int n)
{
	struct report rep = { NULL, NULL, 0 };
	/* the width of ui_notice's lines */
	int w = (COLS - 4 < 100 ? COLS - 4 : 100) - 4;

	for (int i = 0; i < n; i++) {
		char line[BR_MSG_MAX + 96];
		if (p[i].column[0])
			snprintf(line, sizeof(line), _("row %d (line %d), %s: %s"), p[i].row, p[i].line, p[i].column,
				 p[i].message);
		else
			snprintf(line, sizeof(line), _("row %d (line %d): %s"), p[i].row, p[i].line, p[i].message);
		text_sanitize(line);
		report_add(&rep, line, w);
	}
	ui_notice(ui, title, (const char *const *)rep.lines, rep.elems, rep.n);
	for (int i = 0; i < rep.n; i++)
		free(rep.lines[i]);
	free(rep.lines);
	free(rep.elems);
}

int ui_cell(struct ui *ui, int y, int x, int w, const char *text, bool right, int elem)
{
	char clean[1024], fit[1024], line[1100];
	int used;

	if (w <= 0)
		return x;
	str_copy(clean, text, sizeof(clean));
	text_sanitize(clean);
	used = text_fit(fit, sizeof(fit), clean, w, 0, 1);
	snprintf(line, sizeof(line), "%*s%s", right ? w - used : 0, "", fit);
	ui_text(ui, y, x, w, line, elem, true);
	return x + w + 1;
}
