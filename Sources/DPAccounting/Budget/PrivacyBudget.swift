import Foundation

/// Anything that pays for releases: the persistent ledger, an in-memory odometer, or a slice of
/// either set aside for one run.
///
/// Privacy: `charge` records the cost, or throws and records nothing, before it returns a
/// receipt; every mechanism releases output only in exchange for a receipt, so no noise is drawn
/// that was not paid for first (Proofs/budget-ledger.md).
public protocol PrivacyBudget: AnyObject, Sendable {
    /// Records `charge`, or throws and records nothing.
    func charge(_ charge: Charge) throws -> ChargeReceipt

    /// Whether `cost` would fit now; a charge checks again atomically.
    func wouldAccept(_ cost: PrivacyCost) throws -> Bool

    /// One line naming the budget and what it has spent, for refusals.
    func summary() throws -> String

    /// The budget's name: the ledger's dataset, or a description of an in-memory budget.
    var name: String { get }
}

/// One expenditure a caller asks a budget to record.
public struct Charge: Sendable {
    /// The mechanism or step that spends it, for example `discrete-gaussian marginals`.
    public let mechanism: String
    /// The mechanism's parameters as canonical JSON (sorted keys), encoded from a typed value.
    public let parameters: String
    public let cost: PrivacyCost
    /// True when the randomness behind it is seeded (a test run, never a private release).
    public let seeded: Bool

    /// A charge whose parameters are `parameters` encoded as JSON, so user text is escaped.
    public init(mechanism: String, parameters: some Encodable, cost: PrivacyCost, seeded: Bool) {
        self.mechanism = mechanism
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = (try? encoder.encode(parameters)) ?? Data("{}".utf8)
        self.parameters = String(decoding: data, as: UTF8.self)
        self.cost = cost
        self.seeded = seeded
    }

    /// A charge with no parameters.
    public init(mechanism: String, cost: PrivacyCost, seeded: Bool) {
        self.init(mechanism: mechanism, parameters: [String: String](), cost: cost, seeded: seeded)
    }
}

/// Proof that a charge was recorded: mechanisms release output only against one.
///
/// Only a `PrivacyBudget` in this package creates receipts (`package` initialiser), so a library
/// client cannot draw noise without paying.
public struct ChargeReceipt: Sendable, Equatable {
    /// The ledger row that holds the charge, when the budget is persistent.
    public let id: Int64?
    public let cost: PrivacyCost

    package init(id: Int64?, cost: PrivacyCost) {
        self.id = id
        self.cost = cost
    }
}
