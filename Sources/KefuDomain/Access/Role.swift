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
