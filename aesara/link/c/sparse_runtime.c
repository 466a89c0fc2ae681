/* Sparse kernels SciPy does not have: the sampled dense-dense product.
 *
 * Built once per machine by aesara/link/c/sparse_runtime.py (through the
 * compile cache) and called by aesara.sparse ops through that module's
 * helpers, which fall back to NumPy when no compiler works.
 *
 * sampled_rowdot(indptr, indices, major, minor, out) computes, for every
 * stored entry k of a compressed (csr or csc) pattern whose major index is r
 * (the row of a csr matrix, the column of a csc one) and minor index
 * c = indices[k],
 *
 *     out[k] = sum_t major[r, t] * minor[c, t]
 *
 * i.e. the entries of major @ minor.T at the stored positions only. This is
 * the gradient of a structured sparse-dense product with respect to the
 * stored values, and the core of a sampling dot. ``major`` and ``minor`` are
 * C-contiguous matrices of one float dtype (float32 or float64) with the same
 * number of columns; ``indptr``/``indices`` are int32 or int64 vectors (the
 * same dtype); ``out`` is a contiguous vector of the float dtype. Indices
 * are checked against the matrix sizes before anything is read, and the
 * loop runs without the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#include <stdint.h>

/* One dot product of length k; the simd reduction lets the compiler
 * vectorise it without -ffast-math (only this sum is reassociated). */
#define SR_DOT(T, NAME)                                                       \
    static inline T NAME(const T *restrict a, const T *restrict b, npy_intp k) \
    {                                                                         \
        T acc = 0;                                                            \
        _Pragma("omp simd reduction(+:acc)")                                  \
        for (npy_intp t = 0; t < k; t++) acc += a[t] * b[t];                  \
        return acc;                                                           \
    }

SR_DOT(float, sr_dot_f)
SR_DOT(double, sr_dot_d)

/* The loop over the pattern, for one index type I and value type T. */
#define SR_LOOP(I, T, DOT, NAME)                                              \
    static void NAME(const I *indptr, const I *indices, npy_intp n_major,     \
                     const T *major, const T *minor, npy_intp k, T *out)      \
    {                                                                         \
        for (npy_intp r = 0; r < n_major; r++) {                              \
            const T *row = major + r * k;                                     \
            npy_intp lo = (npy_intp)indptr[r], hi = (npy_intp)indptr[r + 1];  \
            for (npy_intp p = lo; p < hi; p++)                                \
                out[p] = DOT(row, minor + (npy_intp)indices[p] * k, k);       \
        }                                                                     \
    }

SR_LOOP(int32_t, float, sr_dot_f, sr_loop_i4_f)
SR_LOOP(int32_t, double, sr_dot_d, sr_loop_i4_d)
SR_LOOP(int64_t, float, sr_dot_f, sr_loop_i8_f)
SR_LOOP(int64_t, double, sr_dot_d, sr_loop_i8_d)

/* Check the pattern: indptr starts at 0, never decreases, ends at nnz, and
 * every index lies in [0, n_minor). Returns 0 when valid. */
#define SR_CHECK(I, NAME)                                                     \
    static int NAME(const I *indptr, const I *indices, npy_intp n_major,      \
                    npy_intp nnz, npy_intp n_minor)                           \
    {                                                                         \
        if (indptr[0] != 0 || (npy_intp)indptr[n_major] != nnz) return 1;     \
        for (npy_intp r = 0; r < n_major; r++)                                \
            if (indptr[r + 1] < indptr[r]) return 1;                          \
        for (npy_intp p = 0; p < nnz; p++)                                    \
            if (indices[p] < 0 || (npy_intp)indices[p] >= n_minor) return 2;  \
        return 0;                                                             \
    }

SR_CHECK(int32_t, sr_check_i4)
SR_CHECK(int64_t, sr_check_i8)

static int
sr_is_vector(PyObject *o, const char *what, PyArrayObject **out)
{
    if (!PyArray_Check(o) || PyArray_NDIM((PyArrayObject *)o) != 1 ||
        !PyArray_IS_C_CONTIGUOUS((PyArrayObject *)o)) {
        PyErr_Format(PyExc_TypeError, "sampled_rowdot: %s must be a contiguous vector",
                     what);
        return -1;
    }
    *out = (PyArrayObject *)o;
    return 0;
}

static int
sr_is_matrix(PyObject *o, const char *what, PyArrayObject **out)
{
    if (!PyArray_Check(o) || PyArray_NDIM((PyArrayObject *)o) != 2 ||
        !PyArray_IS_C_CONTIGUOUS((PyArrayObject *)o)) {
        PyErr_Format(PyExc_TypeError,
                     "sampled_rowdot: %s must be a C-contiguous matrix", what);
        return -1;
    }
    *out = (PyArrayObject *)o;
    return 0;
}

static PyObject *
sr_sampled_rowdot(PyObject *self, PyObject *args)
{
    PyObject *o_ptr, *o_ind, *o_major, *o_minor, *o_out;
    PyArrayObject *ptr, *ind, *major, *minor, *out;
    if (!PyArg_ParseTuple(args, "OOOOO", &o_ptr, &o_ind, &o_major, &o_minor, &o_out))
        return NULL;
    if (sr_is_vector(o_ptr, "indptr", &ptr) || sr_is_vector(o_ind, "indices", &ind) ||
        sr_is_matrix(o_major, "major", &major) || sr_is_matrix(o_minor, "minor", &minor) ||
        sr_is_vector(o_out, "out", &out))
        return NULL;
    int itype = PyArray_TYPE(ptr), vtype = PyArray_TYPE(major);
    if (PyArray_TYPE(ind) != itype || (itype != NPY_INT32 && itype != NPY_INT64)) {
        PyErr_SetString(PyExc_TypeError,
                        "sampled_rowdot: indptr and indices must both be int32 or int64");
        return NULL;
    }
    if (PyArray_TYPE(minor) != vtype || PyArray_TYPE(out) != vtype ||
        (vtype != NPY_FLOAT32 && vtype != NPY_FLOAT64)) {
        PyErr_SetString(PyExc_TypeError,
                        "sampled_rowdot: major, minor and out must all be float32 or "
                        "all float64");
        return NULL;
    }
    if (!PyArray_ISWRITEABLE(out)) {
        PyErr_SetString(PyExc_ValueError, "sampled_rowdot: out is read-only");
        return NULL;
    }
    npy_intp n_major = PyArray_DIM(ptr, 0) - 1, nnz = PyArray_DIM(ind, 0);
    npy_intp k = PyArray_DIM(major, 1), n_minor = PyArray_DIM(minor, 0);
    if (n_major < 0 || PyArray_DIM(major, 0) != n_major || PyArray_DIM(minor, 1) != k ||
        PyArray_DIM(out, 0) != nnz) {
        PyErr_Format(PyExc_ValueError,
                     "sampled_rowdot: shape mismatch (indptr %zd, indices %zd, major "
                     "%zdx%zd, minor %zdx%zd, out %zd)",
                     (Py_ssize_t)PyArray_DIM(ptr, 0), (Py_ssize_t)nnz,
                     (Py_ssize_t)PyArray_DIM(major, 0), (Py_ssize_t)k,
                     (Py_ssize_t)n_minor, (Py_ssize_t)PyArray_DIM(minor, 1),
                     (Py_ssize_t)PyArray_DIM(out, 0));
        return NULL;
    }
    int bad;
    Py_BEGIN_ALLOW_THREADS
    if (itype == NPY_INT32)
        bad = sr_check_i4(PyArray_DATA(ptr), PyArray_DATA(ind), n_major, nnz, n_minor);
    else
        bad = sr_check_i8(PyArray_DATA(ptr), PyArray_DATA(ind), n_major, nnz, n_minor);
    if (!bad) {
        if (itype == NPY_INT32 && vtype == NPY_FLOAT32)
            sr_loop_i4_f(PyArray_DATA(ptr), PyArray_DATA(ind), n_major,
                         PyArray_DATA(major), PyArray_DATA(minor), k, PyArray_DATA(out));
        else if (itype == NPY_INT32)
            sr_loop_i4_d(PyArray_DATA(ptr), PyArray_DATA(ind), n_major,
                         PyArray_DATA(major), PyArray_DATA(minor), k, PyArray_DATA(out));
        else if (vtype == NPY_FLOAT32)
            sr_loop_i8_f(PyArray_DATA(ptr), PyArray_DATA(ind), n_major,
                         PyArray_DATA(major), PyArray_DATA(minor), k, PyArray_DATA(out));
        else
            sr_loop_i8_d(PyArray_DATA(ptr), PyArray_DATA(ind), n_major,
                         PyArray_DATA(major), PyArray_DATA(minor), k, PyArray_DATA(out));
    }
    Py_END_ALLOW_THREADS
    if (bad == 1) {
        PyErr_SetString(PyExc_ValueError,
                        "sampled_rowdot: indptr is not a valid compressed-pointer "
                        "array for these indices");
        return NULL;
    }
    if (bad == 2) {
        PyErr_Format(PyExc_ValueError,
                     "sampled_rowdot: an index is out of range [0, %zd)",
                     (Py_ssize_t)n_minor);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef sr_methods[] = {
    {"sampled_rowdot", sr_sampled_rowdot, METH_VARARGS,
     "sampled_rowdot(indptr, indices, major, minor, out): out[k] = "
     "major[r] . minor[indices[k]] for every stored entry k of major index r."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef sr_module = {
    PyModuleDef_HEAD_INIT, "MODULE_NAME", "The aesara sparse runtime.", -1, sr_methods,
};

PyMODINIT_FUNC
PyInit_MODULE_NAME(void)
{
    import_array();
    return PyModule_Create(&sr_module);
}
