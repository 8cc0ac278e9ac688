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
                && !final.lastPathComponent.isEmpty && final.lastPathComponent != ".."
                && final.lastPathComponent != "."
        }
    }

    /// Writes the journal at `path` (in full, synced, then renamed into place).
    static func write(_ renames: [Rename], to path: String) throws {
        let data = try JSONEncoder().encode(renames)
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let descriptor = try AtomicFile.create(temporary, mode: 0o600)
        let writer = StagedFileWriter(descriptor: descriptor)
        writer.write(data)
        do { try writer.finish() } catch {
            unlink(temporary)
            throw DataError(
                file: path, problem: "cannot write the commit journal (\(error.localizedDescription))",
                hint: "Check that the folder is writable and the disk has room.")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw DataError(
                file: path, problem: "cannot move the commit journal into place (\(reason))",
                hint: "Check that the folder is writable.")
        }
    }

    /// Finishes the commit a journal at `path` records, if any: each staged file still there is
    /// renamed over its target, then the journal is removed. Returns whether there was one.
    /// Call it only while holding the folder's lock, before anything is staged there.
    public static func finish(_ path: String) throws -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        // Only a staged file beside its own target, named as `StagedFiles` names it, is moved: a
        // journal edited to name other files moves nothing.
        guard let renames = try? JSONDecoder().decode([Rename].self, from: data),
            renames.allSatisfy(\.isStagedBesideItsTarget)
        else {
            throw DataError(
                file: path, problem: "the commit journal of an interrupted run cannot be read",
                hint: "Check the outputs it names by hand, then remove it.")
        }
        for rename in renames where FileManager.default.fileExists(atPath: rename.temporary) {
            guard Foundation.rename(rename.temporary, rename.target) == 0 else {
                throw DataError(
                    file: rename.target,
                    problem: "cannot finish an interrupted run's commit (\(String(cString: strerror(errno))))",
                    hint: "Check that the folder is writable.")
            }
        }
        unlink(path)
        return true
    }
}
