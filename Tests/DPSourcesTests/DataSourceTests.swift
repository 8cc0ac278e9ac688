import DPData
import DPSources
import DPTestSupport
import Foundation
import Testing

/// A file's budget is bound to its content, hashed when a run starts and parsed after: data
/// that is not a regular file, which could give other bytes the second time, is refused.
@Suite struct DataSourceTests {
    @Test func aPipeIsRefusedAsData() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let pipe = folder.appendingPathComponent("data.csv").path
        #expect(mkfifo(pipe, 0o600) == 0)
        // A writer feeds the pipe once, so that a reader that opens it is not left waiting; a
        // reader of our own lets the writer finish when the pipe is refused unread.
        let writer = Thread {
            let handle = open(pipe, O_WRONLY)
            guard handle >= 0 else { return }
            _ = "a\n1\n".withCString { write(handle, $0, 4) }
            close(handle)
        }
        writer.start()
        do {
            _ = try DataSource(pipe, key: "--data").identity()
            Issue.record("a pipe was accepted")
        } catch let error as DataError {
            #expect(error.description.contains("not a regular file"), "\(error)")
        }
        let release = open(pipe, O_RDONLY | O_NONBLOCK)
        while !writer.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        close(release)
        let file = folder.appendingPathComponent("real.csv").path
        try "a\n1\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try DataSource(file, key: "--data").identity().fingerprint.count == 64)
    }
}
