import DPData
import DPLedger
import Foundation

extension PostgresLocation {
    /// The table's identity as the URL writes it: `postgresql://HOST:PORT/DB/SCHEMA.TABLE`.
    public var writtenIdentity: String { "postgresql://\(address)/\(schema).\(table)" }

    /// The relations whose rows reading this table reads, each named as its server states it:
    /// the cluster's system identifier, the database, and the schema and name the catalog holds,
    /// so that every URL reaching a relation (another host name for the server, `table=t` for
    /// `table=public.t`, another user) names it once. A view stands for the relations it reads,
    /// an inheritance parent for itself and its children, a partitioned table for its partitions;
    /// the table itself when nothing else holds its rows.
    ///
    /// Each relation is named twice: by its name and by the object identifiers of its database
    /// and of itself, which a rename (of the table, its schema or its database) keeps. Budgets
    /// that share either name share rows, so a renamed table, and a table dropped and created
    /// again under its name, stay under the budget they had.
    ///
    /// A missing table, and a server that does not show this user its system identifier, are
    /// refused: a fallback to the URL's host name would give one table two identities.
    ///
    /// The relations are read under the locks a read of the table takes (ACCESS SHARE on it and
    /// on every relation it reads), taken first and held by the returned lease's transaction: no
    /// one can replace a view's definition, rename or drop what the identity names until the
    /// lease ends, so a run that holds it reads the rows its budget was checked for.
    public func rowSources() throws -> (relations: RelationNames, lease: RowSourcesLease) {
        let connection = try PostgresConnection(url: connectionURL, label: text)
        let missing = DataError(
            file: text, problem: "the table does not exist (or this user cannot see it)",
            hint: "Check the URL's table parameter (SCHEMA.TABLE) and the user's rights.")
        let exists = try connection.execute(
            "SELECT to_regclass($1) IS NOT NULL", [qualifiedName], what: "reading the table's identity")
        guard exists.rows.first?.first == "t" else { throw missing }
        try connection.execute("BEGIN TRANSACTION READ ONLY", what: "reading the table's identity")
        try connection.execute("SELECT FROM \(qualifiedName) LIMIT 0", what: "reading the table's identity")
        let found = try connection.execute(Self.rowSourcesQuery, [qualifiedName], what: "reading the table's identity")
        // Dropped after the check above, before the lock: missing all the same.
        guard let first = found.rows.first, first.first == "t" else { throw missing }
        let hidden = try connection.execute(
            Self.hiddenReadsQuery, [qualifiedName], what: "reading the table's identity")
        guard hidden.rows.first?.first != "t" else {
            throw DataError(
                file: text,
                problem: "the table reads rows through a function or a foreign table, which hide which tables "
                    + "they read (and so which budget covers them)",
                hint: "Give a table, or a view over tables, that reads its rows directly.")
        }
        let server = try systemIdentifier(on: connection)
        var relations = RelationNames()
        for row in found.rows {
            guard row.count == 6, let database = row[1], let schema = row[2], let name = row[3],
                let databaseOID = row[4], let relationOID = row[5]
            else { continue }
            relations.byName.insert("postgresql://system/\(server)/\(database)/\(schema).\(name)")
            relations.byObject.insert("postgresql://system/\(server)/oid/\(databaseOID)/\(relationOID)")
        }
        return (relations, RowSourcesLease(connection))
    }

    /// `reached(oid)`: the relation ($1) and every relation it reads, followed through views'
    /// and materialized views' rewrite rules and through inheritance (partitions included).
    static let reachedRelations = """
        WITH RECURSIVE edges(parent, child) AS ( \
        SELECT inhparent, inhrelid FROM pg_catalog.pg_inherits \
        UNION ALL SELECT r.ev_class, d.refobjid FROM pg_catalog.pg_rewrite r \
        JOIN pg_catalog.pg_class v ON v.oid = r.ev_class AND v.relkind IN ('v', 'm') \
        JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass \
        AND d.objid = r.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass \
        AND d.refobjid <> r.ev_class), \
        reached(oid) AS (SELECT pg_catalog.to_regclass($1)::oid \
        UNION SELECT e.child FROM edges e JOIN reached ON e.parent = reached.oid)
        """

    /// The relation ($1) and what it reads, followed through views' and materialized views'
    /// rewrite rules and through inheritance (partitions included), keeping those that hold
    /// rows of their own, or the relation itself when none does. The first column says whether
    /// the relation exists.
    static let rowSourcesQuery =
        reachedRelations + """
            , named AS (SELECT n.nspname, c.relname, c.relkind, c.oid, c.oid = pg_catalog.to_regclass($1) AS root \
            FROM reached JOIN pg_catalog.pg_class c ON c.oid = reached.oid \
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace) \
            SELECT pg_catalog.to_regclass($1) IS NOT NULL, pg_catalog.current_database(), nspname, relname, \
            (SELECT d.oid::text FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()), \
            oid::text FROM named \
            WHERE relkind IN ('r', 'm', 'f') OR (root AND NOT EXISTS \
            (SELECT 1 FROM named held WHERE held.relkind IN ('r', 'm', 'f'))) \
            UNION ALL SELECT false, NULL, NULL, NULL, NULL, NULL WHERE pg_catalog.to_regclass($1) IS NULL
            """

    /// Whether the relation ($1), or a view it reads, reads rows that the catalog's dependencies
    /// do not show: a foreign table, a function outside `pg_catalog` (a user's or an extension's,
    /// such as dblink), called directly or as an operator's function (a view depends on the
    /// operator, not on its function), or one of the catalog's functions that run a query given
    /// as text (`query_to_xml` and the other `*_to_xml*` functions, `ts_stat`, `ts_rewrite`),
    /// whose direct calls leave no dependency (found in the view's text) and whose calls as an
    /// operator's function leave the operator's (found by the function's name).
    ///
    /// `pg_get_viewdef` locks every relation the view reads, until the transaction ends: it is
    /// called on the reached views alone (`OFFSET 0` keeps the planner from calling it on every
    /// view while it scans `pg_class`), so a run holds no lock on what it does not read.
    static let hiddenReadsQuery =
        calledFunctions + """
            SELECT EXISTS (SELECT 1 FROM (SELECT c.oid, c.relkind FROM reached \
            JOIN pg_catalog.pg_class c ON c.oid = reached.oid OFFSET 0) c \
            WHERE c.relkind = 'f' OR (c.relkind IN ('v', 'm') \
            AND pg_catalog.pg_get_viewdef(c.oid) ~* '(_to_xml[a-z_]*|ts_stat|ts_rewrite)[[:space:]]*[(]')) \
            OR EXISTS (SELECT 1 FROM called JOIN pg_catalog.pg_proc p ON p.oid = called.function \
            WHERE p.pronamespace <> 'pg_catalog'::pg_catalog.regnamespace \
            OR p.proname ~ '^([a-z_]*_to_xml[a-z_]*|ts_stat|ts_rewrite)$')
            """

    /// `called(function)`: the functions (operators' included) the rewrite rules of the relation
    /// ($1) and of what it reads call (`reachedRelations`).
    static let calledFunctions =
        reachedRelations + """
            , called(function) AS (SELECT CASE WHEN d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass \
            THEN d.refobjid ELSE (SELECT o.oprcode::oid FROM pg_catalog.pg_operator o WHERE o.oid = d.refobjid) END \
            FROM reached JOIN pg_catalog.pg_rewrite r ON r.ev_class = reached.oid \
            JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass \
            AND d.objid = r.oid AND d.refclassid IN ('pg_catalog.pg_proc'::pg_catalog.regclass, \
            'pg_catalog.pg_operator'::pg_catalog.regclass)) \

            """

    /// Whether a view the relation ($1) reads through, or a row security policy on what it reads,
    /// calls a volatile function (`current_query()`, `random()`, `clock_timestamp()`, ...): its
    /// rows may differ from one statement to the next, even in one snapshot.
    ///
    /// The catalog's own functions are pinned, which `pg_depend` does not record: the view's
    /// definition and the policy's expression are searched for a call of any volatile one by name.
    static let volatileReadsQuery =
        calledFunctions + """
            , expressions(text) AS (SELECT pg_catalog.pg_get_viewdef(c.oid) FROM reached \
            JOIN pg_catalog.pg_class c ON c.oid = reached.oid WHERE c.relkind = 'v' OFFSET 0), \
            policies(oid, text) AS (SELECT p.oid, pg_catalog.pg_get_expr(p.polqual, p.polrelid) \
            FROM reached JOIN pg_catalog.pg_policy p ON p.polrelid = reached.oid) \
            SELECT EXISTS (SELECT 1 FROM (SELECT function FROM called UNION ALL SELECT d.refobjid \
            FROM policies JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_policy'::pg_catalog.regclass \
            AND d.objid = policies.oid AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass) f \
            JOIN pg_catalog.pg_proc p ON p.oid = f.function WHERE p.provolatile = 'v') \
            OR EXISTS (SELECT 1 FROM (SELECT text FROM expressions UNION ALL SELECT text FROM policies) e, \
            pg_catalog.pg_proc p WHERE p.provolatile = 'v' AND p.proname ~ '^[A-Za-z0-9_]+$' \
            AND e.text ~* ('\\m' || p.proname || '[[:space:]]*[(]'))
            """

    /// Refuses, for a session that reads the table on every statement (no temporary table holds
    /// its codes, `PostgresCounts.materialize`), a table whose rows may differ between statements:
    /// the counts, the validation and the digest that binds the budget would each see other rows.
    func refuseStatementDependentRows(on connection: PostgresConnection) throws {
        let volatile = try connection.execute(
            Self.volatileReadsQuery, [qualifiedName], what: "reading the table's identity")
        guard volatile.rows.first?.first != "t" else {
            throw DataError(
                file: text,
                problem: "the table reads its rows through a view or a row security policy that calls a volatile "
                    + "function, whose rows may differ from one statement to the next, and this session can keep no "
                    + "temporary table of them",
                hint: "Give a table, or a view or policy without volatile functions, or a user with the TEMP right.")
        }
    }

    /// The cluster's system identifier, which tells servers apart whatever they are called.
    func systemIdentifier(on connection: PostgresConnection) throws -> String {
        do {
            let rows = try connection.execute(
                "SELECT system_identifier::text FROM pg_catalog.pg_control_system()",
                what: "reading the server's identity"
            ).rows
            guard let identifier = rows.first?.first ?? nil else {
                throw DataError(
                    file: text, problem: "the server states no system identifier",
                    hint: "Use a PostgreSQL server whose pg_control_system() answers.")
            }
            return identifier
        } catch let error as DataError where error.databaseState != nil {
            throw DataError(
                file: text, problem: error.problem,
                hint: "A budget binds to the server's system identifier: ask the server's administrator to "
                    + "GRANT EXECUTE ON FUNCTION pg_control_system() TO this user.")
        }
    }
}

/// Locks on the relations a table's identity names (`PostgresLocation.rowSources`), held by an
/// open read-only transaction until the lease ends (`end()`, or when nothing refers to it any
/// more): a run keeps it until it has read its rows.
public final class RowSourcesLease: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: PostgresConnection?

    init(_ connection: PostgresConnection) { self.connection = connection }

    /// Ends the transaction now, closing its session: the locks go as the server sees it close.
    func end() { lock.withLock { connection = nil } }
}
