/// Resizing grey images by area averaging: each output pixel is the mean of the input area it covers, with
/// partly covered input pixels weighted by the covered fraction. Works for shrinking and enlarging.
public enum AreaResampling {
    /// `image` resized to `width × height` (both ≥ 1).
    public static func resize(_ image: GrayImage, width: Int, height: Int) -> GrayImage {
        precondition(width >= 1 && height >= 1 && image.width >= 1 && image.height >= 1, "resizing needs non-empty sizes")
        // Separable: rows first, then columns; a box filter is exact done this way.
        let horizontal = weights(from: image.width, to: width)
        let vertical = weights(from: image.height, to: height)
        var rows = [Float](repeating: 0, count: width * image.height)
        for y in 0 ..< image.height {
            let base = y * image.width
            for x in 0 ..< width {
                var sum: Float = 0
                for (source, weight) in horizontal[x] { sum += image.pixels[base + source] * weight }
                rows[y * width + x] = sum
            }
        }
        var pixels = [Float](repeating: 0, count: width * height)
        for y in 0 ..< height {
            for (source, weight) in vertical[y] {
                let from = source * width
                for x in 0 ..< width { pixels[y * width + x] += rows[from + x] * weight }
            }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// For each of `outputs` cells, the input cells it overlaps and the overlap as a fraction of its size.
    static func weights(from inputs: Int, to outputs: Int) -> [[(Int, Float)]] {
        let ratio = Double(inputs) / Double(outputs)
        return (0 ..< outputs).map { cell in
            let start = Double(cell) * ratio
            let end = Double(cell + 1) * ratio
            var list: [(Int, Float)] = []
            var source = Int(start)
            while source < inputs, Double(source) < end {
                let overlap = min(end, Double(source + 1)) - max(start, Double(source))
                if overlap > 1e-9 { list.append((source, Float(overlap / ratio))) }
                source += 1
            }
            return list
        }
    }
}
