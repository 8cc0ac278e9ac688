/// The declared, public description of a table: every column's kind and domain.
///
/// Privacy: categories and bounds in a schema are public knowledge, never read from the private
/// data; a schema proposed from the data must be reviewed as public or learned with a charged
/// DP step (`SchemaInference`).
public struct Schema: Sendable, Equatable {
    public var name: String
    public var columns: [Column]
    /// The column a utility check predicts, if any.
    public var target: String?

    /// The most columns a schema describes: a table's rows are drawn in parts of rows times
    /// columns, and a marginal model joins its columns in pairs, so a file naming far more (a
    /// hostile model file's schema) would exhaust memory.
    public static let largestColumnCount = 1024

    public init(name: String, columns: [Column], target: String? = nil) {
        self.name = name
        self.columns = columns
        self.target = target
    }

    /// The columns that are encoded (identifiers are dropped).
    public var encodedColumns: [Column] { columns.filter { $0.kind != .identifier } }

    public func column(named name: String) -> Column? { columns.first { $0.name == name } }

    /// The index among `encodedColumns` of the column `name`, or an error naming the config
    /// `file`, the `key` that named it and the encoded columns there are. The schema alone
    /// decides, so a name is checked before any row is read.
    public func encodedIndex(of name: String, key: String, file: String) throws -> Int {
        let encoded = encodedColumns
        guard let index = encoded.firstIndex(where: { $0.name == name }) else {
            throw DataError(
                file: file, problem: "\(key): '\(name)' is not an encoded column of the schema",
                hint: "Use one of: \(encoded.map(\.name).joined(separator: ", ")).")
        }
        return index
    }
}

/// One column of a schema.
public struct Column: Sendable, Equatable {
    /// The longest text a coded, integer or real column reads as a number (spaces around it
    /// trimmed): a longer one is refused, from a file as from a database, whose numeric type
    /// holds no more than 131,072 digits before the point and 16,383 after.
    public static let longestNumber = 1000

    public var name: String
    public var kind: Kind
    /// Tokens that mean "missing" in the input (compared after trimming spaces).
    public var missingTokens: [String]
    public var missing: MissingPolicy
    public var outOfDomain: OutOfDomainPolicy

    public init(
        name: String, kind: Kind, missingTokens: [String] = Column.defaultMissingTokens,
        missing: MissingPolicy = .ownCategory, outOfDomain: OutOfDomainPolicy = .error
    ) {
        self.name = name
        self.kind = kind
        self.missingTokens = missingTokens
        self.missing = missing
        self.outOfDomain = outOfDomain
    }

    public static let defaultMissingTokens = ["", "?", "NA"]

    public enum Kind: Sendable, Equatable {
        /// Declared categories, in code order.
        case categorical([String])
        /// Integers in [lower, upper] (public bounds), grouped into bins.
        case integer(lower: Int, upper: Int, binning: Binning)
        /// Reals in [lower, upper] (public bounds), grouped into bins.
        case real(lower: Double, upper: Double, binning: Binning)
        /// Already-coded values 0..<levels.
        case coded(levels: Int)
        /// An identifier: dropped, never encoded or released.
        case identifier
    }

    /// How numeric values are grouped.
    public enum Binning: Sendable, Equatable {
        /// `count` equal-width bins over [lower, upper].
        case equalWidth(count: Int)
        /// Explicit edges e0 < e1 < ... < ek; bin i is [e_i, e_{i+1}), the last bin closed.
        case edges([Double])
    }

    public enum MissingPolicy: String, Sendable, Equatable {
        /// Missing values get a code of their own, after the declared domain.
        case ownCategory = "own-category"
        /// A missing value is an error.
        case error
    }

    public enum OutOfDomainPolicy: String, Sendable, Equatable {
        /// A value outside the declared domain is an error that names it.
        case error
        /// A numeric value outside the bounds is clamped to the nearest bound (never dropped).
        case clamp
        /// A value outside the declared domain (an undeclared category, a number out of bounds)
        /// is read as missing; needs 'missing: own-category'. Its text never reaches any output.
        case missing
    }

    /// The most codes a column takes, the missing code included: a code is stored in 16 bits.
    public static let largestCodeCount = 65_536

    /// The number of codes this column takes, the missing code included.
    public var domainSize: Int {
        valueCodeCount + (missing == .ownCategory ? 1 : 0)
    }

    /// The number of codes for present values.
    public var valueCodeCount: Int {
        switch kind {
        case .categorical(let categories): return categories.count
        case .integer(_, _, let binning), .real(_, _, let binning): return binning.binCount
        case .coded(let levels): return levels
        case .identifier: return 0
        }
    }

    /// The code of a missing value, if missing values are allowed.
    public var missingCode: Int? { missing == .ownCategory ? valueCodeCount : nil }
}

extension Column.Binning {
    public var binCount: Int {
        switch self {
        case .equalWidth(let count): return count
        case .edges(let edges): return edges.count - 1
        }
    }
}
