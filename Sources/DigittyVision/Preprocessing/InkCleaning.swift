/// Removing background noise from an ink map (ink = 1) while keeping the soft edges of real strokes.
enum InkCleaning {
    /// Zeroes every pixel not in a blob worth keeping. Blobs are 8-connected regions of pixels above `faint`;
    /// a blob is kept if some pixel in it reaches `strong` (hysteresis, as in edge detection) and it holds at
    /// least `speckShare` of the ink of all such blobs.
    static func removeNoise(from ink: inout GrayImage, faint: Float, strong: Float, speckShare: Float) {
        let (w, h) = (ink.width, ink.height)
        guard w > 0, h > 0 else { return }
        var label = [Int32](repeating: -1, count: w * h) // -1: not visited
        var blobs: [(mass: Float, strong: Bool)] = []
        var stack: [Int] = []
        // Through buffer pointers: this runs on every prediction the server makes.
        ink.pixels.withUnsafeMutableBufferPointer { pixels in
            label.withUnsafeMutableBufferPointer { label in
                for start in 0 ..< w * h where label[start] == -1 && pixels[start] > faint {
                    let id = Int32(blobs.count)
                    var blob: (mass: Float, strong: Bool) = (0, false)
                    label[start] = id
                    stack.append(start)
                    while let index = stack.popLast() {
                        let value = pixels[index]
                        blob.mass += value
                        blob.strong = blob.strong || value >= strong
                        let (x, y) = (index % w, index / w)
                        for ny in max(0, y - 1) ... min(h - 1, y + 1) {
                            for nx in max(0, x - 1) ... min(w - 1, x + 1) {
                                let neighbour = ny * w + nx
                                if label[neighbour] == -1 && pixels[neighbour] > faint {
                                    label[neighbour] = id
                                    stack.append(neighbour)
                                }
                            }
                        }
                    }
                    blobs.append(blob)
                }
                let total = blobs.reduce(Float(0)) { $0 + ($1.strong ? $1.mass : 0) }
                let keep = blobs.map { $0.strong && $0.mass >= speckShare * total }
                for i in 0 ..< w * h {
                    let id = label[i]
                    if id < 0 || !keep[Int(id)] { pixels[i] = 0 }
                }
            }
        }
    }
}
