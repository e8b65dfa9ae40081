import Foundation
import KefuDomain
import Vapor

/// A person's record page and its CSV (R5.3): only the person, their supervisor and leadership reach it —
/// the route asks the policy about this person, and a refusal is audited.
struct PersonRecordController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewPersonRecord).get(.personRecord, use: show)
        routes.requiring(.viewPersonRecord).get(.personRecordCSV, use: export)
    }

    /// The person named in the path, when the caller may read their record: 404 for no such person,
    /// 403 (audited) for anyone but the person, their supervisor and leadership.
    static func person(_ req: Request) async throws -> ConductPerson {
        guard let id = req.parameters.get("id", as: Int.self), let person = try await ConductPerson.find(id, on: req.db)
        else { throw KefuError.notFound }
        try await req.authorize(.viewPersonRecord, on: person.facts, recordType: "person_record", recordID: String(id))
        return person
    }

    /// The page carries the rows as written markup only: turning hundreds of cells into Leaf's values
    /// cost as much as evaluating them.
    struct Page: Encodable {
        var name: String, department: String, role: String
        var sections: [PersonRecordView.Section]
        var csvLink: String
        var isOwn: Bool
    }

    @Sendable func show(req: Request) async throws -> Response {
        let person = try await Self.person(req)
        let viewer = try req.requireStaff().id
        let record = try await PersonRecordReader(
            database: req.db, words: req.words, providers: req.application.personRecordSections
        ).read(person)
        return try await req.renderPage(
            "person_record/show", titleKey: "person_record.title",
            Page(
                name: record.name, department: record.department, role: record.role,
                sections: PersonRecordView.sections(record, words: req.words),
                csvLink: SiteURL.personRecordCSV(person.id).path,
                isOwn: person.id == viewer))
    }

    @Sendable func export(req: Request) async throws -> Response {
        let person = try await Self.person(req)
        let words = req.words
        let record = try await PersonRecordReader(
            database: req.db, words: words, providers: req.application.personRecordSections
        ).read(person)
        try await AuditLog.record(
            "person_record.exported", recordType: "person_record", recordID: String(person.id), fields: ["sections"],
            message: AuditMessage.name(person.displayName), context: req.auditContext, on: req.db)
        let response = Response(
            status: .ok, body: .init(data: Data(CSVText.encodeForExcel(PersonRecordReader.csv(record, words: words)))))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"person-\(person.id)-record.csv\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
