import Foundation

/// Softmax, LogSoftmax and BatchNormalization.
enum Normalization {
    static func softmax(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        try normalize(context, logarithm: false)
    }

    static func logSoftmax(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        try normalize(context, logarithm: true)
    }

    /// Before opset 13 the input is coerced to 2-D at `axis` (default 1) and each row normalised; from
    /// opset 13 the normalisation runs along `axis` alone (default -1).
    static func normalize(_ context: OperatorContext, logarithm: Bool) throws(ONNXError) -> [ONNXTensor] {
        let (shape, values) = try context.floatInput(0)
        let rank = max(shape.count, 1)
        let axis = try context.axis(try context.int("axis", default: context.opset < 13 ? 1 : -1), rank: rank)
        let (outer, width, inner): (Int, Int, Int)
        if shape.isEmpty {
            (outer, width, inner) = (1, 1, 1)
        } else if context.opset < 13 {
            (outer, width, inner) = (shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *), 1)
        } else {
            (outer, width, inner) = (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
        }
        var result = values
        for block in 0..<outer {
            for lane in 0..<inner {
                let base = block * width * inner + lane
                var largest = -Float.infinity
                for index in 0..<width { largest = max(largest, values[base + index * inner]) }
                var total: Float = 0
                for index in 0..<width { total += exp(values[base + index * inner] - largest) }
                let logTotal = log(total)
                for index in 0..<width {
                    let shifted = values[base + index * inner] - largest
                    result[base + index * inner] = logarithm ? shifted - logTotal : exp(shifted) / total
                }
            }
        }
        return [ONNXTensor(shape: shape, floats: result)]
    }

    /// `scale · (x − mean) / sqrt(var + epsilon) + bias` per channel (axis 1). In training mode the batch's
    /// own statistics are used and the updated running mean and variance are returned too.
    static func batchNormalization(_ context: OperatorContext) throws(ONNXError) -> [ONNXTensor] {
        let (shape, x) = try context.floatInput(0)
        guard shape.count >= 2 else { throw context.fail("X must be at least 2-D [N, C, …], got \(shape)") }
        let channels = shape[1]
        var parameters: [[Float]] = []
        for index in 1...4 {
            let (parameterShape, values) = try context.floatInput(index)
            guard values.count == channels, parameterShape.count == 1 else {
                throw context.fail("input \(index) must be [\(channels)], got \(parameterShape)")
            }
            parameters.append(values)
        }
        let epsilon = try context.float("epsilon", default: 1e-5)
        let momentum = try context.float("momentum", default: 0.9)
        let training = try context.int("training_mode", default: 0) != 0
        let (scale, bias) = (parameters[0], parameters[1])
        var (mean, variance) = (parameters[2], parameters[3])
        let batch = shape[0], spatial = shape[2...].reduce(1, *)
        if training {
            let samples = Float(batch * spatial)
            var batchMean = [Float](repeating: 0, count: channels), batchVariance = batchMean
            for channel in 0..<channels {
                var total: Double = 0, squares: Double = 0
                for image in 0..<batch {
                    let base = (image * channels + channel) * spatial
                    for index in base..<base + spatial { total += Double(x[index]); squares += Double(x[index]) * Double(x[index]) }
                }
                let average = total / Double(samples)
                batchMean[channel] = Float(average)
                batchVariance[channel] = Float(max(0, squares / Double(samples) - average * average))
            }
            let runningMean = (0..<channels).map { mean[$0] * momentum + batchMean[$0] * (1 - momentum) }
            let runningVariance = (0..<channels).map { variance[$0] * momentum + batchVariance[$0] * (1 - momentum) }
            (mean, variance) = (batchMean, batchVariance)
            let y = apply(x, batch: batch, channels: channels, spatial: spatial, scale: scale, bias: bias,
                          mean: mean, variance: variance, epsilon: epsilon)
            return [ONNXTensor(shape: shape, floats: y), ONNXTensor(shape: [channels], floats: runningMean),
                    ONNXTensor(shape: [channels], floats: runningVariance)]
        }
        return [ONNXTensor(shape: shape, floats: apply(x, batch: batch, channels: channels, spatial: spatial, scale: scale,
                                                       bias: bias, mean: mean, variance: variance, epsilon: epsilon))]
    }

    static func apply(_ x: [Float], batch: Int, channels: Int, spatial: Int, scale: [Float], bias: [Float],
                      mean: [Float], variance: [Float], epsilon: Float) -> [Float] {
        var y = x
        for channel in 0..<channels {
            let factor = scale[channel] / (variance[channel] + epsilon).squareRoot()
            let shift = bias[channel] - mean[channel] * factor
            for image in 0..<batch {
                let base = (image * channels + channel) * spatial
                for index in base..<base + spatial { y[index] = x[index] * factor + shift }
            }
        }
        return y
    }
}
