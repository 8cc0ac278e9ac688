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
        #expect(try CommitJournal.finish(path, targets: [target]) == .init(listed: 1, made: 1))
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(!FileManager.default.fileExists(atPath: path) && !FileManager.default.fileExists(atPath: staged))
        #expect(try CommitJournal.finish(path, targets: [target]) == nil)
    }

    /// A journal edited to move another file (a key, the training table) over an output, or a
    /// staged-looking file over a file the caller does not write, moves nothing: each entry must
    /// be a regular staged file beside its own target, one of the caller's outputs.
    @Test func aJournalNamingOtherFilesMovesNothing() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let other = folder.appendingPathComponent("train.csv").path
        try Data("private\n".utf8).write(to: URL(fileURLWithPath: other))
        let out = folder.appendingPathComponent("out.csv").path
        let elsewhere = try CommandRunner.temporaryDirectory().appendingPathComponent(".out.csv.tmp-1-x").path
        let planted = folder.appendingPathComponent(".train.csv.tmp-1-x").path
        try Data("planted\n".utf8).write(to: URL(fileURLWithPath: planted))
        let linked = folder.appendingPathComponent(".out.csv.tmp-2-y").path
        try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: other)
        for rename in [
            CommitJournal.Rename(temporary: other, target: out),
            CommitJournal.Rename(temporary: elsewhere, target: out),
            CommitJournal.Rename(temporary: planted, target: other),
            CommitJournal.Rename(temporary: linked, target: out),
        ] {
            let path = try journal([rename], in: folder)
            #expect(throws: DataError.self) { try CommitJournal.finish(path, targets: [out]) }
            #expect(try String(contentsOfFile: other, encoding: .utf8) == "private\n")
            #expect(!FileManager.default.fileExists(atPath: out))
        }
    }
}
