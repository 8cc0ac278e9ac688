/// How a schema or a configuration file writes a number: plain decimal notation only, such as
/// `10`, `-3`, `0.5`, `.5` or `1e-9`.
///
/// YAML 1.1 also reads `1_0` as 10, `010` as 8 (octal), `0x10` as 16 and `0:30` as 30
/// (sexagesimal), and Swift's `Double` reads hexadecimal floats and `inf`: a privacy parameter
/// written so would mean another value than the one a reader of the file sees, so such text is
/// refused where a number is expected, as is a whole number with a leading zero.
public enum DecimalText {
    /// The value of `text` when it is a decimal number (`[+-]digits[.digits][e[+-]digits]`, a
    /// fraction's digits or the whole part's may be absent but not both, no leading zero before
    /// another digit); nil otherwise.
    public static func double(_ text: String) -> Double? {
        guard isDecimal(text, allowingFraction: true) else { return nil }
        return Double(text)
    }

    /// The value of `text` when it is a whole decimal number (`[+-]digits`, no leading zero
    /// before another digit) within `Int`'s range; nil otherwise.
    public static func integer(_ text: String) -> Int? {
        guard isDecimal(text, allowingFraction: false) else { return nil }
        return Int(text)
    }

    static func isDecimal(_ text: String, allowingFraction: Bool) -> Bool {
        var bytes = Substring(text).utf8[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            bytes = bytes.dropFirst()
        }
        let whole = bytes
        let wholeDigits = digits()
        if wholeDigits > 1 && whole.first == UInt8(ascii: "0") { return false }
        guard allowingFraction else { return wholeDigits > 0 && bytes.isEmpty }
        var fractionDigits = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fractionDigits = digits()
        }
        guard wholeDigits + fractionDigits > 0 else { return false }
        if let mark = bytes.first, mark == UInt8(ascii: "e") || mark == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
            }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
