import DPAccounting
import DPMechanisms
import DPRandomness
import Foundation

/// The settings of one DP-SGD training run, with the noise calibrated before training from the
/// target (epsilon, delta) by the RDP accountant for the Poisson-subsampled discrete Gaussian
/// (Zhu and Wang's general subsampling bound on the discrete Gaussian's RDP, integer orders).
///
/// Privacy: the trained parameters are (epsilon, delta)-DP for adding or removing one example
/// (Proofs/dp-sgd.md); the noise is the float-safe discrete Gaussian of `FloatGaussianMechanism`,
/// whose grid rounding enlarges the sensitivity by sqrt(parameters) grid steps, accounted here,
/// drawn from a table whose per-draw total variation distance, over all draws, is set aside
/// from delta before the accountant sees it.
public struct DPSGDPlan: Sendable {
    public static let proofDocument = "Proofs/dp-sgd.md"
    /// The noise grid is 2^15 to 2^16 times finer than sigma: the rounding costs at most
    /// sqrt(parameters) · sigma / 2^15 of sensitivity, and the table stays within 16 MB.
    static let resolutionBits = 15

    public let examples: Int
    public let expectedBatchSize: Int
    public let epochs: Int
    public let clip: Double
    public let parameters: Int
    public let delta: Double
    /// The one accountant proven for the noise DP-SGD draws (Proofs/dp-sgd.md).
    public static let accountant = NoiseCalibration.Accountant.rdpDiscrete
    public var accountant: NoiseCalibration.Accountant { Self.accountant }
    /// The multiplier asked of the noise, sigma / C.
    public let noiseMultiplier: Double
    /// The multiplier the accountant sees after the grid's rounding: (noise sigma) / (C + sqrt(d) step).
    public let effectiveMultiplier: Double
    public private(set) var mechanism: FloatGaussianMechanism
    public let epsilon: Double
    /// The part of delta set aside for the table sampler: (1 + e^epsilon) · steps · parameters ·
    /// its per-draw distance; the accountant's epsilon is for delta minus this.
    public let samplerDelta: Double

    public var samplingRate: Double { Double(expectedBatchSize) / Double(examples) }
    /// `epochs` epochs of steps, or fewer when the draws of one epoch do not fit in delta
    /// (`init(targetEpsilon:...)`).
    public let steps: Int

    /// The steps of `epochs` epochs at this batch size, at least one.
    static func steps(epochs: Int, examples: Int, expectedBatchSize: Int) -> Int {
        max(1, epochs * examples / expectedBatchSize)
    }

    /// The smallest delta at which one step on a model of `parameters` parameters leaves room for
    /// epsilon: the tabulated noise's share, (1 + e^epsilon) · parameters · per-draw distance d,
    /// must stay under delta / 2. At delta ≥ 10 · parameters · L, with L ≥ d the largest distance
    /// of any table, delta / (2 · parameters · d) ≥ 5, so one step fits epsilon up to ln 4. It
    /// reads only the model's size.
    public static func smallestDelta(parameters: Double) -> Double {
        10 * parameters * TabulatedDiscreteGaussian.largestTotalVariationBound
    }

    /// The plan that spends `targetEpsilon` at `delta` over `epochs`, or the nearest plan that can
    /// be formed, so that a fit whose settings follow the noisy example count does not fail after
    /// that count is charged:
    /// - fewer epochs (halved until the plan forms) when the noise the target needs is more than
    ///   the noise grid can give a model of this size (its rounding adds sqrt(parameters) grid
    ///   steps to the sensitivity, which caps the multiplier near 2^15.5 / sqrt(parameters)), or
    ///   when the tabulated noise's share of delta, (1 + e^epsilon) · draws · the table's per-draw
    ///   distance, does not fit under delta / 2 (fewer epochs, fewer draws);
    /// - then, at one epoch, a smaller epsilon: the largest whose share fits, unless that is under
    ///   both 1 and half the target or none fits, or the grid's noise cannot reach the target;
    ///   then fewer steps (halved, the target restored), down to one step, which `smallestDelta`
    ///   of the model, checked before anything is charged, guarantees a share that fits.
    /// `epochs`, `steps` and `epsilon` say what the plan trains and spends, never more than asked.
    /// A target that one step cannot reach within the grid's noise still fails.
    public init(
        targetEpsilon: Double, delta: Double, examples: Int, expectedBatchSize: Int, epochs: Int, clip: Double,
        parameters: Int
    ) throws {
        guard examples > 1, expectedBatchSize >= 1, expectedBatchSize < examples, epochs >= 1, clip > 0, parameters >= 1
        else {
            throw MechanismError(
                "DP-SGD needs more than one example, 1 <= batch size < examples, "
                    + "epochs >= 1 and a positive clipping norm"
            )
        }
        var (target, trained) = (targetEpsilon, epochs)
        var steps = Self.steps(epochs: epochs, examples: examples, expectedBatchSize: expectedBatchSize)
        // Epochs and steps halve at most 64 times each, with at most a few attempts at each count.
        for _ in 0..<512 {
            do {
                self = try Self(
                    calibratedTo: target, delta: delta, examples: examples, expectedBatchSize: expectedBatchSize,
                    epochs: trained, steps: steps, clip: clip, parameters: parameters)
                return
            } catch  where (error is UnreachableNoiseError || error is SamplerDeltaError) && trained > 1 {
                trained = (trained + 1) / 2
                steps = Self.steps(epochs: trained, examples: examples, expectedBatchSize: expectedBatchSize)
            } catch let error as SamplerDeltaError {
                // The largest epsilon whose (1 + e^epsilon) factor keeps the share under delta / 2,
                // less a margin for the accountant's epsilon at delta / 2 exceeding the plan's.
                // When that is under 1 and under half the target, fewer steps spend more: halving
                // the draws raises the cap by about ln 2, which matters only to a small cap.
                let cap = log(delta / (2 * error.draws * error.distance) - 1) * 0.95
                if cap.isFinite, cap > 0, steps == 1 || cap >= min(targetEpsilon / 2, 1) {
                    target = min(cap, target * 0.95)
                } else if steps > 1 {
                    (steps, target) = ((steps + 1) / 2, targetEpsilon)
                } else {
                    throw MechanismError(
                        "delta \(delta) is too small for \(Int(error.draws)) tabulated noise draws at any epsilon; "
                            + "raise --delta, or use a smaller model")
                }
            } catch is UnreachableNoiseError where steps > 1 {
                // Fewer steps need less noise for the same epsilon.
                (steps, target) = ((steps + 1) / 2, targetEpsilon)
            }
        }
        throw MechanismError(
            "DP-SGD's noise cannot be calibrated to epsilon \(targetEpsilon) at delta \(delta): raise --delta or "
                + "--epsilon, or use a smaller model")
    }

    /// A line for the user when the plan trains less than asked (`init(targetEpsilon:...)`):
    /// fewer than `asked` epochs, or less than 96% of `target` epsilon; nil otherwise. A plan
    /// calibrated to its target spends within the calibration's tolerance of it (a thousandth of
    /// sigma), one whose epsilon was lowered at most 95% of it. It reads only the plan, which
    /// follows the settings and the noisy example count.
    public func shortfall(epochs asked: Int, epsilon target: Double) -> String? {
        let partEpoch = steps < Self.steps(epochs: 1, examples: examples, expectedBatchSize: expectedBatchSize)
        let fewerEpochs = epochs < asked || partEpoch
        let lessEpsilon = epsilon < target * 0.96
        guard fewerEpochs || lessEpsilon else { return nil }
        let trained = partEpoch ? "\(steps) step\(steps == 1 ? "" : "s") (less than one epoch)" : "\(epochs)"
        let what = [
            fewerEpochs ? "\(trained) of the \(asked) epoch\(asked == 1 ? "" : "s") asked" : "its \(epochs) epochs",
            lessEpsilon ? String(format: "spending epsilon %.4g of %.4g", epsilon, target) : nil,
        ].compactMap { $0 }.joined(separator: ", ")
        return "DP-SGD trains \(what): more is beyond what the noise grid and its share of delta allow this "
            + "model; the ledger is charged what it trains"
    }

    /// The plan that spends `target` at `delta`, or an error when the tabulated noise's share of
    /// delta does not fit.
    init(
        calibratedTo targetEpsilon: Double, delta: Double, examples: Int, expectedBatchSize: Int, epochs: Int,
        steps: Int, clip: Double, parameters: Int
    ) throws {
        let rate = Double(expectedBatchSize) / Double(examples)
        // The plan's epsilon is at delta less the sampler's share, so a calibration at delta can
        // come out above the target: then calibrate at delta less that share, with a little more
        // noise each time, never a tolerance. A target the grid cannot reach is
        // `UnreachableNoiseError`, which the caller answers with fewer epochs.
        var calibrationDelta = delta
        var margin = 1.0
        for _ in 0..<8 {
            let needed = try UnreachableNoiseError.calibrating {
                try NoiseCalibration.noiseMultiplier(
                    targetEpsilon: targetEpsilon, delta: calibrationDelta, samplingRate: rate, steps: steps,
                    accountant: Self.accountant)
            }
            let plan = try Self.plan(
                reaching: needed * margin, delta: delta, examples: examples, expectedBatchSize: expectedBatchSize,
                epochs: epochs, steps: steps, clip: clip, parameters: parameters)
            if plan.epsilon <= targetEpsilon {
                self = plan
                return
            }
            // More noise than the grid gives this model: no retry can reach the target.
            guard plan.effectiveMultiplier >= needed * margin else { break }
            calibrationDelta = delta - plan.samplerDelta
            margin *= 1 + 1e-3
        }
        throw UnreachableNoiseError(
            "DP-SGD's noise cannot be calibrated to epsilon \(targetEpsilon) for \(steps) steps of a model of "
                + "\(parameters) parameters: raise --epsilon, or train fewer epochs or a smaller model")
    }

    /// The plan whose multiplier after the grid's rounding is at least `needed`.
    static func plan(
        reaching needed: Double, delta: Double, examples: Int, expectedBatchSize: Int, epochs: Int, steps: Int,
        clip: Double, parameters: Int
    ) throws -> DPSGDPlan {
        var requested = needed
        var mechanism = try FloatGaussianMechanism(
            sensitivity: clip, sigma: requested * clip, dimension: parameters, resolutionBits: resolutionBits)
        for _ in 0..<4 {
            let effective = Self.effective(mechanism)
            if effective >= needed { break }
            requested *= (needed / effective) * (1 + 1e-9)
            mechanism = try FloatGaussianMechanism(
                sensitivity: clip, sigma: requested * clip, dimension: parameters, resolutionBits: resolutionBits)
        }
        return try DPSGDPlan(
            examples: examples, expectedBatchSize: expectedBatchSize, epochs: epochs, steps: steps, clip: clip,
            noiseMultiplier: requested,
            mechanism: noise(clip: clip, sigma: requested * clip, parameters: parameters), parameters: parameters,
            delta: delta)
    }

    /// The plan for a given noise multiplier (sigma / C); its epsilon is what the accountant says.
    public init(
        noiseMultiplier: Double, delta: Double, examples: Int, expectedBatchSize: Int, epochs: Int, clip: Double,
        parameters: Int
    ) throws {
        guard examples > 1, expectedBatchSize >= 1, expectedBatchSize < examples, epochs >= 1, clip > 0,
            parameters >= 1, noiseMultiplier > 0
        else {
            throw MechanismError(
                "DP-SGD needs more than one example, 1 <= batch size < examples, "
                    + "epochs >= 1, a positive clipping norm and noise"
            )
        }
        try self.init(
            examples: examples, expectedBatchSize: expectedBatchSize, epochs: epochs,
            steps: Self.steps(epochs: epochs, examples: examples, expectedBatchSize: expectedBatchSize), clip: clip,
            noiseMultiplier: noiseMultiplier,
            mechanism: Self.noise(clip: clip, sigma: noiseMultiplier * clip, parameters: parameters),
            parameters: parameters, delta: delta)
    }

    init(
        examples: Int, expectedBatchSize: Int, epochs: Int, steps: Int, clip: Double, noiseMultiplier: Double,
        mechanism: FloatGaussianMechanism,
        parameters: Int, delta: Double
    ) throws {
        self.examples = examples
        self.expectedBatchSize = expectedBatchSize
        self.epochs = epochs
        self.steps = steps
        self.clip = clip
        self.parameters = parameters
        self.delta = delta
        self.noiseMultiplier = noiseMultiplier
        self.mechanism = mechanism
        effectiveMultiplier = Self.effective(mechanism)
        let rate = Double(expectedBatchSize) / Double(examples)
        // e^epsilon is bounded with the epsilon at delta / 2, which is larger than the final one.
        let draws = Double(steps) * Double(parameters)
        let bound = try NoiseCalibration.epsilon(
            samplingRate: rate, noiseMultiplier: effectiveMultiplier, steps: steps, delta: delta / 2,
            accountant: Self.accountant)
        samplerDelta = (1 + exp(bound)) * draws * mechanism.drawDistance
        guard samplerDelta < delta / 2 else {
            throw SamplerDeltaError(
                delta: delta, draws: draws, distance: mechanism.drawDistance, share: samplerDelta)
        }
        epsilon = try NoiseCalibration.epsilon(
            samplingRate: rate, noiseMultiplier: effectiveMultiplier, steps: steps, delta: delta - samplerDelta,
            accountant: Self.accountant)
    }

    /// The epsilon spent after `steps` steps, at delta minus the sampler's share (the plan's
    /// epsilon after all of them).
    public func epsilon(afterSteps steps: Int) throws -> Double {
        try NoiseCalibration.epsilon(
            samplingRate: samplingRate, noiseMultiplier: effectiveMultiplier, steps: steps, delta: delta - samplerDelta,
            accountant: Self.accountant)
    }

    /// The tabulated float-safe Gaussian for the clipped sums.
    static func noise(clip: Double, sigma: Double, parameters: Int) throws -> FloatGaussianMechanism {
        try FloatGaussianMechanism(
            sensitivity: clip, sigma: sigma, dimension: parameters, resolutionBits: resolutionBits, tabulated: true)
    }

    /// This plan with its noise replaced and its accounting kept: a plan that claims more privacy
    /// than it has. Internal, for the audit's broken-variant tests only (it shows the audit can
    /// catch a wrong noise scale); no command can reach it.
    func miscalibrated(noise: FloatGaussianMechanism) -> DPSGDPlan {
        var copy = self
        copy.mechanism = noise
        return copy
    }

    /// sigma / sensitivity as the grid leaves it: from the mechanism's zCDP cost rho = 1 / (2 m^2).
    static func effective(_ mechanism: FloatGaussianMechanism) -> Double {
        guard case .zCDP(let rho) = mechanism.privacyCost else { return 0 }
        return (1 / (2 * rho)).squareRoot().nextDown
    }

    /// The plan's cost for the ledger.
    public var privacyCost: PrivacyCost { .approximate(epsilon: epsilon, delta: delta) }
}

/// The tabulated noise's share of delta, (1 + e^epsilon) · draws · per-draw distance, reaches
/// half of delta: the plan cannot certify its epsilon at this delta.
public struct SamplerDeltaError: UserFacingError {
    public let delta: Double
    public let draws: Double
    public let distance: Double
    public let share: Double
    public var description: String {
        "delta \(delta) is too small for \(Int(draws)) tabulated noise draws at this epsilon; use delta above "
            + "\(2 * share), or a smaller epsilon"
    }
}

/// No noise multiplier the accountant can certify, within what the noise grid gives a model of
/// this size, reaches the target over these steps.
public struct UnreachableNoiseError: UserFacingError {
    public let description: String
    init(_ description: String) { self.description = description }

    /// `body`'s multiplier; the calibration's own refusal (no multiplier below its limit reaches
    /// the target) becomes this error.
    static func calibrating(_ body: () throws -> Double) throws -> Double {
        do { return try body() } catch let error as AccountingError { throw UnreachableNoiseError(error.description) }
    }
}
