import Foundation

/// A projection from a row-major table onto a subset of its attributes, held per block of cells
/// rather than per cell: a block is a run of `run` consecutive cells spanning trailing axes that
/// are all kept or all summed out, so along it the target cell advances by one (`runKept`) or
/// stays the same. One 4-byte target index per block, not per cell; the loops below add a kept
/// run contiguously and reduce a summed-out run in a register, without reading an index per cell.
/// The estimator's passes over large cliques walk their tables this way.
struct BlockProjection: Sendable {
    /// Cells per block: the product of the trailing axes it spans, at most `longestRun` unless
    /// the last axis alone is longer.
    let run: Int
    /// Whether the block's axes are kept (the target advances by one per cell) or summed out.
    let runKept: Bool
    /// The target cell of each block's first cell.
    let starts: [Int32]
    let targetShape: [Int]
    var targetSize: Int { targetShape.reduce(1, *) }
    var blocks: Int { starts.count }

    /// Blocks stay short enough that a table splits into many of them (over the cores).
    static let longestRun = 1024

    /// The projection in the longest blocks its layout allows; `runAxes` fixes how many trailing
    /// axes a block spans instead (at most `runAxes(from:shape:to:)`), so that projections of one
    /// table onto several targets share their blocks.
    init(from source: [Int], shape: [Int], to target: [Int], runAxes: Int? = nil) {
        let strides = Self.strides(from: source, shape: shape, to: target)
        let axes = runAxes ?? Self.runAxes(strides: strides, shape: shape)
        precondition(axes <= Self.runAxes(strides: strides, shape: shape), "a block must span uniform axes")
        targetShape = target.map { shape[source.firstIndex(of: $0)!] }
        let outer = source.count - axes
        run = shape[outer...].reduce(1, *)
        runKept = axes == 0 || strides[source.count - 1] != 0
        let blocks = shape.reduce(1, *) / run
        var starts = [Int32](repeating: 0, count: blocks)
        var coordinates = [Int](repeating: 0, count: outer)
        var current = 0
        for block in 0..<blocks {
            starts[block] = Int32(current)
            // Odometer step over the outer axes, the last fastest.
            var position = outer - 1
            while position >= 0 {
                coordinates[position] += 1
                current += strides[position]
                if coordinates[position] < shape[position] { break }
                current -= strides[position] * shape[position]
                coordinates[position] = 0
                position -= 1
            }
        }
        self.starts = starts
    }

    /// The most trailing axes a block of the projection onto `target` can span.
    static func runAxes(from source: [Int], shape: [Int], to target: [Int]) -> Int {
        runAxes(strides: strides(from: source, shape: shape, to: target), shape: shape)
    }

    /// Trailing axes that are all summed out, or all kept and laid out contiguously from stride
    /// 1 in the target, spanning at most `longestRun` cells unless the last axis alone is longer.
    private static func runAxes(strides: [Int], shape: [Int]) -> Int {
        guard let last = strides.indices.last else { return 0 }
        let kept = strides[last] != 0
        if kept && strides[last] != 1 { return 0 }
        var run = shape[last]
        var axis = last - 1
        while axis >= 0, (strides[axis] != 0) == kept, run * shape[axis] <= longestRun, !kept || strides[axis] == run {
            run *= shape[axis]
            axis -= 1
        }
        return last - axis
    }

    /// The stride of each source axis in the target table (0 when it is summed out).
    private static func strides(from source: [Int], shape: [Int], to target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: source.count)
        var stride = 1
        for attribute in target.reversed() {
            guard let position = source.firstIndex(of: attribute) else {
                preconditionFailure("projection target \(target) is not a subset of \(source)")
            }
            strides[position] = stride
            stride *= shape[position]
        }
        return strides
    }

    /// The cells of `blocks`.
    @inline(__always)
    func cells(_ blocks: Range<Int>) -> Range<Int> { blocks.lowerBound * run..<blocks.upperBound * run }

    /// target[t] += the sum of the source cells in `blocks` that project to t.
    @inline(__always)
    func sum(_ source: UnsafePointer<Double>, blocks: Range<Int>, into target: UnsafeMutablePointer<Double>) {
        let run = self.run
        forEach(blocks) { cell, start in
            if runKept {
                Self.add(source + cell, to: target + start, count: run)
            } else {
                target[start] += Self.total(source + cell, count: run)
            }
        }
    }

    /// out[c] = base[c] + scale · small[target of c] for every cell c of `blocks`; `base` may be
    /// `out` itself (an in-place add).
    @inline(__always)
    func broadcast(
        _ small: UnsafePointer<Double>, scale: Double, blocks: Range<Int>, onto base: UnsafePointer<Double>,
        into out: UnsafeMutablePointer<Double>
    ) {
        let run = self.run
        forEach(blocks) { cell, start in
            let (row, result) = (base + cell, out + cell)
            if runKept {
                let values = small + start
                for offset in 0..<run { result[offset] = row[offset] + scale * values[offset] }
            } else {
                let value = scale * small[start]
                for offset in 0..<run { result[offset] = row[offset] + value }
            }
        }
    }

    /// to[i] += from[i] for i in 0..<count (pointer-indexed, so the loop vectorises).
    @inline(__always)
    static func add(_ from: UnsafePointer<Double>, to: UnsafeMutablePointer<Double>, count: Int) {
        for offset in 0..<count { to[offset] += from[offset] }
    }

    /// Σ row[i] for i in 0..<count, in four interleaved partial sums.
    @inline(__always)
    static func total(_ row: UnsafePointer<Double>, count: Int) -> Double {
        var (a, b, c, d) = (0.0, 0.0, 0.0, 0.0)
        var offset = 0
        while offset &+ 4 <= count {
            a += row[offset]
            b += row[offset &+ 1]
            c += row[offset &+ 2]
            d += row[offset &+ 3]
            offset &+= 4
        }
        while offset < count {
            a += row[offset]
            offset &+= 1
        }
        return (a + b) + (c + d)
    }

    /// Calls `body(cell, start)` for each block: its first cell, and its first cell's target.
    @inline(__always)
    func forEach(_ blocks: Range<Int>, _ body: (Int, Int) -> Void) {
        starts.withUnsafeBufferPointer { starts in
            for block in blocks { body(block &* run, Int(starts[block])) }
        }
    }

    /// Calls `body` with pointers to the block starts of each of `projections`, valid during the call.
    static func withStarts<Result>(
        of projections: [BlockProjection], _ body: ([UnsafePointer<Int32>]) -> Result
    ) -> Result {
        func nest(_ remaining: ArraySlice<BlockProjection>, _ collected: [UnsafePointer<Int32>]) -> Result {
            guard let first = remaining.first else { return body(collected) }
            return first.starts.withUnsafeBufferPointer { nest(remaining.dropFirst(), collected + [$0.baseAddress!]) }
        }
        return nest(projections[...], [])
    }
}
