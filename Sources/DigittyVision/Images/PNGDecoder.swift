/// Decoding PNG files to grey images: all colour types and bit depths, both interlace methods.
extension PNG {
    /// The image header (IHDR chunk).
    private struct Header {
        var width: Int
        var height: Int
        var bitDepth: Int
        var colourType: Int
        var interlaced: Bool

        /// Samples per pixel.
        var channels: Int {
            switch colourType {
            case 2: 3
            case 4: 2
            case 6: 4
            default: 1
            }
        }

        /// Bytes per complete pixel, at least 1: the distance the Sub, Average and Paeth filters look back.
        var filterStride: Int { max(1, channels * bitDepth / 8) }

        /// Bytes in one row of `width` pixels, without the filter-type byte.
        func rowBytes(_ width: Int) -> Int { (width * channels * bitDepth + 7) / 8 }
    }

    /// One pass of the image: all of it, or one of the seven Adam7 sub-images.
    private struct Pass {
        var x0, y0, dx, dy: Int
        var width, height: Int
    }

    private static let format = "PNG"

    static func decode(_ bytes: [UInt8]) throws(ImageFileError) -> GrayImage {
        var header: Header?
        var palette: [(Float, Float, Float)] = []
        var transparency: [UInt8] = []
        var compressed: [UInt8] = []
        var idatState = 0 // 0: none yet, 1: inside the IDAT run, 2: after it
        var offset = signature.count
        var sawEnd = false

        while !sawEnd {
            guard bytes.count - offset >= 12 else {
                throw .truncated(format: format, detail: "the file ends before the IEND chunk")
            }
            let length = Int(BigEndian.uint32(bytes, at: offset))
            let typeBytes = Array(bytes[offset + 4 ..< offset + 8])
            let type = String(decoding: typeBytes, as: UTF8.self)
            guard typeBytes.allSatisfy({ (0x41 ... 0x5a).contains($0) || (0x61 ... 0x7a).contains($0) }) else {
                throw .malformed(format: format, detail: "invalid chunk type at byte \(offset + 4)")
            }
            guard length <= Int(Int32.max), length <= bytes.count - offset - 12 else {
                throw .truncated(format: format, detail: "chunk \(type) declares \(length) bytes but the file ends first")
            }
            let dataStart = offset + 8
            let dataEnd = dataStart + length
            let storedCRC = BigEndian.uint32(bytes, at: dataEnd)
            guard Zlib.crc32(bytes[offset + 4 ..< dataEnd]) == storedCRC else {
                throw .malformed(format: format, detail: "CRC mismatch in chunk \(type) at byte \(offset)")
            }
            let data = bytes[dataStart ..< dataEnd]
            offset = dataEnd + 4

            if header == nil, type != "IHDR" {
                throw .malformed(format: format, detail: "the first chunk is \(type), not IHDR")
            }
            if idatState == 1, type != "IDAT" { idatState = 2 }

            switch type {
            case "IHDR":
                guard header == nil else { throw .malformed(format: format, detail: "more than one IHDR chunk") }
                header = try parseHeader(Array(data))
            case "PLTE":
                guard idatState == 0 else { throw .malformed(format: format, detail: "PLTE after image data") }
                guard length % 3 == 0, (3 ... 768).contains(length) else {
                    throw .malformed(format: format, detail: "PLTE chunk of \(length) bytes (must be 3 to 768, a multiple of 3)")
                }
                let entries = Array(data)
                palette = stride(from: 0, to: length, by: 3).map {
                    (Float(entries[$0]) / 255, Float(entries[$0 + 1]) / 255, Float(entries[$0 + 2]) / 255)
                }
            case "tRNS":
                transparency = Array(data)
            case "IDAT":
                guard idatState != 2 else { throw .malformed(format: format, detail: "IDAT chunks are not consecutive") }
                idatState = 1
                compressed.append(contentsOf: data)
            case "IEND":
                sawEnd = true
            default:
                // Bit 5 of the first letter clear (upper case) marks a chunk a decoder must understand.
                if typeBytes[0] & 0x20 == 0 {
                    throw .unsupported(format: format, detail: "unknown critical chunk \(type)")
                }
            }
        }

        guard let header else { throw .malformed(format: format, detail: "no IHDR chunk") }
        guard !compressed.isEmpty else { throw .malformed(format: format, detail: "no image data (IDAT chunk)") }
        if header.colourType == 3, palette.isEmpty {
            throw .malformed(format: format, detail: "a palette image without a PLTE chunk")
        }

        let passes = passes(of: header)
        let expected = passes.reduce(0) { $0 + $1.height * (1 + header.rowBytes($1.width)) }
        var raw: [UInt8]
        do {
            raw = try Zlib.inflate(compressed[...], container: .zlib, limit: expected, stopAtLimit: true)
        } catch {
            switch error {
            case .truncated(let produced), .tooLarge(let produced):
                throw .truncated(format: format, detail: "image data ends after \(produced) of \(expected) bytes")
            case .corrupt(let message):
                throw .malformed(format: format, detail: "bad compressed image data (\(message))")
            }
        }
        guard raw.count == expected else {
            throw .truncated(format: format, detail: "image data ends after \(raw.count) of \(expected) bytes")
        }

        var pixels = [Float](repeating: 1, count: header.width * header.height)
        var start = 0
        for pass in passes {
            let rowBytes = header.rowBytes(pass.width)
            try unfilter(&raw, start: start, rows: pass.height, rowBytes: rowBytes, stride: header.filterStride)
            try convert(raw, start: start, pass: pass, header: header, palette: palette,
                        transparency: transparency, into: &pixels)
            start += pass.height * (1 + rowBytes)
        }
        return GrayImage(width: header.width, height: header.height, pixels: pixels)
    }

    private static func parseHeader(_ data: [UInt8]) throws(ImageFileError) -> Header {
        guard data.count == 13 else { throw .malformed(format: format, detail: "IHDR chunk of \(data.count) bytes, not 13") }
        let width = Int(BigEndian.uint32(data, at: 0))
        let height = Int(BigEndian.uint32(data, at: 4))
        try ImageFile.checkDimensions(width, height, format: format)
        let bitDepth = Int(data[8])
        let colourType = Int(data[9])
        let allowedDepths: [Int]
        switch colourType {
        case 0: allowedDepths = [1, 2, 4, 8, 16]
        case 3: allowedDepths = [1, 2, 4, 8]
        case 2, 4, 6: allowedDepths = [8, 16]
        default: throw .malformed(format: format, detail: "unknown colour type \(colourType)")
        }
        guard allowedDepths.contains(bitDepth) else {
            throw .malformed(format: format, detail: "bit depth \(bitDepth) is not allowed for colour type \(colourType)")
        }
        guard data[10] == 0 else { throw .unsupported(format: format, detail: "compression method \(data[10])") }
        guard data[11] == 0 else { throw .unsupported(format: format, detail: "filter method \(data[11])") }
        guard data[12] <= 1 else { throw .unsupported(format: format, detail: "interlace method \(data[12])") }
        return Header(width: width, height: height, bitDepth: bitDepth, colourType: colourType, interlaced: data[12] == 1)
    }

    /// The whole image, or the seven Adam7 passes (empty passes dropped: they have no bytes in the stream).
    private static func passes(of header: Header) -> [Pass] {
        guard header.interlaced else {
            return [Pass(x0: 0, y0: 0, dx: 1, dy: 1, width: header.width, height: header.height)]
        }
        let adam7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        return adam7.compactMap { x0, y0, dx, dy in
            let width = (header.width - x0 + dx - 1) / dx
            let height = (header.height - y0 + dy - 1) / dy
            return width > 0 && height > 0 ? Pass(x0: x0, y0: y0, dx: dx, dy: dy, width: width, height: height) : nil
        }
    }

    /// Undoes the per-row filters of one pass in place.
    private static func unfilter(_ raw: inout [UInt8], start: Int, rows: Int, rowBytes: Int, stride: Int) throws(ImageFileError) {
        let failure: ImageFileError? = raw.withUnsafeMutableBufferPointer { buffer in
            for row in 0 ..< rows {
                let filterAt = start + row * (rowBytes + 1)
                let line = filterAt + 1
                let previous = line - (rowBytes + 1) // valid only when row > 0
                let hasPrevious = row > 0
                switch buffer[filterAt] {
                case 0:
                    break
                case 1:
                    for i in stride ..< rowBytes { buffer[line + i] &+= buffer[line + i - stride] }
                case 2:
                    guard hasPrevious else { break }
                    for i in 0 ..< rowBytes { buffer[line + i] &+= buffer[previous + i] }
                case 3:
                    for i in 0 ..< rowBytes {
                        let left = i >= stride ? Int(buffer[line + i - stride]) : 0
                        let up = hasPrevious ? Int(buffer[previous + i]) : 0
                        buffer[line + i] &+= UInt8((left + up) / 2)
                    }
                case 4:
                    for i in 0 ..< rowBytes {
                        let left = i >= stride ? Int(buffer[line + i - stride]) : 0
                        let up = hasPrevious ? Int(buffer[previous + i]) : 0
                        let upLeft = hasPrevious && i >= stride ? Int(buffer[previous + i - stride]) : 0
                        buffer[line + i] &+= paeth(left, up, upLeft)
                    }
                case let type:
                    return .malformed(format: format, detail: "unknown filter type \(type) in row \(row)")
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// `convert` for 8-bit grey, grey + alpha, RGB and RGBA without a tRNS colour key — what canvases and most
    /// tools write — reading the bytes directly: the same arithmetic, so the same pixels, several times faster.
    private static func convert8Bit(_ raw: [UInt8], start: Int, pass: Pass, header: Header, into pixels: inout [Float]) {
        let channels = header.channels
        let rowBytes = header.rowBytes(pass.width)
        let maximum: Float = 255
        raw.withUnsafeBufferPointer { raw in
            pixels.withUnsafeMutableBufferPointer { pixels in
                for y in 0 ..< pass.height {
                    let line = start + y * (rowBytes + 1) + 1
                    let row = (pass.y0 + y * pass.dy) * header.width + pass.x0
                    for x in 0 ..< pass.width {
                        let at = line + x * channels
                        let value: Float
                        switch header.colourType {
                        case 0:
                            value = Float(raw[at]) / maximum
                        case 2:
                            value = (0.299 * Float(raw[at]) + 0.587 * Float(raw[at + 1]) + 0.114 * Float(raw[at + 2])) / maximum
                        case 4:
                            let alpha = Float(raw[at + 1]) / maximum
                            value = Float(raw[at]) / maximum * alpha + (1 - alpha)
                        default: // 6
                            let luminance = (0.299 * Float(raw[at]) + 0.587 * Float(raw[at + 1]) + 0.114 * Float(raw[at + 2])) / maximum
                            let alpha = Float(raw[at + 3]) / maximum
                            value = luminance * alpha + (1 - alpha)
                        }
                        pixels[row + x * pass.dx] = min(max(value, 0), 1)
                    }
                }
            }
        }
    }

    /// The Paeth predictor: whichever of left, up and up-left is closest to left + up − up-left.
    static func paeth(_ a: Int, _ b: Int, _ c: Int) -> UInt8 {
        let p = a + b - c
        let pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
        if pa <= pb && pa <= pc { return UInt8(a) }
        return pb <= pc ? UInt8(b) : UInt8(c)
    }

    /// Turns the unfiltered rows of one pass into luminance composited over white.
    private static func convert(_ raw: [UInt8], start: Int, pass: Pass, header: Header, palette: [(Float, Float, Float)],
                                transparency: [UInt8], into pixels: inout [Float]) throws(ImageFileError) {
        let depth = header.bitDepth
        let channels = header.channels
        let maximum = Float((1 << depth) - 1)
        let rowBytes = header.rowBytes(pass.width)

        // tRNS for grey and RGB names one colour (as raw samples) that is fully transparent.
        var transparentKey: [Int]?
        if header.colourType == 0, transparency.count >= 2 {
            transparentKey = [Int(transparency[0]) << 8 | Int(transparency[1])]
        } else if header.colourType == 2, transparency.count >= 6 {
            transparentKey = (0 ..< 3).map { Int(transparency[2 * $0]) << 8 | Int(transparency[2 * $0 + 1]) }
        }

        if depth == 8, transparentKey == nil, header.colourType != 3 {
            convert8Bit(raw, start: start, pass: pass, header: header, into: &pixels)
            return
        }
        var samples = [Int](repeating: 0, count: channels)
        for y in 0 ..< pass.height {
            let line = start + y * (rowBytes + 1) + 1
            for x in 0 ..< pass.width {
                for channel in 0 ..< channels {
                    let index = x * channels + channel
                    switch depth {
                    case 8: samples[channel] = Int(raw[line + index])
                    case 16: samples[channel] = Int(raw[line + 2 * index]) << 8 | Int(raw[line + 2 * index + 1])
                    default:
                        let bit = index * depth
                        let byte = Int(raw[line + bit / 8])
                        samples[channel] = (byte >> (8 - depth - bit % 8)) & ((1 << depth) - 1)
                    }
                }
                var luminance: Float
                var alpha: Float = 1
                switch header.colourType {
                case 0:
                    luminance = Float(samples[0]) / maximum
                    if let key = transparentKey, key[0] == samples[0] { alpha = 0 }
                case 2:
                    luminance = (0.299 * Float(samples[0]) + 0.587 * Float(samples[1]) + 0.114 * Float(samples[2])) / maximum
                    if let key = transparentKey, key == samples { alpha = 0 }
                case 3:
                    let entry = samples[0]
                    guard entry < palette.count else {
                        throw .malformed(format: format, detail: "palette index \(entry) but the palette has \(palette.count) entries")
                    }
                    let (r, g, b) = palette[entry]
                    luminance = 0.299 * r + 0.587 * g + 0.114 * b
                    if entry < transparency.count { alpha = Float(transparency[entry]) / 255 }
                case 4:
                    luminance = Float(samples[0]) / maximum
                    alpha = Float(samples[1]) / maximum
                default: // 6
                    luminance = (0.299 * Float(samples[0]) + 0.587 * Float(samples[1]) + 0.114 * Float(samples[2])) / maximum
                    alpha = Float(samples[3]) / maximum
                }
                let value = luminance * alpha + (1 - alpha)
                pixels[(pass.y0 + y * pass.dy) * header.width + pass.x0 + x * pass.dx] = min(max(value, 0), 1)
            }
        }
    }
}
