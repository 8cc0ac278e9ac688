import Foundation

/// Whether a descriptor would take output, asked without writing any: a write of nothing, which
/// a full device (/dev/full) or a descriptor closed or open for reading only refuses, and for a
/// pipe or socket, whether anything still reads it (a write of nothing succeeds on a pipe without
/// a reader). Checked before a run pays for output it could not deliver.
public enum WriteProbe {
    /// Why `descriptor` would refuse output, or nil when it would take it.
    public static func refusal(of descriptor: Int32) -> String? {
        var nothing: UInt8 = 0
        if write(descriptor, &nothing, 0) < 0, errno != EAGAIN, errno != EINTR {
            return String(cString: strerror(errno))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        let type = status.st_mode & S_IFMT
        guard type == S_IFIFO || type == S_IFSOCK else { return nil }
        var poll = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard Glibc.poll(&poll, 1, 0) == 1, poll.revents & Int16(POLLERR | POLLHUP) != 0 else { return nil }
        return "nothing reads it"
    }
}
