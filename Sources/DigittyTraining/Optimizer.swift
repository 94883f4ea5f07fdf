import CDigittyKernels
import DigittyEngine
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
    mutating func step(parameters: FloatBuffer, gradients: FloatBuffer, trainable: [Range<Int>], rate: Double) {
        beginStep(parameters: parameters, rate: rate).apply(trainable, gradients: gradients)
    }

    /// Counts one more step and returns its update, for layers that apply it to their own parameters as soon
    /// as their gradients are known (see `ParameterUpdate`).
    mutating func beginStep(parameters: FloatBuffer, rate: Double) -> ParameterUpdate {
        steps += 1
        let rule: ParameterUpdate.Rule
        switch kind {
        case let .adam(beta1, beta2, epsilon):
            // Keras: alpha = lr · sqrt(1 − β2^t) / (1 − β1^t).
            let t = Double(steps)
            rule = .adam(alpha: Float(rate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))),
                         oneMinusBeta1: Float(1 - beta1), oneMinusBeta2: Float(1 - beta2), epsilon: Float(epsilon))
        case let .sgd(momentum):
            rule = .sgd(momentum: Float(momentum), rate: Float(rate))
        }
        return ParameterUpdate(rule: rule, parameters: parameters, state: state, count: count)
    }
}

/// One optimizer step, bound to the model's parameters and the optimizer's state: it moves any run of
/// parameters given their gradients. Each element's update depends only on that element, so applying it
/// run by run (as a layer's gradients become known) gives the same bits as one pass over everything.
struct ParameterUpdate: Sendable {
    enum Rule: Sendable {
        case adam(alpha: Float, oneMinusBeta1: Float, oneMinusBeta2: Float, epsilon: Float)
        case sgd(momentum: Float, rate: Float)
    }
    let rule: Rule
    let parameters: FloatBuffer
    let state: FloatBuffer
    let count: Int

    /// Updates every parameter of `ranges` (indices into the parameter buffer) from `gradients`, spread over
    /// the cores in fixed chunks.
    func apply(_ ranges: [Range<Int>], gradients: FloatBuffer) {
        for range in ranges {
            FixedChunks.run(items: range.count, chunks: FixedChunks.reductionChunks, work: range.count * 8,
                            alignment: 8) { _, part in
                let first = range.lowerBound + part.lowerBound
                apply(parameters.base + first, count: part.count, gradient: gradients.base + first)
            }
        }
    }

    /// Updates the `count` parameters from `weights` (which lie in the parameter buffer) given their
    /// gradients, on the calling thread.
    func apply(_ weights: UnsafeMutablePointer<Float>, count: Int, gradient: UnsafePointer<Float>) {
        let offset = weights - parameters.base
        precondition(offset >= 0 && offset + count <= self.count, "the parameters lie outside the model's buffer")
        switch rule {
        case let .adam(alpha, b1, b2, eps):
            // Keras: m += (g − m)(1 − β1); v += (g² − v)(1 − β2); w −= alpha · m / (sqrt(v) + ε).
            // Moments that decay below the smallest normal float are kept as zero: subnormal arithmetic is
            // ~100× slower on x86, and the moments of weights whose gradient stays zero (e.g. Dense weights of
            // inputs a ReLU silences) would otherwise sink there and slow every later step. The update they
            // would make is below 1e-33, far under the resolution of any weight.
            let m = state.base + offset, v = state.base + self.count + offset
            dk_adam(InstructionSet.best, weights, gradient, m, v, count, alpha, b1, b2, eps)
        case let .sgd(mu, lr):
            // Keras: velocity = momentum · velocity − lr · g; w += velocity.
            let velocity = state.base + offset
            var index = 0
            while index + 8 <= count {
                let newVelocity = mu * Self.load(velocity + index) - lr * Self.load(gradient + index)
                Self.store(newVelocity, velocity + index)
                Self.store(Self.load(weights + index) + newVelocity, weights + index)
                index += 8
            }
            while index < count {
                velocity[index] = mu * velocity[index] - lr * gradient[index]
                weights[index] += velocity[index]
                index += 1
            }
        }
    }

    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
