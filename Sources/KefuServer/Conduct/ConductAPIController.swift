import Foundation
import KefuDomain
import Vapor

/// `/api/v1/violations`, `/api/v1/penalties`, `/api/v1/awards`, `/api/v1/people/{id}/record` (R6.2, R6.4,
/// R7.1, R7.2, R5.3): the same rules and stores as the pages.
struct ConductAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let violations = routes.grouped("violations")
        violations.requiring(.viewConduct).get(use: listViolations)
        violations.requiring(.manageViolations).post(use: recordViolation)
        violations.requiring(.viewConduct).get(":id", use: showViolation)
        violations.requiring(.respondToViolation).post(":id", "response", use: respond)
        violations.requiring(.manageViolations).post(":id", "outcome", use: decideViolation)
        violations.requiring(.manageViolations).on(
            .POST, ":id", "attachments", body: .collect(maxSize: "21mb"), use: attach)
        violations.requiring(.viewConduct).get(":id", "attachments", ":attachmentID", use: download)
        let penalties = routes.grouped("penalties")
        penalties.requiring(.viewConduct).get(use: listPenalties)
        penalties.requiring(.imposePenalties).post(use: impose)
        penalties.requiring(.viewConduct).get(":id", use: showPenalty)
        penalties.requiring(.appealPenalty).post(":id", "appeal", use: appeal)
        penalties.requiring(.decideAppeals).post(":id", "decision", use: decideAppeal)
        let awards = routes.grouped("awards")
        awards.requiring(.viewConduct).get(use: listAwards)
        awards.requiring(.grantAwards).post(use: grant)
        awards.requiring(.grantAwards).get("shortlist", use: shortlist)
        awards.requiring(.viewConduct).get(":id", use: showAward)
        awards.requiring(.approveAwards).post(":id", "approval", use: approve)
        routes.grouped("people").requiring(.viewPersonRecord).get(":id", "record", use: personRecord)
    }

    // MARK: DTOs

    struct FileDTO: Content { var id: Int; var fileName: String; var byteCount: Int; var uploadedAt: Date }

    struct ViolationDTO: Content {
        var id: Int, number: String?, staffID: Int, staffName: String, type: String, occurredAt: Date,
            description: String, response: String?
        var respondedAt: Date?, outcome: String, outcomeNote: String?, decidedAt: Date?, recordedBy: String?,
            links: [RecordReference], files: [FileDTO], version: Int
    }

    struct PenaltyDTO: Content {
        var id: Int, staffID: Int, staffName: String, kind: String, cause: RecordReference, amount: Int?,
            reason: String, imposedAt: Date
        var imposedBy: String?, appealUntil: Date, status: String, appealReason: String?, appealedAt: Date?,
            decisionNote: String?
        var decidedBy: String?, decidedAt: Date?, appealDecidedBy: String, version: Int
    }

    struct ReasonDTO: Content { var key: String; var arguments: [String: String]; var text: String }

    struct AwardDTO: Content {
        var id: Int, staffID: Int, staffName: String, kind: String, period: String?, cause: RecordReference?,
            forms: [String], bonus: Int?
        var citation: String, shortlistPlace: Int?, shortlistReasons: [ReasonDTO], status: String, decidedBy: String?,
            decidedAt: Date
        var approvedBy: String?, approvedAt: Date?, version: Int
    }

    struct PlaceDTO: Content {
        var staffID: Int; var name: String; var place: Int?; var score: Double; var reasons: [ReasonDTO]
    }
    struct ShortlistDTO: Content { var month: String; var places: [PlaceDTO] }

    static func reasons(_ lines: [CalculationLine], words: DisplayWords) -> [ReasonDTO] {
        lines.map { ReasonDTO(key: $0.key, arguments: $0.arguments, text: ConductText.reason($0, words: words)) }
    }

    static func violationDTO(_ req: Request, _ row: ViolationStore.Row) async throws -> ViolationDTO {
        let files = try await ConductController.files(req).list(ViolationRecordKind.self, recordIDs: [row.id])
        return ViolationDTO(
            id: row.id, number: row.number, staffID: row.staffID, staffName: row.staffName, type: row.type,
            occurredAt: row.occurredAt, description: row.description,
            response: row.response, respondedAt: row.respondedAt, outcome: row.outcome, outcomeNote: row.outcomeNote,
            decidedAt: row.decidedAt,
            recordedBy: row.recordedByName, links: try await ViolationStore(database: req.db).links(row.id),
            files: files.map {
                FileDTO(id: $0.id, fileName: $0.fileName, byteCount: $0.byteCount, uploadedAt: $0.uploadedAt)
            },
            version: row.version)
    }

    static func penaltyDTO(_ req: Request, _ row: PenaltyStore.Row) -> PenaltyDTO {
        PenaltyDTO(
            id: row.id, staffID: row.staffID, staffName: row.staffName, kind: row.kind, cause: row.cause,
            amount: row.amount, reason: row.reason,
            imposedAt: row.imposedAt, imposedBy: row.imposedByName, appealUntil: row.appealUntil, status: row.status,
            appealReason: row.appealReason,
            appealedAt: row.appealedAt, decisionNote: row.decisionNote, decidedBy: row.decidedByName,
            decidedAt: row.decidedAt,
            appealDecidedBy: req.kefu.configuration.conduct.decider(for: row.penaltyKind).rawValue, version: row.version
        )
    }

    static func awardDTO(_ req: Request, _ row: AwardStore.Row) -> AwardDTO {
        AwardDTO(
            id: row.id, staffID: row.staffID, staffName: row.staffName, kind: row.kind, period: row.period,
            cause: row.cause, forms: row.formList,
            bonus: row.bonus, citation: row.citation, shortlistPlace: row.shortlistPlace,
            shortlistReasons: reasons(row.reasons, words: req.words),
            status: row.status, decidedBy: row.decidedByName, decidedAt: row.decidedAt, approvedBy: row.approvedByName,
            approvedAt: row.approvedAt,
            version: row.version)
    }

    struct ListQuery: Content { var staffID: Int? }

    static func filter(_ req: Request) throws -> ConductFilter {
        ConductFilter(actor: try req.requireStaff().actor, staffID: try req.query.decode(ListQuery.self).staffID)
    }

    static func version(_ version: Int?) throws -> Int {
        guard let version else { throw FieldErrors(["version": "validation.required"]) }
        return version
    }

    // MARK: Violations

    @Sendable func listViolations(req: Request) async throws -> [ViolationDTO] {
        var result: [ViolationDTO] = []
        for row in try await ViolationStore(database: req.db).list(try Self.filter(req)) {
            result.append(try await Self.violationDTO(req, row))
        }
        return result
    }

    @Sendable func recordViolation(req: Request) async throws -> Response {
        let input = try req.content.decode(ViolationStore.Input.self)
        let person = try await ConductPerson.target(
            input.staffID, actor: try req.requireStaff().actor, action: .manageViolations, on: req.db)
        let id = try await ViolationStore(database: req.db).record(input, person: person, context: req.auditContext)
        return try await Self.violationDTO(req, try await ViolationStore(database: req.db).find(id)!).encodeResponse(
            status: .created, for: req)
    }

    @Sendable func showViolation(req: Request) async throws -> ViolationDTO {
        try await Self.violationDTO(req, try await req.record(ViolationRecordKind.self, for: .viewConduct))
    }

    struct ResponseInput: Content { var response: String?; var version: Int? }
    struct OutcomeInput: Content { var outcome: String?; var note: String?; var version: Int? }

    @Sendable func respond(req: Request) async throws -> ViolationDTO {
        let row = try await req.record(ViolationRecordKind.self, for: .respondToViolation)
        let input = try req.content.decode(ResponseInput.self)
        try await ViolationStore(database: req.db).respond(
            row, response: input.response ?? "", version: try Self.version(input.version), context: req.auditContext)
        return try await Self.violationDTO(req, try await ViolationStore(database: req.db).find(row.id)!)
    }

    @Sendable func decideViolation(req: Request) async throws -> ViolationDTO {
        let row = try await req.record(ViolationRecordKind.self, for: .manageViolations)
        let input = try req.content.decode(OutcomeInput.self)
        try await ViolationStore(database: req.db).decide(
            row, outcome: input.outcome ?? "", note: input.note ?? "", version: try Self.version(input.version),
            context: req.auditContext)
        return try await Self.violationDTO(req, try await ViolationStore(database: req.db).find(row.id)!)
    }

    @Sendable func attach(req: Request) async throws -> Response {
        let row = try await req.record(ViolationRecordKind.self, for: .manageViolations)
        let id = try await ConductController.addFile(req, row)
        let stored = try await ConductController.files(req).find(id)!
        return try await FileDTO(
            id: stored.id, fileName: stored.fileName, byteCount: stored.byteCount, uploadedAt: stored.uploadedAt
        )
        .encodeResponse(status: .created, for: req)
    }

    @Sendable func download(req: Request) async throws -> Response {
        try await ConductController.downloadFile(req)
    }

    // MARK: Penalties

    static func penaltyStore(_ req: Request) -> PenaltyStore {
        PenaltyStore(
            database: req.db, settings: req.kefu.configuration.conduct,
            notices: ConductNotices(localizer: req.kefu.localizer))
    }

    @Sendable func listPenalties(req: Request) async throws -> [PenaltyDTO] {
        try await PenaltyStore(database: req.db).list(try Self.filter(req)).map { Self.penaltyDTO(req, $0) }
    }

    @Sendable func impose(req: Request) async throws -> Response {
        let input = try req.content.decode(PenaltyStore.Input.self)
        let person = try await ConductPerson.target(
            input.staffID, actor: try req.requireStaff().actor, action: .imposePenalties, on: req.db)
        let id = try await Self.penaltyStore(req).impose(input, person: person, context: req.auditContext)
        return try await Self.penaltyDTO(req, try await PenaltyStore(database: req.db).find(id)!).encodeResponse(
            status: .created, for: req)
    }

    @Sendable func showPenalty(req: Request) async throws -> PenaltyDTO {
        Self.penaltyDTO(req, try await req.record(PenaltyRecordKind.self, for: .viewConduct))
    }

    struct AppealInput: Content { var reason: String?; var version: Int? }
    struct DecisionInput: Content { var decision: String?; var note: String?; var version: Int? }

    @Sendable func appeal(req: Request) async throws -> PenaltyDTO {
        let row = try await req.record(PenaltyRecordKind.self, for: .appealPenalty)
        let input = try req.content.decode(AppealInput.self)
        try await Self.penaltyStore(req).appeal(
            row, reason: input.reason ?? "", version: try Self.version(input.version), context: req.auditContext)
        return Self.penaltyDTO(req, try await PenaltyStore(database: req.db).find(row.id)!)
    }

    @Sendable func decideAppeal(req: Request) async throws -> PenaltyDTO {
        let row = try await req.record(PenaltyRecordKind.self, for: .decideAppeals)
        let input = try req.content.decode(DecisionInput.self)
        try await Self.penaltyStore(req).decide(
            row, decision: input.decision ?? "", note: input.note ?? "",
            deciderIsLeadership: try req.requireStaff().role == .leadership,
            version: try Self.version(input.version), context: req.auditContext)
        return Self.penaltyDTO(req, try await PenaltyStore(database: req.db).find(row.id)!)
    }

    // MARK: Awards

    static func awardStore(_ req: Request) -> AwardStore {
        AwardStore(database: req.db, notices: ConductNotices(localizer: req.kefu.localizer))
    }

    @Sendable func listAwards(req: Request) async throws -> [AwardDTO] {
        try await AwardStore(database: req.db).list(try Self.filter(req)).map { Self.awardDTO(req, $0) }
    }

    struct ShortlistQuery: Content { var month: String? }

    /// The month asked for, or the last month (the award is decided after the month's end).
    static func month(_ text: String?, now: Date) throws -> MonthPeriod {
        if let text, !text.isEmpty {
            guard let month = MonthPeriod(text) else {
                throw KefuError.invalidQuery(FieldErrors(["month": "conduct.error.month"]))
            }
            return month
        }
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        return MonthPeriod(
            CalendarDay(
                year: today.month == 1 ? today.year - 1 : today.year, month: today.month == 1 ? 12 : today.month - 1,
                day: 1)!)
    }

    @Sendable func shortlist(req: Request) async throws -> ShortlistDTO {
        let month = try Self.month(try req.query.decode(ShortlistQuery.self).month, now: req.now)
        let places = try await AwardStore(database: req.db).shortlist(
            departmentID: try req.requireStaff().departmentID, month: month, now: req.now,
            serviceQuality: req.application.serviceQualityFigures)
        return ShortlistDTO(
            month: month.description,
            places: places.map {
                PlaceDTO(
                    staffID: $0.staffID, name: $0.name, place: $0.place, score: $0.score,
                    reasons: Self.reasons($0.reasons, words: req.words))
            })
    }

    @Sendable func grant(req: Request) async throws -> Response {
        let input = try req.content.decode(AwardStore.Input.self)
        let staff = try req.requireStaff()
        let person = try await ConductPerson.target(input.staffID, actor: staff.actor, action: .grantAwards, on: req.db)
        var shortlist: [ShortlistPlace]?
        if input.kind == AwardKind.monthly.rawValue, let month = input.period.flatMap(MonthPeriod.init) {
            shortlist = try await AwardStore(database: req.db).shortlist(
                departmentID: person.departmentID, month: month, now: req.now,
                serviceQuality: req.application.serviceQualityFigures)
        }
        let id = try await Self.awardStore(req).grant(
            input, person: person, shortlist: shortlist, context: req.auditContext)
        return try await Self.awardDTO(req, try await AwardStore(database: req.db).find(id)!).encodeResponse(
            status: .created, for: req)
    }

    @Sendable func showAward(req: Request) async throws -> AwardDTO {
        Self.awardDTO(req, try await req.record(AwardRecordKind.self, for: .viewConduct))
    }

    struct ApprovalInput: Content { var approve: Bool?; var version: Int? }

    @Sendable func approve(req: Request) async throws -> AwardDTO {
        let row = try await req.record(AwardRecordKind.self, for: .approveAwards)
        let input = try req.content.decode(ApprovalInput.self)
        guard let approve = input.approve else { throw FieldErrors(["approve": "validation.required"]) }
        try await Self.awardStore(req).approve(
            row, approve: approve, version: try Self.version(input.version), context: req.auditContext)
        return Self.awardDTO(req, try await AwardStore(database: req.db).find(row.id)!)
    }

    // MARK: A person's record

    @Sendable func personRecord(req: Request) async throws -> PersonRecordDocument {
        let person = try await PersonRecordController.person(req)
        return try await PersonRecordReader(
            database: req.db, words: req.words, providers: req.application.personRecordSections
        ).read(person)
    }
}

extension ViolationStore.Input: Content {}
extension PenaltyStore.Input: Content {}
extension AwardStore.Input: Content {}
extension RecordReference: Content {}

/// The shortlist's reasons in words: the figure's name and its numbers.
enum ConductText {
    static func reason(_ line: CalculationLine, words: DisplayWords) -> String {
        var arguments = line.arguments
        if let figure = arguments["figure"] { arguments["figure"] = words.label("assessment.figure", figure) }
        return words.t(line.key, arguments)
    }
}
