// The kernels for x86-64 processors with AVX-512 (Skylake-SP, Ice Lake, Zen 4 and later): `v16` is one register.
#if defined(__x86_64__)
#define KERNEL(name) dk_##name##_avx512
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))), apply_to = function)
#include "Kernels.h"
#pragma clang attribute pop
#endif
