import Fluent
import KefuDomain
import SQLKit

/// The person a violation, penalty or award is about, with the facts the policy decides on: they are
/// the record's responsible person, their department is the team.
struct ConductPerson: Decodable, Sendable {
    var id: Int, displayName: String, departmentID: Int, role: String, isActive: Bool

    var facts: RecordFacts { RecordFacts(responsibleStaffID: id, departmentID: departmentID) }

    static func find(_ id: Int, on database: any Database) async throws -> ConductPerson? {
        try await database.sql().raw(
            """
            SELECT id AS "id", display_name AS "displayName", department_id AS "departmentID", role AS "role", is_active AS "isActive"
            FROM staff WHERE id = \(bind: id)
            """
        ).first(decoding: ConductPerson.self)
    }

    /// The active people of a department other than the supervisor themself (whom one does not reward or penalize).
    static func team(departmentID: Int, except staffID: Int, on database: any Database) async throws -> [ConductPerson]
    {
        try await database.sql().raw(
            """
            SELECT id AS "id", display_name AS "displayName", department_id AS "departmentID", role AS "role", is_active AS "isActive"
            FROM staff WHERE department_id = \(bind: departmentID) AND is_active = \(bind: true) AND id <> \(bind: staffID)
              AND role IN ('specialist', 'supervisor') ORDER BY display_name, id
            """
        ).all(decoding: ConductPerson.self)
    }

    /// The person named in the input, when the actor may act on them for `action`: someone of the
    /// supervisor's team other than themself; otherwise a refusal at the field.
    static func target(_ id: Int?, actor: Actor, action: Action, on database: any Database) async throws
        -> ConductPerson
    {
        guard let id else { throw FieldErrors(["staffID": "validation.required"]) }
        guard let person = try await find(id, on: database), person.isActive else {
            throw FieldErrors(["staffID": "conduct.error.unknown_person"])
        }
        if person.id == actor.staffID { throw FieldErrors(["staffID": "conduct.error.self"]) }
        guard AccessPolicy.permits(actor, action, on: person.facts) else {
            throw FieldErrors(["staffID": "conduct.error.outside_team"])
        }
        return person
    }
}

/// The filter a caller may use on the conduct lists: the supervisor the team's, leadership all, anyone
/// else their own.
struct ConductFilter: Sendable {
    var departmentID: Int?
    var staffID: Int?

    init(actor: Actor, staffID: Int?) {
        switch AccessPolicy.widestScope(of: actor.role, for: .viewConduct) {
        case .any?: self.departmentID = nil; self.staffID = staffID
        case .team?: self.departmentID = actor.departmentID; self.staffID = staffID
        default: self.departmentID = nil; self.staffID = actor.staffID
        }
    }

    init(departmentID: Int?, staffID: Int?) {
        self.departmentID = departmentID
        self.staffID = staffID
    }

    func condition(_ alias: String) -> SQLQueryString {
        var condition: SQLQueryString = "1 = 1"
        if let departmentID { condition = condition + " AND \(unsafeRaw: alias).department_id = \(bind: departmentID)" }
        if let staffID { condition = condition + " AND \(unsafeRaw: alias).staff_id = \(bind: staffID)" }
        return condition
    }
}
