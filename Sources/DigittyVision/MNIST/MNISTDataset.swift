import Foundation

/// One split of MNIST (or any set of 28×28 grey digits with labels) held in memory as bytes.
public struct MNISTDataset: Sendable, Equatable {
    public enum Split: String, Sendable, CaseIterable {
        case train, test

        /// The file name stems: `train-images-idx3-ubyte` / `t10k-images-idx3-ubyte` and the label files.
        public var imageStem: String { self == .train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte" }
        public var labelStem: String { self == .train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte" }
    }

    public static let rows = 28
    public static let columns = 28
    public static let pixelsPerImage = rows * columns

    /// `count × 784` pixels, image after image, row-major (0 = background, 255 = ink).
    public let images: [UInt8]
    /// `count` labels 0…9.
    public let labels: [UInt8]

    public var count: Int { labels.count }

    /// A dataset from arrays (synthetic data, subsets); pixel and label counts must agree and labels be 0…9.
    public init(images: [UInt8], labels: [UInt8]) throws(MNISTError) {
        guard images.count == labels.count * Self.pixelsPerImage else {
            throw .mismatch("\(images.count) pixels is not \(labels.count) images of 28×28")
        }
        if let bad = labels.firstIndex(where: { $0 > 9 }) {
            throw .mismatch("label \(bad) is \(labels[bad]), not a digit 0…9")
        }
        self.images = images
        self.labels = labels
    }

    /// Reads a split from `directory`, taking `<stem>.gz` or the uncompressed `<stem>` for each file.
    public static func load(directory: URL, split: Split) throws(MNISTError) -> MNISTDataset {
        let (imageURL, labelURL) = try files(in: directory, split: split)
        let imageFile = try IDXFile.load(contentsOf: imageURL)
        let labelFile = try IDXFile.load(contentsOf: labelURL)
        guard imageFile.kind == .images(rows: rows, columns: columns) else {
            throw .invalid(file: split.imageStem, reason: "holds \(imageFile.kind == .labels ? "labels" : "images that are not 28×28"), not 28×28 images")
        }
        guard labelFile.kind == .labels else {
            throw .invalid(file: split.labelStem, reason: "holds images, not labels")
        }
        guard imageFile.count == labelFile.count else {
            throw .mismatch("the \(split.rawValue) split has \(imageFile.count) images but \(labelFile.count) labels")
        }
        return try MNISTDataset(images: imageFile.data, labels: labelFile.data)
    }

    /// The image and label files `load` reads for `split` in `directory` (`<stem>.gz`, else `<stem>`).
    public static func files(in directory: URL, split: Split) throws(MNISTError) -> (images: URL, labels: URL) {
        (try locate(split.imageStem, in: directory), try locate(split.labelStem, in: directory))
    }

    /// The path of `stem.gz` or `stem` in `directory`.
    static func locate(_ stem: String, in directory: URL) throws(MNISTError) -> URL {
        let names = [stem + ".gz", stem]
        for name in names {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw .missingFile(directory: directory.path, names: names)
    }

    /// The pixels of image `index` (784 bytes).
    public func pixels(at index: Int) -> ArraySlice<UInt8> {
        images[index * Self.pixelsPerImage ..< (index + 1) * Self.pixelsPerImage]
    }

    /// Image `index` as a grey image (ink = 1).
    public func image(at index: Int) -> GrayImage {
        GrayImage(width: Self.columns, height: Self.rows, bytes: Array(pixels(at: index)))
    }

    /// The images and labels in `range` (e.g. the last 5,000 training images as a validation split).
    public func subset(_ range: Range<Int>) -> MNISTDataset {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "subset \(range) of \(count) images")
        // Slices of a valid dataset are valid.
        return try! MNISTDataset(images: Array(images[range.lowerBound * Self.pixelsPerImage ..< range.upperBound * Self.pixelsPerImage]),
                                 labels: Array(labels[range]))
    }
}
