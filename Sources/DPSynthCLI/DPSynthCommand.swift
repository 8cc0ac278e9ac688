import ArgumentParser
import DPRandomness
import DPSynthesis
import Foundation

/// The `dpsynth` command-line tool.
public struct DPSynthCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dpsynth",
        abstract: "Differentially private synthetic data: generators, accountants, mechanisms and the budget ledger.",
        subcommands: [
            ReleaseCommand.self, SynthesizeCommand.self, AuditCommand.self, EvaluateCommand.self, SampleCommand.self,
            KeysCommand.self, VerifyCommand.self, AccountantCommand.self, LedgerCommand.self, MechanismCommand.self,
            SchemaCommand.self, DataCommand.self, DPAuditCommand.self, CrashTestCommand.self,
        ]
    )

    public init() {}

    /// Runs the tool; every failure is one line on standard error and a non-zero exit.
    public static func runMain(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        CrashGuard.install()
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            let message = Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("dpsynth: error: \(message)\n".utf8))
            Foundation.exit(code.rawValue == 0 ? 1 : code.rawValue)
        }
    }
}

/// A failure the user can act on, printed as one line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes command output as text or as one JSON object.
enum Output {
    static func json(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data("\(text)\n".utf8))
    }

    /// A live status line on standard error (only on a terminal); nil clears it.
    static func progress(_ text: String?) {
        guard isatty(STDERR_FILENO) != 0 else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + (text ?? "")).utf8))
    }
}

/// Shared checks for numeric options; each throws a one-line `ValidationError`.
enum Check {
    static func positive(_ value: Double, _ option: String) throws {
        guard value.isFinite, value > 0 else {
            throw ValidationError("\(option) must be a positive finite number (got \(value))")
        }
    }

    static func probability(_ value: Double, _ option: String) throws {
        guard value.isFinite, value > 0, value < 1 else {
            throw ValidationError("\(option) must lie strictly between 0 and 1 (got \(value))")
        }
    }

    static func unitInterval(_ value: Double, _ option: String) throws {
        guard value.isFinite, value > 0, value <= 1 else {
            throw ValidationError("\(option) must lie in (0, 1] (got \(value))")
        }
    }

    /// A positive exact scale written as an integer, decimal or fraction.
    static func exactScale(_ text: String, _ option: String = "--scale") throws -> ExactRational {
        guard let exact = ExactRational(parsing: text), exact.signum > 0 else {
            throw ValidationError("\(option) must be a positive number such as 2, 0.5 or 3/2 (got '\(text)')")
        }
        return exact
    }

    /// A number of synthetic rows one run can hold.
    static func rowCount(_ value: Int, _ option: String) throws {
        guard value > 0, value <= FitRequest.largestRowCount else {
            throw ValidationError("\(option) must lie in 1...\(FitRequest.largestRowCount) (got \(value))")
        }
    }

    /// An epsilon a fit accepts.
    static func epsilon(_ value: Double, _ option: String) throws {
        guard value.isFinite, value > 0, value <= FitRequest.largestEpsilon else {
            throw ValidationError(
                "\(option) must be a positive number up to \(FitRequest.largestEpsilon) (got \(value))")
        }
    }

    static func positive(_ value: Int, _ option: String) throws {
        guard value > 0 else { throw ValidationError("\(option) must be a positive integer (got \(value))") }
    }
}
