import DigittyVision
import Foundation

/// Turns a `POST /predict` body into a grey image, whatever form it came in:
/// a PNG or PGM file, JSON `{"pixels": [784 numbers 0–255]}` (white ink on black, row-major), or
/// JSON `{"image": "<base64 PNG or PGM>"}`. Every bad body becomes a 4xx `APIError`.
public enum ImageRequest {
    /// Decodes `body`, using `contentType` (the header's media type, lowercased, without parameters) to
    /// choose JSON or an image file. A missing type, or the form type `curl --data-binary` sends by default,
    /// is recognised by the first bytes.
    public static func image(from body: [UInt8], contentType: String?, limits: ServerLimits) throws(APIError) -> GrayImage {
        try image(of: upload(from: body, contentType: contentType), limits: limits)
    }

    /// What `body` holds, its JSON read but no image decoded: the cheap first half of `image(from:…)`.
    static func upload(from body: [UInt8], contentType: String?) throws(APIError) -> ImageUpload {
        guard !body.isEmpty else { throw .badRequest("the request body is empty; send a PNG or PGM image or JSON") }
        var type = contentType ?? ""
        if type == "application/x-www-form-urlencoded" { type = "" }
        if type == "application/json" || type.hasSuffix("+json") || (type.isEmpty && body.first == UInt8(ascii: "{")) {
            return try json(body)
        }
        if !type.isEmpty, !imageTypes.contains(type) {
            throw APIError(.unsupportedMediaType,
                           "unsupported Content-Type '\(type)'; use image/png, image/x-portable-graymap or application/json")
        }
        return .file(body)
    }

    /// The grey image of `upload`: the second half of `image(from:…)`, where the work is.
    static func image(of upload: ImageUpload, limits: ServerLimits) throws(APIError) -> GrayImage {
        switch upload {
        case .pixels(let pixels): try image(fromPixels: pixels)
        case .file(let bytes): try imageFile(bytes, limits: limits)
        }
    }

    /// Content types taken as an image file (the bytes decide between PNG and PGM).
    static let imageTypes: Set<String> = [
        "image/png", "image/x-portable-graymap", "image/x-portable-anymap", "image/pgm",
        "application/octet-stream",
    ]

    /// Decodes a PNG or PGM file after checking its declared size against the limits.
    static func imageFile(_ bytes: [UInt8], limits: ServerLimits) throws(APIError) -> GrayImage {
        if let (width, height) = ImageHeader.dimensions(of: bytes) {
            guard width > 0, height > 0 else { throw .badRequest("the image has no pixels (\(width)×\(height))") }
            guard width <= limits.maxImageSide, height <= limits.maxImageSide, width * height <= limits.maxImagePixels else {
                throw APIError(.contentTooLarge,
                               "the image is \(width)×\(height); at most \(limits.maxImageSide) pixels a side and "
                               + "\(limits.maxImagePixels) pixels in all")
            }
        }
        do {
            return try ImageFile.decode(bytes)
        } catch {
            throw .badRequest("\(error)")
        }
    }

    private struct Body: Decodable {
        var pixels: [Double]?
        var image: String?
    }

    static func json(_ bytes: [UInt8]) throws(APIError) -> ImageUpload {
        try rejectTrailingCommas(bytes)
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw .badRequest("malformed JSON body: wrong type at '\(path)' (pixels must be numbers, image a base64 string)")
        } catch {
            throw .badRequest("malformed JSON body: expected {\"pixels\": [784 numbers]} or {\"image\": \"<base64 PNG>\"}")
        }
        switch (body.pixels, body.image) {
        case let (pixels?, nil):
            return .pixels(pixels)
        case let (nil, encoded?):
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), !data.isEmpty else {
                throw .badRequest("\"image\" is not valid base64")
            }
            return .file([UInt8](data))
        case (.some, .some):
            throw .badRequest("send either \"pixels\" or \"image\", not both")
        case (nil, nil):
            throw .badRequest("the JSON body needs \"pixels\" (784 numbers 0–255) or \"image\" (a base64 PNG)")
        }
    }

    /// Foundation's JSON parser takes `[1, 2,]` and `{"a": 1,}`; JSON does not.
    static func rejectTrailingCommas(_ bytes: [UInt8]) throws(APIError) {
        var inString = false
        var escaped = false
        var lastComma: Int?
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true; lastComma = nil
            case UInt8(ascii: ","): lastComma = index
            case 0x20, 0x09, 0x0A, 0x0D: break
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if let comma = lastComma { throw .badRequest("malformed JSON body: trailing comma at byte \(comma)") }
            default: lastComma = nil
            }
        }
    }

    /// 784 values 0…255, row-major, white ink on black.
    static func image(fromPixels pixels: [Double]) throws(APIError) -> GrayImage {
        let side = 28
        guard pixels.count == side * side else {
            throw .badRequest("\"pixels\" must hold \(side * side) numbers (28×28, row-major), got \(pixels.count)")
        }
        var values = [Float](repeating: 0, count: pixels.count)
        for (index, value) in pixels.enumerated() {
            guard value.isFinite, value >= 0, value <= 255 else {
                throw .badRequest("pixel \(index) is \(value); values must be 0–255")
            }
            values[index] = Float(value / 255)
        }
        return GrayImage(width: side, height: side, pixels: values)
    }
}

/// A `/predict` body with its JSON read: 784 pixel values as sent, or the bytes of a PNG or PGM file.
enum ImageUpload: Sendable {
    case pixels([Double])
    case file([UInt8])

    /// How many pixels decoding it gives, as far as its header tells (0 for a file whose header is unreadable:
    /// the decoder refuses it at once).
    var pixelCount: Int {
        switch self {
        case .pixels(let values): values.count
        case .file(let bytes): ImageHeader.dimensions(of: bytes).map { $0.width * $0.height } ?? 0
        }
    }
}
