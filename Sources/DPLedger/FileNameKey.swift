import CSodium
import Foundation

extension BudgetLedger {
    /// A random secret of this ledger's (32 bytes, as hex), created the first time it is asked
    /// for. A file whose name must find it again from what a run reads (a release's saved model,
    /// found by a key that hashes the training data's bytes) is named by that key hashed under
    /// this secret, so the name, which may sit beside published reports, is no function of the
    /// data that anyone without the ledger can compute. The secret is an entry of the chain
    /// (`FileNameKeyEntry`): an edit to it is named by `verify` and refused on opening.
    public func fileNameKey() throws -> String {
        precondition(Blake2b.ready, "libsodium failed to initialise")
        return try write { db in
            if let key = try FileNameKeyEntry.key(db) { return key }
            var bytes = [UInt8](repeating: 0, count: 32)
            randombytes_buf(&bytes, bytes.count)
            let key = Hex.encode(bytes)
            try db.execute("INSERT INTO meta (key, value) VALUES ('file_name_key', ?)", [key])
            try FileNameKeyEntry.chain(db)
            return key
        }
    }
}

/// The file-name key as an entry of the chain. It lives in the `meta` table, beside its entry
/// number and hash (`file_name_key_seq`, `file_name_key_hash`), since no other table holds it.
/// A key written by a build that did not chain it is chained, as it stands, the next time the
/// ledger is opened for writing (`chainIfUnchained`), as a version-1 ledger's rows were.
enum FileNameKeyEntry {
    /// The entry's canonical content.
    static func content(key: String) -> String {
        ["file-name-key", key].map(LedgerEntry.escaped).joined(separator: "|")
    }

    static func key(_ db: any LedgerSQL) throws -> String? {
        try db.string("SELECT value FROM meta WHERE key = 'file_name_key'")
    }

    /// The key with its entry number and hash, when the ledger has a key; a key without them is
    /// unchained (`seq` and `hash` nil).
    static func stored(_ db: any LedgerSQL) throws -> (key: String, seq: String?, hash: String?)? {
        guard let key = try key(db) else { return nil }
        return (
            key, try db.string("SELECT value FROM meta WHERE key = 'file_name_key_seq'"),
            try db.string("SELECT value FROM meta WHERE key = 'file_name_key_hash'")
        )
    }

    /// Appends the stored key to the chain, inside the caller's write transaction.
    static func chain(_ db: any LedgerSQL) throws {
        guard let key = try key(db) else { return }
        let head = try BudgetLedger.append(content(key: key), db)
        try db.execute(
            "INSERT INTO meta (key, value) VALUES ('file_name_key_seq', ?), ('file_name_key_hash', ?)",
            ["\(head.sequence)", head.hash])
    }

    /// Chains a key that an earlier build stored outside the chain; what was there is trusted.
    static func chainIfUnchained(_ db: any LedgerSQL) throws {
        guard let stored = try stored(db), stored.seq == nil, stored.hash == nil else { return }
        try chain(db)
    }
}
