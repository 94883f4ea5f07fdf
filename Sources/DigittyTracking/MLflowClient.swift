import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small client for MLflow's tracking REST API (`/api/2.0/mlflow/…`) and its artifact proxy
/// (`/api/2.0/mlflow-artifacts/…`). Every call either succeeds or throws an `MLflowError`; the
/// forgiving, warn-once behaviour training wants lives in `ExperimentTracker`.
public struct MLflowClient: Sendable {
    /// The tracking server, e.g. `http://127.0.0.1:5000`.
    public let trackingURI: URL
    private let session: URLSession

    /// A client for the server at `trackingURI` (`http://` or `https://`); requests time out after `timeout` seconds.
    public init(trackingURI: String, timeout: TimeInterval = 15) throws(MLflowError) {
        var text = trackingURI.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              url.host != nil else {
            throw .badTrackingURI(trackingURI)
        }
        self.trackingURI = url
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout * 8
        self.session = URLSession(configuration: configuration)
    }

    /// The id of the experiment called `name`, created if it does not exist yet.
    public func experimentID(named name: String) async throws(MLflowError) -> String {
        let endpoint = "experiments/get-by-name"
        var components = URLComponents(url: api(endpoint), resolvingAgainstBaseURL: false)
        components?.queryItems = [URLQueryItem(name: "experiment_name", value: name)]
        let (status, body) = try await send(method: "GET", url: components?.url ?? api(endpoint), body: nil, endpoint: endpoint)
        if status == 200 {
            let found: ExperimentResponse = try decode(body, endpoint: endpoint)
            return found.experiment.experimentId
        }
        guard status == 404 || isResourceMissing(body) else {
            throw .httpStatus(endpoint: endpoint, status: status, body: String(decoding: body, as: UTF8.self))
        }
        let created: CreateExperimentResponse = try await post("experiments/create", CreateExperimentRequest(name: name))
        return created.experimentId
    }

    /// Starts a run in an experiment and returns its id and artifact location.
    public func createRun(experimentID: String, name: String, tags: [String: String] = [:],
                          startTime: Date = Date()) async throws(MLflowError) -> RunInfo {
        let request = CreateRunRequest(experimentId: experimentID, runName: name, startTime: milliseconds(startTime),
                                       tags: tags.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: $0.value) })
        let response: CreateRunResponse = try await post("runs/create", request)
        return response.run.info
    }

    /// Logs parameters, metrics and tags of a run in one request (MLflow's `runs/log-batch`).
    /// MLflow accepts at most 100 params and 1,000 metrics per call; larger batches are split.
    public func logBatch(runID: String, params: [String: String] = [:], metrics: [Metric] = [],
                         tags: [String: String] = [:]) async throws(MLflowError) {
        let paramList = params.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: String($0.value.prefix(6000))) }
        let tagList = tags.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: $0.value) }
        var paramChunks = stride(from: 0, to: paramList.count, by: 100).map { Array(paramList[$0..<min($0 + 100, paramList.count)]) }
        var metricChunks = stride(from: 0, to: metrics.count, by: 1000).map { Array(metrics[$0..<min($0 + 1000, metrics.count)]) }
        var first = true
        while first || !paramChunks.isEmpty || !metricChunks.isEmpty {
            let request = LogBatchRequest(runId: runID,
                                          params: paramChunks.isEmpty ? [] : paramChunks.removeFirst(),
                                          metrics: metricChunks.isEmpty ? [] : metricChunks.removeFirst(),
                                          tags: first ? tagList : [])
            let _: Empty = try await post("runs/log-batch", request)
            first = false
        }
    }

    /// Marks a run as ended with `status`.
    public func endRun(runID: String, status: RunStatus, endTime: Date = Date()) async throws(MLflowError) {
        let _: Empty = try await post("runs/update", UpdateRunRequest(runId: runID, status: status.rawValue,
                                                                        endTime: milliseconds(endTime)))
    }

    /// Uploads `data` as the artifact `path` (e.g. `model/simple.safetensors`) of a run whose artifacts the
    /// server proxies, under `location` (the run's `mlflow-artifacts:` URI less its scheme, e.g. `1/abc/artifacts`).
    func uploadArtifact(_ data: Data, path: String, proxiedLocation location: String) async throws(MLflowError) {
        let endpoint = "mlflow-artifacts/artifacts"
        let relative = (location.split(separator: "/") + path.split(separator: "/")).map {
            $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? String($0)
        }.joined(separator: "/")
        guard let url = URL(string: trackingURI.absoluteString + "/api/2.0/mlflow-artifacts/artifacts/" + relative) else {
            throw .badResponse(endpoint: endpoint, detail: "cannot form an upload URL for \(path)")
        }
        let (status, body) = try await send(method: "PUT", url: url, body: data, endpoint: endpoint,
                                            contentType: "application/octet-stream")
        guard (200..<300).contains(status) else {
            throw .httpStatus(endpoint: endpoint, status: status, body: String(decoding: body, as: UTF8.self))
        }
    }

    // MARK: - Transport

    private func api(_ endpoint: String) -> URL {
        trackingURI.appendingPathComponent("api/2.0/mlflow").appendingPathComponent(endpoint)
    }

    private func post<Request: Encodable, Response: Decodable>(_ endpoint: String, _ request: Request) async throws(MLflowError) -> Response {
        let body: Data
        do {
            body = try JSONEncoder.mlflow.encode(request)
        } catch {
            throw .badResponse(endpoint: endpoint, detail: "cannot encode the request: \(error)")
        }
        let (status, answer) = try await send(method: "POST", url: api(endpoint), body: body, endpoint: endpoint)
        guard (200..<300).contains(status) else {
            throw .httpStatus(endpoint: endpoint, status: status, body: String(decoding: answer, as: UTF8.self))
        }
        return try decode(answer, endpoint: endpoint)
    }

    private func send(method: String, url: URL, body: Data?, endpoint: String,
                      contentType: String = "application/json") async throws(MLflowError) -> (Int, Data) {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        if body != nil { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else {
                throw MLflowError.badResponse(endpoint: endpoint, detail: "not an HTTP response")
            }
            return (http.statusCode, data)
        } catch let error as MLflowError {
            throw error
        } catch {
            throw .unreachable(url: trackingURI.absoluteString, reason: error.localizedDescription)
        }
    }

    private func decode<Response: Decodable>(_ data: Data, endpoint: String) throws(MLflowError) -> Response {
        if Response.self == Empty.self, let empty = Empty() as? Response { return empty }
        do {
            return try JSONDecoder.mlflow.decode(Response.self, from: data)
        } catch {
            throw .badResponse(endpoint: endpoint, detail: "\(error) in \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
    }

    private func isResourceMissing(_ body: Data) -> Bool {
        String(decoding: body, as: UTF8.self).contains("RESOURCE_DOES_NOT_EXIST")
    }

    private func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

extension MLflowClient {
    /// One metric value at a step (an epoch, for training).
    public struct Metric: Codable, Sendable, Equatable {
        public var key: String
        public var value: Double
        public var timestamp: Int64
        public var step: Int

        public init(key: String, value: Double, step: Int, date: Date = Date()) {
            self.key = key
            self.value = value.isFinite ? value : 0
            self.timestamp = Int64((date.timeIntervalSince1970 * 1000).rounded())
            self.step = step
        }
    }

    /// How a run ended.
    public enum RunStatus: String, Sendable {
        case finished = "FINISHED"
        case failed = "FAILED"
        case killed = "KILLED"
    }

    /// What MLflow says about a run it created.
    public struct RunInfo: Decodable, Sendable {
        public var runId: String
        public var experimentId: String
        public var artifactUri: String
    }

    struct KeyValue: Codable { var key: String; var value: String }
    struct Empty: Codable {}
    struct ExperimentResponse: Decodable { struct Experiment: Decodable { var experimentId: String }; var experiment: Experiment }
    struct CreateExperimentRequest: Encodable { var name: String }
    struct CreateExperimentResponse: Decodable { var experimentId: String }
    struct CreateRunRequest: Encodable {
        var experimentId: String
        var runName: String
        var startTime: Int64
        var tags: [KeyValue]
    }
    struct CreateRunResponse: Decodable { struct Run: Decodable { var info: RunInfo }; var run: Run }
    struct LogBatchRequest: Encodable {
        var runId: String
        var params: [KeyValue]
        var metrics: [Metric]
        var tags: [KeyValue]
    }
    struct UpdateRunRequest: Encodable { var runId: String; var status: String; var endTime: Int64 }
}

extension JSONEncoder {
    fileprivate static var mlflow: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}

extension JSONDecoder {
    fileprivate static var mlflow: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
