/// The open connections of one event loop, kept within `capacity`: a new connection beyond it closes the
/// connection idle the longest (one waiting for its first byte, or between keep-alive requests), or is refused
/// if none is idle. A flood of connections that send nothing thus costs the server old idle connections, never
/// its descriptors or the answers of working clients. Used on its event loop only.
final class ConnectionTable {
    /// How many connections the loop keeps open.
    let capacity: Int
    private var open: [ObjectIdentifier: HTTPConnection] = [:]

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Adds `connection`, first closing the one idle the longest if the table is full; false, and the
    /// connection is not added, if it is full of busy connections.
    func admit(_ connection: HTTPConnection) -> Bool {
        if open.count >= capacity {
            guard let oldest = open.values.lazy.filter(\.isIdle).min(by: { $0.idleSince < $1.idleSince }) else { return false }
            open[ObjectIdentifier(oldest)] = nil
            oldest.shed()
        }
        open[ObjectIdentifier(connection)] = connection
        return true
    }

    /// Forgets a connection that has closed.
    func remove(_ connection: HTTPConnection) {
        open[ObjectIdentifier(connection)] = nil
    }
}
