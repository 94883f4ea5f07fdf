import DigittyTestSupport
import DigittyVision
import Foundation
import Testing

/// The README's library example, compiled and run as another project would use digitty: a new package that
/// depends on DigittyEngine and DigittyVision by version tag (a clone of this repository, tagged), so SwiftPM's
/// rules for versioned dependencies apply (no unsafe build flags).
@Suite(.tags(.slow), .timeLimit(.minutes(20)))
struct LibraryExampleTests {
    /// The first ```swift block after "As a library" in the README.
    static func example() throws -> String {
        let readme = try String(contentsOf: Repository.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "As a library"), "the README has no 'As a library' example")
        let start = try #require(readme.range(of: "```swift\n", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        return String(readme[start.upperBound..<end.lowerBound])
    }

    static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String, errors: String) {
        try Tools.run("/usr/bin/env", ["-C", directory.path] + arguments)
    }

    @Test(Prerequisite.all(.program("git", install: "apt-get install git"), .defaultModel).trait)
    func theReadmeExampleBuildsAgainstATaggedReleaseAndReadsADigit() async throws {
        try Prerequisite.all(.program("git", install: "apt-get install git"), .defaultModel).require()
        let directory = Repository.temporaryDirectory("library")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clone = directory.appendingPathComponent("digitty")
        let cloned = try Self.run(["git", "clone", "-q", Repository.root.path, clone.path], in: directory)
        #expect(cloned.status == 0, "\(cloned.errors)")
        let tagged = try Self.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "tag", "-a", "99.0.0", "-m", "test"], in: clone)
        #expect(tagged.status == 0, "\(tagged.errors)")

        let consumer = directory.appendingPathComponent("reader")
        try FileManager.default.createDirectory(at: consumer.appendingPathComponent("Sources/reader"), withIntermediateDirectories: true)
        try """
            // swift-tools-version:6.0
            import PackageDescription

            let package = Package(
                name: "reader",
                dependencies: [.package(url: "file://\(clone.path)", from: "99.0.0")],
                targets: [
                    .executableTarget(name: "reader", dependencies: [
                        .product(name: "DigittyEngine", package: "digitty"),
                        .product(name: "DigittyVision", package: "digitty"),
                    ]),
                ]
            )
            """.write(to: consumer.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try Self.example().write(to: consumer.appendingPathComponent("Sources/reader/main.swift"), atomically: true, encoding: .utf8)

        let built = try await offPool { try Self.run(["swift", "build", "-c", "release"], in: consumer) }
        let errors = (built.output + built.errors).split(separator: "\n").filter { $0.contains("error") }
        #expect(built.status == 0, "swift build failed:\n\(errors.joined(separator: "\n"))")

        // A seven drawn as a picture file, read by the example.
        var seven = GrayImage(width: 56, height: 56)
        for x in 14..<44 { for y in 12..<16 { seven[x, y] = 1 } }
        for step in 0..<40 { let x = 43 - step * 18 / 40, y = 15 + step; for dx in -2...1 { seven[x + dx, y] = 1 } }
        let picture = directory.appendingPathComponent("seven.png")
        try Data(PNG.encode(seven)).write(to: picture)
        let read = try Self.run([consumer.appendingPathComponent(".build/release/reader").path, Repository.defaultModel.path, picture.path],
                                in: consumer)
        #expect(read.status == 0, "\(read.errors)")
        let lines = read.output.split(separator: "\n")
        #expect(lines.first == "7 digit 7", "\(read.output)")
        #expect(lines.count == 11)
    }
}
