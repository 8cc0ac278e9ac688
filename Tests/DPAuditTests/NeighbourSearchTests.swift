import DPData
import DPRandomness
import Testing

@testable import DPAudit

@Suite struct NeighbourSearchTests {
    static let schema = Schema(
        name: "mixed",
        columns: [
            Column(name: "colour", kind: .categorical(["red", "green", "blue"])),
            Column(name: "age", kind: .integer(lower: 0, upper: 99, binning: .equalWidth(count: 10))),
            Column(name: "level", kind: .coded(levels: 5), missing: .error),
            Column(name: "income", kind: .real(lower: 0, upper: 1, binning: .equalWidth(count: 4))),
        ])

    static func random(rows: Int, seed: UInt64) -> EncodedDataset {
        let source = RandomSource.seeded(seed)
        let domain = schema.encodedColumns.map(\.domainSize)
        return EncodedDataset(
            schema: schema,
            codes: domain.map { size in (0..<rows).map { _ in UInt16(source.uniform(below: UInt64(size))) } })
    }

    @Test func blockedSearchEqualsBruteForce() {
        let reference = Self.random(rows: 5000, seed: 1)
        let queries = Self.random(rows: 300, seed: 2)
        let distance = MixedTypeDistance(dataset: reference)
        let found = NearestNeighbours(reference: reference, distance: distance).nearest(queries, k: 3)
        for row in 0..<queries.rowCount {
            let brute = (0..<reference.rowCount).map {
                (index: $0, distance: distance.distance(queries, row, reference, $0))
            }
            .sorted { ($0.distance, $0.index) < ($1.distance, $1.index) }
            #expect(zip(found[row], brute.prefix(3)).allSatisfy { abs($0.distance - $1.distance) < 1e-5 })
            #expect(abs(distance.distance(queries, row, reference, found[row][0].index) - brute[0].distance) < 1e-5)
        }
    }

    @Test func distanceTreatsKindsAndMissingValues() {
        let distance = MixedTypeDistance(dataset: Self.random(rows: 1, seed: 3))
        let expected: [MixedTypeDistance.Treatment] = [
            .mismatch, .ordered(scale: Float(1) / 9), .mismatch, .ordered(scale: Float(1) / 3),
        ]
        #expect(distance.treatments == expected)
        let a = EncodedDataset(schema: Self.schema, codes: [[0], [0], [1], [4]])
        let b = EncodedDataset(schema: Self.schema, codes: [[1], [9], [1], [3]])
        // colour differs (1), ages at the two ends (1), same level (0), income missing against present (1).
        #expect(distance.distance(a, 0, b, 0) == 3)
        #expect(distance.distance(a, 0, a, 0) == 0)
    }

    @Test func kernelSumsWeighNearRowsMost() {
        let reference = Self.random(rows: 2000, seed: 4)
        let queries = reference.rows([0, 1, 2])
        let search = NearestNeighbours(reference: reference, distance: MixedTypeDistance(dataset: reference))
        let widths: [Float] = [0.5, 2]
        let sums = search.kernelSums(bandwidths: widths, of: queries)
        for (row, sum) in sums.enumerated() {
            for (position, width) in widths.enumerated() {
                var expected = 0.0
                for other in 0..<reference.rowCount {
                    let d = Double(search.distance.distance(queries, row, reference, other))
                    let weight = max(0, 1 - d / Double(width))
                    expected += weight * weight
                }
                #expect(abs(sum[position] - expected) < 1e-3 && sum[position] >= 1)
            }
        }
    }

    /// A fold over the rows within a radius visits exactly the rows a brute-force pass finds
    /// (ties at the radius included). Ordered columns hold codes times their scale, so two equal
    /// differences of different codes differ in a float's last places: the radii of 150
    /// neighbours on the ordered columns are fractions, and every row tied at one is visited.
    @Test func foldsVisitEveryTiedRow() {
        let reference = Self.random(rows: 3000, seed: 5)
        let queries = Self.random(rows: 40, seed: 6)
        for (columns, k) in [([0, 2], 1), ([1, 3], 2), ([1, 3], 150)] {
            let search = NearestNeighbours(
                reference: reference, distance: MixedTypeDistance(schema: reference.columns, compare: columns))
            let radii = search.kthDistances(queries, k: k)
            let within = search.foldWithin(queries, radii: radii, initial: [Int]()) { $0.append($1) }
            for row in 0..<queries.rowCount {
                // Distinct distances here differ by at least 1/9.
                let near = (0..<reference.rowCount).filter {
                    search.distance.distance(queries, row, reference, $0) <= radii[row] + 1e-3
                }
                #expect(within[row].sorted() == near && near.count >= k)
            }
        }
    }

    /// One ordered column of 85 levels: a code's two neighbours are one step away in exact terms,
    /// but code·scale rounds differently for each, so one of them comes out a float's last place
    /// further. Both are at the radius of the second nearest.
    @Test func foldsTreatEqualStepsAsOneDistance() {
        let schema = Schema(
            name: "steps",
            columns: [
                Column(
                    name: "age", kind: .integer(lower: 0, upper: 84, binning: .equalWidth(count: 85)), missing: .error)
            ])
        let reference = EncodedDataset(schema: schema, codes: [(0..<85).map(UInt16.init)])
        let queries = EncodedDataset(schema: schema, codes: [(1..<84).map(UInt16.init)])
        let search = NearestNeighbours(reference: reference, distance: MixedTypeDistance(dataset: reference))
        let within = search.foldWithin(queries, radii: search.kthDistances(queries, k: 2), initial: [Int]()) {
            $0.append($1)
        }
        for row in 0..<queries.rowCount {
            let code = row + 1
            #expect(within[row].sorted() == [code - 1, code, code + 1], "code \(code): \(within[row].sorted())")
        }
    }
}
