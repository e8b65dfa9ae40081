import Foundation
import Vapor

/// Every address Kefu serves outside the API — each page and each form's target — one case each, with its
/// parameters. A case gives both the pattern its route is registered with (``Page``, `:id` for a parameter) and the
/// link (``path``), so a link cannot name a page that is not served: `SiteURLTests` resolves every case's link
/// through the app's router to the route its page registers, and `SiteURLLintTests` refuses a page-path literal in
/// Swift outside this file.
enum SiteURL: Hashable, Sendable {
    case dashboard
    case assessments
    case assessment(Int)
    case assessmentAppealAnswer(Int)
    case assessmentColleagueRating(Int)
    case assessmentDecisions(Int)
    case assessmentResponse(Int)
    case assessmentSelfEvaluation(Int)
    case assessmentSupervisorEvaluation(Int)
    case assessmentCycles
    case assessmentCycle(Int)
    case assessmentCycleColleagues(Int)
    case assessmentCycleDecisionsCSV(Int)
    case assessmentCycleRecomputation(Int)
    case assessmentCycleSignOff(Int)
    case attendance
    case attendanceClock
    case attendanceCorrections
    case attendanceCorrectionDecision(Int)
    case attendanceImport
    case attendanceImportConfirm
    case attendanceLeave
    case attendanceLeaveDecision(Int)
    case attendanceMark(Int)
    case attendanceMarkExcuse(Int)
    case attendancePerson(Int)
    case attendanceSettings
    case attendanceSettingsShifts
    case attendanceTeam
    case attendanceTeamExport
    case auditLog
    case board
    case boardMove(Int)
    case complaintInbox
    case complaintInboxAnswer(Int)
    case complaints
    case complaint(Int)
    case complaintAttachments(Int)
    case complaintAttachment(Int, attachmentID: Int)
    case complaintForwards(Int)
    case complaintForwardChase(Int, forward: Int)
    case complaintSteps(Int)
    case complaintSurvey(Int)
    case complaintUpdates(Int)
    case complaintFigures
    case newComplaint
    case complaintSettings
    case complaintSettingsCategories
    case complaintSettingsCategory(String)
    case complaintSettingsLadder
    case conduct
    case conductAwards
    case conductAward(Int)
    case conductAwardApproval(Int)
    case newConductAward
    case conductAwardShortlist
    case conductPenalties
    case conductPenalty(Int)
    case conductPenaltyAppeal(Int)
    case conductPenaltyDecision(Int)
    case newConductPenalty
    case conductViolations
    case conductViolation(Int)
    case conductViolationAttachments(Int)
    case conductViolationAttachment(Int, attachmentID: Int)
    case conductViolationOutcome(Int)
    case conductViolationResponse(Int)
    case newConductViolation
    case contracts
    case contract(Int)
    case contractChecklistItem(Int, itemID: Int)
    case contractChecklistItemFiles(Int, itemID: Int)
    case contractClauseExplanation(Int, clauseID: Int)
    case contractFile(Int, fileID: Int)
    case contractForwarding(Int)
    case contractObligations(Int)
    case contractQuestions(Int)
    case contractReview(Int)
    case contractSignedFiles(Int)
    case contractSigning(Int)
    case contractSurvey(Int)
    case contractTerms(Int)
    case contractTermsConfirmation(Int)
    case contractTransitions(Int)
    case newContract
    case contractTemplates
    case contractTemplate(String)
    case customers
    case customer(Int)
    case customerAnonymize(Int)
    case customerCommunications(Int)
    case customerConsents(Int)
    case customerDataCopyCSV(Int)
    case customerDataCopyJSON(Int)
    case customerEdit(Int)
    case customerFollowUps(Int)
    case customerMerge(Int)
    case customerProcedures(Int)
    case customerRecommendations(Int)
    case customerRecommendationReaction(Int, recommendationID: Int)
    case customerReveal(Int)
    case customerSharingRequests(Int)
    case customerDuplicateCheck
    case customersExportCSV
    case customerImport
    case customerImportJob(String)
    case customerImportTemplateCSV
    case newCustomer
    case customerReassign
    case customerSavedFilters
    case customerSavedFilterDelete(Int)
    case departments
    case department(Int)
    case feedback
    case feedbackItem(Int)
    case feedbackAnswer(Int)
    case feedbackChase(Int)
    case feedbackClose(Int)
    case feedbackForward(Int)
    case newFeedback
    case followUps
    case followUpComplete(Int)
    case followUpReschedule(Int)
    case followUpsComplete
    case healthz
    case inquire
    case inquiries
    case inquiry(Int)
    case inquiryAssign(Int)
    case inquiryClaim(Int)
    case inquiryReply(Int)
    case inquirySurvey(Int)
    case newInquiry
    case inspections
    case inspection(Int)
    case inspectionAcknowledge(Int)
    case inspectionAnswer(Int)
    case inspectionDispute(Int)
    case inspectionScore(Int)
    case inspectionSample
    case inspectionSettings
    case language
    case login
    case logout
    case notifications
    case notificationsRead
    case obligations
    case obligationFulfilment(Int)
    case obligationNotices(Int)
    case payments
    case paymentReceipt(Int)
    case personRecord(Int)
    case personRecordCSV(Int)
    case procedureStep(Int, stepID: Int)
    case procedureTemplates
    case procedureTemplate(String)
    case profile
    case profileLanguage
    case profilePassword
    case profileTokens
    case profileTokenRevoke(Int)
    case projects
    case project(Int)
    case projectCases(Int)
    case projectEdit(Int)
    case projectFiles(Int)
    case projectFile(Int, fileID: Int)
    case newProject
    case readyz
    case reports
    case reportExport(String)
    case leadershipReport
    case leadershipExport(String)
    case leadershipRecords
    case leadershipVisits
    case monthlyReports
    case monthlyReport(Int)
    case monthlyReportIssue(Int)
    case needsReport
    case needsExport(String)
    case needsRecords(String)
    case reportRecords(String)
    case stepTimesReport
    case stepTimesExport(String)
    case stepTimesRecords(String)
    case returnVisits
    case returnVisit(Int)
    case returnVisitSurvey(Int)
    case returnVisitSettings
    case search
    case workingCalendar
    case calendarDays
    case calendarDayDelete(String)
    case calendarHours
    case calendarImport
    case webhooks
    case webhook(Int)
    case webhookTest(Int)
    case newWebhook
    case sharingRequestApprove(Int)
    case sharingRequestReject(Int)
    case sharingRequestReleaseJSON(Int)
    case staff
    case staffMember(Int)
    case staffMemberActivate(Int)
    case staffMemberDeactivate(Int)
    case staffMemberPassword(Int)
    case newStaff
    case publicSurvey(String)
    case training
    case trainingPlans
    case trainingPlan(Int)
    case trainingPlanApproval(Int)
    case trainingPlanReopening(Int)
    case trainingPlanReturn(Int)
    case trainingPlanSessions(Int)
    case trainingPlanSubmission(Int)
    case trainingSession(Int)
    case trainingSessionEffect(Int)
    case trainingSessionEnrolments(Int)
    case trainingSessionEnrolment(Int, enrolmentID: Int)
    case trainingSessionMaterials(Int)
    case trainingSessionMaterial(Int, attachmentID: Int)
    case trainingSessionOutcome(Int)
    case trainingSessionRating(Int)
    case workPlans
    case workPlan(Int)
    case workPlanGoal(Int, goalID: Int)
    case workPlanResult(Int)

    /// The link: `/customers/12`.
    var path: String { "/" + segments.joined(separator: "/") }

    /// The link with a query, its values escaped; a nil value is left out: `/customers?stage=intent`.
    func path(query: KeyValuePairs<String, String?>, fragment: String? = nil) -> String {
        let items = query.compactMap { key, value in
            value.map { key + "=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "") }
        }
        return path(rawQuery: items.joined(separator: "&"), fragment: fragment)
    }

    /// The link with a query string already escaped (a list's filter as it was asked for).
    func path(rawQuery: String, fragment: String? = nil) -> String {
        var link = path
        if !rawQuery.isEmpty { link += "?" + rawQuery }
        if let fragment { link += "#" + fragment }
        return link
    }

    /// A text parameter as one path segment.
    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlPathSegmentAllowed) ?? value
    }

    static let apiDocs = "/api/docs"
    static let openAPIDocument = "/api/v1/openapi.json"

    static func login(next: String?) -> String {
        guard let next, isSafeRedirect(next), next != SiteURL.dashboard.path else { return SiteURL.login.path }
        return SiteURL.login.path + "?next="
            + (next.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "/")
    }

    /// Only a relative reference to a path on this site (issue 11 #1): a `next` of `//evil.example`,
    /// `https://…`, `/\evil.example` or `/<TAB>/evil.example` (browsers drop tabs and line breaks from a
    /// Location before resolving it) would send a freshly signed-in person elsewhere. So the target must
    /// be made only of the characters RFC 3986 allows unescaped in a path and query, with well-formed
    /// percent escapes, and neither the text nor its decoded form may begin with two slashes or a
    /// slash and a backslash, or hold a control character.
    static func isSafeRedirect(_ target: String) -> Bool {
        guard target.utf8.count <= 2048, isRelativeReference(target) else { return false }
        guard let decoded = target.removingPercentEncoding else { return false }
        return !decoded.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }
            && !decoded.hasPrefix("//") && !decoded.hasPrefix("/\\")
    }

    /// `/` followed by RFC 3986 `pchar`s, `/`, `?` and a query; a `%` only as the start of two hex digits.
    private static func isRelativeReference(_ target: String) -> Bool {
        let bytes = Array(target.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.count < 2 || bytes[1] != UInt8(ascii: "/") else { return false }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else {
                    return false
                }
                index += 3
                continue
            }
            guard allowedBytes.contains(byte) else { return false }
            index += 1
        }
        return true
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// unreserved, sub-delims, `:` `@` (pchar), and `/` `?` (path and query). No `#`, no space, no backslash.
    private static let allowedBytes: Set<UInt8> = Set(
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?".utf8)
    )
}

extension Request {
    /// The `next` address of a form or link if it is safe (``SiteURL/isSafeRedirect(_:)``) and its path
    /// is one Kefu serves with a page; nil otherwise, so the caller falls back to its default.
    func safeRedirect(_ target: String?) -> String? {
        guard let target, SiteURL.isSafeRedirect(target) else { return nil }
        let path =
            target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? target
        return application.routes.servesPage(at: path) ? target : nil
    }
}

extension Routes {
    /// Whether a GET route matches the path, segment by segment (`:id` and `*` match any segment).
    func servesPage(at path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.removingPercentEncoding ?? String($0)
        }
        let wanted = segments == [""] ? [] : segments
        return all.contains { route in
            guard route.method == .GET else { return false }
            if case .catchall? = route.path.last {
                return route.path.count - 1 <= wanted.count
                    && zip(route.path.dropLast(), wanted).allSatisfy(Self.matches)
            }
            return route.path.count == wanted.count && zip(route.path, wanted).allSatisfy(Self.matches)
        }
    }

    private static func matches(_ component: PathComponent, _ segment: String) -> Bool {
        switch component {
        case .constant(let value): return value == segment
        case .parameter: return !segment.isEmpty
        case .anything, .catchall: return true
        }
    }
}

extension Request {
    /// Redirects to a page (post/redirect/get), leaving a message for it.
    func redirect(to url: SiteURL, flash: FlashMessage) -> Response { redirect(to: url.path, flash: flash) }

    func redirect(to url: SiteURL, redirectType: Redirect = .normal) -> Response {
        redirect(to: url.path, redirectType: redirectType)
    }
}

extension RoutesBuilder {
    /// Registers a page's route by its ``SiteURL/Page``, the pattern its links are built from.
    @discardableResult
    func get<Response: AsyncResponseEncodable>(
        _ page: SiteURL.Page, use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(.GET, page.components, use: closure)
    }

    @discardableResult
    func post<Response: AsyncResponseEncodable>(
        _ page: SiteURL.Page, use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(.POST, page.components, use: closure)
    }

    @discardableResult
    func on<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ page: SiteURL.Page, body: HTTPBodyStreamStrategy = .collect,
        use closure: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(method, page.components, body: body, use: closure)
    }
}

extension CharacterSet {
    /// Characters that may stand unescaped in a query value.
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+#?")
        return set
    }()

    /// Characters that may stand unescaped in one path segment.
    static let urlPathSegmentAllowed: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove(charactersIn: "/;?#")
        return set
    }()
}
