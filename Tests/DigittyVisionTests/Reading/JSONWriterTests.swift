import DigittyVision
import Foundation
import Testing

@Suite("The JSON writer of the API's answers")
struct JSONWriterTests {
    @Test("every byte value, numbers, strings with escapes and booleans read back through JSONSerialization")
    func roundTrip() throws {
        let bytes = (0...255).map(UInt8.init)
        let numbers: [Float] = [0, 1, 0.5, 1e-13, 0.99999, 3.4028235e38, -2.5]
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} é 7"
        var writer = JSONWriter()
        writer.object { object in
            object.field("bytes", integers: bytes)
            object.field("numbers", numbers: numbers)
            object.field("text", text)
            object.field("label", 7)
            object.field("empty", false)
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any],
                                "\(String(decoding: writer.bytes, as: UTF8.self))")
        #expect((json["bytes"] as? [Int])?.map(UInt8.init) == bytes)
        #expect((json["numbers"] as? [Double])?.map(Float.init) == numbers)
        #expect(json["text"] as? String == text)
        #expect(json["label"] as? Int == 7)
        #expect(json["empty"] as? Bool == false)
    }

    @Test("non-finite numbers, which JSON cannot hold, are written as 0")
    func nonFinite() throws {
        var writer = JSONWriter()
        writer.object { $0.field("numbers", numbers: [.nan, .infinity, 1]) }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"numbers":[0,0,1.0]}"#)
    }
}
