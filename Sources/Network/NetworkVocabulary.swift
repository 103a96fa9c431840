// The network's vocabulary: site kinds and service types orgd knows, plus the ones a tenant adds,
// and the tenant's product lines (none built in). A capability is `product_line/service_type`,
// both known to the tenant. Stored in network_terms; every statement of the table is here.

import App
import HTTP
import Policy
import Postgres

package enum Vocabulary: String, CaseIterable, Sendable {
    case siteKind = "site_kind"
    case productLine = "product_line"
    case serviceType = "service_type"

    /// orgd's own terms, which every tenant has.
    package var builtin: [(code: String, name: String)] {
        switch self {
        case .siteKind:
            [("regional_office", "Regional office"), ("repair_station", "Authorised repair station"), ("dealer", "Dealer"),
             ("after_sales_station", "After-sales station"), ("parts_warehouse_new", "Parts warehouse (new parts)"),
             ("parts_warehouse_returned", "Parts warehouse (returned parts)")]
        case .productLine: []
        case .serviceType:
            [("repair", "Repair"), ("installation", "Installation"), ("maintenance", "Maintenance"), ("parts_supply", "Parts supply")]
        }
    }

    /// The plural the JSON lists it under.
    package var plural: String { rawValue + "s" }
}

package struct NetworkTerm: Sendable, PGRowDecodable, JSONResource {
    package var vocabulary: String
    package var code: String
    package var name: String
    package var builtin: Bool

    package init(vocabulary: String, code: String, name: String, builtin: Bool) {
        self.vocabulary = vocabulary
        self.code = code
        self.name = name
        self.builtin = builtin
    }

    package init(row: inout PGRowReader) throws {
        vocabulary = try row.next()
        code = try row.next()
        name = try row.next()
        builtin = false
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("vocabulary", vocabulary)
        json.field("code", code)
        json.field("name", name)
        json.field("builtin", builtin)
        json.endObject()
    }
}

/// Every term the tenant can use, by vocabulary, built-in ones first.
package struct NetworkTerms: Sendable {
    package var terms: [NetworkTerm]

    package func codes(_ vocabulary: Vocabulary) -> Set<String> {
        Set(terms.lazy.filter { $0.vocabulary == vocabulary.rawValue }.map(\.code))
    }

    /// A site kind from a body; 422 naming `field` unless the tenant knows it.
    package func requireKind(_ kind: String, field: String = "kind") throws {
        guard codes(.siteKind).contains(kind) else {
            throw Problem.invalid(field, rule: "known_kind",
                                  "\(field) \(kind) is not a site kind of this tenant (GET /v1/network/vocabulary lists them)")
        }
    }

    /// A capability `product_line/service_type`; 422 naming `field` unless both halves are known.
    package func requireCapability(_ capability: String, field: String) throws {
        let halves = capability.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else {
            throw Problem.invalid(field, rule: "capability_format", "\(field) must be product_line/service_type, got \(capability)")
        }
        guard codes(.productLine).contains(String(halves[0])) else {
            throw Problem.invalid(field, rule: "known_product_line",
                                  "\(field): \(halves[0]) is not a product line of this tenant (POST /v1/network/vocabulary/product_line adds one)")
        }
        guard codes(.serviceType).contains(String(halves[1])) else {
            throw Problem.invalid(field, rule: "known_service_type", "\(field): \(halves[1]) is not a service type of this tenant")
        }
    }

    package func write(to json: inout JSONWriter) {
        json.beginObject()
        for vocabulary in Vocabulary.allCases {
            json.key(vocabulary.plural)
            json.beginArray()
            for term in terms where term.vocabulary == vocabulary.rawValue { term.write(to: &json) }
            json.endArray()
        }
        json.endObject()
    }
}

package enum NetworkTermStore {
    /// The built-in terms and the tenant's own.
    package static func all(_ connection: PGConnection) async throws -> NetworkTerms {
        let own: [NetworkTerm] = try await connection.query(
            "SELECT vocabulary, code, name FROM network_terms ORDER BY vocabulary, code" as PGQuery).decode()
        var terms: [NetworkTerm] = []
        for vocabulary in Vocabulary.allCases {
            terms += vocabulary.builtin.map { NetworkTerm(vocabulary: vocabulary.rawValue, code: $0.code, name: $0.name, builtin: true) }
            terms += own.filter { $0.vocabulary == vocabulary.rawValue }
        }
        return NetworkTerms(terms: terms)
    }

    /// Adds a term; nil when the tenant already has one with that code.
    package static func add(_ connection: PGConnection, tenant: String, _ vocabulary: Vocabulary, code: String,
                            name: String) async throws -> NetworkTerm? {
        try await connection.query("""
            INSERT INTO network_terms (tenant_id, vocabulary, code, name) VALUES (\(tenant)::uuid, \(vocabulary.rawValue), \(code), \(name))
            ON CONFLICT DO NOTHING RETURNING vocabulary, code, name
            """ as PGQuery).decodeFirst()
    }
}

package enum NetworkVocabularyRoutes {
    package static let list = Endpoint<NoBody, Void, NetworkTerms>(
        action: .networkCatalogRead, resource: "network_vocabulary",
        load: { _, _ in },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { _, _, connection in try await NetworkTermStore.all(connection) },
        encode: { _, terms in JSONResponse.make { terms.write(to: &$0) } })

    package struct Body: Decodable, Sendable {
        package var code: String
        package var name: String
    }

    /// The lowercase code rule of terms: a letter or digit, then letters, digits, `_` or `-`, 40 at most.
    package static func termCode(_ code: String, field: String) throws {
        let bytes = Array(code.utf8)
        let allowed = { (byte: UInt8) in (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) }
        guard (1...40).contains(bytes.count), allowed(bytes[0]),
              bytes.allSatisfy({ allowed($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }) else {
            throw Problem.invalid(field, rule: "term_code",
                                  "\(field) is 1–40 lowercase letters, digits, _ or -, starting with a letter or digit; got \(code)")
        }
    }

    /// `POST /v1/network/vocabulary/{vocabulary}`: a site kind, product line or service type of the tenant's own.
    package static let add = Endpoint<Body, Vocabulary, NetworkTerm>(
        action: .networkCatalogWrite, resource: "network_vocabulary",
        check: { call in
            guard Vocabulary(rawValue: call.request.pathParameters["vocabulary"] ?? "") != nil else {
                throw Problem.notFound("vocabulary")
            }
            try termCode(call.body.code, field: "code")
            try NetworkRules.required(call.body.name, field: "name", limit: 100)
        },
        load: { call, _ in Vocabulary(rawValue: call.request.pathParameters["vocabulary"] ?? "")! },
        target: { call, _ in .tenantWide(call.caller.tenant) },
        perform: { call, vocabulary, connection in
            let code = call.body.code
            if vocabulary.builtin.contains(where: { $0.code == code }) {
                throw Problem(status: 409, code: "NETWORK_TERM_EXISTS", title: "Conflict",
                              detail: "\(code) is a built-in \(vocabulary.rawValue)", field: "code", rule: "unique")
            }
            guard let term = try await NetworkTermStore.add(connection, tenant: call.caller.tenantID!, vocabulary, code: code,
                                                            name: call.body.name.trimmed) else {
                throw Problem(status: 409, code: "NETWORK_TERM_EXISTS", title: "Conflict",
                              detail: "this tenant already has the \(vocabulary.rawValue) \(code)", field: "code", rule: "unique")
            }
            return term
        },
        audit: { _, vocabulary, term in
            Audited("network.vocabulary.add", resource: "network_vocabulary", id: nil, after: term.json)
        },
        encode: { _, term in JSONResponse.make(201) { term.write(to: &$0) } })
}
