/// How a schema or a configuration file writes a number: plain decimal notation only, such as
/// `10`, `-3`, `0.5`, `.5` or `1e-9`.
///
/// YAML 1.1 also reads `1_0` as 10, `010` as 8 (octal), `0x10` as 16 and `0:30` as 30
/// (sexagesimal), and Swift's `Double` reads hexadecimal floats and `inf`: a privacy parameter
/// written so would mean another value than the one a reader of the file sees, so such text is
/// refused where a number is expected, as is a whole number with a leading zero.
public enum DecimalText {
    /// The value of `text` when it is a decimal number as the CSV reader reads one
    /// (`ColumnCodec.isDecimal`) without a leading zero before another digit; nil otherwise.
    public static func double(_ text: String) -> Double? {
        var text = text
        guard !hasLeadingZero(text), text.withUTF8(ColumnCodec.isDecimal) else { return nil }
        return Double(text)
    }

    /// The value of `text` when it is a whole decimal number (`[+-]digits`, which is all `Int`
    /// reads) without a leading zero before another digit, within `Int`'s range; nil otherwise.
    public static func integer(_ text: String) -> Int? {
        hasLeadingZero(text) ? nil : Int(text)
    }

    /// Whether the digits after an optional sign start with a zero followed by another digit.
    static func hasLeadingZero(_ text: String) -> Bool {
        let digits = Array(text.utf8.drop { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") }.prefix(2))
        return digits.count == 2 && digits[0] == UInt8(ascii: "0")
            && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digits[1])
    }
}
