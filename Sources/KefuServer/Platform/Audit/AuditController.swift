import Fluent
import KefuDomain
import Vapor

/// An audit entry in the JSON API.
struct AuditEntryDTO: Content {
    var id: Int
    var occurredAt: Date
    var actorStaffID: Int?
    var actorName: String
    var action: String
    var recordType: String
    var recordID: String
    /// The record's number as printed on it (`KH-2026-000302`), when its kind numbers its records.
    var recordNumber: String?
    var fields: [String]
    /// The detail in the reader's language.
    var detail: String
    /// What is stored (issue 9 §7): `detail` is this message in the reader's language.
    var messageKey: String
    var messageArgs: [String: StoredArgument]
    var address: String
    var requestID: String

    init(_ model: AuditEntryModel, words: DisplayWords, number: String?) {
        id = model.id ?? 0
        occurredAt = model.occurredAt
        actorStaffID = model.actorStaffID
        actorName = model.actorName
        action = model.action
        recordType = model.recordType
        recordID = model.recordID
        recordNumber = number
        fields = model.fields.isEmpty ? [] : model.fields.split(separator: ",").map(String.init)
        detail = words.auditDetail(model)
        let message = model.message
        messageKey = message.key
        messageArgs = message.arguments
        if !model.detail.isEmpty { messageArgs["text"] = .value(model.detail) }
        address = model.address
        requestID = model.requestID
    }

    static let schema = Schema.object(
        [
            "id": Schema.integer, "occurredAt": Schema.dateTime, "actorStaffID": Schema.nullable("integer"),
            "actorName": Schema.string, "action": Schema.string, "recordType": Schema.string, "recordID": Schema.string,
            "recordNumber": Schema.nullable("string"),
            "fields": ["type": "array", "items": Schema.string],
            "detail": ["type": "string", "description": "The stored message in the reader's language"],
            "messageKey": [
                "type": "string",
                "description": "The localization key stored (audit.detail.text: plain text, shown as it is)",
            ],
            "messageArgs": [
                "type": "object",
                "description":
                    "Its arguments: a string is a value shown as is ('text' is the plain text or what someone typed); {\"term\": key} a term and {\"terms\": [keys]} a list of terms, localized",
            ],
            "address": Schema.string, "requestID": Schema.string,
        ],
        required: [
            "id", "occurredAt", "actorName", "action", "recordType", "recordID", "fields", "detail", "messageKey",
            "messageArgs", "address", "requestID",
        ])
}

/// The filters of the audit log, from the page's form or the API's query.
struct AuditFilter: Sendable {
    var actor: String?
    var action: String?
    var recordType: String?
    var recordID: String?
    /// Inclusive day bounds, `2026-11-29`, in China Standard Time.
    var from: String?
    var to: String?

    init(_ query: any URLQueryContainer) {
        func value(_ name: String) -> String? {
            guard let text = query[String.self, at: name]?.trimmed, !text.isEmpty else { return nil }
            return String(text.prefix(64))
        }
        actor = value("actor"); action = value("action"); recordType = value("recordType"); recordID = value("recordID")
        from = value("from"); to = value("to")
    }

    static func day(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = DisplayFormat.timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.date(from: text)
    }

    func validate() throws {
        var errors = FieldErrors()
        if from != nil, Self.day(from) == nil { errors.add("from", "validation.date") }
        if to != nil, Self.day(to) == nil { errors.add("to", "validation.date") }
        try errors.throwIfAny()
    }

    /// The filter with a record's number as printed on it (`KH-2026-000302`) read as the record's id, as
    /// the log shows numbers rather than ids; a number no record carries keeps the text, and finds nothing.
    func resolvingNumber(on database: any Database) async throws -> AuditFilter {
        guard let recordType, let recordID, Int(recordID) == nil,
            let reference = try await RecordReferences.typed(type: recordType, text: recordID, on: database)
        else { return self }
        var resolved = self
        resolved.recordID = String(reference.id)
        return resolved
    }

    /// Newest first; the (occurred_at) and (record_type, record_id, occurred_at) indexes serve it.
    func query(on database: any Database) -> QueryBuilder<AuditEntryModel> {
        let query = AuditEntryModel.query(on: database)
        if let actor { query.filter(\.$actorName == actor) }
        if let action { query.filter(\.$action == action) }
        if let recordType { query.filter(\.$recordType == recordType) }
        if let recordID { query.filter(\.$recordID == recordID) }
        if let start = Self.day(from) { query.filter(\.$occurredAt >= start) }
        if let end = Self.day(to) { query.filter(\.$occurredAt < end.addingTimeInterval(86400)) }
        return query
    }
}

/// The audit log: a filtered, paged page and `GET /api/v1/audit-entries`. Read-only by design: there
/// is no route that writes to it except through the changes it records.
struct AuditController: RouteCollection {
    struct Page: Encodable {
        struct Row: Encodable {
            var occurredAt: String; var actorName: String; var action: String; var actionLabel: String;
            var recordType: String
            var recordID: String; var fields: String; var detail: String; var address: String; var requestID: String
        }
        var rows: [Row]
        var hasRows: Bool
        var actor: String; var action: String; var recordType: String; var recordID: String; var from: String;
        var to: String
        /// The filters as choices in words (issue 10 #5): people by name, actions and record types by label.
        var actors: [ChoiceOption] = []
        var actions: [ChoiceOption] = []
        var recordTypes: [ChoiceOption] = []
        var errors: [String: String]
        var pager: Pager
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/audit-entries", tag: "Audit", summary: "The audit log, newest first",
            parameters: OpenAPIParameters.page + [
                OpenAPIParameters.query("actor", "string", "Username of the actor"),
                OpenAPIParameters.query("action", "string", "e.g. auth.sign_in_failed"),
                OpenAPIParameters.query("recordType"),
                OpenAPIParameters.query(
                    "recordID", "string", "The record's id, or with recordType its number as printed (KH-2026-000302)"),
                OpenAPIParameters.query("from", "string", "First day, YYYY-MM-DD"),
                OpenAPIParameters.query("to", "string", "Last day, YYYY-MM-DD"),
            ], responses: [200: "AuditEntryPage"])
    ]
    static let schemas: [String: JSONValue] = [
        "AuditEntry": AuditEntryDTO.schema, "AuditEntryPage": Schema.page(of: "AuditEntry"),
    ]

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewAuditLog).get(.auditLog, use: page)
        routes.grouped("api", "v1").requiring(.viewAuditLog).get("audit-entries", use: list)
    }

    @Sendable func list(req: Request) async throws -> PageDTO<AuditEntryDTO> {
        let filter = AuditFilter(req.query)
        try filter.validate()
        let page = try req.paging
        let (items, numbers, total) = try await fetch(filter, page: page, on: req.db)
        let words = req.words
        return PageDTO(
            items: items.map { AuditEntryDTO($0, words: words, number: numbers.number(of: $0)) },
            request: page, total: total)
    }

    @Sendable func page(req: Request) async throws -> Response {
        let filter = AuditFilter(req.query)
        var errors: [String: String] = [:]
        let paging = try req.paging
        var items: [AuditEntryModel] = []
        var numbers = AuditRecordNumbers(byReference: [:])
        var total = 0
        do {
            try filter.validate()
            (items, numbers, total) = try await fetch(filter, page: paging, on: req.db)
        } catch let problems as FieldErrors {
            errors = problems.messages
        }
        let query = [
            "actor": filter.actor ?? "", "action": filter.action ?? "", "recordType": filter.recordType ?? "",
            "recordID": filter.recordID ?? "", "from": filter.from ?? "", "to": filter.to ?? "",
        ]
        let words = req.words
        // People by display name: the actor's id finds today's name; a username stays only for entries without one.
        let people = try await StaffModel.query(on: req.db).sort(\.$displayName).all()
        let names = Dictionary(
            people.compactMap { person in person.id.map { ($0, person.displayName) } },
            uniquingKeysWith: { first, _ in first })
        let table = req.kefu.localizer.tables[.zhHans] ?? [:]
        func codes(_ prefix: String) -> [String] {
            table.keys.filter { $0.hasPrefix(prefix) && $0 != prefix + "any" }.map {
                String($0.dropFirst(prefix.count))
            }
        }
        let actionCodes = codes("audit.action.").sorted { words.auditAction($0) < words.auditAction($1) }
        var page = Page(
            rows: items.map {
                .init(
                    occurredAt: DisplayFormat.dateTime($0.occurredAt),
                    actorName: $0.actorStaffID.flatMap { names[$0] } ?? words.actor($0.actorName),
                    action: $0.action, actionLabel: words.auditAction($0.action),
                    recordType: words.label("audit.record_type", $0.recordType),
                    // A record is named as people know it: a file by its number, a person by their name.
                    recordID: numbers.number(of: $0)
                        ?? ($0.recordType == StaffKind.recordType ? Int($0.recordID).flatMap { names[$0] } : nil)
                            ?? $0.recordID,
                    fields: words.auditFields($0.fields),
                    detail: words.orDash(words.auditDetail($0)), address: $0.address, requestID: $0.requestID)
            },
            hasRows: !items.isEmpty, actor: query["actor"]!, action: query["action"]!, recordType: query["recordType"]!,
            recordID: query["recordID"]!,
            from: query["from"]!, to: query["to"]!, errors: errors,
            pager: Pager(request: paging, total: total, path: SiteURL.auditLog, query: query)
        )
        page.actors =
            [ChoiceOption(value: "", labelKey: "audit.actor.any", isSelected: filter.actor == nil)]
            + people.map {
                ChoiceOption(
                    value: $0.username, labelKey: "", label: $0.displayName, isSelected: $0.username == filter.actor)
            }
            + ["console", "anonymous"].map {
                ChoiceOption(value: $0, labelKey: "audit.actor.\($0)", isSelected: $0 == filter.actor)
            }
        page.actions =
            [ChoiceOption(value: "", labelKey: "audit.action.any", isSelected: filter.action == nil)]
            + actionCodes.map {
                ChoiceOption(value: $0, labelKey: "audit.action.\($0)", isSelected: $0 == filter.action)
            }
        page.recordTypes =
            [ChoiceOption(value: "", labelKey: "audit.record_type.any", isSelected: filter.recordType == nil)]
            + codes("audit.record_type.").sorted().map {
                ChoiceOption(value: $0, labelKey: "audit.record_type.\($0)", isSelected: $0 == filter.recordType)
            }
        return try await req.renderPage(
            "audit/index", titleKey: "audit.title", page, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The page of entries, with the numbers of their records (issue 9's registry: one query per kind), so
    /// the log names a file as people know it.
    private func fetch(_ filter: AuditFilter, page: Paging, on database: any Database) async throws -> (
        [AuditEntryModel], AuditRecordNumbers, Int
    ) {
        let filter = try await filter.resolvingNumber(on: database)
        let total = try await filter.query(on: database).count()
        let items = try await filter.query(on: database)
            .sort(\.$occurredAt, .descending).sort(\.$id, .descending)
            .range(page.offset..<(page.offset + page.size)).all()
        let references = items.compactMap { RecordReference(type: $0.recordType, id: $0.recordID) }
        let numbers = AuditRecordNumbers(
            byReference: try await RecordReferences.numbers(of: references, on: database))
        return (items, numbers, total)
    }
}

/// Record numbers by the audit entry's stored type and id (text, as the log stores any record's key).
struct AuditRecordNumbers {
    var byReference: [RecordReference: String]

    func number(of entry: AuditEntryModel) -> String? {
        RecordReference(type: entry.recordType, id: entry.recordID).flatMap { byReference[$0] }
    }
}
