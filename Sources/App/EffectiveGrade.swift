// A user's grade for every decision: the higher of the account's own grade (set by an
// administrator) and the grades of the posts its linked org-chart person holds today.

import HTTP
import Policy

/// Both grades of an account and the one that counts. API keys and unlinked users have no post
/// grade; the founder's account grade is `.founder`, above every post.
package struct EffectiveGrade: Sendable {
    package enum Source: String, Sendable {
        case account
        case post
    }

    package let account: Grade?                 // the stored grade (or .founder); nil when ungraded
    package let post: Grade?                    // the highest grade of the linked person's posts today

    /// The grade decisions use; nil when the account has neither.
    package var grade: Grade? {
        guard let account else { return post }
        guard let post else { return account }
        return post.outranks(account) ? post : account
    }

    /// Which of the two `grade` is; the account's on a tie, nil when there is none.
    package var source: Source? {
        guard let grade else { return nil }
        return grade == account ? .account : .post
    }

    package init(account: Grade?, post: Grade?) {
        self.account = account
        self.post = post
    }

    /// Parses the stored texts under `ladder`; grades the ladder no longer defines are passed over.
    package init(account text: String?, founder: Bool, postGrades: [String], ladder: GradeLadder) {
        account = founder ? .founder : text.flatMap { try? ladder.parse($0) }
        post = Self.highest(postGrades, ladder)
    }

    /// The highest of some grade texts under `ladder`, nil when none is on it.
    package static func highest(_ texts: [String], _ ladder: GradeLadder) -> Grade? {
        var best: Grade?
        for text in texts {
            guard let grade = try? ladder.parse(text) else { continue }
            if best.map({ grade.outranks($0) }) ?? true { best = grade }
        }
        return best
    }

    /// SQL for a Postgres text array (`{A1,B+3}`, NULL when none) of the grades of the posts that
    /// `person` (a uuid expression, e.g. `u.person_id`) holds today (UTC): assignments of any kind
    /// valid today, each position's version of today. Read it with `StoredValues.array`.
    package static func postGradesSQL(person: String) -> String {
        """
        (SELECT array_agg(v.grade)::text FROM assignments a
           JOIN position_versions v ON v.tenant_id = a.tenant_id AND v.position_id = a.position_id
                AND v.valid @> orgd_today()
         WHERE a.person_id = \(person) AND a.valid @> orgd_today() AND v.grade IS NOT NULL)
        """
    }

    /// The JSON of users and `/v1/access/me`: `effective_grade` and `grade_from` (`account` or `post`).
    package func write(to json: inout JSONWriter, ladder: GradeLadder) {
        json.field("effective_grade", grade.map { ladder.name(of: $0) })
        json.field("grade_from", source?.rawValue)
    }
}
