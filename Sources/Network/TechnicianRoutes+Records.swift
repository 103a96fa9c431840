// A technician's records: certifications (POST …/certifications, POST …/certifications/{cert}/revoke)
// and trainings (POST …/trainings). Each is a change to the technician — decided as site.write
// over their site's region, their row locked with If-Match honoured, their revision raised — and
// answers the record with the technician, whose ETag it carries. The nearest search counts a
// technician's valid certifications (NearestSites).

import App
import HTTP
import OrgChart
import Policy
import Postgres

extension TechnicianRoutes {
    /// What a change to a technician's records answers: the record and the technician after it.
    static func recorded(_ status: Int, _ key: String, _ record: some JSONResource, _ technician: Technician) -> HTTPResponse {
        var response = JSONResponse.make(status) { json in
            json.beginObject()
            json.key(key); record.write(to: &json)
            json.key("technician"); technician.write(to: &json)
            json.endObject()
        }
        response.headers.add("ETag", ETag.value(technician.revision))
        return response
    }

    // MARK: certifications

    package struct CertificationBody: Decodable, Sendable {
        package var capability: String
        package var issued_on: String
        package var expires_on: String
        package var issuer: String
    }

    package struct Certifying: Sendable {
        var technician: Technician
        var terms: NetworkTerms
    }

    /// A certification for `capability` (product_line/service_type, both known to the tenant),
    /// valid from `issued_on` through `expires_on`; 422 `expires_on` `not_before_issued` when it
    /// would expire before it is issued.
    package static let certify = Endpoint<CertificationBody, Certifying, (technician: Technician, certification: Certification)>(
        action: .siteWrite, resource: "technician",
        check: { call in
            _ = try call.pathID(resource: "technician")
            let body = call.body
            let issued = try OrgDate.body(body.issued_on, field: "issued_on")
            let expires = try OrgDate.body(body.expires_on, field: "expires_on")
            if expires < issued {
                throw Problem.invalid("expires_on", rule: "not_before_issued", "expires_on (\(expires)) is before issued_on (\(issued))")
            }
            try NetworkRules.required(body.issuer, field: "issuer", limit: 200)
        },
        load: { call, connection in
            Certifying(technician: try await locked(call, connection), terms: try await NetworkTermStore.all(connection))
        },
        target: { call, loaded in loaded.technician.target(call.caller) },
        targetID: { _, loaded in loaded.technician.id },
        perform: { call, loaded, connection in
            let body = call.body
            try loaded.terms.requireCapability(body.capability, field: "capability")
            let certification = try await CertificationStore.add(connection, tenant: call.caller.tenantID!, technician: loaded.technician.id,
                                                                 capability: body.capability, issuer: body.issuer.trimmed,
                                                                 issuedOn: body.issued_on, expiresOn: body.expires_on)
            try await TechnicianStore.bump(connection, id: loaded.technician.id)
            return (try await current(connection, id: loaded.technician.id), certification)
        },
        audit: { _, loaded, changed in
            Audited("certification.create", resource: "certification", id: changed.certification.id, after: changed.certification.json,
                    effective: changed.certification.issuedOn, owner: loaded.technician.site?.id)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in recorded(201, "certification", changed.certification, changed.technician) })

    package struct RevokeBody: Decodable, Sendable {
        package var revoked_on: String?
    }

    package struct Revoking: Sendable {
        var technician: Technician
        var certification: Certification
        var day: String
    }

    /// Revokes the certification from `revoked_on` (default today; not in the future, not before
    /// it was issued) on. The body is optional; 409 CERTIFICATION_REVOKED when it is revoked already.
    package static let revoke = Endpoint<NoBody, Revoking, (technician: Technician, certification: Certification)>(
        action: .siteWrite, resource: "technician",
        check: { call in
            _ = try call.pathID(resource: "technician")
            _ = try call.pathID("cert", resource: "certification")
            _ = try revokedOn(call)
        },
        load: { call, connection in
            let technician = try await locked(call, connection)
            guard let certification = try await CertificationStore.lock(connection, id: try call.pathID("cert", resource: "certification"),
                                                                        technician: technician.id) else {
                throw Problem.notFound("certification")
            }
            return Revoking(technician: technician, certification: certification, day: try revokedOn(call))
        },
        target: { call, loaded in loaded.technician.target(call.caller) },
        targetID: { _, loaded in loaded.technician.id },
        perform: { _, loaded, connection in
            let (certification, day) = (loaded.certification, loaded.day)
            if let revoked = certification.revokedOn {
                var problem = Problem(status: 409, code: "CERTIFICATION_REVOKED", title: "Conflict",
                                      detail: "the certification was revoked on \(revoked)")
                problem.extra = [("revoked_on", .string(revoked))]
                throw problem
            }
            if day < certification.issuedOn {
                throw Problem.invalid("revoked_on", rule: "not_before_issued",
                                      "revoked_on (\(day)) is before the certification was issued (\(certification.issuedOn))")
            }
            let revoked = try await CertificationStore.revoke(connection, id: certification.id, on: day)
            try await TechnicianStore.bump(connection, id: loaded.technician.id)
            return (try await current(connection, id: loaded.technician.id), revoked)
        },
        audit: { _, loaded, changed in
            Audited("certification.revoke", resource: "certification", id: loaded.certification.id, before: loaded.certification.json,
                    after: changed.certification.json, effective: loaded.day, owner: loaded.technician.site?.id)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in recorded(200, "certification", changed.certification, changed.technician) })

    /// The revocation's day: today when absent, never after today (a revocation is recorded
    /// when it happens).
    static func revokedOn<Body>(_ call: Call<Body>) throws -> String {
        let day = try OrgDate.body(call.optionalBody(RevokeBody()).revoked_on, field: "revoked_on")
        if day > OrgDate.today {
            throw Problem.invalid("revoked_on", rule: "not_after_today", "a revocation is recorded when it happens: revoked_on is today or earlier, not \(day)")
        }
        return day
    }

    // MARK: trainings

    package struct TrainingBody: Decodable, Sendable {
        package var course: String
        package var taken_on: String
        package var result: String
        package var notes: String?
    }

    /// A course the technician took on `taken_on` (today or earlier) with its result.
    package static let train = Endpoint<TrainingBody, Technician, (technician: Technician, training: Training)>(
        action: .siteWrite, resource: "technician",
        check: { call in
            _ = try call.pathID(resource: "technician")
            _ = try checkTraining(call.body)
        },
        load: { call, connection in try await locked(call, connection) },
        target: { call, technician in technician.target(call.caller) },
        targetID: { _, technician in technician.id },
        perform: { call, technician, connection in
            let body = call.body
            let training = try await TrainingStore.add(connection, tenant: call.caller.tenantID!, technician: technician.id,
                                                       course: body.course.trimmed, takenOn: body.taken_on,
                                                       result: try checkTraining(body), notes: body.notes ?? "")
            try await TechnicianStore.bump(connection, id: technician.id)
            return (try await current(connection, id: technician.id), training)
        },
        audit: { _, technician, changed in
            Audited("training.create", resource: "training", id: changed.training.id, after: changed.training.json,
                    effective: changed.training.takenOn, owner: technician.site?.id)
        },
        writeAudit: NetworkChange.writer,
        encode: { _, changed in recorded(201, "training", changed.training, changed.technician) })

    /// The training's rules (422 naming the field); its result.
    static func checkTraining(_ body: TrainingBody) throws -> TrainingResult {
        try NetworkRules.required(body.course, field: "course", limit: 200)
        let day = try OrgDate.body(body.taken_on, field: "taken_on")
        if day > OrgDate.today {
            throw Problem.invalid("taken_on", rule: "not_after_today", "a training is recorded once taken: taken_on is today or earlier, not \(day)")
        }
        guard let result = TrainingResult(rawValue: body.result) else {
            throw Problem.invalid("result", rule: "result", "result must be one of " + TrainingResult.allCases.map(\.rawValue).joined(separator: ", "))
        }
        try NetworkRules.optional(body.notes, field: "notes", limit: 2000)
        return result
    }
}
