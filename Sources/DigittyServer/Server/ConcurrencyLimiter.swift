import Foundation

/// Admits at most `limit` holders at once; `tryAcquire` fails at once beyond that (the server answers 503),
/// so a burst cannot queue unbounded work or memory.
final class ConcurrencyLimiter: @unchecked Sendable {
    let limit: Int
    private let lock = NSLock()
    private var active = 0

    init(limit: Int) { self.limit = max(1, limit) }

    /// Takes a slot if one is free.
    func tryAcquire() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard active < limit else { return false }
        active += 1
        return true
    }

    /// Gives a slot back.
    func release() {
        lock.lock()
        active -= 1
        lock.unlock()
    }
}
