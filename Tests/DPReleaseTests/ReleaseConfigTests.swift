import DPData
import DPReport
import DPSynthesis
import Foundation
import Testing

@testable import DPRelease

/// Release configs that cannot work are refused when read, with the place and a way out.
@Suite struct ReleaseConfigTests {
    static let base = """
        data: train.csv
        holdout: holdout.csv
        schema: schema.yaml
        epsilon: 1
        out: out/synthetic.csv
        ledger: out/ledger.sqlite
        report: out/report

        """

    static func parse(_ extra: String) throws -> ReleaseConfig {
        try ReleaseConfig.parse(base + extra, file: "release.yaml", relativeTo: URL(fileURLWithPath: "/tmp"))
    }

    /// Expects the base config with `extra` refused by a DataError whose text holds `message`.
    static func expectRefused(
        _ extra: String, saying message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        do {
            _ = try parse(extra)
            Issue.record("\(extra) was accepted", sourceLocation: sourceLocation)
        } catch let error as DataError {
            #expect("\(error)".contains(message), "\(error)", sourceLocation: sourceLocation)
        }
    }

    /// The base config with its line starting `key:` replaced by `line`.
    static func replacing(_ key: String, with line: String) throws -> ReleaseConfig {
        let text = base.split(separator: "\n").map { $0.hasPrefix("\(key):") ? line : String($0) }
            .joined(separator: "\n")
        return try ReleaseConfig.parse(text + "\n", file: "release.yaml", relativeTo: URL(fileURLWithPath: "/tmp"))
    }

    /// YAML 1.1 reads `1_0` as 10, `010` as 8, `0:30` as 30 and `0x10` as 16: `epsilon: 1_0` and
    /// `epsilon: 010` ran as epsilon 10. A number is read only in decimal notation.
    @Test(arguments: ["1_0", "010", "0:30", "0x10", "0x1p3", ".inf", "1e", ".", "Infinity", "1,5"])
    func aNumberInAnotherNotationThanDecimalIsRefused(_ text: String) throws {
        do {
            _ = try Self.replacing("epsilon", with: "epsilon: \(text)")
            Issue.record("epsilon: \(text) was accepted")
        } catch let error as DataError {
            #expect("\(error)".hasPrefix("release.yaml:4:"), "\(error)")
        }
        try Self.expectRefused("seed: \(text)\n", saying: "'seed'")
    }

    /// Secrets without quasi-identifiers leave the gate's attribute check matching on every other
    /// column: the config is read, with a warning that names the key to set.
    @Test func secretsWithoutQuasiIdentifiersAreWarnedOf() throws {
        let unnamed = try Self.parse("audit: {secrets: [income]}\n")
        #expect(unnamed.warnings.count == 1)
        #expect(unnamed.warnings.first?.contains("quasi_identifiers") == true)
        #expect(try Self.parse("audit: {secrets: [income], quasi_identifiers: [age]}\n").warnings.isEmpty)
        #expect(try Self.parse("").warnings.isEmpty)
    }

    @Test func decimalNumbersAreRead() throws {
        for (text, value) in [("2", 2.0), ("0.5", 0.5), (".5", 0.5), ("1e-1", 0.1), ("+3", 3), ("2.", 2), ("0", 0)]
        where value > 0 {
            #expect(try Self.replacing("epsilon", with: "epsilon: \(text)").epsilon == value)
        }
        #expect(try Self.parse("seed: 9007199254740993\n").seed == 9_007_199_254_740_993)
    }

    /// An empty or null path named the config's folder (`report: ""` wrote `report_empty` files
    /// beside it) or a file called `~`; each is refused with its line.
    @Test func anEmptyOrNullValueIsRefused() throws {
        for line in ["out: \"\"", "out: ~", "report:", "out: null"] {
            do {
                _ = try Self.replacing(String(line.prefix { $0 != ":" }), with: line)
                Issue.record("\(line) was accepted")
            } catch let error as DataError {
                #expect("\(error)".hasPrefix("release.yaml:") && "\(error)".contains("is empty"), "\(error)")
            }
        }
        for line in ["quarantine: \"\"\n", "dataset: ~\n", "signing_key:\n", "method: ''\n"] {
            try Self.expectRefused(line, saying: "is empty")
        }
        // A quoted 'null' is a name like any other.
        #expect(try Self.parse("dataset: 'null'\n").dataset == "null")
    }

    @Test func methodsAreReadAsTheirKind() throws {
        #expect(try Self.parse("method: dp-tvae\n").method == "dp-tvae")
        #expect(try Self.parse("").method == "aim")
        #expect(throws: DataError.self) { try Self.parse("method: gan\n") }
        // The method comes before the audit in the file or after it: the check holds either way.
        #expect(throws: DataError.self) {
            try Self.parse(
                "audit: {secrets: [outcome], quasi_identifiers: [age], shadow_models: {targets: 3}}\nmethod: dp-tvae\n")
        }
    }

    @Test func shadowModelsNeedAMarginalMethod() throws {
        let marginal = try Self.parse(
            "method: mst\naudit: {secrets: [outcome], quasi_identifiers: [age], shadow_models: {targets: 3}}\n")
        #expect(marginal.shadowModels?.targets == 3 && marginal.shadowModels?.shadows == 20)
        do {
            _ = try Self.parse(
                "method: dp-ctgan\naudit: {secrets: [outcome], quasi_identifiers: [age], shadow_models: {targets: 3}}\n"
            )
            Issue.record("shadow models with a neural method were accepted")
        } catch let error as DataError {
            #expect("\(error)".contains("release.yaml") && "\(error)".contains("aim, mst and independent"))
        }
    }

    /// Counts out of range or fractional are refused with the line of the value (they trapped in
    /// Double-to-Int conversion, or were truncated).
    @Test(arguments: ["rows: 1e300\n", "iterations: 1e19\n", "rows: 2.7\n", "rows: -3\n", "neural: {epochs: 0.5}\n"])
    func countsOutOfRangeAreRefusedWithTheirLine(_ line: String) throws {
        do {
            _ = try Self.parse(line)
            Issue.record("'\(line)' was accepted")
        } catch let error as DataError {
            #expect("\(error)".hasPrefix("release.yaml:8:"), "\(error)")
            #expect("\(error)".contains("whole number"), "\(error)")
        }
    }

    /// A refused delta is shown a delta it may take, and a key written twice is located. Found by
    /// a hostile pass: the hint was 'delta: 1', itself refused, and a repeated key had no line.
    @Test func aRefusedDeltaOrARepeatedKeyIsExplainedWithItsPlace() throws {
        for (line, hint) in [
            ("delta: -1e-9\n", "'delta: 1e-9'"), ("dataset_budget: {epsilon: 3, delta: -1}\n", "'delta: 1e-8'"),
        ] {
            do {
                _ = try Self.parse(line)
                Issue.record("'\(line)' was accepted")
            } catch let error as DataError {
                #expect("\(error)".hasPrefix("release.yaml:8:") && "\(error)".contains(hint), "\(error)")
            }
        }
        do {
            _ = try Self.parse("epsilon: 2\n")
            Issue.record("a repeated key was accepted")
        } catch let error as DataError {
            #expect(error.line != nil && "\(error)".contains("the same key twice"), "\(error)")
        }
    }

    /// A declared budget smaller than the release is refused while the config is read: it was
    /// stored, then the run refused, and a budget is never raised (a helper's pass).
    @Test func aDatasetBudgetSmallerThanTheReleaseIsRefused() throws {
        for budget in ["{epsilon: 0.5, delta: 1e-6}", "{epsilon: 5, delta: 1e-12}"] {
            try Self.expectRefused("dataset_budget: \(budget)\n", saying: "smaller than this release's")
        }
        #expect(try Self.parse("dataset_budget: {epsilon: 2, delta: 1e-9}\n").datasetBudget?.epsilon == 2)
    }

    /// A report named 'x.public' would write its confidential reports where the public reports of
    /// a release named 'x' go (x.public.json): a reader would take them for public, and either
    /// release would replace the other's.
    @Test func aReportNamedAsPublicIsRefused() throws {
        for name in ["out/report.public", "report.public"] {
            do {
                _ = try Self.replacing("report", with: "report: \(name)")
                Issue.record("\(name) was accepted")
            } catch let error as DataError {
                #expect("\(error)".contains("confidential reports would bear public reports' names"), "\(error)")
            }
        }
        #expect(try Self.replacing("report", with: "report: out/public").report == "/tmp/out/public")
    }

    /// Shadow models fit the generator twice per target and shadow: a count that would run for
    /// days after the release's charges is refused when the config is read (a helper's pass).
    @Test func shadowModelCountsBeyondTheLimitsAreRefused() throws {
        for (key, value) in [("targets", "1000000000"), ("shadows", "100000"), ("rows", "1e9")] {
            try Self.expectRefused(
                "method: mst\naudit: {shadow_models: {\(key): \(value)}}\n",
                saying: "'\(key)' must be a whole number from 1 to")
        }
        #expect(try Self.parse("method: mst\naudit: {shadow_models: {targets: 3}}\n").shadowModels?.targets == 3)
    }

    /// A setting beyond what the generators accept is named at its line when the config is read
    /// (it was refused later, without the file's name or line, and with another range).
    @Test func settingsBeyondTheirRangeAreNamedAtTheirLine() throws {
        try Self.expectRefused(
            "iterations: 1000000000000\n", saying: "'iterations' must be a whole number from 1 to 1000000")
        try Self.expectRefused(
            "neural: {epochs: 1000000}\n", saying: "'epochs' must be a whole number from 1 to 100000")
        try Self.expectRefused("neural: {kl_weight: 1e9}\n", saying: "'kl_weight'")
    }

    @Test func settingsTheMethodDoesNotReadAreRefusedBeforeAnyCharge() throws {
        let config = try Self.parse("method: dp-tvae\niterations: 300\n")
        #expect(throws: GeneratorSettingsError.self) {
            try GeneratorRegistry.standard.generator(named: config.method, settings: config.settings)
        }
    }
}
