import DigittyTestSupport
import Foundation
import Testing

@Suite struct BenchCommandTests {
    @Test func reportsEveryFigureAsJSON() throws {
        let result = try DigittyProcess.run(["bench", "--runs", "200", "--batch", "64", "--repeats", "2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        for key in ["loadMillisecondsMedian", "latencyMicrosecondsMedian", "latencyMicrosecondsP99",
                    "batchImagesPerSecond", "peakMemoryMiB"] {
            let value = json?[key] as? Double
            #expect(value != nil && value! > 0, "\(key) missing or not positive")
        }
        #expect((json?["latencyMicrosecondsP99"] as? Double ?? 0) >= (json?["latencyMicrosecondsMedian"] as? Double ?? 1))
        #expect(json?["latencyRuns"] as? Int == 200)
    }

    @Test func rejectsNonsenseCounts() throws {
        let result = try DigittyProcess.run(["bench", "--runs", "0"])
        #expect(result.status != 0 && !result.signaled)
    }
}
