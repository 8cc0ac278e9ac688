import ArgumentParser
import DPLedger
import DPReport
import DPSources
import Foundation

extension LedgerCommand {
    /// `dpsynth ledger verify`: the ledger's hash chain, and the heads that signed reports recorded.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the ledger's hash chain, and that no entry a signed report saw was removed.",
            discussion: "Exit status 0 when the ledger is intact, 3 when it or a report's signature was altered.")

        @Option(help: "The ledger: a file (SQLite) or a postgresql://USER@HOST:PORT/DB URL.") var ledger: String =
            LedgerLocation.defaultPath
        @Option(help: "A report (JSON) whose recorded ledger head must still be in the chain (repeat for several).")
        var report: [String] = []
        @Option(help: "The signer's public key (.pub file): each --report's signature (REPORT.sig) is checked first.")
        var publicKey: String?

        func run() throws {
            try CommandFailure.reportingLibraryErrors {
                // Without the signer's key a report's head is only what its file says: an edited
                // report could name a head of a truncated chain.
                let key = try publicKey.map(SigningKey.loadPublicKey)
                let statements = try report.map { path -> (String, LedgerStatement) in
                    // Read once: the head is taken from the bytes whose signature was checked.
                    let bytes = try ReportSignature.read(path, what: "report")
                    if let key {
                        let signed = try ReportSignature.verify(
                            report: bytes, signature: try ReportSignature.read(path + ".sig", what: "signature"),
                            signaturePath: path + ".sig", publicKey: key, dataPath: nil)
                        guard signed.valid else {
                            throw CommandFailure("\(path): " + signed.problems.joined(separator: "; "), status: 3)
                        }
                    }
                    guard let parsed = try? CanonicalJSON.decode(ComplianceReport.self, from: bytes) else {
                        throw CommandFailure("\(path): not a dpsynth report of this version")
                    }
                    return (path, parsed.privacy.ledger)
                }
                let anchors = statements.map { ($0.0, $0.1.head) }
                let result = try LedgerOpener.verify(ledger, anchors: anchors, listed: statements)
                guard result.intact else {
                    for problem in result.problems { Output.note("dpsynth: \(ledger): \(Output.oneLine(problem))") }
                    throw ExitCode(3)
                }
                print(
                    "\(ledger): intact, \(result.head.sequence) entries, head \(result.head.hash.prefix(16))"
                        + (anchors.isEmpty ? "" : "; every report's head is in the chain")
                        + (anchors.isEmpty || key != nil
                            ? "" : " (the reports' signatures were not checked: pass --public-key)"))
            }
        }
    }
}
