/// A sum of the non-negative terms of an L1 distance between a table of counts and an estimate,
/// kept exactly in units of 2^-16: each term is rounded to the grid (after clamping at 2^36),
/// then added in integers, so the sum is the same whatever the order of its terms or how the
/// table is stored (dense, or as its nonzero cells), and two tables that differ in one cell's
/// count by one give sums that differ by at most 1 + 2^-14.
///
/// Why: the exponential mechanism's privacy needs that bound on the scores it is given. A sum in
/// floating point rounds after every addition, by amounts that follow the running total, so a
/// one-row change could move the sum by more than one; a sparse table's sum (every cell's
/// estimate first, then each nonzero cell's correction) cancelled large totals and rounded more.
/// Here the estimate is the same for both tables (it comes from noisy measurements), only the
/// changed cell's term differs: computed as |c − e| it moves by at most 1 + 2u·2^36 ≤ 1 + 2^-16,
/// and its grid value, within one unit of it each time, by at most 2 units (2^-15) more
/// (Proofs/marginal-generators.md).
public struct ScoreSum {
    /// Grid steps per unit.
    public static let unitsPerOne = 65_536.0
    /// The largest term kept: clamping is 1-Lipschitz, so it keeps the bound, and no real count
    /// or estimate comes near it (a cell holds fewer than 2^32 rows).
    public static let largestTerm = 68_719_476_736.0
    /// How far apart the sums of two tables one row apart can be, at most.
    public static let sensitivity = 1 + 0x1p-14
    /// The largest error or bias term a weighted score is computed from (AIM clamps both here,
    /// which keeps the bound; a sum is at most 2^37 already): a weight times their difference, two
    /// roundings, is then within 2u · weight · 2^40 · (1 + u), below weight · 2^-12 · (1 + 2^-52),
    /// of exact for each table: at most weight · 2^-11 · (1 + 2^-52) between two.
    public static let largestScoreTerm = 0x1p40
    /// What the exponential mechanism's sensitivity is multiplied by for scores computed this
    /// way: 1 + 2^-14 from the sum, 2^-11 from a weighted score's rounding, below 1 + 2^-8.
    public static let selectionFactor = 1 + 0x1p-8

    /// The sum of the flushed terms, and of the terms since (at most `flushEvery` of them, each
    /// at most 2^52 units, so their sum cannot overflow).
    @usableFromInline var units: Int64 = 0
    @usableFromInline var pending: Int64 = 0
    @usableFromInline var pendingTerms = 0
    @usableFromInline static let flushEvery = 1024

    public init() {}

    /// Adds |value| (a finite number; NaN counts as the largest term).
    @inlinable public mutating func add(_ value: Double) {
        pending &+= Self.units(of: value)
        pendingTerms &+= 1
        if pendingTerms == Self.flushEvery { flush() }
    }

    /// Takes back |value| added before (the same value gives the same units).
    @inlinable public mutating func subtract(_ value: Double) {
        pending &-= Self.units(of: value)
        pendingTerms &+= 1
        if pendingTerms == Self.flushEvery { flush() }
    }

    /// The sum, clamped at ±2^37 (2^53 units), below which a double holds it exactly: the
    /// clamp keeps the bound, where rounding to a double above it would not.
    public var value: Double {
        var total = self
        total.flush()
        let limit: Int64 = 1 << 53
        return Double(Swift.min(Swift.max(total.units, -limit), limit)) / Self.unitsPerOne
    }

    /// Adds `delta` units at once (a total of whole terms known exactly).
    @inlinable mutating func add(units delta: Int64) {
        flush()
        pending = delta
        flush()
    }

    /// Moves the pending terms into the total; saturates rather than traps (a sum of real terms
    /// never comes near 2^63 units; past 2^53 `value` clamps anyway).
    @inlinable mutating func flush() {
        let (sum, overflow) = units.addingReportingOverflow(pending)
        units = overflow ? (pending > 0 ? .max : .min) : sum
        pending = 0
        pendingTerms = 0
    }

    /// floor(|value| · 2^16 + 0.5): within one unit of |value| · 2^16 (the addition of one half
    /// rounds too), without a call to the rounding function.
    @inlinable static func units(of value: Double) -> Int64 {
        let term = abs(value)
        return Int64((term <= largestTerm ? term : largestTerm) * unitsPerOne + 0.5)
    }
}
