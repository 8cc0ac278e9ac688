import DPAccounting
import DPAudit
import Foundation

/// The REASONS.txt a quarantine writes beside its table: why the gate held the rows back, with
/// the audit's advisory findings. Its first line names the table, so a later release removes
/// only the reasons of its own table when another config quarantines into the same folder.
enum QuarantineReasons {
    static let fileName = "REASONS.txt"

    /// The first line, which names the quarantined `table`.
    static func heading(table: String) -> String {
        "Quarantined by dpsynth release: \(OneLine.escaped(table))\n"
    }

    /// The first line a version before the table's name was written (it names no table).
    static let unnamedHeading = "Quarantined by dpsynth release.\n"

    /// The file's text: the gate's `reasons`, then the advisory findings, labelled as computed
    /// on real data.
    static func text(table: String, reasons: [String], advisory: [String]) -> String {
        heading(table: table) + "Decided by the DP release gate:\n" + reasons.map { "- \($0)\n" }.joined()
            + (advisory.isEmpty
                ? ""
                : "Advisory, not part of the decision (\(RealDataNotice.text)):\n"
                    + advisory.map { "- \($0)\n" }.joined())
    }

    /// Whether `path` is a regular file of reasons for `table`: its heading names the table, or
    /// names none (written before headings named tables).
    static func areFor(table: String, at path: String) -> Bool {
        let heading = Data(heading(table: table).utf8)
        let unnamed = Data(unnamedHeading.utf8)
        var status = stat()
        // A pipe or a device is not opened: reading one could wait for ever.
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            let handle = FileHandle(forReadingAtPath: path)
        else { return false }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: max(heading.count, unnamed.count))) ?? Data()
        return start.starts(with: heading) || start.starts(with: unnamed)
    }
}
