// The grade_ladders table: a tenant's ladder (its tiers as JSON) and its restructuring tier, at
// most one row per tenant; none means the standard ladder.

import App
import Foundation
import Policy
import Postgres

/// The tenant's stored ladder row.
package struct StoredLadder: Sendable, PGRowDecodable {
    package var tiers: String                   // JSON: [{"tier":"A+","levels":3}, ...]
    package var restructureTier: String?
    package var updatedAt: String               // RFC 3339, UTC, whole seconds

    package init(row: inout PGRowReader) throws {
        tiers = try row.next()
        restructureTier = try row.next()
        updatedAt = try row.next()
    }

    /// The ladder the row describes; the standard one if its JSON does not parse.
    package var ladder: GradeLadder { (try? LadderStore.decode(tiers)) ?? .standard }
}

package enum LadderStore {
    /// The tenant's ladder row, locked for the rest of the transaction when `forUpdate`; nil when none is stored.
    package static func read(_ connection: PGConnection, forUpdate: Bool = false) async throws -> StoredLadder? {
        try await connection.query("""
            SELECT tiers::text, restructure_tier, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            FROM grade_ladders \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """).decodeFirst()
    }

    /// Stores the tenant's ladder and restructuring tier; the row as saved.
    package static func save(_ connection: PGConnection, _ ladder: GradeLadder, restructureTier: String) async throws -> StoredLadder {
        try await connection.query("""
            INSERT INTO grade_ladders (tenant_id, tiers, restructure_tier)
            VALUES (orgd_current_tenant(), \(StoredValues.ladderJSON(ladder))::jsonb, \(restructureTier))
            ON CONFLICT (tenant_id) DO UPDATE SET tiers = EXCLUDED.tiers, restructure_tier = EXCLUDED.restructure_tier,
                                                  updated_at = now()
            RETURNING tiers::text, restructure_tier, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            """ as PGQuery).decodeFirst()!
    }

    /// The tenant's ladder and restructuring rule; the standard ladder if none is stored.
    package static func current(_ connection: PGConnection) async throws -> (GradeLadder, RestructureRule) {
        guard let stored = try await read(connection) else { return (.standard, RestructureRule(ladder: .standard)) }
        let ladder = stored.ladder
        let tier = stored.restructureTier ?? "A+"
        let rule = (try? RestructureRule(ladder: ladder, actorTier: tier, unitTier: ladder.tierName(min(1, ladder.tiers.count - 1))))
            ?? RestructureRule(ladder: ladder)
        return (ladder, rule)
    }

    struct TierJSON: Codable { var tier: String; var levels: Int }

    package static func decode(_ json: String) throws -> GradeLadder {
        let tiers = try JSONDecoder().decode([TierJSON].self, from: Data(json.utf8))
        return try GradeLadder(tiers: tiers.map { GradeLadder.Tier($0.tier, levels: $0.levels) })
    }
}
