import DigittyTracking
import Foundation
import Testing

@Suite("Tracking calls made in the background")
struct TrackingQueueTests {
    @Test("submit returns while an earlier call is still running; calls run in the order submitted; flush waits for all")
    func orderAndFlush() async {
        let queue = TrackingQueue(tracker: ExperimentTracker(uri: nil))
        let log = LockedList<Int>()
        let (gate, open) = AsyncStream.makeStream(of: Void.self)
        queue.submit { _ in
            for await _ in gate { break }
            log.add(1)
        }
        for entry in 2...5 { queue.submit { _ in log.add(entry) } }
        // Everything is queued behind the first call, which waits for the gate.
        #expect(log.all.isEmpty)
        open.yield()
        await queue.flush()
        #expect(log.all == [1, 2, 3, 4, 5])
    }
}
