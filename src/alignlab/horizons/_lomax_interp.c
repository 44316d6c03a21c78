/* The compiled interpolation of the Lomax-sum logit table: alignlab.horizons.lomax_table's
 * LomaxTable.logit, point by point, with the same formulas in the same order as its NumPy kernel
 * (lomax_table._logit_block); only the order of the stencil sums may differ (einsum's), so the two
 * agree to rounding. Optional: without it the NumPy kernel runs (lomax_table.kernel() says which).
 *
 * logit(grid, values, delta, slope, beta, n, y, out)
 *   grid: float64[12], per axis (log beta, log n, u) its first node, last node, step and node count;
 *   values, delta, slope: the edge-padded tables, C order, float64 (padded shapes from the counts);
 *   beta, n, y: float64[P]; out: float64[P] (the logit) or float64[4 P] (the logit, then its
 *   derivatives in log beta, log n and log y, each P long). Input that is NaN gives NaN, never a read
 *   outside the tables.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>

typedef struct {
    double lo, hi, h;
    Py_ssize_t size;
} axis_t;

typedef struct {
    axis_t beta, n, u;
    const double *values, *delta, *slope;
    Py_ssize_t stride_b, stride_n, stride_delta; /* values: (b, n, u) strides; delta, slope: the b stride */
} table_t;

/* The position of x on a uniform axis: index of the node at or below x (held inside the grid), the
 * fraction t past it, and 1/h where x is inside the grid, else 0 (the derivative beyond it). */
static inline double position(const axis_t *ax, double x, Py_ssize_t *i, double *scale)
{
    double pos = (x - ax->lo) / ax->h;
    double top = (double)(ax->size - 1) - 1e-9;
    if (pos < 0.0)
        pos = 0.0;
    else if (pos > top)
        pos = top;
    double f = floor(pos);
    *i = isnan(f) ? 0 : (Py_ssize_t)f; /* NaN: weights NaN, stencil at the start */
    *scale = (x >= ax->lo && x <= ax->hi) ? 1.0 / ax->h : 0.0;
    return pos - f;
}

/* The quintic B-spline (log n and u): stencil i-2 .. i+3 of the unpadded coefficients, i .. i+5 of the
 * padded ones; the weights (polynomials in t, lomax_table._QUINTIC, by Horner's rule) and their
 * derivatives in x. */
#define W 6
static const double QUINTIC[W][6] = {
    {1 / 120.0, -5 / 120.0, 10 / 120.0, -10 / 120.0, 5 / 120.0, -1 / 120.0},
    {26 / 120.0, -50 / 120.0, 20 / 120.0, 20 / 120.0, -20 / 120.0, 5 / 120.0},
    {66 / 120.0, 0 / 120.0, -60 / 120.0, 0 / 120.0, 30 / 120.0, -10 / 120.0},
    {26 / 120.0, 50 / 120.0, 20 / 120.0, -20 / 120.0, -20 / 120.0, 10 / 120.0},
    {1 / 120.0, 5 / 120.0, 10 / 120.0, 10 / 120.0, 5 / 120.0, -5 / 120.0},
    {0 / 120.0, 0 / 120.0, 0 / 120.0, 0 / 120.0, 0 / 120.0, 1 / 120.0},
};

static inline void spline(const axis_t *ax, double x, Py_ssize_t *i, double w[W], double dw[W])
{
    double scale, t = position(ax, x, i, &scale);
    for (int k = 0; k < W; k++) {
        const double *row = QUINTIC[k];
        double value = row[5], slope = 5 * row[5];
        for (int power = 4; power >= 0; power--) {
            value = value * t + row[power];
            if (power)
                slope = slope * t + power * row[power];
        }
        w[k] = value;
        dw[k] = slope * scale;
    }
}

/* Catmull-Rom (log beta: through the values themselves), the same stencil. */
static inline void catmull_rom(const axis_t *ax, double x, Py_ssize_t *i, double w[4], double dw[4])
{
    double scale, t = position(ax, x, i, &scale);
    double t2 = t * t, t3 = t * t * t;
    w[0] = (-t3 + 2 * t2 - t) / 2;
    w[1] = (3 * t3 - 5 * t2 + 2) / 2;
    w[2] = (-3 * t3 + 4 * t2 + t) / 2;
    w[3] = (t3 - t2) / 2;
    dw[0] = (-3 * t2 + 4 * t - 1) / 2 * scale;
    dw[1] = (9 * t2 - 10 * t) / 2 * scale;
    dw[2] = (-9 * t2 + 8 * t + 1) / 2 * scale;
    dw[3] = (3 * t2 - 2 * t) / 2 * scale;
}

/* log(e^0 + e^x), as NumPy's logaddexp(0, x) */
static inline double logaddexp0(double x)
{
    if (x == 0.0)
        return M_LN2;
    double tmp = -x;
    if (tmp > 0)
        return log1p(exp(-tmp));
    if (tmp <= 0)
        return x + log1p(exp(tmp));
    return tmp;
}

static void point(const table_t *T, double beta, double n, double y, int derivatives, double out[4])
{
    double log_n = log(n);
    int small = log_n < T->n.lo;
    double log_n_eval = small ? T->n.lo : log_n;
    /* z = log((1 + y)^beta - 1) and its derivatives (lomax_table._z_of_y) */
    double log1p_y = log1p(y);
    double v = beta * log1p_y;
    double tail = -expm1(-v);
    double z = v + log(tail);
    double ratio = v / tail;
    double dz_dlogy = ratio * y / ((1.0 + y) * log1p_y);

    Py_ssize_t ib, jn, ku;
    double wb[4], dwb[4], wn[W], dwn[W], wu[W], dwu[W], wbn[4][W];
    catmull_rom(&T->beta, log(beta), &ib, wb, dwb);
    spline(&T->n, log_n_eval, &jn, wn, dwn);
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < W; b++)
            wbn[a][b] = wb[a] * wn[b];
    const double *dv = T->delta + ib * T->stride_delta + jn;
    double delta = 0.0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < W; b++)
            delta += dv[a * T->stride_delta + b] * wbn[a][b];
    double u = z - log_n_eval - delta;
    double uc = u < T->u.lo ? T->u.lo : (u > T->u.hi ? T->u.hi : u);
    spline(&T->u, uc, &ku, wu, dwu);
    const double *vv = T->values + ib * T->stride_b + jn * T->stride_n + ku;
    double along[4][W], along_du[4][W], ell = 0.0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < W; b++) {
            const double *c = vv + a * T->stride_b + b * T->stride_n;
            double sum = 0.0, sum_du = 0.0; /* one pass over the coefficients for both */
            for (int k = 0; k < W; k++) {
                sum += c[k] * wu[k];
                sum_du += c[k] * dwu[k];
            }
            along[a][b] = sum;
            along_du[a][b] = sum_du;
            ell += along[a][b] * wbn[a][b];
        }
    int below = u < T->u.lo, outside = below || u > T->u.hi;
    const double *sv = T->slope + ib * T->stride_delta + jn;
    double slope = 1.0, gap = u - uc;
    if (below) {
        slope = 0.0;
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < W; b++)
                slope += sv[a * T->stride_delta + b] * wbn[a][b];
    }
    if (outside)
        ell = ell + gap * slope;
    double log_ratio = log_n - T->n.lo;
    if (!derivatives) {
        if (small) {
            double log_s = -logaddexp0(ell) + (log_ratio < 0.0 ? log_ratio : 0.0);
            ell = log1p(-exp(log_s)) - log_s;
        }
        out[0] = ell;
        return;
    }
    double delta_b = 0.0, delta_n = 0.0, ell_b = 0.0, ell_n = 0.0, ell_u = 0.0, slope_b = 0.0, slope_n = 0.0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < W; b++) {
            double wdb_n = dwb[a] * wn[b], wb_dn = wb[a] * dwn[b];
            double d = dv[a * T->stride_delta + b];
            delta_b += d * wdb_n;
            delta_n += d * wb_dn;
            ell_b += along[a][b] * wdb_n;
            ell_n += along[a][b] * wb_dn;
            ell_u += along_du[a][b] * wbn[a][b];
            if (below) {
                double s = sv[a * T->stride_delta + b];
                slope_b += s * wdb_n;
                slope_n += s * wb_dn;
            }
        }
    if (outside) {
        ell_b = ell_b + gap * slope_b;
        ell_n = ell_n + gap * slope_n;
        ell_u = slope;
    }
    /* the chain rule through u = z(beta, y) - log n - delta(beta, n) */
    double d_logbeta = ell_b + ell_u * (ratio - delta_b);
    double d_logn = ell_n - ell_u * (1.0 + delta_n);
    double d_logy = ell_u * dz_dlogy;
    if (small) { /* below the n range: 1 - F_n scales like n (lomax_table._below_n_range) */
        double log_s0 = -logaddexp0(ell);
        double log_s = log_s0 + (log_ratio < 0.0 ? log_ratio : 0.0);
        double s = exp(log_s);
        double scale = -expm1(log_s0) / (1.0 - s);
        ell = log1p(-s) - log_s;
        d_logbeta = scale * d_logbeta;
        d_logy = scale * d_logy;
        d_logn = -1.0 / (1.0 - s);
    }
    out[0] = ell;
    out[1] = d_logbeta;
    out[2] = d_logn;
    out[3] = d_logy;
}

static int get(PyObject *obj, Py_buffer *view, int writable)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0)
        return -1;
    if (view->itemsize != 8 || view->format == NULL || strcmp(view->format, "d") != 0) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "arrays: must be contiguous float64");
        return -1;
    }
    return 0;
}

static PyObject *logit(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *objs[8];
    if (!PyArg_ParseTuple(args, "OOOOOOOO", &objs[0], &objs[1], &objs[2], &objs[3], &objs[4], &objs[5], &objs[6],
                          &objs[7]))
        return NULL;
    Py_buffer views[8];
    int got = 0;
    for (; got < 8; got++)
        if (get(objs[got], &views[got], got == 7) < 0)
            break;
    const char *error = NULL;
    if (got == 8) {
        const double *g = (const double *)views[0].buf;
        Py_ssize_t p = views[4].len / 8;
        table_t T;
        axis_t *axes[3] = {&T.beta, &T.n, &T.u};
        for (int k = 0; k < 3; k++) {
            axes[k]->lo = g[4 * k];
            axes[k]->hi = g[4 * k + 1];
            axes[k]->h = g[4 * k + 2];
            axes[k]->size = (Py_ssize_t)g[4 * k + 3];
        }
        Py_ssize_t nb = T.beta.size + 2, nn = T.n.size + 2 * (W / 2 - 1), nu = T.u.size + 2 * (W / 2 - 1);
        if (views[0].len != 12 * 8 || T.beta.size < 2 || T.n.size < 2 || T.u.size < 2 || !(T.beta.h > 0) ||
            !(T.n.h > 0) || !(T.u.h > 0))
            error = "grid: must hold 12 numbers, three axes of at least two nodes";
        else if (views[1].len != nb * nn * nu * 8 || views[2].len != nb * nn * 8 || views[3].len != nb * nn * 8)
            error = "tables: must be the edge-padded grids";
        else if (views[5].len != p * 8 || views[6].len != p * 8)
            error = "beta, n, y: must have the same length";
        else if (views[7].len != p * 8 && views[7].len != 4 * p * 8)
            error = "out: must hold P or 4 P numbers";
        else {
            T.values = (const double *)views[1].buf;
            T.delta = (const double *)views[2].buf;
            T.slope = (const double *)views[3].buf;
            T.stride_b = nn * nu;
            T.stride_n = nu;
            T.stride_delta = nn;
            const double *beta = (const double *)views[4].buf, *n = (const double *)views[5].buf,
                         *y = (const double *)views[6].buf;
            double *out = (double *)views[7].buf;
            int derivatives = views[7].len == 4 * p * 8 && p > 0;
            Py_BEGIN_ALLOW_THREADS
            double r[4];
            for (Py_ssize_t i = 0; i < p; i++) {
                point(&T, beta[i], n[i], y[i], derivatives, r);
                out[i] = r[0];
                if (derivatives) {
                    out[p + i] = r[1];
                    out[2 * p + i] = r[2];
                    out[3 * p + i] = r[3];
                }
            }
            Py_END_ALLOW_THREADS
        }
    }
    for (int k = 0; k < got; k++)
        PyBuffer_Release(&views[k]);
    if (got < 8)
        return NULL;
    if (error != NULL) {
        PyErr_SetString(PyExc_ValueError, error);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"logit", logit, METH_VARARGS,
     "logit(grid, values, delta, slope, beta, n, y, out): the Lomax-sum table's logit at each point (and its "
     "derivatives when out holds 4 P numbers)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lomax_interp", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__lomax_interp(void)
{
    return PyModule_Create(&module);
}
