import DPTestSupport
import Foundation
import Testing

/// A crash prints one fixed line: no registers, no stack, no value the process held.
@Suite struct CrashOutputTests {
    @Test func aTrapShowsNoValueItHeld() throws {
        let planted = 1_700_000_000_000_000_123
        let result = try CommandRunner.run(["crash-test", "--value", "\(planted)"])
        #expect(result.status == 70, "\(result.standardError)")
        #expect(result.standardError.contains("internal error"))
        for form in ["\(planted)", String(planted, radix: 16), String(planted, radix: 16, uppercase: true)] {
            #expect(!result.standardError.contains(form), "crash output holds \(form)")
            #expect(!result.standardOutput.contains(form))
        }
        // Nothing else: the runtime's report (registers, frames, images) is not printed.
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
    }

    /// The runtime's report of a failed allocation names its size, which can be a figure of the
    /// private data (one code per row is a row count): it never reaches the user.
    @Test func aFailedAllocationShowsNoSize() throws {
        let planted = 1_700_000_000_000_000_123
        let result = try CommandRunner.run(["crash-test", "--value", "\(planted)", "--allocate"])
        #expect(result.status == 70, "\(result.standardError)")
        #expect(!result.standardError.contains("\(planted)"), "\(result.standardError)")
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
    }

    /// A file being written when the process is interrupted (SIGTERM, SIGINT, and signals such
    /// as SIGUSR1 and SIGALRM that ended it with the file in place) or crashes is removed before
    /// the process exits: no partial output is left behind.
    @Test(arguments: ["TERM", "INT", "USR1", "ALRM", nil] as [String?])
    func anInterruptedRunLeavesNoTemporaryFile(signal: String?) throws {
        let folder = try CommandRunner.temporaryDirectory()
        let arguments =
            ["crash-test", "--value", "1700000000000000123", "--write-into", folder.path]
            + (signal.map { ["--signal", $0] } ?? [])
        let result = try CommandRunner.run(arguments)
        let numbers = ["TERM": SIGTERM, "INT": SIGINT, "USR1": SIGUSR1, "ALRM": SIGALRM]
        let expected: Int32 = signal.map { 128 + numbers[$0]! } ?? 70
        #expect(result.status == expected, "\(result)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        #expect(result.standardError.split(separator: "\n").count == 1, "\(result.standardError)")
    }

    /// SIGTERM sent, from another thread, while a set of files is moving into place: the set
    /// completes first, then the process stops with 128 + SIGTERM (the handler used to stop it
    /// between the two renames, leaving one new file beside an old one).
    @Test func aStopDuringACommitWaitsForTheWholeSet() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let result = try CommandRunner.run([
            "crash-test", "--value", "1700000000000000123", "--write-into", folder.path, "--during-commit",
        ])
        #expect(result.status == 128 + SIGTERM, "\(result)")
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(names == ["output.csv", "report.json"], "\(names)")
    }

    /// A writer killed between two renames (SIGKILL cannot wait) left one new file beside an old
    /// one for good; its journal lets the next writer of the folder finish the set first.
    @Test func aSetKilledBetweenTwoRenamesIsFinishedByTheNextRun() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let journal = folder.appendingPathComponent("commit.json").path
        func run(_ value: Int, _ extra: [String]) throws -> CommandRunner.Result {
            try CommandRunner.run(
                ["crash-test", "--value", "\(value)", "--write-into", folder.path, "--journal", journal] + extra)
        }
        let killed = try run(7, ["--kill-during-commit"])
        #expect(killed.status != 0, "\(killed)")
        let report = folder.appendingPathComponent("report.json").path
        #expect(try String(contentsOf: folder.appendingPathComponent("output.csv"), encoding: .utf8) == "7\n")
        #expect(!FileManager.default.fileExists(atPath: report))
        #expect(FileManager.default.fileExists(atPath: journal))
        // The next run finishes the killed one's set before it stages its own (stopped here).
        let next = try run(8, ["--signal", "TERM"])
        #expect(next.status == 128 + SIGTERM && next.standardError.contains("finished an interrupted commit"))
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        #expect(names == ["output.csv", "report.json"], "\(names)")
        #expect(try String(contentsOfFile: report, encoding: .utf8) == "{\"rows\": 7}\n")
    }
}
