// The demo tenant's customer cases (`orgd seed demo`): the customer-service center's settings
// (subcategories, warranty months, SLA hours) and a case in every state of the flow — on the
// equipment path with dispatch to the network, on the forward path to a department, a case paused
// for parts and one reopened by an unsatisfied follow-up — each taken step by step through
// CaseSteps.apply, as the API does.

import App
import CaseFlow
import Cases
import Network
import OrgChart
import Postgres

enum DemoCases {
    static let subcategories: [(String, String, String)] = [
        ("platform", "login", "无法登录"), ("platform", "renewal", "续费与开通"), ("equipment", "no_power", "无法开机"),
        ("equipment", "positioning", "定位异常"), ("other", "howto", "使用咨询"),
    ]
    static let sla: [(String?, String, Double)] = [
        (nil, "received", 2), (nil, "classified", 8), (nil, "forwarded", 48), ("equipment", "warranty_decided", 24),
        ("equipment", "owner_notified", 24), ("equipment", "dispatched", 72), ("equipment", "site_reported", 24), (nil, "resolved", 48),
    ]

    /// One demo case: the customer, the product, what they said, and the steps it has taken.
    struct Story {
        var customer: String
        var phone: String
        var line: String?
        var purchasedDaysAgo: Int?
        var description: String
        var category: String
        var subcategory: String
        var steps: [CaseStep]
        var paused: PauseReason?
    }

    static let stories: [Story] = [
        Story(customer: "刘女士", phone: "13911110001", line: nil, purchasedDaysAgo: nil, description: "续费后平台仍提示账号到期，无法登录",
              category: "platform", subcategory: "renewal", steps: []),
        Story(customer: "陈先生", phone: "13911110002", line: nil, purchasedDaysAgo: nil, description: "询问如何导出行车轨迹",
              category: "other", subcategory: "howto", steps: [.classify]),
        Story(customer: "王先生", phone: "13911110003", line: nil, purchasedDaysAgo: nil, description: "平台地图不显示车辆位置",
              category: "platform", subcategory: "login", steps: [.classify, .forward]),
        Story(customer: "赵先生", phone: "13911110004", line: "terminal", purchasedDaysAgo: 200, description: "车载终端无法开机",
              category: "equipment", subcategory: "no_power", steps: [.classify, .decideWarranty]),
        Story(customer: "孙女士", phone: "13911110005", line: "terminal", purchasedDaysAgo: 900, description: "终端进水后无法开机",
              category: "equipment", subcategory: "no_power", steps: [.classify, .decideWarranty, .notifyOwner]),
        Story(customer: "周先生", phone: "13911110006", line: "terminal", purchasedDaysAgo: 300, description: "定位频繁漂移",
              category: "equipment", subcategory: "positioning", steps: [.classify, .decideWarranty, .notifyOwner, .dispatch],
              paused: .parts),
        Story(customer: "吴先生", phone: "13911110007", line: "dashcam", purchasedDaysAgo: 100, description: "记录仪花屏",
              category: "equipment", subcategory: "no_power", steps: [.classify, .decideWarranty, .notifyOwner, .dispatch, .siteReport]),
        Story(customer: "郑女士", phone: "13911110008", line: nil, purchasedDaysAgo: nil, description: "忘记平台密码",
              category: "platform", subcategory: "login", steps: [.classify, .solve]),
        Story(customer: "冯先生", phone: "13911110009", line: "terminal", purchasedDaysAgo: 400, description: "终端频繁重启",
              category: "equipment", subcategory: "no_power",
              steps: [.classify, .decideWarranty, .notifyOwner, .dispatch, .siteReport, .resolve, .followUp, .siteReport, .resolve, .followUp]),
        Story(customer: "何女士", phone: "13911110010", line: "terminal", purchasedDaysAgo: 500, description: "定位不准",
              category: "equipment", subcategory: "positioning",
              steps: [.classify, .decideWarranty, .notifyOwner, .dispatch, .siteReport, .resolve, .followUp, .archive]),
    ]

    static func build(_ connection: PGConnection, tenantID: String, anchors: DemoChart.Anchors, sites: [String: String]) async throws {
        var settings = CaseSettings()
        settings.subcategories = subcategories.map { .init(category: $0.0, code: $0.1, name: $0.2) }
        settings.warranties = [(productLine: "terminal", months: 24), (productLine: "dashcam", months: 12)]
        settings.sla = sla.map { .init(category: $0.0, state: $0.1, hours: $0.2) }
        _ = try await CaseSettingsStore.replace(connection, tenant: tenantID, settings)
        let shanghai = try await connection.query("SELECT id::text FROM regions WHERE code = 'SH'" as PGQuery).decodeFirst(String.self)
        for story in stories {
            try await tell(story, connection, tenantID: tenantID, anchors: anchors, sites: sites, region: shanghai)
        }
    }

    static func tell(_ story: Story, _ connection: PGConnection, tenantID: String, anchors: DemoChart.Anchors, sites: [String: String],
                     region: String?) async throws {
        let id = try await CaseStore.create(connection, tenant: tenantID, CaseDraft(
            customerName: story.customer, customerPhone: story.phone, customerAccount: "", productLine: story.line,
            model: story.line == nil ? "" : "T-200", serialNo: story.line == nil ? "" : "SN\(story.phone.suffix(4))",
            purchaseDate: story.purchasedDaysAgo.map { Day.today.adding(days: -$0).description }, description: story.description,
            channel: "phone", regionID: region, latitude: 31.2304, longitude: 121.4737, unitID: anchors.units["CC"]!,
            assigneePersonID: nil, attachments: [], createdBy: nil))
        try await CaseClock.start(connection, id: id)
        try await CaseEventStore.record(connection, tenant: tenantID, case: id, step: "receive", from: "received", to: "received",
                                        actor: nil, note: "", data: Array("{}".utf8))
        var record = try await CaseStore.record(connection, id: id)!
        var followUps = 0
        for step in story.steps {
            var outcome: FollowUpOutcome?
            if step == .followUp {
                followUps += 1
                outcome = followUps == 1 && story.steps.filter({ $0 == .followUp }).count > 1 ? .unsatisfied : .satisfied
            }
            record = try await CaseSteps.apply(step, to: record, connection, tenant: tenantID, actor: nil, outcome: outcome) { record in
                switch step {
                case .classify:
                    record.categoryText = story.category
                    record.subcategory = story.subcategory
                case .forward:
                    record.unitID = anchors.units["OPS"]!
                case .decideWarranty:
                    let inPeriod = (story.purchasedDaysAgo ?? 10_000) < 730
                    record.inWarranty = inPeriod
                    record.inWarrantyComputed = inPeriod
                    record.cause = story.description.contains("进水") ? "human" : "non_human"
                    record.charge = inPeriod && record.cause == "non_human" ? "free" : "charged"
                case .dispatch:
                    record.siteID = sites["RS-SH-PD"]
                case .siteReport:
                    record.chargeAmount = record.charge == "free" ? 0 : 180
                case .followUp:
                    record.satisfied = outcome == .satisfied
                default:
                    break
                }
                return StepRecord(note: note(step, outcome: outcome))
            }
        }
        if let reason = story.paused {
            _ = try await CaseSteps.apply(.pause, to: record, connection, tenant: tenantID, actor: nil, pauseReason: reason) { _ in
                StepRecord(note: "等待主板配件到货")
            }
        }
    }

    static func note(_ step: CaseStep, outcome: FollowUpOutcome?) -> String {
        switch step {
        case .solve: "已指导客户重置密码"
        case .notifyOwner: "已告知车主故障原因及使用注意事项"
        case .siteReport: "已更换主板并测试正常"
        case .followUp: outcome == .satisfied ? "客户满意" : "客户反映问题复现"
        default: ""
        }
    }
}
