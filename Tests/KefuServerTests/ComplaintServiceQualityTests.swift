import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing

@testable import KefuServer

/// Issue 14 ← issue 13: the assessment reads the satisfaction attributed to each person and the share
/// of complaints resolved within the time limit from the complaints part, not "no data".
@Suite("Service-quality figures for assessments (R5.3)")
struct ComplaintServiceQualityTests {
    @Test(
        "a survey answer counts for every person who handled the matter; the complaint resolved in time for its specialist"
    )
    func figures() async throws {
        try await withApp { (t: TestApp) in
            let complaint = try await SurveyTests.closedComplaint(t)
            let token = try await SurveyTests.issue(t, complaint.id)
            #expect(
                try await SurveyTests.post(t, token, ["score": "4", "resolved": "yes", "comment": "处理及时"]).0 == .created
            )
            let staff = try await StaffModel.query(on: t.app.db).all()
            let ids = Dictionary(uniqueKeysWithValues: try staff.map { ($0.username, try $0.requireID()) })
            let lina = try #require(ids["lina"]), supervisor = try #require(ids["wangjing"]),
                zhangwei = try #require(ids["zhangwei"])
            let figures = try await t.app.serviceQualityFigures.figures(
                staffIDs: Array(ids.values), from: testStart.addingTimeInterval(-86400),
                until: testStart.addingTimeInterval(30 * 86400), on: t.app.db)
            #expect(figures[lina]?[.satisfaction] == .average(4, count: 1))
            #expect(
                figures[supervisor]?[.satisfaction] == .average(4, count: 1),
                "the supervisor told the customer an update")
            #expect(figures[zhangwei] == nil, "someone who did not handle it has no figure, not a zero")
            #expect(figures[lina]?[.complaintsInTime] == .share(done: 1, of: 1))
            let outside = try await t.app.serviceQualityFigures.figures(
                staffIDs: [lina], from: testStart.addingTimeInterval(60 * 86400),
                until: testStart.addingTimeInterval(90 * 86400), on: t.app.db)
            #expect(outside.isEmpty, "another period has no figures")
        }
    }
}
