import Foundation

/// Writes files so that a reader never sees a half-written one: the bytes go to a temporary
/// file beside the target, which is then renamed over it. A symbolic link is followed, so the
/// file it points to is replaced and the link kept. A target that is not a regular file (a
/// device such as /dev/null, a pipe) is written in place: renaming over it would replace the
/// device with a file. A folder is refused.
public enum AtomicFile {
    /// Writes `data` to `requested`; a new file gets `mode` (default 0644 less the umask) from its
    /// first byte: the temporary file is created with that mode and O_EXCL, then renamed.
    public static func write(_ data: Data, to requested: String, mode: mode_t = 0o644) throws {
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
        do {
            try create(temporary.path, with: data, mode: mode)
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

    /// Creates `path` (it must not exist) with `mode`, writes `data` and syncs it.
    static func create(_ path: String, with data: Data, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        // The umask may have cleared bits of `mode`; it can only remove, never add, so an owner-only
        // mode stays owner-only. fchmod makes the mode exact either way.
        guard fchmod(descriptor, mode) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
