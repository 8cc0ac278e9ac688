import Foundation

/// In-place iterative radix-2 complex FFT on split real and imaginary arrays.
struct FastFourierTransform {
    let size: Int
    private let cosines: [Double]
    private let sines: [Double]
    private let reversed: [Int]

    init(size: Int) {
        precondition(size > 0 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        let half = max(size / 2, 1)
        cosines = (0..<half).map { cos(-2 * Double.pi * Double($0) / Double(size)) }
        sines = (0..<half).map { sin(-2 * Double.pi * Double($0) / Double(size)) }
        let bits = size.trailingZeroBitCount
        reversed = (0..<size).map { index in
            var value = 0
            for bit in 0..<bits where index & (1 << bit) != 0 { value |= 1 << (bits - 1 - bit) }
            return value
        }
    }

    /// Forward transform (sign -1), or the unnormalised inverse when `inverse` is true.
    func transform(real: inout [Double], imaginary: inout [Double], inverse: Bool = false) {
        let n = size
        for index in 0..<n where index < reversed[index] {
            real.swapAt(index, reversed[index])
            imaginary.swapAt(index, reversed[index])
        }
        let direction = inverse ? -1.0 : 1.0
        real.withUnsafeMutableBufferPointer { re in
            imaginary.withUnsafeMutableBufferPointer { im in
                cosines.withUnsafeBufferPointer { cs in
                    sines.withUnsafeBufferPointer { sn in
                        var length = 2
                        while length <= n {
                            let halfLength = length / 2
                            let stride = n / length
                            var start = 0
                            while start < n {
                                for k in 0..<halfLength {
                                    let wr = cs[k * stride]
                                    let wi = direction * sn[k * stride]
                                    let a = start + k
                                    let b = a + halfLength
                                    let tr = re[b] * wr - im[b] * wi
                                    let ti = re[b] * wi + im[b] * wr
                                    re[b] = re[a] - tr
                                    im[b] = im[a] - ti
                                    re[a] += tr
                                    im[a] += ti
                                }
                                start += length
                            }
                            length *= 2
                        }
                    }
                }
            }
        }
    }
}
