import DigittyTestSupport
import Foundation
import Testing
@testable import DigittyEngine

@Suite struct FileBytesTests {
    @Test func readsAFileUpToItsLimit() throws {
        let directory = Repository.temporaryDirectory("engine")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("ten")
        try Data((0 ..< 10).map { UInt8($0) }).write(to: url)
        #expect(try FileBytes.read(url, maximumSize: 10, tooLarge: "too big") == (0 ..< 10).map { UInt8($0) })
        #expect(throws: FileBytes.Failure(reason: "more than 9 bytes")) {
            try FileBytes.read(url, maximumSize: 9, tooLarge: "more than 9 bytes")
        }
    }

    @Test func saysWhyAFileCannotBeRead() {
        let directory = Repository.temporaryDirectory("engine")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: FileBytes.Failure(reason: "no such file")) {
            try FileBytes.read(directory.appendingPathComponent("absent"), maximumSize: 10, tooLarge: "")
        }
        #expect(throws: FileBytes.Failure(reason: "it is a directory")) {
            try FileBytes.read(directory, maximumSize: 10, tooLarge: "")
        }
    }

    @Test func aFileWithNoKnownSizeIsCutOffAtTheLimit() {
        // /dev/zero reports size 0 and never ends: the read itself must stop just past the limit.
        #expect(throws: FileBytes.Failure(reason: "endless")) {
            try FileBytes.read(URL(fileURLWithPath: "/dev/zero"), maximumSize: 1 << 16, tooLarge: "endless")
        }
    }
}
