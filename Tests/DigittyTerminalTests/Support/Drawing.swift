@testable import DigittyTerminal

/// Input helpers: mouse events aimed at canvas cells through the layout, as a terminal would report them.
extension AppState {
    mutating func mouse(_ action: MouseEvent.Action, _ button: MouseEvent.Button = .left, x: Int, y: Int) {
        guard let cell = layout.terminalCell(x: x, y: y) else { return }
        _ = handle(.mouse(MouseEvent(action, button, column: cell.column, row: cell.row)))
    }

    /// Presses at the first point, drags through the others, releases at the last.
    mutating func drag(_ points: [(Int, Int)], button: MouseEvent.Button = .left) {
        guard let first = points.first, let last = points.last else { return }
        mouse(.press, button, x: first.0, y: first.1)
        for point in points.dropFirst() { mouse(.drag, button, x: point.0, y: point.1) }
        mouse(.release, button, x: last.0, y: last.1)
    }

    @discardableResult
    mutating func press(_ keys: Key...) -> [Action] {
        keys.flatMap { handle(.key($0)) }
    }
}
