import Foundation

/// Reads the details of the writers moved to messages after ``AddAuditMessages`` (customers, inquiries,
/// follow-ups, privacy, training, conduct, assessment, attendance, staff, calendar, work plans,
/// inspections, projects, recommendations, return visits, feedback, templates, settings), by action,
/// for ``ConvertMoreAuditDetails``. A detail of no known shape is not converted (nil) and keeps showing
/// as it was written; details that were only what someone typed (a reason) stay text on purpose.
/// Frozen with its migration: the shapes are those of the writers before it.
enum LegacyAuditDetailMore {
    static let actions: Set<String> = Set(numberActions).union(nameActions).union(customerActions)
        .union(forwardActions).union(countActions.keys).union(otherActions).union(LegacyStaffAuditDetail.actions)

    /// Actions whose whole detail was a record's number (or a project's code).
    static let numberActions: Set<String> = [
        "feedback.created", "feedback.answered", "feedback.closed", "project.created",
    ]
    /// Actions whose whole detail was a name (a filter, a department, a webhook, a case, a category, a cycle).
    static let nameActions: Set<String> = [
        "saved_filter.saved", "department.created", "department.updated", "webhook.created", "webhook.changed",
        "project.case_added", "complaint.category.added", "assessment_cycle.colleague_rated",
        "assessment.acknowledged", "assessment.appealed",
    ]
    /// Actions whose detail was "customer 12".
    static let customerActions: Set<String> = ["communication.created", "follow_up.planned", "follow_up.completed"]
    static let forwardActions: Set<String> = ["feedback.forwarded", "feedback.chased"]
    /// Actions whose whole detail was a count.
    static let countActions: [String: @Sendable (String) -> StoredMessage] = [
        "token.revoked_all": AuditMessage.tokensRevoked, "attendance.marks_settled": AuditMessage.marksSettled,
        "attendance.exported": AuditMessage.rows, "return_visit.scheduled": AuditMessage.visitsScheduled,
    ]
    static let otherActions: Set<String> = [
        "customer.created", "customer.reassigned", "customer.exported", "customer.duplicate_checked",
        "customer.import_checked", "customer.merged", "inquiry.created", "inquiry.submitted", "inquiry.assigned",
        "follow_up.rescheduled", "sharing.downloaded", "customer.data_copied", "consent.recorded", "attachment.removed",
        "sharing.requested", "sharing.released", "sharing.rejected", "return_visit.settings", "return_visit.done",
        "return_visit.opened", "recommendation.created", "recommendation.reaction", "project.file_added",
        "project.changed", "contract_template.created", "contract_template.updated", "procedure_template.created",
        "procedure_template.updated", "complaint.ladder", "complaint.category.changed", "calendar.hours_changed",
        "calendar.day_set", "calendar.imported", "calendar.day_removed",
    ]

    /// The message and the quoted text of an old entry's detail, or nil to keep it as text.
    static func convert(action: String, detail: String) -> (StoredMessage, String)? {
        guard !detail.isEmpty else { return nil }
        if numberActions.contains(action) {
            return action == "project.created" || LegacyDetailShape.isNumber(detail)
                ? (AuditMessage.number(detail), "") : nil
        }
        if nameActions.contains(action) { return (AuditMessage.name(detail), "") }
        if customerActions.contains(action) {
            guard let id = LegacyDetailShape.match(detail, "customer {}")?[0], Int(id) != nil else { return nil }
            return (AuditMessage.customer(id), "")
        }
        if forwardActions.contains(action) {
            guard let sides = LegacyDetailShape.match(detail, "{} → {}"), LegacyDetailShape.isNumber(sides[0]) else {
                return nil
            }
            return (AuditMessage.forwarded(number: sides[0], department: sides[1]), "")
        }
        if let count = countActions[action] { return Int(detail) != nil ? (count(detail), "") : nil }
        if LegacyStaffAuditDetail.actions.contains(action) {
            return LegacyStaffAuditDetail.convert(action: action, detail: detail)
        }
        return customers(action: action, detail: detail) ?? settings(action: action, detail: detail).map { ($0, "") }
    }

    private static func customers(action: String, detail: String) -> (StoredMessage, String)? {
        let shape = LegacyDetailShape.match
        let isNumber = LegacyDetailShape.isNumber, isCode = LegacyDetailShape.isCode
        switch action {
        case "customer.created":
            if isNumber(detail) { return (AuditMessage.number(detail), "") }
            guard let p = shape(detail, "duplicate of {}: {}") else { return nil }
            let codes = p[0].components(separatedBy: ",")
            return codes.allSatisfy(isNumber) ? (AuditMessage.createdDespiteDuplicates(codes), p[1]) : nil
        case "customer.reassigned":
            guard let p = shape(detail, "{} → {}") else { return nil }
            guard let q = shape(p[1], "{} · {}") else {
                return (AuditMessage.reassigned(from: p[0], to: p[1], withReason: false), "")
            }
            return (AuditMessage.reassigned(from: p[0], to: q[0], withReason: true), q[1])
        case "customer.exported":
            guard let p = shape(detail, "{} rows; filter: {}"), Int(p[0]) != nil else { return nil }
            return (AuditMessage.customersExported(rows: p[0], filter: p[1]), "")
        case "customer.duplicate_checked":
            guard let arrow = detail.range(of: " → ", options: .backwards) else { return nil }
            let matches = String(detail[arrow.upperBound...])
            guard Int(matches) != nil else { return nil }
            return (AuditMessage.duplicateChecked(asked: String(detail[..<arrow.lowerBound]), matches: matches), "")
        case "customer.import_checked":
            guard let p = shape(detail, "rows {}, matching files on record {}"), p.allSatisfy({ Int($0) != nil }) else {
                return nil
            }
            return (AuditMessage.importChecked(rows: p[0], matches: p[1]), "")
        case "customer.merged":
            guard let p = shape(detail, "{} into {}: {}"), isNumber(p[0]), isNumber(p[1]) else { return nil }
            return (AuditMessage.merged(p[0], into: p[1]), p[2])
        case "inquiry.created":
            guard let p = shape(detail, "customer {}, {}"), Int(p[0]) != nil, isCode(p[1]) else { return nil }
            return (AuditMessage.inquiryCreated(customer: p[0], status: p[1]), "")
        case "inquiry.submitted":
            guard let p = shape(detail, "public form, notice {}") else { return nil }
            return (AuditMessage.publicForm(notice: p[0]), "")
        case "inquiry.assigned":
            guard let p = shape(detail, "staff {}, customer {}"), p.allSatisfy({ Int($0) != nil }) else { return nil }
            return (AuditMessage.staffCustomer(staff: p[0], customer: p[1]), "")
        case "follow_up.rescheduled":
            guard let p = shape(detail, "{} → {} · {}") else { return nil }
            return (AuditMessage.rescheduled(from: p[0], to: p[1]), p[2])
        case "sharing.downloaded":
            guard let p = shape(detail, "customer {} → {}"), Int(p[0]) != nil else { return nil }
            return (AuditMessage.customerRecipient(customer: p[0], recipient: p[1]), "")
        case "sharing.released", "sharing.rejected":
            guard let p = shape(detail, "customer {} → {}: {}"), Int(p[0]) != nil else { return nil }
            return (AuditMessage.customerRecipient(customer: p[0], recipient: p[1], withNote: !p[2].isEmpty), p[2])
        case "sharing.requested":
            guard let p = shape(detail, "customer {} → {} ({})"), Int(p[0]) != nil, isCode(p[2]) else { return nil }
            return (AuditMessage.sharingRequested(customer: p[0], recipient: p[1], purpose: p[2]), "")
        case "customer.data_copied":
            return ["csv", "json"].contains(detail) ? (AuditMessage.dataCopy(format: detail), "") : nil
        case "consent.recorded":
            guard let p = shape(detail, "customer {}: {} {}"), Int(p[0]) != nil, isCode(p[1]), isCode(p[2]) else {
                return nil
            }
            return (AuditMessage.consent(customer: p[0], purpose: p[1], status: p[2]), "")
        case "attachment.removed":
            guard let p = shape(detail, "{} file(s) of the customer's records removed by the anonymization"),
                Int(p[0]) != nil
            else { return nil }
            return (AuditMessage.filesRemoved(p[0]), "")
        case "return_visit.settings":
            guard let p = shape(detail, "A={} B={} C={} D={} other={} low≤{}"), p.allSatisfy({ Int($0) != nil }) else {
                return nil
            }
            return (AuditMessage.returnVisitSettings(days: Array(p[0..<4]), ungraded: p[4], low: p[5]), "")
        case "return_visit.done":
            guard let p = shape(detail, "{}/5"), Int(p[0]) != nil else { return nil }
            return (AuditMessage.surveyScore(p[0]), "")
        case "return_visit.opened":
            guard let p = shape(detail, "survey {}: {}/5"), p.allSatisfy({ Int($0) != nil }) else { return nil }
            return (AuditMessage.surveyScore(survey: p[0], score: p[1]), "")
        case "recommendation.created":
            guard let p = shape(detail, "customer {}, project {} v{}"), Int(p[0]) != nil, Int(p[2]) != nil else {
                return nil
            }
            return (AuditMessage.recommendation(customer: p[0], project: p[1], version: p[2]), "")
        case "recommendation.reaction":
            guard let p = shape(detail, "project {}"), Int(p[0]) != nil else { return nil }
            return (AuditMessage.project(p[0]), "")
        default:
            return nil
        }
    }

    private static func settings(action: String, detail: String) -> StoredMessage? {
        let shape = LegacyDetailShape.match
        let isCode = LegacyDetailShape.isCode
        switch action {
        case "project.file_added":
            guard let open = detail.range(of: " (", options: .backwards),
                let bytes = shape(String(detail[open.lowerBound...]), " ({} bytes)")?[0], Int(bytes) != nil
            else { return nil }
            return AuditMessage.file(name: String(detail[..<open.lowerBound]), bytes: bytes)
        case "project.changed":
            guard let p = shape(detail, "version {}"), Int(p[0]) != nil else { return nil }
            return AuditMessage.version(p[0])
        case "contract_template.created", "contract_template.updated":
            guard let p = shape(detail, "{}: {} / {}"), isCode(p[0]), Int(p[1]) != nil, Int(p[2]) != nil else {
                return nil
            }
            return AuditMessage.contractTemplate(code: p[0], documents: p[1], clauses: p[2])
        case "procedure_template.created", "procedure_template.updated":
            guard let p = shape(detail, "{}: {} steps"), isCode(p[0]), Int(p[1]) != nil else { return nil }
            return AuditMessage.procedureTemplate(code: p[0], steps: p[1])
        case "complaint.ladder":
            let levels = detail.components(separatedBy: " · ").enumerated().map { index, level in
                shape(level, "L\(index + 1) {}% {}")
            }
            guard levels.count == 3 else { return nil }
            var parsed: [(percent: String, staffID: String?, role: String)] = []
            for (index, level) in levels.enumerated() {
                guard let level, Int(level[0]) != nil else { return nil }
                let role = ["specialist", "supervisor", "leadership"][index]
                if Int(level[1]) != nil {
                    parsed.append((level[0], level[1], role))
                } else if ["specialist", "supervisor", "leadership"].contains(level[1]) {
                    parsed.append((level[0], nil, level[1]))
                } else {
                    return nil
                }
            }
            return AuditMessage.ladder(parsed)
        case "complaint.category.changed":
            let suffix = " (停用)"
            let isActive = !detail.hasSuffix(suffix)
            guard let p = shape(isActive ? detail : String(detail.dropLast(suffix.count)), "{} → {}") else {
                return nil
            }
            return AuditMessage.renamed(from: p[0], to: p[1], isActive: isActive)
        case "calendar.hours_changed":
            guard let p = shape(detail, "{}–{}, {}–{}"), p.allSatisfy(LegacyDetailShape.isTime) else { return nil }
            return AuditMessage.workingHours(start: p[0], lunchStart: p[1], lunchEnd: p[2], end: p[3])
        case "calendar.day_set", "calendar.imported":
            if let p = shape(detail, "{}: {}…{}"), Int(p[0]) != nil, LegacyDetailShape.isDay(p[1]),
                LegacyDetailShape.isDay(p[2])
            {
                return AuditMessage.calendarDays(count: p[0], first: p[1], last: p[2])
            }
            let words = detail.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard words.count == 3, LegacyDetailShape.isDay(words[0]), ["holiday", "workday"].contains(words[1])
            else { return nil }
            return AuditMessage.calendarDay(words[0], kind: words[1], name: words[2])
        case "calendar.day_removed":
            return LegacyDetailShape.isDay(detail) ? AuditMessage.day(detail) : nil
        default:
            return nil
        }
    }
}

/// The shapes old details were written in, read back.
enum LegacyDetailShape {
    /// The pieces of `text` between the literal parts of `pattern` (`"customer {}, {}"`), each piece
    /// ending at the first occurrence of the literal after it, or nil when `text` is not of that shape.
    static func match(_ text: String, _ pattern: String) -> [String]? {
        let literals = pattern.components(separatedBy: "{}")
        guard let first = literals.first, let last = literals.last, literals.count > 1,
            text.count >= first.count + last.count, text.hasPrefix(first), text.hasSuffix(last)
        else { return nil }
        var rest = Substring(text.dropFirst(first.count).dropLast(last.count))
        var pieces: [String] = []
        for literal in literals.dropFirst().dropLast() {
            guard let range = rest.range(of: literal) else { return nil }
            pieces.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        pieces.append(String(rest))
        return pieces
    }

    /// A record number such as HT-2026-000123 or TS-2026-000001.
    static func isNumber(_ text: String) -> Bool {
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
        return pieces.count == 3 && !pieces[0].isEmpty && pieces[0].allSatisfy(\.isUppercase)
            && !pieces[1].isEmpty && pieces[1].allSatisfy(\.isNumber) && !pieces[2].isEmpty
            && pieces[2].allSatisfy(\.isNumber)
    }

    /// A stored code: ASCII letters, digits and underscores.
    static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// A day as 2026-11-29.
    static func isDay(_ text: String) -> Bool {
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
        guard pieces.map(\.count) == [4, 2, 2], let month = Int(pieces[1]), let day = Int(pieces[2]) else {
            return false
        }
        return Int(pieces[0]) != nil && (1...12).contains(month) && (1...31).contains(day)
    }

    /// A time of day as 09:00.
    static func isTime(_ text: String) -> Bool {
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        return pieces.count == 2 && pieces.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isNumber) }
    }
}
