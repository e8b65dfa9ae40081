import Fluent
import Foundation
import Vapor

/// Who is acting and from where, captured once per request for the audit entries it writes.
struct AuditContext: Sendable {
    var actorStaffID: Int?
    var actorName: String
    var address: String
    var requestID: String
    var now: Date

    /// For commands run on the server's console (`kefu user create` …).
    static func console(now: Date) -> AuditContext {
        AuditContext(actorStaffID: nil, actorName: "console", address: "console", requestID: "-", now: now)
    }
}

extension Request {
    var auditContext: AuditContext {
        AuditContext(
            actorStaffID: staff?.id, actorName: staff?.username ?? "anonymous", address: clientAddress,
            requestID: requestID, now: now
        )
    }
}

/// Writes audit entries. Call it with the transaction of the change it records, so the entry and the
/// change are committed together or not at all.
enum AuditLog {
    /// Records `action` with its detail as a message key and arguments (issue 9 §7), put in the
    /// reader's language on the audit page and the API; `text` is what someone typed that the message
    /// quotes as `{text}` (a reason, a name given). An entry without a message has no detail (a
    /// sign-in); one whose detail is only what someone typed passes ``AuditMessage/typed``.
    static func record(
        _ action: String, recordType: String, recordID: String, fields: [String] = [],
        message: StoredMessage = AuditMessage.none,
        quoting text: String = "", context: AuditContext, on database: any Database
    ) async throws {
        let entry = AuditEntryModel()
        entry.occurredAt = context.now
        entry.actorStaffID = context.actorStaffID
        entry.actorName = context.actorName
        entry.action = action
        entry.recordType = recordType
        entry.recordID = recordID
        entry.fields = fields.sorted().joined(separator: ",")
        entry.detail = String(text.prefix(1000))
        entry.messageKey = message.key
        entry.messageArgs = message.argumentsJSON
        entry.address = context.address
        entry.requestID = context.requestID
        try await entry.create(on: database)
    }
}

extension Request {
    /// The audit action in words ("登录"), or its code when no text exists for it yet.
    func auditActionLabel(_ action: String) -> String {
        let key = "audit.action.\(action)"
        return kefu.localizer.hasKey(key) ? t(key) : action
    }
}
