@testable import DigittyServer
import DigittyVision
import Foundation
import Testing

@Suite("The upload deadline: bodies within it are served, a late one gets one 408 and a closed connection")
struct UploadDeadlineTests {
    static func head(length: Int) -> String {
        "POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: \(length)\r\n\r\n"
    }

    @Test("requests on one keep-alive connection, each in time but together longer than the timeout, are all answered 200")
    func eachRequestHasItsOwnDeadline() async throws {
        // Each body arrives within a few milliseconds of its head, far inside the deadline even on a loaded
        // machine (the test servers share their event loops with other tests' predictions, which in a full
        // debug run have held up reads by more than a second); the pauses between requests make the
        // connection as a whole outlive the deadline.
        let timeout = Duration.seconds(6)
        var limits = ServerLimits()
        limits.requestTimeout = timeout
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        let body = PNG.encode(Drawings.seven())
        let client = try RawHTTPClient(port: server.port)
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<5 {
            client.send(Self.head(length: body.count))
            client.send(Array(body.prefix(body.count / 2)))
            // A blocking pause, not Task.sleep: while other tests' synchronous work holds the two cooperative
            // threads, a suspended task can resume many seconds late, and the body with it.
            usleep(20_000)
            client.send(Array(body.dropFirst(body.count / 2)))
            let answer = await client.readResponse()
            #expect(answer?.status == 200, "\(answer?.body ?? "no answer")")
            try await Task.sleep(for: .milliseconds(1300))
        }
        #expect(clock.now - start > timeout, "the connection did not outlive one deadline, so this proved nothing")
        try await server.stop()
    }

    @Test("a body that misses the deadline is answered 408 once, then the connection is closed")
    func lateBody() async throws {
        var limits = ServerLimits()
        limits.requestTimeout = .milliseconds(300)
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        let client = try RawHTTPClient(port: server.port)
        client.send(Self.head(length: 1000))
        client.send([UInt8](repeating: 0, count: 10))
        let received = String(decoding: await client.readUntilClosed(), as: UTF8.self)
        #expect(received.hasPrefix("HTTP/1.1 408 "), "\(received)")
        #expect(received.components(separatedBy: "HTTP/1.1 ").count == 2, "more than one response: \(received)")
        #expect(received.contains("did not arrive within"))
        #expect(try await server.request("GET", "/healthz").status == 200)
        try await server.stop()
    }
}
