import Crypto
import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Files attached to records of any kind (issue 9 §4): checklist scans, signed contracts, later a
/// complaint's evidence. One table and one folder for every kind; what a kind accepts is declared
/// on it (``RecordKind/attachments``). Files live under the data directory, outside `Public/`, under
/// random names, so only the download route — which asks the owning record's access rule and writes
/// an audit entry — serves them.
struct CreateAttachments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("attachments")
            .field("id", .int, .identifier(auto: true))
            .field("record_type", .string, .required)
            .field("record_id", .int, .required)
            .field("file_name", .string, .required)
            .field("content_type", .string, .required)
            .field("byte_count", .int, .required)
            .field("sha256", .string, .required)
            .field("stored_name", .string, .required)
            .field("uploaded_by_staff_id", .int, .references("staff", "id"))
            .field("uploaded_at", .datetime, .required)
            .create()
        try await database.sql().raw("CREATE INDEX attachments_record ON attachments (record_type, record_id, id)")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("attachments").delete()
    }
}

struct AttachmentStore {
    let database: any Database
    let directory: String

    init(database: any Database, dataDirectory: String) {
        self.database = database
        directory = dataDirectory + "/files/attachments"
    }

    struct Row: Decodable, Sendable {
        var id: Int, recordType: String, recordID: Int, fileName: String, contentType: String, byteCount: Int,
            sha256: String
        var storedName: String, uploadedAt: Date, uploaderName: String?

        enum CodingKeys: String, CodingKey {
            case id, sha256
            case recordType = "record_type", recordID = "record_id", fileName = "file_name", contentType =
                "content_type"
            case byteCount = "byte_count", storedName = "stored_name", uploadedAt = "uploaded_at", uploaderName =
                "uploader_name"
        }
    }

    private static let select: SQLQueryString = """
        SELECT attachments.id, attachments.record_type, attachments.record_id, attachments.file_name, attachments.content_type,
               attachments.byte_count, attachments.sha256, attachments.stored_name, attachments.uploaded_at, staff.display_name AS uploader_name
        FROM attachments LEFT JOIN staff ON staff.id = attachments.uploaded_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE attachments.id = \(bind: id)").first(decoding: Row.self)
    }

    /// The files of some records of one kind, oldest first.
    func list(_ kind: any RecordKind.Type, recordIDs: [Int]) async throws -> [Row] {
        guard !recordIDs.isEmpty else { return [] }
        return try await database.sql().raw(
            """
            \(Self.select) WHERE attachments.record_type = \(bind: kind.recordType) AND attachments.record_id IN (\(binds: recordIDs))
            ORDER BY attachments.id
            """
        ).all(decoding: Row.self)
    }

    /// The files of two kinds' records in one read (a contract's signed files and its checklist's scans),
    /// each kind's in id order.
    func list(
        _ kind: any RecordKind.Type, recordIDs: [Int], and other: any RecordKind.Type, otherIDs: [Int]
    ) async throws -> (first: [Row], second: [Row]) {
        guard !recordIDs.isEmpty, !otherIDs.isEmpty else {
            return (try await list(kind, recordIDs: recordIDs), try await list(other, recordIDs: otherIDs))
        }
        let rows = try await database.sql().raw(
            """
            \(Self.select) WHERE (attachments.record_type = \(bind: kind.recordType) AND attachments.record_id IN (\(binds: recordIDs)))
               OR (attachments.record_type = \(bind: other.recordType) AND attachments.record_id IN (\(binds: otherIDs)))
            ORDER BY attachments.id
            """
        ).all(decoding: Row.self)
        return (rows.filter { $0.recordType == kind.recordType }, rows.filter { $0.recordType == other.recordType })
    }

    func count(_ kind: any RecordKind.Type, recordID: Int, on database: (any Database)? = nil) async throws -> Int {
        try await (database ?? self.database).sql().raw(
            """
            SELECT COUNT(*) AS n FROM attachments WHERE record_type = \(bind: kind.recordType) AND record_id = \(bind: recordID)
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Checks the file against the kind's rules, stores it and its row, and runs `alongside` (the
    /// owning part's timeline entry) in the same transaction as the row and its audit entry. A
    /// refused file changes nothing; a failed transaction leaves no file behind.
    func add(
        _ kind: any RecordKind.Type, recordID: Int, fileName: String, bytes: ByteBuffer, context: AuditContext,
        alongside: @escaping @Sendable (any Database, Int) async throws -> Void = { _, _ in }
    ) async throws -> Int {
        guard let rules = kind.attachments else { throw KefuError.notFound }
        let name = String(fileName.trimmed.split(separator: "/").last ?? "").replacingOccurrences(of: "\\", with: "_")
        let prefix = bytes.getBytes(at: bytes.readerIndex, length: min(16, bytes.readableBytes)) ?? []
        if let problem = rules.problem(fileName: name, byteCount: bytes.readableBytes, prefix: prefix) {
            throw FieldErrors(["file": problem])
        }
        let type = AttachmentFileType(fileName: name) ?? .pdf
        let data = Data(buffer: bytes)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let stored = UUID().uuidString.lowercased()
        let folder = directory + "/" + kind.recordType
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + stored
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw KefuError(.internalServerError, code: "storage", messageKey: "error.internal")
        }
        do {
            return try await database.writeTransaction { tx in
                let id =
                    try await tx.sql().raw(
                        """
                        INSERT INTO attachments (record_type, record_id, file_name, content_type, byte_count, sha256, stored_name,
                            uploaded_by_staff_id, uploaded_at)
                        VALUES (\(bind: kind.recordType), \(bind: recordID), \(bind: name), \(bind: type.contentType), \(bind: data.count),
                                \(bind: digest), \(bind: stored), \(bind: context.actorStaffID), \(bind: context.now))
                        RETURNING id
                        """
                    ).first()?.decode(column: "id", as: Int.self) ?? 0
                try await AuditLog.record(
                    "attachment.added", recordType: kind.recordType, recordID: String(recordID), fields: ["file"],
                    message: AuditMessage.attachmentAdded(
                        id: "\(id)", name: name, bytes: "\(data.count)", sha256: String(digest.prefix(16))),
                    context: context, on: tx)
                try await alongside(tx, id)
                return id
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    func path(of row: Row) -> String { directory + "/" + row.recordType + "/" + row.storedName }

    /// Removes the rows of every file attached to a record of the customer (scans of identity cards,
    /// signed contracts: PIPL personal data), in the caller's transaction; returns the stored files'
    /// paths, which the caller deletes once the transaction has committed.
    func removeAll(ofCustomer id: Int, kinds: [any RecordKind.Type], on tx: any Database) async throws -> [String] {
        var paths: [String] = []
        for kind in kinds where kind.attachments != nil {
            guard let records = RecordKinds.recordIDs(of: kind, customer: id) else { continue }
            let rows = try await tx.sql().raw(
                """
                DELETE FROM attachments WHERE record_type = \(bind: kind.recordType) AND record_id IN (\(records)) RETURNING stored_name
                """
            ).all()
            paths += try rows.map {
                directory + "/" + kind.recordType + "/" + (try $0.decode(column: "stored_name", as: String.self))
            }
        }
        return paths
    }
}

extension Request {
    /// A stored attachment as a download, after the caller's access to its record was checked; the
    /// download is written to the audit log (whose scan of an identity card was read, by whom).
    func attachmentResponse(_ row: AttachmentStore.Row) async throws -> Response {
        let store = AttachmentStore(database: db, dataDirectory: kefu.configuration.dataDirectory)
        try await AuditLog.record(
            "attachment.downloaded", recordType: row.recordType, recordID: String(row.recordID), fields: ["file"],
            message: AuditMessage.attachment(id: "\(row.id)", name: row.fileName), context: auditContext, on: db)
        let response = try await fileio.asyncStreamFile(at: store.path(of: row), mediaType: nil)
        response.headers.replaceOrAdd(name: .contentType, value: row.contentType)
        let encoded = row.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename*=UTF-8''\(encoded)")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return response
    }
}
