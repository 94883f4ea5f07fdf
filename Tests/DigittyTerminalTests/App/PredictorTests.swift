import DigittyEngine
import Testing
@testable import DigittyTerminal

@Suite struct PredictorTests {
    @Test func anEmptyCanvasIsNotPredicted() throws {
        let predictor = Predictor(model: try TestModels.fixed(logits: TestModels.confident(3)))
        #expect(try predictor.predict(Canvas()) == nil)
    }

    @Test func aDrawingIsPreprocessedAndRead() throws {
        let predictor = Predictor(model: try TestModels.fixed(logits: TestModels.confident(3), name: "three"))
        var canvas = Canvas()
        // A small scrawl in a corner.
        canvas.stroke(fromX: 2, y0: 2, toX: 6, y1: 8, brush: .pen)
        let prediction = try #require(try predictor.predict(canvas))
        #expect(prediction.digit == 3 && !prediction.isUnsure && prediction.modelName == "three")
        #expect(abs(prediction.probabilities.reduce(0, +) - 1) < 1e-4)
        // The model saw it scaled up and centred.
        let input = prediction.input
        var mass: Float = 0, cx: Float = 0, cy: Float = 0, rows = Set<Int>()
        for y in 0..<28 { for x in 0..<28 where input[x, y] > 0 { mass += input[x, y]; cx += input[x, y] * Float(x); cy += input[x, y] * Float(y); rows.insert(y) } }
        #expect(abs(cx / mass - 13.5) <= 1.5 && abs(cy / mass - 13.5) <= 1.5)
        #expect(rows.count >= 18)
    }

    @Test func closeCallsAreUnsure() throws {
        var logits = [Float](repeating: 0, count: 10)
        logits[4] = 5
        logits[9] = 4.8
        let predictor = Predictor(model: try TestModels.fixed(logits: logits))
        var canvas = Canvas()
        canvas.dab(atX: 14, y: 14, brush: .pen)
        let prediction = try #require(try predictor.predict(canvas))
        #expect(prediction.isUnsure)
        #expect(Array(prediction.ranking.prefix(2)) == [4, 9])
    }
}
