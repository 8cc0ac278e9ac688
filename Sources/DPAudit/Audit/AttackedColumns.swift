/// The columns an audit's attacker tries to learn (secrets) and is assumed to know (quasi
/// identifiers), by name, checked before any row is read.
public enum AttackedColumns {
    /// Refuses a name given twice in either list, and a quasi-identifier list that is one
    /// secret alone: an attacker of a secret knows the quasi identifiers other than that secret,
    /// and every other column when there are none (`PrivacyAudit.knownColumns`), so `--quasi X`
    /// for the secret `X` would run an attacker who knows every column, not the one asked for.
    /// `secretsKey` and `quasiKey` name where the lists were given, for the message.
    public static func check(
        secrets: [String], quasiIdentifiers: [String], secretsKey: String, quasiKey: String
    ) throws {
        for (names, key) in [(secrets, secretsKey), (quasiIdentifiers, quasiKey)] {
            var seen = Set<String>()
            for name in names where !seen.insert(name).inserted {
                throw AuditInputError("\(key): '\(name)' is named twice; name each column once")
            }
        }
        if !quasiIdentifiers.isEmpty,
            let only = secrets.first(where: {
                PrivacyAudit.knownColumns(of: $0, quasiIdentifiers: quasiIdentifiers) == nil
            })
        {
            throw AuditInputError(
                "\(quasiKey) names only '\(only)', which is also a secret: an attacker who knows a target's "
                    + "\(only) has nothing left to learn about it. Name the columns the attacker knows, or omit "
                    + "\(quasiKey) to assume every other column is known")
        }
    }
}
