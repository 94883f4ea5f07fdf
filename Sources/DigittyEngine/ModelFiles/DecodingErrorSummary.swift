/// A `DecodingError` in a few words, naming the JSON path (`[2].filters`): what a model file's metadata gets
/// wrong, without Swift's debug text (`keyNotFound(CodingKeys(stringValue: …`).
extension DecodingError {
    package var summary: String {
        switch self {
        case let .keyNotFound(key, context):
            let place = Self.place(context.codingPath, "")
            return (place.isEmpty ? "" : place + " ") + "'\(key.stringValue)' is missing"
        case let .typeMismatch(type, context):
            return "\(Self.place(context.codingPath, "the value")) is not \(Self.kind(type))"
        case let .valueNotFound(type, context):
            return "\(Self.place(context.codingPath, "the value")) is null, not \(Self.kind(type))"
        case let .dataCorrupted(context):
            // At the top level: the text is no JSON at all. Below it: a value a decoder refused, and why.
            guard !context.codingPath.isEmpty else { return "it is not valid JSON" }
            return "\(Self.place(context.codingPath, "")): \(context.debugDescription)"
        @unknown default:
            return "it cannot be decoded"
        }
    }

    /// `[2].filters`-style text for a coding path, or `empty` for the top level.
    private static func place(_ path: [any CodingKey], _ empty: String) -> String {
        guard !path.isEmpty else { return empty }
        let text = path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }

    private static func kind(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Float.Type, is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: type is any Collection.Type ? "a list" : "an object"
        }
    }
}
