import DPData
import Foundation

/// The schema every fuzzed CSV is read through: one column of each kind.
let fuzzSchema = try! SchemaLoader.parse(
    """
    columns:
      - {name: a, kind: integer, lower: -5, upper: 500, bins: 7, out_of_domain: clamp}
      - {name: b, kind: categorical, categories: [x, "y,z", "q\\"q"]}
      - {name: c, kind: real, lower: 0, upper: 1, edges: [0, 0.5, 1]}
      - {name: d, kind: coded, levels: 3, missing: error}
      - {name: e, kind: identifier}
    """)

let scratch = FileManager.default.temporaryDirectory
    .appendingPathComponent("dpsynth-csv-fuzz-\(ProcessInfo.processInfo.processIdentifier).csv").path

/// libFuzzer entry: any bytes as a CSV file, read record by record and through a schema.
/// Errors are expected; crashes, hangs and sanitizer reports are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func csvFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FileManager.default.createFile(atPath: scratch, contents: Data(bytes: data, count: size))
    var fields = 0
    try? CSVReader(path: scratch).forEachRecord { _, record in fields += record.count }
    _ = try? DatasetLoader.load(csv: scratch, schema: fuzzSchema)
    _ = try? DatasetLoader.load(csv: scratch, schema: fuzzSchema, options: .init(hasHeader: false))
    return 0
}
