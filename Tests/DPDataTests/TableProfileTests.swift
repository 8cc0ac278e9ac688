import DPRandomness
import Foundation
import Testing

@testable import DPData

/// A proposal reads its table as counts, not values: the counts must answer as the values did.
@Suite struct TableProfileTests {
    /// Every grid candidate's rank from the histogram equals the count of values below it, for
    /// values on grid points, between them, beyond the grid and not finite.
    @Test func histogramRanksAreTheValuesRanks() {
        let source = RandomSource.seeded(11)
        let grid = QuantileGrid.candidates
        var values: [Double] = [.infinity, -.infinity, .nan, 1e12, -1e12, 0, -0.0]
        for _ in 0..<5_000 {
            let point = grid[Int(source.uniform(below: UInt64(grid.count)))]
            values.append(
                source.uniform(below: 2) == 0 ? point : point * (1 + Double(source.uniform(below: 100)) / 1e3))
        }
        let histogram = NumberHistogram(values)
        let finite = values.filter(\.isFinite)
        #expect(histogram.count == finite.count)
        let ranks = histogram.ranks(below: grid)
        for (candidate, rank) in zip(grid, ranks) where rank != finite.filter({ $0 < candidate }).count {
            Issue.record("rank below \(candidate): \(rank), values below: \(finite.filter { $0 < candidate }.count)")
            break
        }
        let part = Array(grid[1000..<1200])
        #expect(histogram.ranks(below: part) == part.map { candidate in finite.filter { $0 < candidate }.count })
        #expect(histogram.binCounts.reduce(0, +) == finite.count)
    }

    /// A column of many distinct values keeps only as many as decide it is no category list,
    /// whatever its length, and is proposed as an identifier.
    @Test func aProfileKeepsFewDistinctValues() throws {
        let values = (0..<20_000).map { "id-\($0)" }
        let profile = TableProfile(header: ["id", "n"], columns: [values, values.indices.map { "\($0 % 7)" }])
        #expect(profile.columns[0].distinct.count == SchemaInference.maxCategories + 1)
        #expect(profile.columns[0].nonNumbers.count == 2)
        #expect(profile.rows == 20_000)
        let schema = try SchemaInference.propose(profile, name: "t")
        #expect(schema.columns[0].kind == .identifier)
        #expect(schema.columns[1].kind == .integer(lower: 0, upper: 6, binning: .equalWidth(count: 7)))
    }
}
