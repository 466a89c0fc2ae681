/* The aesara C runtime, part 4: the call path of compiled functions.
 *
 * Compiled as one translation unit after runtime.c, lazy_loop.c and
 * random_thunk.c (aesara/link/c/runtime.py joins the files; see
 * RUNTIME_FILES there), whose types and helpers it uses. Two types and the module itself:
 *
 *   FastCall        the positional call path of a Function: converts the
 *                   arguments (in C when the result is certain to be the
 *                   type filter's, else through the filter), stores them,
 *                   runs the VM, returns the outputs; one caller owns the
 *                   cells at a time, others go to the function's workers.
 *   CallDescriptor  Function.__call__ reaching FastCall without a frame.
 */

/* ------------------------------------------------------------------------ */
/* FastCall                                                                  */
/* ------------------------------------------------------------------------ */

/* Per-input conversion flags (the ``conv_flags`` argument): what the
 * input's ``filter`` was given. */
enum { FC_STRICT = 1, FC_DOWNCAST = 2 /* truthy */, FC_DOWNCAST_NONE = 4 /* None */ };

typedef struct {
    PyObject_HEAD
    Py_ssize_t n;
    PyObject *cells;     /* tuple of input cells */
    PyObject *filters;   /* tuple of callables */
    PyObject *shapes;    /* tuple: None or tuple of (int or None) */
    PyObject *vm;        /* callable (a CLoop is run directly) */
    PyObject *out_cell;  /* single output cell, or None: call collect() */
    PyObject *collect;
    PyObject *general;   /* general(args, kwargs) */
    PyObject *bad_input; /* bad_input(exc, pos): raises */
    PyObject *contended; /* contended(args, kwargs): a call while busy */
    PyObject *config;    /* aesara.config: its floatX is read at call time */
    int *typenum;
    int *ndim;
    char *conv;          /* FC_* flags per input */
    char *fast_ok;       /* conversion in C allowed (TensorType's own filter) */
    PyArray_Descr **descr;      /* owned, per input with fast_ok */
    PyTypeObject **scalar_type; /* NumPy scalar type of the input's dtype */
    PyObject **dtype_name;      /* owned, per input with fast_ok */
    int trust_input;
    int busy;            /* a call owns the cells (read and set under the GIL) */
} FastCall;

static PyTypeObject FastCallType;

static int fc_clear(FastCall *self);

static void
fc_dealloc(FastCall *self)
{
    PyObject_GC_UnTrack(self);
    fc_clear(self);
    for (Py_ssize_t i = 0; i < self->n; i++) {
        if (self->descr) Py_XDECREF(self->descr[i]);
        if (self->dtype_name) Py_XDECREF(self->dtype_name[i]);
    }
    PyMem_Free(self->descr);
    PyMem_Free(self->scalar_type);
    PyMem_Free(self->dtype_name);
    PyMem_Free(self->typenum);
    PyMem_Free(self->ndim);
    PyMem_Free(self->conv);
    PyMem_Free(self->fast_ok);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
fc_traverse(FastCall *self, visitproc visit, void *arg)
{
    Py_VISIT(self->cells);
    Py_VISIT(self->filters);
    Py_VISIT(self->shapes);
    Py_VISIT(self->vm);
    Py_VISIT(self->out_cell);
    Py_VISIT(self->collect);
    Py_VISIT(self->general);
    Py_VISIT(self->bad_input);
    Py_VISIT(self->contended);
    Py_VISIT(self->config);
    return 0;
}

static int
fc_clear(FastCall *self)
{
    Py_CLEAR(self->cells);
    Py_CLEAR(self->filters);
    Py_CLEAR(self->shapes);
    Py_CLEAR(self->vm);
    Py_CLEAR(self->out_cell);
    Py_CLEAR(self->collect);
    Py_CLEAR(self->general);
    Py_CLEAR(self->bad_input);
    Py_CLEAR(self->contended);
    Py_CLEAR(self->config);
    return 0;
}

/* FastCall(cells, filters, typenums, ndims, shapes, fast_ok, conv_flags,
 *          vm, out_cell, collect, general, bad_input, contended, config) */
static int
fc_init(FastCall *self, PyObject *args, PyObject *kwds)
{
    PyObject *cells, *filters, *typenums, *ndims, *shapes, *fast_ok, *kinds;
    PyObject *vm, *out_cell, *collect, *general, *bad_input, *contended, *config;
    if (!PyArg_ParseTuple(args, "O!O!OOO!OOOOOOOOO", &PyTuple_Type, &cells,
                          &PyTuple_Type, &filters, &typenums, &ndims, &PyTuple_Type,
                          &shapes, &fast_ok, &kinds, &vm, &out_cell, &collect, &general,
                          &bad_input, &contended, &config))
        return -1;
    Py_ssize_t n = PyTuple_GET_SIZE(cells);
    if (PyTuple_GET_SIZE(filters) != n || PyTuple_GET_SIZE(shapes) != n) {
        PyErr_SetString(PyExc_ValueError, "FastCall: one filter and shape per input");
        return -1;
    }
    if (check_cells(cells, "cells")) return -1;
    if (out_cell != Py_None && (!PyList_CheckExact(out_cell) || PyList_GET_SIZE(out_cell) != 1)) {
        PyErr_SetString(PyExc_TypeError, "FastCall: out_cell must be a cell or None");
        return -1;
    }
    if (self->cells || self->typenum) {
        PyErr_SetString(PyExc_RuntimeError, "FastCall already initialised");
        return -1;
    }
    self->typenum = PyMem_Calloc((size_t)n + 1, sizeof(int));
    self->ndim = PyMem_Calloc((size_t)n + 1, sizeof(int));
    int *tmp = PyMem_Calloc((size_t)n + 1, sizeof(int));
    int *tmp2 = PyMem_Calloc((size_t)n + 1, sizeof(int));
    self->conv = PyMem_Calloc((size_t)n + 1, 1);
    self->fast_ok = PyMem_Calloc((size_t)n + 1, 1);
    self->descr = PyMem_Calloc((size_t)n + 1, sizeof(PyArray_Descr *));
    self->scalar_type = PyMem_Calloc((size_t)n + 1, sizeof(PyTypeObject *));
    self->dtype_name = PyMem_Calloc((size_t)n + 1, sizeof(PyObject *));
    self->n = n;  /* from here on, dealloc releases the per-input entries */
    if (read_int_tuple(typenums, self->typenum, n, "typenums") ||
        read_int_tuple(ndims, self->ndim, n, "ndims") ||
        read_int_tuple(fast_ok, tmp, n, "fast_ok") ||
        read_int_tuple(kinds, tmp2, n, "conv_flags")) {
        PyMem_Free(tmp); PyMem_Free(tmp2);
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        self->fast_ok[i] = (char)tmp[i];
        self->conv[i] = (char)tmp2[i];
    }
    PyMem_Free(tmp); PyMem_Free(tmp2);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!self->fast_ok[i]) continue;
        PyArray_Descr *d = PyArray_DescrFromType(self->typenum[i]);
        if (!d) return -1;
        self->descr[i] = d;
        self->scalar_type[i] = d->typeobj;
        self->dtype_name[i] = PyObject_GetAttrString((PyObject *)d, "name");
        if (!self->dtype_name[i]) return -1;
    }
#define FC_SET(f) Py_INCREF(f); self->f = f
    FC_SET(cells); FC_SET(filters); FC_SET(shapes); FC_SET(vm); FC_SET(out_cell);
    FC_SET(collect); FC_SET(general); FC_SET(bad_input); FC_SET(contended);
    FC_SET(config);
#undef FC_SET
    return 0;
}

static inline void
set_cell(PyObject *cell, PyObject *value)  /* steals value */
{
    PyObject *old = PyList_GET_ITEM(cell, 0);
    PyList_SET_ITEM(cell, 0, value);
    Py_XDECREF(old);
}

static int
shape_matches(PyArrayObject *a, PyObject *static_shape)
{
    if (static_shape == Py_None) return 1;
    for (Py_ssize_t d = 0; d < PyTuple_GET_SIZE(static_shape); d++) {
        PyObject *s = PyTuple_GET_ITEM(static_shape, d);
        if (s != Py_None && PyLong_AsSsize_t(s) != PyArray_DIM(a, (int)d)) return 0;
    }
    return 1;
}

/* -- Argument conversion ---------------------------------------------------
 *
 * The C side of TensorType.filter: it converts the arguments whose result the
 * filter is certain to accept, to the very value the filter would return, and
 * returns NULL (no exception set) for everything else, which then goes to the
 * filter itself (and so gets its checks and error messages). What it takes:
 *
 *  - an ndarray of another dtype (not strict): np.asarray(x, dtype) when the
 *    dtype promotes to the input's (or allow_downcast is true);
 *  - a Python bool/int/float/complex or a NumPy number scalar (not strict,
 *    0-d input): the value when the input's dtype holds it exactly (the
 *    filter then finds the converted value equal to the original); else
 *    np.asarray(x, dtype) where the filter casts without asking (true
 *    allow_downcast, or a float for a floatX input with allow_downcast None);
 *  - a list or tuple (not strict) that NumPy reads as the input's dtype.
 */

/* A scalar's value. */
enum { AE_V_INT, AE_V_UINT, AE_V_FLOAT, AE_V_COMPLEX };
typedef struct {
    int kind;
    long long i;            /* AE_V_INT */
    unsigned long long u;   /* AE_V_UINT: above LLONG_MAX */
    double re, im;          /* AE_V_FLOAT, AE_V_COMPLEX */
} ae_number;

/* Enough room for one item of any NumPy number dtype. */
typedef union {
    npy_longdouble ld[2];
    npy_cdouble cd;
    npy_int64 i64;
    char bytes[32];
} ae_item;

/* NaN and infinity tests on the bits: they hold whatever the user's compiler
 * flags say about floating-point math (-ffinite-math-only folds isnan). */
static inline int
ae_isnan(double d)
{
    npy_uint64 b;
    memcpy(&b, &d, sizeof b);
    return (b & 0x7fffffffffffffffULL) > 0x7ff0000000000000ULL;
}

static inline int
ae_isinf(double d)
{
    npy_uint64 b;
    memcpy(&b, &d, sizeof b);
    return (b & 0x7fffffffffffffffULL) == 0x7ff0000000000000ULL;
}

static double
half_to_double(npy_uint16 h)
{
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    double v;
    if (e == 31 && m) {  /* NaN: keep the sign and payload, as NumPy's cast */
        npy_uint64 bits = ((npy_uint64)(h & 0x8000) << 48) | 0x7ff0000000000000ULL |
                          ((npy_uint64)m << 42);
        memcpy(&v, &bits, sizeof v);
        return v;
    }
    if (e == 0) v = ldexp((double)m, -24);
    else if (e == 31) v = INFINITY;
    else v = ldexp((double)(m | 0x400), e - 25);
    return (h & 0x8000) ? -v : v;
}

/* The float16 bits of ``d`` when float16 holds ``d`` exactly (not NaN). */
static int
half_exact(double d, npy_uint16 *out)
{
    npy_uint64 bits;
    memcpy(&bits, &d, sizeof bits);
    npy_uint16 sign = (npy_uint16)((bits >> 48) & 0x8000);
    double a = fabs(d);
    if (ae_isnan(d)) return 0;
    if (a == 0.0) { *out = sign; return 1; }
    if (ae_isinf(a)) { *out = sign | 0x7c00; return 1; }
    if (a > 65504.0) return 0;
    int e;
    double m = frexp(a, &e);  /* a = m * 2**e, 0.5 <= m < 1 */
    if (e - 1 >= -14) {       /* normal: 11 significant bits */
        double s = ldexp(m, 11);
        if (s != floor(s)) return 0;
        *out = sign | (npy_uint16)((e - 1 + 15) << 10) | (npy_uint16)((unsigned)s - 1024);
        return 1;
    }
    double k = ldexp(a, 24);  /* subnormal: a multiple of 2**-24 */
    if (k != floor(k) || k >= 1024.0) return 0;
    *out = sign | (npy_uint16)k;
    return 1;
}

/* Read a NumPy number scalar of type ``t`` stored at ``p``; 0 if unsupported. */
static int
number_from_item(int t, const void *p, ae_number *v)
{
    switch (t) {
#define AE_INT(T, C) case T: v->kind = AE_V_INT; v->i = (long long)*(const C *)p; return 1;
    AE_INT(NPY_BOOL, npy_bool)
    AE_INT(NPY_BYTE, npy_byte)
    AE_INT(NPY_UBYTE, npy_ubyte)
    AE_INT(NPY_SHORT, npy_short)
    AE_INT(NPY_USHORT, npy_ushort)
    AE_INT(NPY_INT, npy_int)
    AE_INT(NPY_UINT, npy_uint)
    AE_INT(NPY_LONG, npy_long)
    AE_INT(NPY_LONGLONG, npy_longlong)
#undef AE_INT
    case NPY_ULONG: case NPY_ULONGLONG: {
        unsigned long long u = t == NPY_ULONG ? (unsigned long long)*(const npy_ulong *)p
                                              : (unsigned long long)*(const npy_ulonglong *)p;
        if (u <= (unsigned long long)LLONG_MAX) { v->kind = AE_V_INT; v->i = (long long)u; }
        else { v->kind = AE_V_UINT; v->u = u; }
        return 1;
    }
    case NPY_HALF: v->kind = AE_V_FLOAT; v->re = half_to_double(*(const npy_uint16 *)p); return 1;
    case NPY_FLOAT: v->kind = AE_V_FLOAT; v->re = *(const npy_float *)p; return 1;
    case NPY_DOUBLE: v->kind = AE_V_FLOAT; v->re = *(const npy_double *)p; return 1;
    case NPY_CFLOAT:
        v->kind = AE_V_COMPLEX;
        v->re = ((const npy_float *)p)[0];
        v->im = ((const npy_float *)p)[1];
        return 1;
    case NPY_CDOUBLE:
        v->kind = AE_V_COMPLEX;
        v->re = ((const npy_double *)p)[0];
        v->im = ((const npy_double *)p)[1];
        return 1;
    default:
        return 0;  /* long double, dates, strings, ...: the filter decides */
    }
}

/* The dtype number of a NumPy number scalar type (exactly that type), or -1. */
static int
scalar_typenum(PyTypeObject *tp)
{
#define AE_S(T, N) if (tp == &Py##T##ArrType_Type) return N;
    AE_S(Double, NPY_DOUBLE) AE_S(Float, NPY_FLOAT) AE_S(Long, NPY_LONG)
    AE_S(Int, NPY_INT) AE_S(Bool, NPY_BOOL) AE_S(CDouble, NPY_CDOUBLE)
    AE_S(CFloat, NPY_CFLOAT) AE_S(Half, NPY_HALF) AE_S(LongLong, NPY_LONGLONG)
    AE_S(Short, NPY_SHORT) AE_S(Byte, NPY_BYTE) AE_S(ULong, NPY_ULONG)
    AE_S(UInt, NPY_UINT) AE_S(UShort, NPY_USHORT) AE_S(UByte, NPY_UBYTE)
    AE_S(ULongLong, NPY_ULONGLONG)
#undef AE_S
    return -1;
}

/* Where a NumPy scalar of dtype number ``t`` (see scalar_typenum) keeps its value. */
static const void *
scalar_data(PyObject *x, int t)
{
    switch (t) {
#define AE_D(N, T) case N: return &PyArrayScalar_VAL(x, T);
    AE_D(NPY_DOUBLE, Double) AE_D(NPY_FLOAT, Float) AE_D(NPY_LONG, Long)
    AE_D(NPY_INT, Int) AE_D(NPY_BOOL, Bool) AE_D(NPY_CDOUBLE, CDouble)
    AE_D(NPY_CFLOAT, CFloat) AE_D(NPY_HALF, Half) AE_D(NPY_LONGLONG, LongLong)
    AE_D(NPY_SHORT, Short) AE_D(NPY_BYTE, Byte) AE_D(NPY_ULONG, ULong)
    AE_D(NPY_UINT, UInt) AE_D(NPY_USHORT, UShort) AE_D(NPY_UBYTE, UByte)
    AE_D(NPY_ULONGLONG, ULongLong)
#undef AE_D
    default: return NULL;
    }
}

/* Read a Python bool/int/float/complex or a NumPy number scalar (of its
 * exact type); 0 for anything else. Never leaves an exception set. */
static int
read_number(PyObject *x, ae_number *v)
{
    if (PyFloat_CheckExact(x)) { v->kind = AE_V_FLOAT; v->re = PyFloat_AS_DOUBLE(x); return 1; }
    if (PyBool_Check(x)) { v->kind = AE_V_INT; v->i = x == Py_True; return 1; }
    if (PyLong_CheckExact(x)) {
        int overflow = 0;
        long long i = PyLong_AsLongLongAndOverflow(x, &overflow);
        if (i == -1 && PyErr_Occurred()) { PyErr_Clear(); return 0; }
        if (!overflow) { v->kind = AE_V_INT; v->i = i; return 1; }
        if (overflow < 0) return 0;
        unsigned long long u = PyLong_AsUnsignedLongLong(x);
        if (u == (unsigned long long)-1 && PyErr_Occurred()) { PyErr_Clear(); return 0; }
        v->kind = AE_V_UINT; v->u = u;
        return 1;
    }
    if (PyComplex_CheckExact(x)) {
        Py_complex c = PyComplex_AsCComplex(x);
        v->kind = AE_V_COMPLEX; v->re = c.real; v->im = c.imag;
        return 1;
    }
    int t = scalar_typenum(Py_TYPE(x));
    return t >= 0 && number_from_item(t, scalar_data(x, t), v);
}

/* A float that float32 holds exactly (NaN too: the filter accepts NaN for NaN). */
static int
float_exact(double d, npy_float *out)
{
    npy_float f = (npy_float)d;
    if (!ae_isnan(d) && (double)f != d) return 0;
    *out = f;
    return 1;
}

/* Write ``v`` as an item of dtype ``t`` when ``t`` holds it exactly; else 0.
 * Exact means the filter's check (the original and converted values compare
 * equal, NaN matching NaN) passes, and the item is what NumPy's cast gives. */
static int
store_exact(const ae_number *v, int t, void *out)
{
    double re = 0.0, im = 0.0;
    int real_ok = 0;  /* re/im hold the value */
    switch (v->kind) {
    case AE_V_INT: {
        long long i = v->i;
        switch (t) {
#define AE_RANGE(T, C, LO, HI) \
        case T: if (i < (long long)(LO) || i > (long long)(HI)) return 0; \
                *(C *)out = (C)i; return 1;
        AE_RANGE(NPY_BOOL, npy_bool, 0, 1)
        AE_RANGE(NPY_BYTE, npy_byte, NPY_MIN_BYTE, NPY_MAX_BYTE)
        AE_RANGE(NPY_UBYTE, npy_ubyte, 0, NPY_MAX_UBYTE)
        AE_RANGE(NPY_SHORT, npy_short, NPY_MIN_SHORT, NPY_MAX_SHORT)
        AE_RANGE(NPY_USHORT, npy_ushort, 0, NPY_MAX_USHORT)
        AE_RANGE(NPY_INT, npy_int, NPY_MIN_INT, NPY_MAX_INT)
        AE_RANGE(NPY_UINT, npy_uint, 0, NPY_MAX_UINT)
        AE_RANGE(NPY_LONG, npy_long, NPY_MIN_LONG, NPY_MAX_LONG)
        AE_RANGE(NPY_LONGLONG, npy_longlong, NPY_MIN_LONGLONG, NPY_MAX_LONGLONG)
#undef AE_RANGE
        case NPY_ULONG: if (i < 0) return 0; *(npy_ulong *)out = (npy_ulong)i; return 1;
        case NPY_ULONGLONG: if (i < 0) return 0; *(npy_ulonglong *)out = (npy_ulonglong)i; return 1;
        default:
            /* Floats: integers up to 2**53 are exact doubles. */
            if (i > (1LL << 53) || i < -(1LL << 53)) return 0;
            re = (double)i;
            real_ok = 1;
        }
        break;
    }
    case AE_V_UINT:
        if (t == NPY_ULONG) { *(npy_ulong *)out = (npy_ulong)v->u; return 1; }
        if (t == NPY_ULONGLONG) { *(npy_ulonglong *)out = (npy_ulonglong)v->u; return 1; }
        return 0;
    case AE_V_FLOAT: {
        double d = v->re;
        if (t == NPY_HALF || t == NPY_FLOAT || t == NPY_DOUBLE || t == NPY_CFLOAT ||
            t == NPY_CDOUBLE) {
            re = d;
            real_ok = 1;
            break;
        }
        /* Integers (and bool): an integral value in range. */
        if (ae_isnan(d) || ae_isinf(d) || d != floor(d)) return 0;
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
            ae_number iv = {AE_V_INT, (long long)d, 0, 0.0, 0.0};
            return store_exact(&iv, t, out);
        }
        if (d >= 0.0 && d < 18446744073709551616.0) {
            ae_number uv = {AE_V_UINT, 0, (unsigned long long)d, 0.0, 0.0};
            return store_exact(&uv, t, out);
        }
        return 0;
    }
    case AE_V_COMPLEX:
        if (t != NPY_CFLOAT && t != NPY_CDOUBLE) return 0;  /* the filter warns, decides */
        re = v->re;
        im = v->im;
        real_ok = 1;
        break;
    }
    if (!real_ok) return 0;
    switch (t) {
    case NPY_DOUBLE: *(npy_double *)out = re; return 1;
    case NPY_FLOAT: return float_exact(re, (npy_float *)out);
    case NPY_HALF: return half_exact(re, (npy_uint16 *)out);
    case NPY_CDOUBLE: ((npy_double *)out)[0] = re; ((npy_double *)out)[1] = im; return 1;
    case NPY_CFLOAT:
        return float_exact(re, (npy_float *)out) && float_exact(im, (npy_float *)out + 1);
    default: return 0;
    }
}

/* The 0-d array of input ``i`` to write a converted scalar into: the one
 * the input's cell holds when nothing else can see it (only the cell refers
 * to it, no weak references, it owns its data: a new value written into it
 * is indistinguishable from a new array), else a new one. New reference. */
static PyObject *
scalar_slot(FastCall *self, Py_ssize_t i, PyObject *cell)
{
    PyObject *old = PyList_GET_ITEM(cell, 0);
    if (old && Py_REFCNT(old) == 1 && PyArray_CheckExact(old)) {
        PyArrayObject *a = (PyArrayObject *)old;
        if (PyArray_NDIM(a) == 0 && PyArray_DESCR(a) == self->descr[i] &&
            PyArray_BASE(a) == NULL &&
            PyArray_CHKFLAGS(a, NPY_ARRAY_OWNDATA | NPY_ARRAY_WRITEABLE | NPY_ARRAY_ALIGNED) &&
            ((PyArrayObject_fields *)a)->weakreflist == NULL) {
            Py_INCREF(old);
            return old;
        }
    }
    Py_INCREF(self->descr[i]);
    return PyArray_NewFromDescr(&PyArray_Type, self->descr[i], 0, NULL, NULL, NULL, 0, NULL);
}

/* Whether the filter's "a float becomes floatX" rule applies to ``x``. */
static int
floatx_rule(FastCall *self, Py_ssize_t i, PyObject *x)
{
    if (!(self->conv[i] & FC_DOWNCAST_NONE)) return 0;
    if (!PyFloat_Check(x) && !PyArray_IsScalar(x, Floating)) return 0;
    PyObject *fx = PyObject_GetAttrString(self->config, "floatX");
    if (!fx) { PyErr_Clear(); return 0; }
    int same = PyUnicode_Check(fx) && PyUnicode_Compare(fx, self->dtype_name[i]) == 0;
    Py_DECREF(fx);
    if (PyErr_Occurred()) { PyErr_Clear(); return 0; }
    return same;
}

/* np.asarray(x, dtype=the input's dtype); NULL without exception on failure. */
static PyObject *
asarray_as(FastCall *self, Py_ssize_t i, PyObject *x)
{
    Py_INCREF(self->descr[i]);
    PyObject *r = PyArray_FromAny(x, self->descr[i], 0, 0, NPY_ARRAY_FORCECAST, NULL);
    if (!r) PyErr_Clear();
    return r;
}

static inline int
fits_input(FastCall *self, Py_ssize_t i, PyArrayObject *a)
{
    return PyArray_NDIM(a) == self->ndim[i] &&
           shape_matches(a, PyTuple_GET_ITEM(self->shapes, i));
}

/* An ndarray (exactly) whose dtype is not the input's. */
static PyObject *
convert_array(FastCall *self, Py_ssize_t i, PyArrayObject *a)
{
    if ((self->conv[i] & FC_STRICT) || !fits_input(self, i, a)) return NULL;
    PyArray_Descr *want = self->descr[i], *have = PyArray_DESCR(a);
    /* Equivalent dtypes: np.asarray would return a view; rare, filter. */
    if (PyArray_EquivTypes(have, want)) return NULL;
    if (!(self->conv[i] & FC_DOWNCAST)) {
        PyArray_Descr *up = PyArray_PromoteTypes(want, have);
        if (!up) { PyErr_Clear(); return NULL; }
        int ok = up->type_num == want->type_num && PyArray_ISNBO(up->byteorder);
        Py_DECREF(up);
        if (!ok) return NULL;
    }
    Py_INCREF(want);
    PyObject *r = PyArray_FromArray(a, want, NPY_ARRAY_FORCECAST);
    if (!r) PyErr_Clear();
    return r;
}

/* Whether NumPy will (most likely) read the list/tuple ``x`` as an array of
 * input ``i``'s dtype and shape, judged by the first item at each level (a
 * ragged or mixed sequence may read otherwise: the result is checked). It
 * lets the sequences the C path cannot take go to the filter unconverted. */
static int
sequence_may_fit(FastCall *self, Py_ssize_t i, PyObject *x)
{
    PyObject *static_shape = PyTuple_GET_ITEM(self->shapes, i);
    int nd = 0, t;
    for (;;) {
        Py_ssize_t len;
        if (PyList_CheckExact(x)) len = PyList_GET_SIZE(x);
        else if (PyTuple_CheckExact(x)) len = PyTuple_GET_SIZE(x);
        else break;
        if (len == 0 || nd >= self->ndim[i]) return 0;
        if (static_shape != Py_None) {
            PyObject *s = PyTuple_GET_ITEM(static_shape, nd);
            if (s != Py_None && PyLong_AsSsize_t(s) != len) return 0;
        }
        nd++;
        x = PyList_CheckExact(x) ? PyList_GET_ITEM(x, 0) : PyTuple_GET_ITEM(x, 0);
    }
    if (PyFloat_CheckExact(x)) t = NPY_DOUBLE;
    else if (PyBool_Check(x)) t = NPY_BOOL;
    else if (PyLong_CheckExact(x)) t = NPY_LONG;
    else if (PyComplex_CheckExact(x)) t = NPY_CDOUBLE;
    else if (PyArray_CheckExact(x)) {
        t = PyArray_TYPE((PyArrayObject *)x);
        nd += PyArray_NDIM((PyArrayObject *)x);
    } else t = scalar_typenum(Py_TYPE(x));
    if (nd != self->ndim[i]) return 0;
    return (self->conv[i] & FC_DOWNCAST) ? t >= 0 : t == self->typenum[i];
}

/* Input ``i``'s value for an argument that is not an ndarray, or NULL. */
static PyObject *
convert_other(FastCall *self, Py_ssize_t i, PyObject *x, PyObject *cell)
{
    const int t = self->typenum[i];
    if (self->conv[i] & FC_STRICT) return NULL;
    if (PyList_CheckExact(x) || PyTuple_CheckExact(x)) {
        PyObject *r;
        if (!sequence_may_fit(self, i, x)) return NULL;
        if (self->conv[i] & FC_DOWNCAST) {
            r = asarray_as(self, i, x);
        } else {
            /* np.asarray(x) of the input's dtype: np.asarray(x, dtype) is the
             * same array, and the filter takes it. */
            r = PyArray_FromAny(x, NULL, 0, 0, 0, NULL);
            if (!r) { PyErr_Clear(); return NULL; }
            if (PyArray_TYPE((PyArrayObject *)r) != t ||
                !PyArray_ISNOTSWAPPED((PyArrayObject *)r)) {
                Py_DECREF(r);
                return NULL;
            }
        }
        if (r && !fits_input(self, i, (PyArrayObject *)r)) { Py_DECREF(r); return NULL; }
        return r;
    }
    if (self->ndim[i] != 0) return NULL;
    ae_item item;
    const void *src = &item;
    if (Py_TYPE(x) == self->scalar_type[i]) {
        /* A NumPy scalar of the input's dtype. */
        src = scalar_data(x, t);
        if (!src) return NULL;
    } else {
        ae_number v;
        if (!read_number(x, &v)) return NULL;
        if (!store_exact(&v, t, &item)) {
            if ((self->conv[i] & FC_DOWNCAST) || floatx_rule(self, i, x))
                return asarray_as(self, i, x);
            return NULL;
        }
    }
    PyObject *r = scalar_slot(self, i, cell);
    if (!r) { PyErr_Clear(); return NULL; }
    memcpy(PyArray_DATA((PyArrayObject *)r), src, (size_t)PyDataType_ELSIZE(self->descr[i]));
    return r;
}

static PyObject *
fc_call_owned(FastCall *self, PyObject *args, PyObject *kwds)
{
    Py_ssize_t n = self->n;
    if ((kwds && PyDict_GET_SIZE(kwds)) || PyTuple_GET_SIZE(args) != n) {
        PyObject *kw = kwds ? kwds : PyDict_New();
        if (!kw) return NULL;
        PyObject *r = PyObject_CallFunctionObjArgs(self->general, args, kw, NULL);
        if (!kwds) Py_DECREF(kw);
        return r;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyTuple_GET_ITEM(args, i);
        PyObject *cell = PyTuple_GET_ITEM(self->cells, i);
        PyObject *v = NULL;
        if (self->trust_input) {
            Py_INCREF(x);
            set_cell(cell, x);
            continue;
        }
        if (self->fast_ok[i]) {
            if (PyArray_CheckExact(x)) {
                PyArrayObject *a = (PyArrayObject *)x;
                if (PyArray_TYPE(a) == self->typenum[i] && PyArray_ISNOTSWAPPED(a) &&
                    PyArray_NDIM(a) == self->ndim[i] &&
                    shape_matches(a, PyTuple_GET_ITEM(self->shapes, i))) {
                    Py_INCREF(x);
                    v = x;
                } else if (PyArray_TYPE(a) != self->typenum[i] || !PyArray_ISNOTSWAPPED(a)) {
                    v = convert_array(self, i, a);
                }
            } else {
                v = convert_other(self, i, x, cell);
            }
        }
        if (!v) {
            v = PyObject_CallOneArg(PyTuple_GET_ITEM(self->filters, i), x);
            if (!v) {
                if (PyErr_ExceptionMatches(PyExc_TypeError) ||
                    PyErr_ExceptionMatches(PyExc_ValueError)) {
                    PyObject *type, *value, *tb;
                    PyErr_Fetch(&type, &value, &tb);
                    PyErr_NormalizeException(&type, &value, &tb);
                    if (tb) PyException_SetTraceback(value, tb);
                    PyObject *pos = PyLong_FromSsize_t(i);
                    PyObject *r = PyObject_CallFunctionObjArgs(self->bad_input, value, pos, NULL);
                    Py_XDECREF(pos);
                    Py_XDECREF(type); Py_XDECREF(value); Py_XDECREF(tb);
                    Py_XDECREF(r);
                    if (r) PyErr_SetString(PyExc_RuntimeError, "bad_input did not raise");
                }
                return NULL;
            }
        }
        set_cell(cell, v);
    }
    if (Py_TYPE(self->vm) == &CLoopType) {
        if (cl_run((CLoop *)self->vm) < 0) return NULL;
    } else if (Py_TYPE(self->vm) == &CLazyLoopType) {
        if (lz_run((CLazyLoop *)self->vm) < 0) return NULL;
    } else {
        PyObject *r = PyObject_CallNoArgs(self->vm);
        if (!r) return NULL;
        Py_DECREF(r);
    }
    if (self->out_cell != Py_None) {
        PyObject *o = PyList_GET_ITEM(self->out_cell, 0);
        Py_INCREF(o);
        return o;
    }
    return PyObject_CallNoArgs(self->collect);
}

/* One call owns the cells at a time. The flag is tested and set with the GIL
 * held and no Python code in between, so exactly one caller wins; a caller
 * arriving while a call runs (another thread while this one released the GIL
 * in a kernel, or a re-entrant call) goes to ``contended``, which runs it on
 * storage of its own. */
static PyObject *
fc_call(FastCall *self, PyObject *args, PyObject *kwds)
{
    if (self->busy)
        return PyObject_CallFunctionObjArgs(self->contended, args,
                                            kwds ? kwds : Py_None, NULL);
    self->busy = 1;
    PyObject *r = fc_call_owned(self, args, kwds);
    self->busy = 0;
    return r;
}

static PyMemberDef fc_members[] = {
    {"trust_input", T_INT, offsetof(FastCall, trust_input), 0,
     "Store the arguments without checking them."},
    {"busy", T_INT, offsetof(FastCall, busy), READONLY,
     "1 while a call owns the input and output cells."},
    {NULL},
};

static PyTypeObject FastCallType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_runtime.FastCall",
    .tp_basicsize = sizeof(FastCall),
    .tp_dealloc = (destructor)fc_dealloc,
    .tp_call = (ternaryfunc)fc_call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The positional call path of a compiled function.",
    .tp_traverse = (traverseproc)fc_traverse,
    .tp_clear = (inquiry)fc_clear,
    .tp_members = fc_members,
    .tp_init = (initproc)fc_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------------ */
/* CallDescriptor: Function.__call__ without a Python frame                  */
/* ------------------------------------------------------------------------ */

/* Looking up ``__call__`` on a Function instance returns the instance's
 * ``_fast_call`` (a FastCall) when it has one, else its ``_py_call``. */
typedef struct {
    PyObject_HEAD
    PyObject *fast_name, *slow_name;
} CallDescriptor;

static void
cd_dealloc(CallDescriptor *self)
{
    Py_CLEAR(self->fast_name);
    Py_CLEAR(self->slow_name);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
cd_init(CallDescriptor *self, PyObject *args, PyObject *kwds)
{
    PyObject *fast, *slow;
    if (!PyArg_ParseTuple(args, "UU", &fast, &slow)) return -1;
    Py_INCREF(fast); Py_XSETREF(self->fast_name, fast);
    Py_INCREF(slow); Py_XSETREF(self->slow_name, slow);
    return 0;
}

static PyObject *
cd_get(CallDescriptor *self, PyObject *obj, PyObject *type)
{
    if (obj == NULL || obj == Py_None) { Py_INCREF(self); return (PyObject *)self; }
    PyObject **dictptr = _PyObject_GetDictPtr(obj);
    if (dictptr && *dictptr) {
        PyObject *f = PyDict_GetItemWithError(*dictptr, self->fast_name);
        if (f && f != Py_None) { Py_INCREF(f); return f; }
        if (PyErr_Occurred()) return NULL;
    }
    return PyObject_GetAttr(obj, self->slow_name);
}

/* Function.__call__(f, *args): dispatch through the instance. */
static PyObject *
cd_call(CallDescriptor *self, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) < 1) {
        PyErr_SetString(PyExc_TypeError, "__call__ needs the function as first argument");
        return NULL;
    }
    PyObject *bound = cd_get(self, PyTuple_GET_ITEM(args, 0), NULL);
    if (!bound) return NULL;
    PyObject *rest = PyTuple_GetSlice(args, 1, PyTuple_GET_SIZE(args));
    PyObject *r = rest ? PyObject_Call(bound, rest, kwds) : NULL;
    Py_XDECREF(rest);
    Py_DECREF(bound);
    return r;
}

static PyTypeObject CallDescriptorType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_runtime.CallDescriptor",
    .tp_basicsize = sizeof(CallDescriptor),
    .tp_dealloc = (destructor)cd_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A __call__ descriptor dispatching to an instance's fast call.",
    .tp_descr_get = (descrgetfunc)cd_get,
    .tp_call = (ternaryfunc)cd_call,
    .tp_init = (initproc)cd_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------------ */

static PyObject *
rt_max_threads(PyObject *self, PyObject *unused)
{
#ifdef _OPENMP
    return PyLong_FromLong(omp_get_max_threads());
#else
    return PyLong_FromLong(1);
#endif
}

static PyMethodDef rt_methods[] = {
    {"copy_pcg64_state", (PyCFunction)(void (*)(void))rv_copy_pcg64_state, METH_FASTCALL,
     "Copy a PCG64 bit generator's state into another (see random_thunk.c)."},
    {"max_threads", rt_max_threads, METH_NOARGS,
     "How many threads element-wise kernels may use."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef rt_module = {
    PyModuleDef_HEAD_INIT, "MODULE_NAME", "The aesara C runtime.", -1, rt_methods,
};

PyMODINIT_FUNC
PyInit_MODULE_NAME(void)
{
    import_array();
    if (PyType_Ready(&ElemwiseThunkType) < 0 || PyType_Ready(&CLoopType) < 0 ||
        PyType_Ready(&CLazyLoopType) < 0 || PyType_Ready(&RandomThunkType) < 0 ||
        PyType_Ready(&FastCallType) < 0 || PyType_Ready(&CallDescriptorType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&rt_module);
    if (!m) return NULL;
    Py_INCREF(&ElemwiseThunkType);
    PyModule_AddObject(m, "ElemwiseThunk", (PyObject *)&ElemwiseThunkType);
    Py_INCREF(&CLoopType);
    PyModule_AddObject(m, "CLoop", (PyObject *)&CLoopType);
    Py_INCREF(&CLazyLoopType);
    PyModule_AddObject(m, "CLazyLoop", (PyObject *)&CLazyLoopType);
    Py_INCREF(&RandomThunkType);
    PyModule_AddObject(m, "RandomThunk", (PyObject *)&RandomThunkType);
    Py_INCREF(&FastCallType);
    PyModule_AddObject(m, "FastCall", (PyObject *)&FastCallType);
    Py_INCREF(&CallDescriptorType);
    PyModule_AddObject(m, "CallDescriptor", (PyObject *)&CallDescriptorType);
    PyModule_AddIntConstant(m, "RUNTIME_VERSION", 1);
#ifdef _OPENMP
    PyModule_AddIntConstant(m, "HAVE_OPENMP", 1);
#else
    PyModule_AddIntConstant(m, "HAVE_OPENMP", 0);
#endif
    return m;
}
