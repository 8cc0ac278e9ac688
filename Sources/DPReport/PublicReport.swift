import DPAccounting
import DPLedger
import Foundation

/// The report of a release that may be published: only differentially private quantities and
/// facts that reveal nothing about the real rows. It holds the guarantee, the method, the ledger
/// charges that paid for this release, the gate's noisy figures and decision, and the hash of
/// the synthetic file; it holds no input hash, no input row count and no audit or utility figure
/// computed on real data (those stay in the confidential `ComplianceReport`).
///
/// Privacy: every figure is an output of a mechanism charged to the ledger, or post-processing of
/// one, so publishing the report spends nothing beyond what the ledger shows.
public struct PublicReport: Sendable, Codable, Equatable {
    public static let formatVersion = "dpsynth-public-report/1"
    /// What a release adds to its reports' name for the public ones: REPORT.public.json and
    /// REPORT.public.html beside the confidential REPORT.json and REPORT.html.
    public static let nameSuffix = ".public"

    public var format = PublicReport.formatVersion
    public let outcome: ReleaseOutcome
    /// Why the table was quarantined, from DP figures only (empty when released).
    public let reasons: [String]
    public let guarantee: Guarantee
    public let method: String
    /// The ledger's dataset name and total budget.
    public let dataset: String
    public let totalEpsilon: Double
    public let totalDelta: Double
    /// The charges that paid for this release: the model's fit and every gate evaluation of it.
    public let charges: [Charge]
    public let gate: GateReport?
    /// Rows in the synthetic file: the model's noisy total or the count the config declared.
    public let syntheticRows: Int
    public let syntheticHash: String
    /// The synthetic file's name, without its folder, so `verify` finds it beside the report
    /// (absent from reports written before it was recorded).
    public let syntheticFile: String?
    public let hashAlgorithm: String
    public let toolVersion: String
    public let gitCommit: String
    public let createdAt: String
    public let implementation: ComplianceReport.ImplementationSecurity
    public let proofs: [ComplianceReport.ProofReference]

    /// The DP guarantee of the release.
    public struct Guarantee: Sendable, Codable, Equatable {
        public let epsilon: Double
        public let delta: Double
        public let rho: Double
        public let unitOfPrivacy: String
        public let neighbouringRelation: String
        public let mechanism: String
        public let accountant: String
        public let seeded: Bool
        public let randomness: String
    }

    /// One ledger charge of this release.
    public struct Charge: Sendable, Codable, Equatable {
        public let id: Int64
        public let mechanism: String
        public let cost: PrivacyCost
        public let seeded: Bool
        public let time: String
    }

    /// The date (YYYY-MM-DD) of an ISO 8601 time: all the public report says of when.
    static func day(_ time: String) -> String { String(time.prefix(10)) }

    /// The public part of `report`, whose release was paid for by `charges`.
    public init(_ report: ComplianceReport, charges: [LedgerCharge], method: String) {
        outcome = report.decision.outcome
        reasons = report.decision.reasons
        let privacy = report.privacy
        guarantee = Guarantee(
            epsilon: privacy.epsilon, delta: privacy.delta, rho: privacy.rho, unitOfPrivacy: privacy.unitOfPrivacy,
            neighbouringRelation: privacy.neighbouringRelation, mechanism: privacy.mechanism,
            accountant: privacy.accountant, seeded: privacy.seeded, randomness: privacy.randomness)
        self.method = method
        dataset = privacy.ledger.dataset
        totalEpsilon = privacy.ledger.totalEpsilon
        totalDelta = privacy.ledger.totalDelta
        // Dates only: the times of a run's charges and its end measure how long the fit took on the
        // real table, which grows with its size.
        let formatter = ISO8601DateFormatter()
        self.charges = charges.map {
            Charge(
                id: $0.id, mechanism: $0.mechanism, cost: $0.cost, seeded: $0.seeded,
                time: Self.day(formatter.string(from: $0.time)))
        }
        gate = report.gate
        syntheticRows = report.provenance.syntheticRows
        syntheticHash = report.provenance.syntheticHash
        syntheticFile = URL(fileURLWithPath: report.decision.syntheticPath).lastPathComponent
        hashAlgorithm = report.provenance.hashAlgorithm
        toolVersion = report.provenance.toolVersion
        gitCommit = report.provenance.gitCommit
        createdAt = Self.day(report.provenance.createdAt)
        implementation = report.implementation
        proofs = report.proofs
    }
}
