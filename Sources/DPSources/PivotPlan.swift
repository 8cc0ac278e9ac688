/// How one statement counts many marginals at the cost of few: a marginal's column of fewest
/// levels (its pivot) is counted by one filtered sum per level, `sum(n) FILTER (WHERE c = v)`,
/// and its other columns (its key) are grouped by. Every marginal whose key is the same shares
/// one grouping set, so a scan hashes each row once per key, not once per marginal; a filter
/// costs the database a comparison, a grouping set a hash lookup in a table that may not fit
/// in cache. A marginal none of whose columns has at most `pivotLevels` levels is a grouping set
/// of its own columns.
///
/// The plan reads only the sets and the schema's domain sizes, never the data.
struct PivotPlan: Equatable {
    /// A marginal counted by a key's grouping set: by the filters on `pivot`'s levels, or by the
    /// group's own count when the set is the key.
    struct Answer: Equatable {
        let set: Int
        let pivot: Int?
    }

    /// One grouping set (sorted columns) and the marginals it answers.
    struct Key: Equatable {
        let columns: [Int]
        var answers: [Answer]
    }

    /// One statement: grouping sets that share their filters (one per level of each pivot).
    struct Statement: Equatable {
        var keys: [Key]
        /// Sorted columns whose every level has a filtered sum.
        let pivots: [Int]
        /// The indices of the sets the statement counts, in order.
        var sets: [Int] { keys.flatMap { $0.answers.map(\.set) }.sorted() }
    }

    var statements: [Statement] = []

    /// The most levels of a pivot: a filter costs a comparison a row, a grouping set a hash
    /// lookup, and beyond this many levels the filters cost more than the set's own grouping set.
    static let pivotLevels = 32
    /// The most filters one statement computes (PostgreSQL returns at most 1,664 columns).
    static let filtersPerStatement = 1024
    /// The most grouping sets in one statement, and the most distinct columns they group by
    /// (PostgreSQL's GROUPING() takes at most 31 arguments).
    static let keysPerStatement = 128
    static let columnsPerStatement = 31

    /// Each set's pivot is its column of fewest levels (the later column on a tie) when that has
    /// at most `pivotLevels`; the key is the rest. Keys whose pivots are the same columns share a
    /// statement, within the limits above; a key whose pivots' levels exceed one statement's
    /// filters is counted in several.
    init(sets: [[Int]], domain: [Int]) {
        var pivotsOfKey: [[Int]: [Int?: [Answer]]] = [:]
        var keyOrder: [[Int]] = []
        for (index, set) in sets.enumerated() {
            let columns = Array(Set(set)).sorted()
            let pivot = columns.filter { domain[$0] <= Self.pivotLevels }.min { (domain[$0], -$0) < (domain[$1], -$1) }
            let key = columns.filter { $0 != pivot }
            if pivotsOfKey[key] == nil { keyOrder.append(key) }
            pivotsOfKey[key, default: [:]][pivot, default: []].append(Answer(set: index, pivot: pivot))
        }
        // A key's pivots, cut into parts of at most `filtersPerStatement` levels; the key's own
        // count (sets that are the key) goes with the first part.
        var parts: [(key: [Int], pivots: [Int], answers: [Answer])] = []
        for key in keyOrder {
            let byPivot = pivotsOfKey[key]!
            var pivots: [Int] = []
            var answers = byPivot[nil] ?? []
            var levels = 0
            for pivot in byPivot.keys.compactMap({ $0 }).sorted() {
                if !pivots.isEmpty && levels + domain[pivot] > Self.filtersPerStatement {
                    parts.append((key, pivots, answers))
                    (pivots, answers, levels) = ([], [], 0)
                }
                pivots.append(pivot)
                answers += byPivot[pivot]!
                levels += domain[pivot]
            }
            parts.append((key, pivots, answers))
        }
        var statementOfPivots: [[Int]: [Int]] = [:]
        for part in parts {
            let key = Key(columns: part.key, answers: part.answers)
            if let open = statementOfPivots[part.pivots]?.last,
                statements[open].keys.count < Self.keysPerStatement,
                Set(statements[open].keys.flatMap(\.columns)).union(part.key).count <= Self.columnsPerStatement
            {
                statements[open].keys.append(key)
            } else {
                statementOfPivots[part.pivots, default: []].append(statements.count)
                statements.append(Statement(keys: [key], pivots: part.pivots))
            }
        }
    }
}
