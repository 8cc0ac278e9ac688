import DPData
import DPTestSupport
import Foundation
import Testing

/// Outputs written as one set: all new files or none, no temporary left behind, and stale
/// temporary files of killed runs removed with a warning.
@Suite struct StagedFilesTests {
    struct Stop: Error {}

    func contents(_ folder: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }

    @Test func aSetAppearsWhole() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let files = StagedFiles()
        try files.add(Data("a".utf8), to: folder.appendingPathComponent("a.csv").path)
        try files.add(Data("b".utf8), to: folder.appendingPathComponent("b.json").path)
        #expect(try contents(folder).keys.allSatisfy { $0.hasPrefix(".") }, "nothing in place before the commit")
        try files.commit()
        #expect(try contents(folder) == ["a.csv": "a", "b.json": "b"])
    }

    /// A special file that refuses its bytes (a full device) fails the commit before any regular
    /// file of the set is in place (a release to /dev/full left its reports naming it).
    @Test func aSpecialFileThatRefusesLeavesNoRegularFileInPlace() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"), "needs Linux's /dev/full")
        let folder = try CommandRunner.temporaryDirectory()
        let files = StagedFiles()
        try files.add(Data("a".utf8), to: folder.appendingPathComponent("report.json").path)
        try files.add(Data("rows".utf8), to: "/dev/full")
        #expect(throws: DataError.self) { try files.commit() }
        #expect(try contents(folder).isEmpty)
    }

    /// A file written piece by piece appears whole at the commit; a body that fails leaves the
    /// old file and no temporary file.
    @Test func aStreamedFileAppearsWholeAndAFailedOneLeavesTheOldFile() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let target = folder.appendingPathComponent("big.csv").path
        let piece = String(repeating: "0123456789,", count: 10_000) + "\n"
        let files = StagedFiles()
        try files.add(to: target) { writer in for _ in 0..<300 { writer.write(piece) } }
        #expect(!FileManager.default.fileExists(atPath: target))
        try files.commit()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == String(repeating: piece, count: 300))
        let failing = StagedFiles()
        #expect(throws: Stop.self) {
            try failing.add(to: target) { writer in
                writer.write("partial")
                throw Stop()
            }
        }
        #expect(try contents(folder) == ["big.csv": String(repeating: piece, count: 300)])
    }

    /// A file that appears at a target after the target was checked and staged (another writer's,
    /// a ledger created there) was replaced by the commit's rename. It is kept now, and no file of
    /// the set is moved: one at a target that had none, and a kept file at a target that had
    /// another file.
    @Test func aFileThatAppearedSinceTheCheckIsNotReplaced() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let rows = folder.appendingPathComponent("rows.csv").path
        let report = folder.appendingPathComponent("report.json").path
        try "old report".write(toFile: report, atomically: true, encoding: .utf8)
        let ledger = Data("SQLite format 3\0 a ledger".utf8)
        for target in [rows, report] {
            let files = StagedFiles()
            try files.add(Data("report".utf8), to: report)
            try files.add(Data("rows".utf8), to: rows)
            #expect(throws: DataError.self) {
                try files.commit(beforeRename: { try? ledger.write(to: URL(fileURLWithPath: target)) })
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == ledger, "\(target)")
            #expect(try !contents(folder).values.contains { $0 == "rows" || $0 == "report" }, "\(target)")
            try? FileManager.default.removeItem(atPath: rows)
            try "old report".write(toFile: report, atomically: true, encoding: .utf8)
        }
    }

    /// A set that fails before its commit (or is dropped) leaves the old files as they were and no
    /// temporary file.
    @Test func aFailedSetLeavesTheOldFiles() throws {
        let folder = try CommandRunner.temporaryDirectory()
        try "old a".write(to: folder.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
        try "old b".write(to: folder.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
        let files = StagedFiles()
        try files.add(Data("new a".utf8), to: folder.appendingPathComponent("a.csv").path)
        try files.add(Data("new b".utf8), to: folder.appendingPathComponent("b.json").path)
        #expect(throws: Stop.self) { try files.commit(beforeRename: { throw Stop() }) }
        #expect(try contents(folder) == ["a.csv": "old a", "b.json": "old b"])
        do {
            let dropped = StagedFiles()
            try dropped.add(Data("new a".utf8), to: folder.appendingPathComponent("a.csv").path)
        }
        #expect(try contents(folder) == ["a.csv": "old a", "b.json": "old b"])
    }

    /// A temporary file whose process no longer exists (a run killed with SIGKILL) is removed by
    /// the next write beside it; one of a running process (here this one) is left alone.
    @Test func staleTemporaryFilesOfKilledRunsAreRemoved() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = finished.processIdentifier
        let alive = ProcessInfo.processInfo.processIdentifier
        let stale = ".out.csv.tmp-\(dead)-0badf00d"
        let live = ".out.csv.tmp-\(alive)-0badf00d"
        let other = ".other.csv.tmp-\(dead)-0badf00d"
        for name in [stale, live, other] {
            try "rows".write(to: folder.appendingPathComponent(name), atomically: false, encoding: .utf8)
        }
        try AtomicFile.write(Data("new".utf8), to: folder.appendingPathComponent("out.csv").path)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(names == ["out.csv", live, other], "\(names)")
    }
}
