import Foundation

/// Where dpsynth's own messages go: standard error as the process found it, kept apart from
/// descriptor 2 once `separateFromRuntime()` has run.
///
/// The Swift runtime writes its own report to descriptor 2 before it stops the process (a failed
/// allocation with its size in bytes, a precondition's text), and a size can be a figure of the
/// private data (one code per row is a row count). After the separation, descriptor 2 writes to
/// `/dev/null`, and only dpsynth's own messages reach the user.
public enum Diagnostics {
    /// The descriptor dpsynth's messages are written to; set once, before any signal handler is
    /// installed, so a handler may read it.
    public private(set) nonisolated(unsafe) static var descriptor: Int32 = STDERR_FILENO
    /// Whether descriptor 2 writes to `/dev/null` (`separateFromRuntime()` has run).
    private nonisolated(unsafe) static var separated = false

    /// Keeps standard error for dpsynth's messages and points descriptor 2 at `/dev/null`;
    /// false (and nothing changed) when either cannot be opened. A process started with standard
    /// error closed keeps descriptor 2 taken by `/dev/null` (a file opened later would otherwise
    /// get it, and the runtime's report would be written into that file), and its messages go
    /// there too.
    public static func separateFromRuntime() -> Bool {
        let kept = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)
        guard kept >= 0 else {
            guard errno == EBADF else { return false }
            let null = open("/dev/null", O_WRONLY)
            guard null == STDERR_FILENO else {
                if null >= 0 { close(null) }
                return false
            }
            separated = true
            return true
        }
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        guard null >= 0, dup2(null, STDERR_FILENO) >= 0 else {
            if null >= 0 { close(null) }
            close(kept)
            return false
        }
        close(null)
        descriptor = kept
        separated = true
        return true
    }

    /// Whether `path` names this process's descriptor 2 (`/dev/stderr`, `/dev/fd/2`,
    /// `/proc/self/fd/2`, through any links), which writes to `/dev/null` once separated: rows
    /// written there would be paid for and lost.
    public static func isSeparatedStandardError(_ path: String) -> Bool {
        guard separated else { return false }
        let descriptors = "/proc/\(getpid())/fd"
        var current = URL(fileURLWithPath: path)
        for _ in 0..<32 {
            let folder = current.deletingLastPathComponent()
            if current.lastPathComponent == "2", let real = realpath(folder.path, nil) {
                defer { free(real) }
                if String(cString: real) == descriptors { return true }
            }
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current.path) else {
                return false
            }
            current = URL(fileURLWithPath: target, relativeTo: folder).standardizedFileURL
        }
        return false
    }

    /// Writes `text` whole to the messages' descriptor.
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Whether the messages go to a terminal.
    public static var isTerminal: Bool { isatty(descriptor) != 0 }
}
