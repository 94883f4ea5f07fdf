import DigittyEngine
import Foundation
import DigittyTestSupport
import Testing

/// Structural fuzzing of native model files: the header's fields (dtypes, shapes, offsets, metadata, the
/// architecture's numbers), the header length, the data's length and raw bytes are mutated; every case must load
/// a working model or fail with one line of `ModelFileError`.
@Suite struct SafeTensorsFuzzTests {
    @Test(.timeLimit(.minutes(FuzzCampaign.suiteMinutes())))
    func mutatedModelFilesLoadOrFailCleanly() async throws {
        let campaign = try await FuzzCampaign.run("safetensors") { campaign in
            let valid = ModelFile.encode(try SmallModels.simple(filters: 2, hidden: 4))
            let (header, data) = try Self.split(valid)
            var random = SeededRandom(seed: 0x5AFE)
            for index in 0..<FuzzCampaign.caseCount {
                var mutation = "case \(index)"
                let bytes = Self.mutate(header: header, data: data, using: &random, note: &mutation)
                campaign.run(mutation) { Self.check(bytes) }
            }
        }
        #expect(campaign.crashes.isEmpty, "\(campaign.crashes.prefix(5))")
        #expect(campaign.hangs.isEmpty, "\(campaign.hangs.prefix(5))")
        #expect(campaign.rejects > campaign.cases / 4)
    }

    /// Loads the bytes; an accepted model must run on an image and give finite probabilities.
    static func check(_ bytes: [UInt8]) -> FuzzCampaign.Outcome {
        let model: SequentialModel
        do {
            model = try ModelFile.decode(bytes, name: "fuzz")
        } catch {
            return FuzzCampaign.checkMessage(error)
        }
        do {
            let pixels = [Float](repeating: 0.5, count: model.input.height * model.input.width)
            let probabilities = try model.probabilities(forPixels: pixels)
            guard probabilities.allSatisfy({ $0.isFinite && $0 >= 0 }), abs(probabilities.reduce(0, +) - 1) < 1e-3 else {
                return .crashed("an accepted model gives probabilities \(probabilities.prefix(4))…")
            }
            return .accepted
        } catch .nonFiniteOutput {
            return .accepted  // finite weights can still overflow; saying so is the contract
        } catch {
            return .crashed("an accepted model does not run: \(error)")
        }
    }

    /// The header as a JSON object and the data section.
    static func split(_ bytes: [UInt8]) throws -> (header: [String: Any], data: [UInt8]) {
        let length = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<8 + length])) as? [String: Any]
        return (try #require(header), Array(bytes[(8 + length)...]))
    }

    /// A file: the 8-byte length, the header padded with spaces to a multiple of 8, the data.
    static func assemble(_ header: [String: Any], data: [UInt8], lengthChange: Int = 0, padding: UInt8 = 0x20) -> [UInt8] {
        var json = Array((try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8))
        while json.count % 8 != 0 { json.append(padding) }
        let length = UInt64(truncatingIfNeeded: json.count + lengthChange)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + json + data
    }

    static func mutate(header original: [String: Any], data originalData: [UInt8], using random: inout SeededRandom,
                       note: inout String) -> [UInt8] {
        var header = original
        var data = originalData
        let tensors = header.keys.filter { $0 != "__metadata__" }.sorted()
        let name = random.pick(tensors)
        var entry = header[name] as? [String: Any] ?? [:]
        switch random.below(12) {
        case 0:
            let dtype: Any = random.pick(["F32", "F16", "BF16", "F64", "I64", "U8", "", "f32", 7, NSNull()] as [Any])
            entry["dtype"] = dtype
            note += ": \(name) dtype \(dtype)"
        case 1:
            var shape = entry["shape"] as? [Int] ?? []
            if !shape.isEmpty, random.below(3) > 0 {
                let axis = random.below(shape.count)
                shape[axis] = Int(random.nastyInteger(near: Int64(shape[axis])))
            } else if random.below(2) == 0 {
                shape.append(Int(random.nastyInteger(near: 1)))
            } else if !shape.isEmpty {
                shape.removeLast()
            }
            entry["shape"] = shape
            note += ": \(name) shape \(shape)"
        case 2:
            var offsets = entry["data_offsets"] as? [Int] ?? [0, 0]
            let side = random.below(2)
            offsets[side] = random.below(2) == 0 ? Int(random.nastyInteger(near: Int64(offsets[side])))
                : offsets[side] + random.pick([-8, -4, -2, -1, 1, 2, 4, 8])
            entry["data_offsets"] = random.below(8) == 0 ? Array(offsets.prefix(1)) : offsets
            note += ": \(name) data_offsets \(offsets)"
        case 3:
            let field = random.pick(["dtype", "shape", "data_offsets"])
            entry[field] = random.pick([NSNull(), "x", 1.5, [1.5], [String](), [-1]] as [Any])
            note += ": \(name) \(field) replaced"
        case 4:
            header[name] = nil
            header[random.pick(["__metadata__", name + "x", ""]) ] = entry
            note += ": \(name) renamed or removed"
            return assemble(header, data: data)
        case 5:
            var metadata = header["__metadata__"] as? [String: String] ?? [:]
            let key = random.pick(["architecture", "input", "format_version", "format", "provenance", "name"])
            metadata[key] = random.below(4) == 0 ? nil : mutateJSONNumbers(metadata[key] ?? "", using: &random)
            header["__metadata__"] = metadata
            note += ": metadata \(key) = \(metadata[key] ?? "removed")"
            return assemble(header, data: data)
        case 6:
            let change = random.pick([-8, -7, -3, -1, 1, 3, 8, Int(Int32.max), -(1 << 20)])
            note += ": header length \(change >= 0 ? "+" : "")\(change)"
            return assemble(header, data: data, lengthChange: change)
        case 7:
            note += ": header padded with other bytes"
            return assemble(header, data: data, padding: random.pick([0x00, 0x09, 0x0A, 0x7D]))
        case 8:
            if random.below(2) == 0 {
                data.removeLast(min(data.count, 1 + random.below(16)))
                note += ": data truncated"
            } else {
                data += [UInt8](repeating: 0, count: 1 + random.below(16))
                note += ": trailing bytes"
            }
            return assemble(header, data: data)
        case 9:
            // A weight becomes NaN or infinite.
            let at = random.below(max(1, data.count / 4)) * 4
            if at + 4 <= data.count {
                let value = random.pick([Float.nan, .infinity, -.infinity, .greatestFiniteMagnitude])
                withUnsafeBytes(of: value.bitPattern.littleEndian) { data.replaceSubrange(at..<at + 4, with: $0) }
            }
            note += ": a weight at byte \(at) made non-finite or huge"
            return assemble(header, data: data)
        default:
            var bytes = assemble(header, data: data)
            for _ in 0...random.below(4) where !bytes.isEmpty { bytes[random.below(bytes.count)] ^= UInt8(1 << random.below(8)) }
            note += ": bits flipped"
            return bytes
        }
        header[name] = entry
        return assemble(header, data: data)
    }

    /// A JSON text with one of its numbers replaced by a hostile one (or a word, when it has none).
    static func mutateJSONNumbers(_ text: String, using random: inout SeededRandom) -> String {
        let pattern = try! NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?")
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard !matches.isEmpty, let range = Range(random.pick(matches).range, in: text) else {
            return random.pick(["", "{", "[]", "null", "\"x\""])
        }
        let replacement = random.below(5) == 0 ? random.pick(["1e400", "-0.5", "1.5", "null", "\"7\"", "NaN"])
            : String(random.nastyInteger(near: Int64(text[range]) ?? 0))
        return text.replacingCharacters(in: range, with: replacement)
    }
}
