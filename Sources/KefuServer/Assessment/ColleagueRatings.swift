import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Colleagues' anonymous teamwork ratings (R5.3, issue 14 §4): a specialist rates each colleague of the
/// same team once per cycle, 0–100. The person rated never sees who rated; the supervisor sees only
/// the average and the count, in the calculation's teamwork lines.
struct CreateColleagueRatings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // Who rated is kept only so a colleague rates once; no page or API shows it.
        try await database.schema("assessment_colleague_ratings")
            .field("id", .int, .identifier(auto: true))
            .field("assessment_id", .int, .required, .references("assessments", "id"))
            .field("cycle_id", .int, .required, .references("assessment_cycles", "id"))
            .field("rater_staff_id", .int, .required, .references("staff", "id"))
            .field("score", .double, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "assessment_id", "rater_staff_id")
            .create()
        try await database.sql().raw(
            "CREATE INDEX assessment_colleague_ratings_rater ON assessment_colleague_ratings (rater_staff_id, cycle_id)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("assessment_colleague_ratings").delete()
    }
}

/// A colleague's anonymous teamwork rating in an assessment cycle.
enum ColleagueRatingKind: RecordKind {
    static let recordType = "assessment_colleague_rating", table = "assessment_colleague_ratings"
}

struct ColleagueRatingStore {
    let database: any Database

    /// The scores given to each assessment — never who gave them — in an order that says nothing about when.
    func ratings(assessmentIDs: [Int], on db: (any Database)? = nil) async throws -> [Int: [Double]] {
        guard !assessmentIDs.isEmpty else { return [:] }
        struct Rating: Decodable { var assessmentID: Int; var score: Double }
        var ratings: [Int: [Double]] = [:]
        for row in try await (db ?? database).sql().raw(
            """
            SELECT assessment_id, score FROM assessment_colleague_ratings WHERE assessment_id IN (\(binds: assessmentIDs)) ORDER BY assessment_id, score
            """
        ).allRows(Rating.self) {
            ratings[row.assessmentID, default: []].append(row.score)
        }
        return ratings
    }

    /// The assessments of a cycle the rater has rated already.
    func rated(cycleID: Int, raterStaffID: Int) async throws -> Set<Int> {
        Set(
            try await database.sql().raw(
                """
                SELECT assessment_id FROM assessment_colleague_ratings WHERE rater_staff_id = \(bind: raterStaffID) AND cycle_id = \(bind: cycleID)
                """
            ).all().map { try $0.decode(column: "assessment_id", as: Int.self) })
    }

    struct Input: Content { var score: Double? }

    /// Rates a colleague once. The audit entry names the cycle, not the person rated nor the score, so
    /// the supervisor reading the log cannot tell who rated whom.
    func rate(assessmentID: Int, rater: Actor, _ input: Input, context: AuditContext) async throws {
        if case .failure(let problem) = ScoreScale.validate(input.score, field: "score") { throw problem }
        try await database.writeTransaction { tx in
            guard let row = try await AssessmentStore(database: tx).assessment(assessmentID, on: tx) else {
                throw KefuError.notFound
            }
            if row.staffID == rater.staffID { throw FieldErrors(["score": "assessment.error.rate_self"]) }
            if row.departmentID != rater.departmentID {
                throw FieldErrors(["score": "assessment.error.rate_outside_team"])
            }
            if row.frozen == .signedOff { throw FieldErrors(["score": AssessmentRules.frozen]) }
            let exists = try await tx.sql().raw(
                """
                SELECT id FROM assessment_colleague_ratings WHERE assessment_id = \(bind: assessmentID) AND rater_staff_id = \(bind: rater.staffID)
                """
            ).first()
            if exists != nil { throw FieldErrors(["score": "assessment.error.already_rated"]) }
            try await tx.sql().raw(
                """
                INSERT INTO assessment_colleague_ratings (assessment_id, cycle_id, rater_staff_id, score, created_at, updated_at, version)
                VALUES (\(bind: assessmentID), \(bind: row.cycleID), \(bind: rater.staffID), \(bind: input.score!), \(bind: context.now), \(bind: context.now), 1)
                """
            ).run()
            try await AuditLog.record(
                "assessment_cycle.colleague_rated", recordType: AssessmentCycleKind.recordType,
                recordID: String(row.cycleID),
                fields: ["colleagueRating"], message: AuditMessage.name(row.cycleName), context: context, on: tx)
        }
    }
}

/// The page and API where a specialist rates the colleagues of their team in a cycle.
struct ColleagueRatingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.rateColleagues).get(.assessmentCycleColleagues, use: page)
        routes.requiring(.rateColleagues).post(.assessmentColleagueRating, use: ratePage)
        let api = routes.grouped("api", "v1")
        api.grouped("assessment-cycles").requiring(.rateColleagues).get(":id", "colleagues", use: colleagues)
        api.grouped("assessments").requiring(.rateColleagues).post(":id", "colleague-rating", use: rateAPI)
    }

    struct ColleagueDTO: Content { var assessmentID: Int; var staffName: String; var isRated: Bool }

    /// The colleagues of the rater's team assessed in the cycle, and whether the rater has rated each.
    static func colleagues(_ req: Request, _ cycle: AssessmentStore.CycleRow) async throws -> [ColleagueDTO] {
        let staff = try req.requireStaff()
        let rated = try await ColleagueRatingStore(database: req.db).rated(cycleID: cycle.id, raterStaffID: staff.id)
        return try await AssessmentStore(database: req.db).assessments(cycleID: cycle.id)
            .filter { $0.staffID != staff.id && $0.departmentID == staff.departmentID }
            .map { ColleagueDTO(assessmentID: $0.id, staffName: $0.staffName, isRated: rated.contains($0.id)) }
    }

    @Sendable func colleagues(req: Request) async throws -> [ColleagueDTO] {
        try await Self.colleagues(req, try await req.record(AssessmentCycleKind.self, for: .rateColleagues))
    }

    @Sendable func rateAPI(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .rateColleagues)
        try await ColleagueRatingStore(database: req.db).rate(
            assessmentID: row.id, rater: try req.requireStaff().actor,
            try req.content.decode(ColleagueRatingStore.Input.self), context: req.auditContext)
        return Response(status: .noContent)
    }

    struct Page: Encodable {
        struct Colleague: Encodable {
            var assessmentID: Int; var name: String; var isRated: Bool; var value: String; var error: String?
        }
        var cycleID: Int, cycleName: String, period: String, isFrozen: Bool, colleagues: [Colleague],
            hasColleagues: Bool
    }

    static func render(
        _ req: Request, _ cycle: AssessmentStore.CycleRow, typed: [Int: String] = [:], errors: [Int: String] = [:],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let colleagues = try await Self.colleagues(req, cycle).map {
            Page.Colleague(
                assessmentID: $0.assessmentID, name: $0.staffName, isRated: $0.isRated,
                value: typed[$0.assessmentID] ?? "", error: errors[$0.assessmentID])
        }
        let page = Page(
            cycleID: cycle.id, cycleName: cycle.name, period: "\(cycle.periodStart) – \(cycle.periodEnd)",
            isFrozen: cycle.cycleState == .signedOff,
            colleagues: colleagues, hasColleagues: !colleagues.isEmpty)
        return try await req.renderPage(
            "assessment/colleagues", titleKey: "assessment.colleagues.title", page, status: status)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try await Self.render(req, try await req.record(AssessmentCycleKind.self, for: .rateColleagues))
    }

    struct Form: Content { var score: String? }

    @Sendable func ratePage(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .rateColleagues)
        let typed = (try? req.content.decode(Form.self))?.score ?? ""
        do {
            let text = typed.trimmed
            try await ColleagueRatingStore(database: req.db).rate(
                assessmentID: row.id, rater: try req.requireStaff().actor,
                .init(score: text.isEmpty ? nil : (Double(text) ?? .nan)), context: req.auditContext)
            return req.redirect(
                to: SiteURL.assessmentCycleColleagues(row.cycleID).path,
                flash: FlashMessage(.success, "assessment.colleagues.saved"))
        } catch let problems as FieldErrors {
            guard let cycle = try await AssessmentStore(database: req.db).cycle(row.cycleID) else {
                throw KefuError.notFound
            }
            return try await Self.render(
                req, cycle, typed: [row.id: typed],
                errors: [row.id: problems.messages.values.map { req.t($0) }.joined(separator: " ")],
                status: .unprocessableEntity)
        }
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/assessment-cycles/{id}/colleagues", tag: "Assessment",
            summary: "The colleagues of my team in a cycle and whether I rated each (R5.3)",
            parameters: [OpenAPIParameters.id],
            responses: [200: "ColleagueList"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessments/{id}/colleague-rating", tag: "Assessment",
            summary: "Rate a colleague's teamwork once per cycle, anonymously (0–100)",
            parameters: [OpenAPIParameters.id],
            requestSchema: "ColleagueRating", responses: [204: nil]),
    ]

    static var schemas: [String: JSONValue] {
        [
            "ColleagueList": [
                "type": "array",
                "items": Schema.object(
                    [
                        "assessmentID": Schema.integer, "staffName": Schema.string, "isRated": Schema.boolean,
                    ], required: ["assessmentID", "staffName", "isRated"]),
            ],
            "ColleagueRating": Schema.object(
                ["score": ["type": "number", "minimum": 0, "maximum": 100]], required: ["score"]),
        ]
    }
}
