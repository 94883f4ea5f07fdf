import DigittyEngine
@testable import DigittyServer
import DigittyVision
import DigittyTestSupport
import Foundation
import Testing

@Suite("The 10,000 MNIST test digits over HTTP")
struct MNISTAgreementTests {
    static let mnist = Repository.mnist

    @Test("posted as PNG, every test digit gets the label the library predicts directly",
          Prerequisite.all(.mnist, .defaultModel).trait, .tags(.slow))
    func tenThousandDigits() async throws {
        try Prerequisite.all(.mnist, .defaultModel).require()
        let model = try ModelFile.load(contentsOf: Repository.defaultModel)
        let test = try MNISTDataset.load(directory: Self.mnist, split: .test)
        #expect(test.count == 10_000)
        let server = try await TestServer(models: [model])

        // Direct: preprocessing, then the model, a hundred images at a time (yielding between batches so that
        // servers of tests running alongside keep their share of the cooperative thread pool).
        var direct: [Int] = []
        for start in stride(from: 0, to: test.count, by: 100) {
            let end = min(start + 100, test.count)
            var prepared: [Float] = []
            for index in start..<end {
                let image = GrayImage(width: 28, height: 28, bytes: Array(test.images[index * 784..<(index + 1) * 784]))
                prepared += try #require(MNISTPreprocessing.prepare(image)).pixels
            }
            let probabilities = try model.probabilities(for: Tensor(shape: [end - start, 28, 28, 1], scalars: prepared)).scalars
            for row in 0..<(end - start) {
                let scores = probabilities[row * 10..<(row + 1) * 10]
                direct.append(scores.indices.max { scores[$0] < scores[$1] }! - row * 10)
            }
            await Task.yield()
        }

        // Served: eight clients posting PNG files.
        let served = try await withThrowingTaskGroup(of: [(Int, Int)].self) { group in
            for client in 0..<8 {
                group.addTask {
                    var labels: [(Int, Int)] = []
                    for index in stride(from: client, to: test.count, by: 8) {
                        let image = GrayImage(width: 28, height: 28, bytes: Array(test.images[index * 784..<(index + 1) * 784]))
                        let answer = try await server.post(PNG.encode(image), contentType: "image/png")
                        labels.append((index, answer.json["label"] as? Int ?? -1))
                    }
                    return labels
                }
            }
            var all = [Int](repeating: -2, count: test.count)
            for try await labels in group { for (index, label) in labels { all[index] = label } }
            return all
        }
        let disagreements = (0..<test.count).filter { served[$0] != direct[$0] }
        #expect(disagreements.isEmpty, "\(disagreements.count) digits differ, first: \(disagreements.prefix(10))")
        let correct = (0..<test.count).filter { served[$0] == Int(test.labels[$0]) }.count
        #expect(Double(correct) / Double(test.count) > 0.9, "accuracy over HTTP: \(correct) / \(test.count)")
        try await server.stop()
    }
}
