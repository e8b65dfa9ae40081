import Fluent
import KefuDomain
import SQLKit

/// A reference from one record to a record of any declared kind (a penalty's cause, a violation's
/// evidence), checked through the registry: the kind must be declared and the record must exist. A
/// kind that lands later (attendance marks) can be cited the day it is added to `RecordKinds.all`.
enum RecordReferences {
    static func kind(named type: String, in kinds: [any RecordKind.Type] = RecordKinds.all) -> (any RecordKind.Type)? {
        kinds.first { $0.recordType == type }
    }

    /// The facts of the record referred to, read by its kind's loader (or, for a kind no route
    /// addresses, found by id in its table); nil when no such kind or record exists.
    static func facts(of reference: RecordReference, on database: any Database) async throws -> RecordFacts? {
        guard let kind = kind(named: reference.type) else { return nil }
        if let loadable = kind as? any RecordFactsLoading.Type {
            return try await loadable.facts(of: reference.id, on: database)
        }
        let row = try await database.sql().raw(
            "SELECT id FROM \(unsafeRaw: kind.table) WHERE id = \(bind: reference.id)"
        ).first()
        return row == nil ? nil : RecordFacts()
    }

    /// The numbers (`TS-2026-000002`) of the records referred to whose kind numbers its records, read
    /// with one statement per kind; a reference without a number is left out.
    static func numbers(of references: [RecordReference], on database: any Database) async throws -> [RecordReference:
        String]
    {
        struct Numbered: Decodable { var id: Int; var number: String? }
        let sql = try database.sql()
        var numbers: [RecordReference: String] = [:]
        for (type, group) in Dictionary(grouping: Set(references), by: \.type) {
            guard let kind = kind(named: type), kind.numbering != nil else { continue }
            let rows = try await sql.raw(
                """
                SELECT id, \(unsafeRaw: kind.numberColumn) AS number FROM \(unsafeRaw: kind.table) WHERE id IN (\(binds: group.map(\.id)))
                """
            ).allRows(Numbered.self)
            for row in rows {
                if let number = row.number { numbers[RecordReference(type: type, id: row.id)] = number }
            }
        }
        return numbers
    }

    /// A reference as a person types it on a page: the kind chosen and the record's number as printed on
    /// it (`KQ-2026-000003`, `TS-2026-000002`) — or, for a kind without numbers, its id. Nil when the
    /// kind is unknown or no record of it carries that number; existence of an id is checked later.
    static func typed(type: String?, text: String?, on database: any Database) async throws -> RecordReference? {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        if let reference = RecordReference(type: type, id: text) { return reference }
        guard let type, let kind = kind(named: type), kind.numbering != nil, !text.isEmpty, text.count <= 40 else {
            return nil
        }
        let row = try await database.sql().raw(
            """
            SELECT id FROM \(unsafeRaw: kind.table) WHERE \(unsafeRaw: kind.numberColumn) = \(bind: text.uppercased())
            """
        ).first()
        return try row.map { RecordReference(type: type, id: try $0.decode(column: "id", as: Int.self)) }
    }

    /// Whether routes address records of the kind (and so a reference to one can be shown and checked by its loader).
    static func isLoadable(_ kind: any RecordKind.Type) -> Bool { kind is any RecordFactsLoading.Type }
}

/// A kind whose record's facts can be read by id without knowing its record type: every
/// `LoadableRecordKind`, through its loader. It lets a reference be checked from the kind's name alone.
protocol RecordFactsLoading {
    static func facts(of id: Int, on database: any Database) async throws -> RecordFacts?
}

extension LoadableRecordKind {
    static func facts(of id: Int, on database: any Database) async throws -> RecordFacts? {
        try await load(id, on: database)?.facts
    }
}
