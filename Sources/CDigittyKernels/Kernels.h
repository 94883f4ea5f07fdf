// The kernels' code, written once and compiled once per instruction set: Portable.c, AVX2.c and AVX512.c each
// include this file inside a `#pragma clang attribute` that sets the functions' target, with KERNEL(name) adding the
// set's suffix to the names Dispatch.c calls. The code uses clang's vector types (`v16` is 16 floats), which the
// compiler maps to the set's registers: four SSE/NEON registers, two AVX2 registers or one AVX-512 register.
// `s += x * y` compiles to a fused multiply-add where the set has one (C's default FP_CONTRACT on), so on AVX2 and
// AVX-512 every product below is rounded once, as Swift's `addingProduct` was.
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "CDigittyKernels.h"
#include "WinogradMatrices.h"

// Static helpers pass `v16` values by register between each other inside one file, so the ABI note clang gives for
// vectors wider than the portable baseline's registers does not apply.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));
typedef int32_t v16i __attribute__((vector_size(64)));

#define INLINE static inline __attribute__((always_inline))

INLINE v16 load16(const float *p) { v16 v; memcpy(&v, p, sizeof v); return v; }
INLINE void store16(float *p, v16 v) { memcpy(p, &v, sizeof v); }
INLINE v8 load8(const float *p) { v8 v; memcpy(&v, p, sizeof v); return v; }
// (Not `(v16){0} + x`: adding +0 is not exact for x = −0, so the compiler keeps a scalar addition before each broadcast.)
INLINE v16 splat16(float x) { return (v16){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }
/// Lane-wise `a < b ? b : a` (NaN in `a` is kept, as a compare-and-select does).
INLINE v16 max16(v16 a, v16 b) {
    v16i less = a < b;
    return (v16)(((v16i)a & ~less) | ((v16i)b & less));
}
INLINE v16 relu16(v16 a) { return max16(a, (v16){0}); }
INLINE float sum8(v8 v) {
    float total = v[0];
    for (int lane = 1; lane < 8; lane++) total += v[lane];
    return total;
}
INLINE long min_long(long a, long b) { return a < b ? a : b; }

/// Non-zero positions are gathered in pieces of this many entries, on the stack.
#define INDEX_CHUNK 2048

/// The positions of the non-zero entries of `row[0..<count]` (every `stride`-th float), found without branches
/// (the index is always written, and kept only when the entry's bits other than the sign are not zero).
INLINE long nonzero_positions(const float *row, long stride, long count, int32_t *positions) {
    long found = 0;
    for (long index = 0; index < count; index++) {
        uint32_t bits;
        memcpy(&bits, row + index * stride, sizeof bits);
        positions[found] = (int32_t)index;
        found += (bits << 1) != 0;
    }
    return found;
}

// MARK: - Dense products (inference)

/// Four rows of `a` at a time: each loaded row of `b` feeds four accumulators.
static void four_rows(const float *a, const float *b, float *c, long k, long n, const float *bias) {
    const float *a0 = a, *a1 = a + k, *a2 = a + 2 * k, *a3 = a + 3 * k;
    long column = 0;
    for (; column + 16 <= n; column += 16) {
        v16 start = bias ? load16(bias + column) : (v16){0};
        v16 c0 = start, c1 = start, c2 = start, c3 = start;
        const float *row = b + column;
        for (long index = 0; index < k; index++, row += n) {
            v16 y = load16(row);
            c0 += splat16(a0[index]) * y;
            c1 += splat16(a1[index]) * y;
            c2 += splat16(a2[index]) * y;
            c3 += splat16(a3[index]) * y;
        }
        store16(c + column, c0);
        store16(c + n + column, c1);
        store16(c + 2 * n + column, c2);
        store16(c + 3 * n + column, c3);
    }
    for (; column < n; column++) {
        float start = bias ? bias[column] : 0;
        float s0 = start, s1 = start, s2 = start, s3 = start;
        for (long index = 0; index < k; index++) {
            float y = b[index * n + column];
            s0 += a0[index] * y;
            s1 += a1[index] * y;
            s2 += a2[index] * y;
            s3 += a3[index] * y;
        }
        c[column] = s0;
        c[n + column] = s1;
        c[2 * n + column] = s2;
        c[3 * n + column] = s3;
    }
}

/// One row of `a` times `b`, summing only the rows of `b` that the row's non-zero entries select. The entries are
/// taken in pieces of INDEX_CHUNK; the first piece starts from the bias, later ones from `c`.
static void sparse_row(const float *a, const float *b, float *c, long k, long n, const float *bias) {
    int32_t positions[INDEX_CHUNK];
    long first = 0;
    do {
        long length = min_long(INDEX_CHUNK, k - first);
        long found = nonzero_positions(a + first, 1, length, positions);
        const float *start = first == 0 ? bias : c;
        const float *rows = b + first * n, *values = a + first;
        long column = 0;
        for (; column + 64 <= n; column += 64) {
            v16 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
            if (start) {
                s0 = load16(start + column); s1 = load16(start + column + 16);
                s2 = load16(start + column + 32); s3 = load16(start + column + 48);
            }
            for (long entry = 0; entry < found; entry++) {
                long index = positions[entry];
                v16 scale = splat16(values[index]);
                const float *row = rows + index * n + column;
                s0 += scale * load16(row); s1 += scale * load16(row + 16);
                s2 += scale * load16(row + 32); s3 += scale * load16(row + 48);
            }
            store16(c + column, s0); store16(c + column + 16, s1);
            store16(c + column + 32, s2); store16(c + column + 48, s3);
        }
        for (; column + 16 <= n; column += 16) {
            v16 sum = start ? load16(start + column) : (v16){0};
            for (long entry = 0; entry < found; entry++) {
                long index = positions[entry];
                sum += splat16(values[index]) * load16(rows + index * n + column);
            }
            store16(c + column, sum);
        }
        for (; column < n; column++) {
            float sum = start ? start[column] : 0;
            for (long entry = 0; entry < found; entry++) {
                long index = positions[entry];
                sum += values[index] * rows[index * n + column];
            }
            c[column] = sum;
        }
        first += length;
    } while (first < k);
}

void KERNEL(gemm)(const float *a, const float *b, float *c, long m, long k, long n, const float *bias) {
    long row = 0;
    for (; row + 4 <= m; row += 4) {
        long zeros = 0;
        for (long index = 0; index < 4 * k; index++) zeros += a[row * k + index] == 0;
        if (zeros >= k) {  // a quarter or more zeros, as after ReLU and pooling
            for (long sparse = row; sparse < row + 4; sparse++) sparse_row(a + sparse * k, b, c + sparse * n, k, n, bias);
        } else {
            four_rows(a + row * k, b, c + row * n, k, n, bias);
        }
    }
    for (; row < m; row++) sparse_row(a + row * k, b, c + row * n, k, n, bias);
}

// MARK: - Strided products (training)
// Each output element is one fixed sequence of fused multiply-adds whatever rows a caller hands to which thread,
// so results do not depend on how work is split. Zero entries of `a` are skipped where `a` streams entry by entry;
// skipping a zero product is exact for finite values.

/// Row by row over columns left of a 16-wide panel, in memory, skipping zeros.
static void rows_times_columns(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                               long ldc, bool accumulate, const float *bias) {
    for (long row = 0; row < m; row++) {
        float *target = c + row * ldc;
        if (!accumulate) {
            for (long column = 0; column < n; column++) target[column] = bias ? bias[column] : 0;
        }
        const float *source = a + row * lda;
        for (long index = 0; index < k; index++) {
            float value = source[index];
            if (value == 0) continue;
            const float *panel = b + index * ldb;
            for (long column = 0; column < n; column++) target[column] = __builtin_fmaf(value, panel[column], target[column]);
        }
    }
}

/// Row by row, zero-skipping: each row's non-zero entries are found once per piece, then every column panel (64,
/// 32 or 16 wide, held in registers) sums the rows of `b` they select.
static void rows_times_panels(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                              long ldc, bool accumulate, const float *bias) {
    int32_t positions[INDEX_CHUNK];
    for (long row = 0; row < m; row++) {
        const float *source = a + row * lda;
        float *target = c + row * ldc;
        long first = 0;
        do {
            long length = min_long(INDEX_CHUNK, k - first);
            long found = nonzero_positions(source + first, 1, length, positions);
            bool fromTarget = accumulate || first > 0;
            const float *start = fromTarget ? target : bias;
            const float *values = source + first, *rows = b + first * ldb;
            long column = 0;
            for (; column + 64 <= n; column += 64) {
                v16 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
                if (start) {
                    s0 = load16(start + column); s1 = load16(start + column + 16);
                    s2 = load16(start + column + 32); s3 = load16(start + column + 48);
                }
                for (long entry = 0; entry < found; entry++) {
                    long index = positions[entry];
                    v16 scale = splat16(values[index]);
                    const float *panel = rows + index * ldb + column;
                    s0 += scale * load16(panel); s1 += scale * load16(panel + 16);
                    s2 += scale * load16(panel + 32); s3 += scale * load16(panel + 48);
                }
                store16(target + column, s0); store16(target + column + 16, s1);
                store16(target + column + 32, s2); store16(target + column + 48, s3);
            }
            for (; column + 32 <= n; column += 32) {
                v16 s0 = {0}, s1 = {0};
                if (start) { s0 = load16(start + column); s1 = load16(start + column + 16); }
                for (long entry = 0; entry < found; entry++) {
                    long index = positions[entry];
                    v16 scale = splat16(values[index]);
                    const float *panel = rows + index * ldb + column;
                    s0 += scale * load16(panel); s1 += scale * load16(panel + 16);
                }
                store16(target + column, s0); store16(target + column + 16, s1);
            }
            for (; column + 16 <= n; column += 16) {
                v16 sum = start ? load16(start + column) : (v16){0};
                for (long entry = 0; entry < found; entry++) {
                    long index = positions[entry];
                    sum += splat16(values[index]) * load16(rows + index * ldb + column);
                }
                store16(target + column, sum);
            }
            first += length;
        } while (first < k);
        long column = n & ~15L;
        if (column < n) {
            rows_times_columns(1, n - column, k, source, lda, b + column, ldb, target + column, ldc, accumulate,
                               bias ? bias + column : 0);
        }
    }
}

/// From this inner dimension on, reusing each loaded row of `b` for four rows of `a` beats skipping zeros
/// (the deep CNN's second convolution, k = 288, trains about 10% faster blocked).
#define DENSE_DEPTH 256
/// Rows of `b` packed at a time in `blocked_multiply` (64 KiB on the stack).
#define PACK_DEPTH 1024

/// Column panels of 16, each first copied to contiguous memory (so it streams from cache with no strided misses),
/// times blocks of four rows of `a`; the depth is taken in pieces of PACK_DEPTH, later pieces adding to `c`.
static void blocked_multiply(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                             long ldc, bool accumulate, const float *bias) {
    v16 packed[PACK_DEPTH];
    long column = 0;
    for (; column + 16 <= n; column += 16) {
        for (long first = 0; first < k; first += PACK_DEPTH) {
            long depth = min_long(PACK_DEPTH, k - first);
            bool fromTarget = accumulate || first > 0;
            for (long index = 0; index < depth; index++) packed[index] = load16(b + (first + index) * ldb + column);
            v16 initial = !fromTarget && bias ? load16(bias + column) : (v16){0};
            long row = 0;
            for (; row + 4 <= m; row += 4) {
                const float *a0 = a + row * lda + first, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
                float *c0 = c + row * ldc + column, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
                v16 s0 = initial, s1 = initial, s2 = initial, s3 = initial;
                if (fromTarget) { s0 = load16(c0); s1 = load16(c1); s2 = load16(c2); s3 = load16(c3); }
                for (long index = 0; index < depth; index++) {
                    v16 y = packed[index];
                    s0 += splat16(a0[index]) * y;
                    s1 += splat16(a1[index]) * y;
                    s2 += splat16(a2[index]) * y;
                    s3 += splat16(a3[index]) * y;
                }
                store16(c0, s0); store16(c1, s1); store16(c2, s2); store16(c3, s3);
            }
            for (; row < m; row++) {
                const float *a0 = a + row * lda + first;
                float *c0 = c + row * ldc + column;
                v16 s0 = fromTarget ? load16(c0) : initial;
                for (long index = 0; index < depth; index++) {
                    if (a0[index] != 0) s0 += splat16(a0[index]) * packed[index];
                }
                store16(c0, s0);
            }
        }
    }
    if (column < n) {
        rows_times_columns(m, n - column, k, a, lda, b + column, ldb, c + column, ldc, accumulate,
                           bias ? bias + column : 0);
    }
}

void KERNEL(strided_gemm)(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                          long ldc, bool accumulate, const float *bias) {
    if (k >= DENSE_DEPTH && m >= 4) {
        blocked_multiply(m, n, k, a, lda, b, ldb, c, ldc, accumulate, bias);
    } else {
        rows_times_panels(m, n, k, a, lda, b, ldb, c, ldc, accumulate, bias);
    }
}

/// Dot product with eight lanes, then the scalar tail.
INLINE float dot(const float *x, const float *y, long count) {
    v8 sum = {0};
    long index = 0;
    for (; index + 8 <= count; index += 8) sum += load8(x + index) * load8(y + index);
    float total = sum8(sum);
    for (; index < count; index++) total = __builtin_fmaf(x[index], y[index], total);
    return total;
}

void KERNEL(strided_gemm_bt)(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                             long ldc) {
    long column = 0;
    for (; column + 4 <= n; column += 4) {
        const float *b0 = b + column * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
        long row = 0;
        for (; row + 2 <= m; row += 2) {
            const float *a0 = a + row * lda, *a1 = a0 + lda;
            v8 s00 = {0}, s01 = {0}, s02 = {0}, s03 = {0}, s10 = {0}, s11 = {0}, s12 = {0}, s13 = {0};
            long index = 0;
            for (; index + 8 <= k; index += 8) {
                v8 x0 = load8(a0 + index), x1 = load8(a1 + index);
                v8 y0 = load8(b0 + index), y1 = load8(b1 + index), y2 = load8(b2 + index), y3 = load8(b3 + index);
                s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
                s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
            }
            float r00 = sum8(s00), r01 = sum8(s01), r02 = sum8(s02), r03 = sum8(s03);
            float r10 = sum8(s10), r11 = sum8(s11), r12 = sum8(s12), r13 = sum8(s13);
            for (; index < k; index++) {
                float x0 = a0[index], x1 = a1[index];
                r00 = __builtin_fmaf(x0, b0[index], r00); r01 = __builtin_fmaf(x0, b1[index], r01);
                r02 = __builtin_fmaf(x0, b2[index], r02); r03 = __builtin_fmaf(x0, b3[index], r03);
                r10 = __builtin_fmaf(x1, b0[index], r10); r11 = __builtin_fmaf(x1, b1[index], r11);
                r12 = __builtin_fmaf(x1, b2[index], r12); r13 = __builtin_fmaf(x1, b3[index], r13);
            }
            float *c0 = c + row * ldc + column, *c1 = c0 + ldc;
            c0[0] = r00; c0[1] = r01; c0[2] = r02; c0[3] = r03;
            c1[0] = r10; c1[1] = r11; c1[2] = r12; c1[3] = r13;
        }
        if (row < m) {
            for (long offset = 0; offset < 4; offset++) {
                c[row * ldc + column + offset] = dot(a + row * lda, b + (column + offset) * ldb, k);
            }
        }
    }
    for (; column < n; column++) {
        for (long row = 0; row < m; row++) c[row * ldc + column] = dot(a + row * lda, b + column * ldb, k);
    }
}

/// `c += aᵀ · b` for long sums: blocks of 4 outputs × 16 columns held in registers while a 256-row block of `b`
/// (kept in cache) streams past; no zero skipping.
static void blocked_transposed_a(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                                 long ldc) {
    const long block = 256;
    for (long first = 0; first < m; first += block) {
        long rows = min_long(block, m - first);
        long column = 0;
        for (; column + 16 <= n; column += 16) {
            long output = 0;
            for (; output + 4 <= k; output += 4) {
                float *c0 = c + output * ldc + column, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
                v16 s0 = load16(c0), s1 = load16(c1), s2 = load16(c2), s3 = load16(c3);
                const float *source = a + first * lda + output, *panel = b + first * ldb + column;
                for (long row = 0; row < rows; row++, source += lda, panel += ldb) {
                    v16 y = load16(panel);
                    s0 += splat16(source[0]) * y;
                    s1 += splat16(source[1]) * y;
                    s2 += splat16(source[2]) * y;
                    s3 += splat16(source[3]) * y;
                }
                store16(c0, s0); store16(c1, s1); store16(c2, s2); store16(c3, s3);
            }
            for (; output < k; output++) {
                float *target = c + output * ldc + column;
                v16 sum = load16(target);
                for (long row = first; row < first + rows; row++) {
                    sum += splat16(a[row * lda + output]) * load16(b + row * ldb + column);
                }
                store16(target, sum);
            }
        }
        if (column < n) {
            for (long output = 0; output < k; output++) {
                float *target = c + output * ldc;
                for (long row = first; row < first + rows; row++) {
                    float value = a[row * lda + output];
                    const float *source = b + row * ldb;
                    for (long j = column; j < n; j++) target[j] = __builtin_fmaf(value, source[j], target[j]);
                }
            }
        }
    }
}

/// `c[k×n] (+)= aᵀ · b` for one block of at most 256 rows: for each output row, the non-zero entries of `a`'s column
/// are found once and the rows of `b` they select are summed across all column panels.
static void transposed_a_block(long rows, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                               long ldc, bool accumulate) {
    int32_t positions[257];
    for (long output = 0; output < k; output++) {
        float *target = c + output * ldc;
        long found = nonzero_positions(a + output, lda, rows, positions);
        long column = 0;
        for (; column + 64 <= n; column += 64) {
            float *t = target + column;
            v16 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
            if (accumulate) { s0 = load16(t); s1 = load16(t + 16); s2 = load16(t + 32); s3 = load16(t + 48); }
            for (long entry = 0; entry < found; entry++) {
                long row = positions[entry];
                v16 scale = splat16(a[row * lda + output]);
                const float *source = b + row * ldb + column;
                s0 += scale * load16(source); s1 += scale * load16(source + 16);
                s2 += scale * load16(source + 32); s3 += scale * load16(source + 48);
            }
            store16(t, s0); store16(t + 16, s1); store16(t + 32, s2); store16(t + 48, s3);
        }
        for (; column + 16 <= n; column += 16) {
            float *t = target + column;
            v16 sum = accumulate ? load16(t) : (v16){0};
            for (long entry = 0; entry < found; entry++) {
                long row = positions[entry];
                sum += splat16(a[row * lda + output]) * load16(b + row * ldb + column);
            }
            store16(t, sum);
        }
        for (; column < n; column++) {
            float sum = accumulate ? target[column] : 0;
            for (long entry = 0; entry < found; entry++) {
                long row = positions[entry];
                sum = __builtin_fmaf(a[row * lda + output], b[row * ldb + column], sum);
            }
            target[column] = sum;
        }
    }
}

void KERNEL(strided_gemm_at)(long m, long n, long k, const float *a, long lda, const float *b, long ldb, float *c,
                             long ldc, bool accumulate) {
    if (m >= 64 && k >= 32) {
        if (!accumulate) {
            for (long row = 0; row < k; row++) memset(c + row * ldc, 0, (size_t)n * sizeof(float));
        }
        blocked_transposed_a(m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
    const long block = 256;
    long first = 0;
    do {
        long rows = min_long(block, m - first);
        transposed_a_block(rows, n, k, a + first * lda, lda, b + first * ldb, ldb, c, ldc, accumulate || first > 0);
        first += rows;
    } while (first < m);
}

// MARK: - Convolution (inference)

/// Where the window of output pixel (`row`, `column`) starts in the input, in floats, and whether it lies wholly
/// inside the image (no padding under it).
INLINE long window_offset(const dk_conv_shape *s, long row, long column, bool *inside) {
    long top = row * s->stride - s->pad_top, left = column * s->stride - s->pad_left;
    *inside = top >= 0 && left >= 0 && top + s->kernel <= s->height && left + s->kernel <= s->width;
    return (top * s->width + left) * s->channels;
}

/// Four output pixels whose windows lie inside the image, filters `filter..<filter + 16`: `acc[i] += Σ taps`.
/// Each weight vector is loaded once for the four pixels, which gives four independent chains of multiply-adds.
/// `kernel` and `channels` are constants where the caller specialises them (3×3, one channel).
INLINE void block4(const float *input, const long offset[4], const float *weights, long filter, long filters,
                   long kernel, long channels, long rowStride, v16 acc[4]) {
    v16 s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3];
    for (long ky = 0; ky < kernel; ky++) {
        for (long kx = 0; kx < kernel; kx++) {
            const float *tap = weights + (ky * kernel + kx) * channels * filters + filter;
            const float *p = input + ky * rowStride + kx * channels;
            const float *p0 = p + offset[0], *p1 = p + offset[1], *p2 = p + offset[2], *p3 = p + offset[3];
            for (long c = 0; c < channels; c++) {
                v16 w = load16(tap + c * filters);
                s0 += splat16(p0[c]) * w;
                s1 += splat16(p1[c]) * w;
                s2 += splat16(p2[c]) * w;
                s3 += splat16(p3[c]) * w;
            }
        }
    }
    acc[0] = s0; acc[1] = s1; acc[2] = s2; acc[3] = s3;
}

/// One output pixel's filters `filter..<filter + 16`, skipping taps on padding.
static v16 pixel16(const dk_conv_shape *s, const float *input, const float *weights, const float *bias, long row,
                   long column, long filter) {
    v16 sum = load16(bias + filter);
    for (long ky = 0; ky < s->kernel; ky++) {
        long y = row * s->stride + ky - s->pad_top;
        if (y < 0 || y >= s->height) continue;
        for (long kx = 0; kx < s->kernel; kx++) {
            long x = column * s->stride + kx - s->pad_left;
            if (x < 0 || x >= s->width) continue;
            const float *pixel = input + (y * s->width + x) * s->channels;
            const float *tap = weights + (ky * s->kernel + kx) * s->channels * s->filters + filter;
            for (long c = 0; c < s->channels; c++) sum += splat16(pixel[c]) * load16(tap + c * s->filters);
        }
    }
    return sum;
}

/// One output pixel and one filter, skipping taps on padding (filters left over from the blocks of 16).
static float pixel1(const dk_conv_shape *s, const float *input, const float *weights, const float *bias, long row,
                    long column, long filter) {
    float sum = bias[filter];
    for (long ky = 0; ky < s->kernel; ky++) {
        long y = row * s->stride + ky - s->pad_top;
        if (y < 0 || y >= s->height) continue;
        for (long kx = 0; kx < s->kernel; kx++) {
            long x = column * s->stride + kx - s->pad_left;
            if (x < 0 || x >= s->width) continue;
            const float *pixel = input + (y * s->width + x) * s->channels;
            const float *tap = weights + (ky * s->kernel + kx) * s->channels * s->filters + filter;
            for (long c = 0; c < s->channels; c++) sum += pixel[c] * tap[c * s->filters];
        }
    }
    return sum;
}

/// Where the windows of four output pixels (`rows[i]`, `columns[i]`) start, and whether all four lie inside the image.
INLINE bool four_windows(const dk_conv_shape *s, const long rows[4], const long columns[4], long offset[4]) {
    bool inside = true;
    for (int i = 0; i < 4; i++) {
        bool pixelInside;
        offset[i] = window_offset(s, rows[i], columns[i], &pixelInside);
        inside = inside && pixelInside;
    }
    return inside;
}

/// Four output pixels, filters `filter..<filter + 16`, into `acc`: blocked when all windows lie inside the image,
/// pixel by pixel (skipping padding) otherwise.
INLINE void four_pixels(const dk_conv_shape *s, const float *input, const float *weights, const float *bias,
                        const long rows[4], const long columns[4], const long offset[4], bool inside, long filter,
                        long kernel, long channels, v16 acc[4]) {
    if (inside) {
        v16 start = load16(bias + filter);
        acc[0] = start; acc[1] = start; acc[2] = start; acc[3] = start;
        block4(input, offset, weights, filter, s->filters, kernel, channels, s->width * s->channels, acc);
    } else {
        for (int i = 0; i < 4; i++) acc[i] = pixel16(s, input, weights, bias, rows[i], columns[i], filter);
    }
}

INLINE void conv2d_body(const dk_conv_shape *s, const float *input, const float *weights, const float *bias,
                        float *output, dk_epilogue epilogue, long kernel, long channels) {
    long filters = s->filters, vectorFilters = filters & ~15L;
    if (epilogue == DK_EPILOGUE_RELU_MAXPOOL2) {
        long pooledHeight = s->out_height / 2, pooledWidth = s->out_width / 2;
        for (long py = 0; py < pooledHeight; py++) {
            for (long px = 0; px < pooledWidth; px++) {
                float *target = output + (py * pooledWidth + px) * filters;
                long rows[4] = {2 * py, 2 * py, 2 * py + 1, 2 * py + 1};
                long columns[4] = {2 * px, 2 * px + 1, 2 * px, 2 * px + 1};
                long offset[4];
                bool inside = four_windows(s, rows, columns, offset);
                for (long filter = 0; filter < vectorFilters; filter += 16) {
                    v16 acc[4];
                    four_pixels(s, input, weights, bias, rows, columns, offset, inside, filter, kernel, channels, acc);
                    // max and ReLU commute: ReLU once, after the maximum.
                    store16(target + filter, relu16(max16(max16(acc[0], acc[1]), max16(acc[2], acc[3]))));
                }
                for (long filter = vectorFilters; filter < filters; filter++) {
                    float best = pixel1(s, input, weights, bias, rows[0], columns[0], filter);
                    for (int i = 1; i < 4; i++) {
                        float value = pixel1(s, input, weights, bias, rows[i], columns[i], filter);
                        if (best < value) best = value;
                    }
                    target[filter] = best < 0 ? 0 : best;
                }
            }
        }
        return;
    }
    // Without pooling: blocks of four pixels in row-major order (across row ends); the last block repeats its
    // last pixel and stores only the real ones.
    long pixels = s->out_height * s->out_width;
    for (long first = 0; first < pixels; first += 4) {
        long count = min_long(4, pixels - first), rows[4], columns[4];
        for (long i = 0; i < 4; i++) {
            long pixel = first + min_long(i, count - 1);
            rows[i] = pixel / s->out_width;
            columns[i] = pixel % s->out_width;
        }
        long offset[4];
        bool inside = four_windows(s, rows, columns, offset);
        for (long filter = 0; filter < vectorFilters; filter += 16) {
            v16 acc[4];
            four_pixels(s, input, weights, bias, rows, columns, offset, inside, filter, kernel, channels, acc);
            for (long i = 0; i < count; i++) {
                store16(output + (first + i) * filters + filter, epilogue == DK_EPILOGUE_RELU ? relu16(acc[i]) : acc[i]);
            }
        }
        for (long i = 0; i < count; i++) {
            for (long filter = vectorFilters; filter < filters; filter++) {
                float value = pixel1(s, input, weights, bias, rows[i], columns[i], filter);
                output[(first + i) * filters + filter] = epilogue == DK_EPILOGUE_RELU && value < 0 ? 0 : value;
            }
        }
    }
}

void KERNEL(conv2d)(const dk_conv_shape *shape, const float *input, const float *weights, const float *bias,
                    float *output, dk_epilogue epilogue) {
    // The digit CNNs' first layer (3×3, one channel) with constant loop bounds, which the compiler unrolls.
    if (shape->kernel == 3 && shape->channels == 1) {
        conv2d_body(shape, input, weights, bias, output, epilogue, 3, 1);
    } else {
        conv2d_body(shape, input, weights, bias, output, epilogue, shape->kernel, shape->channels);
    }
}

// MARK: - Winograd convolution F(m×m, 3×3) (inference)
// A 3×3, stride-1 convolution computed on m×m output tiles (m = 2…5, chosen per layer by dk_winograd_tile): each
// tile's n×n input patch (n = m + 2) is transformed (V = Bᵀ·d·B), multiplied position by position with the
// transformed weights (M = V·U, a matrix product per position over the channels), and transformed back
// (Y = Aᵀ·M·A): n² multiplications per tile and channel pair instead of 9·m². The matrices are WinogradMatrices.h's.
// Layouts: V is [n²][tiles][channelStride], M is [n²][tiles][paddedFilters], U is [n²][channels][paddedFilters]
// (dk_winograd_weights), where paddedFilters rounds filters up to 16 and channelStride rounds channels up to 16.
// A pooled epilogue first writes the tiles' outputs to scratch (an odd m splits pooling windows between tiles).

#define WINOGRAD_MAX_PATCH (WINOGRAD_MAX_TILE + 2)

INLINE v16 load_partial16(const float *p, long count) {
    v16 v = {0};
    memcpy(&v, p, (size_t)count * sizeof(float));
    return v;
}
INLINE void store_partial16(float *p, v16 v, long count) { memcpy(p, &v, (size_t)count * sizeof(float)); }

/// `Σ_k row[k] · x[k · stride]` over `count` terms. `row` is a constant table and the loop is unrolled, so the
/// compiler drops the zero terms and turns ±1 into additions and subtractions.
INLINE v16 combine(const float *row, int count, const v16 *x, int stride) {
    v16 sum = {0};
    bool first = true;
#pragma clang loop unroll(full)
    for (int k = 0; k < count; k++) {
        float c = row[k];
        v16 term = x[k * stride];
        if (c == 0) continue;
        if (c == 1) sum = first ? term : sum + term;
        else if (c == -1) sum = first ? -term : sum - term;
        else sum = first ? splat16(c) * term : sum + splat16(c) * term;
        first = false;
    }
    return sum;
}

/// `out = M·x·Mᵀ` for a constant `rows`×`n` matrix `M` and an n×n tile `x`: both sides of a Winograd transform.
INLINE void transform_tile(const float *matrix, int rows, int n, v16 x[][WINOGRAD_MAX_PATCH],
                           v16 out[][WINOGRAD_MAX_PATCH]) {
    v16 r[WINOGRAD_MAX_PATCH][WINOGRAD_MAX_PATCH];
#pragma clang loop unroll(full)
    for (int i = 0; i < rows; i++) {  // M·x: rows
#pragma clang loop unroll(full)
        for (int j = 0; j < n; j++) r[i][j] = combine(matrix + i * n, n, &x[0][j], WINOGRAD_MAX_PATCH);
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < rows; i++) {  // (M·x)·Mᵀ: columns
#pragma clang loop unroll(full)
        for (int j = 0; j < rows; j++) out[i][j] = combine(matrix + j * n, n, r[i], 1);
    }
}

/// Transforms the n×n input patch whose top-left is (`top`, `left`) (zeros outside the image), channels
/// `channel..<channel + 16` (of which `count` are real), into `v[position · positionStride]`.
INLINE void winograd_input_tile(int m, const float *bt, const dk_conv_shape *s, const float *input, long top,
                                long left, long channel, long count, float *v, long positionStride) {
    const int n = m + 2;
    v16 d[WINOGRAD_MAX_PATCH][WINOGRAD_MAX_PATCH], transformed[WINOGRAD_MAX_PATCH][WINOGRAD_MAX_PATCH];
#pragma clang loop unroll(full)
    for (int i = 0; i < n; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < n; j++) {
            long y = top + i, x = left + j;
            const float *p = input + (y * s->width + x) * s->channels + channel;
            bool inside = y >= 0 && y < s->height && x >= 0 && x < s->width;
            d[i][j] = !inside ? (v16){0} : count == 16 ? load16(p) : load_partial16(p, count);
        }
    }
    transform_tile(bt, n, n, d, transformed);  // Bᵀ·d·B
#pragma clang loop unroll(full)
    for (int i = 0; i < n; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < n; j++) store16(v + (n * i + j) * positionStride, transformed[i][j]);
    }
}

/// Accumulators of 16 floats a block of `winograd_multiply` keeps in registers (eight AVX2 registers; more was
/// slower with AVX-512 on Zen 4).
#define ACCUMULATORS 4

/// `rows` rows of `v` (stride `channelStride`) times `u` into `rows` rows of `m`, `blocks` blocks of 16 filters at a time:
/// `rows × blocks` (at most ACCUMULATORS) independent accumulators, so that one row still keeps several multiply-adds
/// in flight. `rows` and `blocks` are constants at each call, which lets the compiler keep them in registers.
INLINE void multiply_rows(int rows, int blocks, const float *v, long channelStride, const float *u, long channels,
                          long paddedFilters, float *m, long *filter) {
    for (; *filter + 16 * blocks <= paddedFilters; *filter += 16 * blocks) {
        v16 s[ACCUMULATORS][ACCUMULATORS];
        for (int r = 0; r < rows; r++) for (int b = 0; b < blocks; b++) s[r][b] = (v16){0};
        const float *w = u + *filter;
        for (long c = 0; c < channels; c++, w += paddedFilters) {
            for (int b = 0; b < blocks; b++) {
                v16 y = load16(w + 16 * b);
                for (int r = 0; r < rows; r++) s[r][b] += splat16(v[r * channelStride + c]) * y;
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int b = 0; b < blocks; b++) store16(m + r * paddedFilters + *filter + 16 * b, s[r][b]);
        }
    }
}

/// `m[position][tile][f] = Σ_c v[position][tile][c] · u[position][c][f]` for `positions` positions: four tiles at a
/// time, then the one to three left, each with as many filter blocks as keep ACCUMULATORS accumulators busy.
static void winograd_multiply(const float *v, const float *u, float *m, long positions, long tiles, long channels,
                              long channelStride, long paddedFilters) {
    for (long position = 0; position < positions; position++) {
        const float *vp = v + position * tiles * channelStride, *up = u + position * channels * paddedFilters;
        float *mp = m + position * tiles * paddedFilters;
        for (long first = 0; first < tiles;) {
            long count = min_long(4, tiles - first), filter = 0;
            const float *rows = vp + first * channelStride;
            float *out = mp + first * paddedFilters;
            switch (count) {
            case 4: multiply_rows(4, ACCUMULATORS / 4, rows, channelStride, up, channels, paddedFilters, out, &filter); break;
            case 3: multiply_rows(3, 1, rows, channelStride, up, channels, paddedFilters, out, &filter); break;
            case 2: multiply_rows(2, ACCUMULATORS / 2, rows, channelStride, up, channels, paddedFilters, out, &filter); break;
            default: multiply_rows(1, ACCUMULATORS, rows, channelStride, up, channels, paddedFilters, out, &filter); break;
            }
            multiply_rows((int)count, 1, rows, channelStride, up, channels, paddedFilters, out, &filter);
            first += count;
        }
    }
}

/// Transforms tile `tile`'s products back to its m×m outputs (Aᵀ·m·A), filters `filter..<filter + 16`, plus `bias`.
INLINE void winograd_output_tile(int m, const float *at, const float *products, long tile, long tiles,
                                 long paddedFilters, long filter, v16 bias,
                                 v16 y[WINOGRAD_MAX_TILE][WINOGRAD_MAX_TILE]) {
    const int n = m + 2;
    v16 t[WINOGRAD_MAX_PATCH][WINOGRAD_MAX_PATCH], transformed[WINOGRAD_MAX_PATCH][WINOGRAD_MAX_PATCH];
#pragma clang loop unroll(full)
    for (int position = 0; position < n * n; position++) {
        t[position / n][position % n] = load16(products + (position * tiles + tile) * paddedFilters + filter);
    }
    transform_tile(at, m, n, t, transformed);  // Aᵀ·m·A
#pragma clang loop unroll(full)
    for (int i = 0; i < m; i++) {
#pragma clang loop unroll(full)
        for (int j = 0; j < m; j++) y[i][j] = transformed[i][j] + bias;
    }
}

/// The convolution for tiles of `m` (a constant at each call, so that the transforms unroll around it).
INLINE void winograd_conv2d_tiles(int m, const float *bt, const float *at, const dk_conv_shape *s, const float *input,
                                  const float *transformedWeights, const float *bias, float *output,
                                  dk_epilogue epilogue, float *scratch) {
    const int n = m + 2;
    bool pooled = epilogue == DK_EPILOGUE_RELU_MAXPOOL2;
    // Pooled: only the outputs of whole pooling windows are needed.
    long rows = pooled ? s->out_height / 2 * 2 : s->out_height, columns = pooled ? s->out_width / 2 * 2 : s->out_width;
    long tileRows = (rows + m - 1) / m, tileColumns = (columns + m - 1) / m;
    long tiles = tileRows * tileColumns, filters = s->filters;
    long channelStride = (s->channels + 15) & ~15L, paddedFilters = (filters + 15) & ~15L;
    if (tiles == 0) return;
    float *v = scratch, *products = scratch + n * n * tiles * channelStride;
    float *unpooled = products + n * n * tiles * paddedFilters;  // pooled: [rows][columns][filters]
    for (long tile = 0; tile < tiles; tile++) {
        long top = m * (tile / tileColumns) - s->pad_top, left = m * (tile % tileColumns) - s->pad_left;
        for (long channel = 0; channel < s->channels; channel += 16) {
            winograd_input_tile(m, bt, s, input, top, left, channel, min_long(16, s->channels - channel),
                                v + tile * channelStride + channel, tiles * channelStride);
        }
    }
    winograd_multiply(v, transformedWeights, products, n * n, tiles, s->channels, channelStride, paddedFilters);
    float *target = pooled ? unpooled : output;
    for (long tile = 0; tile < tiles; tile++) {
        long tileRow = tile / tileColumns, tileColumn = tile % tileColumns;
        for (long filter = 0; filter < filters; filter += 16) {
            long count = min_long(16, filters - filter);
            v16 y[WINOGRAD_MAX_TILE][WINOGRAD_MAX_TILE];
            winograd_output_tile(m, at, products, tile, tiles, paddedFilters, filter,
                                 count == 16 ? load16(bias + filter) : load_partial16(bias + filter, count), y);
            for (long i = 0; i < m; i++) {
                for (long j = 0; j < m; j++) {
                    long row = m * tileRow + i, column = m * tileColumn + j;
                    if (row >= rows || column >= columns) continue;
                    v16 value = epilogue == DK_EPILOGUE_RELU ? relu16(y[i][j]) : y[i][j];
                    float *pixel = target + (row * columns + column) * filters + filter;
                    if (count == 16) store16(pixel, value); else store_partial16(pixel, value, count);
                }
            }
        }
    }
    if (!pooled) return;
    for (long row = 0; row < rows / 2; row++) {
        for (long column = 0; column < columns / 2; column++) {
            const float *window = unpooled + (2 * row * columns + 2 * column) * filters;
            float *pixel = output + (row * (columns / 2) + column) * filters;
            for (long filter = 0; filter < filters; filter += 16) {
                long count = min_long(16, filters - filter);
                const float *p = window + filter;
                v16 a, b, c, d;
                if (count == 16) {
                    a = load16(p), b = load16(p + filters), c = load16(p + columns * filters);
                    d = load16(p + (columns + 1) * filters);
                } else {
                    a = load_partial16(p, count), b = load_partial16(p + filters, count);
                    c = load_partial16(p + columns * filters, count);
                    d = load_partial16(p + (columns + 1) * filters, count);
                }
                // max and ReLU commute: ReLU once, after the maximum.
                v16 best = relu16(max16(max16(a, b), max16(c, d)));
                if (count == 16) store16(pixel + filter, best); else store_partial16(pixel + filter, best, count);
            }
        }
    }
}

void KERNEL(winograd_conv2d)(const dk_conv_shape *s, const float *input, const float *transformedWeights,
                             const float *bias, float *output, dk_epilogue epilogue, float *scratch) {
#define TILES(m) winograd_conv2d_tiles(m, winograd_bt##m, winograd_at##m, s, input, transformedWeights, bias, output, \
                                     epilogue, scratch)
    switch (dk_winograd_tile(s, epilogue)) {
    case 2: TILES(2); break;
    case 3: TILES(3); break;
    case 4: TILES(4); break;
    default: TILES(5); break;
    }
#undef TILES
}

// MARK: - Adam (training)

/// `x` with every lane whose magnitude is below the smallest normal float (subnormals, ±0) set to +0.
INLINE v16 flush_subnormals16(v16 x) {
    v16i tiny = (x < __FLT_MIN__) & (x > -__FLT_MIN__);
    return (v16)((v16i)x & ~tiny);
}
INLINE float flush_subnormal(float x) { return x < __FLT_MIN__ && x > -__FLT_MIN__ ? 0 : x; }

void KERNEL(adam)(float *weights, const float *gradient, float *m, float *v, long count, float alpha, float b1,
                  float b2, float epsilon) {
    // Each product is rounded before its sum, as the Swift code that trained the shipped models did: the same
    // bits on every instruction set.
#pragma clang fp contract(off)
    long index = 0;
    for (; index + 16 <= count; index += 16) {
        v16 g = load16(gradient + index), oldM = load16(m + index), oldV = load16(v + index);
        v16 newM = flush_subnormals16(oldM + (g - oldM) * b1);
        v16 newV = flush_subnormals16(oldV + (g * g - oldV) * b2);
        store16(m + index, newM);
        store16(v + index, newV);
        store16(weights + index, load16(weights + index) - alpha * newM / (__builtin_elementwise_sqrt(newV) + epsilon));
    }
    for (; index < count; index++) {
        float g = gradient[index];
        m[index] = flush_subnormal(m[index] + (g - m[index]) * b1);
        v[index] = flush_subnormal(v[index] + (g * g - v[index]) * b2);
        weights[index] -= alpha * m[index] / (__builtin_sqrtf(v[index]) + epsilon);
    }
}
