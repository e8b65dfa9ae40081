import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor

@testable import KefuServer

/// The staff's own records on the one write path (issue 9 §2): training, assessments, conduct,
/// attendance, work plans, inspections, the staff accounts, departments, the chat webhooks and the working calendar. Each case changes a record through its API, then again on the
/// version read before; `RecordWriteTests.checkWritePath` checks both on SQLite and PostgreSQL.
extension RecordWriteTests {
    static let staffWorkCases: [Case] =
        trainingCases + assessmentCases + conductCases + attendanceCases
        + workPlanCases + inspectionCases + staffCases
        + webhookCases + calendarCases

    @Test(
        "the staff's records: a change writes one audit entry and a change row per tracked field; a stale version answers 409 with the current record and changes nothing",
        arguments: TestDatabase.available, Self.staffWorkCases)
    func staffWorkWritePath(database: TestDatabase, example: Case) async throws {
        try await Self.checkWritePath(database, example)
    }

    static func call(
        _ t: TestApp, _ method: HTTPMethod, _ path: String, _ role: Role, _ body: [String: JSONValue]
    ) async throws -> (HTTPStatus, String) {
        try await ContractTests.call(t, method, path, token: try await t.token(role), body)
    }

    static let trainingCases: [Case] = [
        Case(
            recordType: TrainingPlanKind.recordType,
            make: { t in
                let (_, text) = try await call(t, .POST, "/api/v1/training/plans", .supervisor, TrainingTests.planBody)
                return (try TrainingTests.plan(text).id, nil)
            },
            change: { t, id, version in
                var body = TrainingTests.planBody
                body["title"] = "2026 年度客服培训计划（修订）"
                body["hours"] = 24
                body["version"] = number(version)
                return try await call(t, .PUT, "/api/v1/training/plans/\(id)", .supervisor, body)
            }, changed: ["title", "hours"]),
        Case(
            recordType: TrainingSessionKind.recordType,
            make: { t in (try await TrainingTests.approvedPlan(t).september, nil) },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/training/sessions/\(id)/outcome", .supervisor,
                    ["state": "held", "heldOn": "2026-09-15", "supervisorNote": "情景演练效果好", "version": number(version)])
            }, changed: ["state", "held_on", "supervisor_note"]),
        Case(
            recordType: TrainingEnrolmentKind.recordType,
            make: { t in
                let september = try await TrainingTests.approvedPlan(t).september
                let (_, text) = try await call(
                    t, .POST, "/api/v1/training/sessions/\(september)/outcome", .supervisor,
                    [
                        "state": "held", "heldOn": "2026-09-15",
                        "version": number(try await version(t, TrainingSessionKind.self, september)),
                    ])
                let enrolment = try #require(try TrainingTests.session(text).enrolments.first { $0.staffName == "李娜" })
                return (enrolment.id, nil)
            },
            change: { t, id, version in
                let session = try await t.app.db.sql().raw(
                    "SELECT session_id FROM training_enrolments WHERE id = \(bind: id)"
                ).first()!.decode(column: "session_id", as: Int.self)
                return try await call(
                    t, .PUT, "/api/v1/training/sessions/\(session)/enrolments/\(id)", .supervisor,
                    ["attended": true, "scoreBefore": 60, "scoreAfter": 92, "version": number(version)])
            }, changed: ["attended", "score_before", "score_after", "is_outstanding"]),
    ]

    static let assessmentCases: [Case] = [
        Case(
            recordType: AssessmentCycleKind.recordType,
            make: { t in (try await AssessmentTests.openCycle(t).id, nil) },
            // A recount changes no field of the cycle; it claims the cycle's version all the same.
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/assessment-cycles/\(id)/recomputation", .supervisor, ["version": number(version)]
                )
            }, changed: []),
        Case(
            recordType: AssessmentKind.recordType,
            make: { t in
                (
                    try #require(try await AssessmentTests.openCycle(t).assessments.first { $0.staffName == "李娜" }).id,
                    nil
                )
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/assessments/\(id)/self-evaluation", .specialist,
                    ["score": 85, "summary": "全年按时答复率 98%", "version": number(version)])
            }, changed: ["state", "self_score", "self_summary"]),
    ]

    static let conductCases: [Case] = [
        Case(
            recordType: ViolationRecordKind.recordType,
            make: { t in
                let lina = try await t.staff(.specialist).requireID()
                let (_, text) = try await call(
                    t, .POST, "/api/v1/violations", .supervisor,
                    [
                        "staffID": number(lina), "type": "leaving_post", "occurredAt": "2026-11-20T14:10",
                        "description": "工作时间离开座席40分钟，未报备。",
                    ])
                return (try ConductTests.decode(ConductAPIController.ViolationDTO.self, text).id, nil)
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/violations/\(id)/response", .specialist,
                    ["response": "当时在会议室接待来访客户。", "version": number(version)])
            }, changed: ["response"],
            later: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/violations/\(id)/outcome", .supervisor,
                    ["outcome": "dismissed", "note": "有接待记录。", "version": number(version)])
            }),
        Case(
            recordType: PenaltyRecordKind.recordType,
            make: { t in
                let lina = try await t.staff(.specialist).requireID()
                let violation = try await ConductTests.confirmedViolation(t, staffID: lina)
                let (_, text) = try await call(
                    t, .POST, "/api/v1/penalties", .supervisor,
                    [
                        "staffID": number(lina), "kind": "criticism", "causeType": "violation",
                        "causeID": number(violation), "reason": "离岗未报备，通报批评。",
                    ])
                return (try ConductTests.decode(ConductAPIController.PenaltyDTO.self, text).id, nil)
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/penalties/\(id)/appeal", .specialist,
                    ["reason": "离岗系临时接待来访客户，请求撤销。", "version": number(version)])
            }, changed: ["status", "appeal_reason"],
            later: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/penalties/\(id)/decision", .supervisor,
                    ["decision": "revoked", "note": "情况属实，撤销处罚。", "version": number(version)])
            }),
        Case(
            recordType: AwardRecordKind.recordType,
            make: { t in
                let lina = try await t.staff(.specialist).requireID()
                let contract = try await ContractTests.draft(
                    t, token: try await t.token(.specialist), name: "王芳", mobile: "13900001111")
                let (_, text) = try await call(
                    t, .POST, "/api/v1/awards", .supervisor,
                    [
                        "staffID": number(lina), "kind": "special", "causeType": "contract",
                        "causeID": number(contract.id), "forms": ["certificate"], "citation": "促成重点项目签约。",
                        "needsApproval": true,
                    ])
                return (try ConductTests.decode(ConductAPIController.AwardDTO.self, text).id, nil)
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/awards/\(id)/approval", .leadership,
                    ["approve": true, "version": number(version)])
            }, changed: ["status"]),
    ]

    static let attendanceCases: [Case] = [
        Case(
            recordType: AttendanceMarkRecordKind.recordType,
            make: { t in
                let lina = try await AttendanceTests.seedNovember(t)
                let late = try await AttendanceStore(database: t.app.db).marks(
                    staffID: lina, from: CalendarDay("2026-11-05")!, to: CalendarDay("2026-11-05")!)
                return (try #require(late.first).id, nil)
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/attendance/marks/\(id)/excuse", .supervisor,
                    ["reason": "地铁故障，有延误证明", "version": number(version)])
            }, changed: ["excused_reason"], followingWrites: 1),
        Case(
            recordType: LeaveRequestKind.recordType,
            make: { t in
                let (_, text) = try await call(
                    t, .POST, "/api/v1/attendance/leave-requests", .specialist,
                    ["kind": "sick", "startDay": "2026-11-26", "endDay": "2026-11-27", "reason": "发烧，有病历"])
                return (try AssessmentTests.decode(AttendanceAPIController.RequestDTO.self, text).id, nil)
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/attendance/leave-requests/\(id)/decision", .supervisor,
                    ["approve": true, "note": "注意休息", "version": number(version)])
            }, changed: ["status", "decision_note"]),
        Case(
            recordType: ClockCorrectionKind.recordType,
            make: { t in
                let (_, text) = try await call(
                    t, .POST, "/api/v1/attendance/corrections", .specialist,
                    ["day": "2026-11-27", "time": "18:00", "direction": "out", "reason": "忘记打下班卡"])
                return (try AssessmentTests.decode(AttendanceAPIController.RequestDTO.self, text).id, nil)
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/attendance/corrections/\(id)/decision", .supervisor,
                    ["approve": false, "note": "无加班记录", "version": number(version)])
            }, changed: ["status", "decision_note"]),
        Case(
            recordType: AttendanceSettingsKind.recordType, make: { _ in (1, nil) },
            change: { t, _, version in
                var (rules, _) = try await AttendanceStore(database: t.app.db).rules()
                rules.graceMinutes = 10
                return try await call(
                    t, .PUT, "/api/v1/attendance/rules", .administrator,
                    try AttendanceTests.json(AttendanceAPIController.RulesDTO(rules: rules, version: version)))
            }, changed: ["rules"], isSingleton: true),
    ]

    static let workPlanCases: [Case] = [
        Case(
            recordType: WorkPlanKind.recordType,
            make: { t in
                let lina = try await t.staff(.specialist).requireID()
                let plan = try await WorkPlanTests.plan(
                    t,
                    [
                        "title": "李娜11月计划", "staffID": number(lina), "periodKind": "month", "periodDay": "2026-11-15",
                        "goals": ["整理政策答复口径"],
                    ])
                return (plan.id, nil)
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/work-plans/\(id)/result", .supervisor,
                    ["resultNote": "咨询答复达标，答复及时率偏低。", "version": number(version)])
            }, changed: ["result_note"])
    ]

    static let inspectionCases: [Case] = [
        Case(
            recordType: InspectionKind.recordType,
            make: { t in
                let (lina, _) = try await InspectionTests.seed(t)
                let sampled = try await InspectionTests.sample(
                    t, ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 1, "seed": 42])
                return (try #require(sampled.first { $0.staffID == lina }).id, nil)
            },
            change: { t, id, version in
                try await call(
                    t, .POST, "/api/v1/inspections/\(id)/score", .supervisor,
                    [
                        "scores": .object(InspectionTests.fullScores), "comment": "答复完整，语气可再亲切些。",
                        "version": number(version),
                    ])
            }, changed: ["status", "score", "comment"])
    ]

    static let staffCases: [Case] = [
        Case(
            recordType: StaffKind.recordType,
            make: { t in (try await t.staff("zhangwei").requireID(), nil) },
            change: { t, id, version in
                try await call(
                    t, .PATCH, "/api/v1/staff/\(id)", .administrator,
                    ["displayName": "张伟（组长）", "version": number(version)])
            }, changed: ["display_name"]),
        Case(
            recordType: DepartmentKind.recordType,
            make: { t in
                let department = try #require(
                    try await DepartmentModel.query(on: t.app.db).filter(\.$isCustomerService == false).first())
                return (try department.requireID(), nil)
            },
            change: { t, id, version in
                try await call(
                    t, .PATCH, "/api/v1/departments/\(id)", .administrator,
                    ["name": "招商服务部", "version": number(version)])
            }, changed: ["name"]),
    ]

    static let webhookCases: [Case] = [
        Case(
            recordType: WebhookKind.recordType,
            make: { t in
                let settings = try WebhookValidation.validate(
                    WebhookDraft(
                        name: "群机器人", platform: "json", url: "https://hooks.example.com/kefu", events: ["follow_up.due"]
                    )
                ).get()
                return (
                    try await WebhookStore(database: t.app.db).create(settings, context: .console(now: testStart)), nil
                )
            },
            change: { t, id, version in
                try await call(
                    t, .PATCH, "/api/v1/webhooks/\(id)", .supervisor,
                    [
                        "name": "客服群机器人", "platform": "json", "url": "https://hooks.example.com/kefu",
                        "events": ["follow_up.due"], "isActive": true, "version": number(version),
                    ])
            }, changed: ["name"])
    ]

    static let calendarCases: [Case] = [
        Case(
            recordType: WorkingCalendarKind.recordType, make: { _ in (1, nil) },
            change: { t, _, version in
                try await call(
                    t, .PUT, "/api/v1/working-calendar/hours", .administrator,
                    [
                        "start": "08:30", "lunchStart": "12:00", "lunchEnd": "13:30", "end": "18:00",
                        "weekdays": [1, 2, 3, 4, 5], "version": number(version),
                    ])
            }, changed: ["day_start"], isSingleton: true)
    ]
}
