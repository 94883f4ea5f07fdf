import DigittyEngine
import Foundation

/// The training loss: softmax over each row of logits, then the mean negative log-probability of the true
/// class (Keras' sparse categorical cross-entropy). Its gradient with respect to the logits is
/// `(softmax − onehot) / batch`.
enum SoftmaxCrossEntropy {
    /// Returns the summed loss and the number of rows whose largest logit is the label, and writes the
    /// gradient of the *mean* loss into `gradient`.
    static func evaluate(logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int, classes: Int,
                         gradient: UnsafeMutablePointer<Float>?) -> (loss: Double, correct: Int) {
        var loss = 0.0
        var correct = 0
        let scale = 1 / Float(batch)
        for sample in 0..<batch {
            let row = logits + sample * classes
            let label = Int(labels[sample])
            var largest = row[0], best = 0
            for index in 1..<classes where row[index] > largest {
                largest = row[index]
                best = index
            }
            if best == label { correct += 1 }
            var total: Float = 0
            for index in 0..<classes { total += exp(row[index] - largest) }
            let logTotal = log(total)
            loss += Double(logTotal - (row[label] - largest))
            if let gradient {
                let target = gradient + sample * classes
                for index in 0..<classes {
                    let probability = exp(row[index] - largest - logTotal)
                    target[index] = (probability - (index == label ? 1 : 0)) * scale
                }
            }
        }
        return (loss, correct)
    }
}
