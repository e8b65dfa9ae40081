import Fluent
import Foundation
import KefuDomain
import NIOCore
import SQLKit
import Vapor

/// About thirty demo contracts in every state (issue 12 §9), taken there through the same workflow
/// people use: documents received or rejected, clauses explained, questions answered, the 法务部's
/// answers, signings, obligations (some overdue, some payments received), business and tax registration
/// under way, and cancellations.
enum DemoContracts {
    /// The state each demo contract is taken to, in order; `returned` is a contract the 法务部 sent back.
    private enum Target: CaseIterable {
        case draft, documents, terms, forwarded, returned, approved, signed, execution, completed, cancelled
    }

    static let titles: [ContractType: [String]] = [
        .investmentAgreement: ["项目投资协议", "产业项目入园协议", "固定资产投资协议"],
        .lease: ["厂房租赁合同", "研发楼租赁合同", "仓储用房租赁合同"],
        .franchise: ["品牌加盟合同", "区域特许经营合同"],
        .other: ["项目合作框架协议"],
    ]
    static let amounts = ["1,200", "360", "2,500", "88.5", "5,000", "640", "150", "980"]
    static let questions = [
        ("违约金比例是否可以调整？", "违约金按未付金额的 0.05%/日计，已与法务确认为标准条款。"),
        ("优惠政策什么时候兑现？", "按年度纳税额在次年 6 月前兑现，详见第九条。"),
        ("装修期是否免租？", "首年给予 3 个月装修免租期。"),
    ]

    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard try await sql.raw("SELECT COUNT(*) AS n FROM contracts").first()?.decode(column: "n", as: Int.self) == 0
        else { return }
        let customers = try await sql.raw(
            """
            SELECT customers.id, customers.name, customers.responsible_staff_id, staff.username FROM customers
            JOIN staff ON staff.id = customers.responsible_staff_id
            WHERE customers.merged_into_id IS NULL AND customers.stage IN ('negotiating', 'intent') ORDER BY customers.id LIMIT 30
            """
        ).allRows(DemoRows.Customer.self)
        struct Project: Decodable { var id: Int; var name: String }
        let projects = try await sql.raw("SELECT id, name FROM projects ORDER BY id").allRows(Project.self).map {
            ($0.id, $0.name)
        }
        func person(_ username: String) async throws -> (Int, String)? {
            try await sql.raw("SELECT id FROM staff WHERE username = \(bind: username)").first().map {
                (try $0.decode(column: "id", as: Int.self), username)
            }
        }
        let legal = try await person("zhoumin"), finance = try await person("wugang")
        let labels = ContractLabels(localizer: app.kefu.localizer, language: .zhHans)
        let now = app.kefu.clock.now
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        let workflow = ContractWorkflow(database: app.db, labels: labels)
        let store = ContractStore(database: app.db)
        // The supervisor added a procedure the department often helps with (R3.4: configurable others).
        var supervisor = AuditContext.console(now: now.addingTimeInterval(-120 * 86400))
        (supervisor.actorStaffID, supervisor.actorName) = (try await person("wangjing")?.0, "wangjing")
        let energyReview = ProcedureTemplateStore.newCode()
        try await ProcedureTemplateStore(database: app.db).save(
            ProcedureTypeTemplate(
                code: energyReview, name: "节能审查",
                steps: [
                    ProcedureStepTemplate(
                        code: "custom", name: "编制节能报告", guidance: "年综合能耗1000吨标准煤以上的项目须编制节能报告，园区可推荐有经验的咨询机构。",
                        documents: "可行性研究报告、用能设备清单、能源消费测算"),
                    ProcedureStepTemplate(
                        code: "custom", name: "提交节能审查申请", guidance: "通过投资项目在线审批监管平台提交，工程管理部可协助填报。",
                        documents: "节能报告、申请函、项目备案证明"),
                    ProcedureStepTemplate(
                        code: "custom", name: "取得节能审查意见", guidance: "一般20个工作日内出具意见，取得后方可开工建设。", documents: "受理通知书"),
                ]), version: 0, context: supervisor)
        for (index, row) in customers.enumerated() {
            let target = Target.allCases[index % Target.allCases.count]
            let customerID = row.id
            var context = AuditContext.console(now: now.addingTimeInterval(-Double(90 - index * 2) * 86400))
            context.actorStaffID = row.responsibleStaffID
            context.actorName = row.username
            func later(_ days: Double) { context.now = context.now.addingTimeInterval(days * 86400) }
            func version(_ id: Int) async throws -> Int { try await store.find(id)?.version ?? 0 }
            let type = ContractType.allCases[index % ContractType.allCases.count]
            let project = projects.isEmpty ? nil : projects[index % projects.count]
            let amount = amounts[index % amounts.count]
            let total = Yuan(wan: amount) ?? Yuan(0)
            let first = Yuan(total.value * 3 / 10)
            let plan = [
                InstallmentDraft(label: "首期款", amountWan: first.wanText),
                InstallmentDraft(label: "尾款", amountWan: Yuan(total.value - first.value).wanText),
            ]
            let name = row.name ?? ""
            let title = (project.map { $0.1 } ?? "") + (titles[type]?[index % (titles[type]?.count ?? 1)] ?? "")
            let id = try await workflow.create(
                .init(
                    customerID: customerID, projectID: project?.0, type: type.rawValue, title: title, amountWan: amount,
                    paymentPlan: plan, parties: "甲方：本公司；乙方：\(name)"), context: context)
            let items = try await store.checklist(id)
            if target == .draft || target == .cancelled {
                for (position, item) in items.enumerated() where position < 2 {
                    later(1)
                    try await workflow.setChecklistItem(
                        contractID: id, itemID: item.id, status: position == 1 ? "rejected" : "received",
                        reason: position == 1 ? "复印件不清晰，请提供加盖公章的原件扫描件" : nil, version: item.version, context: context)
                }
                if target == .cancelled {
                    later(3)
                    try await workflow.move(
                        contractID: id, to: "cancelled", reason: "客户决定暂缓投资计划", version: try await version(id),
                        context: context)
                }
                continue
            }
            for item in items where item.isRequired {
                later(0.5)
                try await workflow.setChecklistItem(
                    contractID: id, itemID: item.id, status: "received", reason: nil, version: item.version,
                    context: context)
            }
            try await workflow.move(
                contractID: id, to: "documents_complete", reason: nil, version: try await version(id), context: context)
            if target == .documents { continue }
            later(2)
            for clause in try await store.clauses(id) {
                try await workflow.explainClause(
                    contractID: id, clauseID: clause.id, note: "逐条讲解并举例说明", context: context)
            }
            let (question, answer) = questions[index % questions.count]
            try await workflow.addQuestion(
                contractID: id, .init(clauseID: nil, question: question, answer: answer), context: context)
            try await workflow.confirmTerms(
                contractID: id, note: "客户当面签字确认", version: try await version(id), context: context)
            try await workflow.move(
                contractID: id, to: "terms_explained", reason: nil, version: try await version(id), context: context)
            if target == .terms { continue }
            later(1)
            try await workflow.forward(contractID: id, version: try await version(id), context: context)
            guard let legal, target != .forwarded else { continue }
            var reviewer = context
            reviewer.actorStaffID = legal.0
            reviewer.actorName = legal.1
            reviewer.now = context.now.addingTimeInterval(86400)
            try await workflow.review(
                contractID: id, approve: target != .returned,
                comment: target == .returned ? "第七条违约责任表述不清，请修改后重新提交" : "条款合规",
                version: try await version(id), context: reviewer)
            if target == .returned || target == .approved { continue }
            // Signed some weeks ago, so that some obligations are already due or overdue.
            let signedOn = today.adding(days: -(20 + index * 2))
            context.now = now.addingTimeInterval(-Double(20 + index * 2) * 86400)
            try await workflow.sign(
                contractID: id,
                SigningDraft(signedOn: signedOn.description, place: "公司招商中心签约室", signatories: "\(name)、王静"),
                version: try await version(id), today: today, context: context)
            let obligations = ObligationStore(database: app.db)
            let duties: [(ObligationKind, String, Int, String?)] = [
                (.payment, "支付首期款", 15, first.wanText), (.constructionStart, "项目开工", 45, nil),
                (.report, "提交季度经营报告", 100, nil),
                (.payment, "支付尾款", 150, Yuan(total.value - first.value).wanText),
            ]
            var obligationIDs: [Int] = []
            for (kind, duty, days, money) in duties {
                obligationIDs.append(
                    try await obligations.add(
                        contractID: id,
                        .init(
                            kind: kind.rawValue, party: "customer", title: duty,
                            dueOn: signedOn.adding(days: days).description, amountWan: money,
                            remindDaysBefore: 7, staffID: nil), context: context))
            }
            _ = try await workflow.addSignedFile(
                contractID: id, fileName: "\(title)（签字盖章版）.pdf", bytes: ByteBuffer(string: "%PDF-1.4\n% Kefu demo\n"),
                dataDirectory: app.kefu.configuration.dataDirectory, context: context)
            if target == .signed { continue }
            try await workflow.move(
                contractID: id, to: "in_execution", reason: nil, version: try await version(id), context: context)
            // Registration under way after signing: the first steps done (all of them once the contract is completed).
            let procedures = ProcedureStore(database: app.db)
            let types =
                [ProcedureType.businessRegistration.rawValue, ProcedureType.taxRegistration.rawValue]
                + (index % 3 == 0 ? [energyReview] : [])
            for type in types {
                let procedureID = try await procedures.start(
                    customerID: customerID, .init(type: type, contractID: id), labels: labels, context: context)
                guard let procedure = try await procedures.find(procedureID) else { continue }
                let steps =
                    try await procedures.procedures(customerID: customerID).first { $0.0.id == procedureID }?.1 ?? []
                for (position, step) in steps.enumerated()
                where target == .completed || (type != ProcedureType.taxRegistration.rawValue && position < 2) {
                    try await procedures.update(
                        procedure, stepID: step.id,
                        .init(status: "done", note: nil, helperStaffID: nil, version: step.version),
                        today: today, labels: labels, context: context)
                }
            }
            // The first payment came in; the customer was reminded of the second duty.
            for (position, obligationID) in obligationIDs.enumerated() {
                guard let obligation = try await obligations.find(obligationID) else { continue }
                let due = obligation.day
                let isPast = due < today
                if position == 0, let finance, isPast || target == .completed {
                    var cashier = context
                    cashier.actorStaffID = finance.0
                    cashier.actorName = finance.1
                    cashier.now = now
                    try await obligations.fulfil(obligation, version: obligation.version, context: cashier)
                } else if position == 1 {
                    _ = try await obligations.addNotice(
                        obligation, .init(channel: "wechat", content: "已提醒客户按期开工，并告知需先办理施工许可"), context: context)
                }
                if target == .completed, position > 0, let finance {
                    var actor = context
                    if obligation.isPayment { actor.actorStaffID = finance.0; actor.actorName = finance.1 }
                    actor.now = now
                    if let fresh = try await obligations.find(obligationID) {
                        try await obligations.fulfil(fresh, version: fresh.version, context: actor)
                    }
                }
            }
            if target == .completed {
                var closing = context
                closing.now = now
                try await workflow.move(
                    contractID: id, to: "completed", reason: nil, version: try await version(id), context: closing)
            }
        }
    }
}
