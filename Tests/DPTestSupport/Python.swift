import Foundation

/// Runs a Python 3 program, as tests that edit a ledger behind dpsynth's back do (Python's own
/// sqlite3 module, not dpsynth's code).
public enum Python {
    /// Runs `program` with `arguments` (its `sys.argv[1...]`) to completion; returns its exit status.
    public static func run(_ program: String, _ arguments: [String]) throws -> Int32 {
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", program] + arguments
        try python.run()
        python.waitUntilExit()
        return python.terminationStatus
    }
}
