import DPData
import DPRandomness
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
/// under the default workload too (found by a hostile pass). Candidates no round could pick are
/// left out, not refused.
@Suite struct AIMCandidateLimitTests {
    @Test func aWorkloadBeyondTheLimitsIsRefused() throws {
        func checked(_ workload: [[Int]], _ domain: [Int]) throws -> Int {
            try AIM.checkedCandidates(workload: workload, domain: domain, sizeLimitMB: AIM.defaultMaxModelSizeMB).count
        }
        #expect(throws: GeneratorError.self) { try checked([Array(0..<17)], [Int](repeating: 2, count: 17)) }
        // 14 columns of 100 codes: every subset of 4 or more columns is too large to pick; the 469
        // of at most 3 columns are kept.
        #expect(try checked([Array(0..<14)], [Int](repeating: 100, count: 14)) == 469)
        // 4 columns of 65,535 codes: only the single columns can ever be picked.
        #expect(try checked([[0, 1, 2], [1, 2, 3]], [Int](repeating: 65_535, count: 4)) == 4)
        // Eleven columns of 100 codes, every triple (1.65e8 cells), as before.
        let triples = (0..<11).flatMap { a in (a + 1..<11).flatMap { b in (b + 1..<11).map { [a, b, $0] } } }
        #expect(try checked(triples, [Int](repeating: 100, count: 11)) == 231)
        // Adult's 15 columns, every triple.
        let adult = [85, 9, 100, 16, 16, 7, 15, 6, 5, 2, 100, 100, 99, 42, 2]
        let adultTriples = adult.indices.flatMap { a in
            (a + 1..<15).flatMap { b in (b + 1..<15).map { [a, b, $0] } }
        }
        #expect(try checked(adultTriples, adult) == 575)
    }

    /// A hostile workload of thousands of 16-column sets has about 2^28 subsets: it is refused as
    /// soon as more candidates than AIM counts are found, not after all are built (which would
    /// exhaust memory), here with a limit of 10,000.
    @Test(.timeLimit(.minutes(1))) func aWorkloadOfTooManyCandidatesIsRefusedWithoutBuildingThem() throws {
        let source = RandomSource.seeded(29)
        let workload = (0..<4000).map { _ in
            var set = Set<Int>()
            while set.count < 16 { set.insert(Int(source.uniform(below: 64))) }
            return set.sorted()
        }
        let limits = (setWidth: 16, count: 10_000, totalCells: 1 << 30)
        do {
            _ = try AIM.checkedCandidates(
                workload: workload, domain: [Int](repeating: 2, count: 64), sizeLimitMB: AIM.defaultMaxModelSizeMB,
                limits: limits)
            Issue.record("a workload of about 2^28 candidates was accepted")
        } catch let error as GeneratorError {
            #expect(error.description.contains("more than 10000 candidate marginals"), "\(error)")
        }
    }
}
