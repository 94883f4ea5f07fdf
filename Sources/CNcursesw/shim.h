// ncurses exposes much of its API as macros and globals, which Swift cannot import.
// These static inline wrappers give the terminal adapter plain functions instead.
#ifndef DIGITTY_CNCURSESW_SHIM_H
#define DIGITTY_CNCURSESW_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

static inline WINDOW *digitty_stdscr(void) { return stdscr; }
static inline int digitty_lines(void) { return LINES; }
static inline int digitty_cols(void) { return COLS; }
static inline int digitty_colors(void) { return COLORS; }
static inline int digitty_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t digitty_a_normal(void) { return A_NORMAL; }
static inline attr_t digitty_a_bold(void) { return A_BOLD; }
static inline attr_t digitty_a_reverse(void) { return A_REVERSE; }
static inline attr_t digitty_a_dim(void) { return A_DIM; }
static inline attr_t digitty_a_underline(void) { return A_UNDERLINE; }

/// Sets the attributes and the (possibly extended) colour pair for what is written next.
static inline int digitty_set_style(attr_t attributes, int pair) {
    return wattr_set(stdscr, attributes, (short)(pair < 32768 ? pair : 0), &pair);
}

/// Starts ncurses on standard input and output (NULL if the terminal cannot be used).
static inline SCREEN *digitty_newterm(void) { return newterm(NULL, stdout, stdin); }

/// Sends bytes straight to the terminal through ncurses' output stream (mouse-mode switches).
static inline void digitty_write_raw(const char *text) { fputs(text, stdout); fflush(stdout); }

/// Writes a UTF-8 (or ASCII) string at row `y`, column `x` of the standard screen.
static inline int digitty_mvaddstr(int y, int x, const char *text) { return mvaddstr(y, x, text); }

#endif
