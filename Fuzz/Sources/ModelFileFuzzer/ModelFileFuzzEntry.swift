import DPRelease
import DPSynthesis
import Foundation

/// libFuzzer entry: any bytes as a model file, loaded and, when it loads, sampled. Errors are
/// expected; a crash or an unbounded allocation is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func modelFileFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    if let model = try? GeneratorRegistry.standard.loadModel(data: bytes, path: "fuzz.json") {
        _ = model.sample(rows: 3, source: .seeded(1))
    }
    return 0
}
