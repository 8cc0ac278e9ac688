import Foundation

/// Writes files so that a reader never sees a half-written one: the bytes go to a temporary
/// file beside the target, which is then renamed over it. A symbolic link is followed, so the
/// file it points to is replaced and the link kept. A target that is not a regular file (a
/// device such as /dev/null, a pipe) is written in place: renaming over it would replace the
/// device with a file. A folder is refused.
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
        var path = requested
        var status = stat()
        if stat(requested, &status) == 0 {
            let type = status.st_mode & S_IFMT
            if type == S_IFDIR {
                throw DataError(file: requested, problem: "is a folder", hint: "Give a file name inside it.")
            }
            if type != S_IFREG {
                guard let handle = FileHandle(forWritingAtPath: requested) else {
                    throw DataError(
                        file: requested, problem: "cannot open the special file for writing",
                        hint: "Write to a regular file instead.")
                }
                defer { try? handle.close() }
                do { try handle.write(contentsOf: data) } catch {
                    throw DataError(
                        file: requested, problem: "cannot write (\(error.localizedDescription))",
                        hint: "Write to a regular file instead.")
                }
                return
            }
            path = URL(fileURLWithPath: requested).resolvingSymlinksInPath().path
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(
                ".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-"
                    + "\(UUID().uuidString.prefix(8))"
            )
        let slot = TemporaryFiles.register(temporary.path)
        defer { TemporaryFiles.release(slot) }
        do {
            try create(temporary.path, with: data, mode: mode)
            beforeRename()
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw DataError(
                    file: requested, problem: "cannot move the finished file into place (\(reason))",
                    hint: "Check that the folder is writable.")
            }
        } catch let error as DataError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw DataError(
                file: requested, problem: "cannot write the file (\(error.localizedDescription))",
                hint: "Check that the folder exists and is writable.")
        }
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
