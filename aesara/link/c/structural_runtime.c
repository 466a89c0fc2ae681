/* C thunks for aesara's structural ops: views, shapes, indexing, cumulative
 * sums/products, the softmax family, and the pass-through ops (ViewOp,
 * Unbroadcast, CheckAndRaise, ScalarFromTensor, AllocEmpty, MakeVector).
 *
 * Built by aesara/link/c/structural_runtime.py (through the compile cache)
 * as several small modules, one per family of kinds, so that a graph only
 * compiles the families it uses: the macros AE_WITH_VIEW, AE_WITH_ALLOC,
 * AE_WITH_SUBTENSOR, AE_WITH_CUMOP and AE_WITH_SOFTMAX pick the run
 * functions compiled in (none defined: all of them). Each module has one
 * type, StructThunk, whose ``kind`` picks what it does; it reads the node's
 * input cells and fills its output cell, like the runtime's ElemwiseThunk.
 *
 * The fast path covers the usual case. Anything unusual (an input that is
 * not an exact ndarray of the expected type, an index out of bounds, a
 * reshape to an impossible size, ...) runs the node's Python thunk instead,
 * so errors, and rare semantics, are exactly those of ``Op.perform``.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <math.h>
#include <string.h>

#if !defined(AE_WITH_VIEW) && !defined(AE_WITH_ALLOC) && !defined(AE_WITH_SUBTENSOR) && \
    !defined(AE_WITH_CUMOP) && !defined(AE_WITH_SOFTMAX)
#define AE_WITH_VIEW
#define AE_WITH_ALLOC
#define AE_WITH_SUBTENSOR
#define AE_WITH_CUMOP
#define AE_WITH_SOFTMAX
#endif

enum {
    K_DIMSHUFFLE = 1,
    K_RESHAPE,
    K_SHAPE,
    K_SHAPE_I,
    K_SPECIFY_SHAPE,
    K_ALLOC,
    K_SUBTENSOR,
    K_INCSUBTENSOR,
    K_ADV_SUB1,
    K_ADV_INC_SUB1,
    K_CUMOP,
    K_SOFTMAX,
    K_LOGSOFTMAX,
    K_SOFTMAXGRAD,
    K_SCALAR_FROM_TENSOR,
    K_PASS,
    K_ALLOC_EMPTY,
    K_MAKE_VECTOR,
    K_LAST
};

/* A run function returns 0 (done), -1 (error set) or USE_PY (run the
 * Python thunk; a pending exception is discarded). */
#define USE_PY 1
/* Loops over at least this many elements run without the GIL. */
#define NOGIL_MIN 16384
/* Index-entry sources in the Subtensor encoding. */
enum { SRC_NONE = 0, SRC_CONST = 1, SRC_INPUT = 2 };

typedef struct {
    PyObject_HEAD
    PyObject *dict;
    vectorcallfunc vectorcall;
    int kind;
    int nin;
    PyObject **in_cells; /* borrowed from in_tuple */
    PyObject *out_cell;
    PyObject *in_tuple, *out_tuple;
    long long *p; /* kind-specific parameters */
    Py_ssize_t np;
    int out_type; /* NumPy type number of the output */
    PyObject *name;
    PyObject *fallback;
    long long calls, py_calls;
} StructThunk;

#ifdef AE_WITH_SUBTENSOR
static PyObject *np_add_at = NULL; /* numpy.add.at */
#endif

#define IN(i) PyList_GET_ITEM(self->in_cells[i], 0)

static inline void
set_out(StructThunk *self, PyObject *value) /* steals value */
{
    PyObject *old = PyList_GET_ITEM(self->out_cell, 0);
    PyList_SET_ITEM(self->out_cell, 0, value);
    Py_XDECREF(old);
}

/* An integer from a Python int, a NumPy integer or a 0-d integer array. */
static int
read_int(PyObject *o, npy_intp *out)
{
    if (PyArray_CheckExact(o)) {
        PyArrayObject *a = (PyArrayObject *)o;
        if (PyArray_NDIM(a) != 0) return -1;
        switch (PyArray_TYPE(a)) {
        case NPY_INT64: *out = (npy_intp)*(npy_int64 *)PyArray_DATA(a); return 0;
        case NPY_INT32: *out = *(npy_int32 *)PyArray_DATA(a); return 0;
        default: break;
        }
        if (!PyTypeNum_ISINTEGER(PyArray_TYPE(a))) return -1;
    } else if (PyArray_IsScalar(o, Int64)) {
        npy_int64 v;
        PyArray_ScalarAsCtype(o, &v);
        *out = (npy_intp)v;
        return 0;
    } else if (!PyLong_Check(o) && !PyArray_IsScalar(o, Integer)) {
        return -1;
    }
    PyObject *i = PyNumber_Index(o);
    if (!i) { PyErr_Clear(); return -1; }
    Py_ssize_t v = PyLong_AsSsize_t(i);
    Py_DECREF(i);
    if (v == -1 && PyErr_Occurred()) { PyErr_Clear(); return -1; }
    *out = v;
    return 0;
}

/* A view of ``base``'s memory with its dtype and writeability. */
static PyObject *
make_view(PyArrayObject *base, int nd, npy_intp *dims, npy_intp *strides, char *data)
{
    PyArray_Descr *d = PyArray_DESCR(base);
    Py_INCREF(d);
    PyObject *v = PyArray_NewFromDescr(&PyArray_Type, d, nd, dims, strides, data,
                                       PyArray_FLAGS(base) & NPY_ARRAY_WRITEABLE, NULL);
    if (!v) return NULL;
    Py_INCREF(base);
    if (PyArray_SetBaseObject((PyArrayObject *)v, (PyObject *)base) < 0) {
        Py_DECREF(v);
        return NULL;
    }
    return v;
}

#ifdef AE_WITH_VIEW
/* ------------------------------------------------------------------------ */
/* DimShuffle: p = [inplace, in_ndim, out_ndim, new_order... (-1 for 'x')]  */
/* ------------------------------------------------------------------------ */

static int
run_dimshuffle(StructThunk *self)
{
    PyObject *o = IN(0);
    if (!PyArray_CheckExact(o)) return USE_PY;
    PyArrayObject *x = (PyArrayObject *)o;
    int ind = (int)self->p[1], ond = (int)self->p[2];
    if (PyArray_NDIM(x) != ind) return USE_PY;
    npy_intp dims[NPY_MAXDIMS], strides[NPY_MAXDIMS];
    char used[NPY_MAXDIMS];
    memset(used, 0, sizeof(used));
    for (int k = 0; k < ond; k++) {
        long long a = self->p[3 + k];
        if (a < 0) { dims[k] = 1; strides[k] = 0; }
        else { dims[k] = PyArray_DIM(x, (int)a); strides[k] = PyArray_STRIDE(x, (int)a); used[a] = 1; }
    }
    /* Dropped axes keep their element 0 (no offset); an empty one has none. */
    for (int d = 0; d < ind; d++)
        if (!used[d] && PyArray_DIM(x, d) == 0) return USE_PY;
    PyObject *v = make_view(x, ond, dims, strides, PyArray_BYTES(x));
    if (!v) return -1;
    if (!self->p[0]) {
        PyObject *c = PyArray_NewCopy((PyArrayObject *)v, NPY_CORDER);
        Py_DECREF(v);
        if (!c) return -1;
        v = c;
    }
    set_out(self, v);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Reshape: p = [ndim]                                                        */
/* ------------------------------------------------------------------------ */

static int
run_reshape(StructThunk *self)
{
    PyObject *o = IN(0), *so = IN(1);
    if (!PyArray_CheckExact(o) || !PyArray_CheckExact(so)) return USE_PY;
    PyArrayObject *s = (PyArrayObject *)so;
    int nd = (int)self->p[0];
    if (PyArray_NDIM(s) != 1 || PyArray_DIM(s, 0) != nd || nd > NPY_MAXDIMS ||
        !PyTypeNum_ISINTEGER(PyArray_TYPE(s)))
        return USE_PY;
    npy_intp dims[NPY_MAXDIMS];
    for (int k = 0; k < nd; k++) {
        char *ptr = PyArray_BYTES(s) + k * PyArray_STRIDE(s, 0);
        if (PyArray_TYPE(s) == NPY_INT64 && PyArray_ISALIGNED(s)) {
            dims[k] = (npy_intp)*(npy_int64 *)ptr;
        } else {
            PyObject *item = PyArray_GETITEM(s, ptr);
            if (!item) return USE_PY;
            int bad = read_int(item, &dims[k]);
            Py_DECREF(item);
            if (bad) return USE_PY;
        }
    }
    PyArray_Dims newshape = {dims, nd};
    PyObject *r = PyArray_Newshape((PyArrayObject *)o, &newshape, NPY_CORDER);
    if (!r) return USE_PY;
    set_out(self, r);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Shape, Shape_i (p = [i]), SpecifyShape                                    */
/* ------------------------------------------------------------------------ */

static int
run_shape(StructThunk *self)
{
    PyObject *o = IN(0);
    if (!PyArray_Check(o)) return USE_PY;
    PyArrayObject *x = (PyArrayObject *)o;
    npy_intp n = PyArray_NDIM(x);
    PyObject *r = PyArray_SimpleNew(1, &n, NPY_INT64);
    if (!r) return -1;
    npy_int64 *d = (npy_int64 *)PyArray_DATA((PyArrayObject *)r);
    for (npy_intp k = 0; k < n; k++) d[k] = PyArray_DIM(x, (int)k);
    set_out(self, r);
    return 0;
}

static int
run_shape_i(StructThunk *self)
{
    PyObject *o = IN(0);
    if (!PyArray_Check(o)) return USE_PY;
    PyArrayObject *x = (PyArrayObject *)o;
    int i = (int)self->p[0];
    if (i >= PyArray_NDIM(x)) return USE_PY;
    PyObject *r = PyArray_SimpleNew(0, NULL, NPY_INT64);
    if (!r) return -1;
    *(npy_int64 *)PyArray_DATA((PyArrayObject *)r) = PyArray_DIM(x, i);
    set_out(self, r);
    return 0;
}

static int
run_specify_shape(StructThunk *self)
{
    PyObject *o = IN(0);
    if (!PyArray_CheckExact(o)) return USE_PY;
    PyArrayObject *x = (PyArrayObject *)o;
    if (PyArray_NDIM(x) != self->nin - 1) return USE_PY;
    for (int k = 1; k < self->nin; k++) {
        PyObject *s = IN(k);
        npy_intp v;
        if (s == Py_None) continue;
        if (read_int(s, &v) || v != PyArray_DIM(x, k - 1)) return USE_PY;
    }
    Py_INCREF(o);
    set_out(self, o);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* ScalarFromTensor: the element of a 0-d array, as a NumPy scalar            */
/* ------------------------------------------------------------------------ */

static int
run_scalar_from_tensor(StructThunk *self)
{
    PyObject *o = IN(0);
    if (!PyArray_CheckExact(o) || PyArray_NDIM((PyArrayObject *)o) != 0) return USE_PY;
    PyArrayObject *x = (PyArrayObject *)o;
    PyObject *r = PyArray_Scalar(PyArray_DATA(x), PyArray_DESCR(x), o);
    if (!r) return USE_PY;
    set_out(self, r);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* ViewOp, Unbroadcast, CheckAndRaise: the output is input 0 (any value),    */
/* once every other input (a condition) is true; a false or unreadable      */
/* condition runs the Python thunk, which raises the op's error.            */
/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* MakeVector: a vector of 0-d inputs (of the output's dtype: make_node     */
/* casts them)                                                               */
/* ------------------------------------------------------------------------ */

static int
run_make_vector(StructThunk *self)
{
    npy_intp n = self->nin;
    for (int k = 0; k < self->nin; k++) {
        PyObject *o = IN(k);
        if (!PyArray_CheckExact(o)) return USE_PY;
        PyArrayObject *a = (PyArrayObject *)o;
        if (PyArray_NDIM(a) != 0 || PyArray_TYPE(a) != self->out_type ||
            !PyArray_ISNOTSWAPPED(a) || PyDataType_REFCHK(PyArray_DESCR(a)))
            return USE_PY;
    }
    PyObject *r = PyArray_EMPTY(1, &n, self->out_type, 0);
    if (!r) return -1;
    const npy_intp size = PyArray_ITEMSIZE((PyArrayObject *)r);
    char *dst = PyArray_BYTES((PyArrayObject *)r);
    for (int k = 0; k < self->nin; k++)
        memcpy(dst + k * size, PyArray_BYTES((PyArrayObject *)IN(k)), (size_t)size);
    set_out(self, r);
    return 0;
}

static int
run_pass(StructThunk *self)
{
    for (int k = 1; k < self->nin; k++)
        if (PyObject_IsTrue(IN(k)) != 1) return USE_PY;
    PyObject *o = IN(0);
    Py_INCREF(o);
    set_out(self, o);
    return 0;
}

#endif /* AE_WITH_VIEW */

#ifdef AE_WITH_ALLOC
/* ------------------------------------------------------------------------ */
/* Alloc: p = [ndim]                                                          */
/* ------------------------------------------------------------------------ */

static int
run_alloc(StructThunk *self)
{
    PyObject *vo = IN(0);
    if (!PyArray_CheckExact(vo)) return USE_PY;
    PyArrayObject *v = (PyArrayObject *)vo;
    int nd = (int)self->p[0];
    npy_intp dims[NPY_MAXDIMS];
    for (int k = 0; k < nd; k++)
        if (read_int(IN(k + 1), &dims[k]) || dims[k] < 0) return USE_PY;
    /* The previous result, when nothing else holds it, is refilled. */
    PyObject *buf = NULL, *old = PyList_GET_ITEM(self->out_cell, 0);
    if (PyArray_CheckExact(old) && Py_REFCNT(old) == 1) {
        PyArrayObject *b = (PyArrayObject *)old;
        int ok = PyArray_NDIM(b) == nd && PyArray_TYPE(b) == self->out_type &&
                 PyArray_IS_C_CONTIGUOUS(b) && PyArray_ISWRITEABLE(b) &&
                 PyArray_CHKFLAGS(b, NPY_ARRAY_OWNDATA) && PyArray_ISNOTSWAPPED(b);
        for (int d = 0; ok && d < nd; d++) ok = PyArray_DIM(b, d) == dims[d];
        if (ok) { Py_INCREF(old); buf = old; }
    }
    if (!buf) {
        buf = PyArray_EMPTY(nd, dims, self->out_type, 0);
        if (!buf) return -1;
    }
    PyArrayObject *b = (PyArrayObject *)buf;
    npy_intp n = PyArray_SIZE(b);
    if (PyArray_NDIM(v) == 0 && PyArray_TYPE(v) == self->out_type &&
        PyArray_ISALIGNED(v) && PyArray_ISNOTSWAPPED(v)) {
        /* Fill with one value: typed loops the compiler vectorises. */
        char *dst = PyArray_BYTES(b), *src = PyArray_BYTES(v);
        switch (PyArray_ITEMSIZE(b)) {
#define FILL(T) { T val = *(T *)src; T *q = (T *)dst; for (npy_intp i = 0; i < n; i++) q[i] = val; } break;
        case 1: FILL(npy_uint8)
        case 2: FILL(npy_uint16)
        case 4: FILL(npy_uint32)
        case 8: FILL(npy_uint64)
#undef FILL
        default: {
            npy_intp is = PyArray_ITEMSIZE(b);
            for (npy_intp i = 0; i < n; i++) memcpy(dst + i * is, src, is);
        }
        }
    } else if (PyArray_CopyInto(b, v) < 0) {
        Py_DECREF(buf);
        return USE_PY;
    }
    set_out(self, buf);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* AllocEmpty: an uninitialised array; the previous one when its shape fits */
/* (as Op.perform does).                                                     */
/* ------------------------------------------------------------------------ */

static int
run_alloc_empty(StructThunk *self)
{
    const int nd = self->nin;
    npy_intp dims[NPY_MAXDIMS];
    if (nd > NPY_MAXDIMS) return USE_PY;
    for (int k = 0; k < nd; k++)
        if (read_int(IN(k), &dims[k]) || dims[k] < 0) return USE_PY;
    PyObject *old = PyList_GET_ITEM(self->out_cell, 0);
    if (PyArray_CheckExact(old)) {
        PyArrayObject *b = (PyArrayObject *)old;
        int same = PyArray_NDIM(b) == nd && PyArray_TYPE(b) == self->out_type;
        for (int d = 0; same && d < nd; d++) same = PyArray_DIM(b, d) == dims[d];
        if (same) return 0;
    }
    PyObject *buf = PyArray_EMPTY(nd, dims, self->out_type, 0);
    if (!buf) return -1;
    set_out(self, buf);
    return 0;
}

#endif /* AE_WITH_ALLOC */

#ifdef AE_WITH_SUBTENSOR
/* ------------------------------------------------------------------------ */
/* Basic indexing. Encoding (from p[start]): n_entries, then per entry       */
/*   0, src, val                  an integer                                 */
/*   1, (src, val) x 3            a slice (start, stop, step)                */
/* where src is SRC_NONE, SRC_CONST (val is the value) or SRC_INPUT (val is  */
/* the input position).                                                      */
/* ------------------------------------------------------------------------ */

static int
entry_value(StructThunk *self, long long src, long long val, npy_intp *out, int *is_none)
{
    *is_none = 0;
    if (src == SRC_NONE) { *is_none = 1; return 0; }
    if (src == SRC_CONST) { *out = (npy_intp)val; return 0; }
    PyObject *o = IN((int)val);
    if (o == Py_None) { *is_none = 1; return 0; }
    return read_int(o, out);
}

/* The view x[index]; USE_PY when the index does not apply. */
static int
index_view(StructThunk *self, PyArrayObject *x, const long long *enc, PyObject **view)
{
    int nent = (int)enc[0], pos = 1, nd = 0, xnd = PyArray_NDIM(x);
    if (nent > xnd) return USE_PY;
    npy_intp dims[NPY_MAXDIMS], strides[NPY_MAXDIMS];
    char *data = PyArray_BYTES(x);
    for (int d = 0; d < nent; d++) {
        npy_intp n = PyArray_DIM(x, d), s = PyArray_STRIDE(x, d);
        int none;
        if (enc[pos] == 0) {
            npy_intp i;
            if (entry_value(self, enc[pos + 1], enc[pos + 2], &i, &none) || none)
                return USE_PY;
            pos += 3;
            if (i < 0) i += n;
            if (i < 0 || i >= n) return USE_PY;
            data += i * s;
        } else {
            npy_intp v[3];
            int is_none[3];
            for (int k = 0; k < 3; k++)
                if (entry_value(self, enc[pos + 1 + 2 * k], enc[pos + 2 + 2 * k], &v[k],
                                &is_none[k]))
                    return USE_PY;
            pos += 7;
            Py_ssize_t step = is_none[2] ? 1 : v[2];
            if (step == 0) return USE_PY;
            /* Python's slice rules (as PySlice_Unpack), then clamping. */
            if (step < -PY_SSIZE_T_MAX) step = -PY_SSIZE_T_MAX;
            Py_ssize_t start = is_none[0] ? (step < 0 ? PY_SSIZE_T_MAX : 0) : v[0];
            Py_ssize_t stop = is_none[1] ? (step < 0 ? PY_SSIZE_T_MIN : PY_SSIZE_T_MAX) : v[1];
            Py_ssize_t len = PySlice_AdjustIndices(n, &start, &stop, step);
            if (len <= 0) { len = 0; start = 0; step = 1; }
            data += start * s;
            dims[nd] = len;
            strides[nd++] = s * step;
        }
    }
    for (int d = nent; d < xnd; d++) {
        dims[nd] = PyArray_DIM(x, d);
        strides[nd++] = PyArray_STRIDE(x, d);
    }
    *view = make_view(x, nd, dims, strides, data);
    return *view ? 0 : -1;
}

/* Subtensor: p = index encoding */
static int
run_subtensor(StructThunk *self)
{
    PyObject *o = IN(0);
    if (!PyArray_CheckExact(o)) return USE_PY;
    PyObject *v = NULL;
    int r = index_view(self, (PyArrayObject *)o, self->p, &v);
    if (r) return r;
    set_out(self, v);
    return 0;
}

/* IncSubtensor: p = [inplace, set_instead_of_inc, index encoding...] */
static int
run_incsubtensor(StructThunk *self)
{
    PyObject *o = IN(0), *y = IN(1);
    if (!PyArray_CheckExact(o) || !PyArray_Check(y)) return USE_PY;
    PyObject *xc;
    /* In place only into writable memory: a read-only x (a broadcast_to
     * view, whose rows share memory) is updated in a copy, as in perform. */
    if (self->p[0] && PyArray_ISWRITEABLE((PyArrayObject *)o)) { Py_INCREF(o); xc = o; }
    else if (!(xc = PyArray_NewCopy((PyArrayObject *)o, NPY_CORDER))) return -1;
    PyObject *region = NULL;
    int r = index_view(self, (PyArrayObject *)xc, self->p + 2, &region);
    if (r) { Py_DECREF(xc); return r; }
    if (self->p[1]) {
        PyArrayObject *dst = (PyArrayObject *)region, *src = (PyArrayObject *)y;
        if (PyArray_TYPE(dst) == PyArray_TYPE(src) && PyArray_ISNOTSWAPPED(dst) &&
            PyArray_ISNOTSWAPPED(src) && PyArray_IS_C_CONTIGUOUS(dst) &&
            PyArray_IS_C_CONTIGUOUS(src) && PyArray_NDIM(dst) == PyArray_NDIM(src) &&
            PyArray_CompareLists(PyArray_DIMS(dst), PyArray_DIMS(src), PyArray_NDIM(dst)) &&
            !PyDataType_REFCHK(PyArray_DESCR(dst))) {
            /* Same type and shape, both contiguous: a plain copy (NumPy's
             * assignment would look up a cast for each call). */
            memmove(PyArray_BYTES(dst), PyArray_BYTES(src), (size_t)PyArray_NBYTES(dst));
            r = 0;
        } else {
            r = PyArray_CopyInto(dst, src) < 0 ? USE_PY : 0;
        }
    } else {
        /* ``region += y``: NumPy's in-place add, with same_kind casting. */
        PyObject *s = PyNumber_InPlaceAdd(region, y);
        r = s ? 0 : USE_PY;
        Py_XDECREF(s);
    }
    Py_DECREF(region);
    if (r) { Py_DECREF(xc); return r; }
    set_out(self, xc);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* AdvancedSubtensor1, AdvancedIncSubtensor1 (p = [inplace, set])            */
/* ------------------------------------------------------------------------ */

static int
run_adv_sub1(StructThunk *self)
{
    PyObject *o = IN(0), *i = IN(1);
    if (!PyArray_CheckExact(o) || !PyArray_CheckExact(i) ||
        PyArray_NDIM((PyArrayObject *)o) == 0)
        return USE_PY;
    PyObject *r = PyArray_TakeFrom((PyArrayObject *)o, i, 0, NULL, NPY_RAISE);
    if (!r) return USE_PY;
    set_out(self, r);
    return 0;
}

/* Whether every entry of the integer vector ``i`` indexes a length ``n``. */
static int
indices_in_bounds(PyArrayObject *i, npy_intp n)
{
    npy_intp len = PyArray_DIM(i, 0), st = PyArray_STRIDE(i, 0);
    char *p = PyArray_BYTES(i);
    if (!PyArray_ISALIGNED(i) || !PyArray_ISNOTSWAPPED(i)) return 0;
    switch (PyArray_TYPE(i)) {
#define CHECK(T) for (npy_intp k = 0; k < len; k++) { npy_int64 v = (npy_int64)*(T *)(p + k * st); if (v < -n || v >= n) return 0; } return 1;
    case NPY_INT64: CHECK(npy_int64)
    case NPY_INT32: CHECK(npy_int32)
    case NPY_INT16: CHECK(npy_int16)
    case NPY_INT8: CHECK(npy_int8)
    case NPY_UINT32: CHECK(npy_uint32)
    case NPY_UINT16: CHECK(npy_uint16)
    case NPY_UINT8: CHECK(npy_uint8)
#undef CHECK
    default: return 0;
    }
}

static int
run_adv_inc_sub1(StructThunk *self)
{
    PyObject *o = IN(0), *y = IN(1), *i = IN(2);
    if (!PyArray_CheckExact(o) || !PyArray_Check(y) || !PyArray_CheckExact(i) ||
        PyArray_NDIM((PyArrayObject *)o) == 0 || PyArray_NDIM((PyArrayObject *)i) != 1)
        return USE_PY;
    /* Out-of-bounds indices go to Python before anything is written. */
    if (!indices_in_bounds((PyArrayObject *)i, PyArray_DIM((PyArrayObject *)o, 0)))
        return USE_PY;
    PyObject *xc;
    /* In place only into writable memory: a read-only x (a broadcast_to
     * view, whose rows share memory) is updated in a copy, as in perform. */
    if (self->p[0] && PyArray_ISWRITEABLE((PyArrayObject *)o)) { Py_INCREF(o); xc = o; }
    else if (!(xc = PyArray_NewCopy((PyArrayObject *)o, NPY_CORDER))) return -1;
    int r;
    if (self->p[1]) {
        r = PyObject_SetItem(xc, i, y) < 0 ? USE_PY : 0;
    } else {
        PyObject *s = PyObject_CallFunctionObjArgs(np_add_at, xc, i, y, NULL);
        r = s ? 0 : USE_PY;
        Py_XDECREF(s);
    }
    if (r) { Py_DECREF(xc); return r; }
    set_out(self, xc);
    return 0;
}

#endif /* AE_WITH_SUBTENSOR */

#ifdef AE_WITH_CUMOP
/* ------------------------------------------------------------------------ */
/* CumOp: p = [has_axis, axis, mode (0 add, 1 mul)]                          */
/* ------------------------------------------------------------------------ */

#define CUM_LOOP(T, OP)                                                        \
    {                                                                          \
        const T *a = (const T *)src;                                           \
        T *b = (T *)dst;                                                       \
        for (npy_intp o = 0; o < outer; o++) {                                 \
            const T *ai = a + o * n * inner;                                   \
            T *bi = b + o * n * inner;                                         \
            for (npy_intp j = 0; j < inner; j++) bi[j] = ai[j];                \
            for (npy_intp k = 1; k < n; k++) {                                 \
                const T *ak = ai + k * inner;                                  \
                T *bk = bi + k * inner, *bp = bk - inner;                      \
                for (npy_intp j = 0; j < inner; j++) bk[j] = bp[j] OP ak[j];   \
            }                                                                  \
        }                                                                      \
    }

static int
run_cumop(StructThunk *self)
{
    PyObject *o = IN(0);
    if (!PyArray_CheckExact(o)) return USE_PY;
    PyArrayObject *x = (PyArrayObject *)o;
    int has_axis = (int)self->p[0], mul = (int)self->p[2], nd = PyArray_NDIM(x);
    int t = PyArray_TYPE(x);
    if (has_axis && nd == 0) {
        PyObject *r = PyArray_CastToType(x, PyArray_DescrFromType(self->out_type), 0);
        if (!r) return -1;
        set_out(self, r);
        return 0;
    }
    int axis = 0;
    if (has_axis) {
        axis = (int)self->p[1];
        if (axis < 0) axis += nd;
        if (axis < 0 || axis >= nd) return USE_PY;
    }
    if (t != self->out_type ||
        !(t == NPY_FLOAT64 || t == NPY_FLOAT32 || t == NPY_INT64 || t == NPY_UINT64) ||
        !PyArray_ISNOTSWAPPED(x)) {
        PyObject *r = mul ? PyArray_CumProd(x, has_axis ? axis : NPY_RAVEL_AXIS,
                                            self->out_type, NULL)
                          : PyArray_CumSum(x, has_axis ? axis : NPY_RAVEL_AXIS,
                                           self->out_type, NULL);
        if (!r) return USE_PY;
        set_out(self, r);
        return 0;
    }
    PyArrayObject *c = PyArray_GETCONTIGUOUS(x);
    if (!c) return -1;
    npy_intp size = PyArray_SIZE(c);
    PyObject *r = has_axis ? PyArray_EMPTY(nd, PyArray_DIMS(c), t, 0)
                           : PyArray_EMPTY(1, &size, t, 0);
    if (!r) { Py_DECREF(c); return -1; }
    npy_intp outer = 1, n = size, inner = 1;
    if (has_axis) {
        n = PyArray_DIM(c, axis);
        for (int d = 0; d < axis; d++) outer *= PyArray_DIM(c, d);
        for (int d = axis + 1; d < nd; d++) inner *= PyArray_DIM(c, d);
    }
    const char *src = PyArray_BYTES(c);
    char *dst = PyArray_BYTES((PyArrayObject *)r);
    if (size > 0) {
        PyThreadState *ts = size >= NOGIL_MIN ? PyEval_SaveThread() : NULL;
        switch (t * 2 + mul) {
        case NPY_FLOAT64 * 2: CUM_LOOP(npy_float64, +) break;
        case NPY_FLOAT64 * 2 + 1: CUM_LOOP(npy_float64, *) break;
        case NPY_FLOAT32 * 2: CUM_LOOP(npy_float32, +) break;
        case NPY_FLOAT32 * 2 + 1: CUM_LOOP(npy_float32, *) break;
        /* Integers wrap around like NumPy's (the module is built with -fwrapv). */
        case NPY_INT64 * 2: CUM_LOOP(npy_int64, +) break;
        case NPY_INT64 * 2 + 1: CUM_LOOP(npy_int64, *) break;
        case NPY_UINT64 * 2: CUM_LOOP(npy_uint64, +) break;
        case NPY_UINT64 * 2 + 1: CUM_LOOP(npy_uint64, *) break;
        }
        if (ts) PyEval_RestoreThread(ts);
    }
    Py_DECREF(c);
    set_out(self, r);
    return 0;
}

#endif /* AE_WITH_CUMOP */

#ifdef AE_WITH_SOFTMAX
/* ------------------------------------------------------------------------ */
/* Softmax, LogSoftmax, SoftmaxGrad: p = [has_axis, axis]                     */
/* The tensor is seen as (outer, n, inner) with the reduced axis in the      */
/* middle; each outer block is processed with ``inner`` running sums, so the */
/* innermost loops are contiguous.                                           */
/* ------------------------------------------------------------------------ */

/* glibc's vector math library has SIMD versions of these: declaring them
 * with the simd attribute lets GCC vectorise the loops that call them. */
#define AE_SIMD __attribute__((__simd__("notinbranch"), const, nothrow))
AE_SIMD double exp(double);
AE_SIMD double log(double);
AE_SIMD float expf(float);
AE_SIMD float logf(float);

#define SOFTMAX_KERNEL(NAME, T, EXP, LOG)                                          \
/* One contiguous row (the reduced axis is the last one). */                       \
static void                                                                        \
NAME##_row(const T *restrict x, T *restrict y, npy_intp n, int log_mode)           \
{                                                                                  \
    T m = x[0];                                                                    \
    int nan = 0;                                                                   \
    _Pragma("omp simd reduction(max:m) reduction(|:nan)")                          \
    for (npy_intp k = 0; k < n; k++) {                                             \
        m = x[k] > m ? x[k] : m;                                                   \
        nan |= x[k] != x[k];                                                       \
    }                                                                              \
    if (nan) m = NAN; /* np.max propagates NaN */                                  \
    if (log_mode && !isfinite(m)) m = 0;                                           \
    T s = 0;                                                                       \
    for (npy_intp k = 0; k < n; k++) y[k] = EXP(x[k] - m);                         \
    _Pragma("omp simd reduction(+:s)")                                             \
    for (npy_intp k = 0; k < n; k++) s += y[k];                                    \
    if (log_mode) {                                                                \
        const T ls = LOG(s);                                                       \
        for (npy_intp k = 0; k < n; k++) y[k] = (x[k] - m) - ls;                   \
    } else {                                                                       \
        for (npy_intp k = 0; k < n; k++) y[k] = y[k] / s;                          \
    }                                                                              \
}                                                                                  \
static void                                                                        \
NAME##_fwd(const T *x, T *y, T *acc, npy_intp outer, npy_intp n, npy_intp inner,   \
           int log_mode)                                                           \
{                                                                                  \
    if (inner == 1) {                                                              \
        for (npy_intp o = 0; o < outer; o++) NAME##_row(x + o * n, y + o * n, n, log_mode); \
        return;                                                                    \
    }                                                                              \
    T *m = acc, *s = acc + inner;                                                  \
    for (npy_intp o = 0; o < outer; o++) {                                         \
        const T *xo = x + o * n * inner;                                           \
        T *yo = y + o * n * inner;                                                 \
        for (npy_intp j = 0; j < inner; j++) { m[j] = xo[j]; s[j] = 0; }           \
        for (npy_intp k = 1; k < n; k++) {                                         \
            const T *xk = xo + k * inner;                                          \
            /* NaN propagates like np.max. */                                      \
            for (npy_intp j = 0; j < inner; j++)                                   \
                m[j] = (xk[j] > m[j] || xk[j] != xk[j]) ? xk[j] : m[j];            \
        }                                                                          \
        if (log_mode)                                                              \
            for (npy_intp j = 0; j < inner; j++)                                   \
                if (!isfinite(m[j])) m[j] = 0;                                     \
        for (npy_intp k = 0; k < n; k++) {                                         \
            const T *xk = xo + k * inner;                                          \
            T *yk = yo + k * inner;                                                \
            for (npy_intp j = 0; j < inner; j++) yk[j] = EXP(xk[j] - m[j]);        \
            for (npy_intp j = 0; j < inner; j++) s[j] += yk[j];                    \
        }                                                                          \
        if (log_mode) {                                                            \
            for (npy_intp j = 0; j < inner; j++) s[j] = LOG(s[j]);                 \
            for (npy_intp k = 0; k < n; k++) {                                     \
                const T *xk = xo + k * inner;                                      \
                T *yk = yo + k * inner;                                            \
                for (npy_intp j = 0; j < inner; j++) yk[j] = (xk[j] - m[j]) - s[j]; \
            }                                                                      \
        } else {                                                                   \
            for (npy_intp k = 0; k < n; k++) {                                     \
                T *yk = yo + k * inner;                                            \
                for (npy_intp j = 0; j < inner; j++) yk[j] = yk[j] / s[j];         \
            }                                                                      \
        }                                                                          \
    }                                                                              \
}                                                                                  \
static void                                                                        \
NAME##_grad(const T *dy, const T *sm, T *out, T *acc, npy_intp outer, npy_intp n,  \
            npy_intp inner)                                                        \
{                                                                                  \
    for (npy_intp o = 0; o < outer; o++) {                                         \
        const npy_intp off = o * n * inner;                                        \
        if (inner == 1) {                                                          \
            T s = 0;                                                               \
            _Pragma("omp simd reduction(+:s)")                                     \
            for (npy_intp k = 0; k < n; k++) s += dy[off + k] * sm[off + k];       \
            for (npy_intp k = 0; k < n; k++)                                       \
                out[off + k] = (dy[off + k] - s) * sm[off + k];                    \
            continue;                                                              \
        }                                                                          \
        for (npy_intp j = 0; j < inner; j++) acc[j] = 0;                           \
        for (npy_intp k = 0; k < n; k++)                                           \
            for (npy_intp j = 0; j < inner; j++)                                   \
                acc[j] += dy[off + k * inner + j] * sm[off + k * inner + j];       \
        for (npy_intp k = 0; k < n; k++)                                           \
            for (npy_intp j = 0; j < inner; j++) {                                 \
                const npy_intp q = off + k * inner + j;                            \
                out[q] = (dy[q] - acc[j]) * sm[q];                                 \
            }                                                                      \
    }                                                                              \
}

SOFTMAX_KERNEL(sm_f64, npy_float64, exp, log)
SOFTMAX_KERNEL(sm_f32, npy_float32, expf, logf)

static int
run_softmax(StructThunk *self)
{
    int grad = self->kind == K_SOFTMAXGRAD, nx = grad ? 2 : 1, t = self->out_type;
    PyArrayObject *xs[2];
    for (int k = 0; k < nx; k++) {
        PyObject *o = IN(k);
        if (!PyArray_CheckExact(o) || PyArray_TYPE((PyArrayObject *)o) != t ||
            !PyArray_ISNOTSWAPPED((PyArrayObject *)o))
            return USE_PY;
        xs[k] = (PyArrayObject *)o;
    }
    PyArrayObject *x = xs[nx - 1];
    int nd = PyArray_NDIM(x);
    if (grad) {
        /* dy and sm of different shapes broadcast in Python. */
        if (PyArray_NDIM(xs[0]) != nd) return USE_PY;
        for (int d = 0; d < nd; d++)
            if (PyArray_DIM(xs[0], d) != PyArray_DIM(x, d)) return USE_PY;
    }
    npy_intp size = PyArray_SIZE(x), outer = 1, n = size, inner = 1;
    if (self->p[0]) {
        int axis = (int)self->p[1];
        if (axis < 0) axis += nd;
        if (axis < 0 || axis >= nd) return USE_PY;
        n = PyArray_DIM(x, axis);
        for (int d = 0; d < axis; d++) outer *= PyArray_DIM(x, d);
        for (int d = axis + 1; d < nd; d++) inner *= PyArray_DIM(x, d);
    }
    PyObject *r = PyArray_EMPTY(nd, PyArray_DIMS(x), t, 0);
    if (!r) return -1;
    if (size == 0) { set_out(self, r); return 0; }
    PyArrayObject *c[2] = {NULL, NULL};
    for (int k = 0; k < nx; k++) {
        c[k] = PyArray_GETCONTIGUOUS(xs[k]);
        if (!c[k]) { Py_XDECREF(c[0]); Py_DECREF(r); return -1; }
    }
    void *acc = PyMem_RawMalloc((size_t)(2 * inner) * sizeof(npy_float64));
    if (!acc) {
        for (int k = 0; k < nx; k++) Py_DECREF(c[k]);
        Py_DECREF(r);
        PyErr_NoMemory();
        return -1;
    }
    void *out = PyArray_DATA((PyArrayObject *)r);
    PyThreadState *ts = size >= NOGIL_MIN ? PyEval_SaveThread() : NULL;
    if (t == NPY_FLOAT64) {
        if (grad) sm_f64_grad(PyArray_DATA(c[0]), PyArray_DATA(c[1]), out, acc, outer, n, inner);
        else sm_f64_fwd(PyArray_DATA(c[0]), out, acc, outer, n, inner, self->kind == K_LOGSOFTMAX);
    } else {
        if (grad) sm_f32_grad(PyArray_DATA(c[0]), PyArray_DATA(c[1]), out, acc, outer, n, inner);
        else sm_f32_fwd(PyArray_DATA(c[0]), out, acc, outer, n, inner, self->kind == K_LOGSOFTMAX);
    }
    if (ts) PyEval_RestoreThread(ts);
    PyMem_RawFree(acc);
    for (int k = 0; k < nx; k++) Py_DECREF(c[k]);
    set_out(self, r);
    return 0;
}

#endif /* AE_WITH_SOFTMAX */

/* ------------------------------------------------------------------------ */
/* The thunk type                                                            */
/* ------------------------------------------------------------------------ */

typedef int (*run_fn)(StructThunk *);
/* The kinds this module was built with; the others stay NULL. */
static run_fn runners[K_LAST] = {
#ifdef AE_WITH_VIEW
    [K_DIMSHUFFLE] = run_dimshuffle,
    [K_RESHAPE] = run_reshape,
    [K_SHAPE] = run_shape,
    [K_SHAPE_I] = run_shape_i,
    [K_SPECIFY_SHAPE] = run_specify_shape,
    [K_SCALAR_FROM_TENSOR] = run_scalar_from_tensor,
    [K_PASS] = run_pass,
    [K_MAKE_VECTOR] = run_make_vector,
#endif
#ifdef AE_WITH_ALLOC
    [K_ALLOC] = run_alloc,
    [K_ALLOC_EMPTY] = run_alloc_empty,
#endif
#ifdef AE_WITH_SUBTENSOR
    [K_SUBTENSOR] = run_subtensor,
    [K_INCSUBTENSOR] = run_incsubtensor,
    [K_ADV_SUB1] = run_adv_sub1,
    [K_ADV_INC_SUB1] = run_adv_inc_sub1,
#endif
#ifdef AE_WITH_CUMOP
    [K_CUMOP] = run_cumop,
#endif
#ifdef AE_WITH_SOFTMAX
    [K_SOFTMAX] = run_softmax,
    [K_LOGSOFTMAX] = run_softmax,
    [K_SOFTMAXGRAD] = run_softmax,
#endif
};

static int
st_run(StructThunk *self)
{
    int r = runners[self->kind](self);
    if (r == USE_PY) {
        PyErr_Clear();
        self->py_calls++;
        PyObject *res = PyObject_CallNoArgs(self->fallback);
        if (!res) return -1;
        Py_DECREF(res);
        return 0;
    }
    if (r == 0) self->calls++;
    return r;
}

static PyObject *
st_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "a StructThunk takes no arguments");
        return NULL;
    }
    if (st_run((StructThunk *)callable) < 0) return NULL;
    Py_RETURN_NONE;
}

static int st_clear(StructThunk *self);

static void
st_dealloc(StructThunk *self)
{
    PyObject_GC_UnTrack(self);
    st_clear(self);
    PyMem_Free(self->in_cells);
    PyMem_Free(self->p);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
st_traverse(StructThunk *self, visitproc visit, void *arg)
{
    Py_VISIT(self->dict);
    Py_VISIT(self->in_tuple);
    Py_VISIT(self->out_tuple);
    Py_VISIT(self->fallback);
    Py_VISIT(self->name);
    return 0;
}

static int
st_clear(StructThunk *self)
{
    Py_CLEAR(self->dict);
    Py_CLEAR(self->in_tuple);
    Py_CLEAR(self->out_tuple);
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->name);
    self->nin = 0;
    self->kind = 0;
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

/* StructThunk(kind, in_cells, out_cells, params, out_typenum, name, fallback) */
static int
st_init(StructThunk *self, PyObject *args, PyObject *kwds)
{
    int kind, out_type;
    PyObject *in_cells, *out_cells, *params, *name, *fallback;
    if (!PyArg_ParseTuple(args, "iO!O!OiUO", &kind, &PyTuple_Type, &in_cells,
                          &PyTuple_Type, &out_cells, &params, &out_type, &name,
                          &fallback))
        return -1;
    if (self->in_tuple) {
        PyErr_SetString(PyExc_RuntimeError, "StructThunk already initialised");
        return -1;
    }
    if (kind <= 0 || kind >= K_LAST) {
        PyErr_Format(PyExc_ValueError, "StructThunk: unknown kind %d", kind);
        return -1;
    }
    if (!runners[kind]) {
        PyErr_Format(PyExc_ValueError, "StructThunk: kind %d is not built into this module",
                     kind);
        return -1;
    }
    if (PyTuple_GET_SIZE(out_cells) != 1) {
        PyErr_SetString(PyExc_ValueError, "StructThunk: exactly one output cell");
        return -1;
    }
    if (!PyCallable_Check(fallback)) {
        PyErr_SetString(PyExc_TypeError, "StructThunk: fallback must be callable");
        return -1;
    }
    if (check_cells(in_cells, "in_cells") || check_cells(out_cells, "out_cells"))
        return -1;
    PyObject *fast = PySequence_Fast(params, "params must be a sequence of ints");
    if (!fast) return -1;
    Py_ssize_t np_ = PySequence_Fast_GET_SIZE(fast);
    long long *p = PyMem_Calloc((size_t)np_ + 1, sizeof(long long));
    if (!p) { Py_DECREF(fast); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < np_; i++) {
        p[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(fast, i));
        if (p[i] == -1 && PyErr_Occurred()) { PyMem_Free(p); Py_DECREF(fast); return -1; }
    }
    Py_DECREF(fast);
    Py_ssize_t nin = PyTuple_GET_SIZE(in_cells);
    /* Check the parameters the run functions rely on. */
    int bad = 0;
    if (kind == K_DIMSHUFFLE) {
        bad = np_ < 3 || p[1] < 0 || p[1] > NPY_MAXDIMS || p[2] < 0 ||
              p[2] > NPY_MAXDIMS || np_ != 3 + p[2];
        for (Py_ssize_t k = 3; !bad && k < np_; k++) bad = p[k] < -1 || p[k] >= p[1];
    } else if (kind == K_SUBTENSOR || kind == K_INCSUBTENSOR) {
        Py_ssize_t at = kind == K_SUBTENSOR ? 0 : 2, pos = at + 1;
        bad = np_ <= at || p[at] < 0 || p[at] > NPY_MAXDIMS;
        for (long long e = 0; !bad && e < p[at]; e++) {
            int parts = pos < np_ && p[pos] == 0 ? 1 : 3;
            bad = pos + 1 + 2 * parts > np_;
            for (int k = 0; !bad && k < parts; k++) {
                long long src = p[pos + 1 + 2 * k], val = p[pos + 2 + 2 * k];
                bad = src == SRC_INPUT && (val < 1 || val >= nin);
            }
            pos += 1 + 2 * parts;
        }
        bad = bad || pos != np_;
    } else if (kind == K_RESHAPE || kind == K_ALLOC) {
        bad = np_ < 1 || p[0] < 0 || p[0] > NPY_MAXDIMS ||
              (kind == K_ALLOC && nin != p[0] + 1);
    } else if (kind == K_SHAPE_I || kind == K_INCSUBTENSOR || kind == K_ADV_INC_SUB1) {
        bad = np_ < 1 + (kind != K_SHAPE_I);
    } else if (kind == K_CUMOP || kind == K_SOFTMAX || kind == K_LOGSOFTMAX ||
               kind == K_SOFTMAXGRAD) {
        bad = np_ < 2 + (kind == K_CUMOP);
    }
    int need_in[K_LAST] = {0, 1, 2, 1, 1, 1, 1, 1, 2, 2, 3, 1, 1, 1, 2, 1, 1, 0, 0};
    if (!bad) bad = nin < need_in[kind];
    if (!bad && (kind == K_SOFTMAX || kind == K_LOGSOFTMAX || kind == K_SOFTMAXGRAD))
        bad = out_type != NPY_FLOAT64 && out_type != NPY_FLOAT32;
    if (bad) {
        PyMem_Free(p);
        PyErr_Format(PyExc_ValueError,
                     "StructThunk: bad parameters for kind %d (%zd inputs, params %R)",
                     kind, nin, params);
        return -1;
    }
    self->in_cells = PyMem_Malloc(sizeof(PyObject *) * ((size_t)nin + 1));
    if (!self->in_cells) { PyMem_Free(p); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < nin; i++) self->in_cells[i] = PyTuple_GET_ITEM(in_cells, i);
    self->p = p;
    self->np = np_;
    self->kind = kind;
    self->nin = (int)nin;
    self->out_type = out_type;
    Py_INCREF(in_cells); self->in_tuple = in_cells;
    Py_INCREF(out_cells); self->out_tuple = out_cells;
    self->out_cell = PyTuple_GET_ITEM(out_cells, 0);
    Py_INCREF(name); self->name = name;
    Py_INCREF(fallback); self->fallback = fallback;
    self->vectorcall = st_vectorcall;
    return 0;
}

static PyObject *
st_call(StructThunk *self, PyObject *args, PyObject *kwds)
{
    if (!self->in_tuple) {
        PyErr_SetString(PyExc_RuntimeError, "StructThunk not initialised");
        return NULL;
    }
    return PyVectorcall_Call((PyObject *)self, args, kwds);
}

static PyObject *
st_get_inputs(StructThunk *self, void *c)
{
    return self->in_tuple ? PySequence_List(self->in_tuple) : PyList_New(0);
}

static PyObject *
st_get_outputs(StructThunk *self, void *c)
{
    return self->out_tuple ? PySequence_List(self->out_tuple) : PyList_New(0);
}

static PyObject *
st_repr(StructThunk *self)
{
    return PyUnicode_FromFormat("<StructThunk %S>", self->name ? self->name : Py_None);
}

static PyGetSetDef st_getset[] = {
    {"inputs", (getter)st_get_inputs, NULL, "The input storage cells.", NULL},
    {"outputs", (getter)st_get_outputs, NULL, "The output storage cells.", NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

static PyMemberDef st_members[] = {
    {"calls", T_LONGLONG, offsetof(StructThunk, calls), 0,
     "How many times the C path ran."},
    {"py_calls", T_LONGLONG, offsetof(StructThunk, py_calls), 0,
     "How many times the Python thunk ran instead."},
    {"kind", T_INT, offsetof(StructThunk, kind), READONLY, "What the thunk does."},
    {NULL},
};

static PyTypeObject StructThunkType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_structural.StructThunk",
    .tp_basicsize = sizeof(StructThunk),
    .tp_dealloc = (destructor)st_dealloc,
    .tp_vectorcall_offset = offsetof(StructThunk, vectorcall),
    .tp_call = (ternaryfunc)st_call,
    .tp_repr = (reprfunc)st_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "A thunk running a structural op (view, indexing, cumsum, softmax) in C.",
    .tp_traverse = (traverseproc)st_traverse,
    .tp_clear = (inquiry)st_clear,
    .tp_getset = st_getset,
    .tp_members = st_members,
    .tp_dictoffset = offsetof(StructThunk, dict),
    .tp_init = (initproc)st_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef st_module = {
    PyModuleDef_HEAD_INIT, "MODULE_NAME", "C thunks for aesara's structural ops.", -1, NULL,
};

PyMODINIT_FUNC
PyInit_MODULE_NAME(void)
{
    import_array();
    if (PyType_Ready(&StructThunkType) < 0) return NULL;
#ifdef AE_WITH_SUBTENSOR
    PyObject *numpy = PyImport_ImportModule("numpy");
    if (!numpy) return NULL;
    PyObject *add = PyObject_GetAttrString(numpy, "add");
    Py_DECREF(numpy);
    if (!add) return NULL;
    np_add_at = PyObject_GetAttrString(add, "at");
    Py_DECREF(add);
    if (!np_add_at) return NULL;
#endif
    PyObject *m = PyModule_Create(&st_module);
    if (!m) return NULL;
    Py_INCREF(&StructThunkType);
    PyModule_AddObject(m, "StructThunk", (PyObject *)&StructThunkType);
#define KIND(name) PyModule_AddIntConstant(m, #name, name)
    KIND(K_DIMSHUFFLE); KIND(K_RESHAPE); KIND(K_SHAPE); KIND(K_SHAPE_I);
    KIND(K_SPECIFY_SHAPE); KIND(K_ALLOC); KIND(K_SUBTENSOR); KIND(K_INCSUBTENSOR);
    KIND(K_ADV_SUB1); KIND(K_ADV_INC_SUB1); KIND(K_CUMOP); KIND(K_SOFTMAX);
    KIND(K_LOGSOFTMAX); KIND(K_SOFTMAXGRAD); KIND(K_SCALAR_FROM_TENSOR); KIND(K_PASS);
    KIND(K_ALLOC_EMPTY); KIND(K_MAKE_VECTOR);
#undef KIND
    PyModule_AddIntConstant(m, "STRUCTURAL_VERSION", 1);
    return m;
}
