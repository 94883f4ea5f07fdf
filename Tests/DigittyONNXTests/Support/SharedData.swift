import Foundation

/// The project's shared test data (`../shared` beside the package), which is not part of the repository.
enum SharedData {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")

    /// A folder or file under `../shared`, or nil (with a note on why the test is skipped) when absent.
    static func path(_ relative: String) -> URL? {
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("SKIPPED: \(url.path) is absent (the shared test data lives beside the package, in ../shared)")
            return nil
        }
        return url
    }
}
