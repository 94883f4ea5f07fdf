import DigittyEngine
@testable import DigittyTraining
import Testing

/// What a personal tuning run trains on: the drawings' variations, replayed digits and, for a model with a
/// "not a digit" output, replayed junk (one picture for every `digitsPerJunk` digits, every kind alike).
@Suite struct PersonalTuningTests {
    @Test(arguments: [10, 11])
    func junkIsReplayedOnlyForAModelThatCanSayNotADigit(classes: Int) throws {
        let model = try TrainableModel(name: "tiny", specs: [.flatten, .dense(units: classes), .softmax], maxBatch: 8, seed: 1)
        var random = SeededRandom(seed: 5)
        let digits = try LabelledImages(pixels: (0..<200 * 784).map { _ in random.next() % 3 == 0 ? 200 : 0 },
                                        labels: (0..<200).map { UInt8($0 % 10) })
        let tuning = try PersonalTuning(base: try model.makeModel(), baseChecksum: nil, drawings: digits.subset(0..<10),
                                        drawingsChecksum: "", variations: digits.subset(0..<80), replay: digits,
                                        validation: digits.subset(100..<200))
        let images = tuning.trainingImages()
        // 80 variations ask for 240 replayed digits; 200 are there, so 200 / (4 · 6 kinds) = 8 pictures a kind.
        let junk = images.labels.filter { $0 == SyntheticImages.notADigit }.count
        #expect(junk == (classes == 11 ? 8 * Junk.allCases.count : 0))
        #expect(images.count == 80 + 200 + junk)
        #expect(images.labels.prefix(80).allSatisfy { $0 < 10 })
    }
}
