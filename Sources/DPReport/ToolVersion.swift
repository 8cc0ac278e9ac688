import Foundation

/// The version of dpsynth and the git commit of the checkout it was built from.
public enum ToolVersion {
    public static let current = "0.2.0"

    /// `git rev-parse HEAD` in the checkout this file was compiled from (not the user's working
    /// directory), or "unknown" when that checkout is not on this machine.
    public static func gitCommit(sourceFile: String = #filePath) -> String {
        let checkout = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: checkout) else { return "unknown" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", checkout, "rev-parse", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "unknown" }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }
}
