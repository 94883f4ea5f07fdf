/// Resizing grey images by area averaging: each output pixel is the mean of the input area it covers, with
/// partly covered input pixels weighted by the covered fraction. Works for shrinking and enlarging.
public enum AreaResampling {
    /// `image` resized to `width × height` (both ≥ 1).
    public static func resize(_ image: GrayImage, width: Int, height: Int) -> GrayImage {
        precondition(width >= 1 && height >= 1 && image.width >= 1 && image.height >= 1, "resizing needs non-empty sizes")
        // Separable: rows first, then columns; a box filter is exact done this way.
        let horizontal = Weights(from: image.width, to: width)
        let vertical = Weights(from: image.height, to: height)
        var rows = [Float](repeating: 0, count: width * image.height)
        var pixels = [Float](repeating: 0, count: width * height)
        // Through buffer pointers: this runs on every prediction the server makes.
        image.pixels.withUnsafeBufferPointer { input in
            rows.withUnsafeMutableBufferPointer { rows in
                horizontal.withTerms { firstTerms, sources, weights in
                    for y in 0 ..< image.height {
                        let base = y * image.width
                        for x in 0 ..< width {
                            var sum: Float = 0
                            for term in firstTerms[x] ..< firstTerms[x + 1] { sum += input[base + sources[term]] * weights[term] }
                            rows[y * width + x] = sum
                        }
                    }
                }
                pixels.withUnsafeMutableBufferPointer { pixels in
                    vertical.withTerms { firstTerms, sources, weights in
                        for y in 0 ..< height {
                            for term in firstTerms[y] ..< firstTerms[y + 1] {
                                let from = sources[term] * width, weight = weights[term]
                                for x in 0 ..< width { pixels[y * width + x] += rows[from + x] * weight }
                            }
                        }
                    }
                }
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// For each of `outputs` cells, the input cells it overlaps and the overlap as a fraction of its size, in
    /// flat arrays: cell `c`'s terms are `firstTerms[c] ..< firstTerms[c + 1]`.
    struct Weights {
        private var sources: [Int] = []
        private var weights: [Float] = []
        private var firstTerms: [Int] = [0]

        init(from inputs: Int, to outputs: Int) {
            // Each output cell overlaps at most ⌈ratio⌉ + 1 input cells.
            let capacity = outputs * (inputs / outputs + 2)
            sources.reserveCapacity(capacity)
            weights.reserveCapacity(capacity)
            firstTerms.reserveCapacity(outputs + 1)
            let ratio = Double(inputs) / Double(outputs)
            for cell in 0 ..< outputs {
                let start = Double(cell) * ratio
                let end = Double(cell + 1) * ratio
                var source = Int(start)
                while source < inputs, Double(source) < end {
                    let overlap = min(end, Double(source + 1)) - max(start, Double(source))
                    if overlap > 1e-9 {
                        sources.append(source)
                        weights.append(Float(overlap / ratio))
                    }
                    source += 1
                }
                firstTerms.append(sources.count)
            }
        }

        /// Calls `body` with the first term of each cell (and one past the last), the sources and the weights.
        func withTerms<R>(_ body: (UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Float>) -> R) -> R {
            firstTerms.withUnsafeBufferPointer { firstTerms in
                sources.withUnsafeBufferPointer { sources in
                    weights.withUnsafeBufferPointer { weights in body(firstTerms, sources, weights) }
                }
            }
        }
    }
}
