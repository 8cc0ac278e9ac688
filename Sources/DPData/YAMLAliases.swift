/// Where a YAML text uses an anchor (`&name`) or an alias (`*name`), which no schema or config
/// needs: an alias of nested aliases used as a mapping key makes the YAML library's duplicate-key
/// check expand it, ten times the work per level (a file of 400 bytes ran for minutes), so they
/// are refused before the text is parsed.
///
/// A token counts where a node may begin: at a line's first non-blank character, after `[`, `{`
/// or `,`, or after `:`, `-` or `?` and a blank; quoted text and comments are skipped.
enum YAMLAliases {
    /// The line and column (from 1) of the first anchor or alias, or nil.
    static func first(in text: String) -> (line: Int, column: Int)? {
        var (line, column) = (1, 0)
        var quote: Character?
        var escaped = false
        var inComment = false
        // The last non-blank character of the line outside quotes ("\n" at its start), and
        // whether the character just before was a blank or the line's start.
        var previous: Character = "\n"
        var afterBlank = true
        for character in text {
            if character == "\n" || character == "\r\n" || character == "\r" {
                (line, column, inComment, afterBlank) = (line + 1, 0, false, true)
                if quote == nil { previous = "\n" }
                continue
            }
            column += 1
            let blank = character == " " || character == "\t"
            defer { afterBlank = blank }
            if inComment { continue }
            if let open = quote {
                if escaped {
                    escaped = false
                } else if open == "\"" && character == "\\" {
                    escaped = true
                } else if character == open {
                    (quote, previous) = (nil, character)
                }
                continue
            }
            if blank { continue }
            if character == "#" && afterBlank {
                inComment = true
                continue
            }
            let startsNode = previous == "\n" || "[{,".contains(previous) || (":-?".contains(previous) && afterBlank)
            if startsNode && (character == "*" || character == "&") { return (line, column) }
            if startsNode && (character == "\"" || character == "'") { quote = character }
            previous = character
        }
        return nil
    }
}
