import DPData
import DPRandomness
import Foundation

/// The pre-release attack suite: membership inference (distance and density ratio, with an
/// empirical epsilon), attribute inference and model inversion on each secret column,
/// singling out, and linkability, each judged against an `AuditPolicy`.
///
/// Audit figures: computed on the real training and holdout tables, not differentially private;
/// they are evidence about the release, never part of it.
public struct PrivacyAudit: Sendable {
    public var policy: AuditPolicy
    public var attacks = 500
    public var membershipTargets = 5000
    public var linkageNeighbours = [1, 10]
    /// Shadow-model membership inference, when the generator's settings are known.
    public var shadowModels: ShadowModelAttack?

    public init(policy: AuditPolicy = AuditPolicy()) { self.policy = policy }

    /// The tables and columns an audit reads.
    public struct Input: Sendable {
        public let train: EncodedDataset
        public let holdout: EncodedDataset
        public let synthetic: EncodedDataset
        /// Encoded columns whose values an attacker tries to learn.
        public let secrets: [Int]
        /// Encoded columns an attacker is assumed to know about a target.
        public let quasiIdentifiers: [Int]
        /// The epsilon the release claims, if it claims one.
        public let claimedEpsilon: Double?
        public let delta: Double

        public init(
            train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset, secrets: [Int],
            quasiIdentifiers: [Int], claimedEpsilon: Double?, delta: Double
        ) {
            self.train = train
            self.holdout = holdout
            self.synthetic = synthetic
            self.secrets = secrets
            self.quasiIdentifiers = quasiIdentifiers
            self.claimedEpsilon = claimedEpsilon
            self.delta = delta
        }
    }

    /// The columns the attacker of `secret` knows: the quasi identifiers other than the secret,
    /// or nil, for every other column, when that leaves none.
    public static func knownColumns<Column: Equatable>(of secret: Column, quasiIdentifiers: [Column]) -> [Column]? {
        let known = quasiIdentifiers.filter { $0 != secret }
        return known.isEmpty ? nil : known
    }

    public func run(_ input: Input, source: RandomSource, progress: (String) -> Void = { _ in }) throws -> AuditResult {
        let started = Date()
        var findings: [AuditFinding] = []
        let columns = input.train.columns
        let name = { (index: Int) in columns[index].name }

        progress("membership inference: distance to closest record")
        let distance = DistanceMembershipAttack(maxTargets: membershipTargets)
            .run(
                train: input.train, holdout: input.holdout, synthetic: input.synthetic, delta: input.delta,
                source: source.split(stream: 1))
        progress("membership inference: density ratio")
        let density = DensityRatioMembershipAttack(maxTargets: membershipTargets)
            .run(
                train: input.train, holdout: input.holdout, synthetic: input.synthetic, delta: input.delta,
                source: source.split(stream: 2))
        for outcome in [distance, density] {
            findings.append(
                AuditFinding(
                    criterion: .membership, attack: outcome.attack, value: outcome.auc, lower: outcome.aucLower,
                    upper: outcome.aucUpper,
                    baseline: 0.5, threshold: policy.membershipAUC,
                    passed: abs(outcome.auc - 0.5) <= policy.membershipAUC - 0.5,
                    explanation:
                        "AUC of telling training rows from holdout rows; 0.5 is guessing, and as far below 0.5 as "
                        + "the threshold is above it fails too: the synthetic rows follow the holdout's real rows"))
            if let claimed = input.claimedEpsilon {
                let bound = outcome.empiricalEpsilon.epsilon
                findings.append(
                    AuditFinding(
                        criterion: .membership, attack: "\(outcome.attack): empirical epsilon", value: bound,
                        lower: bound, upper: bound,
                        baseline: 0, threshold: claimed, passed: bound <= claimed,
                        explanation:
                            "lower bound on epsilon from the attack (Clopper-Pearson at 95%, treating targets as "
                            + "independent trials); above the claim means the guarantee is broken"
                    ))
            }
        }

        let shadow = try shadowModels?.run(
            train: input.train, holdout: input.holdout, source: source.split(stream: 5), progress: progress)
        if let shadow {
            findings.append(
                AuditFinding(
                    criterion: .membership,
                    attack:
                        "shadow models (\(shadow.method); \(shadow.targets.count) outlying "
                        + "targets x \(shadow.shadows) shadows)",
                    value: shadow.meanAUC, lower: shadow.targets.map(\.auc).min() ?? 0.5, upper: shadow.maxAUC,
                    baseline: 0.5,
                    threshold: policy.shadowModelAUC, passed: shadow.meanAUC <= policy.shadowModelAUC,
                    explanation:
                        "mean per-target AUC of telling shadow outputs with the target from those without; "
                        + "interval = min and max over targets"
                ))
        }

        var inference: [String: RiskEstimate] = [:]
        var inversion: [String: RiskEstimate] = [:]
        for (offset, secret) in input.secrets.enumerated() {
            let auxiliary =
                Self.knownColumns(of: secret, quasiIdentifiers: input.quasiIdentifiers)
                ?? Array(columns.indices.filter { $0 != secret })
            progress("attribute inference: \(name(secret))")
            let inferred = AttributeInferenceAttack(attacks: max(attacks, 2000)).run(
                train: input.train, holdout: input.holdout, synthetic: input.synthetic, secret: secret,
                quasiIdentifiers: auxiliary, source: source.split(stream: 10 + UInt64(offset)))
            inference[name(secret)] = inferred
            findings.append(
                finding(.inference, "nearest-neighbour inference of \(name(secret))", inferred, policy.inferenceRisk))
            progress("model inversion: \(name(secret))")
            let inverted = ModelInversionAttack(attacks: max(attacks, 2000)).run(
                train: input.train, holdout: input.holdout, synthetic: input.synthetic, secret: secret,
                quasiIdentifiers: auxiliary, source: source.split(stream: 100 + UInt64(offset)))
            inversion[name(secret)] = inverted
            findings.append(
                finding(
                    .modelInversion, "maximum-likelihood inversion of \(name(secret))", inverted,
                    policy.modelInversionRisk))
        }

        progress("singling out")
        let singling = SinglingOutAttack(attacks: attacks).run(
            train: input.train, holdout: input.holdout,
            synthetic: input.synthetic, source: source.split(stream: 3))
        findings.append(
            finding(
                .singlingOut, "multivariate predicates, 3 columns", singling, policy.singlingOutRisk,
                explanation: "predicates isolating one training row beyond the chance that a query's one match "
                    + "(among training and holdout rows) is a training row, (attack - chance) / (1 - chance)"))

        var linkability: [String: RiskEstimate] = [:]
        let groups = linkageGroups(input.quasiIdentifiers.isEmpty ? Array(columns.indices) : input.quasiIdentifiers)
        if let (first, second) = groups {
            for k in linkageNeighbours {
                progress("linkability: k = \(k)")
                let linked = LinkabilityAttack(attacks: attacks, neighbours: k).run(
                    train: input.train, holdout: input.holdout, synthetic: input.synthetic,
                    firstGroup: first, secondGroup: second, source: source.split(stream: 200 + UInt64(k)))
                linkability["k=\(k)"] = linked
                findings.append(
                    finding(
                        .linkability,
                        "\(k)-nearest linkage of {\(first.map(name).joined(separator: ", "))} "
                            + "with {\(second.map(name).joined(separator: ", "))}", linked, policy.linkabilityRisk))
            }
        }
        return AuditResult(
            decision: findings.allSatisfy(\.passed) ? .pass : .fail, findings: findings, policy: policy,
            membership: [distance, density], shadowModels: shadow, inference: inference, modelInversion: inversion,
            singlingOut: singling,
            linkability: linkability, trainRows: input.train.rowCount, holdoutRows: input.holdout.rowCount,
            syntheticRows: input.synthetic.rowCount, secrets: input.secrets.map(name),
            quasiIdentifiers: input.quasiIdentifiers.map(name),
            claimedEpsilon: input.claimedEpsilon, seeded: source.isSeeded, seconds: Date().timeIntervalSince(started))
    }

    func finding(
        _ criterion: AuditCriterion, _ attack: String, _ estimate: RiskEstimate, _ threshold: Double,
        explanation: String = "success on training targets beyond holdout targets, (attack - control) / (1 - control)"
    ) -> AuditFinding {
        AuditFinding(
            criterion: criterion, attack: attack, value: estimate.risk, lower: estimate.riskLower,
            upper: estimate.riskUpper,
            baseline: estimate.baselineRate, threshold: threshold, passed: estimate.risk <= threshold,
            explanation: explanation)
    }

    /// The quasi-identifiers split into two halves, the two databases a linkage attacker holds.
    func linkageGroups(_ columns: [Int]) -> ([Int], [Int])? {
        guard columns.count >= 2 else { return nil }
        let half = columns.count / 2
        return (Array(columns[..<half]), Array(columns[half...]))
    }
}

/// What an audit found: the decision, every finding, and each attack's full outcome.
///
/// Audit figures: computed on real data, not differentially private.
public struct AuditResult: Sendable, Codable, Equatable {
    public let decision: AuditDecision
    public let findings: [AuditFinding]
    public let policy: AuditPolicy
    public let membership: [MembershipOutcome]
    public let shadowModels: ShadowModelAttack.Outcome?
    public let inference: [String: RiskEstimate]
    public let modelInversion: [String: RiskEstimate]
    public let singlingOut: RiskEstimate
    public let linkability: [String: RiskEstimate]
    public let trainRows: Int
    public let holdoutRows: Int
    public let syntheticRows: Int
    public let secrets: [String]
    public let quasiIdentifiers: [String]
    public let claimedEpsilon: Double?
    public let seeded: Bool
    public let seconds: Double
    /// The sample the figures were computed on, when the caller drew one (`AuditSample`).
    public var sample: AuditSample?
}
