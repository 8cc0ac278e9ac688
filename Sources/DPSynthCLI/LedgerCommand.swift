import ArgumentParser
import DPAccounting
import DPLedger
import DPSources
import Foundation

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The persistent privacy-budget ledger (SQLite).",
        subcommands: [Initialise.self, Show.self, Charge.self, Release.self, Verify.self, Forms.self]
    )

    struct Location: ParsableArguments {
        @Option(help: "The ledger: a file (SQLite) or a postgresql://USER@HOST:PORT/DB URL.")
        var ledger: String = LedgerLocation.defaultPath

        @Option(help: "Dataset name the budget belongs to.")
        var dataset: String

        func validate() throws {
            guard !dataset.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--dataset must not be empty")
            }
        }
    }

    struct Initialise: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init", abstract: "Declare a dataset's total (epsilon, delta).")

        @OptionGroup var location: Location
        @Option(parsing: .unconditional, help: "Total epsilon.") var epsilon: Double
        @Option(parsing: .unconditional, help: "Total delta in [0, 1).") var delta: Double
        @Flag(help: "Print a JSON object.") var json = false

        func validate() throws {
            try Check.positive(epsilon, "--epsilon")
            guard delta.isFinite, delta >= 0, delta < 1 else {
                throw ValidationError("--delta must lie in [0, 1) (got \(delta))")
            }
        }

        func run() throws {
            let ledger = try LedgerOpener.open(location.ledger, creating: true)
            try ledger.initialise(dataset: location.dataset, epsilon: epsilon, delta: delta)
            if json {
                try Output.json([
                    "ledger": location.ledger, "dataset": location.dataset, "epsilon": epsilon, "delta": delta,
                ])
            } else {
                print(
                    "Budget for '\(Output.oneLine(location.dataset))': epsilon \(epsilon), delta \(delta) in "
                        + Output.oneLine(location.ledger))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a dataset's budget, charges and remaining epsilon.")

        @OptionGroup var location: Location
        @Flag(help: "Print a JSON object.") var json = false

        func run() throws {
            let ledger = try LedgerOpener.open(location.ledger, creating: false)
            let statement = try ledger.statement(dataset: location.dataset)
            let awaiting = try ledger.datasetsAwaitingFormsReview()
            if json {
                let encoder = JSONEncoder()
                encoder.dateEncodingStrategy = .iso8601
                var object = try JSONSerialization.jsonObject(with: try encoder.encode(statement)) as? [String: Any]
                object?["notice"] = Self.notice
                object?["awaiting_forms_review"] = awaiting
                try Output.json(object ?? [:])
                return
            }
            print(
                "dataset \(Output.oneLine(statement.dataset)): total epsilon \(statement.totalEpsilon), delta "
                    + "\(statement.totalDelta)"
            )
            print(
                "spent epsilon \(statement.spent.epsilon) (pure \(statement.spent.pureEpsilon), approximate "
                    + "\(statement.spent.approximateEpsilon) with delta \(statement.spent.approximateDelta), "
                    + "zCDP rho \(statement.spent.rho))"
            )
            print("remaining epsilon \(max(0, statement.totalEpsilon - statement.spent.epsilon))")
            for charge in statement.charges {
                print(
                    "#\(charge.id) \(Output.oneLine(charge.mechanism)) "
                        + "\(charge.cost)\(charge.seeded ? " SEEDED" : "") \(Output.oneLine(charge.parameters))"
                )
            }
            for reservation in try ledger.reservations(dataset: location.dataset) {
                let holder =
                    reservation.state != .open
                    ? "" : reservation.seenRunning ? " (its run is running here)" : " (its run is not seen from here)"
                print("reservation \(reservation.id): \(reservation.cost), \(reservation.state.rawValue)\(holder)")
            }
            print("chain: \(statement.head.sequence) entries, head \(statement.head.hash.prefix(16))")
            if !awaiting.isEmpty {
                // While any budget awaits, the ledger binds no budget to new data: say which, and how.
                print(
                    "awaiting forms review (no new data is bound in this ledger until each is read): "
                        + awaiting.map { "'\(Output.oneLine($0))'" }.joined(separator: ", ")
                        + "; run `dpsynth ledger forms --ledger \(ShellWord.quoted(location.ledger)) --dataset D "
                        + "--data DATA --schema SCHEMA` on each")
            }
            print("note: \(Self.notice)")
        }

        /// What in a statement is not differentially private.
        static let notice =
            "the costs and totals are differentially private; a hash in a charge's parameters (the "
            + "holdout a release gate measured) is of real data (a file's or a table's rows): confidential"
    }

    /// Ends an open reservation that no process here can see end: a run in another container or
    /// on another machine sharing a ledger file, which counts whole until then.
    ///
    /// Privacy: what the run charged stays spent; it can charge no more under the reservation (a
    /// charge checks that its reservation is open before anything is drawn), so only the part it
    /// never spent is freed.
    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End an open reservation whose run has gone where this machine cannot see it.",
            discussion: """
                A reservation held by a run in another container or on another machine counts whole \
                until that run ends it. If the run is gone, release it here: its charges stay, it can \
                charge no more, and the rest of its reservation is free again.
                """)

        @OptionGroup var location: Location
        @Option(parsing: .unconditional, help: "The reservation's number ('ledger show' lists them).") var reservation:
            Int64
        @Flag(help: "End it even if its process id runs here (reused by another program); a run still running fails.")
        var force = false

        func run() throws {
            let ledger = try LedgerOpener.open(location.ledger, creating: false)
            let outcome = try ledger.release(reservation: reservation, dataset: location.dataset, force: force)
            print("reservation \(reservation) of '\(Output.oneLine(location.dataset))' ended: \(outcome.rawValue)")
        }
    }

    struct Charge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a charge (refused if it would overspend).")

        @OptionGroup var location: Location
        @Option(help: "Mechanism name.") var mechanism: String
        @Option(parsing: .unconditional, help: "Epsilon of a pure or (epsilon, delta) charge.") var epsilon: Double?
        @Option(parsing: .unconditional, help: "Delta of an (epsilon, delta) charge.") var delta: Double?
        @Option(parsing: .unconditional, help: "rho of a zCDP charge.") var rho: Double?
        @Option(help: "Parameters as a JSON object.") var parameters: String = "{}"
        @Flag(help: "Print a JSON object.") var json = false

        var cost: PrivacyCost {
            if let rho { return .zCDP(rho: rho) }
            if let delta, delta > 0 { return .approximate(epsilon: epsilon ?? 0, delta: delta) }
            return .pure(epsilon: epsilon ?? 0)
        }

        func validate() throws {
            switch (epsilon, rho) {
            case (let epsilon?, nil):
                try Check.positive(epsilon, "--epsilon")
                if let delta {
                    guard delta.isFinite, delta >= 0, delta < 1 else {
                        throw ValidationError("--delta must lie in [0, 1) (got \(delta))")
                    }
                }
            case (nil, let rho?):
                try Check.positive(rho, "--rho")
                guard delta == nil else { throw ValidationError("--delta goes with --epsilon, not --rho") }
            default:
                throw ValidationError("give exactly one of --epsilon (with optional --delta) and --rho")
            }
            guard !mechanism.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--mechanism must name the mechanism the charge pays for")
            }
            guard (try? JSONSerialization.jsonObject(with: Data(parameters.utf8))) is [String: Any] else {
                throw ValidationError("--parameters must be a JSON object (got '\(parameters)')")
            }
        }

        func run() throws {
            let ledger = try LedgerOpener.open(location.ledger, creating: false)
            do {
                let charge = try ledger.charge(
                    dataset: location.dataset, mechanism: mechanism, parameters: parameters,
                    cost: cost, seeded: false)
                if json {
                    try Output.json([
                        "id": charge.id, "dataset": charge.dataset, "mechanism": charge.mechanism,
                        "cost": charge.cost.description,
                    ])
                } else {
                    print("charged #\(charge.id): \(charge.cost) for \(Output.oneLine(mechanism))")
                }
            } catch let error as LedgerError {
                throw CommandFailure(error.description)
            }
        }
    }
}
