import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Projects, recommendations and follow-ups through the API (issue 4 §2–§4).
@Suite("Front line: projects, recommendations, follow-ups")
struct FrontLineTests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var fields: [String: String] }
        var error: Detail
    }

    func project(_ code: String, _ name: String, industries: [String], city: String, min: String, max: String)
        -> ProjectInput
    {
        ProjectInput(
            code: code, name: name, type: "industrial_park", industries: industries, province: "江苏省", city: city,
            investmentMinWan: min, investmentMaxWan: max, status: "open")
    }

    @discardableResult
    func createProject(_ t: TestApp, _ token: String, _ input: ProjectInput) async throws -> ProjectDTO {
        var created: ProjectDTO?
        try await t.app.testing().test(
            .POST, "/api/v1/projects",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(input)
            }
        ) { res async throws in
            #expect(res.status == .created, "\(res.body.string)")
            created = try? res.content.decode(ProjectDTO.self)
        }
        return try #require(created)
    }

    @Test(
        "the supervisor keeps the catalog; every change of the facts is a version; stale edits conflict; bad input changes nothing"
    )
    func catalog() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor)
            let specialist = try await t.token(.specialist)
            let park = try await createProject(
                t, supervisor,
                project("XM-2026-001", "苏州智造园", industries: ["manufacturing"], city: "苏州", min: "500", max: "3000"))
            #expect(park.version == 1)
            // A specialist reads the catalog but may not change it.
            try await t.app.testing().test(
                .POST, "/api/v1/projects",
                beforeRequest: { req in
                    req.bearer(specialist);
                    try req.content.encode(
                        project("XM-2026-002", "x", industries: ["retail"], city: "苏州", min: "1", max: "2"))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            try await t.app.testing().test(.GET, "/api/v1/projects", beforeRequest: { req in req.bearer(specialist) }) {
                res async throws in
                #expect(try res.content.decode([ProjectDTO].self).map(\.code) == ["XM-2026-001"])
            }
            // min above max, a bad code, an unknown industry: 422 with each field, nothing stored.
            try await t.app.testing().test(
                .POST, "/api/v1/projects",
                beforeRequest: { req in
                    req.bearer(supervisor);
                    try req.content.encode(
                        project("bad code!", "园区", industries: ["mining"], city: "苏州", min: "900", max: "100"))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let fields = try res.content.decode(ErrorBody.self).error.fields
                #expect(Set(fields.keys).isSuperset(of: ["code", "industries", "investmentMaxWan"]))
            }
            // A change makes version 2 and keeps version 1's facts.
            t.clock.advance(by: 86400)
            try await t.app.testing().test(
                .PATCH, "/api/v1/projects/\(park.id)",
                beforeRequest: { req in
                    req.bearer(supervisor); try req.content.encode(ProjectInput(version: 1, investmentMinWan: "800"))
                }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(try res.content.decode(ProjectDTO.self).version == 2)
            }
            try await t.app.testing().test(
                .PATCH, "/api/v1/projects/\(park.id)",
                beforeRequest: { req in
                    req.bearer(supervisor); try req.content.encode(ProjectInput(version: 1, name: "另一个名字"))
                }
            ) { res async throws in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("苏州智造园"))
            }
            try await t.app.testing().test(
                .GET, "/api/v1/projects/\(park.id)/versions", beforeRequest: { req in req.bearer(specialist) }
            ) { res async throws in
                let versions = try res.content.decode([ProjectVersionDTO].self)
                #expect(versions.map(\.version) == [2, 1])
                #expect(
                    versions.first?.changes == [
                        FieldChange(field: "investmentMinWan", oldValue: "500", newValue: "800")
                    ])
                #expect(versions.last?.facts?.investmentMinWan == 500)
            }
            // What a customer was told the first day: version 1.
            let told = try await ProjectStore(database: t.app.db).facts(
                of: park.id, at: testStart.addingTimeInterval(3600))
            #expect(told?.version == 1)
            #expect(try await t.auditEntries("project.changed").count == 1)
        }
    }

    @Test(
        "ranking explains each score, a recommendation is kept with its version, and a rejection drops the project with its reason"
    )
    func recommendations() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor)
            let lina = try await t.token(.specialist)
            let fits = try await createProject(
                t, supervisor,
                project("XM-2026-001", "苏州科技园", industries: ["technology"], city: "苏州", min: "100", max: "1000"))
            let other = try await createProject(
                t, supervisor,
                project("XM-2026-002", "南京物流园", industries: ["logistics"], city: "南京", min: "5000", max: "9000"))
            let customer = try await createCustomer(
                t, token: lina,
                [
                    "name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678", "stage": "intent",
                    "followUpDueAt": "2026-12-07T10:00", "followUpPurpose": "确认考察时间",
                ])
            var ranking: [RankedProjectDTO] = []
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/recommendations/ranking",
                beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(res.status == .ok)
                ranking = try res.content.decode([RankedProjectDTO].self)
            }
            #expect(ranking.map(\.projectID) == [fits.id, other.id])
            for ranked in ranking {
                #expect(
                    ranked.score == ranked.parts.map(\.points).reduce(0, +),
                    "explanation matches the score of \(ranked.code)")
                #expect(
                    ranked.parts.allSatisfy { !$0.explanation.isEmpty && !$0.explanation.hasPrefix("ranking.") },
                    "parts read in words")
            }
            // A colleague may not rank or recommend for lina's customer.
            let colleague = try await staffToken(t, "zhangwei")
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/recommendations/ranking",
                beforeRequest: { req in req.bearer(colleague) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
            var recommendationID = 0
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/recommendations",
                beforeRequest: { req in
                    req.bearer(lina);
                    try req.content.encode(
                        RecommendationStore.Input(projectID: fits.id, presentation: "phone", material: "园区手册"))
                }
            ) { res async throws in
                #expect(res.status == .created)
                let body = try res.content.decode(RecommendationsAPIController.RecommendationDTO.self)
                #expect(body.projectVersion == 1)
                recommendationID = body.id
            }
            // Not interested needs a reason; then the project drops below the other, its reason shown.
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/recommendations/\(recommendationID)/reaction",
                beforeRequest: { req in
                    req.bearer(lina);
                    try req.content.encode(RecommendationStore.ReactionInput(reaction: "not_interested", reason: " "))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.decode(ErrorBody.self).error.fields.keys.contains("reason"))
            }
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/recommendations/\(recommendationID)/reaction",
                beforeRequest: { req in
                    req.bearer(lina);
                    try req.content.encode(
                        RecommendationStore.ReactionInput(reaction: "not_interested", reason: "租金超出预算"))
                }
            ) { res async throws in #expect(res.status == .ok) }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/recommendations/ranking",
                beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                let after = try res.content.decode([RankedProjectDTO].self)
                let rejected = try #require(after.first { $0.projectID == fits.id })
                #expect(rejected.score < ranking[0].score)
                #expect(rejected.parts.contains { $0.explanation.contains("租金超出预算") })
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/timeline", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                let kinds = try res.content.decode(PageDTO<CustomersAPIController.TimelineEntryDTO>.self).items.map(
                    \.kind)
                #expect(kinds.contains("recommendation") && kinds.contains("reaction"))
            }
            let statistics = try await ProjectStore(database: t.app.db).statistics(of: fits.id)
            #expect(statistics.recommended == 1 && statistics.rejectionReasons.map(\.reason) == ["租金超出预算"])
            // Pausing a project takes it out of the next ranking at once (the kept catalog notices the change).
            try await t.app.testing().test(
                .PATCH, "/api/v1/projects/\(other.id)",
                beforeRequest: { req in
                    req.bearer(supervisor);
                    try req.content.encode(ProjectInput(version: other.version, status: "paused"))
                }
            ) { res async throws in #expect(res.status == .ok) }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/recommendations/ranking",
                beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(try res.content.decode([RankedProjectDTO].self).map(\.projectID) == [fits.id])
            }
        }
    }

    @Test(
        "the follow-up rule: an intent customer's last follow-up completes only with the next one planned; past dues refused; overdue lists"
    )
    func followUps() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            // An intent customer without a planned follow-up is refused (R3.3).
            try await t.app.testing().test(
                .POST, "/api/v1/customers",
                beforeRequest: { req in
                    req.bearer(lina)
                    var input = CustomerInput(
                        kind: "company", name: "李娜", companyName: "北京传媒有限公司", mobile: "13912345678", source: "phone",
                        stage: "intent")
                    input.industries = ["technology"]
                    try req.content.encode(input)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.decode(ErrorBody.self).error.fields.keys.contains("followUp"))
            }
            let due = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(3600))
            let customer = try await createCustomer(
                t, token: lina,
                [
                    "name": "李娜", "companyName": "北京传媒有限公司", "mobile": "13912345678", "stage": "intent",
                    "followUpDueAt": due, "followUpPurpose": "回访租金方案",
                ])
            let plan = { (due: Date) in
                FollowUpStore.PlanInput(
                    dueAt: ISO8601DateFormatter().string(from: due), channel: "phone", purpose: "回访租金方案")
            }
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/follow-ups",
                beforeRequest: { req in
                    req.bearer(lina); try req.content.encode(plan(testStart.addingTimeInterval(-3600)))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.decode(ErrorBody.self).error.fields["dueAt"] == "跟进时间不能早于现在。")
            }
            var followUpID = 0
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/follow-ups", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                let items = try res.content.decode([FollowUpsAPIController.FollowUpDTO].self)
                #expect(items.count == 1 && items.first?.purpose == "回访租金方案")
                followUpID = items.first?.id ?? 0
            }
            // Not overdue at its due time, overdue a second later.
            t.clock.advance(by: 3600)
            try await t.app.testing().test(
                .GET, "/api/v1/follow-ups?view=overdue", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(try res.content.decode(PageDTO<FollowUpsAPIController.FollowUpDTO>.self).items.isEmpty)
            }
            t.clock.advance(by: 1)
            try await t.app.testing().test(
                .GET, "/api/v1/follow-ups?view=overdue", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                let page = try res.content.decode(PageDTO<FollowUpsAPIController.FollowUpDTO>.self)
                #expect(page.items.map(\.id) == [followUpID])
                #expect(page.page.totalItems == 1 && page.page.totalIsCapped == false)
            }
            // A colleague may not complete it.
            let colleague = try await staffToken(t, "zhangwei")
            try await t.app.testing().test(
                .POST, "/api/v1/follow-ups/\(followUpID)/complete",
                beforeRequest: { req in
                    req.bearer(colleague);
                    try req.content.encode(FollowUpStore.CompletionInput(outcome: "已沟通", next: nil))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            // The last open follow-up of an intent customer: the next must be planned.
            try await t.app.testing().test(
                .POST, "/api/v1/follow-ups/\(followUpID)/complete",
                beforeRequest: { req in
                    req.bearer(lina);
                    try req.content.encode(FollowUpStore.CompletionInput(outcome: "客户认可方案", next: nil))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.decode(ErrorBody.self).error.fields["next"]?.contains("必须安排下一次跟进") == true)
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/follow-ups", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(
                    try res.content.decode([FollowUpsAPIController.FollowUpDTO].self).allSatisfy {
                        $0.completedAt == nil
                    }, "nothing changed")
            }
            try await t.app.testing().test(
                .POST, "/api/v1/follow-ups/\(followUpID)/complete",
                beforeRequest: { req in
                    req.bearer(lina)
                    try req.content.encode(
                        FollowUpStore.CompletionInput(
                            outcome: "客户认可方案", next: plan(testStart.addingTimeInterval(7 * 86400))))
                }
            ) { res async throws in #expect(res.status == .ok) }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/follow-ups", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                let items = try res.content.decode([FollowUpsAPIController.FollowUpDTO].self)
                #expect(items.count == 2)
                #expect(items.filter { $0.completedAt == nil }.count == 1)
            }
            #expect(try await t.auditEntries("follow_up.completed").count == 1)
        }
    }

}
