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
    private let drawings: DrawingStore?
    private let personalModel: URL?
    private let tuner: PersonalTuner?

    /// - Parameters:
    ///   - model: the model to start with (loaded before the terminal is taken over, so a bad file leaves it clean).
    ///   - modelURL: where it came from, to find it among the shipped models for `Tab`.
    ///   - shippedModels: the models `Tab` cycles through.
    ///   - drawings: where `0`…`9` save taught drawings (nil: teaching is off).
    ///   - personalModel: the personal model's file, in the `Tab` cycle once it exists.
    ///   - tuner: what `T` runs in the background (nil: tuning is off).
    public init(model: any ImageClassifier, modelURL: URL?, shippedModels: [URL], loadModel: @escaping ModelLoader,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                drawings: DrawingStore? = nil, personalModel: URL? = nil, tuner: PersonalTuner? = nil) {
        self.drawings = drawings
        self.personalModel = personalModel
        self.tuner = tuner
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
        var tuning: BackgroundTuning?
        defer { tuning?.stop() }

        terminal.draw(renderer.render(state))
        trace?.record("first-frame")
        while true {
            // While a tuning runs, wake up to show its progress.
            let timeout: Int32 = decoder.hasPending ? 25 : state.predictionPending && !state.isStroking ? 0 : tuning != nil ? 250 : -1
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
            if let running = tuning, finishTuning(running, &state, &reader, &currentURL) { tuning = nil }
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
                    case let .teach(digit): teach(&state, digit)
                    case .tune:
                        if tuning != nil {
                            state.message = "already tuning"
                        } else if let tuner {
                            tuning = BackgroundTuning(tuner)
                            state.tuningStatus = "tuning: starting"
                        } else {
                            state.message = "tuning is not available here"
                        }
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
            let reading = try reader.read(state.canvas.image, explain: state.showWhy)
            var explanation: Explanation?
            if state.showWhy, let input = reading.input {
                let framing = reader.preprocesses ? MNISTPreprocessing.prepareWithFraming(state.canvas.image)?.framing : nil
                let erasure = try reading.runnerUp.flatMap { runnerUp throws(ReaderError) in try reader.erasure(of: input, toRead: runnerUp) }
                explanation = Explanation(reading: reading, framing: framing, erasure: erasure)
            }
            state.showPrediction(reading, explanation: explanation)
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

    /// Saves the canvas as a drawing of `digit` and says how many there are.
    private func teach(_ state: inout AppState, _ digit: Int) {
        guard let drawings else { state.message = "teaching is not available here"; return }
        do {
            try drawings.save(state.canvas.image, as: digit)
            let counts = drawings.counts()
            let names = ["zeros", "ones", "twos", "threes", "fours", "fives", "sixes", "sevens", "eights", "nines"]
            let total = counts.reduce(0, +)
            state.message = "saved as \(digit) — \(counts[digit]) \(counts[digit] == 1 ? String(names[digit].dropLast(digit == 6 ? 2 : 1)) : names[digit]), "
                + "\(total) drawing\(total == 1 ? "" : "s") in all (T tunes)"
        } catch {
            state.message = "cannot teach: \(error)"
        }
    }

    /// Shows a running tuning's progress; once it has finished, loads the personal model it wrote and
    /// selects it. Returns whether it has finished.
    private func finishTuning(_ tuning: BackgroundTuning, _ state: inout AppState, _ reader: inout DigitReader,
                              _ currentURL: inout URL?) -> Bool {
        let status = tuning.status
        guard let result = status.result else {
            state.tuningStatus = status.progress
            return false
        }
        state.tuningStatus = nil
        switch result {
        case let .success(.written(url, summary)):
            do {
                let personal = try loadModel(url)
                reader = DigitReader(model: personal)
                currentURL = url.standardizedFileURL
                state.modelChanged(to: personal.name)
                state.message = "tuned: model \(personal.name) selected; \(summary)"
            } catch {
                state.message = "cannot load \(url.lastPathComponent): \(error)"
            }
        case let .success(.notWritten(reason)): state.message = reason
        case let .failure(error): state.message = "tuning failed: \(error)"
        }
        return true
    }

    private func nextModel(after current: URL?, _ state: inout AppState) -> (any ImageClassifier, URL)? {
        var models = shippedModels.map(\.standardizedFileURL)
        if let personalModel, FileManager.default.fileExists(atPath: personalModel.path) {
            models.append(personalModel.standardizedFileURL)
        }
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
