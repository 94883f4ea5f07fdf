@testable import DigittyEngine

/// Deterministic test data drawn from the engine's SeededRandom.
struct TestRandom {
    private var random: SeededRandom
    init(seed: UInt64) { random = SeededRandom(seed: seed) }
    mutating func next() -> UInt64 { random.next() }
    /// Uniform in -1…1.
    mutating func float() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    /// A tensor of uniform values, with about `zeroFraction` of them exactly zero.
    mutating func tensor(_ shape: [Int], zeroFraction: Double = 0) -> Tensor {
        Tensor(shape: shape, scalars: (0..<Tensor.elementCount(shape)).map { _ in
            Double(next() % 1000) / 1000 < zeroFraction ? 0 : float()
        })
    }
}

/// Straightforward loops, written independently of the engine's kernels, to check them against.
enum Reference {
    static func convolve(_ input: Tensor, weight: Tensor, bias: Tensor, stride: Int, padding: Padding) -> Tensor {
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let (k, f) = (weight.shape[0], weight.shape[3])
        let outH: Int, outW: Int, padTop: Int, padLeft: Int
        if padding == .valid {
            (outH, outW, padTop, padLeft) = ((h - k) / stride + 1, (w - k) / stride + 1, 0, 0)
        } else {
            outH = (h + stride - 1) / stride
            outW = (w + stride - 1) / stride
            padTop = max(0, (outH - 1) * stride + k - h) / 2
            padLeft = max(0, (outW - 1) * stride + k - w) / 2
        }
        var out = Tensor(shape: [n, outH, outW, f])
        for b in 0..<n { for oy in 0..<outH { for ox in 0..<outW { for o in 0..<f {
            var sum = Double(bias.scalars[o])
            for ky in 0..<k { for kx in 0..<k { for ci in 0..<c {
                let y = oy * stride + ky - padTop, x = ox * stride + kx - padLeft
                guard y >= 0, y < h, x >= 0, x < w else { continue }
                sum += Double(input.scalars[((b * h + y) * w + x) * c + ci]) *
                    Double(weight.scalars[((ky * k + kx) * c + ci) * f + o])
            } } }
            out.scalars[((b * outH + oy) * outW + ox) * f + o] = Float(sum)
        } } } }
        return out
    }

    static func matrixProduct(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int, bias: [Float]?) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n {
            var sum = Double(bias?[j] ?? 0)
            for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
            c[i * n + j] = Float(sum)
        } }
        return c
    }

    static func pool(_ input: Tensor, size: Int, stride: Int, max useMax: Bool) -> Tensor {
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outH = (h - size) / stride + 1, outW = (w - size) / stride + 1
        var out = Tensor(shape: [n, outH, outW, c])
        for b in 0..<n { for oy in 0..<outH { for ox in 0..<outW { for ch in 0..<c {
            var values: [Float] = []
            for dy in 0..<size { for dx in 0..<size {
                values.append(input.scalars[((b * h + oy * stride + dy) * w + ox * stride + dx) * c + ch])
            } }
            out.scalars[((b * outH + oy) * outW + ox) * c + ch] =
                useMax ? values.max()! : values.reduce(0, +) / Float(values.count)
        } } } }
        return out
    }
}

/// The largest absolute difference between two equally long arrays.
func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
