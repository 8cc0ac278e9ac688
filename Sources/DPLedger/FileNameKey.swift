import CSodium
import Foundation

extension BudgetLedger {
    /// A random secret of this ledger's (32 bytes, as hex), created the first time it is asked
    /// for. A file whose name must find it again from what a run reads (a release's saved model,
    /// found by a key that hashes the training data's bytes) is named by that key hashed under
    /// this secret, so the name, which may sit beside published reports, is no function of the
    /// data that anyone without the ledger can compute.
    public func fileNameKey() throws -> String {
        precondition(Blake2b.ready, "libsodium failed to initialise")
        return try write { db in
            if let key = try db.string("SELECT value FROM meta WHERE key = 'file_name_key'") { return key }
            var bytes = [UInt8](repeating: 0, count: 32)
            randombytes_buf(&bytes, bytes.count)
            let key = Hex.encode(bytes)
            try db.execute("INSERT INTO meta (key, value) VALUES ('file_name_key', ?)", [key])
            return key
        }
    }
}
