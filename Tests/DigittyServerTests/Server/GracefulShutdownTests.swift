@testable import DigittyServer
import DigittyVision
import Foundation
import Testing

@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    @Test("a request in flight when shutdown begins is answered; then the server stops")
    func inFlightRequestFinishes() async throws {
        // The request stays open across several awaits; while other tests' synchronous work holds the two
        // cooperative threads, each can resume seconds late. A deadline far beyond that keeps this test about
        // shutdown, not about the upload deadline (UploadDeadlineTests).
        var limits = ServerLimits()
        limits.requestTimeout = .seconds(300)
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        let body = PNG.encode(Drawings.seven())
        let client = try RawHTTPClient(port: server.port)
        client.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: \(body.count)\r\n\r\n")
        client.send(Array(body.prefix(20)))
        // Make sure the request has reached the handler before shutting down.
        #expect(try await server.waitForRequestsInFlight(1))
        await server.beginShutdown()
        try await Task.sleep(for: .milliseconds(200))
        client.send(Array(body.dropFirst(20)))
        let answer = try #require(await client.readResponse())
        #expect(answer.status == 200)
        #expect(answer.body.contains("\"label\""))
        try await server.waitUntilStopped()
        #expect(throws: (any Error).self) { _ = try RawHTTPClient(port: server.port) }
    }
}
