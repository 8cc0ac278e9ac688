import ArgumentParser
import DPAccounting

struct AccountantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accountant",
        abstract: "Privacy accounting: DP-SGD epsilon, noise calibration, zCDP conversion.",
        subcommands: [Epsilon.self, Noise.self, ZCDPConversion.self]
    )
}

extension NoiseCalibration.Accountant: ExpressibleByArgument {}

extension AccountantCommand {
    struct SubsampledGaussianOptions: ParsableArguments {
        @Option(parsing: .unconditional, help: "Poisson sampling rate q in (0, 1].")
        var samplingRate: Double

        @Option(parsing: .unconditional, help: "Number of steps.")
        var steps: Int

        @Option(parsing: .unconditional, help: "Target delta in (0, 1).")
        var delta: Double

        @Option(
            help: ArgumentHelp(
                "rdp (Renyi DP), pld (privacy loss distribution), or rdp-discrete (the discrete Gaussian draws "
                    + "DP-SGD makes)."))
        var accountant: NoiseCalibration.Accountant = .rdp

        func validate() throws {
            try Check.unitInterval(samplingRate, "--sampling-rate")
            try Check.positive(steps, "--steps")
            try Check.probability(delta, "--delta")
        }
    }

    struct Epsilon: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Epsilon of DP-SGD: the Poisson-subsampled Gaussian over many steps.")

        @OptionGroup var options: SubsampledGaussianOptions

        @Option(parsing: .unconditional, help: "Noise multiplier sigma (noise std / clipping norm).")
        var noiseMultiplier: Double

        @Flag(help: "Print a JSON object.")
        var json = false

        func validate() throws {
            try Check.positive(noiseMultiplier, "--noise-multiplier")
        }

        func run() throws {
            let epsilon = try NoiseCalibration.epsilon(
                samplingRate: options.samplingRate, noiseMultiplier: noiseMultiplier,
                steps: options.steps, delta: options.delta, accountant: options.accountant)
            if json {
                try Output.json([
                    "epsilon": epsilon, "delta": options.delta, "sampling_rate": options.samplingRate,
                    "noise_multiplier": noiseMultiplier, "steps": options.steps,
                    "accountant": options.accountant.rawValue,
                ])
            } else {
                print(epsilon)
            }
        }
    }

    struct Noise: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The smallest noise multiplier that reaches a target epsilon.")

        @OptionGroup var options: SubsampledGaussianOptions

        @Option(parsing: .unconditional, help: "Target epsilon.")
        var targetEpsilon: Double

        @Flag(help: "Print a JSON object.")
        var json = false

        func validate() throws {
            // The search slows as the target grows: no larger target than a fit accepts.
            try Check.epsilon(targetEpsilon, "--target-epsilon")
        }

        func run() throws {
            let sigma = try NoiseCalibration.noiseMultiplier(
                targetEpsilon: targetEpsilon, delta: options.delta,
                samplingRate: options.samplingRate, steps: options.steps,
                accountant: options.accountant)
            let achieved = try NoiseCalibration.epsilon(
                samplingRate: options.samplingRate, noiseMultiplier: sigma,
                steps: options.steps, delta: options.delta, accountant: options.accountant)
            if json {
                try Output.json([
                    "noise_multiplier": sigma, "epsilon": achieved, "target_epsilon": targetEpsilon,
                    "delta": options.delta, "sampling_rate": options.samplingRate, "steps": options.steps,
                    "accountant": options.accountant.rawValue,
                ])
            } else {
                print(sigma)
            }
        }
    }

    struct ZCDPConversion: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "zcdp",
            abstract: "Convert rho-zCDP to (epsilon, delta)-DP, or back (CKS20).")

        @Option(parsing: .unconditional, help: "rho, to convert to epsilon.")
        var rho: Double?

        @Option(parsing: .unconditional, help: "epsilon, to convert to rho.")
        var epsilon: Double?

        @Option(parsing: .unconditional, help: "delta in (0, 1).")
        var delta: Double

        @Flag(help: "Print a JSON object.")
        var json = false

        func validate() throws {
            try Check.probability(delta, "--delta")
            switch (rho, epsilon) {
            case (let rho?, nil): try Check.positive(rho, "--rho")
            case (nil, let epsilon?): try Check.positive(epsilon, "--epsilon")
            default: throw ValidationError("give exactly one of --rho and --epsilon")
            }
        }

        func run() throws {
            if let rho {
                let epsilon = ZCDP.epsilon(rho: rho, delta: delta)
                if json { try Output.json(["rho": rho, "delta": delta, "epsilon": epsilon]) } else { print(epsilon) }
            } else if let epsilon {
                let rho = ZCDP.rho(epsilon: epsilon, delta: delta)
                if json { try Output.json(["rho": rho, "delta": delta, "epsilon": epsilon]) } else { print(rho) }
            }
        }
    }
}
