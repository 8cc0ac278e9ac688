import DPAudit
import DPLedger
import Foundation

/// The compliance report of one release: what was promised (the privacy guarantee and the
/// ledger), how it was implemented, where the data came from, what the release is good for, what
/// the attacks found, and the decision. Serialised as canonical JSON (`CanonicalJSON`) and
/// signed (`ReportSignature`); the layout is documented in Examples/report-schema.json.
public struct ComplianceReport: Sendable, Codable, Equatable {
    public static let formatVersion = "dpsynth-report/1"

    public var format = ComplianceReport.formatVersion
    /// What in this report is not differentially private: it travels with the figures (optional,
    /// so a report without it still reads).
    public var notice: String? = ComplianceReport.confidentialNotice
    /// The confidential report's notice: its utility, audit, row counts, the hashes of the real
    /// files (in the provenance and in the ledger's charges) and the checklists' audit evidence are
    /// computed on the real data; the privacy guarantee, the gate's figures and the ledger's costs are DP.
    public static let confidentialNotice =
        "CONFIDENTIAL: utility, audit, provenance row counts, the hashes of the real data files (in the "
        + "provenance and in ledger charges' parameters) and the checklists' audit evidence are "
        + RealDataNotice.text + "; the privacy guarantee, the release gate's figures and the ledger's costs and "
        + "totals are differentially private"
    public var decision: Decision
    public var privacy: PrivacyGuarantee
    /// The DP release gate's figures and decision (absent in reports of older versions).
    public var gate: GateReport?
    public var implementation: ImplementationSecurity
    public var provenance: Provenance
    public var utility: UtilityEvaluation?
    public var audit: AuditResult?
    /// The latest one-run canary audit of the method's code on public data: an implementation
    /// check, not a figure of this release (absent when none is known for the method).
    public var implementationAudit: ImplementationAudit?
    public var checklists: [Checklist]
    public var proofs: [ProofReference]

    public init(
        decision: Decision, privacy: PrivacyGuarantee, gate: GateReport? = nil,
        implementation: ImplementationSecurity = .current, provenance: Provenance, utility: UtilityEvaluation?,
        audit: AuditResult?, implementationAudit: ImplementationAudit? = nil, proofs: [ProofReference]
    ) {
        self.decision = decision
        self.privacy = privacy
        self.gate = gate
        self.implementation = implementation
        self.provenance = provenance
        self.utility = utility
        self.audit = audit
        self.implementationAudit = implementationAudit
        self.proofs = proofs
        checklists = []
        checklists = Checklist.all(for: self)
    }

    /// Whether the synthetic data was released, and why not if it was not.
    public struct Decision: Sendable, Codable, Equatable {
        public let outcome: ReleaseOutcome
        public let reasons: [String]
        /// Where the synthetic file was written (the output, or the quarantine folder).
        public let syntheticPath: String

        public init(outcome: ReleaseOutcome, reasons: [String], syntheticPath: String) {
            self.outcome = outcome
            self.reasons = reasons
            self.syntheticPath = syntheticPath
        }
    }

    /// The formal guarantee and the ledger that enforces it.
    public struct PrivacyGuarantee: Sendable, Codable, Equatable {
        public let epsilon: Double
        public let delta: Double
        public let unitOfPrivacy: String
        public let neighbouringRelation: String
        public let mechanism: String
        public let accountant: String
        public let rho: Double
        /// True when the run used a seeded (reproducible, not private) random source.
        public let seeded: Bool
        public let randomness: String
        public let ledger: LedgerStatement

        public init(
            epsilon: Double, delta: Double, mechanism: String, rho: Double, seeded: Bool, randomness: String,
            ledger: LedgerStatement,
            accountant: String = "zero-concentrated DP, converted to (epsilon, delta) by Canonne-Kamath-Steinke 2020"
        ) {
            self.epsilon = epsilon
            self.delta = delta
            unitOfPrivacy = "one row of the input table (one person, when each person has one row)"
            neighbouringRelation =
                "inputs that differ by adding or removing one row of the training table or of the holdout table "
                + "(Proofs/release-gate.md)"
            self.mechanism = mechanism
            self.accountant = accountant
            self.rho = rho
            self.seeded = seeded
            self.randomness = randomness
            self.ledger = ledger
        }
    }

    /// How the guarantee is implemented, and the residual risks the implementation does not remove.
    public struct ImplementationSecurity: Sendable, Codable, Equatable {
        public let entropySource: String
        public let samplers: String
        public let floatingPoint: String
        public let residualRisks: [String]

        /// The residual risk that states the trust model (a checklist item cites it).
        public static let trustModel = "The trust model is a trusted curator: whoever runs dpsynth sees the raw data."

        public static let current = ImplementationSecurity(
            entropySource:
                "libsodium: 256-bit keys from randombytes_buf (the operating system's CSPRNG) expanded "
                + "by ChaCha20, rekeyed every MiB",
            samplers:
                "exact discrete Gaussian and discrete Laplace (Canonne-Kamath-Steinke 2020) in exact "
                + "integer and rational arithmetic",
            floatingPoint:
                "integer counts receive integer noise; real-valued sums (DP-SGD gradients) are rounded to a dyadic "
                + "grid and receive exact integer noise on it, so no floating-point noise reaches a released value",
            residualRisks: [
                "Sampling time depends on the value drawn (timing side channel); run where the "
                    + "attacker cannot time the process.",
                trustModel,
                "The utility, attack and provenance sections of this report are computed on the real data and are "
                    + "not differentially private: exact shares of each real category, association strengths, the "
                    + "input row count and unsalted hashes of the input files. Treat this report as confidential as "
                    + "the data; the "
                    + "synthetic file and the public report (REPORT.public.json, DP figures only) are what is "
                    + "released.",
                "The release decision is the DP release gate's noisy test (Proofs/release-gate.md), not the exact "
                    + "attack suite: at a small gate epsilon or on a small table it can pass a table the exact audit "
                    + "would fail. The attack suite's findings are advice to the data owner.",
                "The holdout rows are protected by the gate's epsilon per evaluation, charged to the training data's "
                    + "budget; a holdout that a budget in the ledger covers is refused, and the ledger does not track "
                    + "other uses of the holdout file.",
                "A run's duration grows with the input's size: progress lines and the confidential report's "
                    + "times show it; "
                    + "the public report gives dates only.",
                "The default number of synthetic rows is the model's noisy total: the noisy marginals' total "
                    + "(marginal methods) or a discrete Laplace count at 1% of epsilon (neural methods), which also "
                    + "sets DP-SGD's sampling rate, batch size and step count; no exact count of the input is used.",
            ])
    }

    /// Where the inputs came from, by hash; no raw values.
    public struct Provenance: Sendable, Codable, Equatable {
        public let inputFile: String
        public let inputHash: String
        public let inputRows: Int
        public let schemaFile: String
        public let schemaHash: String
        public let configHash: String
        public let syntheticHash: String
        public let syntheticRows: Int
        public let holdoutHash: String?
        public let toolVersion: String
        public let gitCommit: String
        public let createdAt: String
        public let hashAlgorithm: String

        public init(
            inputFile: String, inputHash: String, inputRows: Int, schemaFile: String, schemaHash: String,
            configHash: String,
            syntheticHash: String, syntheticRows: Int, holdoutHash: String?, toolVersion: String, gitCommit: String,
            createdAt: String
        ) {
            self.inputFile = inputFile
            self.inputHash = inputHash
            self.inputRows = inputRows
            self.schemaFile = schemaFile
            self.schemaHash = schemaHash
            self.configHash = configHash
            self.syntheticHash = syntheticHash
            self.syntheticRows = syntheticRows
            self.holdoutHash = holdoutHash
            self.toolVersion = toolVersion
            self.gitCommit = gitCommit
            self.createdAt = createdAt
            hashAlgorithm = "BLAKE2b-256"
        }
    }

    /// A privacy claim and the document in Proofs/ that proves it.
    public struct ProofReference: Sendable, Codable, Equatable {
        public let claim: String
        public let document: String

        public init(claim: String, document: String) {
            self.claim = claim
            self.document = document
        }
    }
}

/// What a release did with its synthetic table.
public enum ReleaseOutcome: String, Sendable, Codable {
    /// Written to the configured output.
    case release
    /// Written to the quarantine folder beside its reasons.
    case quarantine
}
