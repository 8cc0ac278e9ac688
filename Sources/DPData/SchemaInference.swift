import DPAccounting
import DPMechanisms
import DPRandomness
import Foundation

/// Proposes a schema for a CSV file.
///
/// Privacy: `propose` reads categories and bounds straight from the private data, so its output
/// is private; the user must review it and adopt only what is public knowledge. `proposeWithDP`
/// charges the ledger first and then learns categories with a thresholded DP histogram and
/// bounds with a DP magnitude histogram refined by DP quantiles (`PrivateBounds`): (ε, δ)-DP in total
/// (Proofs/dp-schema-inference.md).
public enum SchemaInference {
    public static let proofDocument = "Proofs/dp-schema-inference.md"

    /// The most distinct values a column may have to be proposed as categorical.
    public static let maxCategories = 200

    /// A table without columns has no schema to propose (it would propose an empty one, which
    /// no command reads), nor one with names a schema cannot hold (an empty, repeated or NUL
    /// name): the proposal would be refused by every command that reads it.
    static func refuseUnusableHeader(_ header: [String], file: String) throws {
        guard !header.isEmpty && header != [""] else {
            throw DataError(file: file, problem: "the table has no columns", hint: "Give a table with columns.")
        }
        guard header.count <= Schema.largestColumnCount else {
            throw DataError(
                file: file, line: 1,
                problem:
                    "the table has \(header.count) columns; a schema describes at most \(Schema.largestColumnCount)",
                hint: "Split the table into narrower ones.")
        }
        // The schema written must load: its column names come from the header.
        if let index = header.firstIndex(where: { $0.utf8.contains(0) }) {
            throw DataError(
                file: file, line: 1, column: index + 1, problem: "a column name holds a NUL character",
                hint: "Rename the column in the header.")
        }
        if let index = header.firstIndex(where: { $0.isEmpty }) {
            throw DataError(
                file: file, line: 1, column: index + 1, problem: "the header has an empty column name",
                hint: "Name every column in the header.")
        }
        if let duplicate = header.enumerated().first(where: { header[..<$0.offset].contains($0.element) }) {
            throw DataError(
                file: file, line: 1, column: duplicate.offset + 1,
                problem: "the header names a column twice (not repeated here: a file without its header row has a "
                    + "private row there)", hint: "Give every column a distinct name.")
        }
    }

    /// A DP proposal from a table without rows would charge for a schema of identifiers that
    /// says nothing; it is refused before the charge, as `synthesize` refuses such data.
    public static func refuseNoRows(_ table: TableProfile, file: String) throws {
        guard table.rows > 0 else {
            throw DataError(
                file: file, problem: "the data has no rows", hint: "Give at least one row after the header."
            ).inPrivateRows
        }
    }

    /// Whether a value reads as a number: a whole number, or a finite double.
    static func isNumber(_ value: String) -> Bool {
        ColumnCodec.wholeNumber(value) != nil || Double(value).map(\.isFinite) == true
    }

    /// A proposal read directly from the data (not private: review before use).
    public static func propose(csv path: String, name: String) throws -> Schema {
        try propose(try TableProfile(path: path, kind: .plain), name: name, file: path)
    }

    /// A proposal read directly from a table's text values (not private: review before use). A
    /// column of numbers whose only other entry is one token (census files write `N` or `X` for
    /// "not applicable") is numeric, with that token as a missing marker; `15400.0` is a whole
    /// number.
    public static func propose(_ table: TableProfile, name: String, file: String = "the table") throws -> Schema {
        try refuseUnusableHeader(table.header, file: file)
        guard table.kind == .plain else { preconditionFailure("a plain proposal reads a plain profile") }
        let columns = zip(table.header, table.columns).map { header, profile -> Column in
            var missingTokens = Column.defaultMissingTokens
            // The numbers, with one other token as their missing marker.
            let numeric = profile.numbers > 0 && profile.nonNumbers.count <= 1
            if numeric, let token = profile.nonNumbers.first { missingTokens.append(token) }
            // A column of one value gets bounds one apart, which the loader takes; integers spanning
            // more than an Int holds are proposed as a real column, as the loader advises.
            if numeric, profile.wholeNumbers == profile.numbers, let range = profile.wholeRange {
                var (lower, upper) = (range.lowerBound, range.upperBound)
                if lower == upper { if upper < Int.max { upper += 1 } else { lower -= 1 } }
                let (span, overflow) = upper.subtractingReportingOverflow(lower)
                if !overflow, span < Int.max {
                    let count = min(span + 1, SchemaLoader.defaultIntegerValueCodes)
                    return Column(
                        name: header, kind: .integer(lower: lower, upper: upper, binning: .equalWidth(count: count)),
                        missingTokens: missingTokens)
                }
            }
            if numeric, profile.finiteReals == profile.numbers, let range = profile.realRange,
                range.lowerBound < range.upperBound
            {
                var (lower, upper) = (range.lowerBound, range.upperBound)
                // Bounds a double's range apart are halved (the loader computes with upper - lower),
                // and the values beyond them clamped.
                let tooWide = !(upper - lower).isFinite
                if tooWide { (lower, upper) = (lower / 2, upper / 2) }
                var column = Column(
                    name: header,
                    kind: .real(lower: lower, upper: upper, binning: .equalWidth(count: SchemaLoader.defaultBinCount)),
                    missingTokens: missingTokens)
                if tooWide { column.outOfDomain = .clamp }
                return column
            }
            let distinct = profile.distinct.sorted()
            if distinct.isEmpty || distinct.count > maxCategories { return Column(name: header, kind: .identifier) }
            return Column(name: header, kind: .categorical(distinct))
        }
        return Schema(name: name, columns: columns)
    }

    /// A proposal learned under (epsilon, delta)-DP, charged to `budget` once the file has been
    /// read (a malformed row costs nothing) and before anything is drawn. `numeric` names the
    /// columns to treat as numbers and `integer` those of them that hold whole numbers (public
    /// choices); all others are categorical.
    public static func proposeWithDP(
        csv path: String, name: String, numeric: Set<String>, integer: Set<String> = [], epsilon: Double,
        delta: Double, budget: any PrivacyBudget, source: RandomSource
    ) throws -> Schema {
        try proposeWithDP(
            header: try TableProfile.header(path: path), file: path,
            table: try TableProfile(path: path, kind: .differentiallyPrivate(numeric: numeric)), name: name,
            numeric: numeric, integer: integer, epsilon: epsilon, delta: delta, budget: budget, source: source)
    }

    /// Refuses what `proposeWithDP` would refuse of a request before reading any value: a caller
    /// checks it before a ledger is opened, so that nothing is recorded for a run that cannot go on.
    public static func checkDPRequest(
        header: [String], file path: String, numeric: Set<String>, integer: Set<String> = [], epsilon: Double,
        delta: Double
    ) throws {
        guard epsilon.isFinite, epsilon > 0 else {
            throw DataError(file: path, problem: "epsilon must be positive", hint: "Pass --epsilon.")
        }
        guard delta > 0, delta < 1 else {
            throw DataError(
                file: path, problem: "the DP category histogram needs a delta in (0, 1)",
                hint: "Pass --delta, e.g. 1e-6.")
        }
        try refuseUnusableHeader(header, file: path)
        let unknown = numeric.subtracting(header)
        guard unknown.isEmpty else {
            throw DataError(
                file: path, line: 1,
                problem: "--numeric names columns not in the header: \(unknown.sorted().joined(separator: ", "))",
                hint: "Use the header's column names.")
        }
        let notNumeric = integer.subtracting(numeric)
        guard notNumeric.isEmpty else {
            throw DataError(
                file: path,
                problem: "--integer names columns not in --numeric: \(notNumeric.sorted().joined(separator: ", "))",
                hint: "Name each whole-number column in --numeric too.")
        }
        // The mechanisms each column's share pays for, built before the charge.
        let (share, deltaShare) = shares(columns: header.count, epsilon: epsilon, delta: delta)
        do {
            if header.contains(where: { !numeric.contains($0) }) {
                _ = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: share)
                _ = try threshold(epsilon: share, delta: deltaShare)
            }
            if !numeric.isEmpty { try PrivateBounds.checkMechanisms(epsilon: share) }
        } catch let error as MechanismError {
            throw DataError(
                file: path,
                problem: "epsilon \(epsilon) and delta \(delta) over \(header.count) columns leave each too little "
                    + "(\(error.description))",
                hint: "Raise --epsilon (or --delta), or infer fewer columns.")
        }
    }

    /// Each column's share of (epsilon, delta): the budget is split evenly over the columns.
    static func shares(columns: Int, epsilon: Double, delta: Double) -> (epsilon: Double, delta: Double) {
        (epsilon / Double(columns), delta / Double(columns))
    }

    /// The count a category must clear: one held by a single person clears it with probability at
    /// most delta under discrete Laplace noise of scale 1/epsilon; refused beyond an Int.
    static func threshold(epsilon: Double, delta: Double) throws -> Int {
        let threshold = (log(1 / delta) / epsilon).rounded(.up)
        guard threshold.isFinite, threshold < 0x1p62 else {
            throw MechanismError("the category threshold ln(1/delta)/epsilon is beyond what dpsynth counts")
        }
        return Int(threshold)
    }

    /// `proposeWithDP` for `table`, read before the charge so that a malformed row is refused
    /// without cost, whose column names were `header` when the request was checked (read without
    /// its rows); `file` names it in errors.
    public static func proposeWithDP(
        header: [String], file path: String, table: TableProfile, name: String, numeric: Set<String>,
        integer: Set<String> = [], epsilon: Double, delta: Double, budget: any PrivacyBudget, source: RandomSource
    ) throws -> Schema {
        try proposalWithDP(
            header: header, file: path, table: table, name: name, numeric: numeric, integer: integer,
            epsilon: epsilon, delta: delta, budget: budget, source: source
        ).schema
    }

    /// `proposeWithDP`'s schema, with the numeric columns whose bounds it could not locate.
    public static func proposalWithDP(
        header: [String], file path: String, table: TableProfile, name: String, numeric: Set<String>,
        integer: Set<String> = [], epsilon: Double, delta: Double, budget: any PrivacyBudget, source: RandomSource
    ) throws -> DPSchemaProposal {
        try checkDPRequest(
            header: header, file: path, numeric: numeric, integer: integer, epsilon: epsilon, delta: delta)
        guard table.header == header else {
            throw DataError(
                file: path, line: 1, problem: "the header changed while the table was read",
                hint: "Run again once nothing writes to the table.")
        }
        guard table.kind == .differentiallyPrivate(numeric: numeric) else {
            preconditionFailure("a DP proposal reads the profile its mechanisms count")
        }
        try refuseNoRows(table, file: path)
        let (share, deltaShare) = shares(columns: header.count, epsilon: epsilon, delta: delta)
        let receipt = try budget.charge(
            Charge(
                mechanism: "dp-schema-inference",
                parameters: InferenceParameters(
                    columns: header.count, epsilonPerColumn: share, deltaPerColumn: deltaShare),
                cost: .approximate(epsilon: epsilon, delta: delta), seeded: source.isSeeded))
        var columns: [Column] = []
        var unlocated: [String] = []
        for (index, column) in header.enumerated() {
            if numeric.contains(column) {
                var (lower, upper, located) = try PrivateBounds.learn(
                    table.columns[index].histogram, epsilon: share, paidBy: receipt, source: source)
                if !located { unlocated.append(column) }
                // Post-processing of the DP bounds only: a declared whole-number column's bounds
                // are rounded outward. Only a declared column is proposed as integer: bounds on the
                // grid are whole numbers for most columns, decimal ones too.
                let whole = integer.contains(column)
                if whole { (lower, upper) = (lower.rounded(.down), upper.rounded(.up)) }
                if upper <= lower {
                    upper = whole ? lower + 1 : QuantileGrid.next(after: lower)
                }
                var learned = Column(
                    name: column,
                    kind: whole
                        ? .integer(
                            lower: Int(lower), upper: Int(upper),
                            binning: .equalWidth(count: min(Int(upper - lower) + 1, SchemaLoader.defaultBinCount)))
                        : .real(lower: lower, upper: upper, binning: .equalWidth(count: SchemaLoader.defaultBinCount)))
                learned.outOfDomain = .clamp
                columns.append(learned)
            } else {
                let categories = try thresholdedCategories(
                    table.columns[index].counts, epsilon: share, delta: deltaShare, paidBy: receipt, source: source)
                columns.append(
                    categories.isEmpty
                        ? Column(name: column, kind: .identifier) : Column(name: column, kind: .categorical(categories))
                )
            }
        }
        return DPSchemaProposal(schema: Schema(name: name, columns: columns), unlocatedBounds: unlocated)
    }

    /// Categories whose count plus discrete Laplace noise (scale 1/ε) clears a threshold that a
    /// category held by one person clears with probability at most δ.
    static func thresholdedCategories(
        _ counts: [String: Int], epsilon: Double, delta: Double, paidBy receipt: ChargeReceipt, source: RandomSource
    ) throws -> [String] {
        let mechanism = try IntegerLaplaceMechanism(sensitivity: 1, epsilon: epsilon)
        let least = try Self.threshold(epsilon: epsilon, delta: delta)
        let names = counts.keys.sorted()
        let noisy = mechanism.release(names.map { counts[$0]! }, paidBy: receipt, source: source)
        return zip(names, noisy).filter { $0.1 > least }.map(\.0)
    }

    /// The exponential-mechanism quantile of `numbers` over public `candidates` (ascending grid
    /// points), by default the whole candidate grid (ε-DP, sensitivity 1).
    static func dpQuantile(
        _ numbers: NumberHistogram, quantile: Double, candidates: [Double] = QuantileGrid.candidates, epsilon: Double,
        paidBy receipt: ChargeReceipt, source: RandomSource
    ) throws -> Double {
        let target = quantile * Double(numbers.count)
        let scores = numbers.ranks(below: candidates).map { -abs(Double($0) - target) }
        let mechanism = try ExponentialMechanism(epsilon: epsilon, sensitivity: 1)
        return candidates[try mechanism.select(scores: scores, paidBy: receipt, source: source)]
    }
}

/// What the schema-inference charge records.
struct InferenceParameters: Encodable {
    let columns: Int
    let epsilonPerColumn: Double
    let deltaPerColumn: Double

    enum CodingKeys: String, CodingKey {
        case columns
        case epsilonPerColumn = "epsilon_per_column"
        case deltaPerColumn = "delta_per_column"
    }
}

/// The public candidate values for DP bounds: 0 and ±m·10^k for every two-digit mantissa
/// m = 1.0, 1.1, …, 9.9 and k from -3 to 9 (2,341 candidates).
enum QuantileGrid {
    static let candidates: [Double] = {
        let mantissas: [Double] = (10...99).map { Double($0) / 10 }
        var positive: [Double] = []
        for exponent in -3...9 { for mantissa in mantissas { positive.append(mantissa * pow(10, Double(exponent))) } }
        return (positive.reversed().map { -$0 } + [0] + positive)
    }()

    static func next(after value: Double) -> Double {
        candidates.first { $0 > value } ?? value + 1
    }
}

/// A schema proposed under DP, and the numeric columns whose bounds its histogram could not
/// locate: no bin's noisy count cleared the threshold (too few numbers in the column, or none,
/// as in a text column named numeric), so their bounds are noise and are to be set by hand. Which
/// columns those are is post-processing of the DP counts.
public struct DPSchemaProposal: Sendable {
    public let schema: Schema
    public let unlocatedBounds: [String]
}
