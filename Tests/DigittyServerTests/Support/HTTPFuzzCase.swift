import DigittyVision
import Foundation

/// One request of the HTTP fuzzer: its bytes, how they are sent, and the status its answer must have when the
/// case knows it.
struct HTTPFuzzCase: CustomStringConvertible {
    var label: String
    /// The bytes, in the pieces they are sent in.
    var pieces: [[UInt8]]
    /// Milliseconds between pieces (a slow client).
    var pause = 0
    /// Whether the client stops partway and waits for the server to time the request out.
    var stalls = false
    /// Whether the (first) request is a HEAD, whose answer has no body.
    var isHead = false
    /// The status the first answer must have, if the case knows it; otherwise any 2xx or 4xx.
    var expected: Int?

    var bytes: [UInt8] { pieces.flatMap { $0 } }

    var description: String {
        "\(label) \(String(decoding: bytes.prefix(200), as: UTF8.self).debugDescription)\(bytes.count > 200 ? "…" : "")"
    }
}

/// Makes fuzz cases, each from its own seed: requests built from valid and broken parts (request lines, headers,
/// Content-Length and chunked bodies, bodies), sent whole, in pieces, pipelined or stalled.
struct HTTPFuzzGenerator {
    private var state: UInt64
    let maxBody: Int
    let maxHead: Int

    init(seed: UInt64, maxBody: Int, maxHead: Int) {
        state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x2545_F491_4F6C_DD1D
        self.maxBody = maxBody
        self.maxHead = maxHead
    }

    /// splitmix64.
    private mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(max(bound, 1)))
    }

    private mutating func chance(_ percent: Int) -> Bool { next(100) < percent }
    private mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }

    /// A request as its parts, before it is turned into bytes.
    private struct Parts {
        var method: String
        var target: String
        var version = "HTTP/1.1"
        var lineEnd = "\r\n"
        var headers: [String]
        var body: [UInt8] = []

        var bytes: [UInt8] {
            Array("\(method) \(target) \(version)\(lineEnd)".utf8) + headers.flatMap { Array(($0 + lineEnd).utf8) }
                + Array(lineEnd.utf8) + body
        }
    }

    private static let png = PNG.encode(Drawings.seven())
    private static let pgm = PGM.encode(Drawings.seven())
    private static let pixelsJSON = Array(#"{"pixels":[\#(Drawings.seven().bytes.map(String.init).joined(separator: ","))]}"#.utf8)

    /// A request the server answers 200.
    private mutating func validRequest() -> (parts: Parts, isHead: Bool) {
        if chance(40) {
            let method = chance(80) ? "GET" : "HEAD"
            let target = pick(["/healthz", "/models", "/metrics", "/", "/index.html", "/app.js", "/style.css", "/healthz?x=1"])
            return (Parts(method: method, target: target, headers: ["Host: fuzz"]), method == "HEAD")
        }
        let (type, body) = pick([("image/png", Self.png), ("image/x-portable-graymap", Self.pgm), ("application/json", Self.pixelsJSON)])
        var parts = Parts(method: "POST", target: pick(["/predict", "/predict?input=1", "/predict?model=alpha"]),
                          headers: ["Host: fuzz", "Content-Type: \(type)"])
        if chance(25) {
            parts.headers.append("Transfer-Encoding: chunked")
            parts.body = chunked(body)
        } else {
            parts.headers.append("Content-Length: \(body.count)")
            parts.body = body
        }
        return (parts, false)
    }

    /// `body` in chunks of random sizes, with the last chunk.
    private mutating func chunked(_ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var rest = body[...]
        while !rest.isEmpty {
            let size = min(rest.count, 1 + next(400))
            out += Array("\(String(size, radix: 16))\r\n".utf8) + rest.prefix(size) + Array("\r\n".utf8)
            rest = rest.dropFirst(size)
        }
        return out + Array("0\r\n\r\n".utf8)
    }

    /// A well-formed request the server must refuse with a known status.
    private mutating func refusedRequest() -> (parts: Parts, status: Int) {
        switch next(6) {
        case 0: return (Parts(method: "GET", target: pick(["/nope", "/predict/", "/HEALTHZ", "/%2e%2e/etc"]), headers: ["Host: fuzz"]), 404)
        case 1: return (Parts(method: pick(["DELETE", "PUT", "PATCH", "OPTIONS"]), target: pick(["/healthz", "/predict", "/"]),
                              headers: ["Host: fuzz", "Content-Length: 0"]), 405)
        case 2: return (Parts(method: "GET", target: "/predict", headers: ["Host: fuzz"]), 405)
        case 3:
            var parts = Parts(method: "POST", target: "/predict?model=nope", headers: ["Host: fuzz", "Content-Length: \(Self.png.count)"])
            parts.body = Self.png
            return (parts, 404)
        case 4:
            let declared = maxBody + 1 + next(1_000_000_000)
            var parts = Parts(method: "POST", target: "/predict", headers: ["Host: fuzz", "Content-Length: \(declared)"])
            parts.body = Array(Self.png.prefix(next(Self.png.count)))
            return (parts, 413)
        default:
            let huge = String(repeating: "a", count: maxHead + next(maxHead))
            return (Parts(method: "GET", target: "/healthz", headers: ["Host: fuzz", "X-Big: \(huge)"]), 431)
        }
    }

    /// A structural mutation of a request's parts.
    private mutating func mutate(_ parts: inout Parts) -> String {
        switch next(12) {
        case 0:
            parts.method = pick(["", "G ET", "get", "GE\u{7F}T", "P\u{00C9}ST", String(repeating: "X", count: 300), "GET\t", "\u{0}"])
            return "method"
        case 1:
            parts.target = pick(["", "predict", "/pre dict", "/\u{1}", "*", "http://fuzz/healthz", "//", "/%", "/?=&=&",
                                 "/" + String(repeating: "a", count: maxHead + 10), "/healthz#frag", "/\u{00E9}"])
            return "target"
        case 2:
            parts.version = pick(["", "HTTP/1", "HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "http/1.1", "HTTP/1.1x", "HTTP/11", "HTTX/1.1", "HTTP/1.1 extra"])
            return "version"
        case 3:
            parts.lineEnd = pick(["\n", "\r", "\r\r\n", "\n\r", " \r\n"])
            return "line end"
        case 4:
            parts.headers.insert(pick(["NoColon", ": empty name", "Bad Name: x", " folded: x", "X: a\u{1}b", "X: \u{00FF}",
                                       "X:\ttab", "Host fuzz", "\t: x", "X: " + String(repeating: "v", count: maxHead)]),
                                 at: next(parts.headers.count + 1))
            return "header"
        case 5:
            parts.headers.removeAll { $0.hasPrefix("Content-Length") }
            parts.headers.append("Content-Length: " + pick(["-1", "abc", "1 2", "99999999999999999999999", "+5", "0x10", "", " 3"]))
            return "content-length value"
        case 6:
            parts.headers.append(pick(["Content-Length: \(parts.body.count + 1)", "Content-Length: 0", "Transfer-Encoding: chunked",
                                       "Transfer-Encoding: gzip", "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: identity"]))
            return "framing header"
        case 7:
            parts.headers.removeAll { $0.hasPrefix("Content-Length") }
            parts.headers.append("Transfer-Encoding: chunked")
            var body = chunked(Array(parts.body.prefix(600)))
            switch next(6) {
            case 0: body = Array("zz\r\n".utf8) + body
            case 1: body = Array("fffffffffffffffffff\r\nabc\r\n".utf8)
            case 2: body = Array("5\r\nabcdefgh\r\n0\r\n\r\n".utf8)
            case 3: body = Array(body.dropLast(5))
            case 4: body = Array("3;ext=1\r\nabc\r\n0\r\nX-Trailer: t\r\n\r\n".utf8)
            default: body = Array("3\r\nabc0\r\n\r\n".utf8)
            }
            parts.body = body
            return "chunking"
        case 8:
            parts.body = Array(parts.body.prefix(next(parts.body.count + 1)))
            return "short body"
        case 9:
            parts.body += (0 ..< 1 + next(64)).map { _ in UInt8(next(256)) }
            return "bytes after the body"
        case 10:
            parts.headers += (0 ..< 100 + next(400)).map { "X-Many-\($0): v" }
            return "many headers"
        default:
            parts.headers.append(pick(["Expect: 100-continue", "Connection: close", "Connection: keep-alive, Upgrade", "Upgrade: h2c",
                                       "Content-Type: text/plain", "Content-Type: application/json"]))
            return "other header"
        }
    }

    /// The next case.
    mutating func makeCase() -> HTTPFuzzCase {
        var label: String
        var parts: Parts
        var isHead = false
        var expected: Int?
        var bytes: [UInt8]
        switch next(100) {
        case 0 ..< 20:
            (parts, isHead) = validRequest()
            label = "valid"
            expected = 200
            bytes = parts.bytes
            if !isHead, chance(30) {
                let second = validRequest()
                if !second.isHead {
                    bytes += second.parts.bytes
                    label = "two valid requests pipelined"
                }
            }
        case 20 ..< 35:
            let refused = refusedRequest()
            parts = refused.parts
            expected = refused.status
            label = "refused \(refused.status)"
            bytes = parts.bytes
        default:
            (parts, isHead) = validRequest()
            var mutations: [String] = []
            for _ in 0 ... next(3) { mutations.append(mutate(&parts)) }
            label = "mutated: " + mutations.joined(separator: ", ")
            bytes = parts.bytes
            if chance(15) {
                for _ in 0 ... next(4) where !bytes.isEmpty { bytes[next(bytes.count)] = UInt8(next(256)) }
                label += ", bytes changed"
            }
            if chance(10) {
                bytes = Array(bytes.prefix(next(bytes.count + 1)))
                label += ", cut short"
            }
        }
        var fuzzCase = HTTPFuzzCase(label: label, pieces: [bytes], isHead: isHead, expected: expected)
        let delivery = next(100)
        if delivery < 1, bytes.count > 1 {
            fuzzCase.pieces = [Array(bytes.prefix(1 + next(bytes.count - 1)))]
            fuzzCase.stalls = true
            fuzzCase.expected = nil
            fuzzCase.label += ", stalled"
        } else if delivery < 20, bytes.count > 1 {
            var pieces: [[UInt8]] = []
            var rest = bytes[...]
            while !rest.isEmpty {
                let size = 1 + next(min(rest.count, 64))
                pieces.append(Array(rest.prefix(size)))
                rest = rest.dropFirst(size)
                if pieces.count == 15 { pieces.append(Array(rest)); break }
            }
            fuzzCase.pieces = pieces
            fuzzCase.pause = 1 + next(3)
            fuzzCase.label += ", slow"
        }
        return fuzzCase
    }
}
