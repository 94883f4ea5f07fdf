import DigittyEngine
import Dispatch

/// Deterministic parallel loops: work is cut into a number of chunks that never depends on the number of
/// cores, and partial sums are combined in chunk order, so training gives the same bits on any machine.
enum FixedChunks {
    /// How many pieces reductions over a batch are cut into.
    static let reductionChunks = 8
    /// How many pieces element-wise work is cut into (results never depend on it).
    static let spread = max(2, Parallel.coreCount * 2)

    /// The items of chunk `index` of `chunks` (boundaries on multiples of `alignment`).
    static func range(_ index: Int, of chunks: Int, items: Int, alignment: Int = 1) -> Range<Int> {
        Parallel.range(of: index, in: chunks, items: items, alignment: alignment)
    }

    /// Runs `body(chunkIndex, range)` for each of `chunks` chunks of `0..<items`, on all cores when `work`
    /// (roughly the multiply-adds involved) is large enough to pay for the threads.
    static func run(items: Int, chunks: Int, work: Int, alignment: Int = 1,
                    _ body: @Sendable (Int, Range<Int>) -> Void) {
        let chunks = max(1, min(chunks, items))
        if chunks == 1 || work < 1 << 15 || Parallel.coreCount == 1 {
            for chunk in 0..<chunks {
                let range = range(chunk, of: chunks, items: items, alignment: alignment)
                if !range.isEmpty { body(chunk, range) }
            }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = range(chunk, of: chunks, items: items, alignment: alignment)
            if !range.isEmpty { body(chunk, range) }
        }
    }

    /// Sums `parts` buffers of `length` floats laid out one after another in `partials` into `target`,
    /// in part order (`target` is overwritten, or added to when `accumulate`).
    static func reduce(_ partials: FloatBuffer, parts: Int, length: Int, into target: UnsafeMutablePointer<Float>,
                       accumulate: Bool = false) {
        if !accumulate { target.update(from: partials.base, count: length) }
        for part in (accumulate ? 0 : 1)..<parts {
            let source = partials.base + part * length
            for index in 0..<length { target[index] += source[index] }
        }
    }
}
