// Chooses each kernel's instruction set at run time (see CDigittyKernels.h).
#include "CDigittyKernels.h"

#define DECLARE(set)                                                                                                \
    void dk_gemm_##set(const float *, const float *, float *, long, long, long, const float *);                     \
    void dk_strided_gemm_##set(long, long, long, const float *, long, const float *, long, float *, long, bool,     \
                               const float *);                                                                      \
    void dk_strided_gemm_bt_##set(long, long, long, const float *, long, const float *, long, float *, long);       \
    void dk_strided_gemm_at_##set(long, long, long, const float *, long, const float *, long, float *, long, bool); \
    void dk_conv2d_##set(const dk_conv_shape *, const float *, const float *, const float *, float *, dk_epilogue);  \
    void dk_winograd_conv2d_##set(const dk_conv_shape *, const float *, const float *, const float *, float *,     \
                                  dk_epilogue, float *);                                                             \
    void dk_adam_##set(float *, const float *, float *, float *, long, float, float, float, float);

DECLARE(portable)
#if defined(__x86_64__)
DECLARE(avx2)
DECLARE(avx512)
#endif

bool dk_supports(dk_instruction_set set) {
    switch (set) {
    case DK_PORTABLE: return true;
#if defined(__x86_64__)
    // __builtin_cpu_supports also checks that the operating system saves the wide registers.
    case DK_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case DK_AVX512:
        return dk_supports(DK_AVX2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
               && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
#endif
    default: return false;
    }
}

dk_instruction_set dk_best(void) {
    if (dk_supports(DK_AVX512)) return DK_AVX512;
    if (dk_supports(DK_AVX2)) return DK_AVX2;
    return DK_PORTABLE;
}

// Calls `name`'s variant for `set`; a set this build or machine lacks falls back to the portable code.
#if defined(__x86_64__)
#define DISPATCH(name, ...)                                                                   \
    switch (dk_supports(set) ? set : DK_PORTABLE) {                                           \
    case DK_AVX512: dk_##name##_avx512(__VA_ARGS__); break;                                   \
    case DK_AVX2: dk_##name##_avx2(__VA_ARGS__); break;                                       \
    default: dk_##name##_portable(__VA_ARGS__); break;                                        \
    }
#else
#define DISPATCH(name, ...) dk_##name##_portable(__VA_ARGS__);
#endif

void dk_gemm(dk_instruction_set set, const float *a, const float *b, float *c, long m, long k, long n,
             const float *bias) {
    DISPATCH(gemm, a, b, c, m, k, n, bias)
}

void dk_strided_gemm(dk_instruction_set set, long m, long n, long k, const float *a, long lda, const float *b,
                     long ldb, float *c, long ldc, bool accumulate, const float *bias) {
    DISPATCH(strided_gemm, m, n, k, a, lda, b, ldb, c, ldc, accumulate, bias)
}

void dk_strided_gemm_bt(dk_instruction_set set, long m, long n, long k, const float *a, long lda, const float *b,
                        long ldb, float *c, long ldc) {
    DISPATCH(strided_gemm_bt, m, n, k, a, lda, b, ldb, c, ldc)
}

void dk_strided_gemm_at(dk_instruction_set set, long m, long n, long k, const float *a, long lda, const float *b,
                        long ldb, float *c, long ldc, bool accumulate) {
    DISPATCH(strided_gemm_at, m, n, k, a, lda, b, ldb, c, ldc, accumulate)
}

void dk_conv2d(dk_instruction_set set, const dk_conv_shape *shape, const float *input, const float *weights,
               const float *bias, float *output, dk_epilogue epilogue) {
    DISPATCH(conv2d, shape, input, weights, bias, output, epilogue)
}

void dk_winograd_conv2d(dk_instruction_set set, const dk_conv_shape *shape, const float *input,
                        const float *transformedWeights, const float *bias, float *output, dk_epilogue epilogue,
                        float *scratch) {
    DISPATCH(winograd_conv2d, shape, input, transformedWeights, bias, output, epilogue, scratch)
}

void dk_adam(dk_instruction_set set, float *weights, const float *gradient, float *m, float *v, long count,
             float alpha, float b1, float b2, float epsilon) {
    DISPATCH(adam, weights, gradient, m, v, count, alpha, b1, b2, epsilon)
}
