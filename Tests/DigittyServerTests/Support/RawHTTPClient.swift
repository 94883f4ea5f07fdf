import DigittyTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client for requests URLSession cannot make: bodies sent slowly or in parts, lying headers.
final class RawHTTPClient: @unchecked Sendable {
    private let socketDescriptor: Int32

    /// Connects to the loopback port `port`; a read gives up after `receiveTimeout` seconds without a byte.
    init(port: Int, receiveTimeout: Int = 30) throws {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw RawHTTPError.socket }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(socketDescriptor)
            throw RawHTTPError.connect
        }
    }

    deinit { close(socketDescriptor) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Glibc.send(socketDescriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return }
                offset += sent
            }
        }
    }

    /// Reads, on a thread of its own, until the response's headers and `Content-Length` body have arrived
    /// (or the peer closes); returns the status code and the body.
    func readResponse() async -> (status: Int, body: String)? {
        (try? await offPool { self.readResponseBlocking() }) ?? nil
    }

    /// Closes the sending side (the server sees the end of the input), keeping the receiving side open.
    func closeOutput() { shutdown(socketDescriptor, Int32(SHUT_WR)) }

    /// Reads, on a thread of its own, everything the peer sends until it closes the connection (or the receive
    /// timeout passes without a byte).
    func readUntilClosed() async -> [UInt8] {
        (try? await offPool { self.readUntilClosedBlocking().bytes }) ?? []
    }

    /// Everything the peer sends until it closes the connection (`closed`: by a FIN or a reset), or until the
    /// receive timeout passes without a byte (`closed` false).
    func readUntilClosedBlocking() -> (bytes: [UInt8], closed: Bool) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socketDescriptor, &chunk, chunk.count, 0)
            if count == 0 { return (received, true) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { return (received, errno != EAGAIN && errno != EWOULDBLOCK) }
            received += chunk[0..<count]
        }
    }

    private func readResponseBlocking() -> (status: Int, body: String)? {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socketDescriptor, &chunk, chunk.count, 0)
            if count <= 0 { break }
            received += chunk[0..<count]
            let text = String(decoding: received, as: UTF8.self)
            if let headerEnd = text.range(of: "\r\n\r\n") {
                let head = text[..<headerEnd.lowerBound].lowercased()
                if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                   let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
                   text.utf8.count - text[..<headerEnd.upperBound].utf8.count >= length {
                    break
                }
            }
        }
        let text = String(decoding: received, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body)
    }
}

enum RawHTTPError: Error { case socket, connect }
