import Foundation

/// How parameters move given their gradients. The state (moments, velocities, step count) is part of a
/// checkpoint so that a resumed run continues exactly.
public enum OptimizerKind: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Adam with Keras' defaults: β1 0.9, β2 0.999, ε 1e-7.
    case adam(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-7)
    /// Stochastic gradient descent with (non-Nesterov) momentum, as Keras' SGD.
    case sgd(momentum: Double = 0.9)

    public var description: String {
        switch self {
        case let .adam(beta1, beta2, epsilon): "Adam(β1 \(beta1), β2 \(beta2), ε \(epsilon))"
        case let .sgd(momentum): "SGD(momentum \(momentum))"
        }
    }

    /// How many state values it keeps per parameter.
    var slots: Int {
        switch self {
        case .adam: 2
        case .sgd: 1
        }
    }
}

/// An optimizer bound to a flat parameter buffer: `step` applies one update from the gradient buffer.
struct Optimizer {
    let kind: OptimizerKind
    /// One or two buffers as long as the parameters (Adam: first and second moments; SGD: velocity).
    let state: FloatBuffer
    let count: Int
    /// Updates done so far.
    var steps: Int = 0

    init(kind: OptimizerKind, count: Int) {
        self.kind = kind
        self.count = count
        state = .allocate(kind.slots * count)
    }

    func deallocate() { state.deallocate() }

    /// Updates `parameters[range]` for each trainable range from `gradients`, with learning rate `rate`.
    /// Element-wise, in eight-lane vectors, spread over the cores in fixed chunks.
    mutating func step(parameters: FloatBuffer, gradients: FloatBuffer, trainable: [Range<Int>], rate: Double) {
        steps += 1
        let (state, count) = (self.state, self.count)
        switch kind {
        case let .adam(beta1, beta2, epsilon):
            let t = Double(steps)
            // Keras: alpha = lr · sqrt(1 − β2^t) / (1 − β1^t); m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
            // w −= alpha · m / (sqrt(v) + ε).
            let alpha = Float(rate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t)))
            let (b1, b2, eps) = (Float(1 - beta1), Float(1 - beta2), Float(epsilon))
            // Moments that decay below the smallest normal float are kept as zero: subnormal arithmetic is
            // ~100× slower on x86, and the moments of weights whose gradient stays zero (e.g. Dense weights of
            // inputs a ReLU silences) would otherwise sink there and slow every later step. The update they
            // would make is below 1e-33, far under the resolution of any weight.
            Optimizer.forEachVector(trainable) { index in
                let m = state.base + index, v = state.base + count + index
                let w = parameters.base + index, g = Optimizer.load(gradients.base + index)
                let newM = Optimizer.flushSubnormals(Optimizer.load(m) + (g - Optimizer.load(m)) * b1)
                let newV = Optimizer.flushSubnormals(Optimizer.load(v) + (g * g - Optimizer.load(v)) * b2)
                Optimizer.store(newM, m)
                Optimizer.store(newV, v)
                Optimizer.store(Optimizer.load(w) - alpha * newM / (newV.squareRoot() + eps), w)
            } scalar: { index in
                let m = state.base + index, v = state.base + count + index, g = gradients.base[index]
                m.pointee = Optimizer.flushSubnormal(m.pointee + (g - m.pointee) * b1)
                v.pointee = Optimizer.flushSubnormal(v.pointee + (g * g - v.pointee) * b2)
                parameters.base[index] -= alpha * m.pointee / (v.pointee.squareRoot() + eps)
            }
        case let .sgd(momentum):
            // Keras: velocity = momentum · velocity − lr · g; w += velocity.
            let (mu, lr) = (Float(momentum), Float(rate))
            Optimizer.forEachVector(trainable) { index in
                let velocity = mu * Optimizer.load(state.base + index) - lr * Optimizer.load(gradients.base + index)
                Optimizer.store(velocity, state.base + index)
                Optimizer.store(Optimizer.load(parameters.base + index) + velocity, parameters.base + index)
            } scalar: { index in
                state.base[index] = mu * state.base[index] - lr * gradients.base[index]
                parameters.base[index] += state.base[index]
            }
        }
    }

    /// `values` with every subnormal lane (and −0) replaced by zero.
    @inline(__always)
    static func flushSubnormals(_ values: SIMD8<Float>) -> SIMD8<Float> {
        let tiny = SIMD8<Float>(repeating: .leastNormalMagnitude)
        return values.replacing(with: 0, where: (values .< tiny) .& (values .> -tiny))
    }

    @inline(__always)
    static func flushSubnormal(_ value: Float) -> Float {
        abs(value) < .leastNormalMagnitude ? 0 : value
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    /// Calls `vector(i)` for each run of eight indices and `scalar(i)` for the rest, in fixed chunks.
    private static func forEachVector(_ ranges: [Range<Int>], vector: @Sendable (Int) -> Void,
                                      scalar: @Sendable (Int) -> Void) {
        for range in ranges {
            FixedChunks.run(items: range.count, chunks: FixedChunks.reductionChunks, work: range.count * 8,
                            alignment: 8) { _, part in
                var index = range.lowerBound + part.lowerBound
                let end = range.lowerBound + part.upperBound
                while index + 8 <= end {
                    vector(index)
                    index += 8
                }
                while index < end {
                    scalar(index)
                    index += 1
                }
            }
        }
    }
}
