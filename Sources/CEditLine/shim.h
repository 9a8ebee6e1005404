// Fixed-signature wrappers over libedit's variadic calls, which Swift cannot import.
// Everything here is static inline: Swift imports and emits these, so no C target is needed.
#include <stdio.h>
#include <locale.h>
#include <string.h>
#include <strings.h>
#include <langinfo.h>
#include <histedit.h>

typedef char *(*cel_prompt_fn)(EditLine *);
typedef unsigned char (*cel_addfn_fn)(EditLine *, int);

// Swift 6 rejects the mutable C globals stdin/stdout/stderr; hand them over from C.
static inline FILE *cel_stdin(void) { return stdin; }
static inline FILE *cel_stdout(void) { return stdout; }
static inline FILE *cel_stderr(void) { return stderr; }

/// A prompt whose characters between two `literal` characters take no room on the screen
/// (colour escapes), so they do not break cursor positioning.
static inline int cel_set_prompt_esc(EditLine *el, cel_prompt_fn f, char literal) {
    return el_set(el, EL_PROMPT_ESC, f, literal);
}
static inline int cel_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int cel_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int cel_set_hist(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int cel_set_clientdata(EditLine *el, void *p) { return el_set(el, EL_CLIENTDATA, p); }
static inline void *cel_get_clientdata(EditLine *el) {
    void *p = NULL;
    el_get(el, EL_CLIENTDATA, &p);
    return p;
}
static inline int cel_addfn(EditLine *el, const char *name, const char *help, cel_addfn_fn f) {
    return el_set(el, EL_ADDFN, name, help, f);
}
static inline int cel_bind(EditLine *el, const char *key, const char *fn) {
    return el_set(el, EL_BIND, key, fn, NULL);
}
/// `setty -d -isig`: while editing, Ctrl-C arrives as a character (bound to our function)
/// instead of raising SIGINT. The terminal's own settings are untouched outside el_gets.
static inline int cel_setty_edit_noisig(EditLine *el) {
    return el_set(el, EL_SETTY, "-d", "-isig", NULL);
}
static inline int cel_terminal_columns(EditLine *el) {
    int n = 0;
    if (el_get(el, EL_GETTC, "co", &n, NULL) != 0) return 0;
    return n;
}

static inline int cel_history_setsize(History *h, HistEvent *ev, int n) { return history(h, ev, H_SETSIZE, n); }
static inline int cel_history_setunique(History *h, HistEvent *ev, int on) { return history(h, ev, H_SETUNIQUE, on); }
static inline int cel_history_enter(History *h, HistEvent *ev, const char *s) { return history(h, ev, H_ENTER, s); }
static inline int cel_history_clear(History *h, HistEvent *ev) { return history(h, ev, H_CLEAR); }

/// setlocale(LC_CTYPE, "") and, when that does not give a UTF-8 codeset, C.UTF-8; without a
/// UTF-8 LC_CTYPE libedit silently drops non-ASCII input. Returns 1 when UTF-8 is in effect.
static inline int cel_setup_utf8_locale(void) {
    setlocale(LC_CTYPE, "");
    const char *cs = nl_langinfo(CODESET);
    if (cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0)) return 1;
    if (setlocale(LC_CTYPE, "C.UTF-8") || setlocale(LC_CTYPE, "C.utf8") || setlocale(LC_CTYPE, "en_US.UTF-8")) return 1;
    return 0;
}
