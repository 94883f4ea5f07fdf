import Foundation

/// Where digitty keeps what a person made: `$XDG_DATA_HOME/digitty`, or `~/.local/share/digitty` when
/// XDG_DATA_HOME is unset or relative (as the XDG base-directory specification says).
public enum UserData {
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        xdgBase("XDG_DATA_HOME", default: ".local/share", environment: environment).appendingPathComponent("digitty", isDirectory: true)
    }

    /// An XDG base directory: `$variable` when it is an absolute path, else `default` under the home directory.
    static func xdgBase(_ variable: String, default relative: String, environment: [String: String]) -> URL {
        if let xdg = environment[variable], xdg.hasPrefix("/") { return URL(fileURLWithPath: xdg, isDirectory: true) }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(relative, isDirectory: true)
    }

    /// The drawings the app saves when taught (`DrawingStore`).
    public static func drawings(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        directory(environment: environment).appendingPathComponent("drawings", isDirectory: true)
    }

    /// The model `digitty tune` writes.
    public static func personalModel(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        directory(environment: environment).appendingPathComponent("models/personal.safetensors")
    }
}
