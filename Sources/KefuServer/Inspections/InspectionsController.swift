import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The quality inspection pages (质检, R2.2, R6.5): the list with filters and the sampling form for the
/// supervisor, one's own inspections for a specialist; an inspection's page with the record's text and
/// the score form, the acknowledgement or dispute, the answer; the checklist and phrases to avoid.
struct InspectionsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewInspections).get(.inspections, use: index)
        routes.requiring(.manageInspections).post(.inspectionSample, use: sample)
        routes.requiring(.manageInspections).get(.inspectionSettings, use: settings)
        routes.requiring(.manageInspections).post(.inspectionSettings, use: saveSettings)
        routes.requiring(.viewInspections).get(.inspection, use: show)
        routes.requiring(.manageInspections).post(.inspectionScore, use: score)
        routes.requiring(.respondToInspection).post(.inspectionAcknowledge, use: acknowledge)
        routes.requiring(.respondToInspection).post(.inspectionDispute, use: dispute)
        routes.requiring(.manageInspections).post(.inspectionAnswer, use: answer)
    }

    struct RowView: Encodable {
        var id: Int; var person: String; var period: String; var recordAt: String; var summary: String;
        var score: String; var status: String; var phrases: String
    }

    static func rowView(_ req: Request, _ row: InspectionStore.Row) -> RowView {
        RowView(
            id: row.id, person: row.staffName ?? "—", period: "\(row.periodStart) – \(row.periodEnd)",
            recordAt: row.recordAt.map(DisplayFormat.dateTime) ?? "—", summary: row.recordSummary ?? "—",
            score: row.score.map(AssessmentCalculation.text) ?? "—", status: req.t("inspection.status.\(row.status)"),
            phrases: row.avoidedPhrases.joined(separator: "、"))
    }

    struct IndexPage: Encodable {
        var rows: [RowView], hasRows: Bool, canManage: Bool, people: [ChoiceOption], statuses: [ChoiceOption],
            rules: [ChoiceOption]
        var form: [String: String], errors: [String: String]
    }

    private func team(_ req: Request, selected: String?) async throws -> [ChoiceOption] {
        let staff = try req.requireStaff()
        var people = [ChoiceOption(value: "", labelKey: "inspection.all_people", isSelected: (selected ?? "").isEmpty)]
        for row in try await req.db.sql().raw(
            """
            SELECT id, display_name FROM staff WHERE department_id = \(bind: staff.departmentID) AND role = 'specialist' ORDER BY display_name
            """
        ).all() {
            let id = String(try row.decode(column: "id", as: Int.self))
            people.append(
                ChoiceOption(
                    value: id, labelKey: "", label: try row.decode(column: "display_name", as: String.self),
                    isSelected: selected == id))
        }
        return people
    }

    private func renderIndex(
        _ req: Request, form: [String: String] = [:], errors: [String: String] = [:], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let filterStaff = try? req.query.get(String.self, at: "staffID"),
            filterStatus = try? req.query.get(String.self, at: "status")
        let filter = try InspectionsAPIController.filter(
            req, staffID: filterStaff.flatMap { Int($0) }, status: filterStatus, periodStart: nil)
        let rows = try await InspectionStore(database: req.db).list(filter).map { Self.rowView(req, $0) }
        let canManage = AccessPolicy.allows(staff.role, .manageInspections)
        let statuses =
            [ChoiceOption(value: "", labelKey: "inspection.all_statuses", isSelected: (filterStatus ?? "").isEmpty)]
            + InspectionStore.Status.allCases.map {
                ChoiceOption(
                    value: $0.rawValue, labelKey: "inspection.status.\($0.rawValue)",
                    isSelected: filterStatus == $0.rawValue)
            }
        let rules = InspectionStore.Rule.allCases.map {
            ChoiceOption(
                value: $0.rawValue, labelKey: "inspection.rule.\($0.rawValue)",
                isSelected: (form["rule"] ?? "random") == $0.rawValue)
        }
        let today = CalendarDay(req.now, timeZone: DisplayFormat.timeZone)
        let monthStart = PlanPeriodKind.month.period(containing: today)
        let defaults = [
            "periodStart": monthStart.start.description, "periodEnd": monthStart.end.description, "perPerson": "5",
            "seed": String(Int(req.now.timeIntervalSince1970) % 100_000),
        ]
        let page = IndexPage(
            rows: rows, hasRows: !rows.isEmpty, canManage: canManage,
            people: canManage || AccessPolicy.widestScope(of: staff.role, for: .viewInspections) == .any
                ? try await team(req, selected: filterStaff) : [],
            statuses: statuses, rules: rules, form: defaults.merging(form) { $1 }, errors: errors)
        return try await req.renderPage("inspections/index", titleKey: "inspection.title", page, status: status)
    }

    @Sendable func index(req: Request) async throws -> Response { try await renderIndex(req) }

    @Sendable func sample(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        let input = InspectionStore.SampleInput(
            periodStart: form["periodStart"] ?? "", periodEnd: form["periodEnd"] ?? "",
            perPerson: Int(form["perPerson"] ?? "") ?? 0, seed: Int64(form["seed"] ?? ""), rule: form["rule"])
        do {
            let ids = try await InspectionStore(database: req.db).sample(
                input, departmentID: staff.departmentID, context: req.auditContext)
            return req.redirect(
                to: SiteURL.inspections.path(rawQuery: "status=sampled"),
                flash: FlashMessage(
                    .success, ids.isEmpty ? "inspection.flash.nothing_sampled" : "inspection.flash.sampled"))
        } catch let problems as FieldErrors {
            return try await renderIndex(
                req, form: form, errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        }
    }

    // MARK: Settings

    struct SettingsPage: Encodable {
        struct Item: Encodable {
            var index: Int; var code: String; var name: String; var weight: String; var error: String?
        }
        var items: [Item], phrases: String, version: Int, errors: [String: String]
    }

    private func renderSettings(
        _ req: Request, form: [String: String]? = nil, errors: [String: String] = [:], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let settings = try await InspectionStore(database: req.db).settings(
            departmentID: try req.requireStaff().departmentID)
        var items: [SettingsPage.Item] = []
        for index in 0..<8 {
            let stored = index < settings.checklist.count ? settings.checklist[index] : nil
            let name = form?["name_\(index)"] ?? stored?.name ?? "",
                weight = form?["weight_\(index)"] ?? stored.map { String($0.weight) } ?? ""
            items.append(
                .init(
                    index: index, code: form?["code_\(index)"] ?? stored?.code ?? "", name: name, weight: weight,
                    error: errors["items.\(index).name"] ?? errors["items.\(index).weight"]
                        ?? errors["items.\(index).code"]))
        }
        let page = SettingsPage(
            items: items, phrases: form?["phrases"] ?? settings.phrases.joined(separator: "\n"),
            version: Int(form?["version"] ?? "") ?? settings.version, errors: errors)
        return try await req.renderPage("inspections/settings", titleKey: "inspection.settings", page, status: status)
    }

    @Sendable func settings(req: Request) async throws -> Response { try await renderSettings(req) }

    @Sendable func saveSettings(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        var items: [ChecklistItem] = []
        for index in 0..<8 {
            let name = (form["name_\(index)"] ?? "").trimmed, weight = (form["weight_\(index)"] ?? "").trimmed
            if name.isEmpty && weight.isEmpty { continue }
            let code = (form["code_\(index)"] ?? "").trimmed
            items.append(
                ChecklistItem(code: code.isEmpty ? "item\(index + 1)" : code, name: name, weight: Int(weight) ?? 0))
        }
        let phrases = (form["phrases"] ?? "").split(whereSeparator: \.isNewline).map(String.init)
        do {
            try await InspectionStore(database: req.db).saveSettings(
                departmentID: staff.departmentID, checklist: items, phrases: phrases,
                version: Int(form["version"] ?? "") ?? -1, context: req.auditContext)
            return req.redirect(
                to: SiteURL.inspectionSettings.path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderSettings(
                req, form: form, errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            return try await renderSettings(req, errors: ["items": req.t(conflict.messageKey)], status: .conflict)
        }
    }

    // MARK: One inspection

    struct ShowPage: Encodable {
        struct Item: Encodable {
            var code: String; var name: String; var weight: Int; var score: String; var value: String;
            var error: String?
        }
        var id: Int, person: String, period: String, rule: String, status: String, recordType: String, recordAt: String,
            channel: String, duration: String
        var summary: String, content: String, phrases: [String], hasPhrases: Bool, items: [Item], score: String,
            comment: String, scoredBy: String, disputeReason: String, answer: String
        var version: Int, canScore: Bool, canRespond: Bool, canAnswer: Bool, error: String?, errors: [String: String],
            form: [String: String]
        /// What changed meanwhile, when a decision was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    private func renderShow(
        _ req: Request, _ row: InspectionStore.Row, form: [String: String] = [:], errors: [String: String] = [:],
        error: String? = nil, conflict: ConflictView? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let facts = RecordFacts(responsibleStaffID: row.staffID, departmentID: row.departmentID)
        let scores = row.itemScores
        let manage = AccessPolicy.permits(staff.actor, .manageInspections, on: facts)
        let page = ShowPage(
            id: row.id, person: row.staffName ?? "—", period: "\(row.periodStart) – \(row.periodEnd)",
            rule: req.t("inspection.rule.\(row.sampleRule)"),
            status: req.t("inspection.status.\(row.status)"),
            recordType: req.t("inspection.record_type.\(row.recordType)"),
            recordAt: row.recordAt.map(DisplayFormat.dateTime) ?? "—",
            channel: row.recordChannel.map { req.t("\(Self.channelLabelPrefix(row.recordType)).\($0)") } ?? "—",
            duration: row.recordDuration.map(String.init) ?? "—",
            summary: row.recordSummary ?? "—", content: row.recordContent ?? "—", phrases: row.avoidedPhrases,
            hasPhrases: !row.avoidedPhrases.isEmpty,
            items: row.checklistItems.map { item in
                .init(
                    code: item.code, name: item.name, weight: item.weight,
                    score: scores[item.code].map(AssessmentCalculation.text) ?? "—",
                    value: form["score_\(item.code)"] ?? scores[item.code].map(AssessmentCalculation.text) ?? "",
                    error: errors["scores.\(item.code)"])
            },
            score: row.score.map(AssessmentCalculation.text) ?? "—", comment: row.comment ?? "—",
            scoredBy: row.scoredByName ?? "—",
            disputeReason: row.disputeReason ?? "—", answer: row.answer ?? "—", version: row.version,
            canScore: manage && (row.status == "sampled" || row.status == "scored"),
            canRespond: AccessPolicy.permits(staff.actor, .respondToInspection, on: facts) && row.status == "scored",
            canAnswer: manage && row.status == "disputed", error: error, errors: errors, form: form,
            conflict: conflict
        )
        return try await req.renderPage("inspections/show", titleKey: "inspection.title", page, status: status)
    }

    /// Each kind of record has its own list of channels (an inquiry's web form, a complaint update's meeting).
    static func channelLabelPrefix(_ recordType: String) -> String {
        switch InspectionStore.RecordType(rawValue: recordType) {
        case .inquiry?: "inquiry.channel"
        case .complaintUpdate?: "follow_up.channel"
        default: "communication.channel"
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderShow(req, try await req.record(InspectionKind.self, for: .viewInspections))
    }

    /// Runs a decision; field errors and conflicts come back on the page, keeping what was typed.
    private func decide(
        _ req: Request, _ row: InspectionStore.Row, form: [String: String], _ body: () async throws -> Void
    ) async throws -> Response {
        do {
            try await body()
            return req.redirect(
                to: SiteURL.inspection(row.id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderShow(
                req, row, form: form, errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            let fresh = try await InspectionStore(database: req.db).find(row.id) ?? row
            return try await renderShow(
                req, fresh, form: form, error: req.t(conflict.messageKey),
                conflict: try await conflict.pageView(for: req, keepsTyped: true), status: .conflict)
        } catch let error as KefuError where error.status == .conflict {
            return try await renderShow(req, row, form: form, error: req.t(error.messageKey), status: .conflict)
        }
    }

    private func scores(_ row: InspectionStore.Row, _ form: [String: String]) -> [String: Double] {
        var scores: [String: Double] = [:]
        for item in row.checklistItems {
            let text = (form["score_\(item.code)"] ?? "").trimmed
            if !text.isEmpty { scores[item.code] = Double(text) ?? .nan }
        }
        return scores
    }

    @Sendable func score(req: Request) async throws -> Response {
        let row = try await req.record(InspectionKind.self, for: .manageInspections)
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        return try await decide(req, row, form: form) {
            try await InspectionStore(database: req.db).score(
                row, scores: scores(row, form), comment: form["comment"] ?? "",
                version: Int(form["version"] ?? "") ?? -1, context: req.auditContext)
        }
    }

    @Sendable func acknowledge(req: Request) async throws -> Response {
        let row = try await req.record(InspectionKind.self, for: .respondToInspection)
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        return try await decide(req, row, form: form) {
            try await InspectionStore(database: req.db).acknowledge(
                row, version: Int(form["version"] ?? "") ?? -1, context: req.auditContext)
        }
    }

    @Sendable func dispute(req: Request) async throws -> Response {
        let row = try await req.record(InspectionKind.self, for: .respondToInspection)
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        return try await decide(req, row, form: form) {
            try await InspectionStore(database: req.db).dispute(
                row, reason: form["reason"] ?? "", version: Int(form["version"] ?? "") ?? -1,
                context: req.auditContext)
        }
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let row = try await req.record(InspectionKind.self, for: .manageInspections)
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        let corrected = scores(row, form)
        return try await decide(req, row, form: form) {
            try await InspectionStore(database: req.db).answer(
                row, answer: form["answer"] ?? "", scores: corrected.isEmpty ? nil : corrected,
                version: Int(form["version"] ?? "") ?? -1, context: req.auditContext)
        }
    }
}
