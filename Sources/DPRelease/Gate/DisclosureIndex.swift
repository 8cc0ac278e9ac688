import DPData

/// The fixed synthetic table, indexed so each gate check answers for one real row by lookups:
/// the set of synthetic rows, one set per column of the rows with that column blanked, and for
/// each secret the most common secret value per quasi-identifier key. Rows and keys are held as
/// 64-bit hashes (`RowHash`), so the index of ten million synthetic rows fits in a few GB; a
/// collision can only make a check answer yes for a row that has no copy, which each real row
/// still does at most once per check (the counts' sensitivity is unchanged).
///
/// Privacy: built from the synthetic table alone (a DP output); it reads no real row.
struct DisclosureIndex {
    let checks: [GateCheck]
    let quasiIdentifiers: [Int]
    private let width: Int
    private let rows: Set<UInt64>
    private let blanked: [Set<UInt64>]
    /// For each secret: the columns its rows are matched on, and the most common secret value per
    /// key of those columns (by the key's hash).
    private let predictions: [Int: (key: [Int], values: [UInt64: UInt16])]

    init(synthetic: EncodedDataset, checks: [GateCheck], quasiIdentifiers: [Int]) {
        self.checks = checks
        self.quasiIdentifiers = quasiIdentifiers
        width = synthetic.columns.count
        let count = synthetic.rowCount
        let codes = synthetic.codes
        var rows = Set<UInt64>(minimumCapacity: count)
        for index in 0..<count { rows.insert(RowHash.of(codes, row: index, blanking: nil)) }
        self.rows = rows
        blanked =
            checks.contains(.nearCopy)
            ? (0..<width).map { column in
                var set = Set<UInt64>(minimumCapacity: count)
                for index in 0..<count { set.insert(RowHash.of(codes, row: index, blanking: column)) }
                return set
            } : []
        var predictions: [Int: (key: [Int], values: [UInt64: UInt16])] = [:]
        for case .attributeDisclosure(let secret, _) in checks {
            let key = Self.keyColumns(secret: secret, quasiIdentifiers: quasiIdentifiers, width: width)
            // How often each (key, secret value) occurs, then the most common value per key: the
            // lowest code among equals, so the answer is a function of the table.
            let keys = (0..<count).map { RowHash.of(codes, row: $0, columns: key) }
            var tallies: [UInt64: Int] = [:]
            for index in 0..<count { tallies[RowHash.pair(keys[index], codes[secret][index]), default: 0] += 1 }
            var best: [UInt64: (value: UInt16, count: Int)] = [:]
            for index in 0..<count {
                let value = codes[secret][index]
                let tally = tallies[RowHash.pair(keys[index], value)]!
                if let current = best[keys[index]],
                    current.count > tally || (current.count == tally && current.value <= value)
                {
                    continue
                }
                best[keys[index]] = (value, tally)
            }
            predictions[secret] = (key, best.mapValues(\.value))
        }
        self.predictions = predictions
    }

    /// How many rows of `real` each check answers yes for, in the order of `checks`.
    func counts(_ real: EncodedDataset) -> [Int] {
        var counts = [Int](repeating: 0, count: checks.count)
        for index in 0..<real.rowCount {
            for (position, check) in checks.enumerated() where discloses(real.codes, row: index, check) {
                counts[position] += 1
            }
        }
        return counts
    }

    func discloses(_ codes: [[UInt16]], row index: Int, _ check: GateCheck) -> Bool {
        switch check {
        case .exactCopy:
            return rows.contains(RowHash.of(codes, row: index, blanking: nil))
        case .nearCopy:
            // An exact copy matches every blanked set; checking it first saves the per-column lookups.
            return rows.contains(RowHash.of(codes, row: index, blanking: nil))
                || blanked.indices.contains { blanked[$0].contains(RowHash.of(codes, row: index, blanking: $0)) }
        case .attributeDisclosure(let secret, _):
            guard let prediction = predictions[secret] else { return false }
            return prediction.values[RowHash.of(codes, row: index, columns: prediction.key)]
                == codes[secret][index]
        }
    }

    /// The columns an attribute check matches on: the quasi-identifiers, or every other column.
    static func keyColumns(secret: Int, quasiIdentifiers: [Int], width: Int) -> [Int] {
        let chosen = quasiIdentifiers.isEmpty ? Array(0..<width) : quasiIdentifiers
        return chosen.filter { $0 != secret }
    }
}
