import DPTestSupport
import Foundation
import Testing

@testable import DPData

/// Every kind of bad input gets its own specific error with file, line and column.
@Suite struct MalformedInputTests {
    static let schemaText = """
        columns:
          - {name: age, kind: integer, lower: 0, upper: 120}
          - {name: colour, kind: categorical, categories: [red, green, "blue, dark"], missing: error}
          - {name: score, kind: real, lower: 0, upper: 1, bins: 4}
        """

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let bytes: [UInt8]
        let problem: String
        let line: Int?
        let column: Int?
        var testDescription: String { label }

        init(_ label: String, _ text: String, _ problem: String, line: Int? = nil, column: Int? = nil) {
            self.init(label, Array(text.utf8), problem, line: line, column: column)
        }

        init(_ label: String, _ bytes: [UInt8], _ problem: String, line: Int? = nil, column: Int? = nil) {
            self.label = label
            self.bytes = bytes
            self.problem = problem
            self.line = line
            self.column = column
        }
    }

    static let header = "age,colour,score\n"
    static let cases: [Case] = [
        Case("unterminated quote", header + "30,\"red,0.5\n", "never closed", line: 2, column: 2),
        // The column is the first field missing, or the first one too many.
        Case("ragged row", header + "30,red,0.5\n31,red\n", "expected 3 fields, found 2", line: 3, column: 3),
        Case("long row", header + "30,red,0.5,9\n", "expected 3 fields, found 4", line: 2, column: 4),
        Case("wrong type", header + "thirty,red,0.5\n", "not a whole number", line: 2, column: 1),
        Case("NaN", header + "30,red,NaN\n", "is not allowed", line: 2, column: 3),
        Case("infinity", header + "30,red,inf\n", "is not allowed", line: 2, column: 3),
        Case("empty file", "", "the file is empty"),
        Case("header only", header, "no data rows"),
        Case("duplicate column names", "age,age,score\n1,2,3\n", "duplicate column name", line: 1, column: 2),
        Case("unknown category", header + "30,purple,0.5\n", "does not declare", line: 2, column: 2),
        Case(
            "invalid UTF-8", Array(header.utf8) + [0x33, 0x30, 0x2C, 0xFF, 0xFE, 0x2C, 0x30, 0x0A], "not valid UTF-8",
            line: 2, column: 2),
        Case("out of bounds", header + "130,red,0.5\n", "outside the declared bounds", line: 2, column: 1),
        Case(
            "quote inside unquoted field", header + "30,re\"d,0.5\n", "double quote inside an unquoted field", line: 2,
            column: 2),
        Case(
            "text after closing quote", header + "30,\"red\"x,0.5\n", "text after a closing quote", line: 2, column: 2),
        Case("undeclared column", "age,colour,score,extra\n1,red,0.5,9\n", "does not declare", line: 1, column: 4),
        // A file without its header: the first row stands where the names should, and is not shown.
        Case("no header", "37,Alice Smith,0.5\n1,red,0.5\n", "does not declare", line: 1, column: 1),
        // Two equal private values where the names should be: the refusal is of the first, not a
        // duplicate (which told that the two values are equal).
        Case("no header, equal values", "Alice,Alice,0.5\n1,red,0.5\n", "does not declare", line: 1, column: 1),
        Case("missing schema column", "age,score\n1,0.5\n", "missing from the header", line: 1),
        Case("missing where forbidden", header + "30,,0.5\n", "missing value", line: 2, column: 2),
        // A ledger given as the data: named as a database, not as a malformed table.
        Case("a ledger", Array("SQLite format 3\0".utf8) + [0x10, 0x00, 0x22, 0x0A], "is an SQLite database"),
        Case(
            "error after embedded newline", header + "30,\"blue, dark\",0.5\n31,\"re\nd\",0.5\n", "does not declare",
            line: 3, column: 2),
    ]

    @Test(arguments: cases)
    func eachMalformedInputHasItsOwnError(_ testCase: Case) throws {
        let folder = try CommandRunner.temporaryDirectory()
        let path = folder.appendingPathComponent("input.csv").path
        try Data(testCase.bytes).write(to: URL(fileURLWithPath: path))
        let schema = try SchemaLoader.parse(Self.schemaText)
        do {
            _ = try DatasetLoader.load(csv: path, schema: schema)
            Issue.record("\(testCase.label) was accepted")
        } catch let error as DataError {
            #expect(error.description.contains(testCase.problem), "\(testCase.label): \(error)")
            #expect(error.file == path)
            if let line = testCase.line { #expect(error.line == line, "\(testCase.label): \(error)") }
            // What a data row holds is the custodian's to know: the error says it is confidential.
            if let line = testCase.line, line > 1 {
                #expect(error.description.contains(DataError.privateRowsLabel), "\(testCase.label): \(error)")
            }
            if let column = testCase.column { #expect(error.column == column, "\(testCase.label): \(error)") }
            #expect(!error.hint.isEmpty)
            #expect(!error.description.contains("Alice") && !error.description.contains("'37'"), "\(error)")
        }
    }

    /// That a file has no data rows is a fact about the private rows: the error says so.
    @Test func aFileWithoutRowsSaysItIsConfidential() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("a.csv").path
        try Self.header.write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try DatasetLoader.load(csv: path, schema: try SchemaLoader.parse(Self.schemaText))
        } throws: { error in
            "\(error)".contains("no data rows") && "\(error)".contains(DataError.privateRowsLabel)
        }
    }

    @Test func clampingIsOptInAndNeverDropsRows() throws {
        let schema = try SchemaLoader.parse(
            """
            columns:
              - {name: age, kind: integer, lower: 0, upper: 120, bins: 121, out_of_domain: clamp}
            """)
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("a.csv").path
        try "age\n130\n-4\n50\n".write(toFile: path, atomically: true, encoding: .utf8)
        let data = try DatasetLoader.load(csv: path, schema: schema)
        #expect(data.rowCount == 3)
        #expect(data.codes[0] == [120, 0, 50])
        // Whole numbers beyond 64 bits clamp by their sign too (they were "not a whole number"),
        // and without clamping are out of bounds, not "NaN or infinity". Found by a hostile pass.
        let huge = String(repeating: "9", count: 400)
        try "age\n\(huge)\n-\(huge).0\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try DatasetLoader.load(csv: path, schema: schema).codes[0] == [120, 0])
        let strict = try SchemaLoader.parse(
            "columns:\n  - {name: age, kind: integer, lower: 0, upper: 120, bins: 121}\n")
        do {
            _ = try DatasetLoader.load(csv: path, schema: strict)
            Issue.record("a 400-digit age was accepted")
        } catch let error as DataError {
            #expect(error.description.contains("outside the declared bounds") && error.line == 2, "\(error)")
            #expect(!error.description.contains(huge))
        }
        // A real column too: a decimal beyond a double's range clamps by its sign (it was called
        // NaN or infinity).
        let real = try SchemaLoader.parse(
            "columns:\n  - {name: x, kind: real, lower: 0, upper: 10, bins: 5, out_of_domain: clamp}\n")
        try "x\n\(huge)\n1e400\n-1e400\n5\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try DatasetLoader.load(csv: path, schema: real).codes[0] == [4, 4, 0, 2])
    }

    static let badSchemas: [(String, String)] = [
        ("columns: [", "invalid YAML"),
        ("name: a\nname: b\ncolumns: []", "the same key twice"),
        ("name: x", "no 'columns:'"),
        ("columns:\n  - {name: a, kind: integr}", "unknown kind 'integr'"),
        ("columns:\n  - {name: a, kind: integer, lower: 0}", "needs public 'lower' and 'upper'"),
        (
            "columns:\n  - {name: a, kind: categorical, categories: [x]}\n  - {name: a, kind: coded, levels: 2}",
            "duplicate column name"
        ),
        ("columns:\n  - {name: a, kind: categorical, categories: [x, x]}", "lists a category twice"),
        ("columns:\n  - {name: a, kind: real, lower: 0, upper: 1, edges: [0.5, 1]}", "must cover"),
        ("columns:\n  - {name: a, kind: coded, levels: 2, colour: red}", "unknown key 'colour'"),
        ("columns:\n  - {name: a, kind: identifier}", "every column is an identifier"),
        ("target: b\ncolumns:\n  - {name: a, kind: coded, levels: 2}", "target 'b'"),
        // A NUL matches no value, and a database statement's text would end at it.
        ("columns:\n  - {name: a, kind: categorical, categories: [x, \"z\\0z\"]}", "holds a NUL character"),
        ("columns:\n  - {name: a, kind: coded, levels: 2, missing_values: [\"\\0\"]}", "holds a NUL character"),
        ("columns:\n  - {name: \"a\\0b\", kind: coded, levels: 2}", "holds a NUL character"),
        // Numbers in decimal notation only (`DecimalText`): Swift read 0x10 as 16, and 010 is
        // octal 8 to a YAML 1.1 reader.
        ("columns:\n  - {name: a, kind: coded, levels: 0x10}", "whole number"),
        ("columns:\n  - {name: a, kind: coded, levels: 010}", "whole number"),
        ("columns:\n  - {name: a, kind: real, lower: 0x0, upper: 1}", "finite number"),
    ]

    @Test(arguments: badSchemas)
    func badSchemasAreExplained(text: String, problem: String) {
        do {
            _ = try SchemaLoader.parse(text, file: "s.yaml")
            Issue.record("accepted: \(text)")
        } catch let error as DataError {
            #expect(error.description.contains(problem), "\(error)")
            #expect(error.description.hasPrefix("s.yaml"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func schemaErrorsCarryTheLine() throws {
        do {
            _ = try SchemaLoader.parse(
                "columns:\n  - name: a\n    kind: coded\n    levels: 2\n  - name: b\n    kind: nope\n", file: "s.yaml")
        } catch let error as DataError {
            #expect(error.line == 6)
        }
    }
}

/// Numbers the CSV reader reads as the database does: decimal only, clamped in integers.
@Suite struct NumberGrammarTests {
    func codes(_ values: [String], column: String) throws -> [UInt16] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("grammar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.csv").path
        try ("v\n" + values.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let schema = try SchemaLoader.parse("name: g\ncolumns:\n  - \(column)\n")
        return try DatasetLoader.load(csv: path, schema: schema).codes[0]
    }

    @Test func hexadecimalAndLongExponentsAreNotNumbers() throws {
        let real = "{name: v, kind: real, lower: 0, upper: 10, bins: 2, out_of_domain: clamp}"
        #expect(try codes(["1.5", "5.", ".5", "9e0", "1e-4"], column: real) == [0, 1, 0, 1, 0])
        for text in ["0x1p3", "1e00001", ".", "1e", "+-1", "0x10"] {
            #expect(throws: DataError.self, "\(text)") { try codes([text], column: real) }
        }
    }

    /// Beyond 2^53 a double rounds, and Int(2^63) traps: clamping is done in integers.
    @Test func integersBeyondDoublePrecisionClampExactly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clamp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("t.csv").path
        try "v\n9223372036854775807\n-9223372036854775807\n9223372036854775806\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let schema = Schema(
            name: "g",
            columns: [
                Column(
                    name: "v", kind: .integer(lower: Int.max - 300, upper: Int.max - 1, binning: .equalWidth(count: 3)),
                    outOfDomain: .clamp)
            ])
        #expect(try DatasetLoader.load(csv: path, schema: schema).codes[0] == [2, 0, 2])
    }
}
