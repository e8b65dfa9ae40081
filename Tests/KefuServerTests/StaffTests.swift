import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

@Suite("Departments and staff (R2.1)")
struct StaffTests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var message: String; var fields: [String: String] }
        var error: Detail
    }

    func newSpecialist(departmentID: Int, role: String = "specialist", username: String = "wuxia") -> CreateStaffRequest
    {
        CreateStaffRequest(
            username: username, displayName: "吴霞", departmentID: departmentID, role: role, language: "zh-Hans",
            password: "吴霞的初始密码2026")
    }

    @Test("the administrator creates an account through the API, and the creation is audited")
    func createThroughAPI() async throws {
        try await withApp { t in
            let token = try await t.token(.administrator)
            let department = try await t.staff("lina").$department.id
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(newSpecialist(departmentID: department))
                }
            ) { res async throws in
                #expect(res.status == .created)
                let staff = try res.content.decode(StaffDTO.self)
                #expect(staff.username == "wuxia")
                #expect(staff.version == 1)
            }
            let entries = try await t.auditEntries("staff.created")
            #expect(entries.last?.actorName == "admin")
            #expect(entries.last?.message.arguments["username"] == .value("wuxia"))
        }
    }

    @Test("a second active supervisor is refused with a message at the role field, and nothing is stored")
    func secondSupervisor() async throws {
        try await withApp { t in
            let token = try await t.token(.administrator)
            let department = try await t.staff("lina").$department.id
            let before = try await StaffModel.query(on: t.app.db).count()
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(newSpecialist(departmentID: department, role: "supervisor"))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let body = try res.content.decode(ErrorBody.self)
                #expect(body.error.code == "validation_failed")
                #expect(body.error.fields["role"]?.contains("已有一名在职客服主管") == true)
            }
            // Promoting a specialist is refused the same way.
            let lina = try await t.staff("lina")
            try await t.app.testing().test(
                .PATCH, "/api/v1/staff/\(lina.id!)",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(UpdateStaffRequest(version: lina.version, role: "supervisor"))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
            }
            #expect(try await StaffModel.query(on: t.app.db).count() == before)
            #expect(try await t.staff("lina").role == "specialist")
        }
    }

    @Test("the database itself refuses a second active supervisor, whatever the code does")
    func supervisorIndex() async throws {
        try await withApp { t in
            await #expect(throws: (any Error).self) {
                try await t.app.db.sql().raw("UPDATE staff SET role = 'supervisor' WHERE username = 'lina'").run()
            }
        }
    }

    @Test("a supervisor creates specialists for the team but not supervisors, administrators or other departments")
    func supervisorReach() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let customerService = try await t.staff("lina").$department.id
            let legal = try await t.staff("zhoumin").$department.id
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token); try req.content.encode(newSpecialist(departmentID: customerService))
                }
            ) { res async throws in #expect(res.status == .created) }
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(
                        newSpecialist(departmentID: customerService, role: "administrator", username: "boss"))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(newSpecialist(departmentID: legal, role: "liaison", username: "legal2"))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            let admin = try await t.staff("admin")
            try await t.app.testing().test(
                .POST, "/api/v1/staff/\(admin.id!)/deactivate", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
            #expect(try await t.staff("admin").isActive)
        }
    }

    @Test("the supervisor's list shows the team only; another department's account is out of reach")
    func supervisorSeesTeam() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            try await t.app.testing().test(
                .GET, "/api/v1/staff?perPage=50", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                #expect(res.status == .ok)
                let page = try res.content.decode(PageDTO<StaffDTO>.self)
                #expect(Set(page.items.map(\.username)) == ["admin", "wangjing", "lina", "zhangwei"])
                #expect(page.page.totalItems == 4)
            }
            let liaison = try await t.staff("zhoumin")
            try await t.app.testing().test(
                .GET, "/api/v1/staff/\(liaison.id!)", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
            #expect(try await t.auditEntries("auth.permission_denied").last?.recordID == String(liaison.id!))
        }
    }

    @Test(
        "roles without staff access are refused on every staff route, and the refusal is audited",
        arguments: [Role.specialist, .liaison])
    func refusedRoles(role: Role) async throws {
        try await withApp { t in
            let token = try await t.token(role)
            let lina = try await t.staff("lina")
            for (method, path) in [
                (HTTPMethod.GET, "/api/v1/staff"), (.GET, "/api/v1/staff/\(lina.id!)"),
                (.POST, "/api/v1/staff/\(lina.id!)/deactivate"),
            ] {
                try await t.app.testing().test(method, path, beforeRequest: { req in req.bearer(token) }) {
                    res async throws in
                    #expect(res.status == .forbidden, "\(role) reached \(method) \(path)")
                }
            }
            let browser = try await t.signIn(role)
            try await t.app.testing().test(.GET, "/staff", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("没有权限"))
            }
            #expect(try await t.auditEntries("auth.permission_denied").count == 4)
        }
    }

    @Test("two saves from the same version: the second is a conflict, not an overwrite")
    func conflict() async throws {
        try await withApp { t in
            let token = try await t.token(.administrator)
            let lina = try await t.staff("lina")
            try await t.app.testing().test(
                .PATCH, "/api/v1/staff/\(lina.id!)",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(UpdateStaffRequest(version: lina.version, displayName: "李娜（组长）"))
                }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(try res.content.decode(StaffDTO.self).version == lina.version + 1)
            }
            try await t.app.testing().test(
                .PATCH, "/api/v1/staff/\(lina.id!)",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(UpdateStaffRequest(version: lina.version, displayName: "李娜娜"))
                }
            ) { res async throws in
                #expect(res.status == .conflict)
                #expect(try res.content.decode(ErrorBody.self).error.code == "conflict")
            }
            #expect(try await t.staff("lina").displayName == "李娜（组长）")
            #expect(try await t.auditEntries("staff.updated").last?.fields == "displayName")
        }
    }

    @Test("the page form shows the conflict with the saved values")
    func conflictOnPage() async throws {
        try await withApp { t in
            let browser = try await t.signIn(.administrator)
            let lina = try await t.staff("lina")
            let fields = [
                "displayName": "李娜二号", "departmentID": String(lina.$department.id), "role": "specialist",
                "language": "zh-Hans", "version": String(lina.version - 1),
            ]
            try await t.app.testing().test(
                .POST, "/staff/\(lina.id!)", beforeRequest: { req in try req.form(fields, browser: browser) }
            ) { res async throws in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("已被他人修改"))
                #expect(res.body.string.contains("value=\"李娜\""))
            }
        }
    }

    @Test("bad input on the create page: messages at the fields, what was typed kept, nothing stored")
    func createPageBadInput() async throws {
        try await withApp { t in
            let browser = try await t.signIn(.administrator)
            let before = try await StaffModel.query(on: t.app.db).count()
            let fields = [
                "username": "9zhang", "displayName": "新同事", "role": "specialist", "departmentID": "999",
                "language": "zh-Hans", "password": "short",
            ]
            try await t.app.testing().test(
                .POST, "/staff", beforeRequest: { req in try req.form(fields, browser: browser) }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("用户名需以英文字母开头"))
                #expect(html.contains("请从列表中选择"))
                #expect(html.contains("密码至少需要 10 个字符"))
                #expect(html.contains("value=\"新同事\""))
            }
            #expect(try await StaffModel.query(on: t.app.db).count() == before)
        }
    }

    @Test("deactivating an account ends its sessions; accounts are never deleted; the last administrator stays")
    func deactivate() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            let admin = try await t.signIn(.administrator)
            let linaModel = try await t.staff("lina")
            try await t.app.testing().test(
                .POST, "/staff/\(linaModel.id!)/deactivate",
                beforeRequest: { req in
                    try req.form(["version": String(linaModel.version)], browser: admin)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in lina.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .seeOther)
            }
            #expect(try await t.staff("lina").isActive == false)
            #expect(t.app.routes.all.allSatisfy { $0.method != .DELETE || !$0.path.description.contains("staff") })
            await #expect(throws: KefuError.self) {
                try await StaffStore(database: t.app.db).setActive(
                    try await t.staff("admin"), false, version: nil, context: .console(now: testStart))
            }
        }
    }

    @Test("liaisons must belong to another department")
    func liaisonDepartment() async throws {
        try await withApp { t in
            let token = try await t.token(.administrator)
            let customerService = try await t.staff("lina").$department.id
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(newSpecialist(departmentID: customerService, role: "liaison"))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.decode(ErrorBody.self).error.fields["departmentID"] != nil)
            }
        }
    }

    @Test("departments: the administrator adds one; a duplicate code is refused; a supervisor cannot")
    func departments() async throws {
        try await withApp { t in
            let admin = try await t.token(.administrator)
            try await t.app.testing().test(
                .POST, "/api/v1/departments",
                beforeRequest: { req in
                    req.bearer(admin); try req.content.encode(DepartmentInput(code: "finance", name: "财务部"))
                }
            ) { res async throws in #expect(res.status == .created) }
            try await t.app.testing().test(
                .POST, "/api/v1/departments",
                beforeRequest: { req in
                    req.bearer(admin); try req.content.encode(DepartmentInput(code: "finance", name: "财务二部"))
                }
            ) { res async throws in #expect(res.status == .unprocessableEntity) }
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .POST, "/api/v1/departments",
                beforeRequest: { req in
                    req.bearer(supervisor); try req.content.encode(DepartmentInput(code: "hr", name: "人事部"))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            try await t.app.testing().test(
                .GET, "/api/v1/departments", beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(
                    try res.content.decode(DepartmentsController.DepartmentList.self).items.map(\.code).contains(
                        "finance"))
            }
        }
    }
}
