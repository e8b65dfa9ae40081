import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Twenty investment projects across several provinces — parks, commercial property, franchise
/// brands — with cases, and for the demo customers the recommendations, reactions and follow-ups a
/// few months of work leave behind. Deterministic, like the demo customers.
enum DemoProjects {
    // code, name, type, industries, province, city, area ㎡, min 万元, max 万元, return %, payback years, incentives, highlights
    typealias Entry = (
        String, String, ProjectType, [String], String, String, Int?, Int, Int, Double?, Double?, String, String
    )
    static let entries: [Entry] = [
        (
            "XM-2026-001", "临港智能制造产业园", .industrialPark, ["manufacturing", "technology"], "上海市", "上海", 120_000, 500,
            5000, 8.5, 7,
            "标准厂房前三年租金减半；固定资产投资超 5000 万元给予 5% 补贴", "紧邻洋山深水港，30 分钟到达浦东机场；园区已入驻 60 余家装备制造企业"
        ),
        (
            "XM-2026-002", "苏州工业园区生物医药创新中心", .industrialPark, ["biomedicine"], "江苏省", "苏州", 80_000, 1000, 8000, 9.0, 8,
            "GMP 厂房代建，研发费用加计扣除辅导；人才公寓优先配租", "已形成原料药—制剂—CRO 产业链，毗邻苏州大学医学部"
        ),
        (
            "XM-2026-003", "南京江北新区集成电路产业基地", .industrialPark, ["technology", "manufacturing"], "江苏省", "南京", 150_000,
            3000, 20000, 7.5, 9,
            "流片费用补贴 30%，最高 500 万元；企业所得税地方留成部分三免三减半", "芯片设计到封测的完整配套，国家级集成电路产业基金对接"
        ),
        (
            "XM-2026-004", "杭州未来科技城数字经济园", .industrialPark, ["technology", "education"], "浙江省", "杭州", 60_000, 200, 3000,
            10.0, 5,
            "办公用房两年免租；数字经济企业落户奖励 50 万元", "阿里巴巴西溪园区周边，互联网人才集聚"
        ),
        (
            "XM-2026-005", "宁波前湾新能源汽车零部件园", .industrialPark, ["new_energy", "manufacturing"], "浙江省", "宁波", 200_000,
            2000, 15000, 8.0, 8,
            "土地出让金分期缴纳；新能源项目设备投资补贴 8%", "吉利整车基地配套半径 10 公里内"
        ),
        (
            "XM-2026-006", "深圳前海跨境电商物流中心", .commercialProperty, ["logistics", "retail"], "广东省", "深圳", 45_000, 300, 2000,
            11.0, 6,
            "跨境电商企业仓储租金补贴 20%；海关监管仓一站式通关", "前海综保区内，直通香港机场货运"
        ),
        (
            "XM-2026-007", "广州天河中央商务区甲级写字楼", .commercialProperty, ["finance", "technology"], "广东省", "广州", 30_000, 100,
            1500, 6.0, 12,
            "总部企业落户奖励最高 1000 万元；首年租金 8 折", "地铁三线交汇，毗邻珠江新城金融集聚区"
        ),
        (
            "XM-2026-008", "成都天府新区文创街区商铺", .commercialProperty, ["culture_tourism", "catering", "retail"], "四川省", "成都",
            12_000, 50, 500, 12.0, 5,
            "文创企业装修补贴每平方米 200 元；前半年免租", "年客流量 800 万人次，夜间经济示范街区"
        ),
        (
            "XM-2026-009", "武汉光谷生物城孵化器", .industrialPark, ["biomedicine", "technology"], "湖北省", "武汉", 25_000, 50, 800,
            9.5, 6,
            "孵化企业三年房租全免；创业团队启动资金 20 万元", "华中科技大学、武汉大学产学研合作平台"
        ),
        (
            "XM-2026-010", "青岛西海岸冷链物流园", .industrialPark, ["logistics", "agriculture"], "山东省", "青岛", 90_000, 800, 6000,
            8.0, 9,
            "冷库建设补贴 10%；农产品流通企业用电优惠", "前湾港冷链查验中心旁，日韩进口生鲜集散地"
        ),
        (
            "XM-2026-011", "厦门自贸片区融资租赁集聚区", .commercialProperty, ["finance"], "福建省", "厦门", 8_000, 500, 10000, 7.0, 10,
            "融资租赁企业注册资本 1% 落户奖励；高管个税地方留成返还", "两岸金融合作示范区，航空租赁业务成熟"
        ),
        (
            "XM-2026-012", "合肥新站新型显示产业园", .industrialPark, ["technology", "manufacturing", "new_energy"], "安徽省", "合肥",
            180_000, 5000, 30000, 7.0, 10,
            "一事一议：土地、厂房代建、产业基金跟投", "京东方、维信诺等龙头企业带动的上下游配套"
        ),
        (
            "XM-2026-013", "北京亦庄医疗器械产业园", .industrialPark, ["biomedicine", "manufacturing"], "北京市", "北京", 70_000, 1000,
            10000, 8.5, 8,
            "二类医疗器械注册绿色通道；研发投入后补助 20%", "国家药监局器审中心北京分中心就近服务"
        ),
        (
            "XM-2026-014", "天津滨海新区智慧港口物流项目", .industrialPark, ["logistics"], "天津市", "天津", 110_000, 1500, 9000, 7.5, 9,
            "港口作业费优惠；多式联运补贴", "北方最大综合性港口，海铁联运直达蒙古、中亚"
        ),
        (
            "XM-2026-015", "重庆两江新区汽车电子产业园", .industrialPark, ["manufacturing", "new_energy", "technology"], "重庆市", "重庆",
            130_000, 1000, 12000, 8.0, 8,
            "设备购置补贴 10%；员工招聘专项服务", "长安汽车、赛力斯等整车企业配套需求旺盛"
        ),
        (
            "XM-2026-016", "西安高新区软件与信息服务基地", .industrialPark, ["technology", "education"], "陕西省", "西安", 40_000, 100,
            2000, 10.5, 5,
            "软件企业人才引进奖励；办公用房三年租金补贴 50%", "高校毕业生年供给超 30 万人"
        ),
        (
            "XM-2026-017", "长沙梅溪湖社区商业综合体", .commercialProperty, ["retail", "catering", "education"], "湖南省", "长沙",
            20_000, 80, 600, 11.5, 6,
            "首店经济奖励 30 万元；前三个月免租", "周边 10 万常住人口，亲子业态缺口大"
        ),
        (
            "XM-2026-018", "茶小满新式茶饮品牌加盟", .franchise, ["catering", "retail"], "河南省", "郑州", nil, 30, 80, 25.0, 2,
            "首批加盟免加盟费；总部提供选址与装修设计", "全国 600 家门店，单店月均营业额 25 万元"
        ),
        (
            "XM-2026-019", "乐学优少儿编程教育加盟", .franchise, ["education"], "广东省", "广州", nil, 50, 150, 20.0, 2.5,
            "课程体系与教师培训全包；前六个月运营督导驻店", "与 30 所中小学合作课后服务，续费率 78%"
        ),
        (
            "XM-2026-020", "鲜达社区生鲜连锁加盟", .franchise, ["retail", "agriculture", "logistics"], "江苏省", "南京", nil, 60, 200,
            18.0, 3,
            "统一冷链配送，首批货款账期 30 天", "自建基地直采，损耗率低于行业平均 3 个百分点"
        ),
    ]

    /// Loads the projects if the catalog is empty, then recommendations and follow-ups for the demo
    /// customers that have none.
    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard try await sql.raw("SELECT COUNT(*) AS n FROM projects").first()?.decode(column: "n", as: Int.self) == 0
        else { return }
        guard
            let supervisor = try await StaffModel.query(on: app.db).filter(\.$role == Role.supervisor.rawValue).first()
        else { return }
        let start = app.kefu.clock.now.addingTimeInterval(-210 * 86400)
        var context = AuditContext.console(now: start)
        context.actorStaffID = supervisor.id
        context.actorName = supervisor.username
        let store = ProjectStore(database: app.db)
        for (index, entry) in entries.enumerated() {
            var draft = ProjectDraft()
            draft.code = entry.0; draft.name = entry.1; draft.type = entry.2.rawValue; draft.industries = entry.3
            draft.province = entry.4; draft.city = entry.5; draft.areaSquareMeters = entry.6.map(String.init) ?? ""
            draft.investmentMinWan = String(entry.7); draft.investmentMaxWan = String(entry.8)
            draft.annualReturnPercent = entry.9.map { "\($0)" } ?? "";
            draft.paybackYears = entry.10.map { "\($0)" } ?? ""
            draft.incentives = entry.11; draft.highlights = entry.12; draft.responsibleDepartment = "招商部"
            // Two projects are no longer open, so the catalog shows every status.
            draft.status =
                index == 10
                ? ProjectStatus.paused.rawValue
                : index == 13 ? ProjectStatus.closed.rawValue : ProjectStatus.open.rawValue
            guard case .success(let facts) = ProjectValidation.validate(draft) else { continue }
            context.now = start.addingTimeInterval(Double(index) * 3600)
            let record = try await store.create(facts, context: context)
            _ = try await store.addCase(
                ProjectCase(
                    title: "\(entry.5)某企业落户案例", summary: "该企业通过招商部对接，从首次咨询到签约用时 45 天，享受了园区的租金与设备补贴政策。",
                    figures: "投资 \(entry.7 * 2) 万元，带动就业 \(30 + index * 5) 人"), to: record.id, context: context)
            if index % 4 == 0 {
                // A later change of the facts: the second version shows what changed and when.
                var changed = facts
                changed.incentives = (facts.incentives ?? "") + "；2026 年新增：首年物业费全免"
                context.now = start.addingTimeInterval(120 * 86400 + Double(index) * 3600)
                _ = try await store.update(record.id, with: changed, version: record.version, context: context)
            }
        }
        try await loadWork(app, start: start.addingTimeInterval(130 * 86400))
    }

    /// Recommendations with reactions, and follow-ups (some overdue, some done), for demo customers.
    private static func loadWork(_ app: Application, start: Date) async throws {
        let rows = try await app.db.sql().raw(
            """
            SELECT customers.id, customers.stage, customers.responsible_staff_id, staff.username FROM customers
            JOIN staff ON staff.id = customers.responsible_staff_id WHERE customers.merged_into_id IS NULL ORDER BY customers.id LIMIT 300
            """
        ).allRows(DemoRows.Customer.self)
        let recommendations = RecommendationStore(database: app.db)
        let followUps = FollowUpStore(database: app.db)
        let reasons = ["投资额超出预算", "更倾向长三角地区", "回报周期太长", "行业不符合公司战略"]
        let purposes = ["发送园区招商手册并确认考察时间", "回访客户对租金方案的意见", "确认签约材料准备情况", "邀请参加本月项目推介会"]
        let now = app.kefu.clock.now
        for (index, row) in rows.enumerated() {
            let id = row.id
            let stage = CustomerStage(rawValue: row.stage ?? "") ?? .lead
            var context = AuditContext.console(now: start.addingTimeInterval(Double(index) * 20_000))
            context.actorStaffID = row.responsibleStaffID
            context.actorName = row.username
            if index % 2 == 0, stage != .lead {
                for (step, ranked) in try await recommendations.ranking(for: id).prefix(2).enumerated() {
                    let recommendationID = try await recommendations.record(
                        .init(
                            projectID: ranked.project.id, presentation: step == 0 ? "phone" : "wechat",
                            material: "项目招商手册（PDF）"),
                        customerID: id, context: context)
                    context.now = context.now.addingTimeInterval(2 * 86400)
                    let reaction: Reaction = [.interested, .wantsMoreInformation, .notInterested][
                        (index / 2 + step) % 3]
                    try await recommendations.react(
                        .init(
                            reaction: reaction.rawValue,
                            reason: reaction == .notInterested ? reasons[index % reasons.count] : nil),
                        recommendationID: recommendationID, customerID: id, context: context)
                }
            }
            guard stage.needsFollowUp else { continue }
            // Planned relative to today: a few are overdue, the rest due over the next two weeks.
            context.now = now.addingTimeInterval(-7 * 86400)
            let due = now.addingTimeInterval(Double(index % 9 - 2) * 86400 + 3600)
            if due > context.now {
                _ = try await followUps.plan(
                    .init(
                        dueAt: ISO8601DateFormatter().string(from: due), channel: index % 2 == 0 ? "phone" : "wechat",
                        purpose: purposes[index % purposes.count]), customerID: id, context: context,
                    timeZone: DisplayFormat.timeZone)
            }
        }
    }
}
