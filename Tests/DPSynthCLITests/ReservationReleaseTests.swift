import DPTestSupport
import Foundation
import Testing

@testable import DPLedger

/// `ledger release`: a reservation held in another process-id namespace (another container
/// sharing the ledger file) counts whole until it ends; released here, what it charged stays
/// spent and it can charge no more.
@Suite struct ReservationReleaseTests {
    @Test func aReservationFromElsewhereIsReleasedByHand() throws {
        let path = try CommandRunner.temporaryDirectory().appendingPathComponent("l.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "d", epsilon: 1, delta: 0)
        let elsewhere = (LocalHolder.tag % (1 << 30) + 1) << 32 | 4_194_305
        let other = try BudgetLedger(store: try SQLiteLedgerStore(path: path, readOnly: false, holder: elsewhere))
        let reservation = try other.reserve(dataset: "d", cost: .pure(epsilon: 0.7))
        _ = try other.charge(
            dataset: "d", mechanism: "m", cost: .pure(epsilon: 0.2), seeded: true, reservation: reservation)

        func charge(_ epsilon: String) throws -> CommandRunner.Result {
            try CommandRunner.run([
                "ledger", "charge", "--ledger", path, "--dataset", "d", "--mechanism", "m", "--epsilon", epsilon,
            ])
        }
        #expect(try charge("0.4").status != 0)
        let shown = try CommandRunner.run(["ledger", "show", "--ledger", path, "--dataset", "d"])
        #expect(shown.standardOutput.contains("open (its run is not seen from here)"), "\(shown)")
        let released = try CommandRunner.run([
            "ledger", "release", "--ledger", path, "--dataset", "d", "--reservation", "\(reservation)",
        ])
        #expect(released.status == 0 && released.standardOutput.contains("settled by hand"), "\(released)")
        // The chain tells an end by hand from a run's own end.
        #expect(try ledger.reservations(dataset: "d").first { $0.id == reservation }?.state == .settledByHand)
        #expect(try charge("0.4").status == 0)
        // The released run can charge no more, and a reservation ends once.
        #expect(throws: LedgerError.self) {
            try other.charge(
                dataset: "d", mechanism: "m", cost: .pure(epsilon: 0.1), seeded: true, reservation: reservation)
        }
        let again = try CommandRunner.run([
            "ledger", "release", "--ledger", path, "--dataset", "d", "--reservation", "\(reservation)",
        ])
        #expect(again.status == 1 && again.standardError.contains("is not open"), "\(again)")
        let statement = try ledger.statement(dataset: "d")
        #expect(abs(statement.spent.epsilon - 0.6) < 1e-12)
        #expect(try BudgetLedger.verify(path: path).intact)

        // A reservation whose run is seen running (this test's process) is not ended by hand,
        // unless forced (a process id reused by another program kept it open for good).
        let running = try ledger.reserve(dataset: "d", cost: .pure(epsilon: 0.1))
        let refused = try CommandRunner.run([
            "ledger", "release", "--ledger", path, "--dataset", "d", "--reservation", "\(running)",
        ])
        #expect(refused.status == 1 && refused.standardError.contains("is running here"), "\(refused)")
        let forced = try CommandRunner.run([
            "ledger", "release", "--ledger", path, "--dataset", "d", "--reservation", "\(running)", "--force",
        ])
        #expect(forced.status == 0 && forced.standardOutput.contains("released by hand"), "\(forced)")
        // The run, still running, can charge no more under it.
        #expect(throws: LedgerError.self) {
            try ledger.charge(
                dataset: "d", mechanism: "m", cost: .pure(epsilon: 0.1), seeded: true, reservation: running)
        }
    }

    /// A run refused because other runs hold the budget said the dataset had spent nothing of it.
    @Test func aRefusalNamesWhatRunsStillGoingHold() throws {
        let (data, schema, folder) = try SynthesizeCommandTests().toyFiles()
        let path = folder.appendingPathComponent("held.sqlite").path
        let ledger = try BudgetLedger(path: path)
        try ledger.initialise(dataset: "d", epsilon: 1.25, delta: 1e-6)
        let held = try ledger.reserve(dataset: "d", cost: .pure(epsilon: 1))
        let refused = try CommandRunner.run([
            "synthesize", "--method", "mst", "--data", data, "--schema", schema, "--epsilon", "1", "--rows", "5",
            "--out", folder.appendingPathComponent("s.csv").path, "--ledger", path, "--dataset", "d",
        ])
        #expect(refused.status == 1, "\(refused)")
        #expect(
            refused.standardError.contains("has spent epsilon 0.0 of 1.25")
                && refused.standardError.contains("epsilon 1 is committed"), "\(refused.standardError)")
        #expect(try ledger.endReservation(held) == .released)
    }

    /// A killed run's process can stay a zombie (ended, its status not yet read by its parent):
    /// its reservation was taken for a running run's, counted whole and not released by hand.
    @Test func aZombieIsNotARunningRun() throws {
        var pid: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { free(arguments[0]) }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, arguments, environ) == 0)
        defer { waitpid(pid, nil, 0) }
        let holder = LocalHolder.tag << 32 | Int64(pid)
        var waited = 0
        while !LocalHolder.hasEnded(pid) && waited < 500 {
            usleep(10_000)
            waited += 1
        }
        #expect(kill(pid, 0) == 0, "a zombie still has its process id")
        #expect(!LocalHolder.runsHere(holder))
        #expect(LocalHolder.runsHere(LocalHolder.tag << 32 | Int64(getpid())))
    }
}
