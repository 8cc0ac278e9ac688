import Foundation

/// Writes one file so that a reader never sees it half-written: a `StagedFiles` set of one (the
/// bytes go to a temporary file beside the target, which is then renamed over it; links, special
/// files and folders are handled as that type says).
public enum AtomicFile {
    /// Writes `data` to `requested`. The file gets 0666 less the user's umask, or exactly `mode`
    /// when one is given (a secret key: 0600), from its first byte: the temporary file is created
    /// with that mode and O_EXCL, then renamed.
    /// An existing kept file (`KeptFile`) other than `replacing` is refused.
    public static func write(_ data: Data, to requested: String, mode: mode_t? = nil, replacing: KeptFile? = nil)
        throws
    {
        try write(data, to: requested, mode: mode, replacing: replacing, beforeRename: {})
    }

    /// `write`, calling `beforeRename` once the temporary file is complete (a test interrupts the
    /// write there).
    package static func write(
        _ data: Data, to requested: String, mode: mode_t?, replacing: KeptFile? = nil, beforeRename: () -> Void
    ) throws {
        let file = StagedFiles()
        try file.add(data, to: requested, mode: mode, replacing: replacing)
        try file.commit(beforeRename: beforeRename)
    }

    /// Creates `path` (it must not exist) for writing and returns its descriptor. With `mode`, the
    /// file's mode is exactly that (the umask can only remove bits, and fchmod sets the rest);
    /// without, it is 0666 less the umask.
    static func create(_ path: String, mode: mode_t?) throws -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode ?? 0o666)
        guard descriptor >= 0 else { throw StagedFileWriter.failure() }
        if let mode, fchmod(descriptor, mode) != 0 {
            let error = StagedFileWriter.failure()
            close(descriptor)
            throw error
        }
        return descriptor
    }
}
