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
}
