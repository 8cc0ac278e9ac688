import Dispatch
import Foundation

/// One private table split across several places (for example one database per region): each
/// part counts its own rows, the parts are asked in parallel, and their count tables are added.
/// A marginal method thus reads only counts from every part; rows, when a method needs them, are
/// the parts' rows one after the other.
///
/// Privacy: the sum of the parts' exact counts is the whole table's exact count, so a mechanism
/// over it has the sensitivity it has over one table (one person is in one part).
public struct ShardedTable: PrivateTable {
    public let parts: [any PrivateTable]

    /// The parts, which must share one schema's columns and domain.
    public init(parts: [any PrivateTable]) throws {
        guard let first = parts.first else {
            throw DataError(file: "shards", problem: "no parts", hint: "Give at least one table.")
        }
        for part in parts.dropFirst() where part.domain != first.domain || part.columns != first.columns {
            throw DataError(
                file: "shards", problem: "the parts do not share one schema",
                hint: "Read every part with the same schema.")
        }
        self.parts = parts
    }

    public var schema: Schema { parts[0].schema }
    public var columns: [Column] { parts[0].columns }
    public var domain: [Int] { parts[0].domain }

    public func forgetCounts() {
        for part in parts { part.forgetCounts() }
    }

    public func marginals(_ attributeSets: [[Int]]) throws -> [ContingencyTable] {
        let results = ResultSlots<[ContingencyTable]>(count: parts.count)
        DispatchQueue.concurrentPerform(iterations: parts.count) { index in
            results.set(index, Result { try parts[index].marginals(attributeSets) })
        }
        let answers = try results.values()
        return try attributeSets.indices.map { set in
            let tables = answers.map { $0[set] }
            var counts = [UInt32](repeating: 0, count: tables[0].count)
            var overflow = false
            for table in tables {
                table.forEachNonzero { cell, count in
                    let (sum, over) = counts[cell].addingReportingOverflow(count)
                    counts[cell] = sum
                    overflow = overflow || over
                }
            }
            guard !overflow else {
                throw DataError(
                    file: "shards", problem: "a marginal's cell holds more rows than dpsynth counts (2^32 - 1)",
                    hint: "Synthesize from a sample of the table.")
            }
            return ContingencyTable(attributes: tables[0].attributes, shape: tables[0].shape, counts: counts[...])
                .compacted()
        }
    }

    public func rows() throws -> EncodedDataset {
        let tables = try parts.map { try $0.rows() }
        let codes = tables[0].codes.indices.map { column in tables.flatMap { $0.codes[column] } }
        return EncodedDataset(schema: schema, codes: codes)
    }
}

/// Results written by concurrent workers, one slot each.
public final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func set(_ index: Int, _ result: Result<Value, any Error>) {
        lock.lock()
        slots[index] = result
        lock.unlock()
    }

    /// Every value in order, or the first error.
    public func values() throws -> [Value] { try slots.map { try $0!.get() } }
}
