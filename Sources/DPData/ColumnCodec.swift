import DPRandomness

/// Turns one column's text values into codes and codes back into values.
///
/// Decoding a numeric bin draws a value uniformly within the bin (integers: uniformly among the
/// bin's integers; reals: uniformly on [e_i, e_{i+1})); this is post-processing of the codes.
final class ColumnCodec: Sendable {
    let column: Column
    /// Categories by their UTF-8 bytes: a value matches a category when its bytes are the same, as
    /// a database compares them (`SQLColumnCode`), not when it is merely canonically equivalent
    /// (an `e` with a combining diaeresis is not `ë`).
    private let categoryCodes: [[UInt8]: Int]
    private let missingTokens: [[UInt8]]

    init(column: Column) {
        self.column = column
        if case .categorical(let categories) = column.kind {
            categoryCodes = Dictionary(uniqueKeysWithValues: categories.enumerated().map { (Array($1.utf8), $0) })
        } else {
            categoryCodes = [:]
        }
        missingTokens = column.missingTokens.map { Array($0.utf8) }
    }

    /// Why a value could not be encoded (the caller adds file, line and column).
    struct Failure: Error {
        let problem: String
        let hint: String
    }

    /// The code of a field's bytes (surrounding spaces and tabs ignored).
    func encode(_ field: UnsafeBufferPointer<UInt8>) throws(Failure) -> Int {
        let value = Self.trimmed(field)
        for token in missingTokens where token.count == value.count && token.elementsEqual(value) {
            guard let code = column.missingCode else {
                throw Failure(
                    problem: "a missing value where the schema says 'missing: error'",
                    hint: "Fill the value in, or set 'missing: own-category' for this column.")
            }
            return code
        }
        if value.count > Column.longestNumber {
            switch column.kind {
            case .coded, .integer, .real: throw Failure(problem: Self.tooLong.problem, hint: Self.tooLong.hint)
            case .categorical, .identifier: break
            }
        }
        switch column.kind {
        case .categorical:
            guard let code = categoryCodes[Array(value)] else {
                if column.outOfDomain == .missing, let missing = column.missingCode { return missing }
                throw Failure(
                    problem: "a category the schema does not declare",
                    hint: "Add it to the column's categories if it is public knowledge, or correct the value.")
            }
            return code
        case .coded(let levels):
            guard let code = Self.parseInteger(value), code >= 0, code < levels else {
                throw Failure(
                    problem: "not a code in 0...\(levels - 1)", hint: "Coded columns hold whole numbers 0 to levels-1.")
            }
            return code
        case .integer(let lower, let upper, let binning):
            // Clamped in integers: a double would round values beyond 2^53, and 2^63 traps.
            let bound = { (below: Bool) in
                Self.integerBin(below ? lower : upper, lower: lower, upper: upper, binning: binning)
            }
            guard let parsed = Self.parseInteger(value) else {
                // A whole number beyond 64 bits is out of bounds, on the side its sign says.
                if let negative = Self.wholeNumberSign(value) {
                    return try beyondBounds(below: negative, lower: Double(lower), upper: Double(upper), bound)
                }
                if let real = Double(String(decoding: value, as: UTF8.self)), !real.isFinite {
                    throw Failure(
                        problem: "NaN or infinity is not allowed",
                        hint: "List it under 'missing_values' to treat it as missing.")
                }
                throw Failure(
                    problem: "not a whole number",
                    hint: "Integer columns hold whole numbers; declare the column 'real' otherwise.")
            }
            if parsed >= lower && parsed <= upper {
                return Self.integerBin(parsed, lower: lower, upper: upper, binning: binning)
            }
            return try beyondBounds(below: parsed < lower, lower: Double(lower), upper: Double(upper), bound)
        case .real(let lower, let upper, let binning):
            let text = String(decoding: value, as: UTF8.self)
            guard Self.isDecimal(value), let parsed = Double(text) else {
                if let word = Double(text), !word.isFinite {
                    throw Failure(
                        problem: "NaN or infinity is not allowed",
                        hint: "List it under 'missing_values' to treat it as missing.")
                }
                throw Failure(problem: "not a number", hint: "Real columns hold decimal numbers such as 3.25.")
            }
            // A decimal number beyond a double's range (1e400) reads as infinite: out of bounds.
            guard parsed < lower || parsed > upper else {
                return Self.realBin(parsed, lower: lower, upper: upper, binning: binning)
            }
            return try beyondBounds(below: parsed < lower, lower: lower, upper: upper) {
                Self.realBin($0 ? lower : upper, lower: lower, upper: upper, binning: binning)
            }
        case .identifier:
            return 0
        }
    }

    /// A number longer than `Column.longestNumber`, as the database's reader words it too
    /// (`SQLColumnCode.Problem.tooLong`).
    private static let tooLong = (
        problem: "a number of more than \(Column.longestNumber) characters",
        hint: "Numbers this long are not read: correct the value, or list it under 'missing_values'."
    )

    /// The bytes without leading and trailing spaces and tabs: a field's value, as every column
    /// reads it (`CSVRecordView.value`).
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        var end = bytes.count
        while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
        while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// Whether `bytes` is a decimal number: an optional sign, digits with an optional point (or a
    /// point and digits), an optional exponent of at most four digits. The database reads reals
    /// with the same grammar (`SQLColumnCode.realPattern`); hexadecimal floats, which Swift would
    /// also read, are not numbers in either.
    static func isDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func digits() -> Int {
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            return index - start
        }
        if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
        var mantissa = digits()
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if index < bytes.count, bytes[index] == 0x65 || bytes[index] == 0x45 {
            index += 1
            if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D { index += 1 }
            guard (1...4).contains(digits()) else { return false }
        }
        return index == bytes.count
    }

    /// `parseInteger` of a string.
    static func wholeNumber(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { parseInteger($0) }
    }

    /// Whether `bytes` is a whole number as `parseInteger` reads them, of any size, and whether it
    /// is negative; nil when it is not one.
    static func wholeNumberSign(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        let negative = bytes.first == UInt8(ascii: "-")
        var digits = bytes[...]
        if negative || bytes.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        if let point = digits.firstIndex(of: UInt8(ascii: ".")) {
            guard digits[(point + 1)...].allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            digits = digits[..<point]
        }
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return negative
    }

    /// A decimal integer with an optional sign and an optional fraction of zeros (`15400.0`, as
    /// census files write whole numbers), or nil (also on overflow).
    static func parseInteger(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            index = 1
        }
        var end = bytes.count
        if let point = bytes.firstIndex(of: UInt8(ascii: ".")) {
            guard bytes[(point + 1)...].allSatisfy({ $0 == UInt8(ascii: "0") }) else { return nil }
            end = point
        }
        guard index < end else { return nil }
        var value = 0
        while index < end {
            let digit = Int(bytes[index]) - 48
            guard digit >= 0 && digit <= 9 else { return nil }
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = scaled.addingReportingOverflow(digit)
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return negative ? -value : value
    }

    /// The code of a value beyond [lower, upper] (below it when `below`), as the column's
    /// `out_of_domain` says: its missing code, the nearer bound's code (`bound`), or an error.
    private func beyondBounds(
        below: Bool, lower: Double, upper: Double, _ bound: (Bool) -> Int
    ) throws(Failure) -> Int {
        if column.outOfDomain == .missing, let missing = column.missingCode { return missing }
        guard column.outOfDomain == .clamp else { throw outsideBounds(lower: lower, upper: upper) }
        return bound(below)
    }

    private func outsideBounds(lower: Double, upper: Double) -> Failure {
        Failure(
            problem: "outside the declared bounds [\(Self.format(lower)), \(Self.format(upper))]",
            hint: "Widen the public bounds in the schema, or set 'out_of_domain: clamp' (or 'missing') for such values."
        )
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    static func integerBin(_ value: Int, lower: Int, upper: Int, binning: Column.Binning) -> Int {
        switch binning {
        case .equalWidth(let count):
            // 128-bit: bounds may lie anywhere in the 64-bit range, and the product with the
            // bin count must not overflow.
            let width = Int128(upper) - Int128(lower) + 1
            return Int((Int128(value) - Int128(lower)) * Int128(count) / width)
        case .edges(let edges):
            return edgeBin(Double(value), edges)
        }
    }

    static func realBin(_ value: Double, lower: Double, upper: Double, binning: Column.Binning) -> Int {
        switch binning {
        case .equalWidth(let count):
            return min(count - 1, Int(((value - lower) / (upper - lower) * Double(count)).rounded(.down)))
        case .edges(let edges):
            return edgeBin(value, edges)
        }
    }

    /// The largest i with edges[i] <= value, at most the last bin.
    static func edgeBin(_ value: Double, _ edges: [Double]) -> Int {
        var low = 0
        var high = edges.count - 2
        while low < high {
            let mid = (low + high + 1) / 2
            if edges[mid] <= value { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The text of a code; numeric bins draw a value uniformly within the bin.
    func decode(_ code: Int, source: RandomSource) -> String {
        if code == column.missingCode { return column.missingTokens.first ?? "" }
        switch column.kind {
        case .categorical(let categories):
            return categories[code]
        case .coded:
            return String(code)
        case .integer(let lower, let upper, let binning):
            let (first, last) = Self.integerRange(ofBin: code, lower: lower, upper: upper, binning: binning)
            // The span fits in 63 bits: the schema refuses bounds further apart.
            let span = UInt64(bitPattern: Int64(last &- first)) + 1
            return String(first + Int(source.uniform(below: span)))
        case .real(let lower, let upper, let binning):
            let (start, end) = Self.realRange(ofBin: code, lower: lower, upper: upper, binning: binning)
            let unit = Double(source.nextUInt64() >> 11) * 0x1p-53
            return String(start + (end - start) * unit)
        case .identifier:
            return ""
        }
    }

    /// The smallest and largest integers in a bin.
    static func integerRange(ofBin bin: Int, lower: Int, upper: Int, binning: Column.Binning) -> (Int, Int) {
        switch binning {
        case .equalWidth(let count):
            let width = Int128(upper) - Int128(lower) + 1
            let bins = Int128(count)
            let first = (Int128(bin) * width + bins - 1) / bins
            let next = (Int128(bin + 1) * width + bins - 1) / bins
            return (Int(Int128(lower) + first), Int(Int128(lower) + next - 1))
        case .edges(let edges):
            let first = clamped(edges[bin].rounded(.up), lower, upper)
            let isLast = bin == edges.count - 2
            let next = edges[bin + 1].rounded(.up)
            let last = isLast || next > Double(upper) ? upper : clamped(next, lower, upper) - 1
            return (first, max(first, min(upper, last)))
        }
    }

    /// `value` as an integer within [lower, upper] (a bound for values beyond it).
    static func clamped(_ value: Double, _ lower: Int, _ upper: Int) -> Int {
        if !(value > Double(lower)) { return lower }
        if value >= Double(upper) { return upper }
        return Int(value)
    }

    /// The interval [start, end) of a real bin, within the bounds.
    static func realRange(ofBin bin: Int, lower: Double, upper: Double, binning: Column.Binning) -> (Double, Double) {
        switch binning {
        case .equalWidth(let count):
            let width = (upper - lower) / Double(count)
            return (lower + Double(bin) * width, bin == count - 1 ? upper : lower + Double(bin + 1) * width)
        case .edges(let edges):
            return (max(lower, edges[bin]), min(upper, edges[bin + 1]))
        }
    }
}
