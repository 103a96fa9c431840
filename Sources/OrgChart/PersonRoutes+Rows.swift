// People as untyped rows and the old entry points, for the callers that still use them (the
// importer and ExportLoader). Each row is made into a `Person` here, by
// name, once, so the JSON is still written by `Person.write` alone; the rest forwards to
// PersonStore. Goes when those callers use PersonStore and `Person`.

import App
import HTTP
import Policy
import Postgres

extension Person {
    /// A person from a row that names its columns as `PersonRoutes.columns` does.
    package init(named row: PGRow) {
        id = row.string("id") ?? ""
        employeeNo = row.string("employee_no") ?? ""
        contact = PGJSONBytes(Array((row.string("contact") ?? "{}").utf8))
        revision = row.int("revision") ?? 0
        homeUnitID = row.string("unit_id")
        name = row.string("name") ?? ""
        archived = row.bool("archived") ?? false
        validFrom = row.string("valid_from") ?? ""
        pathIDs = row.string("path_ids")
        grades = row.string("grades")
    }
}

extension PersonRoutes {
    /// `PersonStore.versionOn(day:)` for an SQL date expression that may number parameters by hand.
    package static func versionOn(_ day: String) -> String {
        PersonStore.versionOn(day: PGQuery(unsafeSQL: day)).sql
    }

    /// `people pe` with its version on `$date` (`pv`), for `columns`.
    package static func from(_ date: Int) -> String {
        "people pe \(versionOn("$\(date)::date"))"
    }

    /// `Person`'s columns on `$date`, named.
    package static func columns(_ date: Int) -> String {
        PersonStore.columns(day: PGQuery(unsafeSQL: "$\(date)::date")).sql
    }

    package static func names(_ connection: PGConnection, ids: Set<String>, on date: String) async throws -> [String: String] {
        try await PersonStore.names(connection, ids: ids, on: date)
    }

    /// The person as on `date` as a row (the columns of `PersonStore.person`, named).
    package static func read(_ connection: PGConnection, id: String, on date: String) async throws -> PGRow? {
        try await connection.query(PersonStore.selectOne(id: id, on: date)).first
    }

    package static func grade(_ caller: Caller, _ row: PGRow) -> Grade? {
        Person(named: row).grade(caller)
    }

    package static func target(_ caller: Caller, _ row: PGRow) -> Target {
        Person(named: row).target(caller)
    }

    package static func seesPrivate(_ caller: Caller, _ row: PGRow) -> Bool {
        Person(named: row).seesPrivate(caller)
    }

    package static func write(_ row: PGRow, private showContact: Bool, to json: inout JSONWriter) {
        Person(named: row).write(to: &json, private: showContact)
    }

    package static func json(_ row: PGRow, private showContact: Bool = false) -> [UInt8] {
        Person(named: row).json(private: showContact)
    }

    package static func rename(_ connection: PGConnection, id: String, to name: String, on date: String) async throws {
        try await PersonStore.rename(connection, id: id, to: name, on: date)
    }

    package static func syncMirror(_ connection: PGConnection, id: String, employeeNo: String? = nil, contact: PGJSON? = nil,
                                   homeUnit: String?? = nil) async throws {
        try await PersonStore.syncMirror(connection, id: id, employeeNo: employeeNo, contact: contact, homeUnit: homeUnit)
    }
}
