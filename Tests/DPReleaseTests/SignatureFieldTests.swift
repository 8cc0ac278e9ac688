import DPData
import DPLedger
import DPReport
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

/// `dpsynth verify` checks the signature file's own fields, not only the signature bytes.
@Suite struct SignatureFieldTests {
    func signedRelease() throws -> (report: String, publicKey: String) {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        return (outcome.reportPath, fixture.publicKey)
    }

    func verify(_ report: String, _ publicKey: String) throws -> CommandRunner.Result {
        try CommandRunner.run(["verify", report, "--public-key", publicKey, "--report-only"])
    }

    /// Replaces one field of the signature file and runs `dpsynth verify`.
    func verifyWith(field: String, value: String, release: (report: String, publicKey: String)) throws
        -> CommandRunner.Result
    {
        let path = release.report + ".sig"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        defer { try? original.write(to: URL(fileURLWithPath: path)) }
        var object = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        object[field] = value
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return try verify(release.report, release.publicKey)
    }

    @Test func eachFieldOfTheSignatureFileIsChecked() throws {
        let release = try signedRelease()
        #expect(try verify(release.report, release.publicKey).status == 0)
        let algorithm = try verifyWith(field: "algorithm", value: "none", release: release)
        #expect(algorithm.status != 0 && algorithm.standardError.contains("algorithm:"), "\(algorithm.standardError)")
        let fingerprint = try verifyWith(field: "keyFingerprint", value: "0000000000000000", release: release)
        #expect(
            fingerprint.status != 0 && fingerprint.standardError.contains("keyFingerprint:"),
            "\(fingerprint.standardError)")
        // Another key in the key field, the fingerprint field left: the message names the key the
        // field holds (it named the fingerprint field's, the given key's own, twice).
        let other = Hex.encode(SigningKey.generate().publicKey)
        let key = try verifyWith(field: "publicKey", value: other, release: release)
        let fingerprints = key.standardError.split { !$0.isHexDigit }.filter { $0.count == 16 }
        #expect(
            key.status == 3 && key.standardError.contains("publicKey:") && Set(fingerprints).count == 2,
            "\(key.standardError)")
        // The given key in upper case, and a signature a byte longer: each named as a changed
        // signature file, not as another key or a changed report.
        let upper = try verifyWith(
            field: "publicKey", value: Hex.encode(SigningKey.loadPublicKey(release.publicKey)).uppercased(),
            release: release)
        #expect(upper.status == 3 && upper.standardError.contains("not written as dpsynth writes it"), "\(upper)")
        let original = try CanonicalJSON.decode(
            ReportSignature.self, from: Data(contentsOf: URL(fileURLWithPath: release.report + ".sig")))
        let longer = try verifyWith(field: "signature", value: original.signature + "00", release: release)
        #expect(longer.status == 3 && longer.standardError.contains("65 bytes where Ed25519"), "\(longer)")
        let hash = try verifyWith(field: "reportHash", value: String(repeating: "a", count: 64), release: release)
        #expect(hash.status != 0 && hash.standardError.contains("reportHash:"), "\(hash.standardError)")
        #expect(try verify(release.report, release.publicKey).status == 0)
    }

    /// A signature file emptied, cut short, or with a digit edited out of hex exited 1, as if the
    /// check could not be made, where an altered signature exits 3 (a hostile pass): each is a
    /// changed signature file now.
    @Test func aSignatureFileThatNoLongerParsesWasChanged() throws {
        let release = try signedRelease()
        let path = release.report + ".sig"
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        defer { try? original.write(to: URL(fileURLWithPath: path)) }
        let signature = try CanonicalJSON.decode(ReportSignature.self, from: original).signature
        let edited = Data(
            String(decoding: original, as: UTF8.self).replacingOccurrences(
                of: signature, with: "g" + signature.dropFirst()
            ).utf8)
        for damaged in [Data(), original.prefix(100), edited] {
            try damaged.write(to: URL(fileURLWithPath: path))
            let result = try verify(release.report, release.publicKey)
            #expect(result.status == 3 && result.standardError.contains("was changed"), "\(result)")
        }
    }

    @Test func secretKeysAreOwnerOnlyWhateverTheUmask() throws {
        let folder = try CommandRunner.temporaryDirectory()
        let previous = umask(0)
        defer { umask(previous) }
        let path = folder.appendingPathComponent("k.key").path
        try SigningKey.generate().save(to: path)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        try AtomicFile.write(Data("x".utf8), to: folder.appendingPathComponent("plain").path, mode: 0o600)
        #expect(stat(folder.appendingPathComponent("plain").path, &status) == 0 && status.st_mode & 0o777 == 0o600)
    }
}

/// `dpsynth ledger verify --report` catches a ledger whose tail was removed after a report was
/// signed, and passes an untouched one.
@Suite struct LedgerAnchorTests {
    @Test func aReportAnchorsTheLedgerItWasChargedTo() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        let ledger = fixture.folder.appendingPathComponent("out/ledger.sqlite").path
        let intact = try CommandRunner.run(["ledger", "verify", "--ledger", ledger, "--report", outcome.reportPath])
        #expect(intact.status == 0 && intact.standardOutput.contains("intact"), "\(intact)")
        #expect(intact.standardOutput.contains("signatures were not checked"), "\(intact)")
        // With the signer's key each report's signature is checked before its head is trusted: an
        // edited report could name the head of a truncated chain (a helper's pass).
        let keyed = try CommandRunner.run([
            "ledger", "verify", "--ledger", ledger, "--report", outcome.reportPath, "--public-key", fixture.publicKey,
        ])
        #expect(keyed.status == 0 && !keyed.standardOutput.contains("not checked"), "\(keyed)")
        let edited = fixture.folder.appendingPathComponent("edited.json").path
        let text = try String(contentsOfFile: outcome.reportPath, encoding: .utf8)
        try (text + " ").write(toFile: edited, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: outcome.reportPath + ".sig", toPath: edited + ".sig")
        let forged = try CommandRunner.run([
            "ledger", "verify", "--ledger", ledger, "--report", edited, "--public-key", fixture.publicKey,
        ])
        #expect(forged.status == 3 && forged.standardError.contains("changed"), "\(forged)")
        let sql = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            tables = ["budget", "charge", "binding", "data_version", "reservation", "reservation_end"]
            last = max(db.execute(f"SELECT max(seq) FROM {t}").fetchone()[0] or 0 for t in tables)
            previous = [r[0] for t in tables for r in db.execute(f"SELECT hash FROM {t} WHERE seq = ?", (last - 1,))][0]
            for t in tables:
                db.execute(f"DELETE FROM {t} WHERE seq = ?", (last,))
            db.execute("UPDATE meta SET value = ? WHERE key = 'head_seq'", (str(last - 1),))
            db.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (previous,))
            db.commit()
            """
        #expect(try Python.run(sql, [ledger]) == 0)
        let truncated = try CommandRunner.run(["ledger", "verify", "--ledger", ledger, "--report", outcome.reportPath])
        #expect(truncated.status == 3 && truncated.standardError.contains("removed from its end"), "\(truncated)")
    }

    /// A charge's id is not in the chain's hash: a charge renumbered after a report listed it
    /// passed `ledger verify --report`, and `ledger show` then named another charge than the
    /// report (a hostile pass). Each charge the report lists is now looked up by its id.
    @Test func aChargeRenumberedAfterTheReportIsFound() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        let ledger = fixture.folder.appendingPathComponent("out/ledger.sqlite").path
        let verify = ["ledger", "verify", "--ledger", ledger, "--report", outcome.reportPath]
        #expect(try CommandRunner.run(verify).status == 0)
        let renumbering = try Python.run(
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "db.execute('UPDATE charge SET id = 1000 WHERE id = (SELECT max(id) FROM charge)'); db.commit()",
            [ledger])
        #expect(renumbering == 0)
        let renumbered = try CommandRunner.run(verify)
        #expect(renumbered.status == 3 && renumbered.standardError.contains("renumbered"), "\(renumbered)")
    }
}
