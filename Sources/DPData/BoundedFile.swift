import Foundation

/// A whole regular file read through one descriptor, or why not: the file whose type and size
/// are checked is the file read (a path swapped between a check and a read cannot slip past),
/// a pipe is never waited on and a device never read without end, and a file larger than the
/// caller's limit is refused before it is read.
public enum BoundedFile {
    public enum Refusal: Error, Equatable {
        /// The path cannot be opened (absent, or not readable).
        case cannotOpen
        /// A pipe, a device, a folder or a socket.
        case notRegular
        /// More than the caller's limit, when checked or while read.
        case tooLarge
        /// The read failed midway.
        case cannotRead
    }

    /// The bytes of the regular file at `path`, at most `largest` of them; without
    /// `followingLinks`, a link at `path` cannot be opened.
    public static func read(_ path: String, largest: Int, followingLinks: Bool = true) -> Result<Data, Refusal> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followingLinks ? 0 : O_NOFOLLOW))
        guard descriptor >= 0 else { return .failure(.cannotOpen) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            return .failure(.notRegular)
        }
        guard Int(status.st_size) <= largest else { return .failure(.tooLarge) }
        guard let data = try? handle.read(upToCount: largest + 1) ?? Data() else { return .failure(.cannotRead) }
        return data.count <= largest ? .success(data) : .failure(.tooLarge)
    }
}
