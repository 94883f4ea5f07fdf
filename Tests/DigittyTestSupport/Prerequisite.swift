import Foundation
import Testing

/// Something a test needs that the repository does not hold: shared data, a Python package, a program.
///
/// A missing prerequisite skips the test with its reason (`.enabled(if:)`), so a local run says what it did not
/// check. Under `CI=true` the test runs anyway and `require()` fails it with the same reason: a green CI run
/// means every test ran.
public struct Prerequisite: Sendable {
    /// Whether it is there.
    public let isMet: Bool
    /// What is missing and how to get it, e.g. "MNIST is not in ../shared/data/mnist".
    public let reason: String

    public init(isMet: Bool, reason: String) {
        self.isMet = isMet
        self.reason = reason
    }

    /// Whether this run must not skip anything (`CI=true`).
    public static var everythingRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The trait for `@Test`/`@Suite`: run when met, or when CI requires everything; skip with the reason otherwise.
    public var trait: ConditionTrait {
        .enabled(if: isMet || Self.everythingRequired, Comment(rawValue: reason))
    }

    /// Fails the running test with the reason when the prerequisite is missing (only reached under CI=true).
    public func require() throws {
        guard !isMet else { return }
        throw Missing(reason: reason)
    }

    /// The error a test fails with when a prerequisite is missing under CI.
    public struct Missing: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { "prerequisite missing under CI=true: \(reason)" }
    }

    /// All of `prerequisites`, the first missing one's reason.
    public static func all(_ prerequisites: Prerequisite...) -> Prerequisite {
        prerequisites.first { !$0.isMet } ?? Prerequisite(isMet: true, reason: "")
    }

    /// A file or folder that must exist.
    public static func file(_ url: URL, _ what: String) -> Prerequisite {
        Prerequisite(isMet: FileManager.default.fileExists(atPath: url.path), reason: "\(what) is not at \(url.path)")
    }

    public static let mnist = file(Repository.mnist.appendingPathComponent("t10k-images-idx3-ubyte.gz"),
                                   "MNIST (../shared/data/mnist)")
    public static let onnxNodeTests = file(Repository.onnxNodeTests, "the ONNX node tests (../shared/onnx-node-tests)")
    public static let seedModel = file(Repository.seedModel, "the seed ONNX model (../shared/models)")
    public static let defaultModel = file(Repository.defaultModel, "the shipped default model")

    /// A program on the PATH (or at an absolute path).
    public static func program(_ name: String, install: String) -> Prerequisite {
        Prerequisite(isMet: Tools.find(name) != nil, reason: "\(name) is not installed (\(install))")
    }
}
