extension Column {
    /// The code a classifier predicting this column counts as positive: the code of `label`, or
    /// the second code when `label` is nil. From the schema alone, so it is checked before any
    /// row is read. The error names the config `file` and the key that gave the target
    /// (`targetKey`) or the label (`positiveKey`).
    public func positiveCode(_ label: String?, targetKey: String, positiveKey: String, file: String) throws -> UInt16 {
        let labels = self.labels
        guard let label else {
            guard labels.count >= 2 else {
                throw DataError(
                    file: file, problem: "\(targetKey): '\(name)' has one value; a classifier needs two",
                    hint: "Predict another column.")
            }
            return 1
        }
        guard let code = labels.firstIndex(of: label) else {
            throw DataError(
                file: file, problem: "\(positiveKey): '\(label)' is not a value of '\(name)'",
                hint: "Use one of: \(labels.joined(separator: ", ")).")
        }
        return UInt16(code)
    }
}
