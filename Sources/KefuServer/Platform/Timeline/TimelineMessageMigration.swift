import Fluent
import Foundation
import SQLKit

/// Timeline entries store a message key and its arguments (issue 9 §7). Entries written before are
/// converted where their text has a known shape; the rest keep their text under `timeline.legacy`,
/// which shows it as it is. Entries whose whole text is what someone typed (a conversation, a
/// follow-up's outcome, a file created) read the same either way and are left as they are — there
/// are millions of them.
struct AddTimelineMessages: AsyncMigration {
    /// The kinds whose text has shapes worth reading (`LegacyTimelineText.convert`).
    static let convertedKinds: [Timeline.Kind] = [
        .changed, .reassigned, .merged, .anonymized, .consent, .sharing, .recommendation, .reaction, .inquiry, .reply,
        .complaintReceived, .complaintForwarded, .complaintAnswered, .complaintUpdate, .complaintState,
        .contractForwarded, .contractState, .feedbackRecorded, .feedbackForwarded, .feedbackAnswered,
        .returnVisitOpened, .returnVisitDone,
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw(
            "ALTER TABLE timeline_entries ADD COLUMN message_key TEXT NOT NULL DEFAULT 'timeline.legacy'"
        ).run()
        try await sql.raw("ALTER TABLE timeline_entries ADD COLUMN message_args TEXT NOT NULL DEFAULT '{}'").run()
        try await Self.convertLegacyEntries(on: database)
    }

    /// Converts the entries still under `timeline.legacy` whose text has a known shape.
    static func convertLegacyEntries(on database: any Database) async throws {
        let sql = try database.sql()
        var names: [Int: String] = [:]
        for row in try await sql.raw("SELECT id, display_name FROM staff").all() {
            names[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "display_name", as: String.self)
        }
        let kinds = convertedKinds.map(\.rawValue), staffNames = names
        // A chunk at a time in id order, each chunk's updates in one transaction: read whole, the
        // million-customer database's two million candidates held 2.8 GB.
        var after = 0
        while true {
            let rows = try await sql.raw(
                """
                SELECT id, kind, summary FROM timeline_entries
                WHERE id > \(bind: after) AND message_key = \(bind: StoredMessage.legacyTimeline)
                  AND (kind IN (\(binds: kinds)) OR (kind = 'created' AND summary LIKE '% · %'))
                ORDER BY id LIMIT 5000
                """
            ).all()
            guard let last = rows.last else { return }
            after = try last.decode(column: "id", as: Int.self)
            try await database.writeTransaction { tx in
                for row in rows {
                    let kind = try row.decode(column: "kind", as: String.self)
                    let summary = try row.decode(column: "summary", as: String.self)
                    guard
                        let (message, text) = LegacyTimelineText.convert(
                            kind: kind, summary: summary, staffNames: staffNames)
                    else { continue }
                    try await tx.sql().raw(
                        """
                        UPDATE timeline_entries SET message_key = \(bind: message.key), message_args = \(bind: message.argumentsJSON),
                            summary = \(bind: text)
                        WHERE id = \(bind: try row.decode(column: "id", as: Int.self))
                        """
                    ).run()
                }
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("timeline_entries").deleteField("message_args").deleteField("message_key").update()
    }
}

/// Reads the text a timeline entry was stored with before messages: the shapes each writer used.
/// A text of no known shape is not converted (nil) and keeps showing as it is.
enum LegacyTimelineText {
    static func convert(kind: String, summary: String, staffNames: [Int: String]) -> (StoredMessage, String)? {
        let parts = summary.components(separatedBy: " · ")
        func numbered(_ key: String) -> (StoredMessage, String)? {
            guard parts.count >= 2, isNumber(parts[0]) else { return nil }
            return (
                StoredMessage(key, ["number": .value(parts[0])]),
                parts.dropFirst().joined(separator: " · ")
            )
        }
        func arrow(_ separator: String, _ key: String) -> (StoredMessage, String)? {
            let sides = summary.components(separatedBy: separator)
            guard sides.count == 2, isNumber(sides[0]) else { return nil }
            return (StoredMessage(key, ["number": .value(sides[0]), "department": .value(sides[1])]), "")
        }
        switch Timeline.Kind(rawValue: kind) {
        case .changed:
            let fields = summary.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard !fields.isEmpty, fields.allSatisfy(isCode) else { return nil }
            return (
                StoredMessage("timeline.message.changed", ["fields": .terms(fields.map { "customer.field.\($0)" })]), ""
            )
        case .reassigned:
            guard summary.hasPrefix("→ "), let id = Int(summary.dropFirst(2)) else { return nil }
            return (StoredMessage("timeline.message.reassigned", ["staff": .value(staffNames[id] ?? String(id))]), "")
        case .merged:
            let sides = parts[0].components(separatedBy: " → ")
            guard sides.count == 2 else { return nil }
            return (
                StoredMessage("timeline.message.merged", ["from": .value(sides[0]), "to": .value(sides[1])]),
                parts.dropFirst().joined(separator: " · ")
            )
        case .anonymized:
            return (StoredMessage("timeline.message.code", ["code": .value(summary)]), "")
        case .created:
            return created(parts)
        case .consent:
            guard parts.count == 2, parts.allSatisfy(isCode) else { return nil }
            return (
                StoredMessage(
                    "timeline.message.consent",
                    ["purpose": .term("consent.purpose.\(parts[0])"), "status": .term("consent.status.\(parts[1])")]),
                ""
            )
        case .sharing:
            guard parts.count == 2, isCode(parts[1]) else { return nil }
            let status = ["approved", "rejected"].contains(parts[1]) ? "sharing.status" : "consent.purpose"
            return (
                StoredMessage(
                    "timeline.message.sharing",
                    ["recipient": .value(parts[0]), "status": .term("\(status).\(parts[1])")]),
                ""
            )
        case .recommendation:
            guard let open = summary.range(of: " (v", options: .backwards), summary.hasSuffix(")"),
                let space = summary[..<open.lowerBound].firstIndex(of: " ")
            else { return nil }
            let version = summary[open.upperBound..<summary.index(before: summary.endIndex)]
            guard Int(version) != nil else { return nil }
            return (
                StoredMessage(
                    "timeline.message.recommendation",
                    [
                        "code": .value(String(summary[..<space])),
                        "name": .value(String(summary[summary.index(after: space)..<open.lowerBound])),
                        "version": .value(String(version)),
                    ]), ""
            )
        case .reaction:
            let halves = summary.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let code = halves.first, isCode(code) else { return nil }
            let reason = halves.count > 1 ? halves[1] : ""
            return (
                StoredMessage(
                    reason.isEmpty ? "timeline.message.reaction" : "timeline.message.reaction_reason",
                    ["reaction": .term("recommendation.reaction.\(code)")]), reason
            )
        case .inquiry:
            if parts.count >= 3, parts[1] == "网页咨询", isNumber(parts[0]) {
                return (
                    StoredMessage(
                        "timeline.message.inquiry_channel",
                        ["number": .value(parts[0]), "channel": .term("inquiry.channel.web_form")]),
                    parts.dropFirst(2).joined(separator: " · ")
                )
            }
            if parts.count >= 3, let last = parts.last, last.hasPrefix("承诺 "), last.hasSuffix(" 前答复"),
                isNumber(parts[0])
            {
                let deadline = String(last.dropFirst("承诺 ".count).dropLast(" 前答复".count))
                return (
                    StoredMessage(
                        "timeline.message.inquiry_promised", ["number": .value(parts[0]), "deadline": .value(deadline)]),
                    parts.dropFirst().dropLast().joined(separator: " · ")
                )
            }
            return numbered("timeline.message.number_text")
        case .reply, .complaintReceived, .complaintUpdate, .feedbackRecorded:
            return numbered("timeline.message.number_text")
        case .complaintForwarded:
            let chased = " · \(StoredText.term("complaint.chased")) → "
            if summary.contains(chased) {
                let sides = summary.components(separatedBy: chased)
                guard sides.count == 2 else { return nil }
                return (
                    StoredMessage(
                        "timeline.message.complaint_chased",
                        ["number": .value(sides[0]), "department": .value(sides[1])]), ""
                )
            }
            return arrow(" → ", "timeline.message.forwarded")
        case .feedbackForwarded:
            return arrow(" → ", "timeline.message.forwarded")
        case .complaintAnswered:
            return arrow(" ← ", "timeline.message.complaint_answered")
        case .feedbackAnswered:
            guard parts.count == 2, isNumber(parts[0]) else { return nil }
            return (
                StoredMessage(
                    "timeline.message.feedback_answered", ["number": .value(parts[0]), "department": .value(parts[1])]),
                ""
            )
        case .complaintState:
            guard parts.count == 2, isNumber(parts[0]), isCode(parts[1]) else { return nil }
            return (
                StoredMessage(
                    "timeline.message.state",
                    ["number": .value(parts[0]), "state": .term("complaint.state.\(parts[1])")]),
                ""
            )
        case .contractForwarded:
            guard isNumber(summary) else { return nil }
            return (StoredMessage("timeline.message.number", ["number": .value(summary)]), "")
        case .contractState:
            guard parts.count >= 2, isNumber(parts[0]) else { return nil }
            let states = parts[1].components(separatedBy: " → ").compactMap { term($0, prefix: "contract.state.") }
            guard states.count == 2 else { return nil }
            let reason = parts.dropFirst(2).joined(separator: " · ")
            return (
                StoredMessage(
                    reason.isEmpty ? "timeline.message.contract_state" : "timeline.message.contract_state_reason",
                    ["number": .value(parts[0]), "from": .term(states[0]), "to": .term(states[1])]), reason
            )
        case .returnVisitOpened:
            let prefix = StoredText.term("return_visit.reason.low_score") + " "
            guard summary.hasPrefix(prefix), summary.hasSuffix("/5") else { return nil }
            let score = String(summary.dropFirst(prefix.count).dropLast(2))
            guard Int(score) != nil else { return nil }
            return (StoredMessage("timeline.message.return_visit_low_score", ["score": .value(score)]), "")
        case .returnVisitDone:
            guard parts.count == 2 || parts.count == 3, parts[0].hasSuffix("/5"),
                let cooperation = term(parts[1], prefix: "return_visit.cooperation.")
            else { return nil }
            var arguments: [String: StoredArgument] = [
                "satisfaction": .value(String(parts[0].dropLast(2))), "cooperation": .term(cooperation),
            ]
            if parts.count == 3 { arguments["problems"] = .value(parts[2]) }
            return (
                StoredMessage(
                    parts.count == 3
                        ? "timeline.message.return_visit_done_problems" : "timeline.message.return_visit_done",
                    arguments), ""
            )
        default:
            return nil
        }
    }

    /// "code · 疑似重复: A, B · reason" (a file created despite duplicates) and
    /// "code · job line 12[ · 疑似重复: A]" (an imported row).
    private static func created(_ parts: [String]) -> (StoredMessage, String)? {
        guard parts.count >= 2 else { return nil }
        let code = parts[0]
        let duplicatePrefix = "疑似重复: "
        if parts[1].hasPrefix(duplicatePrefix) {
            return (
                StoredMessage(
                    "timeline.message.created_duplicate",
                    ["code": .value(code), "duplicates": .value(String(parts[1].dropFirst(duplicatePrefix.count)))]),
                parts.dropFirst(2).joined(separator: " · ")
            )
        }
        let job = parts[1].components(separatedBy: " line ")
        guard job.count == 2, Int(job[1]) != nil, parts.count <= 3 else { return nil }
        var arguments: [String: StoredArgument] = ["code": .value(code), "job": .value(job[0]), "line": .value(job[1])]
        if parts.count == 3 {
            guard parts[2].hasPrefix(duplicatePrefix) else { return nil }
            arguments["duplicates"] = .value(String(parts[2].dropFirst(duplicatePrefix.count)))
        }
        return (
            StoredMessage(
                parts.count == 3 ? "timeline.message.imported_duplicate" : "timeline.message.imported", arguments), ""
        )
    }

    /// A record number such as HT-2026-000123 or ZX-2026-000001.
    private static func isNumber(_ text: String) -> Bool {
        let pieces = text.split(separator: "-")
        return pieces.count == 3 && pieces[0].allSatisfy(\.isUppercase) && pieces[1].allSatisfy(\.isNumber)
            && pieces[2].allSatisfy(\.isNumber)
    }

    /// A stored code: lower-case letters, digits and underscores (camelCase field names included).
    private static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// The key inside a stored term `⟦prefix…⟧`.
    private static func term(_ text: String, prefix: String) -> String? {
        guard text.hasPrefix(StoredText.open + prefix), text.hasSuffix(StoredText.close) else { return nil }
        return String(text.dropFirst(StoredText.open.count).dropLast(StoredText.close.count))
    }
}
