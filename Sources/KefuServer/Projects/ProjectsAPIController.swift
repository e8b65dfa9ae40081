import Foundation
import KefuDomain
import Vapor

/// `/api/v1/projects`: the investment-project catalog, its versions and cases (R3.2).
struct ProjectsAPIController: RouteCollection {

    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.requiring(.viewProjects).get(use: list)
        projects.requiring(.manageProjects).post(use: create)
        projects.requiring(.viewProjects).get(":id", use: show)
        projects.requiring(.manageProjects).patch(":id", use: update)
        projects.requiring(.viewProjects).get(":id", "versions", use: versions)
        projects.requiring(.viewProjects).get(":id", "cases", use: cases)
        projects.requiring(.manageProjects).post(":id", "cases", use: addCase)
        projects.requiring(.viewProjects).get(":id", "files", use: files)
        projects.requiring(.manageProjects).on(.POST, ":id", "files", body: .collect(maxSize: "21mb"), use: addFile)
        projects.requiring(.viewProjects).get(":id", "files", ":fileID", use: download)
    }

    struct ProjectFileDTO: Content { var id: Int; var fileName: String; var byteCount: Int; var uploadedAt: Date }
    struct UploadForm: Content { var file: File? }

    @Sendable func files(req: Request) async throws -> [ProjectFileDTO] {
        let record = try await req.project()
        return try await ProjectFileStore(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory).list(
            projectID: record.id
        )
        .map { ProjectFileDTO(id: $0.id, fileName: $0.fileName, byteCount: $0.byteCount, uploadedAt: $0.uploadedAt) }
    }

    @Sendable func addFile(req: Request) async throws -> Response {
        let record = try await req.project()
        guard let file = (try? req.content.decode(UploadForm.self))?.file else {
            throw KefuError.validation(FieldErrors(["file": "validation.required"]))
        }
        let store = ProjectFileStore(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory)
        let id = try await store.add(
            projectID: record.id, fileName: file.filename, bytes: file.data, context: req.auditContext)
        guard let row = try await store.find(id, projectID: record.id) else { throw KefuError.notFound }
        return try await ProjectFileDTO(
            id: row.id, fileName: row.fileName, byteCount: row.byteCount, uploadedAt: row.uploadedAt
        ).encodeResponse(status: .created, for: req)
    }

    @Sendable func download(req: Request) async throws -> Response {
        let record = try await req.project()
        guard let fileID = req.parameters.get("fileID", as: Int.self) else { throw KefuError.notFound }
        return try await req.projectFileResponse(projectID: record.id, fileID: fileID)
    }

    @Sendable func list(req: Request) async throws -> [ProjectDTO] {
        let store = ProjectStore(database: req.db)
        let statistics = try await store.statistics()
        return try await store.list(req.projectFilter).map { ProjectDTO($0, statistics: statistics[$0.id] ?? .init()) }
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(ProjectInput.self)
        let facts = try ProjectValidation.validate(input.draft()).get()
        let record = try await ProjectStore(database: req.db).create(facts, context: req.auditContext)
        return try await ProjectDTO(record, statistics: .init()).encodeResponse(status: .created, for: req)
    }

    @Sendable func show(req: Request) async throws -> ProjectDTO {
        let record = try await req.project()
        return ProjectDTO(
            record, statistics: try await ProjectStore(database: req.db).statistics(of: record.id), withReasons: true)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let record = try await req.project()
        let input = try req.content.decode(ProjectInput.self)
        guard let version = input.version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        let facts = try ProjectValidation.validate(input.draft(over: record.facts.draft)).get()
        let store = ProjectStore(database: req.db)
        // A conflict is answered by the error middleware with the project as it is now (`ConflictBody`).
        let saved = try await store.update(record.id, with: facts, version: version, context: req.auditContext)
        return try await ProjectDTO(saved, statistics: try await store.statistics(of: saved.id), withReasons: true)
            .encodeResponse(for: req)
    }

    @Sendable func versions(req: Request) async throws -> [ProjectVersionDTO] {
        let record = try await req.project()
        return try await ProjectStore(database: req.db).versions(of: record.id).map {
            ProjectVersionDTO(
                version: $0.version, changedAt: $0.changedAt, actorName: $0.actorName,
                changes: $0.fieldChanges, facts: $0.decodedFacts)
        }
    }

    @Sendable func cases(req: Request) async throws -> [ProjectCaseDTO] {
        let record = try await req.project()
        return try await ProjectStore(database: req.db).cases(of: record.id).map {
            ProjectCaseDTO(id: $0.id, title: $0.title, summary: $0.summary, figures: $0.figures)
        }
    }

    @Sendable func addCase(req: Request) async throws -> Response {
        let record = try await req.project()
        let input = try req.content.decode(ProjectCaseDTO.self)
        let projectCase = try ProjectCase.validate(
            title: input.title, summary: input.summary, figures: input.figures ?? ""
        ).get()
        let id = try await ProjectStore(database: req.db).addCase(projectCase, to: record.id, context: req.auditContext)
        return try await ProjectCaseDTO(
            id: id, title: projectCase.title, summary: projectCase.summary, figures: projectCase.figures
        )
        .encodeResponse(status: .created, for: req)
    }
}

extension Request {
    /// The project addressed by `:id`, or 404. The catalog is the department's: who may see or keep
    /// it is decided by the route's permission, so any project is open to those who pass it.
    func project() async throws -> ProjectRecord {
        try await record(ProjectKind.self, for: .viewProjects)
    }

    var projectFilter: ProjectStore.Filter {
        func text(_ name: String) -> String? {
            guard let value = query[String.self, at: name]?.trimmed, !value.isEmpty else { return nil }
            return String(value.prefix(64))
        }
        return ProjectStore.Filter(
            text: text("q"), status: text("status").flatMap(ProjectStatus.init(rawValue:)),
            type: text("type").flatMap(ProjectType.init(rawValue:)), industry: text("industry")
        )
    }
}
