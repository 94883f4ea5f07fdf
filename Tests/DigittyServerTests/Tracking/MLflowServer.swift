import Foundation
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real MLflow tracking server on a free loopback port with a SQLite store in a temporary directory,
/// started for one test and stopped after.
final class MLflowServer {
    let uri: String
    let directory: URL
    private let process: Process

    /// Why MLflow tests cannot run here, or nil when they can.
    static var unavailableReason: String? {
        ExternalTools.find("mlflow") == nil ? "skipped: the mlflow command is not installed (pip install mlflow)" : nil
    }

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-mlflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = ExternalTools.freePort()
        uri = "http://127.0.0.1:\(port)"
        process = Process()
        // setsid: its own process group, so that stopping it stops its worker processes too.
        process.executableURL = URL(fileURLWithPath: ExternalTools.find("setsid") ?? "/usr/bin/setsid")
        process.arguments = [
            ExternalTools.find("mlflow")!, "server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1",
            "--backend-store-uri", "sqlite:///" + directory.appendingPathComponent("mlflow.db").path,
            "--artifacts-destination", directory.appendingPathComponent("artifacts").path,
        ]
        process.currentDirectoryURL = directory
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardOutput = log
        process.standardError = log
        try process.run()
        // Wait (up to 120 s: the first start creates the database) until the server answers.
        for _ in 0..<600 {
            if let (data, response) = try? await URLSession.shared.data(from: URL(string: uri + "/health")!),
               (response as? HTTPURLResponse)?.statusCode == 200, !data.isEmpty {
                return
            }
            guard process.isRunning else { throw MLflowServerError.exited(process.terminationStatus) }
            try await Task.sleep(for: .milliseconds(200))
        }
        stop()
        throw MLflowServerError.didNotStart
    }

    func stop() {
        if process.isRunning {
            kill(-process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// GET `/api/2.0/mlflow/<path>` as JSON.
    func get(_ path: String) async throws -> [String: Any] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: uri + "/api/2.0/mlflow/" + path)!)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The bytes of a run's artifact, downloaded through the artifact proxy.
    func artifact(experimentID: String, runID: String, path: String) async throws -> Data {
        let url = URL(string: uri + "/api/2.0/mlflow-artifacts/artifacts/\(experimentID)/\(runID)/artifacts/\(path)")!
        return try await URLSession.shared.data(from: url).0
    }
}

enum MLflowServerError: Error { case didNotStart, exited(Int32) }
