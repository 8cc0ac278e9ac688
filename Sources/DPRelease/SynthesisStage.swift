import DPAccounting
import DPData
import DPLedger
import DPRandomness
import DPSynthesis
import Foundation

/// Fit and sample: the one place every command that makes synthetic rows goes through.
///
/// Privacy: the fit charges `budget` before every noisy step and spends at most (ε, δ): the
/// budget is checked first (`Generator.checkBudget`, `checkAffordable`), then reserved whole;
/// sampling is post-processing of the fitted model.
public struct SynthesisStage {
    public let generator: any Generator
    public let epsilon: Double
    public let delta: Double

    public init(generator: any Generator, epsilon: Double, delta: Double) {
        self.generator = generator
        self.epsilon = epsilon
        self.delta = delta
    }

    public var method: String { type(of: generator).method }

    /// Throws when the fit cannot be planned at (ε, δ) on a table of `columns`, whatever its rows
    /// (`Generator.checkBudget`, `Generator.checkPlannable`): commands call it before a budget is
    /// declared or a data version recorded, and `fit` before its reservation.
    public func checkPlannable(columns: [Column]) throws {
        try type(of: generator).checkBudget(epsilon: epsilon, delta: delta)
        try generator.checkPlannable(columns: columns, epsilon: epsilon, delta: delta)
    }

    /// Fits the generator to `data`, reporting each step as "[method] step (t s)". The whole
    /// planned cost is reserved in the ledger first (refused at once when other runs hold the
    /// budget), every step charges under the reservation, and the reservation ends when the fit
    /// does: released if nothing was charged, settled otherwise.
    public func fit(
        _ data: any PrivateTable, budget: LedgerBudget, streams: RunStreams, progress: @escaping (String) -> Void
    ) throws -> any FittedModel {
        try fitReserving(data, budget: budget, streams: streams, progress: progress).model
    }

    /// `fit`, with the reservation its charges were made under: the fit's cost is the charges
    /// under it, whatever other runs charged the dataset meanwhile.
    public func fitReserving(
        _ data: any PrivateTable, budget: LedgerBudget, streams: RunStreams, progress: @escaping (String) -> Void
    ) throws -> (model: any FittedModel, reservation: Int64) {
        let type = type(of: generator)
        try checkPlannable(columns: data.columns)
        try generator.checkAffordable(budget: budget, epsilon: epsilon, delta: delta)
        let reserved = try budget.reserve(type.family.plannedCost(epsilon: epsilon, delta: delta))
        defer { _ = try? reserved.endReservation() }
        guard let reservation = reserved.reservation else {
            throw ReleaseError("the ledger made no reservation for the fit; nothing was charged")
        }
        let started = Date()
        let method = self.method
        let request = FitRequest(
            data: data, epsilon: epsilon, delta: delta, budget: reserved, source: streams.fit
        ) { step in
            progress(String(format: "[%@] %@ (%.1f s)", method, step, Date().timeIntervalSince(started)))
        }
        // The counts the table kept for the fit are not needed beside the fitted model.
        defer { data.forgetCounts() }
        // Checked above, before the reservation that now holds the whole planned cost.
        return (try generator.fit(request), reservation)
    }

    /// `rows` rows drawn from `model`.
    public static func sample(_ model: any FittedModel, rows: Int, streams: RunStreams) -> EncodedDataset {
        model.sample(rows: rows, source: streams.sample)
    }

    /// The most rows drawn at once when rows are written as they are drawn.
    public static let rowsPerPart = 500_000
    /// The most codes (rows times columns) in one part: a wide table is drawn in smaller parts,
    /// so a part's memory stays bounded whatever the width (a narrow one's parts are
    /// `rowsPerPart` rows).
    static let codesPerPart = 1 << 26

    /// The rows of one part of a table of `columns` columns, at most `limit`.
    static func partRows(columns: Int, limit: Int) -> Int {
        min(limit, max(1_000, codesPerPart / max(1, columns)))
    }

    /// Draws `rows` rows from `model` and writes them to `path` as CSV, `rowsPerPart` at a time,
    /// so memory stays flat whatever the row count (each part is drawn as a table of its own; a
    /// table within one part, `partRows`, is drawn exactly as `sample` draws it). A table of more
    /// than 134 columns has parts of fewer rows (`codesPerPart`).
    /// The parts are drawn one after another from one sample stream, so that a seeded run's
    /// parts differ as a secure run's do (a stream opened per part would repeat its first part),
    /// by the model's `sampler`, made once; a caller that hands its model over (`consume`, or
    /// `Optional.take()`) lets the model go while the rows are drawn (a marginal model's
    /// potentials, beside the sampler's clique marginals). `progress` hears the row count before
    /// each part.
    public static func write(
        _ model: consuming any FittedModel, rows: Int, to path: String, streams: RunStreams,
        rowsPerPart: Int = rowsPerPart, progress: (String) -> Void = { _ in }
    ) throws {
        let rowsPerPart = partRows(columns: model.schema.columns.count, limit: rowsPerPart)
        let sampler = (consume model).sampler()
        let source = streams.sample
        func part(_ remaining: inout Int) -> EncodedDataset {
            let size = min(remaining, rowsPerPart)
            let first = rows - remaining + 1
            progress(
                rows <= rowsPerPart
                    ? "sampling and writing \(rows) rows"
                    : "sampling and writing rows \(first)-\(first + size - 1) of \(rows)")
            remaining -= size
            return sampler.sample(rows: size, source: source)
        }
        var remaining = rows
        try CSVWriter.write(part(&remaining), to: path, source: streams.write) {
            remaining > 0 ? part(&remaining) : nil
        }
    }
}
