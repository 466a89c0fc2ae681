/* The aesara C runtime, part 3: the thunk of random variables (RandomThunk).
 *
 * Joined after runtime.c and lazy_loop.c (it uses check_cells from runtime.c)
 * and before call_path.c (which registers the type).
 *
 * A random variable's node reads (rng, size, dtype index, *parameters) and
 * writes (new rng, draw). Its Python thunk goes through several Python
 * frames per draw (the thunk, perform, rng_fn, ...). For the distributions
 * whose draw is one method call on a NumPy Generator,
 *
 *     draw = getattr(rng, method)(*prefix, *parameters, size)
 *
 * this thunk makes that call directly. A random variable that may not
 * overwrite its generator draws from copy(rng) (the copy function is
 * aesara.link.c.ops.random.copy_generator_c). A draw that is not an array of
 * the output's dtype (a Python float for a scalar draw) is converted as
 * np.asarray(draw, dtype) converts it. A generator of another type (a
 * RandomState, a subclass) or an unusual size runs the node's Python thunk.
 */

#define RT_MAXARGS 16

/* ------------------------------------------------------------------------ */
/* copy_pcg64_state(src, dst): the state of one PCG64 (or PCG64DXSM) bit     */
/* generator copied into another, without the ``state`` property's dicts of */
/* 128-bit Python ints (2 us -> 0.1 us).                                     */
/*                                                                          */
/* It relies on NumPy's layout of these generators' state (a pointer to the */
/* 128-bit state and increment, then the buffered 32-bit half), reached     */
/* through the public bitgen_t capsule. The caller (_copy_pcg_state in     */
/* aesara/link/c/ops/random.py) checks the first copy of each process       */
/* against the ``state`` property and stops using this if they differ.      */
/* ------------------------------------------------------------------------ */

typedef struct {
    void *state;
    void *next_uint64, *next_uint32, *next_double, *next_raw;
} ae_bitgen_t;

typedef struct {
    npy_uint64 words[4]; /* 128-bit state, 128-bit increment */
} ae_pcg128_pair;

typedef struct {
    ae_pcg128_pair *pcg_state;
    int has_uint32;
    npy_uint32 uinteger;
} ae_pcg64_state;

static ae_bitgen_t *
rv_bitgen(PyObject *bg)
{
    PyObject *cap = PyObject_GetAttrString(bg, "capsule");
    if (!cap) return NULL;
    ae_bitgen_t *b = PyCapsule_GetPointer(cap, "BitGenerator");
    Py_DECREF(cap);
    if (b && !b->state) {
        PyErr_SetString(PyExc_ValueError, "copy_pcg64_state: an uninitialised bit generator");
        return NULL;
    }
    return b;
}

static PyObject *
rv_copy_pcg64_state(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "copy_pcg64_state(src, dst) takes two bit generators");
        return NULL;
    }
    if (Py_TYPE(args[0]) != Py_TYPE(args[1])) {
        PyErr_SetString(PyExc_TypeError, "copy_pcg64_state: bit generators of different types");
        return NULL;
    }
    ae_bitgen_t *src = rv_bitgen(args[0]), *dst = src ? rv_bitgen(args[1]) : NULL;
    if (!src || !dst) return NULL;
    ae_pcg64_state *s = src->state, *d = dst->state;
    if (!s->pcg_state || !d->pcg_state) {
        PyErr_SetString(PyExc_ValueError, "copy_pcg64_state: no PCG state");
        return NULL;
    }
    *d->pcg_state = *s->pcg_state;
    d->has_uint32 = s->has_uint32;
    d->uinteger = s->uinteger;
    Py_RETURN_NONE;
}

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *dict;
    PyObject **in_cells;    /* borrowed from in_tuple */
    Py_ssize_t nin;
    PyObject *in_tuple, *out_tuple;
    PyObject *method;       /* str: the Generator method */
    PyObject *prefix;       /* tuple: arguments before the parameters */
    PyObject *copy;         /* callable, or None when drawing in place */
    PyObject *gen_type;     /* numpy.random.Generator */
    PyObject *fallback;     /* the node's Python thunk */
    PyObject *name;
    int out_type;           /* NumPy type number of the draw */
    long long calls, py_calls;
} RandomThunk;

static PyTypeObject RandomThunkType;

/* The draw's size argument: None for an empty size vector, else a tuple of
 * ints; NULL (no error set) when the size is not an int64 vector. */
static PyObject *
rv_size(PyObject *size)
{
    if (!PyArray_CheckExact(size)) return NULL;
    PyArrayObject *s = (PyArrayObject *)size;
    if (PyArray_NDIM(s) != 1 || PyArray_TYPE(s) != NPY_INT64 || !PyArray_ISALIGNED(s))
        return NULL;
    npy_intp n = PyArray_DIM(s, 0);
    if (n == 0) Py_RETURN_NONE;
    PyObject *t = PyTuple_New(n);
    if (!t) return NULL;
    for (npy_intp k = 0; k < n; k++) {
        npy_int64 v = *(npy_int64 *)(PyArray_BYTES(s) + k * PyArray_STRIDE(s, 0));
        PyObject *i = PyLong_FromLongLong(v);
        if (!i) { Py_DECREF(t); return NULL; }
        PyTuple_SET_ITEM(t, k, i);
    }
    return t;
}

static inline void
rv_set(PyObject *cell, PyObject *v) /* steals v */
{
    PyObject *old = PyList_GET_ITEM(cell, 0);
    PyList_SET_ITEM(cell, 0, v);
    Py_XDECREF(old);
}

/* 0 done, -1 error, 1 run the Python thunk. */
static int
rv_draw(RandomThunk *self)
{
    PyObject *rng = PyList_GET_ITEM(self->in_cells[0], 0);
    if ((PyObject *)Py_TYPE(rng) != self->gen_type) return 1;
    const Py_ssize_t npre = PyTuple_GET_SIZE(self->prefix), npar = self->nin - 3;
    if (1 + npre + npar + 1 > RT_MAXARGS) return 1;
    PyObject *size = rv_size(PyList_GET_ITEM(self->in_cells[1], 0));
    if (!size) {
        if (PyErr_Occurred()) return -1;
        return 1;
    }
    PyObject *g;
    if (self->copy != Py_None) {
        g = PyObject_CallOneArg(self->copy, rng);
        if (!g) { Py_DECREF(size); return -1; }
    } else {
        Py_INCREF(rng);
        g = rng;
    }
    PyObject *args[RT_MAXARGS];
    Py_ssize_t n = 0;
    args[n++] = g;
    for (Py_ssize_t k = 0; k < npre; k++) args[n++] = PyTuple_GET_ITEM(self->prefix, k);
    for (Py_ssize_t k = 0; k < npar; k++) args[n++] = PyList_GET_ITEM(self->in_cells[3 + k], 0);
    args[n++] = size;
    PyObject *value = PyObject_VectorcallMethod(self->method, args, (size_t)n, NULL);
    Py_DECREF(size);
    if (!value) { Py_DECREF(g); return -1; }
    if (!PyArray_CheckExact(value) || PyArray_TYPE((PyArrayObject *)value) != self->out_type) {
        PyArray_Descr *d = PyArray_DescrFromType(self->out_type);
        PyObject *a = d ? PyArray_FromAny(value, d, 0, 0, NPY_ARRAY_FORCECAST, NULL) : NULL;
        Py_DECREF(value);
        if (!a) { Py_DECREF(g); return -1; }
        value = a;
    }
    rv_set(PyTuple_GET_ITEM(self->out_tuple, 0), g);
    rv_set(PyTuple_GET_ITEM(self->out_tuple, 1), value);
    return 0;
}

static int
rv_run(RandomThunk *self)
{
    int r = rv_draw(self);
    if (r == 1) {
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
rv_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) || (kwnames && PyTuple_GET_SIZE(kwnames))) {
        PyErr_SetString(PyExc_TypeError, "a RandomThunk takes no arguments");
        return NULL;
    }
    if (rv_run((RandomThunk *)callable) < 0) return NULL;
    Py_RETURN_NONE;
}

static int
rv_traverse(RandomThunk *self, visitproc visit, void *arg)
{
    Py_VISIT(self->dict);
    Py_VISIT(self->in_tuple);
    Py_VISIT(self->out_tuple);
    Py_VISIT(self->method);
    Py_VISIT(self->prefix);
    Py_VISIT(self->copy);
    Py_VISIT(self->gen_type);
    Py_VISIT(self->fallback);
    Py_VISIT(self->name);
    return 0;
}

static int
rv_clear(RandomThunk *self)
{
    Py_CLEAR(self->dict);
    Py_CLEAR(self->in_tuple);
    Py_CLEAR(self->out_tuple);
    Py_CLEAR(self->method);
    Py_CLEAR(self->prefix);
    Py_CLEAR(self->copy);
    Py_CLEAR(self->gen_type);
    Py_CLEAR(self->fallback);
    Py_CLEAR(self->name);
    self->nin = 0;
    return 0;
}

static void
rv_dealloc(RandomThunk *self)
{
    PyObject_GC_UnTrack(self);
    rv_clear(self);
    PyMem_Free(self->in_cells);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* RandomThunk(in_cells, out_cells, method, prefix, copy, generator_type,
 *             out_typenum, name, fallback) */
static int
rv_init(RandomThunk *self, PyObject *args, PyObject *kwds)
{
    PyObject *in_cells, *out_cells, *method, *prefix, *copy, *gen_type, *name, *fallback;
    int out_type;
    if (!PyArg_ParseTuple(args, "O!O!UO!OOiUO", &PyTuple_Type, &in_cells, &PyTuple_Type,
                          &out_cells, &method, &PyTuple_Type, &prefix, &copy, &gen_type,
                          &out_type, &name, &fallback))
        return -1;
    if (self->in_tuple) {
        PyErr_SetString(PyExc_RuntimeError, "RandomThunk already initialised");
        return -1;
    }
    if (check_cells(in_cells, "in_cells") || check_cells(out_cells, "out_cells")) return -1;
    if (PyTuple_GET_SIZE(in_cells) < 3 || PyTuple_GET_SIZE(out_cells) != 2) {
        PyErr_SetString(PyExc_ValueError,
                        "RandomThunk: needs (rng, size, dtype, *params) in and (rng, draw) out");
        return -1;
    }
    if ((copy != Py_None && !PyCallable_Check(copy)) || !PyCallable_Check(fallback) ||
        !PyType_Check(gen_type)) {
        PyErr_SetString(PyExc_TypeError,
                        "RandomThunk: copy and fallback must be callable, generator_type a type");
        return -1;
    }
    PyArray_Descr *d = PyArray_DescrFromType(out_type);
    if (!d) return -1;
    Py_DECREF(d);
    Py_ssize_t nin = PyTuple_GET_SIZE(in_cells);
    self->in_cells = PyMem_Malloc(sizeof(PyObject *) * ((size_t)nin + 1));
    if (!self->in_cells) { PyErr_NoMemory(); return -1; }
    for (Py_ssize_t i = 0; i < nin; i++) self->in_cells[i] = PyTuple_GET_ITEM(in_cells, i);
    self->nin = nin;
    self->out_type = out_type;
    Py_INCREF(method);
    PyUnicode_InternInPlace(&method); /* takes our reference, gives one back */
    self->method = method;
    Py_INCREF(in_cells); self->in_tuple = in_cells;
    Py_INCREF(out_cells); self->out_tuple = out_cells;
    Py_INCREF(prefix); self->prefix = prefix;
    Py_INCREF(copy); self->copy = copy;
    Py_INCREF(gen_type); self->gen_type = gen_type;
    Py_INCREF(name); self->name = name;
    Py_INCREF(fallback); self->fallback = fallback;
    self->vectorcall = rv_vectorcall;
    return 0;
}

static PyObject *
rv_get_inputs(RandomThunk *self, void *c)
{
    return self->in_tuple ? PySequence_List(self->in_tuple) : PyList_New(0);
}

static PyObject *
rv_get_outputs(RandomThunk *self, void *c)
{
    return self->out_tuple ? PySequence_List(self->out_tuple) : PyList_New(0);
}

static PyObject *
rv_repr(RandomThunk *self)
{
    return PyUnicode_FromFormat("<RandomThunk %S>", self->name ? self->name : Py_None);
}

static PyGetSetDef rv_getset[] = {
    {"inputs", (getter)rv_get_inputs, NULL, "The input storage cells.", NULL},
    {"outputs", (getter)rv_get_outputs, NULL, "The output storage cells.", NULL},
    {"__dict__", PyObject_GenericGetDict, PyObject_GenericSetDict, NULL, NULL},
    {NULL},
};

static PyMemberDef rv_members[] = {
    {"calls", T_LONGLONG, offsetof(RandomThunk, calls), 0, "How many times the C path ran."},
    {"py_calls", T_LONGLONG, offsetof(RandomThunk, py_calls), 0,
     "How many times the Python thunk ran instead."},
    {NULL},
};

static PyTypeObject RandomThunkType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "aesara_runtime.RandomThunk",
    .tp_basicsize = sizeof(RandomThunk),
    .tp_dealloc = (destructor)rv_dealloc,
    .tp_vectorcall_offset = offsetof(RandomThunk, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_repr = (reprfunc)rv_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "A thunk drawing a random variable with one Generator method call.",
    .tp_traverse = (traverseproc)rv_traverse,
    .tp_clear = (inquiry)rv_clear,
    .tp_getset = rv_getset,
    .tp_members = rv_members,
    .tp_dictoffset = offsetof(RandomThunk, dict),
    .tp_init = (initproc)rv_init,
    .tp_new = PyType_GenericNew,
};
