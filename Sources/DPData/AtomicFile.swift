import Foundation

/// Writes one file so that a reader never sees it half-written: a `StagedFiles` set of one (the
/// bytes go to a temporary file beside the target, which is then renamed over it; links, special
/// files and folders are handled as that type says).
public enum AtomicFile {
    /// Writes `data` to `requested`. The file gets 0666 less the user's umask, or exactly `mode`
    /// when one is given (a secret key: 0600), from its first byte: the temporary file is created
    /// with that mode and O_EXCL, then renamed.
    public static func write(_ data: Data, to requested: String, mode: mode_t? = nil) throws {
        try write(data, to: requested, mode: mode, beforeRename: {})
    }

    /// `write`, calling `beforeRename` once the temporary file is complete (a test interrupts the
    /// write there).
    package static func write(_ data: Data, to requested: String, mode: mode_t?, beforeRename: () -> Void) throws {
        let file = StagedFiles()
        try file.add(data, to: requested, mode: mode)
        try file.commit(beforeRename: beforeRename)
    }

    /// Creates `path` (it must not exist), writes `data` and syncs it. With `mode`, the file's
    /// mode is exactly that (the umask can only remove bits, and fchmod sets the rest); without,
    /// it is 0666 less the umask.
    static func create(_ path: String, with data: Data, mode: mode_t?) throws {
        func failure() -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ?? 0o666)
        guard descriptor >= 0 else { throw failure() }
        defer { close(descriptor) }
        if let mode { guard fchmod(descriptor, mode) == 0 else { throw failure() } }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw failure() }
                offset += written
            }
        }
        while fsync(descriptor) != 0 {
            guard errno == EINTR else { throw failure() }
        }
    }
}
