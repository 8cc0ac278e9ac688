import ArgumentParser
import DPData
import DPLedger
import DPRelease
import DPSources

/// The three tables an audit or an evaluation compares: the real rows the generator saw, real
/// rows it never saw, and the synthetic rows, all read with one schema.
struct ComparedTables: ParsableArguments {
    @Option(help: "The real rows the generator was fitted to (CSV, or a postgresql:// table URL).") var train: String
    @Option(help: "Real rows of the same population the generator never saw (CSV or postgresql:// URL).")
    var holdout: String
    @Option(help: "The synthetic rows (CSV or postgresql:// URL).") var synthetic: String
    @Option(help: "The YAML schema all three tables follow.") var schema: String

    /// The input files by option, for the rule that no output replaces an input.
    var inputs: [(String, String?)] {
        [("--train", train), ("--holdout", holdout), ("--synthetic", synthetic), ("--schema", schema)]
    }

    /// The schema the three tables are read with.
    func parsedSchema() throws -> Schema { try SchemaLoader.load(path: schema) }

    /// The index of the encoded column an `option` names, from the schema before any row is
    /// read. A name the schema lacks is a usage error (exit status 64), as is a malformed option.
    func column(_ name: String, option: String, in parsed: Schema) throws -> Int {
        do {
            return try parsed.encodedIndex(of: name, key: option, file: schema)
        } catch let error as DataError {
            throw CommandFailure(error.description, status: 64)
        }
    }

    /// The code of the positive value `label` of the `target` encoded column
    /// (`Column.positiveCode`); a value the column lacks is a usage error (exit status 64).
    func positiveCode(_ label: String?, of target: Int, in parsed: Schema) throws -> UInt16 {
        do {
            return try parsed.encodedColumns[target].positiveCode(
                label, targetKey: "--target", positiveKey: "--positive", file: schema)
        } catch let error as DataError {
            throw CommandFailure(error.description, status: 64)
        }
    }

    /// The tables, each with at least `minimumRows` rows, or a one-line failure naming the file.
    /// A holdout that reads the training table's rows is refused (`HoldoutRule`), and the two
    /// are read as the rule checked them (`DataSource.load(schema:boundTo:)`).
    func load(schema parsed: Schema, minimumRows: Int, purpose: String) throws -> (
        train: EncodedDataset, holdout: EncodedDataset, synthetic: EncodedDataset
    ) {
        let trainSource = try DataSource(train, key: "--train")
        let holdoutSource = try DataSource(holdout, key: "--holdout")
        let training = try trainSource.identity()
        let holdoutIdentity = try HoldoutRule.checked(holdout: holdoutSource, training: training)
        let tables = (
            train: try trainSource.load(schema: parsed, boundTo: training),
            holdout: try holdoutSource.load(schema: parsed, boundTo: holdoutIdentity),
            synthetic: try DataSource(synthetic, key: "--synthetic").load(schema: parsed)
        )
        training.releaseLocks()
        holdoutIdentity.releaseLocks()
        try HoldoutRule.checkRead(holdout: holdoutIdentity, training: training, name: holdout)
        try HoldoutRule.checkRows(training: tables.train, holdout: tables.holdout, name: holdout)
        // The real tables' exact sizes are private: the refusal says only that one is too small.
        for (name, table) in [(train, tables.train), (holdout, tables.holdout), (synthetic, tables.synthetic)]
        where table.rowCount < minimumRows {
            throw CommandFailure(
                "\(name): fewer than \(minimumRows) rows; \(purpose) needs at least \(minimumRows) rows in each table")
        }
        return tables
    }
}
