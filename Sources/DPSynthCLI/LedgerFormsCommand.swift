import ArgumentParser
import DPData
import DPLedger
import DPSources
import Foundation

extension LedgerCommand {
    /// `dpsynth ledger forms`: records the forms of a budget's own data that the ledger lacks.
    ///
    /// Privacy: reads the data and charges nothing; it writes only the data's fingerprint to the
    /// ledger, as every run on the data does, and prints no figure of the data.
    struct Forms: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the forms of a budget's own data the ledger lacks (nothing is charged).",
            discussion: """
                A budget declared by an earlier dpsynth knows its data by digests this version no longer \
                computes (or by a file's bytes or a table's relations alone), so a copy saved in another \
                form (CRLF line ends, columns renamed, a table exported to a file) would not find it. Run \
                this once on the budget's data, with the schema runs read it through, and copies in those \
                forms are refused a budget of their own. Until it has run on each such budget's data, the \
                ledger binds no other budget to new data.
                """)

        @OptionGroup var location: LedgerCommand.Location
        @Option(help: "The budget's data (a CSV file or a postgresql:// table).") var data: String
        @Option(help: "The schema runs read the data through: its encoded rows are recorded too.") var schema: String?

        func run() throws {
            try CommandFailure.reportingLibraryErrors {
                let parsed = try schema.map(SchemaLoader.load)
                let source = try DataSource(data, key: "--data")
                let identity: DataIdentity
                if let parsed {
                    identity = try source.identity()
                    // A table is digested where it lives: no row leaves the database.
                    _ = try source.table(schema: parsed, countsOnly: true, boundTo: identity)
                } else {
                    identity = try source.identityRead()
                }
                identity.releaseLocks()
                let ledger = try LedgerOpener.open(location.ledger, creating: false)
                let fingerprint = try identity.fingerprint
                // Data no budget knows by any digest is not a budget's own (its budget may be bound
                // to none yet): this command declares no new version of anything.
                let known = try ledger.dataset(budgeting: fingerprint) != nil
                let unbound: DataVersionDeclaration?
                do {
                    unbound = try ledger.checkData(
                        dataset: location.dataset, fingerprint: fingerprint, declareNewVersion: false)
                } catch LedgerError.invalid(_) where !known {
                    throw CommandFailure(
                        "\(data): no digest of it matches the data dataset '\(location.dataset)' was budgeted for; "
                            + "`ledger forms` records only a budget's own data, in the forms the ledger lacks")
                }
                let name = Output.oneLine(location.dataset)
                let awaiting = try ledger.datasetsAwaitingFormsReview().contains {
                    BudgetLedger.sameDataset($0, location.dataset)
                }
                let knownText = "dataset '\(name)': the ledger knows this data in every form read here"
                // Read without a schema, no wait ends; read with one, this data's own binding did.
                let waiting =
                    schema == nil
                    ? ", but not yet by its encoded rows: run this again with --schema (the schema runs use)"
                    : ", but other data (files or tables) an earlier dpsynth bound to this budget still awaits "
                        + "review: run this on each"
                print(
                    unbound != nil
                        ? "dataset '\(name)' is bound to no data yet: its first run binds it; nothing was recorded"
                        : knownText + (awaiting ? waiting : "") + "; nothing was charged")
            }
        }
    }
}
