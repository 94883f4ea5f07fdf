// The weight transform of the Winograd convolution F(2×2, 3×3) (see `winograd_conv2d` in Kernels.h): done once
// when a model is loaded, so it needs no instruction-set variants.
#include "CDigittyKernels.h"

long dk_winograd_scratch_floats(const dk_conv_shape *s, dk_epilogue epilogue) {
    bool pooled = epilogue == DK_EPILOGUE_RELU_MAXPOOL2;
    long tileRows = pooled ? s->out_height / 2 : (s->out_height + 1) / 2;
    long tileColumns = pooled ? s->out_width / 2 : (s->out_width + 1) / 2;
    long channelStride = (s->channels + 15) & ~15L, paddedFilters = (s->filters + 15) & ~15L;
    return 16 * tileRows * tileColumns * (channelStride + paddedFilters);
}

long dk_winograd_weight_floats(long channels, long filters) { return 16 * channels * ((filters + 15) & ~15L); }

void dk_winograd_weights(const float *weights, long channels, long filters, float *transformed) {
    long paddedFilters = (filters + 15) & ~15L;
    for (long c = 0; c < channels; c++) {
        for (long f = 0; f < paddedFilters; f++) {
            float g[3][3], t[4][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) g[i][j] = f < filters ? weights[((i * 3 + j) * channels + c) * filters + f] : 0;
            }
            for (int j = 0; j < 3; j++) {  // G·g
                t[0][j] = g[0][j];
                t[1][j] = (g[0][j] + g[1][j] + g[2][j]) * 0.5f;
                t[2][j] = (g[0][j] - g[1][j] + g[2][j]) * 0.5f;
                t[3][j] = g[2][j];
            }
            for (int i = 0; i < 4; i++) {  // (G·g)·Gᵀ
                float u[4] = {t[i][0], (t[i][0] + t[i][1] + t[i][2]) * 0.5f, (t[i][0] - t[i][1] + t[i][2]) * 0.5f,
                              t[i][2]};
                for (int j = 0; j < 4; j++) transformed[((4 * i + j) * channels + c) * paddedFilters + f] = u[j];
            }
        }
    }
}
