import Dispatch
import Foundation

/// Turns SIGWINCH, SIGINT, SIGTERM, SIGHUP and SIGQUIT into numbers written to a pipe, so the app's input loop
/// sees them and can redraw or restore the terminal before leaving. SIGQUIT must be among them: the Swift
/// runtime takes it as a crash (its backtracer prints "Program crashed" over the screen and waits for keys).
final class SignalWatcher {
    static let watched: [Int32] = [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    /// The end to poll: each signal arrives as one Int32.
    let readEnd: Int32
    private let writeEnd: Int32
    private var sources: [any DispatchSourceSignal] = []

    init() throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw AppError("cannot create a pipe for signals: errno \(errno)") }
        readEnd = ends[0]
        writeEnd = ends[1]
        let queue = DispatchQueue(label: "digitty.signals")
        for number in Self.watched {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            let writeEnd = self.writeEnd
            source.setEventHandler {
                var value = number
                _ = write(writeEnd, &value, MemoryLayout<Int32>.size)
            }
            source.resume()
            sources.append(source)
        }
    }

    deinit {
        for source in sources { source.cancel() }
        for number in Self.watched { signal(number, SIG_DFL) }
        close(readEnd)
        close(writeEnd)
    }
}
