import DigittyTestSupport
import DigittyVision
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite("The access log of `digitty serve`")
struct AccessLogTests {
    @Test("each request gets a line on standard error with its method, path, status and duration")
    func accessLogLines() async throws {
        let (serve, base) = try await DigittyBinary.serve()
        var request = URLRequest(url: base.appendingPathComponent("predict"))
        request.httpMethod = "POST"
        request.setValue("image/png", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(PNG.encode(Drawings.seven()))
        _ = try await URLSession.shared.data(for: request)
        _ = try await URLSession.shared.data(from: base.appendingPathComponent("nope"))
        #expect(try await serve.waitFor(" GET /nope 404 duration_us=", seconds: 30), "\(serve.stderr)")
        let lines = serve.stderr.split(separator: "\n")
        let predict = try #require(lines.first { $0.contains(" POST /predict 200 duration_us=") }, "\(serve.stderr)")
        #expect(predict.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info digitty\.serve: POST \/predict 200 duration_us=\d+/) != nil,
                "\(predict)")
        serve.send(SIGTERM)
        #expect(try await serve.wait(seconds: 30) == 0, "serve did not exit cleanly: \(serve.stderr)")
    }
}
