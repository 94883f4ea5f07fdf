import DigittyEngine
/// A fixed-size block of Float32 memory owned by a training object and shared with worker threads.
///
/// Training keeps its activations, gradients and workspaces in these buffers, allocated once for the largest
/// batch, so the hot loop never allocates. The owner frees the memory with `deallocate()`.
struct FloatBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    /// A placeholder until a layer is bound to the model's buffers.
    static let empty = FloatBuffer(base: UnsafeMutablePointer(bitPattern: MemoryLayout<Float>.alignment)!, count: 0)

    /// Allocates `count` zeroed elements.
    static func allocate(_ count: Int) -> FloatBuffer {
        let base = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count))
        base.initialize(repeating: 0, count: max(1, count))
        return FloatBuffer(base: base, count: count)
    }

    /// A view of `count` elements from `offset` (no copy).
    func slice(_ offset: Int, _ length: Int) -> FloatBuffer {
        FloatBuffer(base: base + offset, count: length)
    }

    func deallocate() { base.deallocate() }

    func zero() { base.update(repeating: 0, count: count) }

    var array: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }

    func copy(from values: [Float]) {
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: min(count, values.count)) }
    }
}

/// Indices into preallocated memory that worker threads may read (an `Int32` buffer, e.g. max-pool winners).
struct IndexBuffer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Int32>
    let count: Int

    static func allocate(_ count: Int) -> IndexBuffer {
        let base = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, count))
        base.initialize(repeating: 0, count: max(1, count))
        return IndexBuffer(base: base, count: count)
    }

    func deallocate() { base.deallocate() }
}

/// Replaces every negative value of `count` floats with zero (a ReLU in place).
@inline(__always)
func rectify(_ values: UnsafeMutablePointer<Float>, count: Int) {
    for index in 0..<count where values[index] < 0 { values[index] = 0 }
}
