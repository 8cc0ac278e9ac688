/// Matrix products computed a row at a time in one fixed order, so that each row of the result
/// is a function of the same row of the left factor (and of the right factor) alone: its bits do
/// not depend on how many rows the batch has, where the row sits in it, or what the others hold.
///
/// DP-SGD needs this of its forward and backward passes: adding or removing one example must
/// leave every other example's gradient the same, bit for bit, for the clipped sum to move by at
/// most the clip norm (Proofs/dp-sgd.md). A BLAS `sgemm` chooses its blocking and kernels by the
/// matrices' sizes, so a row's last bits change with the batch's size.
enum RowwiseProduct {
    /// a · b. Entry (i, j) is ((0 + a[i,0] b[0,j]) + a[i,1] b[1,j]) + ..., over k ascending, each
    /// product and each sum rounded to Float on its own (Swift fuses no multiply-add), in SIMD
    /// lanes or one at a time: both round the same operations the same way.
    static func multiply(_ a: Matrix, _ b: Matrix) -> Matrix {
        precondition(a.columns == b.rows, "inner dimensions must agree")
        var c = Matrix(zeros: a.rows, b.columns)
        guard a.rows > 0, b.columns > 0, a.columns > 0 else { return c }
        a.values.withUnsafeBufferPointer { pa in
            b.values.withUnsafeBufferPointer { pb in
                c.values.withUnsafeMutableBufferPointer { pc in
                    for row in 0..<a.rows {
                        multiplyRow(
                            pa.baseAddress! + row * a.columns, pb.baseAddress!, into: pc.baseAddress! + row * b.columns,
                            inner: a.columns, columns: b.columns)
                    }
                }
            }
        }
        return c
    }

    /// a · bᵀ: `multiply(a, b transposed)`, so each row is again the same bits whatever the batch.
    static func multiply(_ a: Matrix, transposed b: Matrix) -> Matrix {
        var transpose = Matrix(zeros: b.columns, b.rows)
        for row in 0..<b.rows {
            for column in 0..<b.columns {
                transpose.values[column * b.rows + row] = b.values[row * b.columns + column]
            }
        }
        return multiply(a, transpose)
    }

    /// One row: `columns` sums over `inner` terms, 32 columns at a time in four 8-lane
    /// accumulators, then 8 at a time, then one at a time.
    private static func multiplyRow(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>, inner: Int,
        columns: Int
    ) {
        typealias Lanes = SIMD8<Float>
        var column = 0
        while column + 32 <= columns {
            var (s0, s1, s2, s3) = (Lanes(), Lanes(), Lanes(), Lanes())
            for k in 0..<inner {
                let factor = Lanes(repeating: a[k])
                let line = UnsafeRawPointer(b + k * columns + column)
                s0 = s0 + factor * line.loadUnaligned(as: Lanes.self)
                s1 = s1 + factor * line.loadUnaligned(fromByteOffset: 32, as: Lanes.self)
                s2 = s2 + factor * line.loadUnaligned(fromByteOffset: 64, as: Lanes.self)
                s3 = s3 + factor * line.loadUnaligned(fromByteOffset: 96, as: Lanes.self)
            }
            let out = UnsafeMutableRawPointer(c + column)
            out.storeBytes(of: s0, as: Lanes.self)
            out.storeBytes(of: s1, toByteOffset: 32, as: Lanes.self)
            out.storeBytes(of: s2, toByteOffset: 64, as: Lanes.self)
            out.storeBytes(of: s3, toByteOffset: 96, as: Lanes.self)
            column += 32
        }
        while column + 8 <= columns {
            var sum = Lanes()
            for k in 0..<inner {
                sum =
                    sum + Lanes(repeating: a[k])
                    * UnsafeRawPointer(b + k * columns + column).loadUnaligned(as: Lanes.self)
            }
            UnsafeMutableRawPointer(c + column).storeBytes(of: sum, as: Lanes.self)
            column += 8
        }
        while column < columns {
            var sum: Float = 0
            for k in 0..<inner { sum = sum + a[k] * b[k * columns + column] }
            c[column] = sum
            column += 1
        }
    }
}
