// What the answer cache stores and when a stored answer may be served: the key (tenant, request,
// day, and whatever of the caller the answer depends on), the entry (the tenant's generation it
// was read at, the loaded target the policy decides on, the rendered response), the strong ETag,
// and the process-wide counters /metrics shows. Pipeline+AnswerCache.swift runs the steps.
//
// Why a stored answer is never stale for its reader: it is served only when the generation the
// reader reads now (org_generations, raised by trigger in the transaction of every change an
// org-chart read depends on; the org_generation migration) equals the generation read in the
// snapshot the answer was read in. Any change committed since then raised the generation, so
// the reader misses.

import Foundation
import HTTP
import Policy
import Postgres
import Synchronization

/// What of the caller an endpoint's answer depends on, once the policy allowed the read.
package enum AnswerView: Sendable {
    /// Nothing: the answer is the data (a unit, a position, a tree). Callers share one entry;
    /// every hit is still decided by the policy, on the cached target.
    case shared
    /// The caller's grade ladder (the headcount report counts by its grades).
    case ladder
    /// The caller's grants, grade and ladder: answers that leave out what the caller may not read
    /// (chains, reports, exports). Not cached at all for a caller holding a grant that expires,
    /// since what it may read then changes with the clock, not with the generation.
    case caller
}

/// How a cached read learns its tenant's generation (`--answer-cache-generation`).
package enum AnswerGenerationMode: String, Sendable, CaseIterable {
    /// Every read queries it (one round trip, hit or miss): a read sees every write committed
    /// before it began, on any instance. The default.
    case query
    /// From the process's GenerationBoard, kept current by LISTEN/NOTIFY; queried only while the
    /// board does not know the tenant (unknown, written by this process, listener lost).
    /// Read-your-writes on the writing instance; other instances within the notification delay.
    case notify
}

/// How a declared endpoint is cached (`Endpoint.cached`).
package struct AnswerRule: Sendable {
    package var view: AnswerView
    package var etag: Bool
}

/// The part of a key that says whose view an answer is. Compared whole, never by a hash, so two
/// callers can share an entry only if everything the policy reads of them is equal.
package enum AnswerViewKey: Hashable, Sendable {
    case shared
    case ladder(GradeLadder)
    case caller(subject: String, kind: String, grants: [Grant], grade: Grade?, ladder: GradeLadder, restructure: RestructureRule)

    /// The key of `caller` for `view`; nil when the answer must not be cached for this caller.
    package init?(_ view: AnswerView, _ caller: Caller) {
        switch view {
        case .shared:
            self = .shared
        case .ladder:
            self = .ladder(caller.ladder)
        case .caller:
            guard caller.principal.grants.allSatisfy({ $0.expiresAt == nil }) else { return nil }
            self = .caller(subject: caller.subjectID, kind: caller.kind.rawValue, grants: caller.principal.grants,
                           grade: caller.principal.grade, ladder: caller.ladder, restructure: caller.restructure)
        }
    }

    /// What of the view goes into the ETag: the subject for per-caller answers (their grants
    /// are in the generation), nothing otherwise. Stable across processes, unlike `hashValue`.
    var etagPart: String {
        if case .caller(let subject, _, _, _, _, _) = self { return subject }
        return ""
    }
}

/// One cached read: the tenant, the request (path and sorted query, with the day, since `as_of`
/// defaults to today) and the view.
package struct AnswerKey: Hashable, Sendable {
    package var tenant: String
    package var request: String
    package var view: AnswerViewKey

    /// The key of `request` for `caller`; nil when the answer must not be cached.
    package init?(_ request: HTTPRequest, _ caller: Caller, view: AnswerView, today: String) {
        guard let tenant = caller.tenantID, let view = AnswerViewKey(view, caller) else { return nil }
        var text = request.path + "?"
        for (name, value) in request.query.sorted(by: { $0.key < $1.key }) {
            text += name + "=" + value + "&"
        }
        self.tenant = tenant
        self.request = text + "@" + today
        self.view = view
    }

    /// The strong ETag of this answer at `generation`: `"g<generation>-<FNV-1a of the key>"`.
    /// Equal in every orgd process for the same tenant, generation, request and caller.
    package func etag(generation: Int64) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (tenant + "\n" + request + "\n" + view.etagPart).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "\"g\(generation)-" + String(repeating: "0", count: 16 - hex.count) + hex + "\""
    }
}

/// What an entry holds.
package struct AnswerEntry {
    package var generation: Int64
    package var loaded: Any                  // the endpoint's Loaded: the policy decides each hit on it
    package var response: HTTPResponse       // with its ETag header
    package var etag: String?                // nil for endpoints that keep their own (a revision)

    /// The body is kept in a buffer of its own size: a rendered answer's grew by doubling, up to
    /// twice its bytes, and a cache of such buffers held far more than it counted (a full 64 MiB
    /// cache of trees, 190 MiB resident: docs/performance.md, "A full answer cache").
    package init(generation: Int64, loaded: Any, response: HTTPResponse, etag: String?) {
        var response = response
        if response.body.capacity > response.body.count {
            let body = response.body
            response.body = [UInt8](unsafeUninitializedCapacity: body.count) { buffer, count in
                count = body.withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
            }
        }
        self.generation = generation
        self.loaded = loaded
        self.response = response
        self.etag = etag
    }

    /// Bytes the entry is counted as: its body's buffer and a fixed allowance for the rest.
    package var bytes: Int { response.body.capacity + 512 }
}

package enum AnswerCaching {
    /// The reader's generation: one index-only probe of org_generations' primary key, 0 when the
    /// tenant has never changed its chart.
    package static let generationSQL =
        "SELECT coalesce((SELECT generation FROM org_generations WHERE tenant_id = orgd_current_tenant()), 0)"

    /// The generation `generationSQL` returned.
    package static func generation(_ result: PGResult) throws -> Int64 {
        let value: Int64? = try result.decodeFirst(Int64.self)
        return value ?? 0
    }

    /// Process-wide counters for /metrics (loops add to them; the metrics page reads them).
    package static let hits = Atomic<Int>(0)
    package static let misses = Atomic<Int>(0)
    package static let evictions = Atomic<Int>(0)
    package static let bytes = Atomic<Int>(0)
    /// Generations a read took from the GenerationBoard (notify mode), and generation queries
    /// made alone, before any transaction (both modes).
    package static let generationsFromMemory = Atomic<Int>(0)
    package static let generationsQueried = Atomic<Int>(0)

    /// True when `header` (If-None-Match) names `etag` or is `*`; weak comparison (RFC 9110 §13.1.2).
    package static func matches(_ header: String?, _ etag: String) -> Bool {
        guard let header else { return false }
        for tag in header.split(separator: ",") {
            var text = tag.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("W/") { text.removeFirst(2) }
            if text == "*" || text == etag { return true }
        }
        return false
    }

    /// 304 for a matching If-None-Match: no body, the ETag repeated.
    package static func notModified(_ etag: String) -> HTTPResponse {
        HTTPResponse(status: 304, headers: HTTPHeaders([("ETag", etag)]))
    }
}
