import DigittyTestSupport
import Foundation
import Testing
@testable import DigittyVision

@Suite struct MNISTDatasetTests {
    static func write(_ file: IDXFile, _ name: String, in directory: URL) throws {
        try Data(file.encoded(gzip: name.hasSuffix(".gz"))).write(to: directory.appendingPathComponent(name))
    }

    @Test func loadsSyntheticSplitsRawAndGzip() throws {
        let directory = Repository.temporaryDirectory("vision")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pixels = (0 ..< 4 * 784).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try Self.write(IDXFile(images: pixels, rows: 28, columns: 28), "train-images-idx3-ubyte.gz", in: directory)
        try Self.write(IDXFile(labels: [5, 0, 4, 1]), "train-labels-idx1-ubyte", in: directory)
        let train = try MNISTDataset.load(directory: directory, split: .train)
        #expect(train.count == 4 && train.images == pixels && train.labels == [5, 0, 4, 1])
        #expect(train.image(at: 2).bytes == Array(pixels[1568 ..< 2352]))
        #expect(train.subset(1 ..< 3).labels == [0, 4])
        #expect(train.subset(1 ..< 3).images == Array(pixels[784 ..< 2352]))

        do {
            _ = try MNISTDataset.load(directory: directory, split: .test)
            Issue.record("loaded a missing split")
        } catch {
            #expect(error.description.contains("t10k-images-idx3-ubyte.gz"))
            #expect(error.description.contains("digitty data fetch"))
        }
    }

    @Test func mismatchesAreErrors() throws {
        let directory = Repository.temporaryDirectory("vision")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.write(IDXFile(images: [UInt8](repeating: 0, count: 3 * 784), rows: 28, columns: 28), "t10k-images-idx3-ubyte", in: directory)
        try Self.write(IDXFile(labels: [1, 2]), "t10k-labels-idx1-ubyte", in: directory)
        #expect(throws: MNISTError.mismatch("the test split has 3 images but 2 labels")) {
            try MNISTDataset.load(directory: directory, split: .test)
        }
        try Self.write(IDXFile(images: [UInt8](repeating: 0, count: 2 * 100), rows: 10, columns: 10), "t10k-images-idx3-ubyte", in: directory)
        #expect(throws: MNISTError.self) { try MNISTDataset.load(directory: directory, split: .test) }
        try Self.write(IDXFile(labels: [1, 2]), "t10k-images-idx3-ubyte", in: directory)
        #expect(throws: MNISTError.self) { try MNISTDataset.load(directory: directory, split: .test) }

        #expect(throws: MNISTError.self) { try MNISTDataset(images: [0, 0], labels: [1]) }
        #expect(throws: MNISTError.self) { try MNISTDataset(images: [UInt8](repeating: 0, count: 784), labels: [12]) }
    }

    @Test(Prerequisite.mnist.trait) func realMNISTLoadsWithTheOriginalCounts() throws {
        try Prerequisite.mnist.require()
        let test = try #require(SharedData.mnistTest)
        #expect(test.count == 10_000 && test.images.count == 7_840_000)
        var histogram = [Int](repeating: 0, count: 10)
        for label in test.labels { histogram[Int(label)] += 1 }
        #expect(histogram == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        let train = try MNISTDataset.load(directory: Repository.mnist, split: .train)
        #expect(train.count == 60_000)
        histogram = [Int](repeating: 0, count: 10)
        for label in train.labels { histogram[Int(label)] += 1 }
        #expect(histogram == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }

    @Test func locationPrefersFlagThenEnvironmentThenCache() {
        let environment = ["DIGITTY_DATA": "/data/env", "XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"]
        #expect(MNISTLocation.resolve(explicit: "/data/flag", environment: environment).path == "/data/flag")
        #expect(MNISTLocation.resolve(explicit: nil, environment: environment).path == "/data/env")
        #expect(MNISTLocation.resolve(explicit: nil, environment: ["XDG_CACHE_HOME": "/xdg", "HOME": "/home/u"]).path == "/xdg/digitty/mnist")
        #expect(MNISTLocation.resolve(explicit: nil, environment: ["XDG_CACHE_HOME": "relative", "HOME": "/home/u"]).path
            == "/home/u/.cache/digitty/mnist")
        #expect(MNISTLocation.resolve(explicit: "", environment: ["HOME": "/home/u"]).path == "/home/u/.cache/digitty/mnist")
    }
}
