import CGMP

/// An exact integer: 128-bit while it fits, GMP beyond.
///
/// The samplers run on this type so that no floating-point value ever enters the sampling
/// path; the small representation keeps the common case free of heap traffic, and every
/// operation promotes to GMP on overflow instead of trapping or wrapping.
public struct ExactInteger: Sendable, Hashable, Comparable, CustomStringConvertible {
    @usableFromInline
    enum Storage: Sendable {
        case small(Int128)
        case large(GMPInteger)
    }

    @usableFromInline
    let storage: Storage

    @inlinable
    public init(_ value: Int) { storage = .small(Int128(value)) }

    @inlinable
    public init(_ value: Int128) { storage = .small(value) }

    init(_ value: GMPInteger) {
        if let small = value.int128 {
            storage = .small(small)
        } else {
            storage = .large(value)
        }
    }

    /// Parses a base-10 integer such as `-123`.
    public init?(decimal text: String) {
        if let small = Int128(text) {
            self.init(small)
        } else if let big = GMPInteger(decimal: text) {
            self.init(big)
        } else {
            return nil
        }
    }

    public static let zero = ExactInteger(0)
    public static let one = ExactInteger(1)

    var gmp: GMPInteger {
        switch storage {
        case .small(let value): return GMPInteger(value)
        case .large(let value): return value
        }
    }

    /// The value as `Int` when it fits.
    public var int: Int? {
        if case .small(let value) = storage, let narrow = Int(exactly: value) { return narrow }
        return nil
    }

    public var signum: Int {
        switch storage {
        case .small(let value): return value == 0 ? 0 : (value < 0 ? -1 : 1)
        case .large(let value): return value.signum
        }
    }

    public var magnitude: ExactInteger { signum < 0 ? -self : self }

    /// `floor(log2(|self|)) + 1`, and 0 for zero.
    public var bitWidth: Int {
        switch storage {
        case .small(let value): return 128 - value.magnitude.leadingZeroBitCount
        case .large(let value): return value.bitWidth
        }
    }

    public var description: String {
        switch storage {
        case .small(let value): return String(value)
        case .large(let value): return value.decimal
        }
    }

    public static func == (lhs: ExactInteger, rhs: ExactInteger) -> Bool {
        compare(lhs, rhs) == 0
    }

    public static func < (lhs: ExactInteger, rhs: ExactInteger) -> Bool {
        compare(lhs, rhs) < 0
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(description)
    }

    static func compare(_ lhs: ExactInteger, _ rhs: ExactInteger) -> Int {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            return a == b ? 0 : (a < b ? -1 : 1)
        }
        return GMPInteger.compare(lhs.gmp, rhs.gmp)
    }

    public static func + (lhs: ExactInteger, rhs: ExactInteger) -> ExactInteger {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if !overflow { return ExactInteger(sum) }
        }
        return ExactInteger(GMPInteger.binary(lhs.gmp, rhs.gmp) { __gmpz_add($0, $1, $2) })
    }

    public static func - (lhs: ExactInteger, rhs: ExactInteger) -> ExactInteger {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            let (difference, overflow) = a.subtractingReportingOverflow(b)
            if !overflow { return ExactInteger(difference) }
        }
        return ExactInteger(GMPInteger.binary(lhs.gmp, rhs.gmp) { __gmpz_sub($0, $1, $2) })
    }

    public static prefix func - (value: ExactInteger) -> ExactInteger {
        ExactInteger.zero - value
    }

    public static func * (lhs: ExactInteger, rhs: ExactInteger) -> ExactInteger {
        if case .small(let a) = lhs.storage, case .small(let b) = rhs.storage {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            if !overflow { return ExactInteger(product) }
        }
        return ExactInteger(GMPInteger.binary(lhs.gmp, rhs.gmp) { __gmpz_mul($0, $1, $2) })
    }

    /// Floor division and the matching non-negative remainder, for a positive divisor.
    public func floorDivided(by divisor: ExactInteger) -> (quotient: ExactInteger, remainder: ExactInteger) {
        precondition(divisor.signum > 0, "floorDivided(by:) needs a positive divisor")
        if case .small(let a) = storage, case .small(let b) = divisor.storage {
            var (quotient, remainder) = a.quotientAndRemainder(dividingBy: b)
            if remainder < 0 {
                quotient -= 1
                remainder += b
            }
            return (ExactInteger(quotient), ExactInteger(remainder))
        }
        let quotient = GMPInteger.binary(gmp, divisor.gmp) { __gmpz_fdiv_q($0, $1, $2) }
        let remainder = GMPInteger.binary(gmp, divisor.gmp) { __gmpz_fdiv_r($0, $1, $2) }
        return (ExactInteger(quotient), ExactInteger(remainder))
    }

    /// The greatest common divisor of the magnitudes.
    public static func gcd(_ lhs: ExactInteger, _ rhs: ExactInteger) -> ExactInteger {
        if case .small(var a) = lhs.storage, case .small(var b) = rhs.storage, a != .min, b != .min {
            (a, b) = (abs(a), abs(b))
            while b != 0 { (a, b) = (b, a % b) }
            return ExactInteger(a)
        }
        return ExactInteger(GMPInteger.binary(lhs.gmp, rhs.gmp) { __gmpz_gcd($0, $1, $2) })
    }

    /// `self * 2^shift` for `shift >= 0`.
    public func shiftedLeft(by shift: Int) -> ExactInteger {
        precondition(shift >= 0)
        if case .small(let value) = storage, shift < 126, value.magnitude.leadingZeroBitCount > shift + 1 {
            return ExactInteger(value << shift)
        }
        return ExactInteger(GMPInteger.shiftedLeft(gmp, by: shift))
    }
}
