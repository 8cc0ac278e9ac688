import ArgumentParser
import DPAccounting
import DPMechanisms
import DPRandomness

struct MechanismCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mechanism",
        abstract: "Draw noise from DPSynth's samplers (for auditors and statistical tests).",
        subcommands: [Sample.self, Release.self]
    )

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case discreteGaussian = "discrete-gaussian"
        case discreteLaplace = "discrete-laplace"
        case laplace
        case gaussian
    }

    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print COUNT noise draws, one a line; a seeded run says so on standard error.")

        @Option(help: "discrete-gaussian, discrete-laplace, laplace (float-safe) or gaussian (float-safe).")
        var kind: Kind

        @Option(
            parsing: .unconditional,
            help: "Scale: b for Laplace, sigma for Gaussian. Exact decimal or fraction (e.g. 0.1 or 3/2).")
        var scale: String

        @Option(parsing: .unconditional, help: "How many draws.")
        var count: Int

        @Option(parsing: .unconditional, help: "Seed for a reproducible test run (never for a release).")
        var seed: UInt64?

        @Flag(help: "Print a JSON object instead of one value a line.")
        var json = false

        /// The most draws one run prints (they are held in memory before printing).
        static let largestCount = 10_000_000

        func validate() throws {
            let exactScale = try Check.exactScale(scale)
            guard count >= 0, count <= Self.largestCount else {
                throw ValidationError(
                    "--count must lie in 0...\(Self.largestCount) (got \(count)); run again for more draws")
            }
            if kind == .discreteLaplace || kind == .discreteGaussian {
                do {
                    try IntegerNoiseBound.check(exactScale, "--scale")
                } catch let error as MechanismError {
                    throw ValidationError(error.description)
                }
            }
        }

        func run() throws {
            let source = seed.map(RandomSource.seeded) ?? .secure()
            if source.isSeeded { Output.note("dpsynth: \(source.label)") }
            let exactScale = try Check.exactScale(scale)
            var lines: [String] = []
            try MechanismCommand.usingOptions {
                switch kind {
                case .discreteLaplace:
                    lines = DiscreteLaplaceSampler(scale: exactScale).samples(count: count, source: source).map(
                        String.init)
                case .discreteGaussian:
                    lines = DiscreteGaussianSampler(sigma: exactScale).samples(count: count, source: source).map(
                        String.init)
                case .laplace:
                    let mechanism = try FloatLaplaceMechanism(sensitivity: 1, scale: exactScale.doubleValue)
                    lines = try (0..<count).map { _ in String(try mechanism.draw([0], source: source)[0]) }
                case .gaussian:
                    let mechanism = try FloatGaussianMechanism(sensitivity: 1, sigma: exactScale.doubleValue)
                    lines = try (0..<count).map { _ in String(try mechanism.draw([0], source: source)[0]) }
                }
            }
            if json {
                try Output.json([
                    "kind": kind.rawValue, "scale": scale, "count": count, "seeded": source.isSeeded,
                    "randomness": source.label, "values": lines.map(Release.jsonValue),
                ])
            } else {
                print(lines.joined(separator: "\n"))
            }
        }
    }
}

extension MechanismCommand {
    /// Runs `body`, which builds a mechanism from `--scale` and `--sensitivity`: a value a
    /// mechanism or the accountant refuses (beyond a sampler's range, an infinite cost) is a
    /// usage error (exit status 64), as a malformed value is.
    static func usingOptions(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as MechanismError {
            throw CommandFailure("--scale or --sensitivity: \(error.description)", status: 64)
        } catch let error as AccountingError {
            throw CommandFailure("--scale or --sensitivity: \(error.description)", status: 64)
        }
    }
}
