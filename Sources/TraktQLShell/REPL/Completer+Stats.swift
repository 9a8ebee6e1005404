import TraktQL

extension Completer {
    /// `month(time)`, … for a fragment that could start one (not inside a dotted path).
    func bucketCandidates(_ fragment: String) -> [Completion.Candidate] {
        guard !fragment.contains(".") else { return [] }
        return Completer.filter(TimeBucket.names.map { $0 + "(time)" }, prefix: fragment).map { Completion.Candidate($0) }
    }

    /// After `stats`: aggregate names (then `as`/`by`), fields inside `sum(`, fields and buckets
    /// after `by`. After `chart`: `heatmap`.
    func statsStage(_ keyword: String, stage: [Token], fragment: String, fieldCompletion: Completion) -> Completion {
        if keyword == "chart" {
            if stage.count == 1 { return match(fragment, [Completion.Candidate("heatmap")]) }
            return Completion(fragment: fragment, candidates: [])
        }
        let previous = stage.last!
        if previous.kind == .identifier, previous.text.lowercased() == "as" { return Completion(fragment: fragment, candidates: []) }
        let grouping = stage.contains { $0.kind == .identifier && $0.text.lowercased() == "by" }
        if grouping || previous.kind == .leftParen { return fieldCompletion }
        if stage.count == 1 || previous.kind == .comma {
            let aggregates = AggregateFunction.allCases.map { function in
                function == .count ? Completion.Candidate("count") : Completion.Candidate(function.rawValue + "(", terminator: "")
            }
            return match(fragment, aggregates)
        }
        return match(fragment, ["as", "by"].map { Completion.Candidate($0) })
    }
}
