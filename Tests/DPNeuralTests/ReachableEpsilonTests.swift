import DPAccounting
import DPData
import DPLedger
import DPRandomness
import DPSynthesis
import DPTestSupport
import Foundation
import Testing

@testable import DPNeural

/// An epsilon that no amount of DP-SGD noise reaches is refused before anything is charged, and
/// the least epsilon the refusal names is one every run can be planned at.
@Suite struct ReachableEpsilonTests {
    static let data: EncodedDataset = {
        let schema = Schema(
            name: "pairs",
            columns: ["a", "b"].map { Column(name: $0, kind: .categorical(["v0", "v1", "v2"]), missing: .error) })
        let source = RandomSource.seeded(51)
        return EncodedDataset(
            schema: schema, codes: (0..<2).map { _ in (0..<500).map { _ in UInt16(source.uniform(below: 3)) } })
    }()

    /// At epsilon 0.04 and delta 1e-9 the accountant's floor is out of reach: both neural methods
    /// refuse it, and the ledger holds no charge, not even the noisy example count's.
    @Test func anEpsilonBelowTheAccountantsFloorIsRefusedBeforeTheCount() throws {
        let ledger = try BudgetLedger(
            path: try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path)
        try ledger.initialise(dataset: "pairs", epsilon: 1, delta: 1e-6)
        for generator in [try TVAEGenerator(settings: .init()), try CTGANGenerator(settings: .init())]
            as [any Generator]
        {
            let request = FitRequest(
                data: Self.data, epsilon: 0.04, delta: 1e-9, budget: try ledger.budget(for: "pairs"),
                source: .seeded(52))
            do {
                _ = try generator.checkedFit(request)
                Issue.record("\(type(of: generator).method) trained below the floor")
            } catch let error as GeneratorSettingsError {
                #expect("\(error)".contains("raise --epsilon above"), "\(error)")
            }
        }
        #expect(try ledger.statement(dataset: "pairs").charges.isEmpty)
    }

    /// A delta whose training share underflows to zero has no floor: the refusal said
    /// "raise --epsilon above -nan" (a hostile pass); it names the delta instead.
    @Test func aDeltaTooSmallForAnyFloorIsNamed() {
        #expect {
            try NeuralSynthesizer.checkReachable(.ctgan, method: "m", epsilon: 1, delta: Double.leastNonzeroMagnitude)
        } throws: { error in
            "\(error)".contains("raise --delta") && !"\(error)".contains("nan")
        }
    }

    /// The floor is tight: just below it no noise multiplier reaches the target whatever the run,
    /// and just above it the check accepts, and a run with many examples in small batches can be
    /// planned (near the floor the multiplier a run needs grows without bound, and the noise
    /// grid's rounding caps what a model of many parameters gets: such runs fail after their
    /// noisy count, which is what tells them apart). The epsilon a refusal names is accepted.
    @Test func theFloorIsTheAccountantsOwn() throws {
        for delta in [1e-5, 1e-9, 1e-12] {
            for training in [NeuralSynthesizer.Training.tvae, .ctgan] {
                let share = training.share
                let floor = training.floor(delta: delta)
                do {
                    try NeuralSynthesizer.checkReachable(training, method: "m", epsilon: floor * 0.999, delta: delta)
                    Issue.record("accepted below the floor")
                } catch let error as GeneratorSettingsError {
                    let named = try #require(
                        Double(error.description.components(separatedBy: "above ").last?.split(separator: ",")[0] ?? "")
                    )
                    #expect(named >= floor && named < floor * 1.001, "\(named) for \(floor)")
                    try NeuralSynthesizer.checkReachable(training, method: "m", epsilon: named, delta: delta)
                }
                try NeuralSynthesizer.checkReachable(training, method: "m", epsilon: floor * 1.001, delta: delta)
                #expect(throws: (any Error).self) {
                    try DPSGDPlan(
                        targetEpsilon: floor * share.epsilon * 0.999, delta: delta * share.delta,
                        examples: 10_000_000, expectedBatchSize: 16, epochs: 1, clip: 1, parameters: 10)
                }
                let plan = try DPSGDPlan(
                    targetEpsilon: floor * share.epsilon * 1.001, delta: delta * share.delta, examples: 10_000_000,
                    expectedBatchSize: 16, epochs: 1, clip: 1, parameters: 10)
                #expect(plan.epsilon <= floor * share.epsilon * 1.001 && plan.epsilon > floor * share.epsilon)
            }
        }
    }

    /// The tabulated noise's share of delta grows with e^epsilon and the number of draws, which
    /// follows the noisy example count: a plan whose share would not fit trains at the largest
    /// epsilon that keeps it under delta / 2, spending less than asked, rather than failing after
    /// the count was charged. Found by a hostile pass (dp-tvae at epsilon 50, delta 1e-5, 2,000
    /// rows: 'delta too small for 105309180 tabulated noise draws' after the charge).
    @Test func aPlanWhoseSamplerShareWouldNotFitSpendsLessInsteadOfFailing() throws {
        for (epsilon, epochs) in [(50.0, 20), (10_000, 1)] {
            let plan = try DPSGDPlan(
                targetEpsilon: epsilon, delta: 1e-5, examples: 2000, expectedBatchSize: 16, epochs: epochs, clip: 1,
                parameters: 42_000)
            #expect(plan.epsilon < epsilon && plan.epsilon > 20, "\(plan.epsilon)")
            #expect(plan.samplerDelta < 1e-5 / 2)
        }
        // A share that does not fit at the target over many epochs: fewer epochs first.
        let fewer = try DPSGDPlan(
            targetEpsilon: 49.5, delta: 1e-15, examples: 2000, expectedBatchSize: 16, epochs: 20, clip: 1,
            parameters: 42_000)
        #expect(fewer.epochs < 20 && fewer.epsilon <= 49.5 && fewer.samplerDelta < 1e-15 / 2, "\(fewer.epsilon)")
        // A plan whose share fits spends its target, as before.
        let plan = try DPSGDPlan(
            targetEpsilon: 5, delta: 1e-5, examples: 2000, expectedBatchSize: 16, epochs: 20, clip: 1,
            parameters: 42_000)
        #expect(plan.epsilon <= 5 && plan.epsilon > 4.9, "\(plan.epsilon)")
        // A plan that spends its target, at any target, has nothing to say.
        for target in [0.3, 1, 5, 12] {
            let spent = try DPSGDPlan(
                targetEpsilon: target, delta: 1e-6, examples: 5000, expectedBatchSize: 50, epochs: 4, clip: 1,
                parameters: 2000)
            #expect(spent.epochs == 4 && spent.shortfall(epochs: 4, epsilon: target) == nil, "\(spent.epsilon)")
        }
        #expect(fewer.shortfall(epochs: 20, epsilon: 49.5)?.contains("of the 20 epochs asked") == true)
    }

    /// A small epsilon over many steps needs more noise than the grid gives a model of 42,090
    /// parameters (dp-tvae's default on Adult, 20 epochs at epsilon 0.5 less the count's share):
    /// the plan trains fewer epochs instead of failing after the noisy count was charged. Found by
    /// a hostile pass.
    @Test func aPlanBeyondTheGridsNoiseTrainsFewerEpochs() throws {
        let plan = try DPSGDPlan(
            targetEpsilon: 0.495, delta: 1e-9, examples: 48_842, expectedBatchSize: 244, epochs: 20, clip: 1,
            parameters: 42_090)
        #expect(plan.epochs < 20 && plan.epsilon <= 0.495, "\(plan.epochs) epochs, epsilon \(plan.epsilon)")
        #expect(plan.shortfall(epochs: 20, epsilon: 0.495)?.contains("\(plan.epochs) of the 20 epochs asked") == true)
    }

    /// A network larger than memory is refused before the noisy count is charged (20 columns of
    /// 65,535 codes with hidden width 4096 would allocate about 21 GB after the charge; found by a
    /// review). Adult's default networks pass.
    @Test func aNetworkTooLargeIsRefusedBeforeTheCount() throws {
        let wide = [Int](repeating: 65_535, count: 20)
        var settings = GeneratorSettings()
        settings.hidden = 4096
        let generator = try TVAEGenerator(settings: settings)
        for training in [NeuralSynthesizer.Training.tvae, .ctgan] {
            #expect(throws: GeneratorSettingsError.self) {
                try NeuralSynthesizer.checkNetworkSize(
                    training, domain: wide, settings: generator.trainingSettings(rows:))
            }
        }
        let adult = [85, 9, 100, 16, 16, 7, 15, 6, 5, 2, 100, 100, 99, 42, 2]
        try NeuralSynthesizer.checkNetworkSize(.tvae, domain: adult, settings: NeuralSynthesizer.Settings.defaults)
        try NeuralSynthesizer.checkNetworkSize(
            .ctgan, domain: adult, settings: NeuralSynthesizer.Settings.ctganDefaults)
    }
}

/// A delta too small for the tabulated noise's draws: found by a hostile pass, a fit at delta
/// 1e-30 charged its noisy example count and then failed.
@Suite struct SmallDeltaTests {
    /// The bound every table stays under, known without one, holds for the scales the noise grid
    /// uses (2^15 to 2^16 grid steps per sigma) and is not loose by more than a factor of 2.2.
    @Test func theLargestDrawDistanceBoundsEveryTable() throws {
        for scale: UInt64 in [1 << 15, 3 << 14, 1 << 16] {
            let table = try #require(TabulatedDiscreteGaussian(scale: scale))
            #expect(table.totalVariationBound <= TabulatedDiscreteGaussian.largestTotalVariationBound)
            #expect(
                table.totalVariationBound * 2.2 * Double(1 << 17) / Double(scale)
                    >= TabulatedDiscreteGaussian.largestTotalVariationBound)
        }
    }

    /// The pre-check counts the parameters DP-SGD trains exactly as the networks have them.
    @Test func theCheckCountsTheTrainedParameters() throws {
        let domain = [85, 9, 100, 16, 7, 2]
        for rows in [500, 200_000] {
            let tvae = NeuralSynthesizer.Settings.defaults(rows: rows)
            let vae = TabularVAE(domain: domain, hidden: tvae.hidden, latent: tvae.latent, source: .seeded(1))
            #expect(
                NeuralSynthesizer.parameterCounts(.tvae, domain: domain, tvae).trained
                    == Double(vae.layers.reduce(0) { $0 + $1.parameterCount }))
            let ctgan = NeuralSynthesizer.Settings.ctganDefaults(rows: rows)
            let gan = ConditionalGAN(
                domain: domain, hidden: ctgan.hidden, noiseDimension: NeuralSynthesizer.ctganNoise,
                conditionWeights: domain.map { [Double](repeating: 1, count: $0) }, source: .seeded(2))
            #expect(
                NeuralSynthesizer.parameterCounts(.ctgan, domain: domain, ctgan).trained
                    == Double(gan.discriminator.parameterCount))
        }
    }

    /// Below the smallest delta of the largest network the settings give, both neural fits refuse
    /// before anything is charged; at it, they train.
    @Test func aDeltaTooSmallForOneStepIsRefusedBeforeAnyCharge() throws {
        let source = RandomSource.seeded(51)
        let schema = Schema(
            name: "few",
            columns: ["a", "b"].map { Column(name: $0, kind: .categorical(["v0", "v1", "v2"]), missing: .error) })
        let data = EncodedDataset(
            schema: schema, codes: (0..<2).map { _ in (0..<400).map { _ in UInt16(source.uniform(below: 3)) } })
        let settings = { (_: Int) in NeuralSynthesizer.Settings(epochs: 1, batchSize: 16, hidden: 8) }
        for training in [NeuralSynthesizer.Training.tvae, .ctgan] {
            let trained = NeuralSynthesizer.parameterCounts(training, domain: data.domain, settings(0)).trained
            let smallest = DPSGDPlan.smallestDelta(parameters: trained) / training.share.delta
            func fit(delta: Double, budget: PrivacyOdometer) throws {
                switch training {
                case .tvae:
                    _ = try NeuralSynthesizer.fitTVAE(
                        data, epsilon: 3, delta: delta, budget: budget, settings: settings, source: .seeded(52))
                case .ctgan:
                    _ = try NeuralSynthesizer.fitCTGAN(
                        data, epsilon: 3, delta: delta, budget: budget, settings: settings, source: .seeded(53))
                }
            }
            let refused = try PrivacyOdometer(epsilon: 3, delta: 1e-6)
            #expect(throws: GeneratorSettingsError.self) { try fit(delta: smallest * 0.99, budget: refused) }
            #expect(refused.charges.isEmpty)
            let trains = try PrivacyOdometer(epsilon: 3, delta: 1e-6)
            try fit(delta: smallest, budget: trains)
            #expect(!trains.charges.isEmpty)
        }
    }

    /// A delta that one step's draws fit but not one epoch's: the plan trains fewer steps, with
    /// the sampler's share under half of delta and its epsilon within the target, and says so.
    /// Without fewer steps this plan failed after the noisy count was charged.
    @Test func aDeltaTooSmallForAnEpochTrainsFewerSteps() throws {
        let parameters = 40_000
        let delta = DPSGDPlan.smallestDelta(parameters: Double(parameters)) * 4
        let plan = try DPSGDPlan(
            targetEpsilon: 3, delta: delta, examples: 20_000, expectedBatchSize: 100, epochs: 20, clip: 1,
            parameters: parameters)
        #expect(plan.epochs == 1 && plan.steps >= 1 && plan.steps < 200, "\(plan.steps) steps")
        #expect(plan.samplerDelta < delta / 2 && plan.epsilon <= 3)
        // Never under both 1 and half the target while fewer steps would spend more (one step fits
        // ln 19 here).
        #expect(plan.epsilon >= 0.9, "\(plan.epsilon)")
        let line = try #require(plan.shortfall(epochs: 20, epsilon: 3))
        #expect(line.contains("\(plan.steps) steps (less than one epoch) of the 20 epochs asked"), "\(line)")
    }
}

extension SmallDeltaTests {
    /// A target one epoch cannot reach within the noise the grid gives a large model: the plan
    /// trains fewer steps rather than failing after the noisy count was charged.
    @Test func aTargetOneEpochCannotReachTrainsFewerSteps() throws {
        let plan = try DPSGDPlan(
            targetEpsilon: 0.15, delta: 1e-9, examples: 20_000, expectedBatchSize: 5_000, epochs: 4, clip: 1,
            parameters: 1 << 24)
        #expect(plan.epochs == 1 && plan.steps < 4 && plan.epsilon <= 0.15, "\(plan.steps) steps, \(plan.epsilon)")
    }
}
