import CNcursesw
import Foundation

/// The thin adapter to the real terminal: ncursesw draws character grids; input is read as raw bytes from
/// standard input (decoded by `InputDecoder`). The only file that touches ncurses.
final class NcursesTerminal {
    /// What interrupted a wait for input.
    enum Wake {
        case input([UInt8])
        case endOfInput
        case timeout
        case signal(Int32)
    }

    /// Mouse reporting: button presses and releases (1000), drags (1002), SGR encoding (1006).
    private static let mouseOn = "\u{1B}[?1000h\u{1B}[?1002h\u{1B}[?1006h"
    private static let mouseOff = "\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?1000l"

    private let screen: OpaquePointer
    private var running = true
    private var pairs: [Pair: Int32] = [:]
    /// Signals arrive here as bytes (written by `SignalWatcher`) so that one `poll` waits for input and signals.
    private let signalPipe: Int32
    let colours: Int

    private struct Pair: Hashable {
        let foreground: Int32
        let background: Int32
    }

    /// Takes over the terminal: alternate screen, raw input, no echo, hidden cursor, mouse reporting.
    init(signalPipe: Int32) throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw AppError("digitty draw needs a terminal (standard input and output are not a tty)")
        }
        setlocale(LC_ALL, "")
        guard let screen = digitty_newterm() else {
            throw AppError("cannot start the terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset"))")
        }
        self.screen = screen
        self.signalPipe = signalPipe
        raw()
        noecho()
        nonl()
        keypad(digitty_stdscr(), false)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        colours = has_colors() ? Int(digitty_colors()) : 0
        Self.writeRaw(Self.mouseOn)
    }

    deinit { stop() }

    /// Gives the terminal back as it was: mouse reporting off, cursor shown, normal screen, cooked input.
    func stop() {
        guard running else { return }
        running = false
        Self.writeRaw(Self.mouseOff)
        curs_set(1)
        endwin()
        delscreen(screen)
        Self.writeRaw(Self.mouseOff)
    }

    private static func writeRaw(_ text: String) {
        digitty_write_raw(text)
    }

    /// The terminal's size as ncurses knows it.
    var size: TerminalSize { TerminalSize(columns: Int(digitty_cols()), rows: Int(digitty_lines())) }

    /// Asks the kernel for the window size and tells ncurses (after SIGWINCH).
    func updateSize() {
        var window = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_row > 0, window.ws_col > 0 {
            resizeterm(Int32(window.ws_row), Int32(window.ws_col))
        }
        clearok(digitty_stdscr(), true)
    }

    /// Puts a grid on the screen; ncurses sends only what changed.
    func draw(_ grid: TextGrid) {
        let rows = min(grid.size.rows, Int(digitty_lines())), columns = min(grid.size.columns, Int(digitty_cols()))
        for row in 0..<rows {
            var column = 0
            while column < columns {
                let style = grid[column, row].style
                var run = ""
                let start = column
                while column < columns, grid[column, row].style == style {
                    run.append(grid[column, row].character)
                    column += 1
                }
                // The bottom-right cell cannot be written without scrolling; leave it out.
                if row == rows - 1 && column == columns { run = String(run.dropLast()) }
                apply(style)
                _ = digitty_mvaddstr(Int32(row), Int32(start), run)
            }
        }
        apply(.plain)
        refresh()
    }

    private func apply(_ style: Style) {
        var attributes = digitty_a_normal()
        if style.bold { attributes |= digitty_a_bold() }
        if style.reverse { attributes |= digitty_a_reverse() }
        if style.dim { attributes |= digitty_a_dim() }
        _ = digitty_set_style(attributes, pair(style.foreground, style.background))
    }

    private func colourNumber(_ colour: Colour) -> Int32 {
        switch colour {
        case .standard: -1
        case let .grey(level): colours >= 256 ? Int32(232 + min(max(level, 0), 23)) : (level < 12 ? Int32(COLOR_BLACK) : Int32(COLOR_WHITE))
        case .accent: Int32(COLOR_GREEN)
        case .warning: Int32(COLOR_YELLOW)
        // xterm-256: yellow to red for "towards", pale to deep blue for "away"; red and blue with 8 colours.
        case let .towards(level): colours >= 256 ? [220, 214, 208, 196][min(max(level, 0), 3)] : Int32(COLOR_RED)
        case let .away(level): colours >= 256 ? [117, 75, 33, 21][min(max(level, 0), 3)] : Int32(COLOR_BLUE)
        }
    }

    private func pair(_ foreground: Colour, _ background: Colour) -> Int32 {
        guard colours > 0, foreground != .standard || background != .standard else { return 0 }
        let key = Pair(foreground: colourNumber(foreground), background: colourNumber(background))
        if let known = pairs[key] { return known }
        let number = Int32(pairs.count + 1)
        guard number < min(digitty_color_pairs(), 32767) else { return 0 }
        init_pair(Int16(number), Int16(key.foreground), Int16(key.background))
        pairs[key] = number
        return number
    }

    /// Waits up to `timeout` milliseconds (-1: forever) for input bytes or a signal.
    func wait(timeout: Int32) -> Wake {
        var descriptors = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: signalPipe, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&descriptors, 2, timeout)
        if ready == 0 { return .timeout }
        if ready < 0 { return errno == EINTR ? .timeout : .endOfInput }
        if descriptors[1].revents & Int16(POLLIN) != 0 {
            var number: Int32 = 0
            if read(signalPipe, &number, MemoryLayout<Int32>.size) == MemoryLayout<Int32>.size { return .signal(number) }
        }
        guard descriptors[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { return .timeout }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(STDIN_FILENO, &buffer, buffer.count)
        if count > 0 { return .input(Array(buffer[0..<count])) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return .timeout }
        return .endOfInput
    }
}
