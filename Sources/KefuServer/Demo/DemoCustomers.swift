import Fluent
import Foundation
import KefuDomain
import Vapor

/// A few hundred realistic customer files with their histories for the demo department: investors,
/// tenants and franchisees from across China, each with communications and consent, owned by the
/// demo specialists. Deterministic, so every demo looks the same.
enum DemoCustomers {
    static let surnames = Array(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let givenNames = [
        "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
        "平", "刚", "桂英", "建华", "志强", "海燕", "国庆", "晓东", "子涵", "浩然", "雨桐", "梓萱", "俊杰", "文博", "思远", "嘉怡",
    ]
    static let places: [(String, String)] = [
        ("上海市", "上海"), ("江苏省", "苏州"), ("江苏省", "南京"), ("浙江省", "杭州"), ("浙江省", "宁波"), ("广东省", "深圳"), ("广东省", "广州"),
        ("四川省", "成都"), ("湖北省", "武汉"), ("山东省", "青岛"), ("福建省", "厦门"), ("安徽省", "合肥"), ("北京市", "北京"), ("天津市", "天津"),
        ("重庆市", "重庆"), ("陕西省", "西安"), ("湖南省", "长沙"), ("河南省", "郑州"),
    ]
    static let companyWords = [
        "浦江", "华东", "星辰", "蓝海", "鼎盛", "恒信", "远航", "启明", "金桥", "宏达", "润泽", "天成", "众合", "博远", "嘉禾", "瑞丰", "汇通", "新元",
    ]
    static let companyKinds = ["科技", "智能制造", "生物医药", "新能源", "物流", "贸易", "餐饮管理", "教育咨询", "文化传媒", "供应链", "实业", "电子"]
    static let summaries = [
        "询问园区厂房租金及物业费", "了解三年免租政策的申请条件", "咨询工商注册所需材料", "要求发送项目招商手册", "确认实地考察时间",
        "反馈对租金报价有顾虑", "询问税收奖励比例", "了解人才公寓申请流程", "对比两个园区的优惠政策", "询问加盟品牌首期投入",
        "了解商铺的客流数据", "询问装修补贴", "确认签约日期", "询问电力增容费用", "了解产业基金对接",
    ]

    /// Loads `count` customers if the demo has none yet; returns how many it created.
    static func load(_ app: Application, count: Int = 300) async throws -> Int {
        guard try await CustomerModel.query(on: app.db).count() == 0 else { return 0 }
        let specialists = try await StaffModel.query(on: app.db).filter(\.$role == Role.specialist.rawValue).filter(
            \.$isActive == true
        ).sort(\.$id).all()
        guard !specialists.isEmpty else { return 0 }
        var generator = SeededGenerator(seed: 20_261_129)
        let store = CustomerStore(database: app.db)
        let communications = CommunicationStore(database: app.db)
        let consents = ConsentStore(database: app.db)
        let start = app.kefu.clock.now.addingTimeInterval(-200 * 86400)
        var created = 0
        for index in 0..<count {
            let owner = specialists[index % specialists.count]
            let (province, city) = places[Int.random(in: 0..<places.count, using: &generator)]
            let isCompany = index % 5 != 0
            var draft = CustomerDraft()
            draft.kind = isCompany ? CustomerKind.company.rawValue : CustomerKind.individual.rawValue
            draft.name =
                String(surnames[Int.random(in: 0..<surnames.count, using: &generator)])
                + givenNames[Int.random(in: 0..<givenNames.count, using: &generator)]
            if isCompany {
                draft.companyName =
                    city + companyWords[Int.random(in: 0..<companyWords.count, using: &generator)]
                    + companyKinds[Int.random(in: 0..<companyKinds.count, using: &generator)] + "有限公司"
                let first17 = "9131" + String(format: "%04d", index) + "MA1" + String(format: "%06d", index * 7)
                if let check = UnifiedSocialCreditCode.checkCharacter(for: first17) {
                    draft.creditCode = first17 + String(check)
                }
            }
            draft.mobile =
                "1" + ["38", "39", "37", "86", "58", "59"][index % 6]
                + String(format: "%08d", (index * 7_919 + 1_234_567) % 100_000_000)
            if index % 3 == 0 { draft.email = "contact\(index)@example.cn" }
            draft.province = province
            draft.city = city
            if index % 2 == 0 { draft.preferredRegions = index % 4 == 0 ? city : province }
            draft.industries = [CustomerVocabulary.industries[index % CustomerVocabulary.industries.count]]
            draft.budgetMinWan = String([50, 100, 300, 500, 1000, 3000][index % 6])
            draft.budgetMaxWan = String([50, 100, 300, 500, 1000, 3000][index % 6] * 3)
            draft.timing = InvestmentTiming.allCases[index % InvestmentTiming.allCases.count].rawValue
            draft.source = SourceChannel.allCases[index % SourceChannel.allCases.count].rawValue
            draft.category = CustomerVocabulary.categories[index % CustomerVocabulary.categories.count]
            draft.grade = CustomerVocabulary.grades[index % 4]
            draft.stage =
                [CustomerStage.lead, .intent, .intent, .negotiating, .signed, .partner, .lost][index % 7].rawValue
            if draft.stage == CustomerStage.lost.rawValue { draft.lostReason = "预算不足，暂缓投资" }
            draft.consentChannel = "verbal_phone"
            draft.consentNoticeVersion = "2026-01"
            guard case .success(let values) = CustomerValidation.validate(draft) else { continue }
            let createdAt = start.addingTimeInterval(Double(index) * 50_000)
            var context = AuditContext.console(now: createdAt)
            context.actorStaffID = owner.id
            context.actorName = owner.username
            let customer = try await store.create(
                values, responsibleStaffID: owner.id, duplicateReason: "演示数据", context: context)
            let id = try customer.requireID()
            _ = try await consents.record(
                ConsentDTO(
                    purpose: ConsentPurpose.collection.rawValue, status: ConsentStatus.granted.rawValue,
                    channel: "verbal_phone",
                    evidence: "来电录音", noticeVersion: "2026-01"), customerID: id, context: context)
            for step in 0..<(1 + index % 4) {
                context.now = createdAt.addingTimeInterval(Double(step + 1) * 86_400 * 3)
                _ = try await communications.create(
                    CommunicationRecordDTO(
                        channel: step % 2 == 0 ? "phone" : "wechat", direction: step == 0 ? "inbound" : "outbound",
                        durationMinutes: 5 + (index + step) % 30, summary: summaries[(index + step) % summaries.count],
                        content: "客户关注投资回报和配套政策。", nextStep: "一周内发送资料并回访"),
                    customerID: id, staffID: try owner.requireID(), context: context)
            }
            created += 1
        }
        return created
    }
}

/// A small deterministic random source (SplitMix64) so demo data is the same on every machine.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
