/// Where a YAML text uses an anchor (`&name`) or an alias (`*name`), which no schema or config
/// needs: an alias of nested aliases used as a mapping key makes the YAML library's duplicate-key
/// check expand it, ten times the work per level, so they are refused before the text is parsed.
///
/// A token counts where a node may begin: at a line's first non-blank character or after a
/// block indicator there (`- `, `? `), after `: `, and inside a flow collection after `[`, `{`,
/// `,`, `:` or `?`; quoted text (with `''` and `\"` inside) and comments are skipped. Plain text
/// elsewhere (`a - *b`) is no node start.
enum YAMLAliases {
    /// The line and column (from 1) of the first anchor or alias, or nil.
    static func first(in text: String) -> (line: Int, column: Int)? {
        let characters = Array(text)
        var (line, column) = (1, 0)
        var quote: Character?
        var inComment = false
        var flowDepth = 0
        // The last non-blank character outside quotes ("\n" at a line's start, or after only
        // block indicators), and whether the character just before was a blank or the line's start.
        var previous: Character = "\n"
        var afterBlank = true
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            if character == "\n" || character == "\r\n" || character == "\r" {
                (line, column, inComment, afterBlank) = (line + 1, 0, false, true)
                if quote == nil && flowDepth == 0 { previous = "\n" }
                continue
            }
            column += 1
            let blank = character == " " || character == "\t"
            defer { afterBlank = blank }
            if inComment { continue }
            if let open = quote {
                if open == "\"" && character == "\\" {
                    index += 1  // the escaped character
                    column += 1
                } else if character == open {
                    if open == "'" && index < characters.count && characters[index] == "'" {
                        index += 1  // '' is a quote inside single quotes
                        column += 1
                    } else {
                        (quote, previous) = (nil, character)
                    }
                }
                continue
            }
            if blank { continue }
            if character == "#" && afterBlank {
                inComment = true
                continue
            }
            let startsNode =
                previous == "\n" || (flowDepth > 0 && "[{,:?".contains(previous))
                || (previous == ":" && afterBlank)
            if startsNode && (character == "*" || character == "&") { return (line, column) }
            if startsNode && (character == "\"" || character == "'") { quote = character }
            if character == "[" || character == "{" { flowDepth += 1 }
            if (character == "]" || character == "}") && flowDepth > 0 { flowDepth -= 1 }
            // A block indicator at a line's start leaves the line's start for what follows it.
            let blockIndicator =
                previous == "\n" && flowDepth == 0 && (character == "-" || character == "?")
                && (index >= characters.count || characters[index] == " " || characters[index] == "\t")
            if !blockIndicator { previous = character }
        }
        return nil
    }
}
