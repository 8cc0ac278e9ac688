import Foundation

/// A process as the holder of a reservation in a file's ledger: its process id in the low 32
/// bits and, above them, a tag of where that id means something (the machine's boot and the
/// process-id namespace: a container has its own). A file shared between containers, or
/// machines, then never has another's running process taken for a dead one of its own, whose
/// reservation would stop counting while that run still charges under it.
enum LocalHolder {
    /// This process's tag: 30 bits of the BLAKE2b of the boot id and the process-id namespace,
    /// plus one, so that no tag is 0 (the holders written before tags, read as local). Where
    /// either cannot be read, a random tag of this process alone: its holders count as running
    /// wherever they are read, and a gone run's reservation is ended by hand (`ledger release`).
    static let tag: Int64 = {
        let boot = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
        let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")
        guard let boot, let namespace, !boot.isEmpty, !namespace.isEmpty else { return Int64.random(in: 1...(1 << 30)) }
        let digest = Blake2b.hex(Data((boot.trimmingCharacters(in: .whitespacesAndNewlines) + "|" + namespace).utf8))
        return Int64(digest.prefix(8), radix: 16)! % (1 << 30) + 1
    }()

    /// The holder this process writes.
    static var current: Int64 { tag << 32 | Int64(ProcessInfo.processInfo.processIdentifier) }

    /// Whether `holder` may still run: a holder of another tag always may (this process cannot
    /// see it); one of this tag, or untagged, runs while its process id does.
    static func mayRun(_ holder: Int64) -> Bool { !isHere(holder) || runsHere(holder) }

    /// Whether `holder` is a process where this one runs (this tag, or untagged).
    static func isHere(_ holder: Int64) -> Bool { isUntagged(holder) || holder >> 32 == tag }

    /// Whether `holder` was written before tags: a bare process id.
    static func isUntagged(_ holder: Int64) -> Bool { holder >> 32 == 0 }

    /// Whether `holder` is a process where this one runs, and it runs: a zombie (a process that
    /// has ended and waits for its parent to read its status) no longer does.
    static func runsHere(_ holder: Int64) -> Bool {
        let pid = pid_t(truncatingIfNeeded: holder & 0xFFFF_FFFF)
        guard isHere(holder) && pid > 0 && (kill(pid, 0) == 0 || errno == EPERM) else { return false }
        return !hasEnded(pid)
    }

    /// Whether `pid` is a zombie or dead process (its /proc stat state is Z or X).
    static func hasEnded(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        // The state follows the command name, which is in parentheses and may hold spaces.
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state == "Z" || state == "X"
    }
}
