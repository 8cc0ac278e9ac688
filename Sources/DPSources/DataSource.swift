import DPData
import DPLedger
import Foundation

/// Where a private table is read from: a CSV file, or a PostgreSQL table named by a
/// `postgresql://` URL (`PostgresLocation`), possibly split across several servers (shards, each
/// holding some of the rows under the same columns). Every command and config key that takes
/// data takes either.
public enum DataSource: Sendable, CustomStringConvertible {
    case csv(path: String)
    /// One table, or its shards: at least one location.
    case postgres([PostgresLocation])

    /// Reads `location`; `key` (an option or config key) names it in errors.
    public init(_ location: String, key: String) throws {
        try self.init([location], key: key)
    }

    /// Reads a table given as one CSV file or as one or more PostgreSQL tables (its shards).
    public init(_ locations: [String], key: String) throws {
        guard let first = locations.first else {
            throw DataError(file: key, problem: "no table given", hint: "Give a CSV file or a postgresql:// URL.")
        }
        if locations.count == 1 && !PostgresLocation.isDatabase(first) {
            self = .csv(path: first)
            return
        }
        guard locations.allSatisfy(PostgresLocation.isDatabase) else {
            throw DataError(
                file: key, problem: "shards must all be PostgreSQL tables",
                hint: "Give one CSV file, or postgresql:// URLs for every shard.")
        }
        let parsed = try locations.map { try PostgresLocation($0, key: key) }
        guard Set(parsed.map(\.writtenIdentity)).count == parsed.count else {
            throw DataError(
                file: key, problem: "a shard is named twice", hint: "Give each shard once: its rows would count twice.")
        }
        self = .postgres(parsed)
    }

    public var description: String {
        switch self {
        case .csv(let path): return path
        case .postgres(let locations): return locations.map(\.text).joined(separator: ", ")
        }
    }

    /// A short name for reports: the file's name, or SCHEMA.TABLE (and the number of shards).
    public var displayName: String {
        switch self {
        case .csv(let path): return URL(fileURLWithPath: path).lastPathComponent
        case .postgres(let locations):
            let name = locations[0].schema + "." + locations[0].table
            return locations.count == 1 ? name : "\(name) (\(locations.count) shards)"
        }
    }

    /// The file path, for the checks that compare outputs with inputs; nil for a database.
    public var path: String? {
        if case .csv(let path) = self { return path }
        return nil
    }

    /// The table's rows, encoded through `schema` (a database computes the codes and streams
    /// them; shards one after the other). With `identity` (this source's), a file's rows are
    /// checked to be the content that identity was taken from (`readFile`).
    public func load(schema: Schema, boundTo identity: DataIdentity? = nil) throws -> EncodedDataset {
        try table(schema: schema, countsOnly: false, boundTo: identity).rows()
    }

    /// The table as a generator reads it. With `countsOnly` (the marginal methods), a database
    /// table is opened for counting where it lives (`PostgresCounts`; shards in parallel, their
    /// sums kept once) and no row leaves it; otherwise the rows are read. With `identity` (this
    /// source's), a file's rows are checked to be the content that identity was taken from
    /// (`readFile`); a database table's are kept so by the identity's locks.
    public func table(schema: Schema, countsOnly: Bool, boundTo identity: DataIdentity? = nil) throws
        -> any PrivateTable
    {
        switch self {
        case .csv(let path):
            let table = try readFile(boundTo: identity) {
                try DatasetLoader.load(csv: path, schema: schema, observer: $0)
            }
            identity?.digests.set(encoded: EncodedRowsDigest.of(table))
            return table
        case .postgres(let locations):
            let tables = locations.map { PostgresTable(location: $0, schema: schema) }
            if countsOnly {
                let counts = try PostgresCounts.open(shards: tables)
                if let identity {
                    identity.digests.set(
                        encoded: try PostgresCounts.encodedRowsDigest(PostgresCounts.sessions(of: counts)))
                }
                return counts
            }
            let parts = try tables.map { try $0.load() }
            identity?.digests.set(encoded: EncodedRowsDigest.of(parts: parts))
            return parts.count == 1 ? parts[0] : try ShardedTable(parts: parts)
        }
    }

    /// Reads a CSV file through `read`, which passes every byte and record it reads to the
    /// observer it is given. With `identity`, the rows are refused unless those bytes hash to the
    /// identity's (`DataIdentity.provenanceHash`): a file replaced, renamed over or rewritten after
    /// its identity was taken would otherwise be read under a budget bound to other content. The
    /// records read complete the identity's fingerprint (`CSVRecordsDigest`).
    public func readFile<Value>(
        boundTo identity: DataIdentity?, _ read: (ReadObserver?) throws -> Value
    ) throws -> Value {
        guard let identity, case .csv(let path) = self else { return try read(nil) }
        let hash = Blake2b.Stream()
        var records = CSVRecordsDigest()
        let value = try read(ReadObserver(bytes: { hash.add($0) }, record: { records.add($0) }))
        guard hash.hex() == identity.provenanceHash else {
            throw DataError(
                file: path,
                problem: "the file changed after its fingerprint was taken: its rows are not the content "
                    + "its budget was checked for",
                hint: "Run again once nothing writes to the file.")
        }
        identity.digests.set(records: records.hex())
        return value
    }

    /// The column names of a table, read without its rows, and a reader of what a DP schema
    /// proposal counts of its values (`SchemaInference.proposeWithDP`; the profile's kind says
    /// what): a file's values are read as `identity` was taken (`readFile`), a database table's
    /// through its identity's locks.
    public func proposalReader(boundTo identity: DataIdentity) throws -> (
        header: [String], read: (TableProfile.Kind) throws -> TableProfile
    ) {
        switch self {
        case .csv(let path):
            return (
                try TableProfile.header(path: path),
                { kind in try readFile(boundTo: identity) { try TableProfile(path: path, kind: kind, observer: $0) } }
            )
        case .postgres(let locations):
            guard locations.count == 1 else {
                throw DataError(
                    file: description, problem: "a schema is proposed from one table, not from shards",
                    hint: "Give one shard's URL.")
            }
            return try locations[0].proposalReader()
        }
    }

    /// What a budget is bound to (`DataFingerprint`): for a file, the BLAKE2b of its bytes and
    /// the digest of its records (`CSVRecordsDigest`), so a copy saved in another form is the same
    /// data; for a database table, the relations whose rows it reads
    /// (`PostgresLocation.rowSources()`: tables named by the server's cluster, database, schema and
    /// name, and by the object identifiers a rename keeps, through views, inheritance and
    /// partitions), so analysts who read one table share its budget whatever user, host name, view
    /// or later name they read it through. A table whose content changes keeps its identity: the
    /// user declares the new version (`--new-data-version`), as for a file.
    public func fingerprint() throws -> String { try identityRead().fingerprint }

    /// The identity of data whose rows are not read otherwise: a file is read once through, for
    /// its records (`readFile`).
    public func identityRead() throws -> DataIdentity {
        let identity = try identity()
        if case .csv(let path) = self {
            try readFile(boundTo: identity) { try CSVReader(path: path, observer: $0).forEachRecordView { _, _ in } }
        }
        return identity
    }

    /// The data's identity and what its rows are read from, computed once (a file is hashed, a
    /// database asked, one time): a file's bytes, whose records complete its fingerprint as its
    /// rows are read (`readFile`), or the relations that hold a database table's rows; two
    /// sources that share one read some rows in common. Shards that read the same rows (one
    /// table twice, a view of another, a parent and its child) are refused here, before anything
    /// is charged: their rows would count twice.
    public func identity() throws -> DataIdentity {
        switch self {
        case .csv(let path):
            // The file is read twice (hashed now, parsed later): the hash refuses a pipe or a
            // device, which could give other bytes the second time than the budget was bound to.
            let hash = try Blake2b.hex(file: path)
            return DataIdentity(provenanceHash: hash, relations: nil, leases: [])
        case .postgres(let locations):
            var union = RelationNames()
            var leases: [RowSourcesLease] = []
            for location in locations {
                let (sources, lease) = try location.rowSources()
                leases.append(lease)
                guard union.all.isDisjoint(with: sources.all) else {
                    throw DataError(
                        file: description,
                        problem: "two shards read the same rows (one table twice, a view of another, or a "
                            + "parent and its child)",
                        hint: "Give shards that hold different rows: they would count twice.")
                }
                union.byName.formUnion(sources.byName)
                union.byObject.formUnion(sources.byObject)
            }
            let fingerprint = DataFingerprint.of(relations: union)
            return DataIdentity(provenanceHash: fingerprint, relations: union.all, leases: leases)
        }
    }
}

/// Which data a source is (`DataSource.identity`): what a budget binds to, and what its rows are
/// read from. It is completed as the rows are read: a file's records (`DataSource.readFile`), and
/// the rows of a file or a table as a schema encodes them (`DataSource.table`). For a database
/// table it holds the locks that keep those relations as they are (`RowSourcesLease`): keep the
/// identity until the rows are read, then `releaseLocks()`.
public struct DataIdentity: Sendable, Equatable {
    /// What a report names the data by: the BLAKE2b of a file's bytes, a database table's fingerprint.
    public let provenanceHash: String
    /// The names of the relations a database table's rows are read from; nil for a file.
    let relations: Set<String>?
    /// The digests taken as the rows are read.
    let digests = RowsDigests()
    let leases: [RowSourcesLease]

    init(provenanceHash: String, relations: Set<String>?, leases: [RowSourcesLease]) {
        self.provenanceHash = provenanceHash
        self.relations = relations
        self.leases = leases
    }

    /// What the ledger binds a budget to (`DataFingerprint`), with the digest of the encoded rows
    /// once they are read through a schema. A file's is known once its rows are read
    /// (`DataSource.readFile`), and asked for before, it is an error.
    public var fingerprint: String {
        get throws {
            if relations != nil { return DataFingerprint.of(table: provenanceHash, encoded: digests.encoded) }
            guard let records = digests.records else {
                throw DataError(
                    file: "dpsynth", problem: "a file's fingerprint was asked for before its rows were read",
                    hint: "Report this as a bug.")
            }
            return DataFingerprint.of(fileBytes: provenanceHash, records: records, encoded: digests.encoded)
        }
    }

    /// What the rows are read from: relations, or a file's bytes and (once read) its records; and
    /// the encoded rows once read, which a copy kept elsewhere shares.
    public var rowSources: Set<String> {
        if let relations { return relations.union(digests.encoded.map { [DataFingerprint.encodedElement($0)] } ?? []) }
        guard let fingerprint = try? fingerprint else { return [provenanceHash] }
        return Set(DataFingerprint.elements(fingerprint).map(String.init))
    }

    public static func == (left: DataIdentity, right: DataIdentity) -> Bool {
        left.provenanceHash == right.provenanceHash && left.relations == right.relations
            && left.digests.records == right.digests.records && left.digests.encoded == right.digests.encoded
    }

    /// Lets the relations' locks go now, once the rows are read; they go anyway when nothing
    /// refers to the identity any more.
    public func releaseLocks() { for lease in leases { lease.end() } }

    /// Whether the two read some rows in common.
    public func overlaps(_ other: DataIdentity) -> Bool { !rowSources.isDisjoint(with: other.rowSources) }
}

/// The digests of data taken as its rows are read: a file's records (`CSVRecordsDigest`), and
/// the rows as a schema encodes them (`EncodedRowsDigest`), of a file or a table.
final class RowsDigests: @unchecked Sendable {
    private let lock = NSLock()
    private var recordsDigest: String?
    private var encodedRows: String?

    var records: String? { lock.withLock { recordsDigest } }
    var encoded: String? { lock.withLock { encodedRows } }

    func set(records digest: String) { lock.withLock { recordsDigest = digest } }
    func set(encoded digest: String) { lock.withLock { encodedRows = digest } }
}
