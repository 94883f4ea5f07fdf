import DigittyTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real MLflow tracking server on a free loopback port with a SQLite store in a temporary directory,
/// started for one test and stopped after. Its artifacts are served through its proxy (`mlflow-artifacts:` URIs,
/// stored under `--artifacts-destination`), or, given `defaultArtifactRoot`, handed out as plain paths under it
/// (`--default-artifact-root`, which the server never writes to itself).
final class MLflowServer {
    let uri: String
    let directory: URL
    private let process: Process

    /// The `mlflow` command (in the project's .venv).
    static let prerequisite = Prerequisite.program("mlflow", install: "bash .ci/setup tests")

    init(defaultArtifactRoot: URL? = nil) async throws {
        try Self.prerequisite.require()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("digitty-mlflow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = Tools.freePort()
        uri = "http://127.0.0.1:\(port)"
        process = Process()
        // setsid: its own process group, so that stopping it stops its worker processes too.
        process.executableURL = URL(fileURLWithPath: Tools.find("setsid") ?? "/usr/bin/setsid")
        process.arguments = [
            "--wait", Tools.find("mlflow") ?? "mlflow", "server", "--host", "127.0.0.1", "--port", String(port), "--workers", "1",
            "--backend-store-uri", "sqlite:///" + directory.appendingPathComponent("mlflow.db").path,
        ] + (defaultArtifactRoot.map { ["--default-artifact-root", $0.path] }
             ?? ["--artifacts-destination", directory.appendingPathComponent("artifacts").path])
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"  // no background job workers: a plain tracking server
        process.environment = environment
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

    /// Stops the server and every process it started (it runs them in its own session; `setsid --wait`
    /// stays as its parent), asking first and killing after five seconds.
    func stop() {
        if process.isRunning, let group = sessionLeader() {
            kill(-group, SIGTERM)
            for _ in 0..<50 where process.isRunning { usleep(100_000) }
            if process.isRunning { kill(-group, SIGKILL) }
        }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The pid of mlflow itself: the child of `setsid`, leader of its own process group.
    private func sessionLeader() -> pid_t? {
        let parent = process.processIdentifier
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, pid_t(fields[1]) == parent { return pid }
        }
        return nil
    }

    /// GET `/api/2.0/mlflow/<path>` as JSON.
    func get(_ path: String) async throws -> [String: Any] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: uri + "/api/2.0/mlflow/" + path)!)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// POST `/api/2.0/mlflow/<path>` with a JSON body, answered as JSON.
    func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: uri + "/api/2.0/mlflow/" + path)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, _) = try await URLSession.shared.data(for: request)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// A run as the REST API describes it (`runs/get`).
    func run(_ id: String) async throws -> MLflowRun {
        try MLflowRun(try await get("runs/get?run_id=\(id)")["run"] as? [String: Any] ?? [:])
    }

    /// The runs of the experiment called `experiment`, by run name (`runs/search`).
    func runs(inExperiment experiment: String) async throws -> [String: MLflowRun] {
        let found = try await get("experiments/get-by-name?experiment_name=\(experiment)")
        guard let id = (found["experiment"] as? [String: Any])?["experiment_id"] as? String else { return [:] }
        let runs = try await post("runs/search", ["experiment_ids": [id]])["runs"] as? [[String: Any]] ?? []
        return try Dictionary(runs.map(MLflowRun.init).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A metric's values by step, in step order (`metrics/get-history`).
    func history(runID: String, metric: String) async throws -> [(step: Int, value: Double)] {
        let history = try await get("metrics/get-history?run_id=\(runID)&metric_key=\(metric)")
        return (history["metrics"] as? [[String: Any]] ?? []).map { ($0["step"] as? Int ?? -1, $0["value"] as? Double ?? .nan) }
            .sorted { $0.step < $1.step }
    }

    /// The files of a run's artifact directory `path` (`artifacts/list`).
    func artifacts(runID: String, path: String) async throws -> [String] {
        let listing = try await get("artifacts/list?run_id=\(runID)&path=\(path)")
        return (listing["files"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
    }

    /// The bytes of a run's artifact, downloaded through the artifact proxy.
    func artifact(experimentID: String, runID: String, path: String) async throws -> Data {
        let url = URL(string: uri + "/api/2.0/mlflow-artifacts/artifacts/\(experimentID)/\(runID)/artifacts/\(path)")!
        return try await URLSession.shared.data(from: url).0
    }
}

enum MLflowServerError: Error { case didNotStart, exited(Int32), notARun }

/// What MLflow's REST API says about one run: its info, params, tags and latest metric values.
struct MLflowRun {
    let id: String
    let name: String
    let experimentID: String
    let status: String
    let params: [String: String]
    let tags: [String: String]
    let metrics: [String: Double]

    init(_ run: [String: Any]) throws {
        guard let info = run["info"] as? [String: Any], let id = info["run_id"] as? String else { throw MLflowServerError.notARun }
        let data = run["data"] as? [String: Any] ?? [:]
        func pairs(_ key: String) -> [String: String] {
            Dictionary((data[key] as? [[String: Any]] ?? []).compactMap { entry in
                (entry["key"] as? String).map { ($0, entry["value"] as? String ?? "") }
            }, uniquingKeysWith: { $1 })
        }
        self.id = id
        name = info["run_name"] as? String ?? ""
        experimentID = info["experiment_id"] as? String ?? ""
        status = info["status"] as? String ?? ""
        params = pairs("params")
        tags = pairs("tags")
        metrics = Dictionary((data["metrics"] as? [[String: Any]] ?? []).compactMap { entry in
            (entry["key"] as? String).map { ($0, entry["value"] as? Double ?? .nan) }
        }, uniquingKeysWith: { $1 })
    }
}
