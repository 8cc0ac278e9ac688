extension RandomSource {
    /// A uniform integer in `0..<bound` for a positive exact bound, with no bias:
    /// Lemire's method below 2^64, masked rejection above.
    public func uniform(below bound: ExactInteger) -> ExactInteger {
        precondition(bound.signum > 0, "uniform(below:) needs a positive bound")
        switch bound.storage {
        case .small(let value):
            if value <= Int128(UInt64.max) {
                return ExactInteger(Int128(uniform(below: UInt64(value))))
            }
            let bits = 128 - value.leadingZeroBitCount
            let mask = UInt128.max >> (128 - bits)
            while true {
                let candidate = (UInt128(nextUInt64()) << 64 | UInt128(nextUInt64())) & mask
                if candidate < UInt128(value) { return ExactInteger(Int128(candidate)) }
            }
        case .large(let value):
            return ExactInteger(GMPInteger.uniform(below: value, source: self))
        }
    }
}
