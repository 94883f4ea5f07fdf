import DigittyEngine
import Foundation

/// One fuzz suite's run: many generated cases, each run in-process and timed, their outcomes tallied.
///
/// Every fuzz suite (test suites named `…FuzzTests`) uses it, so that they all take their case count from the
/// environment variable `FUZZ_CASES` (default `defaultCases`, a CI-sized run; `Tests/Benchmarks/fuzz.sh` asks
/// for 10⁵) and print the same summary line: `fuzz NAME: cases N, rejects R, crashes C, hangs H`.
///
/// A case reports `accepted` (the input was read, and what came out is consistent), `rejected` (a clear error of
/// the expected kind), or `crashed` (a broken contract: an error of the wrong kind or not one line, or an accepted
/// input giving an inconsistent result). A real trap cannot be counted in-process: it kills the test runner, which
/// is a loud failure of its own. A case that runs longer than `caseTimeLimit` counts as a hang.
public struct FuzzCampaign: Sendable {
    public enum Outcome: Equatable, Sendable {
        case accepted
        case rejected
        case crashed(String)
    }

    /// Cases for a run without `FUZZ_CASES`.
    public static let defaultCases = 2_000
    /// The longest one case may take before it counts as a hang.
    public static let caseTimeLimit = Duration.seconds(2)

    /// `FUZZ_CASES` when it is a positive number, else `defaultCases`.
    public static var caseCount: Int {
        ProcessInfo.processInfo.environment["FUZZ_CASES"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } ?? defaultCases
    }

    /// A time limit in minutes for a whole suite of `caseCount` cases taking `milliseconds` each on average,
    /// for the suite's `.timeLimit(.minutes(…))` trait: the guard against a case that never returns.
    public static func suiteMinutes(milliseconds: Int = 20) -> Int {
        1 + caseCount * milliseconds / 60_000
    }

    public let name: String
    public private(set) var cases = 0
    public private(set) var rejects = 0
    /// Descriptions of the cases that broke a contract or took too long.
    public private(set) var crashes: [String] = []
    public private(set) var hangs: [String] = []

    public init(_ name: String) { self.name = name }

    /// A campaign named `name` whose `cases` call `run` once per case, on a thread of its own (`offPool`): at
    /// `fuzz.sh`'s 10⁵ cases the loop takes minutes, which on one of the test process's few cooperative threads
    /// would stall the other tests' tasks (the server tests' deadlines among them). Prints the report at the end.
    public static func run(_ name: String, _ cases: @escaping @Sendable (inout FuzzCampaign) throws -> Void) async throws
        -> FuzzCampaign {
        let campaign = try await offPool {
            var campaign = FuzzCampaign(name)
            try cases(&campaign)
            return campaign
        }
        campaign.report()
        return campaign
    }

    /// Runs one case; `describe` says what the case was (for the report of a crash or hang).
    public mutating func run(_ describe: @autoclosure () -> String, _ body: () -> Outcome) {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = body()
        let elapsed = clock.now - start
        cases += 1
        switch outcome {
        case .accepted: break
        case .rejected: rejects += 1
        case let .crashed(reason): crashes.append("\(describe()): \(reason)")
        }
        if elapsed > Self.caseTimeLimit { hangs.append("\(describe()): took \(elapsed)") }
    }

    /// `rejected` when `error` is one line of text, a broken contract otherwise.
    public static func checkMessage(_ error: any Error) -> Outcome {
        let text = String(describing: error)
        guard !text.isEmpty, !text.contains("\n") else { return .crashed("error message is not one line: \(text.debugDescription)") }
        return .rejected
    }

    /// The one-line summary every fuzz suite prints.
    public var summary: String {
        "fuzz \(name): cases \(cases), rejects \(rejects), crashes \(crashes.count), hangs \(hangs.count)"
    }

    /// Prints the summary, and the first few crashes and hangs.
    public func report() {
        print(summary)
        for line in (crashes + hangs).prefix(5) { print("  \(line)") }
    }
}

extension SeededRandom {
    /// A number in `0..<bound` (0 when `bound` is 0).
    public mutating func below(_ bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }

    public mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

    /// An integer a file might hold to break a reader: boundaries, off-by-ones, huge and negative values.
    public mutating func nastyInteger(near value: Int64 = 0) -> Int64 {
        pick([0, 1, -1, 2, value, value &+ 1, value &- 1, value &* 2, 0 &- value, Int64.min, Int64.max, Int64(Int32.max),
              Int64(UInt32.max), 1 << 31, 1 << 40, 1 << 62, Int64(below(1 << 16)), -Int64(below(1 << 16))])
    }
}
