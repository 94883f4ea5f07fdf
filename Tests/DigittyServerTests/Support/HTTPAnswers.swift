import Foundation

/// HTTP/1.1 answers with a `Content-Length`, taken one after another from the bytes of a connection.
struct HTTPAnswers: CustomStringConvertible {
    let status: Int
    /// Header names lowercased.
    let headers: [String: String]
    let body: String

    var description: String { "\(status) \(body.prefix(80))" }

    static func split(_ bytes: [UInt8]) -> [HTTPAnswers] {
        var answers: [HTTPAnswers] = []
        var rest = bytes[...]
        let separator = Array("\r\n\r\n".utf8)
        while let headEnd = rest.firstRange(of: separator) {
            let head = String(decoding: rest[..<headEnd.lowerBound], as: UTF8.self).split(separator: "\r\n")
            var headers: [String: String] = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "") ?? 0
            let bodyStart = headEnd.upperBound
            guard let status = head.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }),
                  rest.distance(from: bodyStart, to: rest.endIndex) >= length else { break }
            let bodyEnd = rest.index(bodyStart, offsetBy: length)
            answers.append(HTTPAnswers(status: status, headers: headers, body: String(decoding: rest[bodyStart..<bodyEnd], as: UTF8.self)))
            rest = rest[bodyEnd...]
        }
        return answers
    }
}
