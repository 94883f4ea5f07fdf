@testable import DigittyVision

/// Builds PNG files of any colour type, bit depth, filter and interlacing from raw samples, so that the decoder
/// can be checked against images whose pixels are known. Filtering is done the plain way, one byte at a time.
struct PNGBuilder {
    var width: Int
    var height: Int
    var colourType: UInt8
    var bitDepth: UInt8
    /// Samples, row-major, `channels` per pixel, each in 0 ..< 2^bitDepth.
    var samples: [Int]
    var interlaced = false
    /// The filter type for each row (cycled).
    var filters: [UInt8] = [0]
    var palette: [UInt8]? = nil
    var transparency: [UInt8]? = nil
    /// Split the compressed data into this many IDAT chunks.
    var idatChunks = 1

    var channels: Int { [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(colourType)]! }

    func build() -> [UInt8] {
        var raw = [UInt8]()
        let passes: [(Int, Int, Int, Int)] = interlaced
            ? [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
            : [(0, 0, 1, 1)]
        var rowNumber = 0
        for (x0, y0, dx, dy) in passes {
            let xs = Array(stride(from: x0, to: width, by: dx))
            let ys = Array(stride(from: y0, to: height, by: dy))
            guard !xs.isEmpty, !ys.isEmpty else { continue }
            var previous = [UInt8]()
            for y in ys {
                let line = pack(xs.flatMap { x in (0 ..< channels).map { samples[(y * width + x) * channels + $0] } })
                let filter = filters[rowNumber % filters.count]
                rowNumber += 1
                raw.append(filter)
                raw.append(contentsOf: applyFilter(filter, line, previous))
                previous = line
            }
        }
        let compressed = Zlib.deflate(raw)
        var file = PNG.signature
        file += PNG.chunk("IHDR", BigEndian.bytes(UInt32(width)) + BigEndian.bytes(UInt32(height))
            + [bitDepth, colourType, 0, 0, interlaced ? 1 : 0])
        if let palette { file += PNG.chunk("PLTE", palette) }
        if let transparency { file += PNG.chunk("tRNS", transparency) }
        file += PNG.chunk("tEXt", Array("Comment\0made by a test".utf8))
        let piece = (compressed.count + idatChunks - 1) / idatChunks
        for start in stride(from: 0, to: compressed.count, by: piece) {
            file += PNG.chunk("IDAT", Array(compressed[start ..< min(start + piece, compressed.count)]))
        }
        file += PNG.chunk("IEND", [])
        return file
    }

    private func pack(_ values: [Int]) -> [UInt8] {
        let depth = Int(bitDepth)
        if depth == 8 { return values.map { UInt8($0) } }
        if depth == 16 { return values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] } }
        var bytes = [UInt8](repeating: 0, count: (values.count * depth + 7) / 8)
        for (i, value) in values.enumerated() {
            let bit = i * depth
            bytes[bit / 8] |= UInt8(value << (8 - depth - bit % 8))
        }
        return bytes
    }

    private func applyFilter(_ filter: UInt8, _ line: [UInt8], _ previous: [UInt8]) -> [UInt8] {
        let stride = max(1, channels * Int(bitDepth) / 8)
        return line.indices.map { i in
            let a = i >= stride ? Int(line[i - stride]) : 0
            let b = previous.isEmpty ? 0 : Int(previous[i])
            let c = i >= stride && !previous.isEmpty ? Int(previous[i - stride]) : 0
            let predictor: Int
            switch filter {
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = (a + b) / 2
            case 4:
                let p = a + b - c
                let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
                predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
            default: predictor = 0
            }
            return UInt8(truncatingIfNeeded: Int(line[i]) - predictor)
        }
    }
}
