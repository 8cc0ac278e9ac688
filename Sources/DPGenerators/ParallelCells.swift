import Dispatch
import Foundation

/// Splits the cells of a large table over the cores for the estimator's loops: tables under
/// `minimumPartCells` cells per part stay on one thread, where the split would cost more than
/// it saves. The parts depend on the table's size alone, never on the machine's cores, and their
/// results are merged in part order, so a seeded run gives the same floating-point result on any
/// machine.
enum ParallelCells {
    static let minimumPartCells = 1 << 16
    static let maximumParts = 16

    /// How many parts a table of `cells` cells is split into, when each part also fills a table
    /// of `partial` cells of its own (kept to a quarter of the part, so the merge stays cheap).
    static func parts(for cells: Int, partial: Int = 0) -> Int {
        max(1, min(maximumParts, cells / minimumPartCells, cells / max(1, 4 * partial)))
    }

    /// Runs `body(part, range)` for `parts` consecutive ranges covering 0..<count (a table's
    /// cells, or its blocks of cells), in parallel.
    static func run(parts: Int, count: Int, _ body: (Int, Range<Int>) -> Void) {
        let size = (count + parts - 1) / max(1, parts)
        if parts <= 1 {
            body(0, 0..<count)
            return
        }
        // The parts write disjoint ranges (the caller's contract), so sharing `body` is safe.
        nonisolated(unsafe) let body = body
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            body(part, min(count, part * size)..<min(count, (part + 1) * size))
        }
    }

    /// A buffer the parts write disjoint ranges of; freed by its owner.
    final class Scratch: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Double>

        init(count: Int, filledWith value: Double) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: value)
        }

        func free() { buffer.deallocate() }
    }
}
