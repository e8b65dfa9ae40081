/// Who is asking: the facts about the signed-in person that decisions depend on.
public struct Actor: Equatable, Sendable {
    public var staffID: Int
    public var role: Role
    public var departmentID: Int

    public init(staffID: Int, role: Role, departmentID: Int) {
        self.staffID = staffID
        self.role = role
        self.departmentID = departmentID
    }
}

/// What the policy needs to know about a record to decide whether an actor may touch it.
public struct RecordFacts: Equatable, Sendable {
    /// The staff member responsible for the record (for a staff record: that person).
    public var responsibleStaffID: Int?
    /// The department the record belongs to.
    public var departmentID: Int?
    /// Departments the record was forwarded to (complaints, opinions, …).
    public var forwardedToDepartmentIDs: Set<Int>

    public init(responsibleStaffID: Int? = nil, departmentID: Int? = nil, forwardedToDepartmentIDs: Set<Int> = []) {
        self.responsibleStaffID = responsibleStaffID
        self.departmentID = departmentID
        self.forwardedToDepartmentIDs = forwardedToDepartmentIDs
    }
}

/// The one place that decides role × action × record (R2.1, R4.4).
///
/// Routes declare an ``Action``; the server asks ``scopes(of:for:)`` whether the role may do it at all
/// and ``permits(_:_:on:)`` whether it may do it to a given record.
public enum AccessPolicy {
    /// The grants: for each action, the scopes each role holds. A role absent from an action's entry
    /// may not perform it at all.
    static let grants: [Action: [Role: Set<Scope>]] = [
        .viewDashboard: everyone([.own]),
        .manageOwnProfile: everyone([.own]),
        .manageOwnTokens: everyone([.own]),
        // R2.1: the administrator keeps accounts; the supervisor sees and keeps their own team.
        .viewStaff: [.administrator: [.any], .supervisor: [.team], .leadership: [.any]],
        .manageStaff: [.administrator: [.any], .supervisor: [.team]],
        .viewDepartments: [.administrator: [.any], .supervisor: [.any], .leadership: [.any]],
        .manageDepartments: [.administrator: [.any]],
        // R4.4: the audit log is for the supervisor (and the administrator who keeps the system).
        .viewAuditLog: [.administrator: [.any], .supervisor: [.any]],
        // R4.4: specialists see every file (contact details masked unless it is theirs), edit their
        // own; the supervisor sees and edits all; leadership reads masked lists; a liaison sees only
        // customers of matters forwarded to their department; the administrator none.
        .viewCustomers: [
            .supervisor: [.any], .specialist: [.any], .leadership: [.any], .liaison: [.forwardedToMyDepartment],
        ],
        .createCustomer: [.supervisor: [.any], .specialist: [.any]],
        .editCustomer: [.supervisor: [.any], .specialist: [.own]],
        .revealCustomerContact: [.supervisor: [.any], .specialist: [.any]],
        .reassignCustomers: [.supervisor: [.any]],
        // Whoever takes the call records it, even on a colleague's customer (R2.3).
        .recordCommunication: [.supervisor: [.any], .specialist: [.any]],
        // R4.4: exports need permission — the supervisor (unmasked) and leadership (masked figures).
        .exportCustomers: [.supervisor: [.any], .leadership: [.any]],
        .importCustomers: [.supervisor: [.any], .specialist: [.any]],
        .mergeCustomers: [.supervisor: [.any]],
        .recordConsent: [.supervisor: [.any], .specialist: [.own]],
        .requestSharing: [.supervisor: [.any], .specialist: [.own]],
        .approveSharing: [.supervisor: [.any]],
        .handleDataSubjectRequests: [.supervisor: [.any]],
        // R3.2: everyone who talks to investors reads the catalog — liaisons of 招商部 included; the
        // supervisor keeps its facts.
        .viewProjects: [.supervisor: [.any], .specialist: [.any], .leadership: [.any], .liaison: [.any]],
        .manageProjects: [.supervisor: [.any]],
        // A specialist recommends to and follows up their own customers; the supervisor any.
        .recommendProjects: [.supervisor: [.any], .specialist: [.own]],
        // R3.1: whoever answers records the inquiry; the one who promised a reply gives it.
        .viewInquiries: [.supervisor: [.any], .specialist: [.own], .leadership: [.any]],
        .recordInquiry: [.supervisor: [.any], .specialist: [.any]],
        .replyInquiry: [.supervisor: [.any], .specialist: [.own]],
        .assignInquiries: [.supervisor: [.any]],
        .viewNotifications: everyone([.own]),
        // S4: where reminders go is set by whoever runs the department's tools.
        .manageWebhooks: [.administrator: [.any], .supervisor: [.any]],
        .viewFollowUps: [.supervisor: [.any], .specialist: [.own], .leadership: [.any]],
        .manageFollowUps: [.supervisor: [.any], .specialist: [.own]],
        // R3.4, R1.3: the specialist takes their own customers' contracts through; the supervisor sees
        // and acts on the team's; the 法务部 liaison sees only contracts forwarded to it and answers
        // them; the 财务部 liaison sees only payments, and marks them received.
        .viewContracts: [
            .supervisor: [.any], .specialist: [.own], .leadership: [.any], .liaison: [.forwardedToMyDepartment],
        ],
        .manageContracts: [.supervisor: [.any], .specialist: [.own]],
        .reviewContracts: [.liaison: [.forwardedToMyDepartment]],
        .viewPayments: [
            .supervisor: [.any], .specialist: [.own], .leadership: [.any], .liaison: [.forwardedToMyDepartment],
        ],
        .receivePayments: [.liaison: [.forwardedToMyDepartment]],
        .configureContracts: [.supervisor: [.any]],
        // Issue 13: everyone's working time is counted on one calendar; the administrator keeps it.
        .viewWorkingCalendar: everyone([.any]),
        .manageWorkingCalendar: [.administrator: [.any]],
        // R3.5, R1.3: the specialist handles their own complaints, the supervisor any; leadership reads
        // (escalations reach it); a liaison sees and answers only what was forwarded to their department.
        .viewComplaints: [
            .supervisor: [.any], .specialist: [.own], .leadership: [.any], .liaison: [.forwardedToMyDepartment],
        ],
        .recordComplaint: [.supervisor: [.any], .specialist: [.any]],
        .manageComplaints: [.supervisor: [.any], .specialist: [.own]],
        .answerComplaintForwards: [.liaison: [.forwardedToMyDepartment]],
        // R5.3: a specialist sees and answers only their own assessment; the supervisor assesses the
        // team; leadership reads all and signs cycles off.
        .viewAssessments: [.supervisor: [.team], .specialist: [.own], .leadership: [.any]],
        .manageAssessments: [.supervisor: [.team]],
        .respondToAssessment: [.specialist: [.own]],
        .signOffAssessments: [.leadership: [.any]],
        .exportAssessmentDecisions: [.supervisor: [.team], .leadership: [.any]],
        .viewBoard: [.supervisor: [.any], .specialist: [.own], .leadership: [.any]],
        .claimInquiries: [.supervisor: [.any], .specialist: [.any]],
        // R2.2: the supervisor plans for the team and each specialist; a specialist sees and ticks off
        // their own plan; leadership reads all.
        .viewWorkPlans: [.supervisor: [.team], .specialist: [.own], .leadership: [.any]],
        .manageWorkPlans: [.supervisor: [.team]],
        .markPlanGoals: [.supervisor: [.team], .specialist: [.own]],
        .configureComplaints: [.supervisor: [.any]],
        .viewComplaintFigures: [.supervisor: [.any], .leadership: [.any]],
        // S5, R6.3: the supervisor reports upward and leadership steers by the department's figures.
        .viewReports: [.supervisor: [.any], .leadership: [.any]],
        // Issue 16 §6: the supervisor writes and issues the department's monthly report; leadership reads it.
        .writeMonthlyReports: [.supervisor: [.team]],
        // Issue 16 §2: a specialist reads the dashboard's figures of their own work only, never another's or the team's.
        .viewDashboardFigures: [.supervisor: [.any], .leadership: [.any], .specialist: [.own]],
        // R2.2, R6.5: the supervisor inspects the team; a specialist sees and answers only their own inspections.
        .viewInspections: [.supervisor: [.team], .specialist: [.own], .leadership: [.any]],
        .manageInspections: [.supervisor: [.team]],
        .respondToInspection: [.specialist: [.own]],
        // R5.1, R5.2: the supervisor runs the team's training; leadership approves the plan and reads
        // all; a specialist sees the sessions they are enrolled in and rates those they attended.
        .viewTraining: [.supervisor: [.team], .specialist: [.own], .leadership: [.any]],
        .manageTraining: [.supervisor: [.team]],
        .approveTrainingPlans: [.leadership: [.any]],
        .rateTraining: [.specialist: [.own]],
        // R5.3: colleagues of one team rate each other's teamwork; nobody sees who rated.
        .rateColleagues: [.specialist: [.team]],
        // R6.2, R7.1, R7.2, R5.3: the supervisor keeps the team's discipline, awards and penalties; each
        // person sees their own, responds and appeals; leadership reads all, approves awards and
        // decides appeals above the configured level. A person's record: the person, their
        // supervisor and leadership only.
        .viewConduct: [.supervisor: [.team], .specialist: [.own], .leadership: [.any]],
        .manageViolations: [.supervisor: [.team]],
        .respondToViolation: [.specialist: [.own]],
        .imposePenalties: [.supervisor: [.team]],
        .appealPenalty: [.specialist: [.own]],
        .decideAppeals: [.supervisor: [.team], .leadership: [.any]],
        .grantAwards: [.supervisor: [.team]],
        .approveAwards: [.leadership: [.any]],
        .viewPersonRecord: [.supervisor: [.team], .specialist: [.own], .leadership: [.any]],
        // R4.3, issue 13 §7: a specialist visits their own partners; the supervisor sees every visit due.
        .viewReturnVisits: [.supervisor: [.any], .specialist: [.own], .leadership: [.any]],
        .manageReturnVisits: [.supervisor: [.any], .specialist: [.own]],
        .configureReturnVisits: [.supervisor: [.any]],
        // Issue 13 §6, R1.3: feedback is forwarded like complaints; the liaison sees only their department's.
        .viewFeedback: [
            .supervisor: [.any], .specialist: [.own], .leadership: [.any], .liaison: [.forwardedToMyDepartment],
        ],
        .recordFeedback: [.supervisor: [.any], .specialist: [.any]],
        .manageFeedback: [.supervisor: [.any], .specialist: [.own]],
        .answerFeedback: [.liaison: [.forwardedToMyDepartment]],
        // R6.1: every staff member clocks and asks for leave for themselves and sees their own month; the
        // supervisor sees and decides for the team; leadership reads every sheet; the rules are kept by
        // the supervisor or the administrator, who also imports the time clock's export.
        .viewAttendance: everyone([.own]).merging([.supervisor: [.own, .team], .leadership: [.own, .any]]) { $1 },
        .recordAttendance: everyone([.own]),
        .approveAttendance: [.supervisor: [.team]],
        .configureAttendance: [.supervisor: [.any], .administrator: [.any]],
        .importAttendance: [.supervisor: [.any], .administrator: [.any]],
    ]

    private static func everyone(_ scopes: Set<Scope>) -> [Role: Set<Scope>] {
        Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, scopes) })
    }

    /// The scopes a role holds for an action; empty when it may not perform the action at all.
    public static func scopes(of role: Role, for action: Action) -> Set<Scope> {
        grants[action]?[role] ?? []
    }

    /// Whether the role may perform the action on at least some record.
    public static func allows(_ role: Role, _ action: Action) -> Bool {
        !scopes(of: role, for: action).isEmpty
    }

    /// Whether the actor may perform the action on this particular record.
    public static func permits(_ actor: Actor, _ action: Action, on record: RecordFacts) -> Bool {
        scopes(of: actor.role, for: action).contains { scope in
            switch scope {
            case .any:
                return true
            case .own:
                return record.responsibleStaffID == actor.staffID
            case .team:
                return record.responsibleStaffID == actor.staffID || record.departmentID == actor.departmentID
            case .forwardedToMyDepartment:
                return record.forwardedToDepartmentIDs.contains(actor.departmentID)
            }
        }
    }

    /// The widest scope the role holds for the action, for building list queries.
    public static func widestScope(of role: Role, for action: Action) -> Scope? {
        let held = scopes(of: role, for: action)
        for scope in [Scope.any, .team, .forwardedToMyDepartment, .own] where held.contains(scope) {
            return scope
        }
        return nil
    }
}
