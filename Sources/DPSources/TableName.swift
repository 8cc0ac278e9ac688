/// The `table` parameter of a URL: `TABLE`, `SCHEMA.TABLE`, or either part in double quotes
/// (`"my.schema"."t"`, a quote inside doubled) when it holds a dot. Unquoted parts are taken as
/// written, case included; an unquoted name splits at its first dot.
enum TableName {
    /// The schema (nil when not given) and the table `text` names; nil when it is not such a name.
    static func parse(_ text: String) -> (schema: String?, table: String)? {
        var parts: [String] = []
        var rest = Substring(text)
        while true {
            guard let (part, after) = firstPart(of: rest, last: parts.count == 1), !part.isEmpty else { return nil }
            parts.append(part)
            guard let dot = after.first else { break }
            guard dot == ".", parts.count < 2 else { return nil }
            rest = after.dropFirst()
        }
        return parts.count == 2 ? (parts[0], parts[1]) : (nil, parts[0])
    }

    /// The first part of `text` and what follows it: a quoted part up to its closing quote, or an
    /// unquoted one up to the first dot (to the end when it is the `last` part).
    private static func firstPart(of text: Substring, last: Bool) -> (String, Substring)? {
        guard text.first == "\"" else {
            let end = last ? text.endIndex : (text.firstIndex(of: ".") ?? text.endIndex)
            let part = text[..<end]
            return part.contains("\"") ? nil : (String(part), text[end...])
        }
        var part = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            index = text.index(after: index)
            if character != "\"" {
                part.append(character)
            } else if index < text.endIndex, text[index] == "\"" {
                part.append("\"")
                index = text.index(after: index)
            } else {
                return (part, text[index...])
            }
        }
        return nil
    }
}
