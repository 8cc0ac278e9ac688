import Foundation

/// Where a `StagedFiles` body writes one file's bytes: appended to the temporary file as they
/// come (through a buffer of `bufferSize`), synced when the body ends.
public final class StagedFileWriter {
    static let bufferSize = 1 << 20

    private let descriptor: Int32?
    private(set) var buffer = Data()
    private var failed: POSIXError?
    private var closed = false

    init(descriptor: Int32?) {
        self.descriptor = descriptor
    }

    static func failure() -> POSIXError { POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }

    /// Appends `data`; a write error is kept and thrown when the file is finished. A piece of a
    /// buffer's size or more goes to the file as it is, without a copy into the buffer.
    public func write(_ data: Data) {
        guard descriptor != nil, data.count >= Self.bufferSize else {
            buffer.append(data)
            if descriptor != nil, buffer.count >= Self.bufferSize { flush() }
            return
        }
        flush()
        data.withUnsafeBytes { writeAll($0) }
    }

    /// Appends `text` as UTF-8.
    public func write(_ text: String) { write(Data(text.utf8)) }

    private func flush() {
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes every byte of `bytes` to the file, unless an earlier write failed.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        guard let descriptor, !closed, failed == nil, bytes.count > 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                failed = Self.failure()
                return
            }
            offset += written
        }
    }

    /// Writes what is buffered, syncs and closes the file.
    func finish() throws {
        guard let descriptor else { return }
        flush()
        if failed == nil {
            while fsync(descriptor) != 0 {
                guard errno == EINTR else {
                    failed = Self.failure()
                    break
                }
            }
        }
        close()
        if let failed { throw failed }
    }

    func close() {
        if let descriptor, !closed { _ = Foundation.close(descriptor) }
        closed = true
        buffer = Data()
    }
}
