#section support_code

/* Shared by every node of the op. */
static int user_axpb_check(PyArrayObject* x) {
    if (PyArray_NDIM(x) < 1) {
        PyErr_SetString(PyExc_ValueError, "UserAxpb: the input needs a dimension");
        return -1;
    }
    return 0;
}

#section support_code_struct

npy_int64 APPLY_SPECIFIC(calls);

#section init_code_struct

APPLY_SPECIFIC(calls) = 0;

#section support_code_apply

/* y = a * x + b, element by element, for this node's dtypes. */
int APPLY_SPECIFIC(axpb)(PyArrayObject* x, PyArrayObject** y,
                         PARAMS_TYPE* params) {
    if (user_axpb_check(x) != 0) return -1;
    Py_XDECREF(*y);
    *y = (PyArrayObject*)PyArray_EMPTY(PyArray_NDIM(x), PyArray_DIMS(x),
                                       TYPENUM_OUTPUT_0, 0);
    if (*y == NULL) return -1;
    PyArrayObject* xc = PyArray_GETCONTIGUOUS(x);
    if (xc == NULL) return -1;
    const DTYPE_INPUT_0* src = (const DTYPE_INPUT_0*)PyArray_DATA(xc);
    DTYPE_OUTPUT_0* dst = (DTYPE_OUTPUT_0*)PyArray_DATA(*y);
    npy_intp n = PyArray_SIZE(xc);
    for (npy_intp i = 0; i < n; ++i) {
        dst[i] = (DTYPE_OUTPUT_0)(params->a * src[i] + params->b);
    }
    Py_DECREF(xc);
    return 0;
}
