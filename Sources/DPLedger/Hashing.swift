import CSodium
import DPAccounting
import Foundation

/// BLAKE2b-256 (libsodium's generic hash) of bytes and files, as lowercase hex.
public enum Blake2b {
    public static let ready: Bool = sodium_init() >= 0

    public static func hex(_ data: Data) -> String {
        precondition(ready, "libsodium failed to initialise")
        var digest = [UInt8](repeating: 0, count: 32)
        data.withUnsafeBytes { bytes in
            _ = crypto_generichash(
                &digest, 32, bytes.bindMemory(to: UInt8.self).baseAddress, UInt64(bytes.count), nil, 0)
        }
        return Hex.encode(digest)
    }

    /// Writes the 32-byte hash of `input` to `output`, which holds at least 32 bytes.
    public static func hash(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(ready && output.count >= 32, "libsodium failed to initialise, or the output is short")
        _ = crypto_generichash(output.baseAddress!, 32, input.baseAddress, UInt64(input.count), nil, 0)
    }

    /// Throws unless `path` is a regular file (or absent: the reader says so). A folder cannot
    /// be read, and a pipe or a device could be read for ever or give other bytes the next time
    /// (a file is hashed, then read again): input data is a regular file only.
    public static func refuseIrregular(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) != 0 || status.st_mode & S_IFMT == S_IFREG else {
            throw HashingError(
                "\(path): not a regular file (a pipe or a device reads otherwise each time); write the data to a "
                    + "file and give that")
        }
    }

    /// The hash of a file, read in 1 MiB chunks.
    public static func hex(file path: String) throws -> String {
        try refuseIrregular(path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HashingError("\(path): cannot read the file to hash it; check the path")
        }
        defer { try? handle.close() }
        let stream = Stream()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { stream.add($0.bindMemory(to: UInt8.self)) }
        }
        return stream.hex()
    }

    /// The hash of bytes given block by block: the same as `hex` of their concatenation.
    public final class Stream {
        private let state: UnsafeMutableRawPointer

        public init() {
            precondition(ready, "libsodium failed to initialise")
            state = UnsafeMutableRawPointer.allocate(byteCount: crypto_generichash_statebytes(), alignment: 64)
            crypto_generichash_init(OpaquePointer(state), nil, 0, 32)
        }

        deinit { state.deallocate() }

        public func add(_ bytes: UnsafeBufferPointer<UInt8>) {
            _ = crypto_generichash_update(OpaquePointer(state), bytes.baseAddress, UInt64(bytes.count))
        }

        /// The hash of the bytes added so far; nothing may be added after.
        public func hex() -> String {
            var digest = [UInt8](repeating: 0, count: 32)
            crypto_generichash_final(OpaquePointer(state), &digest, 32)
            return Hex.encode(digest)
        }
    }
}

/// Lowercase hexadecimal text for bytes.
public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        for i in stride(from: 0, to: characters.count, by: 2) {
            guard let high = value(characters[i]), let low = value(characters[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }
}

/// A file that could not be read to hash it.
public struct HashingError: UserFacingError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
