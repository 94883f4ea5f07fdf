// The Winograd convolution's choices and weight transform (see `winograd_conv2d` in Kernels.h): done once when a
// model is loaded, so they need no instruction-set variants.
#include "CDigittyKernels.h"
#include "WinogradMatrices.h"

/// The output rows and columns the convolution computes: a pooled epilogue needs only whole pooling windows.
static void needed_outputs(const dk_conv_shape *s, dk_epilogue epilogue, long *rows, long *columns) {
    bool pooled = epilogue == DK_EPILOGUE_RELU_MAXPOOL2;
    *rows = pooled ? s->out_height / 2 * 2 : s->out_height;
    *columns = pooled ? s->out_width / 2 * 2 : s->out_width;
}

long dk_winograd_tile(const dk_conv_shape *s, dk_epilogue epilogue) {
    long rows, columns, best = WINOGRAD_MIN_TILE, bestCost = -1;
    needed_outputs(s, epilogue, &rows, &columns);
    // The multiplications per channel and filter pair: tiles × n². Tiles that overhang the outputs waste theirs,
    // so the best size is the one that covers the outputs with the fewest (10×10 takes 2×2 tiles of 5, 3×3 one of 3).
    for (long m = WINOGRAD_MIN_TILE; m <= WINOGRAD_MAX_TILE; m++) {
        long cost = ((rows + m - 1) / m) * ((columns + m - 1) / m) * (m + 2) * (m + 2);
        if (bestCost < 0 || cost < bestCost) best = m, bestCost = cost;
    }
    return best;
}

long dk_winograd_scratch_floats(const dk_conv_shape *s, dk_epilogue epilogue) {
    long rows, columns, m = dk_winograd_tile(s, epilogue);
    needed_outputs(s, epilogue, &rows, &columns);
    long tiles = ((rows + m - 1) / m) * ((columns + m - 1) / m);
    long channelStride = (s->channels + 15) & ~15L, paddedFilters = (s->filters + 15) & ~15L;
    long unpooled = epilogue == DK_EPILOGUE_RELU_MAXPOOL2 ? rows * columns * s->filters : 0;
    return (m + 2) * (m + 2) * tiles * (channelStride + paddedFilters) + unpooled;
}

long dk_winograd_weight_floats(long tile, long channels, long filters) {
    return (tile + 2) * (tile + 2) * channels * ((filters + 15) & ~15L);
}

void dk_winograd_weights(long tile, const float *weights, long channels, long filters, float *transformed) {
    // Training transforms its weights at every step, so the filters are the inner, vectorised loop: U = (G·g)·Gᵀ for
    // each channel and block of filters, with the block's G·g on the stack.
    enum { BLOCK = 64 };
    const float *g = winograd_matrices_for(tile).g;
    long n = tile + 2, paddedFilters = (filters + 15) & ~15L;
    for (long c = 0; c < channels; c++) {
        for (long first = 0; first < paddedFilters; first += BLOCK) {
            long count = paddedFilters - first < BLOCK ? paddedFilters - first : BLOCK;
            long real = filters - first < count ? filters - first : count;  // the rest is padding: zeros
            float t[WINOGRAD_MAX_TILE + 2][3][BLOCK];
            for (long i = 0; i < n; i++) {  // G·g
                for (long l = 0; l < 3; l++) {
                    float *row = t[i][l];
                    for (long f = 0; f < count; f++) row[f] = 0;
                    for (long k = 0; k < 3; k++) {
                        const float *w = weights + ((k * 3 + l) * channels + c) * filters + first;
                        float coefficient = g[i * 3 + k];
                        for (long f = 0; f < real; f++) row[f] += coefficient * w[f];
                    }
                }
            }
            for (long i = 0; i < n; i++) {  // (G·g)·Gᵀ
                for (long j = 0; j < n; j++) {
                    float *out = transformed + ((n * i + j) * channels + c) * paddedFilters + first;
                    const float *gj = g + j * 3;
                    for (long f = 0; f < count; f++) out[f] = t[i][0][f] * gj[0] + t[i][1][f] * gj[1] + t[i][2][f] * gj[2];
                }
            }
        }
    }
}
