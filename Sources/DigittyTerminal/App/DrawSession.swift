import DigittyEngine
import DigittyVision
import Foundation

/// Runs the app on the real terminal: reads input, updates the state, predicts when input is idle, draws.
public struct DrawSession {
    /// Loads a model file (the CLI's loader, which knows every supported format).
    public typealias ModelLoader = @Sendable (URL) throws -> any ImageClassifier

    private let model: any ImageClassifier
    private let modelURL: URL?
    private let shippedModels: [URL]
    private let loadModel: ModelLoader
    private let environment: [String: String]

    /// - Parameters:
    ///   - model: the model to start with (loaded before the terminal is taken over, so a bad file leaves it clean).
    ///   - modelURL: where it came from, to find it among the shipped models for `Tab`.
    ///   - shippedModels: the models `Tab` cycles through.
    public init(model: any ImageClassifier, modelURL: URL?, shippedModels: [URL], loadModel: @escaping ModelLoader,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.model = model
        self.modelURL = modelURL
        self.shippedModels = shippedModels
        self.loadModel = loadModel
        self.environment = environment
    }

    /// Runs until the person quits or a terminating signal arrives; the terminal is restored on every way out.
    public func run() throws {
        let trace = environment["DIGITTY_TRACE"].flatMap { $0.isEmpty ? nil : Trace(path: $0) }
        let signals = try SignalWatcher()
        let terminal = try NcursesTerminal(signalPipe: signals.readEnd)
        defer { terminal.stop() }
        let renderer = Renderer(capabilities: Capabilities.detect(environment: environment, terminalColours: terminal.colours))
        var state = AppState(size: terminal.size, modelName: model.name)
        var reader = DigitReader(model: model)
        var currentURL = modelURL?.standardizedFileURL
        var decoder = InputDecoder()

        terminal.draw(renderer.render(state))
        trace?.record("first-frame")
        while true {
            let timeout: Int32 = decoder.hasPending ? 25 : state.predictionPending && !state.isStroking ? 0 : -1
            var events: [InputEvent] = []
            switch terminal.wait(timeout: timeout) {
            case let .input(bytes): events = decoder.feed(bytes)
            case .endOfInput: return
            case let .signal(number):
                guard number == SIGWINCH else { return }
                terminal.updateSize()
                state.resize(to: terminal.size)
            case .timeout:
                if decoder.hasPending {
                    events = decoder.flush()
                } else if state.predictionPending {
                    let start = DispatchTime.now().uptimeNanoseconds
                    predict(&state, reader)
                    terminal.draw(renderer.render(state))
                    trace?.record("predict-draw", nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
                    continue
                }
            }
            for event in events {
                for action in state.handle(event) {
                    switch action {
                    case .quit: return
                    case .predict:
                        let start = DispatchTime.now().uptimeNanoseconds
                        predict(&state, reader)
                        terminal.draw(renderer.render(state))
                        trace?.record("predict-draw", nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
                    case let .save(path): save(&state, to: path)
                    case let .open(path): open(&state, path)
                    case .nextModel:
                        if let (next, url) = nextModel(after: currentURL, &state) {
                            reader = DigitReader(model: next)
                            currentURL = url
                            state.modelChanged(to: next.name)
                            state.message = "model: \(next.name)"
                        }
                    }
                }
            }
            // Draw once the bytes at hand are handled; a prediction waits for idle input (timeout 0 above).
            terminal.draw(renderer.render(state))
        }
    }

    private func predict(_ state: inout AppState, _ reader: DigitReader) {
        do {
            state.showPrediction(try reader.read(state.canvas.image))
        } catch {
            state.cancelPendingPrediction()
            state.message = "\(error)"
        }
    }

    private func save(_ state: inout AppState, to path: String) {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        do {
            let image = state.canvas.image
            let bytes = url.pathExtension.lowercased() == "pgm" ? PGM.encode(image) : PNG.encode(image)
            try AtomicFile.write(Data(bytes), to: url)
            state.message = "saved \(url.lastPathComponent) (28×28, white on black)"
        } catch {
            state.message = "cannot save \(path): \(error)"
        }
    }

    private func open(_ state: inout AppState, _ path: String) {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        do {
            let image = try ImageFile.load(contentsOf: url)
            guard let prepared = MNISTPreprocessing.prepare(image) else {
                state.message = "\(url.lastPathComponent) has no ink"
                return
            }
            state.replaceCanvas(with: Canvas(image: prepared))
            state.message = "opened \(url.lastPathComponent)"
        } catch {
            state.message = "cannot open \(path): \(error)"
        }
    }

    private func nextModel(after current: URL?, _ state: inout AppState) -> (any ImageClassifier, URL)? {
        let models = shippedModels.map(\.standardizedFileURL)
        guard !models.isEmpty else { state.message = "no shipped models to switch to"; return nil }
        let index = current.flatMap { models.firstIndex(of: $0) }
        if models.count == 1, index != nil { state.message = "only one model is shipped"; return nil }
        let url = models[index.map { ($0 + 1) % models.count } ?? 0]
        do {
            return (try loadModel(url), url)
        } catch {
            state.message = "cannot load \(url.lastPathComponent): \(error)"
            return nil
        }
    }
}

/// Optional timing records (`DIGITTY_TRACE=file`): wall-clock nanoseconds of the first frame, durations of
/// prediction plus redraw. For the speed script; off unless asked for.
struct Trace {
    let path: String

    func record(_ event: String, nanoseconds: UInt64? = nil) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let stamp = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        let line = "\(event) \(nanoseconds.map(String.init) ?? String(stamp))\n"
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { return }
        handle.seekToEndOfFile()
        handle.write(Data(line.utf8))
        try? handle.close()
    }
}
