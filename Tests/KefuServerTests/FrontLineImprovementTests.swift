import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The front line's improvements (issue 10, "Improvements"): what a CRM user expects of the pages they work in.
@Suite("Front line improvements (issue 10)")
struct FrontLineImprovementTests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var fields: [String: String] }
        var error: Detail
    }

    func get(_ t: TestApp, _ path: String, as browser: Browser) async throws -> TestingHTTPResponse {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(.GET, path, beforeRequest: { req in browser.apply(to: &req) }) {
            res async throws in response = res
        }
        return try #require(response)
    }

    func api(_ t: TestApp, _ path: String, token: String, method: HTTPMethod = .GET) async throws -> TestingHTTPResponse
    {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(method, path, beforeRequest: { req in req.bearer(token) }) { res async throws in
            response = res
        }
        return try #require(response)
    }

    /// An intent customer of lina's with a follow-up planned, a promised reply and a recommendation.
    func busyCustomer(_ t: TestApp) async throws -> (customer: CustomerDTO, projectName: String) {
        let lina = try await t.token(.specialist)
        let due = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(2 * 86400))
        let customer = try await createCustomer(
            t, token: lina,
            [
                "name": "陈晓东", "companyName": "苏州东方精密机械有限公司", "mobile": "13800001111", "stage": "intent",
                "followUpDueAt": due, "followUpPurpose": "送去厂房租金方案",
            ])
        let deadline = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(6 * 3600))
        try await t.app.testing().test(
            .POST, "/api/v1/inquiries",
            beforeRequest: { req in
                req.bearer(lina)
                try req.content.encode(
                    InquiryInput(
                        customerID: customer.id, channel: "phone", question: "厂房能否分割出租？", answeredOnTheSpot: false,
                        promisedBy: deadline))
            }
        ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        let supervisor = try await t.token(.supervisor)
        var project: ProjectDTO?
        try await t.app.testing().test(
            .POST, "/api/v1/projects",
            beforeRequest: { req in
                req.bearer(supervisor)
                try req.content.encode(
                    ProjectInput(
                        code: "XM-2026-101", name: "吴江精密制造产业园", type: "industrial_park", industries: ["manufacturing"],
                        province: "江苏省", city: "苏州", investmentMinWan: "100", investmentMaxWan: "1000", status: "open"))
            }
        ) { res async throws in project = try? res.content.decode(ProjectDTO.self) }
        let projectID = try #require(project).id
        try await t.app.testing().test(
            .POST, "/api/v1/customers/\(customer.id)/recommendations",
            beforeRequest: { req in
                req.bearer(lina);
                try req.content.encode(
                    RecommendationStore.Input(projectID: projectID, presentation: "phone", material: nil))
            }
        ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        return (customer, "吴江精密制造产业园")
    }

    // MARK: - 1. Customer 360

    @Test(
        "360: the timeline leads the file; open follow-ups, promised replies and recommendations at a glance; privacy tools folded away",
        arguments: TestDatabase.available)
    func customer360Page(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let (customer, projectName) = try await busyCustomer(t)
            let lina = try await t.signIn("lina")
            let html = try await get(t, "/customers/\(customer.id)", as: lina).body.string
            for id in [
                "glance-follow-ups", "glance-promised-replies", "glance-recommendations", "timeline", "contact-card",
                "profile-card",
            ] {
                #expect(html.contains("id=\"\(id)\""), "\(id) is on the file")
            }
            #expect(html.contains("送去厂房租金方案"), "the open follow-up at a glance")
            #expect(html.contains("厂房能否分割出租？"), "the promised reply at a glance")
            #expect(
                html.contains(projectName) && html.contains("未反馈"),
                "the recommendation and that the customer has not reacted yet")
            // The timeline comes before the profile and the privacy tools, which sit folded in their own section.
            let timeline = try #require(html.range(of: "id=\"timeline\""))
            let profile = try #require(html.range(of: "id=\"profile-card\""))
            let privacy = try #require(
                html.range(of: "<details class=\"card card-fold privacy-tools\" id=\"privacy-tools\">"))
            #expect(timeline.lowerBound < privacy.lowerBound)
            let side = try #require(html.range(of: "<aside class=\"file-side\">"))
            let sideEnd = try #require(html.range(of: "</aside>"))
            #expect(
                side.lowerBound < profile.lowerBound && profile.lowerBound < sideEnd.lowerBound,
                "the profile sits beside the timeline")
            let consents = try #require(html.range(of: "id=\"consents\""))
            #expect(privacy.lowerBound < consents.lowerBound, "consents are inside the privacy tools")
            #expect(
                html.contains("<details class=\"card card-fold\" id=\"record-communication\">"),
                "recording a call is one click away, closed")
            // Overdue once its time has passed.
            t.clock.advance(by: 3 * 86400)
            let later = try await get(t, "/customers/\(customer.id)", as: try await t.signIn("lina")).body.string
            #expect(later.contains("<li class=\"is-overdue\">"))
        }
    }

    @Test(
        "360: each part at a glance only for who may see it — a colleague sees none of lina's open work, leadership no recommendations"
    )
    func customer360Access() async throws {
        try await withApp { (t: TestApp) in
            let (customer, _) = try await busyCustomer(t)
            let colleague = try await t.signIn("zhangwei")
            let theirs = try await get(t, "/customers/\(customer.id)", as: colleague).body.string
            #expect(
                !theirs.contains("glance-follow-ups") && !theirs.contains("glance-promised-replies")
                    && !theirs.contains("glance-recommendations"))
            // (What happened stays on the timeline, which every viewer of the file reads, as before.)
            #expect(!theirs.contains("未反馈") && !theirs.contains("待办跟进"))
            let leadership = try await t.signIn("zhaoguoqiang")
            let leaders = try await get(t, "/customers/\(customer.id)", as: leadership).body.string
            #expect(leaders.contains("glance-follow-ups") && !leaders.contains("glance-recommendations"))
        }
    }

    @Test(
        "360 API: the overview with what the caller may see; the timeline filtered by group; an unknown group refused",
        arguments: TestDatabase.available)
    func customer360API(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let (customer, projectName) = try await busyCustomer(t)
            let lina = try await t.token(.specialist)
            let overview = try await api(t, "/api/v1/customers/\(customer.id)/overview", token: lina)
            #expect(overview.status == .ok)
            let body = try overview.content.decode(CustomerOverviewDTO.self)
            #expect(body.openFollowUps?.map(\.purpose) == ["送去厂房租金方案"] && body.openFollowUpCount == 1)
            #expect(body.openFollowUps?.first?.isOverdue == false && body.openFollowUps?.first?.staffName == "李娜")
            #expect(body.promisedReplies?.map(\.question) == ["厂房能否分割出租？"])
            #expect(
                body.recommendations?.map(\.projectName) == [projectName]
                    && body.recommendations?.first?.reaction == nil)
            let colleague = try await staffToken(t, "zhangwei")
            let theirs = try await api(t, "/api/v1/customers/\(customer.id)/overview", token: colleague).content.decode(
                CustomerOverviewDTO.self)
            #expect(
                theirs.openFollowUps == nil && theirs.promisedReplies == nil && theirs.recommendations == nil,
                "none of lina's open work")
            let liaison = try await staffToken(t, "zhoumin")
            #expect(try await api(t, "/api/v1/customers/\(customer.id)/overview", token: liaison).status == .forbidden)
            #expect(try await api(t, "/api/v1/customers/999999/overview", token: lina).status == .notFound)

            let followUps = try await api(t, "/api/v1/customers/\(customer.id)/timeline?kind=follow_up", token: lina)
            let kinds = Set(
                try followUps.content.decode(PageDTO<CustomersAPIController.TimelineEntryDTO>.self).items.map(\.kind))
            #expect(kinds == ["follow_up_planned"])
            let all = try await api(t, "/api/v1/customers/\(customer.id)/timeline", token: lina)
            #expect(
                Set(try all.content.decode(PageDTO<CustomersAPIController.TimelineEntryDTO>.self).items.map(\.kind))
                    .count > 1)
            let bad = try await api(t, "/api/v1/customers/\(customer.id)/timeline?kind=bogus", token: lina)
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.content.decode(ErrorBody.self).error.fields["kind"] != nil)
        }
    }
}
