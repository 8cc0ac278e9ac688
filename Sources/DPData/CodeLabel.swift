import Foundation

extension Column {
    /// A readable name for a code, from the schema alone (public): the category, the bin's range,
    /// or "missing".
    public func label(of code: UInt16) -> String {
        let code = Int(code)
        if code == missingCode { return "missing" }
        switch kind {
        case .categorical(let categories):
            return code < categories.count ? categories[code] : "code \(code)"
        case .coded:
            return String(code)
        case .integer(let lower, let upper, let binning):
            let (first, last) = ColumnCodec.integerRange(ofBin: code, lower: lower, upper: upper, binning: binning)
            return first == last ? String(first) : "\(first)-\(last)"
        case .real(let lower, let upper, let binning):
            let (start, end) = ColumnCodec.realRange(ofBin: code, lower: lower, upper: upper, binning: binning)
            return "[\(start.formatted6), \(end.formatted6))"
        case .identifier:
            return ""
        }
    }
}

extension Column {
    /// The label of every code, in code order.
    public var labels: [String] { (0..<domainSize).map { label(of: UInt16($0)) } }
}

extension EncodedDataset {
    /// The label of every code of `column`, in code order.
    public func labels(of column: Int) -> [String] { columns[column].labels }
}

extension Double {
    /// At most six significant digits, without a trailing ".0".
    var formatted6: String { String(format: "%.6g", self) }
}
