import DPTestSupport
import Foundation
import Testing

@testable import DPData

/// `CommitJournal.finish` moves only staged files onto their own targets.
@Suite struct CommitJournalTests {
    func journal(_ renames: [CommitJournal.Rename], in folder: URL) throws -> String {
        let path = folder.appendingPathComponent("commit.json").path
        try JSONEncoder().encode(renames).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aStagedFileIsMovedOntoItsTarget() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let staged = folder.appendingPathComponent(".out.csv.tmp-99-abcdef12").path
        let target = folder.appendingPathComponent("out.csv").path
        try Data("new\n".utf8).write(to: URL(fileURLWithPath: staged))
        let path = try journal([.init(temporary: staged, target: target)], in: folder)
        #expect(try CommitJournal.finish(path))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(!FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: staged))
        #expect(try !CommitJournal.finish(path))
    }

    /// A journal edited to move another file (a key, the training table) over an output moves
    /// nothing: each entry must be a staged name beside its own target.
    @Test func aJournalNamingOtherFilesMovesNothing() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let other = folder.appendingPathComponent("train.csv").path
        try Data("private\n".utf8).write(to: URL(fileURLWithPath: other))
        let elsewhere = try CommandRunner.temporaryDirectory().appendingPathComponent(".out.csv.tmp-1-x").path
        for rename in [
            CommitJournal.Rename(temporary: other, target: folder.appendingPathComponent("out.csv").path),
            CommitJournal.Rename(temporary: elsewhere, target: folder.appendingPathComponent("out.csv").path),
            CommitJournal.Rename(
                temporary: folder.appendingPathComponent(".train.csv.tmp-1-x").path, target: other + "/.."),
        ] {
            let path = try journal([rename], in: folder)
            #expect(throws: DataError.self) { try CommitJournal.finish(path) }
            #expect(try String(contentsOfFile: other, encoding: .utf8) == "private\n")
        }
    }
}
