import Foundation

/// The synthetic files a signed report speaks for, as `verify` checks them when no file is
/// named: the path a confidential report recorded, and the file of the report's name beside the
/// report (a report travels with its data; a public report records the name alone), each that
/// exists. Both are checked, so an untouched original never vouches for a changed copy beside
/// the report. A quarantined release's rows are in the quarantine folder, not beside its
/// confidential report: only the recorded path speaks for them. A quarantined public report
/// records no path: the file of its name in `quarantine` beside it speaks for them as well,
/// which is where a release puts them when its report is beside `out` and its config names no
/// quarantine folder.
public enum ReportedSyntheticFile {
    /// The report's synthetic file name, and the existing files it names (none when none is found
    /// or the report records no name).
    public static func locate(report: Data, reportPath: String) -> (name: String?, paths: [String]) {
        let confidential = try? CanonicalJSON.decode(ComplianceReport.self, from: report)
        let recorded = confidential?.decision.syntheticPath
        let published = confidential == nil ? try? CanonicalJSON.decode(PublicReport.self, from: report) : nil
        let name = recorded.map { URL(fileURLWithPath: $0).lastPathComponent } ?? published?.syntheticFile
        guard let name, !name.isEmpty, !name.contains("/") else { return (nil, []) }
        let folder = URL(fileURLWithPath: reportPath).deletingLastPathComponent()
        let beside = folder.appendingPathComponent(name).path
        let besideSpeaks = confidential.map { $0.decision.outcome == .release } ?? true
        let quarantined =
            published?.outcome == .quarantine
            ? [folder.appendingPathComponent("quarantine").appendingPathComponent(name).path] : []
        var paths: [String] = []
        var seen: Set<String> = []
        for path in (recorded.map { [$0] } ?? []) + (besideSpeaks ? [beside] : []) + quarantined
        where FileManager.default.fileExists(atPath: path) {
            // One file reached by two paths (a link, `./`) is checked once.
            if seen.insert(URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path).inserted {
                paths.append(path)
            }
        }
        return (name, paths)
    }
}
