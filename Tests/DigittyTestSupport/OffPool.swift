import Foundation

/// Runs blocking work (socket reads, waiting for a child process) on a thread of its own, so that it never
/// holds one of the few cooperative threads the in-process test servers need to answer.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
