// CDigittyKernels: the engine's hot loops (convolutions, matrix products) in C, each compiled once per instruction
// set (portable, AVX2+FMA, AVX-512) and chosen at run time, so that the library needs no machine-specific build
// flags yet runs at full speed on the processor it finds. Every entry point takes the instruction set to use:
// the engine passes `dk_best()`, the tests each one `dk_supports` says this machine runs.
#ifndef CDIGITTY_KERNELS_H
#define CDIGITTY_KERNELS_H

#include <stdbool.h>

typedef enum {
    DK_PORTABLE = 0,  // any processor: plain C vector code the compiler maps to the baseline (SSE2, NEON)
    DK_AVX2 = 1,      // x86-64 with AVX2 and FMA
    DK_AVX512 = 2,    // x86-64 with AVX-512 F/VL/BW/DQ
} dk_instruction_set;

/// Whether this processor and operating system run `set`'s kernels.
bool dk_supports(dk_instruction_set set);
/// The fastest instruction set this machine runs.
dk_instruction_set dk_best(void);

/// `c[m×n] = a[m×k] · b[k×n] (+ bias[n] on every row)`, row-major and densely packed. Rows of `a` with many
/// zeros (ReLU outputs) skip them.
void dk_gemm(dk_instruction_set set, const float *a, const float *b, float *c, long m, long k, long n,
             const float *bias);

/// `c[m×n] (+)= a[m×k] · b[k×n] (+ bias[n])` with row strides `lda`, `ldb`, `ldc`; `+=` when `accumulate`.
void dk_strided_gemm(dk_instruction_set set, long m, long n, long k, const float *a, long lda, const float *b,
                     long ldb, float *c, long ldc, bool accumulate, const float *bias);
/// `c[m×n] = a[m×k] · bᵀ` where `b` is `[n×k]`.
void dk_strided_gemm_bt(dk_instruction_set set, long m, long n, long k, const float *a, long lda, const float *b,
                        long ldb, float *c, long ldc);
/// `c[k×n] (+)= aᵀ · b` where `a` is `[m×k]` and `b` is `[m×n]`.
void dk_strided_gemm_at(dk_instruction_set set, long m, long n, long k, const float *a, long lda, const float *b,
                        long ldb, float *c, long ldc, bool accumulate);

/// One Adam step over `count` parameters (Keras's form): `m += (g − m)·b1; v += (g² − v)·b2;
/// w −= alpha · m / (sqrt(v) + epsilon)`, with `b1 = 1 − β1`, `b2 = 1 − β2`, and moments below the smallest normal
/// float kept at zero (subnormal arithmetic is ~100× slower on x86).
void dk_adam(dk_instruction_set set, float *weights, const float *gradient, float *m, float *v, long count,
             float alpha, float b1, float b2, float epsilon);

/// The geometry of a 2-D convolution of one NHWC image: input `[height, width, channels]`, weights HWIO
/// `[kernel, kernel, channels, filters]`, output `[out_height, out_width, filters]` before any pooling.
typedef struct {
    long height, width, channels, filters, kernel, stride, pad_top, pad_left, out_height, out_width;
} dk_conv_shape;

typedef enum {
    DK_EPILOGUE_NONE = 0,
    DK_EPILOGUE_RELU = 1,
    DK_EPILOGUE_RELU_MAXPOOL2 = 2,  // ReLU then 2×2 max pooling, stride 2: output `[out_height/2, out_width/2, filters]`
} dk_epilogue;

/// One image's convolution plus bias, then the epilogue, in one pass (the unpooled output is never stored).
void dk_conv2d(dk_instruction_set set, const dk_conv_shape *shape, const float *input, const float *weights,
               const float *bias, float *output, dk_epilogue epilogue);

/// The same convolution for a 3×3 kernel and stride 1 by Winograd's F(m×m, 3×3), m = `dk_winograd_tile`: 2.25× to
/// 4.6× fewer multiplications, for layers with several input channels. `transformedWeights` comes from
/// `dk_winograd_weights` for that tile size; `scratch` holds `dk_winograd_scratch_floats` floats.
void dk_winograd_conv2d(dk_instruction_set set, const dk_conv_shape *shape, const float *input,
                        const float *transformedWeights, const float *bias, float *output, dk_epilogue epilogue,
                        float *scratch);
/// The output tile size (2…5 pixels a side) `dk_winograd_conv2d` uses for this geometry: the one that covers the
/// outputs it computes with the fewest multiplications.
long dk_winograd_tile(const dk_conv_shape *shape, dk_epilogue epilogue);
/// How many floats `dk_winograd_conv2d` needs as scratch for one image.
long dk_winograd_scratch_floats(const dk_conv_shape *shape, dk_epilogue epilogue);
/// How many floats the transformed weights of a 3×3 convolution take for tiles of `tile` pixels a side.
long dk_winograd_weight_floats(long tile, long channels, long filters);
/// Transforms HWIO 3×3 weights `[3, 3, channels, filters]` for `dk_winograd_conv2d` with tiles of `tile` pixels a
/// side (filters padded to 16 with zeros).
void dk_winograd_weights(long tile, const float *weights, long channels, long filters, float *transformed);

#endif
