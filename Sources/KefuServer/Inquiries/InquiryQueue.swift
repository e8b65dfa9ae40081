import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The web-inquiry queue as the department works it (issue 10, improvement 7): a specialist claims a
/// waiting inquiry — first come, the second finds it taken (the `status = 'waiting'` claim in
/// ``InquiryStore/assign(_:to:keepOwner:context:)``) — the supervisor sees each person's open load, and a
/// colleague recording an inquiry on someone's customer tells the owner on the bell.
extension InquiryStore {
    struct Load: Content, Equatable { var staffID: Int; var staffName: String; var open: Int; var promised: Int }

    /// Each person's inquiries still to deal with: open and promised replies.
    func openLoad() async throws -> [Load] {
        struct Row: Decodable { var staff_id: Int; var staff_name: String; var open: Int; var promised: Int }
        return try await database.sql().raw(
            """
            SELECT inquiries.staff_id, staff.display_name AS staff_name,
                   SUM(CASE WHEN inquiries.status = 'open' THEN 1 ELSE 0 END) AS open,
                   SUM(CASE WHEN inquiries.status = 'promised' THEN 1 ELSE 0 END) AS promised
            FROM inquiries JOIN staff ON staff.id = inquiries.staff_id
            WHERE inquiries.status IN ('open', 'promised')
            GROUP BY inquiries.staff_id, staff.display_name ORDER BY staff.display_name
            """
        ).all(decoding: Row.self).map {
            Load(staffID: $0.staff_id, staffName: $0.staff_name, open: $0.open, promised: $0.promised)
        }
    }

    /// Tells a customer's owner that a colleague recorded an inquiry on their customer.
    static func notifyOwner(
        customerID: Int, inquiryID: Int, context: AuditContext, localizer: Localizer, on database: any Database
    ) async throws {
        guard
            let row = try await database.sql().raw(
                """
                SELECT customers.responsible_staff_id, inquiries.number, inquiries.question FROM inquiries
                JOIN customers ON customers.id = inquiries.customer_id WHERE inquiries.id = \(bind: inquiryID)
                """
            ).first(),
            let owner = try row.decode(column: "responsible_staff_id", as: Int?.self), owner != context.actorStaffID
        else { return }
        let number = try row.decode(column: "number", as: String?.self) ?? ""
        let question = try row.decode(column: "question", as: String.self)
        try await database.sql().raw(
            """
            INSERT INTO notifications (staff_id, event, title, body, link, dedupe_key, created_at)
            VALUES (\(bind: owner), 'inquiry.colleague_recorded', \(bind: localizer.text("reminder.title.inquiry.colleague_recorded", .zhHans, ["number": number])),
                    \(bind: String(question.prefix(200))), \(bind: SiteURL.customer(customerID).path), \(bind: "inquiry.colleague_recorded:\(inquiryID)"), \(bind: context.now))
            ON CONFLICT (staff_id, dedupe_key) DO NOTHING
            """
        ).run()
    }
}

extension Request {
    /// 认领: the waiting inquiry becomes the caller's, unless someone was quicker (409).
    func claimInquiry() async throws -> InquiryStore.Row {
        let row = try await inquiry(for: .claimInquiries)
        let store = InquiryStore(database: db)
        do {
            _ = try await store.assign(row.id, to: try requireStaff().id, keepOwner: false, context: auditContext)
        } catch is FieldErrors {
            throw KefuError.conflict("error.inquiry.already_claimed")
        }
        guard let claimed = try await store.find(row.id) else { throw KefuError.notFound }
        return claimed
    }
}
