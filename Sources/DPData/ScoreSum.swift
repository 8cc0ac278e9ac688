/// A sum of the non-negative terms of an L1 distance between a table of counts and an estimate,
/// kept exactly in units of 2^-16: each term is rounded to the grid (after clamping at 2^36),
/// then added in integers, so the sum is the same whatever the order of its terms or how the
/// table is stored (dense, or as its nonzero cells), and two tables that differ in one cell's
/// count by one give sums that differ by at most 1 + 2^-15.
///
/// Why: the exponential mechanism's privacy needs that bound on the scores it is given. A sum in
/// floating point rounds after every addition, by amounts that follow the running total, so a
/// one-row change could move the sum by more than one; a sparse table's sum (every cell's
/// estimate first, then each nonzero cell's correction) cancelled large totals and rounded more.
/// Here the estimate is the same for both tables (it comes from noisy measurements), only the
/// changed cell's term differs: computed as |c − e| it moves by at most 1 + 2u·2^36 ≤ 1 + 2^-16,
/// and its rounding to the grid by at most 2^-16 more (Proofs/exponential-mechanism.md).
public struct ScoreSum {
    /// Grid steps per unit.
    public static let unitsPerOne = 65_536.0
    /// The largest term kept: clamping is 1-Lipschitz, so it keeps the bound, and no real count
    /// or estimate comes near it (a cell holds fewer than 2^32 rows).
    public static let largestTerm = 68_719_476_736.0
    /// How far apart the sums of two tables one row apart can be, at most.
    public static let sensitivity = 1 + 0x1p-15
    /// The largest error or bias term a weighted score is computed from (AIM clamps both here,
    /// which keeps the bound): a weight times their difference, two roundings, is then within
    /// 4u · weight · 2^41 = weight · 2^-10 of exact for each of two neighbouring tables.
    public static let largestScoreTerm = 0x1p40
    /// What the exponential mechanism's sensitivity is multiplied by for scores computed this
    /// way: 1 + 2^-15 from the sum, 2 · 2^-10 from a weighted score's rounding, below 1 + 2^-8.
    public static let selectionFactor = 1 + 0x1p-8

    @usableFromInline var units: Int64 = 0

    public init() {}

    /// Adds |value| (a finite number; NaN counts as the largest term).
    @inlinable public mutating func add(_ value: Double) { self.add(units: Self.units(of: value)) }

    /// Takes back |value| added before (the same value gives the same units).
    @inlinable public mutating func subtract(_ value: Double) { self.add(units: -Self.units(of: value)) }

    /// The sum, exact as a double.
    public var value: Double { Double(units) / Self.unitsPerOne }

    /// Saturates rather than traps: no sum of real terms comes within 2^11 of the limit.
    @inlinable mutating func add(units delta: Int64) {
        let (sum, overflow) = units.addingReportingOverflow(delta)
        units = overflow ? (delta > 0 ? .max : .min) : sum
    }

    @inlinable static func units(of value: Double) -> Int64 {
        let term = abs(value)
        return Int64(((term <= largestTerm ? term : largestTerm) * unitsPerOne).rounded())
    }
}
