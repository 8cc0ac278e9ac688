import Foundation

/// Files that appear together: each is written in full to a temporary file beside its target,
/// and `commit()` renames them all into place while stop signals (SIGINT, SIGTERM, SIGHUP) wait,
/// so an interrupted writer leaves either the old files or every new one, never a mix.
/// Until the commit the temporary files are registered in `TemporaryFiles`, so a signal or a
/// crash removes them; a set dropped without a commit removes them too.
///
/// A symbolic link target is followed (the file it points to is replaced and the link kept). A
/// target that is not a regular file (a device such as /dev/null, a pipe) is written in place at
/// the commit, before the renames: renaming over it would replace the device with a file. A
/// folder is refused.
///
/// What was at a target when it was staged is checked again at the commit: a file that appeared
/// at a target that had none (another writer's, a ledger created there) is never replaced, since
/// such a file is put in place by a link, which fails where a name exists, and a target that
/// became a kept file (`KeptFile`) is refused before any file of the set is moved.
public final class StagedFiles {
    struct Staged {
        let requested: String
        let temporary: String
        let target: String
        let slot: Int?
        /// Whether a file was at the target when it was staged.
        let replaces: Bool
        /// The kept file it may replace.
        let replacing: KeptFile?
    }

    private var staged: [Staged] = []
    private var special: [(path: String, data: Data)] = []
    /// Where `commit` records its renames before the first (`CommitJournal`); nil for none.
    let journal: String?

    /// A set committed with a journal at `journal` (`CommitJournal`) when one is given.
    public init(journal: String? = nil) { self.journal = journal }

    deinit { discard() }

    /// Writes `data` to a temporary file for `requested`. The file gets 0666 less the user's
    /// umask, or exactly `mode` when one is given (a secret key: 0600), from its first byte. An
    /// existing kept file (`KeptFile`) other than `replacing` is refused.
    public func add(_ data: Data, to requested: String, mode: mode_t? = nil, replacing: KeptFile? = nil) throws {
        try add(to: requested, mode: mode, replacing: replacing) { $0.write(data) }
    }

    /// The path a regular output is staged beside and renamed over: the file its links lead to
    /// when one exists (the link stays a link), the path itself otherwise.
    static func stagedPath(_ requested: String) -> String {
        var status = stat()
        guard stat(requested, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return requested }
        return URL(fileURLWithPath: requested).resolvingSymlinksInPath().path
    }

    /// Writes a file piece by piece to a temporary file for `requested`: `body` hands each piece
    /// to the writer, so a file larger than memory can be staged. A special target (a device, a
    /// pipe) keeps the pieces in memory until the commit.
    public func add(
        to requested: String, mode: mode_t? = nil, replacing: KeptFile? = nil,
        writing body: (StagedFileWriter) throws -> Void
    ) throws {
        var path = requested
        var status = stat()
        if stat(requested, &status) == 0 {
            let type = status.st_mode & S_IFMT
            if type == S_IFDIR {
                throw DataError(file: requested, problem: "is a folder", hint: "Give a file name inside it.")
            }
            if type == S_IFREG { try KeptFile.refuseReplacing(requested, name: "the output", allowed: replacing) }
            if type != S_IFREG {
                let writer = StagedFileWriter(descriptor: nil)
                try body(writer)
                special.append((requested, writer.buffer))
                return
            }
            path = Self.stagedPath(requested)
        }
        let url = URL(fileURLWithPath: path)
        // Anything at the name, a link to nothing included, is what the commit replaces.
        let replaces = lstat(url.path, &status) == 0
        StaleTemporaryFiles.sweep(beside: url)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(StaleTemporaryFiles.name(for: url.lastPathComponent)).path
        let slot = TemporaryFiles.register(temporary)
        func abandon() {
            _ = unlink(temporary)
            TemporaryFiles.release(slot)
        }
        let descriptor: Int32
        do {
            descriptor = try AtomicFile.create(temporary, mode: mode)
        } catch {
            abandon()
            throw DataError(
                file: requested, problem: "cannot write the file (\(error.localizedDescription))",
                hint: "Check that the folder exists and is writable.")
        }
        let writer = StagedFileWriter(descriptor: descriptor)
        do {
            try body(writer)
            try writer.finish()
        } catch let error as POSIXError {
            writer.close()
            abandon()
            throw DataError(
                file: requested, problem: "cannot write the file (\(error.localizedDescription))",
                hint: "Check that the folder exists and is writable, and that the disk has room.")
        } catch {
            writer.close()
            abandon()
            throw error
        }
        staged.append(
            Staged(
                requested: requested, temporary: temporary, target: url.path, slot: slot, replaces: replaces,
                replacing: replacing))
    }

    /// Moves every staged file into place; a stop signal that arrives meanwhile, on any thread,
    /// takes effect once the set is complete (`TemporaryFiles.deferStop`). `beforeRename` runs
    /// once all files are staged, and `afterFirstRename` once the first is in place (tests
    /// interrupt the write there).
    public func commit(beforeRename: () throws -> Void = {}, afterFirstRename: () -> Void = {}) throws {
        do { try beforeRename() } catch {
            discard()
            throw error
        }
        TemporaryFiles.beginCommit()
        defer { TemporaryFiles.endCommit() }
        // A special file (a pipe, a device) is written first: it is the one that may refuse (a full
        // device, a closed pipe), and then no regular file has been replaced.
        do {
            // Before a special file takes its bytes: a refused set delivers nothing.
            try refuseTargetsChangedSinceStaged()
            try writeSpecialFiles()
        } catch {
            discard()
            throw error
        }
        if let journal {
            do {
                try CommitJournal.write(
                    staged.map { CommitJournal.Rename(temporary: $0.temporary, target: $0.target) }, to: journal)
            } catch {
                discard()
                throw error
            }
        }
        var renamed = 0
        while let file = staged.first {
            if !Self.moveIntoPlace(file) {
                let reason =
                    errno == EEXIST ? "another file appeared there meanwhile" : String(cString: strerror(errno))
                // The journal stays: the next run that owns the folder says the set was left mixed.
                discard()
                throw DataError(
                    file: file.requested, problem: "cannot move the finished file into place (\(reason))",
                    hint: "Check that the folder is writable, and that no other program writes there.")
            }
            TemporaryFiles.release(file.slot)
            staged.removeFirst()
            renamed += 1
            if renamed == 1 { afterFirstRename() }
        }
        if let journal { unlink(journal) }
    }

    /// Throws when a target changed since it was staged: a file appeared where there was none, or
    /// the file there is now a kept file it may not replace.
    private func refuseTargetsChangedSinceStaged() throws {
        for file in staged {
            var status = stat()
            if !file.replaces, lstat(file.target, &status) == 0 {
                throw DataError(
                    file: file.requested, problem: "a file appeared there while the output was written",
                    hint: "Check which program writes there, then run again; nothing was replaced.")
            }
            if file.replaces { try KeptFile.refuseReplacing(file.target, name: "the output", allowed: file.replacing) }
        }
    }

    /// Moves `file` into place: over the file at its target when one was there when it was staged,
    /// by a link otherwise, which fails (EEXIST) where a file has appeared since. A file system
    /// without links takes a rename.
    static func moveIntoPlace(_ file: Staged) -> Bool {
        guard !file.replaces else { return rename(file.temporary, file.target) == 0 }
        if link(file.temporary, file.target) == 0 {
            unlink(file.temporary)
            return true
        }
        guard [EPERM, EOPNOTSUPP, ENOSYS, EMLINK].contains(errno) else { return false }
        var status = stat()
        guard lstat(file.target, &status) != 0 else {
            errno = EEXIST
            return false
        }
        return rename(file.temporary, file.target) == 0
    }

    private func writeSpecialFiles() throws {
        for (path, data) in special {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw DataError(
                    file: path, problem: "cannot open the special file for writing",
                    hint: "Write to a regular file instead.")
            }
            defer { try? handle.close() }
            do { try handle.write(contentsOf: data) } catch {
                throw DataError(
                    file: path, problem: "cannot write (\(error.localizedDescription))",
                    hint: "Write to a regular file instead.")
            }
        }
        special.removeAll()
    }

    /// Removes the files staged and not yet committed.
    public func discard() {
        for file in staged {
            _ = unlink(file.temporary)
            TemporaryFiles.release(file.slot)
        }
        staged.removeAll()
        special.removeAll()
    }
}
