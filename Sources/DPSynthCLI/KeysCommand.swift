import ArgumentParser
import DPAccounting
import DPData
import DPReport
import Foundation

/// `dpsynth keys generate`: an Ed25519 key pair for signing reports.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Signing keys for compliance reports (Ed25519, libsodium).",
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate", abstract: "Write a new key pair: FILE (secret, mode 0600) and FILE.pub.")

        @Option(help: "Where to write the secret key; the public key goes to the same path plus .pub.") var out: String
        @Flag(help: "Replace an existing key pair (and no other kind of file).") var force = false

        func run() throws {
            for path in [out, out + ".pub"] where FileManager.default.fileExists(atPath: path) && !force {
                throw CommandFailure(
                    "\(path) already exists; pass --force to replace the key pair (reports signed with it will "
                        + "then need its old .pub to verify)"
                )
            }
            let key = SigningKey.generate()
            do {
                for path in [out, out + ".pub"] {
                    try KeptFile.refuseReplacingAnythingBut(.signingKey, at: path, name: "--out")
                }
                try key.save(to: out)
            } catch let error as any UserFacingError {
                throw CommandFailure(error.description)
            }
            print("secret key: \(out) (keep it private)\npublic key: \(out).pub (fingerprint \(key.fingerprint))")
        }
    }
}

/// `dpsynth verify`: check a report's signature and, optionally, the synthetic data it describes.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Verify a signed report (and the synthetic file it names); exit 0 only when both are intact, 3 when "
            + "a signature or a hash does not match.")

    @Argument(help: "The report: its JSON, or its signed HTML or Markdown rendering.") var report: String
    @Option(help: "The signer's public key (.pub file).") var publicKey: String
    @Option(help: "The signature (default: REPORT.sig).") var signature: String?
    @Option(help: "The synthetic data file to check against the report's hash.") var data: String?
    @Flag(help: "Do not check the synthetic data file.") var reportOnly = false

    func validate() throws {
        if reportOnly && data != nil {
            throw ValidationError("--report-only checks no data: give --data or --report-only, not both")
        }
    }

    func run() throws {
        do {
            let key = try SigningKey.loadPublicKey(publicKey)
            let signaturePath = signature ?? report + ".sig"
            // Read once: every check below reads these bytes, never the file again.
            let bytes = try ReportSignature.read(report, what: "report")
            let signatureBytes = try ReportSignature.read(signaturePath, what: "signature")
            func verify(data: String?) throws -> ReportSignature.Verification {
                try ReportSignature.verify(
                    report: bytes, signature: signatureBytes, signaturePath: signaturePath, publicKey: key,
                    dataPath: data)
            }
            let signed = try verify(data: nil)
            guard signed.valid else {
                throw CommandFailure("verification FAILED: " + signed.problems.joined(separator: "; "), status: 3)
            }
            let outcome = Self.outcome(of: bytes)
            // A rendering (HTML, Markdown: not JSON) records no hash of the data: its JSON report
            // does. A JSON this build cannot read still needs its data found, or --report-only.
            let rendering = (try? JSONSerialization.jsonObject(with: bytes)) == nil
            if rendering {
                guard data == nil else {
                    throw CommandFailure(
                        "\(report): a rendering records no hash of the data; give its JSON report with --data",
                        status: 64)
                }
                print(
                    "verified: signature by \(SigningKey.fingerprint(of: key)) is valid; a rendering: verify its "
                        + "JSON report to check the synthetic data")
                return
            }
            let files = reportOnly ? [] : try data.map { [$0] } ?? reportedFiles(bytes)
            for file in files {
                let checked = try verify(data: file)
                guard checked.valid else {
                    throw CommandFailure("verification FAILED: " + checked.problems.joined(separator: "; "), status: 3)
                }
            }
            print(
                "verified: signature by \(SigningKey.fingerprint(of: key)) is valid"
                    + files.map { "; \($0) matches the report's hash" }.joined()
                    + (outcome == .quarantine ? "; the report QUARANTINED this data: it was not released" : ""))
        } catch let error as any UserFacingError {
            throw CommandFailure(error.description)
        }
    }

    /// The decision a report records, confidential or public.
    static func outcome(of report: Data) -> ReleaseOutcome? {
        (try? CanonicalJSON.decode(ComplianceReport.self, from: report))?.decision.outcome
            ?? (try? CanonicalJSON.decode(PublicReport.self, from: report))?.outcome
    }

    /// The synthetic files the report's `bytes` name (`ReportedSyntheticFile`); none found is a failure,
    /// since exit 0 vouches for the data too.
    func reportedFiles(_ bytes: Data) throws -> [String] {
        let (name, paths) = ReportedSyntheticFile.locate(report: bytes, reportPath: report)
        if !paths.isEmpty { return paths }
        throw CommandFailure(
            (name.map { "the report's synthetic file \($0) was not found" } ?? "the report names no synthetic file")
                + "; pass --data FILE to check it, or --report-only to check the signature alone")
    }
}
