/* Compiled kernel for the fast Pareto path of alignlab.steps.simulate (optional: the package falls
   back to NumPy when this extension is not built).

   pareto_log_sums(state, rate, rows, cols, bounds, out, q=1)

   Draws a rows x cols tile of subtask times M = exp(rate * E), E standard exponential (a Pareto(beta)
   time when rate = 1/beta), and writes out[r, k] = log(sum of M over the columns bounds[k] ..
   bounds[k+1] - 1 of row r). With q > 1 (explicit mode) E is the minimum of q standard exponentials,
   one per approach (rate = 1/alpha): the model's literal semantics. `state` holds 36 uint64 words
   from the tile's SeedSequence.

   Three paths, chosen at run time by the CPU (use() overrides, for tests and benchmarks): scalar,
   AVX2 (8 floats a register) and AVX-512 (16). They draw bit-identical numbers for a seed (the
   scalar path is the reference):

   * Random bits: eight xoshiro256++ streams side by side (two AVX2 registers or one AVX-512 register;
     a loop in scalar code) give the main variates, two 32-bit words per 64-bit output (low half
     first), 16 words a step, in the same order on every path. Row r always takes the next
     ceil(cols / 16) * 16 words (in blocks of 1024), so draws do not depend on `bounds`, and a tile with fewer rows is a prefix of one with more
     (explicit mode: the next q words per subtask, in blocks of 1024 / q subtasks). A ninth, scalar
     xoshiro256++ stream gives the redraws below: its words are taken 64 at a time (32 outputs, low half
     first) and used in order; the unused rest of the last 64 is dropped at the end of the call.
   * The law, in base 2: x = log2 M = rate * L with L = -log2 U = E / log 2. A 32-bit word keeps its
     top 23 bits j, and U = (j + 1/2) 2^-23, computed exactly as (1 + j 2^-23) - (1 - 2^-24). Where
     U < 2^-6 (j < 2^17, probability 2^-6 exactly; the word's index is listed, these words are
     redrawn after the block's others, in index order), L is 6 per tail word taken plus -log2 U' of
     the first tail word with U' >= 2^-6 (memorylessness: given L > 6, L - 6 has the law of L), in
     float32: x = (6 k - log2 U') * rate. Every accepted U lies in [2^-6, 1) on a grid of relative
     width <= 2^-17, taken at the cell's midpoint, so E equals an exact exponential up to
     |dE| <= 2^-18 from the grid, plus the float32 rounding of log2 below (|dE| <= 2.1e-7).
   * log2 and exp2 are computed here, not by libm, with one fixed sequence of IEEE float32 additions,
     subtractions and multiplications (no division; no fused multiply-add: compiled with
     -ffp-contract=off), so every path rounds identically:
       log2 u: u = m 2^e, m in [1, 2) in one of 16 intervals [1 + i/16, 1 + (i+1)/16) (i: the top four
              mantissa bits), centre c_i = 1 + (2i + 1)/32; d = m - c_i (exact: the mantissa with its top
              four bits cleared, minus 33/32), z = d * R_i (R_i = 1/c_i in float32, |z| <= 1/33),
              log2 u = e + (T_i + z ((A1 + A2 z) + z^2 (A3 + A4 z))) with T_i = log2 c_i in float32 and A a
              Chebyshev fit of log2(1 + z)/z (truncation below 1e-8). Checked over all 2^23 words: within
              2.9e-7 of log2 U for the accepted U (within one float32 ulp where |log2 U| >= 1/2);
       exp2 y, y <= 0: k = y rounded to the nearest integer (ties to even), r = y - k (exact,
              |r| <= 1/2), 2^r = (B0 + B1 r) + r^2 ((B2 + B3 r) + r^2 ((B4 + B5 r) + r^2 B6)) (a Chebyshev
              fit), times 2^k (exact: a normal float); y < -125 gives 0. Within 1.3e-7 relative
              (about two float32 ulps).
     The tests check the law they produce.
   * Sums: per block (1024 variates, or one row of up to 1024), t_i = 2^(x_i - block max), summed over
     each segment piece in double in one fixed order: sixteen running sums a[i mod 16] (i counted from
     the piece's start) in index order, combined pairwise ((a0 + a1) + (a2 + a3)) + ... over the
     sixteen; folded into a running base-2 log-sum-exp (total * 2^top), so nothing overflows for any
     beta; out = top log 2 + log(total). Short rows (cols <= 512) are drawn several at a time and
     summed after, with the same numbers as one by one. The GIL is released.
   The numbers drawn for a seed changed with this scheme (2026-12-02: base 2, log2 without division,
   exp2 by Estrin's scheme, sums by index modulo 16, batched tail words). */

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
/* instructions SIMDe 0.7 lacks, element by element (int <-> float of whole numbers, float -> double and the
   exponent of a normal float are exact, so these match the instructions); test builds only */
typedef simde__mmask16 __mmask16;
static inline __m512 shim_cvtepi32_ps(__m512i a)
{
    int32_t i[16]; float f[16];
    _mm512_storeu_si512((void *)i, a);
    for (int k = 0; k < 16; k++) f[k] = (float)i[k];
    return _mm512_loadu_ps(f);
}
static inline __m512 shim_getexp_ps(__m512 a)       /* normal floats only */
{
    int32_t i[16]; float f[16];
    _mm512_storeu_si512((void *)i, _mm512_castps_si512(a));
    for (int k = 0; k < 16; k++) f[k] = (float)((int32_t)(((uint32_t)i[k] >> 23) & 0xff) - 127);
    return _mm512_loadu_ps(f);
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
static inline __m512 shim_maskz_scalef_ps(__mmask16 keep, __m512 a, __m512 b)   /* b: whole numbers */
{
    float f[16], e[16];
    _mm512_storeu_ps(f, a);
    _mm512_storeu_ps(e, b);
    for (int k = 0; k < 16; k++) f[k] = ((keep >> k) & 1) ? ldexpf(f[k], (int)e[k]) : 0.0f;
    return _mm512_loadu_ps(f);
}
#undef _mm512_maskz_scalef_ps
#define _mm512_maskz_scalef_ps shim_maskz_scalef_ps
#define _mm512_cvtepi32_ps shim_cvtepi32_ps
#define _mm512_getexp_ps shim_getexp_ps
#define _mm512_reduce_max_ps shim_reduce_max_ps
#define _mm512_cvtps_pd shim_cvtps_pd
#ifndef _MM_FROUND_NO_EXC
#define _MM_FROUND_NO_EXC SIMDE_MM_FROUND_NO_EXC
#endif
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
#define ACCEPT_WORD (UINT32_C(1) << 26)     /* word >= 2^26  <=>  j >= 2^17  <=>  U >= 2^-6 */
#define TAIL_WORDS 64                       /* tail words drawn and transformed at a time */
#define STATE_WORDS (4 * LANES + 4)
#define EXP2_FLOOR -125.0f                  /* below: 2^y is 0 (at and above, 2^y is a normal float) */
#define TINY 0x1p-58                        /* a piece summing below this is redone with its own shift */
static const double LN2 = 0.6931471805599453;

/* log2 u, u = m 2^e with m in [1, 2): m lies in one of 16 intervals [1 + i/16, 1 + (i+1)/16), of centre
   c_i = 1 + (2i + 1)/32; d = m - c_i (exact), z = d * R_i (R_i = 1/c_i rounded), and
   log2 u = e + (T_i + z (A1 + z (A2 + z (A3 + z A4)))), T_i = log2 c_i rounded, A: a Chebyshev fit of
   log2(1 + z)/z on |z| <= 1/33. */
#define LOG_MID 1.03125f                    /* m - c_i = (m with the top 4 mantissa bits cleared) - 33/32 */
#define A1 0x1.715476p+0f
#define A2 -0x1.715474p-1f
#define A3 0x1.ecb61ep-2f
#define A4 -0x1.719cdep-2f
static const float LOG_R[16] __attribute__((aligned(64))) = {
    0x1.f07c2p-1f, 0x1.d41d42p-1f, 0x1.bacf92p-1f, 0x1.a41a42p-1f, 0x1.8f9c18p-1f, 0x1.7d05f4p-1f, 0x1.6c16c2p-1f,
    0x1.5c9882p-1f, 0x1.4e5e0ap-1f, 0x1.414142p-1f, 0x1.3521dp-1f, 0x1.29e412p-1f, 0x1.1f7048p-1f, 0x1.15b1e6p-1f,
    0x1.0c9714p-1f, 0x1.041042p-1f};
static const float LOG_T[16] __attribute__((aligned(64))) = {
    0x1.6bad38p-5f, 0x1.08c588p-3f, 0x1.acf5e2p-3f, 0x1.24407ap-2f, 0x1.6e221cp-2f, 0x1.b47ecp-2f, 0x1.f7a856p-2f,
    0x1.1bf312p-1f, 0x1.3abb4p-1f, 0x1.584822p-1f, 0x1.74b1fep-1f, 0x1.900e62p-1f, 0x1.aa709p-1f, 0x1.c3e9cap-1f,
    0x1.dc899ap-1f, 0x1.f45e08p-1f};
/* 2^y, y in [-125, 0]: k = y rounded to the nearest integer (ties to even), r = y - k (exact, |r| <= 1/2),
   2^r = B0 + r (B1 + ... r B6) (a Chebyshev fit on |r| <= 1/2), times 2^k */
#define B0 1.0f
#define B1 0x1.62e43p-1f
#define B2 0x1.ebfbep-3f
#define B3 0x1.c6aeccp-5f
#define B4 0x1.3b29d8p-7f
#define B5 0x1.5f48c8p-10f
#define B6 0x1.446c7ep-13f

typedef struct {
    uint64_t lanes[4][LANES];   /* lanes[i][l]: word i of stream l's state */
    uint64_t tail[4];           /* the tail stream's state */
    int tail_next;              /* the next unused word of tail_words */
    uint32_t tail_words[TAIL_WORDS];
    float tail_log2[TAIL_WORDS];   /* log2 U of each tail word */
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

/* the pairwise combination of the 16 running sums */
static inline double combine16(const double *a)
{
    return (((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))) +
           (((a[8] + a[9]) + (a[10] + a[11])) + ((a[12] + a[13]) + (a[14] + a[15])));
}

/* -- scalar path: the reference every vector path reproduces bit for bit ------------------------- */

/* U = (2j + 1) 2^-24, j the word's top 23 bits, as (1 + j 2^-23) - (1 - 2^-24): exact (Sterbenz) */
#define ONE_MINUS_HALF_ULP 0x1.fffffep-1f
static inline float uniform(uint32_t word) { return as_float((word >> 9) | 0x3f800000u) - ONE_MINUS_HALF_ULP; }

static inline float log2_scalar(float u)
{
    uint32_t bits = as_bits(u);
    float e = (float)((int32_t)(bits >> 23) - 127);
    float d = as_float((bits & 0x7ffffu) | 0x3f800000u) - LOG_MID;
    int i = (int)((bits >> 19) & 15);
    float z = d * LOG_R[i];
    float p = z * ((A1 + A2 * z) + (z * z) * (A3 + A4 * z));
    return e + (LOG_T[i] + p);
}

static inline float exp2_scalar(float y)
{
    if (!(y >= EXP2_FLOOR))
        return 0.0f;
    float k = (y + 0x1.8p23f) - 0x1.8p23f;        /* round to nearest, ties to even (|y| <= 125) */
    float r = y - k;
    float r2 = r * r;
    float p = (B0 + B1 * r) + r2 * ((B2 + B3 * r) + r2 * ((B4 + B5 * r) + r2 * B6));
    return p * as_float((uint32_t)((int32_t)k + 127) << 23);
}

/* One block's variates: the next ceil(n/16) steps of the eight streams, x[i] = -rate log2 U_i for every word
   (padding included); low[0 .. *count - 1]: base + i for the i < n with U_i < 2^-6, to be redrawn, in order
   (vector paths may write junk past them: low has room for CHUNK + 16). Returns the largest x[i], i < n, over
   the words not to be redrawn (0 if none). */
static float gen_scalar(streams_t *st, float *x, int n, float rate, int base, int *low, int *count)
{
    int c = 0;
    uint64_t (*s)[LANES] = st->lanes;
    const float neg_rate = -rate;
    float top = 0.0f;
    const int steps = (n + WORDS_PER_STEP - 1) / WORDS_PER_STEP;
    for (int t = 0; t < steps; t++) {
        for (int l = 0; l < LANES; l++) {
            uint64_t out = rotl(s[0][l] + s[3][l], 23) + s[0][l], sh = s[1][l] << 17;
            s[2][l] ^= s[0][l];
            s[3][l] ^= s[1][l];
            s[1][l] ^= s[2][l];
            s[0][l] ^= s[3][l];
            s[2][l] ^= sh;
            s[3][l] = rotl(s[3][l], 45);
            for (int h = 0; h < 2; h++) {          /* low half, then high half */
                uint32_t w = (uint32_t)(out >> (32 * h));
                int i = WORDS_PER_STEP * t + 2 * l + h;
                float xi = log2_scalar(uniform(w)) * neg_rate;
                x[i] = xi;
                if (i < n) {
                    if (w >= ACCEPT_WORD)
                        top = xi > top ? xi : top;
                    else
                        low[c++] = base + i;
                }
            }
        }
    }
    *count = c;
    return top;
}

static void tail_log2_scalar(const uint32_t *w, float *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = log2_scalar(uniform(w[i]));
}

static float max_scalar(const float *x, int n)
{
    float m = x[0];
    for (int i = 1; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

/* sum of 2^(x[i] - shift), i < n: a[i mod 16] in double over i in order, then combine16 */
static double expsum_scalar(const float *x, int n, float shift)
{
    double a[16] = {0};
    for (int i = 0; i < n; i++)
        a[i & 15] += (double)exp2_scalar(x[i] - shift);
    return combine16(a);
}

#if HAVE_VECTOR_PATHS
/* -- AVX2 path ---------------------------------------------------------------------------------- */

TARGET_AVX2 static inline __m256i rotl4(__m256i x, int k)
{
    return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

TARGET_AVX2 static inline __m256 uniform_avx2(__m256i w)
{
    __m256i one_j = _mm256_or_si256(_mm256_srli_epi32(w, 9), _mm256_set1_epi32(0x3f800000));
    return _mm256_sub_ps(_mm256_castsi256_ps(one_j), _mm256_set1_ps(ONE_MINUS_HALF_ULP));
}

/* the 16-entry tables as two registers each, chosen by bit 3 of the index (bit 22 of the float) */
typedef struct {
    __m256 r_lo, r_hi, t_lo, t_hi;
} tables_avx2;

TARGET_AVX2 static inline tables_avx2 load_tables_avx2(void)
{
    return (tables_avx2){_mm256_loadu_ps(LOG_R), _mm256_loadu_ps(LOG_R + 8), _mm256_loadu_ps(LOG_T),
                         _mm256_loadu_ps(LOG_T + 8)};
}

TARGET_AVX2 static inline __m256 log2_avx2(__m256 u, const tables_avx2 *tab)
{
    const __m256i bits = _mm256_castps_si256(u);
    __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
    __m256 d = _mm256_sub_ps(_mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x7ffff)),
                                                                 _mm256_set1_epi32(0x3f800000))),
                             _mm256_set1_ps(LOG_MID));
    __m256i idx = _mm256_srli_epi32(bits, 19);                     /* the permutes use bits 0-2 */
    __m256 high = _mm256_castsi256_ps(_mm256_slli_epi32(bits, 9));  /* sign: bit 3 of the index */
    __m256 r = _mm256_blendv_ps(_mm256_permutevar8x32_ps(tab->r_lo, idx), _mm256_permutevar8x32_ps(tab->r_hi, idx),
                                high);
    __m256 t = _mm256_blendv_ps(_mm256_permutevar8x32_ps(tab->t_lo, idx), _mm256_permutevar8x32_ps(tab->t_hi, idx),
                                high);
    __m256 z = _mm256_mul_ps(d, r);
    __m256 lo = _mm256_add_ps(_mm256_set1_ps(A1), _mm256_mul_ps(_mm256_set1_ps(A2), z));
    __m256 hi = _mm256_add_ps(_mm256_set1_ps(A3), _mm256_mul_ps(_mm256_set1_ps(A4), z));
    __m256 p = _mm256_mul_ps(z, _mm256_add_ps(lo, _mm256_mul_ps(_mm256_mul_ps(z, z), hi)));
    return _mm256_add_ps(e, _mm256_add_ps(t, p));
}

/* 2^y for the lanes in `valid` with y >= -125, else 0 */
TARGET_AVX2 static inline __m256 exp2_avx2(__m256 y, __m256 valid)
{
    __m256 k = _mm256_round_ps(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_sub_ps(y, k);
    __m256 r2 = _mm256_mul_ps(r, r);
    __m256 q0 = _mm256_add_ps(_mm256_set1_ps(B0), _mm256_mul_ps(_mm256_set1_ps(B1), r));
    __m256 q1 = _mm256_add_ps(_mm256_set1_ps(B2), _mm256_mul_ps(_mm256_set1_ps(B3), r));
    __m256 q2 = _mm256_add_ps(_mm256_set1_ps(B4), _mm256_mul_ps(_mm256_set1_ps(B5), r));
    __m256 p = _mm256_add_ps(q2, _mm256_mul_ps(r2, _mm256_set1_ps(B6)));
    p = _mm256_add_ps(q1, _mm256_mul_ps(r2, p));
    p = _mm256_add_ps(q0, _mm256_mul_ps(r2, p));
    __m256 keep = _mm256_and_ps(_mm256_cmp_ps(y, _mm256_set1_ps(EXP2_FLOOR), _CMP_GE_OQ), valid);
    __m256i ki = _mm256_cvtps_epi32(_mm256_and_ps(k, keep));       /* k in [-125, 0] where kept */
    __m256 scale = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(ki, _mm256_set1_epi32(127)), 23));
    return _mm256_and_ps(_mm256_mul_ps(p, scale), keep);
}

TARGET_AVX2 static float gen_avx2(streams_t *st, float *x, int n, float rate, int base, int *low, int *count)
{
    int c = 0;
    __m256i s[4][2];
    for (int i = 0; i < 4; i++)
        for (int h = 0; h < 2; h++)
            s[i][h] = _mm256_loadu_si256((const __m256i *)(st->lanes[i] + 4 * h));
    const tables_avx2 tab = load_tables_avx2();
    const __m256 neg_rate = _mm256_set1_ps(-rate);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), zero = _mm256_setzero_si256();
    __m256 top = _mm256_setzero_ps();
    const int steps = (n + WORDS_PER_STEP - 1) / WORDS_PER_STEP;
    for (int t = 0; t < steps; t++) {
        for (int h = 0; h < 2; h++) {          /* lanes 0-3, then 4-7: words 0-7, then 8-15 */
            __m256i out = _mm256_add_epi64(rotl4(_mm256_add_epi64(s[0][h], s[3][h]), 23), s[0][h]);
            __m256i sh = _mm256_slli_epi64(s[1][h], 17);
            s[2][h] = _mm256_xor_si256(s[2][h], s[0][h]);
            s[3][h] = _mm256_xor_si256(s[3][h], s[1][h]);
            s[1][h] = _mm256_xor_si256(s[1][h], s[2][h]);
            s[0][h] = _mm256_xor_si256(s[0][h], s[3][h]);
            s[2][h] = _mm256_xor_si256(s[2][h], sh);
            s[3][h] = rotl4(s[3][h], 45);
            __m256 xv = _mm256_mul_ps(log2_avx2(uniform_avx2(out), &tab), neg_rate);
            _mm256_storeu_ps(x + WORDS_PER_STEP * t + 8 * h, xv);
            __m256i valid = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - WORDS_PER_STEP * t - 8 * h), iota);
            __m256i accept = _mm256_cmpgt_epi32(_mm256_srli_epi32(out, 26), zero);   /* word >= 2^26 */
            __m256 ok = _mm256_castsi256_ps(_mm256_and_si256(valid, accept));
            top = _mm256_max_ps(top, _mm256_and_ps(xv, ok));    /* x >= 0, top >= 0: a 0 changes nothing */
            unsigned flags = (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_andnot_si256(accept, valid)));
            for (; flags != 0; flags &= flags - 1)
                low[c++] = base + WORDS_PER_STEP * t + 8 * h + __builtin_ctz(flags);
        }
    }
    *count = c;
    for (int i = 0; i < 4; i++)
        for (int h = 0; h < 2; h++)
            _mm256_storeu_si256((__m256i *)(st->lanes[i] + 4 * h), s[i][h]);
    float lanes[8];
    _mm256_storeu_ps(lanes, top);
    return max_scalar(lanes, 8);
}

TARGET_AVX2 static void tail_log2_avx2(const uint32_t *w, float *out, int n)   /* n: a multiple of 8 */
{
    const tables_avx2 tab = load_tables_avx2();
    for (int i = 0; i < n; i += 8)
        _mm256_storeu_ps(out + i, log2_avx2(uniform_avx2(_mm256_loadu_si256((const __m256i *)(w + i))), &tab));
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

/* reads x up to the next multiple of 16 past n (the buffers have room) */
TARGET_AVX2 static double expsum_avx2(const float *x, int n, float shift)
{
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;       /* a[0..3], a[4..7], a[8..11], a[12..15] */
    const __m256 s = _mm256_set1_ps(shift);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int i = 0; i < n; i += 16) {
        __m256 v0 = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(n - i), iota));
        __m256 v1 = _mm256_castsi256_ps(_mm256_cmpgt_epi32(_mm256_set1_epi32(n - i - 8), iota));
        __m256 t0 = exp2_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), s), v0);
        __m256 t1 = exp2_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i + 8), s), v1);
        a0 = _mm256_add_pd(a0, _mm256_cvtps_pd(_mm256_castps256_ps128(t0)));
        a1 = _mm256_add_pd(a1, _mm256_cvtps_pd(_mm256_extractf128_ps(t0, 1)));
        a2 = _mm256_add_pd(a2, _mm256_cvtps_pd(_mm256_castps256_ps128(t1)));
        a3 = _mm256_add_pd(a3, _mm256_cvtps_pd(_mm256_extractf128_ps(t1, 1)));
    }
    double a[16];
    _mm256_storeu_pd(a, a0);
    _mm256_storeu_pd(a + 4, a1);
    _mm256_storeu_pd(a + 8, a2);
    _mm256_storeu_pd(a + 12, a3);
    return combine16(a);
}

/* -- AVX-512 path ------------------------------------------------------------------------------- */

TARGET_AVX512 static inline __m512 uniform_avx512(__m512i w)
{
    __m512i one_j = _mm512_or_si512(_mm512_srli_epi32(w, 9), _mm512_set1_epi32(0x3f800000));
    return _mm512_sub_ps(_mm512_castsi512_ps(one_j), _mm512_set1_ps(ONE_MINUS_HALF_ULP));
}

TARGET_AVX512 static inline __m512 log2_avx512(__m512 u, __m512 tab_r, __m512 tab_t)
{
    const __m512i bits = _mm512_castps_si512(u);
    __m512 e = _mm512_getexp_ps(u);                                  /* exact: (bits >> 23) - 127 */
    __m512 d = _mm512_sub_ps(_mm512_castsi512_ps(_mm512_ternarylogic_epi32(bits, _mm512_set1_epi32(0x7ffff),
                                                                           _mm512_set1_epi32(0x3f800000), 0xea)),
                             _mm512_set1_ps(LOG_MID));                 /* (bits & 0x7ffff) | 0x3f800000 */
    __m512i idx = _mm512_srli_epi32(bits, 19);                        /* the permutes use bits 0-3 */
    __m512 z = _mm512_mul_ps(d, _mm512_permutexvar_ps(idx, tab_r));
    __m512 lo = _mm512_add_ps(_mm512_set1_ps(A1), _mm512_mul_ps(_mm512_set1_ps(A2), z));
    __m512 hi = _mm512_add_ps(_mm512_set1_ps(A3), _mm512_mul_ps(_mm512_set1_ps(A4), z));
    __m512 p = _mm512_mul_ps(z, _mm512_add_ps(lo, _mm512_mul_ps(_mm512_mul_ps(z, z), hi)));
    return _mm512_add_ps(e, _mm512_add_ps(_mm512_permutexvar_ps(idx, tab_t), p));
}

TARGET_AVX512 static inline __m512 exp2_avx512(__m512 y, __mmask16 valid)
{
    __m512 k = _mm512_roundscale_ps(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_sub_ps(y, k);
    __m512 r2 = _mm512_mul_ps(r, r);
    __m512 q0 = _mm512_add_ps(_mm512_set1_ps(B0), _mm512_mul_ps(_mm512_set1_ps(B1), r));
    __m512 q1 = _mm512_add_ps(_mm512_set1_ps(B2), _mm512_mul_ps(_mm512_set1_ps(B3), r));
    __m512 q2 = _mm512_add_ps(_mm512_set1_ps(B4), _mm512_mul_ps(_mm512_set1_ps(B5), r));
    __m512 p = _mm512_add_ps(q2, _mm512_mul_ps(r2, _mm512_set1_ps(B6)));
    p = _mm512_add_ps(q1, _mm512_mul_ps(r2, p));
    p = _mm512_add_ps(q0, _mm512_mul_ps(r2, p));
    __mmask16 keep = _mm512_cmp_ps_mask(y, _mm512_set1_ps(EXP2_FLOOR), _CMP_GE_OQ) & valid;
    return _mm512_maskz_scalef_ps(keep, p, k);                      /* p 2^k: exact, a normal float */
}

typedef struct {
    __m512i s0, s1, s2, s3;
} xoshiro_avx512;

/* gen's work with the streams' state in registers (inlined into gen_avx512 and gen_rows_avx512) */
TARGET_AVX512 static inline __attribute__((always_inline)) float
gen_core_avx512(xoshiro_avx512 *xs, float *x, int n, float rate, int base, int *low, int *count)
{
    int c = 0;
    __m512i index = _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                     _mm512_set1_epi32(base));
    __m512i s0 = xs->s0, s1 = xs->s1, s2 = xs->s2, s3 = xs->s3;
    const __m512 tab_r = _mm512_loadu_ps(LOG_R), tab_t = _mm512_loadu_ps(LOG_T), neg_rate = _mm512_set1_ps(-rate);
    const __m512i accept = _mm512_set1_epi32((int)ACCEPT_WORD);
    __m512 top = _mm512_setzero_ps();
    const int steps = (n + WORDS_PER_STEP - 1) / WORDS_PER_STEP;
    for (int t = 0; t < steps; t++) {
        __m512i out = _mm512_add_epi64(_mm512_rol_epi64(_mm512_add_epi64(s0, s3), 23), s0);   /* little-endian */
        __m512i sh = _mm512_slli_epi64(s1, 17);
        s2 = _mm512_xor_si512(s2, s0);
        s3 = _mm512_xor_si512(s3, s1);
        s1 = _mm512_xor_si512(s1, s2);
        s0 = _mm512_xor_si512(s0, s3);
        s2 = _mm512_xor_si512(s2, sh);
        s3 = _mm512_rol_epi64(s3, 45);
        __m512 xv = _mm512_mul_ps(log2_avx512(uniform_avx512(out), tab_r, tab_t), neg_rate);
        _mm512_storeu_ps(x + WORDS_PER_STEP * t, xv);
        int rest = n - WORDS_PER_STEP * t;
        __mmask16 valid = rest >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rest) - 1);
        __mmask16 ok = _mm512_cmpge_epu32_mask(out, accept) & valid;
        top = _mm512_mask_max_ps(top, ok, top, xv);
        __mmask16 redo = valid & ~ok;
        _mm512_storeu_si512((void *)(low + c), _mm512_maskz_compress_epi32(redo, index));   /* junk past c + popcount */
        c += __builtin_popcount((unsigned)redo);
        index = _mm512_add_epi32(index, _mm512_set1_epi32(WORDS_PER_STEP));
    }
    *count = c;
    *xs = (xoshiro_avx512){s0, s1, s2, s3};
    return _mm512_reduce_max_ps(top);
}

TARGET_AVX512 static inline xoshiro_avx512 load_avx512(const streams_t *st)
{
    return (xoshiro_avx512){_mm512_loadu_si512((const void *)st->lanes[0]), _mm512_loadu_si512((const void *)st->lanes[1]),
                            _mm512_loadu_si512((const void *)st->lanes[2]), _mm512_loadu_si512((const void *)st->lanes[3])};
}

TARGET_AVX512 static inline void store_avx512(streams_t *st, const xoshiro_avx512 *xs)
{
    _mm512_storeu_si512((void *)st->lanes[0], xs->s0);
    _mm512_storeu_si512((void *)st->lanes[1], xs->s1);
    _mm512_storeu_si512((void *)st->lanes[2], xs->s2);
    _mm512_storeu_si512((void *)st->lanes[3], xs->s3);
}

TARGET_AVX512 static float gen_avx512(streams_t *st, float *x, int n, float rate, int base, int *low, int *count)
{
    xoshiro_avx512 xs = load_avx512(st);
    float top = gen_core_avx512(&xs, x, n, rate, base, low, count);
    store_avx512(st, &xs);
    return top;
}

TARGET_AVX512 static void gen_rows_avx512(streams_t *st, float *x, int rows, int n, int stride, float rate, int *low,
                                          int *count, float *tops)
{
    xoshiro_avx512 xs = load_avx512(st);
    int total = 0;
    for (int k = 0; k < rows; k++) {
        int c;
        tops[k] = gen_core_avx512(&xs, x + k * stride, n, rate, k * stride, low + total, &c);
        total += c;
    }
    *count = total;
    store_avx512(st, &xs);
}

TARGET_AVX512 static void tail_log2_avx512(const uint32_t *w, float *out, int n)   /* n: a multiple of 16 */
{
    const __m512 tab_r = _mm512_loadu_ps(LOG_R), tab_t = _mm512_loadu_ps(LOG_T);
    for (int i = 0; i < n; i += 16)
        _mm512_storeu_ps(out + i, log2_avx512(uniform_avx512(_mm512_loadu_si512((const void *)(w + i))), tab_r, tab_t));
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

TARGET_AVX512 static inline __attribute__((always_inline)) double expsum_core_avx512(const float *x, int n, float shift)
{
    __m512d lo = _mm512_setzero_pd(), hi = _mm512_setzero_pd();       /* a[0..7], a[8..15] */
    const __m512 s = _mm512_set1_ps(shift);
    for (int i = 0; i < n; i += 16) {
        int rest = n - i;
        __mmask16 valid = rest >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << rest) - 1);
        __m512 t = exp2_avx512(_mm512_sub_ps(_mm512_loadu_ps(x + i), s), valid);
        lo = _mm512_add_pd(lo, _mm512_cvtps_pd(_mm512_castps512_ps256(t)));
        hi = _mm512_add_pd(hi, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(t), 1))));
    }
    double a[16];
    _mm512_storeu_pd(a, lo);
    _mm512_storeu_pd(a + 8, hi);
    return combine16(a);
}

TARGET_AVX512 static double expsum_avx512(const float *x, int n, float shift) { return expsum_core_avx512(x, n, shift); }

TARGET_AVX512 static void expsum_rows_avx512(const float *x, int rows, int n, int stride, const float *shifts, double *sums)
{
    for (int k = 0; k < rows; k++)
        sums[k] = expsum_core_avx512(x + k * stride, n, shifts[k]);
}
#endif

/* rows at x, x + stride, ...: gen for each in turn, its words to redraw listed as offsets from x; expsum of each */
#define ROWS_FUNCTIONS(path)                                                                                       \
    static void gen_rows_##path(streams_t *st, float *x, int rows, int n, int stride, float rate, int *low,        \
                                int *count, float *tops)                                                           \
    {                                                                                                              \
        int total = 0;                                                                                             \
        for (int k = 0; k < rows; k++) {                                                                           \
            int c;                                                                                                 \
            tops[k] = gen_##path(st, x + k * stride, n, rate, k * stride, low + total, &c);                        \
            total += c;                                                                                            \
        }                                                                                                          \
        *count = total;                                                                                            \
    }                                                                                                              \
    static void expsum_rows_##path(const float *x, int rows, int n, int stride, const float *shifts, double *sums) \
    {                                                                                                              \
        for (int k = 0; k < rows; k++)                                                                             \
            sums[k] = expsum_##path(x + k * stride, n, shifts[k]);                                                 \
    }
ROWS_FUNCTIONS(scalar)
#if HAVE_VECTOR_PATHS
ROWS_FUNCTIONS(avx2)
#endif

typedef struct {
    const char *name;
    float (*gen)(streams_t *, float *, int, float, int, int *, int *);
    void (*tail_log2)(const uint32_t *, float *, int);
    float (*max)(const float *, int);
    double (*expsum)(const float *, int, float);
    void (*gen_rows)(streams_t *, float *, int, int, int, float, int *, int *, float *);
    void (*expsum_rows)(const float *, int, int, int, const float *, double *);
} ops_t;

static const ops_t SCALAR = {"scalar", gen_scalar, tail_log2_scalar, max_scalar, expsum_scalar, gen_rows_scalar,
                              expsum_rows_scalar};
#if HAVE_VECTOR_PATHS
static const ops_t AVX2 = {"avx2", gen_avx2, tail_log2_avx2, max_avx2, expsum_avx2, gen_rows_avx2, expsum_rows_avx2};
static const ops_t AVX512 = {"avx512", gen_avx512, tail_log2_avx512, max_avx512, expsum_avx512, gen_rows_avx512,
                              expsum_rows_avx512};
#endif
static const ops_t *PATHS[3];
static int N_PATHS = 0;
static const ops_t *OPS = &SCALAR;

/* x for a variate whose first U fell below 2^-6: rate (6 k - log2 U'), k >= 1 the number of tail words
   taken, U' the first of them >= 2^-6; the tail words are drawn TAIL_WORDS at a time (low half of each
   64-bit output first) and used in order. */
static float redraw(const ops_t *ops, streams_t *st, float rate)
{
    float six_k = 0.0f;
    for (;;) {
        if (st->tail_next == TAIL_WORDS) {
            for (int i = 0; i < TAIL_WORDS; i += 2) {
                uint64_t word = next_tail(st->tail);
                st->tail_words[i] = (uint32_t)word;
                st->tail_words[i + 1] = (uint32_t)(word >> 32);
            }
            ops->tail_log2(st->tail_words, st->tail_log2, TAIL_WORDS);
            st->tail_next = 0;
        }
        int i = st->tail_next++;
        six_k += 6.0f;                             /* exact below 2^24 */
        if (st->tail_words[i] >= ACCEPT_WORD)
            return (six_k - st->tail_log2[i]) * rate;
    }
}

/* a block drawn by gen with its words to be redrawn, redrawn in index order; returns the new largest x */
static float gen_block(const ops_t *ops, streams_t *st, float rate, float *x, int *low, int n)
{
    int count;
    float top = ops->gen(st, x, n, rate, 0, low, &count);
    for (int k = 0; k < count; k++) {
        float xi = redraw(ops, st, rate);
        x[low[k]] = xi;
        top = xi > top ? xi : top;
    }
    return top;
}

/* A running log-sum-exp in base 2: the sum is 2^top * total. */
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
        acc->total = acc->total * exp2(acc->top - shift) + sum;
        acc->top = shift;
    } else {
        acc->total += sum * exp2(shift - acc->top);
    }
}

/* The subtask variates of one block, x = rate * E / log 2 = log2 M for n subtasks: with q = 1 one word each;
   with q > 1 (explicit mode, the model's literal semantics) the minimum over q consecutive words each,
   min_i rate E_i = rate min_i E_i. Returns the largest x. */
static float draw_block(const ops_t *ops, streams_t *st, float r32, int q, int n, float *x, float *tmp,
                        int *low)
{
    if (q == 1)
        return gen_block(ops, st, r32, x, low, n);
    for (int j = 0; j < n; j++)
        x[j] = INFINITY;
    const long total = (long)n * q;
    for (long k0 = 0; k0 < total; k0 += CHUNK) {
        int len = total - k0 < CHUNK ? (int)(total - k0) : CHUNK;
        gen_block(ops, st, r32, tmp, low, len);
        int j = (int)(k0 / q), c = (int)(k0 % q);
        for (int k = 0; k < len; k++) {
            x[j] = tmp[k] < x[j] ? tmp[k] : x[j];
            if (++c == q) {
                c = 0;
                j++;
            }
        }
    }
    return ops->max(x, n);
}

/* Block terms are 2^(x - block max) whatever the segments, so a segment's sum does not depend on where the
   other boundaries lie (partial sums and the whole sum agree to double rounding). A segment piece whose
   terms are all below 2^-58 of the block's largest is redone with its own shift, so that no piece
   underflows to zero. */
/* The terms of one block (n variates x, largest top; columns start .. start + n - 1 of a row) folded into
   the row's running sums, each finished segment's log sum written to out_row. */
static void sum_block(const ops_t *ops, const float *x, float top, int n, Py_ssize_t start, const int64_t *bounds,
                      double *out_row, lse_t *acc, Py_ssize_t *seg)
{
    int i = 0;
    while (i < n) {
        int end = bounds[*seg + 1] - start < n ? (int)(bounds[*seg + 1] - start) : n;
        float shift = top;
        double sum = ops->expsum(x + i, end - i, shift);
        if (sum < TINY) {
            shift = ops->max(x + i, end - i);
            sum = ops->expsum(x + i, end - i, shift);
        }
        lse_fold(acc, shift, sum);
        i = end;
        if (start + i == bounds[*seg + 1]) {
            out_row[*seg] = LN2 * acc->top + log(acc->total);
            *acc = (lse_t){0.0, 0.0, 1};
            (*seg)++;
        }
    }
}

static void tile(const ops_t *ops, streams_t *st, double rate, int q, Py_ssize_t rows, Py_ssize_t cols,
                 const int64_t *bounds, Py_ssize_t segments, double *out)
{
    /* room past CHUNK: the vector sums read up to the next whole step */
    float x[CHUNK + WORDS_PER_STEP] = {0}, tmp[CHUNK + WORDS_PER_STEP] = {0};
    int low[CHUNK + WORDS_PER_STEP];
    const float r32 = (float)rate;             /* x = log2 M = rate * (-log2 U) */
    if (q == 1 && cols <= CHUNK / 2) {
        /* short rows, several at a time (the same numbers as one by one: each row takes its own words and
           its redraws in order), so that one row's sums overlap the next one's work */
        const int n = (int)cols, padded = (n + WORDS_PER_STEP - 1) / WORDS_PER_STEP * WORDS_PER_STEP;
        const int batch = CHUNK / padded;
        float tops[CHUNK / WORDS_PER_STEP];
        for (Py_ssize_t r0 = 0; r0 < rows; r0 += batch) {
            int nr = rows - r0 < batch ? (int)(rows - r0) : batch;
            int count;                         /* the batch's words to redraw, row after row */
            ops->gen_rows(st, x, nr, n, padded, r32, low, &count, tops);
            for (int j = 0; j < count; j++) {  /* in the order the rows would take them one by one */
                float xi = redraw(ops, st, r32);
                int k = low[j] / padded;
                x[low[j]] = xi;
                tops[k] = xi > tops[k] ? xi : tops[k];
            }
            if (segments == 1) {               /* the common case: the sums first, then their logs */
                double sums[CHUNK / WORDS_PER_STEP];
                ops->expsum_rows(x, nr, n, padded, tops, sums);   /* each >= 1: the largest term is 1 */
                for (int k = 0; k < nr; k++)
                    out[r0 + k] = LN2 * tops[k] + log(sums[k]);
                continue;
            }
            for (int k = 0; k < nr; k++) {
                Py_ssize_t seg = 0;
                lse_t acc = {0.0, 0.0, 1};
                sum_block(ops, x + k * padded, tops[k], n, 0, bounds, out + (r0 + k) * segments, &acc, &seg);
            }
        }
        return;
    }
    const int block = q == 1 ? CHUNK : (CHUNK / q > 0 ? CHUNK / q : 1);     /* subtasks per block */
    for (Py_ssize_t r = 0; r < rows; r++) {
        Py_ssize_t seg = 0;
        lse_t acc = {0.0, 0.0, 1};
        for (Py_ssize_t start = 0; start < cols; start += block) {
            int n = cols - start < block ? (int)(cols - start) : block;
            float top = draw_block(ops, st, r32, q, n, x, tmp, low);
            sum_block(ops, x, top, n, start, bounds, out + r * segments, &acc, &seg);
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
        memcpy(st.lanes, s.buf, sizeof st.lanes);
        memcpy(st.tail, (const uint64_t *)s.buf + 4 * LANES, sizeof st.tail);
        st.tail_next = TAIL_WORDS;                /* the tail buffer starts empty */
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
