import CGMP

/// An arbitrary-precision integer owned by GMP (`mpz_t`), freed when the last reference goes.
///
/// The `mpz_t` lives in its own allocation so that GMP calls receive stable pointers and
/// Swift never sees two overlapping `inout` accesses to one value. Instances are treated as
/// immutable once built: every operation returns a new value.
public final class GMPInteger: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<__mpz_struct>

    init() {
        pointer = .allocate(capacity: 1)
        __gmpz_init(pointer)
    }

    deinit {
        __gmpz_clear(pointer)
        pointer.deallocate()
    }

    /// The value of a 128-bit signed integer.
    convenience init(_ value: Int128) {
        self.init()
        let magnitude = value.magnitude
        var words: (UInt64, UInt64) = (
            UInt64(truncatingIfNeeded: magnitude), UInt64(truncatingIfNeeded: magnitude >> 64)
        )
        withUnsafeBytes(of: &words) { raw in
            __gmpz_import(pointer, 2, -1, 8, 0, 0, raw.baseAddress)
        }
        if value < 0 { __gmpz_neg(pointer, pointer) }
    }

    /// Parses a base-10 integer, or returns nil.
    convenience init?(decimal text: String) {
        self.init()
        if __gmpz_set_str(pointer, text, 10) != 0 { return nil }
    }

    var signum: Int { Int(dpsynth_mpz_sgn(pointer)) }

    var bitWidth: Int { Int(__gmpz_sizeinbase(pointer, 2)) }

    /// The value as `Int128` when it fits.
    var int128: Int128? {
        if signum == 0 { return 0 }
        guard bitWidth <= 127 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        var count = 0
        _ = withUnsafeMutableBytes(of: &words) { raw in
            __gmpz_export(raw.baseAddress, &count, -1, 8, 0, 0, pointer)
        }
        let magnitude = Int128(words.0) | (Int128(words.1) << 64)
        return signum < 0 ? -magnitude : magnitude
    }

    var decimal: String {
        let size = __gmpz_sizeinbase(pointer, 10) + 2
        var characters = [CChar](repeating: 0, count: size)
        __gmpz_get_str(&characters, 10, pointer)
        return String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func binary(
        _ lhs: GMPInteger, _ rhs: GMPInteger,
        _ operation: (UnsafeMutablePointer<__mpz_struct>, UnsafePointer<__mpz_struct>, UnsafePointer<__mpz_struct>) ->
            Void
    ) -> GMPInteger {
        let result = GMPInteger()
        operation(result.pointer, lhs.pointer, rhs.pointer)
        return result
    }

    static func compare(_ lhs: GMPInteger, _ rhs: GMPInteger) -> Int {
        Int(__gmpz_cmp(lhs.pointer, rhs.pointer))
    }

    /// `lhs * 2^shift`.
    static func shiftedLeft(_ value: GMPInteger, by shift: Int) -> GMPInteger {
        let result = GMPInteger()
        __gmpz_mul_2exp(result.pointer, value.pointer, mp_bitcnt_t(shift))
        return result
    }

    /// A uniform value in `0..<bound` (bound > 0) by masked rejection sampling: unbiased.
    static func uniform(below bound: GMPInteger, source: RandomSource) -> GMPInteger {
        let bits = bound.bitWidth
        let byteCount = (bits + 7) / 8
        let excessBits = byteCount * 8 - bits
        var bytes = [UInt8](repeating: 0, count: byteCount)
        let candidate = GMPInteger()
        repeat {
            bytes.withUnsafeMutableBytes { source.fill($0) }
            bytes[0] &= UInt8(0xFF >> excessBits)
            __gmpz_import(candidate.pointer, byteCount, 1, 1, 1, 0, bytes)
        } while __gmpz_cmp(candidate.pointer, bound.pointer) >= 0
        return candidate
    }
}
