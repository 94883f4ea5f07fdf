import Foundation

/// Finds the models digitty ships (`Models/` in the source tree) from any working directory.
///
/// Order: the `DIGITTY_MODELS` environment variable (a directory), then a `Models` folder beside or above the
/// running executable, then the `Models` folder of the source tree this library was built from.
public enum ModelLocator {
    /// The file name of the default model inside the models directory.
    public static let defaultModelFileName = "default.safetensors"

    /// The directory holding the shipped models, or nil if none is found.
    public static func modelsDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let override = environment["DIGITTY_MODELS"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        var candidates: [URL] = []
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent("Models"))
            candidates.append(directory.appendingPathComponent("share/digitty/Models"))
            directory = directory.deletingLastPathComponent()
        }
        // Sources/DigittyEngine/ModelFiles/ModelLocator.swift → the package root.
        let sourceRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(sourceRoot.appendingPathComponent("Models"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(defaultModelFileName).path) }
    }

    /// The model to use when none is named: `DIGITTY_MODEL` if set, else the shipped default.
    public static func defaultModel(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        if let path = environment["DIGITTY_MODEL"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return modelsDirectory(environment: environment)?.appendingPathComponent(defaultModelFileName)
    }

    /// Every model file in the models directory (`.safetensors` and `.onnx`), the default first, then by name.
    public static func shippedModels(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        guard let directory = modelsDirectory(environment: environment),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".safetensors") || $0.hasSuffix(".onnx") }
            .sorted { ($0 == defaultModelFileName ? 0 : 1, $0) < ($1 == defaultModelFileName ? 0 : 1, $1) }
            .map { directory.appendingPathComponent($0) }
    }
}
