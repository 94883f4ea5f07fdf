/// Removing background noise from an ink map (ink = 1) while keeping the soft edges of real strokes.
enum InkCleaning {
    /// Zeroes every pixel not in a blob worth keeping. Blobs are 8-connected regions of pixels above `faint`;
    /// a blob is kept if some pixel in it reaches `strong` (hysteresis, as in edge detection) and it holds at
    /// least `speckShare` of the ink of all such blobs.
    static func removeNoise(from ink: inout GrayImage, faint: Float, strong: Float, speckShare: Float) {
        let (w, h) = (ink.width, ink.height)
        guard w > 0, h > 0 else { return }
        // The flood fill labels a grid framed by one cell of padding on every side, so that a pixel's eight
        // neighbours are fixed offsets with no bounds to check. Cells that can never join a blob (the padding, and
        // pixels not above `faint`) are labelled `never` up front, so that the fill tests labels only.
        let paddedWidth = w + 2
        let neighbours = [-paddedWidth - 1, -paddedWidth, -paddedWidth + 1, -1, 1,
                          paddedWidth - 1, paddedWidth, paddedWidth + 1]
        let never: Int32 = -2, notVisited: Int32 = -1
        var blobs: [(mass: Float, strong: Bool)] = []
        ink.pixels.withUnsafeMutableBufferPointer { pixels in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: paddedWidth * (h + 2)) { label in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: w * h) { stack in  // each pixel goes on once
                    label.initialize(repeating: never)
                    for y in 0 ..< h {
                        for x in 0 ..< w where pixels[y &* w &+ x] > faint { label[(y + 1) &* paddedWidth &+ x &+ 1] = notVisited }
                    }
                    // Blobs in the order of their first pixel, row by row; each filled depth first, its neighbours
                    // taken in row order, so that its ink is summed in the same order every time.
                    for y in 0 ..< h {
                        for x in 0 ..< w where label[(y + 1) &* paddedWidth &+ x &+ 1] == notVisited {
                            let id = Int32(blobs.count)
                            var blob: (mass: Float, strong: Bool) = (0, false)
                            let start = (y + 1) &* paddedWidth &+ x &+ 1
                            label[start] = id
                            stack[0] = Int32(start)
                            var depth = 1
                            while depth > 0 {
                                depth -= 1
                                let cell = Int(stack[depth])
                                let (row, column) = cell.quotientAndRemainder(dividingBy: paddedWidth)
                                let value = pixels[(row - 1) &* w &+ column &- 1]
                                blob.mass += value
                                blob.strong = blob.strong || value >= strong
                                for offset in neighbours where label[cell &+ offset] == notVisited {
                                    label[cell &+ offset] = id
                                    stack[depth] = Int32(truncatingIfNeeded: cell &+ offset)
                                    depth &+= 1
                                }
                            }
                            blobs.append(blob)
                        }
                    }
                    let total = blobs.reduce(Float(0)) { $0 + ($1.strong ? $1.mass : 0) }
                    let keep = blobs.map { $0.strong && $0.mass >= speckShare * total }
                    for y in 0 ..< h {
                        for x in 0 ..< w {
                            let id = label[(y + 1) &* paddedWidth &+ x &+ 1]
                            if id < 0 || !keep[Int(id)] { pixels[y &* w &+ x] = 0 }
                        }
                    }
                }
            }
        }
    }
}
