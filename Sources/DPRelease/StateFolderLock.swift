import Foundation

/// An exclusive lock on a release's state folder, held for the whole run: two runs of one
/// config (or of configs whose reports share a folder) would otherwise write the same outputs,
/// reports and saved model at once, and a report could end beside another run's signature.
/// The operating system drops the lock when the process ends, however it ends.
final class StateFolderLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// The lock on `folder`, or a one-line refusal when another run holds it; taken before the
    /// ledger is opened, so a refused run has charged nothing.
    static func acquire(_ folder: URL) throws -> StateFolderLock {
        let path = folder.appendingPathComponent("lock").path
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw ReleaseError(
                "\(path): cannot open the release's lock file (\(String(cString: strerror(errno)))); the state "
                    + "folder holds only files dpsynth writes. Nothing was read into the ledger or charged.")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            close(descriptor)
            guard failure == EWOULDBLOCK else {
                throw ReleaseError(
                    "\(path): cannot lock the release's state folder (\(String(cString: strerror(failure)))); put "
                        + "the report on a file system that takes locks. Nothing was read into the ledger or charged.")
            }
            throw ReleaseError(
                "\(folder.deletingLastPathComponent().path): another release writing this folder is running; wait "
                    + "for it to finish. Nothing was read into the ledger or charged.")
        }
        return StateFolderLock(descriptor: descriptor)
    }
}
