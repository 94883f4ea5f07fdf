import DigittyEngine
import Foundation

/// Where an MLflow run keeps its artifacts, as the run's artifact URI says. `mlflow server` proxies artifacts
/// by default (`mlflow-artifacts:` URIs, uploaded over HTTP); started with `--default-artifact-root /some/dir`
/// it hands out a plain path instead, which MLflow's own clients write into directly.
enum ArtifactLocation: Equatable {
    /// Served by the tracking server's artifact proxy, under this path (e.g. `1/abc/artifacts`).
    case proxied(path: String)
    /// A directory on a file system (a plain absolute path or a `file:` URI).
    case directory(URL)
    /// A store that only MLflow's own clients write to (`s3:`, `gs:`, `hdfs:`…).
    case unsupported(String)

    init(artifactURI: String) {
        if artifactURI.hasPrefix("mlflow-artifacts:") {
            // mlflow-artifacts:/1/abc/artifacts or mlflow-artifacts://host/1/abc/artifacts → 1/abc/artifacts
            var location = String(artifactURI.dropFirst("mlflow-artifacts:".count))
            if location.hasPrefix("//") {
                location = String(location.dropFirst(2))
                location = location.firstIndex(of: "/").map { String(location[$0...]) } ?? ""
            }
            self = .proxied(path: location.split(separator: "/").joined(separator: "/"))
        } else if artifactURI.hasPrefix("/") {
            self = .directory(URL(fileURLWithPath: artifactURI))
        } else if artifactURI.hasPrefix("file:"), let url = URL(string: artifactURI), url.isFileURL, url.path.hasPrefix("/") {
            self = .directory(URL(fileURLWithPath: url.path))
        } else {
            self = .unsupported(artifactURI)
        }
    }

    /// Copies `data` to `path` (e.g. `model/simple.safetensors`) under the directory, creating what is missing;
    /// written atomically, as the model files are.
    static func write(_ data: Data, path: String, into directory: URL) throws(MLflowError) {
        let file = path.split(separator: "/").reduce(directory) { $0.appendingPathComponent(String($1)) }
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.write(data, to: file)
        } catch {
            throw .unwritableArtifact(path: file.path, reason: error.localizedDescription)
        }
    }
}
