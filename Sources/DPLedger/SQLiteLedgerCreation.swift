import Foundation

/// How a new ledger file comes to be: its tables are written into a file of its own beside the
/// path, which is then linked into place only if nothing is there yet. The path therefore never
/// names a ledger half-created, so an empty file there is always a truncated ledger (refused),
/// never another process's first use of a new ledger caught before its tables were written; of
/// two processes creating one ledger at once, one links its file and the other opens it.
enum SQLiteLedgerCreation {
    /// Creates the ledger at `path` when no file is there; returns without change otherwise. On a
    /// file system without hard links the ledger is created in place, as SQLite would. Either way,
    /// creations beside it that a killed process left are removed first.
    static func createIfMissing(_ path: String) {
        removeAbandoned(beside: URL(fileURLWithPath: path))
        var status = stat()
        guard lstat(path, &status) != 0, errno == ENOENT else {
            // A link to a ledger not yet there: the ledger is created where the link points.
            if status.st_mode & S_IFMT == S_IFLNK, stat(path, &status) != 0, errno == ENOENT,
                let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path)
            {
                let resolved = URL(
                    fileURLWithPath: target, relativeTo: URL(fileURLWithPath: path).deletingLastPathComponent())
                if resolved.path != path { createIfMissing(resolved.path) }
            }
            return
        }
        let url = URL(fileURLWithPath: path)
        let fresh = url.deletingLastPathComponent().appendingPathComponent(
            prefix(of: url) + "\(LocalHolder.current)-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        defer { unlink(fresh) }
        do {
            // The store closes its file when released, before the link below.
            _ = try BudgetLedger(store: try SQLiteLedgerStore(path: fresh))
        } catch {
            // A folder that takes no new file: opening the path itself says why, in its own words.
            return
        }
        if link(fresh, path) != 0 && errno != EEXIST {
            // No hard links here (some network file systems): created in place by the caller.
            return
        }
    }

    /// The start of the name of a ledger being created at `url`, which its creator's holder
    /// (`LocalHolder`) and a random number follow.
    static func prefix(of url: URL) -> String { ".\(url.lastPathComponent).new-" }

    /// Removes the files of creations beside `url` whose creator no longer runs (killed before
    /// it could remove them), with their journals: they hold an empty ledger, nothing else.
    static func removeAbandoned(beside url: URL) {
        let folder = url.deletingLastPathComponent()
        let prefix = prefix(of: url)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let holder = Int64(rest[..<dash]), holder > 0 else { continue }
            let file = folder.appendingPathComponent(name).path
            if LocalHolder.isUntagged(holder) {
                // An earlier version named the creator by its bare process id, which may be one in
                // another container sharing the folder: only a creation long past is abandoned.
                let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
                guard let modified, Date().timeIntervalSince(modified) > abandonedAge else { continue }
            } else if LocalHolder.mayRun(holder) {
                continue
            }
            unlink(file)
        }
    }

    /// How old a creation's file of an earlier version must be to be taken as abandoned: a
    /// creation takes moments.
    static let abandonedAge: TimeInterval = 600
}
