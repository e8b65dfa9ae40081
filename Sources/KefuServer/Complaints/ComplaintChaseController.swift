import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Issue 13 §2: the specialist chases a department that has not answered a forwarded request — the
/// time is kept on the request (version-checked), on the complaint's customer timeline and in the
/// audit log, and the department's liaisons are told on the bell.
struct ComplaintChaseController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.manageComplaints).post(.complaintForwardChase, use: chasePage)
        routes.grouped("api", "v1", "complaints").requiring(.manageComplaints).post(
            ":id", "forwards", ":forward", "chase", use: chaseAPI)
    }

    struct Input: Content { var version: Int? }

    /// Chases the open request; answers it as it is now.
    static func chase(_ req: Request) async throws -> (ComplaintStore.Row, ComplaintStore.Forward) {
        let complaint = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let store = ComplaintStore(database: req.db)
        guard let id = req.parameters.get("forward", as: Int.self), let forward = try await store.forward(id),
            forward.complaintID == complaint.id
        else {
            throw KefuError.notFound
        }
        let version = try requireFormVersion(try req.content.decode(Input.self).version)
        guard forward.status == "open" else { throw ComplaintRefusal("forward", "complaint.chase.not_open") }
        let context = req.auditContext
        try await req.db.writeTransaction { tx in
            try await RecordWrites.change(
                ComplaintForwardKind.self, id: forward.id, version: version,
                RecordWrite(
                    set: "chased_at = \(bind: context.now)", condition: "status = 'open'",
                    timeline: .init(
                        kind: .complaintForwarded,
                        message: StoredMessage(
                            "timeline.message.complaint_chased",
                            ["number": "\(complaint.number)", "department": "\(forward.departmentName)"]),
                        about: .complaint(complaint)),
                    audit: .init(
                        action: "complaint.chased", fields: [],
                        message: AuditMessage.forwarded(number: complaint.number, department: forward.departmentName))),
                context: context, on: tx)
        }
        let liaisons = try await FeedbackStore(database: req.db).liaisons(of: forward.departmentID)
        if !liaisons.isEmpty {
            try await Reminders(app: req.application).record(
                [
                    Reminders.Message(
                        reminder: Reminder(
                            event: .complaintChased, recordType: ComplaintForwardKind.recordType, recordID: forward.id,
                            staffID: liaisons.first,
                            dueAt: forward.dueAt, dedupeKey: "complaint_forward:\(forward.id):chase:\(version)"),
                        titleKey: "reminder.title.complaint.chased", arguments: ["number": complaint.number],
                        lines: [complaint.number, forward.request, "⏰ " + DisplayFormat.dateTime(forward.dueAt)],
                        path: SiteURL.complaintInbox.path, recipients: liaisons)
                ], now: req.now)
        }
        return (complaint, try await store.forward(forward.id) ?? forward)
    }

    @Sendable func chasePage(req: Request) async throws -> Response {
        do {
            let (complaint, _) = try await Self.chase(req)
            return req.redirect(
                to: SiteURL.complaint(complaint.id).path, flash: FlashMessage(.success, "flash.complaint_chased"))
        } catch let conflict as RecordConflict {
            let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
            var page = try await ComplaintsController().showPage(req, row)
            page.formErrorKey = conflict.messageKey
            return try await req.renderPage("complaints/show", titleKey: "complaints.title", page, status: .conflict)
        } catch let error as KefuError where error.status == .conflict || error.status == .unprocessableEntity {
            let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
            var page = try await ComplaintsController().showPage(req, row)
            page.formErrorKey = error.messageKey
            return try await req.renderPage("complaints/show", titleKey: "complaints.title", page, status: error.status)
        } catch let refusal as ComplaintRefusal {
            let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
            var page = try await ComplaintsController().showPage(req, row)
            page.formErrorKey = refusal.messageKey
            return try await req.renderPage(
                "complaints/show", titleKey: "complaints.title", page, status: .unprocessableEntity)
        }
    }

    @Sendable func chaseAPI(req: Request) async throws -> ComplaintsAPIController.AnswerResult {
        ComplaintsAPIController.AnswerResult(forward: ComplaintsAPIController.ForwardDTO(try await Self.chase(req).1))
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .POST, path: "/api/v1/complaints/{id}/forwards/{forward}/chase", tag: "Complaints",
            summary:
                "Chase the department on an open forwarded request (its liaisons are told); version of the request",
            parameters: [
                OpenAPIParameters.id,
                ["name": "forward", "in": "path", "required": true, "schema": ["type": "integer"]],
            ],
            requestSchema: "FeedbackVersionInput", responses: [200: "ComplaintAnswerResult"])
    ]
}
