/* The loop of a Scan node in C: ScanLoop.
 *
 * Built by aesara/link/c/scan_runtime.py (through the compile cache, or at
 * install time: aesara/link/c/prebuilt.py). A ScanLoop is the thunk of one
 * Scan node. It does what aesara.scan.op.ScanRunner.run does, without
 * Python per step:
 *
 *   - state buffers (mit_mot, mit_sot, sit_sot) are copies of the outer
 *     buffers (or the outer buffers themselves when the op works in place);
 *     at step i a state's input taps read the rows (i - mintap + tap) % len
 *     and its output taps write the rows (i - mintap + out_tap) % len;
 *   - a nit_sot trace is allocated after the first step, from the shape of
 *     its first value;
 *   - shared states go from the inner output cell back to the inner input
 *     cell after each step (one the inner function updates in place, a
 *     random generator, starts from a copy of the outer value); non-sequences
 *     are set once;
 *   - a while loop stops after the first step whose condition is true;
 *   - at the end every trace is put in chronological order and the inner
 *     input cells are emptied.
 *
 * Per step the inner function's input cells get views of the sequence and
 * buffer rows. A view object is reused (only its data pointer moves) when
 * its reference count shows that only the cell and this loop hold it;
 * otherwise (an inner op kept it) a new one is made. The inner function
 * runs through its C loop (a CLoop of the runtime) or, for graphs the C
 * loop does not run (lazy ops, no compiler), through its Python VM: any
 * callable with no arguments. Its outputs are copied into the buffer rows:
 * memmove for C-contiguous rows of the same type, NumPy's assignment
 * (which handles overlapping memory and casts) otherwise.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <stdint.h>
#include <string.h>

enum { SK_MIT_MOT = 0, SK_STATE = 1, SK_NIT_SOT = 2 };

static PyObject *no_args;  /* () */

/* Check for Ctrl-C every this many steps (the inner C thunks never do). */
#define SIGNAL_EVERY 1024

typedef struct {
    int kind;
    Py_ssize_t outer_in, outer_out;
    Py_ssize_t n_in, n_out;
    long long *in_taps;
    Py_ssize_t *in_idx;
    long long *out_taps;
    Py_ssize_t *out_idx;
    long long mintap;
    int typenum;          /* dtype of the trace (nit_sot) */
    int static_nd;        /* rank of one step's value */
    npy_intp *static_shape;  /* -1: unknown */
    int inplace;          /* work on the outer buffer itself */
} StateSpec;

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *dict;
    PyObject *outer_in, *outer_out, *out_flags;  /* tuples of cells */
    PyObject *inner_in, *inner_out;              /* tuples of cells */
    PyObject *step;        /* runs the inner function once */
    PyObject *name;        /* str(op) */
    Py_ssize_t n_outer_in, n_outer_out, n_inner_in, n_inner_out;
    Py_ssize_t n_seqs;
    Py_ssize_t n_states;
    StateSpec *states;
    Py_ssize_t n_shared;
    Py_ssize_t *sh_in_idx, *sh_out_idx, *sh_outer_in, *sh_outer_out;
    /* Per shared state: NULL, or what copies its outer value once before the
     * first step (a state the inner function updates in place). */
    PyObject **sh_copy;
    Py_ssize_t n_nonseq;
    Py_ssize_t *ns_in_idx, *ns_outer_in;
    int as_while;
    int allow_gc;
    int running;
    /* A run's bookkeeping arrays, allocated at the first run and reused
     * (a loop never runs twice at once): sl_run carves them from this. */
    char *scratch;
    /* Per inner input: the view this loop last put in the cell (owned) and
     * the array it is a row of (borrowed; valid during a run only). */
    PyObject **views;
    PyObject **view_src;
    /* Statistics. */
    long long runs, steps, views_made, views_reused, fast_copies, slow_copies;
} ScanLoop;

static PyTypeObject ScanLoopType;

/* ------------------------------------------------------------------------ */
/* helpers                                                                   */
/* ------------------------------------------------------------------------ */

static inline npy_intp
pos_mod(long long a, npy_intp n)
{
    long long r = a % (long long)n;
    return (npy_intp)(r < 0 ? r + n : r);
}

/* (p0 + tap) % n for p0 in [0, n), without a division when |tap| <= n. */
static inline npy_intp
wrap(npy_intp p0, long long tap, npy_intp n)
{
    long long p = (long long)p0 + tap;
    if (p >= 0 && p < n) return (npy_intp)p;
    if (p < 0 && p + n >= 0) return (npy_intp)(p + n);
    if (p >= n && p - n < n) return (npy_intp)(p - n);
    return pos_mod(p, n);
}

static inline void
cell_set(PyObject *cell, PyObject *v)  /* steals v */
{
    PyObject *old = PyList_GET_ITEM(cell, 0);
    PyList_SET_ITEM(cell, 0, v);
    Py_XDECREF(old);
}

static inline void
cell_clear(PyObject *cell)
{
    PyObject *old = PyList_GET_ITEM(cell, 0);
    if (old != Py_None) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(cell, 0, Py_None);
        Py_DECREF(old);
    }
}

/* int(v), as ``_as_n_steps``: non-negative. */
static int
as_n_steps(PyObject *v, long long *out)
{
    PyObject *n = PyNumber_Long(v);
    if (!n) return -1;
    long long r = PyLong_AsLongLong(n);
    Py_DECREF(n);
    if (r == -1 && PyErr_Occurred()) return -1;
    if (r < 0) {
        PyErr_Format(PyExc_ValueError, "Scan: n_steps must be non-negative, got %lld", r);
        return -1;
    }
    *out = r;
    return 0;
}

/* A view of row `pos` of `src` (first axis), with `src` as its base. */
static PyObject *
row_view(PyArrayObject *src, npy_intp pos)
{
    PyArray_Descr *d = PyArray_DESCR(src);
    Py_INCREF(d);
    PyObject *v = PyArray_NewFromDescr(
        &PyArray_Type, d, PyArray_NDIM(src) - 1, PyArray_DIMS(src) + 1,
        PyArray_STRIDES(src) + 1, PyArray_BYTES(src) + pos * PyArray_STRIDE(src, 0),
        PyArray_FLAGS(src) & NPY_ARRAY_WRITEABLE, NULL);
    if (!v) return NULL;
    Py_INCREF(src);
    if (PyArray_SetBaseObject((PyArrayObject *)v, (PyObject *)src) < 0) {
        Py_DECREF(v);
        return NULL;
    }
    return v;
}

/* Whether each row of `a` (all axes but the first) is C-contiguous. */
static int
rows_c_contiguous(PyArrayObject *a)
{
    npy_intp expect = PyArray_ITEMSIZE(a);
    for (int d = PyArray_NDIM(a) - 1; d >= 1; d--) {
        npy_intp n = PyArray_DIM(a, d);
        if (n == 0) return 1;
        if (n != 1 && PyArray_STRIDE(a, d) != expect) return 0;
        expect *= n;
    }
    return 1;
}

static npy_intp
row_bytes(PyArrayObject *a)
{
    npy_intp n = PyArray_ITEMSIZE(a);
    for (int d = 1; d < PyArray_NDIM(a); d++) n *= PyArray_DIM(a, d);
    return n;
}

static PyObject *
shape_tuple(int nd, const npy_intp *dims)
{
    PyObject *t = PyTuple_New(nd);
    if (!t) return NULL;
    for (int d = 0; d < nd; d++) {
        PyObject *x = PyLong_FromSsize_t(dims[d]);
        if (!x) { Py_DECREF(t); return NULL; }
        PyTuple_SET_ITEM(t, d, x);
    }
    return t;
}

/* Add a note (Python 3.11+) to the pending exception, keeping it pending. */
static void
add_note_to_error(const char *fmt, ...)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value && PyObject_HasAttrString(value, "add_note")) {
        va_list ap;
        va_start(ap, fmt);
        PyObject *msg = PyUnicode_FromFormatV(fmt, ap);
        va_end(ap);
        if (msg) {
            PyObject *r = PyObject_CallMethod(value, "add_note", "O", msg);
            Py_XDECREF(r);
            Py_DECREF(msg);
        }
        PyErr_Clear();  /* a failure to annotate never hides the error */
    }
    if (tb && value) PyException_SetTraceback(value, tb);
    PyErr_Restore(type, value, tb);
}

/* ------------------------------------------------------------------------ */
/* construction                                                              */
/* ------------------------------------------------------------------------ */

static void
free_specs(ScanLoop *self)
{
    if (self->states) {
        for (Py_ssize_t s = 0; s < self->n_states; s++) {
            StateSpec *st = &self->states[s];
            PyMem_Free(st->in_taps);
            PyMem_Free(st->in_idx);
            PyMem_Free(st->out_taps);
            PyMem_Free(st->out_idx);
            PyMem_Free(st->static_shape);
        }
        PyMem_Free(self->states);
        self->states = NULL;
    }
    PyMem_Free(self->sh_in_idx); self->sh_in_idx = NULL;
    PyMem_Free(self->sh_out_idx); self->sh_out_idx = NULL;
    PyMem_Free(self->sh_outer_in); self->sh_outer_in = NULL;
    PyMem_Free(self->sh_outer_out); self->sh_outer_out = NULL;
    if (self->sh_copy) {
        for (Py_ssize_t k = 0; k < self->n_shared; k++) Py_CLEAR(self->sh_copy[k]);
        PyMem_Free(self->sh_copy);
        self->sh_copy = NULL;
    }
    PyMem_Free(self->ns_in_idx); self->ns_in_idx = NULL;
    PyMem_Free(self->ns_outer_in); self->ns_outer_in = NULL;
}

static void
drop_views(ScanLoop *self)
{
    if (!self->views) return;
    for (Py_ssize_t k = 0; k < self->n_inner_in; k++) {
        Py_CLEAR(self->views[k]);
        self->view_src[k] = NULL;
    }
}

static int
sl_traverse(ScanLoop *self, visitproc visit, void *arg)
{
    Py_VISIT(self->dict);
    Py_VISIT(self->outer_in);
    Py_VISIT(self->outer_out);
    Py_VISIT(self->out_flags);
    Py_VISIT(self->inner_in);
    Py_VISIT(self->inner_out);
    Py_VISIT(self->step);
    if (self->sh_copy)
        for (Py_ssize_t k = 0; k < self->n_shared; k++) Py_VISIT(self->sh_copy[k]);
    if (self->views)
        for (Py_ssize_t k = 0; k < self->n_inner_in; k++) Py_VISIT(self->views[k]);
    return 0;
}

static int
sl_clear(ScanLoop *self)
{
    Py_CLEAR(self->dict);
    Py_CLEAR(self->outer_in);
    Py_CLEAR(self->outer_out);
    Py_CLEAR(self->out_flags);
    Py_CLEAR(self->inner_in);
    Py_CLEAR(self->inner_out);
    Py_CLEAR(self->step);
    drop_views(self);
    return 0;
}

static void
sl_dealloc(ScanLoop *self)
{
    PyObject_GC_UnTrack(self);
    sl_clear(self);
    Py_CLEAR(self->name);
    free_specs(self);
    PyMem_Free(self->scratch);
    PyMem_Free(self->views);
    PyMem_Free(self->view_src);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
check_cells(PyObject *tuple, const char *what)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++) {
        PyObject *c = PyTuple_GET_ITEM(tuple, i);
        if (!PyList_CheckExact(c) || PyList_GET_SIZE(c) != 1) {
            PyErr_Format(PyExc_TypeError,
                         "ScanLoop: %s[%zd] must be a 1-element list (a storage cell)",
                         what, i);
            return -1;
        }
    }
    return 0;
}

/* Read a tuple of ints into a new array; each must be in [lo, hi). */
static int
read_ints(PyObject *seq, long long **out, Py_ssize_t *n, long long lo, long long hi,
          const char *what)
{
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast) return -1;
    Py_ssize_t m = PySequence_Fast_GET_SIZE(fast);
    long long *a = PyMem_Malloc(sizeof(long long) * (m + 1));
    if (!a) { Py_DECREF(fast); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < m; i++) {
        long long v = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(fast, i));
        if (v == -1 && PyErr_Occurred()) { PyMem_Free(a); Py_DECREF(fast); return -1; }
        if (v < lo || v >= hi) {
            PyErr_Format(PyExc_ValueError, "ScanLoop: %s: %lld out of range", what, v);
            PyMem_Free(a);
            Py_DECREF(fast);
            return -1;
        }
        a[i] = v;
    }
    Py_DECREF(fast);
    *out = a;
    if (n) *n = m;
    return 0;
}

static int
read_index(PyObject *seq, Py_ssize_t **out, Py_ssize_t *n, Py_ssize_t hi, const char *what)
{
    long long *tmp;
    Py_ssize_t m;
    if (read_ints(seq, &tmp, &m, 0, hi, what) < 0) return -1;
    Py_ssize_t *a = PyMem_Malloc(sizeof(Py_ssize_t) * (m + 1));
    if (!a) { PyMem_Free(tmp); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < m; i++) a[i] = (Py_ssize_t)tmp[i];
    PyMem_Free(tmp);
    *out = a;
    if (n) *n = m;
    return 0;
}

static PyObject *sl_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                               PyObject *kwnames);

/* ScanLoop(outer_in, outer_out, out_flags, inner_in, inner_out, step, name,
 *          n_seqs, states, shared, non_seqs, as_while, allow_gc)
 *
 * states: tuple of (kind, outer_in, outer_out, in_taps, in_idx, out_taps,
 *         out_idx, mintap, typenum, static_shape, inplace)
 * shared: tuple of (inner_in, inner_out, outer_in, outer_out[, copy]); copy,
 *         when given and not None, makes the state's value for the first step
 *         from the outer one (the inner function updates it in place)
 * non_seqs: tuple of (inner_in, outer_in) */
static int
sl_init(ScanLoop *self, PyObject *args, PyObject *kwds)
{
    PyObject *outer_in, *outer_out, *out_flags, *inner_in, *inner_out, *step, *name;
    PyObject *states, *shared, *non_seqs;
    Py_ssize_t n_seqs;
    int as_while, allow_gc;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!OUnO!O!O!pp", &PyTuple_Type, &outer_in,
                          &PyTuple_Type, &outer_out, &PyTuple_Type, &out_flags,
                          &PyTuple_Type, &inner_in, &PyTuple_Type, &inner_out, &step,
                          &name, &n_seqs, &PyTuple_Type, &states, &PyTuple_Type, &shared,
                          &PyTuple_Type, &non_seqs, &as_while, &allow_gc))
        return -1;
    if (self->step) {
        PyErr_SetString(PyExc_RuntimeError, "ScanLoop already initialised");
        return -1;
    }
    if (check_cells(outer_in, "outer_in") || check_cells(outer_out, "outer_out") ||
        check_cells(out_flags, "out_flags") || check_cells(inner_in, "inner_in") ||
        check_cells(inner_out, "inner_out"))
        return -1;
    if (!PyCallable_Check(step)) {
        PyErr_SetString(PyExc_TypeError, "ScanLoop: step must be callable");
        return -1;
    }
    Py_ssize_t n_oi = PyTuple_GET_SIZE(outer_in), n_oo = PyTuple_GET_SIZE(outer_out);
    Py_ssize_t n_ii = PyTuple_GET_SIZE(inner_in), n_io = PyTuple_GET_SIZE(inner_out);
    if (n_oi < 1 || n_seqs < 0 || 1 + n_seqs > n_oi || n_seqs > n_ii ||
        (as_while && n_io < 1)) {
        PyErr_SetString(PyExc_ValueError, "ScanLoop: inconsistent layout");
        return -1;
    }
    self->n_outer_in = n_oi;
    self->n_outer_out = n_oo;
    self->n_inner_in = n_ii;
    self->n_inner_out = n_io;
    self->n_seqs = n_seqs;

    Py_ssize_t ns = PyTuple_GET_SIZE(states);
    self->states = PyMem_Calloc((size_t)ns + 1, sizeof(StateSpec));
    if (!self->states) { PyErr_NoMemory(); return -1; }
    self->n_states = ns;
    for (Py_ssize_t s = 0; s < ns; s++) {
        PyObject *t = PyTuple_GET_ITEM(states, s);
        StateSpec *st = &self->states[s];
        PyObject *in_taps, *in_idx, *out_taps, *out_idx, *shape;
        if (!PyTuple_Check(t) ||
            !PyArg_ParseTuple(t, "innOOOOLiOp", &st->kind, &st->outer_in, &st->outer_out,
                              &in_taps, &in_idx, &out_taps, &out_idx, &st->mintap,
                              &st->typenum, &shape, &st->inplace)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "ScanLoop: a state must be a tuple");
            goto bad;
        }
        Py_ssize_t n1, n2, n3, n4, nd;
        long long *sshape;
        if (read_ints(in_taps, &st->in_taps, &n1, LLONG_MIN, LLONG_MAX, "in_taps") ||
            read_index(in_idx, &st->in_idx, &n2, n_ii, "in_idx") ||
            read_ints(out_taps, &st->out_taps, &n3, LLONG_MIN, LLONG_MAX, "out_taps") ||
            read_index(out_idx, &st->out_idx, &n4, n_io, "out_idx") ||
            read_ints(shape, &sshape, &nd, -1, LLONG_MAX, "static_shape"))
            goto bad;
        st->static_shape = PyMem_Malloc(sizeof(npy_intp) * (nd + 1));
        if (!st->static_shape) { PyMem_Free(sshape); PyErr_NoMemory(); goto bad; }
        for (Py_ssize_t d = 0; d < nd; d++) st->static_shape[d] = (npy_intp)sshape[d];
        PyMem_Free(sshape);
        st->static_nd = (int)nd;
        if (n1 != n2 || n3 != n4 || n3 < 1 || st->kind < SK_MIT_MOT ||
            st->kind > SK_NIT_SOT || st->outer_in < 1 || st->outer_in >= n_oi ||
            st->outer_out < 0 || st->outer_out >= n_oo ||
            (st->kind == SK_NIT_SOT && (n1 != 0 || st->mintap != 0))) {
            PyErr_Format(PyExc_ValueError, "ScanLoop: inconsistent state %zd", s);
            goto bad;
        }
        st->n_in = n1;
        st->n_out = n3;
    }

    Py_ssize_t nsh = PyTuple_GET_SIZE(shared);
    self->n_shared = nsh;
    self->sh_in_idx = PyMem_Malloc(sizeof(Py_ssize_t) * (nsh + 1));
    self->sh_out_idx = PyMem_Malloc(sizeof(Py_ssize_t) * (nsh + 1));
    self->sh_outer_in = PyMem_Malloc(sizeof(Py_ssize_t) * (nsh + 1));
    self->sh_outer_out = PyMem_Malloc(sizeof(Py_ssize_t) * (nsh + 1));
    self->sh_copy = PyMem_Calloc((size_t)nsh + 1, sizeof(PyObject *));
    Py_ssize_t nns = PyTuple_GET_SIZE(non_seqs);
    self->n_nonseq = nns;
    self->ns_in_idx = PyMem_Malloc(sizeof(Py_ssize_t) * (nns + 1));
    self->ns_outer_in = PyMem_Malloc(sizeof(Py_ssize_t) * (nns + 1));
    if (!self->sh_in_idx || !self->sh_out_idx || !self->sh_outer_in ||
        !self->sh_outer_out || !self->sh_copy || !self->ns_in_idx || !self->ns_outer_in) {
        PyErr_NoMemory();
        goto bad;
    }
    for (Py_ssize_t k = 0; k < nsh; k++) {
        PyObject *t = PyTuple_GET_ITEM(shared, k);
        Py_ssize_t a, b, c, d;
        PyObject *copy = Py_None;
        if (!PyTuple_Check(t) || !PyArg_ParseTuple(t, "nnnn|O", &a, &b, &c, &d, &copy)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "ScanLoop: a shared entry must be a tuple");
            goto bad;
        }
        if (a < 0 || a >= n_ii || b < 0 || b >= n_io || c < 1 || c >= n_oi || d < 0 ||
            d >= n_oo) {
            PyErr_Format(PyExc_ValueError, "ScanLoop: inconsistent shared state %zd", k);
            goto bad;
        }
        self->sh_in_idx[k] = a;
        self->sh_out_idx[k] = b;
        self->sh_outer_in[k] = c;
        self->sh_outer_out[k] = d;
        if (copy != Py_None) {
            if (!PyCallable_Check(copy)) {
                PyErr_Format(PyExc_TypeError, "ScanLoop: shared state %zd: copy must be callable",
                             k);
                goto bad;
            }
            Py_INCREF(copy);
            self->sh_copy[k] = copy;
        }
    }
    for (Py_ssize_t k = 0; k < nns; k++) {
        PyObject *t = PyTuple_GET_ITEM(non_seqs, k);
        Py_ssize_t a, c;
        if (!PyTuple_Check(t) || !PyArg_ParseTuple(t, "nn", &a, &c)) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "ScanLoop: a non-sequence entry must be a tuple");
            goto bad;
        }
        if (a < 0 || a >= n_ii || c < 1 || c >= n_oi) {
            PyErr_Format(PyExc_ValueError, "ScanLoop: inconsistent non-sequence %zd", k);
            goto bad;
        }
        self->ns_in_idx[k] = a;
        self->ns_outer_in[k] = c;
    }
    self->views = PyMem_Calloc((size_t)n_ii + 1, sizeof(PyObject *));
    self->view_src = PyMem_Calloc((size_t)n_ii + 1, sizeof(PyObject *));
    if (!self->views || !self->view_src) { PyErr_NoMemory(); goto bad; }

    self->as_while = as_while;
    self->allow_gc = allow_gc;
    Py_INCREF(outer_in); self->outer_in = outer_in;
    Py_INCREF(outer_out); self->outer_out = outer_out;
    Py_INCREF(out_flags); self->out_flags = out_flags;
    Py_INCREF(inner_in); self->inner_in = inner_in;
    Py_INCREF(inner_out); self->inner_out = inner_out;
    Py_INCREF(step); self->step = step;
    Py_INCREF(name); self->name = name;
    self->vectorcall = sl_vectorcall;
    return 0;
bad:
    free_specs(self);
    PyMem_Free(self->views); self->views = NULL;
    PyMem_Free(self->view_src); self->view_src = NULL;
    self->n_states = 0;
    return -1;
}

/* ------------------------------------------------------------------------ */
/* the loop                                                                  */
/* ------------------------------------------------------------------------ */

/* Put a view of row `pos` of `src` in inner input cell `idx`: the view of
 * the previous step with its data pointer moved when nothing but the cell
 * and this loop holds it, else a new one. */
static int
set_row(ScanLoop *self, Py_ssize_t idx, PyArrayObject *src, npy_intp pos)
{
    PyObject *cell = PyTuple_GET_ITEM(self->inner_in, idx);
    PyObject *v = self->views[idx];
    char *ptr = PyArray_BYTES(src) + pos * PyArray_STRIDE(src, 0);
    if (v && self->view_src[idx] == (PyObject *)src && PyList_GET_ITEM(cell, 0) == v &&
        Py_REFCNT(v) == 2) {
        char *old = PyArray_BYTES((PyArrayObject *)v);
        /* Same address modulo 16: the ALIGNED flag NumPy computed holds. */
        if ((((uintptr_t)old ^ (uintptr_t)ptr) & 15) == 0) {
            ((PyArrayObject_fields *)v)->data = ptr;
            self->views_reused++;
            return 0;
        }
    }
    PyObject *nv = row_view(src, pos);
    if (!nv) return -1;
    Py_INCREF(nv);
    cell_set(cell, nv);
    Py_XSETREF(self->views[idx], nv);
    self->view_src[idx] = (PyObject *)src;
    self->views_made++;
    return 0;
}

/* buf[pos] = value, with ``_store``'s shape check. */
static int
store_row(ScanLoop *self, PyArrayObject *buf, int fast_rows, npy_intp pos,
          PyObject *value, const StateSpec *st, long long step)
{
    PyArrayObject *v;
    PyObject *owned = NULL;
    if (PyArray_Check(value)) {
        v = (PyArrayObject *)value;
    } else {
        owned = PyArray_FROM_O(value);
        if (!owned) return -1;
        v = (PyArrayObject *)owned;
    }
    int nd = PyArray_NDIM(buf) - 1;
    int same = PyArray_NDIM(v) == nd;
    for (int d = 0; same && d < nd; d++) same = PyArray_DIM(v, d) == PyArray_DIM(buf, d + 1);
    if (!same) {
        PyObject *got = shape_tuple(PyArray_NDIM(v), PyArray_DIMS(v));
        PyObject *want = shape_tuple(nd, PyArray_DIMS(buf) + 1);
        if (got && want)
            PyErr_Format(PyExc_ValueError,
                         "%U: at step %lld, output %zd has shape %R but the earlier "
                         "values (or the initial state) have shape %R; every step must "
                         "return the same shape",
                         self->name, step, st->outer_out, got, want);
        Py_XDECREF(got);
        Py_XDECREF(want);
        Py_XDECREF(owned);
        return -1;
    }
    int rc = 0;
    /* The plain numeric types (bool to clongdouble) only: a datetime's
     * unit, for one, is not in its type number. */
    if (fast_rows && PyArray_TYPE(v) == PyArray_TYPE(buf) && PyArray_TYPE(v) < NPY_OBJECT &&
        PyArray_ISNOTSWAPPED(v) && PyArray_ITEMSIZE(v) == PyArray_ITEMSIZE(buf) &&
        PyArray_IS_C_CONTIGUOUS(v)) {
        /* Same layout on both sides: memmove is right even when the value
         * is (a part of) the buffer itself. */
        memmove(PyArray_BYTES(buf) + pos * PyArray_STRIDE(buf, 0), PyArray_BYTES(v),
                (size_t)row_bytes(buf));
        self->fast_copies++;
    } else {
        PyObject *row = row_view(buf, pos);
        if (!row) { Py_XDECREF(owned); return -1; }
        /* NumPy copies the source first when the two overlap. */
        rc = PyArray_CopyInto((PyArrayObject *)row, v);
        Py_DECREF(row);
        self->slow_copies++;
    }
    Py_XDECREF(owned);
    return rc;
}

/* The last `total` rows written, oldest first (``_chronological``); new ref. */
static PyObject *
chronological(PyArrayObject *buf, long long total)
{
    npy_intp n = PyArray_DIM(buf, 0);
    if (total == n) {
        Py_INCREF(buf);
        return (PyObject *)buf;
    }
    if (total < n) {
        PyObject *stop = PyLong_FromLongLong(total);
        if (!stop) return NULL;
        PyObject *sl = PySlice_New(NULL, stop, NULL);
        Py_DECREF(stop);
        if (!sl) return NULL;
        PyObject *r = PyObject_GetItem((PyObject *)buf, sl);
        Py_DECREF(sl);
        return r;
    }
    npy_intp shift = (npy_intp)(total % n);
    if (shift == 0) {
        Py_INCREF(buf);
        return (PyObject *)buf;
    }
    PyObject *k = PyLong_FromSsize_t(shift);
    if (!k) return NULL;
    PyObject *s1 = PySlice_New(k, NULL, NULL), *s2 = PySlice_New(NULL, k, NULL);
    Py_DECREF(k);
    PyObject *a = s1 ? PyObject_GetItem((PyObject *)buf, s1) : NULL;
    PyObject *b = s2 ? PyObject_GetItem((PyObject *)buf, s2) : NULL;
    Py_XDECREF(s1);
    Py_XDECREF(s2);
    PyObject *r = NULL;
    if (a && b) {
        PyObject *parts = PyTuple_Pack(2, a, b);
        if (parts) {
            r = PyArray_Concatenate(parts, 0);
            Py_DECREF(parts);
        }
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    return r;
}

/* A trace for `length` steps, no step having run: the static shape, with
 * 0 for the unknown lengths (``_empty_trace``). */
static PyObject *
empty_trace(long long length, const StateSpec *st)
{
    npy_intp dims[NPY_MAXDIMS];
    if (st->static_nd + 1 > NPY_MAXDIMS) {
        PyErr_SetString(PyExc_ValueError, "Scan: too many dimensions");
        return NULL;
    }
    dims[0] = (npy_intp)length;
    for (int d = 0; d < st->static_nd; d++)
        dims[d + 1] = st->static_shape[d] < 0 ? 0 : st->static_shape[d];
    return PyArray_EMPTY(st->static_nd + 1, dims, st->typenum, 0);
}

static PyObject *
alloc_trace(long long length, PyObject *first, const StateSpec *st)
{
    PyObject *owned = NULL;
    PyArrayObject *a;
    if (PyArray_Check(first)) {
        a = (PyArrayObject *)first;
    } else {
        owned = PyArray_FROM_O(first);
        if (!owned) return NULL;
        a = (PyArrayObject *)owned;
    }
    int nd = PyArray_NDIM(a);
    if (nd + 1 > NPY_MAXDIMS) {
        Py_XDECREF(owned);
        PyErr_SetString(PyExc_ValueError, "Scan: too many dimensions");
        return NULL;
    }
    npy_intp dims[NPY_MAXDIMS];
    dims[0] = (npy_intp)length;
    for (int d = 0; d < nd; d++) dims[d + 1] = PyArray_DIM(a, d);
    Py_XDECREF(owned);
    return PyArray_EMPTY(nd + 1, dims, st->typenum, 0);
}

/* Call the step with no arguments. A CLoop has only tp_call: call it
 * directly (PyObject_CallNoArgs would go through the generic tp_call path
 * on every step). */
static inline PyObject *
call_step(PyObject *step, PyObject *no_args)
{
    ternaryfunc call = Py_TYPE(step)->tp_call;
    if (PyVectorcall_Function(step) != NULL || call == NULL || call == PyVectorcall_Call)
        return PyObject_CallNoArgs(step);
    PyObject *r = call(step, no_args, NULL);
    if (r == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_SystemError, "the step returned NULL without an error");
    return r;
}

static int
sl_run(ScanLoop *self)
{
    const Py_ssize_t n_states = self->n_states, n_seqs = self->n_seqs;
    PyObject *const *oin = &PyTuple_GET_ITEM(self->outer_in, 0);
    PyObject *const *iin = &PyTuple_GET_ITEM(self->inner_in, 0);
    PyObject *const *iout = &PyTuple_GET_ITEM(self->inner_out, 0);
    long long n_steps;
    int rc = -1;
    PyArrayObject **seqs = NULL, **bufs = NULL;
    long long *nit_len = NULL;
    npy_intp *head = NULL;  /* per state: (i - mintap) % len at step i */
    char *fast = NULL;
    PyObject **shared_last = NULL;
    PyObject **results = NULL;

    if (as_n_steps(PyList_GET_ITEM(oin[0], 0), &n_steps) < 0) return -1;
    {
        /* Every array below has 8-byte entries except `fast`, last. */
        const size_t ns = (size_t)n_states + 1;
        const size_t words = ((size_t)n_seqs + 1) + 4 * ns + ((size_t)self->n_shared + 1);
        const size_t bytes = words * 8 + ns;
        if (!self->scratch) {
            self->scratch = PyMem_Malloc(bytes);
            if (!self->scratch) {
                PyErr_NoMemory();
                return -1;
            }
        }
        memset(self->scratch, 0, bytes);
        char *p = self->scratch;
        seqs = (PyArrayObject **)p; p += ((size_t)n_seqs + 1) * 8;
        bufs = (PyArrayObject **)p; p += ns * 8;
        nit_len = (long long *)p; p += ns * 8;
        head = (npy_intp *)p; p += ns * 8;
        results = (PyObject **)p; p += ns * 8;
        shared_last = (PyObject **)p; p += ((size_t)self->n_shared + 1) * 8;
        fast = p;
    }
    self->running = 1;

    /* Sequences. */
    for (Py_ssize_t k = 0; k < n_seqs; k++) {
        PyObject *s = PyList_GET_ITEM(oin[1 + k], 0);
        PyObject *a = PyArray_Check(s) ? (Py_INCREF(s), s) : PyArray_FROM_O(s);
        if (!a) goto done;
        seqs[k] = (PyArrayObject *)a;
        if (PyArray_NDIM(seqs[k]) < 1) {
            PyErr_Format(PyExc_ValueError, "%U: sequence %zd is not an array over time",
                         self->name, k);
            goto done;
        }
        if (PyArray_DIM(seqs[k], 0) < n_steps) {
            PyErr_Format(PyExc_ValueError,
                         "%U: sequence %zd has %zd entries but the loop runs %lld steps",
                         self->name, k, (Py_ssize_t)PyArray_DIM(seqs[k], 0), n_steps);
            goto done;
        }
    }
    /* Buffers: copies of the outer ones unless the op works in place. */
    for (Py_ssize_t s = 0; s < n_states; s++) {
        const StateSpec *st = &self->states[s];
        PyObject *x = PyList_GET_ITEM(oin[st->outer_in], 0);
        if (st->kind == SK_NIT_SOT) {
            if (as_n_steps(x, &nit_len[s]) < 0) goto done;
            continue;
        }
        PyObject *b;
        if (st->inplace && PyArray_Check(x) && PyArray_ISWRITEABLE((PyArrayObject *)x)) {
            Py_INCREF(x);
            b = x;
        } else {
            PyObject *a = PyArray_FROM_O(x);
            if (!a) goto done;
            b = PyArray_NewCopy((PyArrayObject *)a, NPY_CORDER);
            Py_DECREF(a);
            if (!b) goto done;
        }
        bufs[s] = (PyArrayObject *)b;
        if (PyArray_NDIM(bufs[s]) < 1) {
            PyErr_Format(PyExc_ValueError, "%U: the buffer of state %zd is not an array "
                         "over time", self->name, st->outer_out);
            goto done;
        }
        if (PyArray_DIM(bufs[s], 0) < -st->mintap + (st->kind != SK_MIT_MOT ? 1 : 0) &&
            n_steps) {
            PyErr_Format(PyExc_ValueError,
                         "%U: the buffer of state %zd has %zd entries, fewer than its "
                         "taps need",
                         self->name, st->outer_out, (Py_ssize_t)PyArray_DIM(bufs[s], 0));
            goto done;
        }
        fast[s] = rows_c_contiguous(bufs[s]) && PyArray_ISNOTSWAPPED(bufs[s]) &&
                  !PyDataType_REFCHK(PyArray_DESCR(bufs[s]));
        if (PyArray_DIM(bufs[s], 0) > 0)
            head[s] = pos_mod(-st->mintap, PyArray_DIM(bufs[s], 0));
    }
    /* Shared states and non-sequences: the same every step. */
    for (Py_ssize_t k = 0; k < self->n_shared; k++) {
        PyObject *v = PyList_GET_ITEM(oin[self->sh_outer_in[k]], 0);
        if (self->sh_copy[k]) {
            v = PyObject_CallOneArg(self->sh_copy[k], v);
            if (!v) goto done;
        } else {
            Py_INCREF(v);
        }
        cell_set(iin[self->sh_in_idx[k]], v);
    }
    for (Py_ssize_t k = 0; k < self->n_nonseq; k++) {
        PyObject *v = PyList_GET_ITEM(oin[self->ns_outer_in[k]], 0);
        Py_INCREF(v);
        cell_set(iin[self->ns_in_idx[k]], v);
    }

    long long steps_done = n_steps;
    PyObject *cond_cell = self->as_while ? iout[self->n_inner_out - 1] : NULL;
    for (long long i = 0; i < n_steps; i++) {
        for (Py_ssize_t k = 0; k < n_seqs; k++)
            if (set_row(self, k, seqs[k], (npy_intp)i) < 0) goto done;
        for (Py_ssize_t s = 0; s < n_states; s++) {
            const StateSpec *st = &self->states[s];
            if (!st->n_in) continue;
            npy_intp n = PyArray_DIM(bufs[s], 0);
            if (n == 0) {
                PyErr_Format(PyExc_ValueError,
                             "%U: the buffer of state %zd has 0 entries, fewer than its "
                             "taps need",
                             self->name, st->outer_out);
                goto done;
            }
            npy_intp p0 = head[s];
            for (Py_ssize_t t = 0; t < st->n_in; t++)
                if (set_row(self, st->in_idx[t], bufs[s], wrap(p0, st->in_taps[t], n)) < 0)
                    goto done;
        }
        PyObject *r = call_step(self->step, no_args);
        if (!r) {
            add_note_to_error("(raised at step %lld of %lld of %U)", i, n_steps, self->name);
            goto done;
        }
        Py_DECREF(r);
        for (Py_ssize_t s = 0; s < n_states; s++) {
            const StateSpec *st = &self->states[s];
            if (st->kind == SK_NIT_SOT && i == 0) {
                PyObject *tr = alloc_trace(nit_len[s], PyList_GET_ITEM(iout[st->out_idx[0]], 0), st);
                if (!tr) goto done;
                bufs[s] = (PyArrayObject *)tr;
                fast[s] = rows_c_contiguous(bufs[s]) && !PyDataType_REFCHK(PyArray_DESCR(bufs[s]));
            }
            PyArrayObject *buf = bufs[s];
            npy_intp n = PyArray_DIM(buf, 0);
            if (n == 0) continue;
            npy_intp p0 = head[s];
            for (Py_ssize_t t = 0; t < st->n_out; t++) {
                if (store_row(self, buf, fast[s], wrap(p0, st->out_taps[t], n),
                              PyList_GET_ITEM(iout[st->out_idx[t]], 0), st, i) < 0)
                    goto done;
            }
            /* Next step's (i + 1 - mintap) % n. */
            head[s] = p0 + 1 == n ? 0 : p0 + 1;
        }
        for (Py_ssize_t k = 0; k < self->n_shared; k++) {
            PyObject *v = PyList_GET_ITEM(iout[self->sh_out_idx[k]], 0);
            Py_INCREF(v);
            cell_set(iin[self->sh_in_idx[k]], v);
        }
        if (cond_cell) {
            int stop = PyObject_IsTrue(PyList_GET_ITEM(cond_cell, 0));
            if (stop < 0) goto done;
            if (stop) {
                steps_done = i + 1;
                self->steps++;
                break;
            }
        }
        /* An output some other cell holds too (an in-place result, a
         * view) cannot be reused by the thunk that made it: letting it go
         * lets that other holder reuse its memory next step. */
        for (Py_ssize_t j = 0; j < self->n_inner_out; j++) {
            PyObject *o = PyList_GET_ITEM(iout[j], 0);
            if (o != Py_None && Py_REFCNT(o) > 1) cell_clear(iout[j]);
        }
        self->steps++;
        if ((i % SIGNAL_EVERY) == SIGNAL_EVERY - 1 && PyErr_CheckSignals() < 0) goto done;
    }
    for (Py_ssize_t k = 0; k < self->n_shared; k++) {
        shared_last[k] = PyList_GET_ITEM(iin[self->sh_in_idx[k]], 0);
        Py_INCREF(shared_last[k]);
    }
    /* Chronological order. */
    for (Py_ssize_t s = 0; s < n_states; s++) {
        const StateSpec *st = &self->states[s];
        long long total;
        if (st->kind == SK_NIT_SOT) {
            if (!bufs[s]) {
                PyObject *tr = empty_trace(nit_len[s], st);
                if (!tr) goto done;
                bufs[s] = (PyArrayObject *)tr;
            }
            total = steps_done;
        } else {
            total = steps_done - st->mintap;
        }
        results[s] = chronological(bufs[s], total);
        if (!results[s]) goto done;
    }
    rc = 0;

done:
    /* Let go of the views into the buffers and the inputs. */
    for (Py_ssize_t k = 0; k < self->n_inner_in; k++) cell_clear(iin[k]);
    drop_views(self);
    if (self->allow_gc)
        for (Py_ssize_t j = 0; j < self->n_inner_out; j++) cell_clear(iout[j]);
    if (rc == 0) {
        PyObject *const *oout = &PyTuple_GET_ITEM(self->outer_out, 0);
        for (Py_ssize_t s = 0; s < n_states; s++) {
            cell_set(oout[self->states[s].outer_out], results[s]);
            results[s] = NULL;
        }
        for (Py_ssize_t k = 0; k < self->n_shared; k++) {
            cell_set(oout[self->sh_outer_out[k]], shared_last[k]);
            shared_last[k] = NULL;
        }
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(self->out_flags); j++) {
            Py_INCREF(Py_True);
            cell_set(PyTuple_GET_ITEM(self->out_flags, j), Py_True);
        }
        self->runs++;
    }
    if (seqs)
        for (Py_ssize_t k = 0; k < n_seqs; k++) Py_XDECREF(seqs[k]);
    if (bufs)
        for (Py_ssize_t s = 0; s < n_states; s++) Py_XDECREF(bufs[s]);
    if (results)
        for (Py_ssize_t s = 0; s < n_states; s++) Py_XDECREF(results[s]);
    if (shared_last)
        for (Py_ssize_t k = 0; k < self->n_shared; k++) Py_XDECREF(shared_last[k]);
    self->running = 0;
    return rc;
}

static PyObject *
sl_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "a ScanLoop takes no arguments");
        return NULL;
    }
    ScanLoop *self = (ScanLoop *)callable;
    if (!self->step) {
        PyErr_SetString(PyExc_RuntimeError, "ScanLoop not initialised");
        return NULL;
    }
    if (self->running) {
        /* The inner cells are this loop's own: no re-entry. */
        PyErr_Format(PyExc_RuntimeError, "%U: the loop is already running (re-entered)",
                     self->name);
        return NULL;
    }
    if (sl_run(self) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *
sl_get_inputs(ScanLoop *self, void *c)
{
    if (!self->outer_in) return PyList_New(0);
    return PySequence_List(self->outer_in);
}

static PyObject *
sl_get_outputs(ScanLoop *self, void *c)
{
    if (!self->outer_out) return PyList_New(0);
    return PySequence_List(self->outer_out);
}

static PyObject *
sl_get_step(ScanLoop *self, void *c)
{
    PyObject *s = self->step ? self->step : Py_None;
    Py_INCREF(s);
    return s;
}

static PyGetSetDef sl_getset[] = {
    {"inputs", (getter)sl_get_inputs, NULL, "The outer input storage cells.", NULL},
    {"outputs", (getter)sl_get_outputs, NULL, "The outer output storage cells.", NULL},
    {"step", (getter)sl_get_step, NULL, "What runs the inner function once.", NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

static PyMemberDef sl_members[] = {
    {"runs", T_LONGLONG, offsetof(ScanLoop, runs), 0, "Completed runs."},
    {"steps", T_LONGLONG, offsetof(ScanLoop, steps), 0, "Steps run, all runs together."},
    {"views_made", T_LONGLONG, offsetof(ScanLoop, views_made), 0,
     "Row views created for the inner inputs."},
    {"views_reused", T_LONGLONG, offsetof(ScanLoop, views_reused), 0,
     "Row views moved to the next row instead of created."},
    {"fast_copies", T_LONGLONG, offsetof(ScanLoop, fast_copies), 0,
     "Outputs copied into the buffers with memmove."},
    {"slow_copies", T_LONGLONG, offsetof(ScanLoop, slow_copies), 0,
     "Outputs copied into the buffers by NumPy (casts, strides, overlap)."},
    {"name", T_OBJECT, offsetof(ScanLoop, name), READONLY, "The node's Op."},
    {NULL},
};

static PyTypeObject ScanLoopType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_scan_runtime.ScanLoop",
    .tp_basicsize = sizeof(ScanLoop),
    .tp_dealloc = (destructor)sl_dealloc,
    .tp_vectorcall_offset = offsetof(ScanLoop, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "The thunk of a Scan node: the loop over its inner function, in C.",
    .tp_traverse = (traverseproc)sl_traverse,
    .tp_clear = (inquiry)sl_clear,
    .tp_getset = sl_getset,
    .tp_members = sl_members,
    .tp_dictoffset = offsetof(ScanLoop, dict),
    .tp_init = (initproc)sl_init,
    .tp_new = PyType_GenericNew,
};

/* call_fused_kernel(address, n_steps, arrays, table): run a fused scan
 * kernel (aesara/link/c/scan_kernel.py). P gets the data pointer of every
 * array of the tuple `arrays` (then the extra addresses of the tuple `extra`),
 * S is the int64 array `table`. The Python side has checked the arrays'
 * types, layouts and shapes; this only saves the per-array pointer lookups
 * Python would do. */
typedef int (*fused_kernel_t)(long long, char *const *, const long long *);

static PyObject *
call_fused_kernel(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    (void)self;
    if (nargs != 5) {
        PyErr_SetString(PyExc_TypeError, "call_fused_kernel takes 5 arguments");
        return NULL;
    }
    void *address = PyLong_AsVoidPtr(args[0]);
    long long n_steps = PyLong_AsLongLong(args[1]);
    if (PyErr_Occurred()) return NULL;
    PyObject *arrays = args[2], *extra = args[3], *table = args[4];
    if (!address || !PyTuple_Check(arrays) || !PyTuple_Check(extra) ||
        !PyArray_Check(table) || PyArray_TYPE((PyArrayObject *)table) != NPY_INT64) {
        PyErr_SetString(PyExc_TypeError, "call_fused_kernel: bad arguments");
        return NULL;
    }
    Py_ssize_t na = PyTuple_GET_SIZE(arrays), ne = PyTuple_GET_SIZE(extra);
    char *stack_p[32];
    char **P = na + ne <= 32 ? stack_p : (char **)PyMem_Malloc((na + ne) * sizeof(char *));
    if (!P) return PyErr_NoMemory();
    for (Py_ssize_t j = 0; j < na; j++) {
        PyObject *a = PyTuple_GET_ITEM(arrays, j);
        if (!PyArray_Check(a)) {
            if (P != stack_p) PyMem_Free(P);
            PyErr_SetString(PyExc_TypeError, "call_fused_kernel: not an array");
            return NULL;
        }
        P[j] = PyArray_BYTES((PyArrayObject *)a);
    }
    for (Py_ssize_t j = 0; j < ne; j++) {
        P[na + j] = (char *)PyLong_AsVoidPtr(PyTuple_GET_ITEM(extra, j));
    }
    if (PyErr_Occurred()) {
        if (P != stack_p) PyMem_Free(P);
        return NULL;
    }
    const long long *S = (const long long *)PyArray_DATA((PyArrayObject *)table);
    int rc;
    Py_BEGIN_ALLOW_THREADS
    rc = ((fused_kernel_t)address)(n_steps, P, S);
    Py_END_ALLOW_THREADS
    if (P != stack_p) PyMem_Free(P);
    return PyLong_FromLong(rc);
}

static PyMethodDef sl_methods[] = {
    {"call_fused_kernel", (PyCFunction)(void (*)(void))call_fused_kernel, METH_FASTCALL,
     "Run a fused scan kernel on these arrays."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef sl_module = {
    PyModuleDef_HEAD_INIT, "MODULE_NAME", "The loop of aesara's Scan op, in C.", -1, sl_methods,
};

PyMODINIT_FUNC
PyInit_MODULE_NAME(void)
{
    import_array();
    if (PyType_Ready(&ScanLoopType) < 0) return NULL;
    no_args = PyTuple_New(0);
    if (!no_args) return NULL;
    PyObject *m = PyModule_Create(&sl_module);
    if (!m) return NULL;
    Py_INCREF(&ScanLoopType);
    PyModule_AddObject(m, "ScanLoop", (PyObject *)&ScanLoopType);
    PyModule_AddIntConstant(m, "SK_MIT_MOT", SK_MIT_MOT);
    PyModule_AddIntConstant(m, "SK_STATE", SK_STATE);
    PyModule_AddIntConstant(m, "SK_NIT_SOT", SK_NIT_SOT);
    PyModule_AddIntConstant(m, "SCAN_RUNTIME_VERSION", 2);
    return m;
}
