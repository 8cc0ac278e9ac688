import DPAccounting

extension CommandFailure {
    /// Runs `body`, turning the libraries' user-facing errors into one-line command failures.
    static func reportingLibraryErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as any UserFacingError {
            throw CommandFailure(error.description)
        }
    }
}
