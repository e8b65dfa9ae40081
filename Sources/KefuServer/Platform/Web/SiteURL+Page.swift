import Vapor

extension SiteURL {
    /// The route pattern of each case, for registration: `routes.get(.customer, use: show)`.
    enum Page: String, CaseIterable, Sendable {
        case dashboard = ""
        case assessments = "assessments"
        case assessment = "assessments/:id"
        case assessmentAppealAnswer = "assessments/:id/appeal-answer"
        case assessmentColleagueRating = "assessments/:id/colleague-rating"
        case assessmentDecisions = "assessments/:id/decisions"
        case assessmentResponse = "assessments/:id/response"
        case assessmentSelfEvaluation = "assessments/:id/self-evaluation"
        case assessmentSupervisorEvaluation = "assessments/:id/supervisor-evaluation"
        case assessmentCycles = "assessments/cycles"
        case assessmentCycle = "assessments/cycles/:id"
        case assessmentCycleColleagues = "assessments/cycles/:id/colleagues"
        case assessmentCycleDecisionsCSV = "assessments/cycles/:id/decisions.csv"
        case assessmentCycleRecomputation = "assessments/cycles/:id/recomputation"
        case assessmentCycleSignOff = "assessments/cycles/:id/sign-off"
        case attendance = "attendance"
        case attendanceClock = "attendance/clock"
        case attendanceCorrections = "attendance/corrections"
        case attendanceCorrectionDecision = "attendance/corrections/:id/decision"
        case attendanceImport = "attendance/import"
        case attendanceImportConfirm = "attendance/import/confirm"
        case attendanceLeave = "attendance/leave"
        case attendanceLeaveDecision = "attendance/leave/:id/decision"
        case attendanceMark = "attendance/marks/:id"
        case attendanceMarkExcuse = "attendance/marks/:id/excuse"
        case attendancePerson = "attendance/people/:staffID"
        case attendanceSettings = "attendance/settings"
        case attendanceSettingsShifts = "attendance/settings/shifts"
        case attendanceTeam = "attendance/team"
        case attendanceTeamExport = "attendance/team/export"
        case auditLog = "audit"
        case board = "board"
        case boardMove = "board/:id/move"
        case complaintInbox = "complaint-inbox"
        case complaintInboxAnswer = "complaint-inbox/:id/answer"
        case complaints = "complaints"
        case complaint = "complaints/:id"
        case complaintAttachments = "complaints/:id/attachments"
        case complaintAttachment = "complaints/:id/attachments/:attachmentID"
        case complaintForwards = "complaints/:id/forwards"
        case complaintForwardChase = "complaints/:id/forwards/:forward/chase"
        case complaintSteps = "complaints/:id/steps"
        case complaintSurvey = "complaints/:id/survey"
        case complaintUpdates = "complaints/:id/updates"
        case complaintFigures = "complaints/figures"
        case newComplaint = "complaints/new"
        case complaintSettings = "complaints/settings"
        case complaintSettingsCategories = "complaints/settings/categories"
        case complaintSettingsCategory = "complaints/settings/categories/:code"
        case complaintSettingsLadder = "complaints/settings/ladder"
        case conduct = "conduct"
        case conductAwards = "conduct/awards"
        case conductAward = "conduct/awards/:id"
        case conductAwardApproval = "conduct/awards/:id/approval"
        case newConductAward = "conduct/awards/new"
        case conductAwardShortlist = "conduct/awards/shortlist"
        case conductPenalties = "conduct/penalties"
        case conductPenalty = "conduct/penalties/:id"
        case conductPenaltyAppeal = "conduct/penalties/:id/appeal"
        case conductPenaltyDecision = "conduct/penalties/:id/decision"
        case newConductPenalty = "conduct/penalties/new"
        case conductViolations = "conduct/violations"
        case conductViolation = "conduct/violations/:id"
        case conductViolationAttachments = "conduct/violations/:id/attachments"
        case conductViolationAttachment = "conduct/violations/:id/attachments/:attachmentID"
        case conductViolationOutcome = "conduct/violations/:id/outcome"
        case conductViolationResponse = "conduct/violations/:id/response"
        case newConductViolation = "conduct/violations/new"
        case contracts = "contracts"
        case contract = "contracts/:id"
        case contractChecklistItem = "contracts/:id/checklist/:itemID"
        case contractChecklistItemFiles = "contracts/:id/checklist/:itemID/files"
        case contractClauseExplanation = "contracts/:id/clauses/:clauseID/explanation"
        case contractFile = "contracts/:id/files/:fileID"
        case contractForwarding = "contracts/:id/forwarding"
        case contractObligations = "contracts/:id/obligations"
        case contractQuestions = "contracts/:id/questions"
        case contractReview = "contracts/:id/review"
        case contractSignedFiles = "contracts/:id/signed-files"
        case contractSigning = "contracts/:id/signing"
        case contractSurvey = "contracts/:id/survey"
        case contractTerms = "contracts/:id/terms"
        case contractTermsConfirmation = "contracts/:id/terms-confirmation"
        case contractTransitions = "contracts/:id/transitions"
        case newContract = "contracts/new"
        case contractTemplates = "contracts/templates"
        case contractTemplate = "contracts/templates/:code"
        case customers = "customers"
        case customer = "customers/:id"
        case customerAnonymize = "customers/:id/anonymize"
        case customerCommunications = "customers/:id/communications"
        case customerConsents = "customers/:id/consents"
        case customerDataCopyCSV = "customers/:id/data-copy.csv"
        case customerDataCopyJSON = "customers/:id/data-copy.json"
        case customerEdit = "customers/:id/edit"
        case customerFollowUps = "customers/:id/follow-ups"
        case customerMerge = "customers/:id/merge"
        case customerProcedures = "customers/:id/procedures"
        case customerRecommendations = "customers/:id/recommendations"
        case customerRecommendationReaction = "customers/:id/recommendations/:recommendationID/reaction"
        case customerReveal = "customers/:id/reveal"
        case customerSharingRequests = "customers/:id/sharing-requests"
        case customerDuplicateCheck = "customers/duplicate-check"
        case customersExportCSV = "customers/export.csv"
        case customerImport = "customers/import"
        case customerImportJob = "customers/import/jobs/:job"
        case customerImportTemplateCSV = "customers/import/template.csv"
        case newCustomer = "customers/new"
        case customerReassign = "customers/reassign"
        case customerSavedFilters = "customers/saved-filters"
        case customerSavedFilterDelete = "customers/saved-filters/:filterID/delete"
        case departments = "departments"
        case department = "departments/:id"
        case feedback = "feedback"
        case feedbackItem = "feedback/:id"
        case feedbackAnswer = "feedback/:id/answer"
        case feedbackChase = "feedback/:id/chase"
        case feedbackClose = "feedback/:id/close"
        case feedbackForward = "feedback/:id/forward"
        case newFeedback = "feedback/new"
        case followUps = "follow-ups"
        case followUpComplete = "follow-ups/:followUpID/complete"
        case followUpReschedule = "follow-ups/:followUpID/reschedule"
        case followUpsComplete = "follow-ups/complete"
        case healthz = "healthz"
        case inquire = "inquire"
        case inquiries = "inquiries"
        case inquiry = "inquiries/:id"
        case inquiryAssign = "inquiries/:id/assign"
        case inquiryClaim = "inquiries/:id/claim"
        case inquiryReply = "inquiries/:id/reply"
        case inquirySurvey = "inquiries/:id/survey"
        case newInquiry = "inquiries/new"
        case inspections = "inspections"
        case inspection = "inspections/:id"
        case inspectionAcknowledge = "inspections/:id/acknowledge"
        case inspectionAnswer = "inspections/:id/answer"
        case inspectionDispute = "inspections/:id/dispute"
        case inspectionScore = "inspections/:id/score"
        case inspectionSample = "inspections/sample"
        case inspectionSettings = "inspections/settings"
        case language = "language"
        case login = "login"
        case logout = "logout"
        case notifications = "notifications"
        case notificationsRead = "notifications/read"
        case obligations = "obligations"
        case obligationFulfilment = "obligations/:id/fulfilment"
        case obligationNotices = "obligations/:id/notices"
        case payments = "payments"
        case paymentReceipt = "payments/:id/receipt"
        case personRecord = "people/:id/record"
        case personRecordCSV = "people/:id/record.csv"
        case procedureStep = "procedures/:id/steps/:stepID"
        case procedureTemplates = "procedures/templates"
        case procedureTemplate = "procedures/templates/:code"
        case profile = "profile"
        case profileLanguage = "profile/language"
        case profilePassword = "profile/password"
        case profileTokens = "profile/tokens"
        case profileTokenRevoke = "profile/tokens/:id/revoke"
        case projects = "projects"
        case project = "projects/:id"
        case projectCases = "projects/:id/cases"
        case projectEdit = "projects/:id/edit"
        case projectFiles = "projects/:id/files"
        case projectFile = "projects/:id/files/:fileID"
        case newProject = "projects/new"
        case readyz = "readyz"
        case reports = "reports"
        case reportExport = "reports/export/:chart"
        case leadershipReport = "reports/leadership"
        case leadershipExport = "reports/leadership/export/:chart"
        case leadershipRecords = "reports/leadership/records"
        case leadershipVisits = "reports/leadership/visits"
        case monthlyReports = "reports/monthly"
        case monthlyReport = "reports/monthly/:id"
        case monthlyReportIssue = "reports/monthly/:id/issue"
        case needsReport = "reports/needs"
        case needsExport = "reports/needs/export/:dimension"
        case needsRecords = "reports/needs/records/:dimension"
        case reportRecords = "reports/records/:figure"
        case stepTimesReport = "reports/step-times"
        case stepTimesExport = "reports/step-times/export/:step"
        case stepTimesRecords = "reports/step-times/records/:step"
        case returnVisits = "return-visits"
        case returnVisit = "return-visits/:id"
        case returnVisitSurvey = "return-visits/:id/survey"
        case returnVisitSettings = "return-visits/settings"
        case search = "search"
        case workingCalendar = "settings/calendar"
        case calendarDays = "settings/calendar/days"
        case calendarDayDelete = "settings/calendar/days/:day/delete"
        case calendarHours = "settings/calendar/hours"
        case calendarImport = "settings/calendar/import"
        case webhooks = "settings/webhooks"
        case webhook = "settings/webhooks/:id"
        case webhookTest = "settings/webhooks/:id/test"
        case newWebhook = "settings/webhooks/new"
        case sharingRequestApprove = "sharing-requests/:id/approve"
        case sharingRequestReject = "sharing-requests/:id/reject"
        case sharingRequestReleaseJSON = "sharing-requests/:id/release.json"
        case staff = "staff"
        case staffMember = "staff/:id"
        case staffMemberActivate = "staff/:id/activate"
        case staffMemberDeactivate = "staff/:id/deactivate"
        case staffMemberPassword = "staff/:id/password"
        case newStaff = "staff/new"
        case publicSurvey = "survey/:token"
        case training = "training"
        case trainingPlans = "training/plans"
        case trainingPlan = "training/plans/:id"
        case trainingPlanApproval = "training/plans/:id/approval"
        case trainingPlanReopening = "training/plans/:id/reopening"
        case trainingPlanReturn = "training/plans/:id/return"
        case trainingPlanSessions = "training/plans/:id/sessions"
        case trainingPlanSubmission = "training/plans/:id/submission"
        case trainingSession = "training/sessions/:id"
        case trainingSessionEffect = "training/sessions/:id/effect"
        case trainingSessionEnrolments = "training/sessions/:id/enrolments"
        case trainingSessionEnrolment = "training/sessions/:id/enrolments/:enrolmentID"
        case trainingSessionMaterials = "training/sessions/:id/materials"
        case trainingSessionMaterial = "training/sessions/:id/materials/:attachmentID"
        case trainingSessionOutcome = "training/sessions/:id/outcome"
        case trainingSessionRating = "training/sessions/:id/rating"
        case workPlans = "work-plans"
        case workPlan = "work-plans/:id"
        case workPlanGoal = "work-plans/:id/goals/:goalID"
        case workPlanResult = "work-plans/:id/result"

        var components: [PathComponent] {
            rawValue.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
        }
    }

    var page: Page {
        switch self {
        case .dashboard: .dashboard
        case .assessments: .assessments
        case .assessment: .assessment
        case .assessmentAppealAnswer: .assessmentAppealAnswer
        case .assessmentColleagueRating: .assessmentColleagueRating
        case .assessmentDecisions: .assessmentDecisions
        case .assessmentResponse: .assessmentResponse
        case .assessmentSelfEvaluation: .assessmentSelfEvaluation
        case .assessmentSupervisorEvaluation: .assessmentSupervisorEvaluation
        case .assessmentCycles: .assessmentCycles
        case .assessmentCycle: .assessmentCycle
        case .assessmentCycleColleagues: .assessmentCycleColleagues
        case .assessmentCycleDecisionsCSV: .assessmentCycleDecisionsCSV
        case .assessmentCycleRecomputation: .assessmentCycleRecomputation
        case .assessmentCycleSignOff: .assessmentCycleSignOff
        case .attendance: .attendance
        case .attendanceClock: .attendanceClock
        case .attendanceCorrections: .attendanceCorrections
        case .attendanceCorrectionDecision: .attendanceCorrectionDecision
        case .attendanceImport: .attendanceImport
        case .attendanceImportConfirm: .attendanceImportConfirm
        case .attendanceLeave: .attendanceLeave
        case .attendanceLeaveDecision: .attendanceLeaveDecision
        case .attendanceMark: .attendanceMark
        case .attendanceMarkExcuse: .attendanceMarkExcuse
        case .attendancePerson: .attendancePerson
        case .attendanceSettings: .attendanceSettings
        case .attendanceSettingsShifts: .attendanceSettingsShifts
        case .attendanceTeam: .attendanceTeam
        case .attendanceTeamExport: .attendanceTeamExport
        case .auditLog: .auditLog
        case .board: .board
        case .boardMove: .boardMove
        case .complaintInbox: .complaintInbox
        case .complaintInboxAnswer: .complaintInboxAnswer
        case .complaints: .complaints
        case .complaint: .complaint
        case .complaintAttachments: .complaintAttachments
        case .complaintAttachment: .complaintAttachment
        case .complaintForwards: .complaintForwards
        case .complaintForwardChase: .complaintForwardChase
        case .complaintSteps: .complaintSteps
        case .complaintSurvey: .complaintSurvey
        case .complaintUpdates: .complaintUpdates
        case .complaintFigures: .complaintFigures
        case .newComplaint: .newComplaint
        case .complaintSettings: .complaintSettings
        case .complaintSettingsCategories: .complaintSettingsCategories
        case .complaintSettingsCategory: .complaintSettingsCategory
        case .complaintSettingsLadder: .complaintSettingsLadder
        case .conduct: .conduct
        case .conductAwards: .conductAwards
        case .conductAward: .conductAward
        case .conductAwardApproval: .conductAwardApproval
        case .newConductAward: .newConductAward
        case .conductAwardShortlist: .conductAwardShortlist
        case .conductPenalties: .conductPenalties
        case .conductPenalty: .conductPenalty
        case .conductPenaltyAppeal: .conductPenaltyAppeal
        case .conductPenaltyDecision: .conductPenaltyDecision
        case .newConductPenalty: .newConductPenalty
        case .conductViolations: .conductViolations
        case .conductViolation: .conductViolation
        case .conductViolationAttachments: .conductViolationAttachments
        case .conductViolationAttachment: .conductViolationAttachment
        case .conductViolationOutcome: .conductViolationOutcome
        case .conductViolationResponse: .conductViolationResponse
        case .newConductViolation: .newConductViolation
        case .contracts: .contracts
        case .contract: .contract
        case .contractChecklistItem: .contractChecklistItem
        case .contractChecklistItemFiles: .contractChecklistItemFiles
        case .contractClauseExplanation: .contractClauseExplanation
        case .contractFile: .contractFile
        case .contractForwarding: .contractForwarding
        case .contractObligations: .contractObligations
        case .contractQuestions: .contractQuestions
        case .contractReview: .contractReview
        case .contractSignedFiles: .contractSignedFiles
        case .contractSigning: .contractSigning
        case .contractSurvey: .contractSurvey
        case .contractTerms: .contractTerms
        case .contractTermsConfirmation: .contractTermsConfirmation
        case .contractTransitions: .contractTransitions
        case .newContract: .newContract
        case .contractTemplates: .contractTemplates
        case .contractTemplate: .contractTemplate
        case .customers: .customers
        case .customer: .customer
        case .customerAnonymize: .customerAnonymize
        case .customerCommunications: .customerCommunications
        case .customerConsents: .customerConsents
        case .customerDataCopyCSV: .customerDataCopyCSV
        case .customerDataCopyJSON: .customerDataCopyJSON
        case .customerEdit: .customerEdit
        case .customerFollowUps: .customerFollowUps
        case .customerMerge: .customerMerge
        case .customerProcedures: .customerProcedures
        case .customerRecommendations: .customerRecommendations
        case .customerRecommendationReaction: .customerRecommendationReaction
        case .customerReveal: .customerReveal
        case .customerSharingRequests: .customerSharingRequests
        case .customerDuplicateCheck: .customerDuplicateCheck
        case .customersExportCSV: .customersExportCSV
        case .customerImport: .customerImport
        case .customerImportJob: .customerImportJob
        case .customerImportTemplateCSV: .customerImportTemplateCSV
        case .newCustomer: .newCustomer
        case .customerReassign: .customerReassign
        case .customerSavedFilters: .customerSavedFilters
        case .customerSavedFilterDelete: .customerSavedFilterDelete
        case .departments: .departments
        case .department: .department
        case .feedback: .feedback
        case .feedbackItem: .feedbackItem
        case .feedbackAnswer: .feedbackAnswer
        case .feedbackChase: .feedbackChase
        case .feedbackClose: .feedbackClose
        case .feedbackForward: .feedbackForward
        case .newFeedback: .newFeedback
        case .followUps: .followUps
        case .followUpComplete: .followUpComplete
        case .followUpReschedule: .followUpReschedule
        case .followUpsComplete: .followUpsComplete
        case .healthz: .healthz
        case .inquire: .inquire
        case .inquiries: .inquiries
        case .inquiry: .inquiry
        case .inquiryAssign: .inquiryAssign
        case .inquiryClaim: .inquiryClaim
        case .inquiryReply: .inquiryReply
        case .inquirySurvey: .inquirySurvey
        case .newInquiry: .newInquiry
        case .inspections: .inspections
        case .inspection: .inspection
        case .inspectionAcknowledge: .inspectionAcknowledge
        case .inspectionAnswer: .inspectionAnswer
        case .inspectionDispute: .inspectionDispute
        case .inspectionScore: .inspectionScore
        case .inspectionSample: .inspectionSample
        case .inspectionSettings: .inspectionSettings
        case .language: .language
        case .login: .login
        case .logout: .logout
        case .notifications: .notifications
        case .notificationsRead: .notificationsRead
        case .obligations: .obligations
        case .obligationFulfilment: .obligationFulfilment
        case .obligationNotices: .obligationNotices
        case .payments: .payments
        case .paymentReceipt: .paymentReceipt
        case .personRecord: .personRecord
        case .personRecordCSV: .personRecordCSV
        case .procedureStep: .procedureStep
        case .procedureTemplates: .procedureTemplates
        case .procedureTemplate: .procedureTemplate
        case .profile: .profile
        case .profileLanguage: .profileLanguage
        case .profilePassword: .profilePassword
        case .profileTokens: .profileTokens
        case .profileTokenRevoke: .profileTokenRevoke
        case .projects: .projects
        case .project: .project
        case .projectCases: .projectCases
        case .projectEdit: .projectEdit
        case .projectFiles: .projectFiles
        case .projectFile: .projectFile
        case .newProject: .newProject
        case .readyz: .readyz
        case .reports: .reports
        case .reportExport: .reportExport
        case .leadershipReport: .leadershipReport
        case .leadershipExport: .leadershipExport
        case .leadershipRecords: .leadershipRecords
        case .leadershipVisits: .leadershipVisits
        case .monthlyReports: .monthlyReports
        case .monthlyReport: .monthlyReport
        case .monthlyReportIssue: .monthlyReportIssue
        case .needsReport: .needsReport
        case .needsExport: .needsExport
        case .needsRecords: .needsRecords
        case .reportRecords: .reportRecords
        case .stepTimesReport: .stepTimesReport
        case .stepTimesExport: .stepTimesExport
        case .stepTimesRecords: .stepTimesRecords
        case .returnVisits: .returnVisits
        case .returnVisit: .returnVisit
        case .returnVisitSurvey: .returnVisitSurvey
        case .returnVisitSettings: .returnVisitSettings
        case .search: .search
        case .workingCalendar: .workingCalendar
        case .calendarDays: .calendarDays
        case .calendarDayDelete: .calendarDayDelete
        case .calendarHours: .calendarHours
        case .calendarImport: .calendarImport
        case .webhooks: .webhooks
        case .webhook: .webhook
        case .webhookTest: .webhookTest
        case .newWebhook: .newWebhook
        case .sharingRequestApprove: .sharingRequestApprove
        case .sharingRequestReject: .sharingRequestReject
        case .sharingRequestReleaseJSON: .sharingRequestReleaseJSON
        case .staff: .staff
        case .staffMember: .staffMember
        case .staffMemberActivate: .staffMemberActivate
        case .staffMemberDeactivate: .staffMemberDeactivate
        case .staffMemberPassword: .staffMemberPassword
        case .newStaff: .newStaff
        case .publicSurvey: .publicSurvey
        case .training: .training
        case .trainingPlans: .trainingPlans
        case .trainingPlan: .trainingPlan
        case .trainingPlanApproval: .trainingPlanApproval
        case .trainingPlanReopening: .trainingPlanReopening
        case .trainingPlanReturn: .trainingPlanReturn
        case .trainingPlanSessions: .trainingPlanSessions
        case .trainingPlanSubmission: .trainingPlanSubmission
        case .trainingSession: .trainingSession
        case .trainingSessionEffect: .trainingSessionEffect
        case .trainingSessionEnrolments: .trainingSessionEnrolments
        case .trainingSessionEnrolment: .trainingSessionEnrolment
        case .trainingSessionMaterials: .trainingSessionMaterials
        case .trainingSessionMaterial: .trainingSessionMaterial
        case .trainingSessionOutcome: .trainingSessionOutcome
        case .trainingSessionRating: .trainingSessionRating
        case .workPlans: .workPlans
        case .workPlan: .workPlan
        case .workPlanGoal: .workPlanGoal
        case .workPlanResult: .workPlanResult
        }
    }
}
