import ArgumentParser
import DPAccounting
import DPAudit
import DPData
import DPGenerators
import DPLedger
import DPSources
import Foundation

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect input files locally (nothing is released).",
        subcommands: [Count.self, Marginals.self]
    )

    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Count the records of a CSV file, in memory bounded by its longest record (header included; "
                + "a private figure).")

        @Argument(help: "The CSV file.") var data: String
        @Flag(help: "Print a JSON object.") var json = false

        func run() throws {
            do {
                guard !PostgresLocation.isDatabase(data) else {
                    throw CommandFailure(
                        "data count reads CSV files; check a PostgreSQL table with "
                            + "`dpsynth schema check --data URL --schema FILE`, which prints its row count")
                }
                try Blake2b.refuseIrregular(data)
                let records = try CSVReader(path: data).countRecords()
                if json {
                    try Output.json(["records": records, "note": "computed on the private data; not a DP release"])
                } else {
                    print(records)
                    Output.note("dpsynth: the count is computed on the private data: confidential, not a DP release")
                }
            } catch let error as any UserFacingError {
                throw CommandFailure(error.description)
            }
        }
    }

    /// Counts every k-way marginal of a table where it lives (in memory for a file, in the
    /// database for a table) and prints how many tables and cells and how long it took, never a
    /// count: the counting step of the marginal methods, on its own, for benchmarks.
    struct Marginals: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time the counting of every k-way marginal (prints no count; nothing is released).")

        @Option(help: "The table: CSV or postgresql:// URL.") var data: String
        @Option(help: "The YAML schema.") var schema: String
        @Option(parsing: .unconditional, help: "How many columns per marginal.") var ways: Int = 3
        @Flag(help: "Print a JSON object.") var json = false

        func validate() throws {
            guard (1...4).contains(ways) else { throw ValidationError("--ways must lie in 1...4 (got \(ways))") }
        }

        func run() throws {
            try CommandFailure.reportingLibraryErrors {
                let started = Date()
                let parsed = try SchemaLoader.load(path: schema)
                // Within what any method counts at once (AIM's candidates), checked before a row is
                // read: every 3-way set of a schema's 1,024 columns is 178 million marginals.
                let limits = AIM.candidateLimits
                let columns = parsed.encodedColumns.count
                let setCount = (0..<ways).reduce(1.0) { $0 * Double(columns - $1) / Double($1 + 1) }
                guard setCount <= Double(limits.count) else {
                    throw CommandFailure(
                        "\(schema): \(columns) columns have \(String(format: "%.0f", setCount)) \(ways)-way "
                            + "marginals, more than dpsynth counts at once (\(limits.count)); give fewer columns or a "
                            + "smaller --ways"
                    )
                }
                let domain = parsed.encodedColumns.map(\.domainSize)
                let sets = allColumnSets(of: columns, size: ways)
                let setCells = sets.reduce(0.0) { total, set in total + set.reduce(1.0) { $0 * Double(domain[$1]) } }
                guard setCells <= Double(limits.totalCells) else {
                    throw CommandFailure(
                        "\(schema): the \(ways)-way marginals have \(String(format: "%.0f", setCells)) cells in all, "
                            + "more than dpsynth counts at once (\(limits.totalCells)); give fewer columns or a "
                            + "smaller --ways"
                    )
                }
                let table = try DataSource(data, key: "--data").table(schema: parsed, countsOnly: true)
                let tables = try table.marginals(sets)
                let cells = tables.reduce(0) { $0 + $1.shape.reduce(1, *) }
                let seconds = Date().timeIntervalSince(started)
                if json {
                    try Output.json([
                        "marginals": sets.count, "cells": cells, "seconds": seconds,
                        "seconds_notice": RealDataNotice.timing,
                    ])
                } else {
                    print(
                        String(
                            format: "counted %d %d-way marginals (%d cells) in %.1f s (%@)", sets.count, ways, cells,
                            seconds, RealDataNotice.timing))
                }
            }
        }
    }
}
