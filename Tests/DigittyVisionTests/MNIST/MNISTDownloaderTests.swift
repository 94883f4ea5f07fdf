import Foundation
import Testing
@testable import DigittyVision

/// `MNISTDownloader` against a local server serving files the test makes; nothing is downloaded from the internet.
@Suite(.disabled("hangs: the URLSession delegate download never completes on Linux; not yet diagnosed"))
struct MNISTDownloaderTests {
    /// A served directory with two files, a fresh empty destination, and the file list with true checksums.
    struct Fixture {
        let served: URL
        let destination: URL
        let files: [MNISTDownloader.File]
        let contents: [String: [UInt8]]

        init() throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-fetch-\(UUID().uuidString)")
            served = base.appendingPathComponent("served")
            destination = base.appendingPathComponent("cache/digitty/mnist")
            try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
            var random = SplitMix64(seed: 21)
            let first = IDXFile(labels: (0 ..< 5000).map { _ in UInt8(random.next() % 10) }).encoded(gzip: true)
            let second = (0 ..< 300_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let contents = ["a-labels.gz": first, "b-images.gz": second]
            for (name, bytes) in contents { try Data(bytes).write(to: served.appendingPathComponent(name)) }
            self.contents = contents
            files = contents.sorted { $0.key < $1.key }.map { MNISTDownloader.File(name: $0.key, sha256: SHA256.hex($0.value)) }
        }

        func remove() {
            try? FileManager.default.removeItem(at: served.deletingLastPathComponent())
        }

        /// The names in the destination directory (temporary files included).
        func destinationNames() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: destination.path)) ?? []).sorted()
        }
    }

    final class ProgressLog: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [MNISTDownloader.Progress] = []
        func add(_ event: MNISTDownloader.Progress) { lock.lock(); events.append(event); lock.unlock() }
        var all: [MNISTDownloader.Progress] { lock.lock(); defer { lock.unlock() }; return events }
    }

    @Test func downloadsVerifiesAndThenSkips() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        guard let server = LocalHTTPServer.start(serving: fixture.served) else { return }
        defer { server.stop() }

        let log = ProgressLog()
        let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("files"), files: fixture.files)
        let outcomes = try await downloader.fetch { log.add($0) }
        #expect(outcomes == fixture.files.map { .downloaded($0.name, bytes: fixture.contents[$0.name]!.count) })
        #expect(fixture.destinationNames() == ["a-labels.gz", "b-images.gz"])
        for (name, bytes) in fixture.contents {
            #expect(try Data(contentsOf: fixture.destination.appendingPathComponent(name)) == Data(bytes))
        }
        let last = try #require(log.all.last(where: { $0.file == "b-images.gz" }))
        #expect(last.received == 300_000 && last.expected == 300_000)
        #expect(try IDXFile.load(contentsOf: fixture.destination.appendingPathComponent("a-labels.gz")).count == 5000)

        // Valid files are kept without asking the server (this mirror does not exist).
        let offline = MNISTDownloader(directory: fixture.destination, mirror: URL(string: "http://127.0.0.1:9/")!, files: fixture.files)
        #expect(try await offline.fetch() == fixture.files.map { .alreadyPresent($0.name) })

        // A damaged local copy is fetched again and replaced.
        try Data([1, 2, 3]).write(to: fixture.destination.appendingPathComponent("b-images.gz"))
        #expect(try await downloader.fetch() == [.alreadyPresent("a-labels.gz"), .downloaded("b-images.gz", bytes: 300_000)])
        #expect(MNISTDownloader.isValid(fixture.destination.appendingPathComponent("b-images.gz"), sha256: fixture.files[1].sha256))
    }

    @Test func corruptDownloadLeavesNothing() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        guard let server = LocalHTTPServer.start(serving: fixture.served) else { return }
        defer { server.stop() }

        var files = fixture.files
        files[1].sha256 = String(repeating: "0", count: 64) // the served file no longer matches
        let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("files"), files: files)
        do {
            _ = try await downloader.fetch()
            Issue.record("a file with the wrong checksum was accepted")
        } catch {
            guard case let .checksumMismatch(file, _, actual) = error else { Issue.record("\(error)"); return }
            #expect(file == "b-images.gz" && actual == fixture.files[1].sha256)
            #expect(error.description.contains("corrupt"))
        }
        // The first file is complete and verified; the bad one left nothing, not even a temporary file.
        #expect(fixture.destinationNames() == ["a-labels.gz"])
    }

    @Test func interruptedDownloadLeavesNothing() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        guard let server = LocalHTTPServer.start(serving: fixture.served) else { return }
        defer { server.stop() }

        let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("truncate"), files: fixture.files)
        do {
            _ = try await downloader.fetch()
            Issue.record("a truncated download was accepted")
        } catch {
            guard case .network = error else { Issue.record("expected a network error, got \(error)"); return }
            #expect(error.description.contains("a-labels.gz"))
        }
        #expect(fixture.destinationNames().isEmpty)
    }

    @Test func missingFileIsAnHTTPError() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        guard let server = LocalHTTPServer.start(serving: fixture.served) else { return }
        defer { server.stop() }

        let files = [MNISTDownloader.File(name: "missing.gz", sha256: String(repeating: "a", count: 64))]
        let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("files"), files: files)
        await #expect(throws: DownloadError.http(url: server.url("files").appendingPathComponent("missing.gz").absoluteString, status: 404)) {
            try await downloader.fetch()
        }
        #expect(fixture.destinationNames().isEmpty)
    }

    @Test func unusableDirectoryIsAFilesystemError() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let notADirectory = fixture.served.appendingPathComponent("a-labels.gz/inside")
        let downloader = MNISTDownloader(directory: notADirectory, mirror: URL(string: "http://127.0.0.1:9/")!, files: fixture.files)
        do {
            _ = try await downloader.fetch()
            Issue.record("wrote into a path under a regular file")
        } catch {
            guard case .filesystem = error else { Issue.record("\(error)"); return }
        }
    }

    @Test func embeddedChecksumsAreTheSharedOnes() throws {
        let sums = SharedData.mnistDirectory.appendingPathComponent("SHA256SUMS")
        guard let text = try? String(contentsOf: sums, encoding: .utf8) else {
            print("skipped: \(sums.path) not found")
            return
        }
        let listed = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            .map { MNISTDownloader.File(name: String($0[1]), sha256: String($0[0])) }
        #expect(Set(listed.map(\.name)) == Set(MNISTDownloader.mnistFiles.map(\.name)))
        for file in MNISTDownloader.mnistFiles { #expect(listed.contains(file)) }
        // The small label file's hash is checked for real (the image files take longer in debug builds).
        let labels = SharedData.mnistDirectory.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
        #expect(MNISTDownloader.isValid(labels, sha256: MNISTDownloader.mnistFiles[3].sha256))
    }
}
