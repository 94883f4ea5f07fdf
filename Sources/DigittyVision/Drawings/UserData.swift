import Foundation

/// Where digitty keeps what a person made: `$XDG_DATA_HOME/digitty`, or `~/.local/share/digitty` when
/// XDG_DATA_HOME is unset or relative (as the XDG base-directory specification says).
public enum UserData {
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".local/share", isDirectory: true)
        }
        return base.appendingPathComponent("digitty", isDirectory: true)
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
