import DPTestSupport
import Foundation
import Testing

@testable import DPData

/// An output that cannot be written is refused before anything is charged.
@Suite struct OutputPathsTests {
    /// An empty path, a path ending in '/', and a pipe that nothing reads, are refused before anything is charged
    /// (a hostile pass: `--out ""` failed after the fit was paid, and a pipe without a reader
    /// waited after it). A pipe with a reader is written in place, and keeps its input open.
    @Test func anEmptyPathAndAPipeWithoutAReaderAreRefused() throws {
        #expect(throws: DataError.self) { try OutputPaths.refuseUnwritable([("--out", "")]) }
        // A trailing slash names a folder: the file was written without it.
        #expect(throws: DataError.self) { try OutputPaths.refuseUnwritable([("--out", "/tmp/rows.csv/")]) }
        let pipe = try CommandRunner.temporaryDirectory().appendingPathComponent("pipe").path
        #expect(mkfifo(pipe, 0o600) == 0)
        #expect {
            try OutputPaths.refuseUnwritable([("--out", pipe)])
        } throws: { error in
            "\(error)".contains("a pipe that nothing reads")
        }
        let reader = open(pipe, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try OutputPaths.refuseUnwritable([("--out", pipe)])
        var byte: UInt8 = 0
        // No end of input: the check's writer is still open, so the read finds nothing yet.
        #expect(read(reader, &byte, 1) == -1 && errno == EAGAIN)
    }

    /// A device that refuses every write (/dev/full) took the output after the run had paid for it
    /// (a hostile pass: `synthesize --out /dev/full` charged its fit, then failed). It is refused
    /// before; a device that takes writes is not.
    @Test func aDeviceThatRefusesWritesIsRefused() throws {
        try #require(FileManager.default.fileExists(atPath: "/dev/full"), "needs Linux's /dev/full")
        #expect {
            try OutputPaths.refuseUnwritable([("--out", "/dev/full")])
        } throws: { error in
            "\(error)".contains("a device that refuses writes")
        }
        try OutputPaths.refuseUnwritable([("--out", "/dev/null")])
    }

    /// A release's output in another release's state folder replaced the model its runs had paid
    /// for (a hostile pass: `out` named the saved model's path). No output goes into a state folder,
    /// by its name or through a link, but the release's own saved model.
    @Test func noOutputGoesIntoAStateFolder() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let state = folder.appendingPathComponent(OutputPaths.stateFolderName)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let link = folder.appendingPathComponent("elsewhere").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: state.path)
        // A link at the output's own name into the state folder leads there too.
        let model = state.appendingPathComponent("model-2.json").path
        try Data("{}".utf8).write(to: URL(fileURLWithPath: model))
        let named = folder.appendingPathComponent("out.csv").path
        try FileManager.default.createSymbolicLink(atPath: named, withDestinationPath: model)
        for path in [state.appendingPathComponent("model-1.json").path, link + "/rows.csv", named] {
            #expect(throws: DataError.self, "\(path)") { try OutputPaths.refuseUnwritable([("out", path)]) }
        }
        try OutputPaths.refuseUnwritable([("model", state.appendingPathComponent("model").path)], intoState: true)
        try OutputPaths.refuseUnwritable([("out", folder.appendingPathComponent("rows.csv").path)])
    }

    /// A folder to be created under a symbolic link to nothing: creating it fails, so the run
    /// would pay for a fit it cannot write. Found by a hostile pass (a release charged its fit
    /// and its gate, then failed).
    @Test func aFolderUnderALinkToNothingIsRefused() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let link = folder.appendingPathComponent("link").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/nonexistent-dpsynth/dir")
        let output = folder.appendingPathComponent("link/inner/s.csv").path
        do {
            try OutputPaths.refuseUnwritable([("out", output)], creatingFolders: true)
            Issue.record("a folder under a link to nothing was accepted")
        } catch let error as DataError {
            #expect(error.description.contains("symbolic link to nothing"), "\(error)")
        }
        // A folder that can be created is accepted.
        try OutputPaths.refuseUnwritable(
            [("out", folder.appendingPathComponent("new/inner/s.csv").path)], creatingFolders: true)
    }
}

extension OutputPathsTests {
    /// An output never replaces a ledger or a signing key, whichever command names it. Found by a
    /// hostile pass: `sample --out ledger.sqlite` replaced the ledger with CSV, and a fresh budget
    /// could then be declared for the same data.
    @Test func aLedgerOrAKeyIsNeverReplaced() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let ledger = folder.appendingPathComponent("ledger.sqlite").path
        try Data("SQLite format 3\0rest of the header".utf8).write(to: URL(fileURLWithPath: ledger))
        let key = folder.appendingPathComponent("release.key").path
        try (String(repeating: "0f", count: 64) + "\n").write(toFile: key, atomically: true, encoding: .utf8)
        let publicKey = folder.appendingPathComponent("release.key.pub").path
        try (String(repeating: "a1", count: 32) + "\n").write(toFile: publicKey, atomically: true, encoding: .utf8)
        // A crash leaves a ledger's rollback journal (or, in WAL mode, its log) beside it: what
        // restores the ledger or holds charges not yet in it.
        let journal = folder.appendingPathComponent("ledger.sqlite-journal").path
        try (Data([0xD9, 0xD5, 0x05, 0xF9, 0x20, 0xA1, 0x63, 0xD7]) + Data(count: 20)).write(
            to: URL(fileURLWithPath: journal))
        let log = folder.appendingPathComponent("ledger.sqlite-wal").path
        try (Data([0x37, 0x7F, 0x06, 0x82]) + Data(count: 28)).write(to: URL(fileURLWithPath: log))
        for (path, kept) in [
            (ledger, "a ledger"), (journal, "a ledger"), (log, "a ledger"), (key, "a signing key"),
            (publicKey, "a signing key"),
        ] {
            do {
                try OutputPaths.refuseUnwritable([("--out", path)])
                Issue.record("\(path) would be replaced")
            } catch let error as DataError {
                #expect(error.description.contains(kept), "\(error)")
            }
            // The writer every output goes through refuses it too, whichever command skipped the
            // early check (evaluate and audit did).
            #expect(throws: DataError.self, "\(path)") { try AtomicFile.write(Data("a,b\n".utf8), to: path) }
        }
        #expect(FileManager.default.contents(atPath: ledger)?.starts(with: Data("SQLite".utf8)) == true)
        // A key pair is replaced by a new key pair only.
        try AtomicFile.write(Data((String(repeating: "ab", count: 64) + "\n").utf8), to: key, replacing: .signingKey)
        #expect(throws: DataError.self) { try AtomicFile.write(Data("k".utf8), to: ledger, replacing: .signingKey) }
        // An earlier output is replaced as before.
        let earlier = folder.appendingPathComponent("synthetic.csv").path
        try "a,b\n1,2\n".write(toFile: earlier, atomically: true, encoding: .utf8)
        try OutputPaths.refuseUnwritable([("--out", earlier)])
    }
}

extension OutputPathsTests {
    /// A folder that takes no new file is refused before anything is charged, even where
    /// `access` says it is writable: for root, /proc (found by a hostile pass, `--model-out
    /// /proc/x` failed after the charge). The check leaves nothing behind in a writable folder.
    @Test func aFolderThatTakesNoFileIsRefusedForRootToo() throws {
        var status = stat()
        try #require(stat("/proc/self", &status) == 0, "needs Linux's /proc")
        #expect(throws: DataError.self) { try OutputPaths.refuseUnwritable([("--model-out", "/proc/dpsynth-model")]) }
        let folder = try CommandRunner.temporaryDirectory()
        // A link to a file is replaced in the folder of the file it leads to (`StagedFiles`).
        let link = folder.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/proc/self/oom_score_adj")
        #expect(throws: DataError.self) { try OutputPaths.refuseUnwritable([("--out", link)]) }
        try FileManager.default.removeItem(atPath: link)
        try OutputPaths.refuseUnwritable([("--out", folder.appendingPathComponent("new.csv").path)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}

extension OutputPathsTests {
    /// In a folder with the sticky bit (/tmp), a file that neither the user nor the folder's
    /// owner owns cannot be renamed over: refused before anything is charged (the rename came
    /// after the charge). Checked for a user other than the one running the test, who owns both.
    @Test func anotherUsersFileInAStickyFolderIsRefused() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let file = folder.appendingPathComponent("synthetic.csv").path
        try "a\n1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let other = geteuid() &+ 4242
        let output = [("--out", Optional(file))]
        try OutputPaths.refuseUnwritable(output, creatingFolders: false, user: other)
        #expect(chmod(folder.path, 0o1777) == 0)
        #expect(throws: DataError.self) {
            try OutputPaths.refuseUnwritable(output, creatingFolders: false, user: other)
        }
        // Its owner (who also owns the folder) and root replace it; a new name is free.
        try OutputPaths.refuseUnwritable(output, creatingFolders: false, user: geteuid())
        try OutputPaths.refuseUnwritable(output, creatingFolders: false, user: 0)
        let fresh = [("--out", Optional(folder.appendingPathComponent("new.csv").path))]
        try OutputPaths.refuseUnwritable(fresh, creatingFolders: false, user: other)
    }
}

extension OutputPathsTests {
    /// A folder to create whose name the file system refuses, or a path longer than the system
    /// takes, is refused before anything is charged (the folder was created after the charge).
    @Test func aPathTooLongToCreateIsRefused() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let longName = folder.appendingPathComponent(String(repeating: "x", count: 300) + "/s.csv").path
        #expect(throws: DataError.self) { try OutputPaths.refuseUnwritable([("out", longName)], creatingFolders: true) }
        let deep = (0..<20).map { _ in String(repeating: "y", count: 250) }.joined(separator: "/")
        let longPath = folder.appendingPathComponent(deep + "/s.csv").path
        #expect(throws: DataError.self) { try OutputPaths.refuseUnwritable([("out", longPath)], creatingFolders: true) }
        let fine = folder.appendingPathComponent(String(repeating: "z", count: 250) + "/s.csv").path
        try OutputPaths.refuseUnwritable([("out", fine)], creatingFolders: true)
    }
}
