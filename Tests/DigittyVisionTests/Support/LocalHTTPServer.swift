import Foundation

/// A small HTTP server on 127.0.0.1 (Python's http.server) serving the files of one directory:
/// `/files/NAME` serves NAME; `/truncate/NAME` promises all of NAME but sends half and hangs up; anything else is 404.
final class LocalHTTPServer {
    let directory: URL
    let port: Int
    private let process: Process

    static let script = #"""
    import http.server, os, sys

    root = sys.argv[1]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            parts = self.path.strip("/").split("/")
            path = os.path.join(root, parts[-1])
            if len(parts) != 2 or parts[0] not in ("files", "truncate") or not os.path.isfile(path):
                self.send_error(404)
                return
            data = open(path, "rb").read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if parts[0] == "files":
                self.wfile.write(data)
            else:
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#

    /// Starts the server, or returns nil (with the reason) when python3 is not available.
    static func start(serving directory: URL) -> LocalHTTPServer? {
        let scriptURL = directory.appendingPathComponent("server.py")
        let process = Process()
        let output = Pipe()
        do {
            try script.write(to: scriptURL, atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", scriptURL.path, directory.path]
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
        } catch {
            print("skipped: cannot start python3 for a local HTTP server (\(error))")
            return nil
        }
        var line = Data()
        while !line.contains(0x0a) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break } // python exited
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            print("skipped: python3 did not start the local HTTP server")
            return nil
        }
        return LocalHTTPServer(directory: directory, port: port, process: process)
    }

    private init(directory: URL, port: Int, process: Process) {
        self.directory = directory
        self.port = port
        self.process = process
    }

    func url(_ mode: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)/\(mode)/")!
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
