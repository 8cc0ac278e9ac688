import CGMP

/// floor(2^128 · P(|X| <= m)) for X ~ N_Z(0, T²) and m = 0, 1, ... below the cutoff (the last m
/// with exp(-m²/2T²) >= 2^-140, which takes the remaining probability),
/// computed in fixed point with 224 fractional bits in GMP integers (every operation truncates):
/// r = exp(-1/2T²) by its alternating Taylor series, e(m) = exp(-m²/2T²) by
/// e(m+1) = e(m) · r^(2m+1), the folded weights 1, 2e(1), 2e(2), ... summed to the normaliser Z
/// in a first pass and to the running cumulative sums, divided by Z, in a second.
///
/// Errors (Proofs/discrete-gaussian.md): the running sums and Z are within 2^-154 of their true
/// values, so every entry is within 2 units of 2^128 times the true cumulative probability.
struct FoldedGaussianTable {
    let high: [UInt64]
    let low: [UInt64]

    static let fractionBits: mp_bitcnt_t = 224
    static let tailBits = 140

    init(scale: UInt64) {
        let bits = Self.fractionBits
        let registers = (0..<7).map { _ -> UnsafeMutablePointer<__mpz_struct> in
            let register = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
            __gmpz_init(register)
            return register
        }
        defer {
            for register in registers {
                __gmpz_clear(register)
                register.deallocate()
            }
        }
        let (r, rSquared, e, step, sum, total, quotient) = (
            registers[0], registers[1], registers[2], registers[3], registers[4],
            registers[5], registers[6]
        )
        // r = Σ_k (-1)^k / ((2T²)^k k!), each term truncated.
        let denominator = UInt(2) * UInt(scale) * UInt(scale)
        let term = quotient
        __gmpz_set_ui(term, 1)
        __gmpz_mul_2exp(term, term, bits)
        __gmpz_set(r, term)
        var k: UInt = 1
        while dpsynth_mpz_sgn(term) != 0 {
            __gmpz_tdiv_q_ui(term, term, denominator)
            __gmpz_tdiv_q_ui(term, term, k)
            if k % 2 == 1 { __gmpz_sub(r, r, term) } else { __gmpz_add(r, r, term) }
            k += 1
        }
        __gmpz_mul(rSquared, r, r)
        __gmpz_tdiv_q_2exp(rSquared, rSquared, bits)
        let tailWidth = Int(bits) - Self.tailBits

        /// Calls `visit(m, e(m))` for m = 0, 1, ... while e(m) >= 2^-140.
        func weights(_ visit: (Int, UnsafeMutablePointer<__mpz_struct>) -> Void) {
            __gmpz_set_ui(e, 1)
            __gmpz_mul_2exp(e, e, bits)
            __gmpz_set(step, r)
            var m = 0
            while __gmpz_sizeinbase(e, 2) > tailWidth || m == 0 {
                visit(m, e)
                __gmpz_mul(e, e, step)
                __gmpz_tdiv_q_2exp(e, e, bits)
                __gmpz_mul(step, step, rSquared)
                __gmpz_tdiv_q_2exp(step, step, bits)
                m += 1
            }
        }

        __gmpz_set_ui(total, 0)
        var count = 0
        weights { m, weight in
            __gmpz_add(total, total, weight)
            if m > 0 { __gmpz_add(total, total, weight) }
            count = m + 1
        }
        // Entries for m < count - 1; the last magnitude takes the rest.
        var high = [UInt64](repeating: 0, count: count - 1)
        var low = [UInt64](repeating: 0, count: count - 1)
        __gmpz_set_ui(sum, 0)
        weights { m, weight in
            __gmpz_add(sum, sum, weight)
            if m > 0 { __gmpz_add(sum, sum, weight) }
            guard m < count - 1 else { return }
            __gmpz_mul_2exp(quotient, sum, 128)
            __gmpz_tdiv_q(quotient, quotient, total)
            low[m] = UInt64(__gmpz_getlimbn(quotient, 0))
            high[m] = UInt64(__gmpz_getlimbn(quotient, 1))
        }
        self.high = high
        self.low = low
    }
}
