/// What a schema proposal needs to know of one column, gathered a value at a time rather than
/// kept: for a proposal read
/// straight from the data, the numbers' range and at most `SchemaInference.maxCategories + 1`
/// distinct values; for a DP proposal, every distinct value's count (categories) or the numbers'
/// histogram (bounds).
public struct ColumnProfile: Sendable, Equatable {
    /// What the profile gathers.
    public enum Purpose: Sendable, Equatable {
        /// Kinds, ranges and categories read straight from the data (not private).
        case proposal
        /// Each distinct value's count, for a thresholded DP histogram.
        case privateCategories
        /// The finite numbers' histogram, for DP bounds.
        case privateBounds
    }

    public let purpose: Purpose
    /// Values read, missing ones included.
    public private(set) var values = 0

    /// The distinct non-missing values that are not numbers; two at most are kept, since a
    /// proposal asks only whether there is none, one (a missing marker) or more.
    private(set) var nonNumbers: Set<String> = []
    /// The non-missing values that are numbers, and those of them that are whole numbers and
    /// that read as finite doubles, with their ranges.
    private(set) var numbers = 0
    private(set) var wholeNumbers = 0
    private(set) var finiteReals = 0
    private(set) var wholeRange: ClosedRange<Int>?
    private(set) var realRange: ClosedRange<Double>?
    /// The distinct non-missing values, the first `SchemaInference.maxCategories + 1` only.
    private(set) var distinct: Set<String> = []

    /// Each distinct non-missing value's count (`privateCategories`).
    private(set) var counts: [String: Int] = [:]
    /// The finite numbers (`privateBounds`).
    private(set) var histogram = NumberHistogram()

    public init(purpose: Purpose) { self.purpose = purpose }

    /// Adds one value, trimmed as the CSV reader trims.
    public mutating func add(_ value: String) {
        values += 1
        switch purpose {
        case .proposal:
            guard !Column.defaultMissingTokens.contains(value) else { return }
            if distinct.count <= SchemaInference.maxCategories { distinct.insert(value) }
            let whole = ColumnCodec.wholeNumber(value)
            let real = Double(value).flatMap { $0.isFinite ? $0 : nil }
            guard whole != nil || real != nil else {
                if nonNumbers.count < 2 { nonNumbers.insert(value) }
                return
            }
            numbers += 1
            if let whole {
                wholeNumbers += 1
                wholeRange = wholeRange.map { min($0.lowerBound, whole)...max($0.upperBound, whole) } ?? whole...whole
            }
            if let real {
                finiteReals += 1
                realRange = realRange.map { min($0.lowerBound, real)...max($0.upperBound, real) } ?? real...real
            }
        case .privateCategories:
            if !Column.defaultMissingTokens.contains(value) { counts[value, default: 0] += 1 }
        case .privateBounds:
            if let real = Double(value) { histogram.add(real) }
        }
    }
}
