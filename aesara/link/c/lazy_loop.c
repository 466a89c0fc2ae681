/* The aesara C runtime, part 2: the lazy VM loop (CLazyLoop).
 *
 * Joined after runtime.c (it uses ElemwiseThunk, clear_cell and hand_error_to)
 * and before random_thunk.c and call_path.c (which registers the type).
 *
 * CLazyLoop evaluates a graph on demand, from its outputs back, exactly as
 * the Python Stack VM (aesara/link/vm.py) does: a node runs once every input
 * it reads is computed; a lazy node (IfElse) runs first and answers which of
 * its inputs it needs, and only those are computed. The Python structures of
 * the Stack VM (storage cells, compute-map cells, thunks) are used as they
 * are, so C thunks, Python thunks and this loop see the same state.
 *
 * IfElse nodes are evaluated here directly when their chosen values are
 * plain arrays (the Python thunk otherwise): choosing a branch is a pointer
 * copy, and the copy of a non-view IfElse a PyArray_NewCopy.
 */

typedef struct {
    PyObject *flag;     /* compute-map cell ([bool]) of the value */
    Py_ssize_t owner;   /* index of the node computing it, -1: none */
} LzDep;

enum { LZ_EAGER = 0, LZ_LAZY = 1, LZ_IFELSE = 2 };

typedef struct {
    PyObject_HEAD
    Py_ssize_t n;
    PyObject *thunks;        /* tuple */
    PyObject *specs;         /* tuple of per-node specs (owns what the arrays borrow) */
    PyObject *roots;         /* tuple of ints: nodes pushed first (last on top) */
    PyObject *reset;         /* tuple of compute cells set to False before a call */
    PyObject *pre_clear;     /* tuple of storage cells emptied before a call */
    PyObject *intermediates; /* tuple of storage cells emptied after (allow_gc) */
    PyObject *on_error;      /* on_error(index, type, value, traceback) */
    int allow_gc;
    char *kind;
    char *is_ew;
    /* Per node i, entries [off[i], off[i + 1]) of each flat array. */
    Py_ssize_t *out_off;  PyObject **outs;   /* output compute cells */
    Py_ssize_t *dep_off;  LzDep *deps;       /* eager node: what must be computed first */
    Py_ssize_t *ord_off;  LzDep *ords;       /* lazy node: orderings (destroyers) */
    Py_ssize_t *own_off;  LzDep *owners;     /* lazy node: per input */
    Py_ssize_t *gc_off;   PyObject **gc_cell; PyObject **gc_flags; /* tuple of cells */
    /* IfElse nodes: number of outputs, view flag, storage cells. */
    Py_ssize_t *ie_n; char *ie_view;
    Py_ssize_t *ie_off; PyObject **ie_in;  /* 1 + 2n input cells, then n output cells */
    Py_ssize_t *stack;
    Py_ssize_t cap;
} CLazyLoop;

static PyTypeObject CLazyLoopType;

static int lz_clear(CLazyLoop *self);

static void
lz_free_arrays(CLazyLoop *self)
{
    void *arrays[] = {self->kind, self->is_ew, self->out_off, self->outs,
                      self->dep_off, self->deps, self->ord_off, self->ords,
                      self->own_off, self->owners, self->gc_off, self->gc_cell,
                      self->gc_flags, self->ie_n, self->ie_view, self->ie_off,
                      self->ie_in, self->stack};
    for (size_t k = 0; k < sizeof(arrays) / sizeof(arrays[0]); k++) PyMem_Free(arrays[k]);
    self->kind = NULL; self->is_ew = NULL; self->out_off = NULL; self->outs = NULL;
    self->dep_off = NULL; self->deps = NULL; self->ord_off = NULL; self->ords = NULL;
    self->own_off = NULL; self->owners = NULL; self->gc_off = NULL; self->gc_cell = NULL;
    self->gc_flags = NULL; self->ie_n = NULL; self->ie_view = NULL; self->ie_off = NULL;
    self->ie_in = NULL; self->stack = NULL;
}

static void
lz_dealloc(CLazyLoop *self)
{
    PyObject_GC_UnTrack(self);
    lz_clear(self);
    lz_free_arrays(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
lz_traverse(CLazyLoop *self, visitproc visit, void *arg)
{
    Py_VISIT(self->thunks);
    Py_VISIT(self->specs);
    Py_VISIT(self->roots);
    Py_VISIT(self->reset);
    Py_VISIT(self->pre_clear);
    Py_VISIT(self->intermediates);
    Py_VISIT(self->on_error);
    return 0;
}

static int
lz_clear(CLazyLoop *self)
{
    Py_CLEAR(self->thunks);
    Py_CLEAR(self->specs);
    Py_CLEAR(self->roots);
    Py_CLEAR(self->reset);
    Py_CLEAR(self->pre_clear);
    Py_CLEAR(self->intermediates);
    Py_CLEAR(self->on_error);
    return 0;
}

/* Length of field `f` of every spec (a tuple), with a type check. */
static int
lz_field_sizes(PyObject *specs, int f, const char *what, Py_ssize_t *off)
{
    Py_ssize_t n = PyTuple_GET_SIZE(specs), total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyTuple_GET_ITEM(PyTuple_GET_ITEM(specs, i), f);
        if (!PyTuple_Check(t)) {
            PyErr_Format(PyExc_TypeError, "CLazyLoop: node %zd: %s must be a tuple", i,
                         what);
            return -1;
        }
        off[i] = total;
        total += PyTuple_GET_SIZE(t);
    }
    off[n] = total;
    return 0;
}

/* Fill `out` from field `f` of every spec: tuples of (cell, owner) pairs. */
static int
lz_fill_deps(PyObject *specs, int f, const char *what, Py_ssize_t n_nodes, LzDep *out)
{
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(specs); i++) {
        PyObject *t = PyTuple_GET_ITEM(PyTuple_GET_ITEM(specs, i), f);
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(t); j++, k++) {
            PyObject *pair = PyTuple_GET_ITEM(t, j);
            if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 ||
                !PyList_Check(PyTuple_GET_ITEM(pair, 0)) ||
                PyList_GET_SIZE(PyTuple_GET_ITEM(pair, 0)) < 1) {
                PyErr_Format(PyExc_TypeError,
                             "CLazyLoop: node %zd: %s entries must be (cell, owner)", i,
                             what);
                return -1;
            }
            Py_ssize_t owner = PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 1));
            if (owner == -1 && PyErr_Occurred()) return -1;
            if (owner < -1 || owner >= n_nodes) {
                PyErr_Format(PyExc_ValueError, "CLazyLoop: node %zd: %s owner %zd out of range",
                             i, what, owner);
                return -1;
            }
            out[k].flag = PyTuple_GET_ITEM(pair, 0);
            out[k].owner = owner;
        }
    }
    return 0;
}

/* Fill `out` from field `f` of every spec: tuples of one-element lists. */
static int
lz_fill_cells(PyObject *specs, int f, const char *what, PyObject **out)
{
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(specs); i++) {
        PyObject *t = PyTuple_GET_ITEM(PyTuple_GET_ITEM(specs, i), f);
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(t); j++, k++) {
            PyObject *c = PyTuple_GET_ITEM(t, j);
            if (!PyList_Check(c) || PyList_GET_SIZE(c) < 1) {
                PyErr_Format(PyExc_TypeError,
                             "CLazyLoop: node %zd: %s entries must be one-element lists",
                             i, what);
                return -1;
            }
            out[k] = c;
        }
    }
    return 0;
}

#define LZ_ALLOC(ptr, count)                                                  \
    do {                                                                      \
        (ptr) = PyMem_Calloc((size_t)(count) + 1, sizeof(*(ptr)));            \
        if (!(ptr)) { PyErr_NoMemory(); goto fail; }                          \
    } while (0)

/* A spec is (kind, out_flags, deps, orderings, owners, gc, ifelse), where
 *   kind       0 eager, 1 lazy (the thunk answers what it needs), 2 IfElse
 *   out_flags  the compute cells of the node's outputs
 *   deps       eager: (cell, owner) of every value to compute first
 *   orderings  lazy: (cell, owner) of nodes that must run first
 *   owners     lazy: (cell, owner or -1) per input, by position
 *   gc         ((storage cell, (compute cells of its readers...)), ...): after
 *              the node, a cell all of whose readers ran is emptied
 *   ifelse     None, or (n_outs, as_view, input cells, output cells)
 *
 * CLazyLoop(thunks, specs, roots, reset, pre_clear, intermediates, allow_gc,
 *           on_error) */
static int
lz_init(CLazyLoop *self, PyObject *args, PyObject *kwds)
{
    PyObject *thunks, *specs, *roots, *reset, *pre, *inter, *on_error;
    int allow_gc;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!O!pO", &PyTuple_Type, &thunks, &PyTuple_Type,
                          &specs, &PyTuple_Type, &roots, &PyTuple_Type, &reset,
                          &PyTuple_Type, &pre, &PyTuple_Type, &inter, &allow_gc,
                          &on_error))
        return -1;
    if (self->thunks) {
        PyErr_SetString(PyExc_RuntimeError, "CLazyLoop already initialised");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(thunks);
    if (PyTuple_GET_SIZE(specs) != n) {
        PyErr_Format(PyExc_ValueError, "CLazyLoop: %zd thunks but %zd node specs", n,
                     PyTuple_GET_SIZE(specs));
        return -1;
    }
    if (check_cells(reset, "reset") || check_cells(pre, "pre_clear") ||
        check_cells(inter, "intermediates"))
        return -1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(roots); i++) {
        Py_ssize_t r = PyLong_AsSsize_t(PyTuple_GET_ITEM(roots, i));
        if (r == -1 && PyErr_Occurred()) return -1;
        if (r < 0 || r >= n) {
            PyErr_Format(PyExc_ValueError, "CLazyLoop: root %zd out of range", r);
            return -1;
        }
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyTuple_GET_ITEM(specs, i);
        if (!PyTuple_Check(s) || PyTuple_GET_SIZE(s) != 7) {
            PyErr_Format(PyExc_TypeError, "CLazyLoop: node %zd: the spec must be a 7-tuple",
                         i);
            return -1;
        }
    }
    lz_free_arrays(self);
    LZ_ALLOC(self->kind, n);
    LZ_ALLOC(self->is_ew, n);
    LZ_ALLOC(self->out_off, n + 1);
    LZ_ALLOC(self->dep_off, n + 1);
    LZ_ALLOC(self->ord_off, n + 1);
    LZ_ALLOC(self->own_off, n + 1);
    LZ_ALLOC(self->gc_off, n + 1);
    LZ_ALLOC(self->ie_n, n);
    LZ_ALLOC(self->ie_view, n);
    LZ_ALLOC(self->ie_off, n + 1);
    if (lz_field_sizes(specs, 1, "out_flags", self->out_off) ||
        lz_field_sizes(specs, 2, "deps", self->dep_off) ||
        lz_field_sizes(specs, 3, "orderings", self->ord_off) ||
        lz_field_sizes(specs, 4, "owners", self->own_off) ||
        lz_field_sizes(specs, 5, "gc", self->gc_off))
        goto fail;
    LZ_ALLOC(self->outs, self->out_off[n]);
    LZ_ALLOC(self->deps, self->dep_off[n]);
    LZ_ALLOC(self->ords, self->ord_off[n]);
    LZ_ALLOC(self->owners, self->own_off[n]);
    LZ_ALLOC(self->gc_cell, self->gc_off[n]);
    LZ_ALLOC(self->gc_flags, self->gc_off[n]);
    if (lz_fill_cells(specs, 1, "out_flags", self->outs) ||
        lz_fill_deps(specs, 2, "deps", n, self->deps) ||
        lz_fill_deps(specs, 3, "orderings", n, self->ords) ||
        lz_fill_deps(specs, 4, "owners", n, self->owners))
        goto fail;
    Py_ssize_t g = 0, ie_total = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyTuple_GET_ITEM(specs, i);
        long kind = PyLong_AsLong(PyTuple_GET_ITEM(s, 0));
        if (kind == -1 && PyErr_Occurred()) goto fail;
        if (kind < LZ_EAGER || kind > LZ_IFELSE) {
            PyErr_Format(PyExc_ValueError, "CLazyLoop: node %zd: unknown kind %ld", i, kind);
            goto fail;
        }
        self->kind[i] = (char)kind;
        self->is_ew[i] = Py_TYPE(PyTuple_GET_ITEM(thunks, i)) == &ElemwiseThunkType;
        PyObject *gc = PyTuple_GET_ITEM(s, 5);
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(gc); j++, g++) {
            PyObject *e = PyTuple_GET_ITEM(gc, j);
            if (!PyTuple_Check(e) || PyTuple_GET_SIZE(e) != 2 ||
                !PyList_Check(PyTuple_GET_ITEM(e, 0)) ||
                !PyTuple_Check(PyTuple_GET_ITEM(e, 1)) ||
                check_cells(PyTuple_GET_ITEM(e, 1), "gc flags")) {
                if (!PyErr_Occurred())
                    PyErr_Format(PyExc_TypeError,
                                 "CLazyLoop: node %zd: gc entries must be (cell, flags)", i);
                goto fail;
            }
            self->gc_cell[g] = PyTuple_GET_ITEM(e, 0);
            self->gc_flags[g] = PyTuple_GET_ITEM(e, 1);
        }
        PyObject *ie = PyTuple_GET_ITEM(s, 6);
        self->ie_off[i] = ie_total;
        if (kind == LZ_IFELSE) {
            Py_ssize_t nout;
            int view;
            PyObject *ic, *oc;
            if (!PyTuple_Check(ie) ||
                !PyArg_ParseTuple(ie, "npO!O!", &nout, &view, &PyTuple_Type, &ic,
                                  &PyTuple_Type, &oc))
                goto fail;
            if (nout < 0 || PyTuple_GET_SIZE(ic) != 1 + 2 * nout ||
                PyTuple_GET_SIZE(oc) != nout ||
                self->own_off[i + 1] - self->own_off[i] != 1 + 2 * nout ||
                self->out_off[i + 1] - self->out_off[i] != nout) {
                PyErr_Format(PyExc_ValueError,
                             "CLazyLoop: node %zd: inconsistent IfElse layout", i);
                goto fail;
            }
            if (check_cells(ic, "IfElse inputs") || check_cells(oc, "IfElse outputs"))
                goto fail;
            self->ie_n[i] = nout;
            self->ie_view[i] = (char)view;
            ie_total += 1 + 3 * nout;
        }
    }
    self->ie_off[n] = ie_total;
    LZ_ALLOC(self->ie_in, ie_total);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (self->kind[i] != LZ_IFELSE) continue;
        PyObject *ie = PyTuple_GET_ITEM(PyTuple_GET_ITEM(specs, i), 6);
        PyObject *ic = PyTuple_GET_ITEM(ie, 2), *oc = PyTuple_GET_ITEM(ie, 3);
        PyObject **dst = self->ie_in + self->ie_off[i];
        Py_ssize_t nin = PyTuple_GET_SIZE(ic);
        for (Py_ssize_t j = 0; j < nin; j++) dst[j] = PyTuple_GET_ITEM(ic, j);
        for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(oc); j++)
            dst[nin + j] = PyTuple_GET_ITEM(oc, j);
    }
    self->cap = 2 * n + 16;
    LZ_ALLOC(self->stack, self->cap);
    self->n = n;
    self->allow_gc = allow_gc;
    Py_INCREF(thunks); self->thunks = thunks;
    Py_INCREF(specs); self->specs = specs;
    Py_INCREF(roots); self->roots = roots;
    Py_INCREF(reset); self->reset = reset;
    Py_INCREF(pre); self->pre_clear = pre;
    Py_INCREF(inter); self->intermediates = inter;
    Py_INCREF(on_error); self->on_error = on_error;
    return 0;
fail:
    lz_free_arrays(self);
    return -1;
}

static inline int
lz_flag(PyObject *cell)
{
    PyObject *v = PyList_GET_ITEM(cell, 0);
    if (v == Py_True) return 1;
    if (v == Py_False || v == Py_None) return 0;
    return PyObject_IsTrue(v) == 1;
}

static inline void
lz_set(PyObject *cell, PyObject *value)
{
    PyObject *old = PyList_GET_ITEM(cell, 0);
    if (old == value) return;
    Py_INCREF(value);
    PyList_SET_ITEM(cell, 0, value);
    Py_DECREF(old);
}

static int
lz_push(CLazyLoop *self, Py_ssize_t *sp, Py_ssize_t node)
{
    if (*sp >= self->cap) {
        Py_ssize_t cap = 2 * self->cap;
        Py_ssize_t *s = PyMem_Realloc(self->stack, (size_t)cap * sizeof(Py_ssize_t));
        if (!s) {
            PyErr_NoMemory();
            return -1;
        }
        self->stack = s;
        self->cap = cap;
    }
    self->stack[(*sp)++] = node;
    return 0;
}

/* After node i: empty the cells whose readers have all run. */
static void
lz_gc(CLazyLoop *self, Py_ssize_t i)
{
    for (Py_ssize_t g = self->gc_off[i]; g < self->gc_off[i + 1]; g++) {
        PyObject *flags = self->gc_flags[g];
        Py_ssize_t k, m = PyTuple_GET_SIZE(flags);
        for (k = 0; k < m; k++)
            if (!lz_flag(PyTuple_GET_ITEM(flags, k))) break;
        if (k == m) clear_cell(self->gc_cell[g]);
    }
}

/* Push the owner of a requested, uncomputed value; -1 with an error when
 * nothing computes it. */
static int
lz_request(CLazyLoop *self, Py_ssize_t *sp, Py_ssize_t node, const LzDep *d,
           Py_ssize_t input)
{
    if (d->owner < 0) {
        PyErr_Format(PyExc_ValueError,
                     "Lazy node %zd requested input %zd, which has no value", node, input);
        return -1;
    }
    return lz_push(self, sp, d->owner);
}

/* IfElse node i: 1 done, 0 inputs pushed, 2 run the Python thunk, -1 error. */
static int
lz_ifelse(CLazyLoop *self, Py_ssize_t *sp, Py_ssize_t i)
{
    const LzDep *own = self->owners + self->own_off[i];
    PyObject **in = self->ie_in + self->ie_off[i];
    const Py_ssize_t n = self->ie_n[i];
    PyObject **out = in + 1 + 2 * n;
    if (!lz_flag(own[0].flag)) return lz_request(self, sp, i, &own[0], 0) < 0 ? -1 : 0;
    int truth = PyObject_IsTrue(PyList_GET_ITEM(in[0], 0));
    if (truth < 0) return -1;
    const Py_ssize_t base = truth ? 1 : 1 + n;
    int pushed = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        const LzDep *d = &own[base + k];
        if (!lz_flag(d->flag)) {
            if (lz_request(self, sp, i, d, base + k) < 0) return -1;
            pushed = 1;
        }
    }
    if (pushed) return 0;
    const int view = self->ie_view[i];
    if (!view) {
        for (Py_ssize_t k = 0; k < n; k++)
            if (!PyArray_CheckExact(PyList_GET_ITEM(in[base + k], 0))) return 2;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *v = PyList_GET_ITEM(in[base + k], 0);
        if (view) {
            lz_set(out[k], v);
        } else {
            PyObject *c = PyArray_NewCopy((PyArrayObject *)v, NPY_CORDER);
            if (!c) return -1;
            lz_set(out[k], c);
            Py_DECREF(c);
        }
    }
    return 1;
}

/* Run thunk i; for a lazy thunk, push what it asks for. 1 done, 0 pushed or
 * to be called again, -1 error. */
static int
lz_call(CLazyLoop *self, Py_ssize_t *sp, Py_ssize_t i, int lazy)
{
    PyObject *t = PyTuple_GET_ITEM(self->thunks, i);
    if (self->is_ew[i]) return ew_run((ElemwiseThunk *)t) < 0 ? -1 : 1;
    PyObject *r = PyObject_CallNoArgs(t);
    if (!r) return -1;
    if (!lazy || r == Py_None) {
        Py_DECREF(r);
        return 1;
    }
    PyObject *seq = PySequence_Fast(r, "a lazy thunk must return a list of input indices");
    Py_DECREF(r);
    if (!seq) return -1;
    Py_ssize_t m = PySequence_Fast_GET_SIZE(seq);
    if (m == 0) {
        Py_DECREF(seq);
        return 1;
    }
    const LzDep *own = self->owners + self->own_off[i];
    const Py_ssize_t n_in = self->own_off[i + 1] - self->own_off[i];
    for (Py_ssize_t k = 0; k < m; k++) {
        Py_ssize_t j = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, k));
        if (j == -1 && PyErr_Occurred()) goto bad;
        if (j < 0 || j >= n_in) {
            PyErr_Format(PyExc_IndexError, "lazy node %zd requested input %zd of %zd", i, j,
                         n_in);
            goto bad;
        }
        if (!lz_flag(own[j].flag) && lz_request(self, sp, i, &own[j], j) < 0) goto bad;
    }
    Py_DECREF(seq);
    return 0;
bad:
    Py_DECREF(seq);
    return -1;
}

static int
lz_run(CLazyLoop *self)
{
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(self->pre_clear); k++)
        clear_cell(PyTuple_GET_ITEM(self->pre_clear, k));
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(self->reset); k++)
        lz_set(PyTuple_GET_ITEM(self->reset, k), Py_False);
    Py_ssize_t sp = 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(self->roots); k++)
        if (lz_push(self, &sp, PyLong_AsSsize_t(PyTuple_GET_ITEM(self->roots, k))) < 0)
            return -1;
    while (sp > 0) {
        const Py_ssize_t i = self->stack[sp - 1];
        Py_ssize_t o;
        for (o = self->out_off[i]; o < self->out_off[i + 1]; o++)
            if (!lz_flag(self->outs[o])) break;
        if (o == self->out_off[i + 1]) {  /* every output computed already */
            sp--;
            continue;
        }
        const int kind = self->kind[i];
        int done;
        if (kind == LZ_EAGER) {
            int missing = 0;
            for (Py_ssize_t d = self->dep_off[i]; d < self->dep_off[i + 1]; d++) {
                if (!lz_flag(self->deps[d].flag)) {
                    if (lz_push(self, &sp, self->deps[d].owner) < 0) goto error;
                    missing = 1;
                }
            }
            if (missing) continue;
            done = lz_call(self, &sp, i, 0);
        } else {
            int waiting = 0;
            for (Py_ssize_t d = self->ord_off[i]; d < self->ord_off[i + 1]; d++) {
                if (!lz_flag(self->ords[d].flag)) {
                    if (lz_push(self, &sp, self->ords[d].owner) < 0) goto error;
                    waiting = 1;
                }
            }
            if (waiting) continue;
            done = kind == LZ_IFELSE ? lz_ifelse(self, &sp, i) : 2;
            if (done == 2) done = lz_call(self, &sp, i, 1);
        }
        if (done < 0) goto error;
        if (done == 0) continue;
        for (o = self->out_off[i]; o < self->out_off[i + 1]; o++)
            lz_set(self->outs[o], Py_True);
        sp--;
        if (self->allow_gc) lz_gc(self, i);
        continue;
    error:
        hand_error_to(self->on_error, i);
        return -1;
    }
    if (self->allow_gc)
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(self->intermediates); k++)
            clear_cell(PyTuple_GET_ITEM(self->intermediates, k));
    return 0;
}

static PyObject *
lz_call_py(CLazyLoop *self, PyObject *args, PyObject *kwds)
{
    if ((args && PyTuple_GET_SIZE(args)) || (kwds && PyDict_GET_SIZE(kwds))) {
        PyErr_SetString(PyExc_TypeError, "a CLazyLoop takes no arguments");
        return NULL;
    }
    if (!self->thunks) {
        PyErr_SetString(PyExc_RuntimeError, "CLazyLoop not initialised");
        return NULL;
    }
    if (lz_run(self) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyTypeObject CLazyLoopType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_runtime.CLazyLoop",
    .tp_basicsize = sizeof(CLazyLoop),
    .tp_dealloc = (destructor)lz_dealloc,
    .tp_call = (ternaryfunc)lz_call_py,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Evaluates a graph's thunks on demand (lazy nodes included).",
    .tp_traverse = (traverseproc)lz_traverse,
    .tp_clear = (inquiry)lz_clear,
    .tp_init = (initproc)lz_init,
    .tp_new = PyType_GenericNew,
};
