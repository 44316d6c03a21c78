/* Compiled kernel for the fast Pareto path of alignlab.steps.simulate (optional: the package falls
   back to NumPy when this extension is not built).

   pareto_log_sums(state, rate, rows, cols, bounds, out, q=1)

   Draws a rows x cols tile of subtask times M = exp(rate * E), E standard exponential (a Pareto(beta)
   time when rate = 1/beta), and writes out[r, k] = log(sum of M over the columns bounds[k] ..
   bounds[k+1] - 1 of row r). With q > 1 (explicit mode) E is the minimum of q standard exponentials,
   one per approach (rate = 1/alpha): the model's literal semantics. `state` holds 36 uint64 words
   from the tile's SeedSequence.

   Three paths, chosen at run time by the CPU (use() overrides, for tests and benchmarks): scalar,
   AVX2 (8 floats a register) and AVX-512 (16). They draw bit-identical numbers for a seed:

   * Random bits: eight xoshiro256++ streams side by side (two AVX2 registers or one AVX-512 register;
     a loop in scalar code) give the main variates, two 32-bit words per 64-bit output, in the same
     order on every path; a ninth, scalar stream gives the redraws below. Row r always takes the next
     ceil(cols / 16) * 16 words, so draws do not depend on `bounds`, and a tile with fewer rows is a
     prefix of one with more (explicit mode: the next q words per subtask, in blocks of 1024 / q subtasks).
   * The law: a 32-bit word keeps its top 23 bits j, U = (j + 1/2) 2^-23 (exact in float32) and
     E = -log U. Where U < 2^-6 (j < 2^17, probability 2^-6 exactly), E is 6 log 2 plus a fresh draw of
     the same kind (memorylessness), repeated while the fresh U is also below 2^-6. Every accepted U
     lies in [2^-6, 1) on a grid of relative width <= 2^-17, taken at the cell's midpoint, so E equals
     an exact exponential up to |dE| <= 2^-18.
   * log and exp are computed here, not by libm, with one fixed sequence of IEEE float32 additions,
     multiplications and divisions (no fused multiply-add: compiled with -ffp-contract=off), so every
     path rounds identically:
       log u: u = m 2^e with m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact), s = f / (2 + f),
              log(1 + f) = 2 atanh(s) = 2s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9) (|s| <= 0.172: the next
              term is below 2e-9 relative), plus e log 2 in two parts (high part exact);
       exp y, y <= 0: k = floor(y log2(e) + 1/2), r = y - k log 2 (two parts), exp r by its Taylor
              series to r^7/7! (|r| <= 0.35: the rest is below 6e-9 relative), times 2^k; y < -87 gives 0.
     Both are within a few float32 ulps of the true values; the tests check the law they produce.
   * Sums: x = rate E, then exp(x - max) over each block of 1024, summed in double in one fixed order
     (eight running sums, by index modulo 8, combined pairwise; the rest in order), and folded into a
     running log-sum-exp, so nothing overflows for any beta. The GIL is released. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifndef MODULE_NAME
#define MODULE_NAME _fastsim
#endif
#define STR_(x) #x
#define STR(x) STR_(x)
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

#if defined(FASTSIM_SIMDE)
/* tests: the vector paths compiled through SIMDe's portable intrinsics, so the AVX-512 path runs (slowly)
   on any CPU and can be compared with the others */
#define SIMDE_ENABLE_NATIVE_ALIASES
#include <simde/x86/avx512.h>
#define HAVE_VECTOR_PATHS 1
#define TARGET_AVX2
#define TARGET_AVX512
#define CPU_HAS_AVX2 1
#define CPU_HAS_AVX512 1
/* conversions SIMDe 0.7 lacks, element by element (int <-> float of whole numbers and float -> double are
   exact, so these match the instructions); test builds only */
typedef simde__mmask16 __mmask16;
static inline __m512 shim_cvtepi32_ps(__m512i a)
{
    int32_t i[16]; float f[16];
    _mm512_storeu_si512((void *)i, a);
    for (int k = 0; k < 16; k++) f[k] = (float)i[k];
    return _mm512_loadu_ps(f);
}
static inline __m512i shim_maskz_cvtps_epi32(__mmask16 keep, __m512 a)
{
    float f[16]; int32_t i[16];
    _mm512_storeu_ps(f, a);
    for (int k = 0; k < 16; k++) i[k] = ((keep >> k) & 1) ? (int32_t)lrintf(f[k]) : 0;
    return _mm512_loadu_si512((const void *)i);
}
static inline float shim_reduce_max_ps(__m512 a)
{
    float f[16];
    _mm512_storeu_ps(f, a);
    float m = f[0];
    for (int k = 1; k < 16; k++) m = f[k] > m ? f[k] : m;
    return m;
}
static inline __m512d shim_cvtps_pd(__m256 a)
{
    float f[8]; double d[8];
    _mm256_storeu_ps(f, a);
    for (int k = 0; k < 8; k++) d[k] = (double)f[k];
    return _mm512_loadu_pd(d);
}
#define _mm512_cvtepi32_ps shim_cvtepi32_ps
#define _mm512_maskz_cvtps_epi32 shim_maskz_cvtps_epi32
#define _mm512_reduce_max_ps shim_reduce_max_ps
#define _mm512_cvtps_pd shim_cvtps_pd
#elif defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_VECTOR_PATHS 1
#define TARGET_AVX2 __attribute__((target("avx2")))
#define TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl")))
#define CPU_HAS_AVX2 (__builtin_cpu_supports("avx2"))
#define CPU_HAS_AVX512 (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && \
                        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
#else
#define HAVE_VECTOR_PATHS 0
#endif

#define LANES 8                             /* xoshiro streams: 16 words a step */
#define WORDS_PER_STEP (2 * LANES)
#define CHUNK 1024                          /* variates per block: a multiple of WORDS_PER_STEP, fits L1 */
#define ACCEPT (UINT32_C(1) << 17)          /* j >= 2^17  <=>  U >= 2^-6 */
#define STATE_WORDS (4 * LANES + 4)
static const double SIX_LN2 = 4.1588830833596715;

/* float32 constants of log and exp */
#define SQRT2F 1.41421354f
#define LN2_HI 0.693145751953125f           /* 12 significant bits: k * LN2_HI is exact for |k| < 2^11 */
#define LN2_LO 1.42860677e-06f
#define LOG2EF 1.44269502f
#define EXP_FLOOR -87.0f                    /* below: exp is 0 (2^-126 is the least normal float) */
#define C3 0.333333343f                     /* 1/3, 1/5, 1/7, 1/9 */
#define C5 0.200000003f
#define C7 0.142857149f
#define C9 0.111111112f
#define F2 0.5f                             /* 1/2!, 1/3!, ..., 1/7! */
#define F3 0.166666672f
#define F4 0.0416666679f
#define F5 0.00833333377f
#define F6 0.00138888892f
#define F7 0.000198412701f

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

static inline float as_float(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint32_t as_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

/* -- scalar path: the reference every vector path reproduces bit for bit ------------------------- */

/* step t gives w[16t + 2l] (low half) and w[16t + 2l + 1] (high half) of stream l's output */
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
            w[WORDS_PER_STEP * t + 2 * l] = (uint32_t)out;
            w[WORDS_PER_STEP * t + 2 * l + 1] = (uint32_t)(out >> 32);
        }
}

static inline float uniform(uint32_t word) { return (float)(2 * (word >> 9) + 1) * 0x1p-24f; }

/* log u for a normal float u > 0 (see the header) */
static inline float log_scalar(float u)
{
    uint32_t bits = as_bits(u);
    float e = (float)((int32_t)(bits >> 23) - 127);
    float m = as_float((bits & 0x007fffffu) | 0x3f800000u);
    if (m > SQRT2F) {
        m = m * 0.5f;
        e = e + 1.0f;
    }
    float f = m - 1.0f;
    float s = f / (2.0f + f);
    float z = s * s;
    float poly = z * (C3 + z * (C5 + z * (C7 + z * C9)));
    float two_s = s + s;
    float log1p_f = two_s + two_s * poly;
    return e * LN2_HI + (log1p_f + e * LN2_LO);
}

/* exp y for y <= 0 (see the header) */
static inline float exp_scalar(float y)
{
    if (y < EXP_FLOOR)
        return 0.0f;
    float k = floorf(y * LOG2EF + 0.5f);
    float r = (y - k * LN2_HI) - k * LN2_LO;
    float p = 1.0f + r * (1.0f + r * (F2 + r * (F3 + r * (F4 + r * (F5 + r * (F6 + r * F7))))));
    return p * as_float((uint32_t)((int32_t)k + 127) << 23);
}

/* x = -rate log U for each word; returns how many words fell below 2^-6, their indices in `low` */
static int transform_scalar(const uint32_t *w, float *x, int n, float rate, int *low)
{
    int count = 0;
    const float neg_rate = -rate;
    for (int i = 0; i < n; i++) {
        x[i] = log_scalar(uniform(w[i])) * neg_rate;
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
        t[i] = exp_scalar(x[i] - shift);
}

/* the fixed summation order: a[i mod 8] over whole groups of 8, combined pairwise, then the rest */
static inline double combine8(const double *a)
{
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

static double sum_scalar(const float *t, int n)
{
    double a[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            a[k] += (double)t[i + k];
    double s = combine8(a);
    for (; i < n; i++)
        s += (double)t[i];
    return s;
}

#if HAVE_VECTOR_PATHS
/* -- AVX2 path ---------------------------------------------------------------------------------- */

TARGET_AVX2 static inline __m256i rotl4(__m256i x, int k)
{
    return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

TARGET_AVX2 static void fill_avx2(streams_t *st, uint32_t *w, int steps)
{
    __m256i s[4][2];
    for (int i = 0; i < 4; i++)
        for (int h = 0; h < 2; h++)
            s[i][h] = _mm256_loadu_si256((const __m256i *)(st->lanes[i] + 4 * h));
    for (int t = 0; t < steps; t++)
        for (int h = 0; h < 2; h++) {          /* lanes 0-3, then 4-7: words 0-7, then 8-15 */
            __m256i out = _mm256_add_epi64(rotl4(_mm256_add_epi64(s[0][h], s[3][h]), 23), s[0][h]);
            __m256i x = _mm256_slli_epi64(s[1][h], 17);
            s[2][h] = _mm256_xor_si256(s[2][h], s[0][h]);
            s[3][h] = _mm256_xor_si256(s[3][h], s[1][h]);
            s[1][h] = _mm256_xor_si256(s[1][h], s[2][h]);
            s[0][h] = _mm256_xor_si256(s[0][h], s[3][h]);
            s[2][h] = _mm256_xor_si256(s[2][h], x);
            s[3][h] = rotl4(s[3][h], 45);
            _mm256_storeu_si256((__m256i *)(w + WORDS_PER_STEP * t + 8 * h), out);   /* little-endian */
        }
    for (int i = 0; i < 4; i++)
        for (int h = 0; h < 2; h++)
            _mm256_storeu_si256((__m256i *)(st->lanes[i] + 4 * h), s[i][h]);
}

TARGET_AVX2 static inline __m256 log_avx2(__m256 u)
{
    const __m256i bits = _mm256_castps_si256(u);
    __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
    __m256 m = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x007fffff)),
                                                   _mm256_set1_epi32(0x3f800000)));
    __m256 big = _mm256_cmp_ps(m, _mm256_set1_ps(SQRT2F), _CMP_GT_OQ);
    m = _mm256_blendv_ps(m, _mm256_mul_ps(m, _mm256_set1_ps(0.5f)), big);
    e = _mm256_blendv_ps(e, _mm256_add_ps(e, _mm256_set1_ps(1.0f)), big);
    __m256 f = _mm256_sub_ps(m, _mm256_set1_ps(1.0f));
    __m256 s = _mm256_div_ps(f, _mm256_add_ps(_mm256_set1_ps(2.0f), f));
    __m256 z = _mm256_mul_ps(s, s);
    __m256 poly = _mm256_add_ps(_mm256_set1_ps(C7), _mm256_mul_ps(z, _mm256_set1_ps(C9)));
    poly = _mm256_add_ps(_mm256_set1_ps(C5), _mm256_mul_ps(z, poly));
    poly = _mm256_add_ps(_mm256_set1_ps(C3), _mm256_mul_ps(z, poly));
    poly = _mm256_mul_ps(z, poly);
    __m256 two_s = _mm256_add_ps(s, s);
    __m256 log1p_f = _mm256_add_ps(two_s, _mm256_mul_ps(two_s, poly));
    return _mm256_add_ps(_mm256_mul_ps(e, _mm256_set1_ps(LN2_HI)),
                         _mm256_add_ps(log1p_f, _mm256_mul_ps(e, _mm256_set1_ps(LN2_LO))));
}

TARGET_AVX2 static inline __m256 exp_avx2(__m256 y)
{
    __m256 k = _mm256_floor_ps(_mm256_add_ps(_mm256_mul_ps(y, _mm256_set1_ps(LOG2EF)), _mm256_set1_ps(0.5f)));
    __m256 r = _mm256_sub_ps(_mm256_sub_ps(y, _mm256_mul_ps(k, _mm256_set1_ps(LN2_HI))),
                             _mm256_mul_ps(k, _mm256_set1_ps(LN2_LO)));
    __m256 p = _mm256_add_ps(_mm256_set1_ps(F6), _mm256_mul_ps(r, _mm256_set1_ps(F7)));
    p = _mm256_add_ps(_mm256_set1_ps(F5), _mm256_mul_ps(r, p));
    p = _mm256_add_ps(_mm256_set1_ps(F4), _mm256_mul_ps(r, p));
    p = _mm256_add_ps(_mm256_set1_ps(F3), _mm256_mul_ps(r, p));
    p = _mm256_add_ps(_mm256_set1_ps(F2), _mm256_mul_ps(r, p));
    p = _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(r, p));
    p = _mm256_add_ps(_mm256_set1_ps(1.0f), _mm256_mul_ps(r, p));
    __m256 keep = _mm256_cmp_ps(y, _mm256_set1_ps(EXP_FLOOR), _CMP_GE_OQ);
    /* k >= -126 where kept; elsewhere the scale is garbage and masked out */
    __m256i ki = _mm256_cvtps_epi32(_mm256_and_ps(k, keep));
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(ki, _mm256_set1_epi32(127)), 23));
    return _mm256_and_ps(_mm256_mul_ps(p, scale), keep);
}

TARGET_AVX2 static int transform_avx2(const uint32_t *w, float *x, int n, float rate, int *low)
{
    const __m256 scale = _mm256_set1_ps(0x1p-24f), neg_rate = _mm256_set1_ps(-rate);
    const __m256i one = _mm256_set1_epi32(1), accept = _mm256_set1_epi32((int)ACCEPT);
    int i = 0, count = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i j = _mm256_srli_epi32(_mm256_loadu_si256((const __m256i *)(w + i)), 9);
        __m256i odd = _mm256_or_si256(_mm256_slli_epi32(j, 1), one);          /* 2j + 1 < 2^24: exact */
        __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(odd), scale);
        _mm256_storeu_ps(x + i, _mm256_mul_ps(log_avx2(u), neg_rate));
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

TARGET_AVX2 static float max_avx2(const float *x, int n)
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

TARGET_AVX2 static void exp_shift_avx2(const float *x, float *t, int n, float shift)
{
    const __m256 s = _mm256_set1_ps(shift);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(t + i, exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), s)));
    exp_shift_scalar(x + i, t + i, n - i, shift);
}

TARGET_AVX2 static double sum_avx2(const float *t, int n)
{
    __m256d lo = _mm256_setzero_pd(), hi = _mm256_setzero_pd();     /* a[0..3], a[4..7] */
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(t + i);
        lo = _mm256_add_pd(lo, _mm256_cvtps_pd(_mm256_castps256_ps128(v)));
        hi = _mm256_add_pd(hi, _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1)));
    }
    double a[8];
    _mm256_storeu_pd(a, lo);
    _mm256_storeu_pd(a + 4, hi);
    double s = combine8(a);
    for (; i < n; i++)
        s += (double)t[i];
    return s;
}

/* -- AVX-512 path ------------------------------------------------------------------------------- */

TARGET_AVX512 static void fill_avx512(streams_t *st, uint32_t *w, int steps)
{
    __m512i s0 = _mm512_loadu_si512((const void *)st->lanes[0]);
    __m512i s1 = _mm512_loadu_si512((const void *)st->lanes[1]);
    __m512i s2 = _mm512_loadu_si512((const void *)st->lanes[2]);
    __m512i s3 = _mm512_loadu_si512((const void *)st->lanes[3]);
    for (int t = 0; t < steps; t++) {
        __m512i out = _mm512_add_epi64(_mm512_rol_epi64(_mm512_add_epi64(s0, s3), 23), s0);
        __m512i x = _mm512_slli_epi64(s1, 17);
        s2 = _mm512_xor_si512(s2, s0);
        s3 = _mm512_xor_si512(s3, s1);
        s1 = _mm512_xor_si512(s1, s2);
        s0 = _mm512_xor_si512(s0, s3);
        s2 = _mm512_xor_si512(s2, x);
        s3 = _mm512_rol_epi64(s3, 45);
        _mm512_storeu_si512((void *)(w + WORDS_PER_STEP * t), out);
    }
    _mm512_storeu_si512((void *)st->lanes[0], s0);
    _mm512_storeu_si512((void *)st->lanes[1], s1);
    _mm512_storeu_si512((void *)st->lanes[2], s2);
    _mm512_storeu_si512((void *)st->lanes[3], s3);
}

TARGET_AVX512 static inline __m512 log_avx512(__m512 u)
{
    const __m512i bits = _mm512_castps_si512(u);
    __m512 e = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(127)));
    __m512 m = _mm512_castsi512_ps(_mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x007fffff)),
                                                   _mm512_set1_epi32(0x3f800000)));
    __mmask16 big = _mm512_cmp_ps_mask(m, _mm512_set1_ps(SQRT2F), _CMP_GT_OQ);
    m = _mm512_mask_mul_ps(m, big, m, _mm512_set1_ps(0.5f));
    e = _mm512_mask_add_ps(e, big, e, _mm512_set1_ps(1.0f));
    __m512 f = _mm512_sub_ps(m, _mm512_set1_ps(1.0f));
    __m512 s = _mm512_div_ps(f, _mm512_add_ps(_mm512_set1_ps(2.0f), f));
    __m512 z = _mm512_mul_ps(s, s);
    __m512 poly = _mm512_add_ps(_mm512_set1_ps(C7), _mm512_mul_ps(z, _mm512_set1_ps(C9)));
    poly = _mm512_add_ps(_mm512_set1_ps(C5), _mm512_mul_ps(z, poly));
    poly = _mm512_add_ps(_mm512_set1_ps(C3), _mm512_mul_ps(z, poly));
    poly = _mm512_mul_ps(z, poly);
    __m512 two_s = _mm512_add_ps(s, s);
    __m512 log1p_f = _mm512_add_ps(two_s, _mm512_mul_ps(two_s, poly));
    return _mm512_add_ps(_mm512_mul_ps(e, _mm512_set1_ps(LN2_HI)),
                         _mm512_add_ps(log1p_f, _mm512_mul_ps(e, _mm512_set1_ps(LN2_LO))));
}

TARGET_AVX512 static inline __m512 exp_avx512(__m512 y)
{
    __m512 k = _mm512_floor_ps(_mm512_add_ps(_mm512_mul_ps(y, _mm512_set1_ps(LOG2EF)), _mm512_set1_ps(0.5f)));
    __m512 r = _mm512_sub_ps(_mm512_sub_ps(y, _mm512_mul_ps(k, _mm512_set1_ps(LN2_HI))),
                             _mm512_mul_ps(k, _mm512_set1_ps(LN2_LO)));
    __m512 p = _mm512_add_ps(_mm512_set1_ps(F6), _mm512_mul_ps(r, _mm512_set1_ps(F7)));
    p = _mm512_add_ps(_mm512_set1_ps(F5), _mm512_mul_ps(r, p));
    p = _mm512_add_ps(_mm512_set1_ps(F4), _mm512_mul_ps(r, p));
    p = _mm512_add_ps(_mm512_set1_ps(F3), _mm512_mul_ps(r, p));
    p = _mm512_add_ps(_mm512_set1_ps(F2), _mm512_mul_ps(r, p));
    p = _mm512_add_ps(_mm512_set1_ps(1.0f), _mm512_mul_ps(r, p));
    p = _mm512_add_ps(_mm512_set1_ps(1.0f), _mm512_mul_ps(r, p));
    __mmask16 keep = _mm512_cmp_ps_mask(y, _mm512_set1_ps(EXP_FLOOR), _CMP_GE_OQ);
    __m512i ki = _mm512_maskz_cvtps_epi32(keep, k);
    __m512 scale = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(ki, _mm512_set1_epi32(127)), 23));
    return _mm512_maskz_mul_ps(keep, p, scale);
}

TARGET_AVX512 static int transform_avx512(const uint32_t *w, float *x, int n, float rate, int *low)
{
    const __m512 scale = _mm512_set1_ps(0x1p-24f), neg_rate = _mm512_set1_ps(-rate);
    const __m512i one = _mm512_set1_epi32(1), accept = _mm512_set1_epi32((int)ACCEPT);
    int i = 0, count = 0;
    for (; i + 16 <= n; i += 16) {
        __m512i j = _mm512_srli_epi32(_mm512_loadu_si512((const void *)(w + i)), 9);
        __m512i odd = _mm512_or_si512(_mm512_slli_epi32(j, 1), one);
        __m512 u = _mm512_mul_ps(_mm512_cvtepi32_ps(odd), scale);
        _mm512_storeu_ps(x + i, _mm512_mul_ps(log_avx512(u), neg_rate));
        unsigned below = (unsigned)_mm512_cmpgt_epi32_mask(accept, j);
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

TARGET_AVX512 static float max_avx512(const float *x, int n)
{
    if (n < 16)
        return max_scalar(x, n);
    __m512 m = _mm512_loadu_ps(x);
    int i = 16;
    for (; i + 16 <= n; i += 16)
        m = _mm512_max_ps(m, _mm512_loadu_ps(x + i));
    float out = _mm512_reduce_max_ps(m);
    for (; i < n; i++)
        out = x[i] > out ? x[i] : out;
    return out;
}

TARGET_AVX512 static void exp_shift_avx512(const float *x, float *t, int n, float shift)
{
    const __m512 s = _mm512_set1_ps(shift);
    int i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(t + i, exp_avx512(_mm512_sub_ps(_mm512_loadu_ps(x + i), s)));
    exp_shift_scalar(x + i, t + i, n - i, shift);
}

TARGET_AVX512 static double sum_avx512(const float *t, int n)
{
    __m512d acc = _mm512_setzero_pd();                              /* a[0..7] */
    int i = 0;
    for (; i + 8 <= n; i += 8)
        acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm256_loadu_ps(t + i)));
    double a[8];
    _mm512_storeu_pd(a, acc);
    double s = combine8(a);
    for (; i < n; i++)
        s += (double)t[i];
    return s;
}
#endif

typedef struct {
    const char *name;
    void (*fill)(streams_t *, uint32_t *, int);
    int (*transform)(const uint32_t *, float *, int, float, int *);
    float (*max)(const float *, int);
    void (*exp_shift)(const float *, float *, int, float);
    double (*sum)(const float *, int);
} ops_t;

static const ops_t SCALAR = {"scalar", fill_scalar, transform_scalar, max_scalar, exp_shift_scalar, sum_scalar};
#if HAVE_VECTOR_PATHS
static const ops_t AVX2 = {"avx2", fill_avx2, transform_avx2, max_avx2, exp_shift_avx2, sum_avx2};
static const ops_t AVX512 = {"avx512", fill_avx512, transform_avx512, max_avx512, exp_shift_avx512, sum_avx512};
#endif
static const ops_t *PATHS[3];
static int N_PATHS = 0;
static const ops_t *OPS = &SCALAR;

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
                return (float)(rate * (e - (double)log_scalar(uniform(j))));
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

/* The subtask variates of one block, rate * E for n subtasks, into x: with q = 1 one word each (x holds
   the block rounded up to whole steps); with q > 1 (explicit mode, the model's literal semantics) the
   minimum over q consecutive words each, min_i rate E_i = rate min_i E_i. Returns how many x are set. */
static int draw_block(const ops_t *ops, streams_t *st, float r32, int q, int n, uint32_t *w, float *x, float *tmp,
                      int *low)
{
    if (q == 1) {
        int padded = (n + WORDS_PER_STEP - 1) / WORDS_PER_STEP * WORDS_PER_STEP;  /* whole steps; rest unused */
        ops->fill(st, w, padded / WORDS_PER_STEP);
        int count = ops->transform(w, x, padded, r32, low);
        while (count > 0 && low[count - 1] >= n)
            count--;
        for (int k = 0; k < count; k++)
            x[low[k]] = redraw(st, r32);
        return padded;
    }
    for (int j = 0; j < n; j++)
        x[j] = INFINITY;
    const long total = (long)n * q;
    for (long k0 = 0; k0 < total; k0 += CHUNK) {
        int len = total - k0 < CHUNK ? (int)(total - k0) : CHUNK;
        int padded = (len + WORDS_PER_STEP - 1) / WORDS_PER_STEP * WORDS_PER_STEP;
        ops->fill(st, w, padded / WORDS_PER_STEP);
        int count = ops->transform(w, tmp, padded, r32, low);
        while (count > 0 && low[count - 1] >= len)
            count--;
        for (int k = 0; k < count; k++)
            tmp[low[k]] = redraw(st, r32);
        int j = (int)(k0 / q), c = (int)(k0 % q);
        for (int k = 0; k < len; k++) {
            x[j] = tmp[k] < x[j] ? tmp[k] : x[j];
            if (++c == q) {
                c = 0;
                j++;
            }
        }
    }
    return n;
}

static void tile(const ops_t *ops, streams_t *st, double rate, int q, Py_ssize_t rows, Py_ssize_t cols,
                 const int64_t *bounds, Py_ssize_t segments, double *out)
{
    uint32_t w[CHUNK];
    float x[CHUNK], t[CHUNK], tmp[CHUNK];
    int low[CHUNK];
    const float r32 = (float)rate;
    const int block = q == 1 ? CHUNK : (CHUNK / q > 0 ? CHUNK / q : 1);     /* subtasks per block */
    for (Py_ssize_t r = 0; r < rows; r++) {
        Py_ssize_t seg = 0;
        lse_t acc = {0.0, 0.0, 1};
        for (Py_ssize_t start = 0; start < cols; start += block) {
            int n = cols - start < block ? (int)(cols - start) : block;
            int filled = draw_block(ops, st, r32, q, n, w, x, tmp, low);
            float top = ops->max(x, n);
            ops->exp_shift(x, t, filled, top);
            int i = 0;
            while (i < n) {
                int end = bounds[seg + 1] - start < n ? (int)(bounds[seg + 1] - start) : n;
                float shift = top;
                double sum = ops->sum(t + i, end - i);
                if (sum < TINY) {
                    shift = ops->max(x + i, end - i);
                    ops->exp_shift(x + i, t + i, end - i, shift);
                    sum = ops->sum(t + i, end - i);
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
    int q = 1;
    if (!PyArg_ParseTuple(args, "OdnnOO|i", &state_obj, &rate, &rows, &cols, &bounds_obj, &out_obj, &q))
        return NULL;
    if (!(rate > 0.0) || !isfinite(rate) || rate > 1e30) {
        PyErr_SetString(PyExc_ValueError, "rate: must be a positive finite number");
        return NULL;
    }
    if (q < 1 || q > 1000000) {
        PyErr_SetString(PyExc_ValueError, "q: must be a whole number in [1, 1e6]");
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
        error = "state: must be a uint64 array of " STR(STATE_WORDS) " words";
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
        const ops_t *ops = OPS;
        Py_BEGIN_ALLOW_THREADS
        tile(ops, &st, rate, q, rows, cols, bounds, segments, out);
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
    return PyUnicode_FromString(OPS->name);
}

static PyObject *paths(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(unused))
{
    PyObject *out = PyTuple_New(N_PATHS);
    for (int i = 0; out != NULL && i < N_PATHS; i++)
        PyTuple_SET_ITEM(out, i, PyUnicode_FromString(PATHS[i]->name));
    return out;
}

static PyObject *use(PyObject *Py_UNUSED(self), PyObject *args)
{
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name))
        return NULL;
    for (int i = 0; i < N_PATHS; i++)
        if (strcmp(PATHS[i]->name, name) == 0) {
            OPS = PATHS[i];
            Py_RETURN_NONE;
        }
    PyErr_Format(PyExc_ValueError, "path: %s is not available on this CPU", name);
    return NULL;
}

static PyMethodDef methods[] = {
    {"pareto_log_sums", pareto_log_sums, METH_VARARGS,
     "pareto_log_sums(state, rate, rows, cols, bounds, out, q=1): row-segment log sums of exp(rate * E), E the "
     "minimum of q standard exponentials (q > 1: explicit mode)."},
    {"simd", simd, METH_NOARGS, "The instruction set the kernel runs on now: 'avx512', 'avx2' or 'scalar'."},
    {"paths", paths, METH_NOARGS, "The instruction sets this CPU can run, fastest last."},
    {"use", use, METH_VARARGS, "use(name): run on this path (one of paths(); they draw identical numbers)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, STR(MODULE_NAME), NULL, -1, methods, NULL, NULL, NULL,
                                    NULL};

PyMODINIT_FUNC CAT(PyInit_, MODULE_NAME)(void)
{
    PATHS[N_PATHS++] = &SCALAR;
#if HAVE_VECTOR_PATHS
#if !defined(FASTSIM_SIMDE)
    __builtin_cpu_init();
#endif
    if (CPU_HAS_AVX2)
        PATHS[N_PATHS++] = &AVX2;
    if (CPU_HAS_AVX512)
        PATHS[N_PATHS++] = &AVX512;
#endif
    OPS = PATHS[N_PATHS - 1];
    return PyModule_Create(&module);
}
