import DigittyTraining
import Testing
@testable import DigittyCLI

/// `digitty eval`'s text, whole: a model with an eleventh output marks it ✗ in the most confidently wrong digits'
/// charts, so that every row stays aligned.
@Suite struct EvalTextTests {
    @Test func anElevenOutputMistakeIsChartedWithItsNotADigitRowMarked() throws {
        let images = try LabelledImages(pixels: [255, 0, 255, 0], labels: [4], height: 2, width: 2)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: 10), count: 10)
        confusion[4][9] = 1
        let mistake = EvalCommand.Mistake(index: 0, label: 4, predicted: 9, confidence: 0.5,
                                          probabilities: [0, 0, 0, 0, 0.05, 0, 0, 0, 0, 0.5, 0.45])
        let report = EvalCommand.Report(model: "m", scaling: "unit (pixels/255)", images: 1, accuracy: 0,
                                        perClassAccuracy: (0..<10).map { $0 == 4 ? 0 : nil }, confusion: confusion,
                                        mostConfidentlyWrong: [mistake], calibration: nil)
        #expect(EvalCommand.text(report, images: images) == """
            m: 0.00% of 1 test images correct
            input scaling: unit (pixels/255)

            per class: 0 –  1 –  2 –  3 –  4 0.00%  5 –  6 –  7 –  8 –  9 –

            confusion matrix (rows: true label, columns: predicted)
                      0    1    2    3    4    5    6    7    8    9
                0     0    0    0    0    0    0    0    0    0    0
                1     0    0    0    0    0    0    0    0    0    0
                2     0    0    0    0    0    0    0    0    0    0
                3     0    0    0    0    0    0    0    0    0    0
                4     0    0    0    0    0    0    0    0    0    1
                5     0    0    0    0    0    0    0    0    0    0
                6     0    0    0    0    0    0    0    0    0    0
                7     0    0    0    0    0    0    0    0    0    0
                8     0    0    0    0    0    0    0    0    0    0
                9     0    0    0    0    0    0    0    0    0    0

            most confidently wrong (✗: not a digit):

            test image 0: labelled 4, predicted 9 with 50.0%
            @    0   0.0% 
                 1   0.0% 
                 2   0.0% 
                 3   0.0% 
                 4   5.0% █
                 5   0.0% 
                 6   0.0% 
                 7   0.0% 
                 8   0.0% 
                 9  50.0% ██████████
                 ✗  45.0% █████████
            """)
    }
}
