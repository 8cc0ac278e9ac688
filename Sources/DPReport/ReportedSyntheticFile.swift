import Foundation

/// The synthetic file a signed report speaks for, as `verify` checks it when no file is named:
/// the path a confidential report recorded, when it exists; otherwise the file of the report's
/// name beside the report (a report travels with its data; a public report records the name
/// alone).
public enum ReportedSyntheticFile {
    /// The report's synthetic file name, and the existing file it names (nil when none is found,
    /// or when the report records no name).
    public static func locate(report: Data, reportPath: String) -> (name: String?, path: String?) {
        let recorded = (try? CanonicalJSON.decode(ComplianceReport.self, from: report))?.decision.syntheticPath
        if let recorded, FileManager.default.fileExists(atPath: recorded) {
            return (URL(fileURLWithPath: recorded).lastPathComponent, recorded)
        }
        let name =
            recorded.map { URL(fileURLWithPath: $0).lastPathComponent }
            ?? (try? CanonicalJSON.decode(PublicReport.self, from: report))?.syntheticFile
        guard let name, !name.isEmpty, !name.contains("/") else { return (nil, nil) }
        let beside = URL(fileURLWithPath: reportPath).deletingLastPathComponent().appendingPathComponent(name).path
        return (name, FileManager.default.fileExists(atPath: beside) ? beside : nil)
    }
}
