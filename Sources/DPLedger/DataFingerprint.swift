import Foundation

/// The relations a database table's rows are read from, each named twice by its server: by
/// name (cluster, database, schema and name) and by object identifiers (cluster, database and
/// relation), which a rename keeps.
public struct RelationNames: Sendable, Equatable {
    public var byName: Set<String>
    public var byObject: Set<String>

    public init(byName: Set<String> = [], byObject: Set<String> = []) {
        self.byName = byName
        self.byObject = byObject
    }

    /// Every name, of either kind: two tables that share one read some rows in common.
    public var all: Set<String> { byName.union(byObject) }
}

/// What a budget is bound to: the BLAKE2b of a file's bytes, or, for a database table, the
/// relations its rows are read from (`rows:` and one short hash per name of each relation,
/// sorted; those of object identifiers marked `oid-`). Two fingerprints that name a common
/// relation cover some of the same rows: a budget declared for one covers the other, so no view,
/// join, shard or rename of a budgeted table gets a fresh budget.
public enum DataFingerprint {
    static let rowsPrefix = "rows:"
    static let objectPrefix = "oid-"

    /// The fingerprint of a table whose rows are read from `relations`.
    public static func of(relations: RelationNames) -> String {
        let names = relations.byName.map(hash)
        let objects = relations.byObject.map { objectPrefix + hash($0) }
        return rowsPrefix + (names + objects).sorted().joined(separator: "+")
    }

    static func hash(_ name: String) -> String { String(Blake2b.hex(Data(name.utf8)).prefix(32)) }

    /// The hashed names a database table's fingerprint lists; nil for a file's.
    static func elements(_ fingerprint: String) -> Set<Substring>? {
        guard fingerprint.hasPrefix(rowsPrefix) else { return nil }
        return Set(fingerprint.dropFirst(rowsPrefix.count).split(separator: "+"))
    }

    /// Whether data with fingerprints `a` and `b` share rows: the same bytes, or relations in common.
    public static func overlaps(_ a: String, _ b: String) -> Bool {
        guard let first = elements(a), let second = elements(b) else { return a == b }
        return !first.isDisjoint(with: second)
    }

    /// Whether `a` and `b` read the same relations: the same object identifiers (a table renamed,
    /// or moved to another schema, is the same table), or the same names when either was written
    /// before fingerprints named object identifiers.
    public static func sameRelations(_ a: String, _ b: String) -> Bool {
        guard let first = elements(a), let second = elements(b) else { return a == b }
        let (firstObjects, secondObjects) = (first.filter(isObject), second.filter(isObject))
        if !firstObjects.isEmpty, !secondObjects.isEmpty { return firstObjects == secondObjects }
        return first.subtracting(firstObjects) == second.subtracting(secondObjects)
    }

    static func isObject(_ element: Substring) -> Bool { element.hasPrefix(objectPrefix) }
}
