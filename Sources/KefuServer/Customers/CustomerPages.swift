import Foundation
import KefuDomain
import LeafKit
import Vapor

struct CommunicationForm: Content {
    var channel: String?
    var direction: String?
    var durationMinutes: String?
    var summary: String?
    var content: String?
    var nextStep: String?
}

/// The new/edit form's view model: the draft as typed, the choices, the messages.
struct CustomerFormPage: Encodable {
    var isNew: Bool
    var id: Int?
    var code: String?
    var version: Int
    var draft: DraftView
    var kinds: [ChoiceOption]
    var sources: [ChoiceOption]
    var stages: [ChoiceOption]
    var timings: [ChoiceOption]
    var grades: [ChoiceOption]
    var categories: [ChoiceOption]
    var industries: [ChoiceOption]
    var consentChannels: [ChoiceOption]
    var errors: [String: String] = [:]
    var formErrorKey: String?
    /// What was changed since the form was read, when it was sent on a stale version.
    var conflict: ConflictView?
    var duplicates: [DuplicateView] = []
    var hasDuplicates = false
    var duplicateReason = ""
    /// The next follow-up, asked for when the customer moves to intent or negotiation (R3.3).
    var followUpDueAt = ""
    var followUpPurpose = ""
    var followUpChannels = ChoiceOption.list(
        FollowUpChannel.allCases.map(\.rawValue), labelPrefix: "follow_up.channel", selected: "phone")

    /// Keeps what was typed into the follow-up fields.
    mutating func keepFollowUp(_ input: CustomerInput) {
        followUpDueAt = input.followUpDueAt ?? ""
        followUpPurpose = input.followUpPurpose ?? ""
        followUpChannels = ChoiceOption.list(
            FollowUpChannel.allCases.map(\.rawValue), labelPrefix: "follow_up.channel",
            selected: input.followUpChannel ?? "phone")
    }

    struct DuplicateView: Encodable {
        var id: Int; var code: String; var name: String; var companyName: String?; var reasonKey: String
        /// Whose file it is (issue 11 #2): whom to ask, since its contact details may be masked.
        var responsibleName: String?

        static func list(_ matches: [DuplicateMatch]) -> [DuplicateView] {
            matches.map {
                DuplicateView(
                    id: $0.id, code: $0.code, name: $0.name, companyName: $0.companyName,
                    reasonKey: "customers.duplicate_reason.\($0.reason.rawValue)", responsibleName: $0.responsibleName)
            }
        }
    }

    /// The draft's text fields, as the template reads them.
    struct DraftView: Encodable {
        var name, companyName, creditCode, mobile, landline, email, wechatID, province, city, address: String
        var businessScope, budgetMinWan, budgetMaxWan, preferredRegions, lostReason, tags, remarks,
            consentNoticeVersion: String
    }

    init(draft: CustomerDraft, customer: CustomerModel?) {
        isNew = customer == nil
        id = customer?.id
        code = customer?.code
        version = customer?.version ?? 0
        self.draft = DraftView(
            name: draft.name, companyName: draft.companyName, creditCode: draft.creditCode, mobile: draft.mobile,
            landline: draft.landline,
            email: draft.email, wechatID: draft.wechatID, province: draft.province, city: draft.city,
            address: draft.address,
            businessScope: draft.businessScope, budgetMinWan: draft.budgetMinWan, budgetMaxWan: draft.budgetMaxWan,
            preferredRegions: draft.preferredRegions, lostReason: draft.lostReason, tags: draft.tags,
            remarks: draft.remarks,
            consentNoticeVersion: draft.consentNoticeVersion
        )
        kinds = ChoiceOption.list(
            CustomerKind.allCases.map(\.rawValue), labelPrefix: "customer.kind", selected: draft.kind)
        sources = ChoiceOption.list(
            SourceChannel.allCases.map(\.rawValue), labelPrefix: "customer.source", selected: draft.source)
        stages = ChoiceOption.list(
            CustomerStage.allCases.map(\.rawValue), labelPrefix: "customer.stage", selected: draft.stage)
        timings = ChoiceOption.list(
            InvestmentTiming.allCases.map(\.rawValue), labelPrefix: "customer.timing", selected: draft.timing)
        grades = ChoiceOption.list(CustomerVocabulary.grades, labelPrefix: "customer.grade", selected: draft.grade)
        categories = ChoiceOption.list(
            CustomerVocabulary.categories, labelPrefix: "customer.category", selected: draft.category)
        industries = CustomerVocabulary.industries.map {
            ChoiceOption(value: $0, labelKey: "customer.industry.\($0)", isSelected: draft.industries.contains($0))
        }
        consentChannels = ChoiceOption.list(
            CustomerVocabulary.consentChannels, labelPrefix: "customer.consent_channel", selected: draft.consentChannel)
    }
}

/// The customer list's view model.
struct CustomerListPage: Encodable {
    struct Row {
        var id: Int; var code: String; var name: String; var companyName: String?; var mobile: String?
        var region: String; var stageLabel: String; var stage: String; var grade: String?; var responsibleName: String?
        var updatedAt: String; var isMasked: Bool
    }
    /// The table's rows (``CustomerListView``).
    var rows: HTMLFragment
    var hasRows: Bool
    var q: String
    var stages: [ChoiceOption]
    var grades: [ChoiceOption]
    var industries: [ChoiceOption]
    var sources: [ChoiceOption]
    /// Everyone customers can be assigned to, for the filter (with the chosen one) and for reassignment.
    var specialists: HTMLFragment
    var reassignTo: HTMLFragment
    var sorts: [ChoiceOption]
    var region: String
    var notUpdatedDays: String
    var canCreate: Bool
    var canReassign: Bool
    var canExport: Bool
    var exportHref: String
    var pager: Pager
    /// Sortable headers, saved filters, select all, the reassignment's reason (issue 10, improvement 3).
    var extras: CustomerListExtras?

    init(
        viewer: Viewer, staff: SignedInStaff, filter: CustomerFilter, rows: [CustomerListRow], total: Int,
        paging: Paging, specialists: [StaffStore.Assignee], checked: Set<Int> = [], target: Int? = nil
    ) {
        let actor = staff.actor
        let words = viewer.words
        let rows = rows.map { row in
            let masked =
                ContactVisibility.decide(
                    for: actor, on: RecordFacts(responsibleStaffID: row.responsibleStaffID), revealed: false) == .masked
            return Row(
                id: row.id, code: row.code, name: row.name, companyName: row.companyName,
                mobile: masked ? row.mobile.map(MainlandMobile.masked) : row.mobile,
                region: [row.province, row.city].compactMap { $0 }.joined(separator: " "),
                stageLabel: words.t("customer.stage.\(row.stage)"),
                stage: row.stage, grade: row.grade, responsibleName: row.responsibleName,
                updatedAt: DisplayFormat.dateTime(row.updatedAt),
                isMasked: masked
            )
        }
        canReassign = AccessPolicy.allows(staff.role, .reassignCustomers)
        let labels = CustomerListView.Labels(
            code: words.t("customer.field.code"), name: words.t("customer.field.name"),
            company: words.t("customer.field.companyName"),
            mobile: words.t("customer.field.mobile"), region: words.t("customer.field.region"),
            stage: words.t("customer.field.stage"),
            grade: words.t("customer.field.grade"), responsible: words.t("customer.field.responsible"),
            updatedAt: words.t("customer.field.updatedAt"))
        self.rows = CustomerListView.rows(
            rows, canReassign: canReassign, maskedLabel: words.t("customers.masked"),
            maskedHint: words.t("customers.masked_hint"),
            labels: labels, checked: checked)
        hasRows = !rows.isEmpty
        q = filter.text ?? ""
        stages = ChoiceOption.list(
            CustomerStage.allCases.map(\.rawValue), labelPrefix: "customer.stage",
            selected: filter.stage?.rawValue ?? "")
        grades = ChoiceOption.list(
            CustomerVocabulary.grades, labelPrefix: "customer.grade", selected: filter.grade ?? "")
        industries = ChoiceOption.list(
            CustomerVocabulary.industries, labelPrefix: "customer.industry", selected: filter.industry ?? "")
        sources = ChoiceOption.list(
            SourceChannel.allCases.map(\.rawValue), labelPrefix: "customer.source",
            selected: filter.source?.rawValue ?? "")
        let assignees = specialists.map {
            ChoiceOption(
                value: String($0.id), labelKey: "", label: $0.displayName,
                isSelected: $0.id == filter.responsibleStaffID)
        }
        let localize = { (key: String) in words.t(key) }
        self.specialists = ChoiceOption.fragment(assignees, localize: localize)
        reassignTo = ChoiceOption.fragment(
            specialists.map {
                ChoiceOption(value: String($0.id), labelKey: "", label: $0.displayName, isSelected: $0.id == target)
            }, marksSelection: target != nil, localize: localize)
        sorts = ChoiceOption.list(
            CustomerFilter.Sort.allCases.map(\.rawValue), labelPrefix: "customers.sort", selected: filter.sort.rawValue)
        region = filter.region ?? ""
        notUpdatedDays = filter.notUpdatedDays.map(String.init) ?? ""
        canCreate = AccessPolicy.allows(staff.role, .createCustomer)
        let query = [
            "q": q, "stage": filter.stage?.rawValue ?? "", "grade": filter.grade ?? "",
            "industry": filter.industry ?? "",
            "source": filter.source?.rawValue ?? "", "specialist": filter.responsibleStaffID.map(String.init) ?? "",
            "region": region,
            "notUpdatedDays": notUpdatedDays, "sort": filter.sort.rawValue,
            "withoutFollowUp": filter.withoutOpenFollowUp ? "1" : "",
            "notContactedDays": filter.notContactedDays.map(String.init) ?? "",
        ]
        pager = Pager(request: paging, total: total, path: .customers, query: query, cap: CustomerQueries.countCap)
        canExport = AccessPolicy.allows(staff.role, .exportCustomers)
        exportHref =
            SiteURL.customersExportCSV.path + "?"
            + query.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "")" }
            .joined(separator: "&")
    }
}

/// The customer file's view model: masked or not, with its timeline and recent changes.
struct CustomerFilePage: Encodable {
    struct Field { var labelKey: String; var value: String }
    struct Entry {
        var occurredAt: String; var kindKey: String; var actorName: String; var summary: String
        /// A communication's full record: what was said, the agreed next step, how long (issue 10 #4).
        var communication: CommunicationDetail? = nil
    }
    struct CommunicationDetail {
        var channel: String; var direction: String; var duration: String; var content: String; var nextStep: String
        /// Where the next step becomes a follow-up, when the viewer may plan one.
        var followUpHref: String?
    }
    struct Change {
        var changedAt: String; var actorName: String; var fieldKey: String; var oldValue: String; var newValue: String
    }
    var id: Int
    var code: String
    var name: String
    var companyName: String?
    var stageKey: String
    var stage: String
    var grade: String?
    var isMasked: Bool
    /// Field lists, timeline and history (``CustomerFileView``).
    var contacts: HTMLFragment
    var details: HTMLFragment
    var timeline: HTMLFragment
    var hasTimeline: Bool
    var changes: HTMLFragment
    var hasChanges: Bool
    var canEdit: Bool
    var canReveal: Bool
    var canRecord: Bool
    var canRecommend: Bool
    var canSeeFollowUps: Bool
    /// R3.4: the customer's specialist (or the supervisor) drafts contracts from the file.
    var canDraftContract: Bool
    var canSeeProcedures: Bool
    var version: Int
    var errors: [String: String]
    var communication: CommunicationForm
    var channels: [ChoiceOption]
    var directions: [ChoiceOption]
    var pager: Pager
    var privacy: CustomerPrivacySection?
    /// Open follow-ups, promised replies and recent recommendations (issue 10, improvement 1).
    var glance: CustomerGlance?
    /// Whether the privacy tools hold anything to act on; they are folded away in their own section either way.
    var privacyHasPending = false
    /// The timeline's filters by kind of entry, the chosen one marked (issue 10, improvement 1).
    struct TimelineFilter: Encodable { var href: String; var labelKey: String; var isCurrent: Bool }
    var timelineFilters: [TimelineFilter] = []

    init(
        viewer: Viewer, customer: CustomerModel, visibility: ContactVisibility, responsibleName: String?,
        timeline: [Timeline.Entry],
        timelineTotal: Int, paging: Paging, changes: [CustomerChangeModel.Row],
        communications: [Int: CommunicationStore.Row] = [:],
        group: Timeline.Group? = nil, canEdit: Bool, canReveal: Bool, canRecord: Bool,
        errors: [String: String], communication: CommunicationForm
    ) {
        let dto = CustomerDTO(customer, visibility: visibility)
        id = dto.id
        code = dto.code
        name = dto.name
        companyName = dto.companyName
        stageKey = "customer.stage.\(dto.stage)"
        stage = dto.stage
        grade = dto.grade
        isMasked = visibility == .masked
        func field(_ key: String, _ value: String?) -> Field? {
            guard let value, !value.isEmpty else { return nil }
            return Field(labelKey: "customer.field.\(key)", value: value)
        }
        let words = viewer.words
        let localize = { (key: String) in words.t(key) }
        contacts = CustomerFileView.fields(
            [
                field("mobile", dto.mobile), field("landline", dto.landline), field("email", dto.email),
                field("wechatID", dto.wechatID),
                field("address", dto.address), field("creditCode", dto.creditCode),
            ].compactMap { $0 }, localize: localize)
        let budget: String? =
            switch (dto.budgetMinWan, dto.budgetMaxWan) {
            case (let min?, let max?): "\(DisplayFormat.wan(min)) – \(DisplayFormat.wan(max)) \(words.t("unit.wan"))"
            case (let min?, nil): "≥ \(DisplayFormat.wan(min)) \(words.t("unit.wan"))"
            case (nil, let max?): "≤ \(DisplayFormat.wan(max)) \(words.t("unit.wan"))"
            case (nil, nil): nil
            }
        details = CustomerFileView.fields(
            [
                field("kind", words.t("customer.kind.\(dto.kind)")),
                field("region", [dto.province, dto.city].compactMap { $0 }.joined(separator: " ")),
                field(
                    "industries",
                    dto.industries.map { words.t("customer.industry.\($0)") }.joined(separator: words.listSeparator)),
                field("budget", budget), field("preferredRegions", dto.preferredRegions),
                field("timing", words.t("customer.timing.\(dto.timing)")),
                field("source", words.t("customer.source.\(dto.source)")),
                field("category", dto.category.map { words.t("customer.category.\($0)") }),
                field("responsible", responsibleName), field("businessScope", dto.businessScope),
                field("tags", dto.tags.joined(separator: words.listSeparator)),
                field("lostReason", dto.lostReason), field("remarks", dto.remarks),
                field(
                    "consent",
                    dto.consentAt.map {
                        DisplayFormat.dateTime($0) + " · "
                            + words.t("customer.consent_channel.\(dto.consentChannel ?? "")") + " · "
                            + (dto.consentNoticeVersion ?? "")
                    }),
                field("createdAt", DisplayFormat.dateTime(dto.createdAt)),
                field("updatedAt", DisplayFormat.dateTime(dto.updatedAt)),
            ].compactMap { $0 }, localize: localize)
        let facts = RecordFacts(responsibleStaffID: dto.responsibleStaffID)
        let canPlanFollowUp = viewer.permissions.permits(.manageFollowUps, on: facts)
        self.timeline = CustomerFileView.timeline(
            timeline.map { entry in
                var item = Entry(
                    occurredAt: DisplayFormat.dateTime(entry.occurredAt), kindKey: "timeline.kind.\(entry.kind)",
                    actorName: words.actor(entry.actorName),
                    summary: words.timelineText(entry))
                if entry.recordType == "communication_record", let id = entry.recordID, let record = communications[id]
                {
                    let nextStep = record.nextStep.trimmed
                    item.communication = CommunicationDetail(
                        channel: words.label("communication.channel", record.channel),
                        direction: words.label("communication.direction", record.direction),
                        duration: record.durationMinutes.map {
                            words.t("communication.duration_minutes", ["minutes": String($0)])
                        } ?? "—",
                        content: words.orDash(record.content), nextStep: words.orDash(nextStep),
                        followUpHref: canPlanFollowUp && !nextStep.isEmpty
                            ? SiteURL.customerFollowUps(dto.id).path(
                                rawQuery:
                                    "purpose=\(nextStep.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "")",
                                fragment: "plan-form")
                            : nil
                    )
                }
                return item
            }, localize: localize)
        hasTimeline = !timeline.isEmpty
        let masked = visibility == .masked
        self.changes = CustomerFileView.changes(
            changes.map { change in
                let hide = masked && CustomerValues.contactFields.contains(change.field)
                return Change(
                    changedAt: DisplayFormat.dateTime(change.changedAt), actorName: words.actor(change.actorName),
                    fieldKey: "customer.field.\(change.field)",
                    oldValue: hide
                        ? ContactMasking.maskMiddle(change.oldValue)
                        : words.customerValue(field: change.field, value: change.oldValue),
                    newValue: hide
                        ? ContactMasking.maskMiddle(change.newValue)
                        : words.customerValue(field: change.field, value: change.newValue)
                )
            }, localize: localize)
        hasChanges = !changes.isEmpty
        self.canEdit = canEdit
        self.canReveal = canReveal
        self.canRecord = canRecord
        let permissions = viewer.permissions
        canRecommend = permissions.permits(.recommendProjects, on: facts)
        canSeeFollowUps = permissions.permits(.viewFollowUps, on: facts)
        canDraftContract = permissions.permits(.manageContracts, on: facts)
        canSeeProcedures = permissions.permits(.viewContracts, on: facts)
        version = dto.version
        self.errors = errors
        self.communication = communication
        channels = ChoiceOption.list(
            CommunicationChannel.allCases.map(\.rawValue), labelPrefix: "communication.channel",
            selected: communication.channel ?? "phone")
        directions = ChoiceOption.list(
            ["inbound", "outbound"], labelPrefix: "communication.direction",
            selected: communication.direction ?? "inbound")
        pager = Pager(
            request: paging, total: timelineTotal, path: .customer(dto.id),
            query: group.map { ["kind": $0.rawValue] } ?? [:])
        timelineFilters =
            [
                TimelineFilter(
                    href: SiteURL.customer(dto.id).path(rawQuery: "", fragment: "timeline"),
                    labelKey: "timeline.group.all", isCurrent: group == nil)
            ]
            + Timeline.Group.allCases.map {
                TimelineFilter(
                    href: SiteURL.customer(dto.id).path(rawQuery: "kind=\($0.rawValue)", fragment: "timeline"),
                    labelKey: "timeline.group.\($0.rawValue)", isCurrent: $0 == group)
            }
    }
}

extension CustomerListPage: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "rows": rows.leafData, "hasRows": .bool(hasRows), "q": .string(q), "stages": stages.leafData,
            "grades": grades.leafData,
            "industries": industries.leafData, "sources": sources.leafData, "specialists": specialists.leafData,
            "reassignTo": reassignTo.leafData, "sorts": sorts.leafData,
            "region": .string(region), "notUpdatedDays": .string(notUpdatedDays), "canCreate": .bool(canCreate),
            "canReassign": .bool(canReassign), "canExport": .bool(canExport), "exportHref": .string(exportHref),
            "pager": pager.leafData,
            "extras": extras?.leafData ?? .trueNil,
        ])
    }
}

extension CustomerFilePage: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "id": .int(id), "code": .string(code), "name": .string(name), "companyName": .string(companyName),
            "stageKey": .string(stageKey),
            "stage": .string(stage), "grade": .string(grade), "isMasked": .bool(isMasked),
            "contacts": contacts.leafData,
            "details": details.leafData, "timeline": timeline.leafData, "hasTimeline": .bool(hasTimeline),
            "changes": changes.leafData,
            "hasChanges": .bool(hasChanges), "canEdit": .bool(canEdit), "canReveal": .bool(canReveal),
            "canRecord": .bool(canRecord),
            "canRecommend": .bool(canRecommend), "canSeeFollowUps": .bool(canSeeFollowUps),
            "canDraftContract": .bool(canDraftContract), "canSeeProcedures": .bool(canSeeProcedures),
            "version": .int(version),
            "errors": errors.leafData, "communication": communication.leafData, "channels": channels.leafData,
            "directions": directions.leafData, "pager": pager.leafData, "privacy": privacy?.leafData ?? .trueNil,
            "glance": glance?.leafData ?? .trueNil, "privacyHasPending": .bool(privacyHasPending),
            "timelineFilters": .array(
                timelineFilters.map {
                    .dictionary([
                        "href": .string($0.href), "labelKey": .string($0.labelKey), "isCurrent": .bool($0.isCurrent),
                    ])
                }),
        ])
    }
}

extension CommunicationForm: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "channel": .string(channel), "direction": .string(direction), "durationMinutes": .string(durationMinutes),
            "summary": .string(summary), "content": .string(content), "nextStep": .string(nextStep),
        ])
    }
}
