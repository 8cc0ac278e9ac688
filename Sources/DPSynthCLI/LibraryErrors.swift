import DPAccounting
import DPData
import DPGenerators
import DPLedger
import DPMechanisms
import DPRelease
import DPReport
import DPSynthesis

extension CommandFailure {
    /// Runs `body`, turning the libraries' user-facing errors into one-line command failures.
    static func reportingLibraryErrors(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DataError {
            throw CommandFailure(error.description)
        } catch let error as LedgerError {
            throw CommandFailure(error.description)
        } catch let error as GeneratorError {
            throw CommandFailure(error.description)
        } catch let error as MechanismError {
            throw CommandFailure(error.description)
        } catch let error as AccountingError {
            throw CommandFailure(error.description)
        } catch let error as ReportError {
            throw CommandFailure(error.description)
        } catch let error as GeneratorSettingsError {
            throw CommandFailure(error.description)
        } catch let error as ReleaseError {
            throw CommandFailure(error.description)
        }
    }
}
