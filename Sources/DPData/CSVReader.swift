import Foundation

/// A streaming RFC 4180 CSV reader: quoted fields with embedded delimiters, quotes and newlines,
/// LF or CRLF line ends, an optional UTF-8 byte-order mark. Memory stays bounded by the longest
/// record, so a file larger than memory can be read or counted.
///
/// Completely empty lines are skipped. Every error names the file, the line, the field number
/// and the offending text.
public final class CSVReader {
    public let path: String
    let delimiter: UInt8
    /// Sees every byte read from the file, in order (a byte-order mark included), and every record.
    let observer: ReadObserver?
    static let chunkSize = 1 << 20

    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), observer: ReadObserver? = nil) {
        self.path = path
        self.delimiter = delimiter
        self.observer = observer
    }

    /// Calls `body` with each record's first line number and its fields as strings.
    public func forEachRecord(_ body: (_ line: Int, _ fields: [String]) throws -> Void) throws {
        try forEachRecordView { line, record in
            try body(line, (0..<record.count).map(record.string))
        }
    }

    /// Calls `body` with each record's first line number and a view of its fields' bytes, valid
    /// only during the call. No allocation per record: the storage is reused.
    public func forEachRecordView(_ body: (_ line: Int, _ record: CSVRecordView) throws -> Void) throws {
        try forEachParsedRecord { line, record in
            observer?.record(record)
            try body(line, record)
        }
    }

    /// Calls `body` with each record as parsed, the observer aside.
    private func forEachParsedRecord(_ body: (_ line: Int, _ record: CSVRecordView) throws -> Void) throws {
        guard let file = fopen(path, "rb") else {
            throw DataError(
                file: path, problem: "cannot open the file (\(String(cString: strerror(errno))))",
                hint: "Check the path and permissions.")
        }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var parser = CSVParser(path: path, delimiter: delimiter)
        var firstChunk = true
        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, Self.chunkSize, file) }
            if count == 0 {
                if ferror(file) != 0 {
                    throw DataError(
                        file: path, line: parser.line, problem: "read error", hint: "Check that the file is readable.")
                }
                break
            }
            buffer.withUnsafeBufferPointer { observer?.bytes(UnsafeBufferPointer(rebasing: $0[..<count])) }
            var start = 0
            if firstChunk {
                firstChunk = false
                // A ledger named as the data would otherwise fail as a malformed table.
                let opening = Data(buffer[0..<min(count, 16)])
                if KeptFile.sqliteHeaders.contains(where: { opening.starts(with: $0) }) {
                    throw DataError(
                        file: path, problem: "is an SQLite database (a ledger, say), not a CSV table",
                        hint: "Give the CSV file of the data.")
                }
                if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            }
            try buffer.withUnsafeBufferPointer { chunk in
                try parser.consume(UnsafeBufferPointer(rebasing: chunk[start..<count]), body)
            }
        }
        try parser.finish(body)
    }

    /// The number of records (header included), read in bounded memory.
    public func countRecords() throws -> Int {
        var records = 0
        try forEachRecordView { _, _ in records += 1 }
        return records
    }
}

/// Sees what a reader reads, in order: each block of a file's bytes, and each record parsed from
/// them (the header first), so what a reader parsed can be hashed on the way (`DataSource` checks
/// that a file's rows are the content its budget is bound to).
public struct ReadObserver {
    public let bytes: (UnsafeBufferPointer<UInt8>) -> Void
    public let record: (CSVRecordView) -> Void

    public init(bytes: @escaping (UnsafeBufferPointer<UInt8>) -> Void, record: @escaping (CSVRecordView) -> Void) {
        self.bytes = bytes
        self.record = record
    }
}

/// The fields of one CSV record as byte ranges of shared storage; valid only inside the callback
/// that receives it.
public struct CSVRecordView {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>

    public var count: Int { ends.count }

    /// The bytes of field `index` (validated UTF-8).
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1]
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// The value of field `index`, as a column reads it: its bytes without the spaces and tabs
    /// around them (`ColumnCodec.trimmed`).
    public func value(_ index: Int) -> UnsafeBufferPointer<UInt8> { ColumnCodec.trimmed(self[index]) }

    public func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }
}

/// The RFC 4180 state machine behind `CSVReader`, fed one chunk at a time.
struct CSVParser {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    let path: String
    let delimiter: UInt8
    private(set) var line = 1
    private var recordBytes: [UInt8] = []
    private var fieldEnds: [Int] = []
    private var fieldStart = 0
    private var fieldHighBits: UInt8 = 0
    private var state = State.fieldStart
    private var recordLine = 1
    private var quoteLine = 1
    private var skipLineFeed = false
    private var recordHasContent = false

    private static let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")

    init(path: String, delimiter: UInt8) {
        self.path = path
        self.delimiter = delimiter
        recordBytes.reserveCapacity(4096)
        fieldEnds.reserveCapacity(64)
    }

    /// The longest record and the most fields a record may have: far beyond any table a schema
    /// describes (1,024 columns), so a file of one endless line (a device, a file without line
    /// ends) is refused before it exhausts memory. Checked once a block, so a record is held
    /// to at most a block more.
    static let largestRecordBytes = 1 << 24
    static let mostFields = 1 << 20

    mutating func consume(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (Int, CSVRecordView) throws -> Void) throws {
        try consumeBytes(chunk, body)
        guard recordBytes.count <= Self.largestRecordBytes, fieldEnds.count <= Self.mostFields else {
            throw DataError(
                file: path, line: recordLine,
                problem: "a record longer than \(Self.largestRecordBytes >> 20) MB or of more than \(Self.mostFields) "
                    + "fields",
                hint: "Give a CSV file whose records end with line ends."
            ).inPrivateRows
        }
    }

    private mutating func consumeBytes(
        _ chunk: UnsafeBufferPointer<UInt8>, _ body: (Int, CSVRecordView) throws -> Void
    ) throws {
        for byte in chunk {
            if skipLineFeed {
                skipLineFeed = false
                if byte == Self.lineFeed { continue }
            }
            switch state {
            case .fieldStart, .unquoted:
                if byte == delimiter {
                    recordHasContent = true
                    try finishField()
                    state = .fieldStart
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    try endOfLine(byte, body)
                } else if byte == Self.quote {
                    guard state == .fieldStart else {
                        throw unexpected(
                            "a double quote inside an unquoted field",
                            "Enclose the field in double quotes and write each inner quote twice (\"\").")
                    }
                    state = .quoted
                    quoteLine = line
                    recordHasContent = true
                } else {
                    recordBytes.append(byte)
                    fieldHighBits |= byte
                    recordHasContent = true
                    state = .unquoted
                }
            case .quoted:
                if byte == Self.quote {
                    state = .quoteInQuoted
                } else {
                    if byte == Self.lineFeed { line += 1 }
                    recordBytes.append(byte)
                    fieldHighBits |= byte
                }
            case .quoteInQuoted:
                if byte == Self.quote {
                    recordBytes.append(byte)
                    state = .quoted
                } else if byte == delimiter {
                    try finishField()
                    state = .fieldStart
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    try endOfLine(byte, body)
                } else {
                    throw unexpected(
                        "text after a closing quote",
                        "Put the whole field inside the quotes, or write an inner quote as \"\".")
                }
            }
        }
    }

    mutating func finish(_ body: (Int, CSVRecordView) throws -> Void) throws {
        switch state {
        case .quoted:
            throw DataError(
                file: path, line: quoteLine, column: fieldEnds.count + 1,
                problem: "a quoted field opened here is never closed",
                hint: "Add the closing double quote."
            ).inPrivateRows
        case .unquoted, .quoteInQuoted:
            try finishField()
            try finishRecord(body)
        case .fieldStart:
            if recordHasContent {
                try finishField()
                try finishRecord(body)
            }
        }
    }

    private mutating func endOfLine(_ byte: UInt8, _ body: (Int, CSVRecordView) throws -> Void) throws {
        try finishField()
        try finishRecord(body)
        line += 1
        recordLine = line
        skipLineFeed = byte == Self.carriageReturn
    }

    private mutating func finishField() throws {
        if fieldHighBits & 0x80 != 0, String(validating: recordBytes[fieldStart...], as: UTF8.self) == nil {
            throw DataError(
                file: path, line: recordLine, column: fieldEnds.count + 1,
                problem: "the field is not valid UTF-8", hint: "Re-save the file as UTF-8."
            ).inPrivateRows
        }
        fieldEnds.append(recordBytes.count)
        fieldStart = recordBytes.count
        fieldHighBits = 0
    }

    private mutating func finishRecord(_ body: (Int, CSVRecordView) throws -> Void) throws {
        if recordHasContent || fieldEnds.count > 1 || fieldEnds.first.map({ $0 > 0 }) == true {
            let line = recordLine
            try recordBytes.withUnsafeBufferPointer { bytes in
                try fieldEnds.withUnsafeBufferPointer { ends in
                    try body(line, CSVRecordView(bytes: bytes, ends: ends))
                }
            }
        }
        recordBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        fieldStart = 0
        recordHasContent = false
        state = .fieldStart
    }

    /// Errors name the place of a fault, never the private text found there.
    private func unexpected(_ problem: String, _ hint: String) -> DataError {
        DataError(file: path, line: line, column: fieldEnds.count + 1, problem: problem, hint: hint).inPrivateRows
    }
}
