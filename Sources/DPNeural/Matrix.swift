import CBLAS
import Foundation

/// A dense row-major matrix of Floats: rows are examples, columns are features.
public struct Matrix: Sendable, Equatable, Codable {
    public var rows: Int
    public var columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "values must hold rows x columns entries")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    enum CodingKeys: String, CodingKey { case rows, columns, values }

    /// A matrix read from a model file: its shape must match its values and every value must be
    /// finite, so a crafted file can never make a BLAS call read past the array.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let values = try container.decode([Float].self, forKey: .values)
        let (cells, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, cells == values.count, values.allSatisfy(\.isFinite) else {
            throw DecodingError.dataCorruptedError(
                forKey: .values, in: container,
                debugDescription: "a matrix's shape must match its values, and every value must be finite")
        }
        self.init(rows: rows, columns: columns, values: values)
    }

    public init(zeros rows: Int, _ columns: Int) {
        self.init(rows: rows, columns: columns, values: [Float](repeating: 0, count: rows * columns))
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> Matrix {
        var result = Matrix(zeros: indices.count, columns)
        for (target, source) in indices.enumerated() {
            result.values.replaceSubrange(
                (target * columns)..<((target + 1) * columns),
                with: values[(source * columns)..<((source + 1) * columns)])
        }
        return result
    }

    /// Squared L2 norm of each row.
    public func rowSquaredNorms() -> [Float] {
        (0..<rows).map { row in
            var total: Float = 0
            for column in 0..<columns {
                let v = values[row * columns + column]
                total += v * v
            }
            return total
        }
    }
}

/// Matrix products through OpenBLAS, one call at a time and single-threaded inside OpenBLAS: the
/// matrices here are small, the benchmarks compare one thread with one thread, and OpenBLAS's
/// buffer table is sized by the core count, so many concurrent callers (parallel tests) are
/// safer queued than racing.
public enum BLAS {
    nonisolated(unsafe) private static var configured = false
    private static let lock = NSLock()

    /// Restricts OpenBLAS to `count` threads (the default here is one).
    public static func setThreads(_ count: Int) {
        lock.lock()
        defer { lock.unlock() }
        configured = true
        openblas_set_num_threads(Int32(count))
    }

    /// Runs `body` (which calls OpenBLAS) while holding the library-wide lock.
    static func serialized<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        if !configured {
            openblas_set_num_threads(1)
            configured = true
        }
        return body()
    }

    /// c = alpha * op(a) * op(b) + beta * c, with op the transpose when asked.
    public static func gemm(
        _ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
        alpha: Float = 1, beta: Float = 0, into c: inout Matrix
    ) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        precondition((transposeB ? b.columns : b.rows) == k, "inner dimensions must agree")
        if c.rows != m || c.columns != n { c = Matrix(zeros: m, n) }
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in c.values.indices { c.values[i] *= beta }
            return
        }
        serialized {
            a.values.withUnsafeBufferPointer { pa in
                b.values.withUnsafeBufferPointer { pb in
                    c.values.withUnsafeMutableBufferPointer { pc in
                        cblas_sgemm(
                            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                            transposeB ? CblasTrans : CblasNoTrans,
                            Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress, Int32(a.columns),
                            pb.baseAddress, Int32(b.columns), beta, pc.baseAddress, Int32(n))
                    }
                }
            }
        }
    }
}
