import Dispatch
import Foundation

/// The model's exact counts over attribute sets, for those where computing them costs no more
/// than the counting on a model sample they replace: sets inside a clique (always); sets inside
/// a clique once one attribute is set aside (`ConditionalMarginals`), grouped by that attribute,
/// when a group's passes over the model cost no more than counting its sets; sets eliminated
/// across cliques (`EliminationPlan`) when the plan's cells, weighted by
/// `eliminationWorkPerCell`, are no more than the rows the set would be counted on. Both AIM's
/// candidate scores and the sample refinement's targets are answered here, so the rule for when
/// an exact answer is worth it is one rule.
///
/// Post-processing of the model only: nothing here touches private data.
struct ExactMarginals {
    let model: CalibratedModel
    var marginals: [Factor] { model.marginals }
    private let conditional: ConditionalMarginals
    /// The most result cells one exact pass computes at once.
    static let exactCellLimit = 1 << 22

    /// The work of one cell of an elimination's tables (a product of a few factors and a sum,
    /// with its share of setting up each table) as a multiple of counting one row of a model
    /// sample into a set's table: a few times, rounded up, so that elimination is chosen only
    /// where it clearly costs no more.
    static let eliminationWorkPerCell = 4

    init(model: CalibratedModel) {
        self.model = model
        conditional = ConditionalMarginals(tree: model.tree, marginals: model.marginals)
    }

    /// The sets' exact answers, by `body(position, counts)`, where they cost no more than
    /// counting each set on `rows(position)` sample rows. Returns the positions left to count,
    /// ascending, and the attributes whose groups were answered (for `answer(_:grouped:rows:)`).
    func answer(
        _ sets: [[Int]], rows: (Int) -> Int, body: (Int, [Double]) -> Void
    ) -> (left: [Int], grouped: Set<Int>) {
        var groups: [Int: [(position: Int, clique: Int)]] = [:]
        var left: [Int] = []
        for (position, set) in sets.enumerated() {
            if let clique = model.tree.clique(containing: set) {
                body(position, marginals[clique].summed(to: set).values)
            } else if let split = conditional.split(set) {
                groups[split.attribute, default: []].append((position, split.clique))
            } else {
                left.append(position)
            }
        }
        var grouped: Set<Int> = []
        for attribute in groups.keys.sorted() {
            let members = groups[attribute]!
            let passes =
                model.tree.domain[attribute]
                * conditional.passCells(attribute: attribute, targets: members.map(\.clique))
            guard passes <= members.reduce(0, { $0 + rows($1.position) }) else {
                left += members.map(\.position)
                continue
            }
            grouped.insert(attribute)
            var start = 0
            while start < members.count {
                var end = start
                var cells = 0
                while end < members.count && (end == start || cells < Self.exactCellLimit) {
                    cells += self.cells(sets[members[end].position])
                    end += 1
                }
                let chunk = members[start..<end]
                let answers = conditional.marginals(
                    setting: attribute, sets: chunk.map { (sets[$0.position], $0.clique) })
                for (member, answer) in zip(chunk, answers) { body(member.position, answer) }
                start = end
            }
        }
        let eliminated = left.compactMap { position in
            elimination(sets[position], rows: rows(position)).map { (position, $0) }
        }
        if !eliminated.isEmpty {
            for ((position, _), answer) in zip(eliminated, eliminatedMarginals(eliminated.map(\.1))) {
                body(position, answer)
            }
            let answered = Set(eliminated.map(\.0))
            left.removeAll { answered.contains($0) }
        }
        return (left.sorted(), grouped)
    }

    /// One set's exact answer the way `answer(_:rows:body:)` gave it (`grouped` as it
    /// returned), or nil when it was left to count.
    func answer(_ set: [Int], grouped: Set<Int>, rows: Int) -> [Double]? {
        if let clique = model.tree.clique(containing: set) { return marginals[clique].summed(to: set).values }
        if let split = conditional.split(set), grouped.contains(split.attribute) {
            return conditional.marginals(setting: split.attribute, sets: [(set, split.clique)])[0]
        }
        return elimination(set, rows: rows)?.marginal(of: marginals, tree: model.tree).values
    }

    /// How a set is eliminated exactly, when that costs no more than counting it on `rows`.
    private func elimination(_ set: [Int], rows: Int) -> EliminationPlan? {
        let plan = EliminationPlan(target: set, tree: model.tree)
        let (work, overflow) = plan.cells.multipliedReportingOverflow(by: Self.eliminationWorkPerCell)
        return !overflow && work <= rows ? plan : nil
    }

    /// The model's marginals by the plans, spread over the cores.
    private func eliminatedMarginals(_ plans: [EliminationPlan]) -> [[Double]] {
        let results = UnsafeMutableBufferPointer<[Double]>.allocate(capacity: plans.count)
        results.initialize(repeating: [])
        defer {
            _ = results.deinitialize()
            results.deallocate()
        }
        nonisolated(unsafe) let shared = results
        let (tree, marginals) = (model.tree, self.marginals)
        let threads = max(1, min(ProcessInfo.processInfo.activeProcessorCount, plans.count))
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in stride(from: thread, to: plans.count, by: threads) {
                shared[index] = plans[index].marginal(of: marginals, tree: tree).values
            }
        }
        return Array(results)
    }

    /// The cells of a table over `set`.
    private func cells(_ set: [Int]) -> Int { set.reduce(1) { $0 * model.tree.domain[$1] } }
}
