import DPData
import Foundation

/// The result of one `dpsynth dp-audit` run: a one-run canary audit of a generator's code on the
/// table it names (its `note` says when that is private), and the same audit of a non-private
/// control that shows it would catch a copy of the rows. A release report carries the latest one for its method
/// (from a file the user names, or the table published with this version) as an implementation
/// check, separate from the release's own figures: the release cannot plant canaries in the data
/// it releases.
///
/// Privacy: on public data the figures are public; when `dp-audit` runs on private data its fit
/// is charged like any run and the figures are computed on real data (the `note` says so).
public struct ImplementationAudit: Sendable, Codable, Equatable {
    public let method: String
    public let claimedEpsilon: Double
    public let delta: Double
    public let canaries: Int
    public let guesses: Int
    public let correct: Int
    public let confidence: Double
    public let epsilonLowerBound: Double
    public let controlCorrect: Int
    public let controlEpsilonLowerBound: Double
    /// The dpsynth version that ran the audit.
    public let toolVersion: String
    /// The table audited (a file name or a table's identity).
    public let data: String
    public let note: String
    /// The generator settings the audit ran with, by config key (`GeneratorSettings.described`):
    /// empty for the method's defaults, absent in a result that did not record them.
    public let settings: [String: String]?
    /// What the figures say about the claim (`ImplementationAuditVerdict`), recomputed from them
    /// whenever a result is built or read, never taken from a file.
    public let verdict: ImplementationAuditVerdict
    /// Where a release found this result (set by the release; absent in `dp-audit`'s own output).
    public var source: String?
    /// How the audited run differs from the release that shows it (`scope(releaseEpsilon:releaseSettings:)`,
    /// set by the release; empty when it ran what the release runs). Only an audit of what the
    /// release runs counts in its checklist.
    public var scope: [String]?

    public static let note = "an implementation check; on private data these figures are computed on real data"

    public init(
        method: String, claimedEpsilon: Double, delta: Double, canaries: Int, guesses: Int, correct: Int,
        confidence: Double, epsilonLowerBound: Double, controlCorrect: Int, controlEpsilonLowerBound: Double,
        toolVersion: String = ToolVersion.current, data: String, settings: [String: String]? = [:],
        note: String = ImplementationAudit.note, source: String? = nil
    ) {
        self.method = method
        self.claimedEpsilon = claimedEpsilon
        self.delta = delta
        self.canaries = canaries
        self.guesses = guesses
        self.correct = correct
        self.confidence = confidence
        self.epsilonLowerBound = epsilonLowerBound
        self.controlCorrect = controlCorrect
        self.controlEpsilonLowerBound = controlEpsilonLowerBound
        self.toolVersion = toolVersion
        self.data = data
        self.settings = settings
        self.note = note
        self.verdict = ImplementationAuditVerdict(
            claimedEpsilon: claimedEpsilon, epsilonLowerBound: epsilonLowerBound,
            controlEpsilonLowerBound: controlEpsilonLowerBound)
        self.source = source
    }

    /// The verdict in one sentence, with the figures it rests on: what every report, console
    /// line and refusal prints.
    public var statement: String {
        let bound = String(
            format: "epsilon >= %.3f at %g confidence (%d of %d guesses right)", epsilonLowerBound, confidence,
            correct, guesses)
        let control = String(format: "%.3f", controlEpsilonLowerBound)
        switch verdict {
        case .claimExceeded:
            return "FAIL: \(bound), above the claimed \(Self.number(claimedEpsilon)): this build of \(method) "
                + "spends more privacy than it claims"
        case .noEvidenceAgainstClaim:
            return "no evidence against the claimed \(Self.number(claimedEpsilon)): \(bound). Not evidence for it: the "
                + "non-private control (the rows copied) was caught at \(control), but the audit's power against "
                + "\(method) itself is not demonstrated"
        case .inconclusive:
            return "inconclusive: \(bound); the non-private control's bound, \(control), does not exceed the "
                + "claimed \(Self.number(claimedEpsilon)), so not even a copy of the rows could have been caught"
        }
    }

    static func number(_ value: Double) -> String { String(format: "%g", value) }

    /// How the audited run differs from a release of the same method whose generator runs at
    /// `releaseEpsilon` (the release's epsilon less the gate's) with the generator settings
    /// `releaseSettings` (`GeneratorSettings.described`): one line for each difference, none when
    /// the audit ran what the release runs.
    public func scope(releaseEpsilon: Double, releaseSettings: [String: String]) -> [String] {
        var differences: [String] = []
        // Equal up to rounding: the release's share is computed (epsilon less the gate's).
        if abs(claimedEpsilon - releaseEpsilon) > 1e-9 * releaseEpsilon {
            differences.append(
                "audited at a claimed epsilon of \(Self.number(claimedEpsilon)); this release's generator runs "
                    + "at \(Self.number(releaseEpsilon))")
        }
        guard let settings else {
            differences.append("the audit did not record its generator settings")
            return differences
        }
        for key in Set(settings.keys).union(releaseSettings.keys).sorted() where settings[key] != releaseSettings[key] {
            differences.append(
                "audited with \(key) \(settings[key] ?? "at the method's default"); this release uses "
                    + (releaseSettings[key] ?? "the method's default"))
        }
        return differences
    }

    /// `dp-audit --json`'s form: snake_case keys (`claimed_epsilon`, `epsilon_lower_bound`, ...).
    public func snakeCaseJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a file written by `dpsynth dp-audit --json`, for the release of `method`.
    public static func load(path: String, method: String, key: String) throws -> ImplementationAudit {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw DataError(
                file: path, problem: "cannot read the dp-audit result named by '\(key)'",
                hint: "Write it with 'dpsynth dp-audit ... --json > FILE', or remove '\(key)'.")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let read = try? decoder.decode(ImplementationAudit.self, from: bytes) else {
            throw DataError(
                file: path, problem: "is not the JSON object 'dpsynth dp-audit --json' writes",
                hint: "Write it with 'dpsynth dp-audit ... --json > FILE'.")
        }
        guard read.method == method else {
            throw DataError(
                file: path, problem: "audits \(read.method), but this release uses \(method)",
                hint: "Name a dp-audit result of \(method), or remove '\(key)'.")
        }
        // Rebuilt from its figures: the verdict and the label are this version's, whatever the
        // file says of them.
        return ImplementationAudit(
            method: read.method, claimedEpsilon: read.claimedEpsilon, delta: read.delta, canaries: read.canaries,
            guesses: read.guesses, correct: read.correct, confidence: read.confidence,
            epsilonLowerBound: read.epsilonLowerBound, controlCorrect: read.controlCorrect,
            controlEpsilonLowerBound: read.controlEpsilonLowerBound, toolVersion: read.toolVersion, data: read.data,
            settings: read.settings, source: "file \(URL(fileURLWithPath: path).lastPathComponent)")
    }

    /// The published result for `method` whose claimed epsilon is nearest `epsilon`, if any.
    public static func published(method: String, epsilon: Double) -> ImplementationAudit? {
        func distance(_ audit: ImplementationAudit) -> Double { abs(log(audit.claimedEpsilon / epsilon)) }
        let candidates = PublishedAudits.table.filter { $0.method == method }
        guard var audit = candidates.min(by: { distance($0) < distance($1) }) else { return nil }
        audit.source = "the table published with dpsynth \(audit.toolVersion) (README, 'Empirical privacy audit')"
        return audit
    }
}
