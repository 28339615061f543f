/*
 * markdown.c - Markdown (libcmark) laid out for the terminal: headings,
 * emphasis, inline code, lists and code blocks, wrapped by display width so
 * Chinese text wraps correctly.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "screen.h"

#include "bursar/text.h"
#include "bursar/util.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct seg {
	char *text;
	int elem;
};

struct line {
	struct seg *segs;
	int nsegs;
	int width;
};

struct layout {
	struct line *lines;
	int nlines;
	int cols;
	int indent;
	bool ascii;
	/* the paragraph being filled */
	struct seg *pending;
	int npending;
};

static void add_line(struct layout *l)
{
	l->lines = xrealloc(l->lines, sizeof(*l->lines) * (size_t)(l->nlines + 1));
	memset(&l->lines[l->nlines++], 0, sizeof(struct line));
}

static void put(struct layout *l, const char *text, size_t len, int elem, int width)
{
	struct line *ln = &l->lines[l->nlines - 1];

	/* Runs of the same style grow one segment instead of adding many. */
	if (ln->nsegs && ln->segs[ln->nsegs - 1].elem == elem) {
		struct seg *last = &ln->segs[ln->nsegs - 1];
		size_t have = strlen(last->text);
		last->text = xrealloc(last->text, have + len + 1);
		memcpy(last->text + have, text, len);
		last->text[have + len] = '\0';
		ln->width += width;
		return;
	}
	ln->segs = xrealloc(ln->segs, sizeof(*ln->segs) * (size_t)(ln->nsegs + 1));
	ln->segs[ln->nsegs].text = xmalloc(len + 1);
	memcpy(ln->segs[ln->nsegs].text, text, len);
	ln->segs[ln->nsegs].text[len] = '\0';
	ln->segs[ln->nsegs].elem = elem;
	ln->nsegs++;
	ln->width += width;
}

static void pend(struct layout *l, const char *text, int elem)
{
	l->pending = xrealloc(l->pending, sizeof(*l->pending) * (size_t)(l->npending + 1));
	l->pending[l->npending].text = xstrdup(text);
	l->pending[l->npending].elem = elem;
	l->npending++;
}

/* Lays the pending inline text out in lines of at most cols columns. */
static void flush(struct layout *l, const char *first_prefix)
{

	if (!l->npending)
		return;
	add_line(l);
	put(l, "                                ", (size_t)(l->indent > 32 ? 32 : l->indent), THEME_NORMAL, l->indent);
	if (first_prefix)
		put(l, first_prefix, strlen(first_prefix), THEME_DIM, text_width(first_prefix));
	for (int i = 0; i < l->npending; i++) {
		const char *p = l->pending[i].text;
		size_t left = strlen(p);
		while (left) {
			/*
			 * A token is one run of non-blank ASCII (a word, kept whole
			 * when it fits on a line), or one other character (CJK text
			 * may break between any two characters), or one blank.
			 */
			size_t n = 0;
			int w = 0;
			if ((unsigned char)p[0] < 0x80 && p[0] != ' ') {
				while (n < left && (unsigned char)p[n] < 0x80 && p[n] != ' ')
					n++;
				w = (int)n;
			} else {
				mbstate_t st;
				wchar_t wc;
				memset(&st, 0, sizeof(st));
				n = mbrtowc(&wc, p, left, &st);
				if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
					n = 1;
					w = 1;
				} else {
					w = wcwidth(wc) < 0 ? 1 : wcwidth(wc);
				}
			}
			if (l->lines[l->nlines - 1].width + w > l->cols) {
				int hang = l->indent + (first_prefix ? text_width(first_prefix) : 0);
				if (*p == ' ') { /* a blank at the break disappears */
					p++;
					left--;
					continue;
				}
				/* a word longer than a whole line is cut where it must be */
				if (w > l->cols - hang) {
					n = (size_t)(l->cols - l->lines[l->nlines - 1].width);
					if (n == 0) {
						add_line(l);
						put(l, "                                ",
						    (size_t)(hang > 32 ? 32 : hang), THEME_NORMAL, hang);
						continue;
					}
					w = (int)n;
				} else {
					add_line(l);
					put(l, "                                ", (size_t)(hang > 32 ? 32 : hang),
					    THEME_NORMAL, hang);
				}
			}
			put(l, p, n, l->pending[i].elem, w);
			p += n;
			left -= n;
		}
	}
	for (int i = 0; i < l->npending; i++)
		free(l->pending[i].text);
	l->npending = 0;
}

static int inline_elem(cmark_node *n)
{
	for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p)) {
		switch (cmark_node_get_type(p)) {
		case CMARK_NODE_STRONG: return THEME_KEY;
		case CMARK_NODE_EMPH: return THEME_OK;
		case CMARK_NODE_HEADING: return THEME_TITLE;
		case CMARK_NODE_LINK: return THEME_KEY;
		default: break;
		}
	}
	return THEME_NORMAL;
}

void md_layout_free(struct md_layout *m)
{
	struct layout *l = (struct layout *)m->opaque;

	if (!l)
		return;
	for (int i = 0; i < l->nlines; i++) {
		for (int s = 0; s < l->lines[i].nsegs; s++)
			free(l->lines[i].segs[s].text);
		free(l->lines[i].segs);
	}
	free(l->lines);
	free(l->pending);
	free(l);
	m->opaque = NULL;
	m->nlines = 0;
}

void md_layout(struct md_layout *m, const char *markdown, int cols, bool ascii)
{
	cmark_node *doc = cmark_parse_document(markdown, strlen(markdown), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	struct layout *l = xcalloc(1, sizeof(*l));
	const char *item_prefix = NULL;
	cmark_event_type ev;

	l->cols = cols < 8 ? 8 : cols;
	l->ascii = ascii;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);

		if (ev == CMARK_EVENT_ENTER) {
			switch (t) {
			case CMARK_NODE_TEXT:
			case CMARK_NODE_CODE:
				pend(l, cmark_node_get_literal(n), t == CMARK_NODE_CODE ? THEME_KEY : inline_elem(n));
				break;
			case CMARK_NODE_SOFTBREAK: pend(l, " ", THEME_NORMAL); break;
			case CMARK_NODE_LINEBREAK: flush(l, NULL); break;
			case CMARK_NODE_LIST: l->indent += 2; break;
			case CMARK_NODE_ITEM: item_prefix = l->ascii ? "* " : "• "; break;
			case CMARK_NODE_CODE_BLOCK: {
				char *copy = xstrdup(cmark_node_get_literal(n)), *rest = copy, *line;
				while ((line = strsep(&rest, "\n")) && (*line || rest)) {
					l->indent += 2;
					pend(l, line, THEME_DIM);
					flush(l, NULL);
					l->indent -= 2;
				}
				free(copy);
				add_line(l);
				break;
			}
			case CMARK_NODE_THEMATIC_BREAK: add_line(l); break;
			default: break;
			}
		} else if (ev == CMARK_EVENT_EXIT) {
			switch (t) {
			case CMARK_NODE_PARAGRAPH:
				flush(l, item_prefix);
				item_prefix = NULL;
				/* a blank line after paragraphs outside lists */
				if (!cmark_node_parent(n) ||
				    cmark_node_get_type(cmark_node_parent(n)) != CMARK_NODE_ITEM)
					add_line(l);
				break;
			case CMARK_NODE_HEADING:
				flush(l, NULL);
				add_line(l);
				break;
			case CMARK_NODE_LIST:
				l->indent -= 2;
				add_line(l);
				break;
			default: break;
			}
		}
	}
	flush(l, NULL);
	cmark_iter_free(it);
	cmark_node_free(doc);
	m->opaque = l;
	m->nlines = l->nlines;
}

void md_draw(struct ui *ui, const struct md_layout *m, int first, int top, int left, int rows)
{
	const struct layout *l = m->opaque;

	for (int i = 0; l && i < rows && first + i < l->nlines; i++) {
		const struct line *ln = &l->lines[first + i];
		int x = left;
		for (int s = 0; s < ln->nsegs; s++) {
			int w = text_width(ln->segs[s].text);
			ui_text(ui, top + i, x, w, ln->segs[s].text, ln->segs[s].elem, false);
			x += w;
		}
	}
}

void md_view_draw(struct ui *ui, struct md_view *v, int top, int left, int rows, int cols)
{
	if (v->cols != cols) { /* lay out again after a resize */
		md_layout_free(&v->md);
		md_layout(&v->md, v->text, cols, ui->ascii);
		v->cols = cols;
	}
	v->list.page = rows;
	/* the "selection" is the first line shown; the last page stays full */
	if (v->list.sel > v->md.nlines - rows)
		v->list.sel = v->md.nlines - rows;
	if (v->list.sel < 0)
		v->list.sel = 0;
	md_draw(ui, &v->md, v->list.sel, top, left, rows);
}

int md_view_key(struct md_view *v, int op)
{
	return ui_list_key(&v->list, op, v->md.nlines) ? UI_REDRAW : 0;
}

void md_view_free(struct md_view *v)
{
	md_layout_free(&v->md);
	free(v->text);
	free(v);
}
