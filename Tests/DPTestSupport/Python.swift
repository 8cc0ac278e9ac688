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

extension Python {
    /// Makes the SQLite ledger at `path` as a build before forms reviews left it (schema version
    /// 2, no forms version, no review table), with Python's own sqlite3; returns its exit status.
    public static func makeLedgerOfAnEarlierBuild(_ path: String) throws -> Int32 {
        try run(
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "db.execute(\"DELETE FROM meta WHERE key = 'forms_version'\"); "
                + "db.execute('DROP TABLE forms_review'); "
                + "db.execute(\"UPDATE meta SET value = '2' WHERE key = 'schema_version'\"); db.commit()",
            [path])
    }
}
