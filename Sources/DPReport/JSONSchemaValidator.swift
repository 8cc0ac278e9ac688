import Foundation

/// Checks a JSON document against a JSON Schema, for the subset the report schema uses:
/// `type` (one or a list), `required`, `properties`, `additionalProperties: false`, `items`,
/// `enum`, `const`, `minimum`, `maximum`, `minItems` and local `$ref`s into `$defs`.
public struct JSONSchemaValidator {
    let root: [String: Any]

    public init(schema: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: schema) as? [String: Any] else {
            throw ReportError("the JSON schema must be an object")
        }
        self.root = root
    }

    /// Every violation, as "path: problem"; empty when the document conforms.
    public func violations(of document: Data) throws -> [String] {
        let value = try JSONSerialization.jsonObject(with: document, options: [.fragmentsAllowed])
        var problems: [String] = []
        check(value, against: root, path: "$", problems: &problems)
        return problems
    }

    func resolve(_ schema: [String: Any]) -> [String: Any] {
        guard let reference = schema["$ref"] as? String, reference.hasPrefix("#/$defs/"),
            let definitions = root["$defs"] as? [String: Any],
            let target = definitions[String(reference.dropFirst("#/$defs/".count))] as? [String: Any]
        else { return schema }
        return resolve(target)
    }

    static func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return "boolean" }
            return number.doubleValue.rounded() == number.doubleValue ? "integer" : "number"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    func check(_ value: Any, against raw: [String: Any], path: String, problems: inout [String]) {
        let schema = resolve(raw)
        let actual = Self.typeName(value)
        if let expected = schema["type"] {
            let allowed = (expected as? [String]) ?? [expected as? String ?? ""]
            let matches = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !matches {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), found \(actual)")
                return
            }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { "\($0)" == "\(value)" }) {
            problems.append("\(path): \(value) is not one of \(options)")
        }
        if let constant = schema["const"], "\(constant)" != "\(value)" {
            problems.append("\(path): expected \(constant), found \(value)")
        }
        if let number = value as? NSNumber, actual != "boolean" {
            if let minimum = (schema["minimum"] as? NSNumber)?.doubleValue, number.doubleValue < minimum {
                problems.append("\(path): \(number) is below the minimum \(minimum)")
            }
            if let maximum = (schema["maximum"] as? NSNumber)?.doubleValue, number.doubleValue > maximum {
                problems.append("\(path): \(number) is above the maximum \(maximum)")
            }
        }
        if let object = value as? [String: Any] {
            for key in (schema["required"] as? [String]) ?? [] where object[key] == nil {
                problems.append("\(path): missing required '\(key)'")
            }
            let properties = (schema["properties"] as? [String: Any]) ?? [:]
            for (key, child) in object {
                if let childSchema = properties[key] as? [String: Any] {
                    check(child, against: childSchema, path: "\(path).\(key)", problems: &problems)
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    check(child, against: additional, path: "\(path).\(key)", problems: &problems)
                } else if (schema["additionalProperties"] as? Bool) == false {
                    problems.append("\(path): unexpected property '\(key)'")
                }
            }
        }
        if let array = value as? [Any] {
            if let minimum = schema["minItems"] as? Int, array.count < minimum {
                problems.append("\(path): \(array.count) items, at least \(minimum) required")
            }
            if let items = schema["items"] as? [String: Any] {
                for (index, child) in array.enumerated() {
                    check(child, against: items, path: "\(path)[\(index)]", problems: &problems)
                }
            }
        }
    }
}
