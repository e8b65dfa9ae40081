import Fluent
import KefuDomain
import Vapor

/// A realistic demo department for trying Kefu out (`kefu demo`, `kefu serve --demo`): the customer
/// service department with its supervisor and five specialists, leadership, and the liaisons of the
/// departments complaints and opinions are forwarded to. Later parts add their demo records here.
package enum DemoDepartment {
    package struct Account: Sendable {
        package var username: String
        package var displayName: String
        package var departmentCode: String
        package var role: Role
    }

    static let departments: [(code: String, name: String)] = [
        ("investment", "招商部"), ("legal", "法务部"), ("finance", "财务部"), ("engineering", "工程管理部"),
        ("management", "公司领导"),
    ]

    package static let accounts: [Account] = [
        Account(username: "wangjing", displayName: "王静", departmentCode: "customer_service", role: .supervisor),
        Account(username: "lina", displayName: "李娜", departmentCode: "customer_service", role: .specialist),
        Account(username: "zhangwei", displayName: "张伟", departmentCode: "customer_service", role: .specialist),
        Account(username: "liuyang", displayName: "刘洋", departmentCode: "customer_service", role: .specialist),
        Account(username: "chenxiaomei", displayName: "陈晓梅", departmentCode: "customer_service", role: .specialist),
        Account(username: "yangfan", displayName: "杨帆", departmentCode: "customer_service", role: .specialist),
        Account(username: "zhaoguoqiang", displayName: "赵国强", departmentCode: "management", role: .leadership),
        Account(username: "sunlei", displayName: "孙磊", departmentCode: "investment", role: .liaison),
        Account(username: "zhoumin", displayName: "周敏", departmentCode: "legal", role: .liaison),
        Account(username: "wugang", displayName: "吴刚", departmentCode: "finance", role: .liaison),
        Account(username: "zhenghao", displayName: "郑浩", departmentCode: "engineering", role: .liaison),
    ]

    /// The demo password, the same for every demo account: `KEFU_DEMO_PASSWORD` or a fixed default.
    package static func password(_ environment: [String: String]) -> String {
        environment["KEFU_DEMO_PASSWORD"].flatMap { $0.count >= 10 ? $0 : nil } ?? "kefu-demo-2026"
    }

    /// Loads what is missing and leaves what exists: running it twice changes nothing.
    /// Returns the accounts it created.
    @discardableResult
    package static func load(_ app: Application, password: String) async throws -> [Account] {
        let context = AuditContext.console(now: app.kefu.clock.now)
        for (code, name) in departments
        where try await DepartmentModel.query(on: app.db).filter(\.$code == code).count() == 0 {
            _ = try await DepartmentStore(database: app.db).create(
                DepartmentInput(code: code, name: name), context: context)
        }
        var created: [Account] = []
        for account in accounts
        where try await StaffModel.query(on: app.db).filter(\.$username == account.username).count() == 0 {
            let department = try await DepartmentModel.query(on: app.db).filter(\.$code == account.departmentCode)
                .first()
            let draft = StaffDraft(
                username: account.username, displayName: account.displayName, departmentID: department?.id,
                role: account.role.rawValue, language: Language.zhHans.rawValue, password: password
            )
            do {
                _ = try await StaffStore(database: app.db).create(
                    draft, by: nil, hashing: app.passwordHashing, common: app.kefu.commonPasswords, context: context)
                created.append(account)
            } catch let errors as FieldErrors where errors.messages["role"] == "validation.staff.second_supervisor" {
                app.logger.warning(
                    "demo: \(account.username) not created, the department already has an active supervisor")
            }
        }
        return created
    }

    /// Loads the demo customers (after the accounts); returns how many were created.
    package static func loadCustomers(_ app: Application) async throws -> Int {
        let created = try await DemoCustomers.load(app)
        try await DemoProjects.load(app)
        try await DemoInquiries.load(app)
        try await DemoContracts.load(app)
        try await DemoComplaints.load(app)
        try await DemoAssessments.load(app)
        try await DemoInspections.load(app)
        try await DemoTraining.load(app)
        try await DemoConduct.load(app)
        try await DemoReturnVisits.load(app)
        try await DemoAttendance.load(app)
        try await DemoWorkPlans.load(app)
        try await DemoMonthlyReports.load(app)
        return created
    }
}
