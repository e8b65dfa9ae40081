import Fluent
import Foundation
import KefuDomain
import LeafKit
import SQLKit
import Vapor

/// The customer 360's "at a glance" (issue 10, improvement 1): what is still to be done for the customer —
/// open follow-ups, promised replies not yet given — and the latest recommendations with the customer's
/// reactions. Three small queries, each served by the part's `(customer_id, …)` index, whatever the
/// size of the book; each part is read only when the viewer may see it.
struct CustomerOverview: Sendable {
    static let limit = 5

    struct FollowUp: Content {
        var id: Int; var dueAt: Date; var channel: String; var purpose: String; var staffName: String?;
        var isOverdue: Bool
    }
    struct PromisedReply: Content {
        var id: Int; var number: String?; var question: String; var promisedBy: Date?; var staffName: String?;
        var isOverdue: Bool
    }
    struct Recommendation: Content {
        var id: Int; var projectID: Int; var projectCode: String; var projectName: String; var recommendedAt: Date
        var reaction: String?; var reactionReason: String?
    }

    /// nil where the viewer may not see that part.
    var openFollowUps: [FollowUp]?
    var openFollowUpCount: Int?
    var promisedReplies: [PromisedReply]?
    var recommendations: [Recommendation]?

    /// Reads what `actor` may see of the customer's open work.
    static func load(customerID: Int, facts: RecordFacts, actor: Actor, now: Date, on database: any Database)
        async throws -> CustomerOverview
    {
        let sql = try database.sql()
        var overview = CustomerOverview()
        if AccessPolicy.permits(actor, .viewFollowUps, on: facts) {
            struct Row: Decodable {
                var id: Int; var due_at: Date; var channel: String; var purpose: String; var staff_name: String?
            }
            let rows = try await sql.raw(
                """
                SELECT follow_ups.id, follow_ups.due_at, follow_ups.channel, follow_ups.purpose, staff.display_name AS staff_name
                FROM follow_ups LEFT JOIN staff ON staff.id = follow_ups.staff_id
                WHERE follow_ups.customer_id = \(bind: customerID) AND follow_ups.completed_at IS NULL
                ORDER BY follow_ups.due_at, follow_ups.id LIMIT \(bind: limit)
                """
            ).all(decoding: Row.self)
            overview.openFollowUps = rows.map {
                FollowUp(
                    id: $0.id, dueAt: $0.due_at, channel: $0.channel, purpose: $0.purpose, staffName: $0.staff_name,
                    isOverdue: $0.due_at < now)
            }
            overview.openFollowUpCount =
                rows.count < limit
                ? rows.count : try await FollowUpStore(database: database).openCount(customerID: customerID)
        }
        if AccessPolicy.permits(actor, .viewInquiries, on: facts) {
            struct Row: Decodable {
                var id: Int; var number: String?; var question: String; var promised_by: Date?; var staff_name: String?
            }
            // `status` written into the SQL, as InquiryStore does, so a partial index over promised ones may apply.
            let rows = try await sql.raw(
                """
                SELECT inquiries.id, inquiries.number, inquiries.question, inquiries.promised_by, staff.display_name AS staff_name
                FROM inquiries LEFT JOIN staff ON staff.id = inquiries.staff_id
                WHERE inquiries.customer_id = \(bind: customerID) AND inquiries.status = 'promised'
                ORDER BY inquiries.promised_by, inquiries.id LIMIT \(bind: limit)
                """
            ).all(decoding: Row.self)
            overview.promisedReplies = rows.map {
                PromisedReply(
                    id: $0.id, number: $0.number, question: $0.question, promisedBy: $0.promised_by,
                    staffName: $0.staff_name,
                    isOverdue: $0.promised_by.map { $0 < now } ?? false)
            }
        }
        if AccessPolicy.permits(actor, .recommendProjects, on: facts) {
            struct Row: Decodable {
                var id: Int; var project_id: Int; var project_code: String; var project_name: String;
                var recommended_at: Date
                var reaction: String?; var reaction_reason: String?
            }
            let rows = try await sql.raw(
                """
                SELECT recommendations.id, recommendations.project_id, projects.code AS project_code, projects.name AS project_name,
                       recommendations.recommended_at, recommendations.reaction, recommendations.reaction_reason
                FROM recommendations JOIN projects ON projects.id = recommendations.project_id
                WHERE recommendations.customer_id = \(bind: customerID)
                ORDER BY recommendations.recommended_at DESC, recommendations.id DESC LIMIT \(bind: limit)
                """
            ).all(decoding: Row.self)
            overview.recommendations = rows.map {
                Recommendation(
                    id: $0.id, projectID: $0.project_id, projectCode: $0.project_code, projectName: $0.project_name,
                    recommendedAt: $0.recommended_at, reaction: $0.reaction, reactionReason: $0.reaction_reason)
            }
        }
        return overview
    }
}

/// `GET /api/v1/customers/:id/overview`: the 360's at-a-glance as JSON.
struct CustomerOverviewDTO: Content {
    var customerID: Int
    var openFollowUps: [CustomerOverview.FollowUp]?
    var openFollowUpCount: Int?
    var promisedReplies: [CustomerOverview.PromisedReply]?
    var recommendations: [CustomerOverview.Recommendation]?
}

/// The at-a-glance cards of the file page, written by Swift (``HTMLFragment``) like the rest of the file.
enum CustomerOverviewView {
    static func followUps(_ items: [CustomerOverview.FollowUp], words: DisplayWords) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: items.count * 200)
        for item in items {
            if item.isOverdue { html.raw("<li class=\"is-overdue\">") } else { html.raw("<li>") }
            html.element("<span class=\"nowrap\">", DisplayFormat.dateTime(item.dueAt), "</span>")
            html.element(" <span class=\"tag\">", words.label("follow_up.channel", item.channel), "</span>")
            if item.isOverdue {
                html.element(" <span class=\"tag tag-red\">", words.t("follow_ups.overdue"), "</span>")
            }
            html.element(" ", item.purpose, "")
            html.element(" <span class=\"muted\">· ", words.orDash(item.staffName), "</span></li>")
        }
        return html.fragment
    }

    static func promisedReplies(_ items: [CustomerOverview.PromisedReply], words: DisplayWords) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: items.count * 200)
        for item in items {
            if item.isOverdue { html.raw("<li class=\"is-overdue\">") } else { html.raw("<li>") }
            html.element("<a href=\"", SiteURL.inquiry(item.id).path, "\">")
            html.element("", item.number ?? words.t("inquiries.title"), "</a>")
            html.element(
                " <span class=\"nowrap\">",
                words.t("customers.glance.reply_by", ["deadline": item.promisedBy.map(DisplayFormat.dateTime) ?? "—"]),
                "</span>")
            if item.isOverdue {
                html.element(" <span class=\"tag tag-red\">", words.t("follow_ups.overdue"), "</span>")
            }
            html.element("<br><span class=\"muted\">", String(item.question.prefix(80)), "</span></li>")
        }
        return html.fragment
    }

    static func recommendations(_ items: [CustomerOverview.Recommendation], words: DisplayWords) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: items.count * 200)
        for item in items {
            html.element("<li><a href=\"", SiteURL.project(item.projectID).path, "\">")
            html.element("", item.projectName, "</a>")
            html.element(" <span class=\"muted nowrap\">", DisplayFormat.dateTime(item.recommendedAt), "</span> ")
            if let reaction = item.reaction {
                switch reaction {
                case "interested": html.raw("<span class=\"tag tag-green\">")
                case "not_interested": html.raw("<span class=\"tag tag-red\">")
                default: html.raw("<span class=\"tag tag-blue\">")
                }
                html.element("", words.label("recommendation.reaction", reaction), "</span>")
                if let reason = item.reactionReason, !reason.isEmpty {
                    html.element(" <span class=\"muted\">", reason, "</span>")
                }
            } else {
                html.element("<span class=\"tag tag-grey\">", words.t("customers.glance.no_reaction"), "</span>")
            }
            html.raw("</li>")
        }
        return html.fragment
    }
}

/// The at-a-glance cards as the file page reads them; a card is absent (nil) where the viewer may not see its part.
struct CustomerGlance: Encodable {
    var followUps: HTMLFragment?
    var followUpCount: Int
    var moreFollowUps: Bool
    var promisedReplies: HTMLFragment?
    var promisedReplyCount: Int
    var recommendations: HTMLFragment?
    var recommendationCount: Int

    init(_ overview: CustomerOverview, words: DisplayWords) {
        followUps = overview.openFollowUps.map { CustomerOverviewView.followUps($0, words: words) }
        followUpCount = overview.openFollowUpCount ?? 0
        moreFollowUps = (overview.openFollowUpCount ?? 0) > (overview.openFollowUps?.count ?? 0)
        promisedReplies = overview.promisedReplies.map { CustomerOverviewView.promisedReplies($0, words: words) }
        promisedReplyCount = overview.promisedReplies?.count ?? 0
        recommendations = overview.recommendations.map { CustomerOverviewView.recommendations($0, words: words) }
        recommendationCount = overview.recommendations?.count ?? 0
    }
}

extension CustomerGlance: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "followUps": followUps?.leafData ?? .trueNil, "followUpCount": .int(followUpCount),
            "moreFollowUps": .bool(moreFollowUps),
            "promisedReplies": promisedReplies?.leafData ?? .trueNil, "promisedReplyCount": .int(promisedReplyCount),
            "recommendations": recommendations?.leafData ?? .trueNil, "recommendationCount": .int(recommendationCount),
        ])
    }
}
