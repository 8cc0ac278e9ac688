import DPData

/// The fixed synthetic table, indexed so each gate check answers for one real row by lookups:
/// the set of synthetic rows, one set per column of the rows with that column blanked, and for
/// each secret the most common secret value per quasi-identifier key.
///
/// Privacy: built from the synthetic table alone (a DP output); it reads no real row.
struct DisclosureIndex {
    let synthetic: EncodedDataset
    let checks: [GateCheck]
    let quasiIdentifiers: [Int]
    private let rows: Set<[UInt16]>
    private let blanked: [Set<[UInt16]>]
    /// For each secret: the columns its rows are matched on, and the most common secret value per
    /// key of those columns.
    private let predictions: [Int: (key: [Int], values: [[UInt16]: UInt16])]

    /// A code no column uses, standing for a blanked column.
    static let blank = UInt16.max

    init(synthetic: EncodedDataset, checks: [GateCheck], quasiIdentifiers: [Int]) {
        self.synthetic = synthetic
        self.checks = checks
        self.quasiIdentifiers = quasiIdentifiers
        let all = (0..<synthetic.rowCount).map { Self.row($0, of: synthetic) }
        rows = Set(all)
        blanked =
            checks.contains(.nearCopy)
            ? synthetic.columns.indices.map { column in Set(all.map { Self.blanking(column, in: $0) }) } : []
        var predictions: [Int: (key: [Int], values: [[UInt16]: UInt16])] = [:]
        for case .attributeDisclosure(let secret, _) in checks {
            let key = Self.keyColumns(
                secret: secret, quasiIdentifiers: quasiIdentifiers, width: synthetic.columns.count)
            var tallies: [[UInt16]: [UInt16: Int]] = [:]
            for row in all { tallies[key.map { row[$0] }, default: [:]][row[secret], default: 0] += 1 }
            let values = tallies.mapValues { tally in
                // The most common value; the lowest code among equals, so the answer is a function of the table.
                tally.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
            }
            predictions[secret] = (key, values)
        }
        self.predictions = predictions
    }

    /// How many rows of `real` each check answers yes for, in the order of `checks`.
    func counts(_ real: EncodedDataset) -> [Int] {
        var counts = [Int](repeating: 0, count: checks.count)
        for index in 0..<real.rowCount {
            let row = Self.row(index, of: real)
            for (position, check) in checks.enumerated() where discloses(row, check) { counts[position] += 1 }
        }
        return counts
    }

    func discloses(_ row: [UInt16], _ check: GateCheck) -> Bool {
        switch check {
        case .exactCopy:
            return rows.contains(row)
        case .nearCopy:
            // An exact copy matches every blanked set; checking it first saves the per-column lookups.
            return rows.contains(row) || blanked.indices.contains { blanked[$0].contains(Self.blanking($0, in: row)) }
        case .attributeDisclosure(let secret, _):
            guard let prediction = predictions[secret] else { return false }
            return prediction.values[prediction.key.map { row[$0] }] == row[secret]
        }
    }

    static func row(_ index: Int, of data: EncodedDataset) -> [UInt16] {
        data.codes.map { $0[index] }
    }

    static func blanking(_ column: Int, in row: [UInt16]) -> [UInt16] {
        var copy = row
        copy[column] = blank
        return copy
    }

    /// The columns an attribute check matches on: the quasi-identifiers, or every other column.
    static func keyColumns(secret: Int, quasiIdentifiers: [Int], width: Int) -> [Int] {
        let chosen = quasiIdentifiers.isEmpty ? Array(0..<width) : quasiIdentifiers
        return chosen.filter { $0 != secret }
    }
}
