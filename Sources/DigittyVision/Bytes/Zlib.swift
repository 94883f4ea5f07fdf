import CZlib

/// Why a zlib or gzip stream could not be inflated.
enum ZlibError: Error, Equatable {
    /// The stream is damaged (zlib's own message).
    case corrupt(String)
    /// The stream ended before `expected` bytes came out; `produced` did.
    case truncated(produced: Int)
    /// The stream would inflate to more than `limit` bytes.
    case tooLarge(limit: Int)
}

/// zlib's inflate and deflate over byte arrays, with the output bounded so that no input can make it allocate
/// more than the caller allows.
enum Zlib {
    /// The container around the deflate stream.
    enum Container {
        case zlib, gzip

        var windowBits: Int32 { self == .zlib ? 15 : 15 + 16 }
    }

    /// Inflates `input`. The output grows as data actually comes out (never allocated up front), and stops with
    /// `tooLarge` past `limit` bytes. With `stopAtLimit`, output past `limit` is silently dropped instead (PNG
    /// allows trailing data after the image). Concatenated gzip members are inflated one after another.
    static func inflate(_ input: ArraySlice<UInt8>, container: Container, limit: Int,
                        stopAtLimit: Bool = false) throws(ZlibError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, container.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }

        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: min(max(limit, 1), max(1 << 16, input.count * 4), 1 << 22))
        var input = Array(input)
        let total = input.count
        var consumed = 0
        var finished = false

        while !finished {
            let room = min(chunk.count, limit - output.count + 1)
            let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
                chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_in = inBuffer.baseAddress.map { $0 + consumed }
                    stream.avail_in = UInt32(clamping: total - consumed)
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(room)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    consumed = total - Int(stream.avail_in) // avail_in fits: it was clamped from the rest
                    return status
                }
            }
            let produced = room - Int(stream.avail_out)
            if output.count + produced > limit {
                if stopAtLimit {
                    output.append(contentsOf: chunk[0 ..< (limit - output.count)])
                    return output
                }
                throw .tooLarge(limit: limit)
            }
            output.append(contentsOf: chunk[0 ..< produced])

            switch status {
            case Z_STREAM_END:
                // Another gzip member may follow (as `cat a.gz b.gz` makes); anything else after the end is ignored.
                if container == .gzip, total - consumed >= 2, input[consumed] == 0x1f, input[consumed + 1] == 0x8b {
                    guard inflateReset(&stream) == Z_OK else { throw .corrupt("cannot reset zlib") }
                } else {
                    finished = true
                }
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress possible: the input ran out before the stream's end.
                if produced == 0 { throw .truncated(produced: output.count) }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw .corrupt(message)
            }
        }
        return output
    }

    /// Deflates `input` at `level` (0…9) in the given container.
    static func deflate(_ input: [UInt8], container: Container = .zlib, level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, level, Z_DEFLATED, container.windowBits, 8, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed (\(status)) with valid arguments")
        defer { deflateEnd(&stream) }

        var input = input
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
        let written: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                let result = CZlib.deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "zlib deflate into a deflateBound-sized buffer failed (\(result))")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[0 ..< written])
    }

    /// The CRC-32 of `bytes` as PNG and gzip use it.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(CZlib.crc32(0, buffer.baseAddress, UInt32(buffer.count)))
        }
    }
}
