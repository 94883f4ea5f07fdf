import DigittyTestSupport
import Foundation

extension DigittyBinary {
    /// `digitty serve --port 0 arguments…` serving model "alpha", once it prints the address it serves on.
    static func serve(_ arguments: [String] = []) async throws -> (serve: DigittyBinary, base: URL) {
        let (directory, model) = try TestModels.alphaFile()
        defer { try? FileManager.default.removeItem(at: directory) }
        let serve = try DigittyBinary(["serve", "--port", "0", "--model", model.path] + arguments)
        guard try await serve.waitFor("/\n", seconds: 60),
              let line = serve.stdout.split(separator: "\n").first(where: { $0.hasPrefix("digitty serving alpha on ") }),
              let base = URL(string: String(line.split(separator: " ").last ?? "")) else {
            throw DigittyBinaryError.noServingLine(serve.stdout + serve.stderr)
        }
        return (serve, base)
    }
}

enum DigittyBinaryError: Error { case noServingLine(String) }
