import DigittyVision

/// Why the model read the canvas as it did, in the canvas's own cells: the reader's saliency map (measured on
/// the 28×28 image the model saw) carried back to the canvas through the preprocessing's framing, and the
/// runner-up with how many canvas cells would have to be erased to get it.
///
/// Carried back rather than measured again on the canvas: the model's answer is a function of the image it
/// saw, and for a given framing each canvas cell becomes a fixed patch of that image (area averaging), so
/// its effect is the mean effect over its patch. Erasing canvas cells and running the whole reader again
/// would also re-crop, re-scale and re-centre the drawing for every cell (erasing an end of a stroke rescales
/// all of it), which says more about the preprocessing than about what the model looked at, and costs as much.
public struct Explanation: Sendable, Equatable {
    /// The digit the map is about.
    public let label: Int
    /// One value per canvas cell, row-major: positive where the ink pushed towards `label`, negative where it
    /// pushed away, 0 without ink.
    public let cells: [Float]
    /// The second most likely digit and its probability.
    public let runnerUp: Int?
    public let runnerUpProbability: Float
    /// Canvas cells to erase to make it read the runner-up; nil when erasing ink cannot.
    public let cellsToErase: Int?

    public init(label: Int, cells: [Float], runnerUp: Int?, runnerUpProbability: Float, cellsToErase: Int?) {
        self.label = label
        self.cells = cells
        self.runnerUp = runnerUp
        self.runnerUpProbability = runnerUpProbability
        self.cellsToErase = cellsToErase
    }

    /// The explanation of `reading` (read with `explain`) of a canvas that the preprocessing framed with
    /// `framing` (nil: the model saw the canvas as it is); `erasure` lists the model-input pixels whose erasing
    /// makes it read the runner-up.
    public init?(reading: Reading, framing: MNISTPreprocessing.Framing?, erasure: [Int]?) {
        guard let label = reading.label, let saliency = reading.saliency, saliency.count == Canvas.size * Canvas.size else {
            return nil
        }
        let side = Canvas.size
        var cells = [Float](repeating: 0, count: side * side)
        for y in 0..<side {
            for x in 0..<side {
                cells[y * side + x] = framing.map { $0.pullBack(saliency, x: x, y: y) } ?? saliency[y * side + x]
            }
        }
        // The canvas cells whose patches hold the input pixels to erase.
        let erasedCells = erasure.map { pixels in
            Set(pixels.compactMap { pixel -> Int? in
                guard let framing else { return pixel }
                let x = framing.boxX + Int(((Float(pixel % side) + 0.5 - Float(framing.left)) / framing.scaleX).rounded(.down))
                let y = framing.boxY + Int(((Float(pixel / side) + 0.5 - Float(framing.top)) / framing.scaleY).rounded(.down))
                return Canvas.contains(x: x, y: y) ? y * side + x : nil
            }).count
        }
        self.init(label: label, cells: cells, runnerUp: reading.runnerUp,
                  runnerUpProbability: reading.runnerUp.map { reading.probabilities[$0] } ?? 0, cellsToErase: erasedCells)
    }

    /// The line under the chart: "runner-up 9 (2.1%): erase ~6 cells to get it".
    public var note: String {
        guard let runnerUp else { return "" }
        let share = String(format: "%.1f%%", Double(runnerUpProbability) * 100)
        guard let cellsToErase else { return "runner-up \(runnerUp) (\(share)): needs ink added, not erased" }
        return "runner-up \(runnerUp) (\(share)): erase ~\(cellsToErase) cell\(cellsToErase == 1 ? "" : "s") to get it"
    }
}
