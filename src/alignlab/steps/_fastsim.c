/* Compiled kernel for the fast Pareto path of alignlab.steps.simulate (optional: the package falls
   back to NumPy when this extension is not built).

   pareto_log_sums(state, rate, rows, cols, bounds, out)

   Draws a rows x cols tile of subtask times M = exp(rate * E), E standard exponential (a Pareto(beta)
   time when rate = 1/beta), and writes out[r, k] = log(sum of M over the columns bounds[k] ..
   bounds[k+1] - 1 of row r). `state` holds 20 uint64 words from the tile's SeedSequence.

   Random bits: four xoshiro256++ streams run side by side (one AVX2 register) and give the main
   variates, two per 64-bit word; a fifth, scalar stream gives the redraws below. Draws do not depend
   on `bounds`: row r always takes the next ceil(cols / 8) * 8 variates, so the numbers depend on
   the state alone, and a tile with fewer rows is a prefix of one with more.

   The law. A 32-bit word keeps its top 23 bits j, U = (j + 1/2) 2^-23 (exact in float32) and
   E = -log U. Where U < 2^-6 (j < 2^17, probability 2^-6 exactly), E is 6 log 2 plus a fresh draw of
   the same kind (memorylessness), repeated while the fresh U is also below 2^-6. Every accepted U
   lies in [2^-6, 1) on a grid of relative width <= 2^-17, taken at the cell's midpoint, so E equals
   an exact exponential up to |dE| <= 2^-18. Logarithms and exponentials run in float32 (8 at a time
   through glibc's libmvec with AVX2, scalar libm otherwise): x = rate E, then exp(x - max) over each
   block of 1024, summed in double and folded into a running log-sum-exp, so nothing overflows for
   any beta. The GIL is released. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#else
#define HAVE_AVX2_PATH 0
#endif

#define LANES 4
#define CHUNK 1024                          /* variates per block: a multiple of 2 * LANES, fits L1 */
#define ACCEPT (UINT32_C(1) << 17)          /* j >= 2^17  <=>  U >= 2^-6 */
#define STATE_WORDS (4 * LANES + 4)
static const double SIX_LN2 = 4.1588830833596715;

typedef struct {
    uint64_t lanes[4][LANES];   /* lanes[i][l]: word i of stream l's state */
    uint64_t tail[4];
} streams_t;

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next_tail(uint64_t *s)
{
    uint64_t out = rotl(s[0] + s[3], 23) + s[0], t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Fills w[0 .. 2 * LANES * steps) with 32-bit words: step t gives w[8t + 2l] (low half) and
   w[8t + 2l + 1] (high half) of stream l's output. */
static void fill_scalar(streams_t *st, uint32_t *w, int steps)
{
    uint64_t (*s)[LANES] = st->lanes;
    for (int t = 0; t < steps; t++)
        for (int l = 0; l < LANES; l++) {
            uint64_t out = rotl(s[0][l] + s[3][l], 23) + s[0][l], x = s[1][l] << 17;
            s[2][l] ^= s[0][l];
            s[3][l] ^= s[1][l];
            s[1][l] ^= s[2][l];
            s[0][l] ^= s[3][l];
            s[2][l] ^= x;
            s[3][l] = rotl(s[3][l], 45);
            w[8 * t + 2 * l] = (uint32_t)out;
            w[8 * t + 2 * l + 1] = (uint32_t)(out >> 32);
        }
}

static inline float uniform(uint32_t word) { return (float)(2 * (word >> 9) + 1) * 0x1p-24f; }

/* x = -rate log U for each word; returns how many words fell below 2^-6, their indices in `low` */
static int transform_scalar(const uint32_t *w, float *x, int n, float rate, int *low)
{
    int count = 0;
    for (int i = 0; i < n; i++) {
        x[i] = -rate * logf(uniform(w[i]));
        if ((w[i] >> 9) < ACCEPT)
            low[count++] = i;
    }
    return count;
}

static float max_scalar(const float *x, int n)
{
    float m = x[0];
    for (int i = 1; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

static void exp_shift_scalar(const float *x, float *t, int n, float shift)
{
    for (int i = 0; i < n; i++)
        t[i] = expf(x[i] - shift);
}

static double sum_scalar(const float *t, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += t[i];
    return s;
}

#if HAVE_AVX2_PATH
__m256 _ZGVdN8v_logf(__m256);
__m256 _ZGVdN8v_expf(__m256);

__attribute__((target("avx2"))) static inline __m256i rotl4(__m256i x, int k)
{
    return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

__attribute__((target("avx2"))) static void fill_avx2(streams_t *st, uint32_t *w, int steps)
{
    __m256i s0 = _mm256_loadu_si256((const __m256i *)st->lanes[0]);
    __m256i s1 = _mm256_loadu_si256((const __m256i *)st->lanes[1]);
    __m256i s2 = _mm256_loadu_si256((const __m256i *)st->lanes[2]);
    __m256i s3 = _mm256_loadu_si256((const __m256i *)st->lanes[3]);
    for (int t = 0; t < steps; t++) {
        __m256i out = _mm256_add_epi64(rotl4(_mm256_add_epi64(s0, s3), 23), s0);
        __m256i x = _mm256_slli_epi64(s1, 17);
        s2 = _mm256_xor_si256(s2, s0);
        s3 = _mm256_xor_si256(s3, s1);
        s1 = _mm256_xor_si256(s1, s2);
        s0 = _mm256_xor_si256(s0, s3);
        s2 = _mm256_xor_si256(s2, x);
        s3 = rotl4(s3, 45);
        _mm256_storeu_si256((__m256i *)(w + 8 * t), out);   /* little-endian: low half first */
    }
    _mm256_storeu_si256((__m256i *)st->lanes[0], s0);
    _mm256_storeu_si256((__m256i *)st->lanes[1], s1);
    _mm256_storeu_si256((__m256i *)st->lanes[2], s2);
    _mm256_storeu_si256((__m256i *)st->lanes[3], s3);
}

__attribute__((target("avx2,fma"))) static int transform_avx2(const uint32_t *w, float *x, int n, float rate, int *low)
{
    const __m256 scale = _mm256_set1_ps(0x1p-24f), neg_rate = _mm256_set1_ps(-rate);
    const __m256i one = _mm256_set1_epi32(1), accept = _mm256_set1_epi32((int)ACCEPT);
    int i = 0, count = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i j = _mm256_srli_epi32(_mm256_loadu_si256((const __m256i *)(w + i)), 9);
        __m256i odd = _mm256_or_si256(_mm256_slli_epi32(j, 1), one);          /* 2j + 1 < 2^24: exact */
        __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(odd), scale);
        _mm256_storeu_ps(x + i, _mm256_mul_ps(_ZGVdN8v_logf(u), neg_rate));
        int below = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(accept, j)));
        while (below) {
            low[count++] = i + __builtin_ctz(below);
            below &= below - 1;
        }
    }
    int rest = transform_scalar(w + i, x + i, n - i, rate, low + count);
    for (int k = count; k < count + rest; k++)
        low[k] += i;
    return count + rest;
}

__attribute__((target("avx2,fma"))) static float max_avx2(const float *x, int n)
{
    if (n < 8)
        return max_scalar(x, n);
    __m256 m = _mm256_loadu_ps(x);
    int i = 8;
    for (; i + 8 <= n; i += 8)
        m = _mm256_max_ps(m, _mm256_loadu_ps(x + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, m);
    float out = max_scalar(lanes, 8);
    for (; i < n; i++)
        out = x[i] > out ? x[i] : out;
    return out;
}

__attribute__((target("avx2,fma"))) static void exp_shift_avx2(const float *x, float *t, int n, float shift)
{
    const __m256 s = _mm256_set1_ps(shift);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(t + i, _ZGVdN8v_expf(_mm256_sub_ps(_mm256_loadu_ps(x + i), s)));
    exp_shift_scalar(x + i, t + i, n - i, shift);
}

__attribute__((target("avx2,fma"))) static double sum_avx2(const float *t, int n)
{
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(t + i);
        lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
        hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(lo, hi));
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]) + sum_scalar(t + i, n - i);
}
#endif

typedef struct {
    void (*fill)(streams_t *, uint32_t *, int);
    int (*transform)(const uint32_t *, float *, int, float, int *);
    float (*max)(const float *, int);
    void (*exp_shift)(const float *, float *, int, float);
    double (*sum)(const float *, int);
} ops_t;

static ops_t OPS = {fill_scalar, transform_scalar, max_scalar, exp_shift_scalar, sum_scalar};
static const char *OPS_NAME = "scalar";

/* E for a variate whose first U fell below 2^-6: 6 log 2 per rejected draw plus -log of the first
   accepted one, all from the tail stream. */
static float redraw(streams_t *st, float rate)
{
    double e = SIX_LN2;
    for (;;) {
        uint64_t word = next_tail(st->tail);
        for (int half = 0; half < 2; half++, word >>= 32) {
            uint32_t j = (uint32_t)word;
            if (j >= (ACCEPT << 9))
                return (float)(rate * (e - (double)logf(uniform(j))));
            e += SIX_LN2;
        }
    }
}

/* A running log-sum-exp: the sum is exp(top) * total. */
typedef struct {
    double top, total;
    int empty;
} lse_t;

static inline void lse_fold(lse_t *acc, double shift, double sum)
{
    if (acc->empty) {
        acc->top = shift;
        acc->total = sum;
        acc->empty = 0;
    } else if (shift > acc->top) {
        acc->total = acc->total * exp(acc->top - shift) + sum;
        acc->top = shift;
    } else {
        acc->total += sum * exp(shift - acc->top);
    }
}

/* Block terms are exp(x - block max) whatever the segments, so a segment's sum does not depend on
   where the other boundaries lie (partial sums and the whole sum agree to double rounding). A
   segment piece whose terms are all below e^-40 of the block's largest is redone with its own
   shift, so that no piece underflows to zero. */
#define TINY 4.248354255291589e-18   /* e^-40 */

static void tile(streams_t *st, double rate, Py_ssize_t rows, Py_ssize_t cols, const int64_t *bounds,
                 Py_ssize_t segments, double *out)
{
    uint32_t w[CHUNK];
    float x[CHUNK], t[CHUNK];
    int low[CHUNK];
    const float r32 = (float)rate;
    for (Py_ssize_t r = 0; r < rows; r++) {
        Py_ssize_t seg = 0;
        lse_t acc = {0.0, 0.0, 1};
        for (Py_ssize_t start = 0; start < cols; start += CHUNK) {
            int n = cols - start < CHUNK ? (int)(cols - start) : CHUNK;
            int padded = (n + 2 * LANES - 1) / (2 * LANES) * (2 * LANES);   /* whole vectors; the rest unused */
            OPS.fill(st, w, padded / (2 * LANES));
            int count = OPS.transform(w, x, padded, r32, low);
            while (count > 0 && low[count - 1] >= n)
                count--;
            for (int k = 0; k < count; k++)
                x[low[k]] = redraw(st, r32);
            float top = OPS.max(x, n);
            OPS.exp_shift(x, t, padded, top);
            int i = 0;
            while (i < n) {
                int end = bounds[seg + 1] - start < n ? (int)(bounds[seg + 1] - start) : n;
                float shift = top;
                double sum = OPS.sum(t + i, end - i);
                if (sum < TINY) {
                    shift = OPS.max(x + i, end - i);
                    OPS.exp_shift(x + i, t + i, end - i, shift);
                    sum = OPS.sum(t + i, end - i);
                }
                lse_fold(&acc, shift, sum);
                i = end;
                if (start + i == bounds[seg + 1]) {
                    out[r * segments + seg] = acc.top + log(acc.total);
                    acc = (lse_t){0.0, 0.0, 1};
                    seg++;
                }
            }
        }
    }
}

static PyObject *pareto_log_sums(PyObject *Py_UNUSED(self), PyObject *args)
{
    PyObject *state_obj, *bounds_obj, *out_obj;
    double rate;
    Py_ssize_t rows, cols;
    if (!PyArg_ParseTuple(args, "OdnnOO", &state_obj, &rate, &rows, &cols, &bounds_obj, &out_obj))
        return NULL;
    if (!(rate > 0.0) || !isfinite(rate) || rate > 1e30) {
        PyErr_SetString(PyExc_ValueError, "rate: must be a positive finite number");
        return NULL;
    }
    if (rows < 0 || cols < 1) {
        PyErr_SetString(PyExc_ValueError, "rows, cols: must be >= 0 and >= 1");
        return NULL;
    }
    Py_buffer s, b, o;
    if (PyObject_GetBuffer(state_obj, &s, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return NULL;
    if (PyObject_GetBuffer(bounds_obj, &b, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&s);
        return NULL;
    }
    if (PyObject_GetBuffer(out_obj, &o, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0) {
        PyBuffer_Release(&s);
        PyBuffer_Release(&b);
        return NULL;
    }
    const char *error = NULL;
    Py_ssize_t nb = b.len / 8, segments = nb - 1;
    const int64_t *bounds = (const int64_t *)b.buf;
    if (s.itemsize != 8 || s.len != STATE_WORDS * 8 || (s.format[0] != 'Q' && s.format[0] != 'L'))
        error = "state: must be a uint64 array of 20 words";
    else if (b.itemsize != 8 || (b.format[0] != 'q' && b.format[0] != 'l') || nb < 2)
        error = "bounds: must be an int64 array of at least two column offsets";
    else if (o.itemsize != 8 || o.format[0] != 'd' || o.len != rows * segments * 8)
        error = "out: must be a float64 array of rows * (len(bounds) - 1) elements";
    else if (bounds[0] != 0 || bounds[segments] != cols)
        error = "bounds: must run from 0 to cols";
    else
        for (Py_ssize_t k = 0; k < segments; k++)
            if (bounds[k + 1] <= bounds[k])
                error = "bounds: must be increasing";
    streams_t st;
    if (error == NULL) {
        memcpy(&st, s.buf, sizeof st);
        for (int l = 0; l < LANES; l++)           /* xoshiro's one forbidden state: all zero */
            if ((st.lanes[0][l] | st.lanes[1][l] | st.lanes[2][l] | st.lanes[3][l]) == 0)
                st.lanes[0][l] = 1;
        if ((st.tail[0] | st.tail[1] | st.tail[2] | st.tail[3]) == 0)
            st.tail[0] = 1;
        double *out = (double *)o.buf;
        Py_BEGIN_ALLOW_THREADS
        tile(&st, rate, rows, cols, bounds, segments, out);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&s);
    PyBuffer_Release(&b);
    PyBuffer_Release(&o);
    if (error != NULL) {
        PyErr_SetString(PyExc_ValueError, error);
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *simd(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    return PyUnicode_FromString(OPS_NAME);
}

static PyMethodDef methods[] = {
    {"pareto_log_sums", pareto_log_sums, METH_VARARGS,
     "pareto_log_sums(state, rate, rows, cols, bounds, out): row-segment log sums of exp(rate * E)."},
    {"simd", simd, METH_NOARGS, "The instruction set the kernel runs on: 'avx2' or 'scalar'."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fastsim", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__fastsim(void)
{
#if HAVE_AVX2_PATH
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && getenv("ALIGNLAB_NO_SIMD") == NULL) {
        OPS.fill = fill_avx2;
        OPS.transform = transform_avx2;
        OPS.max = max_avx2;
        OPS.exp_shift = exp_shift_avx2;
        OPS.sum = sum_avx2;
        OPS_NAME = "avx2";
    }
#endif
    return PyModule_Create(&module);
}
