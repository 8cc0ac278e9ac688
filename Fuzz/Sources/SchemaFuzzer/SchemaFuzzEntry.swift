import DPData

/// libFuzzer entry: any bytes as a YAML schema; a schema that loads must also round-trip
/// through `SchemaWriter`. Errors are expected; crashes are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func schemaFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let schema = try? SchemaLoader.parse(text) {
        let reread = try? SchemaLoader.parse(SchemaWriter.yaml(schema))
        precondition(reread == schema, "a loaded schema must survive a write and a re-read")
    }
    return 0
}
