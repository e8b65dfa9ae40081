import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A complaint's files (photos, letters, the department's reports): added by whoever handles the
/// complaint, downloaded by whoever may read it — checked against the complaint and audited
/// (`Platform/Records/Attachments.swift`).
struct ComplaintAttachmentsController: RouteCollection {
    struct Upload: Content { var file: File? }
    struct AttachmentDTO: Content {
        var id: Int; var fileName: String; var contentType: String; var byteCount: Int; var uploadedAt: Date;
        var uploadedBy: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.manageComplaints).on(
            .POST, .complaintAttachments, body: .collect(maxSize: "21mb"), use: addPage)
        routes.requiring(.viewComplaints).get(.complaintAttachment, use: download)
        let api = routes.grouped("api", "v1", "complaints")
        api.requiring(.manageComplaints).on(.POST, ":id", "attachments", body: .collect(maxSize: "21mb"), use: addAPI)
        api.requiring(.viewComplaints).get(":id", "attachments", use: list)
        api.requiring(.viewComplaints).get(":id", "attachments", ":attachmentID", use: download)
    }

    static func store(_ req: Request) -> AttachmentStore {
        AttachmentStore(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory)
    }

    private func add(_ req: Request, _ row: ComplaintStore.Row) async throws -> Int {
        guard let file = (try? req.content.decode(Upload.self))?.file else {
            throw FieldErrors(["file": "validation.required"])
        }
        let number = row.number, customerID = row.customerID, complaintID = row.id
        let context = req.auditContext
        return try await Self.store(req).add(
            ComplaintKind.self, recordID: row.id, fileName: file.filename, bytes: file.data, context: context
        ) { tx, _ in
            try await Timeline.record(
                .complaintUpdate, customerID: customerID, recordType: ComplaintKind.recordType, recordID: complaintID,
                message: StoredMessage(
                    "timeline.message.number_file", ["number": "\(number)", "file": "\(file.filename)"]),
                context: context, on: tx)
        }
    }

    @Sendable func addAPI(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let id = try await add(req, row)
        let stored = try await Self.store(req).find(id)!
        return try await AttachmentDTO(
            id: stored.id, fileName: stored.fileName, contentType: stored.contentType, byteCount: stored.byteCount,
            uploadedAt: stored.uploadedAt, uploadedBy: stored.uploaderName
        ).encodeResponse(status: .created, for: req)
    }

    @Sendable func addPage(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        do {
            _ = try await add(req, row)
            return req.redirect(
                to: SiteURL.complaint(row.id).path, flash: FlashMessage(.success, "flash.file_uploaded"))
        } catch let errors as FieldErrors {
            var page = try await ComplaintsController().showPage(req, row)
            page.errors = errors.messages
            return try await req.renderPage(
                "complaints/show", titleKey: "complaints.title", page, status: .unprocessableEntity)
        }
    }

    @Sendable func list(req: Request) async throws -> [AttachmentDTO] {
        let row = try await req.record(ComplaintKind.self, for: .viewComplaints)
        return try await Self.store(req).list(ComplaintKind.self, recordIDs: [row.id]).map {
            AttachmentDTO(
                id: $0.id, fileName: $0.fileName, contentType: $0.contentType, byteCount: $0.byteCount,
                uploadedAt: $0.uploadedAt, uploadedBy: $0.uploaderName)
        }
    }

    @Sendable func download(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .viewComplaints)
        guard let id = req.parameters.get("attachmentID", as: Int.self), let file = try await Self.store(req).find(id),
            file.recordType == ComplaintKind.recordType, file.recordID == row.id
        else { throw KefuError.notFound }
        return try await req.attachmentResponse(file)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .POST, path: "/api/v1/complaints/{id}/attachments", tag: "Complaints",
            summary: "Attach a file (PDF, JPG, PNG, DOCX; up to 20 MB)",
            parameters: [OpenAPIParameters.id], requestSchema: "ComplaintFileUpload",
            requestContentType: "multipart/form-data",
            responses: [201: "ComplaintAttachment"]),
        APIOperation(
            method: .GET, path: "/api/v1/complaints/{id}/attachments", tag: "Complaints",
            summary: "A complaint's files",
            parameters: [OpenAPIParameters.id], responses: [200: "ComplaintAttachmentList"]),
        APIOperation(
            method: .GET, path: "/api/v1/complaints/{id}/attachments/{attachmentID}", tag: "Complaints",
            summary: "Download a complaint's file (audited)",
            parameters: [
                OpenAPIParameters.id,
                ["name": "attachmentID", "in": "path", "required": true, "schema": ["type": "integer"]],
            ],
            responses: [200: nil]),
    ]

    static var schemas: [String: JSONValue] {
        [
            "ComplaintFileUpload": Schema.object(["file": ["type": "string", "format": "binary"]], required: ["file"]),
            "ComplaintAttachment": Schema.object(
                [
                    "id": Schema.integer, "fileName": Schema.string, "contentType": Schema.string,
                    "byteCount": Schema.integer, "uploadedAt": Schema.dateTime,
                    "uploadedBy": Schema.nullable("string"),
                ], required: ["id", "fileName", "contentType", "byteCount", "uploadedAt"]),
            "ComplaintAttachmentList": Schema.array(of: "ComplaintAttachment"),
        ]
    }
}
