import Foundation

/// Where digitty looks for the MNIST files: `--data DIR` if given, else the `DIGITTY_DATA` environment variable,
/// else the per-user cache directory that `digitty data fetch` fills.
public enum MNISTLocation {
    /// The data directory to use. `explicit` is the `--data` option, if any.
    public static func resolve(explicit: String? = nil,
                               environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: explicit, isDirectory: true) }
        if let variable = environment["DIGITTY_DATA"], !variable.isEmpty { return URL(fileURLWithPath: variable, isDirectory: true) }
        return cacheDirectory(environment: environment)
    }

    /// `$XDG_CACHE_HOME/digitty/mnist`, or `~/.cache/digitty/mnist` when XDG_CACHE_HOME is unset or relative.
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        UserData.xdgBase("XDG_CACHE_HOME", default: ".cache", environment: environment)
            .appendingPathComponent("digitty", isDirectory: true).appendingPathComponent("mnist", isDirectory: true)
    }
}
