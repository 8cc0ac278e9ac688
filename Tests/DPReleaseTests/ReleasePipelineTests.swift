import DPAccounting
import DPAudit
import DPData
import DPLedger
import DPRandomness
import DPReport
import DPSynthesis
import DPTestSupport
import Foundation
import Testing

@testable import DPRelease

@Suite struct ReleasePipelineTests {
    static func flipByte(_ path: String, at offset: Int) throws {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[offset] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: path))
    }

    @Test func dpReleasePassesIsSignedAndDetectsTampering() throws {
        let fixture = try ReleaseFixture()
        let key = SigningKey.generate()
        try key.save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        // The audit passes, but a seeded run is quarantined all the same, and says why.
        #expect(outcome.report.audit?.decision == .pass, "\(outcome.report.decision.reasons)")
        #expect(outcome.report.decision.outcome == .quarantine)
        #expect(outcome.report.decision.reasons.first == ReleasePipeline.seededReason)
        #expect(outcome.report.decision.reasons.dropFirst().allSatisfy { $0.contains("(release gate, DP)") })
        #expect(!FileManager.default.fileExists(atPath: fixture.out))
        let rows = fixture.quarantine + "/synthetic.csv"
        #expect(outcome.report.privacy.seeded && outcome.report.privacy.ledger.charges.count > 0)
        // The seed (42) appears in no output: the report, its summaries or the reasons.
        for path in [
            outcome.reportPath, outcome.htmlPath, fixture.report + ".md", fixture.quarantine + "/REASONS.txt",
            outcome.publicReportPath, outcome.publicHTMLPath,
        ] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(
                text.range(of: #"seed[^0-9\n]{0,12}42\b"#, options: [.regularExpression, .caseInsensitive]) == nil,
                "\(path)")
        }
        #expect(try String(contentsOfFile: outcome.htmlPath, encoding: .utf8).contains("SEEDED run"))
        // Every place that shows utility and attack figures labels them as computed on real data.
        #expect(try String(contentsOfFile: fixture.report + ".md", encoding: .utf8).contains(RealDataNotice.text))
        #expect(try String(contentsOfFile: outcome.htmlPath, encoding: .utf8).contains(RealDataNotice.text))

        let publicKey = try SigningKey.loadPublicKey(fixture.publicKey)
        func verify() throws -> ReportSignature.Verification {
            try ReportSignature.verify(
                reportPath: outcome.reportPath, signaturePath: outcome.reportPath + ".sig", publicKey: publicKey,
                dataPath: rows)
        }
        #expect(try verify().valid)
        try Self.flipByte(outcome.reportPath, at: 200)
        #expect(try !verify().valid)
        try Self.flipByte(outcome.reportPath, at: 200)
        #expect(try verify().valid)
        try Self.flipByte(rows, at: 50)
        let tampered = try verify()
        #expect(tampered.signatureValid && tampered.dataMatches == false && !tampered.valid)
        try Self.flipByte(rows, at: 50)
        let other = SigningKey.generate()
        #expect(
            try !ReportSignature.verify(
                reportPath: outcome.reportPath, signaturePath: outcome.reportPath + ".sig",
                publicKey: other.publicKey, dataPath: nil
            ).valid)
    }

    /// The report validates against Examples/report-schema.json, here with the attacks on a
    /// sample (a limit below the table's size), which the report states.
    @Test func reportValidatesAgainstItsPublishedSchema() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        var pipeline = try ReleasePipeline(configPath: fixture.config.path)
        pipeline.auditSampleLimit = 1000
        final class Lines: @unchecked Sendable { var all: [String] = [] }
        let lines = Lines()
        let outcome = try pipeline.run { lines.all.append($0) }
        // The sample's sizes are confidential report figures: no progress line holds the real
        // tables' row counts (3000 training, 1500 holdout rows).
        // Nor whether a table holds more rows than the limit: the same lines either way (after the
        // first, which names the fixture's folder).
        #expect(lines.all.contains { $0.contains("at most 1000 rows") }, "\(lines.all)")
        #expect(!lines.all.contains { $0.contains("3000") || $0.contains("1500") }, "\(lines.all)")
        let unsampled = try ReleaseFixture()
        try SigningKey.generate().save(to: unsampled.folder.appendingPathComponent("keys/release.key").path)
        var whole = try ReleasePipeline(configPath: unsampled.config.path)
        whole.auditSampleLimit = 5000
        let wholeLines = Lines()
        _ = try whole.run { wholeLines.all.append($0) }
        // A fit step's line ends with its time, which differs from run to run.
        func steps(_ lines: [String]) -> [String] {
            lines.dropFirst().map {
                $0.replacingOccurrences(of: "5000", with: "1000")
                    .replacingOccurrences(of: #"\([0-9.]+ s\)$"#, with: "", options: .regularExpression)
            }
        }
        #expect(
            steps(wholeLines.all) == steps(lines.all),
            "\(wholeLines.all) against \(lines.all)")
        let sample = try #require(outcome.report.audit?.sample)
        #expect(sample.isSubsample && sample.sampledTrainRows == 1000 && sample.trainRows == 3000)
        #expect(HTMLReport.render(outcome.report).contains("1000 of 3000 training"))
        let schema = try Data(contentsOf: SharedData.packageRoot.appendingPathComponent("Examples/report-schema.json"))
        let validator = try JSONSchemaValidator(schema: schema)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: outcome.reportPath))
        #expect(try validator.violations(of: bytes) == [])
        // The validator is not vacuous: a report without its decision fails.
        var object = try JSONSerialization.jsonObject(with: bytes) as! [String: Any]
        object["decision"] = nil
        object["surprise"] = 1
        let broken = try validator.violations(of: JSONSerialization.data(withJSONObject: object))
        #expect(
            broken.contains("$: missing required 'decision'") && broken.contains("$: unexpected property 'surprise'"))
        #expect(try CanonicalJSON.decode(ComplianceReport.self, from: bytes) == outcome.report)
    }

    /// A "synthetic" table that is the training data itself fails the DP gate: the exact and near
    /// copy checks show an advantage near 1, far above the noise at the gate's epsilon.
    @Test func aTrainingCopyIsQuarantinedByTheDPGate() throws {
        let fixture = try ReleaseFixture(extraConfig: "gate: {epsilon: 0.5}\n")
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let pipeline = try ReleasePipeline(configPath: fixture.config.path)
        let prepared = try pipeline.prepare { _ in }
        let ledger = try BudgetLedger(path: fixture.folder.appendingPathComponent("out/ledger.sqlite").path)
        try ledger.initialise(dataset: "people", epsilon: 1, delta: 1e-9)
        let budget = ledger.budget(for: "people")
        let noisy = try prepared.gate.evaluate(
            train: prepared.train, holdout: prepared.holdout, synthetic: prepared.train,
            quasiIdentifiers: prepared.quasiIdentifiers, model: "copy", budget: budget, source: .seeded(5))
        let gate = prepared.gate.report(noisy: noisy, evaluations: 1)
        let charges = try ledger.statement(dataset: "people").charges
        #expect(charges.map(\.mechanism) == [ReleaseGate.mechanismName] && charges[0].cost == .pure(epsilon: 0.5))
        let privacy = ComplianceReport.PrivacyGuarantee(
            epsilon: 1, delta: 1e-9, mechanism: "a training copy", rho: 0, seeded: false,
            randomness: "secure", ledger: try ledger.statement(dataset: "people"))
        let outcome = try pipeline.publish(
            prepared.train, privacy: privacy, gate: gate, releaseCharges: charges, prepared: prepared,
            streams: RunStreams(seed: 1), reusedModel: false
        ) { _ in }
        #expect(!gate.passed && gate.checks[0].noisyTrainRate > 0.95 && gate.checks[0].advantage > 0.3)
        #expect(gate.holdout?.passed == true, "a separate holdout is separate")
        #expect(outcome.report.decision.outcome == .quarantine)
        #expect(!FileManager.default.fileExists(atPath: fixture.out))
        let reasons = try String(contentsOfFile: fixture.quarantine + "/REASONS.txt", encoding: .utf8)
        #expect(reasons.contains("exact copies (release gate, DP)"), "\(reasons)")
        #expect(reasons.contains("Advisory") && reasons.contains("distance to closest record"))
        #expect(reasons.contains(RealDataNotice.text))
        #expect(outcome.report.decision.reasons.allSatisfy { $0.contains("release gate, DP") })
        #expect(FileManager.default.fileExists(atPath: fixture.quarantine + "/synthetic.csv"))
    }

    /// A rerun reuses the bound model but draws a new sample, so it pays a new gate evaluation:
    /// one more charge, the report counts two evaluations and its epsilon grows by the gate's.
    @Test func aResampledModelPaysANewGateEvaluation() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let first = try ReleasePipeline(configPath: fixture.config.path).run()
        let second = try ReleasePipeline(configPath: fixture.config.path).run()
        #expect(!first.reusedModel && second.reusedModel)
        let before = first.report.privacy.ledger.charges
        let after = second.report.privacy.ledger.charges
        #expect(after.count == before.count + 1 && after.last?.mechanism == ReleaseGate.mechanismName)
        // The gate's charge names the holdout it measured, which then takes no budget of its own.
        let ledger = try BudgetLedger(path: fixture.folder.appendingPathComponent("out/ledger.sqlite").path)
        let gateCharge = try ledger.statement(dataset: "people").charges.last
        #expect(
            gateCharge?.parameters.contains("\"\(BudgetLedger.measuredKey)\"") == true,
            "\(String(describing: gateCharge))")
        #expect(first.report.gate?.evaluations == 1 && second.report.gate?.evaluations == 2)
        #expect(abs(second.report.privacy.epsilon - first.report.privacy.epsilon - 0.05) < 1e-9)
        #expect(abs(first.report.privacy.epsilon - 1) < 1e-6)
    }

    /// The public report holds DP figures only: no input or holdout hash, no input row count, no
    /// audit or utility figure; it is signed, and its gate and charges are the release's own.
    @Test func thePublicReportHoldsNoRealDataFigure() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        // An earlier, unrelated charge of the same dataset: the public report lists only this release's.
        try FileManager.default.createDirectory(
            at: fixture.folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        let ledger = try BudgetLedger(path: fixture.folder.appendingPathComponent("out/ledger.sqlite").path)
        try ledger.initialise(dataset: "people", epsilon: 2, delta: 1e-8)
        let earlier = try ledger.charge(
            dataset: "people", mechanism: "earlier", cost: .pure(epsilon: 0.1), seeded: true)
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: outcome.publicReportPath))
        let text = String(decoding: bytes, as: UTF8.self)
        let report = try CanonicalJSON.decode(PublicReport.self, from: bytes)
        let provenance = outcome.report.provenance
        for secret in [provenance.inputHash, provenance.holdoutHash!, provenance.schemaHash, provenance.configHash] {
            #expect(!text.contains(secret))
        }
        let keys = try JSONSerialization.jsonObject(with: bytes) as! [String: Any]
        #expect(Set(keys.keys).isDisjoint(with: ["audit", "utility", "provenance", "checklists", "inputRows"]))
        #expect(!text.contains("\"inputRows\"") && !text.contains("\"realAUC\""))
        #expect(report.gate == outcome.report.gate && report.gate != nil)
        #expect(report.charges.map(\.id) == outcome.report.privacy.ledger.charges.dropFirst().map(\.id))
        #expect(!report.charges.contains { $0.id == earlier.id } && report.charges.count > 1)
        #expect(report.guarantee.epsilon == outcome.report.privacy.epsilon)
        // Dates only: a run's times measure how long the fit took on the real table.
        #expect(report.createdAt.count == 10 && report.charges.allSatisfy { $0.time.count == 10 }, "\(report.charges)")
        let html = try String(contentsOfFile: outcome.publicHTMLPath, encoding: .utf8)
        #expect(html.contains("release gate") || html.contains("Release gate"))
        #expect(!html.contains(provenance.inputHash))
        let key = try SigningKey.loadPublicKey(fixture.publicKey)
        let verification = try ReportSignature.verify(
            reportPath: outcome.publicReportPath, signaturePath: outcome.publicReportPath + ".sig", publicKey: key,
            dataPath: nil)
        #expect(verification.valid, "\(verification.problems)")
    }

    @Test func configErrorsNameFileAndLine() throws {
        let fixture = try ReleaseFixture(extraConfig: "colour: blue\n")
        do {
            _ = try ReleasePipeline(configPath: fixture.config.path)
            Issue.record("an unknown key must be refused")
        } catch let error as DataError {
            #expect(error.description.hasPrefix(fixture.config.path + ":17:"), "\(error)")
            #expect(error.description.contains("unknown key 'colour'"))
        }
    }

    /// A holdout that is the training file itself would make the gate compare the training rows
    /// with themselves; it is refused before the ledger is touched.
    @Test func aHoldoutThatIsTheTrainingDataIsRefused() throws {
        try expectRefusedBeforeTheLedger(
            edits: [("holdout: holdout.csv", "holdout: train.csv")],
            saying: "the holdout is the training table itself")
    }

    /// A holdout that is the training file saved in another form (CRLF line ends, rows reversed)
    /// holds its records: refused once both are read, before the ledger is touched.
    @Test func aHoldoutThatIsACopyOfTheTrainingDataIsRefused() throws {
        try expectRefusedBeforeTheLedger(
            edits: [("holdout: holdout.csv", "holdout: copy.csv")], saying: "the holdout is the training table itself"
        ) { fixture in
            let train = try String(contentsOf: fixture.folder.appendingPathComponent("train.csv"), encoding: .utf8)
            let lines = train.split(separator: "\n")
            try ([lines[0]] + lines.dropFirst().reversed()).joined(separator: "\r\n").write(
                to: fixture.folder.appendingPathComponent("copy.csv"), atomically: true, encoding: .utf8)
        }
    }

    /// An epsilon the method cannot train at, whatever the data, is refused before a row is read
    /// or the ledger touched (here the training file is missing: its error would come first).
    @Test func anUnreachableEpsilonIsRefusedBeforeTheDataIsRead() throws {
        try expectRefusedBeforeTheLedger(
            edits: [
                ("method: mst", "method: dp-tvae"), ("epsilon: 1\n", "epsilon: 0.04\n"), ("iterations: 200\n", ""),
            ],
            saying: "raise --epsilon above"
        ) { fixture in try FileManager.default.removeItem(at: fixture.folder.appendingPathComponent("train.csv")) }
    }

    /// A fit the schema and settings cannot plan (a delta too small for one DP-SGD step) is refused
    /// before the ledger is opened, naming the config.
    @Test func aFitThatCannotBePlannedIsRefusedBeforeTheLedger() throws {
        try expectRefusedBeforeTheLedger(
            edits: [
                ("method: mst", "method: dp-tvae"), ("delta: 1e-9\n", "delta: 1e-40\n"), ("iterations: 200\n", ""),
            ],
            saying: "release.yaml: delta 1e-40 is too small for one DP-SGD step"
        ) { fixture in
            try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        }
    }

    /// Runs the fixture's release with `edits` made to its config (and `prepare` done to its
    /// folder): it must fail with a `ReleaseError` saying `text`, before the ledger exists.
    func expectRefusedBeforeTheLedger(
        edits: [(String, String)], saying text: String, prepare: (ReleaseFixture) throws -> Void = { _ in }
    ) throws {
        let fixture = try ReleaseFixture()
        var config = try String(contentsOf: fixture.config, encoding: .utf8)
        for (old, new) in edits {
            #expect(config.contains(old), "the fixture's config has no '\(old)'")
            config = config.replacingOccurrences(of: old, with: new)
        }
        try config.write(to: fixture.config, atomically: true, encoding: .utf8)
        try prepare(fixture)
        do {
            _ = try ReleasePipeline(configPath: fixture.config.path).run()
            Issue.record("a release that should be refused ran: \(edits)")
        } catch let error as any UserFacingError {
            #expect(error.description.contains(text), "\(error)")
        }
        #expect(
            !FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out/ledger.sqlite").path))
    }

    /// A release without a signing key whose reports would replace signed ones is refused before
    /// anything is read: the old signatures would stay beside reports they do not sign, and
    /// `verify` would call those altered.
    @Test func anUnsignedReleaseOverSignedReportsIsRefused() throws {
        try expectRefusedBeforeTheLedger(
            edits: [("signing_key: keys/release.key\n", "")],
            saying: "are signed, and this config has no signing_key"
        ) { fixture in
            let out = fixture.folder.appendingPathComponent("out")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try Data("{}".utf8).write(to: out.appendingPathComponent("report.public.html.sig"))
        }
    }

    /// Columns the config names are checked against the schema before a row is read (here the
    /// training file is missing: its error would come first): a name the schema lacks, and a
    /// quasi-identifier list that is the secret alone, which would have run an attacker who
    /// knows every column.
    @Test func namedColumnsAreCheckedBeforeTheDataIsRead() throws {
        let removeTraining = { (fixture: ReleaseFixture) in
            try FileManager.default.removeItem(at: fixture.folder.appendingPathComponent("train.csv"))
        }
        try expectRefusedBeforeTheLedger(
            edits: [("target: outcome", "target: nosuch")], saying: "utility.target: 'nosuch'", prepare: removeTraining)
        try expectRefusedBeforeTheLedger(
            edits: [("positive: \"yes\"", "positive: maybe")], saying: "utility.positive: 'maybe'",
            prepare: removeTraining)
        try expectRefusedBeforeTheLedger(
            edits: [("quasi_identifiers: [age, region, job, hours]", "quasi_identifiers: [outcome]")],
            saying: "audit.quasi_identifiers names only 'outcome'", prepare: removeTraining)
    }

    /// A gate epsilon too small for its noise was refused as "scale must be at most 2^56", naming
    /// neither the config nor the key; it is refused with both, before the ledger exists.
    @Test func aGateEpsilonTooSmallForItsNoiseNamesTheConfig() throws {
        try expectRefusedBeforeTheLedger(
            edits: [("epsilon: 1\n", "epsilon: 1\ngate: {epsilon: 1e-300}\n")], saying: "gate.epsilon")
    }

    /// The folder a release saves its model in (`.dpsynth-state` beside the report) must take a
    /// file before the fit is charged: a link to /proc took the charge, then failed to save.
    @Test func aStateFolderThatTakesNoFileIsRefusedBeforeTheLedger() throws {
        var status = stat()
        try #require(stat("/proc/self/fdinfo", &status) == 0, "needs Linux's /proc")
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let out = fixture.folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: out.appendingPathComponent(".dpsynth-state").path, withDestinationPath: "/proc/self/fdinfo")
        do {
            _ = try ReleasePipeline(configPath: fixture.config.path).run()
            Issue.record("a release whose model cannot be saved ran")
        } catch let error as DataError {
            #expect(error.description.contains("saved model"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("ledger.sqlite").path))
    }

    /// Two runs writing one folder at once left a report beside the other run's signature: a run
    /// that finds the folder's lock held is refused before the ledger is touched.
    @Test func aSecondReleaseIntoTheSameFolderIsRefusedWhileTheFirstRuns() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let state = fixture.folder.appendingPathComponent("out/.dpsynth-state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        var held: StateFolderLock? = try StateFolderLock.acquire(state)
        do {
            _ = try ReleasePipeline(configPath: fixture.config.path).run()
            Issue.record("a second release into a locked folder ran")
        } catch let error as ReleaseError {
            #expect(error.description.contains("another release writing this folder is running"), "\(error)")
        }
        #expect(
            !FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out/ledger.sqlite").path))
        #expect(held != nil)
        held = nil
        _ = try ReleasePipeline(configPath: fixture.config.path).run()
    }

    /// A config whose output is its own data is refused before the ledger is touched.
    @Test func aReleaseNeverWritesOverItsInputs() throws {
        let fixture = try ReleaseFixture(extraConfig: "")
        let train = fixture.folder.appendingPathComponent("train.csv")
        let original = try Data(contentsOf: train)
        let text = try String(contentsOf: fixture.config, encoding: .utf8)
            .replacingOccurrences(of: "out: out/synthetic.csv", with: "out: train.csv")
        try text.write(to: fixture.config, atomically: true, encoding: .utf8)
        do {
            _ = try ReleasePipeline(configPath: fixture.config.path).run()
            Issue.record("a release over its own data ran")
        } catch let error as DataError {
            #expect("\(error)".contains("out names the same file as data"), "\(error)")
        }
        #expect(try Data(contentsOf: train) == original)
        #expect(
            !FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("out/ledger.sqlite").path))
    }

    /// A release that stops once its outputs are staged (a kill, a full disk) leaves the previous
    /// run's outputs exactly as they were and no temporary file: never a new table beside an old
    /// report.
    @Test func anInterruptedReleaseLeavesThePreviousOutputsWhole() throws {
        struct Stop: Error {}
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        _ = try ReleasePipeline(configPath: fixture.config.path).run()
        let out = fixture.folder.appendingPathComponent("out")
        func snapshot() throws -> [String: Data] {
            var files: [String: Data] = [:]
            let walk = FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil)!
            for case let file as URL in walk where !file.hasDirectoryPath && !file.path.contains("ledger.sqlite") {
                files[file.path] = try Data(contentsOf: file)
            }
            return files
        }
        let before = try snapshot()
        var pipeline = try ReleasePipeline(configPath: fixture.config.path)
        pipeline.beforeCommit = { throw Stop() }
        #expect(throws: Stop.self) { _ = try pipeline.run() }
        let after = try snapshot()
        #expect(after == before, "\(Set(after.keys).symmetricDifference(before.keys))")
        #expect(before.count >= 8)
    }

    /// The default number of synthetic rows is the model's noisy total, not the exact count of
    /// the private table (neural methods measure a noisy count too: `dpTVAEKeepsAnAssociationAndChargesItsBudget`).
    @Test func theDefaultRowCountIsTheModelsNoisyTotal() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let pipeline = try ReleasePipeline(configPath: fixture.config.path)
        let outcome = try pipeline.run()
        let model = try GeneratorRegistry.standard.loadModel(path: try savedModelPath(pipeline))
        #expect(outcome.report.provenance.syntheticRows == model.noisyRowCount)
        #expect(abs(outcome.report.provenance.syntheticRows - 3000) < 300)

    }

    /// A holdout that is the training table less one row is the same people (a helper's pass
    /// released it, and the gate compared the table with itself). Refusing it before the charge
    /// told whoever supplied the holdout, for free, whether its rows were the training rows; the
    /// DP gate's noisy overlap counts fail it instead, and say why.
    @Test func aHoldoutThatIsTheTrainingTableLessARowFailsTheGate() throws {
        // A gate of epsilon 0.5 (noise scale 12): the fixture's copy is caught whatever the draw.
        let fixture = try ReleaseFixture(extraConfig: "gate: {epsilon: 0.5}\n")
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let train = try String(contentsOf: fixture.folder.appendingPathComponent("train.csv"), encoding: .utf8)
        try (train.split(separator: "\n").dropLast().joined(separator: "\n") + "\n").write(
            to: fixture.folder.appendingPathComponent("holdout.csv"), atomically: true, encoding: .utf8)
        let outcome = try ReleasePipeline(configPath: fixture.config.path).run()
        let gate = try #require(outcome.report.gate)
        #expect(gate.holdout?.passed == false && !gate.passed)
        #expect(outcome.report.decision.reasons.contains { $0.contains("holdout holds the training table's rows") })
        let reasons = try String(contentsOfFile: fixture.quarantine + "/REASONS.txt", encoding: .utf8)
        #expect(reasons.contains("holdout (release gate, DP)"), "\(reasons)")
        // The answer was paid for: the gate's evaluation is in the ledger.
        let ledger = try BudgetLedger(path: fixture.folder.appendingPathComponent("out/ledger.sqlite").path)
        #expect(try ledger.statement(dataset: "people").charges.contains { $0.mechanism == ReleaseGate.mechanismName })
    }

    /// The saved model's file replaced by a link to the training table: the next run wrote its
    /// model through the link, over the private data (a hostile pass). Refused before the ledger
    /// is opened; the table is untouched.
    @Test func aSavedModelLinkedToAnInputIsRefused() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let pipeline = try ReleasePipeline(configPath: fixture.config.path)
        _ = try pipeline.run()
        let model = try savedModelPath(pipeline)
        let train = fixture.folder.appendingPathComponent("train.csv").path
        let before = try Data(contentsOf: URL(fileURLWithPath: train))
        let charges = try BudgetLedger(path: pipeline.config.ledger).statement(dataset: "people").charges.count
        try FileManager.default.removeItem(atPath: model)
        try FileManager.default.createSymbolicLink(atPath: model, withDestinationPath: train)
        #expect {
            try pipeline.run()
        } throws: { error in
            "\(error)".contains("saved model is not a regular model file")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: train)) == before)
        // A link made after that check (during the fit) is replaced, not followed.
        try FileManager.default.removeItem(atPath: model)
        try FileManager.default.createSymbolicLink(atPath: model, withDestinationPath: train)
        try ReleasePipeline.saveModel(Data("{}".utf8), to: model)
        #expect(try Data(contentsOf: URL(fileURLWithPath: train)) == before)
        #expect(!ReleasePipeline.isLink(model))
        #expect(try BudgetLedger(path: pipeline.config.ledger).statement(dataset: "people").charges.count == charges)
    }

    /// A quarantined run replaces the reports of an earlier release in the same folder, so the
    /// table they released at `out` goes too (a helper's pass found it left beside reports that
    /// spoke of the quarantined sample); a file at `out` that no replaced report released stays.
    @Test func aQuarantineRemovesOnlyTheReleaseItsReportsNoLongerSpeakFor() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let pipeline = try ReleasePipeline(configPath: fixture.config.path)
        _ = try pipeline.run()
        try Data("id,age\n1,2\n".utf8).write(to: URL(fileURLWithPath: fixture.out))
        _ = try pipeline.run()
        #expect(FileManager.default.fileExists(atPath: fixture.out), "no report released it")

        // The report about to be replaced released the table now at `out`.
        let quarantined = fixture.quarantine + "/synthetic.csv"
        try FileManager.default.removeItem(atPath: fixture.out)
        try FileManager.default.copyItem(atPath: quarantined, toPath: fixture.out)
        let reportPath = fixture.report + ".json"
        let text = try String(contentsOfFile: reportPath, encoding: .utf8)
        let released = text.replacingOccurrences(of: "\"outcome\" : \"quarantine\"", with: "\"outcome\" : \"release\"")
            .replacingOccurrences(of: quarantined, with: fixture.out)
            .replacingOccurrences(
                of: quarantined.replacingOccurrences(of: "/", with: "\\/"),
                with: fixture.out.replacingOccurrences(of: "/", with: "\\/"))
        #expect(released != text && released.contains("synthetic.csv"))
        try released.write(toFile: reportPath, atomically: true, encoding: .utf8)
        // Stopped before its reports replace the earlier ones (a signal, a full disk), the run has
        // already removed the table: it stayed for good when removed after them, since the next
        // run finds only quarantine reports.
        struct Stop: Error {}
        var stopped = pipeline
        stopped.beforeCommit = { throw Stop() }
        #expect(throws: Stop.self) { _ = try stopped.run() }
        #expect(!FileManager.default.fileExists(atPath: fixture.out))
        #expect(try String(contentsOfFile: reportPath, encoding: .utf8) == released)
        try FileManager.default.copyItem(atPath: quarantined, toPath: fixture.out)
        var said: [String] = []
        let outcome = try pipeline.run { said.append($0) }
        #expect(outcome.report.decision.outcome == .quarantine)
        #expect(!FileManager.default.fileExists(atPath: fixture.out))
        #expect(said.contains { $0.contains("removed the earlier release") }, "\(said)")
    }

    /// A release replaces the reports of an earlier quarantine in the same folder, so that run's
    /// quarantined table and REASONS.txt go too, not kept beside the released table; reasons that
    /// name another table (another config's quarantine into the same folder) stay. The
    /// first run is seeded, so quarantined; the second is not, and its gate (max_advantage 1:
    /// no rate can exceed another by more) quarantines the fixture's separate holdout only when
    /// the noise on its shared rows passes about 9 of its scales, with chance under 1e-4.
    @Test(arguments: [false, true])
    func aReleaseRemovesTheQuarantineItsReportsNoLongerSpeakFor(othersReasons: Bool) throws {
        let fixture = try ReleaseFixture(extraConfig: "gate: {epsilon: 0.05, max_advantage: 1}\n")
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let quarantined = try ReleasePipeline(configPath: fixture.config.path).run()
        #expect(quarantined.report.decision.outcome == .quarantine)
        let table = fixture.quarantine + "/synthetic.csv"
        let reasons = fixture.quarantine + "/REASONS.txt"
        #expect(FileManager.default.fileExists(atPath: table) && FileManager.default.fileExists(atPath: reasons))
        let written = try String(contentsOfFile: reasons, encoding: .utf8)
        #expect(written.hasPrefix("Quarantined by dpsynth release: synthetic.csv\n"), "\(written)")
        // Another config with another `out` quarantined into the same folder since: the reasons
        // are its own, and stay.
        let others = "Quarantined by dpsynth release: other.csv\nDecided by the DP release gate:\n"
        if othersReasons { try others.write(toFile: reasons, atomically: true, encoding: .utf8) }
        let text = try String(contentsOf: fixture.config, encoding: .utf8)
        try text.replacingOccurrences(of: "seed: 42\n", with: "").write(
            to: fixture.config, atomically: true, encoding: .utf8)
        var said: [String] = []
        let released = try ReleasePipeline(configPath: fixture.config.path).run { said.append($0) }
        #expect(released.report.decision.outcome == .release)
        #expect(FileManager.default.fileExists(atPath: fixture.out))
        #expect(!FileManager.default.fileExists(atPath: table))
        #expect(FileManager.default.fileExists(atPath: reasons) == othersReasons)
        if othersReasons { #expect(try String(contentsOfFile: reasons, encoding: .utf8) == others) }
        #expect(said.contains { $0.contains("removed the earlier run's quarantined table") }, "\(said)")
    }

    /// A holdout whose people another dataset's budget covers is refused before anything is
    /// declared or charged: the gate's noisy counts measure them, and only the training data's
    /// budget pays (a helper's pass published 2 epsilon of such counts on a spent budget).
    @Test func aHoldoutThatAnotherBudgetCoversIsRefused() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let holdout = fixture.folder.appendingPathComponent("holdout.csv").path
        let ledgerPath = fixture.folder.appendingPathComponent("out/ledger.sqlite").path
        try FileManager.default.createDirectory(
            at: fixture.folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        let ledger = try BudgetLedger(path: ledgerPath)
        try ledger.initialise(
            dataset: "people-b", epsilon: 1, delta: 0, fingerprint: try Blake2b.hex(file: holdout))
        let before = try ledger.head()
        #expect {
            try ReleasePipeline(configPath: fixture.config.path).run()
        } throws: { error in
            "\(error)".contains("dataset 'people-b'") && "\(error)".contains("holdout")
        }
        #expect(try ledger.head() == before)
        #expect(try ledger.datasets() == ["people-b"])
    }

    /// The saved model's name is the run's key hashed under the ledger's secret: the key hashes the
    /// training data's bytes, and the folder sits beside the published reports, where a name that
    /// anyone can compute from a candidate table would test it exactly (a helper's pass). A model
    /// an earlier version saved under the key itself is reused and renamed.
    @Test func theSavedModelsNameIsNoFunctionOfTheData() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let pipeline = try ReleasePipeline(configPath: fixture.config.path)
        _ = try pipeline.run()
        let prepared = try pipeline.prepare { _ in }
        func saved() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: prepared.stateFolder.path).filter {
                $0.hasPrefix("model-")
            }
        }
        let keyed = URL(fileURLWithPath: try savedModelPath(pipeline)).lastPathComponent
        let unkeyed = "model-\(prepared.runKey).json"
        #expect(try saved() == [keyed] && keyed != unkeyed)

        try FileManager.default.moveItem(
            at: prepared.stateFolder.appendingPathComponent(keyed),
            to: prepared.stateFolder.appendingPathComponent(unkeyed))
        #expect(try pipeline.run().reusedModel)
        #expect(try saved() == [keyed])
    }

    /// A model another config's run fitted and paid for, copied under this config's name, was
    /// reused: the ledger bound it to charges of the dataset at the same budget, and the report
    /// then named this config's method and settings for another run's model (a hostile pass). The
    /// binding names the file the model was saved as, so the copy is refused before any charge.
    @Test func anotherConfigsModelCopiedInIsRefused() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let text = try String(contentsOf: fixture.config, encoding: .utf8)
        try text.replacingOccurrences(of: "dataset_budget: {epsilon: 2,", with: "dataset_budget: {epsilon: 5,")
            .write(to: fixture.config, atomically: true, encoding: .utf8)
        let first = try ReleasePipeline(configPath: fixture.config.path)
        _ = try first.run()
        let otherConfig = fixture.folder.appendingPathComponent("other.yaml")
        try String(contentsOf: fixture.config, encoding: .utf8)
            .replacingOccurrences(of: "out/synthetic.csv", with: "other/synthetic.csv")
            .replacingOccurrences(of: "out/quarantine", with: "other/quarantine")
            .replacingOccurrences(of: "report: out/report", with: "report: other/report")
            .write(to: otherConfig, atomically: true, encoding: .utf8)
        let other = try ReleasePipeline(configPath: otherConfig.path)
        let copied = try savedModelPath(other)
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: copied).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: try savedModelPath(first), toPath: copied)
        let ledger = try BudgetLedger(path: fixture.folder.appendingPathComponent("out/ledger.sqlite").path)
        let charges = try ledger.statement(dataset: "people").charges.count
        #expect {
            try other.run()
        } throws: { error in
            "\(error)".contains("from another run")
        }
        #expect(try ledger.statement(dataset: "people").charges.count == charges)
        #expect(try first.run().reusedModel)
    }

    /// The ledger's file-name key names where a rerun looks for its paid model: edited, the rerun
    /// fitted anew and paid again, unannounced (a hostile pass). The key is an entry of the
    /// ledger's chain, so the edited ledger is refused on opening, naming the key, and nothing
    /// is charged.
    @Test func anEditedFileNameKeyIsRefusedBeforeARefit() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let pipeline = try ReleasePipeline(configPath: fixture.config.path)
        _ = try pipeline.run()
        let ledgerPath = fixture.folder.appendingPathComponent("out/ledger.sqlite").path
        let chargeCount =
            "import sqlite3, sys; "
            + "sys.exit(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM charge').fetchone()[0])"
        let charges = try Python.run(chargeCount, [ledgerPath])
        #expect(charges > 0)
        let edited = try Python.run(
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute(\"UPDATE meta SET value = '\" "
                + "+ '00' * 32 + \"' WHERE key = 'file_name_key'\"); db.commit()",
            [ledgerPath])
        #expect(edited == 0)
        #expect {
            try pipeline.run()
        } throws: { error in
            "\(error)".contains("(the file-name key) does not match its hash")
        }
        #expect(try Python.run(chargeCount, [ledgerPath]) == charges)
    }

    /// A model file put in the state folder by hand (here fitted at epsilon 100) is not bound to
    /// charges of this dataset, so the release refuses it before charging anything (it fitted anew
    /// and paid, unannounced); once removed, the release fits anew and pays, and the report's
    /// epsilon comes from the ledger's charges (it read the config's 1 while the copied model had
    /// cost 100). A pipe at its name is refused too (a release waited on one for ever, after its fit
    /// was charged).
    @Test func aCachedModelIsReusedOnlyWhenTheLedgerBindsIt() throws {
        let fixture = try ReleaseFixture()
        try SigningKey.generate().save(to: fixture.folder.appendingPathComponent("keys/release.key").path)
        let pipeline = try ReleasePipeline(configPath: fixture.config.path)
        let first = try pipeline.run()
        #expect(!first.reusedModel && first.report.privacy.epsilon <= 1 + 1e-9)
        #expect(first.report.privacy.epsilon > 0.99)
        let again = try pipeline.run()
        #expect(
            again.reusedModel
                && again.report.privacy.ledger.charges.count == first.report.privacy.ledger.charges.count + 1)

        let prepared = try pipeline.prepare { _ in }
        let generator = try GeneratorRegistry.standard.generator(named: "mst")
        let expensive = try generator.checkedFit(
            FitRequest(
                data: prepared.train, epsilon: 100, delta: 1e-9, budget: PrivacyOdometer(epsilon: 100, delta: 1e-9),
                source: .seeded(3)))
        let savedPath = try savedModelPath(pipeline)
        try AtomicFile.write(try expensive.fileData(), to: savedPath)
        let ledgerPath = fixture.folder.appendingPathComponent("out/ledger.sqlite").path
        let charges = try BudgetLedger(path: ledgerPath).statement(dataset: "people").charges.count
        #expect(throws: ReleaseError.self) { try pipeline.run() }
        unlink(savedPath)
        #expect(mkfifo(savedPath, 0o600) == 0)
        #expect(throws: ReleaseError.self) { try pipeline.run() }
        #expect(try BudgetLedger(path: ledgerPath).statement(dataset: "people").charges.count == charges)
        unlink(savedPath)
        let third = try pipeline.run()
        #expect(!third.reusedModel)
        #expect(third.report.privacy.ledger.charges.count > first.report.privacy.ledger.charges.count)
        // The seeded refit reproduces the first model byte for byte, so that model's two earlier gate
        // evaluations count as well: 0.95 + 3 x 0.05, never the 100 the copied file cost.
        #expect(abs(third.report.privacy.epsilon - 1.1) < 1e-6, "\(third.report.privacy.epsilon)")
    }
}

/// Where `pipeline` saves its model, as `ReleasePipeline.fitOrReuse` names it.
func savedModelPath(_ pipeline: ReleasePipeline) throws -> String {
    try pipeline.modelPath(pipeline.prepare { _ in }, ledger: BudgetLedger(path: pipeline.config.ledger))
}
