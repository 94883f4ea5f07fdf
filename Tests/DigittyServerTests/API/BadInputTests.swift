@testable import DigittyServer
import DigittyVision
import Foundation
import Testing

@Suite("Every bad request gets a 4xx with a JSON error, and the server stays up", .serialized)
struct BadInputTests {
    /// A request that must be refused with `status` and a JSON `error` mentioning `mention`.
    struct Case: CustomStringConvertible {
        let description: String
        let body: [UInt8]
        let contentType: String?
        var path = "/predict"
        let status: Int
        let mention: String
    }

    static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    static var cases: [Case] {
        let seven = Drawings.seven()
        let png = PNG.encode(seven)
        var pixels783 = [Int](repeating: 0, count: 783)
        pixels783[0] = 1
        var hugeHeader = png
        // IHDR width and height → 100000 × 100000; the CRC no longer matches but the size check comes first.
        for (offset, value) in [(16, 100_000), (20, 100_000)] {
            for byte in 0..<4 { hugeHeader[offset + byte] = UInt8(truncatingIfNeeded: value >> (24 - 8 * byte)) }
        }
        return [
            Case(description: "malformed JSON", body: json(#"{"pixels": [1, 2,"#), contentType: "application/json", status: 400, mention: "malformed JSON"),
            Case(description: "a trailing comma in an array", body: json(#"{"pixels": [1, 2,]}"#), contentType: "application/json", status: 400, mention: "trailing comma"),
            Case(description: "a trailing comma in an object", body: json(#"{"image": "AAAA",}"#), contentType: "application/json", status: 400, mention: "trailing comma"),
            Case(description: "pixels not numbers", body: json(#"{"pixels": "abc"}"#), contentType: "application/json", status: 400, mention: "wrong type"),
            Case(description: "a JSON array", body: json("[1,2,3]"), contentType: "application/json", status: 400, mention: "JSON"),
            Case(description: "783 pixels", body: json(String(data: try! JSONSerialization.data(withJSONObject: ["pixels": pixels783]), encoding: .utf8)!),
                 contentType: "application/json", status: 400, mention: "784"),
            Case(description: "a pixel of 256", body: json(#"{"pixels": ["# + Array(repeating: "256", count: 784).joined(separator: ",") + "]}"),
                 contentType: "application/json", status: 400, mention: "0–255"),
            Case(description: "a negative pixel", body: json(#"{"pixels": ["# + (["-1"] + Array(repeating: "0", count: 783)).joined(separator: ",") + "]}"),
                 contentType: "application/json", status: 400, mention: "0–255"),
            Case(description: "both pixels and image", body: json(#"{"pixels": [], "image": "AAAA"}"#), contentType: "application/json", status: 400, mention: "not both"),
            Case(description: "neither pixels nor image", body: json(#"{"digit": 7}"#), contentType: "application/json", status: 400, mention: "pixels"),
            Case(description: "bad base64", body: json(#"{"image": "!!!"}"#), contentType: "application/json", status: 400, mention: "base64"),
            Case(description: "base64 of text", body: json(#"{"image": "aGVsbG8gd29ybGQ="}"#), contentType: "application/json", status: 400, mention: "not an image"),
            Case(description: "non-image bytes", body: Array("hello, this is not a picture".utf8), contentType: "image/png", status: 400, mention: "not an image"),
            Case(description: "a truncated PNG", body: Array(png.prefix(png.count / 2)), contentType: "image/png", status: 400, mention: "PNG"),
            Case(description: "an empty body", body: [], contentType: "image/png", status: 400, mention: "empty"),
            Case(description: "an unsupported type", body: png, contentType: "text/plain", status: 415, mention: "Content-Type"),
            Case(description: "a 100000×100000 PNG header", body: hugeHeader, contentType: "image/png", status: 413, mention: "100000×100000"),
            Case(description: "a PGM header of 0×5", body: Array("P5\n0 5\n255\n".utf8), contentType: "image/x-portable-graymap", status: 400, mention: "no pixels"),
            Case(description: "a PGM of 99999×99999", body: Array("P5\n99999 99999\n255\n".utf8) + [0, 0], contentType: "image/x-portable-graymap", status: 413, mention: "99999×99999"),
            Case(description: "an unknown model", body: png, contentType: "image/png", path: "/predict?model=nope", status: 404, mention: "unknown model 'nope'; loaded: alpha, beta"),
        ]
    }

    @Test("bad request bodies and parameters", arguments: cases)
    func refused(_ badCase: Case) async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let answer = try await server.post(badCase.body, contentType: badCase.contentType, path: badCase.path)
        #expect(answer.status == badCase.status, "\(badCase): \(answer.text)")
        #expect(answer.header("Content-Type")?.hasPrefix("application/json") == true)
        let error = try #require(answer.error, "\(badCase): no JSON error in \(answer.text)")
        #expect(error.contains(badCase.mention), "\(badCase): \(error)")
        #expect(try await server.request("GET", "/healthz").status == 200)
        try await server.stop()
    }

    @Test("a PNG bomb (a 4096×4096 image in a few kilobytes) is refused before it is inflated")
    func pngBomb() async throws {
        let bomb = PNG.encode(GrayImage(width: 4096, height: 4096))
        #expect(bomb.count < 200_000)
        let server = try await TestServer(models: try TestModels.pair())
        let answer = try await server.post(bomb, contentType: "image/png")
        #expect(answer.status == 413)
        #expect(answer.error?.contains("4096×4096") == true)
        // The same bomb inside JSON, as base64.
        let wrapped = try await server.postJSON(["image": Data(bomb).base64EncodedString()])
        #expect(wrapped.status == 413, "\(wrapped.text)")
        #expect(wrapped.error?.contains("4096×4096") == true)
        #expect(try await server.request("GET", "/healthz").status == 200)
        try await server.stop()
    }

    @Test("a body over 1 MiB is answered 413, whether its length is declared or streamed")
    func oversizedBody() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let big = [UInt8](repeating: 7, count: (1 << 20) + 10)
        let declared = try await server.post(big, contentType: "image/png")
        #expect(declared.status == 413)
        #expect(declared.error?.contains("at most 1048576") == true)

        let client = try RawHTTPClient(port: server.port)
        client.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in 0..<20 {
            client.send(String(65536, radix: 16) + "\r\n")
            client.send([UInt8](repeating: 1, count: 65536) + Array("\r\n".utf8))
        }
        client.send("0\r\n\r\n")
        let streamed = try #require(await client.readResponse())
        #expect(streamed.status == 413)
        #expect(streamed.body.contains("\"error\""))
        #expect(try await server.request("GET", "/healthz").status == 200)
        try await server.stop()
    }

    @Test("beyond the concurrency limit a prediction is answered 503 with Retry-After, then served again")
    func busy() async throws {
        var limits = ServerLimits()
        limits.maxConcurrentPredictions = 1
        let server = try await TestServer(models: try TestModels.pair(), limits: limits)
        let body = PNG.encode(Drawings.seven())
        let holder = try RawHTTPClient(port: server.port)
        holder.send("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: \(body.count)\r\n\r\n")
        holder.send(Array(body.prefix(10)))
        // Wait until the held request is inside the server.
        #expect(try await server.waitForRequestsInFlight(1))
        let refused = try await server.post(body, contentType: "image/png")
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.error?.contains("busy") == true)
        holder.send(Array(body.dropFirst(10)))
        #expect(await holder.readResponse()?.status == 200)
        #expect(try await server.post(body, contentType: "image/png").status == 200)
        try await server.stop()
    }

    @Test("unknown paths and methods get a JSON 4xx")
    func unknownRoutes() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let missing = try await server.request("GET", "/nope")
        #expect(missing.status == 404)
        #expect(missing.error?.contains("/nope") == true)
        let wrongMethod = try await server.request("DELETE", "/predict")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.error != nil)
        try await server.stop()
    }
}
