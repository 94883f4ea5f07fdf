/// A key the app understands, decoded from the terminal's bytes.
public enum Key: Sendable, Equatable {
    /// A printable character (letters, digits, punctuation, space, any Unicode scalar).
    case character(Character)
    /// Ctrl plus a letter, given in lower case (Ctrl-C is `.control("c")`).
    case control(Character)
    case enter, tab, backTab, backspace, delete, escape
    case up, down, left, right, home, end, pageUp, pageDown, insert
    /// F1…F12.
    case function(Int)
}

/// A mouse report, with the position as 0-based terminal column and row.
public struct MouseEvent: Sendable, Equatable {
    public enum Button: Sendable, Equatable { case left, middle, right, none }
    public enum Action: Sendable, Equatable { case press, drag, release, move, scrollUp, scrollDown }

    public var action: Action
    public var button: Button
    public var column: Int
    public var row: Int

    public init(_ action: Action, _ button: Button, column: Int, row: Int) {
        self.action = action
        self.button = button
        self.column = column
        self.row = row
    }
}

/// One decoded piece of terminal input.
public enum InputEvent: Sendable, Equatable {
    case key(Key)
    case mouse(MouseEvent)
    /// A sequence the decoder does not know; ignored by the app.
    case unknown([UInt8])
}
