import DPAccounting

/// An audit asked for something it cannot compute (a count out of range, too few canaries).
public struct AuditInputError: UserFacingError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
