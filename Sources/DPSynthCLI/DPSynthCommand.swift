import ArgumentParser
import DPAccounting
import DPData
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
            try refuseUnwritableStandardOutput()
            try command.run()
            finish(0)
        } catch let code as ExitCode {
            finish(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            // Our own messages keep their hint: a line break that a user's name brought in is
            // escaped. The argument parser's messages end in usage text, cut after the first line.
            let message =
                error is CommandFailure || error is any UserFacingError
                ? Output.oneLine("\(error)")
                : Self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Diagnostics.write("dpsynth: error: \(message)\n")
            finish((error as? CommandFailure)?.status ?? (code.rawValue == 0 ? 1 : code.rawValue))
        }
    }

    /// Throws when standard output would take no output (`WriteProbe`: a full device, a descriptor
    /// closed or open for reading only, a pipe nothing reads): what the command prints would be
    /// lost after it ran and paid, and a closed descriptor would be taken by the next file opened,
    /// which printing would then write into.
    static func refuseUnwritableStandardOutput() throws {
        guard let reason = WriteProbe.refusal(of: STDOUT_FILENO) else { return }
        throw CommandFailure(
            "standard output cannot be written (\(reason)); nothing was run or charged. "
                + "Send it to a file, or to /dev/null.")
    }

    /// Exits with `status` once standard output is written out. Output that could not be written
    /// (a full disk, a closed terminal) is a failure: a run that printed noisy values and charged
    /// for them must not exit 0 with the values lost, or a retry pays again.
    static func finish(_ status: Int32) -> Never {
        if fflush(nil) != 0 {
            let reason = String(cString: strerror(errno))
            // The results are in the files written: a retry would pay again for what is delivered.
            if StandardOutput.summarisesWrittenFiles {
                Diagnostics.write(
                    "dpsynth: warning: standard output could not be written (\(reason)); its summary is lost, "
                        + "and the files the command wrote are complete\n")
                Foundation.exit(status)
            }
            Diagnostics.write(
                "dpsynth: error: standard output could not be written (\(reason)); what the command printed is "
                    + "lost, and any charge it made stays in the ledger\n")
            Foundation.exit(status == 0 ? 1 : status)
        }
        Foundation.exit(status)
    }
}

/// What standard output carries for the command running.
enum StandardOutput {
    /// Whether every result is in files the command wrote, complete, so that what it prints is
    /// their summary: set by a command once its files are in place. A summary that cannot be
    /// written is then a warning, not a failure (a run that exited 1 would be retried, and a
    /// retry pays again for results already delivered).
    nonisolated(unsafe) static var summarisesWrittenFiles = false
}

/// A failure the user can act on, printed as one line.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    /// The exit status: 1 for a run that could not be done, 3 for a check that was done and
    /// failed (as `audit`, `ledger verify` and a quarantined `release` exit).
    let status: Int32
    /// Every failure the command line prints is one line that drives no terminal (`OneLine`).
    init(_ description: String, status: Int32 = 1) {
        self.description = OneLine.escaped(description)
        self.status = status
    }
}

/// Writes command output as text or as one JSON object.
enum Output {
    /// `text` with its line breaks escaped: a name a user gave (a column's, a dataset's) never
    /// starts a line of its own in a message or a summary.
    static func oneLine(_ text: String) -> String { OneLine.escaped(text) }

    /// What a summary's "privacy:" line claims for a run that spent `charged` ("(ε, δ)"):
    /// "(ε, δ)-DP", or, for a seeded run, whose noise whoever holds the seed can draw again, no
    /// guarantee and what was charged.
    static func guarantee(charged: String, seeded: Bool) -> String {
        seeded
            ? "none: a SEEDED run, for testing only (its noise can be drawn again from the seed); charged \(charged)"
            : "\(charged)-DP"
    }

    static func json(_ object: [String: Any]) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    static func note(_ text: String) {
        Diagnostics.write("\(text)\n")
    }

    /// The run's status: a live line on a terminal; otherwise (a log, a pipe) a timestamped line
    /// at most every `ProgressLog.interval` once a run has taken that long, repeated while a step
    /// lasts. nil ends the status. Status texts carry only DP quantities (steps, budget spent).
    static func progress(_ text: String?) {
        if Diagnostics.isTerminal {
            Diagnostics.write("\r\u{1B}[K" + (text ?? ""))
        } else {
            ProgressLog.shared.update(text)
        }
    }
}

/// Progress for standard error when it is not a terminal: the latest status, written with the
/// time and the run's elapsed seconds every `interval` seconds by a timer, so a long step is
/// never silent in a log; runs shorter than `interval` write nothing.
final class ProgressLog: @unchecked Sendable {
    static let shared = ProgressLog()
    /// 10 s, or `DPSYNTH_PROGRESS_SECONDS` (a log that wants more, a test that wants less).
    static let interval: TimeInterval =
        ProcessInfo.processInfo.environment["DPSYNTH_PROGRESS_SECONDS"].flatMap(TimeInterval.init)
        .map { min(max($0, 0.1), 3600) } ?? 10

    private let lock = NSLock()
    private var status: String?
    private var started: Date?
    private var timer: DispatchSourceTimer?

    func update(_ text: String?) {
        lock.lock()
        defer { lock.unlock() }
        status = text
        if text == nil {
            timer?.cancel()
            timer = nil
            return
        }
        guard timer == nil else { return }
        started = started ?? Date()
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + Self.interval, repeating: Self.interval)
        timer.setEventHandler { [weak self] in self?.write() }
        timer.resume()
        self.timer = timer
    }

    private func write() {
        lock.lock()
        let text = status
        let elapsed = Date().timeIntervalSince(started ?? Date())
        lock.unlock()
        guard let text else { return }
        let time = ISO8601DateFormatter().string(from: Date())
        Diagnostics.write("dpsynth: \(time) \(text) (\(String(format: "%.0f", elapsed)) s elapsed)\n")
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
