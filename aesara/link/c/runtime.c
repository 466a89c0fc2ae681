/* The aesara C runtime, part 1: element-wise thunks and the C VM loop
 * (part 2, lazy_loop.c, holds the lazy VM loop; part 3, random_thunk.c, the
 * thunk of random variables; part 4, call_path.c, the call path and the
 * module definition).
 *
 * Built once per machine by aesara/link/c/runtime.py (through the compile
 * cache). Three types:
 *
 *   ElemwiseThunk  runs one generated element-wise kernel (a plain .so with
 *                  the ABI of aesara/link/c/elemwise_codegen.py) on the
 *                  arrays found in the node's storage cells.
 *   CLoop          calls a list of thunks in order, frees intermediate
 *                  cells after their last use and hands a failing thunk's
 *                  exception to a Python hook that annotates it.
 *   CLazyLoop      (lazy_loop.c) evaluates nodes on demand, for graphs with
 *                  lazy nodes (IfElse).
 *   RandomThunk    (random_thunk.c) draws a random variable with one
 *                  Generator method call.
 *   FastCall       (call_path.c) the positional call path of a Function.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <numpy/arrayscalars.h>
#include <dlfcn.h>
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

typedef long long ae_intp;
typedef int (*ae_kernel_t)(int, const ae_intp *, char *const *, const ae_intp *);

#define AE_MAXDIMS 64
#define AE_MAXOPS 64
/* Kernels on at least this many elements run without the GIL. */
#define AE_NOGIL_MIN 4096

/* ------------------------------------------------------------------------ */
/* ElemwiseThunk                                                             */
/* ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    PyObject *dict;
    void *handle;
    ae_kernel_t kernel;
    int nin, nout, ndim;
    PyObject **in_cells;  /* borrowed from the tuples below */
    PyObject **out_cells;
    PyObject *in_tuple, *out_tuple;
    int in_type[AE_MAXOPS];
    int out_type[AE_MAXOPS];
    int inplace[AE_MAXOPS];     /* per output: destroyed input or -1 */
    char *bcast;                /* nin * ndim static broadcastable flags */
    PyObject *name;
    PyObject *fallback;         /* Python thunk for unusual inputs, or None */
    ae_intp thread_min;         /* < 0: no threads */
    long long calls;
} ElemwiseThunk;

static PyTypeObject ElemwiseThunkType;
static int ew_clear(ElemwiseThunk *self);

static void
ew_dealloc(ElemwiseThunk *self)
{
    PyObject_GC_UnTrack(self);
    ew_clear(self);
    Py_CLEAR(self->name);
    PyMem_Free(self->in_cells);
    PyMem_Free(self->out_cells);
    PyMem_Free(self->bcast);
    if (self->handle) dlclose(self->handle);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
ew_traverse(ElemwiseThunk *self, visitproc visit, void *arg)
{
    Py_VISIT(self->dict);
    Py_VISIT(self->in_tuple);
    Py_VISIT(self->out_tuple);
    Py_VISIT(self->fallback);
    return 0;
}

static int
ew_clear(ElemwiseThunk *self)
{
    Py_CLEAR(self->dict);
    Py_CLEAR(self->in_tuple);
    Py_CLEAR(self->out_tuple);
    Py_CLEAR(self->fallback);
    return 0;
}

static int
read_int_tuple(PyObject *seq, int *out, Py_ssize_t n, const char *what)
{
    PyObject *fast = PySequence_Fast(seq, what);
    if (!fast) return -1;
    if (PySequence_Fast_GET_SIZE(fast) != n) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd items, got %zd", what, n,
                     PySequence_Fast_GET_SIZE(fast));
        Py_DECREF(fast);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PySequence_Fast_GET_ITEM(fast, i));
        if (v == -1 && PyErr_Occurred()) { Py_DECREF(fast); return -1; }
        out[i] = (int)v;
    }
    Py_DECREF(fast);
    return 0;
}

static int
check_cells(PyObject *tuple, const char *what)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(tuple); i++) {
        PyObject *c = PyTuple_GET_ITEM(tuple, i);
        if (!PyList_CheckExact(c) || PyList_GET_SIZE(c) != 1) {
            PyErr_Format(PyExc_TypeError,
                         "%s[%zd] must be a 1-element list (a storage cell), got %R",
                         what, i, c);
            return -1;
        }
    }
    return 0;
}

/* ElemwiseThunk(kernel_path, abi, in_cells, out_cells, in_typenums,
 *               out_typenums, ndim, inplace, in_broadcastable, name,
 *               fallback, thread_min[, symbol_prefix]) -- the prefix of the
 * kernel's symbols in a library holding several kernels ("" by default). */
static int
ew_init(ElemwiseThunk *self, PyObject *args, PyObject *kwds)
{
    const char *path;
    int abi, ndim;
    PyObject *in_cells, *out_cells, *in_types, *out_types, *inplace, *bcast;
    PyObject *name, *fallback;
    long long thread_min;
    const char *prefix = "";
    if (!PyArg_ParseTuple(args, "siO!O!OOiOOUOL|s", &path, &abi, &PyTuple_Type,
                          &in_cells, &PyTuple_Type, &out_cells, &in_types,
                          &out_types, &ndim, &inplace, &bcast, &name, &fallback,
                          &thread_min, &prefix))
        return -1;
    if (strlen(prefix) > 64) {
        PyErr_SetString(PyExc_ValueError, "ElemwiseThunk: symbol prefix too long");
        return -1;
    }
    Py_ssize_t nin = PyTuple_GET_SIZE(in_cells), nout = PyTuple_GET_SIZE(out_cells);
    if (nout < 1 || nin + nout > AE_MAXOPS || ndim < 0 || ndim > AE_MAXDIMS) {
        PyErr_Format(PyExc_ValueError,
                     "ElemwiseThunk: unsupported operand count (%zd inputs, %zd "
                     "outputs) or ndim %d",
                     nin, nout, ndim);
        return -1;
    }
    if (check_cells(in_cells, "in_cells") || check_cells(out_cells, "out_cells"))
        return -1;
    if (self->handle) {  /* __init__ called twice */
        PyErr_SetString(PyExc_RuntimeError, "ElemwiseThunk already initialised");
        return -1;
    }
    self->nin = (int)nin;
    self->nout = (int)nout;
    self->ndim = ndim;
    if (read_int_tuple(in_types, self->in_type, nin, "in_typenums") ||
        read_int_tuple(out_types, self->out_type, nout, "out_typenums") ||
        read_int_tuple(inplace, self->inplace, nout, "inplace"))
        return -1;
    for (int j = 0; j < nout; j++) {
        if (self->inplace[j] >= nin) {
            PyErr_Format(PyExc_ValueError,
                         "ElemwiseThunk: output %d is in place on input %d, but "
                         "there are only %zd inputs",
                         j, self->inplace[j], nin);
            return -1;
        }
    }
    PyObject *bfast = PySequence_Fast(bcast, "in_broadcastable must be a sequence");
    if (!bfast) return -1;
    if (PySequence_Fast_GET_SIZE(bfast) != nin) {
        Py_DECREF(bfast);
        PyErr_SetString(PyExc_ValueError, "in_broadcastable needs one entry per input");
        return -1;
    }
    self->bcast = PyMem_Calloc((size_t)(nin * ndim + 1), 1);
    for (Py_ssize_t i = 0; i < nin; i++) {
        PyObject *pat = PySequence_Fast(PySequence_Fast_GET_ITEM(bfast, i),
                                        "a broadcastable pattern must be a sequence");
        if (!pat) { Py_DECREF(bfast); return -1; }
        Py_ssize_t n = PySequence_Fast_GET_SIZE(pat);
        if (n > ndim) {
            Py_DECREF(pat); Py_DECREF(bfast);
            PyErr_SetString(PyExc_ValueError, "broadcastable pattern longer than ndim");
            return -1;
        }
        /* Lower-rank patterns are right-aligned, like NumPy broadcasting. */
        for (Py_ssize_t d = 0; d < n; d++)
            self->bcast[i * ndim + (ndim - n) + d] =
                (char)PyObject_IsTrue(PySequence_Fast_GET_ITEM(pat, d));
        Py_DECREF(pat);
    }
    Py_DECREF(bfast);

    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        PyErr_Format(PyExc_OSError, "cannot load kernel %s: %s", path, dlerror());
        return -1;
    }
    char sym_abi[96], sym_fn[96];
    snprintf(sym_abi, sizeof sym_abi, "%saesara_kernel_abi", prefix);
    snprintf(sym_fn, sizeof sym_fn, "%saesara_kernel", prefix);
    const int *abi_sym = (const int *)dlsym(h, sym_abi);
    ae_kernel_t fn = (ae_kernel_t)dlsym(h, sym_fn);
    if (!abi_sym || !fn || *abi_sym != abi) {
        dlclose(h);
        PyErr_Format(PyExc_ImportError,
                     "kernel %s does not export %s with ABI version %d",
                     path, sym_fn, abi);
        return -1;
    }
    self->handle = h;
    self->kernel = fn;
    self->in_cells = PyMem_Malloc(sizeof(PyObject *) * (nin + 1));
    self->out_cells = PyMem_Malloc(sizeof(PyObject *) * nout);
    for (Py_ssize_t i = 0; i < nin; i++) self->in_cells[i] = PyTuple_GET_ITEM(in_cells, i);
    for (Py_ssize_t j = 0; j < nout; j++) self->out_cells[j] = PyTuple_GET_ITEM(out_cells, j);
    Py_INCREF(in_cells);
    Py_INCREF(out_cells);
    self->in_tuple = in_cells;
    self->out_tuple = out_cells;
    Py_INCREF(name);
    self->name = name;
    Py_INCREF(fallback);
    self->fallback = fallback;
    self->thread_min = thread_min;
    return 0;
}

/* The error Elemwise.perform raises for incompatible shapes. */
static void
ew_shape_error(ElemwiseThunk *self, PyArrayObject **arr)
{
    PyObject *shapes = PyList_New(self->nin);
    PyObject *parts = PyList_New(self->nin);
    if (!shapes || !parts) goto done;
    for (int i = 0; i < self->nin; i++) {
        int nd = PyArray_NDIM(arr[i]);
        PyObject *t = PyTuple_New(nd);
        if (!t) goto done;
        for (int d = 0; d < nd; d++)
            PyTuple_SET_ITEM(t, d, PyLong_FromLongLong(PyArray_DIM(arr[i], d)));
        PyList_SET_ITEM(shapes, i, t);
        PyObject *r = PyObject_Repr(t);
        if (!r) goto done;
        PyList_SET_ITEM(parts, i, r);
    }
    PyObject *sep = PyUnicode_FromString(" ");
    PyObject *joined = sep ? PyUnicode_Join(sep, parts) : NULL;
    Py_XDECREF(sep);
    if (joined) {
        PyErr_Format(PyExc_ValueError,
                     "%U failed on inputs of shapes %R: operands could not be "
                     "broadcast together with shapes %U ",
                     self->name, shapes, joined);
        Py_DECREF(joined);
    }
done:
    Py_XDECREF(shapes);
    Py_XDECREF(parts);
}

static void
byte_bounds(PyArrayObject *a, char **lo, char **hi)
{
    char *l = PyArray_BYTES(a), *h = PyArray_BYTES(a);
    for (int d = 0; d < PyArray_NDIM(a); d++) {
        npy_intp n = PyArray_DIM(a, d), s = PyArray_STRIDE(a, d);
        if (n == 0) { *lo = *hi = l; return; }
        if (s < 0) l += s * (n - 1); else h += s * (n - 1);
    }
    *lo = l;
    *hi = h + PyArray_ITEMSIZE(a);
}

static int
same_layout(PyArrayObject *a, PyArrayObject *b)
{
    if (PyArray_BYTES(a) != PyArray_BYTES(b) || PyArray_NDIM(a) != PyArray_NDIM(b))
        return 0;
    for (int d = 0; d < PyArray_NDIM(a); d++)
        if (PyArray_DIM(a, d) != PyArray_DIM(b, d) ||
            PyArray_STRIDE(a, d) != PyArray_STRIDE(b, d))
            return 0;
    return 1;
}

/* 1 when no two elements of `a` share memory. A sufficient test: with the
 * axes sorted by stride, each stride steps over all the bytes the smaller
 * axes span (a zero stride on an axis longer than 1 fails it). */
static int
no_self_overlap(PyArrayObject *a)
{
    ae_intp st[AE_MAXDIMS], dim[AE_MAXDIMS];
    int m = 0;
    for (int d = 0; d < PyArray_NDIM(a); d++) {
        if (PyArray_DIM(a, d) <= 1) continue;
        ae_intp s = PyArray_STRIDE(a, d);
        st[m] = s < 0 ? -s : s;
        dim[m] = PyArray_DIM(a, d);
        for (int i = m; i > 0 && st[i - 1] > st[i]; i--) {
            ae_intp t = st[i]; st[i] = st[i - 1]; st[i - 1] = t;
            t = dim[i]; dim[i] = dim[i - 1]; dim[i - 1] = t;
        }
        m++;
    }
    ae_intp span = PyArray_ITEMSIZE(a);
    for (int i = 0; i < m; i++) {
        if (st[i] < span) return 0;
        span += st[i] * (dim[i] - 1);
    }
    return 1;
}

static void
run_kernel(ae_kernel_t kernel, int nd, ae_intp *shape, char **ptrs, ae_intp *strides,
           int nop, ae_intp size, ae_intp thread_min)
{
#ifdef _OPENMP
    if (thread_min >= 0 && size >= thread_min && nd >= 1 && shape[0] > 1) {
        int nt = omp_get_max_threads();
        /* Split axis 0 into blocks of `unit` items. When it is the only axis
         * (the kernel's vectorised loop), cut at multiples of 1024 elements:
         * then every element goes through the same code (SIMD body or
         * remainder loop) as in one call, and vector and scalar math, which
         * can differ in the last bit, give results identical to no threads. */
        ae_intp unit = nd == 1 ? 1024 : 1;
        ae_intp blocks = (shape[0] + unit - 1) / unit;
        ae_intp parts = blocks < nt ? blocks : nt;
        if (parts > 1) {
#pragma omp parallel for num_threads((int)parts) schedule(static)
            for (ae_intp t = 0; t < parts; t++) {
                ae_intp lo = unit * (blocks * t / parts);
                ae_intp hi = unit * (blocks * (t + 1) / parts);
                if (hi > shape[0]) hi = shape[0];
                ae_intp sh[AE_MAXDIMS];
                char *p[AE_MAXOPS];
                memcpy(sh, shape, sizeof(ae_intp) * nd);
                sh[0] = hi - lo;
                for (int k = 0; k < nop; k++) p[k] = ptrs[k] + lo * strides[k * nd];
                if (hi > lo) kernel(nd, sh, p, strides);
            }
            return;
        }
    }
#else
    (void)size;
    (void)thread_min;
#endif
    kernel(nd, shape, ptrs, strides);
}

/* Run the thunk: 0 on success, -1 with an exception set. */
static int
ew_run(ElemwiseThunk *self)
{
    const int nin = self->nin, nout = self->nout, nd = self->ndim, nop = nin + nout;
    PyArrayObject *arr[AE_MAXOPS];
    PyObject *tmp[AE_MAXOPS];  /* owned copies of misaligned/swapped inputs */
    int ntmp = 0, rc = -1;
    ae_intp shape[AE_MAXDIMS + 1];

    for (int i = 0; i < nin; i++) {
        PyObject *x = PyList_GET_ITEM(self->in_cells[i], 0);
        if (!PyArray_Check(x) || PyArray_TYPE((PyArrayObject *)x) != self->in_type[i] ||
            PyArray_NDIM((PyArrayObject *)x) > nd) {
            /* Not what the kernel was built for: let the Python thunk decide. */
            if (self->fallback != Py_None) {
                for (int k = 0; k < ntmp; k++) Py_DECREF(tmp[k]);
                PyObject *r = PyObject_CallNoArgs(self->fallback);
                if (!r) return -1;
                Py_DECREF(r);
                return 0;
            }
            PyErr_Format(PyExc_TypeError,
                         "%U: input %d must be an ndarray of type number %d with at "
                         "most %d dimensions, got %R",
                         self->name, i, self->in_type[i], nd, x);
            goto fail;
        }
        PyArrayObject *a = (PyArrayObject *)x;
        if (!PyArray_ISALIGNED(a) || !PyArray_ISNOTSWAPPED(a)) {
            PyObject *c = PyArray_FromArray(a, PyArray_DescrFromType(self->in_type[i]),
                                            NPY_ARRAY_ALIGNED | NPY_ARRAY_ENSURECOPY);
            if (!c) goto fail;
            tmp[ntmp++] = c;
            a = (PyArrayObject *)c;
        }
        arr[i] = a;
    }

    /* Output shape, with NumPy's rules (a length of 1 broadcasts). */
    for (int d = 0; d < nd; d++) shape[d] = 1;
    for (int i = 0; i < nin; i++) {
        int ind = PyArray_NDIM(arr[i]), pad = nd - ind;
        for (int d = 0; d < ind; d++) {
            ae_intp s = PyArray_DIM(arr[i], d);
            if (s == 1) continue;
            if (self->bcast[i * nd + pad + d]) {
                PyErr_Format(PyExc_ValueError,
                             "%U: input %d has length %lld along axis %d, which its "
                             "type declares broadcastable (length 1)",
                             self->name, i, s, pad + d);
                goto fail;
            }
            if (shape[pad + d] == 1) shape[pad + d] = s;
            else if (shape[pad + d] != s) { ew_shape_error(self, arr); goto fail; }
        }
    }
    ae_intp size = 1;
    for (int d = 0; d < nd; d++) size *= shape[d];

    /* Outputs: the destroyed input, the previous buffer, or a new array. */
    PyObject *outs[AE_MAXOPS];
    int nouts = 0;
    for (int j = 0; j < nout; j++) {
        PyObject *o = NULL;
        int src = self->inplace[j];
        if (src >= 0) {
            PyArrayObject *a = arr[src];
            int ok = PyArray_NDIM(a) == nd && PyArray_TYPE(a) == self->out_type[j] &&
                     PyArray_ISWRITEABLE(a) && PyArray_ISNOTSWAPPED(a);
            for (int d = 0; ok && d < nd; d++) ok = PyArray_DIM(a, d) == shape[d];
            /* Elements sharing memory would be written while still read. */
            if (ok) ok = no_self_overlap(a);
            if (ok) {
                char *lo, *hi;
                byte_bounds(a, &lo, &hi);
                for (int i = 0; ok && i < nin; i++) {
                    char *l2, *h2;
                    if (i == src || same_layout(arr[i], a)) continue;
                    byte_bounds(arr[i], &l2, &h2);
                    if (l2 < hi && lo < h2) ok = 0;  /* partial overlap */
                }
                /* Two outputs in one memory (two views of one array): only
                 * the first gets it, whatever the objects. */
                for (int k = 0; ok && k < nouts; k++) {
                    char *l2, *h2;
                    byte_bounds((PyArrayObject *)outs[k], &l2, &h2);
                    if (l2 < hi && lo < h2) ok = 0;
                }
            }
            if (ok) { Py_INCREF(a); o = (PyObject *)a; }
        } else {
            PyObject *old = PyList_GET_ITEM(self->out_cells[j], 0);
            if (PyArray_CheckExact(old) && Py_REFCNT(old) == 1) {
                PyArrayObject *b = (PyArrayObject *)old;
                int ok = PyArray_NDIM(b) == nd && PyArray_TYPE(b) == self->out_type[j] &&
                         PyArray_IS_C_CONTIGUOUS(b) && PyArray_ISWRITEABLE(b) &&
                         PyArray_CHKFLAGS(b, NPY_ARRAY_OWNDATA) && PyArray_ISNOTSWAPPED(b);
                for (int d = 0; ok && d < nd; d++) ok = PyArray_DIM(b, d) == shape[d];
                if (ok) { Py_INCREF(old); o = old; }
            }
        }
        if (!o) {
            o = PyArray_EMPTY(nd, (npy_intp *)shape, self->out_type[j], 0);
            if (!o) { for (int k = 0; k < nouts; k++) Py_DECREF(outs[k]); goto fail; }
        }
        outs[nouts++] = o;
    }

    if (size > 0) {
        /* Stride table without length-1 axes, then merge axes that are
         * contiguous for every operand (most calls end with nd == 1). */
        ae_intp st[AE_MAXOPS][AE_MAXDIMS];
        ae_intp msh[AE_MAXDIMS];
        int md = 0;
        for (int d = 0; d < nd; d++) {
            if (shape[d] == 1) continue;
            for (int k = 0; k < nop; k++) {
                PyArrayObject *a = k < nin ? arr[k] : (PyArrayObject *)outs[k - nin];
                int pad = nd - PyArray_NDIM(a);
                if (d < pad || PyArray_DIM(a, d - pad) == 1) st[k][md] = 0;
                else st[k][md] = PyArray_STRIDE(a, d - pad);
            }
            msh[md++] = shape[d];
        }
        int w = 0;  /* merged axes written so far */
        for (int d = 0; d < md; d++) {
            if (w > 0) {
                int can = 1;
                for (int k = 0; can && k < nop; k++)
                    can = st[k][w - 1] == st[k][d] * msh[d];
                if (can) {
                    msh[w - 1] *= msh[d];
                    for (int k = 0; k < nop; k++) st[k][w - 1] = st[k][d];
                    continue;
                }
            }
            msh[w] = msh[d];
            for (int k = 0; k < nop; k++) st[k][w] = st[k][d];
            w++;
        }
        ae_intp flat[AE_MAXOPS * AE_MAXDIMS + 1];
        char *ptrs[AE_MAXOPS];
        for (int k = 0; k < nop; k++) {
            PyArrayObject *a = k < nin ? arr[k] : (PyArrayObject *)outs[k - nin];
            ptrs[k] = PyArray_BYTES(a);
            for (int d = 0; d < w; d++) flat[k * w + d] = st[k][d];
        }
        if (size >= AE_NOGIL_MIN) {
            Py_BEGIN_ALLOW_THREADS
            run_kernel(self->kernel, w, msh, ptrs, flat, nop, size, self->thread_min);
            Py_END_ALLOW_THREADS
        } else {
            self->kernel(w, msh, ptrs, flat);
        }
    }
    for (int j = 0; j < nout; j++) {
        /* Steals the reference; the old value is released after. */
        PyObject *cell = self->out_cells[j];
        PyObject *old = PyList_GET_ITEM(cell, 0);
        PyList_SET_ITEM(cell, 0, outs[j]);
        Py_XDECREF(old);
    }
    self->calls++;
    rc = 0;
fail:
    for (int k = 0; k < ntmp; k++) Py_DECREF(tmp[k]);
    return rc;
}

static PyObject *
ew_call(ElemwiseThunk *self, PyObject *args, PyObject *kwds)
{
    if ((args && PyTuple_GET_SIZE(args)) || (kwds && PyDict_GET_SIZE(kwds))) {
        PyErr_SetString(PyExc_TypeError, "an ElemwiseThunk takes no arguments");
        return NULL;
    }
    if (ew_run(self) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *
ew_get_inputs(ElemwiseThunk *self, void *c)
{
    return PySequence_List(self->in_tuple ? self->in_tuple : PyTuple_New(0));
}

static PyObject *
ew_get_outputs(ElemwiseThunk *self, void *c)
{
    return PySequence_List(self->out_tuple ? self->out_tuple : PyTuple_New(0));
}

static PyGetSetDef ew_getset[] = {
    {"inputs", (getter)ew_get_inputs, NULL, "The input storage cells.", NULL},
    {"outputs", (getter)ew_get_outputs, NULL, "The output storage cells.", NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

static PyMemberDef ew_members[] = {
    {"calls", T_LONGLONG, offsetof(ElemwiseThunk, calls), 0,
     "How many times the kernel path ran."},
    {"thread_min", T_LONGLONG, offsetof(ElemwiseThunk, thread_min), 0,
     "Output size from which the work is split across threads (< 0: never)."},
    {NULL},
};

static PyTypeObject ElemwiseThunkType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_runtime.ElemwiseThunk",
    .tp_basicsize = sizeof(ElemwiseThunk),
    .tp_dealloc = (destructor)ew_dealloc,
    .tp_call = (ternaryfunc)ew_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "A thunk running a compiled element-wise kernel.",
    .tp_traverse = (traverseproc)ew_traverse,
    .tp_clear = (inquiry)ew_clear,
    .tp_getset = ew_getset,
    .tp_members = ew_members,
    .tp_dictoffset = offsetof(ElemwiseThunk, dict),
    .tp_init = (initproc)ew_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------------ */
/* CLoop                                                                     */
/* ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    Py_ssize_t n;
    PyObject *thunks;      /* tuple */
    PyObject *post_clear;  /* tuple of tuples of cells (or of empty tuples) */
    PyObject *pre_clear;   /* tuple of cells */
    PyObject *on_error;    /* on_error(index, type, value, traceback) */
    char *is_ew;
} CLoop;

static PyTypeObject CLoopType;

static int cl_clear(CLoop *self);

static void
cl_dealloc(CLoop *self)
{
    PyObject_GC_UnTrack(self);
    cl_clear(self);
    PyMem_Free(self->is_ew);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
cl_traverse(CLoop *self, visitproc visit, void *arg)
{
    Py_VISIT(self->thunks);
    Py_VISIT(self->post_clear);
    Py_VISIT(self->pre_clear);
    Py_VISIT(self->on_error);
    return 0;
}

static int
cl_clear(CLoop *self)
{
    Py_CLEAR(self->thunks);
    Py_CLEAR(self->post_clear);
    Py_CLEAR(self->pre_clear);
    Py_CLEAR(self->on_error);
    return 0;
}

/* CLoop(thunks, post_clear, pre_clear, on_error) */
static int
cl_init(CLoop *self, PyObject *args, PyObject *kwds)
{
    PyObject *thunks, *post, *pre, *on_error;
    if (!PyArg_ParseTuple(args, "O!O!O!O", &PyTuple_Type, &thunks, &PyTuple_Type,
                          &post, &PyTuple_Type, &pre, &on_error))
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(thunks);
    if (PyTuple_GET_SIZE(post) != n) {
        PyErr_Format(PyExc_ValueError,
                     "CLoop: post_clear needs one entry per thunk (%zd), got %zd", n,
                     PyTuple_GET_SIZE(post));
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *p = PyTuple_GET_ITEM(post, i);
        if (!PyTuple_Check(p) || check_cells(p, "post_clear entry")) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "post_clear entries must be tuples");
            return -1;
        }
    }
    if (check_cells(pre, "pre_clear")) return -1;
    if (self->thunks) {
        PyErr_SetString(PyExc_RuntimeError, "CLoop already initialised");
        return -1;
    }
    self->n = n;
    self->is_ew = PyMem_Calloc((size_t)n + 1, 1);
    for (Py_ssize_t i = 0; i < n; i++)
        self->is_ew[i] = Py_TYPE(PyTuple_GET_ITEM(thunks, i)) == &ElemwiseThunkType;
    Py_INCREF(thunks); self->thunks = thunks;
    Py_INCREF(post); self->post_clear = post;
    Py_INCREF(pre); self->pre_clear = pre;
    Py_INCREF(on_error); self->on_error = on_error;
    return 0;
}

static inline void
clear_cell(PyObject *cell)
{
    PyObject *old = PyList_GET_ITEM(cell, 0);
    if (old != Py_None) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(cell, 0, Py_None);
        Py_DECREF(old);
    }
}

/* Hand the current exception, raised by node i, to a loop's error hook
 * (on_error(index, type, value, traceback), which annotates and re-raises
 * it; if the hook returns, the original exception stands). */
static void
hand_error_to(PyObject *on_error, Py_ssize_t i)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb) PyException_SetTraceback(value, tb);
    PyObject *idx = PyLong_FromSsize_t(i);
    PyObject *r = PyObject_CallFunctionObjArgs(on_error, idx, type, value,
                                               tb ? tb : Py_None, NULL);
    Py_XDECREF(idx);
    if (r) {
        Py_DECREF(r);
        PyErr_Restore(type, value, tb);
    } else {
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
    }
}

static int
cl_run(CLoop *self)
{
    PyObject *pre = self->pre_clear;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(pre); i++)
        clear_cell(PyTuple_GET_ITEM(pre, i));
    for (Py_ssize_t i = 0; i < self->n; i++) {
        PyObject *t = PyTuple_GET_ITEM(self->thunks, i);
        int bad;
        if (self->is_ew[i]) {
            bad = ew_run((ElemwiseThunk *)t) < 0;
        } else {
            PyObject *r = PyObject_CallNoArgs(t);
            bad = r == NULL;
            Py_XDECREF(r);
        }
        if (bad) {
            hand_error_to(self->on_error, i);
            return -1;
        }
        PyObject *post = PyTuple_GET_ITEM(self->post_clear, i);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(post); k++)
            clear_cell(PyTuple_GET_ITEM(post, k));
    }
    return 0;
}

static PyObject *
cl_call(CLoop *self, PyObject *args, PyObject *kwds)
{
    if ((args && PyTuple_GET_SIZE(args)) || (kwds && PyDict_GET_SIZE(kwds))) {
        PyErr_SetString(PyExc_TypeError, "a CLoop takes no arguments");
        return NULL;
    }
    if (!self->thunks) {
        PyErr_SetString(PyExc_RuntimeError, "CLoop not initialised");
        return NULL;
    }
    if (cl_run(self) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyTypeObject CLoopType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_runtime.CLoop",
    .tp_basicsize = sizeof(CLoop),
    .tp_dealloc = (destructor)cl_dealloc,
    .tp_call = (ternaryfunc)cl_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "Calls thunks in order, freeing intermediate cells after last use.",
    .tp_traverse = (traverseproc)cl_traverse,
    .tp_clear = (inquiry)cl_clear,
    .tp_init = (initproc)cl_init,
    .tp_new = PyType_GenericNew,
};

