// People as untyped rows, for the one caller that still reads them by column name:
// ExportLoader.loadPeople (and its holders' names). Each row is made into a `Person` here, by
// name, once, so the policy's view is still `Person.seesPrivate` alone. The importer no longer
// uses any of this (it calls PersonStore and decodes `Person`); the file goes when ExportLoader
// decodes `Person`s too.

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

    package static func seesPrivate(_ caller: Caller, _ row: PGRow) -> Bool {
        Person(named: row).seesPrivate(caller)
    }
}
