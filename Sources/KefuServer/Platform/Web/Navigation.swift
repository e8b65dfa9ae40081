import KefuDomain

/// The left navigation, ordered by the department's work (issue 2 §6). An entry appears only when its
/// part is built and the person's role may open it — never a dead link.
struct NavigationEntry: Sendable {
    var key: String
    var path: SiteURL?
    var action: Action?
    var icon: String

    /// The department's areas of work in the order people think of them. Entries without a path are
    /// parts not built yet; they stay here so the order is decided once.
    static let all: [NavigationEntry] = [
        NavigationEntry(key: "nav.dashboard", path: .dashboard, action: .viewDashboard, icon: "home"),
        NavigationEntry(key: "nav.customers", path: .customers, action: .viewCustomers, icon: "users"),
        NavigationEntry(key: "nav.inquiries", path: .inquiries, action: .viewInquiries, icon: "message"),
        NavigationEntry(key: "nav.projects", path: .projects, action: .viewProjects, icon: "building"),
        NavigationEntry(key: "nav.follow_ups", path: .followUps, action: .viewFollowUps, icon: "repeat"),
        NavigationEntry(key: "nav.contracts", path: .contracts, action: .viewContracts, icon: "file"),
        NavigationEntry(key: "nav.complaints", path: .complaints, action: .viewComplaints, icon: "alert"),
        NavigationEntry(key: "nav.training", path: .training, action: .viewTraining, icon: "book"),
        NavigationEntry(key: "nav.return_visits", path: .returnVisits, action: .viewReturnVisits, icon: "phone"),
        NavigationEntry(key: "nav.assessment", path: .assessments, action: .viewAssessments, icon: "award"),
        NavigationEntry(key: "nav.awards", path: .conduct, action: .viewConduct, icon: "star"),
        NavigationEntry(key: "nav.attendance", path: .attendance, action: .viewAttendance, icon: "clock"),
        NavigationEntry(key: "nav.reports", path: .reports, action: .viewDashboardFigures, icon: "chart"),
        NavigationEntry(
            key: "nav.complaint_inbox", path: .complaintInbox, action: .answerComplaintForwards, icon: "alert"),
        NavigationEntry(key: "nav.board", path: .board, action: .viewBoard, icon: "columns"),
        NavigationEntry(key: "nav.work_plans", path: .workPlans, action: .viewWorkPlans, icon: "chart"),
        NavigationEntry(key: "nav.inspections", path: .inspections, action: .viewInspections, icon: "check"),
        NavigationEntry(key: "nav.feedback", path: .feedback, action: .viewFeedback, icon: "message"),
    ]

    /// 设置: the administration pages, grouped under one heading.
    static let settings: [NavigationEntry] = [
        NavigationEntry(key: "nav.staff", path: .staff, action: .viewStaff, icon: "users"),
        NavigationEntry(key: "nav.departments", path: .departments, action: .viewDepartments, icon: "building"),
        NavigationEntry(key: "nav.audit_log", path: .auditLog, action: .viewAuditLog, icon: "shield"),
        NavigationEntry(key: "nav.webhooks", path: .webhooks, action: .manageWebhooks, icon: "bell"),
        NavigationEntry(
            key: "nav.working_calendar", path: .workingCalendar, action: .manageWorkingCalendar, icon: "clock"),
    ]

    func isVisible(to role: Role) -> Bool {
        guard path != nil, let action else { return false }
        return AccessPolicy.allows(role, action)
    }
}
