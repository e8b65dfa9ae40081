/// Everything a person can ask Kefu to do, named once so every route can declare which one it is.
///
/// Later parts add their actions here (`customer.view`, `complaint.forward`, …); the access policy
/// must then say who may do each, or the policy test fails.
public enum Action: String, CaseIterable, Codable, Sendable {
    case viewDashboard = "dashboard.view"
    case viewStaff = "staff.view"
    case manageStaff = "staff.manage"
    case viewDepartments = "departments.view"
    case manageDepartments = "departments.manage"
    case viewAuditLog = "audit.view"
    case manageOwnProfile = "profile.manage"
    case manageOwnTokens = "tokens.manage"
    // Customers (R4.1–R4.4)
    case viewCustomers = "customers.view"
    case createCustomer = "customers.create"
    case editCustomer = "customers.edit"
    /// See a customer's contact details unmasked after giving a reason (audited).
    case revealCustomerContact = "customers.reveal"
    case reassignCustomers = "customers.reassign"
    case recordCommunication = "communications.record"
    case exportCustomers = "customers.export"
    case importCustomers = "customers.import"
    /// Merge two files of the same customer (R4.3).
    case mergeCustomers = "customers.merge"
    case recordConsent = "consents.record"
    case requestSharing = "sharing.request"
    case approveSharing = "sharing.approve"
    /// The customer's own rights under PIPL: a copy of their data, anonymization.
    case handleDataSubjectRequests = "customers.rights"
    // Front-line work (R3.1–R3.3)
    /// Read the investment-project catalog and its statistics.
    case viewProjects = "projects.view"
    /// Add projects and change their facts (each change is a new version).
    case manageProjects = "projects.manage"
    /// Rank projects for a customer, record a recommendation and the customer's reaction.
    case recommendProjects = "recommendations.manage"
    case viewInquiries = "inquiries.view"
    /// Take an inquiry during a call (on any customer: whoever answers the phone records it).
    case recordInquiry = "inquiries.record"
    /// Close an inquiry with the reply given.
    case replyInquiry = "inquiries.reply"
    /// Give a public-form inquiry from the queue to a specialist.
    case assignInquiries = "inquiries.assign"
    /// One's own notifications (the bell).
    case viewNotifications = "notifications.view"
    /// Configure webhooks to chat groups and see their delivery log.
    case manageWebhooks = "webhooks.manage"
    case viewFollowUps = "follow_ups.view"
    /// Plan and complete follow-ups.
    case manageFollowUps = "follow_ups.manage"
    // Contracts and procedures (R3.4)
    /// Read contracts, their checklists, terms, obligations and procedures.
    case viewContracts = "contracts.view"
    /// Draft a contract and take it through its states: documents, terms, forwarding, signing,
    /// obligations, procedures.
    case manageContracts = "contracts.manage"
    /// The 法务部's answer on a contract forwarded to it: approve or return with comments.
    case reviewContracts = "contracts.review"
    /// Read the payments due under contracts.
    case viewPayments = "payments.view"
    /// Mark a payment received (财务部).
    case receivePayments = "payments.receive"
    /// Keep the contract types and the documents and clauses each starts with (R3.4).
    case configureContracts = "contracts.configure"
    // The working calendar (issue 13)
    /// Read the working calendar: hours, holidays and make-up working days.
    case viewWorkingCalendar = "calendar.view"
    /// Change the working hours, holidays and make-up working days; import the official schedule.
    case manageWorkingCalendar = "calendar.manage"
    // Complaints (R3.5, R1.3)
    /// Read complaints: their forwarding, updates given to the customer and time limits.
    case viewComplaints = "complaints.view"
    /// Record a complaint from any channel (whoever takes the call).
    case recordComplaint = "complaints.record"
    /// Forward, inform the customer, pause, resolve, close and reopen a complaint.
    case manageComplaints = "complaints.manage"
    /// A department's liaison answers (or sends back) what was forwarded to their department.
    case answerComplaintForwards = "complaints.answer"
    // The supervisor's tools for people (R2.2, R5.3)
    /// Read assessment cycles, assessments with their calculation, and the decisions that followed.
    case viewAssessments = "assessments.view"
    /// Open a cycle, evaluate the team, answer appeals, record decisions.
    case manageAssessments = "assessments.manage"
    /// One's own self-evaluation, comment or appeal.
    case respondToAssessment = "assessments.respond"
    /// Sign a cycle off: its results and decisions are then final.
    case signOffAssessments = "assessments.sign_off"
    /// The decisions of a signed-off cycle as CSV for payroll (财务部).
    case exportAssessmentDecisions = "assessments.export"
    /// See the pipeline board by stage (issue 10): a specialist their own files, the supervisor and leadership the team's.
    case viewBoard = "board.view"
    /// Take a waiting web inquiry as one's own, first come (issue 10).
    case claimInquiries = "inquiries.claim"
    /// Read work plans and their live progress.
    case viewWorkPlans = "work_plans.view"
    /// Set plans for the team and each specialist, and record their result at the period's end.
    case manageWorkPlans = "work_plans.manage"
    /// Mark a plan's goals done.
    case markPlanGoals = "work_plans.goals"
    /// Set the complaint time limits per severity.
    case configureComplaints = "complaints.configure"
    /// Read the complaint figures and satisfaction per person.
    case viewComplaintFigures = "complaints.figures"
    /// Read the dashboards and reports and the records behind their figures (issue 16).
    case viewReports = "reports.view"
    /// Draft the department's monthly report and issue it (issue 16 §6).
    case writeMonthlyReports = "monthly_reports.write"
    /// Read the supervisor's dashboard: the team's figures or one person's (a specialist only their own).
    case viewDashboardFigures = "reports.dashboard"
    /// Read quality inspections: the supervisor the team's, a specialist only their own.
    case viewInspections = "inspections.view"
    /// Keep the checklist, sample records of the team and score them, answer disputes.
    case manageInspections = "inspections.manage"
    /// Acknowledge or dispute one's own inspection.
    case respondToInspection = "inspections.respond"
    /// Read training plans and sessions: the supervisor the team's, a specialist only the sessions
    /// they are enrolled in (and only their own scores), leadership all (R5.1, R5.2).
    case viewTraining = "training.view"
    /// Make the annual plan and its sessions, enrol, record attendance, scores and notes, add materials.
    case manageTraining = "training.manage"
    /// Approve or return a submitted training plan.
    case approveTrainingPlans = "training.approve"
    /// Rate a session one attended.
    case rateTraining = "training.rate"
    /// Rate a colleague of one's team in an assessment cycle, anonymously (R5.3 teamwork).
    case rateColleagues = "assessments.rate_colleagues"
    // Discipline, awards and penalties (R6.2, R6.4, R7.1, R7.2) and a person's record (R5.3)
    /// Read violations, penalties and awards: one's own, the supervisor the team's, leadership all.
    case viewConduct = "conduct.view"
    /// Record a violation of the team with its evidence, and decide its outcome.
    case manageViolations = "violations.manage"
    /// Give one's response to a violation recorded about oneself.
    case respondToViolation = "violations.respond"
    /// Impose a penalty on someone of the team, citing its cause.
    case imposePenalties = "penalties.manage"
    /// Appeal a penalty imposed on oneself, once, within the window.
    case appealPenalty = "penalties.appeal"
    /// Decide an appeal: the supervisor, or leadership for penalties above the configured level.
    case decideAppeals = "penalties.decide_appeal"
    /// Propose the monthly shortlist and grant awards to the team.
    case grantAwards = "awards.manage"
    /// Approve or decline an award that waits for leadership.
    case approveAwards = "awards.approve"
    /// A person's record (attendance, violations, awards, penalties, assessments, plans) and its CSV.
    case viewPersonRecord = "person_record.view"
    // Return visits, feedback and suggestions (issue 13 §6, §7; R4.3)
    /// Read return visits: a specialist their own customers', the supervisor and leadership all.
    case viewReturnVisits = "return_visits.view"
    /// Record a visit's result, opening a complaint or a feedback for each problem raised.
    case manageReturnVisits = "return_visits.manage"
    /// Set the visit interval per grade and the low survey score.
    case configureReturnVisits = "return_visits.configure"
    /// Read feedback and suggestions (a liaison only what was forwarded to their department).
    case viewFeedback = "feedback.view"
    /// Record a customer's opinion or suggestion.
    case recordFeedback = "feedback.record"
    /// Forward a feedback to a department, chase it, close it.
    case manageFeedback = "feedback.manage"
    /// Answer a feedback forwarded to one's department.
    case answerFeedback = "feedback.answer"
    // Attendance (R6.1)
    /// Read attendance: one's own month; the supervisor the team's sheet; leadership every sheet.
    case viewAttendance = "attendance.view"
    /// Clock in and out, ask for leave and for missed-clock corrections (补卡) for oneself.
    case recordAttendance = "attendance.record"
    /// Approve or reject the team's leave and corrections, excuse a mark with a reason.
    case approveAttendance = "attendance.approve"
    /// Set the attendance rules and each person's shift.
    case configureAttendance = "attendance.configure"
    /// Import a time clock's export (a documented layout, or 钉钉考勤's).
    case importAttendance = "attendance.import"
}

/// How far a grant reaches over records (R4.4, R2.1).
public enum Scope: String, CaseIterable, Codable, Sendable {
    /// Only records the actor is responsible for (or that are the actor).
    case own
    /// Records of the actor's own department (the supervisor's team).
    case team
    /// Records forwarded to the actor's department (liaisons).
    case forwardedToMyDepartment
    /// Every record.
    case any
}
