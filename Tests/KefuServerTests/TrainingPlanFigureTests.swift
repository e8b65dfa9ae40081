import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// A plan shows each session's figures counted by the database rather than every enrolment (issue 14
/// "Speed": a year's plan carries thousands); the enrolments are a paged list of their own. The figures
/// equal the lists they summarize.
@Suite("Training: a plan's per-session figures and a session's paged enrolments (R5.2)")
struct TrainingPlanFigureTests {
    typealias Call = TrainingTests

    static func enrolments(_ t: TestApp, _ sessionID: Int, token: String, query: String = "") async throws
        -> PageDTO<TrainingEnrolmentDTO>
    {
        let (status, text) = try await Call.call(
            t, .GET, "/api/v1/training/sessions/\(sessionID)/enrolments\(query)", token: token)
        #expect(status == .ok, "\(text)")
        return try AssessmentTests.decode(PageDTO<TrainingEnrolmentDTO>.self, text)
    }

    @Test(
        "September: 2 enrolled, 1 attended (92, rated 5); November: 2 of 2 attended (88 and 70), unrated — per session and for the plan",
        arguments: TestDatabase.available)
    func perSessionFigures(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let (plan, september, november) = try await Call.approvedPlan(t)
            #expect(
                plan.sessions.map(\.figures.enrolled) == [2, 2] && plan.sessions.map(\.figures.attended) == [0, 0])
            #expect(plan.sessions.allSatisfy { $0.figures.averageRating == nil && $0.figures.averageScoreAfter == nil })

            try await Call.hold(t, september, on: "2026-09-15", lina: (62, 92))
            try await Call.hold(t, november, on: "2026-11-12", lina: (85, 88))
            var (status, text) = try await Call.call(
                t, .POST, "/api/v1/training/sessions/\(september)/rating", token: lina, ["rating": 5])
            #expect(status == .ok, "\(text)")
            // 张伟 came to November after all and scored 70 afterwards.
            let zhangwei = try #require(
                try await Self.enrolments(t, november, token: supervisor).items.first { $0.staffName == "张伟" })
            (status, text) = try await Call.call(
                t, .PUT, "/api/v1/training/sessions/\(november)/enrolments/\(zhangwei.id)", token: supervisor,
                ["attended": true, "scoreAfter": 70, "version": .number(Double(zhangwei.version))])
            #expect(status == .ok, "\(text)")

            (status, text) = try await Call.call(t, .GET, "/api/v1/training/plans/\(plan.id)", token: supervisor)
            #expect(status == .ok, "\(text)")
            #expect(!text.contains("\"enrolments\""), "the plan carries figures, not enrolments")
            let done = try Call.plan(text)
            let figures = Dictionary(uniqueKeysWithValues: done.sessions.map { ($0.id, $0.figures) })
            let sep = try #require(figures[september]), nov = try #require(figures[november])
            #expect(sep.enrolled == 2 && sep.attended == 1 && sep.rated == 1 && sep.averageRating == 5)
            #expect(sep.scored == 1 && sep.averageScoreAfter == 92)
            #expect(nov.enrolled == 2 && nov.attended == 2 && nov.rated == 0 && nov.averageRating == nil)
            #expect(nov.scored == 2 && nov.averageScoreAfter == 79)
            // The plan's own figures are the same sums: 3 of 4 attended, (92 + 88 + 70) ÷ 3.
            #expect(done.progress.attendancePercent == 75 && done.progress.averageRating == 5)
            #expect(done.progress.averageScoreAfter == 83.33)

            // Each session's figures equal its enrolments read a page at a time.
            for sessionID in [september, november] {
                var rows: [TrainingEnrolmentDTO] = []
                for number in 1...2 {
                    let page = try await Self.enrolments(
                        t, sessionID, token: supervisor, query: "?perPage=1&page=\(number)")
                    #expect(page.page.totalItems == 2 && page.page.totalPages == 2 && page.items.count == 1)
                    rows += page.items
                }
                #expect(rows.map(\.staffName) == ["张伟", "李娜"], "in the order of the names")
                let attended = rows.filter { $0.attended == true }
                let scores = attended.compactMap(\.scoreAfter), ratings = rows.compactMap(\.rating)
                let f = try #require(figures[sessionID])
                #expect(f.enrolled == rows.count && f.attended == attended.count && f.rated == ratings.count)
                #expect(f.scored == scores.count)
                #expect(f.averageScoreAfter == AssessmentCalculation.round2(scores.reduce(0, +) / Double(scores.count)))
            }

            // A specialist reads only their own enrolment; a bad page number is refused naming it.
            let own = try await Self.enrolments(t, september, token: lina)
            #expect(own.items.map(\.staffName) == ["李娜"] && own.page.totalItems == 1)
            (status, text) = try await Call.call(
                t, .GET, "/api/v1/training/sessions/\(september)/enrolments?page=0", token: supervisor)
            #expect(status == .badRequest && AssessmentTests.fields(text).keys.contains("page"), "\(text)")

            // The plan page shows the same figures per session.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/training/plans/\(plan.id)", beforeRequest: { req in req.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let body = res.body.string
                #expect(body.contains(">1 / 2<") && body.contains(">2 / 2<") && body.contains(">79<"))
            }
        }
    }

    @Test("a session's page lists its trainees a page at a time, with links to the next page")
    func sessionPagePaged() async throws {
        try await withApp { t in
            let (_, september, _) = try await Call.approvedPlan(t)
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/training/sessions/\(september)?perPage=1",
                beforeRequest: { req in req.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let body = res.body.string
                #expect(body.contains("张伟") && !body.contains("李娜"))
                #expect(body.contains("rel=\"next\"") && body.contains("page=2"))
            }
            try await t.app.testing().test(
                .GET, "/training/sessions/\(september)?perPage=1&page=2",
                beforeRequest: { req in req.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok && res.body.string.contains("李娜") && !res.body.string.contains("张伟"))
            }
        }
    }
}
