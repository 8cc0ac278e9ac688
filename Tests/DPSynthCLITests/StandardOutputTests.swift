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

    /// Standard output that takes nothing at all (a full device, a closed descriptor) is refused
    /// before the command runs: a `mechanism release` printed to a full device charged, lost its
    /// values, and a retry paid again (a hostile pass). Nothing is charged now.
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
        for output in [try #require(FileHandle(forWritingAtPath: "/dev/full")), nil] {
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
}
