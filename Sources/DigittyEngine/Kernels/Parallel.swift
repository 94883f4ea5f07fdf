import Dispatch

/// How the engine splits work across cores.
package enum Parallel {
    /// The number of cores work is spread over.
    package static let coreCount: Int = max(1, System.activeProcessorCount)

    /// How many chunks to cut `items` into: one per core once the work is large enough to pay for threads.
    package static func chunkCount(work: Int, items: Int, minimumItemsPerChunk: Int = 1) -> Int {
        guard work >= 1 << 20 else { return 1 }
        return max(1, min(coreCount, items / max(1, minimumItemsPerChunk)))
    }

    /// The items of chunk `index` out of `chunks`, with boundaries on multiples of `alignment`.
    package static func range(of index: Int, in chunks: Int, items: Int, alignment: Int = 1) -> Range<Int> {
        let blocks = (items + alignment - 1) / alignment
        let start = min(items, blocks * index / chunks * alignment)
        let end = min(items, blocks * (index + 1) / chunks * alignment)
        return start..<end
    }

    /// Runs `body` once for each chunk of `0..<items`, in parallel when the work is large enough.
    package static func forEachChunk(items: Int, work: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = chunkCount(work: work, items: items)
        if chunks <= 1 {
            body(0..<items)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = range(of: chunk, in: chunks, items: items)
            if !range.isEmpty { body(range) }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

package enum System {
    static var activeProcessorCount: Int {
        Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }
}
