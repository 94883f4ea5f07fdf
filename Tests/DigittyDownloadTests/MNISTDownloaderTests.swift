@testable import DigittyDownload
import DigittyEngine
import DigittyTestSupport
import Foundation
import Testing
@testable import DigittyVision

/// `MNISTDownloader` against a local server serving files the test makes; nothing is downloaded from the internet.
@Suite(.timeLimit(.minutes(1)), Python.prerequisite([]).trait) struct MNISTDownloaderTests {
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
            var random = SeededRandom(seed: 21)
            let first = IDXFile(labels: (0 ..< 5000).map { _ in UInt8(random.next() % 10) }).encoded(gzip: true)
            // Noise does not compress: a few hundred kilobytes, so the download comes in several pieces.
            let noise = (0 ..< 400 * 784).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let second = IDXFile(images: noise, rows: 28, columns: 28).encoded(gzip: true)
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

        /// Starts a server for the served directory, runs `body` with it, and stops it.
        func withServer(_ body: (LocalHTTPServer) async throws -> Void) async throws {
            let server = try #require(LocalHTTPServer.start(serving: served), "the local HTTP server (the project's Python) did not start")
            defer { server.stop() }
            try await body(server)
        }
    }

    final class ProgressLog: @unchecked Sendable {
        private let lock = NSLock()
        private var events: [MNISTDownloader.Progress] = []
        func add(_ event: MNISTDownloader.Progress) { lock.lock(); events.append(event); lock.unlock() }
        var all: [MNISTDownloader.Progress] { lock.lock(); defer { lock.unlock() }; return events }
    }

    /// The error `fetch` throws (a recorded issue when it succeeds).
    static func failure(of downloader: MNISTDownloader) async -> DownloadError? {
        do {
            let outcomes = try await downloader.fetch()
            Issue.record("the fetch succeeded: \(outcomes)")
            return nil
        } catch {
            return error
        }
    }

    @Test func downloadsVerifiesAndThenSkips() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.withServer { server in
            let log = ProgressLog()
            let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("files"), files: fixture.files)
            let outcomes = try await downloader.fetch { log.add($0) }
            #expect(outcomes == fixture.files.map { .downloaded($0.name, bytes: fixture.contents[$0.name]!.count) })
            #expect(fixture.destinationNames() == ["a-labels.gz", "b-images.gz"])
            for (name, bytes) in fixture.contents {
                #expect(try Data(contentsOf: fixture.destination.appendingPathComponent(name)) == Data(bytes))
            }
            let events = log.all.filter { $0.file == "b-images.gz" }
            let size = fixture.contents["b-images.gz"]!.count
            #expect(size > 300_000)
            #expect(events.first == .init(file: "b-images.gz", received: 0, expected: size))
            #expect(events.last == .init(file: "b-images.gz", received: size, expected: size))
            #expect(events.count > 3)
            #expect(zip(events, events.dropFirst()).allSatisfy { $0.received <= $1.received })
            #expect(try IDXFile.load(contentsOf: fixture.destination.appendingPathComponent("a-labels.gz")).count == 5000)

            // Valid files are kept without asking the server (nothing listens on this port).
            let offline = MNISTDownloader(directory: fixture.destination,
                                          mirror: URL(string: "http://127.0.0.1:\(Tools.freePort())/")!,
                                          files: fixture.files)
            #expect(try await offline.fetch() == fixture.files.map { .alreadyPresent($0.name) })

            // A damaged local copy is fetched again and replaced.
            try Data([1, 2, 3]).write(to: fixture.destination.appendingPathComponent("b-images.gz"))
            #expect(try await downloader.fetch() == [.alreadyPresent("a-labels.gz"), .downloaded("b-images.gz", bytes: size)])
            #expect(try IDXFile.load(contentsOf: fixture.destination.appendingPathComponent("b-images.gz")).count == 400)
            #expect(MNISTDownloader.isValid(fixture.destination.appendingPathComponent("b-images.gz"), sha256: fixture.files[1].sha256))
            #expect(fixture.destinationNames() == ["a-labels.gz", "b-images.gz"])
        }
    }

    @Test func temporaryFilesOfAKilledFetchAreRemovedOnceStale() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try FileManager.default.createDirectory(at: fixture.destination, withIntermediateDirectories: true)
        func leave(_ name: String, age: TimeInterval) throws {
            let url = fixture.destination.appendingPathComponent(name)
            try Data([1, 2, 3]).write(to: url)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: url.path)
        }
        try leave(".a-labels.gz.1111.part", age: 3600)  // a fetch killed an hour ago
        try leave(".b-images.gz.2222.part", age: 0)      // one that may still be running
        try leave(".notes.txt.3333.part", age: 3600)     // not ours
        try await fixture.withServer { server in
            let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("files"),
                                             files: fixture.files, timeout: 60)
            _ = try await downloader.fetch()
            #expect(fixture.destinationNames() == [".b-images.gz.2222.part", ".notes.txt.3333.part", "a-labels.gz", "b-images.gz"])
        }
    }

    @Test func checksumMismatchKeepsNothing() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.withServer { server in
            var files = fixture.files
            files[1].sha256 = String(repeating: "0", count: 64) // the served file no longer matches
            let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("files"), files: files)
            let error = await Self.failure(of: downloader)
            #expect(error == .checksumMismatch(file: "b-images.gz", expected: files[1].sha256, actual: fixture.files[1].sha256))
            #expect(error?.description.contains("corrupt") == true)
            // The first file is complete and verified; the bad one left nothing, not even a temporary file.
            #expect(fixture.destinationNames() == ["a-labels.gz"])
        }
    }

    @Test func droppedConnectionKeepsNothing() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.withServer { server in
            let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("truncate"), files: fixture.files)
            let error = await Self.failure(of: downloader)
            guard case let .network(url, _) = error else { Issue.record("expected a network error, got \(String(describing: error))"); return }
            #expect(url.hasSuffix("/truncate/a-labels.gz"))
            #expect(fixture.destinationNames().isEmpty)
        }
    }

    @Test func stalledServerTimesOut() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.withServer { server in
            let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("stall"), files: fixture.files, timeout: 1)
            let started = Date()
            let error = await Self.failure(of: downloader)
            #expect(error == .network(url: server.url("stall").appendingPathComponent("a-labels.gz").absoluteString,
                                      reason: "no data for 1 s (timed out)"))
            // A guard against a hang, not a measure of the 1 s timeout (the error above says it fired): the task
            // may resume many seconds late while other tests' synchronous work holds the cooperative threads.
            #expect(Date().timeIntervalSince(started) < 120)
            #expect(fixture.destinationNames().isEmpty)
        }
    }

    @Test func cancellingStopsAndKeepsNothing() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.withServer { server in
            let log = ProgressLog()
            let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("stall"), files: fixture.files)
            let task = Task { try await downloader.fetch { log.add($0) } }
            let deadline = Date().addingTimeInterval(60)
            while log.all.last.map({ $0.received == 0 }) ?? true, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(fixture.destinationNames().count == 1) // the temporary file, while the server stalls
            task.cancel()
            // `.cancelled`, not the 60 s stall timeout's network error, says the cancel stopped the download. No
            // wall-clock bound: the task may resume late while other tests' synchronous work holds the test pool.
            let result = await task.result
            guard case let .failure(error as DownloadError) = result, case .cancelled = error else {
                Issue.record("expected a cancelled download, got \(result)")
                return
            }
            #expect(fixture.destinationNames().isEmpty)
        }
    }

    @Test func missingFileIsAnHTTPError() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.withServer { server in
            let files = [MNISTDownloader.File(name: "missing.gz", sha256: String(repeating: "a", count: 64))]
            let downloader = MNISTDownloader(directory: fixture.destination, mirror: server.url("files"), files: files)
            let error = await Self.failure(of: downloader)
            #expect(error == .http(url: server.url("files").appendingPathComponent("missing.gz").absoluteString, status: 404))
            #expect(error?.description == "download failed: \(server.url("files"))missing.gz answered HTTP 404")
            #expect(fixture.destinationNames().isEmpty)
        }
    }

    @Test func unreachableServerIsANetworkError() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let mirror = URL(string: "http://127.0.0.1:\(Tools.freePort())/mnist/")!
        let downloader = MNISTDownloader(directory: fixture.destination, mirror: mirror, files: fixture.files, timeout: 5)
        let error = await Self.failure(of: downloader)
        guard case let .network(url, reason) = error else { Issue.record("expected a network error, got \(String(describing: error))"); return }
        #expect(url == mirror.appendingPathComponent("a-labels.gz").absoluteString)
        #expect(reason.localizedCaseInsensitiveContains("connect"), "\(reason)")
        #expect(fixture.destinationNames().isEmpty)
    }

    @Test func unusableDirectoryIsAFilesystemError() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let mirror = URL(string: "http://127.0.0.1:\(Tools.freePort())/")!
        let underAFile = fixture.served.appendingPathComponent("a-labels.gz/inside")
        let error = await Self.failure(of: MNISTDownloader(directory: underAFile, mirror: mirror, files: fixture.files))
        #expect(error == .filesystem(path: fixture.served.appendingPathComponent("a-labels.gz").path, reason: "not a directory"))

        // A directory that cannot be written to (root writes anywhere, so this part needs another user).
        guard geteuid() != 0 else { return }
        let readOnly = fixture.served.appendingPathComponent("read-only")
        try FileManager.default.createDirectory(at: readOnly, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o555])
        let denied = await Self.failure(of: MNISTDownloader(directory: readOnly, mirror: mirror, files: fixture.files))
        guard case .filesystem = denied else { Issue.record("\(String(describing: denied))"); return }
    }

    @Test(Prerequisite.mnist.trait) func embeddedChecksumsAreTheSharedOnes() throws {
        try Prerequisite.mnist.require()
        let text = try String(contentsOf: Repository.mnist.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let listed = text.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            .map { MNISTDownloader.File(name: String($0[1]), sha256: String($0[0])) }
        #expect(Set(listed.map(\.name)) == Set(MNISTDownloader.mnistFiles.map(\.name)))
        for file in MNISTDownloader.mnistFiles { #expect(listed.contains(file)) }
        for file in MNISTDownloader.mnistFiles {
            #expect(MNISTDownloader.isValid(Repository.mnist.appendingPathComponent(file.name), sha256: file.sha256))
        }
    }
}
