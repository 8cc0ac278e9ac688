/// An exact rational number `numerator / denominator` in lowest terms, denominator positive.
///
/// Every finite `Double` is a dyadic rational, so `init(exactly:)` loses nothing; this is how
/// user-facing floating-point parameters enter the exact samplers.
public struct ExactRational: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let numerator: ExactInteger
    public let denominator: ExactInteger

    /// `numerator / denominator`, reduced; the denominator must be non-zero.
    public init(_ numerator: ExactInteger, _ denominator: ExactInteger = .one) {
        precondition(denominator.signum != 0, "a rational needs a non-zero denominator")
        // The gcd is positive because the denominator is non-zero.
        let divisor = ExactInteger.gcd(numerator, denominator)
        var top = numerator.floorDivided(by: divisor).quotient
        let bottom = denominator.magnitude.floorDivided(by: divisor).quotient
        if denominator.signum < 0 { top = -top }
        self.numerator = top
        self.denominator = bottom
    }

    public init(_ numerator: Int, _ denominator: Int = 1) {
        self.init(ExactInteger(numerator), ExactInteger(denominator))
    }

    /// The exact value of a finite double, or nil for NaN and infinities.
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        if value == 0 {
            self.init(0)
            return
        }
        let significand = ExactInteger(
            Int128(value.significandBitPattern)
                | (value.isNormal ? Int128(1) << 52 : 0))
        let exponent = (value.isNormal ? Int(value.exponent) : -1022) - 52
        let signed = value < 0 ? -significand : significand
        if exponent >= 0 {
            self.init(signed.shiftedLeft(by: exponent))
        } else {
            self.init(signed, ExactInteger.one.shiftedLeft(by: -exponent))
        }
    }

    /// Parses `"3"`, `"-3/4"` or a decimal such as `"0.125"` or `"1e-3"`, exactly.
    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace()
        if let slash = trimmed.firstIndex(of: "/") {
            guard let top = ExactInteger(decimal: String(trimmed[..<slash])),
                let bottom = ExactInteger(decimal: String(trimmed[trimmed.index(after: slash)...])),
                bottom.signum != 0
            else { return nil }
            self.init(top, bottom)
            return
        }
        guard let parsed = Self.parseDecimal(trimmed) else { return nil }
        self = parsed
    }

    private static func parseDecimal(_ text: String) -> ExactRational? {
        var mantissaText = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let parsed = Int(text[text.index(after: e)...]), abs(parsed) < 10_000 else { return nil }
            exponent = parsed
            mantissaText = String(text[..<e])
        }
        var digits = mantissaText
        if let dot = mantissaText.firstIndex(of: ".") {
            let fraction = mantissaText[mantissaText.index(after: dot)...]
            exponent -= fraction.count
            digits = String(mantissaText[..<dot]) + fraction
        }
        guard !digits.isEmpty, digits != "-", digits != "+",
            digits.dropFirst(digits.first == "-" || digits.first == "+" ? 1 : 0).allSatisfy(\.isASCIIDigit),
            let integer = ExactInteger(decimal: digits.first == "+" ? String(digits.dropFirst()) : digits)
        else { return nil }
        let power = ExactInteger.power(10, exponent.magnitude)
        return exponent >= 0 ? ExactRational(integer * power) : ExactRational(integer, power)
    }

    public static let zero = ExactRational(0)
    public static let one = ExactRational(1)

    public var signum: Int { numerator.signum }
    public var isInteger: Bool { denominator == .one }

    /// The greatest integer not above this value.
    public var floor: ExactInteger { numerator.floorDivided(by: denominator).quotient }

    /// The least integer not below this value.
    public var ceiling: ExactInteger {
        let (quotient, remainder) = numerator.floorDivided(by: denominator)
        return remainder.signum == 0 ? quotient : quotient + .one
    }

    /// The nearest integer, ties toward positive infinity.
    public var roundedToNearest: ExactInteger {
        (self + ExactRational(1, 2)).floor
    }

    /// The nearest double (ties to even; values in the subnormal range may round twice).
    public var doubleValue: Double {
        if numerator.signum == 0 { return 0 }
        // Scale so the quotient has 65 or 66 bits, fold the remainder into a sticky bit,
        // and let the integer-to-double conversion round once.
        let shift = 66 - (numerator.bitWidth - denominator.bitWidth)
        let top = shift >= 0 ? numerator.magnitude.shiftedLeft(by: shift) : numerator.magnitude
        let bottom = shift >= 0 ? denominator : denominator.shiftedLeft(by: -shift)
        let (quotient, remainder) = top.floorDivided(by: bottom)
        guard case .small(var bits) = quotient.storage else { return .nan }
        if remainder.signum != 0 { bits |= 1 }
        let half = shift / 2
        let value =
            Double(bits) * Double(sign: .plus, exponent: -half, significand: 1)
            * Double(sign: .plus, exponent: half - shift, significand: 1)
        return numerator.signum < 0 ? -value : value
    }

    /// The least double not below this value (for privacy costs, which must never be understated).
    public var doubleRoundedUp: Double {
        let nearest = doubleValue
        guard let exact = ExactRational(exactly: nearest) else { return nearest }
        return exact < self ? nearest.nextUp : nearest
    }

    public var description: String {
        isInteger ? numerator.description : "\(numerator)/\(denominator)"
    }

    public static func < (lhs: ExactRational, rhs: ExactRational) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }

    public static func + (lhs: ExactRational, rhs: ExactRational) -> ExactRational {
        ExactRational(
            lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator,
            lhs.denominator * rhs.denominator)
    }

    public static func - (lhs: ExactRational, rhs: ExactRational) -> ExactRational {
        ExactRational(
            lhs.numerator * rhs.denominator - rhs.numerator * lhs.denominator,
            lhs.denominator * rhs.denominator)
    }

    public static func * (lhs: ExactRational, rhs: ExactRational) -> ExactRational {
        ExactRational(lhs.numerator * rhs.numerator, lhs.denominator * rhs.denominator)
    }

    public static func / (lhs: ExactRational, rhs: ExactRational) -> ExactRational {
        precondition(rhs.signum != 0, "division by zero")
        return ExactRational(lhs.numerator * rhs.denominator, lhs.denominator * rhs.numerator)
    }

    public static prefix func - (value: ExactRational) -> ExactRational {
        ExactRational(-value.numerator, value.denominator)
    }

    /// `2^exponent` exactly, for any integer exponent.
    public static func powerOfTwo(_ exponent: Int) -> ExactRational {
        exponent >= 0
            ? ExactRational(ExactInteger.one.shiftedLeft(by: exponent))
            : ExactRational(.one, ExactInteger.one.shiftedLeft(by: -exponent))
    }
}

extension ExactInteger {
    /// `base^exponent` by repeated squaring.
    public static func power(_ base: Int, _ exponent: UInt) -> ExactInteger {
        var result = ExactInteger.one
        var square = ExactInteger(base)
        var remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = result * square }
            square = square * square
            remaining >>= 1
        }
        return result
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension String {
    func trimmingWhitespace() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}
