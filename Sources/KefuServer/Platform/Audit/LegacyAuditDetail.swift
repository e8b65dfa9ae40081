import Foundation

/// Reads the detail an audit entry was stored with before messages: the shape each writer used, by
/// action. A detail of no known shape is not converted (nil) and keeps showing as it was written.
/// Frozen with ``AddAuditMessages``: the shapes are those of the writers before it.
enum LegacyAuditDetail {
    /// Actions whose whole detail was the record's number.
    static let numberActions: Set<String> = [
        "survey.issued", "complaint.created", "complaint.forward_answered", "complaint.forward_returned",
        "contract.question_recorded", "contract.terms_confirmed", "contract.review_approved",
        "contract.review_returned", "contract.signed", "contract.terms_changed", "obligation.added",
        "obligation.payment_received", "obligation.fulfilled", "obligation.customer_reminded",
    ]
    /// Actions whose detail was "number → department name".
    static let forwardActions: Set<String> = ["complaint.chased", "complaint.contact_revealed", "complaint.forwarded"]
    /// A complaint's steps, each its own action ("complaint.start") with "number from → to".
    static let complaintStepActions: Set<String> = [
        "complaint.start", "complaint.wait_for_customer", "complaint.resume", "complaint.resolve", "complaint.close",
        "complaint.reopen",
    ]
    static let otherActions: Set<String> = [
        "survey.answered", "complaint.limits_changed", "complaint.customer_told", "contract.clause_explained",
        "contract.forwarded", "customer.updated", "procedure.started", "procedure.step_updated", "contract.created",
        "contract.document_marked", "contract.state_changed", "monthly_report.created", "monthly_report.updated",
        "monthly_report.issued", "token.created", "person_record.exported", "profile.language_changed",
        "auth.sign_in_failed", "auth.permission_denied", "attachment.added", "attachment.downloaded",
        "customer.imported",
    ]
    static var actions: Set<String> {
        numberActions.union(forwardActions).union(complaintStepActions).union(otherActions)
    }

    /// The message and the quoted text of an old entry's detail, or nil to keep it as text.
    static func convert(action: String, detail: String) -> (StoredMessage, String)? {
        guard !detail.isEmpty else { return nil }
        if numberActions.contains(action) {
            return isNumber(detail) ? (AuditMessage.number(detail), "") : nil
        }
        if forwardActions.contains(action) {
            let sides = detail.components(separatedBy: " → ")
            guard sides.count == 2, isNumber(sides[0]) else { return nil }
            return (AuditMessage.forwarded(number: sides[0], department: sides[1]), "")
        }
        if complaintStepActions.contains(action) {
            let words = detail.split(separator: " ").map(String.init)
            guard words.count == 4, isNumber(words[0]), words[2] == "→", isCode(words[1]), isCode(words[3]) else {
                return nil
            }
            return (
                AuditMessage.stateChanged(number: words[0], from: words[1], to: words[3], in: "complaint.state"), ""
            )
        }
        return other(action: action, detail: detail).map { ($0, "") }
    }

    private static func other(action: String, detail: String) -> StoredMessage? {
        let colon = detail.components(separatedBy: ": ")
        switch action {
        case "survey.answered":
            return Int(detail) != nil ? AuditMessage.surveyScore(detail) : nil
        case "complaint.limits_changed":
            let hours = detail.split(separator: "/").map(String.init)
            guard hours.count == 3, hours.allSatisfy({ Int($0) != nil }) else { return nil }
            return AuditMessage.complaintLimits(first: hours[0], update: hours[1], resolution: hours[2])
        case "complaint.customer_told":
            let words = detail.split(separator: " ").map(String.init)
            guard words.count == 2, isNumber(words[0]), isCode(words[1]) else { return nil }
            return AuditMessage.numbered(words[0], .term("complaint.update.kind.\(words[1])"))
        case "contract.clause_explained":
            guard colon.count == 2, isNumber(colon[0]), isCode(colon[1]) else { return nil }
            return AuditMessage.numbered(colon[0], .term("contract.clause.\(colon[1])"))
        case "contract.forwarded":
            let sides = detail.components(separatedBy: " → department ")
            guard sides.count == 2, isNumber(sides[0]), Int(sides[1]) != nil else { return nil }
            return AuditMessage.forwarded(number: sides[0], departmentID: sides[1])
        case "customer.updated":
            let suffix = " → signed (contract signed)"
            guard detail.hasSuffix(suffix), isCode(String(detail.dropLast(suffix.count))) else { return nil }
            return AuditMessage.stageOnSigning(from: String(detail.dropLast(suffix.count)))
        case "procedure.started":
            let parts = detail.components(separatedBy: ", ")
            guard parts.count == 2, parts[0].hasPrefix("customer "), Int(parts[0].dropFirst(9)) != nil,
                isCode(parts[1])
            else { return nil }
            return AuditMessage.procedureStarted(
                customer: String(parts[0].dropFirst(9)), type: .term("procedure.type.\(parts[1])"))
        case "procedure.step_updated":
            let words = detail.split(separator: " ").map(String.init)
            guard words.count == 2, words.allSatisfy(isCode) else { return nil }
            return AuditMessage.procedureStep(.term("procedure.step.\(words[0])"), status: words[1])
        case "contract.created":
            let parts = detail.components(separatedBy: ", customer ")
            guard parts.count == 2, isNumber(parts[0]), Int(parts[1]) != nil else { return nil }
            return AuditMessage.numberCustomer(parts[0], customer: parts[1])
        case "contract.document_marked":
            let words = colon.count == 2 ? colon[1].split(separator: " ").map(String.init) : []
            guard isNumber(colon[0]), words.count == 2, words.allSatisfy(isCode) else { return nil }
            return AuditMessage.contractDocument(
                colon[0], document: .term("contract.document.\(words[0])"), status: words[1])
        case "contract.state_changed":
            let states = colon.count == 2 ? colon[1].components(separatedBy: " → ") : []
            guard isNumber(colon[0]), states.count == 2, states.allSatisfy(isCode) else { return nil }
            return AuditMessage.stateChanged(number: colon[0], from: states[0], to: states[1], in: "contract.state")
        case "monthly_report.created", "monthly_report.updated", "monthly_report.issued":
            let parts = detail.components(separatedBy: " · ")
            guard parts.count == 2, isNumber(parts[0]) else { return nil }
            return AuditMessage.numberMonth(parts[0], month: parts[1])
        case "token.created", "person_record.exported":
            return AuditMessage.name(detail)
        case "profile.language_changed":
            return isCode(detail.replacingOccurrences(of: "-", with: "")) ? AuditMessage.language(detail) : nil
        case "auth.sign_in_failed":
            return ["unknown", "inactive", "password"].contains(detail) ? AuditMessage.signInFailed(detail) : nil
        case "auth.permission_denied":
            return isCode(detail.replacingOccurrences(of: ".", with: "")) ? AuditMessage.permission(detail) : nil
        case "attachment.added", "attachment.downloaded":
            return attachment(action: action, detail: detail)
        case "customer.imported":
            let parts = detail.components(separatedBy: " created, ")
            guard parts.count == 2, Int(parts[0]) != nil, parts[1].hasSuffix(" skipped as duplicates") else {
                return nil
            }
            let skipped = String(parts[1].dropLast(" skipped as duplicates".count))
            return Int(skipped) != nil ? AuditMessage.imported(created: parts[0], skipped: skipped) : nil
        default:
            return nil
        }
    }

    /// "attachment 12: 营业执照.pdf (1024 bytes, sha256 0123456789abcdef)" and "attachment 12: 营业执照.pdf".
    private static func attachment(action: String, detail: String) -> StoredMessage? {
        guard detail.hasPrefix("attachment "), let colon = detail.range(of: ": ") else { return nil }
        let id = String(detail[detail.index(detail.startIndex, offsetBy: 11)..<colon.lowerBound])
        guard Int(id) != nil else { return nil }
        let rest = String(detail[colon.upperBound...])
        guard action == "attachment.added" else { return AuditMessage.attachment(id: id, name: rest) }
        guard let open = rest.range(of: " (", options: .backwards), rest.hasSuffix(")") else { return nil }
        let facts = rest[open.upperBound..<rest.index(before: rest.endIndex)].components(separatedBy: " bytes, sha256 ")
        guard facts.count == 2, Int(facts[0]) != nil else { return nil }
        return AuditMessage.attachmentAdded(
            id: id, name: String(rest[..<open.lowerBound]), bytes: facts[0], sha256: facts[1])
    }

    /// A record number such as HT-2026-000123 or TS-2026-000001.
    private static func isNumber(_ text: String) -> Bool {
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
        return pieces.count == 3 && !pieces[0].isEmpty && pieces[0].allSatisfy(\.isUppercase)
            && !pieces[1].isEmpty && pieces[1].allSatisfy(\.isNumber) && !pieces[2].isEmpty
            && pieces[2].allSatisfy(\.isNumber)
    }

    /// A stored code: ASCII letters, digits and underscores.
    private static func isCode(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
