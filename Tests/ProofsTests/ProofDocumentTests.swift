import Foundation
import Testing

/// Ties the privacy claims in Proofs/ to the code: a missing proof, a proof naming a symbol that
/// no longer exists, or a proof naming a test that does not exist fails here.
@Suite struct ProofDocumentTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct ProofDocument {
        let name: String
        let covers: [String]
        let tests: [String]
    }

    static func swiftSources(under folder: String) -> [String: String] {
        let base = root.appendingPathComponent(folder)
        var files: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            if url.pathExtension == "swift", let text = try? String(contentsOf: url, encoding: .utf8) {
                files[url.path] = text
            }
        }
        return files
    }

    static func backticked(_ line: Substring) -> [String] {
        line.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    static func documents() throws -> [ProofDocument] {
        let folder = root.appendingPathComponent("Proofs")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
            .map { name in
                let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
                let lines = text.split(separator: "\n")
                let covers = lines.first { $0.hasPrefix("Covers:") }.map(backticked) ?? []
                let tests = lines.first { $0.hasPrefix("Tests:") }.map(backticked) ?? []
                return ProofDocument(name: "Proofs/\(name)", covers: covers, tests: tests)
            }
    }

    static func declares(_ symbol: String, in sources: String) -> Bool {
        let pattern =
            "(struct|class|enum|protocol|actor|typealias|func|var|let|case)\\s+"
            + "\(NSRegularExpression.escapedPattern(for: symbol))\\b"
        return sources.range(of: pattern, options: .regularExpression) != nil
    }

    @Test func everyProofCoversExistingSymbolsAndTests() throws {
        let sources = Self.swiftSources(under: "Sources").values.joined(separator: "\n")
        let tests = Self.swiftSources(under: "Tests").values.joined(separator: "\n")
        let documents = try Self.documents()
        #expect(!documents.isEmpty)
        for document in documents {
            #expect(!document.covers.isEmpty, "\(document.name) has no Covers: line")
            #expect(!document.tests.isEmpty, "\(document.name) has no Tests: line")
            for symbol in document.covers {
                let parts = symbol.split(separator: ".").map(String.init)
                #expect(
                    parts.allSatisfy { Self.declares($0, in: sources) },
                    "\(document.name) covers `\(symbol)`, which Sources/ does not declare")
            }
            for test in document.tests {
                #expect(
                    tests.contains("func \(test)("),
                    "\(document.name) names test `\(test)`, which Tests/ does not define")
            }
        }
    }

    @Test func everyNamedProofExistsAndListsItsType() throws {
        let documents = try Self.documents()
        let byName = Dictionary(uniqueKeysWithValues: documents.map { ($0.name, $0) })
        var named = Set<String>()
        let declaration = try NSRegularExpression(
            pattern:
                "(?:struct|class|enum)\\s+(\\w+)[^{]*\\{\\s*(?:///[^\\n]*\\n\\s*)*public static let "
                + "proofDocument = \"(Proofs/[^\"]+)\""
        )
        for (path, text) in Self.swiftSources(under: "Sources") {
            let range = NSRange(text.startIndex..., in: text)
            for match in declaration.matches(in: text, range: range) {
                let type = String(text[Range(match.range(at: 1), in: text)!])
                let proof = String(text[Range(match.range(at: 2), in: text)!])
                named.insert(proof)
                let document = byName[proof]
                #expect(document != nil, "\(type) in \(path) names \(proof), which does not exist")
                #expect(document?.covers.contains(type) ?? false, "\(proof) does not list \(type) under Covers:")
            }
            for reference in text.matches(of: /Proofs\/[A-Za-z0-9_.-]+\.md/) {
                #expect(
                    byName[String(reference.output)] != nil,
                    "\(path) mentions \(reference.output), which does not exist")
            }
        }
        for document in documents {
            #expect(named.contains(document.name), "no type names \(document.name) as its proofDocument")
        }
    }
}
