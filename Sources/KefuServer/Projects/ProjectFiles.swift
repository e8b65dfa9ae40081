import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Brochures and files of a project (R3.2): type and size limited, content checked against the
/// extension, stored under the data directory — outside `Public/`, so only the download route,
/// which checks who asks, serves them.
struct CreateProjectFiles: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("project_files")
            .field("id", .int, .identifier(auto: true))
            .field("project_id", .int, .required, .references("projects", "id"))
            .field("file_name", .string, .required)
            .field("stored_name", .string, .required)
            .field("byte_count", .int, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .field("uploaded_at", .datetime, .required)
            .create()
        try await database.sql().raw("CREATE INDEX project_files_project ON project_files (project_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("project_files").delete()
    }
}

struct ProjectFileStore {
    let database: any Database
    let directory: String

    init(database: any Database, dataDirectory: String) {
        self.database = database
        directory = dataDirectory + "/files/projects"
    }

    struct Row: Decodable, Sendable {
        var id: Int, projectID: Int, fileName: String, storedName: String, byteCount: Int, uploadedAt: Date
        enum CodingKeys: String, CodingKey {
            case id, projectID = "project_id", fileName = "file_name", storedName = "stored_name", byteCount =
                "byte_count", uploadedAt = "uploaded_at"
        }
    }

    func list(projectID: Int) async throws -> [Row] {
        try await database.sql().raw(
            """
            SELECT id, project_id, file_name, stored_name, byte_count, uploaded_at FROM project_files WHERE project_id = \(bind: projectID) ORDER BY id
            """
        ).all(decoding: Row.self)
    }

    func find(_ id: Int, projectID: Int) async throws -> Row? {
        try await database.sql().raw(
            """
            SELECT id, project_id, file_name, stored_name, byte_count, uploaded_at FROM project_files WHERE id = \(bind: id) AND project_id = \(bind: projectID)
            """
        ).first(decoding: Row.self)
    }

    /// Checks and stores a file; the name on disk is random, the person's name for it kept in the row.
    func add(projectID: Int, fileName: String, bytes: ByteBuffer, context: AuditContext) async throws -> Int {
        let name = String(fileName.trimmed.split(separator: "/").last ?? "").replacingOccurrences(of: "\\", with: "_")
        if let problem = BrochureRules.problem(fileName: name, byteCount: bytes.readableBytes) {
            throw FieldErrors(["file": problem])
        }
        if name.count > 200 { throw FieldErrors(["file": "validation.too_long"]) }
        guard
            BrochureRules.contentMatches(
                fileName: name,
                prefix: bytes.getBytes(at: bytes.readerIndex, length: min(16, bytes.readableBytes)) ?? [])
        else {
            throw FieldErrors(["file": "validation.file.type"])
        }
        let stored = UUID().uuidString.lowercased()
        let folder = directory + "/\(projectID)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + stored
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: bytes)) else {
            throw KefuError(.internalServerError, code: "storage", messageKey: "error.internal")
        }
        do {
            return try await database.writeTransaction { tx in
                let id =
                    try await tx.sql().raw(
                        """
                        INSERT INTO project_files (project_id, file_name, stored_name, byte_count, staff_id, uploaded_at)
                        VALUES (\(bind: projectID), \(bind: name), \(bind: stored), \(bind: bytes.readableBytes), \(bind: context.actorStaffID), \(bind: context.now))
                        RETURNING id
                        """
                    ).first()?.decode(column: "id", as: Int.self) ?? 0
                try await AuditLog.record(
                    "project.file_added", recordType: "project", recordID: String(projectID), fields: ["file"],
                    message: AuditMessage.file(name: name, bytes: "\(bytes.readableBytes)"), context: context, on: tx)
                return id
            }
        } catch {
            // Nothing half-written: the row failed, so the file goes too.
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    func path(of row: Row) -> String { directory + "/\(row.projectID)/" + row.storedName }
}

extension Request {
    /// A stored project file as a download, for someone allowed to read the catalog.
    func projectFileResponse(projectID: Int, fileID: Int) async throws -> Response {
        let store = ProjectFileStore(database: db, dataDirectory: kefu.configuration.dataDirectory)
        guard let row = try await store.find(fileID, projectID: projectID) else { throw KefuError.notFound }
        let response = try await fileio.asyncStreamFile(at: store.path(of: row), mediaType: nil)
        response.headers.replaceOrAdd(name: .contentType, value: BrochureRules.contentType(fileName: row.fileName))
        let encoded = row.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
