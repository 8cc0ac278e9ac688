import DPTestSupport
import Foundation
import Testing

/// What a command prints is part of what it did: output that cannot be written fails the run.
@Suite struct StandardOutputTests {
    /// Printed to a full device, a mechanism's draws were lost and the run exited 0 (a hostile
    /// pass: a `mechanism release` charged, lost its values, and a retry would pay again). Now it
    /// exits 1 and says why; a small output (one value) is lost at the final flush, a large one
    /// on the way.
    @Test func outputThatCannotBeWrittenFailsTheRun() throws {
        var status = stat()
        try #require(stat("/dev/full", &status) == 0, "needs Linux's /dev/full")
        for count in ["1", "100000"] {
            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = [
                "mechanism", "sample", "--kind", "laplace", "--scale", "1", "--count", count, "--seed", "1",
            ]
            let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
            let errors = Pipe()
            process.standardOutput = full
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1, "\(count): \(message)")
            #expect(message.contains("standard output could not be written"), "\(count): \(message)")
        }
    }
}
