import Foundation
import KefuDomain
import Vapor

/// The award pages (R7.1): the month's ranked shortlist with the reasons for each place, from which the
/// supervisor decides; the form for monthly, annual and special-contribution awards; an award's page
/// with leadership's approval when it was asked for.
struct AwardsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.grantAwards).get(.conductAwardShortlist, use: shortlist)
        routes.requiring(.grantAwards).get(.newConductAward, use: new)
        routes.requiring(.grantAwards).post(.conductAwards, use: create)
        routes.requiring(.viewConduct).get(.conductAward, use: show)
        routes.requiring(.approveAwards).post(.conductAwardApproval, use: approve)
    }

    struct Place: Encodable {
        var staffID: Int; var name: String; var place: String; var score: String; var reasons: [String];
        var eligible: Bool; var grantLink: String
    }
    struct ShortlistPage: Encodable { var month: String; var places: [Place]; var hasPlaces: Bool; var error: String? }

    @Sendable func shortlist(req: Request) async throws -> Response {
        let staff = try req.requireStaff(), words = req.words
        let text = try? req.query.get(String.self, at: "month")
        guard let month = try? ConductAPIController.month(text, now: req.now) else {
            let page = ShortlistPage(
                month: text ?? "", places: [], hasPlaces: false, error: req.t("conduct.error.month"))
            return try await req.renderPage(
                "conduct/shortlist", titleKey: "conduct.shortlist", page, status: .badRequest)
        }
        let places = try await AwardStore(database: req.db).shortlist(
            departmentID: staff.departmentID, month: month, now: req.now,
            serviceQuality: req.application.serviceQualityFigures)
        let page = ShortlistPage(
            month: month.description,
            places: places.map {
                Place(
                    staffID: $0.staffID, name: $0.name, place: $0.place.map(String.init) ?? "—",
                    score: AssessmentCalculation.text($0.score),
                    reasons: $0.reasons.map { ConductText.reason($0, words: words) }, eligible: $0.place != nil,
                    grantLink: SiteURL.newConductAward.path(
                        rawQuery: "kind=monthly&period=\(month)&staffID=\($0.staffID)"))
            }, hasPlaces: !places.isEmpty, error: nil)
        return try await req.renderPage("conduct/shortlist", titleKey: "conduct.shortlist", page)
    }

    struct FormPage: Encodable {
        var people: [ChoiceOption], kinds: [ChoiceOption], forms: [ChoiceOption], causeKinds: [ChoiceOption],
            form: [String: String], errors: [String: String]
    }

    private func renderNew(
        _ req: Request, form: [String: String], forms: [String], errors: [String: String] = [:],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let page = FormPage(
            people: try await ConductController.people(req, selected: form["staffID"]),
            kinds: ConductController.choices(
                AwardKind.allCases.map(\.rawValue), prefix: "conduct.award_kind", selected: form["kind"],
                empty: "conduct.choose_kind"),
            forms: AwardForm.allCases.map {
                ChoiceOption(
                    value: $0.rawValue, labelKey: "conduct.form.\($0.rawValue)", isSelected: forms.contains($0.rawValue)
                )
            },
            causeKinds: ConductController.referenceKinds(req, selected: form["causeType"], withAuditEntries: false),
            form: form, errors: errors)
        return try await req.renderPage("conduct/award_form", titleKey: "conduct.grant_award", page, status: status)
    }

    @Sendable func new(req: Request) async throws -> Response {
        var form: [String: String] = [:]
        for key in ["staffID", "kind", "period", "causeType", "causeID"] {
            form[key] = try? req.query.get(String.self, at: key)
        }
        return try await renderNew(req, form: form, forms: [])
    }

    struct Posted: Content {
        var staffID: String?, kind: String?, period: String?, causeType: String?, causeID: String?, forms: [String]?,
            bonus: String?, citation: String?
        var needsApproval: String?
    }

    @Sendable func create(req: Request) async throws -> Response {
        let posted = try req.content.decode(Posted.self)
        let forms = posted.forms ?? []
        let form = [
            "staffID": posted.staffID, "kind": posted.kind, "period": posted.period, "causeType": posted.causeType,
            "causeID": posted.causeID,
            "bonus": posted.bonus, "citation": posted.citation, "needsApproval": posted.needsApproval,
        ].compactMapValues { $0 }
        let bonusText = (posted.bonus ?? "").trimmed, causeType = (posted.causeType ?? "").trimmed
        let input = AwardStore.Input(
            staffID: Int(posted.staffID ?? ""), kind: posted.kind, period: posted.period?.trimmed,
            causeType: causeType.isEmpty ? nil : causeType, causeID: Int((posted.causeID ?? "").trimmed), forms: forms,
            bonus: bonusText.isEmpty ? nil : Int(bonusText) ?? -1, citation: posted.citation,
            needsApproval: posted.needsApproval == "on")
        do {
            let person = try await ConductPerson.target(
                input.staffID, actor: try req.requireStaff().actor, action: .grantAwards, on: req.db)
            var shortlist: [ShortlistPlace]?
            if input.kind == AwardKind.monthly.rawValue, let month = input.period.flatMap(MonthPeriod.init) {
                shortlist = try await AwardStore(database: req.db).shortlist(
                    departmentID: person.departmentID, month: month, now: req.now,
                    serviceQuality: req.application.serviceQualityFigures)
            }
            let id = try await ConductAPIController.awardStore(req).grant(
                input, person: person, shortlist: shortlist, context: req.auditContext)
            return req.redirect(
                to: SiteURL.conductAward(id).path, flash: FlashMessage(.success, "conduct.flash.award_decided"))
        } catch let problems as FieldErrors {
            return try await renderNew(
                req, form: form, forms: forms, errors: ConductController.messages(req, problems),
                status: .unprocessableEntity)
        }
    }

    struct ShowPage: Encodable {
        var id: Int, person: String, kind: String, period: String, cause: String, causeLink: String?, forms: String,
            bonus: String, citation: String
        var place: String, reasons: [String], hasReasons: Bool, status: String, decidedBy: String, decidedAt: String,
            approvedBy: String
        var version: Int, canApprove: Bool, error: String?
        /// What changed meanwhile, when a decision was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    private func renderShow(
        _ req: Request, _ row: AwardStore.Row, error: String? = nil, conflict: ConflictView? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff(), words = req.words
        let reasons = row.reasons.map { ConductText.reason($0, words: words) }
        let conduct = ConductWords(
            words: words, numbers: try await RecordReferences.numbers(of: [row.cause].compactMap { $0 }, on: req.db))
        let page = ShowPage(
            id: row.id, person: row.staffName, kind: words.label("conduct.award_kind", row.kind),
            period: words.orDash(row.period),
            cause: conduct.cause(row.cause), causeLink: conduct.link(row.cause),
            forms: words.list(row.formList.map { words.label("conduct.form", $0) }),
            bonus: row.bonus.map { "¥\($0)" } ?? "—", citation: row.citation,
            place: row.shortlistPlace.map(String.init) ?? "—", reasons: reasons, hasReasons: !reasons.isEmpty,
            status: words.label("conduct.award_status", row.status), decidedBy: words.orDash(row.decidedByName),
            decidedAt: DisplayFormat.dateTime(row.decidedAt),
            approvedBy: words.orDash(row.approvedByName), version: row.version,
            canApprove: AccessPolicy.allows(staff.role, .approveAwards)
                && row.status == AwardStatus.awaitingApproval.rawValue, error: error, conflict: conflict)
        return try await req.renderPage("conduct/award", titleKey: "conduct.award", page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderShow(req, try await req.record(AwardRecordKind.self, for: .viewConduct))
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let row = try await req.record(AwardRecordKind.self, for: .approveAwards)
        let form = try ConductController.form(req)
        do {
            try await ConductAPIController.awardStore(req).approve(
                row, approve: form["approve"] == "yes", version: Int(form["version"] ?? "") ?? -1,
                context: req.auditContext)
            return req.redirect(
                to: SiteURL.conductAward(row.id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let conflict as RecordConflict {
            return try await renderShow(
                req, try await AwardStore(database: req.db).find(row.id) ?? row, error: req.t(conflict.messageKey),
                conflict: try await conflict.pageView(for: req), status: .conflict)
        } catch let error as KefuError where error.status == .conflict {
            return try await renderShow(
                req, try await AwardStore(database: req.db).find(row.id) ?? row, error: req.t(error.messageKey),
                status: .conflict)
        }
    }
}
