import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The survey card of a finished matter's page (issue 13 §5): the button that issues a link, the
/// text to copy once one is issued, a refusal at the card, and the links sent before with the answers
/// they brought — so the specialist sees whether the customer already answered before sending again.
/// Shared by the inquiry's and the contract's pages (`partials/survey.leaf`).
struct SurveyOffer: Encodable {
    struct Sent: Encodable {
        var sentAt: String
        var stateKey: String
        var isAnswered: Bool
        var scoreKey: String
    }

    /// What the last action on the card brought: a link just issued, or why none was.
    enum Outcome {
        case issued(SurveyStore.Issued)
        case refused(messageKey: String)
    }

    var action: String
    var text: String?
    var link: String?
    var error: String?
    var sent: [Sent]
    var hasSent: Bool

    /// The card for one matter; the latest five links sent for it, newest first (`surveys_subject` index).
    static func load(
        _ subject: SurveySubject, id: Int, action: String, outcome: Outcome?, now: Date, on database: any Database
    ) async throws -> SurveyOffer {
        struct Row: Decodable { var createdAt: Date; var expiresAt: Date; var answeredAt: Date?; var score: Int? }
        let rows = try await database.sql().raw(
            """
            SELECT created_at AS "createdAt", expires_at AS "expiresAt", answered_at AS "answeredAt", score AS "score" FROM surveys
            WHERE subject_type = \(bind: subject.rawValue) AND subject_id = \(bind: id) ORDER BY id DESC LIMIT 5
            """
        ).all(decoding: Row.self)
        let sent = rows.map { row in
            let state = SurveyRules.state(expiresAt: row.expiresAt, answeredAt: row.answeredAt, now: now)
            return Sent(
                sentAt: DisplayFormat.dateTime(row.createdAt), stateKey: "survey.sent.\(state.rawValue)",
                isAnswered: state == .answered,
                scoreKey: row.score.map { "survey.score.\($0)" } ?? "")
        }
        var offer = SurveyOffer(action: action, sent: sent, hasSent: !sent.isEmpty)
        switch outcome {
        case .issued(let issued)?: offer.text = issued.text; offer.link = issued.link
        case .refused(let key)?: offer.error = key
        case nil: break
        }
        return offer
    }
}
