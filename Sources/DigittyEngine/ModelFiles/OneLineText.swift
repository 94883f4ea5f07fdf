extension String {
    /// The text with control characters (newlines, tabs, escapes) and Unicode line and paragraph separators
    /// written as Swift escapes (`\n`, `\u{85}`), so that an error quoting what a file contains (a tensor or
    /// node name, say) stays one line.
    package var onOneLine: String {
        var text = ""
        for scalar in unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .lineSeparator, .paragraphSeparator: text += scalar.escaped(asASCII: true)
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
