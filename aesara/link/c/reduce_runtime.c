/* The aesara reduction runtime: a thunk type running generated reduction
 * kernels (aesara/link/c/reduce_codegen.py) on a node's storage cells.
 *
 * Built once per machine by aesara/link/c/reduce_runtime.py. One type:
 *
 *   ReduceThunk  reads the input array(s), allocates the output(s),
 *                broadcasts the inputs (a fused reduction has several),
 *                brings the iteration space to a canonical form (length-1
 *                axes dropped, axes sorted by decreasing total input stride,
 *                backward axes flipped, contiguous axes merged) and calls
 *                the kernel. Inputs the kernel was not built for (other
 *                dtype, empty, unaligned, byte-swapped, shapes that do not
 *                broadcast) go to the node's Python thunk, which gives the
 *                reference behaviour (errors included).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

typedef long long ae_intp;
typedef int (*ae_reduce_t)(int, const ae_intp *, const char *const *, const ae_intp *,
                           char *, char *, const ae_intp *, ae_intp, ae_intp);
typedef void (*ae_finish_t)(ae_intp, const char *, char *);
typedef int (*ae_argmax_t)(int, const ae_intp *, const ae_intp *, int, const ae_intp *,
                           const ae_intp *, const char *, char *, long long *, ae_intp);

#define AE_MAXDIMS 64
/* Most inputs of a fused reduction (the fusion rewrite's operand limit). */
#define AE_MAXIN 32
/* Inputs of at least this many elements are reduced without the GIL. */
#define AE_NOGIL_MIN 4096

enum { MODE_REDUCE = 0, MODE_ARGMAX = 1, MODE_MAX_ARGMAX = 2 };

typedef struct {
    PyObject_HEAD
    PyObject *dict;
    void *handle;
    ae_reduce_t reduce;
    ae_finish_t finish;
    ae_argmax_t argmax;
    int mode;
    int ndim;                 /* input rank */
    int nin;
    int in_type[AE_MAXIN];
    int out_type[2];
    int nout;
    int acc_itemsize;         /* 0: accumulate in the output itself */
    char reduced[AE_MAXDIMS]; /* per input axis */
    PyObject *in_cells;       /* tuple */
    PyObject *out_cells;      /* tuple */
    PyObject *name;
    PyObject *fallback;
    ae_intp thread_min;
    long long calls;
} ReduceThunk;

static PyTypeObject ReduceThunkType;

static int
rt_clear(ReduceThunk *self)
{
    Py_CLEAR(self->dict);
    Py_CLEAR(self->in_cells);
    Py_CLEAR(self->out_cells);
    Py_CLEAR(self->fallback);
    return 0;
}

static void
rt_dealloc(ReduceThunk *self)
{
    PyObject_GC_UnTrack(self);
    rt_clear(self);
    Py_CLEAR(self->name);
    if (self->handle) dlclose(self->handle);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
rt_traverse(ReduceThunk *self, visitproc visit, void *arg)
{
    Py_VISIT(self->dict);
    Py_VISIT(self->in_cells);
    Py_VISIT(self->out_cells);
    Py_VISIT(self->fallback);
    return 0;
}

static int
is_cell(PyObject *c)
{
    return PyList_CheckExact(c) && PyList_GET_SIZE(c) == 1;
}

/* Read a sequence of ints into out[0..n), n the sequence's length. */
static int
read_ints(PyObject *seq, int *out, Py_ssize_t n, const char *what)
{
    PyObject *f = PySequence_Fast(seq, what);
    if (!f) return -1;
    if (PySequence_Fast_GET_SIZE(f) != n) {
        Py_DECREF(f);
        PyErr_Format(PyExc_ValueError, "%s: expected %zd values", what, n);
        return -1;
    }
    for (Py_ssize_t j = 0; j < n; j++)
        out[j] = (int)PyLong_AsLong(PySequence_Fast_GET_ITEM(f, j));
    Py_DECREF(f);
    return PyErr_Occurred() ? -1 : 0;
}

/* ReduceThunk(kernel_path, abi, mode, in_cells, out_cells, in_typenums,
 *             out_typenums, ndim, reduced_axes, acc_itemsize, name,
 *             fallback, thread_min) */
static int
rt_init(ReduceThunk *self, PyObject *args, PyObject *kwds)
{
    const char *path;
    int abi, mode, ndim, acc_itemsize;
    PyObject *in_cells, *in_types, *out_cells, *out_types, *axes, *name, *fallback;
    long long thread_min;
    if (!PyArg_ParseTuple(args, "siiO!O!OOiOiUOL", &path, &abi, &mode, &PyTuple_Type,
                          &in_cells, &PyTuple_Type, &out_cells, &in_types, &out_types,
                          &ndim, &axes, &acc_itemsize, &name, &fallback, &thread_min))
        return -1;
    if (self->handle) {
        PyErr_SetString(PyExc_RuntimeError, "ReduceThunk already initialised");
        return -1;
    }
    Py_ssize_t nout = PyTuple_GET_SIZE(out_cells);
    int want = mode == MODE_MAX_ARGMAX ? 2 : 1;
    if (mode < 0 || mode > 2 || nout != want || ndim < 0 || ndim > AE_MAXDIMS) {
        PyErr_Format(PyExc_ValueError,
                     "ReduceThunk: bad mode %d, output count %zd or ndim %d", mode, nout,
                     ndim);
        return -1;
    }
    Py_ssize_t nin = PyTuple_GET_SIZE(in_cells);
    if (nin < 1 || nin > AE_MAXIN || (mode != MODE_REDUCE && nin != 1)) {
        PyErr_Format(PyExc_ValueError, "ReduceThunk: bad input count %zd", nin);
        return -1;
    }
    for (Py_ssize_t j = 0; j < nin; j++) {
        if (!is_cell(PyTuple_GET_ITEM(in_cells, j))) {
            PyErr_SetString(PyExc_TypeError, "in_cells must hold storage cells");
            return -1;
        }
    }
    for (Py_ssize_t j = 0; j < nout; j++) {
        if (!is_cell(PyTuple_GET_ITEM(out_cells, j))) {
            PyErr_SetString(PyExc_TypeError, "out_cells must hold storage cells");
            return -1;
        }
    }
    if (read_ints(in_types, self->in_type, nin, "in_typenums") < 0) return -1;
    if (read_ints(out_types, self->out_type, nout, "out_typenums") < 0) return -1;
    memset(self->reduced, 0, sizeof(self->reduced));
    PyObject *ax = PySequence_Fast(axes, "reduced_axes must be a sequence");
    if (!ax) return -1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(ax); i++) {
        long a = PyLong_AsLong(PySequence_Fast_GET_ITEM(ax, i));
        if (a < 0 || a >= ndim) {
            Py_DECREF(ax);
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "reduced axis %ld out of range", a);
            return -1;
        }
        self->reduced[a] = 1;
    }
    Py_DECREF(ax);

    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        PyErr_Format(PyExc_OSError, "cannot load kernel %s: %s", path, dlerror());
        return -1;
    }
    const int *abi_sym = (const int *)dlsym(h, "aesara_reduce_abi");
    const int *nin_sym = (const int *)dlsym(h, "aesara_reduce_nin");
    void *red = dlsym(h, "aesara_reduce"), *fin = dlsym(h, "aesara_reduce_finish");
    void *am = dlsym(h, "aesara_argmax");
    int ok = abi_sym && *abi_sym == abi &&
             (mode == MODE_REDUCE ? (red != NULL && fin != NULL && nin_sym != NULL &&
                                     *nin_sym == nin)
                                  : am != NULL);
    if (!ok) {
        dlclose(h);
        PyErr_Format(PyExc_ImportError,
                     "kernel %s does not export the reduction ABI version %d for %zd "
                     "input(s)", path, abi, nin);
        return -1;
    }
    self->handle = h;
    self->reduce = (ae_reduce_t)red;
    self->finish = (ae_finish_t)fin;
    self->argmax = (ae_argmax_t)am;
    self->mode = mode;
    self->ndim = ndim;
    self->nin = (int)nin;
    self->nout = (int)nout;
    self->acc_itemsize = acc_itemsize;
    Py_INCREF(in_cells);
    self->in_cells = in_cells;
    Py_INCREF(out_cells);
    self->out_cells = out_cells;
    Py_INCREF(name);
    self->name = name;
    Py_INCREF(fallback);
    self->fallback = fallback;
    self->thread_min = thread_min;
    return 0;
}

static int
run_fallback(ReduceThunk *self)
{
    if (self->fallback == Py_None) {
        PyErr_Format(PyExc_TypeError, "%U: input not supported by the C kernel",
                     self->name);
        return -1;
    }
    PyObject *r = PyObject_CallNoArgs(self->fallback);
    if (!r) return -1;
    Py_DECREF(r);
    return 0;
}

/* The previous output when it can be reused, else a new array. */
static PyObject *
output_array(ReduceThunk *self, int j, int nd, npy_intp *shape)
{
    PyObject *cell = PyTuple_GET_ITEM(self->out_cells, j);
    PyObject *old = PyList_GET_ITEM(cell, 0);
    if (PyArray_CheckExact(old) && Py_REFCNT(old) == 1) {
        PyArrayObject *b = (PyArrayObject *)old;
        int ok = PyArray_NDIM(b) == nd && PyArray_TYPE(b) == self->out_type[j] &&
                 PyArray_IS_C_CONTIGUOUS(b) && PyArray_ISWRITEABLE(b) &&
                 PyArray_CHKFLAGS(b, NPY_ARRAY_OWNDATA) && PyArray_ISNOTSWAPPED(b);
        for (int d = 0; ok && d < nd; d++) ok = PyArray_DIM(b, d) == shape[d];
        if (ok) { Py_INCREF(old); return old; }
    }
    return PyArray_EMPTY(nd, shape, self->out_type[j], 0);
}

static void
set_output(ReduceThunk *self, int j, PyObject *value)  /* steals value */
{
    PyObject *cell = PyTuple_GET_ITEM(self->out_cells, j);
    PyObject *old = PyList_GET_ITEM(cell, 0);
    PyList_SET_ITEM(cell, 0, value);
    Py_XDECREF(old);
}

typedef struct { ae_intp n, as, key; ae_intp xs[AE_MAXIN]; } dim_t;

/* Reduce the nin arrays x, broadcast to shape (each has the rank; length-1
 * axes of an input broadcast), into out (nacc elements). */
static int
run_reduce(ReduceThunk *self, PyArrayObject **x, const ae_intp *shape, PyObject *out,
           ae_intp nacc)
{
    const int nd = self->ndim, nin = self->nin;
    dim_t dims[AE_MAXDIMS];
    ae_intp asz = self->acc_itemsize ? self->acc_itemsize : PyArray_ITEMSIZE((PyArrayObject *)out);
    /* Accumulator strides: C-contiguous over the kept axes. */
    ae_intp ast[AE_MAXDIMS], step = asz;
    for (int d = nd - 1; d >= 0; d--) {
        if (self->reduced[d]) { ast[d] = 0; continue; }
        ast[d] = step;
        step *= shape[d];
    }
    const char *xp[AE_MAXIN];
    for (int j = 0; j < nin; j++) xp[j] = PyArray_BYTES(x[j]);
    char *acc = NULL, *abase;
    if (self->acc_itemsize) {
        acc = (char *)malloc((size_t)(nacc > 0 ? nacc : 1) * (size_t)asz);
        if (!acc) { PyErr_NoMemory(); return -1; }
        abase = acc;
    } else {
        abase = PyArray_BYTES((PyArrayObject *)out);
    }
    char *ap = abase;
    int m = 0;
    for (int d = 0; d < nd; d++) {
        const ae_intp n = shape[d];
        if (n == 1) continue;
        dim_t *t = &dims[m++];
        ae_intp total = 0;
        for (int j = 0; j < nin; j++) {
            t->xs[j] = PyArray_DIM(x[j], d) == 1 ? 0 : PyArray_STRIDE(x[j], d);
            total += t->xs[j];
        }
        t->n = n;
        t->as = ast[d];
        if (total < 0) {  /* walk it forwards: the reduction is reorderable */
            for (int j = 0; j < nin; j++) {
                xp[j] += t->xs[j] * (n - 1);
                t->xs[j] = -t->xs[j];
            }
            ap += t->as * (n - 1);
            t->as = -t->as;
        }
        t->key = 0;
        for (int j = 0; j < nin; j++) t->key += t->xs[j] < 0 ? -t->xs[j] : t->xs[j];
    }
    /* Stable insertion sort by decreasing total input stride. */
    for (int i = 1; i < m; i++) {
        dim_t t = dims[i];
        int k = i - 1;
        while (k >= 0 && dims[k].key < t.key) { dims[k + 1] = dims[k]; k--; }
        dims[k + 1] = t;
    }
    /* Merge an axis into the previous one when every input (and the
     * accumulator) walks both alike. */
    int w = 0;
    for (int i = 0; i < m; i++) {
        if (w > 0) {
            dim_t *p = &dims[w - 1];
            int same = p->as == dims[i].as * dims[i].n;
            for (int j = 0; same && j < nin; j++) same = p->xs[j] == dims[i].xs[j] * dims[i].n;
            if (same) {
                p->n *= dims[i].n;
                p->as = dims[i].as;
                for (int j = 0; j < nin; j++) p->xs[j] = dims[i].xs[j];
                continue;
            }
        }
        dims[w++] = dims[i];
    }
    ae_intp kshape[AE_MAXDIMS], as[AE_MAXDIMS];
    ae_intp *xs = (ae_intp *)malloc(sizeof(ae_intp) * (size_t)(w > 0 ? w : 1) * (size_t)nin);
    if (!xs) { free(acc); PyErr_NoMemory(); return -1; }
    if (w == 0) {
        kshape[0] = 1; as[0] = 0; w = 1;
        for (int j = 0; j < nin; j++) xs[j] = 0;
    } else {
        for (int i = 0; i < w; i++) {
            kshape[i] = dims[i].n;
            as[i] = dims[i].as;
            for (int j = 0; j < nin; j++) xs[i * nin + j] = dims[i].xs[j];
        }
    }
    ae_intp size = 1;
    for (int d = 0; d < nd; d++) size *= shape[d];
    int rc;
    if (size >= AE_NOGIL_MIN) {
        Py_BEGIN_ALLOW_THREADS
        rc = self->reduce(w, kshape, xp, xs, abase, ap, as, nacc, self->thread_min);
        if (acc && rc == 0) self->finish(nacc, acc, PyArray_BYTES((PyArrayObject *)out));
        Py_END_ALLOW_THREADS
    } else {
        rc = self->reduce(w, kshape, xp, xs, abase, ap, as, nacc, self->thread_min);
        if (acc && rc == 0) self->finish(nacc, acc, PyArray_BYTES((PyArrayObject *)out));
    }
    free(xs);
    free(acc);
    if (rc != 0) {
        PyErr_Format(PyExc_RuntimeError, "%U: reduction kernel failed (%d)", self->name, rc);
        return -1;
    }
    return 0;
}

static int
run_argmax(ReduceThunk *self, PyArrayObject *x, PyObject *maxout, PyObject *argout)
{
    const int nd = self->ndim;
    ae_intp ks[AE_MAXDIMS], kx[AE_MAXDIMS], rs[AE_MAXDIMS], rx[AE_MAXDIMS];
    int nk = 0, nr = 0;
    /* Kept axes in output order; reduced axes in C order (positions index
     * them flattened): only length-1 axes dropped and contiguous runs merged. */
    for (int d = 0; d < nd; d++) {
        ae_intp n = PyArray_DIM(x, d), s = PyArray_STRIDE(x, d);
        if (n == 1) continue;
        if (self->reduced[d]) {
            if (nr > 0 && rx[nr - 1] == s * n) { rs[nr - 1] *= n; rx[nr - 1] = s; continue; }
            rs[nr] = n; rx[nr] = s; nr++;
        } else {
            if (nk > 0 && kx[nk - 1] == s * n) { ks[nk - 1] *= n; kx[nk - 1] = s; continue; }
            ks[nk] = n; kx[nk] = s; nk++;
        }
    }
    if (nr == 0) { rs[0] = 1; rx[0] = 0; nr = 1; }
    char *mp = maxout ? PyArray_BYTES((PyArrayObject *)maxout) : NULL;
    long long *ap = (long long *)PyArray_BYTES((PyArrayObject *)argout);
    int rc;
    if (PyArray_SIZE(x) >= AE_NOGIL_MIN) {
        Py_BEGIN_ALLOW_THREADS
        rc = self->argmax(nk, ks, kx, nr, rs, rx, PyArray_BYTES(x), mp, ap, self->thread_min);
        Py_END_ALLOW_THREADS
    } else {
        rc = self->argmax(nk, ks, kx, nr, rs, rx, PyArray_BYTES(x), mp, ap, self->thread_min);
    }
    if (rc != 0) {
        PyErr_Format(PyExc_RuntimeError, "%U: argmax kernel failed (%d)", self->name, rc);
        return -1;
    }
    return 0;
}

static int
rt_run(ReduceThunk *self)
{
    const int nd = self->ndim, nin = self->nin;
    PyArrayObject *x[AE_MAXIN];
    ae_intp shape[AE_MAXDIMS];
    for (int d = 0; d < nd; d++) shape[d] = 1;
    for (int j = 0; j < nin; j++) {
        PyObject *obj = PyList_GET_ITEM(PyTuple_GET_ITEM(self->in_cells, j), 0);
        if (!PyArray_Check(obj)) return run_fallback(self);
        PyArrayObject *a = (PyArrayObject *)obj;
        if (PyArray_TYPE(a) != self->in_type[j] || PyArray_NDIM(a) != nd ||
            !PyArray_ISALIGNED(a) || !PyArray_ISNOTSWAPPED(a))
            return run_fallback(self);
        for (int d = 0; d < nd; d++) {
            const ae_intp n = PyArray_DIM(a, d);
            if (n == 1 || n == shape[d]) continue;
            if (shape[d] != 1) return run_fallback(self);  /* reports the mismatch */
            shape[d] = n;
        }
        x[j] = a;
    }
    ae_intp size = 1;
    for (int d = 0; d < nd; d++) size *= shape[d];
    if (size == 0) return run_fallback(self);
    npy_intp oshape[AE_MAXDIMS];
    int ond = 0;
    ae_intp nacc = 1;
    for (int d = 0; d < nd; d++) {
        if (self->reduced[d]) continue;
        oshape[ond++] = shape[d];
        nacc *= shape[d];
    }
    /* keep the inputs alive while the outputs are replaced */
    for (int j = 0; j < nin; j++) Py_INCREF(x[j]);
    PyObject *outs[2] = {NULL, NULL};
    int rc = -1;
    for (int j = 0; j < self->nout; j++) {
        outs[j] = output_array(self, j, ond, oshape);
        if (!outs[j]) goto done;
    }
    if (self->mode == MODE_REDUCE)
        rc = run_reduce(self, x, shape, outs[0], nacc);
    else if (self->mode == MODE_ARGMAX)
        rc = run_argmax(self, x[0], NULL, outs[0]);
    else
        rc = run_argmax(self, x[0], outs[0], outs[1]);
    if (rc == 0) {
        for (int j = 0; j < self->nout; j++) { set_output(self, j, outs[j]); outs[j] = NULL; }
        self->calls++;
    }
done:
    for (int j = 0; j < 2; j++) Py_XDECREF(outs[j]);
    for (int j = 0; j < nin; j++) Py_DECREF(x[j]);
    return rc;
}

static PyObject *
rt_call(ReduceThunk *self, PyObject *args, PyObject *kwds)
{
    if ((args && PyTuple_GET_SIZE(args)) || (kwds && PyDict_GET_SIZE(kwds))) {
        PyErr_SetString(PyExc_TypeError, "a ReduceThunk takes no arguments");
        return NULL;
    }
    if (!self->handle) {
        PyErr_SetString(PyExc_RuntimeError, "ReduceThunk not initialised");
        return NULL;
    }
    if (rt_run(self) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *
rt_get_inputs(ReduceThunk *self, void *c)
{
    if (!self->in_cells) return PyList_New(0);
    return PySequence_List(self->in_cells);
}

static PyObject *
rt_get_outputs(ReduceThunk *self, void *c)
{
    if (!self->out_cells) return PyList_New(0);
    return PySequence_List(self->out_cells);
}

static PyGetSetDef rt_getset[] = {
    {"inputs", (getter)rt_get_inputs, NULL, "The input storage cells.", NULL},
    {"outputs", (getter)rt_get_outputs, NULL, "The output storage cells.", NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

static PyMemberDef rt_members[] = {
    {"calls", T_LONGLONG, offsetof(ReduceThunk, calls), 0,
     "How many times the kernel path ran."},
    {"thread_min", T_LONGLONG, offsetof(ReduceThunk, thread_min), 0,
     "Input size from which the work is split across threads (< 0: never)."},
    {NULL},
};

static PyTypeObject ReduceThunkType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_reduce_runtime.ReduceThunk",
    .tp_basicsize = sizeof(ReduceThunk),
    .tp_dealloc = (destructor)rt_dealloc,
    .tp_call = (ternaryfunc)rt_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "A thunk running a compiled reduction kernel.",
    .tp_traverse = (traverseproc)rt_traverse,
    .tp_clear = (inquiry)rt_clear,
    .tp_getset = rt_getset,
    .tp_members = rt_members,
    .tp_dictoffset = offsetof(ReduceThunk, dict),
    .tp_init = (initproc)rt_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef rr_module = {
    PyModuleDef_HEAD_INIT, "MODULE_NAME", "The aesara reduction runtime.", -1, NULL,
};

PyMODINIT_FUNC
PyInit_MODULE_NAME(void)
{
    import_array();
    if (PyType_Ready(&ReduceThunkType) < 0) return NULL;
    PyObject *m = PyModule_Create(&rr_module);
    if (!m) return NULL;
    Py_INCREF(&ReduceThunkType);
    PyModule_AddObject(m, "ReduceThunk", (PyObject *)&ReduceThunkType);
    PyModule_AddIntConstant(m, "MODE_REDUCE", MODE_REDUCE);
    PyModule_AddIntConstant(m, "MODE_ARGMAX", MODE_ARGMAX);
    PyModule_AddIntConstant(m, "MODE_MAX_ARGMAX", MODE_MAX_ARGMAX);
    return m;
}
