import Foundation
import KefuDomain
import Testing

/// R3.4, R1.2: the contract's state machine, the document checklist, the terms explained, the payment
/// plan, signing and obligations — pure rules, every transition allowed and refused.
@Suite("Contracts: state machine, checklist, terms, payment plan, obligations (R3.4)")
struct ContractRulesTests {
    static let license = ChecklistItemFacts(name: "营业执照", status: .received)
    static let idCard = ChecklistItemFacts(name: "法定代表人身份证", status: .missing)
    static let plan = ChecklistItemFacts(name: "项目计划书", status: .rejected)
    static let optional = ChecklistItemFacts(name: "企业信用报告", isRequired: false, status: .missing)
    static let explained = [
        ClauseFacts(title: "合同标的", isExplained: true), ClauseFacts(title: "违约责任", isExplained: true),
    ]

    /// Facts under which each state may move on to the next.
    static func ready(_ state: ContractState) -> ContractFacts {
        ContractFacts(
            state: state, checklist: [license, optional], clauses: explained, termsConfirmed: true,
            review: .approved, isSigningRecorded: true, hasSignedFile: true, openObligations: 0)
    }

    // MARK: The order

    @Test("each state moves to the next when its condition holds", arguments: ContractState.order.dropLast())
    func forwardAllowed(state: ContractState) throws {
        let next = try #require(state.next)
        #expect(ContractStateMachine.refusal(Self.ready(state), to: next) == nil)
    }

    @Test("no state may be skipped, repeated or gone back to", arguments: ContractState.order)
    func skippingRefused(state: ContractState) {
        for target in ContractState.order where target != state.next {
            let refusal = ContractStateMachine.refusal(Self.ready(state), to: target)
            #expect(refusal != nil, "\(state) → \(target) was allowed")
            if state.isOpen { #expect(refusal?.key == "contract.refusal.order") }
        }
    }

    @Test(
        "cancelling needs a reason and is possible from every state before completed", arguments: ContractState.allCases
    )
    func cancelling(state: ContractState) {
        let facts = ContractFacts(state: state)
        let withReason = ContractStateMachine.refusal(facts, to: .cancelled, cancelReason: "客户决定投资其他园区")
        if state.isOpen {
            #expect(withReason == nil)
            #expect(
                ContractStateMachine.refusal(facts, to: .cancelled, cancelReason: "  ")?.key
                    == "contract.refusal.cancel_reason")
        } else {
            #expect(withReason?.key == "contract.refusal.closed")
        }
    }

    @Test("nothing moves a completed or cancelled contract")
    func closedStaysClosed() {
        for state in [ContractState.completed, .cancelled] {
            for target in ContractState.allCases {
                #expect(ContractStateMachine.refusal(Self.ready(state), to: target, cancelReason: "原因") != nil)
            }
        }
    }

    // MARK: Each condition, and what the refusal says

    @Test("documents complete only when every required item is received; the refusal names the missing ones")
    func documentsComplete() {
        var facts = ContractFacts(state: .draft, checklist: [Self.license, Self.idCard, Self.plan, Self.optional])
        let refusal = ContractStateMachine.refusal(facts, to: .documentsComplete)
        #expect(refusal == ContractReason("contract.refusal.documents_missing", ["documents": "法定代表人身份证、项目计划书"]))
        #expect(DocumentChecklist.outstanding(facts.checklist).map(\.name) == ["法定代表人身份证", "项目计划书"])
        #expect(!DocumentChecklist.isComplete(facts.checklist))
        facts.checklist = [Self.license, Self.optional]
        #expect(DocumentChecklist.isComplete(facts.checklist), "an optional document missing does not hold it up")
        #expect(ContractStateMachine.refusal(facts, to: .documentsComplete) == nil)
        facts.checklist = []
        #expect(ContractStateMachine.refusal(facts, to: .documentsComplete)?.key == "contract.refusal.no_checklist")
        #expect(!DocumentChecklist.isComplete([]))
    }

    @Test("a rejected document needs its reason")
    func rejectionReason() {
        #expect(DocumentChecklist.problem(status: .rejected, reason: " ") == "validation.contract.rejection_reason")
        #expect(DocumentChecklist.problem(status: .rejected, reason: "复印件不清晰，请提供原件扫描") == nil)
        #expect(DocumentChecklist.problem(status: .received, reason: "") == nil)
        #expect(
            DocumentChecklist.problem(status: .missing, reason: String(repeating: "长", count: 501))
                == "validation.too_long")
    }

    @Test("terms are explained only after the documents are complete and before signing")
    func explainingWindow() {
        #expect(TermsExplanation.explainProblem(state: .draft)?.key == "contract.refusal.documents_first")
        for state in [ContractState.documentsComplete, .termsExplained, .legalReviewPassed] {
            #expect(TermsExplanation.explainProblem(state: state) == nil, "\(state)")
        }
        for state in [ContractState.signed, .inExecution, .completed, .cancelled] {
            #expect(
                TermsExplanation.explainProblem(state: state)?.key == "contract.refusal.closed_for_terms", "\(state)")
        }
    }

    @Test("terms explained needs every clause explained and the customer's confirmation; the refusal names the clauses")
    func termsExplained() {
        var facts = Self.ready(.documentsComplete)
        facts.clauses = [
            ClauseFacts(title: "合同标的", isExplained: true), ClauseFacts(title: "违约责任", isExplained: false),
            ClauseFacts(title: "争议解决", isExplained: false),
        ]
        #expect(
            ContractStateMachine.refusal(facts, to: .termsExplained)
                == ContractReason("contract.refusal.clauses_unexplained", ["clauses": "违约责任、争议解决"]))
        #expect(
            TermsExplanation.confirmProblem(state: .documentsComplete, clauses: facts.clauses)?.key
                == "contract.refusal.clauses_unexplained")
        facts.clauses = Self.explained
        facts.termsConfirmed = false
        #expect(ContractStateMachine.refusal(facts, to: .termsExplained)?.key == "contract.refusal.terms_not_confirmed")
        facts.clauses = []
        #expect(ContractStateMachine.refusal(facts, to: .termsExplained)?.key == "contract.refusal.no_clauses")
    }

    @Test(
        "the legal review is passed only by the 法务部's approval",
        arguments: [LegalReviewStatus.none, .forwarded, .returned])
    func reviewNotPassed(review: LegalReviewStatus) {
        var facts = Self.ready(.termsExplained)
        facts.review = review
        #expect(
            ContractStateMachine.refusal(facts, to: .legalReviewPassed)?.key == "contract.refusal.review_not_passed")
    }

    @Test("forwarding to the 法务部: after the terms, once at a time, again after a return")
    func forwarding() {
        #expect(
            ContractStateMachine.forwardRefusal(ContractFacts(state: .documentsComplete))?.key
                == "contract.refusal.terms_first")
        #expect(ContractStateMachine.forwardRefusal(ContractFacts(state: .termsExplained, termsConfirmed: true)) == nil)
        #expect(
            ContractStateMachine.forwardRefusal(
                ContractFacts(state: .termsExplained, termsConfirmed: true, review: .forwarded))?.key
                == "contract.refusal.review_pending")
        #expect(
            ContractStateMachine.forwardRefusal(
                ContractFacts(state: .termsExplained, termsConfirmed: true, review: .returned)) == nil)
        #expect(
            ContractStateMachine.forwardRefusal(
                ContractFacts(state: .termsExplained, termsConfirmed: false, review: .returned))?.key
                == "contract.refusal.terms_not_confirmed",
            "terms changed after a return are confirmed again before forwarding")
        #expect(
            ContractStateMachine.forwardRefusal(ContractFacts(state: .legalReviewPassed, review: .approved))?.key
                == "contract.refusal.review_done")
    }

    @Test("the terms change until the legal review passes, never while it is pending")
    func termsChange() {
        for state in [ContractState.draft, .documentsComplete, .termsExplained] {
            #expect(ContractStateMachine.termsChangeRefusal(ContractFacts(state: state)) == nil, "\(state)")
        }
        #expect(
            ContractStateMachine.termsChangeRefusal(ContractFacts(state: .termsExplained, review: .returned)) == nil,
            "corrected after a return")
        #expect(
            ContractStateMachine.termsChangeRefusal(ContractFacts(state: .termsExplained, review: .forwarded))?.key
                == "contract.refusal.review_pending")
        for state in [ContractState.legalReviewPassed, .signed, .inExecution, .completed, .cancelled] {
            #expect(
                ContractStateMachine.termsChangeRefusal(ContractFacts(state: state))?.key
                    == "contract.refusal.terms_locked", "\(state)")
        }
        #expect(
            ContractStateMachine.nextNeeds(
                ContractFacts(state: .termsExplained, termsConfirmed: false, review: .returned)
            ).map(\.key)
                == ["contract.refusal.terms_not_confirmed"])
    }

    @Test("the liaison answers only a waiting review, and a return needs comments")
    func reviewing() {
        let waiting = ContractFacts(state: .termsExplained, review: .forwarded)
        #expect(ContractStateMachine.reviewRefusal(waiting, approve: true, comment: "") == nil)
        #expect(
            ContractStateMachine.reviewRefusal(waiting, approve: false, comment: " ")?.key
                == "contract.refusal.return_comment")
        #expect(ContractStateMachine.reviewRefusal(waiting, approve: false, comment: "第七条违约金比例过高，请修改") == nil)
        #expect(
            ContractStateMachine.reviewRefusal(
                ContractFacts(state: .termsExplained, review: .returned), approve: true, comment: "")?.key
                == "contract.refusal.not_waiting_review")
    }

    @Test("signing needs its details; execution needs the signed file; completion needs every obligation fulfilled")
    func laterConditions() {
        var facts = Self.ready(.legalReviewPassed)
        facts.isSigningRecorded = false
        #expect(ContractStateMachine.refusal(facts, to: .signed)?.key == "contract.refusal.signing_details")
        facts = Self.ready(.signed)
        facts.hasSignedFile = false
        #expect(ContractStateMachine.refusal(facts, to: .inExecution)?.key == "contract.refusal.signed_file")
        facts = Self.ready(.inExecution)
        facts.openObligations = 2
        #expect(
            ContractStateMachine.refusal(facts, to: .completed)
                == ContractReason("contract.refusal.obligations_open", ["count": "2"]))
    }

    @Test("the page says what is needed next in every state")
    func nextNeeds() {
        var draft = ContractFacts(state: .draft, checklist: [Self.license, Self.idCard])
        #expect(
            ContractStateMachine.nextNeeds(draft) == [
                ContractReason("contract.refusal.documents_missing", ["documents": "法定代表人身份证"])
            ])
        draft.checklist = [Self.license]
        #expect(ContractStateMachine.nextNeeds(draft).map(\.key) == ["contract.next.mark_documents_complete"])
        #expect(
            ContractStateMachine.nextNeeds(ContractFacts(state: .termsExplained, review: .forwarded)).map(\.key) == [
                "contract.refusal.review_pending"
            ])
        #expect(
            ContractStateMachine.nextNeeds(
                ContractFacts(state: .termsExplained, termsConfirmed: true, review: .returned)
            ).map(\.key) == ["contract.next.returned"])
        #expect(
            ContractStateMachine.nextNeeds(ContractFacts(state: .legalReviewPassed)).map(\.key) == [
                "contract.next.sign"
            ])
        #expect(
            ContractStateMachine.nextNeeds(ContractFacts(state: .signed)).map(\.key) == ["contract.refusal.signed_file"]
        )
        #expect(ContractStateMachine.nextNeeds(ContractFacts(state: .completed)).isEmpty)
        for state in ContractState.allCases where state.isOpen {
            #expect(!ContractStateMachine.nextNeeds(Self.ready(state)).isEmpty, "\(state)")
        }
    }

    // MARK: Money, signing, obligations

    @Test(
        "amounts in 万元 are kept to the 元 and shown with separators",
        arguments: [
            ("1,200.5", 12_005_000, "1,200.5"), ("80", 800_000, "80"), ("0.0001", 1, "0.0001"),
            ("12345678", 123_456_780_000, "12,345,678"),
        ] as [(String, Int64, String)])
    func amounts(text: String, yuan: Int64, shown: String) {
        #expect(Yuan(wan: text)?.value == yuan)
        #expect(Yuan(yuan).wanText == shown)
    }

    @Test(
        "amounts that are not amounts are refused",
        arguments: ["", "-5", "1.00001", "一百", "1e3", "1.", ".5", "123456789"])
    func badAmounts(text: String) {
        #expect(Yuan(wan: text) == nil)
    }

    @Test("a payment plan must add up to the amount, to the 元")
    func paymentPlan() {
        let plan = [
            InstallmentDraft(label: "首期款", amountWan: "300.3333"),
            InstallmentDraft(label: "二期款", amountWan: "699.6667", dueOn: "2027-03-01"),
        ]
        guard case .success(let (amount, installments)) = PaymentPlan.validate(amountWan: "1,000", installments: plan)
        else {
            Issue.record("a plan that adds up was refused"); return
        }
        #expect(amount == Yuan(10_000_000))
        #expect(installments.map(\.dueOn) == [nil, CalendarDay("2027-03-01")])
        guard case .failure(let errors) = PaymentPlan.validate(amountWan: "1,000.0001", installments: plan) else {
            Issue.record("a plan 1 元 short was accepted"); return
        }
        #expect(errors.messages == ["paymentPlan": "validation.contract.plan_sum"])
        guard
            case .failure(let bad) = PaymentPlan.validate(
                amountWan: "",
                installments: [
                    InstallmentDraft(label: "", amountWan: "1"),
                    InstallmentDraft(label: "尾款", amountWan: "0"),
                ])
        else {
            Issue.record("bad installments accepted"); return
        }
        #expect(
            bad.messages == [
                "amountWan": "validation.required", "paymentPlan.1": "validation.contract.installment_label",
                "paymentPlan.2": "validation.contract.amount",
            ])
        #expect(
            (try? PaymentPlan.validate(amountWan: "500", installments: []).get())?.0 == Yuan(5_000_000),
            "no plan: one sum")
    }

    @Test("a new contract needs a type from the list, a title and an amount")
    func contractDraft() {
        let result = ContractValidation.validate(ContractDraft(type: "loan", title: " ", amountWan: "abc"))
        guard case .failure(let errors) = result else { Issue.record("accepted"); return }
        #expect(
            errors.messages == [
                "type": "validation.choose_from_list", "title": "validation.required",
                "amountWan": "validation.contract.amount",
            ])
        let good = try? ContractValidation.validate(ContractDraft(type: "lease", title: "张江厂房租赁合同", amountWan: "360"))
            .get()
        #expect(good?.type == "lease")
        #expect(good?.amount == Yuan(3_600_000))
    }

    @Test("signing: a day not in the future, a place and the signatories")
    func signing() {
        let today = CalendarDay("2026-11-30")!
        let ok = try? SigningRule.validate(
            SigningDraft(signedOn: "2026-11-30", place: "上海张江管委会会议室", signatories: "张伟（乙方法定代表人）、王静"), today: today
        ).get()
        #expect(ok?.signedOn == today)
        guard
            case .failure(let errors) = SigningRule.validate(
                SigningDraft(signedOn: "2026-12-01", place: "", signatories: " "), today: today)
        else {
            Issue.record("accepted"); return
        }
        #expect(
            errors.messages == [
                "signedOn": "validation.contract.signed_in_future", "place": "validation.required",
                "signatories": "validation.required",
            ])
        guard
            case .failure(let bad) = SigningRule.validate(
                SigningDraft(signedOn: "2026-02-30", place: "上海", signatories: "张伟"), today: today)
        else {
            Issue.record("accepted"); return
        }
        #expect(bad.messages == ["signedOn": "validation.date"])
    }

    @Test("an obligation is not due before the signing day; payments carry an amount, others none")
    func obligations() {
        let signed = CalendarDay("2026-11-30")!
        let early = ObligationRules.validate(
            ObligationDraft(kind: "payment", party: "customer", title: "首期投资款", dueOn: "2026-11-29", amountWan: "300"),
            signedOn: signed)
        guard case .failure(let errors) = early else { Issue.record("accepted"); return }
        #expect(errors.messages == ["dueOn": "validation.obligation.before_signing"])
        let onTheDay = try? ObligationRules.validate(
            ObligationDraft(kind: "payment", party: "customer", title: "首期投资款", dueOn: "2026-11-30", amountWan: "300"),
            signedOn: signed
        ).get()
        #expect(onTheDay?.amount == Yuan(3_000_000))
        #expect(onTheDay?.remindDaysBefore == ObligationRules.defaultRemindDaysBefore)
        guard
            case .failure(let mixed) = ObligationRules.validate(
                ObligationDraft(
                    kind: "opening", party: "tenant", title: "开业", dueOn: "2027-05-01", amountWan: "10",
                    remindDaysBefore: 120), signedOn: nil
            )
        else { Issue.record("accepted"); return }
        #expect(
            mixed.messages == [
                "party": "validation.choose_from_list", "amountWan": "validation.obligation.amount_for_payments",
                "remindDaysBefore": "validation.obligation.remind_days",
            ])
        #expect(ObligationRules.isOverdue(dueOn: signed, isDone: false, today: signed.adding(days: 1)))
        #expect(!ObligationRules.isOverdue(dueOn: signed, isDone: false, today: signed))
        #expect(!ObligationRules.isOverdue(dueOn: signed, isDone: true, today: signed.adding(days: 9)))
    }

    @Test(
        "obligation reminders at the boundaries: N days before through the due day, then overdue; once per event and due day",
        arguments: [
            (-8, nil), (-7, ReminderEvent.obligationDueSoon), (-1, .obligationDueSoon), (0, .obligationDueSoon),
            (1, .obligationOverdue), (30, .obligationOverdue),
        ] as [(Int, ReminderEvent?)])
    func reminderBoundaries(offset: Int, expected: ReminderEvent?) {
        let due = CalendarDay("2026-12-10")!
        let candidate = ObligationCandidate(id: 7, staffID: 3, dueOn: due, remindDaysBefore: 7)
        let reminders = ObligationReminderRules.reminders([candidate], today: due.adding(days: offset))
        #expect(reminders.map(\.event) == (expected.map { [$0] } ?? []))
        if let first = reminders.first {
            #expect(first.staffID == 3)
            let again = ObligationReminderRules.reminders([candidate], today: due.adding(days: offset))
            #expect(again.first?.dedupeKey == first.dedupeKey, "the same key on the next scan: the store keeps one")
        }
    }

    @Test("calendar days: parsing, the office's day of an instant, arithmetic")
    func calendarDays() {
        #expect(CalendarDay("2026-02-29") == nil)
        #expect(CalendarDay("2028-02-29")?.description == "2028-02-29")
        #expect(CalendarDay("2026-1-05") == nil)
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        // 2026-11-29T16:30Z is 00:30 on the 30th in Shanghai.
        #expect(CalendarDay(Date(timeIntervalSince1970: 1_795_969_800), timeZone: shanghai).description == "2026-11-30")
        #expect(CalendarDay("2026-12-31")!.adding(days: 1).description == "2027-01-01")
        #expect(CalendarDay("2026-11-30")!.days(until: CalendarDay("2026-12-07")!) == 7)
    }
}

@Suite("Procedures: steps in order, standing (R3.4)")
struct ProcedureRulesTests {
    @Test("a step is done only after the steps before it, and is not reopened")
    func stepOrder() {
        let steps: [ProcedureStepStatus] = [.done, .inProgress, .pending]
        #expect(ProcedureRules.stepProblem(steps, index: 2, to: .done) == "validation.procedure.order")
        #expect(ProcedureRules.stepProblem(steps, index: 2, to: .inProgress) == nil, "later steps may be started early")
        #expect(ProcedureRules.stepProblem(steps, index: 1, to: .done) == nil)
        #expect(ProcedureRules.stepProblem(steps, index: 0, to: .inProgress) == "validation.procedure.reopen")
        #expect(ProcedureRules.stepProblem(steps, index: 5, to: .done) == "validation.choose_from_list")
    }

    @Test("a procedure's standing and its current step follow from the steps")
    func standing() {
        #expect(ProcedureRules.standing([.pending, .pending]) == .notStarted)
        #expect(ProcedureRules.standing([.done, .pending]) == .inProgress)
        #expect(ProcedureRules.standing([.done, .done]) == .completed)
        #expect(ProcedureRules.currentStep([.done, .inProgress, .pending]) == 1)
        #expect(ProcedureRules.currentStep([.done]) == nil)
        #expect(ProcedureType.businessRegistration.steps.first == "name_check")
        #expect(ProcedureType.allCases.allSatisfy { !$0.steps.isEmpty })
    }
}
