import Foundation

/// The project's Python for cross-checks: `.venv/bin/python` (made by `.ci/setup tests`), else `python3` on the
/// PATH. Debian's own python3 is externally managed (PEP 668), so test packages live in the project's .venv.
public enum Python {
    /// The interpreter's path, or nil when there is none.
    public static let executable: String? = {
        let venv = Repository.root.appendingPathComponent(".venv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return Tools.find("python3")
    }()

    /// Whether the interpreter imports every module in `modules`.
    public static func has(_ modules: [String]) -> Bool {
        guard let executable else { return false }
        let probe = modules.map { "import \($0)" }.joined(separator: "; ")
        return (try? Tools.run(executable, ["-c", probe]).status) == 0
    }

    /// A prerequisite on Python modules (pip package names may differ: say them in `install`).
    public static func prerequisite(_ modules: [String], install: String? = nil) -> Prerequisite {
        Prerequisite(isMet: has(modules),
                     reason: "the project's Python (.venv) cannot import \(modules.joined(separator: ", ")) "
                         + "(run: bash .ci/setup tests\(install.map { "; packages: \($0)" } ?? ""))")
    }

    /// Runs Python with `arguments`; returns standard output, or throws with standard error on failure.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String]? = nil) throws -> String {
        guard let executable else { throw Tools.Failure("no Python: run bash .ci/setup tests") }
        let result = try Tools.run(executable, arguments, environment: environment)
        guard result.status == 0 else {
            throw Tools.Failure("python \(arguments.first ?? "") exited \(result.status): \(result.errors.suffix(800))")
        }
        return result.output
    }

    /// Runs a script given as text, with arguments.
    @discardableResult
    public static func run(script: String, arguments: [String] = []) throws -> String {
        try run(["-c", script] + arguments)
    }
}
