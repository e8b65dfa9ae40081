import Foundation
import KefuDomain
import Vapor

/// A session's materials (slides as PDF, handouts, photos of the drill): added by the supervisor,
/// downloaded by whoever may read the session — checked against the session and audited
/// (`Platform/Records/Attachments.swift`).
struct TrainingMaterialsController: RouteCollection {
    struct Upload: Content { var file: File? }
    struct MaterialDTO: Content {
        var id: Int; var fileName: String; var contentType: String; var byteCount: Int; var uploadedAt: Date;
        var uploadedBy: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.manageTraining).on(
            .POST, .trainingSessionMaterials, body: .collect(maxSize: "21mb"), use: addPage)
        routes.requiring(.viewTraining).get(.trainingSessionMaterial, use: download)
        let api = routes.grouped("api", "v1", "training", "sessions")
        api.requiring(.manageTraining).on(.POST, ":id", "materials", body: .collect(maxSize: "21mb"), use: addAPI)
        api.requiring(.viewTraining).get(":id", "materials", use: list)
        api.requiring(.viewTraining).get(":id", "materials", ":attachmentID", use: download)
    }

    static func store(_ req: Request) -> AttachmentStore {
        AttachmentStore(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory)
    }

    static func dto(_ row: AttachmentStore.Row) -> MaterialDTO {
        MaterialDTO(
            id: row.id, fileName: row.fileName, contentType: row.contentType, byteCount: row.byteCount,
            uploadedAt: row.uploadedAt, uploadedBy: row.uploaderName)
    }

    private func add(_ req: Request, _ row: TrainingStore.SessionRow) async throws -> Int {
        guard let file = (try? req.content.decode(Upload.self))?.file else {
            throw FieldErrors(["file": "validation.required"])
        }
        return try await Self.store(req).add(
            TrainingSessionKind.self, recordID: row.id, fileName: file.filename, bytes: file.data,
            context: req.auditContext)
    }

    @Sendable func addAPI(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .manageTraining)
        let id = try await add(req, row)
        return try await Self.dto(try await Self.store(req).find(id)!).encodeResponse(status: .created, for: req)
    }

    @Sendable func addPage(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .manageTraining)
        do {
            _ = try await add(req, row)
            return req.redirect(
                to: SiteURL.trainingSession(row.id), flash: FlashMessage(.success, "flash.file_uploaded"))
        } catch let errors as FieldErrors {
            return try await TrainingController.renderSession(
                req, row, errors: errors.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        }
    }

    @Sendable func list(req: Request) async throws -> [MaterialDTO] {
        let row = try await req.trainingSession(for: .viewTraining)
        return try await Self.store(req).list(TrainingSessionKind.self, recordIDs: [row.id]).map(Self.dto)
    }

    @Sendable func download(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .viewTraining)
        guard let id = req.parameters.get("attachmentID", as: Int.self), let file = try await Self.store(req).find(id),
            file.recordType == TrainingSessionKind.recordType, file.recordID == row.id
        else { throw KefuError.notFound }
        return try await req.attachmentResponse(file)
    }
}
