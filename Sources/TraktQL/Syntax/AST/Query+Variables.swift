/// The `$names` a query uses, in qualifier values and `where` expressions.
extension Query {
    public var variableNames: [String] {
        var names: [String] = []
        func add(_ name: String) { if !names.contains(name) { names.append(name) } }
        for qualifier in qualifiers {
            for term in qualifier.value?.terms ?? [] {
                if case .scalar(let scalar) = term.kind, case .variable(let name) = scalar.kind { add(name) }
            }
        }
        func walk(_ expression: Expression) {
            switch expression.kind {
            case .variable(let name): add(name)
            case .list(let elements): elements.forEach(walk)
            case .not(let operand): walk(operand)
            case .binary(_, let left, let right): walk(left); walk(right)
            case .field, .literal: break
            }
        }
        for stage in stages {
            switch stage.kind {
            case .where(let expression): walk(expression)
            case .limitVariable(let name): add(name.name)
            default: break
            }
        }
        return names
    }
}
