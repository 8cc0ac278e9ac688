import CSodium
import DPData
import DPLedger
import Foundation

/// An Ed25519 key pair (libsodium `crypto_sign`) for signing compliance reports. The secret key
/// file holds the 64-byte secret key in hex and is written with mode 0600; the public key file
/// holds the 32-byte public key in hex.
public struct SigningKey: Sendable {
    public let publicKey: [UInt8]
    let secretKey: [UInt8]

    public static func generate() -> SigningKey {
        precondition(Blake2b.ready, "libsodium failed to initialise")
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        var secretKey = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
        crypto_sign_keypair(&publicKey, &secretKey)
        return SigningKey(publicKey: publicKey, secretKey: secretKey)
    }

    /// A short fingerprint of the public key: the first 16 hex digits of its BLAKE2b hash.
    public var fingerprint: String { Self.fingerprint(of: publicKey) }

    public static func fingerprint(of publicKey: [UInt8]) -> String { String(Blake2b.hex(Data(publicKey)).prefix(16)) }

    /// The detached Ed25519 signature of `message`.
    public func sign(_ message: Data) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        message.withUnsafeBytes { bytes in
            _ = crypto_sign_detached(
                &signature, nil, bytes.bindMemory(to: UInt8.self).baseAddress, UInt64(bytes.count), secretKey)
        }
        return signature
    }

    public static func verify(_ signature: [UInt8], of message: Data, publicKey: [UInt8]) -> Bool {
        guard Blake2b.ready, signature.count == Int(crypto_sign_BYTES),
            publicKey.count == Int(crypto_sign_PUBLICKEYBYTES)
        else { return false }
        return message.withUnsafeBytes { bytes in
            crypto_sign_verify_detached(
                signature, bytes.bindMemory(to: UInt8.self).baseAddress, UInt64(bytes.count), publicKey) == 0
        }
    }

    /// Writes `path` (secret, mode 0600) and `path.pub` (public).
    public func save(to path: String) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        // Owner-only from the first byte: the temporary file is created with mode 0600.
        // One set: a refused .pub leaves the old pair whole, never a new secret beside an old public key.
        let files = StagedFiles()
        try files.add(Data((Hex.encode(secretKey) + "\n").utf8), to: path, mode: 0o600, replacing: .signingKey)
        try files.add(Data((Hex.encode(publicKey) + "\n").utf8), to: path + ".pub", replacing: .signingKey)
        try files.commit()
    }

    public static func load(secretKeyFile path: String) throws -> SigningKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ReportError(
                "\(path): cannot read the secret key; create one with `dpsynth keys generate --out \(path)`")
        }
        guard let secret = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            secret.count == Int(crypto_sign_SECRETKEYBYTES)
        else {
            throw ReportError(
                "\(path): not an Ed25519 secret key (expected \(crypto_sign_SECRETKEYBYTES * 2) hex digits)")
        }
        return SigningKey(publicKey: Array(secret[32...]), secretKey: secret)
    }

    public static func loadPublicKey(_ path: String) throws -> [UInt8] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ReportError(
                "\(path): cannot read the public key; it is the .pub file written by `dpsynth keys generate`")
        }
        guard let key = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)),
            key.count == Int(crypto_sign_PUBLICKEYBYTES)
        else {
            throw ReportError(
                "\(path): not an Ed25519 public key (expected \(crypto_sign_PUBLICKEYBYTES * 2) hex digits)")
        }
        return key
    }
}
