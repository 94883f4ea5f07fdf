import DigittyEngine
import DigittyTestSupport
import DigittyVision
import Foundation
import Testing
@testable import DigittyTerminal

/// Real MNIST test digits drawn into the app with mouse drags, the way a person would, then read through the whole
/// pipeline (canvas → MNIST-style preprocessing → the shipped default model).
@Suite(Prerequisite.all(.mnist, .defaultModel).trait, .tags(.slow))
struct PipelineAccuracyTests {
    /// Digits drawn per variant (`DIGITTY_ACCURACY_DIGITS`, default all 10,000 test digits), from digit
    /// `DIGITTY_ACCURACY_FIRST` (default 0).
    static let digits = ProcessInfo.processInfo.environment["DIGITTY_ACCURACY_DIGITS"].flatMap(Int.init) ?? 10000
    static let first = ProcessInfo.processInfo.environment["DIGITTY_ACCURACY_FIRST"].flatMap(Int.init) ?? 0

    /// Where the digit's ink goes on the canvas: a source pixel for each canvas cell.
    enum Placement: String, CaseIterable {
        /// As in MNIST: centred, about 20 cells tall.
        case asInMNIST
        /// Pushed into the top-left corner.
        case offCentre
        /// Drawn 1.3 times larger, filling the canvas.
        case large
        /// Drawn at 0.7 times the size, in the bottom-right.
        case small
    }

    /// Presses, drags along each run of ink in each row, releases: a pen following the digit's ink.
    static func draw(_ pixels: [Float], placement: Placement, into state: inout AppState) {
        var bounds = (minX: 28, minY: 28, maxX: -1, maxY: -1)
        for y in 0..<28 { for x in 0..<28 where pixels[y * 28 + x] >= 0.5 {
            bounds = (min(bounds.minX, x), min(bounds.minY, y), max(bounds.maxX, x), max(bounds.maxY, y))
        } }
        guard bounds.maxX >= 0 else { return }
        let scale: Float, offset: (x: Float, y: Float)
        switch placement {
        case .asInMNIST: (scale, offset) = (1, (0, 0))
        case .offCentre: (scale, offset) = (1, (Float(1 - bounds.minX), Float(1 - bounds.minY)))
        case .large: (scale, offset) = (1.3, (14 - 14 * 1.3, 14 - 14 * 1.3))
        case .small: (scale, offset) = (0.7, (Float(26) - Float(bounds.maxX + 1) * 0.7, Float(26) - Float(bounds.maxY + 1) * 0.7))
        }
        func inked(_ x: Int, _ y: Int) -> Bool {
            let sx = Int(((Float(x) + 0.5 - offset.x) / scale).rounded(.down)), sy = Int(((Float(y) + 0.5 - offset.y) / scale).rounded(.down))
            return sx >= 0 && sy >= 0 && sx < 28 && sy < 28 && pixels[sy * 28 + sx] >= 0.5
        }
        for y in 0..<Canvas.size {
            var x = 0
            while x < Canvas.size {
                guard inked(x, y) else { x += 1; continue }
                let start = x
                while x < Canvas.size, inked(x, y) { x += 1 }
                state.drag([(start, y), (x - 1, y)])
            }
        }
    }

    @Test(arguments: Placement.allCases)
    func mnistDigitsDrawnWithTheMouseAreRead(placement: Placement) throws {
        let url = Repository.defaultModel
        let reader = DigitReader(model: try ModelFile.load(contentsOf: url))
        try Prerequisite.all(.mnist, .defaultModel).require()
        let mnist = try MNISTTestDigits.load(limit: Self.first + Self.digits)
        let indices = min(Self.first, mnist.count)..<mnist.count
        var correct = 0
        for index in indices {
            var state = AppState(size: TerminalSize(columns: 120, rows: 40), modelName: "default")
            Self.draw(mnist.pixels(index), placement: placement, into: &state)
            if try reader.read(state.canvas.image).label == Int(mnist.labels[index]) { correct += 1 }
        }
        let accuracy = Double(correct) / Double(max(1, indices.count))
        let split = ProcessInfo.processInfo.environment["DIGITTY_ACCURACY_SPLIT"] == "train" ? "training" : "test"
        print("pipeline accuracy (\(placement.rawValue), MNIST \(split) digits \(indices.lowerBound)–\(indices.upperBound - 1) drawn with the mouse): "
              + String(format: "%.2f%%", accuracy * 100))
        // The shipped default model must read drawn digits as well as MNIST's own (the aim: 98% or better in
        // every placement). Drawing and reading are deterministic, so the figure for a given model never varies.
        #expect(accuracy >= Self.floor[placement, default: 0.98], "\(placement): \(accuracy)")
    }

    /// Measured with the shipped default model on all 10,000 test digits: 99.49%, 99.49%, 99.37%, 98.10%
    /// (the model before it, trained without pen-redrawn digits: 99.33%, 99.34%, 99.16%, 97.60%).
    static let floor: [Placement: Double] = [.asInMNIST: 0.99, .offCentre: 0.99, .large: 0.99, .small: 0.98]
}
