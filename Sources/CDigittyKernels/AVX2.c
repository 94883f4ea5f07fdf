// The kernels for x86-64 processors with AVX2 and FMA (Haswell, Zen and later).
#if defined(__x86_64__)
#define KERNEL(name) dk_##name##_avx2
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#include "Kernels.h"
#pragma clang attribute pop
#endif
