import Foundation

/// What a budget is bound to: the BLAKE2b of a file's bytes, or, for a database table, the
/// relations its rows are read from (`rows:` and one short hash per relation, sorted). Two
/// fingerprints that name a common relation cover some of the same rows: a budget declared for
/// one covers the other, so no view, join or shard over a budgeted table gets a fresh budget.
public enum DataFingerprint {
    static let rowsPrefix = "rows:"

    /// The fingerprint of a table whose rows are read from `sources` (each named once, as
    /// `PostgresLocation.rowSources` names them).
    public static func of(rowSources sources: Set<String>) -> String {
        rowsPrefix + sources.map { String(Blake2b.hex(Data($0.utf8)).prefix(32)) }.sorted().joined(separator: "+")
    }

    /// Whether data with fingerprints `a` and `b` share rows: the same bytes, or relations in common.
    public static func overlaps(_ a: String, _ b: String) -> Bool {
        guard a.hasPrefix(rowsPrefix), b.hasPrefix(rowsPrefix) else { return a == b }
        let first = Set(a.dropFirst(rowsPrefix.count).split(separator: "+"))
        return !first.isDisjoint(with: b.dropFirst(rowsPrefix.count).split(separator: "+"))
    }
}
