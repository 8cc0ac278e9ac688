import GRDB

extension Row {
    /// The column's value, or an error calling the ledger altered when it is NULL, missing or of
    /// another type: a ledger file edited by hand gets a one-line refusal, never a trap.
    func checked<Value: DatabaseValueConvertible>(_ column: String) throws -> Value {
        guard let value: Value = try checkedOptional(column) else {
            throw LedgerError.tampered("a ledger row has no '\(column)': the ledger was altered")
        }
        return value
    }

    /// The column's value, nil when it is NULL or missing, or an error when it has another type.
    func checkedOptional<Value: DatabaseValueConvertible>(_ column: String) throws -> Value? {
        let stored: (any DatabaseValueConvertible)? = self[column]
        guard let stored else { return nil }
        guard let value = Value.fromDatabaseValue(stored.databaseValue) else {
            throw LedgerError.tampered("a ledger row's '\(column)' has the wrong type: the ledger was altered")
        }
        return value
    }
}
