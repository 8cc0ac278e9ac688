import ArgumentParser

/// The `dpsynth` command-line tool.
public struct DPSynthCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dpsynth",
        abstract: "Differentially private synthetic data: accountants, mechanisms, budget ledger.",
        subcommands: []
    )

    public init() {}
}
