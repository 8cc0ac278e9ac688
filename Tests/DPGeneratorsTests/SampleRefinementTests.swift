import DPData
import DPRandomness
import Foundation
import Testing

@testable import DPGenerators

@Suite struct SampleRefinementTests {
    static let domain = [4, 3, 5, 4, 3, 4]

    func chainModel(cliques: [[Int]], seed: UInt64) -> GraphicalModel {
        var model = GraphicalModel(tree: JunctionTree(domain: Self.domain, cliques: cliques), total: 1)
        let source = RandomSource.seeded(seed)
        for index in model.potentials.indices {
            for cell in model.potentials[index].values.indices {
                model.potentials[index].values[cell] = 3 * ModelSampler.uniform(source) - 1.5
            }
        }
        return model
    }

    /// Σ over every 3-attribute set and cell of |sample count - model count|, the model's counts exact.
    func threeWayDistance(_ codes: [[UInt16]], model: GraphicalModel) -> Double {
        let schema = Schema(
            name: "m",
            columns: Self.domain.enumerated().map {
                Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
            })
        let table = EncodedDataset(schema: schema, codes: codes)
        let marginals = model.cliqueMarginals()
        let rows = Double(codes[0].count)
        return table.columnSets(size: 3).reduce(0.0) { sum, set in
            let expected = model.anyMarginal(set, cliqueMarginals: marginals).values.map { $0 / model.total * rows }
            return sum + zip(table.marginal(set).values, expected).map { abs($0 - $1) }.reduce(0, +)
        }
    }

    /// The target sets' layout as `refine` builds it.
    func layout(_ sets: [[Int]]) -> (offsets: [Int], strides: [[Int]], cells: Int) {
        var offsets: [Int] = []
        var strides: [[Int]] = []
        var cells = 0
        for set in sets {
            offsets.append(cells)
            strides.append(set.indices.map { position in set[(position + 1)...].reduce(1) { $0 * Self.domain[$1] } })
            cells += set.reduce(1) { $0 * Self.domain[$1] }
        }
        return (offsets, strides, cells)
    }

    @Test func targetsTheModelAnswersCheaplyAreItsExactCounts() {
        let model = chainModel(cliques: [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]], seed: 4)
        let codes = ModelSampler.sample(model.calibrated(), rows: 2000, source: .seeded(5))
        let refinement = SampleRefinement()
        let sets = refinement.targetSets(domain: Self.domain, size: 3) { model.tree.clique(containing: $0) != nil }
        let (offsets, strides, cells) = layout(sets)
        let (residual, counted) = refinement.residual(
            codes, model: model.calibrated(), sets: sets, offsets: offsets, strides: strides, cells: cells,
            source: .seeded(6))
        // A small model answers every target exactly: no reference sample is drawn.
        #expect(counted.isEmpty)
        let table = EncodedDataset(
            schema: Schema(
                name: "m",
                columns: Self.domain.enumerated().map {
                    Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
                }), codes: codes)
        let marginals = model.cliqueMarginals()
        for (index, set) in sets.enumerated() {
            let expected = model.anyMarginal(set, cliqueMarginals: marginals).values.map { $0 / model.total * 2000 }
            for (cell, count) in table.marginal(set).values.enumerated() {
                #expect(abs(Double(residual[offsets[index] + cell]) - (Double(count) - expected[cell])) < 1e-3)
            }
        }
        // On a sample of 10 rows a reference of 20 rows is cheaper than any elimination across
        // cliques: those targets are counted, and each set's residual still sums to zero; also
        // for a reference of 100 rows drawn in parts of 7 (counted whole: every row once).
        let few = ModelSampler.sample(model.calibrated(), rows: 10, source: .seeded(7))
        var parted = SampleRefinement(referenceFactor: 10)
        parted.referencePartRows = 7
        for refinement in [SampleRefinement(referenceFactor: 2), parted] {
            let small = refinement.residual(
                few, model: model.calibrated(), sets: sets, offsets: offsets, strides: strides, cells: cells,
                source: .seeded(8))
            #expect(!small.counted.isEmpty)
            for index in small.counted {
                let end = index + 1 < sets.count ? offsets[index + 1] : cells
                #expect(abs(small.residual[offsets[index]..<end].reduce(0, +)) < 1e-3)
            }
        }
    }

    /// The refined sample's 3-way tables are much closer to the model's than the drawn sample's (the
    /// drawn sample's distance across cliques is mostly row-to-row sampling noise, which the swaps
    /// remove), and every clique keeps exactly its counts. Seeded, so deterministic; the 0.75 factor
    /// leaves a wide margin over the improvement seen.
    @Test func refinementMovesThreeWayTablesTowardTheModelAndKeepsCliques() {
        let model = chainModel(cliques: [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]], seed: 9)
        let drawn = ModelSampler.sample(model.calibrated(), rows: 3000, source: .seeded(2))
        var refined = drawn
        SampleRefinement().refine(&refined, model: model.calibrated(), source: .seeded(3))
        let before = threeWayDistance(drawn, model: model)
        let after = threeWayDistance(refined, model: model)
        #expect(after < 0.75 * before, "3-way L1 distance \(before) before, \(after) after")
        let schema = Schema(
            name: "m",
            columns: Self.domain.enumerated().map {
                Column(name: "c\($0.offset)", kind: .coded(levels: $0.element), missing: .error)
            })
        for clique in model.tree.cliques {
            #expect(
                EncodedDataset(schema: schema, codes: drawn).marginal(clique).values
                    == EncodedDataset(schema: schema, codes: refined).marginal(clique).values)
        }
        #expect(drawn != refined)
    }

    /// A model without any clique of two attributes (the independent baseline) is left as drawn.
    @Test func independentModelsAreLeftAsDrawn() {
        let model = chainModel(cliques: Self.domain.indices.map { [$0] }, seed: 4)
        let drawn = ModelSampler.sample(model.calibrated(), rows: 500, source: .seeded(2))
        var refined = drawn
        SampleRefinement().refine(&refined, model: model.calibrated(), source: .seeded(3))
        #expect(refined == drawn)
    }

    /// Sets are taken in order, each only if its cells still fit under the cap: 60 + 48 + 36 cells.
    @Test func targetSetsSkipWhatNoLongerFitsUnderTheCellCap() {
        let sets = SampleRefinement(maximumCells: 150).targetSets(domain: Self.domain, size: 3)
        #expect(sets == [[0, 1, 2], [0, 1, 3], [0, 1, 4]])
        let excluded = SampleRefinement().targetSets(domain: Self.domain, size: 3) { $0.contains(0) }
        #expect(excluded.count == 10 && excluded.allSatisfy { !$0.contains(0) })
    }

    /// Samples above the row limit are left as drawn.
    @Test func largeSamplesAreLeftAsDrawn() {
        let model = chainModel(cliques: [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]], seed: 9)
        let drawn = ModelSampler.sample(model.calibrated(), rows: 600, source: .seeded(2))
        var refined = drawn
        SampleRefinement(maximumRows: 500).refine(&refined, model: model.calibrated(), source: .seeded(3))
        #expect(refined == drawn)
    }
}
