import DigittyEngine
import DigittyTestSupport
import Foundation
import Testing

/// The model files in `Models/`, as every front end shows them: each loads, carries the name of its file (the
/// app's status line, `GET /models` and every JSON answer show that name, so a model calibrated into a file of
/// another name and copied here would show the wrong one), says how it was trained, and the default carries a
/// calibration with a "not a digit" threshold.
@Suite struct ShippedModelsTests {
    static let files = ((try? FileManager.default.contentsOfDirectory(at: Repository.models, includingPropertiesForKeys: nil)) ?? [])
        .filter { $0.pathExtension == "safetensors" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }

    @Test func theDefaultAndFourOthersAreShipped() {
        #expect(Self.files.map(\.lastPathComponent)
                == ["deep-rot12", "deep-rot6", "default", "simple-rot12", "simple-rot6"].map { "\($0).safetensors" })
    }

    @Test(arguments: files)
    func eachLoadsUnderItsOwnNameAndSaysHowItWasTrained(_ file: URL) throws {
        let model = try ModelFile.load(contentsOf: file)
        #expect(model.name == file.deletingPathExtension().lastPathComponent)
        #expect(model.provenance.trainedWith?.hasPrefix("digitty train") == true, "\(model.provenance)")
        #expect(model.provenance.validationAccuracy != nil && model.provenance.seed != nil)
        #expect(model.calibration.isValid)
    }

    @Test func theDefaultIsCalibratedAndSaysNotADigit() throws {
        let model = try ModelFile.load(contentsOf: Repository.defaultModel)
        #expect(model.shapes.last == [11])
        #expect(model.calibration.temperature != 1)
        let threshold = try #require(model.calibration.notADigitAtLeast)
        #expect(threshold > 0 && threshold < 1)
    }
}
