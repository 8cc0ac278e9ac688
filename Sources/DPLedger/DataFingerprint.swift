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

/// What a budget is bound to: a set of elements, two fingerprints that share one covering some of
/// the same rows, so a budget declared for one covers the other.
/// - A file's: the BLAKE2b of its bytes, the digest of its records and, once read through a
///   schema, that of its encoded rows (`file:`, the bytes' hash, `content-` and the one digest,
///   `codes-` and the other), so a copy saved in another form (line ends, quoting, the order of
///   rows or of columns, the columns' names, spellings a column reads alike, identifier columns,
///   categories a schema declares and no value takes) is the same data.
///   A fingerprint that is a bytes' hash alone, which a ledger may hold, names that file.
/// - A database table's: the relations its rows are read from (`rows:` and one short hash per
///   name of each relation, sorted; those of object identifiers marked `oid-`), so no view, join,
///   shard or rename of a budgeted table gets a fresh budget; and, once read through a schema, the
///   digest of its encoded rows (`codes-`), the same a file holding those rows has, so neither a
///   copy of a table in another table nor an export of it to a file (nor a file loaded into a
///   table) gets one.
public enum DataFingerprint {
    static let rowsPrefix = "rows:"
    static let objectPrefix = "oid-"
    static let filePrefix = "file:"
    static let contentPrefix = "content-"
    static let encodedPrefix = "codes-"

    /// The generation of the digests a fingerprint lists (`content-`, `codes-`). Raise it whenever
    /// either digest comes to read data otherwise: budgets bound by earlier builds then await
    /// review (`FormsReview`) before the ledger binds new data.
    public static let formsVersion = 2

    /// Whether `fingerprint` lists the digest of encoded rows (its data was read through a
    /// schema).
    static func namesEncodedRows(_ fingerprint: String) -> Bool { elements(fingerprint).contains(where: isEncoded) }

    /// The fingerprint of a file whose bytes hash to `bytes`, whose records digest to `records`,
    /// and, once read through a schema, whose encoded rows digest to `encoded`.
    public static func of(fileBytes bytes: String, records: String, encoded: String? = nil) -> String {
        filePrefix + bytes + "+" + contentPrefix + records + (encoded.map { "+" + encodedPrefix + $0 } ?? "")
    }

    /// The fingerprint of a table whose rows are read from relations with fingerprint `table`
    /// (`of(relations:)`), and, once read through a schema, whose encoded rows digest to `encoded`.
    public static func of(table: String, encoded: String?) -> String {
        table + (encoded.map { "+" + encodedElement($0) } ?? "")
    }

    /// The element naming encoded rows with digest `digest`.
    public static func encodedElement(_ digest: String) -> String { encodedPrefix + digest }

    /// The fingerprint of a table whose rows are read from `relations`.
    public static func of(relations: RelationNames) -> String {
        let names = relations.byName.map(hash)
        let objects = relations.byObject.map { objectPrefix + hash($0) }
        return rowsPrefix + (names + objects).sorted().joined(separator: "+")
    }

    static func hash(_ name: String) -> String { String(Blake2b.hex(Data(name.utf8)).prefix(32)) }

    /// The elements `fingerprint` lists: hashed names of relations, or a file's bytes' hash and
    /// records' digest, or a file's bytes' hash alone.
    public static func elements(_ fingerprint: String) -> Set<Substring> {
        for prefix in [rowsPrefix, filePrefix] where fingerprint.hasPrefix(prefix) {
            return Set(fingerprint.dropFirst(prefix.count).split(separator: "+"))
        }
        return [Substring(fingerprint)]
    }

    /// Whether data with fingerprints `a` and `b` share rows: the same file's bytes or records, or
    /// relations in common.
    public static func overlaps(_ a: String, _ b: String) -> Bool { !elements(a).isDisjoint(with: elements(b)) }

    /// Whether `a` and `b` are the same data, which one budget covers without a new version being
    /// declared: files with the same bytes or the same records, or a file and a table or two
    /// tables with the same encoded rows (`overlaps`), or tables that read the same relations: the
    /// same object identifiers (a table renamed, or moved to another schema, is the same table,
    /// whatever rows it holds now), or the same names when either was written before fingerprints
    /// named object identifiers.
    public static func sameData(_ a: String, _ b: String) -> Bool {
        guard a.hasPrefix(rowsPrefix), b.hasPrefix(rowsPrefix) else { return overlaps(a, b) }
        let (first, second) = (elements(a), elements(b))
        if !first.filter(isEncoded).isDisjoint(with: second.filter(isEncoded)) { return true }
        let (firstObjects, secondObjects) = (first.filter(isObject), second.filter(isObject))
        if !firstObjects.isEmpty, !secondObjects.isEmpty { return firstObjects == secondObjects }
        let (firstNames, secondNames) = (first.filter(isName), second.filter(isName))
        return firstNames == secondNames
    }

    static func isObject(_ element: Substring) -> Bool { element.hasPrefix(objectPrefix) }
    static func isEncoded(_ element: Substring) -> Bool { element.hasPrefix(encodedPrefix) }
    static func isName(_ element: Substring) -> Bool { !isObject(element) && !isEncoded(element) }

    /// Whether `fingerprint` names its data in a form none of `known` records: a budget's bytes'
    /// hash alone from an older ledger, another copy's bytes, the codes of a schema not read
    /// before, a table's rows as it holds them now. Recorded beside the budget's data, those names
    /// let copies in that form find the budget too. A table's relation names are not added: its
    /// object identifiers say what it is.
    public static func namesMore(_ fingerprint: String, than known: [String]) -> Bool {
        let recorded = known.reduce(into: Set<Substring>()) { $0.formUnion(elements($1)) }
        let names = elements(fingerprint)
        return !(fingerprint.hasPrefix(rowsPrefix) ? names.filter(isEncoded) : names).isSubset(of: recorded)
    }
}
