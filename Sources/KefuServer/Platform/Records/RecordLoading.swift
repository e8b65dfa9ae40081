import Fluent
import KefuDomain
import Vapor

/// A kind whose records routes address by id: how one is read, with the facts its access is decided
/// on (the responsible person, the department, where it was forwarded).
protocol LoadableRecordKind: RecordKind, RecordFactsLoading {
    associatedtype Loaded: Sendable
    static func load(_ id: Int, on database: any Database) async throws -> (record: Loaded, facts: RecordFacts)?
}

extension Request {
    /// The one loader of every route that addresses a record (issue 9 §5): the id from the path,
    /// 404 when there is no such record, 403 — and an audit entry — when the caller may not perform
    /// `action` on this one.
    func record<Kind: LoadableRecordKind>(_ kind: Kind.Type, for action: Action, parameter: String = "id") async throws
        -> Kind.Loaded
    {
        guard let id = parameters.get(parameter, as: Int.self), let (record, facts) = try await Kind.load(id, on: db)
        else {
            throw KefuError.notFound
        }
        try await authorize(action, on: facts, recordType: Kind.recordType, recordID: String(id))
        return record
    }
}
