import Foundation

/// A list that closures on any thread append to, read by the test afterwards (warnings, the order calls ran in).
final class LockedList<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var elements: [Element] = []
    func add(_ element: Element) { lock.lock(); elements.append(element); lock.unlock() }
    var all: [Element] { lock.lock(); defer { lock.unlock() }; return elements }
}
