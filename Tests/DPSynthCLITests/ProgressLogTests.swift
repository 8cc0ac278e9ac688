import DPTestSupport
import Foundation
import Testing

/// A long run whose standard error is not a terminal still reports progress: timestamped lines
/// at the set interval (here 0.1 s instead of 10 s), naming the step, with no data value. AIM at
/// epsilon 10 (many rounds before its noise stops shrinking) with a final estimate as long as
/// 10,000 mirror-descent iterations runs for several intervals.
@Suite struct ProgressLogTests {
    @Test func aLongRunLogsTimestampedProgressWhenNotOnATerminal() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let rows = (0..<3000).map { index in
            (0..<6).map { column in String((index * (column + 3) + index / 7) % 9) }.joined(separator: ",")
        }
        let data = folder.appendingPathComponent("t.csv").path
        try (["a,b,c,d,e,f"] + rows).joined(separator: "\n").appending("\n")
            .write(toFile: data, atomically: true, encoding: .utf8)
        let schema = folder.appendingPathComponent("t.yaml").path
        try ("name: t\ncolumns:\n" + "abcdef".map { "  - {name: \($0), kind: coded, levels: 9}\n" }.joined())
            .write(toFile: schema, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run(
            [
                "synthesize", "--method", "aim", "--data", data, "--schema", schema, "--epsilon", "10", "--rows", "100",
                "--out", folder.appendingPathComponent("s.csv").path, "--ledger",
                folder.appendingPathComponent("l.sqlite").path, "--init-budget", "--iterations", "10000",
            ], environment: ["DPSYNTH_PROGRESS_SECONDS": "0.1"])
        #expect(result.status == 0, "\(result)")
        let lines = result.standardError.split(separator: "\n").filter { $0.hasPrefix("dpsynth: 20") }
        #expect(!lines.isEmpty, "\(result.standardError)")
        // Every line names its step (AIM's fit, or sampling and writing the rows) and the time.
        #expect(
            lines.allSatisfy { ($0.contains("[aim]") || $0.contains("sampling")) && $0.contains("s elapsed") },
            "\(lines)")
        #expect(lines.contains { $0.contains("[aim]") }, "\(lines)")
        #expect(!result.standardError.contains("\u{1B}["), "no terminal control codes in a log")
    }
}
