import DigittyDownload
import DigittyTestSupport
import DigittyVision
import Foundation
import Testing

/// `digitty data fetch` as a user runs it, against a local HTTP server (Python's http.server on 127.0.0.1).
@Suite(.timeLimit(.minutes(2)), Python.prerequisite([]).trait) struct DataCommandTests {
    /// The local file server, or a failure saying why it did not start.
    static func server(serving directory: URL) throws -> LocalHTTPServer {
        try #require(LocalHTTPServer.start(serving: directory), "the local HTTP server (the project's Python) did not start")
    }

    static func names(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
    }

    static let fileNames = MNISTDownloader.mnistFiles.map(\.name).sorted()

    /// With the real files served (when ../shared has them), the four arrive verified and a second run keeps them.
    @Test(Prerequisite.mnist.trait) func fetchesTheRealFilesFromAMirrorAndThenKeepsThem() async throws {
        try Prerequisite.mnist.require()
        let server = try Self.server(serving: Repository.mnist)
        defer { server.stop() }
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let destination = directory.appendingPathComponent("cache/mnist")

        let first = try await DigittyProcess.run(["data", "fetch", "--mirror", server.url("files").absoluteString], environment: ["DIGITTY_DATA": destination.path],
                                           timeout: 120)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Self.names(in: destination) == Self.fileNames)
        for name in Self.fileNames {
            #expect(first.stdout.contains("\(name): downloaded"), "\(first.stdout)")
            #expect(first.stderr.contains("\(name): downloading"), "\(first.stderr)")
            let copy = try Data(contentsOf: destination.appendingPathComponent(name))
            #expect(copy == (try Data(contentsOf: Repository.mnist.appendingPathComponent(name))))
        }
        let second = try await DigittyProcess.run(["data", "fetch", "--data", destination.path, "--mirror", server.url("files").absoluteString + "nothing-here"],
                                            timeout: 120)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.split(separator: "\n").filter { $0.contains("already present, SHA-256 verified") }.count == 4)
    }

    /// A server that stops sending: `--timeout` gives up; Ctrl-C stops at once (status 130). Neither keeps a file.
    @Test func stalledDownloadTimesOutOrIsInterrupted() async throws {
        let served = Repository.temporaryDirectory("cli-served")
        defer { try? FileManager.default.removeItem(at: served) }
        // The server promises all of a megabyte, sends half and then nothing.
        try Data(count: 1 << 20).write(to: served.appendingPathComponent("train-images-idx3-ubyte.gz"))
        let server = try Self.server(serving: served)
        defer { server.stop() }
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }

        let timedOut = try await DigittyProcess.run(["data", "fetch", "--data", directory.path, "--mirror", server.url("stall").absoluteString, "--timeout", "1"],
                                              timeout: 60)
        // Exiting by itself (not killed by the 60-s watchdog) with this message is the timeout at work; a wall-clock
        // bound here would measure the test pool's stalls as much as the command.
        #expect(timedOut.status == 1 && !timedOut.signaled, "\(timedOut.stderr)")
        #expect(timedOut.stderr.contains("train-images-idx3-ubyte.gz: no data for 1 s (timed out)"), "\(timedOut.stderr)")
        #expect(Self.names(in: directory).isEmpty)

        let process = Process()
        process.executableURL = DigittyProcess.executable
        process.arguments = ["data", "fetch", "--data", directory.path, "--mirror", server.url("stall").absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
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
    @Test func failuresAreOneLineAndLeaveNothing() async throws {
        let directory = Repository.temporaryDirectory("cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let served = directory.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        for name in Self.fileNames { try Data(IDXFile(labels: [1, 2, 3]).encoded(gzip: true)).write(to: served.appendingPathComponent(name)) }
        let server = try Self.server(serving: served)
        let mirror = server.url("files").absoluteString
        let destination = directory.appendingPathComponent("mnist")
        func fetch(_ mirror: String, into target: URL = destination) async throws -> DigittyProcess.Result {
            try await DigittyProcess.run(["data", "fetch", "--data", target.path, "--mirror", mirror], timeout: 120)
        }
        func errorLine(_ result: DigittyProcess.Result) -> String {
            result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error: ") }.joined(separator: "\n")
        }

        let corrupt = try await fetch(mirror)
        #expect(corrupt.status == 1 && !corrupt.signaled)
        #expect(errorLine(corrupt).hasPrefix("Error: download of train-images-idx3-ubyte.gz is corrupt: SHA-256 "), "\(corrupt.stderr)")
        #expect(Self.names(in: destination).isEmpty)

        let missing = try await fetch(mirror + "nowhere/")
        #expect(missing.status == 1)
        #expect(errorLine(missing) == "Error: download failed: \(mirror)nowhere/train-images-idx3-ubyte.gz answered HTTP 404")
        #expect(Self.names(in: destination).isEmpty)

        let port = server.port
        server.stop()
        let closed = try await fetch("http://127.0.0.1:\(port)")
        #expect(closed.status == 1)
        #expect(errorLine(closed).hasPrefix("Error: download failed: http://127.0.0.1:\(port)/train-images-idx3-ubyte.gz: "), "\(closed.stderr)")
        #expect(Self.names(in: destination).isEmpty)

        let underAFile = served.appendingPathComponent(Self.fileNames[0]).appendingPathComponent("mnist")
        let unwritable = try await fetch("http://127.0.0.1:\(port)", into: underAFile)
        #expect(unwritable.status == 1)
        #expect(errorLine(unwritable) == "Error: cannot write \(served.appendingPathComponent(Self.fileNames[0]).path): not a directory")

        let notAURL = try await fetch("ftp://127.0.0.1/")
        #expect(notAURL.status != 0 && notAURL.stderr.contains("not an http or https URL"))
    }
}
