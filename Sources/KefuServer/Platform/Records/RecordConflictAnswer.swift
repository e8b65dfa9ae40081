import Fluent
import Foundation
import KefuDomain
import Vapor

/// A kind whose API answers a conflict with the record as it is now: `{"error": {…}, "current": …}`,
/// the shape the project and customer APIs have always answered (OpenAPI `Conflict`).
protocol ConflictAnswering: RecordKind {
    associatedtype Current: Content
    /// The record as the caller may see it now (masked as their reading of it would be).
    static func current(_ id: Int, for request: Request) async throws -> Current?
}

/// The one conflict body of the JSON API.
struct ConflictBody<Current: Content>: Content {
    var error: APIErrorBody.Detail
    var current: Current
}

/// The one conflict view of pages (`partials/conflict.leaf`): someone changed the record meanwhile,
/// what they changed since the version the form was read at, and what this person typed — kept, to
/// send again on the current version or to copy.
struct ConflictView: Encodable {
    struct Change: Encodable {
        var changedAt: String
        var actorName: String
        var field: String
        var oldValue: String
        var newValue: String
    }

    struct Typed: Encodable {
        var name: String
        var label: String
        var value: String
    }

    var changes: [Change]
    var typed: [Typed]
    /// Where the form was sent: sending it again on `currentVersion` is the person's choice.
    var action: String
    var currentVersion: Int?
}

extension RecordConflict {
    /// The kind the conflict is about, from the registry.
    var kind: (any RecordKind.Type)? { RecordKinds.all.first { $0.recordType == recordType } }

    /// The API's answer with the current record, when the kind can show it; nil answers the plain error.
    func apiResponse(_ detail: APIErrorBody.Detail, for request: Request) async throws -> Response? {
        guard let kind = kind as? any ConflictAnswering.Type else { return nil }
        return try await answer(kind, detail, for: request)
    }

    private func answer<Kind: ConflictAnswering>(_ kind: Kind.Type, _ detail: APIErrorBody.Detail, for request: Request)
        async throws -> Response?
    {
        guard let current = try await Kind.current(recordID, for: request) else { return nil }
        return try await ConflictBody(error: detail, current: current).encodeResponse(status: .conflict, for: request)
    }

    /// The people and departments the changes name, by the id the change rows keep.
    static func names(
        of changes: [RecordChanges.Entry], meanings: [String: TrackedValue], on database: any Database
    ) async throws -> (staff: [String: String], departments: [String: String]) {
        func ids(_ meaning: TrackedValue) -> [Int] {
            Set(
                changes.filter { meanings[$0.field] == meaning }.flatMap { [$0.oldValue, $0.newValue] }.compactMap {
                    $0.flatMap { Int($0) }
                }
            ).sorted()
        }
        struct Named: Decodable { var id: Int; var name: String }
        func read(_ table: String, _ column: String, _ ids: [Int]) async throws -> [String: String] {
            guard !ids.isEmpty else { return [:] }
            let rows = try await database.sql().raw(
                "SELECT id, \(unsafeRaw: column) AS name FROM \(unsafeRaw: table) WHERE id IN (\(binds: ids))"
            ).allRows(Named.self)
            return Dictionary(uniqueKeysWithValues: rows.map { (String($0.id), $0.name) })
        }
        return (
            try await read("staff", "display_name", ids(.staff)),
            try await read("departments", "name", ids(.department))
        )
    }

    /// The page's view: the changes since the version read, masked by the same rule as every change
    /// history, and the fields the person sent (never the CSRF token or the version).
    /// `keepsTyped`: the page shows its own forms filled as typed, so the view lists no typed fields.
    func pageView(for request: Request, keepsTyped: Bool = false) async throws -> ConflictView {
        var visibility = ContactVisibility.masked
        if let kind = kind as? any RecordFactsLoading.Type, let staff = request.staff,
            let facts = try await kind.facts(of: recordID, on: request.db)
        {
            visibility = ContactVisibility.decide(for: staff.actor, on: facts, revealed: false)
        }
        let changes = try await RecordChanges.read(
            recordType: recordType, recordID: recordID, after: readVersion, visibility: visibility, on: request.db)
        let version = try await request.db.sql().raw(
            "SELECT version FROM \(unsafeRaw: kind?.table ?? "") WHERE id = \(bind: recordID)"
        ).first()?.decode(column: "version", as: Int.self)
        let localizer = request.kefu.localizer
        func label(_ key: String, or fallback: String) -> String {
            localizer.hasKey(key) ? request.t(key) : fallback
        }
        let meanings = kind?.trackedValues ?? [:]
        let names = try await Self.names(of: changes, meanings: meanings, on: request.db)
        func value(_ field: String, _ text: String?) -> String {
            guard let text, !text.isEmpty else { return "—" }
            switch meanings[field] {
            case .instant: return RecordChanges.instant(from: text).map(DisplayFormat.dateTime) ?? text
            case .staff: return names.staff[text] ?? text
            case .department: return names.departments[text] ?? text
            case nil: return label("\(recordType).\(field).\(text)", or: text)
            }
        }
        let sent = keepsTyped ? [:] : ((try? request.content.decode([String: String].self)) ?? [:])
        let typed =
            sent
            .filter { !["_csrf", "version"].contains($0.key) && !$0.value.isEmpty }
            .sorted { $0.key < $1.key }
            .map {
                ConflictView.Typed(
                    name: $0.key, label: label("\(recordType).field.\($0.key)", or: $0.key), value: $0.value)
            }
        return ConflictView(
            changes: changes.map {
                ConflictView.Change(
                    changedAt: DisplayFormat.dateTime($0.changedAt), actorName: $0.actorName,
                    field: label("record_change.field.\(recordType).\($0.field)", or: $0.field),
                    oldValue: value($0.field, $0.oldValue), newValue: value($0.field, $0.newValue))
            }, typed: typed, action: request.url.path, currentVersion: version)
    }
}
