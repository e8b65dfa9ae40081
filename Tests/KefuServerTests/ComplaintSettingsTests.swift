import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 13: the configurable time limits (the supervisor's, version-checked, bad ones refused) and a
/// complaint's files (checked against the complaint, downloads audited).
@Suite("Complaint time limits and files (R3.5)")
struct ComplaintSettingsTests {
    @Test(
        "the supervisor changes a severity's limits; a specialist may not; bad or stale changes change nothing; a new complaint counts on the new limit"
    )
    func timeLimits() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let (_, list) = try await ComplaintTests.call(t, .GET, "/api/v1/complaint-time-limits", token: lina)
            #expect(list.contains("\"severity\":\"urgent\""))
            #expect(
                try await ComplaintTests.call(
                    t, .PUT, "/api/v1/complaint-time-limits/normal", token: lina,
                    ["firstResponseHours": 4, "updateHours": 16, "resolutionHours": 80, "version": 1]
                ).0 == .forbidden)
            #expect(
                try await ComplaintTests.call(
                    t, .PUT, "/api/v1/complaint-time-limits/normal", token: supervisor,
                    ["firstResponseHours": 0, "updateHours": 16, "resolutionHours": 80, "version": 1]
                ).0 == .unprocessableEntity)
            #expect(
                try await ComplaintTests.call(
                    t, .PUT, "/api/v1/complaint-time-limits/normal", token: supervisor,
                    ["firstResponseHours": 4, "updateHours": 16, "resolutionHours": 80, "version": 9]
                ).0 == .conflict)
            #expect(try await ComplaintStore(database: t.app.db).limits()[.normal] == .defaults(.normal))
            let (status, body) = try await ComplaintTests.call(
                t, .PUT, "/api/v1/complaint-time-limits/normal", token: supervisor,
                ["firstResponseHours": 4, "updateHours": 16, "resolutionHours": 80, "version": 1])
            #expect(status == .ok, "\(body)")
            let complaint = try await ComplaintTests.file(t, token: lina)
            #expect(complaint.remainingWorkingMinutes == 4 * 60)
            #expect(try await t.auditEntries("complaint.limits_changed").count == 1)
        }
    }

    @Test(
        "a complaint's file: added by its specialist, refused when not a PDF or image, downloaded by who may read the complaint only"
    )
    func files() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist), liaison = try await t.token(.liaison)
            let complaint = try await ComplaintTests.file(t, token: lina)
            func upload(_ name: String, _ bytes: [UInt8], token: String) async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.ok, "")
                try await t.app.testing().test(
                    .POST, "/api/v1/complaints/\(complaint.id)/attachments",
                    beforeRequest: { req in
                        req.bearer(token)
                        try req.content.encode(
                            ComplaintAttachmentsController.Upload(
                                file: File(data: ByteBuffer(bytes: bytes), filename: name)), as: .formData)
                    }
                ) { res async throws in result = (res.status, res.body.string) }
                return result
            }
            #expect(try await upload("现场.exe", Array("MZ not a picture".utf8), token: lina).0 == .unprocessableEntity)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 32)
            #expect(try await upload("现场.png", png, token: liaison).0 == .forbidden)
            let (status, body) = try await upload("现场照片.png", png, token: lina)
            #expect(status == .created, "\(body)")
            let id = try JSONDecoder().decode(
                ComplaintAttachmentsController.AttachmentDTO.self, from: Data(body.utf8), iso: true
            ).id
            #expect(
                try await ComplaintTests.call(
                    t, .GET, "/api/v1/complaints/\(complaint.id)/attachments/\(id)", token: lina
                ).0 == .ok)
            #expect(
                try await ComplaintTests.call(
                    t, .GET, "/api/v1/complaints/\(complaint.id)/attachments/\(id)", token: liaison
                ).0 == .forbidden)
            #expect(try await t.auditEntries("attachment.downloaded").count == 1)
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM attachments").first()!.decode(
                    column: "n", as: Int.self) == 1)
        }
    }
}

extension JSONDecoder {
    fileprivate func decode<T: Decodable>(_ type: T.Type, from data: Data, iso: Bool) throws -> T {
        dateDecodingStrategy = .iso8601
        return try decode(type, from: data)
    }
}

/// Issue 13 §8: the figures page and its CSV.
@Suite("Complaint figures (R3.5)")
struct ComplaintFiguresTests {
    @Test(
        "the supervisor sees complaints by category, severity and month and the satisfaction per person, with CSV; a specialist may not"
    )
    func figures() async throws {
        try await withApp { t in
            _ = try await SurveyTests.closedComplaint(t)
            let supervisor = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/complaints/figures", beforeRequest: { req in supervisor.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("物业/现场"))
                #expect(res.body.string.contains("id=\"figures-satisfaction\""))
            }
            try await t.app.testing().test(
                .GET, "/complaints/figures?csv=severity", beforeRequest: { req in supervisor.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.description.hasPrefix("text/csv") == true)
                #expect(res.body.string.contains("一般,1,"))
            }
            let specialist = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .GET, "/complaints/figures", beforeRequest: { req in specialist.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
        }
    }
}
