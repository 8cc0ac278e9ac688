import ArgumentParser

/// An option's comma-separated list, such as `--values 120,45,300` or `--quasi age,sex`.
///
/// Every item counts: an empty one (`1,,3`, a trailing comma) is refused rather than dropped,
/// since dropping it moves the items after it to other positions (a released answer would be
/// printed for the wrong query).
enum CommaList {
    /// The items of `text`, spaces around each removed; throws naming `option` and the position of
    /// the first empty item.
    static func items(_ text: String, option: String, example: String) throws -> [String] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if let empty = items.firstIndex(where: \.isEmpty) {
            throw ValidationError(
                "\(option) item \(empty + 1) of \(items.count) is empty; give the items as \(example) "
                    + "(nothing is charged)")
        }
        return items
    }
}
