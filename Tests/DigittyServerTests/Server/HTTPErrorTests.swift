@testable import DigittyServer
import DigittyVision
import Foundation
import Testing

/// Requests the HTTP layer refuses get the status that says why, with a one-line JSON error, and a client that
/// sends too much reads its 413 rather than a reset.
@Suite("HTTP errors: statuses, JSON bodies, no resets", .serialized)
struct HTTPErrorTests {
    /// The answers to `request` sent on a connection of its own, read until the server closes it.
    static func answers(to request: [UInt8], port: Int) async throws -> [HTTPAnswers] {
        let client = try RawHTTPClient(port: port)
        client.send(request)
        client.closeOutput()
        return HTTPAnswers.split(await client.readUntilClosed())
    }

    @Test("a request that cannot be parsed gets 400 with a JSON error")
    func malformed() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        for request in ["GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n", "G@T / HTTP/1.1\r\n\r\n",
                        "POST /predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "GET /healthz HTTP/1.1\r\nHost"] {
            let answers = try await Self.answers(to: Array(request.utf8), port: server.port)
            #expect(answers.map(\.status) == [400], "\(request.debugDescription): \(answers)")
            #expect(answers.first?.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(answers.first?.body.hasPrefix(#"{"error":""#) == true, "\(answers)")
        }
        try await server.stop()
    }

    @Test("a head over the limit gets 431")
    func largeHead() async throws {
        var limits = ServerLimits()
        limits.maxHeadBytes = 4096
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        let request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 5000))\r\n\r\n"
        let answers = try await Self.answers(to: Array(request.utf8), port: server.port)
        #expect(answers.map(\.status) == [431], "\(answers)")
        #expect(answers.first?.body.contains("larger than 4096 bytes") == true, "\(answers)")
        try await server.stop()
    }

    @Test("a known path with the wrong method gets 405 and Allow")
    func wrongMethod() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        for (method, path, allowed) in [("GET", "/predict", "POST"), ("DELETE", "/predict", "POST"), ("POST", "/healthz", "GET, HEAD"),
                                        ("PUT", "/", "GET, HEAD")] {
            let answer = try await server.request(method, path, body: method == "GET" ? nil : Data("x".utf8))
            #expect(answer.status == 405, "\(method) \(path): \(answer.status)")
            #expect(answer.header("Allow") == allowed)
            #expect(answer.error?.contains("not allowed") == true)
        }
        try await server.stop()
    }

    @Test("HEAD answers like GET without the body")
    func head() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        for path in ["/", "/healthz", "/models"] {
            let get = try await server.request("GET", path)
            let client = try RawHTTPClient(port: server.port)
            client.send("HEAD \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            client.closeOutput()
            let head = try FuzzAnswer.split(await client.readUntilClosed(), firstIsHead: true)
            #expect(head.map(\.status) == [200], "HEAD \(path)")
            #expect(head.first?.headers["content-length"] == String(get.body.count))
            #expect(head.first?.body.isEmpty == true)
        }
        try await server.stop()
    }

    @Test("a client that sends a body over the limit reads the 413, declared or streamed", arguments: [false, true])
    func oversizedBodyIsAnswered(chunked: Bool) async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let body = [UInt8](repeating: 7, count: 3 << 20)
        for _ in 0 ..< 4 {
            let client = try RawHTTPClient(port: server.port)
            if chunked {
                client.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n")
                for start in stride(from: 0, to: body.count, by: 65536) {
                    client.send(String(65536, radix: 16) + "\r\n")
                    client.send(Array(body[start ..< start + 65536]) + Array("\r\n".utf8))
                }
                client.send("0\r\n\r\n")
            } else {
                client.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: \(body.count)\r\n\r\n")
                client.send(body)
            }
            let answers = HTTPAnswers.split(await client.readUntilClosed())
            #expect(answers.map(\.status) == [413], "\(answers)")
            #expect(answers.first?.headers["connection"] == "close")
            #expect(answers.first?.body.contains("\"error\"") == true)
        }
        #expect(try await server.request("GET", "/healthz").status == 200)
        try await server.stop()
    }

    @Test("a large image is predicted off the event loop, a small one on it, with the same answer as the library")
    func largeImagesOffTheLoop() async throws {
        let models = try TestModels.pair()
        let server = try await TestServer(models: models)
        let large = Drawings.seven(size: 1024)
        let small = Drawings.seven()
        let largePNG = PNG.encode(large)
        if case .answered = server.server.predict(body: largePNG, contentType: "image/png", model: models[0], includingInput: false) {
            Issue.record("a 1024×1024 image is decoded on the event loop")
        }
        if case .offload = server.server.predict(body: PNG.encode(small), contentType: "image/png", model: models[0], includingInput: false) {
            Issue.record("a 28×28 image is sent off the event loop")
        }
        let expected = try #require(try Drawings.direct(models[0], large))
        let answer = try await server.post(largePNG, contentType: "image/png")
        #expect(answer.status == 200)
        #expect(answer.json["label"] as? Int == expected.label)
        try await server.stop()
    }
}
