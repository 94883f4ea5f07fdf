/// SplitMix64: a small, fast, seedable generator. Training derives every random choice (initial weights,
/// shuffles, dropout masks, augmentation) from the run's seed through it, so a seed fixes the result.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one purpose within a run, e.g. `SeededRandom(seed: seed, stream: epoch, purpose: 2)`.
    public init(seed: UInt64, stream: UInt64, purpose: UInt64 = 0) {
        state = SeededRandom.mix(seed ^ SeededRandom.mix(stream &* 0x9E37_79B9_7F4A_7C15 &+ purpose))
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// A uniform Float in [0, 1).
    public mutating func nextUnit() -> Float {
        Float(next() >> 40) * (1 / Float(1 << 24))
    }

    /// The SplitMix64 finaliser: a well-mixed 64-bit hash of `value`.
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
