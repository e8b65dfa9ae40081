import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A consent event in the JSON API.
struct ConsentDTO: Content {
    var id: Int?
    var purpose: String
    var status: String
    var effectiveAt: Date?
    var channel: String
    var evidence: String?
    var noticeVersion: String?
    var recordedAt: Date?
    var actorName: String?
}

/// Records and reads consent events; each is audited and on the customer's timeline.
struct ConsentStore {
    let database: any Database

    struct Row: Decodable {
        var id: Int; var purpose: String; var status: String; var effectiveAt: Date; var channel: String;
        var evidence: String
        var noticeVersion: String; var recordedAt: Date; var actorName: String
        enum CodingKeys: String, CodingKey {
            case id, purpose, status, channel, evidence
            case effectiveAt = "effective_at", noticeVersion = "notice_version", recordedAt = "recorded_at", actorName =
                "actor_name"
        }
        var event: ConsentEvent? {
            guard let purpose = ConsentPurpose(rawValue: purpose), let status = ConsentStatus(rawValue: status) else {
                return nil
            }
            return ConsentEvent(purpose: purpose, status: status, at: effectiveAt)
        }
        var dto: ConsentDTO {
            ConsentDTO(
                id: id, purpose: purpose, status: status, effectiveAt: effectiveAt, channel: channel,
                evidence: evidence,
                noticeVersion: noticeVersion, recordedAt: recordedAt, actorName: actorName)
        }
    }

    func all(customerID: Int) async throws -> [Row] {
        try await database.sql().raw(
            """
            SELECT id, purpose, status, effective_at, channel, evidence, notice_version, recorded_at, actor_name
            FROM consents WHERE customer_id = \(bind: customerID) ORDER BY effective_at DESC, id DESC
            """
        ).all(decoding: Row.self)
    }

    func events(customerID: Int) async throws -> [ConsentEvent] {
        try await all(customerID: customerID).compactMap(\.event)
    }

    func record(_ input: ConsentDTO, customerID: Int, context: AuditContext) async throws -> Int {
        var errors = FieldErrors()
        if ConsentPurpose(rawValue: input.purpose) == nil { errors.add("purpose", "validation.choose_from_list") }
        if ConsentStatus(rawValue: input.status) == nil { errors.add("status", "validation.choose_from_list") }
        if !CustomerVocabulary.consentChannels.contains(input.channel) {
            errors.add("channel", "validation.choose_from_list")
        }
        if (input.evidence ?? "").count > 500 { errors.add("evidence", "validation.too_long") }
        if (input.noticeVersion ?? "").count > 32 { errors.add("noticeVersion", "validation.too_long") }
        if input.status == ConsentStatus.granted.rawValue, (input.noticeVersion ?? "").trimmed.isEmpty {
            errors.add("noticeVersion", "validation.required")
        }
        if let effective = input.effectiveAt, effective > context.now.addingTimeInterval(300) {
            errors.add("effectiveAt", "validation.consent.future")
        }
        if let effective = input.effectiveAt, let problem = PlausibleTime.pastProblem(effective) {
            errors.add("effectiveAt", problem)
        }
        try errors.throwIfAny()
        let effectiveAt = input.effectiveAt ?? context.now
        return try await database.writeTransaction { tx -> Int in
            let row = try await tx.sql().raw(
                """
                INSERT INTO consents (customer_id, purpose, status, effective_at, channel, evidence, notice_version, recorded_at, recorded_by_staff_id, actor_name)
                VALUES (\(bind: customerID), \(bind: input.purpose), \(bind: input.status), \(bind: effectiveAt), \(bind: input.channel),
                        \(bind: input.evidence ?? ""), \(bind: input.noticeVersion ?? ""), \(bind: context.now), \(bind: context.actorStaffID), \(bind: context.actorName))
                RETURNING id
                """
            ).first()
            let id = try row?.decode(column: "id", as: Int.self) ?? 0
            try await Timeline.record(
                .consent, customerID: customerID, recordType: "consent", recordID: id,
                message: StoredMessage(
                    "timeline.message.consent",
                    [
                        "purpose": .term("consent.purpose.\(input.purpose)"),
                        "status": .term("consent.status.\(input.status)"),
                    ]),
                occurredAt: effectiveAt, context: context, on: tx)
            try await AuditLog.record(
                "consent.recorded", recordType: "consent", recordID: String(id), fields: ["purpose", "status"],
                message: AuditMessage.consent(customer: "\(customerID)", purpose: input.purpose, status: input.status),
                context: context, on: tx)
            return id
        }
    }
}
