import DPData
import DPLedger
import DPSources
import DPTestSupport
import Foundation
import Testing

/// A file's budget is bound to its content, hashed when a run starts and parsed after: data
/// that is not a regular file, which could give other bytes the second time, is refused.
@Suite struct DataSourceTests {
    @Test func aPipeIsRefusedAsData() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let pipe = folder.appendingPathComponent("data.csv").path
        #expect(mkfifo(pipe, 0o600) == 0)
        // A writer feeds the pipe once, so that a reader that opens it is not left waiting; a
        // reader of our own lets the writer finish when the pipe is refused unread.
        let writer = Thread {
            let handle = open(pipe, O_WRONLY)
            guard handle >= 0 else { return }
            _ = "a\n1\n".withCString { write(handle, $0, 4) }
            close(handle)
        }
        writer.start()
        do {
            _ = try DataSource(pipe, key: "--data").identity()
            Issue.record("a pipe was accepted")
        } catch {
            #expect("\(error)".contains("not a regular file"), "\(error)")
        }
        let release = open(pipe, O_RDONLY | O_NONBLOCK)
        while !writer.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        close(release)
        let file = folder.appendingPathComponent("real.csv").path
        try "a\n1\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try DataSource(file, key: "--data").identity().provenanceHash.count == 64)
    }

    /// Copies of one table saved in other forms (line ends, quoting, a byte-order mark, blank
    /// lines, spaces around values, rows or columns in another order, columns renamed) share its
    /// records' digest, so their fingerprints overlap and their rows read as shared; a value
    /// changed, a row repeated or a column dropped is other data.
    @Test func aCopyInAnotherFormHasTheTablesRecords() throws {
        let folder = try CommandRunner.temporaryDirectory()
        func identity(_ text: [UInt8]) throws -> DataIdentity {
            let file = folder.appendingPathComponent("\(UUID().uuidString).csv")
            try Data(text).write(to: file)
            return try DataSource(file.path, key: "--data").identityRead()
        }
        let table = try identity(Array("age,city\n30,Paris\n41,\"Oslo, N\"\n".utf8))
        // A file's fingerprint names its records: asked for before they are read, it is an error.
        let unread = try DataSource(folder.appendingPathComponent("\(UUID().uuidString).csv").path, key: "--data")
        try "a\n1\n".write(toFile: unread.path!, atomically: true, encoding: .utf8)
        #expect(throws: DataError.self) { _ = try unread.identity().fingerprint }
        let copies = [
            Array("age,city\r\n30,Paris\r\n41,\"Oslo, N\"\r\n".utf8),
            Array("age,city\n41,\"Oslo, N\"\n30,Paris\n".utf8),
            Array("city,age\nParis,30\n\"Oslo, N\",41\n".utf8),
            Array("age , city\n 30,Paris\t\n41 ,\"Oslo, N\"\n".utf8),
            [0xEF, 0xBB, 0xBF] + Array("\"age\",\"city\"\n\n\"30\",\"Paris\"\n41,\"Oslo, N\"".utf8),
            Array("town,years\nParis,30\n\"Oslo, N\",41\n".utf8),
        ]
        for copy in copies {
            let read = try identity(copy)
            #expect(read.provenanceHash != table.provenanceHash)
            #expect(DataFingerprint.sameData(try read.fingerprint, try table.fingerprint) && read.overlaps(table))
        }
        let others = [
            "age,city\n30,Paris\n42,\"Oslo, N\"\n", "age,city\n30,Paris\n41,\"Oslo, N\"\n30,Paris\n",
            "age\n30\n41\n", "age,city\n30,Paris\n41,Oslo N\n",
        ]
        for other in others {
            let read = try identity(Array(other.utf8))
            #expect(
                !DataFingerprint.overlaps(try read.fingerprint, try table.fingerprint) && !read.overlaps(table),
                "\(other)")
        }
    }

    /// The identity of a file holding `text` in `folder`, once read through `schema`.
    func read(_ text: String, through schema: Schema, in folder: URL) throws -> DataIdentity {
        let file = folder.appendingPathComponent("\(UUID().uuidString).csv").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let source = try DataSource(file, key: "--data")
        let identity = try source.identity()
        _ = try source.load(schema: schema, boundTo: identity)
        return identity
    }

    /// The digests a file's fingerprint lists are those of `DataFingerprint.formsVersion`: a change
    /// to how either reads a file must raise that version, or budgets bound by earlier builds
    /// would not know copies of their data (`FormsReview`). When this fails because a digest was
    /// changed on purpose, raise the version and record the new digests here under it.
    @Test func theDigestsOfAFixedFileAreThoseOfTheFormsVersion() throws {
        let schema = try SchemaLoader.parse(
            """
            name: t
            columns:
              - {name: age, kind: integer, lower: 18, upper: 90, bins: 8}
              - {name: flag, kind: categorical, categories: [yes, no]}
            """)
        let identity = try read(
            "age,flag\n30,yes\n41,\n77,no\n", through: schema, in: try CommandRunner.temporaryDirectory())
        let digests = DataFingerprint.elements(try identity.fingerprint).filter { !$0.hasPrefix("file:") }
            .map { $0.hasPrefix("content-") || $0.hasPrefix("codes-") ? String($0) : "(bytes)" }.sorted()
        let byVersion: [Int: [String]] = [
            1: [
                "(bytes)", "codes-b1f31fd53ee4903724d2a1f4a000cafd3256ceda40a9350e28cd305cc46fee30",
                "content-9e49b79130c85b90eaa9af0f16d25e0ca1e45a4c829ed97e60c729442df80bc6",
            ],
            2: [
                "(bytes)", "codes-73f79c574b42ce9f150471ca3f5262459e7c86b9e4f07f4fea5fa70bbb611946",
                "content-9e49b79130c85b90eaa9af0f16d25e0ca1e45a4c829ed97e60c729442df80bc6",
            ],
        ]
        #expect(byVersion[DataFingerprint.formsVersion] == digests, "\(digests)")
    }

    /// Read through a schema, a file's fingerprint names its encoded rows too: a copy whose values
    /// are spelt otherwise but read alike (another missing token, an identifier column dropped,
    /// columns reordered) is the same data; rows coded otherwise are not.
    @Test func theSameEncodedRowsAreTheSameData() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let schema = try SchemaLoader.parse(
            """
            name: t
            columns:
              - {name: id, kind: identifier}
              - {name: age, kind: integer, lower: 18, upper: 90, bins: 8}
              - {name: flag, kind: categorical, categories: [yes, no]}
            """)
        func identity(_ text: String) throws -> DataIdentity { try read(text, through: schema, in: folder) }
        let table = try identity("id,age,flag\n1,30,yes\n2,41,\n")
        let respelt = try identity("flag,age\nyes,30\n?,41\n")
        let other = try identity("id,age,flag\n1,30,yes\n2,89,\n")
        #expect(DataFingerprint.sameData(try respelt.fingerprint, try table.fingerprint) && respelt.overlaps(table))
        #expect(!DataFingerprint.overlaps(try other.fingerprint, try table.fingerprint) && !other.overlaps(table))
    }

    /// A copy with its columns renamed in both the file and the schema took a second budget (its
    /// encoded rows' digest was keyed by the columns' names), as did one with an identifier column
    /// added and a schema that declares an unused category (a hostile pass). Both are the same
    /// data now, whatever the names and the order of the columns; a value changed is not.
    @Test func aCopyWithItsColumnsRenamedIsTheSameData() throws {
        let folder = try CommandRunner.temporaryDirectory()
        func identity(_ text: String, names: [String], categories: String = "[yes, no]") throws -> DataIdentity {
            let schema = try SchemaLoader.parse(
                """
                name: t
                columns:
                  - {name: id, kind: identifier}
                  - {name: \(names[0]), kind: integer, lower: 18, upper: 90, bins: 8}
                  - {name: \(names[1]), kind: categorical, categories: [yes, no]}
                  - {name: \(names[2]), kind: categorical, categories: \(categories)}
                """)
            return try read(text, through: schema, in: folder)
        }
        let table = try identity("age,smoker,insured\n30,yes,no\n41,no,no\n", names: ["age", "smoker", "insured"])
        let renamed = try identity("b,a,c\nno,30,yes\nno,41,no\n", names: ["a", "b", "c"])
        let changed = try identity("b,a,c\nno,30,yes\nyes,41,no\n", names: ["a", "b", "c"])
        let numbered = try identity(
            "id,age,smoker,insured\n1,30,yes,no\n2,41,no,no\n", names: ["age", "smoker", "insured"],
            categories: "[yes, no, unknown]")
        #expect(DataFingerprint.sameData(try renamed.fingerprint, try table.fingerprint) && renamed.overlaps(table))
        #expect(DataFingerprint.sameData(try numbered.fingerprint, try table.fingerprint) && numbered.overlaps(table))
        #expect(!DataFingerprint.overlaps(try changed.fingerprint, try table.fingerprint) && !changed.overlaps(table))
    }

    /// A file replaced (or rewritten) after its identity was taken: rows read under that
    /// identity are refused, whether a generator's table, the holdout's rows or a DP schema
    /// proposal reads them; the unchanged file reads as before.
    @Test func aFileChangedAfterItsIdentityIsRefused() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let file = folder.appendingPathComponent("data.csv").path
        let schema = try SchemaLoader.parse(
            "name: t\ncolumns:\n  - name: a\n    kind: categorical\n    categories: [x, y]\n")
        // With a byte-order mark, which the reader skips and the hash covers.
        try Data([0xEF, 0xBB, 0xBF] + Array("a\nx\ny\n".utf8)).write(to: URL(fileURLWithPath: file))
        let source = try DataSource(file, key: "--data")
        let identity = try source.identity()
        #expect(try source.load(schema: schema, boundTo: identity).rowCount == 2)
        #expect(
            try source.readFile(boundTo: identity) { try TableProfile(path: file, kind: .plain, observer: $0) }.rows
                == 2)

        try "a\nx\nx\n".write(toFile: file, atomically: true, encoding: .utf8)
        let reads: [(String, () throws -> Void)] = [
            ("counts", { _ = try source.table(schema: schema, countsOnly: true, boundTo: identity) }),
            ("rows", { _ = try source.load(schema: schema, boundTo: identity) }),
            (
                "values",
                {
                    _ = try source.readFile(boundTo: identity) {
                        try TableProfile(path: file, kind: .plain, observer: $0)
                    }
                }
            ),
        ]
        for (name, read) in reads {
            do {
                try read()
                Issue.record("\(name): a changed file was read under its old identity")
            } catch let error as DataError {
                #expect(error.description.contains("changed after its fingerprint was taken"), "\(name): \(error)")
            }
        }
    }
}
