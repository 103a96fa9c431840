// A case's SLA clock: the deadline of the state it is in (the tenant's hours for that state and
// category, or for that state whatever the category), pushed back by the time spent paused while
// waiting for the customer or for parts; a state left after its deadline is a recorded breach.
//
// Every statement runs in the step's transaction, with the case locked, in this order for a step
// that changes state while paused: resume (the wait is over), leave (breach?), enter (new deadline).

import CaseFlow
import Postgres

package enum CaseClock {
    /// Stops the clock: the deadline no longer approaches until `resume`.
    package static func pause(_ connection: PGConnection, id: String, reason: PauseReason) async throws {
        _ = try await connection.query("""
            UPDATE cases SET paused = \(reason.rawValue), paused_at = now() WHERE id = \(id)::uuid AND paused IS NULL
            """ as PGQuery)
    }

    /// Restarts the clock: the deadline moves back by the time paused.
    package static func resume(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("""
            UPDATE cases SET due_at = due_at + (now() - paused_at), paused = NULL, paused_at = NULL
            WHERE id = \(id)::uuid AND paused IS NOT NULL
            """ as PGQuery)
    }

    /// Leaves the current state for `next`: records a breach when its deadline has passed, then
    /// starts the next state's clock (no deadline when the tenant set none, or once resolved for
    /// good: closed and archived cases have no clock).
    package static func move(_ connection: PGConnection, tenant: String, id: String, to next: CaseState,
                             category: CaseCategory?) async throws {
        _ = try await connection.query("""
            WITH breached AS (
                INSERT INTO case_sla_breaches (tenant_id, case_id, state, due_at, left_at)
                SELECT \(tenant)::uuid, c.id, c.state, c.due_at, now() FROM cases c
                WHERE c.id = \(id)::uuid AND c.due_at < now()
                RETURNING case_id)
            UPDATE cases c SET state = \(next.rawValue), state_entered_at = now(),
                   resolved_at = CASE WHEN \(next.rawValue) = 'resolved' THEN now() ELSE c.resolved_at END,
                   closed_at = CASE WHEN \(next.rawValue) = 'closed' THEN now() ELSE c.closed_at END,
                   breaches = c.breaches + (SELECT count(*) FROM breached),
                   due_at = now() + (SELECT r.hours FROM case_sla_rules r WHERE r.state = \(next.rawValue)
                                     AND (r.category = \(category?.rawValue) OR r.category IS NULL)
                                     ORDER BY r.category NULLS LAST LIMIT 1) * interval '1 hour'
            WHERE c.id = \(id)::uuid
            """ as PGQuery)
    }

    /// Starts a new case's clock in `received`.
    package static func start(_ connection: PGConnection, id: String) async throws {
        _ = try await connection.query("""
            UPDATE cases c SET due_at = now() + (SELECT r.hours FROM case_sla_rules r WHERE r.state = 'received' AND r.category IS NULL)
                                        * interval '1 hour'
            WHERE c.id = \(id)::uuid
            """ as PGQuery)
    }
}
