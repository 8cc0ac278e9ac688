import Foundation

/// Where the ledger lives when a command names none: one file per user, so running from another
/// folder never starts a fresh budget. `DPSYNTH_LEDGER` overrides it; otherwise
/// `$XDG_DATA_HOME/dpsynth/ledger.sqlite`, or `~/.local/share/dpsynth/ledger.sqlite`.
public enum LedgerLocation {
    public static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["DPSYNTH_LEDGER"], !path.isEmpty { return path }
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return ((base as NSString).appendingPathComponent("dpsynth") as NSString).appendingPathComponent(
            "ledger.sqlite")
    }

    /// Creates the default ledger's folder (owner-only) when `path` is the default and it is missing.
    public static func prepare(_ path: String) throws {
        guard path == defaultPath else { return }
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
