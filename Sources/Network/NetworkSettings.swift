// The network_settings table and /v1/network/settings: a tenant's service-network rules — the
// inspection total under which an authorised site goes on probation, whether a site on probation
// still takes work, the "expiring" window, and the tiers that may inspect, suspend and terminate
// (Policy.NetworkRule). No row means the defaults. Reading is network_catalog.read (anyone who
// sees some of the network); changing is tenant.update (board only), since the tiers are policy.

import Access
import App
import HTTP
import Policy
import Postgres

package struct NetworkSettings: Sendable, PGRowDecodable, JSONResource {
    package var probationThreshold: Double
    package var probationEligible: Bool
    package var expiringDays: Int
    package var inspectTier: String?            // nil: the ladder's default (NetworkRule(ladder:))
    package var suspendTier: String?
    package var terminateTier: String?
    package var revision: Int
    /// The ladder the tiers are judged on, for the JSON and the rule.
    package var ladder: GradeLadder = .standard

    package static let defaults = NetworkSettings(probationThreshold: 60, probationEligible: false, expiringDays: 30,
                                                  inspectTier: nil, suspendTier: nil, terminateTier: nil, revision: 0)

    init(probationThreshold: Double, probationEligible: Bool, expiringDays: Int, inspectTier: String?, suspendTier: String?,
         terminateTier: String?, revision: Int) {
        self.probationThreshold = probationThreshold
        self.probationEligible = probationEligible
        self.expiringDays = expiringDays
        self.inspectTier = inspectTier
        self.suspendTier = suspendTier
        self.terminateTier = terminateTier
        self.revision = revision
    }

    /// Reads the columns of `NetworkSettingsStore.columns`, in their order.
    package init(row: inout PGRowReader) throws {
        probationThreshold = try row.next()
        probationEligible = try row.next()
        expiringDays = try row.next()
        inspectTier = try row.next()
        suspendTier = try row.next()
        terminateTier = try row.next()
        revision = try row.next()
    }

    /// The tiers on the tenant's ladder: the stored ones, each falling back to the ladder's
    /// default when unset or no longer on the ladder (a ladder replaced since).
    package var rule: NetworkRule {
        let fallback = NetworkRule(ladder: ladder)
        let names = (inspectTier ?? ladder.tierName(fallback.inspectTier), suspendTier ?? ladder.tierName(fallback.suspendTier),
                     terminateTier ?? ladder.tierName(fallback.terminateTier))
        return (try? NetworkRule(ladder: ladder, inspectTier: names.0, suspendTier: names.1, terminateTier: names.2)) ?? fallback
    }

    package func write(to json: inout JSONWriter) {
        let rule = rule
        json.beginObject()
        json.field("probation_threshold", probationThreshold)
        json.field("probation_eligible", probationEligible)
        json.field("expiring_days", expiringDays)
        json.field("inspect_tier", ladder.tierName(rule.inspectTier))
        json.field("suspend_tier", ladder.tierName(rule.suspendTier))
        json.field("terminate_tier", ladder.tierName(rule.terminateTier))
        json.field("revision", revision)
        json.endObject()
    }
}

package enum NetworkSettingsStore {
    static let columns: PGQuery = """
        probation_threshold::float8, probation_eligible, expiring_days, inspect_tier, suspend_tier, terminate_tier, revision
        """

    /// The tenant's settings judged on `ladder`; the defaults when none are stored. `forUpdate`
    /// locks the row for the rest of the transaction.
    package static func read(_ connection: PGConnection, ladder: GradeLadder, forUpdate: Bool = false) async throws -> NetworkSettings {
        var settings: NetworkSettings = try await connection.query("""
            SELECT \(unescaped: columns) FROM network_settings \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """).decodeFirst() ?? .defaults
        settings.ladder = ladder
        return settings
    }

    /// Stores the settings; the row as saved, its revision raised.
    package static func save(_ connection: PGConnection, tenant: String, _ settings: NetworkSettings) async throws -> NetworkSettings {
        var saved: NetworkSettings = try await connection.query("""
            INSERT INTO network_settings (tenant_id, probation_threshold, probation_eligible, expiring_days, inspect_tier, suspend_tier, terminate_tier)
            VALUES (\(tenant)::uuid, \(settings.probationThreshold)::numeric, \(settings.probationEligible), \(settings.expiringDays),
                    \(settings.inspectTier), \(settings.suspendTier), \(settings.terminateTier))
            ON CONFLICT (tenant_id) DO UPDATE SET probation_threshold = EXCLUDED.probation_threshold,
                probation_eligible = EXCLUDED.probation_eligible, expiring_days = EXCLUDED.expiring_days,
                inspect_tier = EXCLUDED.inspect_tier, suspend_tier = EXCLUDED.suspend_tier, terminate_tier = EXCLUDED.terminate_tier,
                revision = network_settings.revision + 1, updated_at = now()
            RETURNING \(unescaped: columns)
            """ as PGQuery).decodeFirst()!
        saved.ladder = settings.ladder
        return saved
    }
}

package enum NetworkSettingsRoutes {
    package static let read = Endpoint<NoBody, Void, NetworkSettings>(
        action: .networkCatalogRead, resource: "network_settings",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, _, connection in try await NetworkSettingsStore.read(connection, ladder: call.caller.ladder) },
        encode: { _, settings in ETag.response(revision: settings.revision, body: settings.json) })

    package struct Body: Decodable, Sendable {
        package var probation_threshold: Double?
        package var probation_eligible: Bool?
        package var expiring_days: Int?
        package var inspect_tier: String?
        package var suspend_tier: String?
        package var terminate_tier: String?
    }

    /// Changes the fields given; the tiers must be on the ladder and terminating must need a
    /// higher tier than suspending (422 naming the field otherwise).
    package static let update = Endpoint<Body, NetworkSettings, (before: NetworkSettings, after: NetworkSettings)>(
        action: .tenantUpdate, resource: "network_settings",
        check: { call in
            let body = call.body
            if let threshold = body.probation_threshold, !(0...100).contains(threshold) {
                throw Problem.invalid("probation_threshold", rule: "range", "probation_threshold is a total from 0 to 100, got \(threshold)")
            }
            if let days = body.expiring_days, !(1...3660).contains(days) {
                throw Problem.invalid("expiring_days", rule: "range", "expiring_days is from 1 to 3660, got \(days)")
            }
        },
        load: { call, connection in
            let current = try await NetworkSettingsStore.read(connection, ladder: call.caller.ladder, forUpdate: true)
            try await ETag.check(call.context, revision: current.revision, connection)
            return current
        },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, before, connection in
            let body = call.body, ladder = call.caller.ladder
            var after = before
            if let value = body.probation_threshold { after.probationThreshold = (value * 100).rounded() / 100 }
            if let value = body.probation_eligible { after.probationEligible = value }
            if let value = body.expiring_days { after.expiringDays = value }
            let current = before.rule
            for (field, name) in [("inspect_tier", body.inspect_tier), ("suspend_tier", body.suspend_tier), ("terminate_tier", body.terminate_tier)] {
                if let name, ladder.tierIndex(named: name) == nil { throw Problem.policy(.tierUnknown(name), field: field) }
            }
            after.inspectTier = body.inspect_tier ?? ladder.tierName(current.inspectTier)
            after.suspendTier = body.suspend_tier ?? ladder.tierName(current.suspendTier)
            after.terminateTier = body.terminate_tier ?? ladder.tierName(current.terminateTier)
            let checked = Result { () throws(PolicyError) in
                try NetworkRule(ladder: ladder, inspectTier: after.inspectTier!, suspendTier: after.suspendTier!,
                                terminateTier: after.terminateTier!)
            }
            if case .failure(let error) = checked {
                throw Problem.policy(error, field: body.terminate_tier != nil ? "terminate_tier" : "suspend_tier")
            }
            return (before, try await NetworkSettingsStore.save(connection, tenant: call.caller.tenantID!, after))
        },
        audit: { call, _, changed in
            Audited("network.settings.update", resource: "network_settings", id: call.caller.tenantID, before: changed.before.json,
                    after: changed.after.json)
        },
        encode: { _, changed in ETag.response(revision: changed.after.revision, body: changed.after.json) })
}
