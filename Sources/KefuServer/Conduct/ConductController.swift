import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The pages of discipline, awards and penalties (奖惩, R6.2, R6.4, R7.1, R7.2): the overview of the
/// team's (or one's own) violations, penalties and awards, and a violation's page with its evidence,
/// the person's response and the outcome. Penalties and awards have their own controllers.
struct ConductController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewConduct).get(.conduct, use: index)
        routes.requiring(.manageViolations).get(.newConductViolation, use: newViolation)
        routes.requiring(.manageViolations).post(.conductViolations, use: createViolation)
        routes.requiring(.viewConduct).get(.conductViolation, use: showViolation)
        routes.requiring(.respondToViolation).post(.conductViolationResponse, use: respond)
        routes.requiring(.manageViolations).post(.conductViolationOutcome, use: decide)
        routes.requiring(.manageViolations).on(
            .POST, .conductViolationAttachments, body: .collect(maxSize: "21mb"), use: attach)
        routes.requiring(.viewConduct).get(.conductViolationAttachment, use: download)
    }

    // MARK: Shared

    static func files(_ req: Request) -> AttachmentStore {
        AttachmentStore(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory)
    }

    struct Upload: Content { var file: File? }

    static func addFile(_ req: Request, _ row: ViolationStore.Row) async throws -> Int {
        guard let file = (try? req.content.decode(Upload.self))?.file else {
            throw FieldErrors(["file": "validation.required"])
        }
        return try await files(req).add(
            ViolationRecordKind.self, recordID: row.id, fileName: file.filename, bytes: file.data,
            context: req.auditContext)
    }

    static func downloadFile(_ req: Request) async throws -> Response {
        let row = try await req.record(ViolationRecordKind.self, for: .viewConduct)
        guard let id = req.parameters.get("attachmentID", as: Int.self), let file = try await files(req).find(id),
            file.recordType == ViolationRecordKind.recordType, file.recordID == row.id
        else { throw KefuError.notFound }
        return try await req.attachmentResponse(file)
    }

    static func form(_ req: Request) throws -> [String: String] {
        try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
    }

    /// The people of the supervisor's team to choose from (never themself).
    static func people(_ req: Request, selected: String?) async throws -> [ChoiceOption] {
        let staff = try req.requireStaff()
        return [ChoiceOption(value: "", labelKey: "conduct.choose_person", isSelected: (selected ?? "").isEmpty)]
            + (try await ConductPerson.team(departmentID: staff.departmentID, except: staff.id, on: req.db)).map {
                ChoiceOption(
                    value: String($0.id), labelKey: "", label: $0.displayName, isSelected: selected == String($0.id))
            }
    }

    static func choices(_ codes: [String], prefix: String, selected: String?, empty: String? = nil) -> [ChoiceOption] {
        (empty.map { [ChoiceOption(value: "", labelKey: $0, isSelected: (selected ?? "").isEmpty)] } ?? [])
            + codes.map { ChoiceOption(value: $0, labelKey: "\(prefix).\($0)", isSelected: selected == $0) }
    }

    /// The kinds a record may cite or link, from the registry: every kind a route addresses (an
    /// attendance mark the day it is declared), plus audit entries for a violation's evidence.
    static func referenceKinds(_ req: Request, selected: String?, withAuditEntries: Bool) -> [ChoiceOption] {
        let words = req.words
        var kinds = RecordKinds.all.filter { RecordReferences.isLoadable($0) }.map { $0.recordType }
        if withAuditEntries { kinds.append(ViolationStore.auditEntryType) }
        return [ChoiceOption(value: "", labelKey: "conduct.choose_kind", isSelected: (selected ?? "").isEmpty)]
            + kinds.map {
                ChoiceOption(
                    value: $0, labelKey: "", label: words.label("audit.record_type", $0), isSelected: selected == $0)
            }
    }

    static func messages(_ req: Request, _ errors: FieldErrors) -> [String: String] {
        errors.messages.mapValues { req.t($0) }
    }

    // MARK: Overview

    struct Row: Encodable {
        var id: Int; var link: String; var person: String; var at: String; var what: String; var detail: String;
        var status: String; var tag: String
    }

    struct IndexPage: Encodable {
        var violations: [Row], penalties: [Row], awards: [Row], hasViolations: Bool, hasPenalties: Bool,
            hasAwards: Bool, people: [ChoiceOption], canFilter: Bool
        var canRecord: Bool, canPenalize: Bool, canAward: Bool, ownRecord: String?
    }

    @Sendable func index(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let selected = try? req.query.get(String.self, at: "staffID")
        let filter = ConductFilter(actor: staff.actor, staffID: selected.flatMap { Int($0) })
        let words = req.words
        let violations = try await ViolationStore(database: req.db).list(filter, limit: 100).map {
            Row(
                id: $0.id, link: SiteURL.conductViolation($0.id).path, person: $0.staffName,
                at: DisplayFormat.dateTime($0.occurredAt),
                what: words.label("conduct.violation_type", $0.type), detail: String($0.description.prefix(60)),
                status: words.label("conduct.outcome", $0.outcome),
                tag: $0.outcome == "confirmed" ? "tag-red" : $0.outcome == "dismissed" ? "tag-grey" : "tag-orange")
        }
        let penaltyRows = try await PenaltyStore(database: req.db).list(filter, limit: 100)
        let conduct = ConductWords(
            words: words, numbers: try await RecordReferences.numbers(of: penaltyRows.map(\.cause), on: req.db))
        let penalties = penaltyRows.map {
            Row(
                id: $0.id, link: SiteURL.conductPenalty($0.id).path, person: $0.staffName,
                at: DisplayFormat.dateTime($0.imposedAt),
                what: words.label("conduct.penalty_kind", $0.kind) + ($0.amount.map { " ¥\($0)" } ?? ""),
                detail: conduct.cause($0.cause),
                status: words.label("conduct.penalty_status", $0.status),
                tag: $0.status == "appealed" ? "tag-orange" : $0.status == "revoked" ? "tag-grey" : "tag-red")
        }
        let awards = try await AwardStore(database: req.db).list(filter, limit: 100).map {
            Row(
                id: $0.id, link: SiteURL.conductAward($0.id).path, person: $0.staffName,
                at: DisplayFormat.dateTime($0.decidedAt),
                what: words.label("conduct.award_kind", $0.kind) + ($0.period.map { " \($0)" } ?? ""),
                detail: words.list($0.formList.map { words.label("conduct.form", $0) }),
                status: words.label("conduct.award_status", $0.status),
                tag: $0.status == "granted" ? "tag-green" : $0.status == "declined" ? "tag-grey" : "tag-orange")
        }
        let canFilter = AccessPolicy.widestScope(of: staff.role, for: .viewConduct) != .own
        let page = IndexPage(
            violations: violations, penalties: penalties, awards: awards, hasViolations: !violations.isEmpty,
            hasPenalties: !penalties.isEmpty,
            hasAwards: !awards.isEmpty,
            people: canFilter && staff.role == .supervisor ? try await Self.people(req, selected: selected) : [],
            canFilter: canFilter && staff.role == .supervisor,
            canRecord: AccessPolicy.allows(staff.role, .manageViolations),
            canPenalize: AccessPolicy.allows(staff.role, .imposePenalties),
            canAward: AccessPolicy.allows(staff.role, .grantAwards),
            ownRecord: AccessPolicy.allows(staff.role, .viewPersonRecord) ? SiteURL.personRecord(staff.id).path : nil)
        return try await req.renderPage("conduct/index", titleKey: "conduct.title", page)
    }

    // MARK: Recording a violation

    struct LinkRow: Encodable { var index: Int; var kinds: [ChoiceOption]; var id: String }

    struct ViolationForm: Encodable {
        var people: [ChoiceOption], types: [ChoiceOption], links: [LinkRow], form: [String: String],
            errors: [String: String]
    }

    private func renderNew(
        _ req: Request, form: [String: String] = [:], errors: [String: String] = [:], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let page = ViolationForm(
            people: try await Self.people(
                req, selected: form["staffID"] ?? (try? req.query.get(String.self, at: "staffID"))),
            types: Self.choices(
                ViolationType.allCases.map(\.rawValue), prefix: "conduct.violation_type", selected: form["type"],
                empty: "conduct.choose_type"),
            links: (0..<3).map {
                LinkRow(
                    index: $0, kinds: Self.referenceKinds(req, selected: form["linkType\($0)"], withAuditEntries: true),
                    id: form["linkID\($0)"] ?? "")
            },
            form: form, errors: errors)
        return try await req.renderPage(
            "conduct/violation_form", titleKey: "conduct.record_violation", page, status: status)
    }

    @Sendable func newViolation(req: Request) async throws -> Response { try await renderNew(req) }

    @Sendable func createViolation(req: Request) async throws -> Response {
        let form = try Self.form(req)
        var errors = FieldErrors()
        var links: [RecordReference] = []
        for index in 0..<3 {
            let type = form["linkType\(index)"] ?? "", id = form["linkID\(index)"] ?? ""
            if type.isEmpty && id.trimmed.isEmpty { continue }
            if let reference = try await RecordReferences.typed(type: type, text: id, on: req.db) {
                links.append(reference)
            } else {
                errors.add("links", "conduct.error.unknown_record")
            }
        }
        let input = ViolationStore.Input(
            staffID: Int(form["staffID"] ?? ""), type: form["type"], occurredAt: form["occurredAt"],
            description: form["description"], links: links)
        do {
            try errors.throwIfAny()
            let person = try await ConductPerson.target(
                input.staffID, actor: try req.requireStaff().actor, action: .manageViolations, on: req.db)
            let id = try await ViolationStore(database: req.db).record(input, person: person, context: req.auditContext)
            return req.redirect(
                to: SiteURL.conductViolation(id).path, flash: FlashMessage(.success, "conduct.flash.violation_recorded")
            )
        } catch let problems as FieldErrors {
            return try await renderNew(
                req, form: form, errors: Self.messages(req, problems), status: .unprocessableEntity)
        }
    }

    // MARK: One violation

    struct Link: Encodable { var text: String; var href: String? }
    struct FileLink: Encodable { var name: String; var href: String; var size: String }

    struct ViolationPage: Encodable {
        var id: Int, number: String, person: String, type: String, occurredAt: String, description: String,
            response: String, respondedAt: String
        var outcome: String, outcomeCode: String, outcomeNote: String, recordedBy: String, links: [Link],
            files: [FileLink], hasLinks: Bool, hasFiles: Bool
        var version: Int
        var canRespond: Bool, canDecide: Bool, canAttach: Bool, canPenalize: Bool, penalizeLink: String,
            outcomes: [ChoiceOption]
        var error: String?, errors: [String: String], form: [String: String]
        /// What changed meanwhile, when a form was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    private func renderShow(
        _ req: Request, _ row: ViolationStore.Row, form: [String: String] = [:], errors: [String: String] = [:],
        error: String? = nil, conflict: ConflictView? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff(), words = req.words
        let facts = RecordFacts(responsibleStaffID: row.staffID, departmentID: row.departmentID)
        let manage = AccessPolicy.permits(staff.actor, .manageViolations, on: facts) && staff.id != row.staffID
        let cited = try await ViolationStore(database: req.db).links(row.id)
        let conduct = ConductWords(words: words, numbers: try await RecordReferences.numbers(of: cited, on: req.db))
        let links = cited.map { Link(text: conduct.cause($0), href: conduct.link($0)) }
        let files = try await Self.files(req).list(ViolationRecordKind.self, recordIDs: [row.id]).map {
            FileLink(
                name: $0.fileName, href: SiteURL.conductViolationAttachment(row.id, attachmentID: $0.id).path,
                size: "\(max(1, $0.byteCount / 1024)) KB")
        }
        let page = ViolationPage(
            id: row.id, number: row.number ?? "", person: row.staffName,
            type: words.label("conduct.violation_type", row.type), occurredAt: DisplayFormat.dateTime(row.occurredAt),
            description: row.description, response: words.orDash(row.response),
            respondedAt: row.respondedAt.map(DisplayFormat.dateTime) ?? "—",
            outcome: words.label("conduct.outcome", row.outcome), outcomeCode: row.outcome,
            outcomeNote: words.orDash(row.outcomeNote),
            recordedBy: words.orDash(row.recordedByName), links: links,
            files: files, hasLinks: !links.isEmpty, hasFiles: !files.isEmpty, version: row.version,
            canRespond: AccessPolicy.permits(staff.actor, .respondToViolation, on: facts) && row.response == nil
                && row.outcome == "pending",
            canDecide: manage && row.outcome == "pending", canAttach: manage,
            canPenalize: AccessPolicy.permits(staff.actor, .imposePenalties, on: facts) && staff.id != row.staffID
                && row.outcome == "confirmed",
            penalizeLink: SiteURL.newConductPenalty.path(
                rawQuery: "staffID=\(row.staffID)&causeType=violation&causeID=\(row.id)"),
            outcomes: Self.choices(["confirmed", "dismissed"], prefix: "conduct.outcome", selected: form["outcome"]),
            error: error, errors: errors, form: form, conflict: conflict)
        return try await req.renderPage("conduct/violation", titleKey: "conduct.violation", page, status: status)
    }

    @Sendable func showViolation(req: Request) async throws -> Response {
        try await renderShow(req, try await req.record(ViolationRecordKind.self, for: .viewConduct))
    }

    private func act(_ req: Request, _ row: ViolationStore.Row, form: [String: String], _ body: () async throws -> Void)
        async throws -> Response
    {
        do {
            try await body()
            return req.redirect(
                to: SiteURL.conductViolation(row.id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderShow(
                req, row, form: form, errors: Self.messages(req, problems), status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            let current = try await ViolationStore(database: req.db).find(row.id) ?? row
            return try await renderShow(
                req, current, form: form, error: req.t(conflict.messageKey),
                conflict: try await conflict.pageView(for: req, keepsTyped: true), status: .conflict)
        } catch let error as KefuError where error.status == .conflict {
            let current = try await ViolationStore(database: req.db).find(row.id) ?? row
            return try await renderShow(req, current, form: form, error: req.t(error.messageKey), status: .conflict)
        }
    }

    @Sendable func respond(req: Request) async throws -> Response {
        let row = try await req.record(ViolationRecordKind.self, for: .respondToViolation)
        let form = try Self.form(req)
        return try await act(req, row, form: form) {
            try await ViolationStore(database: req.db).respond(
                row, response: form["response"] ?? "", version: Int(form["version"] ?? "") ?? -1,
                context: req.auditContext)
        }
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let row = try await req.record(ViolationRecordKind.self, for: .manageViolations)
        let form = try Self.form(req)
        return try await act(req, row, form: form) {
            try await ViolationStore(database: req.db).decide(
                row, outcome: form["outcome"] ?? "", note: form["note"] ?? "",
                version: Int(form["version"] ?? "") ?? -1, context: req.auditContext)
        }
    }

    @Sendable func attach(req: Request) async throws -> Response {
        let row = try await req.record(ViolationRecordKind.self, for: .manageViolations)
        return try await act(req, row, form: [:]) { _ = try await Self.addFile(req, row) }
    }

    @Sendable func download(req: Request) async throws -> Response { try await Self.downloadFile(req) }
}
