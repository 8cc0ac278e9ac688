import DPAccounting
import Testing

@Suite struct PrivacyBudgetTests {
    @Test func odometerRecordsChargesAndRefusesOverspendWithoutRecording() throws {
        let odometer = try PrivacyOdometer(epsilon: 1, delta: 1e-6)
        let receipt = try odometer.charge(Charge(mechanism: "a", cost: .pure(epsilon: 0.6), seeded: true))
        #expect(receipt.cost == .pure(epsilon: 0.6))
        #expect(try odometer.wouldAccept(.pure(epsilon: 0.4)))
        #expect(try !odometer.wouldAccept(.pure(epsilon: 0.41)))
        #expect(throws: AccountingError.self) {
            try odometer.charge(Charge(mechanism: "b", cost: .pure(epsilon: 0.5), seeded: true))
        }
        #expect(odometer.charges.count == 1)
        #expect(throws: AccountingError.self) {
            try odometer.charge(Charge(mechanism: "c", cost: .pure(epsilon: .nan), seeded: true))
        }
    }

    @Test func odometerComposesZCDPLikeTheLedger() throws {
        let odometer = try PrivacyOdometer(epsilon: 1, delta: 1e-6)
        let rho = ZCDP.rho(epsilon: 1, delta: 1e-6)
        _ = try odometer.charge(Charge(mechanism: "half", cost: .zCDP(rho: rho / 2), seeded: true))
        _ = try odometer.charge(Charge(mechanism: "half", cost: .zCDP(rho: rho / 2), seeded: true))
        #expect(abs(odometer.spend.epsilon - 1) < 1e-6)
        #expect(try !odometer.wouldAccept(.zCDP(rho: rho * 1e-3)))
    }

    @Test func sliceKeepsItsOwnLimitAndChargesThroughToItsParent() throws {
        let parent = try PrivacyOdometer(epsilon: 10, delta: 1e-6)
        let slice = BudgetSlice(of: parent, limit: .zCDP(rho: 0.01))
        _ = try slice.charge(Charge(mechanism: "m", cost: .zCDP(rho: 0.006), seeded: true))
        #expect(abs(slice.rhoRemaining - 0.004) < 1e-12)
        #expect(throws: AccountingError.self) {
            try slice.charge(Charge(mechanism: "m", cost: .zCDP(rho: 0.005), seeded: true))
        }
        // A zCDP slice takes zCDP charges only.
        #expect(throws: AccountingError.self) {
            try slice.charge(Charge(mechanism: "m", cost: .pure(epsilon: 0.0001), seeded: true))
        }
        #expect(parent.charges.count == 1)
        // The parent's own limit holds even when the slice's would not bind.
        let small = try PrivacyOdometer(epsilon: 0.01, delta: 1e-6)
        let wide = BudgetSlice(of: small, limit: .approximate(epsilon: 5, delta: 1e-6))
        #expect(throws: AccountingError.self) {
            try wide.charge(Charge(mechanism: "m", cost: .pure(epsilon: 1), seeded: true))
        }
        #expect(small.charges.isEmpty)
    }

    @Test func oneToleranceDecidesFit() {
        let epsilon = 1.0
        #expect(BudgetLimit.fits([.pure(epsilon: epsilon * (1 + BudgetLimit.tolerance / 2))], epsilon: 1, delta: 0))
        #expect(!BudgetLimit.fits([.pure(epsilon: epsilon * (1 + BudgetLimit.tolerance * 2))], epsilon: 1, delta: 0))
    }

    @Test func chargeParametersAreEncodedNotSpliced() {
        struct Parameters: Encodable { let scale: String }
        let charge = Charge(
            mechanism: "m", parameters: Parameters(scale: "1\",\"evil\":\"x"), cost: .pure(epsilon: 1), seeded: false)
        #expect(charge.parameters == #"{"scale":"1\",\"evil\":\"x"}"#)
    }

    /// A total near the largest double: its tolerance overflowed to infinity, and charges whose
    /// sum was infinite all fitted (a hostile pass spent three times the largest double).
    @Test func totalsNearTheLargestDoubleStillRefuse() {
        let largest = Double.greatestFiniteMagnitude
        #expect(BudgetLimit.fits([.pure(epsilon: largest)], epsilon: largest, delta: 0))
        #expect(!BudgetLimit.fits([.pure(epsilon: largest), .pure(epsilon: largest)], epsilon: largest, delta: 0))
        #expect(!BudgetLimit.fits(rho: .infinity, within: largest))
    }
}
