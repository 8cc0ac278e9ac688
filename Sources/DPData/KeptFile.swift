import Foundation

/// A file no output replaces, whichever command names it: a ledger (replacing it would forget
/// every charge, and a fresh budget could then be declared for the same data), a signing key
/// (`dpsynth keys generate --force` alone replaces one, with a new key) or a signed report (a
/// release's reports alone replace one, signed anew). Checked before anything is charged
/// (`OutputPaths.refuseUnwritable`) and again by the writer every output goes through
/// (`StagedFiles`), from the file's first bytes.
public enum KeptFile: Equatable, Sendable {
    /// An SQLite database, its rollback journal or its write-ahead log: a ledger's, or at any
    /// rate no output of dpsynth.
    case ledger
    /// A file of 64 or 128 lowercase hex digits: a public or secret Ed25519 key as dpsynth writes
    /// them (or another digest of that length, which no output replaces either).
    case signingKey
    /// A report's detached signature as `dpsynth release` writes it (canonical JSON that begins
    /// with the Ed25519 algorithm), or the report it signs: a file with such a signature beside it
    /// as `<file>.sig`, beside the name given or beside the file a link there leads to (which is
    /// what an output replaces).
    case signedReport

    var name: String {
        switch self {
        case .ledger: "an SQLite database (a ledger)"
        case .signingKey: "what looks like a signing key"
        case .signedReport: "a signed report or its signature"
        }
    }

    /// What the regular file at `path` holds, when it is kept.
    static func of(_ path: String) -> KeptFile? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 132)) ?? Data()
        if Self.sqliteHeaders.contains(where: { start.starts(with: $0) }) { return .ledger }
        if start.starts(with: Self.signatureStart) { return .signedReport }
        let text = start.last == UInt8(ascii: "\n") ? start.dropLast() : start[...]
        let hex = text.allSatisfy(Set("0123456789abcdef".utf8).contains)
        if hex && (text.count == 128 || text.count == 64) { return .signingKey }
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return isSignature(path + ".sig") || isSignature(resolved + ".sig") ? .signedReport : nil
    }

    /// How a report signature begins: its canonical JSON lists the algorithm first
    /// (`ReportSignature`).
    static let signatureStart = Data("{\n  \"algorithm\" : \"Ed25519\",".utf8)

    /// Whether `path` is a regular file that begins as a report signature does.
    static func isSignature(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            let handle = FileHandle(forReadingAtPath: path)
        else { return false }
        defer { try? handle.close() }
        return ((try? handle.read(upToCount: signatureStart.count)) ?? Data()) == signatureStart
    }

    /// How an SQLite database begins, and its rollback journal and write-ahead log (`-journal`,
    /// `-wal` beside it): a journal left by a crash holds what restores the ledger, a log the
    /// charges not yet copied into it.
    static let sqliteHeaders = [
        Data("SQLite format 3\0".utf8), Data([0xD9, 0xD5, 0x05, 0xF9, 0x20, 0xA1, 0x63, 0xD7]),
        Data([0x37, 0x7F, 0x06, 0x82]), Data([0x37, 0x7F, 0x06, 0x83]),
    ]

    /// Throws, naming the option `name`, unless `path` is absent or holds `kind`: for an output
    /// that replaces only a file of its own kind (`keys generate --force` a key pair, never a
    /// data file or a report). A symbolic link is refused whatever it leads to: a pair is
    /// replaced at its own paths, or a link to one half would leave it beside the old other half.
    public static func refuseReplacingAnythingBut(_ kind: KeptFile, at path: String, name: String) throws {
        var status = stat()
        if lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK {
            throw DataError(
                file: path, problem: "\(name) names a symbolic link, and replaces only \(kind.name) at its own path",
                hint: "Give the path the link leads to.")
        }
        guard stat(path, &status) == 0 else { return }
        // A pipe or a device is not opened: reading one could wait for ever.
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw DataError(
                file: path,
                problem: "\(name) names something other than a regular file, and replaces only "
                    + "\(kind.name)", hint: "Give a path of its own.")
        }
        try refuseReplacing(path, name: name, allowed: kind)
        guard of(path) == kind else {
            throw DataError(
                file: path, problem: "\(name) names a file that is not \(kind.name), and replaces only that",
                hint: "Give a path of its own.")
        }
    }

    /// Throws, naming the option or key `name`, when `path` is a kept file other than `allowed`.
    static func refuseReplacing(_ path: String, name: String, allowed: KeptFile? = nil) throws {
        guard let kept = of(path), kept != allowed else { return }
        throw DataError(
            file: path, problem: "\(name) names \(kept.name), which no output replaces",
            hint: "Write the output somewhere else.")
    }
}
