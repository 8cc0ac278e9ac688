import ArgumentParser
import DPData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect input files locally (nothing is released).",
        subcommands: [Count.self]
    )

    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the records of a CSV file in bounded memory (header included; a private figure).")

        @Argument(help: "The CSV file.") var data: String
        @Flag(help: "Print a JSON object.") var json = false

        func run() throws {
            do {
                let records = try CSVReader(path: data).countRecords()
                if json {
                    try Output.json(["records": records, "note": "computed on the private data; not a DP release"])
                } else {
                    print(records)
                }
            } catch let error as DataError {
                throw CommandFailure(error.description)
            }
        }
    }
}
