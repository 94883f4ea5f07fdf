import Foundation

/// A small HTTP server on 127.0.0.1 (Python's http.server) serving the files of one directory:
/// `/files/NAME` serves NAME; `/truncate/NAME` promises all of NAME but sends half and hangs up;
/// `/stall/NAME` promises all of NAME, sends half and then nothing more for a minute; anything else is 404.
///
/// The server ends when its standard input closes (when `stop()` is called or the test process dies), and it
/// unblocks signals first: children spawned from a Dispatch worker thread inherit that thread's mask, in which
/// SIGTERM is blocked (so `terminate()` alone would never end it, and waiting for it would hang).
public final class LocalHTTPServer: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    private let process: Process
    private let input: Pipe

    static let script = #"""
    import http.server, os, signal, sys, threading, time

    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    root = sys.argv[1]

    def exit_when_stdin_closes():
        sys.stdin.buffer.read()
        os._exit(0)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            parts = self.path.strip("/").split("/")
            path = os.path.join(root, parts[-1])
            if len(parts) != 2 or parts[0] not in ("files", "truncate", "stall") or not os.path.isfile(path):
                self.send_error(404)
                return
            data = open(path, "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if parts[0] == "files":
                self.wfile.write(data)
                return
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            if parts[0] == "stall":
                time.sleep(60)
            self.close_connection = True

        def log_message(self, *args):
            pass

    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    http.server.ThreadingHTTPServer.daemon_threads = True
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#

    /// Starts the server (waiting at most 10 s for it), or returns nil (saying why) when Python cannot run it.
    public static func start(serving directory: URL) -> LocalHTTPServer? {
        let process = Process()
        let output = Pipe(), input = Pipe()
        do {
            guard let python = Python.executable else { throw Tools.Failure("no Python") }
            process.executableURL = URL(fileURLWithPath: python)
            // The script goes on the command line: the served directory may be read-only (../shared).
            process.arguments = ["-c", script, directory.path]
            process.standardOutput = output
            process.standardInput = input
            process.standardError = FileHandle.nullDevice
            try process.run()
        } catch {
            print("cannot start Python for a local HTTP server (\(error))")
            return nil
        }
        let line = readLine(output.fileHandleForReading, within: 10)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            stop(process, input: input)
            print("Python did not start the local HTTP server")
            return nil
        }
        return LocalHTTPServer(directory: directory, port: port, process: process, input: input)
    }

    /// The first line `handle` gives within `seconds` (what came by then if no newline did).
    private static func readLine(_ handle: FileHandle, within seconds: Double) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while !bytes.contains(0x0a) {
            let left = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            guard left > 0, poll(&descriptor, 1, left) > 0 else { break }
            let count = read(handle.fileDescriptor, &buffer, buffer.count)
            guard count > 0 else { break } // python exited
            bytes += buffer[0 ..< count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private init(directory: URL, port: Int, process: Process, input: Pipe) {
        self.directory = directory
        self.port = port
        self.process = process
        self.input = input
    }

    public func url(_ mode: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)/\(mode)/")!
    }

    public func stop() {
        Self.stop(process, input: input)
    }

    /// Closes the server's input (it exits), and kills it if it is still there after 5 s.
    private static func stop(_ process: Process, input: Pipe) {
        try? input.fileHandleForWriting.close()
        var deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL) // cannot be blocked or ignored
        deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(10_000) }
    }
}
