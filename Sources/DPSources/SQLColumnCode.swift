import DPData

/// The parameters of a statement being built: each value gets the next `$n`.
public struct SQLParameters {
    public private(set) var values: [String] = []

    public init() {}

    /// The placeholder for `value`, cast to `type`.
    public mutating func bind(_ value: String, as type: String) -> String {
        values.append(value)
        return "$\(values.count)::\(type)"
    }

    public mutating func bind(_ value: Int) -> String { bind(String(value), as: "numeric") }
    public mutating func bind(_ value: Double) -> String { bind("\(value)", as: "float8") }
}

/// A column's code computed by the database: the same rules as reading the column's text from a
/// CSV file (`ColumnCodec`), written in SQL so that binning, category lists, missing tokens and
/// out-of-domain handling run where the data lives. NULL is a missing value. A value the schema
/// refuses gets a negative code (`SQLColumnCode.Problem`), which the reader turns into an error
/// naming the table and column, never the value.
public enum SQLColumnCode {
    /// How the database stores a column, as far as reading its values goes.
    public enum Storage: Sendable, Equatable {
        /// Read as its cast to text, which is its type's output (what COPY writes): the cast
        /// converts through the output function.
        case text
        /// An integer type (int2, int4, int8): its code is computed from the number itself.
        case integer
        /// A type whose cast to text is a function of its own (`pg_cast`), which may write
        /// otherwise than its output (boolean: `true` against COPY's `t`; inet: `1.2.3.4/32`
        /// against `1.2.3.4`), or a domain over one: read through its output function.
        case output
    }

    /// Why a value has no code; the negative code the SQL gives it.
    public enum Problem: Int, CaseIterable, Sendable {
        case missingNotAllowed = -1
        case undeclaredCategory = -2
        case notAWholeNumber = -3
        case outsideBounds = -4
        case notFinite = -5
        case notACode = -6
        case notANumber = -7
        case tooLong = -8

        public var text: String {
            switch self {
            case .missingNotAllowed: return "a missing value (or NULL) where the schema says 'missing: error'"
            case .undeclaredCategory: return "a category the schema does not declare"
            case .notAWholeNumber: return "a value that is not a whole number"
            case .outsideBounds: return "a value outside the declared bounds"
            case .notFinite: return "NaN or infinity"
            case .notACode: return "a value that is not a code in 0...levels-1"
            case .notANumber: return "a value that is not a number"
            case .tooLong: return "a number of more than \(Column.longestNumber) characters"
            }
        }

        public var hint: String {
            switch self {
            case .missingNotAllowed: return "Fill the values in, or set 'missing: own-category' for this column."
            case .undeclaredCategory:
                return "Add the category to the schema if it is public knowledge, or set 'out_of_domain: missing'."
            case .notAWholeNumber: return "Declare the column 'real', or correct the values."
            case .outsideBounds: return "Widen the public bounds, or set 'out_of_domain: clamp' (or 'missing')."
            case .notFinite: return "List the token under 'missing_values' to treat it as missing."
            case .notACode: return "Coded columns hold whole numbers 0 to levels-1."
            case .notANumber: return "Real columns hold decimal numbers such as 3.25."
            case .tooLong:
                return "Numbers this long are not read: correct the value, or list it under 'missing_values'."
            }
        }
    }

    /// Decimal integers as `ColumnCodec.parseInteger` reads them, a fraction of zeros allowed
    /// (one beyond ±(2^63 − 1), which it does not read, is outside any bounds to both).
    static let integerPattern = #"^[+-]?[0-9]+(\.0*)?$"#
    /// Decimal reals as the CSV reader accepts them, exponent of at most four digits.
    static let realPattern = #"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,4})?$"#
    static let nonFinitePattern = "^[+-]?(inf|infinity|nan)$"
    /// Whether the numeric `number` rounds to zero as a double: at most 2^-1075, half the
    /// smallest subnormal (a tie rounds to the even zero). Compared exactly, as
    /// `number · 2^1075 <= 1`, and only for magnitudes below 1e-323 (the constant is folded
    /// once per statement).
    static func roundsToZero(_ number: String) -> String {
        "(CASE WHEN abs(\(number)) >= 1e-323 THEN false ELSE abs(\(number)) * power(2::numeric, 1075) <= 1 END)"
    }

    /// Whether the text `text` is longer than a number may be (`Column.longestNumber`), in bytes
    /// as the CSV reader counts.
    static func tooLong(_ text: String) -> String { "octet_length(\(text)) > \(Column.longestNumber)" }

    /// Whether the numeric `number` rounds to infinity as a double: at least 2^1024 - 2^970, half
    /// way from the largest double to 2^1024 (a tie rounds to the even infinity).
    static func roundsToInfinity(_ number: String) -> String {
        "abs(\(number)) >= power(2::numeric, 1024) - power(2::numeric, 970)"
    }

    /// The text of the column `name` (a quoted identifier) as the CSV reader sees a field of a
    /// file the table was exported to (`COPY ... TO`): the type's output (`storage`), spaces and
    /// tabs around it trimmed (`ColumnCodec.trimmed`), compared byte by byte whatever the column's
    /// collation. Only for a value that is not NULL.
    static func trimmedText(_ name: String, storage: Storage = .text) -> String {
        let text = storage == .output ? "concat(\(name))" : "\(name)::text"
        return "(btrim(\(text), E' \\t') COLLATE \"C\")"
    }

    /// The SQL expression of `column`'s code, reading the table column it names, stored as
    /// `storage` says. When the database stores that column as an integer, a coded or integer
    /// column's code is computed from the number itself, without the text the general rules read
    /// (the same codes: an integer's text is its canonical decimal form).
    public static func expression(_ column: Column, parameters: inout SQLParameters, storage: Storage = .text)
        -> String
    {
        if storage == .integer, let expression = integerExpression(column, parameters: &parameters) {
            return expression
        }
        let name = SQLText.identifier(column.name)
        let text = trimmedText(name, storage: storage)
        let tokens = parameters.bind(SQLText.textArray(column.missingTokens), as: "text[]")
        let missing = column.missingCode.map(String.init) ?? "\(Problem.missingNotAllowed.rawValue)"
        let outOfDomain =
            column.outOfDomain == .missing ? column.missingCode.map(String.init) : nil
        let body: String
        switch column.kind {
        case .categorical(let categories):
            let list = parameters.bind(SQLText.textArray(categories), as: "text[]")
            body = """
                COALESCE(array_position(\(list), \(text)) - 1, \
                \(outOfDomain ?? "\(Problem.undeclaredCategory.rawValue)"))
                """
        case .coded(let levels):
            let whole = "\(text)::numeric"
            body = """
                CASE WHEN \(tooLong(text)) THEN \(Problem.tooLong.rawValue) \
                WHEN \(text) ~ '\(integerPattern)' THEN \
                (CASE WHEN \(whole) >= 0 AND \(whole) < \(parameters.bind(levels)) THEN \(whole)::int \
                ELSE \(Problem.notACode.rawValue) END) \
                ELSE \(Problem.notACode.rawValue) END
                """
        case .integer(let lower, let upper, let binning):
            let value = "\(text)::numeric"
            let (low, high) = (parameters.bind(lower), parameters.bind(upper))
            let clamped = "LEAST(GREATEST(\(value), \(low)), \(high))"
            let inside = integerBin(value, lower: lower, upper: upper, binning, &parameters)
            let outside = outsideBounds(column, outOfDomain: outOfDomain) {
                integerBin(clamped, lower: lower, upper: upper, binning, &parameters)
            }
            // A whole number beyond 64 bits is outside the bounds, on the side its sign says, as
            // the CSV reader takes it.
            body = bounded(
                text: text, pattern: integerPattern, value: value, low: low, high: high, inside: inside,
                outside: outside, unreadable: .notAWholeNumber)
        case .real(let lower, let upper, let binning):
            let number = "\(text)::numeric"
            // A value that rounds to zero as a double is zero, and one that rounds to infinity is
            // infinite (so outside the bounds), as the CSV reader reads them; PostgreSQL would
            // refuse both as out of range.
            let value = """
                (CASE WHEN \(roundsToZero(number)) THEN 0::float8 \
                WHEN \(roundsToInfinity(number)) THEN sign(\(number))::float8 * 'Infinity'::float8 \
                ELSE \(number)::float8 END)
                """
            let (low, high) = (parameters.bind(lower), parameters.bind(upper))
            let clamped = "LEAST(GREATEST(\(value), \(low)), \(high))"
            let inside = realBin(value, lower: lower, upper: upper, binning, &parameters)
            let outside = outsideBounds(column, outOfDomain: outOfDomain) {
                realBin(clamped, lower: lower, upper: upper, binning, &parameters)
            }
            body = bounded(
                text: text, pattern: realPattern, value: value, low: low, high: high, inside: inside,
                outside: outside, unreadable: .notANumber)
        case .identifier:
            body = "0"
        }
        return "(CASE WHEN \(name) IS NULL OR \(text) = ANY(\(tokens)) THEN \(missing) ELSE \(body) END)"
    }

    /// The code of a coded or integer column the database stores as an integer (nil for other
    /// kinds). A missing token can equal such a value's text only when it is an integer's
    /// canonical decimal form, so those tokens are compared as integers and the others dropped.
    static func integerExpression(_ column: Column, parameters: inout SQLParameters) -> String? {
        let name = SQLText.identifier(column.name)
        let body: String
        switch column.kind {
        case .coded(let levels):
            body = """
                CASE WHEN \(name) >= 0 AND \(name) < \(parameters.bind(String(levels), as: "int8")) \
                THEN \(name)::int ELSE \(Problem.notACode.rawValue) END
                """
        case .integer(let lower, let upper, let binning):
            let value = "\(name)::numeric"
            let (low, high) = (parameters.bind(lower), parameters.bind(upper))
            let clamped = "LEAST(GREATEST(\(value), \(low)), \(high))"
            let outOfDomain = column.outOfDomain == .missing ? column.missingCode.map(String.init) : nil
            let inside = integerBin(value, lower: lower, upper: upper, binning, &parameters)
            let outside = outsideBounds(column, outOfDomain: outOfDomain) {
                integerBin(clamped, lower: lower, upper: upper, binning, &parameters)
            }
            // -2^63, which an int8 holds, is below any bounds, as the CSV reader takes it.
            body = "CASE WHEN \(value) BETWEEN \(low) AND \(high) THEN \(inside) ELSE \(outside) END"
        default:
            return nil
        }
        let tokens = column.missingTokens.filter { token in Int(token).map { String($0) == token } ?? false }
        let missing = column.missingCode.map(String.init) ?? "\(Problem.missingNotAllowed.rawValue)"
        let tokenList = "{" + tokens.joined(separator: ",") + "}"
        let isMissing =
            tokens.isEmpty
            ? "\(name) IS NULL" : "\(name) IS NULL OR \(name) = ANY(\(parameters.bind(tokenList, as: "int8[]")))"
        return "(CASE WHEN \(isMissing) THEN \(missing) ELSE \(body) END)"
    }

    /// The code of a bounded number: refused when longer than `Column.longestNumber`, read when
    /// the text matches `pattern` (the guards run in order, so a cast never sees text it cannot
    /// read), binned inside the bounds, handled as the column says outside them; NaN and infinity
    /// written as words are refused.
    static func bounded(
        text: String, pattern: String, value: String, low: String, high: String, inside: String, outside: String,
        unreadable: Problem
    ) -> String {
        """
        CASE WHEN \(tooLong(text)) THEN \(Problem.tooLong.rawValue) \
        WHEN \(text) ~ '\(pattern)' THEN \
        (CASE WHEN \(value) BETWEEN \(low) AND \(high) THEN \(inside) \
        ELSE \(outside) END) \
        WHEN \(text) ~* '\(nonFinitePattern)' THEN \(Problem.notFinite.rawValue) \
        ELSE \(unreadable.rawValue) END
        """
    }

    /// A value outside the bounds: missing, clamped (`clamped` builds that bin, binding its
    /// parameters only when used) or refused, as the column says.
    static func outsideBounds(_ column: Column, outOfDomain: String?, clamped: () -> String) -> String {
        if let outOfDomain { return outOfDomain }
        return column.outOfDomain == .clamp ? clamped() : "\(Problem.outsideBounds.rawValue)"
    }

    /// `ColumnCodec.integerBin` in SQL, for a numeric value within the bounds: exact integer
    /// division for equal widths, the edge search for edges.
    static func integerBin(
        _ value: String, lower: Int, upper: Int, _ binning: Column.Binning, _ parameters: inout SQLParameters
    ) -> String {
        switch binning {
        case .equalWidth(let count):
            let width = parameters.bind(String(Int128(upper) - Int128(lower) + 1), as: "numeric")
            return "div((\(value) - \(parameters.bind(lower))) * \(parameters.bind(count)), \(width))::int"
        case .edges(let edges):
            return edgeBin("(\(value))::float8", edges, &parameters)
        }
    }

    /// `ColumnCodec.realBin` in SQL: the same double-precision arithmetic in the same order.
    static func realBin(
        _ value: String, lower: Double, upper: Double, _ binning: Column.Binning, _ parameters: inout SQLParameters
    ) -> String {
        switch binning {
        case .equalWidth(let count):
            let low = parameters.bind(lower)
            let high = parameters.bind(upper)
            let bins = parameters.bind(Double(count))
            // PostgreSQL refuses a quotient that underflows to zero, where the CSV reader's
            // arithmetic gives bin 0. An offset below 2^-1000 of the range is in bin 0 either way,
            // so it is raised to that floor, whose quotient cannot underflow (and a floor that is
            // itself zero belongs to a range too narrow for any quotient to underflow).
            let smallest = parameters.bind((upper - lower) * 0x1p-1000)
            let offset = "GREATEST(\(value) - \(low), \(smallest))"
            return "LEAST(\(count - 1), floor(\(offset) / (\(high) - \(low)) * \(bins))::int)"
        case .edges(let edges):
            return edgeBin(value, edges, &parameters)
        }
    }

    /// `ColumnCodec.edgeBin`: the largest i with edges[i] <= value, within 0...bins-1.
    static func edgeBin(_ value: String, _ edges: [Double], _ parameters: inout SQLParameters) -> String {
        let list = parameters.bind("{" + edges.map { "\($0)" }.joined(separator: ",") + "}", as: "float8[]")
        return "LEAST(GREATEST(width_bucket(\(value), \(list)) - 1, 0), \(edges.count - 2))"
    }
}
