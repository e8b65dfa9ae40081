import KefuDomain
import Testing

@Suite("Access policy: role × action × record")
struct AccessPolicyTests {
    let supervisor = Actor(staffID: 2, role: .supervisor, departmentID: 1)
    let specialist = Actor(staffID: 3, role: .specialist, departmentID: 1)
    let liaison = Actor(staffID: 6, role: .liaison, departmentID: 4)
    let administrator = Actor(staffID: 1, role: .administrator, departmentID: 1)

    @Test("every action is granted to some role, so no route is unreachable by design")
    func everyActionHasAGrant() {
        for action in Action.allCases {
            #expect(Role.allCases.contains { AccessPolicy.allows($0, action) }, "\(action) is granted to no one")
        }
    }

    @Test(
        "the matrix of who may do what (issue 2 §4)",
        arguments: [
            (Role.administrator, Action.manageStaff, true), (.supervisor, .manageStaff, true),
            (.specialist, .manageStaff, false),
            (.leadership, .manageStaff, false), (.liaison, .manageStaff, false),
            (.administrator, .viewAuditLog, true), (.supervisor, .viewAuditLog, true),
            (.specialist, .viewAuditLog, false),
            (.leadership, .viewAuditLog, false), (.liaison, .viewAuditLog, false),
            (.administrator, .manageDepartments, true), (.supervisor, .manageDepartments, false),
            (.specialist, .viewStaff, false), (.liaison, .viewStaff, false), (.leadership, .viewStaff, true),
            (.specialist, .viewDashboard, true), (.liaison, .manageOwnTokens, true),
        ])
    func matrix(role: Role, action: Action, allowed: Bool) {
        #expect(AccessPolicy.allows(role, action) == allowed)
    }

    @Test("a supervisor manages their own team, not another department's staff")
    func teamScope() {
        #expect(AccessPolicy.permits(supervisor, .manageStaff, on: RecordFacts(responsibleStaffID: 3, departmentID: 1)))
        #expect(
            !AccessPolicy.permits(supervisor, .manageStaff, on: RecordFacts(responsibleStaffID: 9, departmentID: 4)))
        #expect(
            AccessPolicy.permits(administrator, .manageStaff, on: RecordFacts(responsibleStaffID: 9, departmentID: 4)))
    }

    @Test("own scope reaches only the actor's own records")
    func ownScope() {
        #expect(AccessPolicy.permits(specialist, .manageOwnProfile, on: RecordFacts(responsibleStaffID: 3)))
        #expect(
            !AccessPolicy.permits(
                specialist, .manageOwnProfile, on: RecordFacts(responsibleStaffID: 4, departmentID: 1)))
    }

    @Test("no grant means no record, whatever the record says")
    func noGrant() {
        #expect(
            !AccessPolicy.permits(
                liaison, .viewAuditLog,
                on: RecordFacts(responsibleStaffID: 6, departmentID: 4, forwardedToDepartmentIDs: [4])))
        #expect(AccessPolicy.widestScope(of: .specialist, for: .viewAuditLog) == nil)
        #expect(AccessPolicy.widestScope(of: .administrator, for: .viewStaff) == .any)
        #expect(AccessPolicy.widestScope(of: .supervisor, for: .viewStaff) == .team)
    }
}
