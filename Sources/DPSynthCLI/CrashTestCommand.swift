import ArgumentParser

/// `dpsynth crash-test` (hidden): traps on an arithmetic overflow while `--value` is in a
/// register, so a test can check that the crash output shows no value.
struct CrashTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-test", abstract: "Trap on purpose (for the crash-output test).", shouldDisplay: false)

    @Option(help: "A value to hold while trapping.") var value: Int

    func run() throws {
        let held = [value, value &+ 1, value ^ 0x5555]
        // Overflows for any |value| above Int.max / 1000: a trap with the value live.
        let product = held[0] * 1000
        print(product + held[1] + held[2])
    }
}
