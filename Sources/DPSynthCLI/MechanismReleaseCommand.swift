import ArgumentParser
import DPAccounting
import DPData
import DPLedger
import DPMechanisms
import DPRandomness
import DPSources
import Foundation

extension MechanismCommand {
    /// Charges the ledger, then releases noisy answers: the charge is on disk before any noise is drawn.
    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release noisy answers to queries, charging the ledger first.")

        @Option(help: "discrete-gaussian or discrete-laplace (integer answers), laplace or gaussian (real answers).")
        var kind: Kind

        @Option(
            parsing: .unconditional,
            help: "Sensitivity of the whole answer vector: L1 for Laplace kinds, L2 for Gaussian kinds.")
        var sensitivity: Double = 1

        @Option(parsing: .unconditional, help: "Scale: b for Laplace, sigma for Gaussian (exact decimal or fraction).")
        var scale: String

        @Option(parsing: .unconditional, help: "Comma-separated true answers, e.g. 120,45,300.")
        var values: String

        @OptionGroup var location: LedgerCommand.Location

        @Option(parsing: .unconditional, help: "Seed for a reproducible test run (never for a release).")
        var seed: UInt64?

        @Flag(help: "Print a JSON object.")
        var json = false

        func validate() throws {
            _ = try Check.exactScale(scale)
            _ = try answers()
            guard sensitivity.isFinite, sensitivity > 0 else {
                throw ValidationError("--sensitivity must be a positive finite number (got \(sensitivity))")
            }
            if kind == .discreteGaussian || kind == .discreteLaplace {
                guard sensitivity.rounded() == sensitivity, sensitivity <= 0x1p53 else {
                    throw ValidationError(
                        "--sensitivity must be a whole number up to 2^53 for integer queries (got \(sensitivity))")
                }
                _ = try integerValues()
            } else {
                _ = try realValues()
            }
        }

        /// A noisy answer as JSON: an integer exactly, a finite real as a number, and a real noise
        /// took beyond a double's range as its text ("inf"), which JSON has no number for: the
        /// answer is paid for and printed whatever it is.
        static func jsonValue(_ answer: String) -> Any {
            if let integer = Int(answer) { return integer }
            if let real = Double(answer), real.isFinite { return real }
            return answer
        }

        /// The answers' texts, in order.
        func answers() throws -> [String] {
            try CommaList.items(values, option: "--values", example: "120,45,300")
        }

        func integerValues() throws -> [Int] {
            try answers().enumerated().map { index, text in
                guard let value = Int(text) else {
                    throw ValidationError(
                        "--values item \(index + 1) is not an integer (\(DataError.privateRowsLabel))")
                }
                return value
            }
        }

        /// The real answers, exactly as written: the float mechanisms round them onto their grid
        /// from the exact value, since a double's rounding first (up to half its ulp) could put
        /// two answers a sensitivity apart much further apart than the charge covers.
        func realValues() throws -> [ExactRational] {
            let largest = ExactRational(exactly: Double.greatestFiniteMagnitude)!
            return try answers().enumerated().map { index, text in
                guard let value = ExactRational(parsing: text),
                    value <= largest, -value <= largest
                else {
                    throw ValidationError(
                        "--values item \(index + 1) is not a finite number (\(DataError.privateRowsLabel))")
                }
                return value
            }
        }

        func run() throws {
            let source = seed.map(RandomSource.seeded) ?? .secure()
            let exactScale = try Check.exactScale(scale)
            let budget = try LedgerOpener.open(location.ledger, creating: false).budget(for: location.dataset)
            // One charge, recorded before anything is drawn; its receipt pays for the release and
            // names the ledger row (read back from the ledger, it could be another process's).
            var release: (ChargeReceipt) throws -> [String] = { _ in [] }
            var cost = PrivacyCost.pure(epsilon: 0)
            var count = 0
            try MechanismCommand.usingOptions {
                switch kind {
                case .discreteLaplace:
                    let mechanism = try IntegerLaplaceMechanism(sensitivity: Int(sensitivity), scale: exactScale)
                    let answers = try integerValues()
                    (cost, count) = (mechanism.privacyCost, answers.count)
                    release = { try mechanism.release(answers, paidBy: $0, source: source).map(String.init) }
                case .discreteGaussian:
                    let mechanism = try IntegerGaussianMechanism(sensitivity: Int(sensitivity), sigma: exactScale)
                    let answers = try integerValues()
                    (cost, count) = (mechanism.privacyCost, answers.count)
                    release = { try mechanism.release(answers, paidBy: $0, source: source).map(String.init) }
                case .laplace:
                    let answers = try realValues()
                    let mechanism = try FloatLaplaceMechanism(
                        sensitivity: sensitivity, scale: exactScale.doubleValue, dimension: answers.count)
                    (cost, count) = (mechanism.privacyCost, answers.count)
                    release = { try mechanism.release(exact: answers, paidBy: $0, source: source).map { "\($0)" } }
                case .gaussian:
                    let answers = try realValues()
                    let mechanism = try FloatGaussianMechanism(
                        sensitivity: sensitivity, sigma: exactScale.doubleValue, dimension: answers.count)
                    (cost, count) = (mechanism.privacyCost, answers.count)
                    release = { try mechanism.release(exact: answers, paidBy: $0, source: source).map { "\($0)" } }
                }
                // A cost no ledger takes (a scale so small the cost is infinite) is refused here,
                // as the options' fault, not by the charge.
                try cost.validate()
            }
            let receipt: ChargeReceipt
            do {
                receipt = try budget.charge(
                    Charge(
                        mechanism: kind.rawValue,
                        parameters: NoiseParameters(scale: scale, sensitivity: "\(sensitivity)", count: count),
                        cost: cost, seeded: source.isSeeded))
            } catch let error as LedgerError {
                throw CommandFailure(error.description)
            }
            // Said before the answers: a seeded run's noise can be drawn again and subtracted.
            if source.isSeeded { Output.note("dpsynth: \(source.label)") }
            let noisy = try release(receipt)
            if json {
                try Output.json([
                    "values": noisy.map(Self.jsonValue), "cost": cost.description, "charge_id": receipt.id ?? 0,
                    "seeded": source.isSeeded, "randomness": source.label,
                ])
            } else {
                print(noisy.joined(separator: "\n"))
            }
        }
    }
}
