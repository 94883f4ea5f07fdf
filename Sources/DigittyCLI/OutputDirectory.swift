import Foundation

/// Creating the directories that training writes into, with errors that say which path is in the way and why
/// (Foundation on Linux reports a file in the way as "A file with the same name already exists").
enum OutputDirectory {
    /// Creates `directory` and its missing parents.
    static func create(_ directory: URL) throws {
        var ancestor = directory.standardizedFileURL
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory), ancestor.path != "/" {
            ancestor.deleteLastPathComponent()
        }
        guard isDirectory.boolValue else {
            throw CLIError("cannot write into \(directory.path): \(ancestor.path) is a file, not a directory")
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.localizedDescription
            throw CLIError("cannot create the directory \(directory.path): \(reason ?? error.localizedDescription)")
        }
    }
}
