/// What the terminal can show, decided once from the environment and the terminal.
public struct Capabilities: Sendable, Equatable {
    public enum ColourMode: Sendable, Equatable {
        /// 256 colours: ink drawn as grey backgrounds.
        case grey256
        /// A few colours: ink drawn with shade characters, highlights in colour.
        case basic
        /// No colour (`NO_COLOR`, monochrome terminals): shade characters, bold and reverse only.
        case monochrome
    }

    /// Whether block, shade and box-drawing characters can be used (a UTF-8 locale); ASCII otherwise.
    public var unicode: Bool
    public var colour: ColourMode

    public init(unicode: Bool, colour: ColourMode) {
        self.unicode = unicode
        self.colour = colour
    }

    /// Whether the locale in the environment uses UTF-8 (`LC_ALL`, else `LC_CTYPE`, else `LANG`).
    public static func localeIsUTF8(_ environment: [String: String]) -> Bool {
        let locale = [environment["LC_ALL"], environment["LC_CTYPE"], environment["LANG"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let lowered = locale.lowercased()
        return lowered.contains("utf-8") || lowered.contains("utf8")
    }

    /// Capabilities from the environment and the number of colours the terminal reports.
    public static func detect(environment: [String: String], terminalColours: Int) -> Capabilities {
        let noColour = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        let colour: ColourMode = noColour || terminalColours < 8 ? .monochrome : terminalColours >= 256 ? .grey256 : .basic
        return Capabilities(unicode: localeIsUTF8(environment), colour: colour)
    }
}
