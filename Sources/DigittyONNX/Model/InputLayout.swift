/// How a graph wants its images, inferred from its input's declared shape:
/// `[N, H, W, 1]` (NHWC), `[N, 1, H, W]` (NCHW), `[N, H, W]` or `[N, H·W]` (square images).
struct InputLayout: Equatable {
    let height: Int
    let width: Int
    /// The per-image shape the graph takes (same pixel order in every layout: only a reshape).
    let sampleShape: [Int]
    /// The declared batch size when it is a fixed number, nil when it is symbolic.
    let fixedBatch: Int?

    init(_ info: ONNXValueInfo) throws(ONNXError) {
        guard let shape = info.shape, shape.count >= 2 else {
            throw .badInput("input '\(info.name)' declares no shape of rank 2 to 4, so its image layout cannot be inferred")
        }
        var sizes: [Int] = []
        for dimension in shape.dropFirst() {
            guard case let .fixed(size) = dimension, size > 0, size <= 4096 else {
                throw .badInput("input '\(info.name)' has shape \(shape.map(\.text)); image dimensions must be fixed numbers")
            }
            sizes.append(size)
        }
        if case let .fixed(batch) = shape[0] {
            guard batch > 0, batch <= 4096 else { throw .badInput("input '\(info.name)' has batch size \(batch)") }
            fixedBatch = batch
        } else {
            fixedBatch = nil
        }
        switch sizes.count {
        case 3 where sizes[2] == 1: (height, width) = (sizes[0], sizes[1])
        case 3 where sizes[0] == 1: (height, width) = (sizes[1], sizes[2])
        case 2: (height, width) = (sizes[0], sizes[1])
        case 1:
            let side = Int(Double(sizes[0]).squareRoot().rounded())
            guard side * side == sizes[0] else {
                throw .badInput("input '\(info.name)' takes \(sizes[0]) values, not a square image")
            }
            (height, width) = (side, side)
        default:
            throw .badInput("input '\(info.name)' has shape \(shape.map(\.text)); digitty feeds grey images as [N,H,W,1], [N,1,H,W], [N,H,W] or [N,H·W]")
        }
        sampleShape = sizes
    }
}
