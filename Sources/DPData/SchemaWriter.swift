/// Renders a schema as the YAML `SchemaLoader` reads.
public enum SchemaWriter {
    /// The key of a schema proposed from private data without noise: the loader refuses the
    /// schema until a reviewer deletes it, so categories and bounds read from the data never reach
    /// a model file or a synthetic table unreviewed (a comment saying so was lost when a model
    /// file rewrote the schema).
    public static let reviewKey = "review"

    /// What a reviewer must check before deleting the `reviewKey` line.
    public enum Review: Sendable, CaseIterable {
        /// Categories and bounds read from the private data without noise (a plain proposal, or
        /// a seeded DP one, whose noise anyone with the seed can draw again).
        case values
        /// Column names read from a file's first line without noise (a DP proposal from a file):
        /// a file without its header row would publish its first row as the names.
        case names

        /// The line's text, by which the loader knows which review it is.
        public var text: String {
            switch self {
            case .values:
                return "read from the private data without noise: delete this line once every category "
                    + "and bound below is public knowledge"
            case .names:
                return "the column names were read from the file's first line without noise: delete this line "
                    + "once you have checked that line is the header, not a row"
            }
        }
    }

    /// The schema as YAML, after `comment`; `review` marks what was read from private data
    /// without noise (`reviewKey`).
    public static func yaml(_ schema: Schema, comment: [String] = [], review: Review? = nil) -> String {
        // A comment quotes paths and names, which may hold line breaks: each line is commented.
        var lines = comment.flatMap { $0.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) }
            .map { "# " + $0 }
        if let review { lines.append("\(reviewKey): \"\(review.text)\"") }
        lines.append("name: \(quote(schema.name))")
        if let target = schema.target { lines.append("target: \(quote(target))") }
        lines.append("columns:")
        for column in schema.columns {
            var entry = "  - {name: \(quote(column.name)), kind: "
            switch column.kind {
            case .categorical(let categories):
                entry += "categorical, categories: [\(categories.map(quote).joined(separator: ", "))]"
            case .integer(let lower, let upper, let binning):
                entry += "integer, lower: \(lower), upper: \(upper)\(render(binning))"
            case .real(let lower, let upper, let binning):
                entry += "real, lower: \(lower), upper: \(upper)\(render(binning))"
            case .coded(let levels):
                entry += "coded, levels: \(levels)"
            case .identifier:
                entry += "identifier"
            }
            if column.kind != .identifier {
                if column.missing != .ownCategory { entry += ", missing: \(column.missing.rawValue)" }
                if column.outOfDomain != .error { entry += ", out_of_domain: \(column.outOfDomain.rawValue)" }
                if column.missingTokens != Column.defaultMissingTokens {
                    entry += ", missing_values: [\(column.missingTokens.map(quote).joined(separator: ", "))]"
                }
            }
            lines.append(entry + "}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ binning: Column.Binning) -> String {
        switch binning {
        case .equalWidth(let count): return ", bins: \(count)"
        case .edges(let edges): return ", edges: [\(edges.map { String($0) }.joined(separator: ", "))]"
        }
    }

    /// A YAML double-quoted scalar.
    static func quote(_ text: String) -> String {
        "\""
            + text.unicodeScalars.map { scalar -> String in
                switch scalar {
                case "\\": return "\\\\"
                case "\"": return "\\\""
                // Line breaks and other control characters would be folded or refused by a YAML
                // reader: written as escapes, a name reads back as it was.
                case "\n": return "\\n"
                case "\r": return "\\r"
                case "\t": return "\\t"
                case "\u{85}": return "\\N"
                case "\u{2028}": return "\\L"
                case "\u{2029}": return "\\P"
                default:
                    guard scalar.value < 0x20 || scalar.value == 0x7F else { return String(scalar) }
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    return "\\x" + (hex.count < 2 ? "0" : "") + hex
                }
            }.joined() + "\""
    }
}
