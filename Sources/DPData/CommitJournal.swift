import Foundation

/// The renames a `StagedFiles` commit is about to make, written before the first: a writer
/// killed between two renames (SIGKILL, a power cut) leaves part of the new set in place and
/// the rest staged, and the next run that owns the folder finishes the renames from the journal
/// (`finish`) before it writes anything, so a set of files is never left mixed for good.
public enum CommitJournal {
    struct Rename: Codable, Equatable {
        let temporary: String
        let target: String

        /// Whether `temporary` is a name `StaleTemporaryFiles.name(for:)` gives in `target`'s folder.
        var isStagedBesideItsTarget: Bool {
            let (staged, final) = (URL(fileURLWithPath: temporary), URL(fileURLWithPath: target))
            return staged.deletingLastPathComponent().path == final.deletingLastPathComponent().path
                && staged.lastPathComponent.hasPrefix(".\(final.lastPathComponent).tmp-")
        }
    }

    /// The largest journal read: a few hundred bytes an output.
    static let largestBytes = 1 << 20

    /// Writes the journal at `path` (in full, synced, then renamed into place).
    static func write(_ renames: [Rename], to path: String) throws {
        let files = StagedFiles()
        try files.add(try JSONEncoder().encode(renames), to: path, mode: 0o600)
        try files.commit()
    }

    /// What `finish` found: how many renames the journal listed and how many it made (a staged
    /// file removed meanwhile cannot be moved, and the set it belonged to stays mixed).
    public struct Finished: Equatable, Sendable {
        public let listed: Int
        public let made: Int
    }

    /// Finishes the commit a journal at `path` records, if any, then removes it: each staged file
    /// still there is renamed over its target. Only a regular staged file beside its own target,
    /// one of `targets` (the outputs the caller writes), is moved: an edited journal moves
    /// nothing else. Call it only while holding the folder's lock, before anything is staged there.
    public static func finish(_ path: String, targets: [String]) throws -> Finished? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        func unreadable() -> DataError {
            DataError(
                file: path, problem: "the commit journal of an interrupted run cannot be read",
                hint: "Check the outputs it names by hand, then remove it.")
        }
        guard case .success(let data) = BoundedFile.read(path, largest: largestBytes, followingLinks: false),
            let renames = try? JSONDecoder().decode([Rename].self, from: data)
        else { throw unreadable() }
        let allowed = Set(targets.map { StagedFiles.stagedPath($0) }.map(standardized))
        guard renames.allSatisfy({ $0.isStagedBesideItsTarget && allowed.contains(standardized($0.target)) }) else {
            throw unreadable()
        }
        var made = 0
        for rename in renames where lstat(rename.temporary, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFREG else { throw unreadable() }
            // Put in place by a link before the writer stopped (`StagedFiles.moveIntoPlace`): the
            // target is the staged file already, and a rename between two names of one file does
            // nothing.
            var target = stat()
            if lstat(rename.target, &target) == 0, target.st_dev == status.st_dev, target.st_ino == status.st_ino {
                unlink(rename.temporary)
                made += 1
                continue
            }
            guard Foundation.rename(rename.temporary, rename.target) == 0 else {
                throw DataError(
                    file: rename.target,
                    problem: "cannot finish an interrupted run's commit (\(String(cString: strerror(errno))))",
                    hint: "Check that the folder is writable.")
            }
            made += 1
        }
        unlink(path)
        return Finished(listed: renames.count, made: made)
    }

    static func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}
