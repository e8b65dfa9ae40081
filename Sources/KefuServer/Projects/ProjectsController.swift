import Foundation
import KefuDomain
import Vapor

/// The project catalog pages (项目库): list, a project with its versions, new, edit, cases (R3.2).
struct ProjectsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewProjects).get(.projects, use: list)
        routes.requiring(.manageProjects).get(.newProject, use: newForm)
        routes.requiring(.manageProjects).post(.projects, use: create)
        routes.requiring(.viewProjects).get(.project, use: show)
        routes.requiring(.manageProjects).get(.projectEdit, use: editForm)
        routes.requiring(.manageProjects).post(.project, use: update)
        routes.requiring(.manageProjects).post(.projectCases, use: addCase)
        routes.requiring(.manageProjects).on(.POST, .projectFiles, body: .collect(maxSize: "21mb"), use: addFile)
        routes.requiring(.viewProjects).get(.projectFile, use: download)
    }

    struct UploadForm: Content { var file: File? }

    @Sendable func addFile(req: Request) async throws -> Response {
        let record = try await req.project()
        let upload = try? req.content.decode(UploadForm.self)
        do {
            guard let file = upload?.file else { throw FieldErrors(["file": "validation.required"]) }
            _ = try await ProjectFileStore(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory)
                .add(projectID: record.id, fileName: file.filename, bytes: file.data, context: req.auditContext)
            return req.redirect(
                to: SiteURL.project(record.id).path, flash: FlashMessage(.success, "flash.file_uploaded"))
        } catch let errors as FieldErrors {
            return try await render(
                req, record, errors: errors.messages.reduce(into: [:]) { $0["file_" + $1.key] = $1.value },
                status: .unprocessableEntity)
        }
    }

    @Sendable func download(req: Request) async throws -> Response {
        let record = try await req.project()
        guard let fileID = req.parameters.get("fileID", as: Int.self) else { throw KefuError.notFound }
        return try await req.projectFileResponse(projectID: record.id, fileID: fileID)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let filter = req.projectFilter
        let store = ProjectStore(database: req.db)
        let page = ProjectListPage(
            viewer: req.viewer, records: try await store.list(filter), statistics: try await store.statistics(),
            filter: filter)
        return try await req.renderPage("projects/index", titleKey: "projects.title", page)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, try await req.project())
    }

    private func render(
        _ req: Request, _ record: ProjectRecord, errors: [String: String] = [:], caseDraft: ProjectFilePage.Case? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let store = ProjectStore(database: req.db)
        var asOf: (String, ProjectStore.Version?)?
        if let text = req.query[String.self, at: "asOf"]?.trimmed, !text.isEmpty {
            // The end of the chosen day: what had been saved by then.
            let moment =
                LocalDateTime.parse(text + "T23:59", timeZone: DisplayFormat.timeZone)
                ?? LocalDateTime.parse(text, timeZone: DisplayFormat.timeZone)
            asOf = (text, try await moment.asyncMap { try await store.facts(of: record.id, at: $0) } ?? nil)
        }
        var page = ProjectFilePage(
            viewer: req.viewer, record: record, statistics: try await store.statistics(of: record.id),
            cases: try await store.cases(of: record.id), versions: try await store.versions(of: record.id), asOf: asOf)
        page.files = try await ProjectFileStore(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory)
            .list(projectID: record.id).map {
                .init(
                    id: $0.id, name: $0.fileName,
                    size: ByteCountFormatter.string(fromByteCount: Int64($0.byteCount), countStyle: .file),
                    uploadedAt: DisplayFormat.dateTime($0.uploadedAt))
            }
        page.hasFiles = !page.files.isEmpty
        if let staff = req.staff, AccessPolicy.allows(staff.role, .viewFeedback) {
            let (rows, total) = try await FeedbackStore(database: req.db).page(
                try FeedbackController.filter(req, state: nil, projectID: record.id),
                paging: Paging(number: 1, size: 5))
            page.feedback = rows.map {
                .init(
                    id: $0.id, number: $0.number, content: String($0.content.prefix(80)),
                    stateKey: "feedback.state.\($0.state)")
            }
            page.feedbackTotal = total
            page.canSeeFeedback = true
        }
        page.errors = errors
        if let caseDraft { page.caseDraft = caseDraft }
        return try await req.renderPage("projects/show", titleKey: "projects.title", page, status: status)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        var draft = ProjectDraft()
        draft.type = ProjectType.industrialPark.rawValue
        return try await req.renderPage(
            "projects/form", titleKey: "projects.new", ProjectFormPage(draft: draft, record: nil))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let draft = try req.content.decode(ProjectInput.self).draft()
        do {
            let facts = try ProjectValidation.validate(draft).get()
            let record = try await ProjectStore(database: req.db).create(facts, context: req.auditContext)
            return req.redirect(
                to: SiteURL.project(record.id).path, flash: FlashMessage(.success, "flash.project_created"))
        } catch let errors as FieldErrors {
            var page = ProjectFormPage(draft: draft, record: nil)
            page.errors = errors.messages
            return try await req.renderPage(
                "projects/form", titleKey: "projects.new", page, status: .unprocessableEntity)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        let record = try await req.project()
        return try await req.renderPage(
            "projects/form", titleKey: "projects.edit", ProjectFormPage(draft: record.facts.draft, record: record))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let record = try await req.project()
        let input = try req.content.decode(ProjectInput.self)
        // A form without a ticked industry sends none: the page's fields replace the stored ones.
        var draft = input.draft(over: record.facts.draft)
        draft.industries = input.industries ?? []
        var page = ProjectFormPage(draft: draft, record: record)
        page.version = input.version ?? record.version
        do {
            let facts = try ProjectValidation.validate(draft).get()
            _ = try await ProjectStore(database: req.db).update(
                record.id, with: facts, version: try requireFormVersion(input.version), context: req.auditContext)
            return req.redirect(to: SiteURL.project(record.id).path, flash: FlashMessage(.success, "flash.saved"))
        } catch let errors as FieldErrors {
            page.errors = errors.messages
        } catch let conflict as RecordConflict {
            // What was changed since the form was read, and the form as typed on the current version:
            // saving again is the person's knowing choice (S6).
            page.version = try await ProjectStore(database: req.db).find(record.id)?.version ?? record.version
            page.formErrorKey = conflict.messageKey
            page.conflict = try await conflict.pageView(for: req, keepsTyped: true)
            return try await req.renderPage("projects/form", titleKey: "projects.edit", page, status: .conflict)
        }
        return try await req.renderPage("projects/form", titleKey: "projects.edit", page, status: .unprocessableEntity)
    }

    @Sendable func addCase(req: Request) async throws -> Response {
        let record = try await req.project()
        let input = try req.content.decode(ProjectCaseDTO.self)
        do {
            let projectCase = try ProjectCase.validate(
                title: input.title, summary: input.summary, figures: input.figures ?? ""
            ).get()
            _ = try await ProjectStore(database: req.db).addCase(projectCase, to: record.id, context: req.auditContext)
            return req.redirect(to: SiteURL.project(record.id).path, flash: FlashMessage(.success, "flash.saved"))
        } catch let errors as FieldErrors {
            let draft = ProjectFilePage.Case(title: input.title, summary: input.summary, figures: input.figures ?? "")
            return try await render(
                req, record, errors: errors.messages.reduce(into: [:]) { $0["case_" + $1.key] = $1.value },
                caseDraft: draft, status: .unprocessableEntity)
        }
    }
}
