/// Why MNIST data could not be read.
public enum MNISTError: Error, Equatable, CustomStringConvertible {
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// None of the usual names for a split's file exists in the directory.
    case missingFile(directory: String, names: [String])
    /// An IDX file is damaged or not the kind expected; `file` names it.
    case invalid(file: String, reason: String)
    /// The images and labels of a split disagree.
    case mismatch(String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read \(path): \(reason)"
        case let .missingFile(directory, names):
            return "MNIST data not found: none of \(names.joined(separator: ", ")) in \(directory) "
                + "(run `digitty data fetch`, or pass --data DIR / set DIGITTY_DATA)"
        case let .invalid(file, reason):
            return "\(file): \(reason)"
        case let .mismatch(reason):
            return "MNIST data does not match: \(reason)"
        }
    }
}
