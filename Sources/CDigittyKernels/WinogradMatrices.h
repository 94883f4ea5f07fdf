// The matrices of Winograd's convolution F(m×m, 3×3) for output tiles of m = 2…5 pixels a side, each on an
// n×n input patch with n = m + 2: V = Bᵀ·d·B (input), U = G·g·Gᵀ (weights), Y = Aᵀ·(U ⊙ V)·A (output).
// Derived by Toom-Cook from the interpolation points 0, 1, −1 (m = 2), then 2 (m = 3), −2 (m = 4), ½ (m = 5),
// and ∞, with exact fractions; the tests check each against the naive convolution. m = 2 keeps the sign
// convention of Lavin & Gray's paper. The kernels read Bᵀ and Aᵀ as constants, so that their zeros and ±1s cost
// nothing; G is used only when weights are transformed.
#ifndef DIGITTY_WINOGRAD_MATRICES_H
#define DIGITTY_WINOGRAD_MATRICES_H

#define WINOGRAD_MIN_TILE 2
#define WINOGRAD_MAX_TILE 5

static const float winograd_bt2[4 * 4] = {
    1.0f, 0.0f, -1.0f, 0.0f,
    0.0f, 1.0f, 1.0f, 0.0f,
    0.0f, -1.0f, 1.0f, 0.0f,
    0.0f, 1.0f, 0.0f, -1.0f,
};
static const float winograd_at2[2 * 4] = {
    1.0f, 1.0f, 1.0f, 0.0f,
    0.0f, 1.0f, -1.0f, -1.0f,
};
static const float winograd_g2[4 * 3] = {
    1.0f, 0.0f, 0.0f,
    1.0f / 2, 1.0f / 2, 1.0f / 2,
    1.0f / 2, -1.0f / 2, 1.0f / 2,
    0.0f, 0.0f, 1.0f,
};
static const float winograd_bt3[5 * 5] = {
    2.0f, -1.0f, -2.0f, 1.0f, 0.0f,
    0.0f, -2.0f, -1.0f, 1.0f, 0.0f,
    0.0f, 2.0f, -3.0f, 1.0f, 0.0f,
    0.0f, -1.0f, 0.0f, 1.0f, 0.0f,
    0.0f, 2.0f, -1.0f, -2.0f, 1.0f,
};
static const float winograd_at3[3 * 5] = {
    1.0f, 1.0f, 1.0f, 1.0f, 0.0f,
    0.0f, 1.0f, -1.0f, 2.0f, 0.0f,
    0.0f, 1.0f, 1.0f, 4.0f, 1.0f,
};
static const float winograd_g3[5 * 3] = {
    1.0f / 2, 0.0f, 0.0f,
    -1.0f / 2, -1.0f / 2, -1.0f / 2,
    -1.0f / 6, 1.0f / 6, -1.0f / 6,
    1.0f / 6, 1.0f / 3, 2.0f / 3,
    0.0f, 0.0f, 1.0f,
};
static const float winograd_bt4[6 * 6] = {
    4.0f, 0.0f, -5.0f, 0.0f, 1.0f, 0.0f,
    0.0f, -4.0f, -4.0f, 1.0f, 1.0f, 0.0f,
    0.0f, 4.0f, -4.0f, -1.0f, 1.0f, 0.0f,
    0.0f, -2.0f, -1.0f, 2.0f, 1.0f, 0.0f,
    0.0f, 2.0f, -1.0f, -2.0f, 1.0f, 0.0f,
    0.0f, 4.0f, 0.0f, -5.0f, 0.0f, 1.0f,
};
static const float winograd_at4[4 * 6] = {
    1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.0f,
    0.0f, 1.0f, -1.0f, 2.0f, -2.0f, 0.0f,
    0.0f, 1.0f, 1.0f, 4.0f, 4.0f, 0.0f,
    0.0f, 1.0f, -1.0f, 8.0f, -8.0f, 1.0f,
};
static const float winograd_g4[6 * 3] = {
    1.0f / 4, 0.0f, 0.0f,
    -1.0f / 6, -1.0f / 6, -1.0f / 6,
    -1.0f / 6, 1.0f / 6, -1.0f / 6,
    1.0f / 24, 1.0f / 12, 1.0f / 6,
    1.0f / 24, -1.0f / 12, 1.0f / 6,
    0.0f, 0.0f, 1.0f,
};
static const float winograd_bt5[7 * 7] = {
    -2.0f, 4.0f, 2.5f, -5.0f, -0.5f, 1.0f, 0.0f,
    0.0f, 2.0f, -2.0f, -4.5f, 0.5f, 1.0f, 0.0f,
    0.0f, -2.0f, 6.0f, -3.5f, -1.5f, 1.0f, 0.0f,
    0.0f, 1.0f, -1.5f, -2.0f, 1.5f, 1.0f, 0.0f,
    0.0f, -1.0f, 2.5f, 0.0f, -2.5f, 1.0f, 0.0f,
    0.0f, 4.0f, 0.0f, -5.0f, 0.0f, 1.0f, 0.0f,
    0.0f, -2.0f, 4.0f, 2.5f, -5.0f, -0.5f, 1.0f,
};
static const float winograd_at5[5 * 7] = {
    1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.0f,
    0.0f, 1.0f, -1.0f, 2.0f, -2.0f, 0.5f, 0.0f,
    0.0f, 1.0f, 1.0f, 4.0f, 4.0f, 0.25f, 0.0f,
    0.0f, 1.0f, -1.0f, 8.0f, -8.0f, 0.125f, 0.0f,
    0.0f, 1.0f, 1.0f, 16.0f, 16.0f, 0.0625f, 1.0f,
};
static const float winograd_g5[7 * 3] = {
    -1.0f / 2, 0.0f, 0.0f,
    -1.0f / 3, -1.0f / 3, -1.0f / 3,
    1.0f / 9, -1.0f / 9, 1.0f / 9,
    1.0f / 36, 1.0f / 18, 1.0f / 9,
    -1.0f / 60, 1.0f / 30, -1.0f / 15,
    32.0f / 45, 16.0f / 45, 8.0f / 45,
    0.0f, 0.0f, 1.0f,
};

typedef struct {
    const float *bt;  // [n][n]
    const float *at;  // [m][n]
    const float *g;   // [n][3]
} winograd_matrices;

/// The matrices for output tiles of `m` pixels a side (WINOGRAD_MIN_TILE…WINOGRAD_MAX_TILE).
static inline winograd_matrices winograd_matrices_for(long m) {
    switch (m) {
    case 2: return (winograd_matrices){winograd_bt2, winograd_at2, winograd_g2};
    case 3: return (winograd_matrices){winograd_bt3, winograd_at3, winograd_g3};
    case 4: return (winograd_matrices){winograd_bt4, winograd_at4, winograd_g4};
    default: return (winograd_matrices){winograd_bt5, winograd_at5, winograd_g5};
    }
}

#endif
