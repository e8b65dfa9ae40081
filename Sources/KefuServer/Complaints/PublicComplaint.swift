import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Issue 13 §1: a complaint sent through the public form (`/inquire`, 我要投诉). It is filed on the
/// customer with the visitor's mobile, or on a new file with the consent the visitor gave, and received
/// as a complaint from the public form at once — acknowledged by the number shown to the visitor, not
/// yet apologised to. Its specialist is the file's; without one the escalation ladder's first level
/// falls to the supervisor, who hands it on.
struct PublicComplaint {
    let database: any Database

    func file(_ inquiry: PublicInquiry, noticeVersion: String, context: AuditContext) async throws -> String {
        struct Existing: Decodable { var id: Int; var responsibleStaffID: Int? }
        let calendar = try await WorkingCalendarStore(database: database).load()
        return try await database.writeTransaction { tx in
            let existing = try await tx.sql().raw(
                """
                SELECT id, responsible_staff_id FROM customers WHERE mobile = \(bind: inquiry.mobile) AND merged_into_id IS NULL ORDER BY id LIMIT 1
                """
            ).firstRow(Existing.self)
            var customerID = existing?.id
            let owner = existing?.responsibleStaffID
            if customerID == nil {
                var draft = CustomerDraft()
                draft.kind =
                    (inquiry.company ?? "").isEmpty ? CustomerKind.individual.rawValue : CustomerKind.company.rawValue
                draft.name = inquiry.name
                draft.companyName = inquiry.company ?? ""
                draft.mobile = inquiry.mobile
                draft.industries = inquiry.intent.map { [$0] } ?? []
                draft.source = SourceChannel.webForm.rawValue
                draft.consentChannel = "web_form"
                draft.consentNoticeVersion = noticeVersion
                let values = try CustomerValidation.validate(draft).get()
                let customer = try await CustomerStore(database: tx).create(
                    values, responsibleStaffID: nil, duplicateReason: "网页投诉", context: context)
                let newID = try customer.requireID()
                customerID = newID
                _ = try await ConsentStore(database: tx).record(
                    ConsentDTO(
                        purpose: ConsentPurpose.collection.rawValue, status: ConsentStatus.granted.rawValue,
                        effectiveAt: context.now,
                        channel: "web_form", evidence: "网页投诉表单勾选同意", noticeVersion: noticeVersion),
                    customerID: newID, context: context)
            }
            let id = try await ComplaintWorkflow(database: tx).create(
                .init(
                    customerID: customerID, channel: ComplaintChannel.publicForm.rawValue, receivedAt: nil,
                    description: inquiry.question, demands: "",
                    category: "other", severity: ComplaintSeverity.normal.rawValue, projectID: nil, contractID: nil,
                    acknowledged: true, apologised: false,
                    staffID: owner),
                context: context, calendar: calendar)
            return try await ComplaintStore(database: tx).find(id, on: tx)?.number ?? ""
        }
    }
}
