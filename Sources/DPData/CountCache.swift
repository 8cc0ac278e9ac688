/// Marginals counted so far, by attribute set, and the rule that spares a count: a set inside
/// a counted (or wanted) larger set is summed out of that set's table, which gives exactly the
/// numbers counting it would.
///
/// Privacy: holds exact private counts, like the tables it was given.
public struct CountCache: Sendable {
    private var tables: [[Int]: ContingencyTable] = [:]

    public init() {}

    /// The sets of `wanted` to count: each once, leaving out the ones already counted and the
    /// ones inside another wanted or counted set.
    public func toCount(_ wanted: [[Int]]) -> [[Int]] {
        var unique: [[Int]] = []
        var seen: Set<[Int]> = []
        for set in wanted where tables[set] == nil && seen.insert(set).inserted { unique.append(set) }
        let covers = unique.map { Set($0) } + tables.keys.map { Set($0) }
        return unique.filter { set in
            let columns = Set(set)
            return !covers.contains { $0.count > columns.count && columns.isSubset(of: $0) }
        }
    }

    /// Keeps `tables`, counted for `sets`.
    public mutating func store(_ sets: [[Int]], _ tables: [ContingencyTable]) {
        for (set, table) in zip(sets, tables) { self.tables[set] = table }
    }

    /// The table of every set of `wanted`, once `toCount(wanted)` is stored: its own, or summed
    /// out of the smallest counted set that holds it.
    public mutating func answers(_ wanted: [[Int]]) -> [ContingencyTable] {
        for set in wanted where tables[set] == nil {
            let columns = Set(set)
            let superset = tables.values.filter { columns.isSubset(of: Set($0.attributes)) }.min {
                $0.count < $1.count
            }!
            tables[set] = superset.projected(onto: set)
        }
        return wanted.map { tables[$0]! }
    }

    /// Forgets every table.
    public mutating func removeAll() { tables = [:] }
}
