import ArgumentParser
import DPAudit
import DPData
import DPRandomness
import DPReport
import Foundation

/// `dpsynth audit`: attack a synthetic table before release and judge it against a policy.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract:
            "Attack a synthetic table (membership, inference, singling out, linkability) "
            + "and judge it against a policy.",
        discussion:
            "Exit status 0 when the policy passes, 3 when it fails. The figures are computed on real data: share "
            + "audit.json only with those allowed to see them."
    )

    @OptionGroup var tables: ComparedTables
    @Option(help: "A column whose value an attacker tries to learn (repeat for several).") var secret: [String] = []
    @Option(help: "Columns an attacker knows about a target, separated by commas.") var quasi: String?
    @Option(help: "A YAML policy of thresholds (default: Examples/policy.yaml's values).") var policy: String?
    @Option(
        help: "The generator's settings (YAML: method, epsilon, delta, targets, shadows) to run shadow-model attacks.")
    var generatorConfig: String?
    @Option(
        parsing: .unconditional, help: "The epsilon the release claims; an empirical epsilon above it fails the audit.")
    var epsilon: Double?
    @Option(parsing: .unconditional, help: "The delta the release claims.") var delta: Double = 1e-9
    @Option(parsing: .unconditional, help: "Attacks per risk estimate.") var attacks: Int = 500
    @Option(help: "Where to write the audit JSON (atomically).") var out: String
    @Option(parsing: .unconditional, help: "Seed for a reproducible test run.") var seed: UInt64?
    @Flag(help: "Print the summary as JSON.") var json = false

    /// The most attacks one risk estimate takes: each is a neighbour search over the tables.
    static let largestAttacks = 1_000_000

    func validate() throws {
        if let epsilon { try Check.epsilon(epsilon, "--epsilon") }
        try Check.probability(delta, "--delta")
        try Check.positive(attacks, "--attacks")
        guard attacks <= Self.largestAttacks else {
            throw ValidationError("--attacks must be at most \(Self.largestAttacks) (got \(attacks))")
        }
    }

    func run() throws {
        try CommandFailure.reportingLibraryErrors {
            try OutputPaths.refuseOverlap(
                outputs: [("--out", out)],
                inputs: tables.inputs + [("--policy", policy), ("--generator-config", generatorConfig)])
            try OutputPaths.refuseUnwritable([("--out", out)])
            let schema = try tables.parsedSchema()
            let quasiNames = try quasi.map { try CommaList.items($0, option: "--quasi", example: "age,sex") } ?? []
            let secrets = try secret.map { try tables.column($0, option: "--secret", in: schema) }
            let quasiIdentifiers = try quasiNames.map { try tables.column($0, option: "--quasi", in: schema) }
            do {
                try AttackedColumns.check(
                    secrets: secret, quasiIdentifiers: quasiNames, secretsKey: "--secret", quasiKey: "--quasi")
            } catch let error as AuditInputError {
                throw CommandFailure(error.description, status: 64)
            }
            let (trainRows, holdoutRows, syntheticRows) = try tables.load(
                schema: schema, minimumRows: 10, purpose: "an audit")
            var audit = PrivacyAudit(policy: try policy.map(AuditPolicy.load) ?? AuditPolicy())
            audit.attacks = attacks
            audit.shadowModels = try generatorConfig.map(GeneratorConfig.load)
            let source = seed.map(RandomSource.seeded) ?? .secure()
            if source.isSeeded { Output.note("dpsynth: \(source.label)") }
            let result = try audit.run(
                PrivacyAudit.Input(
                    train: trainRows, holdout: holdoutRows, synthetic: syntheticRows, secrets: secrets,
                    quasiIdentifiers: quasiIdentifiers, claimedEpsilon: epsilon, delta: delta),
                source: source
            ) { Output.progress("audit: \($0)") }
            Output.progress(nil)
            try AtomicFile.write(try CanonicalJSON.encode(result, notice: RealDataNotice.text), to: out)
            if json {
                try Output.json([
                    "decision": result.decision.rawValue, "out": out, "seconds": result.seconds,
                    "seeded": source.isSeeded,
                    "failed": result.findings.filter { !$0.passed }.map(\.attack), "notice": RealDataNotice.text,
                ])
            } else {
                print(
                    "audit: \(result.decision.rawValue.uppercased()) in "
                        + "\(String(format: "%.1f", result.seconds)) s (\(RealDataNotice.text))"
                )
                for finding in result.findings {
                    print(
                        String(
                            format: "  %@ %-14@ %@: %.3f [%.3f, %.3f] (baseline %.3f, threshold %.2f)",
                            finding.passed ? "pass" : "FAIL",
                            finding.criterion.rawValue, finding.attack, finding.value, finding.lower, finding.upper,
                            finding.baseline, finding.threshold))
                }
                print("written to \(out)")
            }
            if result.decision != .pass { throw ExitCode(3) }
        }
    }
}
