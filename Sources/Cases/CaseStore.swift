// The cases table and its numbers: every statement of cases, case_numbers and case_attachments.
// A step's change of fields is `CaseStore.save`; the SLA clock's statements are CaseClock's.

import App
import CaseFlow
import HTTP
import OrgChart
import Postgres

/// What a new case is made of, checked.
package struct CaseDraft: Sendable {
    package var customerName: String
    package var customerPhone: String
    package var customerAccount: String
    package var productLine: String?
    package var model: String
    package var serialNo: String
    package var purchaseDate: String?
    package var description: String
    package var channel: String
    package var regionID: String?
    package var latitude: Double?
    package var longitude: Double?
    package var unitID: String
    package var assigneePersonID: String?
    package var attachments: [(name: String, size: Int64, sha256: String)]
    package var createdBy: String?

    package init(customerName: String, customerPhone: String, customerAccount: String, productLine: String?, model: String,
                 serialNo: String, purchaseDate: String?, description: String, channel: String, regionID: String?,
                 latitude: Double?, longitude: Double?, unitID: String, assigneePersonID: String?,
                 attachments: [(name: String, size: Int64, sha256: String)], createdBy: String?) {
        self.customerName = customerName
        self.customerPhone = customerPhone
        self.customerAccount = customerAccount
        self.productLine = productLine
        self.model = model
        self.serialNo = serialNo
        self.purchaseDate = purchaseDate
        self.description = description
        self.channel = channel
        self.regionID = regionID
        self.latitude = latitude
        self.longitude = longitude
        self.unitID = unitID
        self.assigneePersonID = assigneePersonID
        self.attachments = attachments
        self.createdBy = createdBy
    }
}

/// A list's filter.
package struct CaseFilter: Sendable {
    package var state: CaseState?
    package var category: CaseCategory?
    package var unitID: String?
    package var regionID: String?               // the subtree (today) holding the customer or the dispatched site
    package var siteID: String?
    package var overdue = false
    package var dueWithinHours: Double?
    package var customerPhone: String?

    package init() {}
}

package enum CaseStore {

    /// `CaseRecord`'s columns of `cases c`.
    static let columns: PGQuery = """
        c.id::text, c.number, c.state, c.category, c.subcategory, c.customer_name, c.customer_phone, c.customer_account,
        c.product_line, c.model, c.serial_no, c.purchase_date::text, c.description, c.channel, c.region_id::text, c.latitude,
        c.longitude, c.unit_id::text, c.assignee_person_id::text, c.site_id::text, c.in_warranty, c.in_warranty_computed,
        c.warranty_override, c.cause, c.charge, c.charge_amount::float8, c.paused,
        to_char(c.paused_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(c.state_entered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(c.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(c.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(c.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        to_char(c.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
        c.satisfied, c.reopen_count, c.breaches, c.revision,
        coalesce(c.due_at < coalesce(c.paused_at, now()), false), c.forwarded,
        orgd_unit_path(c.unit_id)::text, orgd_region_path(c.region_id)::text,
        orgd_region_path((SELECT v.region_id FROM site_versions v WHERE v.tenant_id = c.tenant_id AND v.site_id = c.site_id
                          AND v.valid @> orgd_today()))::text
        """

    /// The case; nil when there is none (or it is another tenant's).
    package static func record(_ connection: PGConnection, id: String) async throws -> CaseRecord? {
        try await connection.query("SELECT \(unescaped: columns) FROM cases c WHERE c.id = \(id)::uuid").decodeFirst()
    }

    /// Locks the case for the rest of the transaction and checks If-Match; nil when there is none.
    package static func lock(_ connection: PGConnection, _ context: RequestContext, id: String) async throws -> CaseRecord? {
        guard let found: CaseRecord = try await connection.query("""
            SELECT \(unescaped: columns) FROM cases c WHERE c.id = \(id)::uuid FOR UPDATE OF c
            """).decodeFirst() else { return nil }
        try await ETag.check(context, revision: found.revision, connection)
        return found
    }

    /// A page of cases, newest number first, after the number `after`.
    package static func list(_ connection: PGConnection, _ filter: CaseFilter, after: String?, limit: Int) async throws -> [CaseRecord] {
        try await connection.query("""
            SELECT \(unescaped: columns) FROM cases c
            WHERE (\(filter.state?.rawValue)::text IS NULL OR c.state = \(filter.state?.rawValue))
              AND (\(filter.category?.rawValue)::text IS NULL OR c.category = \(filter.category?.rawValue))
              AND (\(filter.unitID)::uuid IS NULL OR c.unit_id = \(filter.unitID)::uuid)
              AND (\(filter.siteID)::uuid IS NULL OR c.site_id = \(filter.siteID)::uuid)
              AND (\(filter.regionID)::uuid IS NULL OR EXISTS (
                     SELECT 1 FROM regions g
                     WHERE g.path <@ (SELECT p.path FROM regions p WHERE p.id = \(filter.regionID)::uuid)
                       AND (g.id = c.region_id OR g.id = (SELECT v.region_id FROM site_versions v WHERE v.tenant_id = c.tenant_id
                                                         AND v.site_id = c.site_id AND v.valid @> orgd_today()))))
              AND (NOT \(filter.overdue) OR (c.due_at < coalesce(c.paused_at, now()) AND c.state NOT IN ('closed', 'archived')))
              AND (\(filter.dueWithinHours)::float8 IS NULL OR (c.paused IS NULL AND c.state NOT IN ('closed', 'archived')
                   AND c.due_at BETWEEN now() AND now() + \(filter.dueWithinHours)::float8 * interval '1 hour'))
              AND (\(filter.customerPhone)::text IS NULL OR c.customer_phone = \(filter.customerPhone))
              AND (\(after)::text IS NULL OR c.number < \(after))
            ORDER BY c.number DESC LIMIT \(limit)
            """).decode()
    }

    /// The next number of the tenant's year, `PREFIX-YYYY-000001` on: the counter row stays locked
    /// until the transaction ends, so two creations never share one.
    static func nextNumber(_ connection: PGConnection, tenant: String) async throws -> String {
        let (prefix, year, last) = try await connection.query("""
            WITH counted AS (
                INSERT INTO case_numbers (tenant_id, year, last) VALUES (\(tenant)::uuid, extract(year FROM now() AT TIME ZONE 'UTC')::int, 1)
                ON CONFLICT (tenant_id, year) DO UPDATE SET last = case_numbers.last + 1
                RETURNING year, last)
            SELECT coalesce((SELECT number_prefix FROM case_settings), 'CS'), year, last FROM counted
            """ as PGQuery).decodeFirst(String.self, Int.self, Int.self)!
        let digits = String(last)
        return "\(prefix)-\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Records a new case, received now; its id.
    package static func create(_ connection: PGConnection, tenant: String, _ draft: CaseDraft) async throws -> String {
        let number = try await nextNumber(connection, tenant: tenant)
        let id = try await connection.query("""
            INSERT INTO cases (tenant_id, number, customer_name, customer_phone, customer_account, product_line, model, serial_no,
                               purchase_date, description, channel, region_id, latitude, longitude, unit_id, assignee_person_id, created_by)
            VALUES (\(tenant)::uuid, \(number), \(draft.customerName), \(draft.customerPhone), \(draft.customerAccount), \(draft.productLine),
                    \(draft.model), \(draft.serialNo), \(draft.purchaseDate)::date, \(draft.description), \(draft.channel),
                    \(draft.regionID)::uuid, \(draft.latitude)::float8, \(draft.longitude)::float8, \(draft.unitID)::uuid,
                    \(draft.assigneePersonID)::uuid, \(draft.createdBy)::uuid)
            RETURNING id::text
            """ as PGQuery).decodeFirst(String.self)!
        if !draft.attachments.isEmpty {
            _ = try await connection.query("""
                INSERT INTO case_attachments (tenant_id, case_id, position, name, size_bytes, sha256)
                SELECT \(tenant)::uuid, \(id)::uuid, a.n, a.name, a.size, a.sha256
                FROM unnest(\(draft.attachments.map(\.name))::text[], \(draft.attachments.map(\.size))::bigint[],
                            \(draft.attachments.map(\.sha256))::text[]) WITH ORDINALITY AS a(name, size, sha256, n)
                """ as PGQuery)
        }
        return id
    }

    /// The case's attachments, in order.
    package static func attachments(_ connection: PGConnection, id: String) async throws -> [(name: String, size: Int64, sha256: String)] {
        try await connection.query("""
            SELECT name, size_bytes, sha256 FROM case_attachments WHERE case_id = \(id)::uuid ORDER BY position
            """ as PGQuery).decode(String.self, Int64.self, String.self).map { (name: $0.0, size: $0.1, sha256: $0.2) }
    }

    /// The parts of the site's report, replacing any reported before (a reopened case reports again).
    package static func replaceParts(_ connection: PGConnection, tenant: String, case id: String,
                                     _ parts: [(part: String, quantity: Int, warehouse: String?)]) async throws {
        _ = try await connection.query("DELETE FROM case_parts WHERE case_id = \(id)::uuid" as PGQuery)
        guard !parts.isEmpty else { return }
        _ = try await connection.query("""
            INSERT INTO case_parts (tenant_id, case_id, position, part, quantity, warehouse_site_id)
            SELECT \(tenant)::uuid, \(id)::uuid, u.n, u.part, u.quantity, u.warehouse
            FROM unnest(\(parts.map(\.part))::text[], \(parts.map(\.quantity))::int[], \(parts.map(\.warehouse))::uuid[])
                 WITH ORDINALITY AS u(part, quantity, warehouse, n)
            """ as PGQuery)
    }

    /// Writes the case's fields a step changed (state aside, which CaseClock moves) and raises its revision.
    package static func save(_ connection: PGConnection, _ record: CaseRecord) async throws {
        _ = try await connection.query("""
            UPDATE cases SET category = \(record.categoryText), subcategory = \(record.subcategory), unit_id = \(record.unitID)::uuid,
                   assignee_person_id = \(record.assigneePersonID)::uuid, site_id = \(record.siteID)::uuid, forwarded = \(record.forwarded),
                   in_warranty = \(record.inWarranty), in_warranty_computed = \(record.inWarrantyComputed),
                   warranty_override = \(record.warrantyOverride), cause = \(record.cause), charge = \(record.charge),
                   charge_amount = \(record.chargeAmount)::numeric, satisfied = \(record.satisfied), reopen_count = \(record.reopenCount),
                   revision = revision + 1
            WHERE id = \(record.id)::uuid
            """ as PGQuery)
    }
}
