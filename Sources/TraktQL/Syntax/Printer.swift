/// Prints an AST back as query text that parses to the same tree (spans aside).
public enum Printer {
    public static func print(_ statement: Statement) -> String {
        switch statement.kind {
        case .query(let query): return print(query)
        case .explain(let query): return "explain " + print(query)
        case .let(let name, let value): return "let \(name.name) = \(print(value))"
        case .letQuery(let name, let query): return "let \(name.name) = " + print(query)
        case .set(let name, let value): return "set \(name.name) = \(print(value))"
        case .meta(let name, let arguments):
            return (["." + name.name] + arguments.map { quoteIfNeeded($0.name) }).joined(separator: " ")
        }
    }

    public static func print(_ query: Query) -> String {
        var parts = ["activity"]
        for qualifier in query.qualifiers {
            var text = (qualifier.negated ? "-" : "") + qualifier.key.name
            if let value = qualifier.value { text += ":" + print(value) }
            parts.append(text)
        }
        var out = parts.joined(separator: " ")
        for stage in query.stages { out += " | " + print(stage) }
        return out
    }

    public static func print(_ value: QualifierValue) -> String {
        var out = ""
        print(value, to: &out)
        return out
    }

    /// Appends `value` as text to `out` (the checker builds every qualifier's origin text
    /// this way, without intermediate strings).
    static func print(_ value: QualifierValue, to out: inout String) {
        for (i, term) in value.terms.enumerated() {
            if i > 0 { out += "," }
            switch term.kind {
            case .scalar(let s): print(s, to: &out)
            case .comparison(let op, let s):
                out += op.rawValue
                print(s, to: &out)
            case .range(let a, let b):
                if let a { print(a, to: &out) }
                out += ".."
                if let b { print(b, to: &out) }
            }
        }
    }

    static func print(_ scalar: Scalar) -> String {
        var out = ""
        print(scalar, to: &out)
        return out
    }

    static func print(_ scalar: Scalar, to out: inout String) {
        switch scalar.kind {
        case .word(let w): out += w
        case .variable(let v):
            out += "$"
            out += v
        case .quoted(let q): out += quote(q)
        }
    }

    public static func print(_ stage: Stage) -> String {
        switch stage.kind {
        case .where(let e): return "where " + print(e)
        case .select(let items):
            return "select " + items.map { $0.field.source + ($0.alias.map { " as \($0.name)" } ?? "") }.joined(separator: ", ")
        case .sort(let keys): return "sort " + keys.map { $0.field.source + ($0.descending ? " desc" : "") }.joined(separator: ", ")
        case .limit(let n): return "limit " + (n.map(String.init) ?? "all")
        case .limitVariable(let variable): return "limit $" + variable.name
        case .count(let by): return by.isEmpty ? "count" : "count by " + by.map(\.source).joined(separator: ", ")
        case .distinct(let fields): return "distinct " + fields.map(\.source).joined(separator: ", ")
        case .flatten(let field): return "flatten " + field.description
        case .stats(let clause): return printStats(clause)
        case .chart(let kind): return kind == .bar ? "chart" : "chart " + kind.rawValue
        }
    }

    public static func print(_ expression: Expression) -> String {
        print(expression, parentPrecedence: 0)
    }

    private static func precedence(_ op: BinaryOperator) -> Int {
        switch op {
        case .or: return 1
        case .and: return 2
        default: return 4
        }
    }

    private static func print(_ expression: Expression, parentPrecedence: Int) -> String {
        switch expression.kind {
        case .field(let path): return path.source
        case .variable(let name): return "$" + name
        case .list(let elements): return "[" + elements.map { print($0, parentPrecedence: 0) }.joined(separator: ", ") + "]"
        case .literal(let literal):
            switch literal {
            case .string(let s): return quote(s)
            case .integer(let i): return String(i)
            case .number(let d): return d.rounded() == d && abs(d) < 1e15 ? String(format: "%.1f", d) : Self.plainDecimal(d)
            case .bool(let b): return b ? "true" : "false"
            case .null: return "null"
            case .duration(let text), .dateTime(let text), .period(let text): return text
            }
        case .not(let operand):
            let text = "not " + print(operand, parentPrecedence: 3)
            return parentPrecedence > 3 ? "(\(text))" : text
        case .binary(let op, let left, let right):
            let p = precedence(op)
            // Comparisons do not chain, so both operands of one bind tighter.
            let text = print(left, parentPrecedence: p == 4 ? 5 : p) + " \(op.rawValue) " + print(right, parentPrecedence: p + 1)
            return p < parentPrecedence ? "(\(text))" : text
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Raw words (meta-command arguments) print bare unless something in them would end or
    /// change the word: space, quote, `;`, `#`, a backslash or a control character.
    static func quoteIfNeeded(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.unicodeScalars.contains { scalar in
            scalar.value < 0x21 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar == "\"" || scalar == ";" || scalar == "#" || scalar == "\\"
        }
        return needsQuotes ? quote(text) : text
    }
}

extension Printer {
    /// `d` in the plain decimal form the lexer reads back (digits and one `.`), with Swift's
    /// shortest round-tripping digits: `2.5000000001e+19` prints as `25000000001000000000.0` and
    /// `1e-07` as `0.0000001`, so a printed statement parses to the same number.
    static func plainDecimal(_ d: Double) -> String {
        let text = "\(d)"
        guard d.isFinite, let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]) else {
            return text
        }
        var mantissa = String(text[..<e])
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        let point = parts[0].count + exponent  // where the decimal point falls within `digits`
        var integer: String, fraction: String
        if point <= 0 {
            integer = "0"
            fraction = String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            integer = digits + String(repeating: "0", count: point - digits.count)
            fraction = "0"
        } else {
            integer = String(digits.prefix(point))
            fraction = String(digits.dropFirst(point))
        }
        while fraction.count > 1 && fraction.hasSuffix("0") { fraction.removeLast() }
        if integer.count > 1 { integer = String(integer.drop { $0 == "0" }); if integer.isEmpty { integer = "0" } }
        return (negative ? "-" : "") + integer + "." + fraction
    }
}
