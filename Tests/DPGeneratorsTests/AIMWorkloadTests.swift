import DPData
import Testing

@testable import DPGenerators

/// AIM's default workload comes from the public schema alone: every 3-way set on tables of up to
/// 24 columns, and on wider tables every 2-way set plus a fixed-size sample of 3-way sets that
/// depends only on the column names.
@Suite struct AIMWorkloadTests {
    static func columns(_ count: Int, prefix: String = "c") -> [Column] {
        (0..<count).map { Column(name: "\(prefix)\($0)", kind: .coded(levels: 3), missing: .error) }
    }

    @Test func narrowTablesKeepEveryTriple() {
        let codes = (0..<14).map { _ in [UInt16](repeating: 0, count: 1) }
        let table = EncodedDataset(schema: Schema(name: "t", columns: Self.columns(14)), codes: codes)
        #expect(AIM.defaultWorkload(columns: Self.columns(14)) == table.columnSets(size: 3))
        #expect(AIM.defaultWorkload(columns: Self.columns(24)).count == 2024)
        #expect(AIM.defaultWorkload(columns: Self.columns(2)) == [[0, 1]])
    }

    @Test func wideTablesGetPairsAndASampleOfTriplesFixedByTheSchema() {
        let workload = AIM.defaultWorkload(columns: Self.columns(100))
        let pairs = workload.filter { $0.count == 2 }
        let triples = workload.filter { $0.count == 3 }
        #expect(pairs.count == 4950 && triples.count == AIM.defaultTripleLimit)
        #expect(Set(triples).count == triples.count && triples.allSatisfy { $0 == $0.sorted() && $0.last! < 100 })
        #expect(AIM.defaultWorkload(columns: Self.columns(100)) == workload, "one schema, one workload")
        #expect(AIM.defaultWorkload(columns: Self.columns(100, prefix: "x")) != workload)
    }
}

/// A workload AIM cannot count within memory is refused before anything is counted or charged:
/// a set of 14 Adult-like columns crashed in its first allocation, and 4 columns of 65,535 levels
/// under the default workload too (found by a hostile pass).
@Suite struct AIMCandidateLimitTests {
    @Test func aWorkloadBeyondTheLimitsIsRefused() throws {
        let wide = [Int](repeating: 100, count: 14)
        #expect(throws: GeneratorError.self) { try AIM.checkedCandidates(workload: [Array(0..<14)], domain: wide) }
        let huge = [Int](repeating: 65_535, count: 4)
        #expect(throws: GeneratorError.self) {
            try AIM.checkedCandidates(workload: [[0, 1, 2], [1, 2, 3]], domain: huge)
        }
        #expect(throws: GeneratorError.self) {
            try AIM.checkedCandidates(workload: [Array(0..<21)], domain: [Int](repeating: 2, count: 21))
        }
        // Adult's default workload (every triple of 14 columns) stays well inside.
        let adult = [85, 9, 100, 16, 16, 7, 15, 6, 5, 2, 100, 100, 99, 42]
        let triples = AIMWorkloadTests.columns(14).indices.flatMap { a in
            (a + 1..<14).flatMap { b in (b + 1..<14).map { [a, b, $0] } }
        }
        #expect(try AIM.checkedCandidates(workload: triples, domain: adult).count == 469)
    }
}
