/// `rating:` on v2, where a rating is a number 1–10 and there is no love or hate.
///
/// One qualifier has one meaning on every backend: v1 derives its simple rating from the
/// 10-point one, love for 6–10 and hate for 1–5, so on v2 `rating:love` is a rating of 6–10
/// and `rating:hate` 1–5. The ratings route carries the values in its `{rating}` segment
/// (`/users/{id}/ratings/all/6,7,8,9,10`), so a page holds only matching ratings.
extension V2Planner {
    /// The 10-point values love and hate stand for (v1's rule).
    static let loveScores = 6...10
    static let hateScores = 1...5

    /// The filter in v2's terms: love and hate as their ranges of scores.
    static func onTenPointScale(_ filter: RatingFilter) -> RatingFilter {
        var out = filter
        out.terms = filter.terms.map { term in
            switch term {
            case .love: return .numbers(.init(lower: loveScores.lowerBound, upper: loveScores.upperBound))
            case .hate: return .numbers(.init(lower: hateScores.lowerBound, upper: hateScores.upperBound))
            case .numbers: return term
            }
        }
        return out
    }

    /// What `explain` says of a love or hate on v2; nil when the filter has neither.
    static func ratingNote(_ filter: RatingFilter) -> String? {
        let words = filter.terms.compactMap { term -> String? in
            switch term {
            case .love: return "love = \(loveScores.lowerBound)–\(loveScores.upperBound)"
            case .hate: return "hate = \(hateScores.lowerBound)–\(hateScores.upperBound)"
            case .numbers: return nil
            }
        }
        guard !words.isEmpty else { return nil }
        return "\(filter.origin.text)  ⇒  v2 ratings are 1–10: \(words.joined(separator: ", ")), as v1 derives love and hate"
    }

    /// The scores 1–10 a filter accepts, for the ratings route's `{rating}` segment; nil when
    /// it accepts every score (no segment needed).
    static func ratingSegment(_ filter: RatingFilter?) -> [Int]? {
        guard let filter else { return nil }
        let scale = onTenPointScale(filter)
        let scores = (1...10).filter { score in
            let hit = scale.terms.contains { term in
                if case .numbers(let interval) = term { return interval.contains(score) }
                return false
            }
            return hit != scale.negated
        }
        return scores.count == 10 || scores.isEmpty ? nil : scores
    }
}
