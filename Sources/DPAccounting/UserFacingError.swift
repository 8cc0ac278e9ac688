/// An error a user can cause and fix: its description is one line that says what is wrong and
/// what to do, and never contains a private value. Every library error conforms, so the command
/// line maps them all to its one-line failure in one place.
public protocol UserFacingError: Error, CustomStringConvertible {}

/// Text that stays on one line and drives no terminal: every control character (C0, DEL, C1)
/// written as an escape. Names in messages come from files and commands (a header, a path, a
/// model's method, a ledger object's name), which may hold line breaks or terminal escapes.
public enum OneLine {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": return "\\n"
            case "\r": return "\\r"
            case "\t": return "\\t"
            default: return isControl(scalar) ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
        }.joined()
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
