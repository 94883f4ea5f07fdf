@testable import DigittyServer
import DigittyVision
import DigittyTestSupport
import Foundation
import Testing

@Suite("Fuzzing the request decoder", .serialized)
struct RequestFuzzTests {
    struct Mutator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
        mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
            var bytes = bytes
            for _ in 0...next(4) {
                switch next(4) {
                case 0 where !bytes.isEmpty: bytes[next(bytes.count)] = UInt8(next(256))
                case 1 where !bytes.isEmpty: bytes.removeSubrange(next(bytes.count)...)
                case 2: bytes.insert(UInt8(next(256)), at: next(bytes.count + 1))
                default: if !bytes.isEmpty { bytes[next(bytes.count)] ^= 1 << UInt8(next(8)) }
                }
            }
            return bytes
        }
    }

    static let seeds: [(String, [UInt8])] = {
        let image = Drawings.seven()
        return [
            ("image/png", PNG.encode(image)),
            ("image/x-portable-graymap", PGM.encode(image)),
            ("application/json", Array(#"{"pixels":[\#(image.bytes.map(String.init).joined(separator: ","))]}"#.utf8)),
            ("application/json", Array(#"{"image":"\#(Data(PNG.encode(image)).base64EncodedString())"}"#.utf8)),
        ]
    }()

    @Test("thousands of mutated bodies decode or fail with a one-line 4xx, never crash or hang",
          .timeLimit(.minutes(FuzzCampaign.suiteMinutes())))
    func mutatedBodies() async throws {
        let campaign = try await FuzzCampaign.run("request body") { campaign in
            var mutator = Mutator(state: 42)
            let limits = ServerLimits()
            for round in 0..<FuzzCampaign.caseCount {
                let (type, seed) = Self.seeds[round % Self.seeds.count]
                let body = mutator.mutate(seed)
                campaign.run("case \(round) (\(type), \(body.count) bytes)") {
                    do {
                        let image = try ImageRequest.image(from: body, contentType: type, limits: limits)
                        guard image.width * image.height <= limits.maxImagePixels else {
                            return .crashed("a \(image.width)×\(image.height) image passed the pixel limit")
                        }
                        return .accepted
                    } catch {
                        guard let error = error as? APIError else { return .crashed("not an APIError: \(error)") }
                        guard (400..<500).contains(error.status.code) else { return .crashed("status \(error.status.code): \(error)") }
                        return FuzzCampaign.checkMessage(error)
                    }
                }
            }
        }
        #expect(campaign.crashes.isEmpty, "\(campaign.crashes.prefix(5))")
        #expect(campaign.hangs.isEmpty, "\(campaign.hangs.prefix(5))")
        #expect(campaign.rejects > 0 && campaign.rejects < campaign.cases)
    }

    @Test("mutated bodies over HTTP never get a 5xx and the server stays up")
    func mutatedOverHTTP() async throws {
        let server = try await TestServer(models: try TestModels.pair())
        var mutator = Mutator(state: 7)
        for round in 0..<300 {
            let (type, seed) = Self.seeds[round % Self.seeds.count]
            let answer = try await server.post(mutator.mutate(seed), contentType: type)
            #expect(answer.status == 200 || (400..<500).contains(answer.status), "\(answer.status) \(answer.text)")
            if answer.status != 200 { #expect(answer.error != nil) }
        }
        #expect(try await server.request("GET", "/healthz").status == 200)
        try await server.stop()
    }
}
