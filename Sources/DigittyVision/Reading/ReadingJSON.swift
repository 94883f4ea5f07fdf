/// A reading as JSON, the same fields from `POST /predict` and `digitty predict --json`:
/// `{"verdict": "digit", "label": 7, "probabilities": […10], "model": "…", "empty": false}`, with
/// `"not_a_digit": p` for models that have that output, `"input": […784 grey levels]` when asked for, and
/// `"saliency": […784]` when the reading has one. An empty image has `"label": null` and no probabilities.
package enum ReadingJSON {
    /// The object's bytes; `extra` adds fields before the reading's (the CLI's file name and index).
    package static func encode(_ reading: Reading, extra: (inout JSONWriter.ObjectWriter) -> Void = { _ in },
                               includingInput: Bool) -> [UInt8] {
        var writer = JSONWriter(capacity: includingInput || reading.saliency != nil ? 8192 : 512)
        writer.object { object in
            extra(&object)
            object.field("verdict", reading.verdict.rawValue)
            if let label = reading.label { object.field("label", label) } else { object.null("label") }
            object.field("probabilities", numbers: reading.probabilities)
            if let notADigit = reading.notADigitProbability { object.field("not_a_digit", number: notADigit) }
            object.field("model", reading.model)
            object.field("empty", reading.isEmpty)
            if includingInput, let input = reading.input { object.field("input", integers: input.bytes) }
            if let saliency = reading.saliency { object.field("saliency", numbers: saliency) }
        }
        return writer.bytes
    }
}
