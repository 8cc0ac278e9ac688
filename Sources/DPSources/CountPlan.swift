/// How the database counts a list of marginals. Many sets that fit in one small superset (a
/// block) are summed out of the block's counts: one scan of the table counts the block into a
/// temporary table, which is far smaller than the table when its rows share cells, and every
/// set inside it is then counted from that. The other sets are counted from the table directly
/// (`PivotPlan` says how, in both cases).
///
/// The plan reads only the schema's domain sizes, never the data.
struct CountPlan: Equatable {
    /// Columns counted together, and the indices of the sets counted from their counts.
    struct Block: Equatable {
        let columns: [Int]
        let sets: [Int]
    }

    var blocks: [Block] = []
    /// The indices of the sets counted from the table itself.
    var direct: [Int] = []

    /// The most cells a block may have: its count table is at most this many rows, whatever
    /// the table's size.
    static let blockCells = 1 << 22
    /// The fewest sets a block completes: a block costs a scan of the table and a table written,
    /// and the sets of one grouping key share a scan anyway (`PivotPlan`), so only a block of
    /// many sets over few cells pays for itself.
    static let setsPerBlock = 20
    /// Beyond this many sets the plan's greedy search costs more than it saves.
    static let plannedSets = 4096

    /// Every set counted directly.
    init(direct: Range<Int>) { self.direct = Array(direct) }

    /// Blocks are grown greedily from the set with the fewest cells not yet covered: each step
    /// adds the column that completes the most uncovered sets (the smaller domain on a tie),
    /// while the block has at most `blockCells` cells and the column completes at least one.
    /// A block completing fewer than `setsPerBlock` sets is no block: its sets are counted directly.
    init(
        sets: [[Int]], domain: [Int], blockCells: Int = CountPlan.blockCells,
        setsPerBlock: Int = CountPlan.setsPerBlock
    ) {
        guard sets.count > 1, sets.count <= Self.plannedSets else {
            direct = Array(sets.indices)
            return
        }
        func cells(_ columns: some Sequence<Int>) -> Double { columns.reduce(1.0) { $0 * Double(domain[$1]) } }
        let members = sets.map(Set.init)
        var covered = [Bool](repeating: false, count: sets.count)
        let order = sets.indices.sorted { (cells(sets[$0]), $0) < (cells(sets[$1]), $1) }
        for seed in order where !covered[seed] {
            var block = members[seed]
            while true {
                // A set outside the block that one more column completes votes for that column.
                var votes: [Int: Int] = [:]
                for index in sets.indices where !covered[index] {
                    let missing = members[index].subtracting(block)
                    if missing.count == 1 { votes[missing.first!, default: 0] += 1 }
                }
                let size = cells(block)
                let best = votes.filter { size * Double(domain[$0.key]) <= Double(blockCells) }
                    .max { ($0.value, -domain[$0.key], -$0.key) < ($1.value, -domain[$1.key], -$1.key) }
                guard let best else { break }
                block.insert(best.key)
            }
            let inside = sets.indices.filter { !covered[$0] && members[$0].isSubset(of: block) }
            for index in inside { covered[index] = true }
            if inside.count >= setsPerBlock {
                blocks.append(Block(columns: block.sorted(), sets: inside))
            } else {
                direct += inside
            }
        }
        direct.sort()
    }
}
