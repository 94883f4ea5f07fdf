/// Undo and redo of whole strokes: a snapshot of the canvas is kept before each change.
public struct History: Sendable {
    /// Snapshots kept at most (each is 784 floats).
    public static let limit = 200

    private var undoStack: [Canvas] = []
    private var redoStack: [Canvas] = []

    public init() {}

    public var canUndo: Bool { !undoStack.isEmpty }
    public var canRedo: Bool { !redoStack.isEmpty }

    /// Records the canvas as it is before a change (a stroke, a clear, an opened image); forgets the redo steps.
    public mutating func record(_ before: Canvas) {
        undoStack.append(before)
        if undoStack.count > History.limit { undoStack.removeFirst(undoStack.count - History.limit) }
        redoStack.removeAll()
    }

    /// The canvas before the last change, given the current one; nil if there is nothing to undo.
    public mutating func undo(current: Canvas) -> Canvas? {
        guard let previous = undoStack.popLast() else { return nil }
        redoStack.append(current)
        return previous
    }

    /// The canvas after the last undone change; nil if there is nothing to redo.
    public mutating func redo(current: Canvas) -> Canvas? {
        guard let next = redoStack.popLast() else { return nil }
        undoStack.append(current)
        return next
    }
}
