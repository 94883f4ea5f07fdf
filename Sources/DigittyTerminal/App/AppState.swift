import DigittyVision
import Foundation

/// Everything the app shows and remembers, changed only by input events and by the results of the actions it
/// asks its runner to perform. Plain Swift: tested without a terminal.
public struct AppState: Sendable {
    /// What the runner must do after an event.
    public enum Action: Sendable, Equatable {
        case quit
        /// Read the canvas with the model now.
        case predict
        case save(path: String)
        case open(path: String)
        /// Switch to the next shipped model.
        case nextModel
    }

    /// A line being typed on the status line.
    public struct Prompt: Sendable, Equatable {
        public enum Purpose: Sendable, Equatable { case save, open }
        public var purpose: Purpose
        public var text: String
        public var label: String { purpose == .save ? "save as" : "open" }
    }

    /// The keyboard pen: lifted, drawing or erasing while the cursor moves.
    public enum Pen: Sendable, Equatable { case up, drawing, erasing }

    public private(set) var canvas = Canvas()
    private var history = History()
    public private(set) var layout: Layout
    public private(set) var cursor = (x: Canvas.size / 2, y: Canvas.size / 2)
    /// Shown once the keys are used, hidden again by the mouse.
    public private(set) var cursorVisible = false
    public private(set) var pen = Pen.up
    public private(set) var livePrediction = true
    public private(set) var showHelp = false
    public private(set) var prompt: Prompt?
    /// A one-line note: what was saved, what went wrong.
    public var message: String?
    public var modelName: String
    public private(set) var prediction: Reading?
    /// The prediction no longer matches the canvas (live prediction is off).
    public private(set) var predictionIsStale = false
    /// The canvas changed and live prediction is on: predict once input is idle.
    public private(set) var predictionPending = false
    /// The mouse stroke in progress: its last point and whether it erases.
    private var stroke: (x: Float, y: Float, erase: Bool)?
    /// q or Esc was pressed with a drawing on the canvas: the next event decides (q or Esc again quits).
    public private(set) var quitRequested = false

    public init(size: TerminalSize, modelName: String) {
        layout = Layout(size: size)
        self.modelName = modelName
    }

    /// Whether a mouse button is held down on the canvas.
    public var isStroking: Bool { stroke != nil }

    // MARK: Events

    /// Applies one input event; returns what the runner must do.
    public mutating func handle(_ event: InputEvent) -> [Action] {
        let confirmingQuit = quitRequested
        quitRequested = false
        switch event {
        case let .mouse(mouse): handleMouse(mouse); return []
        case let .key(key): return prompt != nil ? handlePromptKey(key) : handleKey(key, confirmingQuit: confirmingQuit)
        case .unknown: return []
        }
    }

    /// The terminal changed size: lay out again; the drawing is kept.
    public mutating func resize(to size: TerminalSize) {
        layout = Layout(size: size)
        stroke = nil
    }

    private mutating func handleMouse(_ mouse: MouseEvent) {
        guard layout.mode != .tooSmall, !showHelp, prompt == nil,
              let point = layout.canvasPoint(column: mouse.column, row: mouse.row) else { return }
        switch mouse.action {
        case .press:
            guard mouse.button != .middle, layout.isOnCanvas(column: mouse.column, row: mouse.row) else { return }
            cursorVisible = false
            let erase = mouse.button == .right
            beginChange()
            canvas.dab(atX: point.x, y: point.y, brush: erase ? .eraser : .pen, erase: erase)
            stroke = (point.x, point.y, erase)
        case .drag:
            guard let current = stroke else { return }
            canvas.stroke(fromX: current.x, y0: current.y, toX: point.x, y1: point.y,
                          brush: current.erase ? .eraser : .pen, erase: current.erase)
            stroke = (point.x, point.y, current.erase)
        case .release, .move:
            guard stroke != nil else { return }
            stroke = nil
            canvasChanged()
        case .scrollUp, .scrollDown:
            return
        }
    }

    private mutating func handleKey(_ key: Key, confirmingQuit: Bool) -> [Action] {
        if showHelp {
            // Any key closes the help; q and Ctrl-C still quit.
            showHelp = false
            if key == .character("q") { return requestQuit(confirmed: confirmingQuit) }
            if key == .control("c") { return [.quit] }
            return []
        }
        message = nil
        switch key {
        case .character("q"), .escape: return requestQuit(confirmed: confirmingQuit)
        case .control("c"): return [.quit]
        case .up, .character("k"): moveCursor(dx: 0, dy: -1)
        case .down, .character("j"): moveCursor(dx: 0, dy: 1)
        case .left, .character("h"): moveCursor(dx: -1, dy: 0)
        case .right, .character("l"): moveCursor(dx: 1, dy: 0)
        case .character(" "):
            cursorVisible = true
            paintAtCursor(erase: false, recordUndo: true)
        case .character("d"):
            cursorVisible = true
            pen = pen == .drawing ? .up : .drawing
            if pen == .drawing { paintAtCursor(erase: false, recordUndo: true) }
        case .character("x"):
            cursorVisible = true
            pen = pen == .erasing ? .up : .erasing
            if pen == .erasing { paintAtCursor(erase: true, recordUndo: true) }
        case .enter, .character("p"):
            predictionPending = false
            return [.predict]
        case .character("c"):
            guard !canvas.isEmpty else { return [] }
            beginChange()
            canvas.clear()
            canvasChanged()
        case .character("u"), .control("z"):
            if let previous = history.undo(current: canvas) { canvas = previous; canvasChanged() } else { message = "nothing to undo" }
        case .character("r"), .character("U"), .control("y"), .control("r"):
            if let next = history.redo(current: canvas) { canvas = next; canvasChanged() } else { message = "nothing to redo" }
        case .tab: return [.nextModel]
        case .character("L"), .function(2):  // not `l`: that is "right" in hjkl
            toggleLive()
        case .character("s"): prompt = Prompt(purpose: .save, text: "digit.png")
        case .character("o"): prompt = Prompt(purpose: .open, text: "")
        case .character("?"), .function(1): showHelp = true
        default: break
        }
        return []
    }

    /// Quits at once on an empty canvas; with a drawing, asks once, so that a stray q or Esc does not lose it.
    private mutating func requestQuit(confirmed: Bool) -> [Action] {
        guard confirmed || canvas.isEmpty else {
            quitRequested = true
            message = "q again to quit; s saves the drawing"
            return []
        }
        return [.quit]
    }

    private mutating func toggleLive() {
        livePrediction.toggle()
        message = livePrediction ? "live prediction on" : "live prediction off: press Enter to predict"
        if livePrediction && predictionIsStale { predictionPending = true }
    }

    private mutating func handlePromptKey(_ key: Key) -> [Action] {
        guard var current = prompt else { return [] }
        switch key {
        case .escape, .control("c"), .control("g"):
            prompt = nil
            message = nil
        case .enter:
            prompt = nil
            let path = current.text.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { message = "no file name given"; return [] }
            return [current.purpose == .save ? .save(path: path) : .open(path: path)]
        case .backspace, .control("h"):
            if !current.text.isEmpty { current.text.removeLast() }
            prompt = current
        case .control("u"):
            current.text = ""
            prompt = current
        case let .character(character):
            if current.text.count < 1024 { current.text.append(character) }
            prompt = current
        default: break
        }
        return []
    }

    // MARK: Keyboard drawing

    private mutating func moveCursor(dx: Int, dy: Int) {
        let wasVisible = cursorVisible
        cursorVisible = true
        guard wasVisible || pen != .up else { return }  // the first press just shows the cursor
        let next = (x: min(max(cursor.x + dx, 0), Canvas.size - 1), y: min(max(cursor.y + dy, 0), Canvas.size - 1))
        guard pen != .up else { cursor = next; return }
        let from = cursor
        cursor = next
        beginChange()
        let erase = pen == .erasing
        canvas.stroke(fromX: Float(from.x) + 0.5, y0: Float(from.y) + 0.5, toX: Float(next.x) + 0.5, y1: Float(next.y) + 0.5,
                      brush: erase ? .eraser : .pen, erase: erase)
        canvasChanged()
    }

    private mutating func paintAtCursor(erase: Bool, recordUndo: Bool) {
        if recordUndo { beginChange() }
        canvas.dab(atX: Float(cursor.x) + 0.5, y: Float(cursor.y) + 0.5, brush: erase ? .eraser : .pen, erase: erase)
        canvasChanged()
    }

    // MARK: Changes and predictions

    private mutating func beginChange() { history.record(canvas) }

    private mutating func canvasChanged() {
        if canvas.isEmpty {
            prediction = nil
            predictionIsStale = false
            predictionPending = false
        } else if livePrediction {
            predictionPending = true
        } else if prediction != nil {
            predictionIsStale = true
        }
    }

    /// Records what the reader made of the canvas.
    public mutating func showPrediction(_ reading: Reading) {
        prediction = reading.isEmpty ? nil : reading
        predictionIsStale = false
        predictionPending = false
        if reading.isEmpty { message = "draw a digit first" }
    }

    /// Replaces the drawing (an opened image), keeping the old one for undo.
    public mutating func replaceCanvas(with newCanvas: Canvas) {
        beginChange()
        canvas = newCanvas
        canvasChanged()
        if !livePrediction { predictionPending = true }
    }

    /// The model changed: predict again.
    public mutating func modelChanged(to name: String) {
        modelName = name
        if !canvas.isEmpty { predictionPending = true }
    }

    /// Stops a pending live prediction from being run (it was run, or failed).
    public mutating func cancelPendingPrediction() { predictionPending = false }
}
