import DigittyVision
import Foundation
import Testing

/// `digitty data fetch` as a user runs it, against a local HTTP server (Python's http.server on 127.0.0.1).
@Suite(.timeLimit(.minutes(2))) struct DataCommandTests {
    /// `python3 -m http.server` for `directory` on a free loopback port, or another Python server that prints
    /// "port N" first.
    final class FileServer {
        let port: Int
        private let process: Process

        /// Serves the files of `directory`.
        convenience init?(serving directory: URL) {
            self.init(pythonArguments: ["-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", directory.path])
        }

        /// A server that answers every GET with the promise of a megabyte, sends a kilobyte and then nothing.
        convenience init?(stalling: Void) {
            self.init(pythonArguments: ["-c", """
                import http.server, time
                class Handler(http.server.BaseHTTPRequestHandler):
                    def do_GET(self):
                        self.send_response(200)
                        self.send_header("Content-Length", "1000000")
                        self.end_headers()
                        self.wfile.write(bytes(1000))
                        self.wfile.flush()
                        time.sleep(60)
                http.server.ThreadingHTTPServer.daemon_threads = True
                server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
                print("port", server.server_address[1])
                server.serve_forever()
                """])
        }

        /// Starts the server (waiting at most 10 s for it), or nil when python3 is not available.
        private init?(pythonArguments: [String]) {
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-u"] + pythonArguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            let lock = NSLock(), started = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var text = ""
            output.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                lock.lock(); text += String(decoding: data, as: UTF8.self); lock.unlock()
                if data.isEmpty || text.contains("\n") { started.signal() }
            }
            guard (try? process.run()) != nil else { print("skipped: cannot start python3"); return nil }
            _ = started.wait(timeout: .now() + 10)
            output.fileHandleForReading.readabilityHandler = nil
            lock.lock(); let line = text; lock.unlock()
            // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
            guard let range = line.range(of: #"port \d+"#, options: .regularExpression),
                  let port = Int(line[range].dropFirst(5)) else {
                print("skipped: python3 -m http.server did not start (\(line))")
                kill(process.processIdentifier, SIGKILL)
                return nil
            }
            self.port = port
        }

        var url: String { "http://127.0.0.1:\(port)/" }

        /// Kills the server (SIGKILL: a child of a test thread inherits a mask that blocks SIGTERM).
        func stop() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    static func names(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    static let fileNames = MNISTDownloader.mnistFiles.map(\.name).sorted()

    /// With the real files served (when ../shared has them), the four arrive verified and a second run keeps them.
    @Test func fetchesTheRealFilesFromAMirrorAndThenKeepsThem() throws {
        guard FileManager.default.fileExists(atPath: DigittyProcess.sharedMNIST.appendingPathComponent("SHA256SUMS").path) else {
            print("skipped: MNIST is not in ../shared/data/mnist")
            return
        }
        guard let server = FileServer(serving: DigittyProcess.sharedMNIST) else { return }
        defer { server.stop() }
        let directory = DigittyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("cache/mnist")

        let first = try DigittyProcess.run(["data", "fetch", "--mirror", server.url], environment: ["DIGITTY_DATA": destination.path],
                                           timeout: 120)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Self.names(in: destination) == Self.fileNames)
        for name in Self.fileNames {
            #expect(first.stdout.contains("\(name): downloaded"), "\(first.stdout)")
            #expect(first.stderr.contains("\(name): downloading"), "\(first.stderr)")
            let copy = try Data(contentsOf: destination.appendingPathComponent(name))
            #expect(copy == (try Data(contentsOf: DigittyProcess.sharedMNIST.appendingPathComponent(name))))
        }
        let second = try DigittyProcess.run(["data", "fetch", "--data", destination.path, "--mirror", server.url + "nothing-here"],
                                            timeout: 120)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.split(separator: "\n").filter { $0.contains("already present, SHA-256 verified") }.count == 4)
    }

    /// A server that stops sending: `--timeout` gives up; Ctrl-C stops at once (status 130). Neither keeps a file.
    @Test func stalledDownloadTimesOutOrIsInterrupted() throws {
        guard let server = FileServer(stalling: ()) else { return }
        defer { server.stop() }
        let directory = DigittyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        let started = Date()
        let timedOut = try DigittyProcess.run(["data", "fetch", "--data", directory.path, "--mirror", server.url, "--timeout", "1"],
                                              timeout: 60)
        #expect(timedOut.status == 1 && !timedOut.signaled, "\(timedOut.stderr)")
        #expect(timedOut.stderr.contains("train-images-idx3-ubyte.gz: no data for 1 s (timed out)"), "\(timedOut.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(Self.names(in: directory).isEmpty)

        let process = Process()
        process.executableURL = DigittyProcess.executable
        process.arguments = ["data", "fetch", "--data", directory.path, "--mirror", server.url]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Self.names(in: directory).isEmpty, process.isRunning, Date() < deadline { usleep(20_000) }
        #expect(Self.names(in: directory).first?.hasSuffix(".part") == true, "no temporary file while downloading")
        process.interrupt()
        let stopDeadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < stopDeadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
        #expect(Self.names(in: directory).isEmpty)
    }

    /// Wrong files, a missing path, a closed port and a path under a file: one line on stderr, status 1, no file.
    @Test func failuresAreOneLineAndLeaveNothing() throws {
        let directory = DigittyProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let served = directory.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        for name in Self.fileNames { try Data(IDXFile(labels: [1, 2, 3]).encoded(gzip: true)).write(to: served.appendingPathComponent(name)) }
        guard let server = FileServer(serving: served) else { return }
        let destination = directory.appendingPathComponent("mnist")
        func fetch(_ mirror: String, into target: URL = destination) throws -> DigittyProcess.Result {
            try DigittyProcess.run(["data", "fetch", "--data", target.path, "--mirror", mirror], timeout: 120)
        }
        func errorLine(_ result: DigittyProcess.Result) -> String {
            result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") }.joined(separator: "\n")
        }

        let corrupt = try fetch(server.url)
        #expect(corrupt.status == 1 && !corrupt.signaled)
        #expect(errorLine(corrupt).hasPrefix("Error: download of train-images-idx3-ubyte.gz is corrupt: SHA-256 "), "\(corrupt.stderr)")
        #expect(Self.names(in: destination).isEmpty)

        let missing = try fetch(server.url + "nowhere/")
        #expect(missing.status == 1)
        #expect(errorLine(missing) == "Error: download failed: \(server.url)nowhere/train-images-idx3-ubyte.gz answered HTTP 404")
        #expect(Self.names(in: destination).isEmpty)

        let port = server.port
        server.stop()
        let closed = try fetch("http://127.0.0.1:\(port)")
        #expect(closed.status == 1)
        #expect(errorLine(closed).hasPrefix("Error: download failed: http://127.0.0.1:\(port)/train-images-idx3-ubyte.gz: "), "\(closed.stderr)")
        #expect(Self.names(in: destination).isEmpty)

        let underAFile = served.appendingPathComponent(Self.fileNames[0]).appendingPathComponent("mnist")
        let unwritable = try fetch("http://127.0.0.1:\(port)", into: underAFile)
        #expect(unwritable.status == 1)
        #expect(errorLine(unwritable) == "Error: cannot write \(served.appendingPathComponent(Self.fileNames[0]).path): not a directory")

        let notAURL = try fetch("ftp://127.0.0.1/")
        #expect(notAURL.status != 0 && notAURL.stderr.contains("not an http or https URL"))
    }
}
