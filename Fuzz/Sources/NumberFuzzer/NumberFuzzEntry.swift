import DPRandomness

/// libFuzzer entry: any bytes as the exact numbers the command line reads (`--scale 3/2`,
/// `0.125`, `1e-3`); parsed, then used as a sampler scale when positive. A crash is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func numberFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let value = ExactRational(parsing: text) else { return 0 }
    _ = value.doubleValue
    if value.signum > 0, value.doubleValue < 1e6, value.doubleValue > 1e-6 {
        _ = DiscreteLaplaceSampler(scale: value).sample(source: .seeded(1))
    }
    return 0
}
