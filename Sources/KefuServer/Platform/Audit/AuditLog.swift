import Fluent
import Foundation
import SQLKit
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
        try await database.sql().raw(
            entry(
                action, recordType: recordType, recordID: recordID, fields: fields, message: message, quoting: text,
                context: context)
        ).run()
    }

    /// The INSERT of ``record(_:recordType:recordID:fields:message:quoting:context:on:)``, for
    /// ``SQLKit/SQLDatabase/runInOrder(_:)`` with the other statements of a write. One plain statement rather
    /// than the model's `create`: Fluent reflects over the model's fields several times per create, and every
    /// write in the server records an entry on the writer's one path (issue 18 §9).
    static func entry(
        _ action: String, recordType: String, recordID: String, fields: [String] = [],
        message: StoredMessage = AuditMessage.none, quoting text: String = "", context: AuditContext
    ) -> SQLQueryString {
        """
        INSERT INTO audit_entries (occurred_at, actor_staff_id, actor_name, action, record_type, record_id, fields,
            detail, message_key, message_args, address, request_id)
        VALUES (\(bind: context.now), \(bind: context.actorStaffID), \(bind: context.actorName), \(bind: action),
            \(bind: recordType), \(bind: recordID), \(bind: fields.sorted().joined(separator: ",")),
            \(bind: String(text.prefix(1000))), \(bind: message.key), \(bind: message.argumentsJSON),
            \(bind: context.address), \(bind: context.requestID))
        """
    }
}

extension Request {
    /// The audit action in words ("登录"), or its code when no text exists for it yet.
    func auditActionLabel(_ action: String) -> String {
        let key = "audit.action.\(action)"
        return kefu.localizer.hasKey(key) ? t(key) : action
    }
}
