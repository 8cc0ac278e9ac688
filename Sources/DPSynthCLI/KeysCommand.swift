import ArgumentParser
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
        @Flag(help: "Replace an existing key file.") var force = false

        func run() throws {
            if FileManager.default.fileExists(atPath: out) && !force {
                throw CommandFailure(
                    "\(out) already exists; pass --force to replace it (reports signed with it will "
                        + "then need its old .pub to verify)"
                )
            }
            let key = SigningKey.generate()
            do { try key.save(to: out) } catch let error as ReportError { throw CommandFailure(error.description) }
            print("secret key: \(out) (keep it private)\npublic key: \(out).pub (fingerprint \(key.fingerprint))")
        }
    }
}

/// `dpsynth verify`: check a report's signature and, optionally, the synthetic data it describes.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a signed report (and the synthetic file it names); exit 0 only when both are intact.")

    @Argument(help: "The report JSON.") var report: String
    @Option(help: "The signer's public key (.pub file).") var publicKey: String
    @Option(help: "The signature (default: REPORT.sig).") var signature: String?
    @Option(help: "The synthetic data file to check against the report's hash.") var data: String?
    @Flag(help: "Do not check the synthetic data file.") var reportOnly = false

    func run() throws {
        do {
            let key = try SigningKey.loadPublicKey(publicKey)
            var dataPath = data
            if dataPath == nil && !reportOnly,
                let bytes = FileManager.default.contents(atPath: report),
                let parsed = try? CanonicalJSON.decode(ComplianceReport.self, from: bytes)
            {
                dataPath = parsed.decision.syntheticPath
            }
            let result = try ReportSignature.verify(
                reportPath: report, signaturePath: signature ?? report + ".sig", publicKey: key, dataPath: dataPath)
            guard result.valid else {
                throw CommandFailure("verification FAILED: " + result.problems.joined(separator: "; "))
            }
            print(
                "verified: signature by \(SigningKey.fingerprint(of: key)) is valid"
                    + (dataPath.map { "; \($0) matches the report's hash" } ?? ""))
        } catch let error as ReportError {
            throw CommandFailure(error.description)
        }
    }
}
