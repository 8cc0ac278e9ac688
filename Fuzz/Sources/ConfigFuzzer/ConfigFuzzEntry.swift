import DPAudit
import DPRelease
import Foundation

/// libFuzzer entry: any bytes as a release config and as an audit policy. Errors are expected;
/// crashes are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func configFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ReleaseConfig.parse(text, file: "fuzz.yaml", relativeTo: URL(fileURLWithPath: "/tmp"))
    _ = try? AuditPolicy.parse(text, file: "fuzz.yaml")
    return 0
}
