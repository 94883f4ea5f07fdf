/// A problem the app reports on its status line (or, before the screen starts, on stderr).
public struct AppError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
