import CSodium

/// The only source of randomness for noise in DPSynth.
///
/// Privacy: release-mode sources are a ChaCha20 keystream keyed with 256 bits from libsodium's
/// `randombytes_buf` (the OS CSPRNG) and rekeyed from it every MiB; a seeded source is a
/// ChaCha20 keystream that is reproducible and therefore only for tests or an explicit `--seed`,
/// and every output of a seeded run must say so (`isSeeded`).
///
/// A source is a reference type owned by one thread at a time; draw from `split()` children
/// on other threads.
public final class RandomSource {
    public static let proofDocument = "Proofs/secure-randomness.md"

    /// Where the bits come from.
    public enum Kind: Sendable, Equatable {
        /// libsodium's `randombytes_buf`: the operating system's CSPRNG.
        case secure
        /// ChaCha20 keystream keyed by BLAKE2b of the seed: reproducible, never for a release.
        case seeded(UInt64)
    }

    public let kind: Kind
    /// The keystream block being consumed, and the cursor state, behind pointers: the hot path
    /// then pays no dynamic exclusivity checks (a source is used by one thread at a time).
    private let buffer: UnsafeMutablePointer<UInt64>
    private let cursor: UnsafeMutablePointer<Cursor>
    private var key: [UInt8]

    private struct Cursor {
        var position: Int
        var blockCounter: UInt64
        var bitWord: UInt64 = 0
        var bitsLeft: Int = 0
    }

    private static let bufferWords = 2048
    /// Keystream bytes a secure source draws before taking a fresh key from the OS.
    private static let rekeyBytes: UInt64 = 1 << 20
    private static let sodiumReady: Bool = sodium_init() >= 0

    /// A source on the operating system's CSPRNG (libsodium). Use this for every release.
    public static func secure() -> RandomSource {
        RandomSource(kind: .secure, key: [])
    }

    /// A reproducible ChaCha20 source for tests and explicit `--seed` runs only.
    public static func seeded(_ seed: UInt64) -> RandomSource {
        RandomSource(kind: .seeded(seed), key: Self.deriveKey(seed: seed, stream: 0))
    }

    private init(kind: Kind, key: [UInt8]) {
        precondition(Self.sodiumReady, "libsodium failed to initialise")
        self.kind = kind
        self.key = key
        buffer = .allocate(capacity: Self.bufferWords)
        buffer.initialize(repeating: 0, count: Self.bufferWords)
        cursor = .allocate(capacity: 1)
        cursor.initialize(to: Cursor(position: Self.bufferWords, blockCounter: 0))
    }

    deinit {
        buffer.deinitialize(count: Self.bufferWords)
        buffer.deallocate()
        cursor.deinitialize(count: 1)
        cursor.deallocate()
    }

    /// True when the draws are reproducible: such output must be labelled as seeded.
    public var isSeeded: Bool {
        if case .seeded = kind { return true }
        return false
    }

    /// A short human label for reports and logs.
    public var label: String {
        switch kind {
        case .secure: return "libsodium randombytes_buf via ChaCha20 (secure)"
        // The seed itself is never shown: anyone who has it can regenerate the noise.
        case .seeded: return "SEEDED ChaCha20 - for testing only, not a private release"
        }
    }

    /// An independent child source: secure for a secure parent, a derived keystream for a seeded one.
    public func split(stream: UInt64) -> RandomSource {
        switch kind {
        case .secure:
            return .secure()
        case .seeded:
            return RandomSource(kind: kind, key: Self.childKey(parent: key, stream: stream))
        }
    }

    /// 64 uniformly random bits.
    @inlinable
    public func nextUInt64() -> UInt64 {
        nextWord()
    }

    @usableFromInline
    func nextWord() -> UInt64 {
        if cursor.pointee.position == Self.bufferWords { refill() }
        let word = buffer[cursor.pointee.position]
        cursor.pointee.position += 1
        return word
    }

    /// One uniformly random bit.
    public func nextBit() -> Bool {
        if cursor.pointee.bitsLeft == 0 {
            cursor.pointee.bitWord = nextWord()
            cursor.pointee.bitsLeft = 64
        }
        let bit = cursor.pointee.bitWord & 1
        cursor.pointee.bitWord >>= 1
        cursor.pointee.bitsLeft -= 1
        return bit == 1
    }

    /// A uniform integer in `0..<bound` with no modulo bias (Lemire's multiply-and-reject).
    public func uniform(below bound: UInt64) -> UInt64 {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        var product = nextWord().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = nextWord().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// Fills `bytes` with random bytes from this source.
    public func fill(_ bytes: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            var word = nextWord()
            let take = min(8, bytes.count - offset)
            withUnsafeBytes(of: &word) { raw in
                for index in 0..<take { bytes[offset + index] = raw[index] }
            }
            offset += take
        }
    }

    private func refill() {
        if case .secure = kind, key.isEmpty || cursor.pointee.blockCounter * 64 >= Self.rekeyBytes {
            key = [UInt8](repeating: 0, count: Int(crypto_stream_chacha20_KEYBYTES))
            randombytes_buf(&key, key.count)
            cursor.pointee.blockCounter = 0
        }
        let raw = UnsafeMutableRawBufferPointer(start: buffer, count: Self.bufferWords * 8)
        let nonce = [UInt8](repeating: 0, count: Int(crypto_stream_chacha20_NONCEBYTES))
        memsetZero(raw)
        let bytes = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let status = crypto_stream_chacha20_xor_ic(
            bytes, bytes, UInt64(raw.count), nonce, cursor.pointee.blockCounter, key)
        precondition(status == 0, "ChaCha20 keystream failed")
        cursor.pointee.blockCounter += UInt64(raw.count / 64)
        cursor.pointee.position = 0
    }

    private func memsetZero(_ raw: UnsafeMutableRawBufferPointer) {
        raw.initializeMemory(as: UInt8.self, repeating: 0)
    }

    /// A child's key: keyed BLAKE2b of the stream number under the parent's key, so the children of
    /// different parents (and a parent and its children) never share a keystream.
    private static func childKey(parent: [UInt8], stream: UInt64) -> [UInt8] {
        var material = [UInt8]()
        withUnsafeBytes(of: stream.littleEndian) { material.append(contentsOf: $0) }
        var key = [UInt8](repeating: 0, count: Int(crypto_stream_chacha20_KEYBYTES))
        crypto_generichash(&key, key.count, material, UInt64(material.count), parent, parent.count)
        return key
    }

    private static func deriveKey(seed: UInt64, stream: UInt64) -> [UInt8] {
        precondition(sodiumReady, "libsodium failed to initialise")
        var material = [UInt8]()
        withUnsafeBytes(of: seed.littleEndian) { material.append(contentsOf: $0) }
        withUnsafeBytes(of: stream.littleEndian) { material.append(contentsOf: $0) }
        var key = [UInt8](repeating: 0, count: Int(crypto_stream_chacha20_KEYBYTES))
        let personal = Array("dpsynth-seeded-chacha20".utf8)
        crypto_generichash(&key, key.count, material, UInt64(material.count), personal, personal.count)
        return key
    }
}
