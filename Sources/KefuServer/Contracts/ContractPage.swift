import Foundation
import KefuDomain
import Vapor

/// The contract's page as values (R3.4): where it stands and what is needed next, then one card per
/// part — checklist, terms, review, signing, obligations — each with the forms the caller may use,
/// and the contract's timeline. Built from values, never from the request.
struct ContractPage: Encodable {
    struct Step: Encodable { var labelKey: String; var isDone: Bool; var isCurrent: Bool }
    struct File: Encodable { var id: Int; var name: String; var size: String; var uploadedAt: String }
    struct Item: Encodable {
        var id: Int; var name: String; var isRequired: Bool; var status: String; var statusKey: String;
        var reason: String; var version: Int
        var problem: String; var hasProblem: Bool; var hasReason: Bool; var typedReason: String
        var files: [File]; var statuses: [ChoiceOption]
    }
    struct Clause: Encodable {
        var id: Int; var title: String; var isExplained: Bool; var explainedAt: String; var explainedBy: String;
        var note: String
    }
    // Leaf treats an empty string as true in `#if`: conditions on text are booleans here.
    struct Question: Encodable {
        var question: String; var answer: String; var askedAt: String; var by: String; var clause: String?
    }
    struct Obligation: Encodable {
        var id: Int; var kindKey: String; var partyKey: String; var title: String; var dueOn: String;
        var amountWan: String; var staffName: String
        var isOverdue: Bool; var isDone: Bool; var doneAt: String; var isPayment: Bool; var version: Int;
        var notices: [String]
        /// A refused reminder note comes back at its row with what was typed.
        var noticeError: String = ""; var typedNotice: String = ""; var hasNoticeError = false
    }
    struct Entry: Encodable { var time: String; var kindKey: String; var actor: String; var summary: String }

    var id: Int
    var number: String
    var title: String
    var customerID: Int
    var customerName: String
    var canOpenCustomer: Bool
    var projectName: String
    var projectVersion: String
    var typeLabel: String
    var amountWan: String
    var paymentPlan: [String]
    var parties: String
    var staffName: String
    var state: String
    var stateKey: String
    var isCancelled: Bool
    var cancelReason: String
    var steps: [Step]
    var nextNeeds: [String]
    var hasNextNeeds: Bool
    var missingText: String
    var hasMissingText: Bool
    /// The checklist's, the obligations' and the timeline's rows, written by ``ContractPageView``.
    var checklistRows: HTMLFragment
    var canEditChecklist: Bool
    var clauses: [Clause]
    var canExplain: Bool
    var questions: [Question]
    var clauseOptions: [ChoiceOption]
    var termsConfirmedAt: String?
    var termsConfirmation: String
    var canConfirm: Bool
    var reviewStatusKey: String
    var reviewForwardedAt: String?
    var reviewAnsweredAt: String?
    var reviewer: String
    var reviewComment: String?
    var canForward: Bool
    var canReview: Bool
    var moveTo: String
    var moveLabelKey: String
    var canMove: Bool
    var canCancel: Bool
    var signedOn: String?
    var signedPlace: String
    var signatories: String
    var canSign: Bool
    var canUploadSigned: Bool
    var signedFiles: [File]
    var obligationRows: HTMLFragment
    var hasObligations: Bool
    var canAddObligation: Bool
    var canReceivePayments: Bool
    var obligationKinds: [ChoiceOption]
    var obligationParties: [ChoiceOption]
    var timelineItems: HTMLFragment
    var version: Int
    /// The terms form: shown until the 法务部 passes the terms, filled with the terms or what was typed.
    var canChangeTerms: Bool
    var terms: [String: String]
    var termsPlan: [[String: String]]
    /// Messages of the form that failed, by field, already in words; `typed` keeps what was typed.
    var errors: [String: String] = [:]
    var typed: [String: String] = ContractPage.untyped
    /// Issue 13 §5: once signed, the satisfaction survey's card.
    var survey: SurveyOffer?

    /// Every field a form on the page keeps, empty until a refused form fills it.
    static let untyped: [String: String] = Dictionary(
        uniqueKeysWithValues: [
            "question", "answer", "confirmation", "comment", "signedOn", "place", "signatories", "obligationTitle",
            "dueOn", "amountWan",
            "remindDaysBefore", "reason",
        ].map { ($0, "") })

    struct Permissions { var manage: Bool; var review: Bool; var receivePayments: Bool; var openCustomer: Bool }

    init(
        _ detail: ContractDetail, timeline: [Timeline.Entry], may: Permissions, labels: ContractLabels,
        typeLabel: String, today: CalendarDay, csrf: String,
        failedItem: (id: Int, message: String, reason: String)? = nil,
        failedNotice: (id: Int, message: String, typed: String)? = nil
    ) {
        let words = DisplayWords(localizer: labels.localizer, language: labels.language)
        let t: ContractPageView.Localize = { words.t($0, $1) }
        let row = detail.row, state = row.contractState, facts = detail.facts
        let isOpen = state.isOpen
        func size(_ bytes: Int) -> String {
            bytes >= 1 << 20 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : "\(max(1, bytes / 1024)) KB"
        }
        func file(_ row: AttachmentStore.Row) -> File {
            File(
                id: row.id, name: row.fileName, size: size(row.byteCount),
                uploadedAt: DisplayFormat.dateTime(row.uploadedAt))
        }
        let scans = Dictionary(grouping: detail.scans, by: \.recordID)
        id = row.id; number = row.number; title = row.title; customerID = row.customerID;
        customerName = row.customerName
        canOpenCustomer = may.openCustomer; projectName = row.projectName ?? "—";
        projectVersion = row.projectVersion.map { "v\($0)" } ?? ""
        self.typeLabel = typeLabel; amountWan = Yuan(row.amountYuan).wanText
        paymentPlan = row.installments.map { "\($0.label) · \($0.amount.wanText)\($0.dueOn.map { " · \($0)" } ?? "")" }
        parties = row.parties; staffName = row.staffName ?? "—"; self.state = row.state;
        stateKey = "contract.state.\(row.state)"
        isCancelled = state == .cancelled; cancelReason = row.cancelReason ?? ""
        let current = ContractState.order.firstIndex(of: state) ?? -1
        steps = ContractState.order.enumerated().map {
            Step(labelKey: "contract.state.\($1.rawValue)", isDone: $0 < current, isCurrent: $0 == current)
        }
        nextNeeds = ContractStateMachine.nextNeeds(facts).map {
            labels.localizer.text($0.key, labels.language, $0.arguments)
        }
        hasNextNeeds = !nextNeeds.isEmpty
        missingText = detail.missingDocumentsText(labels: labels) ?? ""; hasMissingText = !missingText.isEmpty
        canEditChecklist = may.manage && state == .draft
        let checklist = detail.checklist.map { item in
            let failed = failedItem?.id == item.id
            return Item(
                id: item.id, name: labels.document(item.code, item.name), isRequired: item.isRequired,
                status: item.status,
                statusKey: "contract.checklist.\(item.status)", reason: item.reason ?? "", version: item.version,
                problem: failed ? failedItem?.message ?? "" : "", hasProblem: failed,
                hasReason: !(item.reason ?? "").isEmpty,
                typedReason: failed ? failedItem?.reason ?? "" : item.reason ?? "",
                files: (scans[item.id] ?? []).map(file),
                statuses: ChoiceOption.list(
                    ChecklistStatus.allCases.map(\.rawValue), labelPrefix: "contract.checklist", selected: item.status))
        }
        checklistRows = ContractPageView.checklistRows(
            checklist, contractID: row.id, canEdit: canEditChecklist, csrf: csrf, t: t)
        let clauseNames = Dictionary(
            uniqueKeysWithValues: detail.clauses.map { ($0.id, labels.clause($0.code, $0.name)) })
        clauses = detail.clauses.map {
            Clause(
                id: $0.id, title: clauseNames[$0.id] ?? "", isExplained: $0.explainedAt != nil,
                explainedAt: $0.explainedAt.map(DisplayFormat.dateTime) ?? "",
                explainedBy: $0.explainedByName ?? "", note: $0.note ?? "")
        }
        canExplain = may.manage && TermsExplanation.explainProblem(state: state) == nil
        questions = detail.questions.map {
            Question(
                question: $0.question, answer: $0.answer ?? "", askedAt: DisplayFormat.dateTime($0.askedAt),
                by: $0.staffName ?? "",
                clause: $0.clauseID.flatMap { clauseNames[$0] })
        }
        clauseOptions =
            [ChoiceOption(value: "", labelKey: "contract.terms.whole_contract", isSelected: true)]
            + detail.clauses.map {
                ChoiceOption(value: String($0.id), labelKey: "", label: clauseNames[$0.id] ?? "", isSelected: false)
            }
        termsConfirmedAt = row.termsConfirmedAt.map(DisplayFormat.dateTime);
        termsConfirmation = row.termsConfirmation ?? ""
        canConfirm = may.manage && row.termsConfirmedAt == nil && state == .documentsComplete
        reviewStatusKey = "contract.review.\(row.reviewStatus)";
        reviewForwardedAt = row.reviewForwardedAt.map(DisplayFormat.dateTime)
        reviewAnsweredAt = row.reviewAnsweredAt.map(DisplayFormat.dateTime); reviewer = row.reviewStaffName ?? "";
        reviewComment = row.reviewComment
        canForward = may.manage && ContractStateMachine.forwardRefusal(facts) == nil
        canReview = may.review && row.review == .forwarded && state == .termsExplained
        // The next state this page moves to by a button; review and signing have their own forms.
        let next = state.next
        moveTo = next?.rawValue ?? ""; moveLabelKey = "contract.move.\(next?.rawValue ?? "none")"
        canMove = may.manage && next != nil && next != .legalReviewPassed && next != .signed
        canCancel = may.manage && isOpen
        signedOn = row.signedOn; signedPlace = row.signedPlace ?? ""; signatories = row.signatories ?? ""
        canSign = may.manage && state == .legalReviewPassed
        canUploadSigned = may.manage && state.hasReached(.signed) && isOpen
        signedFiles = detail.signedFiles.map(file)
        let notices = Dictionary(grouping: detail.notices, by: \.obligationID)
        let obligations = detail.obligations.map { o in
            Obligation(
                id: o.id, kindKey: "obligation.kind.\(o.kind)", partyKey: "obligation.party.\(o.party)", title: o.title,
                dueOn: o.dueOn,
                amountWan: o.amountYuan.map { Yuan($0).wanText } ?? "", staffName: o.staffName ?? "—",
                isOverdue: ObligationRules.isOverdue(dueOn: o.day, isDone: o.doneAt != nil, today: today),
                isDone: o.doneAt != nil,
                doneAt: o.doneAt.map(DisplayFormat.dateTime) ?? "", isPayment: o.isPayment, version: o.version,
                notices: (notices[o.id] ?? []).map { "\(DisplayFormat.dateTime($0.givenAt)) · \($0.content)" },
                noticeError: failedNotice?.id == o.id ? failedNotice?.message ?? "" : "",
                typedNotice: failedNotice?.id == o.id ? failedNotice?.typed ?? "" : "",
                hasNoticeError: failedNotice?.id == o.id)
        }
        hasObligations = !obligations.isEmpty
        canAddObligation = may.manage && isOpen
        canReceivePayments = may.receivePayments
        obligationKinds = ChoiceOption.list(
            ObligationKind.allCases.map(\.rawValue), labelPrefix: "obligation.kind", selected: "payment")
        obligationParties = ChoiceOption.list(
            ObligationParty.allCases.map(\.rawValue), labelPrefix: "obligation.party", selected: "customer")
        let channels = ChoiceOption.list(
            FollowUpChannel.allCases.map(\.rawValue), labelPrefix: "follow_up.channel", selected: "phone")
        obligationRows = ContractPageView.obligationRows(
            obligations, canAct: canAddObligation, channels: channels, csrf: csrf, t: t)
        timelineItems = ContractPageView.timelineItems(
            timeline.map {
                Entry(
                    time: DisplayFormat.dateTime($0.occurredAt), kindKey: "timeline.kind.\($0.kind)",
                    actor: $0.actorName, summary: words.timelineText($0))
            }, t: t)
        version = row.version
        canChangeTerms = may.manage && ContractStateMachine.termsChangeRefusal(facts) == nil
        terms = ["title": row.title, "amountWan": Yuan(row.amountYuan).wanText, "parties": row.parties]
        termsPlan = ContractPage.planRows(
            row.installments.map {
                InstallmentDraft(label: $0.label, amountWan: $0.amount.wanText, dueOn: $0.dueOn?.description)
            })
    }

    /// A payment plan as the form's rows, with empty rows to add installments (four at least).
    static func planRows(_ installments: [InstallmentDraft]) -> [[String: String]] {
        var rows = installments.map { ["label": $0.label, "amount": $0.amountWan, "due": $0.dueOn ?? ""] }
        while rows.count < max(4, installments.count + 1) { rows.append(["label": "", "amount": "", "due": ""]) }
        return rows
    }
}
