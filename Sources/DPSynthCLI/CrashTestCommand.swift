import ArgumentParser
import DPData
import Foundation

/// `dpsynth crash-test` (hidden): traps on an arithmetic overflow while `--value` is in a
/// register, so a test can check that the crash output shows no value; with `--write-into`, it
/// stops while a `StagedFiles` set of two files is staged there and not yet moved into place, so
/// a test can check that nothing is left behind and no file of the set appears; with
/// `--during-commit`, a signal arrives between the two renames and must wait for the second; with
/// `--allocate`, it asks for `--value` bytes, which the runtime fails to allocate and reports with
/// the size before it traps; with `--journal` and `--kill-during-commit`, it is killed between the
/// two renames, and a later run with the same `--journal` finishes the set first.
struct CrashTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash-test", abstract: "Trap on purpose (for the crash-output test).", shouldDisplay: false)

    @Option(parsing: .unconditional, help: "A value to hold while trapping.") var value: Int
    @Option(help: "Stop while writing a file into this folder, its temporary copy complete but not yet in place.")
    var writeInto: String?
    @Option(help: "Stop by raising this signal (TERM, INT, USR1 or ALRM) instead of trapping.") var signal: String?
    @Flag(help: "With --write-into: send SIGTERM from another thread once the first file is in place.")
    var duringCommit = false
    @Flag(help: "Ask for --value bytes of memory instead of trapping on an overflow.") var allocate = false
    @Option(help: "With --write-into: commit with a journal here, finishing an interrupted one first.")
    var journal: String?
    @Flag(help: "With --journal: be killed (SIGKILL) once the first file is in place.") var killDuringCommit = false

    func run() throws {
        if allocate {
            let memory = UnsafeMutableRawPointer.allocate(byteCount: value, alignment: 8)
            memory.storeBytes(of: value, as: Int.self)
            print(memory.load(as: Int.self))
        }
        guard let writeInto else { return stop() }
        let targets = [writeInto + "/output.csv", writeInto + "/report.json"]
        if let journal, try CommitJournal.finish(journal, targets: targets) != nil {
            Diagnostics.write("finished an interrupted commit\n")
        }
        let files = StagedFiles(journal: journal)
        try files.add(Data("\(value)\n".utf8), to: targets[0])
        try files.add(Data("{\"rows\": \(value)}\n".utf8), to: targets[1])
        if killDuringCommit { return try files.commit(afterFirstRename: { kill(getpid(), SIGKILL) }) }
        guard duringCommit else { return try files.commit(beforeRename: { stop() }) }
        try files.commit(afterFirstRename: {
            // A process-directed signal, sent from a thread that does not block it: its handler
            // runs there while this thread is between two renames.
            let sender = Thread {
                kill(getpid(), SIGTERM)
                sleep(5)
            }
            sender.start()
            usleep(300_000)
        })
    }

    func stop() {
        let signals = ["TERM": SIGTERM, "INT": SIGINT, "USR1": SIGUSR1, "ALRM": SIGALRM]
        if let name = signal, let number = signals[name] { raise(number) }
        let held = [value, value &+ 1, value ^ 0x5555]
        // Overflows for any |value| above Int.max / 1000: a trap with the value live.
        let product = held[0] * 1000
        print(product + held[1] + held[2])
    }
}
