import Foundation
import Synchronization

/// The temporary files a process is writing, kept where a signal handler can remove them: a
/// fixed table of C strings allocated once, so `removeAll()` needs no allocation and no lock and
/// may run inside a handler for SIGINT, SIGTERM or a fault. A temporary file can hold synthetic
/// rows or report figures; left behind by an interrupted run it would be an output nobody meant
/// to release.
public enum TemporaryFiles {
    static let slots = 64
    static let width = Int(PATH_MAX) + 1
    nonisolated(unsafe) static let table: UnsafeMutablePointer<CChar> = {
        let table = UnsafeMutablePointer<CChar>.allocate(capacity: slots * width)
        table.initialize(repeating: 0, count: slots * width)
        return table
    }()
    static let lock = NSLock()

    /// Records `path` until `release` is called with the returned slot; nil when the table is full
    /// or the path too long (the file is then only removed by the writer itself).
    public static func register(_ path: String) -> Int? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < width else { return nil }
        lock.lock()
        defer { lock.unlock() }
        for slot in 0..<slots where table[slot * width] == 0 {
            let start = table + slot * width
            for (offset, byte) in bytes.enumerated().dropFirst() { start[offset] = CChar(bitPattern: byte) }
            start[bytes.count] = 0
            // The first byte last, after a fence: a handler never sees a slot in use with a partial path.
            atomicMemoryFence(ordering: .releasing)
            start[0] = CChar(bitPattern: bytes[0])
            return slot
        }
        return nil
    }

    /// Forgets a slot once its file has been renamed into place or removed.
    public static func release(_ slot: Int?) {
        guard let slot else { return }
        lock.lock()
        table[slot * width] = 0
        lock.unlock()
    }

    /// Removes every registered file. Async-signal-safe once `prepare()` has run: reads the
    /// preallocated table and calls unlink.
    public static func removeAll() {
        for slot in 0..<slots where table[slot * width] != 0 {
            atomicMemoryFence(ordering: .acquiring)
            _ = unlink(table + slot * width)
        }
    }

    /// Allocates the table now, so a signal handler that calls `removeAll()` never allocates.
    public static func prepare() {
        _ = table
    }

    /// How many sets of files are moving into place (`StagedFiles.commit`), and a stop signal
    /// that arrived meanwhile. A stop handler may run on any thread, so blocking the signal on
    /// the committing thread is not enough: the handler asks `deferStop` first.
    static let committing = Atomic<Int>(0)
    static let pendingStop = Atomic<Int32>(0)

    /// Marks the start of a commit: stop signals wait until `endCommit`.
    public static func beginCommit() {
        committing.add(1, ordering: .sequentiallyConsistent)
    }

    /// Marks the end of a commit and delivers a stop signal that waited for it.
    public static func endCommit() {
        let left = committing.subtract(1, ordering: .sequentiallyConsistent).newValue
        guard left == 0 else { return }
        let signal = pendingStop.exchange(0, ordering: .sequentiallyConsistent)
        if signal != 0 { raise(signal) }
    }

    /// For a stop handler: true when a commit is under way and the signal was recorded for
    /// `endCommit` to deliver (the handler then returns); false when the handler should stop the
    /// process now. Async-signal-safe (atomics only).
    public static func deferStop(_ signal: Int32) -> Bool {
        guard committing.load(ordering: .sequentiallyConsistent) > 0 else { return false }
        pendingStop.store(signal, ordering: .sequentiallyConsistent)
        // The commit may have ended between the check and the store, after `endCommit` looked
        // for a waiting signal: then nobody would deliver it, so stop now (the set is complete).
        return committing.load(ordering: .sequentiallyConsistent) > 0
    }
}
