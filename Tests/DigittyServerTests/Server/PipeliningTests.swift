@testable import DigittyServer
import DigittyVision
import Foundation
import Testing

/// `POST /predict` is answered in the channel pipeline and everything else by the router; requests sent
/// back to back on one connection must still be answered in order, each by its own route.
@Suite("Pipelined requests on one connection")
struct PipeliningTests {
    @Test("predictions and other requests sent back to back are answered in order")
    func answersKeepTheirOrder() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let png = PNG.encode(Drawings.seven())
        func predict(_ query: String = "") -> [UInt8] {
            Array("POST /predict\(query) HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: \(png.count)\r\n\r\n".utf8) + png
        }
        func get(_ path: String, close: Bool = false) -> [UInt8] {
            Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\(close ? "Connection: close\r\n" : "")\r\n".utf8)
        }
        let client = try RawHTTPClient(port: server.port)
        // A prediction behind a request the router answers, one behind another prediction, and one with an unknown model.
        client.send(get("/healthz") + predict("?model=beta") + predict() + get("/models") + predict("?model=nope")
                    + get("/healthz", close: true))
        let answers = HTTPAnswers.split(await client.readUntilClosed())
        try #require(answers.count == 6, "\(answers)")
        #expect(answers.map(\.status) == [200, 200, 200, 200, 404, 200])
        #expect(answers[0].body.contains(#""status":"ok""#))
        #expect(answers[1].body.contains(#""model":"beta""#) && answers[1].body.contains(#""label":"#))
        #expect(answers[2].body.contains(#""model":"alpha""#) && answers[2].body.contains(#""label":"#))
        #expect(answers[3].body.contains(#""models":["#))
        #expect(answers[4].body.contains("unknown model 'nope'"))
        #expect(answers[5].body.contains(#""status":"ok""#))
        try await server.stop()
    }

    @Test("a prediction asking for Connection: close is answered, then the connection is closed")
    func closeAfterPrediction() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let png = PNG.encode(Drawings.seven())
        let client = try RawHTTPClient(port: server.port)
        client.send(Array("POST /predict HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: \(png.count)\r\n\r\n".utf8) + png)
        let answers = HTTPAnswers.split(await client.readUntilClosed())
        #expect(answers.map(\.status) == [200])
        #expect(answers.first?.headers["connection"] == "close")
        #expect(answers.first?.headers["date"]?.hasSuffix(" GMT") == true)
        #expect(answers.first?.headers["server"] == "digitty")
        try await server.stop()
    }
}
