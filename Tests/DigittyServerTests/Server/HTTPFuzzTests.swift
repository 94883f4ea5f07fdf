import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A structural fuzzer of `digitty serve`'s HTTP handling, run against the binary so that a crash shows as a
/// process that stops answering. `FUZZ_CASES` sets the number of cases (2,000 by default;
/// `Tests/Benchmarks/serve_fuzz.sh` runs 100,000).
@Suite("HTTP fuzzing of digitty serve", .serialized)
struct HTTPFuzzTests {
    static let maxBody = 65536
    static let maxHead = 16384
    /// Seconds without a byte after which a case that has not been answered and closed counts as a hang: well over
    /// the server's request timeout (1 s) plus its linger time (2 s) on a loaded machine.
    static let hangSeconds = 8

    /// What one case showed.
    struct Outcome: Sendable {
        var rejected = false
        var hang = false
        var failure: String?
    }

    @Test("malformed request lines, headers, chunking, bodies and slow clients get a JSON 4xx; no crash, no hang")
    func fuzz() async throws {
        let count = Int(ProcessInfo.processInfo.environment["FUZZ_CASES"] ?? "") ?? 2000
        let (serve, base) = try await DigittyBinary.serve(["--quiet", "--max-body", "\(Self.maxBody)", "--timeout", "1",
                                                           "--first-byte-timeout", "1", "--idle-timeout", "2"])
        let port = try #require(base.port)

        let outcomes = try await offPool { Self.run(cases: count, port: port) }
        let answering = Self.healthy(port: port)
        let crashes = answering ? 0 : 1
        let hangs = outcomes.filter(\.hang).count
        print("fuzz http: cases \(count), rejects \(outcomes.filter(\.rejected).count), crashes \(crashes), hangs \(hangs)")
        #expect(crashes == 0, "the server stopped answering: \(serve.stderr.suffix(2000))")
        #expect(hangs == 0)
        let failures = outcomes.compactMap(\.failure)
        #expect(failures.isEmpty, "\(failures.count) wrong answers, e.g.:\n\(failures.prefix(8).joined(separator: "\n"))")
        serve.send(SIGTERM)
        _ = try await serve.wait(seconds: 30)
    }

    /// Runs `count` cases on eight connections at a time.
    static func run(cases count: Int, port: Int) -> [Outcome] {
        let workers = 8
        let results = LockedList<Outcome>()
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: count, by: workers) {
                var generator = HTTPFuzzGenerator(seed: UInt64(index), maxBody: maxBody, maxHead: maxHead)
                results.add(run(generator.makeCase(), port: port))
            }
        }
        return results.all
    }

    /// Sends one case and judges what comes back.
    static func run(_ fuzzCase: HTTPFuzzCase, port: Int) -> Outcome {
        guard let client = try? RawHTTPClient(port: port, receiveTimeout: hangSeconds) else {
            return Outcome(failure: "cannot connect: \(fuzzCase)")
        }
        for (index, piece) in fuzzCase.pieces.enumerated() {
            if index > 0, fuzzCase.pause > 0 { usleep(useconds_t(fuzzCase.pause * 1000)) }
            client.send(piece)
        }
        if !fuzzCase.stalls { client.closeOutput() }
        let (received, closed) = client.readUntilClosedBlocking()
        var outcome = Outcome()
        guard closed else {
            outcome.hang = true
            outcome.failure = "no answer and no close within \(hangSeconds) s: \(fuzzCase)"
            return outcome
        }
        let answers: [FuzzAnswer]
        do {
            answers = try FuzzAnswer.split(received, firstIsHead: fuzzCase.isHead)
        } catch {
            outcome.failure = "\(error): \(fuzzCase)"
            return outcome
        }
        let sentSomething = fuzzCase.bytes.contains { $0 != 0x0D && $0 != 0x0A }
        guard let first = answers.first else {
            outcome.rejected = true
            if sentSomething, !fuzzCase.stalls { outcome.failure = "closed without an answer: \(fuzzCase)" }
            return outcome
        }
        outcome.rejected = answers.contains { $0.status >= 400 }
        if let expected = fuzzCase.expected, first.status != expected {
            outcome.failure = "\(first.status) instead of \(expected): \(fuzzCase)"
        }
        for answer in answers {
            if answer.status >= 500, answer.status != 505 { outcome.failure = "server error \(answer.status) \(answer.body): \(fuzzCase)" }
            if answer.status >= 400, let problem = answer.errorBodyProblem { outcome.failure = "\(answer.status) \(problem): \(fuzzCase)" }
        }
        return outcome
    }

    /// Whether the server answers `GET /healthz` 200.
    static func healthy(port: Int) -> Bool {
        guard let client = try? RawHTTPClient(port: port, receiveTimeout: 10) else { return false }
        client.send("GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n")
        let answers = try? FuzzAnswer.split(client.readUntilClosedBlocking().bytes, firstIsHead: false)
        return answers?.first?.status == 200
    }
}

/// One answer read from the fuzzed server, checked for framing as it is split off.
struct FuzzAnswer {
    let status: Int
    let isHead: Bool
    let headers: [String: String]
    let body: [UInt8]

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// The answers in `bytes`, in order, skipping `100 Continue`. The first has no body if it answers a HEAD that the
    /// server could parse (an error for a request it could not parse has one).
    static func split(_ bytes: [UInt8], firstIsHead: Bool) throws -> [FuzzAnswer] {
        var answers: [FuzzAnswer] = []
        var rest = bytes[...]
        let separator = Array("\r\n\r\n".utf8)
        while !rest.isEmpty {
            guard let headEnd = rest.firstRange(of: separator) else {
                throw Malformed(description: "an answer without the end of its head: \(String(decoding: rest.prefix(200), as: UTF8.self).debugDescription)")
            }
            let lines = String(decoding: rest[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let statusParts = lines[0].split(separator: " ", maxSplits: 2)
            guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
                throw Malformed(description: "a bad status line \(lines[0].debugDescription)")
            }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { throw Malformed(description: "a bad header line \(line.debugDescription)") }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            rest = rest[headEnd.upperBound...]
            if (100 ..< 200).contains(status) { continue }
            guard let length = headers["content-length"].flatMap({ Int($0) }) else {
                throw Malformed(description: "a \(status) answer without Content-Length")
            }
            let isHead = firstIsHead && answers.isEmpty && (rest.isEmpty || rest.starts(with: Array("HTTP/".utf8)))
            let bodyLength = isHead ? 0 : length
            guard rest.count >= bodyLength else { throw Malformed(description: "a \(status) answer cut short") }
            answers.append(FuzzAnswer(status: status, isHead: isHead, headers: headers, body: Array(rest.prefix(bodyLength))))
            rest = rest.dropFirst(bodyLength)
        }
        return answers
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// What is wrong with an error answer's body, if anything: it must be one line of JSON `{"error": "…"}`.
    var errorBodyProblem: String? {
        guard headers["content-type"]?.hasPrefix("application/json") == true else { return "not JSON: \(headers["content-type"] ?? "no type")" }
        if isHead { return nil }
        guard !body.contains(0x0A),
              let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              let message = object["error"] as? String, !message.isEmpty, !message.contains("\n") else {
            return "not a one-line JSON error: \(text.prefix(200))"
        }
        return nil
    }
}
