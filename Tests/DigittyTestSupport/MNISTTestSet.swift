import DigittyVision

/// The real MNIST test split (from ../shared), loaded once; nil when it is not there.
public enum SharedData {
    public static let mnistTest: MNISTDataset? = Prerequisite.mnist.isMet
        ? try? MNISTDataset.load(directory: Repository.mnist, split: .test) : nil
}
