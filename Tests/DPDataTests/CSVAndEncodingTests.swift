import DPRandomness
import DPTestSupport
import Foundation
import Testing

@testable import DPData

@Suite struct CSVAndEncodingTests {
    func write(_ text: String) throws -> String {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("t.csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func records(_ path: String) throws -> [(Int, [String])] {
        var out: [(Int, [String])] = []
        try CSVReader(path: path).forEachRecord { out.append(($0, $1)) }
        return out
    }

    /// A file of one endless record (a device read as a file, a file without line ends) is
    /// refused once the record passes the reader's limit, not held whole: 17 MB of one line, and
    /// 2^20 + 1 empty fields on the second line.
    @Test func aRecordBeyondTheLimitIsRefusedNotHeld() throws {
        let long = try write("a\n" + String(repeating: "x", count: CSVParser.largestRecordBytes + (1 << 20)))
        let commas = try write("a\n" + String(repeating: ",", count: CSVParser.mostFields + 1))
        for path in [long, commas] {
            do {
                _ = try records(path)
                Issue.record("\(path) was read")
            } catch let error as DataError {
                #expect(error.description.contains(":2: a record longer than 16 MB"), "\(error)")
            }
        }
    }

    @Test func readsRFC4180QuotingCRLFAndBOM() throws {
        let path = try write("\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n,,\r\nlast,row,end")
        let rows = try records(path)
        #expect(rows.count == 4)
        #expect(rows[0].1 == ["a", "b", "c"])
        #expect(rows[1].1 == ["x, y", "say \"hi\"", "two\r\nlines"])
        #expect(rows[2].0 == 4 && rows[2].1 == ["", "", ""])
        #expect(rows[3].0 == 5 && rows[3].1 == ["last", "row", "end"])
    }

    @Test func skipsEmptyLinesButKeepsLineNumbers() throws {
        let rows = try records(try write("a\n\n1\n\n\n2\n"))
        #expect(rows.map(\.0) == [1, 3, 6])
    }

    @Test func writerOutputReadsBackToTheSameCodes() throws {
        let schema = try SchemaLoader.parse(
            """
            columns:
              - {name: city, kind: categorical, categories: ["New York, NY", "say \\"x\\"", plain]}
              - {name: n, kind: integer, lower: -5, upper: 5}
              - {name: wide, kind: integer, lower: 0, upper: 999, bins: 7}
              - {name: r, kind: real, lower: -1, upper: 3, edges: [-1, 0, 0.5, 3]}
              - {name: c, kind: coded, levels: 4}
              - {name: id, kind: identifier}
            """)
        let source = RandomSource.seeded(31)
        let rows = 500
        let codes = schema.encodedColumns.map { column in
            (0..<rows).map { _ in UInt16(source.uniform(below: UInt64(column.domainSize))) }
        }
        let original = EncodedDataset(schema: schema, codes: codes)
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("out.csv").path
        try CSVWriter.write(original, to: path, source: source)
        var readSchema = schema
        readSchema.columns.removeLast()
        let reread = try DatasetLoader.load(csv: path, schema: readSchema)
        #expect(reread.codes == original.codes)
    }

    @Test func integerBinsPartitionTheRange() {
        for (lower, upper, count) in [(0, 999, 7), (-5, 5, 11), (17, 90, 15), (0, 3, 4)] {
            var seen = [Int](repeating: 0, count: count)
            for value in lower...upper {
                let bin = ColumnCodec.integerBin(value, lower: lower, upper: upper, binning: .equalWidth(count: count))
                seen[bin] += 1
                let (first, last) = ColumnCodec.integerRange(
                    ofBin: bin, lower: lower, upper: upper, binning: .equalWidth(count: count))
                #expect(first <= value && value <= last)
            }
            #expect(seen.allSatisfy { $0 > 0 })
        }
    }

    @Test func streamingCountUsesBoundedMemory() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("big.csv").path
        let line = String(repeating: "12345,abcdef,\"q,q\"\n", count: 10_000)
        let handle = try FileHandle(
            forWritingTo: {
                FileManager.default.createFile(atPath: path, contents: nil)
                return URL(fileURLWithPath: path)
            }())
        for _ in 0..<30 { handle.write(Data(line.utf8)) }
        try handle.close()
        #expect(try CSVReader(path: path).countRecords() == 300_000)
    }
}

@Suite struct HeaderlessInputTests {
    @Test func headerlessFilesUseTheSchemaOrder() throws {
        // Found by the CSV fuzzer: the header-less path once indexed an empty field map.
        let schema = try SchemaLoader.parse(
            "columns:\n  - {name: a, kind: coded, levels: 3}\n  - {name: b, kind: identifier}\n"
                + "  - {name: c, kind: categorical, categories: [x, y]}"
        )
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("h.csv").path
        try "2,id9,y\n0,id3,x\n".write(toFile: path, atomically: true, encoding: .utf8)
        let data = try DatasetLoader.load(csv: path, schema: schema, options: .init(hasHeader: false))
        #expect(data.codes == [[2, 0], [1, 0]])
    }
}

@Suite struct AtomicFileTests {
    @Test func replacesARegularFileWhole() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("out.json").path
        try AtomicFile.write(Data("first, longer content".utf8), to: path)
        try AtomicFile.write(Data("second".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        let leftovers = try FileManager.default.contentsOfDirectory(
            atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["out.json"])
    }

    /// `--out /dev/null` once replaced the device with a regular file (a rename over it). The test
    /// writes through a link to /dev/null, so a regression replaces the link, not the device.
    @Test func writesIntoADeviceInsteadOfReplacingIt() throws {
        let link = try CommandRunner.temporaryDirectory().appendingPathComponent("null").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/dev/null")
        try AtomicFile.write(Data("discarded".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "/dev/null")
    }

    @Test func aLinkToAFileKeepsTheLinkAndReplacesTheFile() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let target = folder.appendingPathComponent("real.csv").path
        let link = folder.appendingPathComponent("link.csv").path
        try AtomicFile.write(Data("old".utf8), to: target)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try AtomicFile.write(Data("new".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
    }

    @Test func aFolderIsRefused() throws {
        let folder = try CommandRunner.temporaryDirectory().path
        #expect(throws: DataError.self) { try AtomicFile.write(Data("x".utf8), to: folder) }
    }
}
