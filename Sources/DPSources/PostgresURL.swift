import CLibPQ
import DPData
import Foundation

/// A libpq connection URL as dpsynth accepts it: `postgresql://USER@HOST:PORT/DB?...`, where the
/// address part alone says which server, database and user, and the query string holds only
/// dpsynth's own parameters and libpq's transport settings.
///
/// libpq would let a query parameter override the address (`host`, `port`, `dbname`, `user`,
/// `service`) or carry a secret (`password`, `passfile`): the first would make the URL read one
/// table and name another in messages and in the budget's identity, the second would put a
/// password on the command line and in every message that names the URL. Both are refused, as
/// is a password in the address; libpq reads it from `PGPASSWORD` or `~/.pgpass`.
struct PostgresURL {
    /// The URL libpq reads: the given one without dpsynth's own parameters.
    let connection: String
    /// dpsynth's own parameters (`table`, or the ledger's `schema`), each given at most once.
    let own: [String: String]
    /// The server and database as written (`PostgresLocation.writtenIdentity`, the check that no
    /// shard is named twice before any connection).
    let host: String
    let port: Int
    let database: String

    /// The libpq parameters a URL may set: transport and session labels, none of which changes
    /// which server, database, user or table is read.
    static let transportParameters: Set<String> = [
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl", "sslcrldir", "sslsni", "channel_binding",
        "gssencmode", "connect_timeout", "application_name", "keepalives", "keepalives_idle",
        "keepalives_interval", "keepalives_count", "tcp_user_timeout",
    ]
    static let addressParameters: Set<String> = ["host", "hostaddr", "port", "dbname", "user", "service"]
    static let secretParameters: Set<String> = ["password", "passfile"]
    /// The `sslmode` values that promise TLS.
    static let encryptedModes: Set<String> = ["require", "verify-ca", "verify-full"]

    /// A refused URL: what is wrong and what to do (the caller names where the URL came from).
    struct Refusal: Error {
        let problem: String
        let hint: String
    }

    /// Whether `text` names a PostgreSQL server rather than a file.
    /// Any spelling of the scheme counts (`POSTGRESQL://`, leading spaces, a slash missing), so
    /// that such a URL is refused as a URL and never read, and repeated, as a file path: it may
    /// hold a password.
    static func isDatabase(_ text: String) -> Bool {
        let scheme = text.drop { $0.isWhitespace }.prefix(11).lowercased()
        return scheme.hasPrefix("postgresql:") || scheme.hasPrefix("postgres:")
    }

    /// Refuses a URL that libpq reads otherwise than this parser: a password, or another server,
    /// port or database (libpq reads the user part up to the last '@', past a '?' or a '#').
    static func checkAsLibpqReads(_ text: String, host: String, port: Int?, database: String) throws(Refusal) {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &message) else {
            if let message { PQfreemem(message) }
            throw Refusal(problem: "libpq cannot read the URL", hint: "Write postgresql://USER@HOST:PORT/DB?....")
        }
        defer { PQconninfoFree(options) }
        var read: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { read[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        // An IPv6 address is bracketed in a URL and bare to libpq.
        let decodedHost = (host.removingPercentEncoding ?? host).trimmingCharacters(
            in: CharacterSet(charactersIn: "[]"))
        guard (read["password"] ?? "").isEmpty, (read["passfile"] ?? "").isEmpty,
            (read["host"] ?? "") == decodedHost, read["port"] == port.map(String.init),
            (read["dbname"] ?? "") == (database.removingPercentEncoding ?? database)
        else {
            throw Refusal(
                problem: "libpq reads this URL's address or password otherwise than it is written",
                hint: "Write postgresql://USER@HOST:PORT/DB with no '?', '#', '@' or ':' inside the user or host.")
        }
    }

    /// Parses `text`, whose query string may hold `ownParameters` besides libpq's transport
    /// settings. Messages never repeat a parameter's value.
    init(_ text: String, ownParameters: Set<String>) throws(Refusal) {
        guard Self.isDatabase(text), var parts = URLComponents(string: text) else {
            throw Refusal(problem: "not a PostgreSQL URL", hint: "Write postgresql://USER@HOST:PORT/DB?....")
        }
        guard parts.password == nil else {
            throw Refusal(
                problem: "the URL holds a password",
                hint: "Remove it from the URL; put it in PGPASSWORD or ~/.pgpass, where libpq reads it.")
        }
        var own: [String: String] = [:]
        var seen: Set<String> = []
        for item in parts.queryItems ?? [] {
            let name = item.name
            guard seen.insert(name).inserted else {
                throw Refusal(problem: "the URL gives '\(name)' twice", hint: "Give each parameter once.")
            }
            if Self.secretParameters.contains(name) {
                throw Refusal(
                    problem: "the URL holds a '\(name)' parameter",
                    hint: "Remove it; put the password in PGPASSWORD or ~/.pgpass, where libpq reads it.")
            }
            if Self.addressParameters.contains(name) {
                throw Refusal(
                    problem: "the URL's '\(name)' parameter would override its address",
                    hint: "Write the server, port, database and user in the address: postgresql://USER@HOST:PORT/DB.")
            }
            if ownParameters.contains(name) {
                own[name] = item.value ?? ""
            } else if !Self.transportParameters.contains(name) {
                throw Refusal(
                    problem: "the URL has an unknown parameter '\(name)'",
                    hint: "Use only "
                        + (ownParameters.sorted() + ["sslmode", "connect_timeout", "application_name", "ssl*"])
                        .joined(separator: ", ") + ".")
            }
        }
        let host = parts.host ?? ""
        // libpq reads a comma-separated host list and fails over between the hosts.
        guard !(host.removingPercentEncoding ?? host).contains(",") else {
            throw Refusal(
                problem: "the URL names several hosts", hint: "Name one server: its identity is the budget's.")
        }
        if let mode = parts.queryItems?.first(where: { $0.name == "sslmode" })?.value,
            Self.encryptedModes.contains(mode), host.isEmpty || host.hasPrefix("/") || host.hasPrefix("%2F")
        {
            throw Refusal(
                problem: "sslmode=\(mode) on a Unix socket, which libpq connects to without TLS",
                hint: "Name the server by host name or address for TLS.")
        }
        guard parts.fragment == nil else {
            throw Refusal(problem: "the URL has a '#' part", hint: "Remove it: a PostgreSQL URL has none.")
        }
        let rest = (parts.queryItems ?? []).filter { !ownParameters.contains($0.name) }
        parts.queryItems = rest.isEmpty ? nil : rest
        guard let connection = parts.string else {
            throw Refusal(problem: "the URL cannot be read back", hint: "Check its spelling.")
        }
        try Self.checkAsLibpqReads(
            connection, host: host, port: parts.port, database: String(parts.path.drop { $0 == "/" }))
        self.connection = connection
        self.own = own
        self.host = host.isEmpty ? "localhost" : host.lowercased()
        port = parts.port ?? 5432
        database = String(parts.path.drop { $0 == "/" })
    }
}
