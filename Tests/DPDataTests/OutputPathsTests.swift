import DPTestSupport
import Foundation
import Testing

@testable import DPData

/// An output that cannot be written is refused before anything is charged.
@Suite struct OutputPathsTests {
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
