import Foundation
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Typed page URLs (issue 9 §9): each case's link is resolved by the router the app answers with, and lands on
/// the route its ``SiteURL/Page`` registered; every route outside `/api` is registered through some case.
@Suite("SiteURL: every link resolves to the route its case registers")
struct SiteURLTests {
    /// One link per case, with sample parameters. The switch is exhaustive, so a new case fails to compile here
    /// until it has its sample.
    static func sample(_ page: SiteURL.Page) -> SiteURL {
        switch page {
        case .dashboard: .dashboard
        case .assessments: .assessments
        case .assessment: .assessment(11)
        case .assessmentAppealAnswer: .assessmentAppealAnswer(11)
        case .assessmentColleagueRating: .assessmentColleagueRating(11)
        case .assessmentDecisions: .assessmentDecisions(11)
        case .assessmentResponse: .assessmentResponse(11)
        case .assessmentSelfEvaluation: .assessmentSelfEvaluation(11)
        case .assessmentSupervisorEvaluation: .assessmentSupervisorEvaluation(11)
        case .assessmentCycles: .assessmentCycles
        case .assessmentCycle: .assessmentCycle(11)
        case .assessmentCycleColleagues: .assessmentCycleColleagues(11)
        case .assessmentCycleDecisionsCSV: .assessmentCycleDecisionsCSV(11)
        case .assessmentCycleRecomputation: .assessmentCycleRecomputation(11)
        case .assessmentCycleSignOff: .assessmentCycleSignOff(11)
        case .attendance: .attendance
        case .attendanceClock: .attendanceClock
        case .attendanceCorrections: .attendanceCorrections
        case .attendanceCorrectionDecision: .attendanceCorrectionDecision(11)
        case .attendanceImport: .attendanceImport
        case .attendanceImportConfirm: .attendanceImportConfirm
        case .attendanceLeave: .attendanceLeave
        case .attendanceLeaveDecision: .attendanceLeaveDecision(11)
        case .attendanceMark: .attendanceMark(11)
        case .attendanceMarkExcuse: .attendanceMarkExcuse(11)
        case .attendancePerson: .attendancePerson(11)
        case .attendanceSettings: .attendanceSettings
        case .attendanceSettingsShifts: .attendanceSettingsShifts
        case .attendanceTeam: .attendanceTeam
        case .attendanceTeamExport: .attendanceTeamExport
        case .auditLog: .auditLog
        case .board: .board
        case .boardMove: .boardMove(11)
        case .complaintInbox: .complaintInbox
        case .complaintInboxAnswer: .complaintInboxAnswer(11)
        case .complaints: .complaints
        case .complaint: .complaint(11)
        case .complaintAttachments: .complaintAttachments(11)
        case .complaintAttachment: .complaintAttachment(11, attachmentID: 23)
        case .complaintForwards: .complaintForwards(11)
        case .complaintForwardChase: .complaintForwardChase(11, forward: 23)
        case .complaintSteps: .complaintSteps(11)
        case .complaintSurvey: .complaintSurvey(11)
        case .complaintUpdates: .complaintUpdates(11)
        case .complaintFigures: .complaintFigures
        case .newComplaint: .newComplaint
        case .complaintSettings: .complaintSettings
        case .complaintSettingsCategories: .complaintSettingsCategories
        case .complaintSettingsCategory: .complaintSettingsCategory("custom-1")
        case .complaintSettingsLadder: .complaintSettingsLadder
        case .conduct: .conduct
        case .conductAwards: .conductAwards
        case .conductAward: .conductAward(11)
        case .conductAwardApproval: .conductAwardApproval(11)
        case .newConductAward: .newConductAward
        case .conductAwardShortlist: .conductAwardShortlist
        case .conductPenalties: .conductPenalties
        case .conductPenalty: .conductPenalty(11)
        case .conductPenaltyAppeal: .conductPenaltyAppeal(11)
        case .conductPenaltyDecision: .conductPenaltyDecision(11)
        case .newConductPenalty: .newConductPenalty
        case .conductViolations: .conductViolations
        case .conductViolation: .conductViolation(11)
        case .conductViolationAttachments: .conductViolationAttachments(11)
        case .conductViolationAttachment: .conductViolationAttachment(11, attachmentID: 23)
        case .conductViolationOutcome: .conductViolationOutcome(11)
        case .conductViolationResponse: .conductViolationResponse(11)
        case .newConductViolation: .newConductViolation
        case .contracts: .contracts
        case .contract: .contract(11)
        case .contractChecklistItem: .contractChecklistItem(11, itemID: 23)
        case .contractChecklistItemFiles: .contractChecklistItemFiles(11, itemID: 23)
        case .contractClauseExplanation: .contractClauseExplanation(11, clauseID: 23)
        case .contractFile: .contractFile(11, fileID: 23)
        case .contractForwarding: .contractForwarding(11)
        case .contractObligations: .contractObligations(11)
        case .contractQuestions: .contractQuestions(11)
        case .contractReview: .contractReview(11)
        case .contractSignedFiles: .contractSignedFiles(11)
        case .contractSigning: .contractSigning(11)
        case .contractSurvey: .contractSurvey(11)
        case .contractTerms: .contractTerms(11)
        case .contractTermsConfirmation: .contractTermsConfirmation(11)
        case .contractTransitions: .contractTransitions(11)
        case .newContract: .newContract
        case .contractTemplates: .contractTemplates
        case .contractTemplate: .contractTemplate("custom-1")
        case .customers: .customers
        case .customer: .customer(11)
        case .customerAnonymize: .customerAnonymize(11)
        case .customerCommunications: .customerCommunications(11)
        case .customerConsents: .customerConsents(11)
        case .customerDataCopyCSV: .customerDataCopyCSV(11)
        case .customerDataCopyJSON: .customerDataCopyJSON(11)
        case .customerEdit: .customerEdit(11)
        case .customerFollowUps: .customerFollowUps(11)
        case .customerMerge: .customerMerge(11)
        case .customerProcedures: .customerProcedures(11)
        case .customerRecommendations: .customerRecommendations(11)
        case .customerRecommendationReaction: .customerRecommendationReaction(11, recommendationID: 23)
        case .customerReveal: .customerReveal(11)
        case .customerSharingRequests: .customerSharingRequests(11)
        case .customerDuplicateCheck: .customerDuplicateCheck
        case .customersExportCSV: .customersExportCSV
        case .customerImport: .customerImport
        case .customerImportJob: .customerImportJob("job-7")
        case .customerImportTemplateCSV: .customerImportTemplateCSV
        case .newCustomer: .newCustomer
        case .customerReassign: .customerReassign
        case .customerSavedFilters: .customerSavedFilters
        case .customerSavedFilterDelete: .customerSavedFilterDelete(11)
        case .departments: .departments
        case .department: .department(11)
        case .feedback: .feedback
        case .feedbackItem: .feedbackItem(11)
        case .feedbackAnswer: .feedbackAnswer(11)
        case .feedbackChase: .feedbackChase(11)
        case .feedbackClose: .feedbackClose(11)
        case .feedbackForward: .feedbackForward(11)
        case .newFeedback: .newFeedback
        case .followUps: .followUps
        case .followUpComplete: .followUpComplete(11)
        case .followUpReschedule: .followUpReschedule(11)
        case .followUpsComplete: .followUpsComplete
        case .healthz: .healthz
        case .inquire: .inquire
        case .inquiries: .inquiries
        case .inquiry: .inquiry(11)
        case .inquiryAssign: .inquiryAssign(11)
        case .inquiryClaim: .inquiryClaim(11)
        case .inquiryReply: .inquiryReply(11)
        case .inquirySurvey: .inquirySurvey(11)
        case .newInquiry: .newInquiry
        case .inspections: .inspections
        case .inspection: .inspection(11)
        case .inspectionAcknowledge: .inspectionAcknowledge(11)
        case .inspectionAnswer: .inspectionAnswer(11)
        case .inspectionDispute: .inspectionDispute(11)
        case .inspectionScore: .inspectionScore(11)
        case .inspectionSample: .inspectionSample
        case .inspectionSettings: .inspectionSettings
        case .language: .language
        case .login: .login
        case .logout: .logout
        case .notifications: .notifications
        case .notificationsRead: .notificationsRead
        case .obligations: .obligations
        case .obligationFulfilment: .obligationFulfilment(11)
        case .obligationNotices: .obligationNotices(11)
        case .payments: .payments
        case .paymentReceipt: .paymentReceipt(11)
        case .personRecord: .personRecord(11)
        case .personRecordCSV: .personRecordCSV(11)
        case .procedureStep: .procedureStep(11, stepID: 23)
        case .procedureTemplates: .procedureTemplates
        case .procedureTemplate: .procedureTemplate("custom-1")
        case .profile: .profile
        case .profileLanguage: .profileLanguage
        case .profilePassword: .profilePassword
        case .profileTokens: .profileTokens
        case .profileTokenRevoke: .profileTokenRevoke(11)
        case .projects: .projects
        case .project: .project(11)
        case .projectCases: .projectCases(11)
        case .projectEdit: .projectEdit(11)
        case .projectFiles: .projectFiles(11)
        case .projectFile: .projectFile(11, fileID: 23)
        case .newProject: .newProject
        case .readyz: .readyz
        case .reports: .reports
        case .reportExport: .reportExport("funnel")
        case .leadershipReport: .leadershipReport
        case .leadershipExport: .leadershipExport("funnel")
        case .leadershipRecords: .leadershipRecords
        case .leadershipVisits: .leadershipVisits
        case .monthlyReports: .monthlyReports
        case .monthlyReport: .monthlyReport(11)
        case .monthlyReportIssue: .monthlyReportIssue(11)
        case .needsReport: .needsReport
        case .needsExport: .needsExport("industry")
        case .needsRecords: .needsRecords("industry")
        case .reportRecords: .reportRecords("inquiries")
        case .stepTimesReport: .stepTimesReport
        case .stepTimesExport: .stepTimesExport("first-answer")
        case .stepTimesRecords: .stepTimesRecords("first-answer")
        case .returnVisits: .returnVisits
        case .returnVisit: .returnVisit(11)
        case .returnVisitSurvey: .returnVisitSurvey(11)
        case .returnVisitSettings: .returnVisitSettings
        case .search: .search
        case .workingCalendar: .workingCalendar
        case .calendarDays: .calendarDays
        case .calendarDayDelete: .calendarDayDelete("2026-05-01")
        case .calendarHours: .calendarHours
        case .calendarImport: .calendarImport
        case .webhooks: .webhooks
        case .webhook: .webhook(11)
        case .webhookTest: .webhookTest(11)
        case .newWebhook: .newWebhook
        case .sharingRequestApprove: .sharingRequestApprove(11)
        case .sharingRequestReject: .sharingRequestReject(11)
        case .sharingRequestReleaseJSON: .sharingRequestReleaseJSON(11)
        case .staff: .staff
        case .staffMember: .staffMember(11)
        case .staffMemberActivate: .staffMemberActivate(11)
        case .staffMemberDeactivate: .staffMemberDeactivate(11)
        case .staffMemberPassword: .staffMemberPassword(11)
        case .newStaff: .newStaff
        case .publicSurvey: .publicSurvey("tOk_9")
        case .training: .training
        case .trainingPlans: .trainingPlans
        case .trainingPlan: .trainingPlan(11)
        case .trainingPlanApproval: .trainingPlanApproval(11)
        case .trainingPlanReopening: .trainingPlanReopening(11)
        case .trainingPlanReturn: .trainingPlanReturn(11)
        case .trainingPlanSessions: .trainingPlanSessions(11)
        case .trainingPlanSubmission: .trainingPlanSubmission(11)
        case .trainingSession: .trainingSession(11)
        case .trainingSessionEffect: .trainingSessionEffect(11)
        case .trainingSessionEnrolments: .trainingSessionEnrolments(11)
        case .trainingSessionEnrolment: .trainingSessionEnrolment(11, enrolmentID: 23)
        case .trainingSessionMaterials: .trainingSessionMaterials(11)
        case .trainingSessionMaterial: .trainingSessionMaterial(11, attachmentID: 23)
        case .trainingSessionOutcome: .trainingSessionOutcome(11)
        case .trainingSessionRating: .trainingSessionRating(11)
        case .workPlans: .workPlans
        case .workPlan: .workPlan(11)
        case .workPlanGoal: .workPlanGoal(11, goalID: 23)
        case .workPlanResult: .workPlanResult(11)
        }
    }

    /// The app's routes in the router Vapor's responder builds: method, then the path's components.
    static func router(_ app: Application) -> TrieRouter<Route> {
        let router = TrieRouter(Route.self)
        for route in app.routes.all {
            router.register(route, at: [.constant(route.method.rawValue)] + route.path)
        }
        return router
    }

    @Test("every case's link resolves, for each method it is registered with, to its own route and parameters")
    func linksResolveToTheirRoutes() async throws {
        try await withApp { (t: TestApp) in
            let router = Self.router(t.app)
            for page in SiteURL.Page.allCases {
                let url = Self.sample(page)
                #expect(url.page == page, "the sample of \(page) is \(url.page)")
                let routes = t.app.routes.all.filter { $0.path.string == page.rawValue }
                #expect(!routes.isEmpty, "\(page) (/\(page.rawValue)) registers no route")
                let segments = url.path.split(separator: "/").map(String.init)
                for route in routes {
                    var parameters = Parameters()
                    let found = router.route(path: [route.method.rawValue] + segments, parameters: &parameters)
                    #expect(
                        found === route,
                        "\(route.method) \(url.path) resolves to \(found.map { "/" + $0.path.string } ?? "nothing")")
                    for (component, value) in zip(page.components, url.segments) {
                        if case .parameter(let name) = component {
                            #expect(parameters.get(name) == value, "\(url.path): \(name)")
                        }
                    }
                }
            }
        }
    }

    @Test("every route outside the API is registered through a SiteURL page")
    func everyRouteIsACase() async throws {
        try await withApp { (t: TestApp) in
            let patterns = Set(SiteURL.Page.allCases.map(\.rawValue))
            let outside = t.app.routes.all.filter {
                $0.path.first?.description != "api" && !patterns.contains($0.path.string)
            }
            #expect(
                outside.isEmpty, "routes without a SiteURL case: \(outside.map { "\($0.method) /\($0.path.string)" })")
            #expect(SiteURL.Page.allCases.count == Set(SiteURL.Page.allCases.map(\.rawValue)).count)
        }
    }

    @Test("a link with a query or a fragment keeps its path and escapes its values")
    func queryAndFragment() {
        #expect(
            SiteURL.customers.path(query: ["stage": "intent", "q": "张 伟&x", "specialist": nil])
                == "/customers?stage=intent&q=%E5%BC%A0%20%E4%BC%9F%26x")
        #expect(
            SiteURL.customer(12).path(rawQuery: "kind=contract", fragment: "timeline")
                == "/customers/12?kind=contract#timeline")
        #expect(SiteURL.customer(12).path(rawQuery: "") == "/customers/12")
        #expect(SiteURL.dashboard.path == "/")
        #expect(SiteURL.contractTemplate("a b/c").path == "/contracts/templates/a%20b%2Fc")
    }
}
