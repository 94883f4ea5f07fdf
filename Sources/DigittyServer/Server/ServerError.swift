/// Why `PredictionServer.run` could not serve, in one line (e.g. "Address already in use" for a taken port).
public enum ServerError: Error, CustomStringConvertible {
    case system(String)

    public var description: String {
        switch self {
        case .system(let message): message
        }
    }
}
