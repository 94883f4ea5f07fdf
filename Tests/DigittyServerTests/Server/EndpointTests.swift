@testable import DigittyServer
import DigittyVision
import Foundation
import Testing

@Suite("GET endpoints: models, health, metrics, the page", .serialized)
struct EndpointTests {
    @Test("GET /models lists the loaded models, default first, with architecture and accuracy")
    func models() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let answer = try await server.request("GET", "/models")
        #expect(answer.status == 200)
        let models = try #require(answer.json["models"] as? [[String: Any]])
        #expect(models.map { $0["name"] as? String } == ["alpha", "beta"])
        #expect(models.map { $0["default"] as? Bool } == [true, false])
        let architecture = try #require(models[0]["architecture"] as? [String])
        #expect(architecture.first?.hasPrefix("Conv2D(4, 3×3") == true)
        #expect(models[0]["accuracy"] as? Double == 0.5)
        #expect((models[0]["provenance"] as? [String: Any])?["trained_with"] as? String == "server tests")
        #expect((models[0]["parameters"] as? Int ?? 0) > 0)
        try await server.stop()
    }

    @Test("GET /healthz answers ok")
    func health() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let answer = try await server.request("GET", "/healthz")
        #expect(answer.status == 200)
        #expect(answer.json["status"] as? String == "ok")
        #expect(answer.json["models"] as? Int == 2)
        try await server.stop()
    }

    @Test("GET /metrics counts requests by route and status, with a latency histogram, in Prometheus text")
    func metrics() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        _ = try await server.post(PNG.encode(Drawings.seven()), contentType: "image/png")
        _ = try await server.post(PNG.encode(Drawings.seven()), contentType: "image/png")
        _ = try await server.postJSON(["pixels": [1]])
        _ = try await server.request("GET", "/no/such/page")
        let webDAV = try RawHTTPClient(port: server.port)
        webDAV.send("PROPFIND /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        #expect(await webDAV.readResponse()?.status ?? 0 >= 400)
        let answer = try await server.request("GET", "/metrics")
        #expect(answer.status == 200)
        #expect(answer.header("Content-Type")?.hasPrefix("text/plain") == true)
        let text = answer.text
        #expect(text.contains("# TYPE digitty_http_requests_total counter"))
        #expect(text.contains(#"digitty_http_requests_total{method="POST",path="/predict",status="200"} 2"#))
        #expect(text.contains(#"digitty_http_requests_total{method="POST",path="/predict",status="400"} 1"#))
        #expect(text.contains(#"digitty_http_requests_total{method="GET",path="other",status="404"} 1"#))
        #expect(text.contains(#"digitty_http_requests_total{method="other",path="/predict""#), "an unknown method is not 'other'")
        #expect(!text.contains("PROPFIND"))
        #expect(text.contains("# TYPE digitty_http_request_duration_seconds histogram"))
        #expect(text.contains(#"digitty_http_request_duration_seconds_count{path="/predict"} 4"#))
        #expect(text.contains(#"digitty_predictions_total{model="alpha",empty="false"} 2"#))
        try await server.stop()
    }

    @Test("GET / serves the drawing page from the binary, with its script and style and nothing from elsewhere")
    func page() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        let page = try await server.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'self'") == true)
        for part in [#"<canvas id="pad""#, #"id="predict""#, #"id="clear""#, #"id="model""#, #"id="preview""#,
                     #"id="bars""#, #"name="viewport""#, #"src="/app.js""#, #"href="/style.css""#] {
            #expect(page.text.contains(part), "page lacks \(part)")
        }
        let script = try await server.request("GET", "/app.js")
        #expect(script.status == 200)
        #expect(script.header("Content-Type")?.hasPrefix("text/javascript") == true)
        #expect(script.text.contains("pointerdown") && script.text.contains("/predict"))
        let style = try await server.request("GET", "/style.css")
        #expect(style.status == 200 && style.text.contains("#pad"))
        for text in [page.text, script.text, style.text] {
            #expect(!text.contains("http://") && !text.contains("https://"), "an asset refers to another site")
        }
        try await server.stop()
    }
}
