/// The sliding window shared by MaxPool2D and AveragePool2D.
package struct PoolingWindow: Sendable {
    package let size: Int
    package let stride: Int
    package let padding: Padding

    package init(layer: String, size: Int, stride: Int?, padding: Padding) throws(ModelError) {
        guard size > 0 else { throw .invalidParameter("\(layer) size must be positive, got \(size)") }
        let stride = stride ?? size
        guard stride > 0 else { throw .invalidParameter("\(layer) stride must be positive, got \(stride)") }
        self.size = size
        self.stride = stride
        self.padding = padding
    }

    package func outputShape(for inputShape: [Int], layer: String) throws(ModelError) -> [Int] {
        let (height, width, channels) = try imageShape(inputShape, for: layer)
        let rows = padding.geometry(length: height, size: size, stride: stride).output
        let columns = padding.geometry(length: width, size: size, stride: stride).output
        guard rows > 0, columns > 0 else {
            throw .shapeMismatch("\(layer) \(size)×\(size) window does not fit a \(height)×\(width) input")
        }
        return [rows, columns, channels]
    }

    /// Applies `reduce` to each window: it receives the output slice (channels wide) and the input pixels
    /// inside the window (padding excluded), and fills the slice.
    package func apply(_ input: Tensor,
               reduce: (UnsafeMutablePointer<Float>, [UnsafePointer<Float>], Int) -> Void) -> Tensor {
        let batch = input.shape[0], height = input.shape[1], width = input.shape[2], channels = input.shape[3]
        let (outHeight, padTop) = padding.geometry(length: height, size: size, stride: stride)
        let (outWidth, padLeft) = padding.geometry(length: width, size: size, stride: stride)
        var output = Tensor(shape: [batch, outHeight, outWidth, channels])
        var pixels: [UnsafePointer<Float>] = []
        pixels.reserveCapacity(size * size)
        input.scalars.withUnsafeBufferPointer { source in
            output.scalars.withUnsafeMutableBufferPointer { destination in
                let source = source.baseAddress!, destination = destination.baseAddress!
                for image in 0..<batch {
                    let imageBase = source + image * height * width * channels
                    for outRow in 0..<outHeight {
                        for outColumn in 0..<outWidth {
                            pixels.removeAll(keepingCapacity: true)
                            for windowRow in 0..<size {
                                let row = outRow * stride + windowRow - padTop
                                if row < 0 || row >= height { continue }
                                for windowColumn in 0..<size {
                                    let column = outColumn * stride + windowColumn - padLeft
                                    if column < 0 || column >= width { continue }
                                    pixels.append(imageBase + (row * width + column) * channels)
                                }
                            }
                            let target = destination + ((image * outHeight + outRow) * outWidth + outColumn) * channels
                            reduce(target, pixels, channels)
                        }
                    }
                }
            }
        }
        return output
    }
}
