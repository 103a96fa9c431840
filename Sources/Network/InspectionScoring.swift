// An inspection's scores judged against its template, and the total orgd computes from them (a
// client never sends one). Pure: no database, tested alone.
//
//   total = 100 × Σ(weight × score / max_score) / Σ weight, over the items scored,
//
// in hundredths of a point, rounded half up. Computed as an exact fraction (weights are whole
// hundredths, scores whole numbers), so a total that is exactly x.xx5 rounds up every time; only
// when the denominators' least common multiple outgrows 128 bits (many distinct, coprime
// max_scores) does it fall back to 18 decimal places.

import App
import HTTP

package enum InspectionScoring {
    /// One score as given: the template item's key and the score.
    package struct Given: Sendable {
        package var item: String
        package var score: Int

        package init(item: String, score: Int) {
            self.item = item
            self.score = score
        }
    }

    /// Throws the first rule the scores break, as a 422 naming the field: an item not on the
    /// template (`scores[i].item`, on_template), a score outside 0…max_score (`scores[i].score`,
    /// range), an item scored twice (`scores[i].item`, unique), mandatory items left unscored
    /// (`scores`, mandatory, with `missing` listing their keys).
    package static func check(_ scores: [Given], against items: [InspectionTemplateItem]) throws {
        let byKey = Dictionary(uniqueKeysWithValues: items.map { ($0.key, $0) })
        var seen: Set<String> = []
        for (index, given) in scores.enumerated() {
            guard let item = byKey[given.item] else {
                throw Problem.invalid("scores[\(index)].item", rule: "on_template",
                                      "scores[\(index)].item \(given.item) is not an item of the template")
            }
            guard seen.insert(given.item).inserted else {
                throw Problem.invalid("scores[\(index)].item", rule: "unique", "scores[\(index)].item \(given.item) is scored twice")
            }
            guard (0...item.maxScore).contains(given.score) else {
                throw Problem.invalid("scores[\(index)].score", rule: "range",
                                      "scores[\(index)].score for \(given.item) is from 0 to \(item.maxScore), got \(given.score)")
            }
        }
        let missing = items.filter { $0.mandatory && !seen.contains($0.key) }.map(\.key)
        if !missing.isEmpty {
            var problem = Problem.invalid("scores", rule: "mandatory", "mandatory items are not scored: " + missing.joined(separator: ", "))
            problem.extra = [("missing", .array(missing.map { .string($0) }))]
            throw problem
        }
    }

    /// The total in hundredths of a point (0 … 10000) of scores `check` accepted; 0 when none.
    package static func total(_ scores: [Given], against items: [InspectionTemplateItem]) -> Int {
        let byKey = Dictionary(uniqueKeysWithValues: items.map { ($0.key, $0) })
        let lines = scores.compactMap { given in
            byKey[given.item].map { Line(weight: Int128($0.weightHundredths), score: Int128(given.score), max: Int128($0.maxScore)) }
        }
        let weights = lines.reduce(Int128(0)) { $0 + $1.weight }
        guard weights > 0 else { return 0 }
        let (numerator, denominator) = exactSum(lines) ?? fixedPointSum(lines)
        // 10000 × N / (W × D) hundredths, rounded half up: ⌊(2 × 10000 × N + W × D) / (2 × W × D)⌋.
        let scale = weights * denominator
        return Int((2 * 10000 * numerator + scale) / (2 * scale))
    }

    struct Line {
        var weight: Int128                      // hundredths
        var score: Int128
        var max: Int128
    }

    /// Σ weight × score / max as a fraction N / D; nil when it would overflow 128 bits.
    static func exactSum(_ lines: [Line]) -> (Int128, Int128)? {
        var numerator: Int128 = 0, denominator: Int128 = 1
        for line in lines {
            let common = gcd(denominator, line.max)
            let (scaledN, o1) = numerator.multipliedReportingOverflow(by: line.max / common)
            let (term, o2) = (line.weight * line.score).multipliedReportingOverflow(by: denominator / common)
            let (sum, o3) = scaledN.addingReportingOverflow(term)
            let (newDenominator, o4) = denominator.multipliedReportingOverflow(by: line.max / common)
            if o1 || o2 || o3 || o4 { return nil }
            let reduced = gcd(sum, newDenominator)
            (numerator, denominator) = (sum / reduced, newDenominator / reduced)
        }
        // The rounding multiplies N by 20000 and D by Σ weight (at most 2 × 10^7): keep room for both.
        guard numerator < Int128.max / 20_000 / 4, denominator < Int128.max / 20_000_000 / 4 else { return nil }
        return (numerator, denominator)
    }

    /// Σ weight × score / max to 18 decimal places: N / 10^18.
    static func fixedPointSum(_ lines: [Line]) -> (Int128, Int128) {
        let unit: Int128 = 1_000_000_000_000_000_000
        return (lines.reduce(Int128(0)) { $0 + $1.weight * $1.score * unit / $1.max }, unit)
    }

    static func gcd(_ a: Int128, _ b: Int128) -> Int128 {
        var (a, b) = (a < 0 ? -a : a, b < 0 ? -b : b)
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }
}
