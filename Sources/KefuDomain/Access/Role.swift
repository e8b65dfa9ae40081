/// The five kinds of people who use Kefu (R2.1).
public enum Role: String, CaseIterable, Codable, Sendable {
    /// 系统管理员: accounts and settings only — no customer data by default.
    case administrator
    /// 客服主管: leads the customer service department; exactly one is active.
    case supervisor
    /// 客服专员: answers inquiries, follows up customers.
    case specialist
    /// 上级领导: read-only reports, receives escalations.
    case leadership
    /// 相关部门对接人: sees and answers only what was forwarded to their department.
    case liaison
}

extension Role {
    /// Whether the account is a member of staff at work (R6.1, R7.1): the administrator is a system
    /// account, so it has no attendance sheet line, no payroll row, no marks and no award place.
    public var keepsAttendance: Bool { self != .administrator }

    /// The roles whose people are on the attendance sheet, as stored (`staff.role`).
    public static var attendanceRoles: [String] { allCases.filter(\.keepsAttendance).map(\.rawValue) }
}
