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
    static let chunkSize = 1 << 20

    public init(path: String, delimiter: UInt8 = UInt8(ascii: ",")) {
        self.path = path
        self.delimiter = delimiter
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Calls `body` with each record's first line number and its fields, in order.
    public func forEachRecord(_ body: (_ line: Int, _ fields: [String]) throws -> Void) throws {
        guard let file = fopen(path, "rb") else {
            throw DataError(file: path, problem: "cannot open the file (\(String(cString: strerror(errno))))",
                            hint: "Check the path and permissions.")
        }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var field: [UInt8] = []
        field.reserveCapacity(256)
        var fields: [String] = []
        var state = State.fieldStart
        var line = 1
        var recordLine = 1
        var quoteLine = 1
        var skipLineFeed = false
        var firstChunk = true
        var recordHasContent = false
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        let delimiter = self.delimiter

        func finishField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw DataError(file: path, line: recordLine, column: fields.count + 1,
                                value: String(decoding: field, as: UTF8.self),
                                problem: "the field is not valid UTF-8", hint: "Re-save the file as UTF-8.")
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }

        func finishRecord() throws {
            if recordHasContent || fields.count > 1 || !(fields.first?.isEmpty ?? true) {
                try body(recordLine, fields)
            }
            fields.removeAll(keepingCapacity: true)
            recordHasContent = false
            state = .fieldStart
        }

        while true {
            let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, Self.chunkSize, file) }
            if count == 0 {
                if ferror(file) != 0 {
                    throw DataError(file: path, line: line, problem: "read error", hint: "Check that the file is readable.")
                }
                break
            }
            var start = 0
            if firstChunk {
                firstChunk = false
                if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            }
            for index in start..<count {
                let byte = buffer[index]
                if skipLineFeed {
                    skipLineFeed = false
                    if byte == lineFeed { continue }
                }
                switch state {
                case .fieldStart, .unquoted:
                    if byte == delimiter {
                        recordHasContent = true
                        try finishField()
                        state = .fieldStart
                    } else if byte == lineFeed || byte == carriageReturn {
                        try finishField()
                        try finishRecord()
                        line += 1
                        recordLine = line
                        skipLineFeed = byte == carriageReturn
                    } else if byte == quote {
                        if state == .fieldStart {
                            state = .quoted
                            quoteLine = line
                            recordHasContent = true
                        } else {
                            throw DataError(file: path, line: line, column: fields.count + 1,
                                            value: String(decoding: field + [quote], as: UTF8.self),
                                            problem: "a double quote inside an unquoted field",
                                            hint: "Enclose the field in double quotes and write each inner quote twice (\"\").")
                        }
                    } else {
                        field.append(byte)
                        recordHasContent = true
                        state = .unquoted
                    }
                case .quoted:
                    if byte == quote {
                        state = .quoteInQuoted
                    } else {
                        if byte == lineFeed { line += 1 }
                        field.append(byte)
                    }
                case .quoteInQuoted:
                    if byte == quote {
                        field.append(quote)
                        state = .quoted
                    } else if byte == delimiter {
                        try finishField()
                        state = .fieldStart
                    } else if byte == lineFeed || byte == carriageReturn {
                        try finishField()
                        try finishRecord()
                        line += 1
                        recordLine = line
                        skipLineFeed = byte == carriageReturn
                    } else {
                        throw DataError(file: path, line: line, column: fields.count + 1,
                                        value: String(decoding: field + [byte], as: UTF8.self),
                                        problem: "text after a closing quote",
                                        hint: "Put the whole field inside the quotes, or write an inner quote as \"\".")
                    }
                }
            }
        }
        switch state {
        case .quoted:
            throw DataError(file: path, line: quoteLine, column: fields.count + 1,
                            value: String(decoding: field.prefix(40), as: UTF8.self),
                            problem: "a quoted field opened here is never closed",
                            hint: "Add the closing double quote.")
        case .unquoted, .quoteInQuoted:
            try finishField()
            try finishRecord()
        case .fieldStart:
            if recordHasContent {
                try finishField()
                try finishRecord()
            }
        }
    }

    /// The number of records (header included), read in bounded memory.
    public func countRecords() throws -> Int {
        var records = 0
        try forEachRecord { _, _ in records += 1 }
        return records
    }
}
