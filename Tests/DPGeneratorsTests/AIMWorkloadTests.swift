import DPData
import DPGenerators
import Testing

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
