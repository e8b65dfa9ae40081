import Fluent
import Foundation
import KefuDomain
import LeafKit
import Vapor

/// 销售看板 (issue 10, improvement 4): the pipeline by stage for a specialist (their own files) and for
/// the team (the supervisor, leadership reading). A card moves by its own small form — no drag and drop
/// needed — and moving to intent or negotiation asks for the next follow-up, as the rule wants (R3.3).
struct BoardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewBoard).get(.board, use: show)
        routes.requiring(.editCustomer).post(.boardMove, use: move)
    }

    /// What the move form brings: the stage, the card's version, the next follow-up, a lost reason.
    struct MoveForm: Content {
        var stage: String?; var version: Int?
        var followUpDueAt: String?; var followUpChannel: String?; var followUpPurpose: String?; var lostReason: String?
        var specialist: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, specialist: req.queryParameters["specialist"])
    }

    /// The board of whom: a specialist always their own; the supervisor and leadership the team, or one person's.
    static func owner(_ req: Request, specialist: String?) throws -> Int? {
        let staff = try req.requireStaff()
        if AccessPolicy.scopes(of: staff.role, for: .viewBoard).contains(.any) {
            return specialist.flatMap { Int($0.trimmed) }
        }
        return staff.id
    }

    func render(
        _ req: Request, specialist: String?, moving: (id: Int, form: MoveForm, errors: [String: String])? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let owner = try Self.owner(req, specialist: specialist)
        let columns = try await BoardStore(database: req.db).columns(staffID: owner)
        let isTeam = AccessPolicy.scopes(of: staff.role, for: .viewBoard).contains(.any)
        let specialists = isTeam ? try await req.application.assigneeDirectory.assignees(on: req.db) : []
        let page = BoardPage(
            columns: BoardView.columns(
                columns, actor: staff.actor, now: req.now, csrf: req.csrfToken ?? "",
                specialist: owner.map(String.init) ?? "",
                showOwner: isTeam, moving: moving, words: req.words),
            isTeam: isTeam,
            specialists: ChoiceOption.fragment(
                specialists.map {
                    ChoiceOption(value: String($0.id), labelKey: "", label: $0.displayName, isSelected: $0.id == owner)
                }, localize: { req.t($0) }))
        return try await req.renderPage("board/index", titleKey: "board.title", page, status: status)
    }

    @Sendable func move(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .editCustomer)
        let id = try customer.requireID()
        let form = try req.content.decode(MoveForm.self)
        let back =
            SiteURL.board.path + (form.specialist.flatMap { Int($0) }.map { "?specialist=\($0)" } ?? "") + "#card-\(id)"
        guard let version = form.version else {
            return try await render(
                req, specialist: form.specialist, moving: (id, form, ["stage": "validation.version_missing"]),
                status: .unprocessableEntity)
        }
        do {
            let values = try Self.moved(customer, form: form).get()
            var input = CustomerInput()
            input.followUpDueAt = form.followUpDueAt
            input.followUpChannel = form.followUpChannel
            input.followUpPurpose = form.followUpPurpose
            let followUp = try await req.followUpPlan(
                for: input, newStage: values.stage, oldStage: CustomerStage(rawValue: customer.stage), customerID: id)
            _ = try await CustomerStore(database: req.db).update(
                customer, with: values, version: version, duplicateReason: nil,
                context: req.auditContext, followUp: followUp)
            return req.redirect(to: back, flash: FlashMessage(.success, "flash.board_moved"))
        } catch let errors as FieldErrors {
            return try await render(
                req, specialist: form.specialist, moving: (id, form, errors.messages), status: .unprocessableEntity)
        } catch is RecordConflict {
            return try await render(
                req, specialist: form.specialist, moving: (id, form, ["stage": "error.conflict"]), status: .conflict)
        }
    }

    /// The file's values with the new stage (and lost reason), checked by the customer rules.
    static func moved(_ customer: CustomerModel, form: MoveForm) -> Result<CustomerValues, FieldErrors> {
        var draft = customer.draft
        draft.stage = form.stage ?? ""
        if draft.stage == CustomerStage.lost.rawValue { draft.lostReason = form.lostReason ?? "" }
        return CustomerValidation.validate(draft, currentStage: CustomerStage(rawValue: customer.stage))
    }
}

/// `GET /api/v1/board`: the same columns as JSON. Cards move with `PATCH /api/v1/customers/{id}` (stage,
/// version, and the follow-up fields when moving to intent or negotiation).
struct BoardAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewBoard).get("board", use: board)
    }

    @Sendable func board(req: Request) async throws -> [BoardStore.Column] {
        try await BoardStore(database: req.db).columns(
            staffID: try BoardController.owner(req, specialist: req.queryParameters["specialist"]))
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/board", tag: "Customers",
            summary:
                "The pipeline by stage: a specialist's own files, or the team's (optionally one specialist's); counts capped at 1,000",
            parameters: [
                OpenAPIParameters.query("specialist", "integer", "Only this person's files (supervisor, leadership)")
            ],
            responses: [200: "BoardColumnList"])
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string")
        return [
            "BoardCard": Schema.object(
                [
                    "id": Schema.integer, "code": text, "name": text, "companyName": nullableText, "stage": text,
                    "version": Schema.integer,
                    "updatedAt": Schema.dateTime, "responsibleStaffID": Schema.nullable("integer"),
                    "responsibleName": nullableText,
                    "nextFollowUpAt": Schema.nullable("string", format: "date-time"),
                ], required: ["id", "code", "name", "stage", "version", "updatedAt"]),
            "BoardColumn": Schema.object(
                [
                    "stage": Schema.enumeration(CustomerStage.allCases.map(\.rawValue)), "count": Schema.integer,
                    "isCapped": Schema.boolean,
                    "cards": Schema.array(of: "BoardCard"),
                ], required: ["stage", "count", "isCapped", "cards"]),
            "BoardColumnList": Schema.array(of: "BoardColumn"),
        ]
    }
}

struct BoardPage: Encodable {
    var columns: HTMLFragment
    var isTeam: Bool
    var specialists: HTMLFragment
}

extension BoardPage: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary(["columns": columns.leafData, "isTeam": .bool(isTeam), "specialists": specialists.leafData])
    }
}

/// The board's columns and cards, written by Swift (up to 180 cards with a form each).
enum BoardView {
    static func columns(
        _ columns: [BoardStore.Column], actor: Actor, now: Date, csrf: String, specialist: String, showOwner: Bool,
        moving: (id: Int, form: BoardController.MoveForm, errors: [String: String])?, words: DisplayWords
    ) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: 40_000)
        let stages = CustomerStage.allCases.map(\.rawValue)
        for column in columns {
            html.element("<section class=\"board-column\" data-stage=\"", column.stage, "\"")
            html.element(" id=\"column-", column.stage, "\"")
            html.element(" aria-label=\"", words.label("customer.stage", column.stage), "\">")
            html.element("<h2 class=\"board-column-title\"><span class=\"tag stage-", column.stage, "\">")
            html.element("", words.label("customer.stage", column.stage), "</span>")
            html.element(
                " <span class=\"count\">", column.isCapped ? "\(column.count)+" : String(column.count), "</span></h2>")
            html.raw("<ol class=\"board-cards\">")
            for card in column.cards {
                let canMove = AccessPolicy.permits(
                    actor, .editCustomer, on: RecordFacts(responsibleStaffID: card.responsibleStaffID))
                let error = moving?.id == card.id ? moving : nil
                html.element("<li class=\"board-card\" id=\"card-", String(card.id), "\"")
                if canMove { html.element(" draggable=\"true\" data-card=\"", String(card.id), "\"") }
                html.element("><a class=\"board-card-name\" href=\"", SiteURL.customer(card.id).path, "\">")
                html.element("", card.name, "</a>")
                html.element("<div class=\"muted small\">", words.orDash(card.companyName), "</div>")
                html.element("<div class=\"board-card-meta small\"><code>", card.code, "</code>")
                if showOwner { html.element(" · ", words.orDash(card.responsibleName), "") }
                html.raw("</div>")
                if let due = card.nextFollowUpAt {
                    html.raw(
                        due < now ? "<div class=\"small board-due is-overdue\">" : "<div class=\"small board-due\">")
                    html.element("", words.t("board.next_follow_up", ["due": DisplayFormat.dateTime(due)]), "</div>")
                } else if card.stage == CustomerStage.intent.rawValue
                    || card.stage == CustomerStage.negotiating.rawValue
                {
                    html.element("<div class=\"small board-due is-overdue\">", words.t("board.no_follow_up"), "</div>")
                }
                if canMove {
                    html.raw(error == nil ? "<details class=\"board-move\">" : "<details class=\"board-move\" open>")
                    html.element("<summary>", words.t("board.move"), "</summary>")
                    html.element(
                        "<form method=\"post\" action=\"", SiteURL.boardMove(card.id).path,
                        "\" class=\"form board-move-form\" novalidate>")
                    html.element("<input type=\"hidden\" name=\"_csrf\" value=\"", csrf, "\">")
                    html.element("<input type=\"hidden\" name=\"version\" value=\"", String(card.version), "\">")
                    html.element("<input type=\"hidden\" name=\"specialist\" value=\"", specialist, "\">")
                    let chosen = error?.form.stage ?? card.stage
                    field(
                        &html, card.id, "stage", label: words.t("customer.field.stage"), error: error?.errors["stage"],
                        words: words)
                    html.element("<select id=\"move-", String(card.id), "-stage\" name=\"stage\">")
                    for stage in stages {
                        html.element("<option value=\"", stage, "\"")
                        if stage == chosen { html.raw(" selected") }
                        html.element(">", words.label("customer.stage", stage), "</option>")
                    }
                    html.raw("</select>")
                    closeField(&html, error: error?.errors["stage"], words: words)
                    html.element("<p class=\"help board-follow-up-help\">", words.t("board.follow_up_help"), "</p>")
                    let followUpError = error?.errors["followUp"] ?? error?.errors["followUpDueAt"]
                    field(
                        &html, card.id, "followUpDueAt", label: words.t("follow_up.field.dueAt"), error: followUpError,
                        words: words)
                    html.element(
                        "<input type=\"datetime-local\" id=\"move-", String(card.id),
                        "-followUpDueAt\" name=\"followUpDueAt\"")
                    html.element(" value=\"", error?.form.followUpDueAt ?? "", "\">")
                    closeField(&html, error: followUpError, words: words)
                    field(
                        &html, card.id, "followUpPurpose", label: words.t("follow_up.field.purpose"),
                        error: error?.errors["followUpPurpose"], words: words)
                    html.element(
                        "<input id=\"move-", String(card.id),
                        "-followUpPurpose\" name=\"followUpPurpose\" maxlength=\"200\"")
                    html.element(" value=\"", error?.form.followUpPurpose ?? "", "\">")
                    closeField(&html, error: error?.errors["followUpPurpose"], words: words)
                    field(
                        &html, card.id, "lostReason", label: words.t("customer.field.lostReason"),
                        error: error?.errors["lostReason"], words: words)
                    html.element(
                        "<input id=\"move-", String(card.id), "-lostReason\" name=\"lostReason\" maxlength=\"500\"")
                    html.element(" value=\"", error?.form.lostReason ?? "", "\">")
                    closeField(&html, error: error?.errors["lostReason"], words: words)
                    html.element(
                        "<button class=\"btn btn-small btn-primary\" type=\"submit\">", words.t("board.move_submit"),
                        "</button></form></details>")
                }
                html.raw("</li>")
            }
            if column.cards.isEmpty {
                html.element("<li class=\"board-empty muted small\">", words.t("board.empty_column"), "</li>")
            }
            if column.count > column.cards.count {
                html.element(
                    "<li class=\"board-more small\"><a href=\"", SiteURL.customers.path(query: ["stage": column.stage]),
                    "")
                if !specialist.isEmpty { html.element("&amp;specialist=", specialist, "") }
                html.element(
                    "\">",
                    words.t(
                        "board.more",
                        ["count": String(column.count - column.cards.count) + (column.isCapped ? "+" : "")]),
                    "</a></li>")
            }
            html.raw("</ol></section>")
        }
        return html.fragment
    }

    private static func field(
        _ html: inout HTMLWriter, _ id: Int, _ name: String, label: String, error: String?, words: DisplayWords
    ) {
        html.raw(error == nil ? "<div class=\"field\">" : "<div class=\"field has-error\">")
        html.element("<label for=\"move-", String(id), "-")
        html.element("", name, "\">")
        html.element("", label, "</label>")
    }

    private static func closeField(_ html: inout HTMLWriter, error: String?, words: DisplayWords) {
        if let error { html.element("<p class=\"field-error\">", words.t(error), "</p>") }
        html.raw("</div>")
    }
}
