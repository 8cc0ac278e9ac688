import Foundation

/// The temporary files writers leave beside a target (`.NAME.tmp-PID-TAG`), and the cleaning of
/// those whose writer is gone: a run killed with SIGKILL or by a power loss cannot remove its
/// own. A file whose process still runs on this machine is left alone; a removed one is named in
/// a warning on standard error, since it may hold synthetic rows nobody released.
public enum StaleTemporaryFiles {
    /// The temporary name for a file named `name`, tagged with this process's id.
    static func name(for name: String) -> String {
        ".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
    }

    /// The most bytes `name(for:)` adds to a name: a dot, `.tmp-`, a process id of up to 7
    /// digits (Linux's largest), a dash and an 8-character tag.
    static let longestAddition = 1 + 5 + 7 + 1 + 8

    /// The longest file name whose temporary the file system takes.
    public static var longestName: Int { Int(NAME_MAX) - longestAddition }

    /// Removes the temporary files for `target` left by processes that no longer exist, and
    /// returns their paths.
    @discardableResult
    public static func sweep(beside target: URL) -> [String] {
        let folder = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent).tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = folder.appendingPathComponent(name).path
            if unlink(path) == 0 {
                removed.append(path)
                Diagnostics.write(
                    "warning: removed \(path), left by an interrupted run (process \(pid) no longer exists)\n")
            }
        }
        return removed
    }
}
