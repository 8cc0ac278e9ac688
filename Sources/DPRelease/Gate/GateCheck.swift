import DPData

/// One question the release gate asks of every real row: does the synthetic table disclose this
/// row? Each answer depends only on the row itself and the fixed synthetic table, never on other
/// real rows, so adding or removing one person changes each check's count by at most one
/// (Proofs/release-gate.md).
public enum GateCheck: Sendable, Equatable, CustomStringConvertible {
    /// The row appears in the synthetic table, every column equal.
    case exactCopy
    /// A synthetic row equals the row in all columns but at most one.
    case nearCopy
    /// The synthetic rows that match the row on the quasi-identifiers (all other columns when
    /// none are declared) most often carry the row's own value of `secret`.
    case attributeDisclosure(secret: Int, name: String)

    public var description: String {
        switch self {
        case .exactCopy: return "exact copies"
        case .nearCopy: return "near copies"
        case .attributeDisclosure(_, let name): return "attribute disclosure of '\(name)'"
        }
    }

    /// What a positive answer means, for the report.
    public var meaning: String {
        switch self {
        case .exactCopy: return "share of rows that appear unchanged in the synthetic table"
        case .nearCopy: return "share of rows with a synthetic row that differs in at most one column"
        case .attributeDisclosure(_, let name):
            return "share of rows whose '\(name)' is the most common value among synthetic rows that match them "
                + "on the quasi-identifiers (on every other column when the config names none)"
        }
    }

    /// The checks a release runs: copies always, and one attribute check per secret column.
    public static func standard(secrets: [Int], columns: [Column]) -> [GateCheck] {
        [.exactCopy, .nearCopy] + secrets.map { .attributeDisclosure(secret: $0, name: columns[$0].name) }
    }
}
