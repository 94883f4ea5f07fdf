import ArgumentParser
import DigittyServer
import Foundation

/// `digitty serve`: the prediction API and the drawing page over HTTP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve predictions over HTTP (POST /predict) and the drawing page (GET /).",
        discussion: """
        Endpoints: POST /predict (a PNG or PGM body, or JSON {"pixels": [784 numbers 0-255]} or \
        {"image": "<base64 PNG>"}, optional ?model=NAME), GET /models, GET /healthz, GET /metrics (Prometheus), \
        GET / (the page). Stops gracefully on SIGINT or SIGTERM.
        """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free port, printed at start).")
    var port = 8080

    @Option(name: .customLong("model"), help: "A model file to serve (repeat for several; the first is the default).")
    var models: [String] = []

    @OptionGroup var scalingOptions: ScalingOptions

    @Option(help: "Largest request body in bytes.")
    var maxBody = ServerLimits().maxBodyBytes

    @Option(help: "Largest number of predictions running at once (more are answered 503).")
    var maxConcurrent = ServerLimits().maxConcurrentPredictions

    @Option(help: "Seconds a request may take to arrive, from its first byte to the end of its body (then 408).")
    var timeout = 10.0

    @Option(help: "Seconds a new connection may wait before sending its first byte (then it is closed).")
    var firstByteTimeout = 10.0

    @Option(help: "Seconds a keep-alive connection may wait between requests (then it is closed).")
    var idleTimeout = 60.0

    @Option(help: "Largest number of open connections; beyond it the connection idle the longest is closed.")
    var maxConnections = ServerLimits().maxConnections

    @Option(help: "Threads handling connections, predictions included (default: one per core).")
    var ioThreads: Int?

    @Flag(help: "Log only warnings and errors (no access log).")
    var quiet = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        guard maxBody > 0, maxConcurrent > 0, maxConnections > 0, (1...64).contains(ioThreads ?? 1) else {
            throw ValidationError("--max-body, --max-concurrent and --max-connections must be positive, --io-threads 1…64")
        }
        for (name, seconds) in [("--timeout", timeout), ("--first-byte-timeout", firstByteTimeout), ("--idle-timeout", idleTimeout)]
        where !(seconds > 0 && seconds <= 86_400) {
            throw ValidationError("\(name) must be more than 0 and at most 86400 seconds")
        }
    }

    func run() async throws {
        let catalog: ModelCatalog
        let scaling = try scalingOptions.parsed()
        do {
            catalog = try ModelCatalog.load(paths: models.isEmpty ? ModelLocator.defaultModel().map { [$0.path] } ?? [] : models,
                                            scaling: scaling)
        } catch {
            throw CLIError("\(error)")
        }
        var limits = ServerLimits()
        limits.maxBodyBytes = maxBody
        limits.maxConcurrentPredictions = maxConcurrent
        limits.requestTimeout = .milliseconds(Int64(timeout * 1000))
        limits.firstByteTimeout = .milliseconds(Int64(firstByteTimeout * 1000))
        limits.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        limits.maxConnections = maxConnections
        let server = PredictionServer(catalog: catalog, limits: limits)
        let host = self.host
        let names = catalog.names.joined(separator: ", ")
        let address = host.contains(":") ? "[\(host)]" : host
        do {
            try await server.run(host: host, port: port, ioThreads: ioThreads, logLevel: quiet ? .warning : .info) { bound in
                FileHandle.standardOutput.write(Data("digitty serving \(names) on http://\(address):\(bound)/\n".utf8))
            }
        } catch {
            throw CLIError("cannot serve on \(address):\(port): \(error)")  // e.g. the port is taken
        }
    }
}
