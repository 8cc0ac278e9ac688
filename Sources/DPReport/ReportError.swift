import DPAccounting

/// A report, signing or verification failure the user can act on.
public struct ReportError: UserFacingError, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
