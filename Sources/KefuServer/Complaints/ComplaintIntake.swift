import Foundation
import KefuDomain
import Vapor

/// Issue 13 §1: a complaint from someone without a customer file — the file is created inline, as at
/// inquiry intake: the complaint and the new customer are checked together (the customer's problems as
/// `customer.<field>`), a file that looks like an existing one is refused with the matches unless a
/// reason is given, and only then are the file and the complaint written.
extension Request {
    func recordComplaint(_ input: ComplaintWorkflow.Intake) async throws -> Int {
        var input = input
        let workflow = ComplaintWorkflow(database: db)
        let calendar = try await WorkingCalendarStore(database: db).load()
        guard input.customerID == nil, let new = input.customer else {
            return try await workflow.create(input, context: auditContext, calendar: calendar)
        }
        let staff = try requireStaff()
        let (complaintErrors, _) = try await workflow.validate(input, now: now)
        var errors = FieldErrors(complaintErrors.messages.filter { $0.key != "customerID" })
        var draft = CustomerDraft()
        draft.name = new.name ?? ""
        draft.mobile = new.mobile ?? ""
        draft.companyName = new.companyName ?? ""
        draft.kind =
            draft.companyName.trimmed.isEmpty ? CustomerKind.individual.rawValue : CustomerKind.company.rawValue
        draft.source =
            ComplaintChannel(rawValue: input.channel ?? "").map(Self.source)?.rawValue ?? SourceChannel.phone.rawValue
        var values: CustomerValues?
        switch CustomerValidation.validate(draft) {
        case .success(let valid): values = valid
        case .failure(let problems): for (field, key) in problems.messages { errors.add("customer." + field, key) }
        }
        try errors.throwIfAny()
        guard let values else { throw KefuError.validation(errors) }
        let customer = try await CustomerStore(database: db).create(
            values, responsibleStaffID: input.staffID ?? staff.id, duplicateReason: new.duplicateReason,
            context: auditContext)
        input.customerID = try customer.requireID()
        input.customer = nil
        return try await workflow.create(input, context: auditContext, calendar: calendar)
    }

    private static func source(_ channel: ComplaintChannel) -> SourceChannel {
        switch channel {
        case .phone, .letter: .phone
        case .visit: .visit
        case .email: .email
        case .wechat: .onlineChat
        case .publicForm: .webForm
        }
    }
}
