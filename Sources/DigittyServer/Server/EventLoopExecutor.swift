import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// A connection's handler that prefers this executor runs on the thread doing the connection's socket I/O, so
/// reading a request and writing its response need no hop between an event loop and Swift's cooperative pool.
final class EventLoopExecutor: TaskExecutor {
    /// The event loop the jobs run on.
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
