import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The supervisor's dashboard's filters beside the period (issue 16 §2): one specialist, one inquiry
/// channel, one project. Each narrows the figures whose records carry it — a person: inquiries,
/// follow-ups, complaints, the files they are responsible for and the surveys that scored them; a channel: inquiries; a project:
/// complaints about it — and the same condition narrows the list behind every mark.
struct DashboardFilter: Equatable, Sendable {
    /// nil: the whole team.
    var staffID: Int?
    var channel: String?
    var projectID: Int?

    static let none = DashboardFilter()

    var isEmpty: Bool { self == .none }

    /// The query the filter travels in (`&staff=3&channel=phone`), for links and files.
    var query: String {
        var query = ""
        if let staffID { query += "&staff=\(staffID)" }
        if let channel { query += "&channel=\(channel)" }
        if let projectID { query += "&project=\(projectID)" }
        return query
    }

    /// The filter's condition on a table's rows (columns of that table, unqualified), starting with " AND ".
    func condition(for table: String) -> SQLQueryString {
        var condition: SQLQueryString = ""
        switch table {
        case "inquiries":
            if let staffID { condition = condition + " AND staff_id = \(bind: staffID)" }
            if let channel { condition = condition + " AND channel = \(bind: channel)" }
        case "follow_ups":
            if let staffID { condition = condition + " AND staff_id = \(bind: staffID)" }
        case "complaints":
            if let staffID { condition = condition + " AND staff_id = \(bind: staffID)" }
            if let projectID { condition = condition + " AND project_id = \(bind: projectID)" }
        case "customers":
            if let staffID { condition = condition + " AND responsible_staff_id = \(bind: staffID)" }
        case "surveys":
            // The surveys that scored the person (``SurveyStore`` attributes a score to each who handled the matter).
            if let staffID {
                condition =
                    condition
                    + " AND EXISTS (SELECT 1 FROM survey_attributions a WHERE a.survey_id = surveys.id AND a.staff_id = \(bind: staffID))"
            }
        default:
            break
        }
        return condition
    }

    /// Reads `staff`, `channel` and `project`: an unknown value is a message at its field (422). A person
    /// who may see only their own figures (a specialist) gets their own without asking; asking for another
    /// person's or the whole team's (`staff=all`) is refused (403, audited).
    static func parse(_ req: Request) async throws -> DashboardFilter {
        let staff = try req.requireStaff()
        var errors = FieldErrors()
        var filter = DashboardFilter()
        let staffText = (req.query[String.self, at: "staff"] ?? "").trimmingCharacters(in: .whitespaces)
        let ownOnly = AccessPolicy.widestScope(of: staff.role, for: .viewDashboardFigures) == .own
        if staffText.isEmpty {
            filter.staffID = ownOnly ? staff.id : nil
        } else if staffText != "all" {
            if let id = Int(staffText), id > 0,
                try await req.db.sql().raw("SELECT id FROM staff WHERE id = \(bind: id)").first() != nil
            {
                filter.staffID = id
            } else {
                errors.add("staff", "validation.choose_from_list")
            }
        }
        let channelText = (req.query[String.self, at: "channel"] ?? "").trimmingCharacters(in: .whitespaces)
        if !channelText.isEmpty {
            if InquiryChannel(rawValue: channelText) != nil {
                filter.channel = channelText
            } else {
                errors.add("channel", "validation.choose_from_list")
            }
        }
        let projectText = (req.query[String.self, at: "project"] ?? "").trimmingCharacters(in: .whitespaces)
        if !projectText.isEmpty {
            if let id = Int(projectText), id > 0,
                try await req.db.sql().raw("SELECT id FROM projects WHERE id = \(bind: id)").first() != nil
            {
                filter.projectID = id
            } else {
                errors.add("project", "validation.choose_from_list")
            }
        }
        try errors.throwIfAny()
        // The team's figures have no responsible person, so only a role that sees the team's passes.
        try await req.authorize(
            .viewDashboardFigures, on: RecordFacts(responsibleStaffID: filter.staffID), recordType: "staff",
            recordID: filter.staffID.map(String.init) ?? "all")
        return filter
    }
}
