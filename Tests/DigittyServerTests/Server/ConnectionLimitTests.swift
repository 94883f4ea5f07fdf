@testable import DigittyServer
import DigittyVision
import DigittyTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// Idle connections cannot pile up: they are closed after a timeout, and beyond the connection limit the oldest
/// idle one makes room for a new client.
@Suite("Connection timeouts and limits", .serialized)
struct ConnectionLimitTests {
    @Test("a connection that sends nothing is closed after the first-byte timeout")
    func silentConnectionClosed() async throws {
        var limits = ServerLimits()
        limits.firstByteTimeout = .milliseconds(300)
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        let client = try RawHTTPClient(port: server.port, receiveTimeout: 20)
        // Timed on the reading thread: the test's task itself may resume late when other tests' synchronous work
        // holds the cooperative threads.
        let (received, closed, waited) = try await offPool { () -> ([UInt8], Bool, Duration) in
            let start = ContinuousClock.now
            let (received, closed) = client.readUntilClosedBlocking()
            return (received, closed, ContinuousClock.now - start)
        }
        #expect(closed, "still open after 20 s")
        #expect(received.isEmpty)
        #expect(waited < .seconds(15))
        try await server.stop()
    }

    @Test("a keep-alive connection idle after its request is closed after the idle timeout")
    func idleKeepAliveClosed() async throws {
        var limits = ServerLimits()
        limits.idleTimeout = .milliseconds(300)
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        let client = try RawHTTPClient(port: server.port, receiveTimeout: 20)
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let (received, closed) = try await offPool { client.readUntilClosedBlocking() }
        #expect(closed, "still open after 20 s")
        #expect(HTTPAnswers.split(received).map(\.status) == [200])
        try await server.stop()
    }

    @Test("a head sent a byte at a time is answered 408 when the request timeout passes")
    func slowHeadTimedOut() async throws {
        var limits = ServerLimits()
        limits.requestTimeout = .milliseconds(400)
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        let client = try RawHTTPClient(port: server.port, receiveTimeout: 20)
        client.send("GET /healthz HTTP/1.1\r\nHo")
        let (received, closed) = try await offPool { client.readUntilClosedBlocking() }
        #expect(closed)
        let answers = HTTPAnswers.split(received)
        #expect(answers.map(\.status) == [408], "\(answers)")
        #expect(answers.first?.body.contains("\"error\"") == true)
        try await server.stop()
    }

    @Test("beyond the connection limit the oldest idle connections are closed, and a new client is answered")
    func oldestIdleShed() async throws {
        var limits = ServerLimits()
        limits.maxConnections = 8
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        var idle: [RawHTTPClient] = []
        for _ in 0 ..< 24 {
            idle.append(try RawHTTPClient(port: server.port, receiveTimeout: 5))
            try await Task.sleep(for: .milliseconds(5))
        }
        let health = try await server.request("GET", "/healthz")
        #expect(health.status == 200)
        let oldest = idle[0]
        let (received, closed) = try await offPool { oldest.readUntilClosedBlocking() }
        #expect(closed && received.isEmpty, "the oldest idle connection is still open")
        let newest = idle[idle.count - 1]
        newest.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(await newest.readResponse()?.status == 200, "the newest connection was closed")
        let metrics = try await server.request("GET", "/metrics").text
        let shed = metrics.split(separator: "\n").first { $0.hasPrefix("digitty_connections_shed_total ") }
        #expect((shed.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0) >= 16, "\(shed ?? "no shed count")")
        try await server.stop()
    }

    @Test("digitty serve raises its soft limit of open files to the hard limit",
          .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/limits"), "needs /proc/PID/limits (Linux)"))
    func openFileLimitRaised() async throws {
        let (directory, model) = try TestModels.alphaFile()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // A soft limit below the hard one, as a login shell gives; `exec` keeps the process ID.
        process.arguments = ["-c", "ulimit -Sn 256 && exec \"$0\" serve --port 0 --quiet --model \"$1\"",
                             DigittyBinary.executable.path, model.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let line = try await offPool { String(decoding: output.fileHandleForReading.availableData, as: UTF8.self) }
        #expect(line.hasPrefix("digitty serving"), "\(line)")
        let limits = try String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
        let openFiles = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let values = openFiles.split(separator: " ").dropFirst(3)
        let soft = values.first, hard = values.dropFirst().first
        #expect(soft != nil && soft == hard, "\(openFiles)")
        #expect(soft != "256", "\(openFiles)")
    }
}
