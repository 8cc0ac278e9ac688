import DPData
import DPLedger
import DPSources
import Foundation
import Testing

/// The rules of a `postgresql://` URL, which need no server: the address alone says where to
/// connect, no secret is accepted, and a connection that fails is an error, not a crash.
@Suite struct PostgresURLTests {
    static let base = "postgresql://me@db.example:6543/stats?table=t"

    /// Each parameter that would override the address, carry a secret or mean nothing to libpq is
    /// refused, for tables and ledgers alike, and the message never repeats its value.
    @Test(arguments: [
        "password=Sekr3tValue", "passfile=/Sekr3tValue", "host=Sekr3tValue", "hostaddr=10.0.0.9", "port=1",
        "dbname=Sekr3tValue", "user=Sekr3tValue", "service=Sekr3tValue", "options=-cSekr3tValue",
        "bogus=Sekr3tValue", "table=Sekr3tValue",
    ])
    func aParameterThatOverridesTheAddressOrHoldsASecretIsRefused(parameter: String) {
        do {
            _ = try PostgresLocation(Self.base + "&" + parameter, key: "--data")
            Issue.record("accepted \(parameter)")
        } catch let error as DataError {
            #expect(!error.description.contains("Sekr3tValue") && !error.description.contains("10.0.0.9"))
        } catch { Issue.record("\(error)") }
        do {
            _ = try PostgresLedgerStore(url: "postgresql://me@127.0.0.1:1/stats?" + parameter)
            Issue.record("the ledger accepted \(parameter)")
        } catch let error as LedgerError {
            guard case .invalid(let message) = error else {
                Issue.record("not refused as invalid: \(error)")
                return
            }
            #expect(!message.contains("Sekr3tValue") && !message.contains("10.0.0.9"), "\(message)")
        } catch { Issue.record("\(error)") }
    }

    /// libpq reads the user part up to the last '@', past a '?' or a '#': such a URL would
    /// connect elsewhere, or with a password, than it reads; it is refused without repeating it.
    @Test(arguments: [
        "postgresql://nohost.invalid?table=public.t#:Sekr3tValue@127.0.0.1:5/postgres",
        "postgresql://me@nohost.invalid/db?table=t#@127.0.0.1:5/postgres",
    ])
    func aURLThatLibpqReadsOtherwiseIsRefused(url: String) {
        do {
            _ = try PostgresLocation(url, key: "--data")
            Issue.record("accepted \(url)")
        } catch let error as DataError {
            #expect(!error.description.contains("Sekr3tValue") && !error.description.contains("127.0.0.1"))
        } catch { Issue.record("\(error)") }
        #expect(throws: LedgerError.self) {
            try PostgresLedgerStore(url: "postgresql://?schema=lg#:Sekr3tValue@127.0.0.1:5/postgres")
        }
    }

    /// Several hosts (libpq fails over between them), and any spelling of the scheme, which is
    /// read as a URL and never as a file path that an error would repeat.
    @Test(arguments: [
        "postgresql://me@h1%2Ch2/db?table=t", "POSTGRESQL://me:Sekr3tValue@h/db?table=t",
        "  postgresql://me:Sekr3tValue@h/db?table=t", "postgresql:/me:Sekr3tValue@h/db?table=t",
        "postgres:me:Sekr3tValue@h/db?table=t",
    ])
    func severalHostsAndOddSchemesAreRefused(url: String) {
        #expect(PostgresLocation.isDatabase(url))
        do {
            _ = try PostgresLocation(url, key: "--data")
            Issue.record("accepted \(url)")
        } catch let error as DataError {
            #expect(!error.description.contains("Sekr3tValue"))
        } catch { Issue.record("\(error)") }
    }

    @Test(arguments: [
        "postgresql://me@%2Ftmp/stats?table=t", "postgresql://me@[::1]:5432/stats?table=t",
        "postgresql://me@db.example/stats?table=t", "postgres://db.example:6543/st%20ats?table=t",
    ])
    func ordinaryAddressesAreAccepted(url: String) throws {
        _ = try PostgresLocation(url, key: "--data")
    }

    @Test func transportSettingsPassThrough() throws {
        let location = try PostgresLocation(
            Self.base + "&sslmode=verify-full&connect_timeout=5&application_name=x", key: "--data")
        #expect(
            location.connectionURL
                == "postgresql://me@db.example:6543/stats?sslmode=verify-full&connect_timeout=5&application_name=x")
    }

    /// libpq connects to a Unix socket without TLS whatever sslmode says.
    @Test func tlsOverAUnixSocketIsRefused() {
        #expect(throws: DataError.self) {
            try PostgresLocation("postgresql://me@%2Ftmp/stats?table=t&sslmode=require", key: "--data")
        }
        #expect(throws: DataError.self) {
            try PostgresLocation("postgresql:///stats?table=t&sslmode=verify-ca", key: "--data")
        }
    }

    /// A server that cannot be reached (nothing listens on port 1) is a one-line error naming the
    /// URL, for a table and a ledger alike.
    @Test func aFailedConnectionIsAnError() throws {
        let url = "postgresql://me@127.0.0.1:1/stats"
        do {
            _ = try PostgresConnection(url: url, label: url)
            Issue.record("connected to port 1")
        } catch let error as DataError {
            #expect(error.description.contains("cannot connect") && !error.description.contains("\n"))
        }
        #expect(throws: LedgerError.self) { try PostgresLedgerStore(url: url) }
    }

    /// A table parameter names a table, or a schema and a table; a part holding a dot (or a
    /// quote) is written in double quotes, and anything else is refused rather than guessed.
    @Test func aTableNameWithADotIsWrittenInQuotes() throws {
        let base = "postgresql://me@db.example:6543/stats?table="
        for (written, schema, table) in [
            ("t", "public", "t"), ("s.t", "s", "t"), ("s.t.u", "s", "t.u"),
            ("%22my.schema%22.t", "my.schema", "t"), ("%22my.schema%22.%22a%22%22b.c%22", "my.schema", "a\"b.c"),
            ("%22a.b%22", "public", "a.b"), ("s.%22T%22", "s", "T"),
        ] {
            let location = try PostgresLocation(base + written, key: "--data")
            #expect((location.schema, location.table) == (schema, table), "\(written)")
        }
        for refused in [".t", "s.", "%22s%22x.t", "%22s.t", "s%22x.t", "%22%22.t", "%22a%22.%22b%22.c"] {
            #expect(throws: DataError.self, "\(refused)") { try PostgresLocation(base + refused, key: "--data") }
        }
    }
}
