import KefuDomain
import Testing

@Suite("Staff rules (R2.1)")
struct StaffRulesTests {
    @Test("a second active supervisor in the department is a conflict; the same person or an inactive one is not")
    func oneSupervisor() {
        let current = StaffFacts(id: 2, role: .supervisor, departmentID: 1, isActive: true)
        let candidate = StaffFacts(id: nil, role: .supervisor, departmentID: 1, isActive: true)
        #expect(StaffRules.supervisorConflict(candidate: candidate, activeSupervisors: [current]))
        #expect(!StaffRules.supervisorConflict(candidate: current, activeSupervisors: [current]))
        #expect(
            !StaffRules.supervisorConflict(
                candidate: StaffFacts(id: 5, role: .supervisor, departmentID: 1, isActive: false),
                activeSupervisors: [current]))
        #expect(
            !StaffRules.supervisorConflict(
                candidate: StaffFacts(id: 5, role: .supervisor, departmentID: 3, isActive: true),
                activeSupervisors: [current]))
        #expect(
            !StaffRules.supervisorConflict(
                candidate: StaffFacts(id: 5, role: .specialist, departmentID: 1, isActive: true),
                activeSupervisors: [current]))
    }

    @Test(
        "usernames",
        arguments: [
            ("lina", nil), ("li.na_2", nil), ("ab", "validation.username.length"),
            ("1lina", "validation.username.start"),
            ("Lina", "validation.username.characters"), ("李娜娜", "validation.username.start"),
            ("li na", "validation.username.characters"),
        ] as [(String, String?)])
    func usernames(username: String, problem: String?) {
        #expect(StaffRules.validateUsername(username) == problem)
    }

    @Test("liaisons belong to other departments; supervisors and specialists to customer service")
    func departmentFit() {
        #expect(StaffRules.departmentFits(role: .liaison, isCustomerServiceDepartment: false))
        #expect(!StaffRules.departmentFits(role: .liaison, isCustomerServiceDepartment: true))
        #expect(!StaffRules.departmentFits(role: .specialist, isCustomerServiceDepartment: false))
        #expect(StaffRules.departmentFits(role: .leadership, isCustomerServiceDepartment: false))
    }

    @Test("a supervisor may manage specialists only; an administrator anyone")
    func reach() {
        #expect(StaffRules.mayManage(actorRole: .supervisor, currentRole: .specialist, newRole: .specialist))
        #expect(!StaffRules.mayManage(actorRole: .supervisor, currentRole: .specialist, newRole: .supervisor))
        #expect(!StaffRules.mayManage(actorRole: .supervisor, currentRole: .administrator, newRole: .administrator))
        #expect(StaffRules.mayManage(actorRole: .administrator, currentRole: .specialist, newRole: .supervisor))
        #expect(!StaffRules.mayManage(actorRole: .specialist, currentRole: nil, newRole: .specialist))
    }

    @Test("the last active administrator cannot be removed")
    func lastAdministrator() {
        let admin = StaffFacts(id: 1, role: .administrator, departmentID: 1, isActive: true)
        var deactivated = admin
        deactivated.isActive = false
        #expect(StaffRules.removesLastAdministrator(before: admin, after: deactivated, activeAdministratorCount: 1))
        #expect(!StaffRules.removesLastAdministrator(before: admin, after: deactivated, activeAdministratorCount: 2))
        #expect(!StaffRules.removesLastAdministrator(before: admin, after: admin, activeAdministratorCount: 1))
    }
}

@Suite("Password policy")
struct PasswordPolicyTests {
    @Test("10–128 characters, counted as people see them, Chinese allowed")
    func length() {
        #expect(PasswordPolicy.problem(with: "123456789") == "validation.password.too_short")
        #expect(PasswordPolicy.problem(with: "4829105736") == nil)
        // Ten characters, but a run: refused since issue 11 #5.
        #expect(PasswordPolicy.problem(with: "1234567890") == "validation.password.sequence")
        #expect(PasswordPolicy.problem(with: "客服部的密码是十个字") == nil)
        #expect(PasswordPolicy.problem(with: "客服部的密码九个字") == "validation.password.too_short")
        let longest = String((0..<128).map { Character(UnicodeScalar(0x4E00 + $0 * 7)!) })
        #expect(PasswordPolicy.problem(with: longest) == nil)
        #expect(PasswordPolicy.problem(with: String(repeating: "密", count: 129)) == "validation.password.too_long")
    }

    @Test("blank or equal to the username is refused")
    func weak() {
        #expect(PasswordPolicy.problem(with: String(repeating: " ", count: 12)) == "validation.password.blank")
        #expect(
            PasswordPolicy.problem(with: "zhangwei2026", username: "ZhangWei2026") == "validation.password.is_username")
    }
}
