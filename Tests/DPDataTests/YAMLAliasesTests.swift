import Foundation
import Testing

@testable import DPData

/// Anchors and aliases are refused before the YAML library reads a text: an alias bomb used as a
/// mapping key ran for minutes in its duplicate-key check (a helper's pass).
@Suite struct YAMLAliasesTests {
    @Test func anAliasBombIsRefusedAtOnce() throws {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...12 {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        text += "? *a12\n: 1\n"
        let started = Date()
        do {
            _ = try YAMLMapping.parse(text, file: "bomb.yaml", allowed: [], example: "")
            Issue.record("an alias bomb was read")
        } catch let error as DataError {
            #expect(error.line == 1 && error.description.contains("anchor or alias"), "\(error)")
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test(arguments: [
        ("a: *b\n", 1, 4), ("- &x 1\n", 1, 3), ("k: [1, *y]\n", 1, 8), ("k:\n  ? *z\n  : 1\n", 2, 5),
        ("k: {a: 1, b: &w 2}\n", 1, 14), ("{\"k\":&a [1]}\n", 1, 6), ("{\"k\":*a}\n", 1, 6),
        ("['x'' #', *a]\n", 1, 11), ("- - *q\n", 1, 5),
    ])
    func anchorsAndAliasesAreFound(text: String, line: Int, column: Int) {
        let found = YAMLAliases.first(in: text)
        #expect(found?.line == line && found?.column == column, "\(text): \(String(describing: found))")
    }

    /// An asterisk or ampersand inside quotes, comments or plain text is no alias.
    @Test(arguments: [
        "a: '*b'\n", "a: \"&b \\\" *c\"\n", "a: 1 # *b\n", "a: x*y\n", "a: x-*y\n", "a: b&c\n", "a: 'it''s *x'\n",
        "categories: [\"*\", '&']\n", "a: \"two\n  *lines\"\n", "k: a - *b\n", "j: x ? *y\n",
    ])
    func otherAsterisksAreNotAliases(text: String) {
        #expect(YAMLAliases.first(in: text) == nil, "\(text)")
    }

    /// A schema whose categories start with those characters is written quoted and reads back.
    @Test func aWrittenSchemaReadsBack() throws {
        let schema = Schema(name: "s", columns: [Column(name: "*a", kind: .categorical(["*", "&b", "c"]))])
        let yaml = SchemaWriter.yaml(schema)
        #expect(YAMLAliases.first(in: yaml) == nil, "\(yaml)")
        #expect(try SchemaLoader.parse(yaml, file: "s.yaml").columns.first?.name == "*a")
    }
}
