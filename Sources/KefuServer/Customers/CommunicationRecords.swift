import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// How a conversation with a customer took place (R2.3).
enum CommunicationChannel: String, CaseIterable, Codable, Sendable {
    case phone, email, onlineChat = "online_chat", visit, wechat, meeting
}

/// One communication with a customer: channel, direction, time, duration, what was said, the agreed
/// next step (R2.3, R4.2).
struct CommunicationRecordDTO: Content {
    var id: Int?
    var customerID: Int?
    var staffID: Int?
    var channel: String
    var direction: String
    var occurredAt: Date?
    var durationMinutes: Int?
    var summary: String
    var content: String?
    var nextStep: String?
}

/// Writes and reads communication records; each appears on the customer's timeline.
struct CommunicationStore {
    let database: any Database

    func validate(_ input: CommunicationRecordDTO, now: Date) -> FieldErrors {
        var errors = FieldErrors()
        if CommunicationChannel(rawValue: input.channel) == nil { errors.add("channel", "validation.choose_from_list") }
        if !["inbound", "outbound"].contains(input.direction) {
            errors.add("direction", "validation.choose_from_list")
        }
        let summary = input.summary.trimmed
        if summary.isEmpty {
            errors.add("summary", "validation.required")
        } else if summary.count > 200 {
            errors.add("summary", "validation.too_long")
        }
        if (input.content ?? "").count > 5000 { errors.add("content", "validation.too_long") }
        if (input.nextStep ?? "").count > 500 { errors.add("nextStep", "validation.too_long") }
        if let minutes = input.durationMinutes, !(0...1440).contains(minutes) {
            errors.add("durationMinutes", "validation.communication.duration")
        }
        if let occurredAt = input.occurredAt, occurredAt > now.addingTimeInterval(300) {
            errors.add("occurredAt", "validation.communication.future")
        }
        if let occurredAt = input.occurredAt, let problem = PlausibleTime.pastProblem(occurredAt) {
            errors.add("occurredAt", problem)
        }
        return errors
    }

    func create(_ input: CommunicationRecordDTO, customerID: Int, staffID: Int, context: AuditContext) async throws
        -> Int
    {
        try validate(input, now: context.now).throwIfAny()
        let occurredAt = input.occurredAt ?? context.now
        let phrases = try await PhraseMarks.find(
            staffID: staffID, summary: input.summary.trimmed, content: input.content ?? "", on: database)
        return try await database.writeTransaction { tx -> Int in
            let row = try await tx.sql().raw(
                """
                INSERT INTO communication_records
                    (customer_id, staff_id, channel, direction, occurred_at, duration_minutes, summary, content, next_step, created_at, version)
                VALUES (\(bind: customerID), \(bind: staffID), \(bind: input.channel), \(bind: input.direction), \(bind: occurredAt),
                        \(bind: input.durationMinutes), \(bind: input.summary.trimmed),
                        \(bind: input.content ?? ""), \(bind: input.nextStep ?? ""), \(bind: context.now), 1)
                RETURNING id
                """
            ).first()
            let id = try row?.decode(column: "id", as: Int.self) ?? 0
            // A conversation is an update of the file: it is no longer stale (R4.3).
            let touched: SQLQueryString =
                "UPDATE customers SET updated_at = \(bind: context.now) WHERE id = \(bind: customerID)"
            let written: [SQLQueryString?] = [
                Timeline.entry(
                    .communication, customerID: customerID, recordType: "communication_record", recordID: id,
                    message: StoredMessage("timeline.message.text"), quoting: input.summary, occurredAt: occurredAt,
                    context: context),
                touched,
                AuditLog.entry(
                    "communication.created", recordType: "communication_record", recordID: String(id),
                    fields: ["channel", "summary"], message: AuditMessage.customer("\(customerID)"), context: context),
                try PhraseMarks.mark(phrases, recordID: id, staffID: staffID, context: context),
            ]
            try await tx.sql().runInOrder(written.compactMap { $0 })
            return id
        }
    }

    struct Row: Decodable {
        var id: Int
        var channel: String
        var direction: String
        var occurredAt: Date
        var durationMinutes: Int?
        var summary: String
        var content: String
        var nextStep: String
        var staffID: Int
        var staffName: String?

        enum CodingKeys: String, CodingKey {
            case id, channel, direction, summary, content
            case occurredAt = "occurred_at", durationMinutes = "duration_minutes", nextStep = "next_step"
            case staffID = "staff_id", staffName = "staff_name"
        }
    }

    /// The records behind some timeline entries, by id, so the timeline can show what was said.
    func rows(ids: [Int], customerID: Int) async throws -> [Int: Row] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.sql().raw(
            """
            SELECT communication_records.id, channel, direction, occurred_at, duration_minutes, summary, content, next_step,
                   staff_id, staff.display_name AS staff_name
            FROM communication_records LEFT JOIN staff ON staff.id = communication_records.staff_id
            WHERE customer_id = \(bind: customerID) AND communication_records.id IN (\(binds: ids))
            """
        ).all(decoding: Row.self)
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func page(customerID: Int, paging: Paging) async throws -> (items: [Row], total: Int) {
        let sql = try database.sql()
        let total =
            try await sql.raw("SELECT COUNT(*) AS n FROM communication_records WHERE customer_id = \(bind: customerID)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let items = try await sql.raw(
            """
            SELECT communication_records.id, channel, direction, occurred_at, duration_minutes, summary, content, next_step,
                   staff_id, staff.display_name AS staff_name
            FROM communication_records LEFT JOIN staff ON staff.id = communication_records.staff_id
            WHERE customer_id = \(bind: customerID) ORDER BY occurred_at DESC, communication_records.id DESC
            LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)
            """
        ).all(decoding: Row.self)
        return (items, total)
    }
}
