import DPData
import DPLedger
import Foundation

/// The detached signature of a report, stored beside it as `<report>.sig`: Ed25519 over the
/// report's exact bytes, which record the BLAKE2b hash of the synthetic file, so a change to
/// either the report or the data fails verification.
public struct ReportSignature: Sendable, Codable, Equatable {
    public let algorithm: String
    public let publicKey: String
    public let keyFingerprint: String
    public let reportHash: String
    public let signature: String

    /// The one algorithm this build signs and verifies with.
    public static let algorithmName = "Ed25519"

    public static func sign(report: Data, with key: SigningKey) -> ReportSignature {
        ReportSignature(
            algorithm: algorithmName, publicKey: Hex.encode(key.publicKey), keyFingerprint: key.fingerprint,
            reportHash: Blake2b.hex(report), signature: Hex.encode(key.sign(report)))
    }

    /// Writes the report and its signature; both appear together.
    public static func write(
        _ report: some Encodable, to path: String, key: SigningKey?, replacing: KeptFile? = nil
    ) throws -> Data {
        let files = StagedFiles()
        let bytes = try stage(report, to: path, key: key, in: files, replacing: replacing)
        try files.commit()
        return bytes
    }

    /// Stages the report at `path` and, with a key, its signature at `path.sig` in `files`;
    /// either may replace the kept file `replacing` (`StagedFiles.add`).
    public static func stage(
        _ report: some Encodable, to path: String, key: SigningKey?, in files: StagedFiles, replacing: KeptFile? = nil
    ) throws -> Data {
        let bytes = try CanonicalJSON.encode(report)
        try stage(bytes: bytes, to: path, key: key, in: files, replacing: replacing)
        return bytes
    }

    /// Stages a report's bytes (its JSON, or a rendering a reader relies on: HTML, Markdown) at
    /// `path` and, with a key, their signature at `path.sig` in `files`; either may replace the
    /// kept file `replacing` (`StagedFiles.add`).
    public static func stage(
        bytes: Data, to path: String, key: SigningKey?, in files: StagedFiles, replacing: KeptFile? = nil
    ) throws {
        try files.add(bytes, to: path, replacing: replacing)
        if let key {
            try files.add(
                try CanonicalJSON.encode(sign(report: bytes, with: key)), to: path + ".sig", replacing: replacing)
        }
    }

    /// What verification found.
    public struct Verification: Sendable, Equatable {
        public let signatureValid: Bool
        public let dataMatches: Bool?
        public let problems: [String]
        public var valid: Bool { problems.isEmpty }
    }

    /// The largest report or signature file read: far beyond any report a release writes (its
    /// largest part, the association matrices of at most 1,024 columns, holds a few million
    /// numbers), and a file is read whole before it is checked.
    public static let largestFileBytes = 1 << 28

    /// A report's or signature's bytes, read once: every check of one verification reads these
    /// bytes, so a file swapped between two reads cannot pass one check and skip another. A pipe,
    /// a device or a file larger than `largestFileBytes` is refused before it is read.
    public static func read(_ path: String, what: String) throws -> Data {
        switch BoundedFile.read(path, largest: largestFileBytes) {
        case .success(let data): return data
        case .failure(.notRegular): throw ReportError("\(path): not a regular file; give the \(what) file itself")
        case .failure(.tooLarge):
            throw ReportError(
                "\(path): larger than any \(what) dpsynth writes (\(largestFileBytes >> 20) MB); give the file a "
                    + "release wrote")
        case .failure(.cannotOpen), .failure(.cannotRead):
            throw ReportError(
                what == "signature"
                    ? "\(path): cannot read the signature; it is written beside the report as REPORT.sig"
                    : "\(path): cannot read the \(what)")
        }
    }

    /// Checks the signature at `signaturePath` over the report at `reportPath` with `publicKey`,
    /// and, when `dataPath` is given, that the data's hash is the one the report records.
    public static func verify(reportPath: String, signaturePath: String, publicKey: [UInt8], dataPath: String?) throws
        -> Verification
    {
        try verify(
            report: try read(reportPath, what: "report"), signature: try read(signaturePath, what: "signature"),
            signaturePath: signaturePath, publicKey: publicKey, dataPath: dataPath)
    }

    /// Checks `signature` (the bytes of the file at `signaturePath`) over the bytes `report` with
    /// `publicKey`, and, when `dataPath` is given, that the data's hash is the one they record.
    public static func verify(
        report: Data, signature signatureData: Data, signaturePath: String, publicKey: [UInt8], dataPath: String?
    ) throws -> Verification {
        // A signature file that does not parse (emptied, cut short, a digit edited) was checked and
        // failed, as an altered one is.
        guard let signature = try? CanonicalJSON.decode(ReportSignature.self, from: signatureData),
            let bytes = Hex.decode(signature.signature)
        else {
            return Verification(
                signatureValid: false, dataMatches: nil,
                problems: [
                    "\(signaturePath): not a dpsynth report signature as written (empty, cut short or edited): the "
                        + "signature file was changed"
                ])
        }
        var problems = signature.fieldProblems(report: report, publicKey: publicKey)
        let valid = problems.isEmpty && SigningKey.verify(bytes, of: report, publicKey: publicKey)
        // With no field problem the key is the given one, so a bad signature of the right length
        // means changed report bytes; one of another length is a changed signature file.
        if problems.isEmpty && !valid {
            problems.append(
                bytes.count == 64
                    ? "the signature does not match the report: the report was changed after signing"
                    : "signature: \(bytes.count) bytes where Ed25519 signs with 64: the signature file was changed")
        }
        var dataMatches: Bool?
        if let dataPath {
            let recorded =
                (try? CanonicalJSON.decode(ComplianceReport.self, from: report))?.provenance.syntheticHash
                ?? (try? CanonicalJSON.decode(PublicReport.self, from: report))?.syntheticHash
            guard let recorded else {
                problems.append(
                    "the report cannot be read as a \(ComplianceReport.formatVersion) or "
                        + "\(PublicReport.formatVersion) report")
                return Verification(signatureValid: valid, dataMatches: nil, problems: problems)
            }
            dataMatches = try Blake2b.hex(file: dataPath) == recorded
            if dataMatches == false {
                problems.append(
                    "\(dataPath): its BLAKE2b hash differs from the one the report records: the data was changed")
            }
        }
        return Verification(signatureValid: valid, dataMatches: dataMatches, problems: problems)
    }

    /// Each of the signature file's own fields that disagrees with the report or the key, named.
    func fieldProblems(report: Data, publicKey: [UInt8]) -> [String] {
        var problems: [String] = []
        if algorithm != Self.algorithmName {
            problems.append(
                "algorithm: the signature file names '\(algorithm)'; only \(Self.algorithmName) is accepted")
        }
        if self.publicKey != Hex.encode(publicKey) && self.publicKey.lowercased() == Hex.encode(publicKey) {
            problems.append(
                "publicKey: the given key, not written as dpsynth writes it: the signature file was changed")
        } else if self.publicKey != Hex.encode(publicKey) {
            // The key the field holds, not the fingerprint field (which an edit may leave behind).
            let named = Hex.decode(self.publicKey).map { SigningKey.fingerprint(of: $0) } ?? "(not a key)"
            problems.append(
                "publicKey: the signature file names key \(named), not the given key "
                    + SigningKey.fingerprint(of: publicKey))
        } else if keyFingerprint != SigningKey.fingerprint(of: publicKey) {
            problems.append("keyFingerprint: '\(keyFingerprint)' is not the fingerprint of the given key")
        }
        if reportHash != Blake2b.hex(report) {
            problems.append("reportHash: the signature file records another report's hash: the report was changed")
        }
        return problems
    }
}
