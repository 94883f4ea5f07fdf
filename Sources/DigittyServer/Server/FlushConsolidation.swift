import NIOCore

/// Holds a connection's flushes until the event loop has handled every connection that was ready, then flushes
/// once (flush consolidation, as Netty's `FlushConsolidationHandler` does). It sits first in the pipeline, next to
/// the socket, so every flush and close passes through it; a close flushes what is held first, so no answer that
/// was written is lost.
///
/// Why: under load an event loop finds dozens of requests ready at each wake-up. Flushed one by one, each answer
/// woke a client thread on the other core (an inter-processor interrupt and two context switches, costly in a
/// virtual machine); flushed at the end of the loop's turn, a client wakes once for a run of answers. With 64
/// clients on the 2-core development machine that gave 1.44× the throughput and lower p50 and p99 latencies.
final class FlushConsolidation: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = Any

    /// Whether a flush is held, to be done at the end of the event loop's turn.
    private var flushHeld = false

    func flush(context: ChannelHandlerContext) {
        guard !flushHeld else { return }
        flushHeld = true
        // Tasks run after the I/O of the loop's turn, so this flush comes after every ready connection is handled.
        context.eventLoop.assumeIsolated().execute { [self] in flushHeldWrites(context: context) }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        flushHeldWrites(context: context)
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        flushHeldWrites(context: context)
    }

    private func flushHeldWrites(context: ChannelHandlerContext) {
        guard flushHeld else { return }
        flushHeld = false
        context.flush()
    }
}
