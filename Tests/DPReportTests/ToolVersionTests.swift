import DPTestSupport
import Foundation
import Testing

@testable import DPReport

/// The report's git commit comes from the checkout dpsynth was compiled from, never from the
/// directory the user runs it in.
@Suite struct ToolVersionTests {
    @Test func commitIsReadWhereTheSourceIsNotInTheWorkingDirectory() throws {
        let plain = try CommandRunner.temporaryDirectory()
        // The tests run inside a checkout, yet a source path outside any repository gives "unknown".
        #expect(
            ToolVersion.gitCommit(sourceFile: plain.appendingPathComponent("Sources/ToolVersion.swift").path)
                == "unknown")
        #expect(ToolVersion.gitCommit(sourceFile: plain.appendingPathComponent("ToolVersion.swift").path) == "unknown")
        let repository = try CommandRunner.temporaryDirectory()
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = [
            "sh", "-c", "git init -q && git -c user.name=t -c user.email=t@example.org commit -q --allow-empty -m t",
        ]
        git.currentDirectoryURL = repository
        try git.run()
        git.waitUntilExit()
        try #require(git.terminationStatus == 0, "git is needed for this test")
        let commit = ToolVersion.gitCommit(sourceFile: repository.appendingPathComponent("ToolVersion.swift").path)
        #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit), "\(commit)")
    }
}
