// The kernels for any processor (the baseline the compiler targets: SSE2 on x86-64, NEON on arm64).
#define KERNEL(name) dk_##name##_portable
#include "Kernels.h"
