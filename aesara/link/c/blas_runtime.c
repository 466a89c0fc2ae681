/* BLAS thunks for the C backend: Dot, Dot22, Dot22Scalar, Gemm, Gemv, Ger.
 *
 * Built once per machine by aesara/link/c/blas_runtime.py (through the
 * compile cache). The BLAS routines are the ones SciPy ships: their
 * addresses come from the PyCapsules of ``scipy.linalg.cython_blas`` and are
 * handed to ``set_routine`` before any thunk runs, so no system BLAS (and no
 * BLAS header or library at build time) is needed. The exception is a plain
 * Dot of a matrix (no alpha/beta): it is NumPy's own product, on the BLAS
 * NumPy ships, which shares its threads with the user's NumPy code.
 *
 * BLAS is column-major. A matrix whose memory is row-major is passed as its
 * transpose with the opposite ``trans`` flag, and a row-major result C is
 * computed as C^T = B^T A^T, so C- and F-ordered arrays and transposed views
 * are used where they lie; only strides BLAS cannot express (both strides
 * non-unit, negative or zero strides of matrices, misaligned data) are
 * copied first.
 *
 * A thunk runs one node. When its inputs are not what it was built for
 * (another dtype, broadcasting accumulators, mismatched shapes, sizes beyond
 * 32-bit BLAS integers, ...) or when the node's Python semantics differ from
 * raw BLAS (beta == 0 with a non-finite accumulator, where BLAS would drop
 * the NaN), it calls the node's Python thunk instead.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <limits.h>
#include <math.h>
#include <string.h>

/* BLAS signatures (Fortran calling convention: everything by pointer). The
 * scalar type is left as void: the same code serves s, d, c and z. */
typedef void (*gemm_t)(char *, char *, int *, int *, int *, void *, void *, int *,
                       void *, int *, void *, void *, int *);
typedef void (*gemv_t)(char *, int *, int *, void *, void *, int *, void *, int *,
                       void *, void *, int *);
typedef void (*ger_t)(int *, int *, void *, void *, int *, void *, int *, void *, int *);
typedef float (*sdot_t)(int *, void *, int *, void *, int *);
typedef double (*ddot_t)(int *, void *, int *, void *, int *);

enum { R_GEMM = 0, R_GEMV, R_GER, R_DOT, R_COUNT };
enum { K_DOT = 0, K_DOT22, K_DOT22SCALAR, K_GEMM, K_GEMV, K_GER };

/* Routine addresses per scalar type (s, d, c, z) and routine. */
static void *blas_fn[4][R_COUNT];

/* Work from this many multiply-adds on runs without the GIL. */
#define BT_NOGIL_MIN 8192

static int
type_index(int typenum)
{
    switch (typenum) {
    case NPY_FLOAT: return 0;
    case NPY_DOUBLE: return 1;
    case NPY_CFLOAT: return 2;
    case NPY_CDOUBLE: return 3;
    default: return -1;
    }
}

/* A scalar of the thunk's type, big enough for complex128. */
typedef struct { double v[2]; } scal_t;

static void
scal_set(scal_t *s, int t, double re)
{
    memset(s, 0, sizeof(*s));
    if (t == 0) *(float *)s = (float)re;
    else if (t == 2) ((float *)s)[0] = (float)re;
    else s->v[0] = re;
}

static int
scal_is(const scal_t *s, int t, double re)
{
    if (t == 0) return ((const float *)s)[0] == (float)re;
    if (t == 1) return s->v[0] == re;
    if (t == 2) return ((const float *)s)[0] == (float)re && ((const float *)s)[1] == 0.f;
    return s->v[0] == re && s->v[1] == 0.0;
}

/* ------------------------------------------------------------------------ */
/* Operand layouts                                                           */
/* ------------------------------------------------------------------------ */

/* An r x c matrix in memory: element (i, j) at p + i * sr + j * sc. */
typedef struct {
    char *p;
    npy_intp r, c, sr, sc;
} Mat;

/* The leading dimension (in elements) of the outer axis, or 0 when the
 * stride cannot be one. */
static int
lead_dim(npy_intp n_outer, npy_intp stride, int item, npy_intp n_inner)
{
    npy_intp need = n_inner > 1 ? n_inner : 1, l;
    if (n_outer <= 1) return (int)(need > INT_MAX ? 0 : need);
    if (stride % item) return 0;
    l = stride / item;
    if (l < need || l > INT_MAX) return 0;
    return (int)l;
}

/* How column-major BLAS reads m: 'N' (m is column-major with leading
 * dimension *ld), 'T' (m's transpose is), or 0 (it cannot). */
static char
mat_layout(const Mat *m, int item, int *ld)
{
    if (((uintptr_t)m->p) % (item > 8 ? item / 2 : item)) return 0;
    if (m->r <= 1 || m->sr == item) {
        int l = lead_dim(m->c, m->sc, item, m->r);
        if (l) { *ld = l; return 'N'; }
    }
    if (m->c <= 1 || m->sc == item) {
        int l = lead_dim(m->r, m->sr, item, m->c);
        if (l) { *ld = l; return 'T'; }
    }
    return 0;
}

static Mat
mat_of(PyArrayObject *a, int transposed)
{
    Mat m;
    m.p = PyArray_BYTES(a);
    m.r = PyArray_DIM(a, 0);
    m.c = PyArray_DIM(a, 1);
    m.sr = PyArray_STRIDE(a, 0);
    m.sc = PyArray_STRIDE(a, 1);
    if (transposed) {
        npy_intp t = m.r; m.r = m.c; m.c = t;
        t = m.sr; m.sr = m.sc; m.sc = t;
    }
    return m;
}

/* A matrix operand: its layout, copying ``a`` (into *owned) when BLAS cannot
 * read it in place. Returns the trans flag, or 0 with an exception set. */
static char
prep_mat(PyArrayObject *a, int transposed, Mat *m, int item, int *ld, PyObject **owned)
{
    *m = mat_of(a, transposed);
    char tr = mat_layout(m, item, ld);
    if (tr) return tr;
    PyObject *c = PyArray_NewCopy(a, NPY_CORDER);
    if (!c) return 0;
    *owned = c;
    *m = mat_of((PyArrayObject *)c, transposed);
    tr = mat_layout(m, item, ld);
    if (!tr) PyErr_SetString(PyExc_RuntimeError, "BlasThunk: unexpected matrix layout");
    return tr;
}

/* A vector operand: the base address BLAS wants (the lowest one when the
 * increment is negative) and the increment, copying when needed. */
static int
vec_inc(PyArrayObject *a, int item, char **base, int *inc)
{
    npy_intp n = PyArray_DIM(a, 0), s = PyArray_STRIDE(a, 0);
    char *p = PyArray_BYTES(a);
    if (((uintptr_t)p) % (item > 8 ? item / 2 : item)) return 0;
    if (n <= 1) { *base = p; *inc = 1; return 1; }
    if (s == 0 || s % item || s / item > INT_MAX || s / item < -INT_MAX) return 0;
    *inc = (int)(s / item);
    *base = s < 0 ? p + (n - 1) * s : p;
    return 1;
}

static int
prep_vec(PyArrayObject *a, int item, char **base, int *inc, PyObject **owned)
{
    if (vec_inc(a, item, base, inc)) return 0;
    PyObject *c = PyArray_NewCopy(a, NPY_CORDER);
    if (!c) return -1;
    *owned = c;
    *base = PyArray_BYTES((PyArrayObject *)c);
    *inc = 1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Small element loops                                                       */
/* ------------------------------------------------------------------------ */

/* dst (r x c, strided) *= beta, with beta == 0 writing zeros. */
static void
scale_mat(char *p, npy_intp r, npy_intp c, npy_intp sr, npy_intp sc, int t,
          const scal_t *beta)
{
    if (scal_is(beta, t, 1.0)) return;
    int zero = scal_is(beta, t, 0.0);
    for (npy_intp i = 0; i < r; i++) {
        for (npy_intp j = 0; j < c; j++) {
            char *e = p + i * sr + j * sc;
            switch (t) {
            case 0: *(float *)e = zero ? 0.f : *(float *)e * ((float *)beta)[0]; break;
            case 1: *(double *)e = zero ? 0.0 : *(double *)e * beta->v[0]; break;
            case 2: {
                float *z = (float *)e, br = ((float *)beta)[0], bi = ((float *)beta)[1];
                float zr = z[0], zi = z[1];
                z[0] = zero ? 0.f : zr * br - zi * bi;
                z[1] = zero ? 0.f : zr * bi + zi * br;
                break;
            }
            default: {
                double *z = (double *)e, br = beta->v[0], bi = beta->v[1];
                double zr = z[0], zi = z[1];
                z[0] = zero ? 0.0 : zr * br - zi * bi;
                z[1] = zero ? 0.0 : zr * bi + zi * br;
            }
            }
        }
    }
}

/* Whether a (0-2 dimensional) array holds a NaN or an infinity. */
static int
has_nonfinite(PyArrayObject *a, int t)
{
    int nd = PyArray_NDIM(a);
    npy_intp r = nd > 0 ? PyArray_DIM(a, 0) : 1, c = nd > 1 ? PyArray_DIM(a, 1) : 1;
    npy_intp sr = nd > 0 ? PyArray_STRIDE(a, 0) : 0, sc = nd > 1 ? PyArray_STRIDE(a, 1) : 0;
    const char *p = PyArray_BYTES(a);
    int parts = t >= 2 ? 2 : 1;
    for (npy_intp i = 0; i < r; i++) {
        for (npy_intp j = 0; j < c; j++) {
            const char *e = p + i * sr + j * sc;
            for (int k = 0; k < parts; k++) {
                double v;
                if (t == 0 || t == 2) { float f; memcpy(&f, e + 4 * k, 4); v = f; }
                else memcpy(&v, e + 8 * k, 8);
                if (!isfinite(v)) return 1;
            }
        }
    }
    return 0;
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
overlaps(PyArrayObject *a, PyArrayObject *b)
{
    char *l1, *h1, *l2, *h2;
    byte_bounds(a, &l1, &h1);
    byte_bounds(b, &l2, &h2);
    return l1 < h2 && l2 < h1;
}

/* ------------------------------------------------------------------------ */
/* BLAS cores                                                                */
/* ------------------------------------------------------------------------ */

/* C = alpha * op(A) @ op(B) + beta * C, where A is x (transposed if tx), B
 * is y (transposed if ty) and C is dst, which must be writable (any layout:
 * an incompatible one is computed in a copy and copied back). */
static int
core_gemm(int t, const scal_t *alpha, PyArrayObject *x, int tx, PyArrayObject *y, int ty,
          const scal_t *beta, PyArrayObject *dst)
{
    int item = (int)PyArray_ITEMSIZE(dst);
    Mat C = mat_of(dst, 0);
    npy_intp m = C.r, n = C.c, k = tx ? PyArray_DIM(x, 0) : PyArray_DIM(x, 1);
    if (m == 0 || n == 0) return 0;
    if (k == 0) {
        scale_mat(C.p, m, n, C.sr, C.sc, t, beta);
        return 0;
    }
    PyObject *own_a = NULL, *own_b = NULL, *own_c = NULL;
    int rc = -1, lda, ldb, ldc;
    Mat A, B;
    char ta = prep_mat(x, tx, &A, item, &lda, &own_a);
    if (!ta) goto done;
    char tb = prep_mat(y, ty, &B, item, &ldb, &own_b);
    if (!tb) goto done;
    char tc = mat_layout(&C, item, &ldc);
    if (!tc) {
        own_c = PyArray_NewCopy(dst, NPY_CORDER);
        if (!own_c) goto done;
        C = mat_of((PyArrayObject *)own_c, 0);
        tc = mat_layout(&C, item, &ldc);
    }
    int im = (int)m, in = (int)n, ik = (int)k;
    gemm_t fn = (gemm_t)blas_fn[t][R_GEMM];
    int nogil = (double)m * n * k >= BT_NOGIL_MIN;
    PyThreadState *ts = nogil ? PyEval_SaveThread() : NULL;
    if (tc == 'N') {
        fn(&ta, &tb, &im, &in, &ik, (void *)alpha, A.p, &lda, B.p, &ldb, (void *)beta,
           C.p, &ldc);
    } else {
        /* Row-major C: C^T = op(B)^T op(A)^T, flags flipped. */
        char fa = ta == 'N' ? 'T' : 'N', fb = tb == 'N' ? 'T' : 'N';
        fn(&fb, &fa, &in, &im, &ik, (void *)alpha, B.p, &ldb, A.p, &lda, (void *)beta,
           C.p, &ldc);
    }
    if (ts) PyEval_RestoreThread(ts);
    if (own_c && PyArray_CopyInto(dst, (PyArrayObject *)own_c) < 0) goto done;
    rc = 0;
done:
    Py_XDECREF(own_a);
    Py_XDECREF(own_b);
    Py_XDECREF(own_c);
    return rc;
}

/* y = alpha * op(A) @ x + beta * y; A is the matrix a (transposed if ta),
 * y is dst (writable, any strides). */
static int
core_gemv(int t, const scal_t *alpha, PyArrayObject *a, int trans, PyArrayObject *x,
          const scal_t *beta, PyArrayObject *dst)
{
    int item = (int)PyArray_ITEMSIZE(dst);
    Mat A = mat_of(a, trans);
    npy_intp m = A.r, n = A.c;
    npy_intp sy = PyArray_STRIDE(dst, 0);
    if (m == 0) return 0;
    int zero_beta = scal_is(beta, t, 0.0);
    if (n == 0 || zero_beta) {
        /* BLAS returns early for n == 0 (no beta * y); and y need not be
         * set when beta == 0, so zero it: stale NaNs stay out. */
        scale_mat(PyArray_BYTES(dst), m, 1, sy, 0, t, beta);
        if (n == 0) return 0;
    }
    PyObject *own_a = NULL, *own_x = NULL, *own_y = NULL;
    int rc = -1, lda, incx, incy;
    char *px, *py;
    char ta = prep_mat(a, trans, &A, item, &lda, &own_a);
    if (!ta) goto done;
    if (prep_vec(x, item, &px, &incx, &own_x) < 0) goto done;
    if (!vec_inc(dst, item, &py, &incy)) {
        own_y = PyArray_NewCopy(dst, NPY_CORDER);
        if (!own_y) goto done;
        py = PyArray_BYTES((PyArrayObject *)own_y);
        incy = 1;
    }
    int im = (int)m, in = (int)n;
    gemv_t fn = (gemv_t)blas_fn[t][R_GEMV];
    int nogil = (double)m * n >= BT_NOGIL_MIN;
    PyThreadState *ts = nogil ? PyEval_SaveThread() : NULL;
    if (ta == 'N') {
        char tr = 'N';
        fn(&tr, &im, &in, (void *)alpha, A.p, &lda, px, &incx, (void *)beta, py, &incy);
    } else {
        /* A^T is column-major n x m: ask for its transpose. */
        char tr = 'T';
        fn(&tr, &in, &im, (void *)alpha, A.p, &lda, px, &incx, (void *)beta, py, &incy);
    }
    if (ts) PyEval_RestoreThread(ts);
    if (own_y && PyArray_CopyInto(dst, (PyArrayObject *)own_y) < 0) goto done;
    rc = 0;
done:
    Py_XDECREF(own_a);
    Py_XDECREF(own_x);
    Py_XDECREF(own_y);
    return rc;
}

/* dst (m x n, writable) += alpha * outer(x, y). */
static int
core_ger(int t, const scal_t *alpha, PyArrayObject *x, PyArrayObject *y, PyArrayObject *dst)
{
    int item = (int)PyArray_ITEMSIZE(dst);
    Mat A = mat_of(dst, 0);
    if (A.r == 0 || A.c == 0) return 0;
    PyObject *own_x = NULL, *own_y = NULL, *own_a = NULL;
    int rc = -1, lda, incx, incy;
    char *px, *py;
    if (prep_vec(x, item, &px, &incx, &own_x) < 0) goto done;
    if (prep_vec(y, item, &py, &incy, &own_y) < 0) goto done;
    char ta = mat_layout(&A, item, &lda);
    if (!ta) {
        own_a = PyArray_NewCopy(dst, NPY_CORDER);
        if (!own_a) goto done;
        A = mat_of((PyArrayObject *)own_a, 0);
        ta = mat_layout(&A, item, &lda);
    }
    int im = (int)A.r, in = (int)A.c;
    ger_t fn = (ger_t)blas_fn[t][R_GER];
    int nogil = (double)im * in >= BT_NOGIL_MIN;
    PyThreadState *ts = nogil ? PyEval_SaveThread() : NULL;
    if (ta == 'N')
        fn(&im, &in, (void *)alpha, px, &incx, py, &incy, A.p, &lda);
    else  /* row-major A: A^T += alpha * outer(y, x) */
        fn(&in, &im, (void *)alpha, py, &incy, px, &incx, A.p, &lda);
    if (ts) PyEval_RestoreThread(ts);
    if (own_a && PyArray_CopyInto(dst, (PyArrayObject *)own_a) < 0) goto done;
    rc = 0;
done:
    Py_XDECREF(own_x);
    Py_XDECREF(own_y);
    Py_XDECREF(own_a);
    return rc;
}

/* Largest m * n of a real matrix-vector Dot that calls BLAS gemv from here
 * (direct_gemv); bigger ones go through NumPy's product. One gemv costs
 * about 50 ns more than its arithmetic, NumPy's product about 0.3-0.45 us
 * more (operand conversion, overlap and cast checks), which is most of a
 * small product's time. Measured in a scan of h = tanh(W @ h) on 2 cores,
 * the direct call was as fast or faster at every size up to 600 x 600 (NumPy
 * splits gemv over its threads from 9216 multiply-adds, which did not pay);
 * past 256 x 256 NumPy's own BLAS and threads keep the work, so that one
 * thread pool serves big products (see the K_DOT case of bt_run). Settable
 * with set_direct_gemv_max (tests force either path). */
static npy_intp direct_gemv_max = 65536;

/* out = op(A) @ v with one BLAS gemv, A the matrix ``a`` (transposed when
 * ``trans``: the vector-matrix product v @ a is a^T @ v), when both operands
 * lie in memory as BLAS reads them (any positive or negative strides BLAS
 * can express). ``out`` is a C-contiguous vector of op(A)'s row count that
 * shares no memory with ``a`` or ``v`` (a fresh array, or a buffer only its
 * cell holds). Returns 0 when done, 1 when it did nothing (too big, empty,
 * complex, or a layout BLAS cannot read: the caller uses NumPy). */
static int
direct_gemv(int t, PyArrayObject *a, int trans, PyArrayObject *v, PyArrayObject *out)
{
    if (t >= 2) return 1;
    const int item = (int)PyArray_ITEMSIZE(out);
    Mat A = mat_of(a, trans);
    if (A.r == 0 || A.c == 0 || A.r * A.c > direct_gemv_max) return 1;
    int lda, incx, one = 1, im = (int)A.r, in = (int)A.c;
    char *px;
    char ta = mat_layout(&A, item, &lda);
    if (!ta || !vec_inc(v, item, &px, &incx)) return 1;
    char *py = PyArray_BYTES(out);
    scal_t alpha, beta;
    scal_set(&alpha, t, 1.0);
    scal_set(&beta, t, 0.0);
    /* With beta == 0, y is only written; but some OpenBLAS versions scale it
     * by beta first, which keeps a stale NaN of a reused buffer: zeros. */
    memset(py, 0, (size_t)A.r * item);
    gemv_t fn = (gemv_t)blas_fn[t][R_GEMV];
    char tr = ta == 'N' ? 'N' : 'T';
    if (ta == 'N')
        fn(&tr, &im, &in, &alpha, A.p, &lda, px, &incx, &beta, py, &one);
    else  /* A^T is column-major n x m: ask for its transpose. */
        fn(&tr, &in, &im, &alpha, A.p, &lda, px, &incx, &beta, py, &one);
    return 0;
}

/* *out = x . y for vectors (no conjugation). */
static int
core_vdot(int t, PyArrayObject *x, PyArrayObject *y, char *out)
{
    int item = (int)PyArray_ITEMSIZE(x);
    npy_intp n = PyArray_DIM(x, 0);
    memset(out, 0, item);
    if (n == 0) return 0;
    PyObject *own_x = NULL, *own_y = NULL;
    int rc = -1, incx, incy, in = (int)n;
    char *px, *py;
    if (t >= 2) {
        /* Complex results come back by value in ABI-dependent ways: use
         * gemv on x as a contiguous n x 1 column-major matrix instead. */
        if (!PyArray_IS_C_CONTIGUOUS(x) || !vec_inc(x, item, &px, &incx)) {
            own_x = PyArray_NewCopy(x, NPY_CORDER);
            if (!own_x) goto done;
        }
        px = PyArray_BYTES(own_x ? (PyArrayObject *)own_x : x);
    } else if (prep_vec(x, item, &px, &incx, &own_x) < 0) {
        goto done;
    }
    if (prep_vec(y, item, &py, &incy, &own_y) < 0) goto done;
    int nogil = n >= BT_NOGIL_MIN;
    PyThreadState *ts = nogil ? PyEval_SaveThread() : NULL;
    if (t == 0) {
        float r = ((sdot_t)blas_fn[0][R_DOT])(&in, px, &incx, py, &incy);
        memcpy(out, &r, 4);
    } else if (t == 1) {
        double r = ((ddot_t)blas_fn[1][R_DOT])(&in, px, &incx, py, &incy);
        memcpy(out, &r, 8);
    } else {
        char tr = 'T';
        int one = 1, ld = in;
        scal_t a, b;
        scal_set(&a, t, 1.0);
        scal_set(&b, t, 0.0);
        ((gemv_t)blas_fn[t][R_GEMV])(&tr, &in, &one, &a, px, &ld, py, &incy, &b, out, &one);
    }
    if (ts) PyEval_RestoreThread(ts);
    rc = 0;
done:
    Py_XDECREF(own_x);
    Py_XDECREF(own_y);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* BlasThunk                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *dict;
    int kind, typenum, t, nin, inplace;
    int rank[5];
    PyObject *in_cells[5];
    PyObject *out_cell;
    PyObject *in_tuple, *out_tuple;
    PyObject *name;
    PyObject *fallback;  /* the node's Python thunk */
    long long calls, fallbacks;
} BlasThunk;

static PyTypeObject BlasThunkType;

static int
bt_traverse(BlasThunk *self, visitproc visit, void *arg)
{
    Py_VISIT(self->dict);
    Py_VISIT(self->in_tuple);
    Py_VISIT(self->out_tuple);
    Py_VISIT(self->fallback);
    return 0;
}

static int
bt_clear(BlasThunk *self)
{
    Py_CLEAR(self->dict);
    Py_CLEAR(self->in_tuple);
    Py_CLEAR(self->out_tuple);
    Py_CLEAR(self->fallback);
    return 0;
}

static void
bt_dealloc(BlasThunk *self)
{
    PyObject_GC_UnTrack(self);
    bt_clear(self);
    Py_CLEAR(self->name);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
expected_inputs(int kind, int *nin)
{
    switch (kind) {
    case K_DOT: case K_DOT22: *nin = 2; return 0;
    case K_DOT22SCALAR: *nin = 3; return 0;
    case K_GEMM: case K_GEMV: *nin = 5; return 0;
    case K_GER: *nin = 4; return 0;
    default: return -1;
    }
}

static PyObject *bt_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf,
                               PyObject *kwnames);

/* BlasThunk(kind, typenum, in_cells, out_cells, ranks, inplace, name, fallback) */
static int
bt_init(BlasThunk *self, PyObject *args, PyObject *kwds)
{
    int kind, typenum, inplace;
    PyObject *in_cells, *out_cells, *ranks, *name, *fallback;
    if (!PyArg_ParseTuple(args, "iiO!O!O!pUO", &kind, &typenum, &PyTuple_Type, &in_cells,
                          &PyTuple_Type, &out_cells, &PyTuple_Type, &ranks, &inplace,
                          &name, &fallback))
        return -1;
    int nin;
    if (expected_inputs(kind, &nin) < 0) {
        PyErr_Format(PyExc_ValueError, "BlasThunk: unknown kind %d", kind);
        return -1;
    }
    int t = type_index(typenum);
    if (t < 0) {
        PyErr_Format(PyExc_ValueError, "BlasThunk: type number %d is not a BLAS type",
                     typenum);
        return -1;
    }
    int need_dot = kind == K_DOT && t < 2;
    if (!blas_fn[t][R_GEMM] || !blas_fn[t][R_GEMV] || !blas_fn[t][R_GER] ||
        (need_dot && !blas_fn[t][R_DOT])) {
        PyErr_SetString(PyExc_RuntimeError,
                        "BlasThunk: the BLAS routines were not registered");
        return -1;
    }
    if (PyTuple_GET_SIZE(in_cells) != nin || PyTuple_GET_SIZE(out_cells) != 1 ||
        PyTuple_GET_SIZE(ranks) != nin) {
        PyErr_Format(PyExc_ValueError,
                     "BlasThunk: kind %d needs %d input cells, %d ranks and 1 output cell",
                     kind, nin, nin);
        return -1;
    }
    for (int i = 0; i <= nin; i++) {
        PyObject *c = i < nin ? PyTuple_GET_ITEM(in_cells, i) : PyTuple_GET_ITEM(out_cells, 0);
        if (!PyList_CheckExact(c) || PyList_GET_SIZE(c) != 1) {
            PyErr_SetString(PyExc_TypeError, "BlasThunk: cells must be 1-element lists");
            return -1;
        }
    }
    if (self->in_tuple) {
        PyErr_SetString(PyExc_RuntimeError, "BlasThunk already initialised");
        return -1;
    }
    for (int i = 0; i < nin; i++) {
        long r = PyLong_AsLong(PyTuple_GET_ITEM(ranks, i));
        if (r == -1 && PyErr_Occurred()) return -1;
        self->rank[i] = (int)r;
        self->in_cells[i] = PyTuple_GET_ITEM(in_cells, i);
    }
    self->kind = kind;
    self->typenum = typenum;
    self->t = t;
    self->nin = nin;
    self->inplace = inplace;
    self->out_cell = PyTuple_GET_ITEM(out_cells, 0);
    Py_INCREF(in_cells); self->in_tuple = in_cells;
    Py_INCREF(out_cells); self->out_tuple = out_cells;
    Py_INCREF(name); self->name = name;
    Py_INCREF(fallback); self->fallback = fallback;
    self->vectorcall = bt_vectorcall;
    return 0;
}

/* The previous output when nothing else holds it and it fits, else a new
 * C-ordered array. */
static PyArrayObject *
out_buffer(BlasThunk *self, int nd, npy_intp *dims)
{
    PyObject *old = PyList_GET_ITEM(self->out_cell, 0);
    if (PyArray_CheckExact(old) && Py_REFCNT(old) == 1) {
        PyArrayObject *b = (PyArrayObject *)old;
        int ok = PyArray_NDIM(b) == nd && PyArray_TYPE(b) == self->typenum &&
                 PyArray_IS_C_CONTIGUOUS(b) && PyArray_ISWRITEABLE(b) &&
                 PyArray_CHKFLAGS(b, NPY_ARRAY_OWNDATA) && PyArray_ISNOTSWAPPED(b);
        for (int d = 0; ok && d < nd; d++) ok = PyArray_DIM(b, d) == dims[d];
        if (ok) { Py_INCREF(old); return b; }
    }
    return (PyArrayObject *)PyArray_EMPTY(nd, dims, self->typenum, 0);
}

static void
set_output(BlasThunk *self, PyArrayObject *v)  /* steals v */
{
    PyObject *old = PyList_GET_ITEM(self->out_cell, 0);
    PyList_SET_ITEM(self->out_cell, 0, (PyObject *)v);
    Py_XDECREF(old);
}

static int
too_big(npy_intp n)
{
    return n > INT_MAX;
}

/* Run; 0: done, 1: let the Python thunk do it, -1: error. */
static int
bt_run(BlasThunk *self)
{
    PyArrayObject *in[5];
    const int t = self->t;
    for (int i = 0; i < self->nin; i++) {
        PyObject *x = PyList_GET_ITEM(self->in_cells[i], 0);
        if (!PyArray_Check(x)) return 1;
        PyArrayObject *a = (PyArrayObject *)x;
        if (PyArray_TYPE(a) != self->typenum || !PyArray_ISNOTSWAPPED(a) ||
            PyArray_NDIM(a) != self->rank[i])
            return 1;
        for (int d = 0; d < PyArray_NDIM(a); d++)
            if (too_big(PyArray_DIM(a, d))) return 1;
        in[i] = a;
    }
    scal_t alpha, beta;
    scal_set(&alpha, t, 1.0);
    scal_set(&beta, t, 0.0);
    PyArrayObject *out = NULL;
    int rc;
    switch (self->kind) {
    case K_DOT: {
        PyArrayObject *x = in[0], *y = in[1];
        int nx = self->rank[0], ny = self->rank[1];
        if (PyArray_DIM(x, nx - 1) != PyArray_DIM(y, 0)) return 1;
        npy_intp dims[2];
        int nd = 0;
        if (nx == 2) dims[nd++] = PyArray_DIM(x, 0);
        if (ny == 2) dims[nd++] = PyArray_DIM(y, 1);
        out = out_buffer(self, nd, dims);
        if (!out) return -1;
        if (nx == 1 && ny == 1) {
            rc = core_vdot(t, x, y, PyArray_BYTES(out));
        } else if (nx + ny == 3 &&
                   (ny == 1 ? direct_gemv(t, x, 0, y, out) : direct_gemv(t, y, 1, x, out)) == 0) {
            rc = 0;  /* a small matrix-vector product: BLAS gemv, called here */
        } else {
            /* NumPy's own product, on NumPy's BLAS: the thread pool that the
             * user's NumPy code already runs (two OpenBLAS pools spinning on
             * the same cores slow each other down), and its column-major
             * gemv is faster than the one SciPy ships. */
            PyObject *r = PyArray_MatrixProduct2((PyObject *)x, (PyObject *)y, out);
            rc = r ? 0 : -1;
            Py_XDECREF(r);
        }
        break;
    }
    case K_DOT22:
    case K_DOT22SCALAR: {
        PyArrayObject *x = in[0], *y = in[1];
        if (PyArray_DIM(x, 1) != PyArray_DIM(y, 0)) return 1;
        if (self->kind == K_DOT22SCALAR) memcpy(&alpha, PyArray_DATA(in[2]), PyArray_ITEMSIZE(x));
        npy_intp dims[2] = {PyArray_DIM(x, 0), PyArray_DIM(y, 1)};
        out = out_buffer(self, 2, dims);
        if (!out) return -1;
        rc = core_gemm(t, &alpha, x, 0, y, 0, &beta, out);
        break;
    }
    case K_GEMM:
    case K_GEMV: {
        int is_mm = self->kind == K_GEMM;
        PyArrayObject *z = in[0], *x = in[2], *y = in[3];
        int item = (int)PyArray_ITEMSIZE(z);
        memcpy(&alpha, PyArray_DATA(in[1]), item);
        memcpy(&beta, PyArray_DATA(in[4]), item);
        npy_intp m = PyArray_DIM(x, 0);
        npy_intp n = is_mm ? PyArray_DIM(y, 1) : 0;
        if (PyArray_DIM(x, 1) != PyArray_DIM(y, 0) || PyArray_DIM(z, 0) != m ||
            (is_mm && PyArray_DIM(z, 1) != n))
            return 1;  /* broadcasting z, or an error the Python thunk words */
        /* 0 * nan is nan in the Op's semantics; BLAS would drop it. */
        if (scal_is(&beta, t, 0.0) && has_nonfinite(z, t)) return 1;
        int in_place = self->inplace && PyArray_ISWRITEABLE(z) && !overlaps(z, x) &&
                       !overlaps(z, y);
        if (in_place) {
            Py_INCREF(z);
            out = z;
        } else {
            npy_intp dims[2] = {m, n};
            out = out_buffer(self, is_mm ? 2 : 1, dims);
            if (!out) return -1;
            if (!scal_is(&beta, t, 0.0) && PyArray_CopyInto(out, z) < 0) {
                Py_DECREF(out);
                return -1;
            }
        }
        rc = is_mm ? core_gemm(t, &alpha, x, 0, y, 0, &beta, out)
                   : core_gemv(t, &alpha, x, 0, y, &beta, out);
        break;
    }
    case K_GER: {
        PyArrayObject *A = in[0], *x = in[2], *y = in[3];
        memcpy(&alpha, PyArray_DATA(in[1]), PyArray_ITEMSIZE(A));
        npy_intp dims[2] = {PyArray_DIM(x, 0), PyArray_DIM(y, 0)};
        if (PyArray_DIM(A, 0) != dims[0] || PyArray_DIM(A, 1) != dims[1]) return 1;
        int in_place = self->inplace && PyArray_ISWRITEABLE(A) && !overlaps(A, x) &&
                       !overlaps(A, y);
        if (in_place) {
            Py_INCREF(A);
            out = A;
        } else {
            out = out_buffer(self, 2, dims);
            if (!out) return -1;
            if (PyArray_CopyInto(out, A) < 0) { Py_DECREF(out); return -1; }
        }
        rc = core_ger(t, &alpha, x, y, out);
        break;
    }
    default:
        PyErr_SetString(PyExc_RuntimeError, "BlasThunk: bad kind");
        return -1;
    }
    if (rc < 0) {
        Py_DECREF(out);
        return -1;
    }
    set_output(self, out);
    return 0;
}

static int
bt_call_once(BlasThunk *self)
{
    int r = bt_run(self);
    if (r == 0) {
        self->calls++;
        return 0;
    }
    if (r < 0) return -1;
    self->fallbacks++;
    PyObject *res = PyObject_CallNoArgs(self->fallback);
    if (!res) return -1;
    Py_DECREF(res);
    return 0;
}

static PyObject *
bt_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "a BlasThunk takes no arguments");
        return NULL;
    }
    BlasThunk *self = (BlasThunk *)callable;
    if (!self->in_tuple) {
        PyErr_SetString(PyExc_RuntimeError, "BlasThunk not initialised");
        return NULL;
    }
    if (bt_call_once(self) < 0) return NULL;
    Py_RETURN_NONE;
}

static PyObject *
bt_get_inputs(BlasThunk *self, void *c)
{
    return PySequence_List(self->in_tuple ? self->in_tuple : PyTuple_New(0));
}

static PyObject *
bt_get_outputs(BlasThunk *self, void *c)
{
    return PySequence_List(self->out_tuple ? self->out_tuple : PyTuple_New(0));
}

static PyGetSetDef bt_getset[] = {
    {"inputs", (getter)bt_get_inputs, NULL, "The input storage cells.", NULL},
    {"outputs", (getter)bt_get_outputs, NULL, "The output storage cells.", NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

static PyMemberDef bt_members[] = {
    {"calls", T_LONGLONG, offsetof(BlasThunk, calls), 0,
     "How many times BLAS computed the node."},
    {"fallbacks", T_LONGLONG, offsetof(BlasThunk, fallbacks), 0,
     "How many times the Python thunk ran instead."},
    {"name", T_OBJECT, offsetof(BlasThunk, name), READONLY, "The node's Op."},
    {NULL},
};

static PyTypeObject BlasThunkType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_blas_runtime.BlasThunk",
    .tp_basicsize = sizeof(BlasThunk),
    .tp_dealloc = (destructor)bt_dealloc,
    .tp_vectorcall_offset = offsetof(BlasThunk, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "A thunk computing a Dot/Gemm/Gemv/Ger node with SciPy's BLAS.",
    .tp_traverse = (traverseproc)bt_traverse,
    .tp_clear = (inquiry)bt_clear,
    .tp_getset = bt_getset,
    .tp_members = bt_members,
    .tp_dictoffset = offsetof(BlasThunk, dict),
    .tp_init = (initproc)bt_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------------------ */

/* set_routine(type_index, routine_index, capsule) */
static PyObject *
br_set_routine(PyObject *self, PyObject *args)
{
    int t, r;
    PyObject *cap;
    if (!PyArg_ParseTuple(args, "iiO", &t, &r, &cap)) return NULL;
    if (t < 0 || t > 3 || r < 0 || r >= R_COUNT) {
        PyErr_SetString(PyExc_ValueError, "set_routine: bad type or routine index");
        return NULL;
    }
    if (!PyCapsule_CheckExact(cap)) {
        PyErr_SetString(PyExc_TypeError, "set_routine: expected a PyCapsule");
        return NULL;
    }
    const char *name = PyCapsule_GetName(cap);
    if (!name && PyErr_Occurred()) return NULL;
    void *p = PyCapsule_GetPointer(cap, name);
    if (!p) return NULL;
    blas_fn[t][r] = p;
    Py_RETURN_NONE;
}

static PyObject *
br_ready(PyObject *self, PyObject *args)
{
    int t;
    if (!PyArg_ParseTuple(args, "i", &t)) return NULL;
    if (t < 0 || t > 3) return PyBool_FromLong(0);
    int ok = blas_fn[t][R_GEMM] && blas_fn[t][R_GEMV] && blas_fn[t][R_GER] &&
             (t >= 2 || blas_fn[t][R_DOT]);
    return PyBool_FromLong(ok);
}

/* set_direct_gemv_max(n) -> the previous value: the largest m * n of a
 * matrix-vector Dot that calls gemv directly (0: never). */
static PyObject *
br_set_direct_gemv_max(PyObject *self, PyObject *args)
{
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "n", &n)) return NULL;
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "set_direct_gemv_max: n must be >= 0");
        return NULL;
    }
    npy_intp old = direct_gemv_max;
    direct_gemv_max = (npy_intp)n;
    return PyLong_FromSsize_t((Py_ssize_t)old);
}

static PyMethodDef br_methods[] = {
    {"set_direct_gemv_max", br_set_direct_gemv_max, METH_VARARGS,
     "set_direct_gemv_max(n) -> previous: the largest m * n of a matrix-vector Dot "
     "computed by calling BLAS gemv directly (bigger: NumPy's product)."},
    {"set_routine", br_set_routine, METH_VARARGS,
     "set_routine(type_index, routine_index, capsule): register a BLAS routine."},
    {"ready", br_ready, METH_VARARGS,
     "ready(type_index): whether that type's routines are registered."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef br_module = {
    PyModuleDef_HEAD_INIT, "MODULE_NAME", "BLAS thunks of the aesara C backend.", -1,
    br_methods,
};

PyMODINIT_FUNC
PyInit_MODULE_NAME(void)
{
    import_array();
    if (PyType_Ready(&BlasThunkType) < 0) return NULL;
    PyObject *m = PyModule_Create(&br_module);
    if (!m) return NULL;
    Py_INCREF(&BlasThunkType);
    PyModule_AddObject(m, "BlasThunk", (PyObject *)&BlasThunkType);
    PyModule_AddIntConstant(m, "K_DOT", K_DOT);
    PyModule_AddIntConstant(m, "K_DOT22", K_DOT22);
    PyModule_AddIntConstant(m, "K_DOT22SCALAR", K_DOT22SCALAR);
    PyModule_AddIntConstant(m, "K_GEMM", K_GEMM);
    PyModule_AddIntConstant(m, "K_GEMV", K_GEMV);
    PyModule_AddIntConstant(m, "K_GER", K_GER);
    PyModule_AddIntConstant(m, "R_GEMM", R_GEMM);
    PyModule_AddIntConstant(m, "R_GEMV", R_GEMV);
    PyModule_AddIntConstant(m, "R_GER", R_GER);
    PyModule_AddIntConstant(m, "R_DOT", R_DOT);
    return m;
}
