import NIOHTTP1

/// The server's endpoints: the paths it knows and the methods each allows.
enum Route: Equatable {
    /// `POST /predict`.
    case predict
    /// `GET /models`.
    case models
    /// `GET /healthz`.
    case health
    /// `GET /metrics`.
    case metrics
    /// `GET` one of the drawing page's files (an index into `WebPage.assets`).
    case asset(Int)

    /// The route of `path`, or nil for a path the server does not know.
    init?(path: String) {
        switch path {
        case "/predict": self = .predict
        case "/models": self = .models
        case "/healthz": self = .health
        case "/metrics": self = .metrics
        default:
            guard let index = WebPage.assets.firstIndex(where: { $0.path == path }) else { return nil }
            self = .asset(index)
        }
    }

    /// The methods the route answers (`HEAD` wherever `GET` is).
    var allowedMethods: [HTTPMethod] { self == .predict ? [.POST] : [.GET, .HEAD] }

    /// Whether the route answers `method` (without building `allowedMethods`: it is asked on every request).
    func allows(_ method: HTTPMethod) -> Bool { self == .predict ? method == .POST : method == .GET || method == .HEAD }

    /// Every known path, for the metrics' labels.
    static let paths: Set<String> = Set(["/predict", "/models", "/healthz", "/metrics"] + WebPage.assets.map(\.path))
}
