/// A 5×7 pixel font for the ten digits, drawn large in the prediction panel.
enum DigitGlyphs {
    static let width = 5
    static let height = 7

    /// The rows of a digit's glyph, `#` for a lit pixel.
    static func rows(for digit: Int) -> [String] {
        guard digit >= 0, digit < font.count else { return Array(repeating: "     ", count: height) }
        return font[digit]
    }

    private static let font: [[String]] = [
        [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
        ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
        [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
        ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
        ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
        ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
        ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
        ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
        [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
        [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
    ]
}
