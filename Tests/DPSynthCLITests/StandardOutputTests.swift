import DPTestSupport
import Foundation
import Testing

/// What a command prints is part of what it did: output that cannot be written fails the run.
@Suite struct StandardOutputTests {
    /// Runs dpsynth with `arguments`, its standard output given by `output` (a file handle), or
    /// closed when nil; returns the exit status and standard error.
    func run(_ arguments: [String], output: FileHandle?) throws -> (status: Int32, message: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments =
            ["-c", output == nil ? #"exec "$0" "$@" >&-"# : #"exec "$0" "$@""#, CommandRunner.executable.path]
            + arguments
        if let output { process.standardOutput = output }
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, message)
    }

    /// Standard output that takes nothing at all (a full device, a closed descriptor, a pipe
    /// nothing reads) is refused before the command runs: a `mechanism release` printed to a full
    /// device charged, lost its values, and a retry paid again (a hostile pass). Nothing is
    /// charged now.
    @Test func standardOutputThatTakesNothingIsRefusedBeforeTheCharge() throws {
        var status = stat()
        try #require(stat("/dev/full", &status) == 0, "needs Linux's /dev/full")
        let ledger = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let declared = try CommandRunner.run([
            "ledger", "init", "--ledger", ledger, "--dataset", "d", "--epsilon", "1", "--delta", "0",
        ])
        #expect(declared.status == 0, "\(declared)")
        let release = [
            "mechanism", "release", "--ledger", ledger, "--dataset", "d", "--kind", "laplace", "--scale", "10",
            "--values", "1,2",
        ]
        // A pipe whose reader is gone takes a write of nothing, and is refused as unread.
        let unread = Pipe()
        try unread.fileHandleForReading.close()
        for output in [try #require(FileHandle(forWritingAtPath: "/dev/full")), nil, unread.fileHandleForWriting] {
            let (exit, message) = try run(release, output: output)
            #expect(exit == 1, "\(message)")
            #expect(message.contains("standard output cannot be written"), "\(message)")
        }
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", ledger, "--dataset", "d", "--json"])
        #expect(shown.status == 0 && !shown.standardOutput.contains("\"mechanism\""), "\(shown)")
    }

    /// Output that fails on the way (its reader gone after the first bytes) fails the run with
    /// exit status 1 and says the printed output is lost.
    @Test func outputThatFailsOnTheWayFailsTheRun() throws {
        let pipe = Pipe()
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = [
            "mechanism", "sample", "--kind", "laplace", "--scale", "1", "--count", "100000", "--seed", "1",
        ]
        let errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        // The reader takes the first bytes and goes; far more than a pipe holds is still to come.
        _ = try pipe.fileHandleForReading.read(upToCount: 1)
        try pipe.fileHandleForReading.close()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(message)")
        #expect(message.contains("standard output could not be written"), "\(message)")
    }

    /// A synthesize run whose standard output's reader left once the run had started (`| true`)
    /// exited 1 after its rows were written and charged, so a script would retry and pay again (a
    /// hostile pass). Its summary is lost, said in a warning, and the run exits 0.
    @Test func aSummaryLostAfterTheFilesAreWrittenIsAWarning() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let (data, schema) = try CodedPairTable.write(rows: 300, in: folder)
        let out = folder.appendingPathComponent("s.csv").path
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = [
            "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "1", "--delta", "1e-6",
            "--rows", "500000", "--out", out, "--ledger", folder.appendingPathComponent("l.sqlite").path,
            "--init-budget", "--seed", "1",
        ]
        let (output, errors) = (Pipe(), Pipe())
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // The seeded run's first note comes once the output was checked and the budget opened:
        // the reader leaves then, while the fit and half a million rows are still to come.
        var message = Data()
        while !String(decoding: message, as: UTF8.self).contains("\n") {
            let piece = errors.fileHandleForReading.availableData
            if piece.isEmpty { break }
            message += piece
        }
        try output.fileHandleForReading.close()
        message += errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: message, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("its summary is lost"), "\(text)")
        #expect(FileManager.default.fileExists(atPath: out))
    }
}
