import Testing

@testable import DPSources

/// The statements that count marginals by grouping keys and filtered sums: every set is
/// answered once, by its own columns, within PostgreSQL's limits on one statement.
struct PivotPlanTests {
    static let adult = CountPlanTests.adult

    /// Checks `plan` against `sets`: each set answered exactly once, by a key and a pivot that
    /// are its columns, the pivot its column of fewest levels when that has at most
    /// `pivotLevels`; each statement within the limits.
    static func check(_ plan: PivotPlan, _ sets: [[Int]], domain: [Int]) {
        var answered = [Int](repeating: 0, count: sets.count)
        for statement in plan.statements {
            #expect(statement.keys.count <= PivotPlan.keysPerStatement)
            #expect(Set(statement.keys.flatMap(\.columns)).count <= PivotPlan.columnsPerStatement)
            #expect(statement.pivots.reduce(0) { $0 + domain[$1] } <= PivotPlan.filtersPerStatement)
            #expect(Set(statement.keys.map(\.columns)).count == statement.keys.count)
            for key in statement.keys {
                #expect(key.columns == key.columns.sorted())
                for answer in key.answers {
                    answered[answer.set] += 1
                    let columns = Set(sets[answer.set])
                    let fewest = columns.map { domain[$0] }.min() ?? 0
                    if let pivot = answer.pivot {
                        #expect(statement.pivots.contains(pivot))
                        #expect(Set(key.columns + [pivot]) == columns && !key.columns.contains(pivot))
                        #expect(domain[pivot] == fewest && fewest <= PivotPlan.pivotLevels)
                    } else {
                        #expect(Set(key.columns) == columns)
                        #expect(fewest > PivotPlan.pivotLevels || columns.isEmpty)
                    }
                }
            }
        }
        #expect(answered == [Int](repeating: 1, count: sets.count))
    }

    @Test func everySetIsAnsweredOnceByItsOwnColumns() {
        let sets = CountPlanTests.triples(14) + [[2, 0], [1], [0, 2, 9], [9, 2, 0], [], [2, 9]]
        let plan = PivotPlan(sets: sets, domain: Self.adult)
        Self.check(plan, sets, domain: Self.adult)
        // The point of the plan: far fewer grouping keys than sets, in fewer statements still.
        let keys = plan.statements.flatMap(\.keys)
        #expect(keys.count < sets.count / 3 && plan.statements.count < sets.count / 10)
    }

    /// A key whose pivots have more levels than one statement computes is counted in several.
    @Test func aKeyWhosePivotsExceedOneStatementIsSplit() {
        let domain = [Int](repeating: 30, count: 40)
        let sets = (1..<40).map { [0, $0] }
        let plan = PivotPlan(sets: sets, domain: domain)
        Self.check(plan, sets, domain: domain)
        #expect(plan.statements.count == 2 && plan.statements.allSatisfy { $0.keys.map(\.columns) == [[0]] })
    }

    /// Sets of many distinct columns are spread over statements that group by at most 31.
    @Test func keysOfManyColumnsAreSpreadOverStatements() {
        let domain = [Int](repeating: 2, count: 60)
        let sets = (0..<58).map { [$0, $0 + 1, 59] }
        let plan = PivotPlan(sets: sets, domain: domain)
        Self.check(plan, sets, domain: domain)
        #expect(plan.statements.count > 1)
    }
}
