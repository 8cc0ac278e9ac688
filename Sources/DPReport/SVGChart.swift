import Foundation

/// Small inline SVG charts for the HTML report: no scripts, no external files.
enum SVGChart {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    static let realColour = "#4e79a7", syntheticColour = "#f28e2b"

    /// Paired bars of the real and synthetic shares of every code; with many codes, every k-th is labelled.
    static func distribution(title: String, labels: [String], real: [Double], synthetic: [Double]) -> String {
        let width = 340.0
        let height = 190.0
        let left = 34.0
        let bottom = 74.0
        let headroom = 22.0
        let top = max(real.max() ?? 0, synthetic.max() ?? 0, 1e-9)
        let count = max(real.count, 1)
        let slot = (width - left - 8) / Double(count)
        let labelEvery = max(1, Int((Double(count) / 14).rounded(.up)))
        let plot = height - bottom - headroom
        var svg = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(number(width)) \(number(height))\" "
        svg += "width=\"\(number(width))\" height=\"\(number(height))\">"
        svg += "<title>\(escape(title))</title><text x=\"4\" y=\"13\" class=\"t\">\(escape(title))</text>"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(height - bottom))\" "
        svg += "x2=\"\(number(width - 4))\" y2=\"\(number(height - bottom))\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(headroom))\" "
        svg += "x2=\"\(number(left))\" y2=\"\(number(height - bottom))\" stroke=\"#999\"/>"
        svg += "<text x=\"\(number(left - 3))\" y=\"\(number(headroom + 8))\" "
        svg += "class=\"s\" text-anchor=\"end\">\(String(format: "%.0f%%", top * 100))</text>"
        svg +=
            "<text x=\"\(number(left - 3))\" y=\"\(number(height - bottom))\" class=\"s\" text-anchor=\"end\">0</text>"
        for code in 0..<real.count {
            let x = left + Double(code) * slot
            for (offset, (value, colour)) in [(real[code], realColour), (synthetic[code], syntheticColour)].enumerated()
            {
                let h = value / top * plot
                svg += "<rect x=\"\(number(x + Double(offset) * slot * 0.45 + slot * 0.05))\" "
                svg += "y=\"\(number(height - bottom - h))\" "
                svg += "width=\"\(String(format: "%.2f", slot * 0.45))\" height=\"\(number(h))\" fill=\"\(colour)\">"
                svg += "<title>\(escape(labels[code])): real \(String(format: "%.2f%%", real[code] * 100)), "
                svg += "synthetic \(String(format: "%.2f%%", synthetic[code] * 100))</title></rect>"
            }
            if code % labelEvery == 0 {
                let text = labels[code].count > 14 ? String(labels[code].prefix(13)) + "…" : labels[code]
                svg += "<text "
                svg += "class=\"s\" transform=\"translate(\(number(x + slot / 2 - 3)),\(number(height - bottom + 6))) "
                svg += "rotate(55)\">\(escape(text))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// A matrix as coloured cells, numbered columns and a colour scale. Unsigned values run from
    /// white (0) to blue (1); signed values from blue (-scale) through white to red (+scale).
    static func heatmap(title: String, names: [String], matrix: [[Double]], signed: Bool = false) -> String {
        let cell = 16.0
        let left = 120.0
        let top = 34.0
        let size = Double(names.count) * cell
        let scale = signed ? max(matrix.joined().map(abs).max() ?? 0, 1e-9) : 1
        func colour(_ value: Double) -> String {
            if signed {
                let v = max(-1, min(1, value / scale))
                let shade = Int(255 * (1 - abs(v)))
                return v >= 0 ? "rgb(255,\(shade),\(shade))" : "rgb(\(shade),\(shade),255)"
            }
            let shade = Int(255 * (1 - max(0, min(1, value))))
            return "rgb(\(shade),\(shade),255)"
        }
        let height = top + size + 40
        var svg = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(number(left + size + 8)) \(number(height))\" "
        svg += "width=\"\(number(left + size + 8))\" height=\"\(number(height))\">"
        svg += "<title>\(escape(title))</title><text x=\"4\" y=\"13\" class=\"t\">\(escape(title))</text>"
        for j in names.indices {
            svg += "<text x=\"\(number(left + Double(j) * cell + cell / 2))\" "
            svg += "y=\"\(number(top - 4))\" class=\"s\" text-anchor=\"middle\">\(j + 1)</text>"
        }
        for (i, row) in matrix.enumerated() {
            svg += "<text x=\"2\" y=\"\(number(top + Double(i) * cell + 12))\" "
            svg += "class=\"s\">\(i + 1) \(escape(String(names[i].prefix(18))))</text>"
            for (j, value) in row.enumerated() {
                svg += "<rect x=\"\(number(left + Double(j) * cell))\" y=\"\(number(top + Double(i) * cell))\" "
                svg += "width=\"\(number(cell - 1))\" height=\"\(number(cell - 1))\" fill=\"\(colour(value))\"><title>"
                svg += "\(escape(names[i])) / \(escape(names[j])): \(String(format: "%.3f", value))</title></rect>"
            }
        }
        let stops = signed ? [-scale, 0, scale] : [0, 0.5, 1]
        let legendY = top + size + 12
        for (index, stop) in stops.enumerated() {
            let x = left + Double(index) * 60
            svg += "<rect x=\"\(number(x))\" y=\"\(number(legendY))\" "
            svg += "width=\"14\" height=\"12\" fill=\"\(colour(stop))\" stroke=\"#999\"/>"
            svg += "<text x=\"\(number(x + 18))\" "
            svg += "y=\"\(number(legendY + 10))\" class=\"s\">\(String(format: signed ? "%+.2f" : "%.1f", stop))</text>"
        }
        return svg + "</svg>"
    }

    /// ROC curves on the unit square with the diagonal of guessing, axes and a legend beside it.
    static func roc(title: String, curves: [(name: String, points: [(Double, Double)])]) -> String {
        let size = 220.0
        let left = 44.0
        let top = 26.0
        let legend = 300.0
        let width = left + size + 16 + legend
        let height = top + size + 40
        let colours = ["#e15759", "#4e79a7", "#59a14f", "#b07aa1"]
        var svg = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(number(width)) \(number(height))\" "
        svg += "width=\"\(number(width))\" height=\"\(number(height))\">"
        svg += "<title>\(escape(title))</title><text x=\"4\" y=\"14\" class=\"t\">\(escape(title))</text>"
        svg += "<rect x=\"\(number(left))\" y=\"\(number(top))\" "
        svg += "width=\"\(number(size))\" height=\"\(number(size))\" fill=\"none\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(top + size))\" "
        svg += "x2=\"\(number(left + size))\" y2=\"\(number(top))\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>"
        svg +=
            "<text x=\"\(number(left))\" y=\"\(number(top + size + 14))\" class=\"s\" text-anchor=\"middle\">0</text>"
        svg += "<text x=\"\(number(left + size))\" "
        svg += "y=\"\(number(top + size + 14))\" class=\"s\" text-anchor=\"middle\">1</text>"
        svg += "<text x=\"\(number(left - 4))\" y=\"\(number(top + 8))\" class=\"s\" text-anchor=\"end\">1</text>"
        svg += "<text x=\"\(number(left + size / 2))\" "
        svg += "y=\"\(number(top + size + 30))\" class=\"s\" text-anchor=\"middle\">false-positive rate</text>"
        svg += "<text class=\"s\" text-anchor=\"middle\" "
        svg += "transform=\"translate(\(number(left - 14)),\(number(top + size / 2))) "
        svg += "rotate(-90)\">true-positive rate</text>"
        for (index, curve) in curves.enumerated() {
            let path = curve.points.map { "\(number(left + $0.0 * size)),\(number(top + size - $0.1 * size))" }.joined(
                separator: " ")
            let colour = colours[index % colours.count]
            svg +=
                "<polyline class=\"curve\" points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            let y = top + 12 + Double(index) * 18
            svg += "<line x1=\"\(number(left + size + 16))\" "
            svg += "y1=\"\(number(y - 4))\" x2=\"\(number(left + size + 30))\" "
            svg += "y2=\"\(number(y - 4))\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            svg += "<text x=\"\(number(left + size + 34))\" y=\"\(number(y))\" class=\"s\">\(escape(curve.name))</text>"
        }
        return svg + "</svg>"
    }

    /// The ledger as a waterfall: each charge a step from the epsilon spent before it to after it.
    static func waterfall(title: String, labels: [String], cumulative: [Double], budget: Double) -> String {
        let width = 1000.0
        let height = 220.0
        let left = 48.0
        let bottom = 26.0
        let headroom = 40.0
        let top = max(budget, cumulative.last ?? 0, 1e-9)
        let slot = (width - left - 10) / Double(max(cumulative.count, 1))
        let plot = height - bottom - headroom
        func y(_ value: Double) -> Double { height - bottom - value / top * plot }
        var svg = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 \(number(width)) \(number(height))\" "
        svg += "width=\"\(number(width))\" height=\"\(number(height))\">"
        svg += "<title>\(escape(title))</title><text x=\"4\" y=\"13\" class=\"t\">\(escape(title))</text>"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(y(0)))\" "
        svg += "x2=\"\(number(width - 4))\" y2=\"\(number(y(0)))\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(y(top)))\" "
        svg += "x2=\"\(number(left))\" y2=\"\(number(y(0)))\" stroke=\"#999\"/>"
        svg += "<text x=\"\(number(left - 4))\" y=\"\(number(y(0)))\" class=\"s\" text-anchor=\"end\">0</text>"
        svg += "<text x=\"\(number(left - 4))\" "
        svg += "y=\"\(number(y(top) + 8))\" class=\"s\" text-anchor=\"end\">\(String(format: "%.3g", top))</text>"
        svg += "<line x1=\"\(number(left))\" y1=\"\(number(y(budget)))\" "
        svg += "x2=\"\(number(width - 4))\" y2=\"\(number(y(budget)))\" stroke=\"#e15759\" stroke-dasharray=\"5 3\"/>"
        svg += "<text x=\"\(number(width - 6))\" y=\"\(number(y(budget) - 4))\" "
        svg += "class=\"s\" text-anchor=\"end\">dataset budget: epsilon \(String(format: "%.3g", budget))</text>"
        var previous = 0.0
        for (index, value) in cumulative.enumerated() {
            let x = left + Double(index) * slot
            let h = max(2, y(previous) - y(value))
            svg += "<rect class=\"step\" x=\"\(number(x + 1))\" "
            svg += "y=\"\(number(y(previous) - h))\" width=\"\(String(format: "%.2f", max(1, slot - 2)))\" "
            svg += "height=\"\(number(h))\" fill=\"\(realColour)\">"
            svg += "<title>\(escape(labels[index])): epsilon so far \(String(format: "%.4g", value))</title></rect>"
            previous = value
        }
        svg += "<text x=\"\(number(left))\" y=\"\(number(height - 8))\" "
        svg += "class=\"s\">\(cumulative.count) charges in ledger order; each step rises "
        svg += "by what the charge added to the epsilon spent (zCDP composed, converted at the dataset delta)</text>"
        return svg + "</svg>"
    }
}
