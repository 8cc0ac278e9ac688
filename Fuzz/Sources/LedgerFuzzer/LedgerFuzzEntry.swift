import DPLedger
import Foundation

/// libFuzzer entry: any bytes as a ledger file, opened and verified. A refusal is expected; a
/// crash is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func ledgerFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
        "dpsynth-ledger-fuzz-\(ProcessInfo.processInfo.processIdentifier).sqlite"
    ).path
    FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = try? BudgetLedger.verify(path: path)
    if let ledger = try? BudgetLedger(path: path) {
        for dataset in (try? ledger.datasets()) ?? [] { _ = try? ledger.statement(dataset: dataset) }
    }
    return 0
}
